/**
 * The one ajv factory: draft-07 + `$defs`, all errors, our format checks, RE2 patterns translated (never dropped),
 * `x-` annotations and Kubernetes extensions accepted as inert keywords. No module-level state.
 */
import { Ajv } from 'ajv';
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

export function createAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: false,
    logger: false,
    validateSchema: false,
    // optimize: false halves compile time of the big schemas (CNP); validation speed is unchanged in practice
    code: { regExp: re2Engine as never, optimize: false },
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
