/**
 * The one ajv factory: draft-07 + `$defs`, all errors, our format checks, RE2 patterns translated (never dropped),
 * `x-` annotations and Kubernetes extensions accepted as inert keywords. No module-level state.
 */
import { Ajv, type CodeOptions } from 'ajv';
import { compileRe2 } from './re2.js';
import { FORMATS } from './formats.js';

/** ajv's pluggable regex engine, RE2-aware. */
function re2Engine(pattern: string, u: string): RegExp {
  return compileRe2(pattern, u);
}
re2Engine.code = 'new RegExp';

export const INERT_KEYWORDS = [
  'x-since',
  'x-until',
  'x-overrides',
  'x-api',
  'x-enum',
  'x-talium',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
  'example',
  'examples',
  'markdownDescription',
];

/**
 * `standalone`: also keep each validator's source, calling the regex engine and the formats through `runtime`
 * (a CommonJS module path as the generated code will `require` it), for scripts/precompile-schemas.ts.
 */
export function createAjv(standalone?: { runtime: string; formats: CodeOptions['formats'] }): Ajv {
  const regExp = standalone ? Object.assign((p: string, u: string) => compileRe2(p, u), { code: `require(${JSON.stringify(standalone.runtime)}).compileRe2` }) : re2Engine;
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: false,
    logger: false,
    validateSchema: false,
    // optimize: false halves compile time of the big schemas (CNP); validation speed is unchanged in practice
    code: standalone ? { regExp: regExp as never, optimize: false, source: true, formats: standalone.formats } : { regExp: regExp as never, optimize: false },
  });
  for (const k of INERT_KEYWORDS) {
    try {
      ajv.addKeyword({ keyword: k, schemaType: ['boolean', 'string', 'object', 'array', 'number'] });
    } catch {
      /* already an ajv keyword (annotation) */
    }
  }
  for (const [name, f] of Object.entries(FORMATS)) ajv.addFormat(name, { type: f.type, validate: f.validate as (v: never) => boolean } as never);
  return ajv;
}
