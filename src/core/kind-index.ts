/**
 * The documents of a list by `kind`, indexed in one pass per list. Rules and plan readers ask "the Services / pools /
 * HelmReleases of this group" dozens of times per run; each question was a scan of every document (6,400 in the
 * bench corpus, most of them Deployments and ConfigMaps that no such question is about). Lists are the groups' and
 * the run's document arrays, built once and not changed after; a list that grew since it was indexed (a caller's own
 * array) is indexed again. Order within a kind is the list's order.
 */
import type { YamlDocument } from './document.js';

interface KindIndex {
  /** The list's length when indexed. */
  n: number;
  byKind: Map<string, YamlDocument[]>;
  /** Per kind, where its documents sit in the list (to merge several kinds back into list order). */
  positions: Map<string, number[]>;
  /** The documents without a kind (values files, Talos configs, kustomization.yaml files that name none). */
  kindless: YamlDocument[];
}

const INDEXES = new WeakMap<readonly YamlDocument[], KindIndex>();
const NONE: readonly YamlDocument[] = Object.freeze([]);

function indexOf(docs: readonly YamlDocument[]): KindIndex {
  const ix = INDEXES.get(docs);
  return ix && ix.n === docs.length ? ix : buildIndex(docs);
}

/**
 * The one pass over a list (apart from indexOf, which runs thousands of times a run: so that V8 optimises that lookup
 * alone, not this loop with it).
 */
function buildIndex(docs: readonly YamlDocument[]): KindIndex {
  const byKind = new Map<string, YamlDocument[]>();
  const positions = new Map<string, number[]>();
  const kindless: YamlDocument[] = [];
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i]!;
    const k = d.kind;
    if (k === undefined) {
      kindless.push(d);
      continue;
    }
    const list = byKind.get(k);
    if (list) {
      list.push(d);
      positions.get(k)!.push(i);
    } else {
      byKind.set(k, [d]);
      positions.set(k, [i]);
    }
  }
  const ix = { n: docs.length, byKind, positions, kindless };
  INDEXES.set(docs, ix);
  return ix;
}

/** The documents of `docs` whose `kind` is `kind`, in list order (shared: do not change the array). */
export function docsOfKind(docs: readonly YamlDocument[], kind: string): readonly YamlDocument[] {
  return indexOf(docs).byKind.get(kind) ?? NONE;
}

/** The documents of `docs` without a `kind`, in list order (shared: do not change the array). */
export function docsWithoutKind(docs: readonly YamlDocument[]): readonly YamlDocument[] {
  return indexOf(docs).kindless;
}

/** The documents of `docs` whose `kind` is one of `kinds`, in list order. */
export function docsOfKinds(docs: readonly YamlDocument[], kinds: Iterable<string>): YamlDocument[] {
  const ix = indexOf(docs);
  return mergeInListOrder(ix, [...new Set(kinds)].filter((k) => ix.byKind.has(k)));
}

/** The documents of `docs` whose `kind` starts with `prefix` (e.g. `CiliumBGP`), in list order. */
export function docsOfKindPrefix(docs: readonly YamlDocument[], prefix: string): YamlDocument[] {
  const ix = indexOf(docs);
  return mergeInListOrder(ix, [...ix.byKind.keys()].filter((k) => k.startsWith(prefix)));
}

/** Several (indexed) kinds' documents back in list order (one kind needs no work). */
function mergeInListOrder(ix: KindIndex, kinds: string[]): YamlDocument[] {
  if (kinds.length === 0) return [];
  if (kinds.length === 1) return [...ix.byKind.get(kinds[0]!)!];
  const pairs: Array<[number, YamlDocument]> = [];
  for (const k of kinds) {
    const docs = ix.byKind.get(k)!;
    const at = ix.positions.get(k)!;
    for (let i = 0; i < docs.length; i++) pairs.push([at[i]!, docs[i]!]);
  }
  return pairs.sort((a, b) => a[0] - b[0]).map((p) => p[1]);
}
