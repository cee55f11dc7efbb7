/**
 * Version specialisation of our schema files: a property annotated `"x-since": "1.18"` / `"x-until": "1.19"`
 * exists only on the lines in range (`"x-api": "cilium.io/v2"` only for that apiVersion);
 * `"x-overrides": [{"since": "1.17", "set": {...}}]` merges keyword changes.
 * Pure: returns a new schema for one version line; the source stays readable and single.
 */
import { inRange, lineAtLeast } from './versions.js';

type Json = unknown;

export interface SpecializeContext {
  line: string;
  apiVersion?: string;
}

interface Override {
  since?: string;
  until?: string;
  api?: string;
  set?: Record<string, Json>;
  unset?: string[];
}

function active(node: Record<string, Json>, ctx: SpecializeContext): boolean {
  const since = node['x-since'];
  const until = node['x-until'];
  const api = node['x-api'];
  if (typeof api === 'string' && ctx.apiVersion !== undefined && api !== ctx.apiVersion) return false;
  return inRange(ctx.line, typeof since === 'string' ? since : '0.0', typeof until === 'string' ? until : undefined);
}

export function specialize(schema: Json, ctxOrLine: SpecializeContext | string): Json {
  const ctx: SpecializeContext = typeof ctxOrLine === 'string' ? { line: ctxOrLine } : ctxOrLine;
  const line = ctx.line;
  if (Array.isArray(schema)) return schema.map((s) => specialize(s, ctx));
  if (schema === null || typeof schema !== 'object') return schema;
  const src = schema as Record<string, Json>;
  let node: Record<string, Json> = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === 'x-overrides' || k === 'x-since' || k === 'x-until' || k === 'x-api') continue;
    if ((k === 'properties' || k === '$defs' || k === 'patternProperties') && v && typeof v === 'object') {
      const props: Record<string, Json> = {};
      for (const [pk, pv] of Object.entries(v as Record<string, Json>)) {
        if (pv && typeof pv === 'object' && !Array.isArray(pv) && !active(pv as Record<string, Json>, ctx)) continue;
        props[pk] = specialize(pv, ctx);
      }
      node[k] = props;
    } else if ((k === 'oneOf' || k === 'anyOf' || k === 'allOf') && Array.isArray(v)) {
      // branches may be versioned too
      node[k] = v.filter((b) => !(b && typeof b === 'object') || active(b as Record<string, Json>, ctx)).map((b) => specialize(b, ctx));
    } else if (k === 'enum' && Array.isArray(v)) {
      // enum members may be versioned: {"x-enum": "Interface", "x-since": "1.19"}
      node[k] = v
        .filter((e) => !(e && typeof e === 'object' && 'x-enum' in e) || active(e as Record<string, Json>, ctx))
        .map((e) => (e && typeof e === 'object' && 'x-enum' in e ? (e as Record<string, Json>)['x-enum'] : e));
    } else {
      node[k] = specialize(v, ctx);
    }
  }
  const ovs = src['x-overrides'];
  if (Array.isArray(ovs)) {
    for (const o of ovs as Override[]) {
      if (o.since && !lineAtLeast(line, o.since)) continue;
      if (o.until && lineAtLeast(line, o.until)) continue;
      if (o.api && ctx.apiVersion !== undefined && o.api !== ctx.apiVersion) continue;
      if (o.set) node = { ...node, ...(specialize(o.set, ctx) as Record<string, Json>) };
      for (const u of o.unset ?? []) delete node[u];
    }
  }
  if (Array.isArray(node['required']) && node['properties'] && typeof node['properties'] === 'object') {
    // a required property that does not exist on this line is not required
    const props = node['properties'] as Record<string, Json>;
    const removed = Object.keys((src['properties'] as Record<string, Json>) ?? {}).filter((p) => !(p in props));
    node['required'] = (node['required'] as string[]).filter((r) => !removed.includes(r));
  }
  return node;
}
