/** gitops/helmrelease-chart-source: a Flux HelmRelease sets exactly one of `spec.chart` and `spec.chartRef`. */
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { dirOf } from './lib/flux.js';
import { docsOfKind } from '../../core/kind-index.js';
import { isObj } from '../../plan/util.js';


const HR = (spec: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  interval: 1h\n${spec}`;
const CHART = '  chart:\n    spec:\n      chart: cilium\n      sourceRef:\n        kind: HelmRepository\n        name: cilium\n';
const REF = '  chartRef:\n    kind: OCIRepository\n    name: cilium\n';

export default defineRule({
  meta: {
    id: 'gitops/helmrelease-chart-source',
    description: 'A Flux HelmRelease needs exactly one of `spec.chart` and `spec.chartRef`.',
    severity: 'error',
    messages: {
      both: 'HelmRelease "{{name}}" sets both spec.chart and spec.chartRef; the API rejects it.',
      neither: 'HelmRelease "{{name}}" sets neither spec.chart nor spec.chartRef, so it has no chart to install.',
    },
    help: 'Keep `spec.chart.spec` (HelmRepository/GitRepository/Bucket) or `spec.chartRef` (OCIRepository/HelmChart), not both.',
    docs: {
      what: 'Checks the chart source of every Flux HelmRelease, skipping Kustomize patches (documents referenced from `patches:` or sharing the name of a complete HelmRelease).',
      why: 'helm-controller\'s CRD validation requires exactly one of the two; the object is rejected or never reconciles.',
      fix: 'Delete one of the two fields (prefer `chartRef` to an OCIRepository for OCI charts).',
      sources: [SRC.fluxHelmRelease],
    },
    examples: { valid: [{ files: { 'cilium/helmrelease.yaml': HR(REF) } }], invalid: [{ files: { 'cilium/helmrelease.yaml': HR(CHART + REF) } }] },
  },
  check({ cluster }) {
    const hrs = docsOfKind(cluster.docs, 'HelmRelease').filter((d) => d.docClass === 'k8s' && d.group === 'helm.toolkit.fluxcd.io');
    const has = (d: (typeof hrs)[number], k: string) => d.get(['spec', k]) !== undefined && d.get(['spec', k]) !== null;
    const complete = new Set(hrs.filter((d) => has(d, 'chart') || has(d, 'chartRef')).map((d) => d.name));
    // files kustomizations use as patches
    const patchFiles = new Set<string>();
    for (const k of cluster.docs) {
      if (k.docClass !== 'kustomization') continue;
      const dir = dirOf(k.file.path);
      for (const key of ['patches', 'patchesStrategicMerge']) {
        const list = k.get([key]);
        if (!Array.isArray(list)) continue;
        for (const p of list) {
          const path = typeof p === 'string' ? p : isObj(p) && typeof p['path'] === 'string' ? p['path'] : undefined;
          if (path) patchFiles.add((dir ? `${dir}/` : '') + path.replace(/^\.\//, ''));
        }
      }
    }
    const out: RuleFinding[] = [];
    for (const d of hrs) {
      const name = d.name ?? '';
      if (has(d, 'chart') && has(d, 'chartRef')) out.push({ doc: d, path: ['spec', 'chartRef'], key: true, messageId: 'both', data: { name } });
      else if (!has(d, 'chart') && !has(d, 'chartRef')) {
        if (patchFiles.has(d.file.path) || complete.has(d.name) || d.templated) continue;
        out.push({ doc: d, path: d.get(['spec']) === undefined ? ['kind'] : ['spec'], key: true, messageId: 'neither', data: { name } });
      }
    }
    return out;
  },
});
