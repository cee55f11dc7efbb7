/**
 * Synchronous loader for the precompiled validator modules of kubernetes-models (`_schemas/*.js`): Node 20
 * cannot `require` ES modules, and the lint engine validates synchronously. These files are generated ajv
 * standalone code with four statement shapes only (named imports of `validate`/`formats`, the default imports of
 * `ucs2length` and `re2`, and `export const validate=...`), so we rewrite exactly those and evaluate the body as a function. Imports become
 * bindings resolved on first call, so recursive schemas (import cycles) work. Anything unexpected → undefined.
 */
import { compileFunction, fileStamp } from '../core/code-cache.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isByte, isDateTime, isInt32, isInt64, isQuantity } from './formats.js';
import { compileRe2 } from './re2.js';

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

export class ModelLoader {
  private readonly cache = new Map<string, Exports | null>();
  private readonly resolved = new Map<string, string | undefined>();

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

  /** Exports of a `_schemas` module, or undefined when it cannot be loaded this way. */
  load(file: string): Exports | undefined {
    const hit = this.cache.get(file);
    if (hit !== undefined) return hit ?? undefined;
    const exports: Exports = {};
    this.cache.set(file, exports); // registered before evaluation: cycles see the (filling) object
    let code: string;
    try {
      code = readFileSync(file, 'utf8');
    } catch {
      this.cache.set(file, null);
      return undefined;
    }
    const deps: Array<() => Exports | undefined> = [];
    let bad = false;
    let body = code.replace(IMPORT, (_m, names: string, spec: string) => {
      const parts = names.split(',').map((p) => p.trim()).filter(Boolean);
      if (spec === '@kubernetes-models/validate') return parts.map((p) => (p === 'formats' ? 'const formats=__formats;' : (bad = true, ''))).join('');
      if (spec.startsWith('@kubernetes-models/validate/runtime/ucs2length')) return parts.map((p) => (p === 'ucs2length' ? 'const ucs2length=__ucs2length;' : (bad = true, ''))).join('');
      const target = this.resolveSpec(spec, file);
      if (!target) {
        bad = true;
        return '';
      }
      const idx = deps.length;
      deps.push(() => this.load(target));
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
          return `var ${local}=function(d,o){${local}=__dep(${idx},${JSON.stringify(name)});return ${local}(d,o)};`;
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
    if (bad || /\bimport\b\s*[{*\w]|\bexport\b\s/.test(body.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) {
      this.cache.set(file, null);
      return undefined;
    }
    const depCache: Array<Exports | undefined> = [];
    const dep = (i: number, name: string): (...a: unknown[]) => unknown => {
      let e = depCache[i];
      if (!e) {
        e = deps[i]!();
        depCache[i] = e;
      }
      const f = e?.[name];
      if (typeof f !== 'function') throw new Error(`model validator dependency ${name} not loadable`);
      return f as (...a: unknown[]) => unknown;
    };
    try {
      const fn = compileFunction<(...a: unknown[]) => void>(`"use strict";${body}`, file, ['__exports', '__dep', '__formats', '__ucs2length', '__re2'], fileStamp(file));
      fn(exports, dep, FORMATS, ucs2length, RE2);
    } catch {
      this.cache.set(file, null);
      return undefined;
    }
    return exports;
  }
}
