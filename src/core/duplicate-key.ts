/**
 * Where a duplicate mapping key eemeli/yaml reports (DUPLICATE_KEY at the key's first character) is: the key's
 * text and range, and the range of the first key with the same value in the same mapping. Shared by the lint
 * parser (yaml/duplicate-key) and cluster.yaml reading (spec/duplicate-key). Also finds duplicates itself in
 * linear time (eemeli/yaml's own `uniqueKeys` check compares every pair: minutes on a 100,000-key mapping).
 */
import { isMap, isScalar, visit, YAMLParseError, type Document, type Pair } from 'yaml';

export interface DuplicateKey {
  /** The key as text (long keys cut at 80 characters). */
  key: string;
  /** [start, end) offsets of the repeated key. */
  at: [number, number];
  /** [start, end) offsets of the first occurrence. */
  first?: [number, number];
}

type Ranged = { range?: [number, number, number] } | null;

function keyText(k: unknown): string | undefined {
  if (isScalar(k)) return String(k.value);
  return k && typeof k === 'object' && 'toJSON' in k ? JSON.stringify((k as { toJSON(): unknown }).toJSON()) : undefined;
}

export function duplicateKeyAt(doc: Document.Parsed, offset: number): DuplicateKey | undefined {
  let found: DuplicateKey | undefined;
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return undefined;
      const pairs = map.items as Pair[];
      const i = pairs.findIndex((p) => (p.key as Ranged)?.range?.[0] === offset);
      if (i === -1) return undefined;
      const key = pairs[i]!.key as Ranged;
      const name = keyText(key);
      if (name === undefined || !key?.range) return undefined;
      const earlier = pairs.slice(0, i).find((p) => keyText(p.key) === name)?.key as Ranged | undefined;
      found = { key: name.length > 80 ? `${name.slice(0, 77)}...` : name, at: [key.range[0], key.range[1]] };
      if (earlier?.range) found.first = [earlier.range[0], earlier.range[1]];
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * Adds a DUPLICATE_KEY error (as eemeli/yaml's `uniqueKeys: true` would: scalar keys equal in type and value, `<<`
 * merge keys exempt) to `doc.errors` for each repeated key, in one pass over each mapping; at most `limit` of them.
 * For documents parsed with `uniqueKeys: false`. `into`: where the errors go instead (the document left untouched).
 */
export function markDuplicateKeys(doc: Document.Parsed, limit = 100, into: YAMLParseError[] = doc.errors): void {
  let added = 0;
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return undefined;
      const seen = new Set<string>();
      for (const p of map.items as Pair[]) {
        const k = p.key;
        if (!isScalar(k)) continue;
        if (k.value === '<<') continue;
        const id = `${typeof k.value}:${String(k.value)}`;
        if (!seen.has(id)) {
          seen.add(id);
          continue;
        }
        const r = (k as Ranged)?.range;
        if (!r) continue;
        into.push(new YAMLParseError([r[0], r[1]], 'DUPLICATE_KEY', 'Map keys must be unique'));
        if (++added >= limit) return visit.BREAK;
      }
      return undefined;
    },
  });
}
