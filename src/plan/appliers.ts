/**
 * The GitOps appliers of a set of documents and the objects each applies: every Flux Kustomization of this repository
 * (its `spec.path` built as kustomize-controller does: the folder's kustomization, or the one Flux generates of every
 * manifest below; `targetNamespace` / `namePrefix` / `nameSuffix` replace the kustomization's) and every Argo CD
 * Application source of this repository (kustomize when its folder has a kustomization, with `kustomize.namespace` /
 * `namePrefix` / `nameSuffix`; else the folder's manifests, `directory.recurse` with its subfolders; objects without a
 * namespace go to `destination.namespace`), also those an ApplicationSet makes (plan/appset-generators.ts); with the
 * ids a folder applied without a kustomization holds twice (Applier.repeated), the ids its namespace override makes one
 * (Applier.nsConflicts) and what the patches it adds run against (Applier.patchBase). A Flux Kustomization builds its
 * source's artifact: without the files source-controller leaves out (plan/source-ignore.ts: `.sourceignore` files,
 * `spec.ignore`, Flux's default exclusions). Owns that question only (rules judge:
 * gitops/object-applied-twice, gitops/duplicate-object; plan/renamed-copies.ts reads the copies two appliers make).
 */
import type { Path, YamlDocument } from '../core/document.js';
import { docsOfKind } from '../core/kind-index.js';
import { fluxKustomizations, normDir, under } from './flux-kustomizations.js';
import { repoKey } from './helm-layers.js';
import { isClusterScoped, KustomizeBuilder, kustomizeBuilder, namespaceMerges, objectKey, withIds, type BuiltObject, type IdOverrides, type NamespaceConflict } from './kustomize-build.js';
import { sourceIgnored, specIgnore, type SourceIgnoreFile } from './source-ignore.js';
import { generatedResources } from './kustomize-overlays.js';
import { dirOf, docsByFile, foldersOf, isObj, TEMPLATED } from './util.js';
import { pushAll } from '../core/arrays.js';
import { ownTemplated } from './templated.js';
import { generatedApps } from './appset-generators.js';

export interface Applier {
  /** The Flux Kustomization or Argo CD Application (or the ApplicationSet that generates it: `generated`). */
  doc: YamlDocument;
  /** The applier's name (a generated Application's own). */
  name: string;
  generated?: boolean;
  /** Its `spec.path`, or the source's `path`. */
  at: Path;
  engine: 'flux' | 'argocd';
  /** The cluster it applies to: '' for the one it runs in; else its kubeConfig Secret or Argo CD destination. */
  target: string;
  /** Namespace of an object that states none ('' when not known). */
  defaultNamespace: string;
  objects: readonly BuiltObject[];
  /** The folder it builds (`spec.path` or the source's `path`, normalized). */
  dir: string;
  /** The kustomization it builds `dir` with, and the ids it sets (undefined: a plain folder, Flux's generated kustomization or an Argo CD directory). */
  build?: { kustomization: YamlDocument; ids: IdOverrides };
  /** For a Flux Kustomization: its source (`GitRepository/<namespace>/<name>`). */
  source?: string;
  /** The build model its objects come from (a Flux Kustomization's: of its source's artifact, without the files Flux leaves out). */
  builder: KustomizeBuilder;
  /**
   * Its own patches, components or common annotations (Flux `spec.patches`, `commonMetadata`...; Argo CD
   * `kustomize.patches`, `commonAnnotations`...): what it applies may differ from what it builds beyond ids.
   */
  changes: boolean;
  /**
   * Objects the folder it builds without a kustomization holds twice (repeatedObjects): Flux's generated kustomization
   * fails on them; Argo CD's directory keeps the later one with a RepeatedResourceWarning.
   */
  repeated?: readonly RepeatedObject[];
  /** Where its kustomize overrides are: `['spec']` (Flux `targetNamespace`, `patches`), the source (Argo CD `kustomize.*`). */
  overrideAt: Path;
  /**
   * Objects of different ids its namespace override (Flux `targetNamespace`, Argo CD `kustomize.namespace`) makes one
   * id: kustomize fails ("namespace transformation produces ID conflict").
   */
  nsConflicts?: readonly NamespaceConflict[];
  /**
   * What the patches it adds run against (kustomize, through a kustomization it builds or Flux generates): the objects
   * before that kustomization's own patches and transformers, whether all are known, and the kustomization (undefined:
   * Flux's generated one). Undefined: an Argo CD directory, or a build talium does not follow.
   */
  patchBase?: { objects: readonly BuiltObject[]; incomplete: boolean; kustomization?: YamlDocument };
}

/** What buildFolder learns besides the objects. */
interface FolderInfo {
  patchBase?: Applier['patchBase'];
  nsConflicts?: NamespaceConflict[];
}

/** One object id a plain folder holds more than once (Applier.repeated): its copies in the folder's walk order. */
export interface RepeatedObject {
  copies: readonly BuiltObject[];
}

/** `Flux Kustomization flux-system/apps`, `Argo CD Application argocd/whoami`. */
export function applierLabel(a: Applier): string {
  const ns = a.doc.namespace ? `${a.doc.namespace}/` : '';
  if (a.generated) return `Argo CD Application ${a.name} (of ApplicationSet ${ns}${a.doc.name ?? ''})`;
  return `${a.engine === 'flux' ? 'Flux Kustomization' : 'Argo CD Application'} ${ns}${a.name}`;
}

const IN_CLUSTER = new Set(['', 'https://kubernetes.default.svc', 'in-cluster']);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A Flux Kustomization's id changes (each when a non-empty string). */
function overrides(d: YamlDocument, at: Path, nsKey: string, uncertain: boolean): IdOverrides {
  const out: IdOverrides = {};
  const ns = str(d.get([...at, nsKey]));
  const pre = str(d.get([...at, 'namePrefix']));
  const suf = str(d.get([...at, 'nameSuffix']));
  if (ns !== undefined) out.namespace = ns;
  if (pre !== undefined) out.namePrefix = pre;
  if (suf !== undefined) out.nameSuffix = suf;
  if (uncertain) out.uncertain = true;
  return out;
}

/** `GitRepository/<namespace>/<name>` of a Flux Kustomization's source (namespace defaults to its own). */
function fluxSource(d: YamlDocument): string | undefined {
  const ref = d.get(['spec', 'sourceRef']);
  if (!isObj(ref) || typeof ref['name'] !== 'string') return undefined;
  const ns = typeof ref['namespace'] === 'string' ? ref['namespace'] : (d.namespace ?? 'flux-system');
  return `${String(ref['kind'] ?? 'GitRepository')}/${ns}/${ref['name']}`;
}

const APPLIERS = new WeakMap<readonly YamlDocument[], Map<readonly SourceIgnoreFile[] | undefined, Applier[]>>();

/**
 * The appliers among `docs` (files looked up in `docs` too; `all`: the repository's documents, whose builds are shared
 * when `docs` is all of them), one per Flux Kustomization and one per Argo CD
 * Application source that renders a folder of this repository. `ignores`: the tree's `.sourceignore` files (TreeFacts):
 * a Flux Kustomization builds its source's artifact without what they, its source's `spec.ignore` and Flux's default
 * exclusions leave out. Not followed: sources of other repositories, Helm and
 * plugin sources, ApplicationSets whose Applications are not known (appset-generators.ts), templated paths or
 * destinations, `directory.include`/`exclude`.
 */
export function appliers(docs: readonly YamlDocument[], all?: readonly YamlDocument[], ignores?: readonly SourceIgnoreFile[]): readonly Applier[] {
  let byIgnores = APPLIERS.get(docs);
  if (!byIgnores) APPLIERS.set(docs, (byIgnores = new Map()));
  const known = byIgnores.get(ignores);
  if (known) return known;
  const out: Applier[] = [];
  byIgnores.set(ignores, out);
  const flux = fluxKustomizations(docs).filter((k) => !k.escapes);
  const apps = docsOfKind(docs, 'Application').filter((d) => d.group === 'argoproj.io' && !ownTemplated(d));
  const sets = docsOfKind(docs, 'ApplicationSet').filter((d) => d.group === 'argoproj.io');
  if (!flux.length && !apps.length && !sets.length) return out;
  // the repository's builder (gitops/duplicate-object's) when the group holds every document: builds read files only
  const source = all && all.length === docs.length ? all : docs;
  let byFileMemo: Map<string, YamlDocument[]> | undefined;
  const byFile = (): Map<string, YamlDocument[]> => (byFileMemo ??= docsByFile(source));
  const b = kustomizeBuilder(source, byFile);
  const folders = foldersOf(byFile().keys());

  // Flux: a source is this repository when it is bootstrap's own, or when one of its Kustomizations names a folder here
  const local = new Set(['GitRepository/flux-system/flux-system']);
  for (const k of flux) {
    const s = fluxSource(k.doc);
    if (s && k.dir !== '' && folders.has(k.dir)) local.add(s);
  }
  // what each source's artifact holds: the files Flux leaves out are not there, for kustomize nor for its generator
  const artifacts = new Map<string, { b: KustomizeBuilder; byFile: Map<string, YamlDocument[]> }>();
  const artifact = (s: string): { b: KustomizeBuilder; byFile: Map<string, YamlDocument[]> } => {
    let v = artifacts.get(s);
    if (v) return v;
    const left = sourceIgnored(ignores, specIgnore(source, s));
    const full = byFile();
    const kept = new Map([...full].filter(([f]) => !left(f)));
    // the shared build model unless a file left out could change a build: one holding objects or a kustomization, or
    // one in a folder a Flux Kustomization applies (CI workflows and the like are left out of every repository)
    const matters = (f: string): boolean => !kept.has(f) && (full.get(f)!.some((d) => d.docClass === 'k8s' || d.docClass === 'kustomization') || flux.some((x) => under(dirOf(f), x.dir)));
    v = [...full.keys()].some(matters) ? { b: new KustomizeBuilder(kept), byFile: kept } : { b, byFile: full };
    artifacts.set(s, v);
    return v;
  };
  for (const k of flux) {
    const s = fluxSource(k.doc);
    if (!s || !local.has(s)) continue;
    const kube = k.doc.get(['spec', 'kubeConfig']);
    const secret = isObj(kube) && isObj(kube['secretRef']) ? str(kube['secretRef']['name']) : undefined;
    if (kube !== undefined && secret === undefined) continue;
    // its own patches and components may delete or rename what it builds
    const patches = JSON.stringify(k.doc.get(['spec', 'patches']) ?? null);
    const unsure = Array.isArray(k.doc.get(['spec', 'components'])) || /\$patch|\/metadata|\/kind|allowNameChange|allowKindChange/.test(patches);
    const ids = overrides(k.doc, ['spec'], 'targetNamespace', unsure);
    const repeated: RepeatedObject[] = [];
    const info: FolderInfo = {};
    const art = artifact(s);
    const objects = buildFolder(art.b, art.byFile, k.dir, ids, 'flux', false, repeated, '', info);
    const changes = ['patches', 'patchesStrategicMerge', 'patchesJson6902', 'components', 'commonMetadata'].some((key) => k.doc.get(['spec', key]) !== undefined);
    const applier: Applier = { doc: k.doc, name: k.name, at: ['spec', 'path'], engine: 'flux', target: secret === undefined ? '' : `kubeconfig:${k.namespace ?? ''}/${secret}`, defaultNamespace: ids.namespace ?? '', objects, dir: k.dir, changes, overrideAt: ['spec'], builder: art.b };
    if (info.nsConflicts?.length) applier.nsConflicts = info.nsConflicts;
    if (info.patchBase) applier.patchBase = info.patchBase;
    const kust = art.b.kustomizationAt(k.dir);
    if (kust) applier.build = { kustomization: kust, ids };
    if (repeated.length) applier.repeated = repeated;
    applier.source = s;
    out.push(applier);
  }

  // Argo CD: Applications, and those an ApplicationSet makes
  const specs: AppSpec[] = apps.map((d) => ({ doc: d, name: d.name ?? '', spec: d.get(['spec']), at: ['spec'] }));
  for (const d of sets) for (const g of generatedApps(d, folders, byFile())) specs.push({ doc: d, name: g.name, spec: g.spec, at: g.at });
  // this repository is any repoURL one of whose sources names a folder here
  const repos = new Set<string>();
  for (const a of specs) {
    for (const { src } of sourcesOf(a)) {
      const dir = normDir(src['path']);
      const repo = repoKey(src['repoURL']);
      if (repo && dir !== undefined && dir !== '' && folders.has(dir)) repos.add(repo);
    }
  }
  for (const a of specs) {
    const dest = isObj(a.spec) ? a.spec['destination'] : undefined;
    if (!isObj(dest)) continue;
    const server = str(dest['server'])?.replace(/\/+$/, '') ?? str(dest['name']) ?? '';
    if (TEMPLATED.test(server)) continue;
    const ns = str(dest['namespace']);
    for (const { src: s, at } of sourcesOf(a)) {
      if (s['chart'] !== undefined || s['plugin'] !== undefined || s['helm'] !== undefined) continue;
      const repo = repoKey(s['repoURL']);
      const dir = normDir(s['path']);
      if (!repo || !repos.has(repo) || dir === undefined) continue;
      // a Helm chart folder: rendered by Helm, not read here
      if (byFile().has(dir ? `${dir}/Chart.yaml` : 'Chart.yaml')) continue;
      const directory = s['directory'];
      if (isObj(directory) && (directory['include'] !== undefined || directory['exclude'] !== undefined || directory['jsonnet'] !== undefined)) continue;
      const kz = isObj(s['kustomize']) ? s['kustomize'] : {};
      const ids: IdOverrides = {};
      for (const [from, to] of [['namespace', 'namespace'], ['namePrefix', 'namePrefix'], ['nameSuffix', 'nameSuffix']] as const) {
        const v = str(kz[from]);
        if (v !== undefined) ids[to] = v;
      }
      if (kz['patches'] !== undefined || kz['components'] !== undefined) ids.uncertain = true;
      const repeated: RepeatedObject[] = [];
      const info: FolderInfo = {};
      const objects = buildFolder(b, byFile(), dir, directory === undefined ? ids : undefined, 'argocd', isObj(directory) && directory['recurse'] === true, repeated, ns ?? '', info);
      const applier: Applier = { doc: a.doc, name: a.name, at: [...at, 'path'], engine: 'argocd', target: IN_CLUSTER.has(server) ? '' : `argocd:${server}`, defaultNamespace: ids.namespace ?? ns ?? '', objects, dir, changes: ids.uncertain === true || kz['commonAnnotations'] !== undefined, overrideAt: at, builder: b };
      if (info.nsConflicts?.length) applier.nsConflicts = info.nsConflicts;
      if (info.patchBase) applier.patchBase = info.patchBase;
      if (repeated.length) applier.repeated = repeated;
      const kust = directory === undefined ? b.kustomizationAt(dir) : undefined;
      if (kust) applier.build = { kustomization: kust, ids };
      if (a.doc.kind === 'ApplicationSet') applier.generated = true;
      out.push(applier);
    }
  }
  return out;
}

/**
 * Each applier's ancestors: the appliers whose builds apply its document (a Flux Kustomization listed in another's
 * folder, an Application in an app-of-apps' folder), transitively.
 */
export function applierAncestry(list: readonly Applier[]): Map<YamlDocument, Set<YamlDocument>> {
  const docs = new Set(list.map((a) => a.doc));
  const parents = new Map<YamlDocument, Set<YamlDocument>>();
  for (const a of list) {
    for (const o of a.objects) {
      if (o.doc === a.doc || !docs.has(o.doc)) continue;
      const set = parents.get(o.doc) ?? new Set<YamlDocument>();
      set.add(a.doc);
      parents.set(o.doc, set);
    }
  }
  const out = new Map<YamlDocument, Set<YamlDocument>>();
  for (const d of docs) {
    const seen = new Set<YamlDocument>([d]);
    const stack = [d];
    while (stack.length) for (const p of parents.get(stack.pop()!) ?? []) if (!seen.has(p)) (seen.add(p), stack.push(p));
    out.set(d, seen);
  }
  return out;
}

/**
 * The two appliers run in different clusters as far as the repository shows: each descends from its own document of
 * one object (two `flux-system` Kustomizations, two root Applications of one name): one cluster holds one such object,
 * so two documents of it are two clusters' (a layout talium's cluster groups did not tell apart).
 */
export function inOtherClusters(a: Applier, b: Applier, anc: Map<YamlDocument, Set<YamlDocument>>): boolean {
  const ids = new Map<string, YamlDocument>();
  for (const d of anc.get(a.doc) ?? []) ids.set(docIdentity(d), d);
  for (const d of anc.get(b.doc) ?? []) {
    const other = ids.get(docIdentity(d));
    if (other && other !== d) return true;
  }
  return false;
}

const docIdentity = (d: YamlDocument): string => `${d.kind ?? ''}\u0000${d.namespace ?? ''}\u0000${d.name ?? ''}`;

/** An Argo CD Application's spec: a document's, or one an ApplicationSet generates (`at`: where its template is). */
interface AppSpec {
  doc: YamlDocument;
  name: string;
  spec: unknown;
  at: Path;
}

/** The sources an Application renders (`sources[]`, else `source`), with their paths in the document. */
function sourcesOf(a: AppSpec): Array<{ src: Record<string, unknown>; at: Path }> {
  if (!isObj(a.spec)) return [];
  const list = a.spec['sources'];
  if (Array.isArray(list) && list.length) return list.flatMap((src, i) => (isObj(src) ? [{ src, at: [...a.at, 'sources', i] }] : []));
  return isObj(a.spec['source']) ? [{ src: a.spec['source'], at: [...a.at, 'source'] }] : [];
}

/**
 * What a Flux Kustomization or an Argo CD source builds from folder `dir`: its kustomization with `ids` (Argo CD: only
 * when `ids` is given, else the source is a plain directory), else Flux's generated kustomization (every manifest
 * below, a folder with a kustomization taken whole) or Argo CD's directory (its files; `recurse`: those below too).
 * The ids a plain folder holds twice go to `repeated` (repeatedObjects; `destNs`: an Argo CD source's destination namespace).
 */
function buildFolder(b: KustomizeBuilder, byFile: Map<string, YamlDocument[]>, dir: string, ids: IdOverrides | undefined, engine: 'flux' | 'argocd', recurse: boolean, repeated: RepeatedObject[], destNs = '', info: FolderInfo = {}): readonly BuiltObject[] {
  const kust = ids ? b.kustomizationAt(dir) : undefined;
  if (kust) {
    const base = b.patchBase(kust);
    if (base) info.patchBase = { objects: base.objects, incomplete: base.incomplete, kustomization: kust };
    info.nsConflicts = b.namespaceOverrideConflicts(kust, ids!);
    return b.buildWith(kust, ids!);
  }
  const list: BuiltObject[] = [];
  if (engine === 'flux') {
    const nodes = generatedResources(dir, byFile).sort(walkOrder);
    // a folder talium holds nothing of (not read, or not in the tree): not known
    let incomplete = nodes.length === 0;
    for (const node of nodes) {
      const k = b.kustomizationAt(dirOf(node));
      const whole = k !== undefined && k.file.path === node;
      // (not spread into push: a folder may hold more objects than call arguments fit on the stack)
      pushAll(list, whole ? b.build(k) : b.fileObjects(node));
      incomplete ||= whole ? b.buildIncomplete(k) : b.fileIncomplete(node);
    }
    pushAll(repeated, repeatedObjects(list, objectKey));
    const out = withIds(list, ids ?? {});
    info.patchBase = { objects: list, incomplete };
    if (ids?.namespace !== undefined) info.nsConflicts = namespaceMerges(list, out);
    return out;
  }
  const files: string[] = [];
  for (const f of byFile.keys()) if (recurse ? under(dirOf(f), dir) : dirOf(f) === dir) files.push(f);
  for (const f of files.sort(walkOrder)) pushAll(list, b.fileObjects(f));
  pushAll(repeated, repeatedObjects(list, (o) => argoKey(o, destNs)));
  return list;
}

/** Paths in the order a folder walk (Go's filepath.WalkDir: entries sorted by name) visits them. */
function walkOrder(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}

/**
 * Argo CD's key of a target object (kube.GetResourceKey: group, kind, namespace, name; no version): an object without
 * a namespace gets the destination's, a cluster-scoped one none (controller/state.go DeduplicateTargetObjects).
 */
const argoKey = (o: BuiltObject, destNs: string): string => `${o.group}\u0000${o.kind}\u0000${isClusterScoped(o.kind) ? '' : o.namespace || destNs}\u0000${o.name}`;

/** The keys `list` holds more than once (ids not certain left out), each with its objects in list order. */
function repeatedObjects(list: readonly BuiltObject[], key: (o: BuiltObject) => string): RepeatedObject[] {
  const byKey = new Map<string, BuiltObject[]>();
  const out: RepeatedObject[] = [];
  for (const o of list) {
    if (o.uncertain) continue;
    const k = key(o);
    const l = byKey.get(k);
    if (!l) byKey.set(k, [o]);
    else {
      if (l.length === 1) out.push({ copies: l });
      l.push(o);
    }
  }
  return out;
}
