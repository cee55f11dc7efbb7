/**
 * Renamed copies: one written object that a single kustomize build renders more than once under different names,
 * because it reaches the object through kustomizations with different `namePrefix` / `nameSuffix` (`apps/a` with
 * `namePrefix: a-` and `apps/b` with `namePrefix: b-`, both listing `../../base`, both listed by one kustomization).
 * Owns that question only: which objects, which rendered names, through which kustomizations; rules decide what two
 * copies mean (network/service-ip-conflict, network/pool-overlap). No findings here.
 *
 * Certain only: a build is a kustomization no other kustomization of the documents lists (the root of a
 * `kustomize build`); a copy is counted only when nothing on its way may change the object beyond its name and
 * namespace (no kustomization on the way, nor a Flux Kustomization or Argo CD source building the root's folder,
 * holds patches, replacements, components or transformers). Names as kustomize's PrefixSuffixTransformer writes them
 * (outer prefix first, outer suffix last; api/filters/prefixsuffix), namespaces as its NamespaceTransformer (the
 * outermost `namespace` wins; a Flux `targetNamespace` or Argo CD `kustomize.namespace` of the build's folder over
 * all). A Flux or Argo CD root's own namePrefix/nameSuffix is not added to the names.
 */
import type { Path, YamlDocument } from '../core/document.js';
import { fluxKustomizations, normDir } from './flux-kustomizations.js';
import { isKustomizationFile } from './applied.js';
import { kustomizationResources } from './kustomize-overlays.js';
import { argoSourcePaths, dirOf, docsByFile } from './util.js';

/** A kustomization on a copy's way from its build to the object, and the entry it follows (`['resources', 1]`). */
export interface CopyHop {
  kustomization: YamlDocument;
  entry: Path;
}

/** One rendering of a written object by a build that renders it under several names. */
export interface RenamedCopy {
  doc: YamlDocument;
  /** The rendered name (prefixes + written name + suffixes). */
  name: string;
  /**
   * The namespace a kustomization on the way sets (the outermost), or the Flux Kustomization (`targetNamespace`) or
   * Argo CD source (`kustomize.namespace`) that builds the build's folder; else undefined (the object's own).
   */
  namespace?: string;
  /** Roots building the build's folder set different namespaces (or one sets one and another none): unknown. */
  namespaceUnknown?: boolean;
  /** The root kustomization whose build renders the copies. */
  build: YamlDocument;
  /** From the build down to the kustomization that lists the object's file. */
  hops: readonly CopyHop[];
  /**
   * The kustomization that tells this copy apart: the nearest to the object on its way that sets namePrefix or
   * nameSuffix (`path` at that key), else the one that lists the object's file (`path` at that entry).
   */
  overlay: { kustomization: YamlDocument; path: Path };
}

/** Kinds kustomize's namePrefix / nameSuffix leave alone (api/konfig/builtinpluginconsts: prefixSuffixFieldSpecsToSkip). */
const UNRENAMED = new Set(['CustomResourceDefinition', 'APIService', 'Namespace']);
/** Kustomization keys that may change an object beyond its name and namespace. */
const CHANGING = ['patches', 'patchesStrategicMerge', 'patchesJson6902', 'replacements', 'components', 'transformers'];
/** Renderings beyond which nothing is counted (a pathological tree): no copies at all. */
const MAX_OUTPUTS = 50_000;

interface Out {
  doc: YamlDocument;
  prefix: string;
  suffix: string;
  namespace?: string;
  hops: CopyHop[];
  certain: boolean;
}

class TooMany extends Error {}

const COPIES = new WeakMap<readonly YamlDocument[], ReadonlyMap<YamlDocument, readonly RenamedCopy[]>>();

/**
 * The objects of `docs` that some build renders under two or more names, each with the renderings of the builds that
 * do (one per rendered name and namespace, the first build's first). Computed once per list.
 */
export function renamedCopies(docs: readonly YamlDocument[]): ReadonlyMap<YamlDocument, readonly RenamedCopy[]> {
  let known = COPIES.get(docs);
  if (!known) COPIES.set(docs, (known = findCopies(docs)));
  return known;
}

const idChange = (k: YamlDocument, key: string): string | undefined => {
  const v = k.get([key]);
  return typeof v === 'string' && v !== '' ? v : undefined;
};

function findCopies(docs: readonly YamlDocument[]): ReadonlyMap<YamlDocument, readonly RenamedCopy[]> {
  const none = new Map<YamlDocument, RenamedCopy[]>();
  const kusts = docs.filter((d) => d.docClass === 'kustomization' && isKustomizationFile(d.file.path));
  // nothing renames: nothing is copied under another name
  if (!kusts.some((k) => idChange(k, 'namePrefix') !== undefined || idChange(k, 'nameSuffix') !== undefined)) return none;
  const byFile = docsByFile(docs);
  const listed = new Set<string>();
  for (const k of kusts) for (const r of kustomizationResources(k, byFile)) if (r.kust) listed.add(r.node);
  const memo = new Map<YamlDocument, Out[]>();
  const visiting = new Set<YamlDocument>();
  let count = 0;
  const outputs = (k: YamlDocument): Out[] => {
    const done = memo.get(k);
    if (done) return done;
    // a cycle: kustomize refuses the build
    if (visiting.has(k)) return [];
    visiting.add(k);
    const changes = CHANGING.some((key) => k.get([key]) !== undefined);
    const prefix = idChange(k, 'namePrefix') ?? '';
    const suffix = idChange(k, 'nameSuffix') ?? '';
    const namespace = idChange(k, 'namespace');
    const list: Out[] = [];
    const seen = new Set<string>();
    const add = (o: Out): void => {
      const out: Out = { doc: o.doc, prefix: prefix + o.prefix, suffix: o.suffix + suffix, hops: o.hops, certain: o.certain && !changes };
      const ns = namespace ?? o.namespace;
      if (ns !== undefined) out.namespace = ns;
      // one id twice in one build is a kustomize error ("already registered id"): counted once
      const id = `${o.doc.file.path}#${o.doc.index}#${out.prefix}#${out.suffix}#${ns ?? ''}`;
      if (seen.has(id)) return;
      seen.add(id);
      if (++count > MAX_OUTPUTS) throw new TooMany();
      list.push(out);
    };
    for (const r of kustomizationResources(k, byFile)) {
      const hop: CopyHop = { kustomization: k, entry: r.path };
      if (r.kust) for (const o of outputs(r.kust)) add({ ...o, hops: [hop, ...o.hops] });
      else for (const d of byFile.get(r.node) ?? []) if (d.docClass === 'k8s' && d.name && d.kind && !UNRENAMED.has(d.kind)) add({ doc: d, prefix: '', suffix: '', hops: [hop], certain: true });
    }
    visiting.delete(k);
    memo.set(k, list);
    return list;
  };
  // a Flux Kustomization or an Argo CD source that patches the folder it builds may change what its build renders
  // and one that sets a namespace replaces the namespace of everything it builds (several: unknown)
  const patchedDirs = new Set<string>();
  const rootNs = new Map<string, Set<string>>();
  const root = (dir: string, patches: unknown, ns: unknown): void => {
    if (patches !== undefined) patchedDirs.add(dir);
    const set = rootNs.get(dir) ?? new Set<string>();
    set.add(typeof ns === 'string' && ns !== '' ? ns : '');
    rootNs.set(dir, set);
  };
  for (const ks of fluxKustomizations(docs)) root(ks.dir, ks.doc.get(['spec', 'patches']), ks.doc.get(['spec', 'targetNamespace']));
  for (const d of docs) {
    if (d.group !== 'argoproj.io' || d.kind !== 'Application') continue;
    for (const sp of argoSourcePaths(d)) {
      const dir = normDir(d.get([...sp, 'path']));
      if (dir !== undefined) root(dir, d.get([...sp, 'kustomize', 'patches']), d.get([...sp, 'kustomize', 'namespace']));
    }
  }
  const byDoc = new Map<YamlDocument, { copies: RenamedCopy[]; ids: Set<string> }>();
  try {
    for (const build of kusts) {
      if (listed.has(build.file.path)) continue;
      const rootCertain = !patchedDirs.has(dirOf(build.file.path));
      const mine = new Map<YamlDocument, Out[]>();
      for (const o of outputs(build)) {
        const l = mine.get(o.doc);
        if (l) l.push(o);
        else mine.set(o.doc, [o]);
      }
      for (const [doc, outs] of mine) {
        const names = new Set(outs.map((o) => `${o.prefix}${doc.name}${o.suffix}`));
        // rendered once (or under one name) by this build, or possibly changed on some way: not counted from it (a
        // build that renders it once may be another environment's, not this cluster's)
        if (names.size < 2 || !rootCertain || outs.some((o) => !o.certain)) continue;
        let entry = byDoc.get(doc);
        if (!entry) byDoc.set(doc, (entry = { copies: [], ids: new Set() }));
        for (const o of outs) {
          const name = `${o.prefix}${doc.name}${o.suffix}`;
          const id = `${name}#${o.namespace ?? ''}`;
          if (entry.ids.has(id)) continue;
          entry.ids.add(id);
          const c: RenamedCopy = { doc, name, build, hops: o.hops, overlay: overlayOf(o.hops) };
          const set = rootNs.get(dirOf(build.file.path));
          const ns = set ? (set.size === 1 && !set.has('') ? [...set][0] : set.has('') && set.size === 1 ? o.namespace : null) : o.namespace;
          if (ns === null) c.namespaceUnknown = true;
          else if (ns !== undefined) c.namespace = ns;
          entry.copies.push(c);
        }
      }
    }
  } catch (err) {
    if (err instanceof TooMany) return none;
    throw err;
  }
  const out = new Map<YamlDocument, RenamedCopy[]>();
  for (const [doc, e] of byDoc) out.set(doc, e.copies);
  return out;
}

/** The kustomization that tells a copy apart (RenamedCopy.overlay). */
function overlayOf(hops: readonly CopyHop[]): RenamedCopy['overlay'] {
  for (let i = hops.length - 1; i >= 0; i--) {
    const k = hops[i]!.kustomization;
    for (const key of ['namePrefix', 'nameSuffix']) if (idChange(k, key) !== undefined) return { kustomization: k, path: [key] };
  }
  const last = hops[hops.length - 1]!;
  return { kustomization: last.kustomization, path: last.entry };
}

/** A related location naming the kustomization that renders copy `c` (for a finding about the copy `label`). */
export function copyRelated(c: RenamedCopy, label: string): { doc: YamlDocument; path: Path; message: string } {
  return { doc: c.overlay.kustomization, path: c.overlay.path, message: `${label} "${c.name}" as ${c.overlay.kustomization.file.path} renames it in the build of ${c.build.file.path}` };
}
