/** gitops/argocd-value-file: `$ref/` Helm value files of Argo CD multi-source Applications resolve. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../src/rules/gitops/argocd-value-file.js';
import { runCli } from '../src/testing/cli.js';
import { ruleTester } from '../src/testing/rule-tester.js';
import { tempRepos } from '../src/testing/temp-repos.js';

/** A Cilium Application whose first value file entry sits on line 14, column 13. */
const app = (valueFiles: string[], opts: { ref?: string; repo?: string; helm?: string; chart?: boolean } = {}): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  sources:\n    - repoURL: ${opts.chart === false ? 'https://github.com/me/charts.git\n      path: charts/cilium' : 'https://helm.cilium.io/\n      chart: cilium'}\n      targetRevision: 1.20.1\n      helm:\n        valueFiles:\n${valueFiles.map((f) => `          - ${f}\n`).join('')}${opts.helm ?? ''}    - repoURL: ${opts.repo ?? 'https://github.com/me/home-ops.git'}\n      targetRevision: main\n      ref: ${opts.ref ?? 'values'}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n`;
const values = 'kubeProxyReplacement: true\n';
const spec = 'versions: { talos: 1.14.1, kubernetes: 1.36.0, cilium: 1.20.1 }\ngitops: { engine: argocd, repository: git@github.com:me/home-ops.git }\nlan: { cidr: 10.50.0.0/24, gateway: 10.50.0.1 }\nnodes:\n  - { name: cp-1, role: controlplane, address: 10.50.0.11, nic: enp1s0 }\npools:\n  - { name: default, blocks: [10.50.0.200-10.50.0.239] }\n';
/** An ApplicationSet of a Git folder, Go-templated (what marks its file templated). */
const APPSET =
  "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\n  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n    - list:\n        elements: [{ name: web }]\n  template:\n    metadata:\n      name: '{{.name}}'\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/me/home-ops.git\n        targetRevision: main\n        path: 'kubernetes/apps/{{.name}}'\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: web\n";
const here = { 'kubernetes/cilium/values.yaml': values, 'kubernetes/cilium/values-home.yaml': values };

test('gitops/argocd-value-file', () => {
  ruleTester(rule, {
    valid: [
      { ...here, 'argocd/cilium.yaml': app(['$values/kubernetes/cilium/values.yaml', '$values/kubernetes/cilium/values-home.yaml']) },
      // `./` and `a/../b` resolve as paths
      { ...here, 'argocd/cilium.yaml': app(['$values/./kubernetes/cilium/../cilium/values.yaml']) },
      // an empty file holds no document, and still exists
      { 'kubernetes/cilium/values.yaml': '', 'argocd/cilium.yaml': app(['$values/kubernetes/cilium/values.yaml']) },
      // another repository: its files are not in this tree
      { ...here, 'argocd/cilium.yaml': app(['$values/cilium/prod.yaml'], { repo: 'https://github.com/someone/else.git' }) },
      // ignoreMissingValueFiles, globs, environment variables, templates
      { ...here, 'argocd/cilium.yaml': app(['$values/kubernetes/cilium/values.yaml', '$values/kubernetes/cilium/optional.yaml'], { helm: '        ignoreMissingValueFiles: true\n' }) },
      { ...here, 'argocd/cilium.yaml': app(['$values/kubernetes/cilium/values.yaml', '$values/kubernetes/cilium/*.yaml', '$values/kubernetes/$ARGOCD_APP_NAME/values.yaml', "'$values/kubernetes/{{.name}}/values.yaml'"]) },
      // a value file without $ref is the chart's own; an unknown ref of a Git chart source may resolve in that checkout
      { ...here, 'argocd/cilium.yaml': app(['$values/kubernetes/cilium/values.yaml', 'values-prod.yaml']) },
      { ...here, 'argocd/cilium.yaml': app(['$values/kubernetes/cilium/values.yaml', '$other/kubernetes/cilium/values.yaml'], { chart: false }) },
    ],
    invalid: [
      // a typo of a file of the folder
      {
        files: { ...here, 'argocd/cilium.yaml': app(['$values/kubernetes/cilium/values.yaml', '$values/kubernetes/cilium/values-hmoe.yaml']) },
        errors: [{ messageId: 'missingNear', file: 'argocd/cilium.yaml', line: 15, column: 13, data: { path: 'kubernetes/cilium/values-hmoe.yaml', suggestion: 'kubernetes/cilium/values-home.yaml', app: 'cilium', kind: 'Application' } }],
      },
      // this repository by the cluster.yaml's gitops.repository (scp-like form of the same URL); nothing close
      {
        files: { ...here, 'clusters/home/cluster.yaml': spec, 'argocd/cilium.yaml': app(['$values/kubernetes/network/cilium.yaml']) },
        errors: [{ messageId: 'missing', line: 14, column: 13, data: { path: 'kubernetes/network/cilium.yaml' } }],
      },
      // a ref no source has, on a Helm repository chart
      {
        files: { ...here, 'argocd/cilium.yaml': app(['$value/kubernetes/cilium/values.yaml']) },
        errors: [{ messageId: 'unknownRef', line: 14, column: 13, data: { ref: 'value', refs: 'its refs: "values"' } }],
      },
      // a plain Application in the file of a templated ApplicationSet: templated-ness is the document's, not the file's
      {
        files: { ...here, 'argocd/cilium.yaml': `${app(['$values/kubernetes/cilium/value.yaml'])}---\n${APPSET}` },
        errors: [{ messageId: 'missingNear', file: 'argocd/cilium.yaml', line: 14, column: 13, data: { path: 'kubernetes/cilium/value.yaml', suggestion: 'kubernetes/cilium/values.yaml', app: 'cilium', kind: 'Application' } }],
      },
    ],
  });
});

test('talium lint: a missing $values file of an Argo CD Application is an error (exit 1); not judged on part of the tree', async (t) => {
  const repos = tempRepos('talium-value-file-');
  t.after(repos.cleanup);
  const dir = repos.repo({ ...here, 'argocd/cilium.yaml': app(['$values/kubernetes/cilium/values.yaml', '$values/kubernetes/cilium/production-overrides.yaml']) });
  const r = await runCli(['lint', '--format', 'json', '.'], { cwd: dir });
  assert.equal(r.code, 1);
  const got = JSON.parse(r.stdout).diagnostics.filter((d: { ruleId: string }) => d.ruleId === 'gitops/argocd-value-file');
  assert.deepEqual(got.map((d: { messageId: string; file: string; range: { start: { line: number; column: number } } }) => [d.messageId, d.file, d.range.start.line, d.range.start.column]), [['missing', 'argocd/cilium.yaml', 15, 13]]);
  const part = await runCli(['lint', '--format', 'json', 'argocd'], { cwd: dir });
  assert.deepEqual(JSON.parse(part.stdout).diagnostics.filter((d: { ruleId: string }) => d.ruleId === 'gitops/argocd-value-file'), []);
});

test('gitops/argocd-value-file: a value file without $ref/ is relative to the source path of a chart folder of this repository', () => {
  /** One Git source rendering charts/whoami; the first value file entry sits on line 14, column 11. */
  const one = (files: string[], repo = 'https://github.com/me/home-ops.git', path = 'charts/whoami'): string =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: whoami\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: ${repo}\n    targetRevision: main\n    path: ${path}\n    helm:\n      valueFiles:\n${files.map((f) => `        - ${f}\n`).join('')}  destination:\n    server: https://kubernetes.default.svc\n    namespace: whoami\n`;
  const chart = { 'charts/whoami/Chart.yaml': 'apiVersion: v2\nname: whoami\nversion: 0.1.0\n', 'charts/whoami/values.yaml': 'replicas: 1\n', 'charts/whoami/values-home.yaml': 'replicas: 2\n', 'charts/common.yaml': 'a: 1\n' };
  ruleTester(rule, {
    valid: [
      { ...chart, 'argocd/whoami.yaml': one(['values.yaml', 'values-home.yaml', '../common.yaml', './values.yaml']) },
      // another repository's chart; a URL; a templated path; an optional file
      { ...chart, 'argocd/whoami.yaml': one(['values-hom.yaml'], 'https://github.com/someone/charts.git', 'charts/other') },
      { ...chart, 'argocd/whoami.yaml': one(['https://example.com/values.yaml']) },
      { ...chart, 'argocd/whoami.yaml': one(['values-hom.yaml']).replace('      valueFiles:', '      ignoreMissingValueFiles: true\n      valueFiles:') },
    ],
    invalid: [
      {
        files: { ...chart, 'argocd/whoami.yaml': one(['values-hom.yaml', '../shared/common.yaml']) },
        errors: [
          { messageId: 'missingNear', file: 'argocd/whoami.yaml', line: 14, column: 11, data: { file: 'values-hom.yaml', path: 'charts/whoami/values-hom.yaml', suggestion: 'charts/whoami/values-home.yaml' } },
          { messageId: 'missing', file: 'argocd/whoami.yaml', line: 15, column: 11, data: { file: '../shared/common.yaml', path: 'charts/shared/common.yaml' } },
        ],
      },
    ],
  });
});
