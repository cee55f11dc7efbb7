/**
 * Synchronous loader for the precompiled validator modules of kubernetes-models (`_schemas/*.js`): Node 20
 * cannot `require` ES modules, and the lint engine validates synchronously. These files are generated ajv
 * standalone code with four statement shapes only (named imports of `validate`/`formats`, the default imports of
 * `ucs2length` and `re2`, and `export const validate=...`), so we rewrite exactly those and evaluate the body as a function. Imports become
 * bindings resolved on first call, so recursive schemas (import cycles) work. Anything unexpected → undefined.
 * The validators' contexts are made positional arguments (positional.ts); the rewritten module is kept in the code
 * cache's pack under the file's stamp, beside its compiled code, so an unchanged module is not read and rewritten again.
 */
import { cachedText, compileFunction, fileStamp } from '../core/code-cache.js';
import { sha1 } from '../core/builtins.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isByte, isDateTime, isInt32, isInt64, isQuantity } from './formats.js';
import { compileRe2 } from './re2.js';
import { positionalContexts } from './positional.js';

type Exports = Record<string, unknown>;

/** A checker usable both ways the generated code calls formats: `f.validate(x)` and `f.validate.test(x)`. */
function checker(fn: (v: unknown) => boolean): { validate: ((v: unknown) => boolean) & { test: (v: unknown) => boolean } } {
  return { validate: Object.assign((v: unknown) => fn(v), { test: (v: unknown) => fn(v) }) };
}

/** Format checkers the generated code asks `formats` for. */
const FORMATS: Record<string, ReturnType<typeof checker>> = {
  byte: checker((v) => typeof v === 'string' && isByte(v)),
  double: checker((v) => typeof v === 'number' && Number.isFinite(v)),
  int32: checker((v) => typeof v === 'number' && isInt32(v)),
  int64: checker((v) => typeof v === 'number' && isInt64(v)),
  quantity: checker((v) => (typeof v === 'string' || typeof v === 'number') && isQuantity(v)),
  'date-time': checker((v) => typeof v === 'string' && isDateTime(v)),
};

/**
 * The RE2 class the generated code constructs for Go-syntax patterns (`new RE2(pattern, "u")`, then `.test`): the
 * package's own is re2-wasm, which loads asynchronously; talium's translation to a JS RegExp answers the same
 * (src/schema/re2.ts, checked against Go's semantics there). A constructor returning an object yields that object.
 */
function RE2(pattern: string, flags?: string): RegExp {
  return compileRe2(pattern, flags ?? 'u');
}

/** ajv's ucs2length: string length in code points. */
function ucs2length(str: string): number {
  let length = 0;
  for (const _ of str) length++;
  return length;
}

const IMPORT = /import\{([^}]*)\}from"([^"]+)";?/g;
const DEFAULT_IMPORT = /import (\w+) from"([^"]+)";?/g;
const EXPORT = /export const (\w+)=(\w+);?/g;

type Validate = ((...a: unknown[]) => unknown) & { errors?: unknown };

/**
 * A validator called with the other context convention (a module positionalContexts could not rewrite, calling or
 * called by one it did); its `errors` are the wrapped validator's.
 */
function adapt(f: Validate, callerPositional: boolean): Validate {
  const g: Validate = callerPositional
    ? (d, p, a, k, r) => f(d, { instancePath: p, parentData: a, parentDataProperty: k, rootData: r })
    : (d, o) => {
        const c = (o ?? {}) as { instancePath?: unknown; parentData?: unknown; parentDataProperty?: unknown; rootData?: unknown };
        return f(d, c.instancePath, c.parentData, c.parentDataProperty, c.rootData);
      };
  Object.defineProperty(g, 'errors', { get: () => f.errors });
  return g;
}

/**
 * A `_schemas` module made a function body: `<JSON [positional, ...import specifiers]>\n<body>`, the body's
 * `__dep(i, name)` naming the i-th specifier; undefined when the module has a statement shape this does not know.
 */
function rewrite(file: string, positional = true): string | undefined {
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const specs: string[] = [];
  let bad = false;
  let body = code.replace(IMPORT, (_m, names: string, spec: string) => {
    const parts = names.split(',').map((p) => p.trim()).filter(Boolean);
    if (spec === '@kubernetes-models/validate') return parts.map((p) => (p === 'formats' ? 'const formats=__formats;' : ((bad = true), ''))).join('');
    if (spec.startsWith('@kubernetes-models/validate/runtime/ucs2length')) return parts.map((p) => (p === 'ucs2length' ? 'const ucs2length=__ucs2length;' : ((bad = true), ''))).join('');
    const idx = specs.length;
    specs.push(spec);
    return parts
      .map((p) => {
        const m = /^(\w+)(?:\s+as\s+(\w+))?$/.exec(p);
        if (!m) {
          bad = true;
          return '';
        }
        const local = m[2] ?? m[1]!;
        const name = m[1]!;
        // resolved on first call, then the binding is the real validator (so `.errors` is its own)
        return `var ${local}=function(d,p,a,k,r){${local}=__dep(${idx},${JSON.stringify(name)});return ${local}(d,p,a,k,r)};`;
      })
      .join('');
  });
  body = body.replace(DEFAULT_IMPORT, (_m, local: string, spec: string) => {
    if (spec === '@kubernetes-models/validate/runtime/ucs2length') return `const ${local}=__ucs2length;`;
    if (spec === '@kubernetes-models/validate/runtime/re2') return `const ${local}=__re2;`;
    bad = true;
    return '';
  });
  body = body.replace(EXPORT, (_m, name: string, local: string) => `__exports[${JSON.stringify(name)}]=${local};`);
  if (bad || /\bimport\b\s*[{*\w]|\bexport\b\s/.test(body.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) return undefined;
  const rewritten = positional ? positionalContexts(body) : undefined;
  return `${JSON.stringify([rewritten !== undefined, ...specs])}\n${rewritten ?? body}`;
}

let versionMemo: string | undefined;

/** Identifies the rewrite (its code's text): a pack's rewritten modules from another talium are not taken. */
function rewriteVersion(): string {
  return (versionMemo ??= sha1(`${rewrite.toString()}\n${positionalContexts.toString()}\n${adapt.toString()}`).slice(0, 16));
}

export class ModelLoader {
  /**
   * `positional`: whether validators take positional contexts (positional.ts), for every module or per file; anything
   * but the default (true) is for tests (holding the rewrite to the generated code), and skips the pack's texts.
   */
  constructor(private readonly opts: { positional?: boolean | ((file: string) => boolean) } = {}) {}

  private readonly cache = new Map<string, Exports | null>();
  private readonly resolved = new Map<string, string | undefined>();
  /** Exports of the modules whose validators take positional contexts (positional.ts). */
  private readonly positional = new WeakSet<Exports>();

  private resolveSpec(spec: string, fromFile: string): string | undefined {
    if (spec.startsWith('./') || spec.startsWith('../')) return join(dirname(fromFile), spec.endsWith('.js') ? spec : `${spec}.js`);
    const key = spec;
    if (this.resolved.has(key)) return this.resolved.get(key);
    let out: string | undefined;
    try {
      out = fileURLToPath(import.meta.resolve(spec));
    } catch {
      out = undefined;
    }
    this.resolved.set(key, out);
    return out;
  }

  /** Whether a loaded module's validators take positional contexts. */
  isPositional(exports: Exports): boolean {
    return this.positional.has(exports);
  }

  /** Exports of a `_schemas` module, or undefined when it cannot be loaded this way. */
  load(file: string): Exports | undefined {
    const hit = this.cache.get(file);
    if (hit !== undefined) return hit ?? undefined;
    const exports: Exports = {};
    this.cache.set(file, exports); // registered before evaluation: cycles see the (filling) object
    const stamp = fileStamp(file);
    // the rewritten module comes from the code cache's pack when the file is unchanged (its stamp): rewriting
    // ~100 KB of validators took ~3 ms of every run
    const pos = this.opts.positional ?? true;
    const prepared = pos === true ? cachedText(file, stamp, rewriteVersion(), () => rewrite(file)) : rewrite(file, pos !== false && pos(file));
    const nl = prepared === undefined ? -1 : prepared.indexOf('\n');
    let specs: unknown;
    try {
      specs = nl < 0 ? undefined : JSON.parse(prepared!.slice(0, nl));
    } catch {
      specs = undefined;
    }
    if (!Array.isArray(specs) || specs.length < 1 || typeof specs[0] !== 'boolean') {
      this.cache.set(file, null);
      return undefined;
    }
    const positional = specs[0] as boolean;
    const targets: string[] = [];
    for (const spec of specs.slice(1)) {
      const target = typeof spec === 'string' ? this.resolveSpec(spec, file) : undefined;
      if (!target) {
        this.cache.set(file, null);
        return undefined;
      }
      targets.push(target);
    }
    if (positional) this.positional.add(exports);
    const body = prepared!.slice(nl + 1);
    const depCache: Array<Exports | undefined> = [];
    const dep = (i: number, name: string): (...a: unknown[]) => unknown => {
      let e = depCache[i];
      if (!e) {
        e = this.load(targets[i]!);
        depCache[i] = e;
      }
      const f = e?.[name];
      if (typeof f !== 'function') throw new Error(`model validator dependency ${name} not loadable`);
      return this.positional.has(e!) === positional ? (f as (...a: unknown[]) => unknown) : adapt(f as Validate, positional);
    };
    try {
      const fn = compileFunction<(...a: unknown[]) => void>(`"use strict";${body}`, file, ['__exports', '__dep', '__formats', '__ucs2length', '__re2'], stamp);
      fn(exports, dep, FORMATS, ucs2length, RE2);
    } catch {
      this.cache.set(file, null);
      return undefined;
    }
    return exports;
  }
}
