/**
 * Kustomize overlays of Cilium Flux HelmReleases and Argo CD Applications: a kustomization that reaches a Cilium
 * HelmRelease through its `resources` and patches it (`patchesStrategicMerge`, `patches`, `patchesJson6902`)
 * renders another release, whose values layers are the base's followed by one layer per patch; one that patches an
 * Application renders the whole Application (plan/kustomize-application.ts), a Cilium release when its source(s)
 * then name the Cilium chart, even if the base names none (a shared base whose overlays add `spec.sources`). Owns
 * reaching the releases and matching the patches (plan/kustomize-patch.ts and plan/kustomize-application.ts apply
 * one); it neither finds releases nor builds them (plan/cilium-release.ts hands it lookups and builds the release).
 * kustomizeObjectOverlays renders other objects the same way (whole, as Applications): every kustomization that
 * applies a patch to one (plan/pool-overlays.ts: CiliumLoadBalancerIPPools), and every Flux Kustomization
 * (`spec.patches`) or Argo CD source (`kustomize.patches`) whose patches change one in the folder it builds: its
 * patches appended to the `patches` of the folder's kustomization, as Flux and Argo CD write them there, and applied
 * in that kustomization's transformer order (renderRoots).
 *
 * Bases: a base release is *replaced* by its overlays when every path to its file from a root (a kustomization no
 * other one lists, or the folder of a Flux Kustomization / Argo CD source) goes through a kustomization that patches
 * its values (an Application: its source(s) or ignoreDifferences); otherwise something deploys it unpatched and it stays, next to its overlays. Several overlays share the
 * base's layers, so rules drop repeated findings (rules/cilium/lib/values.ts dedupe, lint/run-rules.ts).
 *
 * Semantics, as kustomize (api/internal/builtins/PatchTransformer.go) applies them (values: plan/kustomize-patch.ts):
 * - `patches` entries hold `path` or an inline `patch` string; a body that parses as a list of operations is a
 *   JSON6902 patch (needs a `target`), else a strategic-merge patch; without `target` a strategic-merge patch
 *   applies to the resource with its own id (GetById(patch.OrgId())), with one it applies to every selected one.
 *   Kustomization order: patchesStrategicMerge, patches, namespace/namePrefix/nameSuffix, patchesJson6902
 *   (api/internal/target/kusttarget_configplugin.go configureBuiltinTransformers).
 * - `target` name and namespace are anchored regular expressions; group, version, kind must equal
 *   (kubectl.docs.kubernetes.io/references/kustomize/kustomization/patches).
 * - A matching patch that cannot be followed (templated: Flux `${VAR}` is substituted after the build; an unreadable
 *   or missing file, or one discovery does not load such as `.json`; `/spec` replaced; a value copied from outside
 *   spec.values; an operation kustomize fails on) is not applied, yet its kustomization still renders an overlay,
 *   marked `skipped` (values unknown: rules/cilium/lib/values.ts incomplete), and its base counts as patched there.
 *   An unreadable patch without a `target` may patch anything the kustomization reaches.
 * Lenient where kustomize is strict (its build fails, which is not a values question): kustomize's ResId.Equals
 * compares group, version, kind, name and effective namespace (api/resid/resid.go); here the patch's apiVersion
 * version is not compared, and its namespace only when it states one.
 */
import type { Path, YamlDocument } from '../core/document.js';
import { docsOfClass } from '../core/kind-index.js';
import { fluxKustomizations, normDir, under } from './flux-kustomizations.js';
import { applyOps, mergeNode, nodeAt, originOf, toNode, type Node } from './kustomize-application.js';
import { applyPatch, type PatchState, type Where } from './kustomize-patch.js';
import type { CiliumRelease, Fact, ValuesLayer } from './types.js';
import { anchoredMatch, argoSourcePaths, dirOf, isObj, patchBodies, resolveRepoPath } from './util.js';

/** One overlay release, for plan/cilium-release.ts to build (layers in Helm merge order). */
export interface OverlaySpec {
  base: CiliumRelease;
  /** The kustomization whose patches made this rendering, and the path of its first such patch entry. */
  kustomization: YamlDocument;
  path: Path;
  layers: ValuesLayer[];
  /** Index in `layers` of the primary layer (the last patch's values, else the base's inline values). */
  primary: number;
  version?: Fact<string>;
  /** Documents holding the applied patches (a patch file's document; the kustomization for an inline patch). */
  patches: YamlDocument[];
  skipped: boolean;
}

/** One rendering of an Argo CD Application by a kustomization that patched its source(s) or ignoreDifferences. */
export interface AppOverlaySpec {
  /** The base Application's own Cilium release, or an empty one (no layers) when the base names no Cilium chart. */
  base: CiliumRelease;
  kustomization: YamlDocument;
  path: Path;
  app: Node;
  patches: YamlDocument[];
  skipped: boolean;
}

/**
 * One rendering of an object (kustomizeObjectOverlays) by the kustomization whose patches last changed it: the whole
 * object as kustomize outputs it, each part with where it was written (the base document, a patch file, an inline
 * patch string).
 */
export interface ObjectOverlaySpec {
  /** The base document. */
  doc: YamlDocument;
  kustomization: YamlDocument;
  /** Path of the kustomization's first patch entry that changed the object. */
  path: Path;
  node: Node;
  /** The object's name after the kustomizations' namePrefix / nameSuffix (the base's name when none). */
  name: string;
  /** Documents holding the applied patches (a patch file's document; the kustomization for an inline patch). */
  patches: YamlDocument[];
  /** `kustomization` is a Flux Kustomization or an Argo CD Application: the folder it builds and the kustomization there. */
  root?: { dir: string; kustomization?: YamlDocument };
  /**
   * A patch that selected the object could not be applied with certainty (unreadable, templated, a target pattern
   * not run, an operation kustomize fails on, a strategic-merge directive other than a map's `$patch: replace`):
   * the object may differ from `node`.
   */
  skipped: boolean;
}

export interface Overlays {
  overlays: OverlaySpec[];
  /** Renderings of Argo CD Applications (plan/cilium-release.ts keeps those whose source(s) name the Cilium chart). */
  apps: AppOverlaySpec[];
  /** Renderings of the objects kustomizeObjectOverlays asks for (empty otherwise). */
  objects: ObjectOverlaySpec[];
  /** Base HelmRelease (and Application) documents every path to which goes through a patching overlay. */
  replaced: ReadonlySet<YamlDocument>;
  /** Documents applied as strategic-merge patches: partial objects, never releases of their own. */
  patchDocs: ReadonlySet<YamlDocument>;
  /**
   * Base documents a strategic-merge `$patch: delete` removes, each with the kustomizations (or Flux Kustomizations /
   * Argo CD Applications) whose builds delete it: gone there, and only there (another build may ship it).
   */
  deleted: ReadonlyMap<YamlDocument, ReadonlySet<YamlDocument>>;
  /**
   * The overlays could not be rendered (more than MAX_INSTANCES renderings, or an unexpected shape): none are
   * listed, and any Flux HelmRelease may be patched in ways not shown, so its values are unknown.
   */
  unknown: boolean;
}

type Selector = Partial<Record<'group' | 'version' | 'kind' | 'name' | 'namespace' | 'labelSelector' | 'annotationSelector', string>>;

interface PatchReader {
  fromText(text: string, entry: Path, path: Path, target: Selector | undefined, json?: boolean): void;
  fromFile(rel: string, entry: Path, target: Selector | undefined): void;
}

/**
 * A Flux Kustomization or an Argo CD source that patches what it builds: the document, the path of its patch list,
 * the folder it builds (`spec.path`, the source's `path`) and the kustomization there (none: Flux generates one with
 * every manifest below, and every folder below with a kustomization as a whole), and the namespace / namePrefix /
 * nameSuffix it sets in that kustomization (`ids`: Flux `spec.targetNamespace` / `namePrefix` / `nameSuffix`, Argo CD
 * `kustomize.namespace` / `namePrefix` / `nameSuffix`; each replaces the kustomization's own).
 */
interface Root {
  doc: YamlDocument;
  patches: Path;
  dir: string;
  kust?: YamlDocument;
  flux: boolean;
  ids: IdChanges;
}

/** A kustomization's namespace / namePrefix / nameSuffix (each when set). */
interface IdChanges {
  namespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
}

interface Patch {
  type: 'smp' | 'json';
  body: unknown;
  at: Where;
  target?: Selector;
  /** Path of the entry in the kustomization (`['patches', 2]`). */
  entry: Path;
  unusable?: boolean;
}

/** A Cilium HelmRelease (or an Argo CD Application) as a kustomization renders it. Immutable: patching makes a new one. */
interface Instance extends PatchState {
  /** The HelmRelease or Application document. */
  hr: YamlDocument;
  /** An Application: the whole rendered object (PatchState's values are unused). */
  app?: Node;
  base: CiliumRelease;
  names: readonly string[];
  namespaces: readonly string[];
  /** Layers not from spec.values (valuesFrom); `inline` (PatchState) follows them. */
  fixed: readonly ValuesLayer[];
  patches: readonly YamlDocument[];
  /** The last kustomization whose patch changed the values or version, with that patch entry's path. */
  at?: { k: YamlDocument; path: Path };
}

const KUST_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const PATCH_KEYS = ['patchesStrategicMerge', 'patches', 'patchesJson6902'];
const TEMPLATED = /\$\{[^}]*\}|\{\{/;
/** Renderings (per kustomization, de-duplicated) beyond which the overlays are not rendered at all. */
export const MAX_INSTANCES = 10_000;

class TooMany extends Error {}

/**
 * Overlay releases rendered by the kustomizations among `docs` (base releases and patch files are looked up in
 * `all`); `release` turns a HelmRelease document into its base release, `argo` an Application document into its
 * own (undefined when it is not Cilium's). Never throws.
 */
export function kustomizeOverlays(
  docs: readonly YamlDocument[],
  all: readonly YamlDocument[],
  byFile: Map<string, YamlDocument[]>,
  release: (hr: YamlDocument) => CiliumRelease | undefined,
  argo: (app: YamlDocument) => CiliumRelease | undefined = () => undefined,
): Overlays {
  return render(docs, all, byFile, release, argo);
}

/**
 * Renderings of the objects `isObject` picks (whole, every patch applied to the object as a custom resource: the
 * semantics of plan/kustomize-application.ts) by the kustomizations among `docs`; bases and patch files are looked
 * up in `all`. Only objects; HelmReleases and Applications are not followed. Never throws.
 */
export function kustomizeObjectOverlays(docs: readonly YamlDocument[], all: readonly YamlDocument[], byFile: Map<string, YamlDocument[]>, isObject: (d: YamlDocument) => boolean): Overlays {
  return render(docs, all, byFile, () => undefined, () => undefined, isObject);
}

function render(
  docs: readonly YamlDocument[],
  all: readonly YamlDocument[],
  byFile: Map<string, YamlDocument[]>,
  release: (hr: YamlDocument) => CiliumRelease | undefined,
  argo: (app: YamlDocument) => CiliumRelease | undefined,
  objects?: (d: YamlDocument) => boolean,
): Overlays {
  const empty: Overlays = { overlays: [], apps: [], objects: [], replaced: new Set(), patchDocs: new Set(), deleted: new Map(), unknown: false };
  const kusts = docsOfClass(all, 'kustomization');
  if (!kusts.some((k) => PATCH_KEYS.some((key) => Array.isArray(k.get([key])))) && !(objects && patchRoots(all, byFile).length)) return empty;
  try {
    return new Renderer(all, byFile, release, argo, objects).run(docs, kusts);
  } catch {
    // too many renderings (TooMany), or a shape not foreseen: a plan never crashes on a repository's shape, and
    // never judges values it could not render as complete
    return { ...empty, unknown: true };
  }
}

/** One entry of a kustomization's `resources`: a file of this tree, or a folder's kustomization file (`kust`). */
export interface KustomizationResource {
  node: string;
  kust?: YamlDocument;
  /** The entry that names it in the kustomization (`['resources', 2]`). */
  path: Path;
}

/**
 * `resources` (and legacy `bases`) of a kustomization: files of this tree, or folders with a kustomization (the
 * node is that kustomization's file). Remote (`github.com/...`, `?ref=`) and templated entries are skipped, as are
 * entries that resolve to nothing read.
 */
export function kustomizationResources(k: YamlDocument, byFile: Map<string, YamlDocument[]>): KustomizationResource[] {
  const out: KustomizationResource[] = [];
  const dir = dirOf(k.file.path);
  for (const key of ['resources', 'bases']) {
    const list = k.get([key]);
    if (!Array.isArray(list)) continue;
    list.forEach((rel: unknown, i) => {
      if (typeof rel !== 'string' || TEMPLATED.test(rel) || /^[a-z0-9.-]+\.[a-z]{2,}\/|\?ref=/i.test(rel)) return;
      const path: Path = [key, i];
      const file = resolveRepoPath(byFile, dir, rel);
      if (file !== undefined) {
        if (!KUST_FILES.includes(file.slice(file.lastIndexOf('/') + 1))) out.push({ node: file, path });
        return;
      }
      for (const f of KUST_FILES) {
        const kfile = resolveRepoPath(byFile, dir, `${rel.replace(/\/+$/, '')}/${f}`);
        const kust = kfile === undefined ? undefined : byFile.get(kfile)?.find((d) => d.docClass === 'kustomization');
        if (kfile !== undefined && kust) {
          out.push({ node: kfile, kust, path });
          break;
        }
      }
    });
  }
  return out;
}

/**
 * The Flux Kustomizations (`spec.patches`) and Argo CD sources (`kustomize.patches`) of `all` with patches, each with
 * the folder it builds and the kustomization there (Argo CD renders a source with kustomize only when it has one).
 */
function patchRoots(all: readonly YamlDocument[], byFile: Map<string, YamlDocument[]>): Root[] {
  return buildRoots(all, byFile).filter((r) => r.patching);
}

/**
 * Every Flux Kustomization and Argo CD source of `all` that builds a folder, `patching` when it has patches (an Argo
 * CD source only with a kustomization in its folder: without one Argo CD applies the folder as a plain directory,
 * `recurse` with its subfolders, and ignores `kustomize.patches`).
 */
function buildRoots(all: readonly YamlDocument[], byFile: Map<string, YamlDocument[]>): Array<Root & { patching: boolean; recurse?: boolean }> {
  const out: Array<Root & { patching: boolean; recurse?: boolean }> = [];
  const kustAt = (dir: string): YamlDocument | undefined => {
    for (const f of KUST_FILES) {
      const k = byFile.get(dir ? `${dir}/${f}` : f)?.find((d) => d.docClass === 'kustomization');
      if (k) return k;
    }
    return undefined;
  };
  for (const ks of fluxKustomizations(all)) {
    const patching = Array.isArray(ks.doc.get(['spec', 'patches']));
    const kust = kustAt(ks.dir);
    const ids = idChanges(ks.doc, ['spec'], 'targetNamespace');
    out.push(kust ? { doc: ks.doc, patches: ['spec', 'patches'], dir: ks.dir, kust, flux: true, ids, patching } : { doc: ks.doc, patches: ['spec', 'patches'], dir: ks.dir, flux: true, ids, patching });
  }
  for (const d of all) {
    if (d.group !== 'argoproj.io' || d.kind !== 'Application') continue;
    for (const sp of argoSourcePaths(d)) {
      const dir = normDir(d.get([...sp, 'path']));
      if (dir === undefined) continue;
      const kust = kustAt(dir);
      const patches = [...sp, 'kustomize', 'patches'];
      const ids = idChanges(d, [...sp, 'kustomize'], 'namespace');
      if (kust) out.push({ doc: d, patches, dir, kust, flux: false, ids, patching: Array.isArray(d.get(patches)) });
      else out.push({ doc: d, patches, dir, flux: false, ids: {}, patching: false, recurse: d.get([...sp, 'directory', 'recurse']) === true });
    }
  }
  return out;
}

/**
 * The namespace / namePrefix / nameSuffix set at `at` in `d` (the namespace under the key `ns`): non-empty strings
 * (Flux's CRD requires one, Argo CD sets only those: `kustomize edit set namespace/nameprefix/namesuffix`).
 */
function idChanges(d: YamlDocument, at: Path, ns: string): IdChanges {
  const out: IdChanges = {};
  const str = (key: string): string | undefined => {
    const v = d.get([...at, key]);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const namespace = str(ns);
  const namePrefix = str('namePrefix');
  const nameSuffix = str('nameSuffix');
  if (namespace !== undefined) out.namespace = namespace;
  if (namePrefix !== undefined) out.namePrefix = namePrefix;
  if (nameSuffix !== undefined) out.nameSuffix = nameSuffix;
  return out;
}

/** The namespace / namePrefix / nameSuffix kustomization `k` sets (each when a string). */
function kustIds(k: YamlDocument | undefined): IdChanges {
  const out: IdChanges = {};
  if (!k) return out;
  for (const key of ['namespace', 'namePrefix', 'nameSuffix'] as const) {
    const v = k.get([key]);
    if (typeof v === 'string') out[key] = v;
  }
  return out;
}

/**
 * What Flux's generated kustomization of a folder without one takes (fluxcd/pkg kustomize generator, scanManifests):
 * every YAML file below it, except below a folder with a kustomization, which is taken whole (its file is returned).
 */
export function generatedResources(dir: string, byFile: Map<string, YamlDocument[]>): string[] {
  const kustDirs = new Set<string>();
  for (const f of byFile.keys()) if (KUST_FILES.includes(f.slice(f.lastIndexOf('/') + 1)) && under(dirOf(f), dir)) kustDirs.add(dirOf(f));
  const out: string[] = [];
  for (const f of byFile.keys()) {
    let d = dirOf(f);
    if (!under(d, dir)) continue;
    const isKust = KUST_FILES.includes(f.slice(f.lastIndexOf('/') + 1));
    // the topmost folder with a kustomization between the file and `dir`
    let top: string | undefined;
    for (;;) {
      if (kustDirs.has(d)) top = d;
      if (d === dir || d === '') break;
      d = dirOf(d);
    }
    if (top === undefined) out.push(f);
    else if (isKust && top === dirOf(f)) out.push(f);
  }
  return out;
}

class Renderer {
  private readonly memo = new Map<YamlDocument, Instance[]>();
  private readonly visiting = new Set<YamlDocument>();
  /** The kustomizations being rendered, outermost first. */
  private readonly stack: YamlDocument[] = [];
  /** Kustomizations on a cycle (one reaching itself): kustomize refuses to build them, so they render nothing. */
  private readonly refused = new Set<YamlDocument>();
  /** node (file path) → kustomizations listing it (a kustomization file, or a resource file). */
  private readonly parents = new Map<string, Set<YamlDocument>>();
  /** kustomization → HelmReleases whose values or version its own patches changed. */
  private readonly patched = new Map<YamlDocument, Set<YamlDocument>>();
  private readonly patchDocs = new Set<YamlDocument>();
  /** base → kustomizations (or roots) whose patches delete it (`$patch: delete`). */
  private readonly deleted = new Map<YamlDocument, Set<YamlDocument>>();
  private readonly roots: Set<string>;
  /** Instances rendered so far (all kustomizations), bounded by MAX_INSTANCES. */
  private count = 0;
  /** Writes applied to Applications so far (kustomize-application.ts Origin.write; the base documents are 0). */
  private writes = 0;
  private readonly patchMemo = new Map<YamlDocument, Patch[]>();
  /** Application names a readable patch mentioning Cilium may select ('all': a patch selects by something else). */
  private ciliumPatchNames?: Set<string> | 'all';

  constructor(
    private readonly all: readonly YamlDocument[],
    private readonly byFile: Map<string, YamlDocument[]>,
    private readonly release: (hr: YamlDocument) => CiliumRelease | undefined,
    private readonly argo: (app: YamlDocument) => CiliumRelease | undefined,
    /** Object mode (kustomizeObjectOverlays): the objects rendered whole, and nothing else. */
    private readonly objects?: (d: YamlDocument) => boolean,
  ) {
    this.roots = new Set<string>();
    for (const ks of fluxKustomizations(all)) this.roots.add(ks.dir);
    for (const d of all) {
      if (d.group !== 'argoproj.io' || (d.kind !== 'Application' && d.kind !== 'ApplicationSet')) continue;
      for (const sp of argoSourcePaths(d)) {
        const p = normDir(d.get([...sp, 'path']));
        if (p !== undefined) this.roots.add(p);
      }
    }
  }

  run(docs: readonly YamlDocument[], kusts: readonly YamlDocument[]): Overlays {
    for (const k of kusts) this.render(k);
    const overlays: OverlaySpec[] = [];
    const apps: AppOverlaySpec[] = [];
    const objects: ObjectOverlaySpec[] = [];
    for (const k of docs) {
      if (k.docClass !== 'kustomization') continue;
      for (const inst of this.render(k)) {
        if (inst.at?.k !== k || this.covered(k.file.path, true, inst.hr, new Map())) continue;
        if (this.objects && inst.app) objects.push({ doc: inst.hr, kustomization: k, path: inst.at.path, node: inst.app, name: inst.names[inst.names.length - 1] ?? '', patches: [...new Set(inst.patches)], skipped: inst.skipped });
        else if (inst.app) apps.push({ base: inst.base, kustomization: k, path: inst.at.path, app: inst.app, patches: [...new Set(inst.patches)], skipped: inst.skipped });
        else overlays.push(spec(inst, k, inst.at.path));
      }
    }
    const replaced = new Set<YamlDocument>();
    for (const set of this.patched.values()) {
      for (const hr of set) if (!replaced.has(hr) && this.covered(hr.file.path, false, hr, new Map())) replaced.add(hr);
    }
    if (this.objects) this.renderRoots(objects, replaced);
    return { overlays, apps, objects, replaced, patchDocs: this.patchDocs, deleted: this.deleted, unknown: false };
  }

  /**
   * Object mode: the renderings of the Flux Kustomizations and Argo CD sources whose patches change an object of the
   * folder they build. Flux and Argo CD append their patches to the `patches` of the kustomization there and build it
   * (transform): they apply after the folder's patchesStrategicMerge and own `patches`, before its namespace /
   * namePrefix / nameSuffix (theirs replacing the folder's) and its patchesJson6902; a target names the object
   * as the folder's bases output it. A rendering by a kustomization of the folder that such a root patches further
   * is dropped when every root building it patches the object; an object every root building it patches is
   * `replaced`. Roots without patches count as building (a second Flux Kustomization or Application with the same
   * path ships the folder unpatched: the object is one object, whose content each root's apply overwrites in turn,
   * fluxcd/kustomize-controller#732, #1724).
   */
  private renderRoots(objects: ObjectOverlaySpec[], replaced: Set<YamlDocument>): void {
    const reach = new Map<YamlDocument, { roots: number; patching: number }>();
    const kustRoots = new Map<YamlDocument, Array<{ patched: Set<YamlDocument> }>>();
    const roots = buildRoots(this.all, this.byFile);
    // a root without patches (a second Flux Kustomization or Application of the folder) deploys what it builds as the
    // folder's kustomization renders it: counted below, so an object it ships unpatched is not `replaced`
    let touched = false;
    for (const r of roots.filter((x) => x.patching).concat(roots.filter((x) => !x.patching))) {
      if (!r.patching && !touched) break; // no root patched an object: nothing to count
      const kusts = new Set<YamlDocument>();
      let list: Instance[] = [];
      const reachKust = (k: YamlDocument): void => {
        kusts.add(k);
        for (const c of kustomizationResources(k, this.byFile)) if (c.kust && !kusts.has(c.kust)) reachKust(c.kust);
      };
      const addKust = (k: YamlDocument): void => {
        reachKust(k);
        list.push(...this.render(k));
      };
      if (r.kust) {
        // the folder's kustomization with the root's patches added, built again (its own rendering stays as well)
        reachKust(r.kust);
        if (!this.refused.has(r.kust)) list = this.resources(r.kust);
      } else {
        // Flux generates a kustomization of the folder; Argo CD applies a plain directory (`recurse`: with its subfolders)
        const nodes = r.flux ? generatedResources(r.dir, this.byFile) : [...this.byFile.keys()].filter((f) => (r.recurse ? under(dirOf(f), r.dir) : dirOf(f) === r.dir));
        for (const node of nodes) {
          const kust = KUST_FILES.includes(node.slice(node.lastIndexOf('/') + 1)) ? this.byFile.get(node)?.find((d) => d.docClass === 'kustomization') : undefined;
          if (kust) addKust(kust);
          else for (const d of this.byFile.get(node) ?? []) {
            const inst = this.instance(d);
            if (inst) list.push(inst);
          }
        }
      }
      let before = new Set<YamlDocument>();
      // a root without patches builds the folder as its kustomization does (its renames apply only with patches)
      list = this.transform(r.kust, list, r.patching ? r : undefined, (l) => (before = new Set(l.map((i) => i.hr))));
      if (!r.patching) before = new Set(list.map((i) => i.hr));
      const patched = new Set<YamlDocument>();
      for (const inst of list) {
        if (inst.at?.k !== r.doc) continue;
        patched.add(inst.hr);
        const o: ObjectOverlaySpec = { doc: inst.hr, kustomization: r.doc, path: inst.at.path, node: inst.app!, name: inst.names[inst.names.length - 1] ?? '', patches: [...new Set(inst.patches)], skipped: inst.skipped, root: r.kust ? { dir: r.dir, kustomization: r.kust } : { dir: r.dir } };
        objects.push(o);
      }
      // an object the root deletes has no instance left: patched as well
      if (r.patching) for (const hr of this.patched.get(r.doc) ?? []) patched.add(hr);
      if (patched.size) touched = true;
      for (const hr of before) {
        const n = reach.get(hr) ?? { roots: 0, patching: 0 };
        n.roots++;
        if (patched.has(hr)) n.patching++;
        reach.set(hr, n);
      }
      for (const k of kusts) {
        const l = kustRoots.get(k) ?? [];
        l.push({ patched });
        kustRoots.set(k, l);
      }
    }
    for (const [hr, n] of reach) if (n.patching && n.patching === n.roots) replaced.add(hr);
    // a kustomization's rendering every root building it patches further is not what is applied
    for (let i = objects.length - 1; i >= 0; i--) {
      const o = objects[i]!;
      if (o.root) continue;
      const rs = kustRoots.get(o.kustomization);
      if (rs?.length && rs.every((x) => x.patched.has(o.doc))) objects.splice(i, 1);
    }
  }

  /** Every path from a root to `node` goes through a kustomization that patches `hr` (`memo`: per question). */
  private covered(node: string, isKust: boolean, hr: YamlDocument, memo: Map<string, boolean>): boolean {
    const known = memo.get(node);
    if (known !== undefined) return known;
    memo.set(node, false); // a cycle reaches no root: kustomize refuses it, keep the base
    let out = !this.deployedDirectly(node, isKust) && !!this.parents.get(node)?.size;
    for (const p of out ? this.parents.get(node)! : []) {
      if (this.patched.get(p)?.has(hr)) continue;
      if (!this.covered(p.file.path, true, hr, memo)) {
        out = false;
        break;
      }
    }
    memo.set(node, out);
    return out;
  }

  /**
   * A Flux Kustomization or Argo CD source path applies `node` itself: its folder, or an ancestor reached through
   * folders without a kustomization (Flux generates one that takes every manifest below, and every folder with a
   * kustomization as a whole: fluxcd/pkg kustomize generator, scanManifests). A file in a folder with a
   * kustomization is that kustomization's business.
   */
  private deployedDirectly(node: string, isKust: boolean): boolean {
    const hasKust = (dir: string): boolean => KUST_FILES.some((f) => this.byFile.has(dir ? `${dir}/${f}` : f));
    let dir = dirOf(node);
    if (!isKust && hasKust(dir)) return false;
    for (;;) {
      if (this.roots.has(dir)) return true;
      if (dir === '') return false;
      dir = dirOf(dir);
      if (hasKust(dir)) return false;
    }
  }

  private render(k: YamlDocument): Instance[] {
    const done = this.memo.get(k);
    if (done) return done;
    if (this.visiting.has(k)) return []; // a cycle: refused (below)
    this.visiting.add(k);
    this.stack.push(k);
    let list: Instance[] = [];
    try {
      list = this.resources(k);
      if (this.refused.has(k)) list = [];
      if (list.length) list = this.transform(k, list);
    } finally {
      this.visiting.delete(k);
      this.stack.pop();
    }
    this.memo.set(k, list);
    return list;
  }

  /** The objects `k`'s `resources` hold, each kustomization among them rendered (render). */
  private resources(k: YamlDocument): Instance[] {
    const list: Instance[] = [];
    // one rendering per HelmRelease and id: a resource reached twice through one kustomization (a diamond of
    // bases) is a kustomize error ("already registered id"), and keeping every copy grows exponentially
    const seen = new Map<YamlDocument, Set<string>>();
    const add = (inst: Instance): void => {
      const id = `${inst.names[inst.names.length - 1] ?? ''}\u0000${inst.namespaces[inst.namespaces.length - 1] ?? ''}`;
      let ids = seen.get(inst.hr);
      if (!ids) seen.set(inst.hr, (ids = new Set()));
      if (ids.has(id)) return;
      ids.add(id);
      if (++this.count > MAX_INSTANCES) throw new TooMany();
      list.push(inst);
    };
    for (const r of kustomizationResources(k, this.byFile)) {
      const set = this.parents.get(r.node) ?? new Set<YamlDocument>();
      set.add(k);
      this.parents.set(r.node, set);
      // a cycle: every kustomization on it is refused, and so patches nothing (its bases stay)
      if (r.kust && this.visiting.has(r.kust)) for (const c of this.stack.slice(this.stack.indexOf(r.kust))) this.refused.add(c);
      if (r.kust) for (const inst of this.render(r.kust)) add(inst);
      else for (const d of this.byFile.get(r.node) ?? []) {
        const inst = this.instance(d);
        if (inst) add(inst);
      }
    }
    return list;
  }

  /**
   * `list` (the objects `k`'s resources hold) through `k`'s transformers in kustomize's order
   * (api/internal/target/kusttarget_configplugin.go configureBuiltinTransformers): patchesStrategicMerge, patches,
   * namespace / namePrefix / nameSuffix, patchesJson6902. With `root`, `k` as the Flux Kustomization or Argo CD
   * source rewrites it before building it (`k` undefined: the kustomization Flux generates): the root's patches
   * appended to `patches` (after k's own), its namespace / namePrefix / nameSuffix replacing k's
   * (fluxcd/pkg kustomize generator; argo-cd util/kustomize); `reached` gets the objects its patches see. A
   * rendering the root's patches changed keeps the root as its kustomization (`at`) through k's later patches.
   */
  private transform(k: YamlDocument | undefined, list: Instance[], root?: Root, reached?: (l: readonly Instance[]) => void): Instance[] {
    const own = k ? this.patches(k) : [];
    if (k) list = this.applyAll(k, list, own.filter((p) => p.entry[0] !== 'patchesJson6902'));
    if (root) {
      reached?.(list);
      list = this.applyAll(root.doc, list, this.rootPatches(root));
    }
    list = renamed({ ...kustIds(k), ...root?.ids }, list);
    if (k) list = this.applyAll(k, list, own.filter((p) => p.entry[0] === 'patchesJson6902'), root?.doc);
    return list;
  }

  private instance(d: YamlDocument): Instance | undefined {
    if (this.objects) return this.objects(d) ? this.objectInstance(d) : undefined;
    if (d.kind === 'Application' && d.group === 'argoproj.io') return this.appInstance(d);
    if (d.kind !== 'HelmRelease' || d.group !== 'helm.toolkit.fluxcd.io') return undefined;
    const base = this.release(d);
    if (!base) return undefined;
    const i = base.layers.findIndex((l) => l.doc === d && !l.inString && l.valuesPath.length === 2 && l.valuesPath[0] === 'spec' && l.valuesPath[1] === 'values');
    const inst: Instance = {
      hr: d,
      base,
      names: d.name ? [d.name] : [],
      namespaces: [d.namespace ?? ''],
      fixed: base.layers.filter((_, j) => j !== i),
      inline: i === -1 ? [] : [base.layers[i]!],
      current: i === -1 ? undefined : base.layers[i]!.values,
      patches: [],
      skipped: false,
    };
    if (base.version) inst.version = base.version;
    return inst;
  }

  /**
   * An Application that is a Cilium release, or that a patch mentioning Cilium may select (a shared base without a
   * chart that its overlays complete): rendered whole. Other Applications are not followed.
   */
  private appInstance(d: YamlDocument): Instance | undefined {
    const own = this.argo(d);
    if (!own && !this.mayBecomeCilium(d)) return undefined;
    const inst = wholeInstance(d, own ?? { doc: d, valuesPath: [], values: {}, layers: [], engine: 'argocd', purpose: 'gitops', releaseDoc: d, releasePath: [] });
    if (own?.version) inst.version = own.version;
    return inst;
  }

  /** An object rendered whole (object mode): `base` is an empty release, only `app` (the object) is read. */
  private objectInstance(d: YamlDocument): Instance {
    return wholeInstance(d, { doc: d, valuesPath: [], values: {}, layers: [], engine: 'kustomize', releaseDoc: d, releasePath: [] });
  }

  private mayBecomeCilium(d: YamlDocument): boolean {
    if (this.ciliumPatchNames === undefined) {
      let names: Set<string> | 'all' = new Set<string>();
      for (const k of this.all) {
        if (k.docClass !== 'kustomization' || names === 'all') continue;
        for (const p of this.patches(k)) {
          if (p.unusable || !/cilium/i.test(JSON.stringify(p.body) ?? '')) continue;
          const name = p.target ? p.target.name : p.type === 'smp' && isObj(p.body) && isObj(p.body['metadata']) ? p.body['metadata']['name'] : undefined;
          // a literal name (namePrefix/nameSuffix only add to it); a pattern or no name may select any Application
          if (typeof name === 'string' && !/[\\^$.*+?()[\]{}|]/.test(name)) names.add(name);
          else if (p.target || p.type === 'smp') {
            names = 'all';
            break;
          }
        }
      }
      this.ciliumPatchNames = names;
    }
    const names = this.ciliumPatchNames;
    return names === 'all' || (!!d.name && [...names].some((n) => n.includes(d.name!)));
  }

  /** The patches of a kustomization in the order kustomize applies them (JSON6902 ones last). */
  private patches(k: YamlDocument): Patch[] {
    const known = this.patchMemo.get(k);
    if (known) return known;
    const out: Patch[] = [];
    this.patchMemo.set(k, out);
    const { fromText, fromFile } = this.patchReader(k, dirOf(k.file.path), out);
    const psm = k.get(['patchesStrategicMerge']);
    if (Array.isArray(psm)) {
      psm.forEach((p, i) => {
        if (typeof p !== 'string') return;
        // kustomize reads an entry as a file first, else as an inline patch
        if (p.includes('\n') || /^\s*(apiVersion|kind)\s*:/m.test(p)) fromText(p, ['patchesStrategicMerge', i], ['patchesStrategicMerge', i], undefined, false);
        else fromFile(p, ['patchesStrategicMerge', i], undefined);
      });
    }
    for (const key of ['patches', 'patchesJson6902']) this.patchList(k, [key], fromText, fromFile, key === 'patchesJson6902' ? true : undefined);
    return out;
  }

  /** The entries of the patch list at `list` in `k` (`patch` inline or `path` file, each with its `target`). */
  private patchList(k: YamlDocument, list: Path, fromText: PatchReader['fromText'], fromFile: PatchReader['fromFile'], json?: boolean): void {
    const entries = k.get(list);
    if (!Array.isArray(entries)) return;
    entries.forEach((p, i) => {
      if (!isObj(p)) return;
      const target = isObj(p['target']) ? selector(p['target']) : undefined;
      if (typeof p['patch'] === 'string' && p['path'] === undefined) fromText(p['patch'], [...list, i], [...list, i, 'patch'], target, json);
      else if (typeof p['path'] === 'string' && p['patch'] === undefined) fromFile(p['path'], [...list, i], target);
    });
  }

  /**
   * The patches of a Flux Kustomization (`spec.patches`: inline `patch` with `target`) or an Argo CD source
   * (`kustomize.patches`: inline `patch` or a `path` relative to the source's folder), in order.
   */
  private rootPatches(r: Root): Patch[] {
    const out: Patch[] = [];
    const { fromText, fromFile } = this.patchReader(r.doc, r.dir, out);
    this.patchList(r.doc, r.patches, fromText, r.flux ? () => undefined : fromFile);
    // Flux reads only `patch` (no `path`): an entry with a path is not one of its patches
    return out;
  }

  /** Readers of inline and file patches held by `k`, files relative to `dir`, appending to `out`. */
  private patchReader(k: YamlDocument, dir: string, out: Patch[]): PatchReader {
    /** An inline patch (the string at `path`): JSON6902 when `json`, else by its shape (a list of operations). */
    const fromText = (text: string, entry: Path, path: Path, target: Selector | undefined, json?: boolean): void => {
      const at: Where = { doc: k, path, inString: true };
      // a templated patch is still read for its kind and name (to know what it would patch), never applied
      const templated = TEMPLATED.test(text);
      const bodies = patchBodies(text);
      if (!bodies) {
        out.push({ type: 'smp', body: undefined, at, entry, unusable: true, ...(target ? { target } : {}) });
        return;
      }
      for (const body of bodies) out.push({ type: (json ?? Array.isArray(body)) ? 'json' : 'smp', body, at, entry, ...(templated ? { unusable: true } : {}), ...(target ? { target } : {}) });
    };
    const fromFile = (rel: string, entry: Path, target: Selector | undefined): void => {
      const file = TEMPLATED.test(rel) ? undefined : resolveRepoPath(this.byFile, dir, rel);
      const docs = file === undefined ? [] : (this.byFile.get(file) ?? []);
      if (!docs.length) {
        // an unreadable or missing patch file: it may patch anything the target selects
        out.push({ type: 'smp', body: undefined, at: { doc: k, path: entry, inString: false }, entry, unusable: true, ...(target ? { target } : {}) });
        return;
      }
      for (const d of docs) {
        const at: Where = { doc: d, path: [], inString: false };
        out.push({ type: Array.isArray(d.value) ? 'json' : 'smp', body: d.value, at, entry, ...(d.templated ? { unusable: true } : {}), ...(target ? { target } : {}) });
      }
    };
    return { fromText, fromFile };
  }

  /**
   * `patches` of `k` applied in order to each instance of `list`. `keep`: a rendering whose last change was `keep`'s
   * keeps it as its kustomization (transform: a root's rendering that the folder's patchesJson6902 change further).
   */
  private applyAll(k: YamlDocument, list: Instance[], patches: readonly Patch[], keep?: YamlDocument): Instance[] {
    for (const p of patches) {
      const next: Instance[] = [];
      for (const inst of list) {
        const m = matches(p, inst);
        if (!m) {
          next.push(inst);
          continue;
        }
        const at = inst.at && (inst.at.k === k || inst.at.k === keep) ? inst.at : { k, path: p.entry };
        if (p.unusable || m === 'maybe') {
          // it may change the values: the overlay is a release of its own whose values are unknown (`skipped`),
          // and the base counts as patched here, as with a usable patch
          this.mark(k, inst.hr);
          next.push({ ...inst, skipped: true, at });
          continue;
        }
        if (inst.app) {
          // object mode: a strategic-merge directive whose kustomize result is not modelled (`$patch: delete` inside
          // the object, a `$patch` in a list element, `$retainKeys`, `$setElementOrder`...) leaves the object unknown
          const r = this.objects && p.type === 'smp' && isObj(p.body) && p.body['$patch'] !== 'delete' && !plainDirectives(p.body) ? 'failed' : this.applyToApp(inst.app, p);
          if (r === 'deleted') this.markDeleted(k, inst.hr);
          else if (r === 'failed') {
            // kustomize fails the build: nothing of the patch applies, the source(s) may differ (as a HelmRelease's)
            this.mark(k, inst.hr);
            next.push({ ...inst, skipped: true, at });
          } else if (this.objects || renderedFieldsChanged(inst.app, r)) {
            // an object: every patch applied to it makes a rendering of its own
            this.mark(k, inst.hr);
            if (p.type === 'smp' && !p.at.inString) this.patchDocs.add(p.at.doc);
            next.push({ ...inst, app: r, patches: [...inst.patches, p.at.doc], at });
          } else next.push({ ...inst, app: r });
          continue;
        }
        const r = applyPatch(inst, p.type, p.body, p.at);
        if (r === 'deleted') {
          this.markDeleted(k, inst.hr);
          continue;
        }
        if (r !== inst && (r.inline !== inst.inline || r.version !== inst.version)) {
          this.mark(k, inst.hr);
          if (p.type === 'smp' && !p.at.inString) this.patchDocs.add(p.at.doc);
          next.push({ ...r, patches: [...r.patches, p.at.doc], at });
        } else if (r.skipped && !inst.skipped) {
          // matched but not (fully) followed (`/spec` replaced, a value from outside spec.values, an operation
          // kustomize fails on): like an unusable patch
          this.mark(k, inst.hr);
          next.push({ ...r, at });
        } else next.push(r);
      }
      list = next;
    }
    return list;
  }

  /** An Application after a patch (plan/kustomize-application.ts); 'failed' when kustomize would fail on it. */
  private applyToApp(app: Node, p: Patch): Node | 'deleted' | 'failed' {
    if (p.type === 'smp') {
      if (!isObj(p.body)) return 'failed';
      if (p.body['$patch'] === 'delete') return 'deleted';
      return mergeNode(app, p.body, originOf(p.at, ++this.writes));
    }
    const write = this.writes + 1;
    this.writes += Array.isArray(p.body) ? p.body.length : 1;
    return applyOps(app, p.body, p.at, write) ?? 'failed';
  }

  /** `k`'s patch deleted `hr` (`$patch: delete`): patched there, and recorded as gone from that build. */
  private markDeleted(k: YamlDocument, hr: YamlDocument): void {
    this.mark(k, hr);
    const set = this.deleted.get(hr) ?? new Set<YamlDocument>();
    set.add(k);
    this.deleted.set(hr, set);
  }

  private mark(k: YamlDocument, hr: YamlDocument): void {
    const set = this.patched.get(k) ?? new Set<YamlDocument>();
    set.add(hr);
    this.patched.set(k, set);
  }
}

/**
 * A strategic-merge body whose only directives are `$patch: replace` on maps below the top and outside lists
 * (mergeNode follows it as kustomize does: the map replaces the target's); any other `$` key is a directive not
 * modelled for objects.
 */
function plainDirectives(v: unknown, inList = false, depth = 0): boolean {
  if (Array.isArray(v)) return v.every((x) => plainDirectives(x, true, depth + 1));
  if (!isObj(v)) return true;
  return Object.entries(v).every(([k, x]) => (k.startsWith('$') ? !inList && depth > 0 && k === '$patch' && x === 'replace' : plainDirectives(x, inList, depth + 1)));
}

/** The fields of an Application's spec rules read from a rendering (`ignoreDifferences`: gitops/argocd-hubble-certs). */
const RENDERED_FIELDS = ['sources', 'source', 'ignoreDifferences'];

/**
 * The patch changed what rules read of an Application (kustomize-application.ts keeps untouched nodes): its
 * source(s) or `ignoreDifferences`; a patch of other fields (syncPolicy, labels) renders no overlay.
 */
function renderedFieldsChanged(before: Node, after: Node): boolean {
  return RENDERED_FIELDS.some((k) => nodeAt(before, ['spec', k]) !== nodeAt(after, ['spec', k]));
}

function spec(inst: Instance, k: YamlDocument, path: Path): OverlaySpec {
  const layers = [...inst.fixed, ...inst.inline];
  // primary: the last patch layer written as a mapping (where a missing key would be added), else the last layer
  let primary = layers.length - 1;
  for (let i = layers.length - 1; i >= inst.fixed.length; i--) {
    const l = layers[i]!;
    if (!l.root?.length) {
      primary = i;
      break;
    }
  }
  const out: OverlaySpec = { base: inst.base, kustomization: k, path, layers, primary: Math.max(0, primary), patches: [...new Set(inst.patches)], skipped: inst.skipped };
  if (inst.version) out.version = inst.version;
  return out;
}

/** namespace / namePrefix / nameSuffix of a kustomization (kustIds): later patches may use the new id or the old one. */
function renamed(ids: IdChanges, list: Instance[]): Instance[] {
  const { namespace: ns, namePrefix: pre, nameSuffix: suf } = ids;
  if (typeof ns !== 'string' && typeof pre !== 'string' && typeof suf !== 'string') return list;
  return list.map((inst) => ({
    ...inst,
    // the current name renamed, after the earlier ones (kustomize's previous names): one more per level, never
    // the prefix applied to every earlier name (2^levels names)
    names: (typeof pre === 'string' || typeof suf === 'string') && inst.names.length ? [...inst.names, `${typeof pre === 'string' ? pre : ''}${inst.names[inst.names.length - 1]}${typeof suf === 'string' ? suf : ''}`] : inst.names,
    namespaces: typeof ns === 'string' ? [...inst.namespaces, ns] : inst.namespaces,
  }));
}

// ---------- matching ----------

function selector(t: Record<string, unknown>): Selector {
  const s: Selector = {};
  for (const key of ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    const v = t[key];
    if (typeof v === 'string' && v !== '') s[key] = v;
  }
  return s;
}

const sameNs = (a: string, b: string): boolean => (a || 'default') === (b || 'default');

/** Some of `values` selected by the pattern; undefined when that cannot be told (anchoredMatch). */
function anchored(pattern: string, values: readonly string[]): boolean | undefined {
  const r = values.map((v) => anchoredMatch(pattern, v));
  return r.includes(true) ? true : r.includes(undefined) ? undefined : false;
}

/** Does the patch apply to the release: yes, no, or 'maybe' (a target pattern not run: the values become unknown). */
function matches(p: Patch, inst: Instance): boolean | 'maybe' {
  const d = inst.hr;
  if (p.target) {
    const t = p.target;
    if (TEMPLATED.test(Object.values(t).join(' '))) return false;
    // every selector field is an anchored regular expression in kustomize (`kind: Helm.*`)
    const version = (d.apiVersion ?? '').slice((d.apiVersion ?? '').indexOf('/') + 1);
    const fields = [
      t.group !== undefined ? anchored(t.group, [d.group ?? '']) : true,
      t.version !== undefined ? anchored(t.version, [version]) : true,
      t.kind !== undefined ? anchored(t.kind, [d.kind ?? '']) : true,
      t.name !== undefined ? anchored(t.name, inst.names) : true,
      t.namespace !== undefined ? anchored(t.namespace, inst.namespaces) : true,
    ];
    if (fields.includes(false)) return false;
    if (t.labelSelector !== undefined && !labelsMatch(t.labelSelector, d.get(['metadata', 'labels']))) return false;
    if (t.annotationSelector !== undefined && !labelsMatch(t.annotationSelector, d.get(['metadata', 'annotations']))) return false;
    return fields.includes(undefined) ? 'maybe' : true;
  }
  // no target: an unreadable or missing patch cannot say what it patches, so it may patch this release; a
  // JSON6902 patch applies nowhere (kustomize requires a target)
  if (p.unusable && !isObj(p.body) && !Array.isArray(p.body)) return true;
  if (p.type === 'json' || !isObj(p.body)) return false;
  const b = p.body;
  const meta = isObj(b['metadata']) ? b['metadata'] : {};
  const av = typeof b['apiVersion'] === 'string' ? b['apiVersion'] : '';
  const group = av.includes('/') ? av.slice(0, av.indexOf('/')) : '';
  if (b['kind'] !== d.kind || group !== d.group || typeof meta['name'] !== 'string' || !inst.names.includes(meta['name'])) return false;
  const ns = meta['namespace'];
  return typeof ns !== 'string' || inst.namespaces.some((n) => sameNs(n, ns));
}

/** Equality-based label selectors (`a=b,c!=d,e`); set-based ones (`in`, `notin`) never match here. */
function labelsMatch(sel: string, labels: unknown): boolean {
  const l = isObj(labels) ? labels : {};
  for (const raw of sel.split(',')) {
    const term = raw.trim();
    if (!term) continue;
    const m = /^(!?)([\w./-]+)\s*(?:(==|=|!=)\s*([\w.-]*))?$/.exec(term);
    if (!m) return false;
    const [, not, key, op, value] = m;
    const has = Object.prototype.hasOwnProperty.call(l, key!);
    if (!op) {
      if (not ? has : !has) return false;
    } else if (op === '!=') {
      if (has && String(l[key!]) === value) return false;
    } else if (!has || String(l[key!]) !== value) return false;
  }
  return true;
}

/** An instance that renders document `d` whole (an Argo CD Application, or an object in object mode) on `base`. */
function wholeInstance(d: YamlDocument, base: CiliumRelease): Instance {
  return {
    hr: d,
    base,
    app: toNode(d.value, { doc: d, valuesPath: [], write: 0 }),
    names: d.name ? [d.name] : [],
    namespaces: [d.namespace ?? ''],
    fixed: [],
    inline: [],
    current: undefined,
    patches: [],
    skipped: false,
  };
}
