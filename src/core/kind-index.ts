/**
 * The documents of a list by `kind`, indexed in one pass per list. Rules and plan readers ask "the Services / pools /
 * HelmReleases of this group" dozens of times per run; each question was a scan of every document (6,400 in the
 * bench corpus, most of them Deployments and ConfigMaps that no such question is about). Lists are the groups' and
 * the run's document arrays, built once and not changed after; a list that grew since it was indexed (a caller's own
 * array) is indexed again. Order within a kind is the list's order. The same pass also indexes the documents by
 * apiVersion group, by document class (every class but `k8s`, which most documents are) and those without an
 * apiVersion, so that a question such as "the kustomizations, Flux Kustomizations and Argo CD Applications" or "the
 * kyverno.io objects" is a lookup too (docsOf), not one more pass over every document.
 */
import type { DocClass, YamlDocument } from './document.js';

interface KindIndex {
  /** The list's length when indexed. */
  n: number;
  byKind: Map<string, YamlDocument[]>;
  /** Per kind, where its documents sit in the list (to merge several kinds back into list order). */
  positions: Map<string, number[]>;
  /** The documents without a kind (values files, Talos configs, kustomization.yaml files that name none). */
  kindless: YamlDocument[];
  /** By apiVersion group ('' for the core group and for documents without an apiVersion), with positions. */
  byGroup: Bucketed;
  /** By document class, every class but `k8s`, with positions. */
  byClass: Bucketed;
  /** The documents without an apiVersion, or with an empty one (Talos configs and secrets bundles, values, Omni templates...), with positions. */
  noApiVersion: Bucket;
}

/** Documents of one bucket in list order, and where each sits in the list. */
interface Bucket {
  docs: YamlDocument[];
  at: number[];
}

type Bucketed = Map<string, Bucket>;

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
  const byGroup: Bucketed = new Map();
  const byClass: Bucketed = new Map();
  const noApiVersion: Bucket = { docs: [], at: [] };
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i]!;
    addTo(byGroup, d.group, d, i);
    if (d.docClass !== 'k8s') addTo(byClass, d.docClass, d, i);
    if (!d.apiVersion) {
      noApiVersion.docs.push(d);
      noApiVersion.at.push(i);
    }
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
  const ix = { n: docs.length, byKind, positions, kindless, byGroup, byClass, noApiVersion };
  INDEXES.set(docs, ix);
  return ix;
}

function addTo(buckets: Bucketed, key: string, d: YamlDocument, i: number): void {
  const b = buckets.get(key);
  if (b) {
    b.docs.push(d);
    b.at.push(i);
  } else buckets.set(key, { docs: [d], at: [i] });
}

/** The documents of `docs` whose class is `docClass` (any class but `k8s`), in list order (shared: do not change the array). */
export function docsOfClass(docs: readonly YamlDocument[], docClass: Exclude<DocClass, 'k8s'>): readonly YamlDocument[] {
  return indexOf(docs).byClass.get(docClass)?.docs ?? NONE;
}

/** The documents of `docs` whose apiVersion group is `group` ('' also holds those without an apiVersion), in list order (shared). */
export function docsOfGroup(docs: readonly YamlDocument[], group: string): readonly YamlDocument[] {
  return indexOf(docs).byGroup.get(group)?.docs ?? NONE;
}

/** The apiVersion groups of `docs`' documents ('' for the core group and for documents without an apiVersion), in first-seen order. */
export function groupsOf(docs: readonly YamlDocument[]): IterableIterator<string> {
  return indexOf(docs).byGroup.keys();
}

/** What docsOf selects: documents of any of these kinds, classes (not `k8s`) or groups, or without an apiVersion. */
export interface DocSelection {
  kinds?: readonly string[];
  classes?: readonly Exclude<DocClass, 'k8s'>[];
  groups?: readonly string[];
  /** Documents whose apiVersion is missing or empty. */
  noApiVersion?: boolean;
}

/**
 * The documents of `docs` that `sel` selects by any of its parts, each once, in list order: the few documents a pass
 * that looks only at some kinds, classes or groups needs, instead of every document of the list.
 */
export function docsOf(docs: readonly YamlDocument[], sel: DocSelection): readonly YamlDocument[] {
  const ix = indexOf(docs);
  const buckets: Bucket[] = [];
  for (const k of sel.kinds ?? []) {
    const list = ix.byKind.get(k);
    if (list) buckets.push({ docs: list, at: ix.positions.get(k)! });
  }
  for (const c of sel.classes ?? []) {
    const b = ix.byClass.get(c);
    if (b) buckets.push(b);
  }
  for (const g of sel.groups ?? []) {
    const b = ix.byGroup.get(g);
    if (b) buckets.push(b);
  }
  if (sel.noApiVersion && ix.noApiVersion.docs.length) buckets.push(ix.noApiVersion);
  if (buckets.length === 0) return NONE;
  if (buckets.length === 1) return buckets[0]!.docs;
  return mergeBuckets(buckets);
}

/** Several buckets' documents in list order, a document in more than one bucket once. */
function mergeBuckets(buckets: readonly Bucket[]): YamlDocument[] {
  const pairs: Array<[number, YamlDocument]> = [];
  for (const b of buckets) for (let i = 0; i < b.docs.length; i++) pairs.push([b.at[i]!, b.docs[i]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: YamlDocument[] = [];
  let last = -1;
  for (const [at, d] of pairs) {
    if (at === last) continue;
    last = at;
    out.push(d);
  }
  return out;
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
