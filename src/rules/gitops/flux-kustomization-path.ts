/**
 * gitops/flux-kustomization-path: a Flux Kustomization's `spec.path` must name a folder of the repository it
 * syncs. A typo makes kustomize-controller fail ("kustomization path not found") and nothing under it applies; a
 * path that climbs above the repository root (`../..`) is confined to it (securejoin), so another folder applies.
 */
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { nearestFolder, relatedIn, yamlFolders } from './lib/folders.js';
import { dirOf, fluxKustomizations, under, type FluxKs } from './lib/flux.js';
import { isObj } from '../../plan/util.js';


const KS = (path: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: cilium-config\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
const POOL = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 10.50.0.224/28\n';

/** The source a Kustomization syncs: `GitRepository/<namespace>/<name>` (namespace defaults to the Kustomization's). */
function sourceKey(k: FluxKs): string | undefined {
  const ref = k.doc.get(['spec', 'sourceRef']);
  if (!isObj(ref) || typeof ref['name'] !== 'string') return undefined;
  const ns = typeof ref['namespace'] === 'string' ? ref['namespace'] : (k.namespace ?? 'flux-system');
  return `${String(ref['kind'] ?? 'GitRepository')}/${ns}/${ref['name']}`;
}

export default defineRule({
  meta: {
    id: 'gitops/flux-kustomization-path',
    description: 'A Flux Kustomization `spec.path` names a folder that is not in the repository.',
    severity: 'warning',
    messages: {
      missing: 'Flux Kustomization "{{name}}" applies "{{path}}", but the repository has no such folder with YAML in it; kustomize-controller fails with "kustomization path not found" and nothing there is applied.',
      missingNear: 'Flux Kustomization "{{name}}" applies "{{path}}", but the repository has no such folder with YAML in it (did you mean "./{{suggestion}}"?); kustomize-controller fails with "kustomization path not found" and nothing there is applied.',
      escapes: 'Flux Kustomization "{{name}}" applies "{{path}}", which climbs above the root of its source; kustomize-controller keeps the path inside the source and applies "{{resolved}}" instead.',
      escapesMissing: 'Flux Kustomization "{{name}}" applies "{{path}}", which climbs above the root of its source; kustomize-controller keeps the path inside the source, where "{{resolved}}" is no folder with YAML in it: it fails with "kustomization path not found" and nothing there is applied.',
    },
    help: 'Fix `spec.path` (relative to the repository root, without `..` above it) so it names the folder that holds the manifests.',
    docs: {
      what: 'For Flux Kustomizations whose source is this repository (bootstrap\'s `flux-system` GitRepository, or a source that other Kustomizations of the repository resolve into existing folders), checks that `spec.path` is a folder of the linted tree holding YAML (any `*.yaml`/`*.yml` file: also an empty, templated or unparseable one, or one `exclude:` in talium.config.yaml leaves out; a path inside an excluded folder is not judged), and suggests the nearest existing folder (related location: a file there).\n' +
        '\n' +
        '`.` and `..` segments are resolved first; a path that climbs above the repository root (`../..`, `../../apps`) is reported as such, with the folder kustomize-controller applies instead (its `..` stop at the root of the source).\n' +
        '\n' +
        'A missing top-level folder is judged only when an existing one is a typo away (otherwise it may lie outside the linted part of the repository). Sources that are not this repository (another GitRepository, an OCIRepository, a Bucket) are not judged.',
      why: 'kustomize-controller resolves the path inside the source artifact (securejoin: `..` cannot leave it); a misspelt folder stops that Kustomization (and everything that dependsOn it) with "kustomization path not found", while the objects in the intended folder are silently never applied. talium would otherwise judge them as deployed. A path above the root never reaches another repository: it applies a folder of this one (the root itself for `../..`), which is rarely what was meant.',
      fix: 'Correct the path; paths are relative to the repository root (`./kubernetes/apps/...`). To apply another repository\'s folder, give it a GitRepository of its own and point `sourceRef` at it.',
      sources: [SRC.fluxKustomization, 'https://github.com/fluxcd/kustomize-controller/blob/main/internal/controller/kustomization_controller.go'],
    },
    examples: {
      valid: [{ files: { 'clusters/home/cilium.yaml': KS('./kubernetes/cilium/config'), 'kubernetes/cilium/config/pool.yaml': POOL } }],
      invalid: [
        { files: { 'clusters/home/cilium.yaml': KS('./kubernetes/cilium/confg'), 'kubernetes/cilium/config/pool.yaml': POOL } },
        { files: { 'clusters/home/cilium.yaml': KS('./kubernetes/network'), 'kubernetes/cilium/config/pool.yaml': POOL }, note: 'nothing close enough to suggest' },
        { files: { 'clusters/home/cilium.yaml': KS('../../kubernetes/cilium/config'), 'kubernetes/cilium/config/pool.yaml': POOL }, note: 'above the repository root: kustomize-controller applies ./kubernetes/cilium/config' },
      ],
    },
    needsWholeTree: ['missing', 'missingNear', 'escapesMissing'],
  },
  check({ cluster, all, tree }) {
    const list = fluxKustomizations(cluster.docs).filter((k) => !k.doc.templated);
    if (!list.length) return [];
    // every folder (and its ancestors) that holds a YAML file of the linted tree: discovery's view, which also
    // knows files without a document (empty, templated, unparseable) and those the configuration excludes
    const dirs = yamlFolders(all, tree);
    const excludedFolders = tree?.excludedFolders ?? [];
    // a source is this repository when it is Flux bootstrap's own (GitRepository flux-system/flux-system) or
    // when another of its Kustomizations resolves into the tree
    const local = new Set<string>(['GitRepository/flux-system/flux-system']);
    for (const k of list) {
      const s = sourceKey(k);
      if (s && s.startsWith('GitRepository/') && !k.escapes && k.dir !== '' && dirs.has(k.dir)) local.add(s);
    }
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    for (const k of list) {
      const s = sourceKey(k);
      if (!s || !local.has(s) || (dirs.has(k.dir) && !k.escapes)) continue;
      const id = `${k.doc.file.path}#${k.doc.index}`;
      if (seen.has(id)) continue;
      const path = String(k.doc.get(['spec', 'path']));
      const resolved = k.dir ? `./${k.dir}` : './';
      const top = k.dir.split('/')[0]!;
      if (k.escapes && (dirs.has(k.dir) || !dirs.has(top))) {
        // above the root (a fact of the path alone): kustomize-controller applies the folder the path stops at;
        // whether that exists is known only where the tree covers its top-level folder
        seen.add(id);
        out.push({ doc: k.doc, path: ['spec', 'path'], messageId: 'escapes', data: { name: k.name, path, resolved } });
        continue;
      }
      // inside a folder the configuration keeps talium out of: what it holds is unknown
      if (excludedFolders.some((x) => under(k.dir, x))) continue;
      const suggestion = nearestFolder(k.dir, dirs);
      // a top-level folder the tree lacks may lie outside the linted part of the repository: judged when an existing
      // one is a typo away
      if (!dirs.has(top) && !suggestion) continue;
      seen.add(id);
      const related = suggestion ? relatedIn(suggestion, all) : [];
      const base = { doc: k.doc, path: ['spec', 'path'], ...(related.length ? { related } : {}) };
      if (k.escapes) out.push({ ...base, messageId: 'escapesMissing', data: { name: k.name, path, resolved } });
      else out.push({ ...base, ...(suggestion ? { messageId: 'missingNear', data: { name: k.name, path, suggestion } } : { messageId: 'missing', data: { name: k.name, path } }) });
    }
    return out;
  },
});
