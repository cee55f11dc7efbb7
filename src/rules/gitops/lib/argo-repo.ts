/**
 * Which Git repositories an Argo CD source names are this one, as the Argo CD path rules decide it
 * (gitops/argocd-application-path, gitops/argocd-value-file): the repository a talium cluster.yaml names, one whose
 * source `path` is an existing folder of the tree, or one a multi-source `ref:` names whose `$ref/...` value files
 * sit in an existing folder. Keys as repoKey gives them. Pure.
 */
import type { YamlDocument } from '../../../core/document.js';
import { resolveSourcePath } from '../../../plan/flux-kustomizations.js';
import { repoKey } from '../../../plan/helm-layers.js';
import { argoSourcePaths, isObj } from '../../../plan/util.js';
import { dirOf } from './flux.js';

export function thisRepository(apps: readonly YamlDocument[], docs: Iterable<YamlDocument>, dirs: ReadonlySet<string>): Set<string> {
  const local = new Set<string>();
  for (const d of docs) {
    if (d.docClass !== 'cluster-spec') continue;
    const k = repoKey(d.get(['gitops', 'repository']));
    if (k) local.add(k);
  }
  for (const doc of apps) {
    const srcs = argoSourcePaths(doc).map((at) => doc.get(at));
    for (const s of srcs) {
      if (!isObj(s) || s['chart'] !== undefined || s['plugin'] !== undefined) continue;
      const repo = repoKey(s['repoURL']);
      const r = typeof s['path'] === 'string' ? resolveSourcePath(s['path']) : undefined;
      if (repo && r && !r.escapes && r.dir !== '' && dirs.has(r.dir)) local.add(repo);
    }
    const files = srcs.flatMap((s) => (isObj(s) && isObj(s['helm']) && Array.isArray(s['helm']['valueFiles']) ? s['helm']['valueFiles'] : []));
    for (const s of srcs) {
      const repo = isObj(s) && typeof s['ref'] === 'string' ? repoKey(s['repoURL']) : undefined;
      if (!repo || !isObj(s)) continue;
      const prefix = `$${String(s['ref'])}/`;
      for (const f of files) {
        const r = typeof f === 'string' && f.startsWith(prefix) ? resolveSourcePath(f.slice(prefix.length)) : undefined;
        const dir = r && !r.escapes ? dirOf(r.dir) : '';
        if (dir !== '' && dirs.has(dir)) local.add(repo);
      }
    }
  }
  return local;
}
