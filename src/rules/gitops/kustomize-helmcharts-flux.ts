/** gitops/kustomize-helmcharts-flux: a kustomization.yaml with `helmCharts` inside a Flux Kustomization path (Flux never renders it). */
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { dirOf, fluxKustomizations, ksFor } from './lib/flux.js';

const KS = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: cilium\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./apps/cilium\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n';
const KUST = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nhelmCharts:\n  - name: cilium\n    repo: https://helm.cilium.io/\n    version: 1.19.6\n    releaseName: cilium\n    namespace: kube-system\n';

export default defineRule({
  meta: {
    id: 'gitops/kustomize-helmcharts-flux',
    description: 'Flux cannot build Kustomize `helmCharts`; use a HelmRelease.',
    severity: 'error',
    messages: {
      flux: 'This kustomization uses helmCharts and is built by Flux Kustomization "{{ks}}"; kustomize-controller does not support helmCharts (no --enable-helm), so the build fails.',
      fluxNested: 'This kustomization uses helmCharts and sits below the path of Flux Kustomization "{{ks}}"; if Flux builds it, the build fails (kustomize-controller has no --enable-helm).',
    },
    help: 'Replace the helmCharts entry with a Flux HelmRelease (+ HelmRepository/OCIRepository), or keep the folder out of Flux\'s paths (e.g. a bootstrap-only folder).',
    docs: {
      what: 'Finds Kustomize `kustomization.yaml` files with `helmCharts` whose folder is the `spec.path` of a Flux Kustomization (error) or below one (warning).',
      why: 'fluxcd/kustomize-controller refuses to shell out to Helm (wontfix); a helmCharts kustomization fails to build, and nothing in that Kustomization is applied.',
      fix: 'Convert the chart to a HelmRelease; Flux post-renderers cover kustomize patches on the rendered chart.',
      sources: [SRC.fluxHelmCharts, SRC.fluxKustomization],
    },
    examples: {
      valid: [{ files: { 'clusters/cilium-ks.yaml': KS, 'bootstrap/cilium/kustomization.yaml': KUST } }],
      invalid: [{ files: { 'clusters/cilium-ks.yaml': KS, 'apps/cilium/kustomization.yaml': KUST } }],
    },
  },
  check({ cluster }) {
    const kss = fluxKustomizations(cluster.docs);
    if (!kss.length) return [];
    const out: RuleFinding[] = [];
    for (const d of cluster.docs) {
      if (d.docClass !== 'kustomization' || !Array.isArray(d.get(['helmCharts']))) continue;
      const ks = ksFor(d.file.path, kss);
      if (!ks) continue;
      const exact = ks.dir === dirOf(d.file.path);
      out.push({ doc: d, path: ['helmCharts'], key: true, messageId: exact ? 'flux' : 'fluxNested', data: { ks: ks.name }, related: [{ doc: ks.doc, path: ['spec', 'path'], message: `Flux Kustomization "${ks.name}" builds this path.` }], ...(exact ? {} : { severity: 'warning' as const }) });
    }
    return out;
  },
});
