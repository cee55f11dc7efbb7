/** Tests for gitops/helmrelease-depends-on: HelmRelease `spec.dependsOn` names a HelmRelease the repository applies, no cycles. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import helmreleaseDependsOn from '../src/rules/gitops/helmrelease-depends-on.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { spawnCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const temp = tempRepos('talium-hr-depends-');
after(temp.cleanup);

type Dep = string | { name: string; namespace: string };
/** A HelmRelease; with a namespace, its first dependsOn entry's name is on line 12 (column 13), a namespace below it column 18. */
const hr = (name: string, deps: Dep[] = [], ns = 'kube-system') =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  interval: 1h\n  chartRef:\n    kind: OCIRepository\n    name: ${name}\n` +
  (deps.length ? `  dependsOn:\n${deps.map((d) => (typeof d === 'string' ? `    - name: ${d}\n` : `    - name: ${d.name}\n      namespace: ${d.namespace}\n`)).join('')}` : '');
const ks = (name: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./kubernetes/apps/${name}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;

test('gitops/helmrelease-depends-on', () => {
  const base = { 'kubernetes/apps/kube-system/cilium/app/helmrelease.yaml': hr('cilium'), 'kubernetes/apps/storage/openebs/app/helmrelease.yaml': hr('openebs', [], 'storage') };
  ruleTester(helmreleaseDependsOn, {
    valid: [
      base,
      // same namespace without one written; another namespace written out
      { ...base, 'kubernetes/apps/kube-system/hubble/app/helmrelease.yaml': hr('hubble-ui', ['cilium', { name: 'openebs', namespace: 'storage' }]) },
      // the dependency's namespace set by a kustomization: not certain, compared by name
      { ...base, 'kubernetes/apps/default/echo/app/helmrelease.yaml': hr('echo', ['openebs'], 'default'), 'kubernetes/apps/storage/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: storage\nresources:\n  - ./openebs/app/helmrelease.yaml\n' },
      // the release without a namespace (a parent sets it): compared by name
      { ...base, 'kubernetes/apps/default/echo/app/helmrelease.yaml': hr('echo', ['openebs'], '') },
      // a templated dependency, or one a templated HelmRelease name can become
      { ...base, 'kubernetes/apps/default/echo/app/helmrelease.yaml': hr('echo', ['${DEP}']) },
      { ...base, 'kubernetes/apps/default/echo/app/helmrelease.yaml': hr('echo', ['rook-ceph-cluster']), 'kubernetes/apps/rook/app/helmrelease.yaml': hr('${APP}-cluster') },
      // an entry of another kind (newer Flux's cross-kind dependsOn) is not judged; kind: HelmRelease is
      { ...base, 'kubernetes/apps/default/echo/app/helmrelease.yaml': hr('echo', ['cilium']).replace('    - name: cilium\n', '    - kind: Kustomization\n      apiVersion: kustomize.toolkit.fluxcd.io/v1\n      name: storage-config\n') },
      // kustomize renames objects: names as written prove nothing
      { ...base, 'kubernetes/apps/default/echo/app/helmrelease.yaml': hr('echo', ['storage']), 'kubernetes/apps/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: home-\nresources:\n  - ./default/echo/app/helmrelease.yaml\n' },
    ],
    invalid: [
      {
        files: { ...base, 'kubernetes/apps/default/echo/app/helmrelease.yaml': hr('echo', ['cilium', 'openebss']) },
        errors: [{ messageId: 'missingNear', file: 'kubernetes/apps/default/echo/app/helmrelease.yaml', line: 13, column: 13, data: { name: 'echo', dependency: 'openebss', suggestion: 'openebs', lookup: 'kube-system/openebss' } }],
      },
      {
        files: { ...base, 'kubernetes/apps/default/echo/app/helmrelease.yaml': hr('echo', ['longhorn']) },
        errors: [{ messageId: 'missing', line: 12, column: 13, data: { name: 'echo', dependency: 'longhorn', lookup: 'kube-system/longhorn' } }],
      },
      // values with Flux and Helm placeholders (app-template's tpl) do not keep the release from being judged; no namespace known: <namespace>
      {
        files: { ...base, 'kubernetes/apps/default/echo/app/helmrelease.yaml': hr('echo', ['longhorn'], '') + '  values:\n    ingress:\n      host: "{{ .Release.Name }}.${SECRET_DOMAIN}"\n' },
        errors: [{ messageId: 'missing', line: 11, column: 13, data: { name: 'echo', dependency: 'longhorn', lookup: '<namespace>/longhorn' } }],
      },
      {
        files: { ...base, 'kubernetes/apps/default/echo/app/helmrelease.yaml': hr('echo', ['cilium']).replace('    - name: cilium\n', '    - kind: HelmRelease\n      name: cillium\n') },
        errors: [{ messageId: 'missingNear', line: 13, column: 13, data: { dependency: 'cillium', suggestion: 'cilium' } }],
      },
      // a Flux Kustomization named where helm-controller fetches a HelmRelease
      {
        files: { ...base, 'kubernetes/apps/default/echo/app/helmrelease.yaml': hr('echo', ['storage-config']), 'kubernetes/flux/apps/storage-config.yaml': ks('storage-config') },
        errors: [{ messageId: 'kustomization', line: 12, column: 13, data: { name: 'echo', dependency: 'storage-config' } }],
      },
      // both namespaces certain: no namespace on the entry means the release's own (kube-system), the dependency is in storage
      {
        files: { ...base, 'kubernetes/apps/kube-system/hubble/app/helmrelease.yaml': hr('hubble-ui', ['openebs']) },
        errors: [{ messageId: 'otherNamespace', line: 12, column: 13, data: { name: 'hubble-ui', dependency: 'openebs', namespace: 'kube-system', found: 'storage' } }],
      },
      // a namespace written on the entry that is not the dependency's: reported at it
      {
        files: { ...base, 'kubernetes/apps/kube-system/hubble/app/helmrelease.yaml': hr('hubble-ui', [{ name: 'cilium', namespace: 'flux-system' }]) },
        errors: [{ messageId: 'otherNamespace', line: 13, column: 18, data: { dependency: 'cilium', namespace: 'flux-system', found: 'kube-system' } }],
      },
      // a cycle of three (an error), at the entry of each that leads into it; d only depends on the cycle
      {
        files: { 'kubernetes/apps/a/helmrelease.yaml': hr('a', ['d', 'b']), 'kubernetes/apps/b/helmrelease.yaml': hr('b', ['c']), 'kubernetes/apps/c/helmrelease.yaml': hr('c', ['a']), 'kubernetes/apps/d/helmrelease.yaml': hr('d') },
        errors: [
          { messageId: 'cycle', file: 'kubernetes/apps/a/helmrelease.yaml', line: 13, column: 13, data: { name: 'a', dependency: 'b', cycle: 'a → b → c → a' } },
          { messageId: 'cycle', file: 'kubernetes/apps/b/helmrelease.yaml', line: 12, column: 13, data: { name: 'b', dependency: 'c', cycle: 'b → c → a → b' } },
          { messageId: 'cycle', file: 'kubernetes/apps/c/helmrelease.yaml', line: 12, column: 13, data: { name: 'c', dependency: 'a', cycle: 'c → a → b → c' } },
        ],
      },
      { files: { 'kubernetes/apps/a/helmrelease.yaml': hr('a', ['a']) }, errors: [{ messageId: 'cycle', line: 12, column: 13, data: { cycle: 'a → a' } }] },
    ],
  });
  // cycles are errors; a name two HelmReleases share is not followed
  assert.deepEqual(lintRepo({ 'a.yaml': hr('a', ['b']), 'b.yaml': hr('b', ['a']) }, [helmreleaseDependsOn]).map((d) => `${d.messageId}:${d.severity}`), ['cycle:error', 'cycle:error']);
  assert.deepEqual(lintRepo({ 'a.yaml': hr('a', ['b']), 'b.yaml': hr('b', ['a']), 'b2.yaml': hr('b', [], 'other') }, [helmreleaseDependsOn]).map((d) => d.messageId), []);
  // end to end: the whole repository reports it; a run over one file does not (the dependency may sit unread)
  const repo = temp.repo({ ...base, 'kubernetes/apps/default/echo/app/helmrelease.yaml': hr('echo', ['openebss']) });
  const at = (args: string[]) =>
    (JSON.parse(spawnCli(['lint', '--format', 'json', '--no-cache', ...args], { cwd: repo }).stdout) as { diagnostics: Array<{ ruleId: string; file: string; range: { start: { line: number; column: number } } }> }).diagnostics
      .filter((d) => d.ruleId === 'gitops/helmrelease-depends-on')
      .map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column}`);
  assert.deepEqual(at([]), ['kubernetes/apps/default/echo/app/helmrelease.yaml:12:13']);
  assert.deepEqual(at(['kubernetes/apps/default/echo/app/helmrelease.yaml']), []);
});
