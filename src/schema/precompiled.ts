/**
 * Validators of talium's own schemas (schemas/cilium, talos, kustomize), compiled by ajv at build time
 * (scripts/precompile-schemas.ts) into CommonJS modules under dist/schema-validators/, so a lint does not spend
 * 0.1–0.3 s compiling them. Used only when the build's manifest matches the installed ajv and the schema files on
 * disk; otherwise (and with TALIUM_PRECOMPILED=0) the registry compiles at run time as before. Same ajv, same
 * options, same schemas: the same validation (a test compares both).
 */
import { crypto } from '../core/builtins.js';
import { compileFunction, fileStamp } from '../core/code-cache.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { FORMATS } from './formats.js';
import { compileRe2 } from './re2.js';
import { builtinSchemaDir } from './schema-files.js';

/** dist/schema-validators/ (from dist/src/schema/ and from the bundle in dist/src/bundle/ alike). */
export const PRECOMPILED_DIR = fileURLToPath(new URL('../../schema-validators/', import.meta.url));
export const MANIFEST_FILE = 'manifest.json';
/** The CommonJS runtime the generated code requires (relative to the generated modules). */
export const RUNTIME_FILE = 'runtime.cjs';

/**
 * The generated validators call talium's RE2-aware regex constructor and its formats. They get them from the
 * running talium (a process-wide symbol set here, before any of them loads) rather than from a second copy of
 * that code: RUNTIME_TEXT is the whole of runtime.cjs.
 */
const RUNTIME_SYMBOL = 'talium.schema-runtime';
export const RUNTIME_TEXT = `// Written by scripts/precompile-schemas.ts: the running talium provides the regex engine and formats.\nmodule.exports = globalThis[Symbol.for(${JSON.stringify(RUNTIME_SYMBOL)})];\n`;
(globalThis as Record<symbol, unknown>)[Symbol.for(RUNTIME_SYMBOL)] = { compileRe2, FORMATS };

export interface PrecompiledManifest {
  version: 1;
  /** ajv version that generated the code. */
  ajv: string;
  /** Fingerprint of the built-in schema files (schemasFingerprint). */
  schemas: string;
  /** Their fileStamps when that fingerprint was taken (schemasStamp): the cheap check. */
  stamp?: string;
  /** Fingerprint of the code that turns schemas into validators (decides whether the build regenerates). */
  generator: string;
  /** Registry cache key (`builtin|ctx/<line>/<apiVersion>/|<file>[#fragment]`) → module file name. */
  entries: Record<string, string>;
}

const require = createRequire(import.meta.url);

export function ajvVersion(): string {
  return (require('ajv/package.json') as { version: string }).version;
}

/**
 * The schema files the build compiles (the registry's, and talium.config.schema.json), sorted; not
 * cluster.schema.json, which is written from src/spec/schema.ts (part of the generator's fingerprint instead).
 */
function schemaFiles(dir: string): Array<{ rel: string; abs: string }> {
  const out: Array<{ rel: string; abs: string }> = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const abs = join(d, n);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (n.endsWith('.json') && !(d === dir && n === 'cluster.schema.json')) out.push({ rel: relative(dir, abs).split(sep).join('/'), abs });
    }
  };
  walk(dir);
  return out;
}

/** sha256 over the built-in schema files' names and bytes. */
export function schemasFingerprint(dir = builtinSchemaDir()): string {
  const h = crypto().createHash('sha256');
  for (const f of schemaFiles(dir)) h.update(f.rel).update('\0').update(readFileSync(f.abs)).update('\0');
  return h.digest('hex');
}

/** Names and fileStamps of the built-in schema files: equal stamps, equal fingerprints. */
export function schemasStamp(dir = builtinSchemaDir()): string {
  return schemaFiles(dir)
    .map((f) => `${f.rel}:${fileStamp(f.abs)}`)
    .join('\n');
}

let state: { manifest: PrecompiledManifest } | null | undefined;

function loadState(): { manifest: PrecompiledManifest } | null {
  if (process.env['TALIUM_PRECOMPILED'] === '0') return null;
  try {
    const manifest = JSON.parse(readFileSync(join(PRECOMPILED_DIR, MANIFEST_FILE), 'utf8')) as PrecompiledManifest;
    if (manifest.version !== 1 || manifest.ajv !== ajvVersion()) return null;
    // the files' stamps as built: no need to read and hash them (a checkout or an edit changes the stamp)
    if (manifest.stamp !== schemasStamp() && manifest.schemas !== schemasFingerprint()) return null;
    return { manifest };
  } catch {
    return null;
  }
}

/** The precompiled validator for a registry key, or undefined (not built, stale, or not a built-in variant). */
export function precompiledValidator(key: string): ValidateFunction | undefined {
  if (state === undefined) state = loadState();
  const file = state?.manifest.entries[key];
  if (!file) return undefined;
  try {
    const abs = join(PRECOMPILED_DIR, file);
    const module = { exports: {} as ValidateFunction & { default?: ValidateFunction } };
    // a CommonJS module run through the code cache (require() would compile it again on every run)
    const run = compileFunction<(exports: unknown, require: NodeJS.Require, module: unknown) => void>(readFileSync(abs, 'utf8'), abs, ['exports', 'require', 'module'], fileStamp(abs));
    run(module.exports, createRequire(abs), module);
    const m = module.exports;
    return m.default ?? m;
  } catch {
    return undefined;
  }
}
