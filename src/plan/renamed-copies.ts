/**
 * Renamed copies: one written object that a single kustomize build renders more than once under different names,
 * because it reaches the object through kustomizations with different `namePrefix` / `nameSuffix` (`apps/a` with
 * `namePrefix: a-` and `apps/b` with `namePrefix: b-`, both listing `../../base`, both listed by one kustomization).
 * Owns that question only: which objects, through which kustomizations; the rendered ids (names, namespaces) are
 * plan/kustomize-build.ts's model of the build, and rules decide what two copies mean (network/service-ip-conflict,
 * network/pool-overlap). No findings here.
 *
 * Certain only: a build is a kustomization no other kustomization of the documents lists (the root of a
 * `kustomize build`); a copy is counted only when nothing on its way may change the object beyond its name and
 * namespace (no kustomization on the way, nor a Flux Kustomization or Argo CD source building the root's folder,
 * holds patches, replacements, components or transformers). A Flux `targetNamespace` or Argo CD
 * `kustomize.namespace` of the build's folder replaces the root's namespace (several roots that disagree: unknown); a
 * Flux or Argo CD root's own namePrefix/nameSuffix is not added to the names.
 *
 * Also the copies two appliers of one cluster make (crossApplierCopies: plan/appliers.ts builds what each applies,
 * its own namePrefix/nameSuffix included): each renders the object once, under another name.
 */
import type { Path, YamlDocument } from '../core/document.js';
import { docsOf, docsOfClass, docsOfKind } from '../core/kind-index.js';
import { fluxKustomizations, normDir } from './flux-kustomizations.js';
import { isKustomizationFile } from './applied.js';
import { applierAncestry, applierLabel, appliers, inOtherClusters, type Applier } from './appliers.js';
import { builtKustomizations, isClusterScoped, type BuildHop, type BuiltObject, type IdOverrides } from './kustomize-build.js';
import type { SourceIgnoreFile } from './source-ignore.js';
import { argoSourcePaths, dirOf, docsByFile } from './util.js';

/** A kustomization on a copy's way from its build to the object, and the entry it follows (`['resources', 1]`). */
export type CopyHop = BuildHop;

/** One rendering of a written object by a build that renders it under several names. */
export interface RenamedCopy {
  doc: YamlDocument;
  /** The rendered name (prefixes + written name + suffixes). */
  name: string;
  /**
   * The namespace the build gives it when a kustomization on the way sets one, or the Flux Kustomization
   * (`targetNamespace`) or Argo CD source (`kustomize.namespace`) that builds the build's folder does; else
   * undefined (the object's own).
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
  /** The applier (plan/appliers.ts applierLabel) whose build renders this copy, when two appliers of one cluster make the copies. */
  applier?: string;
}

/** Kustomization keys that may change an object beyond its name and namespace. */
const CHANGING = ['patches', 'patchesStrategicMerge', 'patchesJson6902', 'replacements', 'components', 'transformers'];

const COPIES = new WeakMap<readonly YamlDocument[], Map<readonly SourceIgnoreFile[] | undefined, ReadonlyMap<YamlDocument, readonly RenamedCopy[]>>>();

/**
 * The objects of `docs` that some build renders under two or more names, each with the renderings of the builds that
 * do (one per rendered name and namespace, the first build's first). `ignores`: the tree's `.sourceignore` files (a
 * Flux Kustomization's build leaves out what its source's artifact does not hold: plan/appliers.ts). Computed once
 * per list.
 */
export function renamedCopies(docs: readonly YamlDocument[], ignores?: readonly SourceIgnoreFile[]): ReadonlyMap<YamlDocument, readonly RenamedCopy[]> {
  let byIgnores = COPIES.get(docs);
  if (!byIgnores) COPIES.set(docs, (byIgnores = new Map()));
  let known = byIgnores.get(ignores);
  if (!known) byIgnores.set(ignores, (known = findCopies(docs, ignores)));
  return known;
}

const idChange = (k: YamlDocument, key: string): string | undefined => {
  const v = k.get([key]);
  return typeof v === 'string' && v !== '' ? v : undefined;
};

function findCopies(docs: readonly YamlDocument[], ignores: readonly SourceIgnoreFile[] | undefined): ReadonlyMap<YamlDocument, readonly RenamedCopy[]> {
  const none = new Map<YamlDocument, RenamedCopy[]>();
  const kusts = docsOfClass(docs, 'kustomization').filter((d) => isKustomizationFile(d.file.path));
  // nothing renames: nothing is copied under another name
  if (!kusts.some((k) => idChange(k, 'namePrefix') !== undefined || idChange(k, 'nameSuffix') !== undefined) && !appliersRename(docs)) return none;
  let byFileMemo: Map<string, YamlDocument[]> | undefined;
  const b = builtKustomizations(docs, () => (byFileMemo ??= docsByFile(docs)));
  const listed = new Set<string>();
  for (const k of kusts) for (const l of b.listedKustomizations(k)) listed.add(l.file.path);
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
  for (const d of docsOfKind(docs, 'Application')) {
    if (d.group !== 'argoproj.io') continue;
    for (const sp of argoSourcePaths(d)) {
      const dir = normDir(d.get([...sp, 'path']));
      if (dir !== undefined) root(dir, d.get([...sp, 'kustomize', 'patches']), d.get([...sp, 'kustomize', 'namespace']));
    }
  }
  const certain = (hops: readonly CopyHop[] | undefined): hops is readonly CopyHop[] => !!hops && hops.every((h) => !CHANGING.some((key) => h.kustomization.get([key]) !== undefined));
  const byDoc = new Map<YamlDocument, { copies: RenamedCopy[]; ids: Set<string> }>();
  for (const build of kusts) {
    if (listed.has(build.file.path) || patchedDirs.has(dirOf(build.file.path))) continue;
    const set = rootNs.get(dirOf(build.file.path));
    // one namespace of the roots: the build's namespace; roots without one: the build's own; else unknown
    const rootNamespace = set?.size === 1 && !set.has('') ? [...set][0] : undefined;
    const namespaceUnknown = !!set && set.size > 1;
    const ids: IdOverrides | undefined = rootNamespace === undefined ? undefined : { namespace: rootNamespace };
    const traced = b.traced(build, ids);
    const mine = new Map<YamlDocument, number[]>();
    traced.objects.forEach((o, i) => {
      const l = mine.get(o.doc);
      if (l) l.push(i);
      else mine.set(o.doc, [i]);
    });
    for (const [doc, at] of mine) {
      // rendered once (or under one name) by this build, or possibly changed on some way: not counted from it (a
      // build that renders it once may be another environment's, not this cluster's)
      if (at.length < 2 || new Set(at.map((i) => traced.objects[i]!.name)).size < 2) continue;
      const outs = at.map((i) => ({ o: traced.objects[i]!, hops: traced.hops(i) }));
      if (!outs.every((x) => certain(x.hops))) continue;
      let entry = byDoc.get(doc);
      if (!entry) byDoc.set(doc, (entry = { copies: [], ids: new Set() }));
      for (const { o, hops } of outs) {
        const id = `${o.name}#${o.namespace}`;
        if (entry.ids.has(id) || !hops) continue;
        entry.ids.add(id);
        const c: RenamedCopy = { doc, name: o.name, build, hops, overlay: overlayOf(hops) };
        if (namespaceUnknown) c.namespaceUnknown = true;
        else if (o.namespace !== '' && (ids || hops.some((h) => idChange(h.kustomization, 'namespace') !== undefined))) c.namespace = o.namespace;
        entry.copies.push(c);
      }
    }
  }
  crossApplierCopies(docs, ignores, certain, byDoc);
  const out = new Map<YamlDocument, RenamedCopy[]>();
  for (const [doc, e] of byDoc) out.set(doc, e.copies);
  return out;
}

/** A Flux Kustomization (`spec.namePrefix`/`nameSuffix`) or an Argo CD source (`kustomize.namePrefix`/`nameSuffix`) of `docs` renames. */
function appliersRename(docs: readonly YamlDocument[]): boolean {
  const set = (v: unknown): boolean => typeof v === 'string' && v !== '';
  for (const d of docsOf(docs, { kinds: ['Kustomization', 'Application'] })) {
    if (d.kind === 'Kustomization' && d.group === 'kustomize.toolkit.fluxcd.io' && (set(d.get(['spec', 'namePrefix'])) || set(d.get(['spec', 'nameSuffix'])))) return true;
    if (d.group === 'argoproj.io' && d.kind === 'Application') {
      for (const sp of argoSourcePaths(d)) if (set(d.get([...sp, 'kustomize', 'namePrefix'])) || set(d.get([...sp, 'kustomize', 'nameSuffix']))) return true;
    }
  }
  return false;
}

/**
 * Copies that two appliers of one cluster make (plan/appliers.ts: same target, not two clusters' bootstraps): each
 * builds its own overlay of one base (or one folder with its own namePrefix/nameSuffix), so the object is rendered
 * under different names. Counted only when every applier's rendering of it is certain: no patches or components of
 * the applier's own, none on the way (CHANGING), an id not templated, and for a folder without a kustomization a file
 * no kustomization of the folder takes. Added to `byDoc` under names it does not hold yet.
 */
function crossApplierCopies(docs: readonly YamlDocument[], ignores: readonly SourceIgnoreFile[] | undefined, certain: (h: readonly CopyHop[] | undefined) => h is readonly CopyHop[], byDoc: Map<YamlDocument, { copies: RenamedCopy[]; ids: Set<string> }>): void {
  const list = appliers(docs, undefined, ignores);
  if (list.length < 2) return;
  // the written objects rendered under two names by two appliers of one target (the first rendering of each name)
  const seen = new Map<string, Map<string, Applier>>();
  const candidates = new Set<YamlDocument>();
  for (const a of list) {
    for (const o of a.objects) {
      const key = `${a.target}\u0000${o.doc.file.path}#${o.doc.index}`;
      let names = seen.get(key);
      if (!names) seen.set(key, (names = new Map()));
      if (!names.has(o.name)) names.set(o.name, a);
      if (names.size > 1) candidates.add(o.doc);
    }
  }
  if (!candidates.size) return;
  let anc: ReturnType<typeof applierAncestry> | undefined;
  const identity = (a: Applier): string => `${a.engine}\u0000${a.doc.namespace ?? ''}\u0000${a.name}`;
  const renderings = new Map<YamlDocument, Array<{ a: Applier; name: string; namespace: string; copy?: Omit<RenamedCopy, 'doc' | 'name'> }>>();
  const unsure = new Set<YamlDocument>();
  for (const a of list) {
    const mine = a.objects.some((o) => candidates.has(o.doc));
    if (!mine) continue;
    const ways = applierWays(a, candidates);
    for (const w of ways) {
      if (w === undefined) continue;
      if (!w.hops || a.changes || w.o.uncertain || !certain(w.hops)) {
        unsure.add(w.o.doc);
        continue;
      }
      const l = renderings.get(w.o.doc) ?? [];
      const ns = isClusterScoped(w.o.kind) ? '' : w.o.namespace || a.defaultNamespace;
      l.push({ a, name: w.o.name, namespace: ns, copy: { build: a.build?.kustomization ?? a.doc, hops: w.hops, overlay: applierOverlay(a, w.hops), applier: applierLabel(a) } });
      renderings.set(w.o.doc, l);
    }
  }
  for (const [doc, l] of renderings) {
    if (unsure.has(doc)) continue;
    // per target, the renderings of appliers that may share a cluster with the first one
    const byTarget = new Map<string, typeof l>();
    for (const r of l) {
      const t = byTarget.get(r.a.target) ?? [];
      if (t.length && (identity(t[0]!.a) === identity(r.a) ? false : inOtherClusters(t[0]!.a, r.a, (anc ??= applierAncestry(list))))) continue;
      t.push(r);
      byTarget.set(r.a.target, t);
    }
    for (const t of byTarget.values()) {
      const names = new Set(t.map((r) => r.name));
      if (names.size < 2 || new Set(t.map((r) => identity(r.a))).size < 2) continue;
      let entry = byDoc.get(doc);
      if (!entry) byDoc.set(doc, (entry = { copies: [], ids: new Set() }));
      const held = new Set(entry.copies.map((c) => c.name));
      for (const r of t) {
        if (held.has(r.name)) continue;
        held.add(r.name);
        const c: RenamedCopy = { doc, name: r.name, ...r.copy! };
        if (r.namespace !== '') c.namespace = r.namespace;
        entry.copies.push(c);
        entry.ids.add(`${r.name}#${r.namespace}`);
      }
    }
  }
}

/**
 * The objects of `candidates` applier `a` renders, each with its way from the applier's build (its kustomization's
 * traced build, in the build model the applier was built with; for a folder without one, `[]` for a file no
 * kustomization between it and the folder takes, else undefined: not followed).
 */
function applierWays(a: Applier, candidates: ReadonlySet<YamlDocument>): Array<{ o: BuiltObject; hops: readonly CopyHop[] | undefined } | undefined> {
  const out: Array<{ o: BuiltObject; hops: readonly CopyHop[] | undefined }> = [];
  if (a.build) {
    const traced = a.builder.traced(a.build.kustomization, a.build.ids);
    traced.objects.forEach((o, i) => {
      if (candidates.has(o.doc)) out.push({ o, hops: traced.hops(i) });
    });
    return out;
  }
  for (const o of a.objects) {
    if (!candidates.has(o.doc)) continue;
    let d = dirOf(o.doc.file.path);
    let plain = true;
    for (;;) {
      if (a.builder.kustomizationAt(d)) plain = false;
      if (d === a.dir || d === '' || !plain) break;
      d = dirOf(d);
    }
    out.push({ o, hops: plain ? [] : undefined });
  }
  return out;
}

/** Where a copy an applier makes is told apart: the applier's own namePrefix/nameSuffix, else the nearest kustomization on the way that sets one, else the applier's path (it applies the copy with its written name). */
function applierOverlay(a: Applier, hops: readonly CopyHop[]): RenamedCopy['overlay'] {
  const spec = a.at.slice(0, -1);
  for (const key of ['namePrefix', 'nameSuffix']) {
    const path = a.engine === 'flux' ? ['spec', key] : [...spec, 'kustomize', key];
    const v = a.doc.get(path);
    if (typeof v === 'string' && v !== '') return { kustomization: a.doc, path };
  }
  for (let i = hops.length - 1; i >= 0; i--) {
    const k = hops[i]!.kustomization;
    for (const key of ['namePrefix', 'nameSuffix']) if (idChange(k, key) !== undefined) return { kustomization: k, path: [key] };
  }
  return { kustomization: a.doc, path: a.at };
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
  if (c.applier) return { doc: c.overlay.kustomization, path: c.overlay.path, message: `${label} "${c.name}" as ${c.applier} applies it (${c.overlay.kustomization.file.path})` };
  return { doc: c.overlay.kustomization, path: c.overlay.path, message: `${label} "${c.name}" as ${c.overlay.kustomization.file.path} renames it in the build of ${c.build.file.path}` };
}
