/**
 * Renders a JSON Schema (draft-07 subset: properties, items, local $ref, enum, oneOf/anyOf, patternProperties,
 * additionalProperties maps) as a Markdown reference table, one row per key path. Pure: schema in, text out.
 */

type Schema = Record<string, unknown>;

export interface SchemaRow {
  /** Dotted key path; `[]` marks array items, `<name>` a map key. */
  path: string;
  type: string;
  required: boolean;
  description: string;
}

const isObj = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

function resolveRef(root: Schema, node: Schema, seen: Set<string>): Schema {
  let cur = node;
  for (let i = 0; i < 16 && typeof cur['$ref'] === 'string'; i++) {
    const ref = cur['$ref'] as string;
    if (!ref.startsWith('#/') || seen.has(ref)) return cur;
    let target: unknown = root;
    for (const part of ref.slice(2).split('/')) {
      target = isObj(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    }
    if (!isObj(target)) return cur;
    const { $ref: _ignored, ...rest } = cur;
    cur = { ...target, ...rest };
  }
  return cur;
}

function literal(v: unknown): string {
  return typeof v === 'string' ? `\`${v}\`` : `\`${JSON.stringify(v)}\``;
}

function typeOf(root: Schema, node: Schema, seen: Set<string>): string {
  const n = resolveRef(root, node, seen);
  if (Array.isArray(n['enum'])) return (n['enum'] as unknown[]).map(literal).join(' \\| ');
  if ('const' in n) return literal(n['const']);
  const alts = (n['oneOf'] ?? n['anyOf']) as unknown;
  if (Array.isArray(alts)) {
    const parts = alts.filter(isObj).map((a) => typeOf(root, a, seen));
    return [...new Set(parts)].join(' or ');
  }
  const t = n['type'];
  const types = Array.isArray(t) ? (t as string[]) : typeof t === 'string' ? [t] : [];
  const render = (ty: string): string => {
    if (ty === 'array') {
      const items = n['items'];
      return isObj(items) ? `list of ${typeOf(root, items, seen)}` : 'list';
    }
    if (ty === 'object' && isObj(n['additionalProperties']) && !isObj(n['properties'])) {
      return `map of ${typeOf(root, n['additionalProperties'] as Schema, seen)}`;
    }
    return ty;
  };
  let out = types.map(render).join(' or ');
  if (!out) out = isObj(n['properties']) ? 'object' : 'any';
  const limits: string[] = [];
  if (typeof n['minimum'] === 'number') limits.push(`≥ ${n['minimum']}`);
  if (typeof n['maximum'] === 'number') limits.push(`≤ ${n['maximum']}`);
  if (typeof n['format'] === 'string') limits.push(n['format']);
  return limits.length ? `${out} (${limits.join(', ')})` : out;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();
}

function describe(n: Schema): string {
  let d = typeof n['description'] === 'string' ? oneLine(n['description']) : '';
  if ('default' in n && !/\bdefault\b/i.test(d)) d = `${d}${d ? ' ' : ''}Default: ${literal(n['default'])}.`;
  return d;
}

/** Flattens the schema into rows, depth-first in the schema's own key order (the author's reading order). */
export function schemaRows(root: Schema): SchemaRow[] {
  const rows: SchemaRow[] = [];
  const walk = (node: Schema, prefix: string, depth: number, seen: Set<string>): void => {
    if (depth > 12) return;
    const ref = typeof node['$ref'] === 'string' ? (node['$ref'] as string) : undefined;
    const nextSeen = ref ? new Set([...seen, ref]) : seen;
    if (ref && seen.has(ref)) return;
    const n = resolveRef(root, node, seen);
    const props = isObj(n['properties']) ? (n['properties'] as Record<string, unknown>) : undefined;
    const required = new Set(Array.isArray(n['required']) ? (n['required'] as string[]) : []);
    if (props) {
      for (const [key, child] of Object.entries(props)) {
        if (!isObj(child)) continue;
        const path = prefix ? `${prefix}.${key}` : key;
        const c = resolveRef(root, child, nextSeen);
        rows.push({ path, type: typeOf(root, child, nextSeen), required: required.has(key), description: describe(c) });
        walk(child, path, depth + 1, nextSeen);
      }
    }
    if (isObj(n['items'])) walk(n['items'] as Schema, `${prefix}[]`, depth + 1, nextSeen);
    if (isObj(n['additionalProperties']) && !props) {
      walk(n['additionalProperties'] as Schema, `${prefix}.<name>`, depth + 1, nextSeen);
    }
    if (isObj(n['patternProperties'])) {
      for (const child of Object.values(n['patternProperties'] as Record<string, unknown>)) {
        if (isObj(child)) walk(child, `${prefix}.<name>`, depth + 1, nextSeen);
      }
    }
  };
  walk(root, '', 0, new Set());
  return rows;
}

/** The Markdown table (no heading). */
export function renderSchemaReference(schema: unknown): string {
  if (!isObj(schema)) return '';
  const rows = schemaRows(schema);
  const lines: string[] = [];
  if (typeof schema['description'] === 'string') lines.push(oneLine(schema['description']), '');
  lines.push('| Key | Type | Required | Description |', '| --- | --- | --- | --- |');
  for (const r of rows) {
    lines.push(`| \`${r.path}\` | ${r.type} | ${r.required ? 'yes' : ''} | ${r.description} |`);
  }
  return lines.join('\n');
}
