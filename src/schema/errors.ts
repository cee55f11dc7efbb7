/**
 * ajv errors → schema findings with rule ids under `schema/` and the right place: the key of an unknown field,
 * the value of a wrong type/enum/format, the parent mapping of a missing property. Branch noise of
 * oneOf/anyOf is folded into one finding. Pure; positions are resolved later through `doc.locate`.
 */
import { suggest } from '../core/suggest.js';
import type { ErrorObject } from 'ajv';
import { get, type Path, type PathSegment, type YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import type { Severity } from '../core/diagnostic.js';

export interface RawIssue {
  ruleId: string;
  path: Path;
  key?: boolean;
  message: string;
  help: string;
  data: Record<string, string | number | boolean>;
  /** Overrides the rule's severity for this one issue. */
  severity?: Severity;
  messageId?: string;
}

/** JSON pointer → path, numbers for array indexes (decided by the value, not the text). */
export function pointerToPath(pointer: string, root: unknown, base: Path = []): PathSegment[] {
  const out: PathSegment[] = [...base];
  if (!pointer) return out;
  let cur: unknown = root;
  for (const seg of base) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg as string] : undefined;
  for (const raw of pointer.slice(1).split('/')) {
    const s = raw.includes('~') ? raw.replace(/~1/g, '/').replace(/~0/g, '~') : raw;
    if (Array.isArray(cur) && /^\d+$/.test(s)) {
      out.push(Number(s));
      cur = cur[Number(s)];
    } else {
      out.push(s);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined;
    }
  }
  return out;
}

export function pathText(path: Path): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s || '(root)';
}

export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function short(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}


/** The wrong value as the message shows it: `null`, `string ("9000")` (quotes kept: they are the mistake), `integer (5)`. */
function typeShown(v: unknown): string {
  if (v === null) return 'null';
  return `${jsonType(v)} (${typeof v === 'string' ? JSON.stringify(short(v)) : short(v)})`;
}

/** The fix: a number or boolean written as a string loses its quotes; anything else gets the right type. */
function typeHelp(expected: string, v: unknown): string {
  const wants = expected.split('|');
  if (typeof v === 'string') {
    const t = v.trim();
    if ((wants.includes('integer') && /^-?\d+$/.test(t)) || (wants.includes('number') && t !== '' && Number.isFinite(Number(t)))) return `Remove the quotes: ${t}.`;
    if (wants.includes('boolean') && (t === 'true' || t === 'false')) return `Remove the quotes: ${t}.`;
  }
  return `Write a value of type ${expected}.`;
}

function schemaTypes(e: ErrorObject): string {
  const t = (e.params as { type?: string | string[] }).type;
  return Array.isArray(t) ? t.join('|') : String(t);
}

/** Who reads the document, which decides what an unknown field costs. */
export type Consumer = 'kubernetes' | 'helm' | 'talos' | 'kustomize';

const UNKNOWN_FIELD_COST: Record<Consumer, string> = {
  kubernetes: 'the API server rejects unknown fields with strict field validation',
  helm: 'Helm ignores values the chart does not define, so this setting has no effect',
  talos: 'Talos rejects machine configs with unknown fields',
  kustomize: 'kustomize rejects unknown fields',
};

/** The fix hint of schema/unknown-field: the suggested spelling, and what the field costs where it is read. */
export function unknownFieldHelp(suggestion: string | undefined, consumer: Consumer): string {
  const cost = UNKNOWN_FIELD_COST[consumer];
  return suggestion ? `Did you mean "${suggestion}"? Fix the spelling or remove the field; ${cost}.` : `Remove the field or fix its spelling; ${cost}.`;
}

/** Issues for an unknown field at `path` (the key). */
export function unknownFieldIssue(path: Path, field: string, allowed: readonly string[]): RawIssue {
  const hint = suggest(field, allowed);
  const data: RawIssue['data'] = { field, path: pathText(path) };
  if (hint) data['suggestion'] = hint;
  if (allowed.length) data['allowed'] = [...allowed].sort().join(', ');
  return {
    ruleId: 'schema/unknown-field',
    path,
    key: true,
    message: `Unknown field "${field}" at "${pathText(path.slice(0, -1))}".`,
    help: unknownFieldHelp(hint, 'kubernetes'),
    data,
  };
}


function oneIssue(raw: ErrorObject, root: unknown, base: Path): RawIssue | undefined {
  const path = pointerToPath(raw.instancePath, root, base);
  // precompiled validators (kubernetes-models) are not verbose: fetch the value ourselves
  const e = raw.data === undefined ? { ...raw, data: get(root, path.slice(base.length)) } : raw;
  const where = pathText(path);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String(p['additionalProperty']);
      const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
      return unknownFieldIssue([...path, field], field, props ? Object.keys(props) : []);
    }
    case 'type':
      return {
        ruleId: 'schema/type',
        path,
        message: `"${where}" must be ${schemaTypes(e)}, not ${typeShown(e.data)}.`,
        help: typeHelp(schemaTypes(e), e.data),
        data: { path: where, expected: schemaTypes(e), actual: jsonType(e.data) },
      };
    case 'enum': {
      const values = p['allowedValues'] as unknown[];
      const allowed = values.map((v) => String(v));
      const shown = values.map((v) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v))).join(', ');
      return {
        ruleId: 'schema/enum',
        path,
        message: `"${where}" is ${typeof e.data === 'string' ? `"${short(e.data)}"` : short(e.data)}, not one of ${shown}.`,
        help: `Use one of: ${[...new Set(allowed)].join(', ')}.`,
        data: { path: where, actual: short(e.data), allowed: [...new Set(allowed)].join(', ') },
      };
    }
    case 'const':
      return {
        ruleId: 'schema/enum',
        path,
        message: `"${where}" is "${short(e.data)}", expected "${String(p['allowedValue'])}".`,
        help: `Use "${String(p['allowedValue'])}".`,
        data: { path: where, actual: short(e.data), allowed: String(p['allowedValue']) },
      };
    case 'format':
      return {
        ruleId: 'schema/format',
        path,
        message: `"${where}" is "${short(e.data)}", not a valid ${String(p['format'])}.`,
        help: `Write a valid ${String(p['format'])} value.`,
        data: { path: where, actual: short(e.data), format: String(p['format']) },
      };
    case 'pattern':
      return {
        ruleId: 'schema/pattern',
        path,
        message: `"${where}" is "${short(e.data)}", which does not match ${String(p['pattern'])}.`,
        help: 'Write a value matching the pattern.',
        data: { path: where, actual: short(e.data), pattern: String(p['pattern']) },
      };
    case 'required': {
      const field = String(p['missingProperty']);
      return {
        ruleId: 'schema/required',
        path,
        key: path.length > 0 ? true : undefined,
        message: `"${where}" is missing the required field "${field}".`,
        help: `Add "${field}".`,
        data: { path: where, field },
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties':
    case 'multipleOf':
    case 'uniqueItems':
      return {
        ruleId: 'schema/limit',
        path,
        message: `"${where}" ${e.message ?? 'is out of range'} (${e.keyword}).`,
        help: `Change the value so that it satisfies ${e.keyword} ${JSON.stringify(e.schema)}.`,
        data: { path: where, keyword: e.keyword, limit: JSON.stringify(e.schema), actual: short(e.data) },
      };
    default:
      return {
        ruleId: 'schema/invalid',
        path,
        message: `"${where}" ${e.message ?? 'is invalid'} (${e.keyword}).`,
        help: 'Fix the value so that it matches the schema.',
        data: { path: where, keyword: e.keyword },
      };
  }
}

/** Fold ajv's error list into issues (deduplicated, oneOf/anyOf branch noise collapsed). */
export function ajvIssues(errors: readonly ErrorObject[] | null | undefined, root: unknown, base: Path = []): RawIssue[] {
  if (!errors?.length) return [];
  const out: RawIssue[] = [];
  const seen = new Set<string>();
  const push = (i: RawIssue | undefined): void => {
    if (!i) return;
    const k = `${i.ruleId}|${i.path.join('\u0000')}|${i.data['field'] ?? ''}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(i);
  };
  // branch errors of a oneOf/anyOf: below its schemaPath (our ajv), or, for precompiled validators whose
  // sub-validators report relative schema paths, the errors at the same instancePath reported just before it
  const branchOf = new Map<ErrorObject, ErrorObject[]>();
  const consumed = new Set<ErrorObject>();
  errors.forEach((e, i) => {
    if (e.keyword !== 'oneOf' && e.keyword !== 'anyOf') return;
    const prefix = e.schemaPath + '/';
    let branch = errors.filter((b) => b !== e && b.schemaPath.startsWith(prefix));
    if (!branch.length) {
      branch = [];
      for (let j = i - 1; j >= 0; j--) {
        const b = errors[j]!;
        if (b.instancePath !== e.instancePath || consumed.has(b) || b.keyword === 'oneOf' || b.keyword === 'anyOf') break;
        branch.unshift(b);
      }
    }
    for (const b of branch) consumed.add(b);
    branchOf.set(e, branch);
  });
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') {
      const branch = branchOf.get(e) ?? [];
      const sameSpot = branch.every((b) => b.instancePath === e.instancePath);
      if (branch.length && sameSpot) {
        const fmt = branch.find((b) => b.keyword === 'format');
        const types = [...new Set(branch.filter((b) => b.keyword === 'type').map(schemaTypes))];
        if (fmt) push(oneIssue(fmt, root, base));
        else if (types.length && types.length === branch.length) push(oneIssue({ ...branch[0]!, keyword: 'type', params: { type: types.join('|') } }, root, base));
        else push(oneIssue(branch.find((b) => b.keyword !== 'type') ?? branch[0]!, root, base));
      } else if (e.keyword === 'oneOf' && (e.params as { passingSchemas?: unknown }).passingSchemas) {
        const path = pointerToPath(e.instancePath, root, base);
        push({
          ruleId: 'schema/one-of',
          path,
          key: path.length > 0 ? true : undefined,
          message: `"${pathText(path)}" matches more than one of the allowed forms.`,
          help: 'Keep only the fields of one form.',
          data: { path: pathText(path) },
        });
      } else {
        // report the branch that got furthest (deepest error), as kubeconform does
        const deepest = [...branch].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
        push(deepest ? oneIssue(deepest, root, base) : oneIssue(e, root, base));
      }
      continue;
    }
    if (consumed.has(e)) continue;
    push(oneIssue(e, root, base));
  }
  return out;
}

export function toFinding(doc: YamlDocument, i: RawIssue, severity: Severity = 'error'): Finding {
  const f: Finding = { ruleId: i.ruleId, severity: i.severity ?? severity, message: i.message, help: i.help, doc, path: i.path, data: i.data };
  if (i.key) f.key = true;
  if (i.messageId) f.messageId = i.messageId;
  return f;
}
