/**
 * gitops/argocd-cilium-identity: the Argo CD configuration in the repository (the `argocd-cm` ConfigMap, or the
 * argo-cd chart's `configs.cm` values) does not exclude `cilium.io` CiliumIdentity from the resources Argo CD
 * tracks, while the cluster runs Cilium.
 */
import { parseValuesText } from '../../lint/parse.js';
import { isObj } from '../../plan/util.js';
import type { Path, YamlDocument } from '../../core/document.js';
import { SRC } from '../cilium/lib/sources.js';
import { releases } from '../cilium/lib/values.js';
import { defineRule, type RuleFinding } from '../types.js';
import { cmPlaces } from './lib/argocd-cm.js';

const VALUES = 'kubeProxyReplacement: true\nk8sServiceHost: localhost\nk8sServicePort: 7445\n';
const CM = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n${data}`;
const EXCLUDE = '  resource.exclusions: |\n    - apiGroups:\n        - cilium.io\n      kinds:\n        - CiliumIdentity\n      clusters:\n        - "*"\n';

/** Argo CD matches apiGroups, kinds and clusters with globs (`*`, `?`). */
function glob(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

/**
 * Whether a resource.exclusions / resource.inclusions list names cilium.io CiliumIdentity. Its `clusters` are not
 * judged: a list naming this cluster's API server is as good as "*", and the repository does not say which it is.
 */
function names(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  const has = (v: unknown, want: string) => Array.isArray(v) && v.some((x) => typeof x === 'string' && glob(x, want));
  return list.some((e) => isObj(e) && has(e['apiGroups'], 'cilium.io') && has(e['kinds'], 'CiliumIdentity'));
}

/** A place where Argo CD's argocd-cm settings are written: its data mapping, and how to read a setting there. */
/** undefined: cannot tell (templated, unparseable); true: CiliumIdentity is not tracked. */
function excluded(data: Record<string, unknown>): boolean | undefined {
  const read = (key: string): unknown => {
    const v = data[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return v;
    if (/\{\{|\$\{/.test(v)) return null;
    const r = parseValuesText(v, { unique: false });
    return r.ok ? r.value : null;
  };
  const exclusions = read('resource.exclusions');
  const inclusions = read('resource.inclusions');
  if (exclusions === null || inclusions === null) return undefined;
  if (names(exclusions)) return true;
  // with an inclusion list, only what it names is tracked
  if (Array.isArray(inclusions)) return !names(inclusions);
  return false;
}

export default defineRule({
  meta: {
    id: 'gitops/argocd-cilium-identity',
    description: 'Argo CD configuration in the repository does not exclude cilium.io CiliumIdentity from tracking.',
    severity: 'warning',
    messages: {
      notExcluded: '{{what}} does not exclude cilium.io CiliumIdentity (resource.exclusions); Argo CD treats the identities Cilium creates as part of the applications whose labels they copy and may prune them, dropping traffic until Cilium recreates them.',
    },
    help: 'Add to argocd-cm `resource.exclusions`: `- apiGroups: [cilium.io]`, `kinds: [CiliumIdentity]`, `clusters: ["*"]` (for the argo-cd chart: `configs.cm."resource.exclusions"`).',
    docs: {
      what: 'When the cluster runs Cilium and the repository holds Argo CD\'s settings (a `argocd-cm` ConfigMap, or `configs.cm` of the argo-cd Helm chart in a Flux HelmRelease or an Argo CD Application), checks that `resource.exclusions` names apiGroup `cilium.io` and kind `CiliumIdentity` (globs as Argo CD matches them), or that a `resource.inclusions` list leaves it out. Silent when the settings are not in the repository or are templated.',
      why: 'Cilium\'s Argo CD page: CiliumIdentity objects carry the labels of the pods they stand for, including Argo CD\'s tracking label, so Argo CD lists them under applications and prunes them; traffic of the affected pods is dropped until Cilium recreates the identities.',
      fix: 'Add the exclusion from Cilium\'s Argo CD page to argocd-cm (or to the argo-cd chart\'s `configs.cm`).',
      sources: [SRC.argoIssues],
    },
    examples: {
      valid: [{ files: { 'cilium/values.yaml': VALUES, 'argocd/argocd-cm.yaml': CM(EXCLUDE) } }],
      invalid: [{ files: { 'cilium/values.yaml': VALUES, 'argocd/argocd-cm.yaml': CM('  kustomize.buildOptions: --enable-helm\n') } }],
    },
  },
  check({ cluster }) {
    if (!releases(cluster).length) return [];
    const out: RuleFinding[] = [];
    const places = cmPlaces(cluster.docs);
    // several documents may write argocd-cm (a base and its patches): one that excludes it is enough
    if (places.some((p) => excluded(p.data) !== false)) return [];
    for (const p of places) out.push({ doc: p.doc, path: p.path, key: p.path.length > 0, messageId: 'notExcluded', data: { what: p.what } });
    return out;
  },
});
