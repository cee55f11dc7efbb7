/**
 * Label selectors as the Argo CD ApplicationSet controller applies them: a generator-level `selector` to each parameter
 * set (flattened with dots), and a cluster generator's `selector` to the labels of Argo CD cluster Secrets. Owns that
 * question only (plan/appset-generators.ts and plan/appset-clusters.ts ask it).
 *
 * Source: argo-cd applicationset/utils/selector.go (LabelSelectorAsSelector, newRequirement, Requirement.Matches: no
 * restriction on values, so a cluster URL can be matched) and applicationset/generators/generator_spec_processor.go
 * (Transform: `selector.Matches(labels.Set(flattenParameters(param)))`, jeremywohl/flatten DotStyle, `%v` values).
 */
import { isObj } from './util.js';

/** A selector as a test of a label set; undefined: the selector is invalid (the generator fails) or not known. */
export type LabelTest = (labels: ReadonlyMap<string, string>) => boolean;

/** k8s validation.IsQualifiedName: `[prefix/]name`, name 1-63 of `[A-Za-z0-9_.-]` starting and ending alphanumeric, prefix a DNS subdomain. */
function qualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1]!;
  if (!/^[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(name)) return false;
  if (parts.length === 1) return true;
  const prefix = parts[0]!;
  return prefix.length <= 253 && /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/.test(prefix);
}

interface Requirement {
  key: string;
  op: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: readonly string[];
}

/**
 * The test of a LabelSelector (`matchLabels`, `matchExpressions` with In, NotIn, Exists, DoesNotExist), and the keys
 * it reads; an empty selector matches everything. Undefined when the selector is invalid (the ApplicationSet fails:
 * another operator, In/NotIn without values, values with Exists, a key that is not a qualified name) or not plain data.
 */
export function labelSelector(sel: unknown): { test: LabelTest; keys: readonly string[] } | undefined {
  if (sel === null) return { test: () => true, keys: [] };
  if (!isObj(sel)) return undefined;
  for (const k of Object.keys(sel)) if (k !== 'matchLabels' && k !== 'matchExpressions') return undefined;
  const reqs: Requirement[] = [];
  const labels = sel['matchLabels'];
  if (labels !== undefined && labels !== null) {
    if (!isObj(labels)) return undefined;
    for (const [k, v] of Object.entries(labels)) {
      if (typeof v !== 'string' || !qualifiedName(k)) return undefined;
      reqs.push({ key: k, op: 'In', values: [v] });
    }
  }
  const exprs = sel['matchExpressions'];
  if (exprs !== undefined && exprs !== null) {
    if (!Array.isArray(exprs)) return undefined;
    for (const e of exprs) {
      if (!isObj(e) || typeof e['key'] !== 'string' || !qualifiedName(e['key'])) return undefined;
      const op = e['operator'];
      const values = e['values'] ?? [];
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) return undefined;
      if (op === 'In' || op === 'NotIn') {
        if (!values.length) return undefined;
      } else if (op === 'Exists' || op === 'DoesNotExist') {
        if (values.length) return undefined;
      } else return undefined;
      reqs.push({ key: e['key'], op, values: values as string[] });
    }
  }
  const test: LabelTest = (l) =>
    reqs.every((r) => {
      const v = l.get(r.key);
      if (r.op === 'Exists') return v !== undefined;
      if (r.op === 'DoesNotExist') return v === undefined;
      if (r.op === 'In') return v !== undefined && r.values.includes(v);
      return v === undefined || !r.values.includes(v);
    });
  return { test, keys: reqs.map((r) => r.key) };
}

/**
 * Containers Argo CD builds with Go types jeremywohl/flatten does not descend into (`map[string]string`,
 * `[]string`: a cluster's labels and annotations, `path.segments`, a generator's rendered `values` with goTemplate):
 * flattened they are one `%v` string (`map[a:b]`), which talium does not print. Marked by the generators.
 */
export const GO_TYPED = new WeakSet<object>();

/**
 * A parameter set flattened as generator_spec_processor.go flattenParameters does (dots between map keys and list
 * indexes), and the keys whose value talium does not print as Go's `%v` does (a Go-typed container, a number that is
 * not a small whole one, null): a selector reading one of those is not known.
 */
export function flattenForSelector(set: Record<string, unknown>): { flat: Map<string, string>; unsure: string[] } {
  const flat = new Map<string, string>();
  const unsure: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (v !== null && typeof v === 'object' && GO_TYPED.has(v)) unsure.push(key);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${key}.${i}`));
    else if (isObj(v)) for (const [k, x] of Object.entries(v)) walk(x, key ? `${key}.${k}` : k);
    else if (typeof v === 'string') flat.set(key, v);
    else if (typeof v === 'boolean') flat.set(key, String(v));
    else if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 1e6) flat.set(key, String(v));
    else unsure.push(key);
  };
  walk(set, '');
  return { flat, unsure };
}

/**
 * The parameter sets a generator-level `selector` keeps; undefined when the selector is invalid or reads a key whose
 * flattened value talium cannot tell (one of `unsure`, or one below it).
 */
export function selectSets<T extends Record<string, unknown>>(sets: readonly T[], selector: unknown): T[] | undefined {
  const sel = labelSelector(selector);
  if (!sel) return undefined;
  const out: T[] = [];
  for (const s of sets) {
    const { flat, unsure } = flattenForSelector(s);
    if (sel.keys.some((k) => unsure.some((u) => k === u || k.startsWith(`${u}.`)))) return undefined;
    if (sel.test(flat)) out.push(s);
  }
  return out;
}
