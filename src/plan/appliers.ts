/**
 * The GitOps appliers of a set of documents and the objects each applies: every Flux Kustomization of this repository
 * (its `spec.path` built as kustomize-controller does: the folder's kustomization, or the one Flux generates of every
 * manifest below; `targetNamespace` / `namePrefix` / `nameSuffix` replace the kustomization's) and every Argo CD
 * Application source of this repository (kustomize when its folder has a kustomization, with `kustomize.namespace` /
 * `namePrefix` / `nameSuffix`; else the folder's manifests, `directory.recurse` with its subfolders; objects without a
 * namespace go to `destination.namespace`). Owns that question only (rules/gitops/object-applied-twice.ts judges it).
 */
import type { Path, YamlDocument } from '../core/document.js';
import { docsOfKind } from '../core/kind-index.js';
import { fluxKustomizations, normDir, under } from './flux-kustomizations.js';
import { repoKey } from './helm-layers.js';
import { kustomizeBuilder, withIds, type BuiltObject, type IdOverrides, type KustomizeBuilder } from './kustomize-build.js';
import { generatedResources } from './kustomize-overlays.js';
import { argoSourcePaths, dirOf, docsByFile, foldersOf, isObj } from './util.js';

export interface Applier {
  /** The Flux Kustomization or Argo CD Application. */
  doc: YamlDocument;
  /** Its `spec.path`, or the source's `path`. */
  at: Path;
  engine: 'flux' | 'argocd';
  /** The cluster it applies to: '' for the one it runs in; else its kubeConfig Secret or Argo CD destination. */
  target: string;
  /** Namespace of an object that states none ('' when not known). */
  defaultNamespace: string;
  objects: readonly BuiltObject[];
}

const TEMPLATED = /\$\{|\{\{/;
const IN_CLUSTER = new Set(['', 'https://kubernetes.default.svc', 'in-cluster']);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A Flux Kustomization's or Argo CD source's id changes (each when a non-empty string). */
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

const APPLIERS = new WeakMap<readonly YamlDocument[], Applier[]>();

/**
 * The appliers among `docs` (files looked up in `docs` too), one per Flux Kustomization and one per Argo CD
 * Application source that renders a folder of this repository. Not followed: sources of other repositories, Helm and
 * plugin sources, ApplicationSets, templated paths or destinations, `directory.include`/`exclude`.
 */
export function appliers(docs: readonly YamlDocument[]): readonly Applier[] {
  const known = APPLIERS.get(docs);
  if (known) return known;
  const out: Applier[] = [];
  APPLIERS.set(docs, out);
  const flux = fluxKustomizations(docs).filter((k) => !k.escapes);
  const apps = docsOfKind(docs, 'Application').filter((d) => d.group === 'argoproj.io' && !d.templated);
  if (!flux.length && !apps.length) return out;
  let byFileMemo: Map<string, YamlDocument[]> | undefined;
  const byFile = (): Map<string, YamlDocument[]> => (byFileMemo ??= docsByFile(docs));
  const b = kustomizeBuilder(docs, byFile);
  const folders = foldersOf(byFile().keys());

  // Flux: a source is this repository when it is bootstrap's own, or when one of its Kustomizations names a folder here
  const local = new Set(['GitRepository/flux-system/flux-system']);
  for (const k of flux) {
    const s = fluxSource(k.doc);
    if (s && k.dir !== '' && folders.has(k.dir)) local.add(s);
  }
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
    const objects = buildFolder(b, byFile(), k.dir, ids, 'flux', false);
    out.push({ doc: k.doc, at: ['spec', 'path'], engine: 'flux', target: secret === undefined ? '' : `kubeconfig:${k.namespace ?? ''}/${secret}`, defaultNamespace: ids.namespace ?? '', objects });
  }

  // Argo CD: this repository is any repoURL one of whose sources names a folder here
  const repos = new Set<string>();
  for (const d of apps) {
    for (const sp of argoSourcePaths(d)) {
      const dir = normDir(d.get([...sp, 'path']));
      const repo = repoKey(d.get([...sp, 'repoURL']));
      if (repo && dir !== undefined && dir !== '' && folders.has(dir)) repos.add(repo);
    }
  }
  for (const d of apps) {
    const dest = d.get(['spec', 'destination']);
    if (!isObj(dest)) continue;
    const server = str(dest['server'])?.replace(/\/+$/, '') ?? str(dest['name']) ?? '';
    if (TEMPLATED.test(server)) continue;
    const ns = str(dest['namespace']);
    for (const sp of argoSourcePaths(d)) {
      const s = d.get(sp);
      if (!isObj(s) || s['chart'] !== undefined || s['plugin'] !== undefined || s['helm'] !== undefined) continue;
      const repo = repoKey(s['repoURL']);
      const dir = normDir(s['path']);
      if (!repo || !repos.has(repo) || dir === undefined) continue;
      // a Helm chart folder: rendered by Helm, not read here
      if (byFile().has(dir ? `${dir}/Chart.yaml` : 'Chart.yaml')) continue;
      const directory = s['directory'];
      if (isObj(directory) && (directory['include'] !== undefined || directory['exclude'] !== undefined || directory['jsonnet'] !== undefined)) continue;
      const ids = overrides(d, [...sp, 'kustomize'], 'namespace', isObj(s['kustomize']) && (s['kustomize']['patches'] !== undefined || s['kustomize']['components'] !== undefined));
      const objects = buildFolder(b, byFile(), dir, directory === undefined ? ids : undefined, 'argocd', isObj(directory) && directory['recurse'] === true);
      out.push({ doc: d, at: [...sp, 'path'], engine: 'argocd', target: IN_CLUSTER.has(server) ? '' : `argocd:${server}`, defaultNamespace: ids.namespace ?? ns ?? '', objects });
    }
  }
  return out;
}

/**
 * What a Flux Kustomization or an Argo CD source builds from folder `dir`: its kustomization with `ids` (Argo CD: only
 * when `ids` is given, else the source is a plain directory), else Flux's generated kustomization (every manifest
 * below, a folder with a kustomization taken whole) or Argo CD's directory (its files; `recurse`: those below too).
 */
function buildFolder(b: KustomizeBuilder, byFile: Map<string, YamlDocument[]>, dir: string, ids: IdOverrides | undefined, engine: 'flux' | 'argocd', recurse: boolean): readonly BuiltObject[] {
  const kust = ids ? b.kustomizationAt(dir) : undefined;
  if (kust) return b.buildWith(kust, ids!);
  const list: BuiltObject[] = [];
  if (engine === 'flux') {
    for (const node of generatedResources(dir, byFile)) {
      const k = b.kustomizationAt(dirOf(node));
      if (k && k.file.path === node) list.push(...b.build(k));
      else list.push(...b.fileObjects(node));
    }
    return withIds(list, ids ?? {});
  }
  for (const f of byFile.keys()) if (recurse ? under(dirOf(f), dir) : dirOf(f) === dir) list.push(...b.fileObjects(f));
  return list;
}
