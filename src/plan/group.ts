/**
 * Splits a repository into cluster groups by path convention: `clusters/<name>/` folders holding a talium
 * cluster.yaml, else any `clusters/<name>/` folders (Flux's layout), else Kustomize `overlays/<name>/` folders
 * (`_*`, `base`, `common`, `shared`, `components` are shared material, not clusters), else two or more
 * `kubernetes/<name>/{apps,flux,bootstrap,...}/` cluster roots (home-ops repositories with several clusters), else two
 * or more folders beside a `base/` folder whose kustomizations build on it (`apps/{base,prod,qa}/`). With fewer than two names there is one group (named after
 * the single name, or `default`). A document whose path has a segment equal to a group name belongs to that group;
 * with environment overlays beside base/, so does one in a shared folder whose file name has exactly one group name as
 * a word (`values-prod.yaml`; not with cluster names, where `home-assistant.yaml` would join `home`); other documents
 * (bases, shared apps) belong to every group.
 */
import type { YamlDocument } from '../core/document.js';
import { docsOfClass } from '../core/kind-index.js';
import { normalizePath } from './util.js';

export interface DocGroup {
  name: string;
  docs: YamlDocument[];
  /** Documents that are in every group (only set when there are several groups). */
  shared?: Set<YamlDocument>;
}

/** Folder names under clusters/ or overlays/ that hold shared material, not a cluster. */
const NOT_A_CLUSTER = /^(_.*|\..*|base|bases|common|shared|components|templates?|default)$/;

function namesAfter(paths: readonly string[], folder: string): string[] {
  const names = new Set<string>();
  for (const p of paths) {
    // (a path without the folder's name anywhere has no segment named so: no split)
    if (!p.includes(folder)) continue;
    const segs = p.split('/');
    for (let i = 0; i + 2 < segs.length; i++) if (segs[i] === folder && segs[i + 1] && !NOT_A_CLUSTER.test(segs[i + 1]!)) names.add(segs[i + 1]!);
  }
  return [...names].sort();
}

/** Folders that are a cluster's GitOps root when found as `kubernetes/<name>/<root>/` (home-ops layouts). */
const ROOT_CHILDREN = new Set(['apps', 'flux', 'bootstrap', 'infrastructure', 'cluster', 'config']);
const NOT_A_ROOT = new Set(['apps', 'flux', 'bootstrap', 'components', 'infrastructure', 'templates', 'base', 'common', 'shared', 'talos']);

/** `kubernetes/<name>/` (or `k8s/<name>/`) folders that hold a cluster root (`apps/`, `flux/`, `bootstrap/`...). */
function clusterRoots(paths: readonly string[]): string[] {
  const names = new Set<string>();
  for (const p of paths) {
    if (!p.includes('k8s') && !p.includes('kubernetes')) continue;
    const segs = p.split('/');
    for (let i = 0; i + 3 < segs.length; i++) {
      if ((segs[i] === 'kubernetes' || segs[i] === 'k8s') && !NOT_A_ROOT.has(segs[i + 1]!) && !NOT_A_CLUSTER.test(segs[i + 1]!) && ROOT_CHILDREN.has(segs[i + 2]!)) names.add(segs[i + 1]!);
    }
  }
  return [...names].sort();
}

/**
 * Kustomize overlays not under `overlays/`: the folders beside a `base/` folder whose kustomizations build on that
 * base (`infrastructure/controllers/{base,prod,qa}/`, a `prod/cilium/kustomization.yaml` listing `../../base/cilium`:
 * one environment, one cluster, each). A folder beside base/ that does not use it (`apps/`) is no environment.
 */
function baseSiblings(docs: readonly YamlDocument[], paths: readonly string[]): string[] {
  const parents = new Set<string>();
  for (const p of paths) {
    if (!p.includes('base')) continue;
    const segs = p.split('/');
    for (let i = 0; i + 1 < segs.length; i++) if (segs[i] === 'base') parents.add(segs.slice(0, i).join('/'));
  }
  if (!parents.size) return [];
  const names = new Set<string>();
  for (const d of docsOfClass(docs, 'kustomization')) {
    const segs = d.file.path.split('/');
    const dir = segs.slice(0, -1).join('/');
    const resources = [d.get(['resources']), d.get(['bases'])].flatMap((r) => (Array.isArray(r) ? r : [])).filter((r): r is string => typeof r === 'string');
    for (let i = 0; i + 1 < segs.length; i++) {
      const name = segs[i]!;
      const parent = segs.slice(0, i).join('/');
      if (name === 'base' || name === 'overlays' || NOT_A_CLUSTER.test(name) || !parents.has(parent)) continue;
      const base = parent ? `${parent}/base` : 'base';
      const intoBase = (r: string): boolean => {
        const t = normalizePath(dir ? `${dir}/${r}` : r);
        return t !== undefined && (t === base || t.startsWith(`${base}/`));
      };
      if (resources.some(intoBase)) names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * The paths that make clusters/<name>/ one of talium's clusters: its cluster.yaml. Once one cluster.yaml is a spec,
 * a sibling one that is not (yet: no `nodes:`, a broken top level, empty) and a `clusters/<name>/generated/` folder
 * still name their cluster, so its generated manifests are judged with its own facts, never another cluster's.
 */
function specFolders(docs: readonly YamlDocument[], paths: readonly string[]): string[] {
  const specs = docsOfClass(docs, 'cluster-spec').map((d) => d.file.path);
  if (!specs.length) return specs;
  const other = docsOfClass(docs, 'other').filter((d) => /(?:^|\/)clusters\/[^/]+\/cluster\.ya?ml$/.test(d.file.path)).map((d) => d.file.path);
  return [...specs, ...other, ...paths.filter((p) => /(?:^|\/)clusters\/[^/]+\/generated\//.test(p))];
}

/** The file paths of `docs`, each once, in first-seen order (a file's documents usually follow each other). */
function filePaths(docs: readonly YamlDocument[]): string[] {
  const seen = new Set<string>();
  let file: unknown;
  for (const d of docs) {
    if (d.file === file) continue;
    file = d.file;
    seen.add(d.file.path);
  }
  return [...seen];
}

export function groupByCluster(docs: YamlDocument[]): DocGroup[] {
  const paths = filePaths(docs);
  // talium's layout: the folders that hold a cluster.yaml are the clusters
  const specs = namesAfter(specFolders(docs, paths), 'clusters');
  let names = specs.length ? specs : namesAfter(paths, 'clusters');
  if (names.length < 2) {
    const overlays = namesAfter(paths, 'overlays');
    if (overlays.length >= 2) names = overlays;
  }
  if (names.length < 2) {
    const roots = clusterRoots(paths);
    if (roots.length >= 2) names = roots;
  }
  // environment overlays (prod, qa) name their shared files too: `values-prod.yaml`
  let byFileName = false;
  if (names.length < 2) {
    const envs = baseSiblings(docs, paths);
    if (envs.length >= 2) [names, byFileName] = [envs, true];
  }
  if (names.length < 2) return [{ name: names[0] ?? 'default', docs }];
  const set = new Set(names);
  const groups = new Map(names.map((n) => [n, [] as YamlDocument[]]));
  const shared = new Set<YamlDocument>();
  for (const d of docs) {
    const segs = d.file.path.split('/');
    // a folder named after a cluster, else a shared folder's file named after exactly one (`cilium-values/values-prod.yaml`)
    const own = segs.slice(0, -1).find((s) => set.has(s));
    const named = own || !byFileName ? [] : [...new Set(segs[segs.length - 1]!.replace(/\.[^.]*$/, '').split(/[-_.]/))].filter((t) => set.has(t));
    const seg = own ?? (named.length === 1 ? named[0] : undefined);
    if (seg) groups.get(seg)!.push(d);
    else {
      shared.add(d);
      for (const list of groups.values()) list.push(d);
    }
  }
  return names.map((name) => ({ name, docs: groups.get(name)!, shared }));
}
