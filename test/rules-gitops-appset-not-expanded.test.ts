/**
 * gitops/appset-not-expanded: an ApplicationSet whose Applications talium does not compute gets a note saying why
 * (no silent skip); one it expands (none included) gets none.
 */
import { test } from 'node:test';
import appsetNotExpanded from '../src/rules/gitops/appset-not-expanded.js';
import { ruleTester } from '../src/testing/rule-tester.js';

const APPSET = (generators: string, extra = '') =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\n  namespace: argocd\nspec:\n  goTemplate: true\n${extra}  generators:\n${generators}  template:\n    metadata:\n      name: '{{.path.basename}}'\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/me/home.git\n        path: '{{.path.path}}'\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: '{{.path.basename}}'\n`;
const GIT = (path: string) => `    - git:\n        repoURL: https://github.com/me/home.git\n        revision: HEAD\n        directories:\n          - path: ${path}\n`;
const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n';

test('gitops/appset-not-expanded: a note for what talium does not expand, and why', () => {
  ruleTester(appsetNotExpanded, {
    valid: [
      { 'argocd/apps.yaml': APPSET(GIT('apps/*')), 'apps/web/svc.yaml': SVC },
      // expanded into no Application (no folder matches): known, so no note
      { 'argocd/apps.yaml': APPSET(GIT('nothing/*')), 'apps/web/svc.yaml': SVC },
    ],
    invalid: [
      {
        files: { 'argocd/apps.yaml': APPSET('    - pullRequest:\n        github:\n          owner: me\n          repo: home\n'), 'apps/web/svc.yaml': SVC },
        errors: [{ messageId: 'notExpanded', file: 'argocd/apps.yaml', line: 9, column: 5, data: { name: 'apps', reason: 'its pullRequest generator (not expanded, or a parameter set talium cannot know)' } }],
      },
      { files: { 'argocd/apps.yaml': APPSET(GIT('apps/*') + GIT('infra/*')), 'apps/web/svc.yaml': SVC }, errors: [{ messageId: 'notExpanded', line: 9, column: 5, data: { reason: '2 generators (talium follows an ApplicationSet of one)' } }] },
      { files: { 'argocd/apps.yaml': APPSET(GIT('apps/*'), '  templatePatch: |\n    spec: {}\n'), 'apps/web/svc.yaml': SVC }, errors: [{ messageId: 'notExpanded', line: 11, column: 5, data: { reason: 'a templatePatch' } }] },
      // a templated path: the folders it lists are not known
      { files: { 'argocd/apps.yaml': APPSET(GIT("'{{.env}}/*'")), 'apps/web/svc.yaml': SVC }, errors: [{ messageId: 'notExpanded', line: 9, column: 5, data: { reason: 'its git generator (not expanded, or a parameter set talium cannot know)' } }] },
    ],
  });
});
