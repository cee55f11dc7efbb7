/**
 * Cilium values written inline (Flux HelmRelease `spec.values`, Argo CD `helm.valuesObject`, Kustomize
 * `helmCharts[].valuesInline`) are validated against the Cilium values schema like values files; other charts'
 * values are not.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-inline-values-');
after(repos.cleanup);

const VALUES = (indent: string) => ['kubeProxyReplacement: true', 'cgroup:', '  automount:', '    enabled: false', 'k8sClientRateLimit:', '  qps: "50"'].map((l) => indent + l).join('\n') + '\n';
const HR = (chart: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${chart}\n  namespace: kube-system\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: ${chart}\n      version: 1.18.4\n      sourceRef: {kind: HelmRepository, name: ${chart}}\n  values:\n${VALUES('    ')}`;
const APP = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n  sources:\n    - repoURL: https://helm.cilium.io/\n      chart: cilium\n      targetRevision: 1.18.4\n      helm:\n        valuesObject:\n${VALUES('          ')}`;
const KUST = `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nhelmCharts:\n  - name: cilium\n    repo: https://helm.cilium.io/\n    version: 1.18.4\n    releaseName: cilium\n    valuesInline:\n${VALUES('      ')}`;

async function schemaFindings(files: Record<string, string>): Promise<string[]> {
  const r = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: repos.repo(files) });
  const out = JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; file: string; range: { start: { line: number; column: number } }; data?: Record<string, unknown> }> };
  return out.diagnostics.filter((d) => d.ruleId.startsWith('schema/')).map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${String(d.data?.['path'] ?? '')}`);
}

describe('inline Cilium values get the Cilium values schema', () => {
  it('Flux HelmRelease spec.values (chart cilium), not another chart\'s', async () => {
    assert.deepEqual(await schemaFindings({ 'cilium/hr.yaml': HR('cilium') }), ['cilium/hr.yaml:16:7 schema/unknown-field cgroup.automount', 'cilium/hr.yaml:19:12 schema/type k8sClientRateLimit.qps']);
    assert.deepEqual(await schemaFindings({ 'apps/hr.yaml': HR('other') }), []);
  });
  it('Argo CD sources[].helm.valuesObject and Kustomize helmCharts valuesInline', async () => {
    assert.deepEqual(await schemaFindings({ 'argocd/cilium.yaml': APP }), ['argocd/cilium.yaml:19:13 schema/unknown-field cgroup.automount', 'argocd/cilium.yaml:22:18 schema/type k8sClientRateLimit.qps']);
    assert.deepEqual(await schemaFindings({ 'infra/kustomization.yaml': KUST }), ['infra/kustomization.yaml:11:9 schema/unknown-field cgroup.automount', 'infra/kustomization.yaml:14:14 schema/type k8sClientRateLimit.qps']);
  });
  it('Argo CD: only the sources Argo CD renders (`source` is ignored once `sources` is set)', async () => {
    const ignored = `  source:\n    repoURL: https://helm.cilium.io/\n    chart: cilium\n    targetRevision: 1.18.4\n    helm:\n      valuesObject:\n        l2announcements: {enabled: maybe}\n`;
    const both = APP.replace('  sources:\n', `${ignored}  sources:\n`);
    // the sources[] findings, seven lines further down; nothing for the ignored source's values
    assert.deepEqual(await schemaFindings({ 'argocd/cilium.yaml': both }), ['argocd/cilium.yaml:26:13 schema/unknown-field cgroup.automount', 'argocd/cilium.yaml:29:18 schema/type k8sClientRateLimit.qps']);
    // an empty sources list: Argo CD renders source
    const single = APP.replace(/  sources:[\s\S]*/, `${ignored}  sources: []\n`);
    assert.deepEqual((await schemaFindings({ 'argocd/cilium.yaml': single })).map((f) => f.replace(/^\S+ /, '')), ['schema/type l2announcements.enabled']);
  });
});
