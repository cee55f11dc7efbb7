/** Tests for the Flux reference rules: HelmRelease chart sources (gitops/helmrelease-source-ref). */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import helmreleaseSourceRef from '../src/rules/gitops/helmrelease-source-ref.js';
import { ruleTester } from '../src/testing/rule-tester.js';
import { spawnCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const temp = tempRepos('talium-flux-refs-');
after(temp.cleanup);

/** A HelmRelease taking its chart from `ref` (lines 8.. of the document). */
const hr = (name: string, ref: string, ns = 'kube-system') =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  interval: 1h\n${ref}`;
/** spec.chart.spec.sourceRef: its name on line 13 when the release has a namespace. */
const chart = (kind: string, name: string, ns = '') => `  chart:\n    spec:\n      chart: x\n      sourceRef:\n        kind: ${kind}\n        name: ${name}\n${ns ? `        namespace: ${ns}\n` : ''}`;
/** spec.chartRef: its name on line 10 when the release has a namespace. */
const chartRef = (kind: string, name: string, ns = '') => `  chartRef:\n    kind: ${kind}\n    name: ${name}\n${ns ? `    namespace: ${ns}\n` : ''}`;
const source = (kind: string, name: string, ns = 'flux-system') =>
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  interval: 1h\n  url: https://example.com/charts\n`;

test('gitops/helmrelease-source-ref', () => {
  const shared = {
    'kubernetes/flux/repositories/helm/cilium.yaml': source('HelmRepository', 'cilium'),
    'kubernetes/flux/repositories/helm/bjw-s.yaml': source('HelmRepository', 'bjw-s'),
  };
  ruleTester(helmreleaseSourceRef, {
    valid: [
      // a shared repository folder, referenced with its namespace
      { ...shared, 'kubernetes/apps/cilium/helmrelease.yaml': hr('cilium', chart('HelmRepository', 'cilium', 'flux-system')) },
      // the OCIRepository next to its release (same namespace, none written)
      { 'kubernetes/apps/cilium/app/helmrelease.yaml': hr('cilium', chartRef('OCIRepository', 'cilium'), ''), 'kubernetes/apps/cilium/app/ocirepository.yaml': source('OCIRepository', 'cilium', '') },
      // a kind the repository defines none of: its sources are elsewhere
      { ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chartRef('OCIRepository', 'echo')) },
      // flux-system comes from bootstrap; a templated name; a name a templated source could become
      { ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chart('GitRepository', 'flux-system')), 'kubernetes/flux/repositories/git/other.yaml': source('GitRepository', 'other') },
      { ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chart('HelmRepository', '${REPO}', 'flux-system')) },
      { ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chart('HelmRepository', 'echo-charts', 'flux-system')), 'kubernetes/flux/repositories/helm/t.yaml': source('HelmRepository', '${APP}-charts') },
      // the per-release layout: a release folder without its own source may just not be part of the run
      { 'kubernetes/apps/cilium/app/helmrelease.yaml': hr('cilium', chartRef('OCIRepository', 'cilium'), ''), 'kubernetes/apps/cilium/app/ocirepository.yaml': source('OCIRepository', 'cilium', ''), 'kubernetes/apps/echo/app/helmrelease.yaml': hr('echo', chartRef('OCIRepository', 'app-template'), '') },
      // the namespace a kustomization sets is not certain: the source may land in the release's namespace
      { 'kubernetes/flux/repositories/helm/cilium.yaml': source('HelmRepository', 'cilium'), 'kubernetes/flux/repositories/helm/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: kube-system\nresources:\n  - ./cilium.yaml\n', 'kubernetes/apps/cilium/helmrelease.yaml': hr('cilium', chart('HelmRepository', 'cilium')) },
      // kustomize renames objects: names as written prove nothing
      { ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chart('HelmRepository', 'home-echo', 'flux-system')), 'kubernetes/flux/repositories/helm/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: home-\nresources:\n  - ./bjw-s.yaml\n' },
    ],
    invalid: [
      {
        files: { ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chart('HelmRepository', 'bjws', 'flux-system')) },
        errors: [{ messageId: 'missingNear', file: 'kubernetes/apps/echo/helmrelease.yaml', line: 13, column: 15, data: { name: 'echo', kind: 'HelmRepository', source: 'bjws', suggestion: 'bjw-s' } }],
      },
      {
        files: { ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chart('HelmRepository', 'grafana', 'flux-system')) },
        errors: [{ messageId: 'missing', line: 13, column: 15, data: { name: 'echo', kind: 'HelmRepository', source: 'grafana' } }],
      },
      // a typo next to the source of the per-release layout (chartRef name on line 10)
      {
        files: { 'kubernetes/apps/cilium/app/helmrelease.yaml': hr('cilium', chartRef('OCIRepository', 'cillium')), 'kubernetes/apps/cilium/app/ocirepository.yaml': source('OCIRepository', 'cilium', 'kube-system') },
        errors: [{ messageId: 'missingNear', file: 'kubernetes/apps/cilium/app/helmrelease.yaml', line: 10, column: 11, data: { kind: 'OCIRepository', source: 'cillium', suggestion: 'cilium' } }],
      },
      // the source is in flux-system, the reference has no namespace: the release's own (kube-system) is meant
      {
        files: { ...shared, 'kubernetes/apps/cilium/helmrelease.yaml': hr('cilium', chart('HelmRepository', 'cilium')) },
        errors: [{ messageId: 'otherNamespace', line: 13, column: 15, data: { source: 'cilium', namespace: 'kube-system', found: 'flux-system' } }],
      },
      // a wrong namespace written: reported at it
      {
        files: { ...shared, 'kubernetes/apps/cilium/helmrelease.yaml': hr('cilium', chart('HelmRepository', 'cilium', 'flux')) },
        errors: [{ messageId: 'otherNamespace', line: 14, column: 20, data: { namespace: 'flux', found: 'flux-system' } }],
      },
    ],
  });
  // end to end: the whole repository reports it; a run over one file does not (the source may sit unread)
  const repo = temp.repo({ ...shared, 'kubernetes/apps/echo/helmrelease.yaml': hr('echo', chart('HelmRepository', 'bjw', 'flux-system')) });
  const ids = (args: string[]) =>
    (JSON.parse(spawnCli(['lint', '--format', 'json', '--no-cache', ...args], { cwd: repo }).stdout) as { diagnostics: Array<{ ruleId: string; file: string; range: { start: { line: number; column: number } } }> }).diagnostics
      .filter((d) => d.ruleId === 'gitops/helmrelease-source-ref')
      .map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column}`);
  assert.deepEqual(ids([]), ['kubernetes/apps/echo/helmrelease.yaml:13:15']);
  assert.deepEqual(ids(['kubernetes/apps/echo/helmrelease.yaml']), []);
});

