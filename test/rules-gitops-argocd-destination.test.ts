/** gitops/argocd-destination: exactly one of destination server and name (Argo CD ValidateDestination). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../src/rules/gitops/argocd-destination.js';
import { runCli } from '../src/testing/cli.js';
import { ruleTester } from '../src/testing/rule-tester.js';
import { tempRepos } from '../src/testing/temp-repos.js';

/** An Application whose `destination:` key sits on line 12, column 3 (its first field on line 13, column 5). */
const app = (destination: string, name = 'web'): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/me/home-ops.git\n    targetRevision: main\n    path: kubernetes/apps/web\n${destination}`;
const appset = (destination: string, extra = ''): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\n  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n    - list:\n        elements: [{ cluster: in-cluster }]\n${extra}  template:\n    metadata:\n      name: '{{.cluster}}-web'\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/me/home-ops.git\n        targetRevision: main\n        path: kubernetes/apps/web\n${destination}`;
const kust = (patch: string): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\npatches:\n  - patch: |\n${patch.split('\n').map((l) => `      ${l}`).join('\n')}\n`;

test('gitops/argocd-destination', () => {
  ruleTester(rule, {
    valid: [
      { 'argocd/web.yaml': app('  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n') },
      { 'argocd/web.yaml': app('  destination:\n    name: in-cluster\n    namespace: web\n') },
      // an empty server next to a name is no server
      { 'argocd/web.yaml': app('  destination:\n    name: in-cluster\n    server: ""\n    namespace: web\n') },
      // templated: may render empty
      { 'argocd/apps.yaml': appset("      destination:\n        name: '{{.cluster}}'\n        server: '{{.server}}'\n        namespace: web\n") },
      // an ApplicationSet templatePatch may set the destination
      { 'argocd/apps.yaml': appset('      destination:\n        namespace: web\n', "  templatePatch: |\n    spec:\n      destination:\n        name: '{{.cluster}}'\n") },
      // a base Application a kustomization's patch completes
      { 'argocd/base/web.yaml': app('  destination:\n    namespace: web\n'), 'argocd/home/kustomization.yaml': kust('apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  destination:\n    name: in-cluster') },
    ],
    invalid: [
      {
        files: { 'argocd/web.yaml': app('  destination:\n    name: in-cluster\n    server: https://kubernetes.default.svc\n    namespace: web\n') },
        errors: [{ messageId: 'both', file: 'argocd/web.yaml', line: 14, column: 5, data: { kind: 'Application', app: 'web', destName: '"in-cluster"', server: '"https://kubernetes.default.svc"' } }],
      },
      { files: { 'argocd/web.yaml': app('  destination:\n    namespace: web\n') }, errors: [{ messageId: 'missing', file: 'argocd/web.yaml', line: 12, column: 3, data: { app: 'web' } }] },
      { files: { 'argocd/web.yaml': app('  destination:\n    server: ""\n    namespace: web\n') }, errors: [{ messageId: 'missing', line: 12, column: 3 }] },
      // no destination at all: at spec
      { files: { 'argocd/web.yaml': app('') }, errors: [{ messageId: 'missing', line: 6, column: 1 }] },
      // an ApplicationSet template
      {
        files: { 'argocd/apps.yaml': appset('      destination:\n        name: in-cluster\n        server: https://kubernetes.default.svc\n        namespace: web\n') },
        errors: [{ messageId: 'both', line: 22, column: 9, data: { kind: 'ApplicationSet', app: 'apps' } }],
      },
      // a kustomization patching only the sources leaves the destination as written
      {
        files: { 'argocd/base/web.yaml': app('  destination:\n    namespace: web\n'), 'argocd/home/kustomization.yaml': kust('apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  source:\n    targetRevision: v2') },
        errors: [{ messageId: 'missing', file: 'argocd/base/web.yaml', line: 12, column: 3 }],
      },
    ],
  });
});

test('talium lint: both destination name and server is an error at server, with name as related location (exit 1)', async (t) => {
  const repos = tempRepos('talium-destination-');
  t.after(repos.cleanup);
  const dir = repos.repo({ 'argocd/web.yaml': app('  destination:\n    name: in-cluster\n    server: https://kubernetes.default.svc\n    namespace: web\n') });
  const r = await runCli(['lint', '--format', 'json', '.'], { cwd: dir });
  assert.equal(r.code, 1);
  const got = JSON.parse(r.stdout).diagnostics.filter((d: { ruleId: string }) => d.ruleId === 'gitops/argocd-destination');
  assert.equal(got.length, 1);
  assert.deepEqual([got[0].messageId, got[0].severity, got[0].range.start, got[0].related[0].range.start], ['both', 'error', { line: 14, column: 5 }, { line: 13, column: 5 }]);
});
