/**
 * oneOf/anyOf failures of the configuration schema (schemas/talium.config.schema.json) turned into one error per
 * value instead of one per branch: ajv reports `plan: { dhcp: 1 }` as "must be string" and "must be object" at the
 * same place. Such a value is one failure naming the accepted forms (each branch's `description`, else its type):
 * `maxFileSize: 1_000` is "must be a number of bytes or a size string", not "must be integer" and "must match
 * pattern". Only a mapping (or list) whose type exactly one branch takes, and that the branch finds fault inside (a
 * missing key, a wrong value below), keeps that branch's own errors, which say more. Pure: ajv errors, the schema and
 * the value in.
 */
import type { ErrorObject } from 'ajv';

type SchemaNode = Record<string, unknown>;

/** One value that fails every branch of a oneOf/anyOf, as config/load.ts reports it. */
export interface FormsFailure {
  /** JSON pointer of the value. */
  instancePath: string;
  keyword: 'oneOf' | 'anyOf';
  /** The accepted forms, in the schema's order. */
  forms: string[];
}

/** The schema node at a `#/a/b` schema path (ajv's `schemaPath`), or undefined. */
function nodeAt(schema: unknown, schemaPath: string): unknown {
  const hash = schemaPath.indexOf('#');
  if (hash === -1) return undefined;
  let cur: unknown = schema;
  for (const raw of schemaPath.slice(hash + 1).split('/').filter(Boolean)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** The value at a JSON pointer. */
function valueAt(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** JSON Schema types a value has (`integer` is also a `number`). */
function typesOf(v: unknown): string[] {
  if (v === null) return ['null'];
  if (Array.isArray(v)) return ['array'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['integer', 'number'] : ['number'];
  return [typeof v];
}

/** Whether a branch's `type` takes the value (a branch without one takes any). */
function typeTakes(branch: SchemaNode, value: unknown): boolean {
  const t = branch['type'];
  if (t === undefined) return true;
  const want = Array.isArray(t) ? t.map(String) : [String(t)];
  return typesOf(value).some((x) => want.includes(x));
}

const TYPE_NAMES: Record<string, string> = { string: 'a string', object: 'a mapping', array: 'a list', integer: 'an integer', number: 'a number', boolean: 'true or false', null: 'null' };

/** A branch as a form a person can write: its description, else its type. */
function formName(branch: SchemaNode): string {
  if (typeof branch['description'] === 'string') return branch['description'];
  const t = branch['type'];
  const ts = Array.isArray(t) ? t.map(String) : t === undefined ? [] : [String(t)];
  return ts.map((x) => TYPE_NAMES[x] ?? x).join(' or ') || 'another form';
}

/** Keywords that fault a mapping's contents (reported at the mapping, or at the key), not the value as a whole. */
const INSIDE = new Set(['required', 'additionalProperties', 'propertyNames', 'minProperties', 'maxProperties', 'dependencies']);

/** Whether `inner` is `outer` or below it (JSON pointers). */
function within(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer + '/');
}

/**
 * `errors` with oneOf/anyOf branch noise removed, and the values that fail every branch. A oneOf that more than one
 * branch matches is left as ajv reports it.
 */
export function foldForms(errors: readonly ErrorObject[], schema: unknown, root: unknown): { errors: ErrorObject[]; failures: FormsFailure[] } {
  const drop = new Set<ErrorObject>();
  const failures: FormsFailure[] = [];
  for (const e of errors) {
    if (e.keyword !== 'oneOf' && e.keyword !== 'anyOf') continue;
    if (e.keyword === 'oneOf' && (e.params as { passingSchemas?: unknown }).passingSchemas) continue;
    const branches = nodeAt(schema, e.schemaPath);
    if (!Array.isArray(branches)) continue;
    const branchErrors = errors.filter((b) => b !== e && b.schemaPath.startsWith(e.schemaPath + '/') && within(b.instancePath, e.instancePath));
    const value = valueAt(root, e.instancePath);
    const taking = branches.flatMap((b, i) => (b && typeof b === 'object' && typeTakes(b as SchemaNode, value) ? [i] : []));
    drop.add(e);
    // the value has the one form that fits its type, and that form finds something inside it (a missing or unknown
    // key, a wrong value below): those errors say what is wrong, the other forms' would be noise
    const own = taking.length === 1 ? `${e.schemaPath}/${taking[0]}/` : undefined;
    if (own && branchErrors.some((b) => b.schemaPath.startsWith(own) && (b.instancePath !== e.instancePath || INSIDE.has(b.keyword)))) {
      for (const b of branchErrors) if (!b.schemaPath.startsWith(own)) drop.add(b);
      continue;
    }
    for (const b of branchErrors) drop.add(b);
    failures.push({ instancePath: e.instancePath, keyword: e.keyword, forms: branches.map((b) => formName((b ?? {}) as SchemaNode)) });
  }
  return { errors: errors.filter((e) => !drop.has(e)), failures };
}

/** "a, b or c" (forms joined for a message). */
export function formsText(forms: readonly string[]): string {
  if (forms.length <= 1) return forms[0] ?? '';
  return `${forms.slice(0, -1).join(', ')} or ${forms[forms.length - 1]}`;
}
