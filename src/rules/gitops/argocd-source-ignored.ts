/**
 * gitops/argocd-source-ignored: an Argo CD Application (or ApplicationSet template) that sets both `sources` and
 * `source`: with `sources` set, Argo CD ignores `source`, so what it holds (a chart, a path, values) is never used.
 */
import { SRC } from '../cilium/lib/sources.js';
import { argoSpecPath, isObj } from '../../plan/util.js';
import { defineRule, type RuleFinding } from '../types.js';
import { docsOfKinds } from '../../core/kind-index.js';
import { ARGO_APP_KINDS } from './lib/flux.js';

const APP = (sources: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n${sources}`;
const SOURCE = '  source:\n    repoURL: https://helm.cilium.io/\n    chart: cilium\n    targetRevision: 1.19.6\n    helm:\n      valuesObject:\n        kubeProxyReplacement: true\n';
const SOURCES = '  sources:\n    - repoURL: https://helm.cilium.io/\n      chart: cilium\n      targetRevision: 1.19.6\n      helm:\n        valueFiles: [$values/cilium/values.yaml]\n    - repoURL: https://github.com/example/home-ops.git\n      targetRevision: main\n      ref: values\n';

export default defineRule({
  meta: {
    id: 'gitops/argocd-source-ignored',
    description: 'An Argo CD Application that sets both `sources` and `source`: Argo CD ignores `source`.',
    severity: 'warning',
    messages: {
      ignored: 'Argo CD {{kind}} "{{app}}" sets both `sources` and `source`; with `sources` set, Argo CD ignores `source` ({{what}}), so nothing in it is deployed.',
    },
    help: 'Move what `source` holds into `sources` as one more entry, or delete `source`.',
    docs: {
      what: 'Finds Argo CD Applications and ApplicationSet templates with a non-empty `sources` list and a `source` object at the same time.',
      why: 'Argo CD documents that when `sources` is specified it ignores `source`. Moving to multiple sources by adding `sources` and leaving `source` in place is a common slip: later edits to `source` (a chart version, Helm values) change nothing in the cluster, and linters that read `source` judge values Argo CD never renders. talium validates only the sources Argo CD uses.',
      fix: 'Add the chart, path or values of `source` to `sources` (a values file from the repository needs a `ref:` entry), then delete `source`.',
      sources: [SRC.argoMultipleSources],
    },
    examples: { valid: [{ files: { 'argocd/cilium.yaml': APP(SOURCES) } }, { files: { 'argocd/cilium.yaml': APP(SOURCE) } }], invalid: [{ files: { 'argocd/cilium.yaml': APP(SOURCE + SOURCES) } }] },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const doc of docsOfKinds(cluster.docs, ARGO_APP_KINDS)) {
      if (doc.group !== 'argoproj.io' || (doc.kind !== 'Application' && doc.kind !== 'ApplicationSet')) continue;
      const base = argoSpecPath(doc);
      const sources = doc.get([...base, 'sources']);
      const source = doc.get([...base, 'source']);
      if (!Array.isArray(sources) || !sources.length || !isObj(source)) continue;
      const what = typeof source['chart'] === 'string' ? `chart ${source['chart']}` : typeof source['path'] === 'string' ? `path ${source['path']}` : typeof source['repoURL'] === 'string' ? String(source['repoURL']) : 'an empty source';
      out.push({ doc, path: [...base, 'source'], key: true, messageId: 'ignored', data: { kind: doc.kind, app: doc.name ?? '', what } });
    }
    return out;
  },
});
