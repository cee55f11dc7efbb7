/**
 * The group's CiliumLoadBalancerIPPools as its kustomize overlays render them, and the pools the network/ pool rules
 * judge (poolsToJudge): each pool as written where no kustomize patch may change what the rule reads, else each
 * rendering of it by an overlay, every block at the place that wrote it (the base, a patch file, an inline patch).
 *
 * A rendering is plan/kustomize-overlays.ts kustomizeObjectOverlays over the group's documents: a kustomization that
 * reaches the pool through its `resources` and applies a patch to it (strategic merge: maps merge, lists such as
 * `spec.blocks` are replaced whole, `null` deletes; JSON6902 add/replace/remove/copy/move/test with JSON pointers),
 * with its namePrefix/nameSuffix. A rendering a patch made uncertain (unreadable or templated, a target pattern not
 * run, an operation kustomize fails on, a strategic-merge directive other than `$patch: replace` on a map) is not
 * judged, and the base is not judged in that overlay either: the conservative skip (plan/lb.ts patchedThere), per
 * overlay (another overlay's certain rendering, or a build that ships the base unpatched, is judged). A pool a
 * `$patch: delete` removes is certainly gone from the builds that delete it, and only from those (Rendered.deleted). Patches of a Flux Kustomization (`spec.patches`) or an Argo CD source
 * (`kustomize.patches`) render the pools of the folder it builds the same way, at the place the tool puts them:
 * appended to the `patches` of the folder's kustomization, so before its namePrefix (the root's own replacing it) and
 * patchesJson6902 (kustomize-overlays.ts renderRoots). poolViews / uncertainPools answer "which pools may hold this address" per overlay. A strategic-merge patch file
 * applied by a judged rendering is not judged as a pool of its own (the rendering holds its values).
 */
import type { Path, YamlDocument } from '../core/document.js';
import { POOL_KIND } from '../data/cilium.js';
import { nodeAt, plain, type Node } from './kustomize-application.js';
import { kustomizationResources, kustomizeObjectOverlays, type ObjectOverlaySpec } from './kustomize-overlays.js';
import { under } from './flux-kustomizations.js';
import { groupPools, isPoolDoc, patchedThere, readPoolFrom, type LbPool, type Place, type PoolOverlay } from './lb.js';
import { renamedCopies } from './renamed-copies.js';
import type { SourceIgnoreFile } from './source-ignore.js';
import type { ClusterGroup } from './types.js';
import { dirOf, docsByFile } from './util.js';
import { docsOfKind } from '../core/kind-index.js';

interface Rendered {
  /** Judged renderings (not skipped), with the base each renders. */
  pools: ReadonlyArray<{ base: YamlDocument; pool: LbPool }>;
  /** Patch-file documents those renderings applied. */
  patchDocs: ReadonlySet<YamlDocument>;
  /**
   * Bases with a rendering a patch made uncertain, each with the kustomizations (or Flux Kustomizations / Argo CD
   * Applications) of those renderings; 'all': every base, when the overlays could not be rendered.
   */
  uncertain: ReadonlyMap<YamlDocument, ReadonlySet<YamlDocument>> | 'all';
  /** Bases every path to which goes through a kustomization that patches them (none is deployed as written). */
  replaced: ReadonlySet<YamlDocument>;
  /**
   * Bases a `$patch: delete` removes, with the kustomizations (or roots) whose builds delete them: gone from those
   * builds only, certain (not uncertain) everywhere; a build that ships them unpatched still deploys them.
   */
  deleted: ReadonlyMap<YamlDocument, ReadonlySet<YamlDocument>>;
}

const RENDERED = new WeakMap<readonly YamlDocument[], Rendered>();
const JUDGED = new WeakMap<readonly YamlDocument[], Map<readonly Path[], readonly LbPool[]>>();
const NONE: Rendered = { pools: [], patchDocs: new Set(), uncertain: new Map(), replaced: new Set(), deleted: new Map() };

/** The group's pool renderings (computed once per document list; none when no pool may be patched). */
export function renderedPools(g: ClusterGroup): Rendered {
  let known = RENDERED.get(g.docs);
  if (!known) {
    known = groupPools(g).some((p) => p.patched) ? render(g.docs) : NONE;
    RENDERED.set(g.docs, known);
  }
  return known;
}

function render(docs: readonly YamlDocument[]): Rendered {
  if (!docsOfKind(docs, POOL_KIND).some(isPoolDoc)) return NONE;
  const ov = kustomizeObjectOverlays(docs, docs, docsByFile(docs), isPoolDoc);
  if (ov.unknown) return { ...NONE, uncertain: 'all' };
  const pools: Array<{ base: YamlDocument; pool: LbPool }> = [];
  const patchDocs = new Set<YamlDocument>();
  const uncertain = new Map<YamlDocument, Set<YamlDocument>>();
  for (const o of ov.objects) {
    if (o.skipped) {
      const by = uncertain.get(o.doc) ?? new Set<YamlDocument>();
      by.add(o.kustomization);
      uncertain.set(o.doc, by);
      continue;
    }
    pools.push({ base: o.doc, pool: renderedPool(o) });
    for (const d of o.patches) if (d.docClass !== 'kustomization') patchDocs.add(d);
  }
  return { pools, patchDocs, uncertain, replaced: ov.replaced, deleted: ov.deleted };
}

/**
 * A rendering as a pool: values from the rendered object, each placed where its last writer wrote it; a range whose
 * `start` is the base's and whose `stop` a patch wrote has that place as its lastPlace.
 */
function renderedPool(o: ObjectOverlaySpec): LbPool {
  const pool = readPoolFrom({
    doc: o.doc,
    name: o.name,
    get: (p) => plain(nodeAt(o.node, p)),
    at: (p, key) => placeOf(o.node, p, key),
    overlay: { kustomization: o.kustomization, path: o.path, patches: o.patches, ...(o.root ? { root: o.root } : {}) },
  });
  for (const b of pool.blocks) if (b.kind === 'range' && b.place.doc === o.doc && b.stopPlace && b.stopPlace.doc !== o.doc) b.lastPlace = b.stopPlace;
  return pool;
}

/** Where the node at `path` (else its nearest ancestor) was last written; `key`: its key's range in an inline patch. */
function placeOf(root: Node, path: Path, key = false): Place {
  let n: Node | undefined;
  let i = path.length;
  for (; i >= 0 && !n; i--) n = nodeAt(root, path.slice(0, i));
  const o = n!.o[n!.o.length - 1]!;
  if (!o.inString) return { doc: o.doc, path: o.valuesPath };
  const range = o.doc.locateInString(o.valuesPath, o.stringPath ?? [], { key: key && i + 1 === path.length });
  return range ? { doc: o.doc, path: o.valuesPath, range } : { doc: o.doc, path: o.valuesPath };
}

/**
 * The pools a rule reading `fields` of them (paths, POOL_BLOCK_FIELDS plus e.g. `spec.disabled`) judges: every pool
 * whose `fields` as written are what Cilium gets (no patch may change them: plan/lb.ts patchedThere) except patch files a judged rendering
 * applied, and every judged rendering of a pool that a kustomize patch may change there. Renderings of different
 * overlays are variants of one another (LbPool.overlay tells them apart).
 */
export function poolsToJudge(g: ClusterGroup, fields: readonly Path[]): readonly LbPool[] {
  const pools = groupPools(g);
  if (!pools.some((p) => p.patched)) return pools;
  // once per group and field list (rules pass their own constant list; service-ip-not-in-pool asks per document)
  let byFields = JUDGED.get(g.docs);
  if (!byFields) JUDGED.set(g.docs, (byFields = new Map()));
  let known = byFields.get(fields);
  if (!known) byFields.set(fields, (known = judgedPools(g, pools, fields)));
  return known;
}

function judgedPools(g: ClusterGroup, pools: readonly LbPool[], fields: readonly Path[]): readonly LbPool[] {
  const { pools: rendered, patchDocs } = renderedPools(g);
  const out: LbPool[] = [];
  const replaced = new Set<YamlDocument>();
  for (const p of pools) {
    if (patchedThere(g, p, fields)) replaced.add(p.doc);
    else if (!patchDocs.has(p.doc)) out.push(p);
  }
  for (const r of rendered) if (replaced.has(r.base)) out.push(r.pool);
  return out;
}

/**
 * What the network/ pool rules judge: poolsToJudge, plus the bases a patch may change that something also deploys as
 * written (deployedAsWritten: a kustomization that includes the base without patching it, or a root), so a base
 * one overlay patches and another ships unchanged is judged as shipped too.
 */
export function poolsForRules(g: ClusterGroup, fields: readonly Path[]): readonly LbPool[] {
  const judged = poolsToJudge(g, fields);
  const extra = deployedAsWritten(g, fields).filter((p) => !judged.includes(p));
  return extra.length ? [...judged, ...extra] : judged;
}

/**
 * `pools` with each pool as written that a build of the group renders under several names (kustomize namePrefix /
 * nameSuffix: plan/renamed-copies.ts) replaced by one pool per rendering (its rendered name, `copy`).
 */
export function withRenamedCopies(g: ClusterGroup, pools: readonly LbPool[], ignores?: readonly SourceIgnoreFile[]): readonly LbPool[] {
  const copies = renamedCopies(g.docs, ignores);
  if (!copies.size) return pools;
  return pools.flatMap((p) => {
    const list = p.overlay ? undefined : copies.get(p.doc);
    return list ? list.map((c): LbPool => ({ ...p, name: c.name, copy: c })) : [p];
  });
}

/** Two pools that may be in one cluster: not renderings of different overlays (per-cluster variants). */
export function sameRendering(a: LbPool, b: LbPool): boolean {
  // one base as written and as an overlay renders it are two variants of one pool, never side by side; two renamed
  // copies one build makes of it are two pools
  if (a.doc === b.doc) return !!a.copy && !!b.copy && a.copy !== b.copy;
  return !a.overlay || !b.overlay || a.overlay.kustomization === b.overlay.kustomization;
}

/**
 * Pools whose `fields` a patch may change (plan/lb.ts patchedThere) and that no certain rendering stands for in some
 * overlay: a rendering a patch made uncertain, a patch not rendered (not a pool `$patch: delete` removes: certain). As written
 * (their values there may be anything). Which overlays: uncertainIn.
 */
export function uncertainPools(g: ClusterGroup, fields: readonly Path[]): readonly LbPool[] {
  const pools = groupPools(g);
  if (!pools.some((p) => p.patched)) return [];
  const { pools: rendered, uncertain, deleted } = renderedPools(g);
  return pools.filter((p) => patchedThere(g, p, fields) && (uncertain === 'all' || uncertain.has(p.doc) || (!rendered.some((r) => r.base === p.doc) && !deleted.has(p.doc))));
}

/** One view of a group's pools: those of one overlay's build (`overlay`), or of every overlay at once (none). */
export interface PoolView {
  overlay?: PoolOverlay;
  pools: readonly LbPool[];
  /**
   * Pools (as written) whose values in this view a patch makes uncertain (uncertainPools, of this overlay's build):
   * any address may be in them, so a rule asking which pool holds an address has no answer in this view.
   */
  uncertain: readonly LbPool[];
}

const BUILD_FILES = new WeakMap<YamlDocument, ReadonlySet<string>>();
const SINGLE_VIEW = new WeakMap<readonly LbPool[], PoolView[]>();
const OVERLAYS_OF = new WeakMap<readonly LbPool[], Map<YamlDocument, PoolOverlay>>();

/**
 * The files an overlay's build reads as resources: its kustomization's `resources` (and `bases`), recursively
 * (plan/kustomize-overlays.ts kustomizationResources); for a Flux Kustomization or an Argo CD source that patches,
 * the build of the kustomization in its folder (`kustomization` there), else every file below the folder.
 */
function buildFiles(g: ClusterGroup, o: PoolOverlay): ReadonlySet<string> {
  const known = BUILD_FILES.get(o.kustomization);
  if (known) return known;
  const byFile = docsByFile(g.docs);
  const out = new Set<string>();
  const walk = (k: YamlDocument): void => {
    for (const r of kustomizationResources(k, byFile)) {
      if (out.has(r.node)) continue;
      out.add(r.node);
      if (r.kust) walk(r.kust);
    }
  };
  if (o.kustomization.docClass === 'kustomization') walk(o.kustomization);
  else if (o.root) {
    const k = o.root.kustomization;
    if (k) walk(k);
    else for (const f of byFile.keys()) if (under(dirOf(f), o.root.dir)) out.add(f);
  }
  BUILD_FILES.set(o.kustomization, out);
  return out;
}

/**
 * The views of the group's pools a request in `doc` is judged against (rules asking which pool holds an address,
 * network/service-ip-not-in-pool): without renderings, the pools to judge. With them, one view per overlay whose
 * build includes `doc` (the pools as written no patch changes, that overlay's renderings, and the bases it reaches
 * without rendering them), or, when no overlay's build includes `doc` (something else deploys it), one view of every
 * pool to judge plus the bases something deploys as written. Each view lists the pools a patch makes uncertain in it
 * (an overlay: those its own build's patches make uncertain; otherwise every uncertain pool).
 */
export function poolViews(g: ClusterGroup, fields: readonly Path[], doc: YamlDocument): PoolView[] {
  const judged = poolsToJudge(g, fields);
  let overlays = OVERLAYS_OF.get(judged);
  if (!overlays) {
    overlays = new Map<YamlDocument, PoolOverlay>();
    for (const p of judged) if (p.overlay && !overlays.has(p.overlay.kustomization)) overlays.set(p.overlay.kustomization, p.overlay);
    OVERLAYS_OF.set(judged, overlays);
  }
  const uncertain = uncertainPools(g, fields);
  if (!overlays.size) {
    // one view for every document (the common case, no overlay renders a pool): the same array each time, so
    // callers can cache what they build on it; with the pools one overlay deletes that another build ships as written
    let one = SINGLE_VIEW.get(judged);
    if (!one) {
      const shipped = deployedAsWritten(g, fields).filter((p) => !judged.includes(p));
      SINGLE_VIEW.set(judged, (one = [{ pools: shipped.length ? [...judged, ...shipped] : judged, uncertain }]));
    }
    return one;
  }
  const { deleted } = renderedPools(g);
  /** `o`'s build deletes the base (`$patch: delete` by its kustomization or one its build includes). */
  const deletedIn = (b: LbPool, o: PoolOverlay, files: ReadonlySet<string>): boolean => [...(deleted.get(b.doc) ?? [])].some((k) => k === o.kustomization || files.has(k.file.path));
  const patched = groupPools(g).filter((p) => patchedThere(g, p, fields));
  const common = judged.filter((p) => !p.overlay);
  const views: PoolView[] = [];
  for (const o of overlays.values()) {
    const files = buildFiles(g, o);
    if (!files.has(doc.file.path)) continue;
    const mine = uncertainIn(g, uncertain, o, files);
    const own = judged.filter((p) => p.overlay?.kustomization === o.kustomization);
    const unrendered = patched.filter((b) => !mine.includes(b) && files.has(b.doc.file.path) && !own.some((p) => p.doc === b.doc) && !deletedIn(b, o, files));
    views.push({ overlay: o, pools: [...common, ...own, ...unrendered], uncertain: mine });
  }
  return views.length ? views : [{ pools: [...judged, ...deployedAsWritten(g, fields)], uncertain }];
}

/**
 * Of the uncertain pools (uncertainPools), those uncertain in overlay `o`'s build (`files`): a rendering a patch
 * made uncertain by `o` or by a kustomization its build includes, or no rendering at all and no deletion (a patch
 * not rendered, overlays that could not be rendered: uncertain everywhere).
 */
function uncertainIn(g: ClusterGroup, uncertain: readonly LbPool[], o: PoolOverlay, files: ReadonlySet<string>): LbPool[] {
  const { pools: rendered, uncertain: by, deleted } = renderedPools(g);
  return uncertain.filter((p) => {
    if (by === 'all') return true;
    const ks = by.get(p.doc);
    if (!ks) return !rendered.some((r) => r.base === p.doc) && !deleted.has(p.doc);
    for (const k of ks) if (k === o.kustomization || files.has(k.file.path)) return true;
    return false;
  });
}

/**
 * Pools a patch may change (`fields`) and some overlay renders (with certainty or not: a rendering the renderer
 * followed), that something also deploys as written: a root, or a kustomization that does not patch them, reaches
 * them (plan/kustomize-overlays.ts `replaced`). A pool one overlay's patch makes uncertain and another build ships
 * unpatched is one of them: what that build applies is certain.
 */
export function deployedAsWritten(g: ClusterGroup, fields: readonly Path[]): readonly LbPool[] {
  const pools = groupPools(g);
  if (!pools.some((p) => p.patched)) return [];
  const { pools: rendered, replaced, uncertain, deleted } = renderedPools(g);
  if (uncertain === 'all') return [];
  return pools.filter((p) => !replaced.has(p.doc) && patchedThere(g, p, fields) && (uncertain.has(p.doc) || deleted.has(p.doc) || rendered.some((r) => r.base === p.doc)));
}
