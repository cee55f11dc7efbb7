/**
 * Where a duplicate mapping key eemeli/yaml reports (DUPLICATE_KEY at the key's first character) is: the key's
 * text and range, and the range of the first key with the same value in the same mapping. Shared by the lint
 * parser (yaml/duplicate-key) and cluster.yaml reading (spec/duplicate-key).
 */
import { isMap, isScalar, visit, type Document, type Pair } from 'yaml';

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
