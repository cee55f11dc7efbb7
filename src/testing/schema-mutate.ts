/**
 * Mutations of a valid object for the schema agreement tests: wrong types, unknown and misspelt fields, bad
 * enums, bad CIDRs/IPs, out-of-range numbers, missing fields. Deterministic; each mutation is named.
 */
export interface Mutation {
  name: string;
  value: unknown;
}

type P = Array<string | number>;

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function setAt(root: unknown, path: P, leaf: unknown, remove = false): unknown {
  const copy = clone(root);
  let cur = copy as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]!] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(cur)) cur.splice(last as number, 1);
    else delete cur[last];
  } else cur[last] = leaf;
  return copy;
}

function renameAt(root: unknown, path: P, to: string): unknown {
  const copy = clone(root);
  let cur = copy as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]!] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string;
  const v = cur[last];
  delete cur[last];
  cur[to] = v;
  return copy;
}

/** A plausible typo: swap two inner letters, or drop one. */
export function misspell(key: string): string {
  if (key.length >= 4) return key.slice(0, 1) + key[2] + key[1] + key.slice(3);
  return key + key.slice(-1);
}

const BAD_STRINGS = ['', 'not-a-cidr', '10.0.0.0/33', '300.1.2.3', '10.0.0.1', '::1/129', 'Yes ', 'NotAnEnumValue', 'a'.repeat(300), '65536:1', '1:2', '-1'];

export function mutations(base: unknown, opts: { skipMetadata?: boolean } = {}): Mutation[] {
  const out: Mutation[] = [];
  const walk = (v: unknown, path: P): void => {
    const where = path.join('.');
    if (opts.skipMetadata && path[0] === 'metadata') return;
    if (path.length > 0 && path[0] !== 'apiVersion' && path[0] !== 'kind') {
      // wrong types
      if (typeof v === 'string') out.push({ name: `${where}:number`, value: setAt(base, path, 42) });
      if (typeof v === 'number') {
        out.push({ name: `${where}:string`, value: setAt(base, path, String(v)) });
        out.push({ name: `${where}:float`, value: setAt(base, path, v + 0.5) });
        for (const n of [-1, 0, 65536, 4294967296, 2 ** 53]) out.push({ name: `${where}=${n}`, value: setAt(base, path, n) });
      }
      if (typeof v === 'boolean') out.push({ name: `${where}:string`, value: setAt(base, path, String(v)) });
      if (Array.isArray(v)) {
        out.push({ name: `${where}:object`, value: setAt(base, path, {}) });
        out.push({ name: `${where}:empty`, value: setAt(base, path, []) });
      } else if (v && typeof v === 'object') {
        out.push({ name: `${where}:string`, value: setAt(base, path, 'x') });
        out.push({ name: `${where}:null`, value: setAt(base, path, null) });
      }
      if (typeof v === 'string') for (const s of BAD_STRINGS) out.push({ name: `${where}=${JSON.stringify(s)}`, value: setAt(base, path, s) });
      // missing
      if (typeof path[path.length - 1] === 'string') out.push({ name: `${where}:missing`, value: setAt(base, path, undefined, true) });
    }
    if (Array.isArray(v)) v.forEach((c, i) => walk(c, [...path, i]));
    else if (v && typeof v === 'object') {
      if (path.length > 0 || true) {
        out.push({ name: `${where || '(root)'}+bogusField`, value: setAt(base, [...path, 'bogusField'], 'x') });
      }
      for (const [k, c] of Object.entries(v as Record<string, unknown>)) {
        if (path.length === 0 && (k === 'apiVersion' || k === 'kind')) continue;
        if (!(opts.skipMetadata && path.length === 0 && k === 'metadata')) out.push({ name: `${where}.${k}~misspelt`, value: renameAt(base, [...path, k], misspell(k)) });
        walk(c, [...path, k]);
      }
    }
  };
  walk(base, []);
  return out;
}
