/** gitops/argocd-application-path: Argo CD source paths of this repository name an existing folder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoKey } from '../src/plan/helm-layers.js';
import rule from '../src/rules/gitops/argocd-application-path.js';
import { runCli } from '../src/testing/cli.js';
import { ruleTester } from '../src/testing/rule-tester.js';
import { tempRepos } from '../src/testing/temp-repos.js';

/** An Application whose `path:` value sits on line 11, column 11. */
const app = (name: string, path: string, repo = 'https://github.com/me/home-ops.git'): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: ${repo}\n    targetRevision: main\n    path: ${path}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ${name}\n`;
const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n';
const spec = (repo: string): string =>
  `versions: { talos: 1.14.1, kubernetes: 1.36.0, cilium: 1.20.1 }\ngitops: { engine: argocd, repository: ${repo} }\nlan: { cidr: 10.50.0.0/24, gateway: 10.50.0.1 }\nnodes:\n  - { name: cp-1, role: controlplane, address: 10.50.0.11, nic: enp1s0 }\npools:\n  - { name: default, blocks: [10.50.0.200-10.50.0.239] }\n`;
const appset = (path: string): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\n  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n    - list:\n        elements: [{ name: web }]\n  template:\n    metadata:\n      name: '{{.name}}'\n    spec:\n      project: default\n      source:\n        repoURL: git@github.com:me/home-ops.git\n        targetRevision: main\n        path: ${path}\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: web\n`;

test('repoKey compares repository URLs as Argo CD tells them apart', () => {
  const k = 'github.com/me/home-ops';
  for (const u of ['https://github.com/me/home-ops.git', 'https://github.com/Me/home-ops/', 'git@github.com:me/home-ops.git', 'ssh://git@github.com/me/home-ops.git', 'ssh://git@github.com:22/me/home-ops']) assert.equal(repoKey(u), k, u);
  assert.notEqual(repoKey('https://github.com/me/other.git'), k);
  assert.equal(repoKey('{{.repo}}'), undefined);
  assert.equal(repoKey(42), undefined);
});

test('gitops/argocd-application-path', () => {
  const files = { 'kubernetes/apps/web/service.yaml': svc, 'kubernetes/apps/echo/service.yaml': svc };
  ruleTester(rule, {
    valid: [
      { ...files, 'argocd/web.yaml': app('web', 'kubernetes/apps/web'), 'argocd/echo.yaml': app('echo', './kubernetes/apps/echo/') },
      // another repository's folder: not judged
      { ...files, 'argocd/web.yaml': app('web', 'kubernetes/app/web', 'https://github.com/someone/else.git'), 'argocd/echo.yaml': app('echo', 'kubernetes/apps/echo') },
      // nothing says the repoURL is this repository
      { ...files, 'argocd/web.yaml': app('web', 'kubernetes/app/web') },
      // the root, and a path above it (Argo CD refuses it, another rule's business)
      { ...files, 'clusters/home/cluster.yaml': spec('https://github.com/me/home-ops.git'), 'argocd/web.yaml': app('web', '.'), 'argocd/echo.yaml': app('echo', '../kubernetes/app/echo') },
      // no existing folder close to it (a Jsonnet folder talium does not read, perhaps)
      { ...files, 'clusters/home/cluster.yaml': spec('https://github.com/me/home-ops.git'), 'argocd/web.yaml': app('web', 'kubernetes/apps/grafana-dashboards') },
      // a templated ApplicationSet path
      { ...files, 'clusters/home/cluster.yaml': spec('https://github.com/me/home-ops.git'), 'argocd/apps.yaml': appset("'kubernetes/apps/{{.name}}'") },
    ],
    invalid: [
      // the repository talium's cluster.yaml names (the scp-like form of the same URL)
      {
        files: { ...files, 'clusters/home/cluster.yaml': spec('ssh://git@github.com/me/home-ops.git'), 'argocd/web.yaml': app('web', 'kubernetes/app/web') },
        errors: [{ messageId: 'missingNear', file: 'argocd/web.yaml', line: 11, column: 11, data: { name: 'web', kind: 'Application', path: 'kubernetes/app/web', suggestion: 'kubernetes/apps/web' } }],
      },
      // another Application of the same repoURL renders an existing folder
      {
        files: { ...files, 'argocd/web.yaml': app('web', 'kubernetes/apps/wbe'), 'argocd/echo.yaml': app('echo', 'kubernetes/apps/echo') },
        errors: [{ messageId: 'missingNear', file: 'argocd/web.yaml', line: 11, column: 11, data: { path: 'kubernetes/apps/wbe', suggestion: 'kubernetes/apps/web' } }],
      },
      // this repository is the one a multi-source `ref:` reads an existing values file from
      {
        files: {
          ...files,
          'kubernetes/cilium/values.yaml': 'kubeProxyReplacement: true\n',
          'argocd/cilium.yaml':
            'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  sources:\n    - repoURL: https://helm.cilium.io/\n      chart: cilium\n      targetRevision: 1.20.1\n      helm:\n        valueFiles: [$values/kubernetes/cilium/values.yaml]\n    - repoURL: https://github.com/me/home-ops\n      ref: values\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n',
          'argocd/web.yaml': app('web', 'kubernetes/apps/wbe'),
        },
        errors: [{ messageId: 'missingNear', file: 'argocd/web.yaml', line: 11, column: 11, data: { suggestion: 'kubernetes/apps/web' } }],
      },
      // an ApplicationSet template
      {
        files: { ...files, 'clusters/home/cluster.yaml': spec('https://github.com/me/home-ops.git'), 'argocd/apps.yaml': appset('kubernetes/apps/ehco') },
        errors: [{ messageId: 'missingNear', file: 'argocd/apps.yaml', line: 19, column: 15, data: { kind: 'ApplicationSet', name: 'apps', suggestion: 'kubernetes/apps/echo' } }],
      },
      // a plain Application in the file of a templated ApplicationSet: templated-ness is the document's, not the file's
      {
        files: { ...files, 'clusters/home/cluster.yaml': spec('https://github.com/me/home-ops.git'), 'argocd/apps.yaml': `${app('web', 'kubernetes/app/web')}---\n${appset("'kubernetes/apps/{{.name}}'")}` },
        errors: [{ messageId: 'missingNear', file: 'argocd/apps.yaml', line: 11, column: 11, data: { kind: 'Application', name: 'web', suggestion: 'kubernetes/apps/web' } }],
      },
    ],
  });
});

test('talium lint: a source path the checkout has no folder for at all is reported, a folder of other files is not', async (t) => {
  const repos = tempRepos('talium-app-path-');
  t.after(repos.cleanup);
  const dir = repos.repo({
    'clusters/home/cluster.yaml': spec('https://github.com/me/home-ops.git'),
    'kubernetes/apps/web/service.yaml': svc,
    'argocd/web.yaml': app('web', 'kubernetes/apps/web'),
    // nothing at all, and nothing close: Argo CD cannot find it
    'argocd/grafana.yaml': app('grafana', 'kubernetes/monitoring/grafana'),
    // a folder of Jsonnet only: Argo CD renders it, talium does not read it
    'argocd/dash.yaml': app('dash', 'kubernetes/dashboards'),
    'kubernetes/dashboards/main.jsonnet': '{}\n',
    // a gitignored folder is not in the clone Argo CD makes
    'argocd/local.yaml': app('local', 'scratch/local'),
    'scratch/local/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
    '.gitignore': 'scratch/\n',
  });
  mkdirSync(join(dir, 'kubernetes/empty'));
  writeFileSync(join(dir, 'argocd/empty.yaml'), app('empty', 'kubernetes/empty'));
  const r = await runCli(['lint', '--format', 'json', '.'], { cwd: dir });
  const got = JSON.parse(r.stdout).diagnostics.filter((d: { ruleId: string }) => d.ruleId === 'gitops/argocd-application-path');
  assert.deepEqual(
    got.map((d: { messageId: string; file: string; range: { start: { line: number; column: number } }; data: { path: string } }) => [d.messageId, d.file, d.range.start.line, d.range.start.column, d.data.path]),
    [
      ['missing', 'argocd/grafana.yaml', 11, 11, 'kubernetes/monitoring/grafana'],
      ['missing', 'argocd/local.yaml', 11, 11, 'scratch/local'],
    ],
  );
  // linting one folder still reads the root whole: the same findings for that folder
  const part = await runCli(['lint', '--format', 'json', 'argocd'], { cwd: dir });
  assert.equal(JSON.parse(part.stdout).diagnostics.filter((d: { ruleId: string }) => d.ruleId === 'gitops/argocd-application-path').length, 2);
});

test('talium lint: an ApplicationSet git directories glob that matches no folder is reported (it generates nothing)', async (t) => {
  const repos = tempRepos('talium-appset-dirs-');
  t.after(repos.cleanup);
  /** An ApplicationSet whose first `directories` entry's path value sits on line 13, column 19 (`nest` moves it). */
  const set = (name: string, dirs: string[], nest = false): string => {
    const git = `git:\n        repoURL: https://github.com/me/home-ops.git\n        revision: main\n        directories:\n${dirs.map((d) => `          - path: ${d}\n`).join('')}`;
    const gen = nest ? `    - matrix:\n        generators:\n          - list:\n              elements: [{ env: home }]\n          - ${git.replace(/\n {8}/g, '\n              ')}` : `    - ${git}`;
    return `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n${gen}  template:\n    metadata:\n      name: '{{.path.basename}}'\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/me/home-ops.git\n        targetRevision: main\n        path: '{{.path.path}}'\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: '{{.path.basename}}'\n`;
  };
  const dir = repos.repo({
    'clusters/home/cluster.yaml': spec('https://github.com/me/home-ops.git'),
    'apps/web/service.yaml': svc,
    'apps/echo/service.yaml': svc,
    'dashboards/main/main.jsonnet': '{}\n',
    // matches: apps/web and apps/echo; an exclude entry is never judged; a folder of Jsonnet only is a folder
    'argocd/apps.yaml': set('apps', ['apps/*', 'apps/none', 'dashboards/*'].map((p, i) => (i === 1 ? `${p}\n            exclude: true` : p))),
    // a templated glob, and one with `**`: not judged
    'argocd/templated.yaml': set('templated', ["'{{.env}}/*'", 'nowhere/**']),
    // the typo: nothing matches (a suggestion), and a folder that does not exist at all (none)
    'argocd/typo.yaml': set('typo', ['app/*', 'monitoring/*']),
    'argocd/matrix.yaml': set('matrix', ['aps/*'], true),
  });
  const r = await runCli(['lint', '--format', 'json', '.'], { cwd: dir });
  const got = JSON.parse(r.stdout).diagnostics.filter((d: { ruleId: string }) => d.ruleId === 'gitops/argocd-application-path');
  assert.deepEqual(
    got.map((d: { messageId: string; file: string; range: { start: { line: number; column: number } }; data: { path: string; suggestion?: string } }) => [d.messageId, d.file, d.range.start.line, d.range.start.column, d.data.path, d.data.suggestion]),
    [
      ['generatorNoMatch', 'argocd/matrix.yaml', 17, 25, 'aps/*', 'apps/*'],
      ['generatorNoMatch', 'argocd/typo.yaml', 13, 19, 'app/*', 'apps/*'],
      ['generatorNoMatch', 'argocd/typo.yaml', 14, 19, 'monitoring/*', undefined],
    ],
  );
});
