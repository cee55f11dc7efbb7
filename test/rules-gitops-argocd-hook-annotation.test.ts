/** gitops/argocd-hook-annotation: Argo CD hook types and delete policies it knows (exact case), with "did you mean". */
import { test } from 'node:test';
import rule from '../src/rules/gitops/argocd-hook-annotation.js';
import { ruleTester } from '../src/testing/rule-tester.js';

/** A Job whose hook value sits on line 7, column 30, its delete policy on line 8, column 44 (after `extra`). */
const job = (hook: string, policy = 'HookSucceeded', extra = ''): string =>
  `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: db-migrate\n  namespace: apps\n  annotations:\n    argocd.argoproj.io/hook: ${hook}\n    argocd.argoproj.io/hook-delete-policy: ${policy}\n${extra}spec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: ghcr.io/example/migrate:1.0.0\n`;
const appset = (hook: string): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\n  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n    - list:\n        elements: [{ name: web }]\n  template:\n    metadata:\n      name: '{{.name}}'\n      annotations:\n        argocd.argoproj.io/hook: ${hook}\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/me/home-ops.git\n        targetRevision: main\n        path: kubernetes/apps/web\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: web\n`;

test('gitops/argocd-hook-annotation', () => {
  ruleTester(rule, {
    valid: [
      { 'apps/job.yaml': job('PreSync') },
      { 'apps/job.yaml': job('PreSync, PostSync', 'BeforeHookCreation,HookSucceeded') },
      { 'apps/job.yaml': job('Skip', 'HookFailed') },
      { 'apps/job.yaml': job('PostDelete') },
      // templated values are not judged
      { 'apps/job.yaml': job('"${HOOK}"') },
      { 'argocd/apps.yaml': appset("'{{.hook}}'") },
      { 'argocd/apps.yaml': appset('Sync') },
    ],
    invalid: [
      // the only type is unknown: a hook run in no phase, never applied
      {
        files: { 'apps/job.yaml': job('Presync') },
        errors: [{ messageId: 'hookNeverApplied', file: 'apps/job.yaml', line: 7, column: 30, data: { kind: 'Job', name: 'db-migrate', annotation: 'argocd.argoproj.io/hook', value: 'Presync', suggestion: 'PreSync', kept: '' } }],
      },
      // one of two entries: dropped, the other kept
      { files: { 'apps/job.yaml': job('PreSync,postsync') }, errors: [{ messageId: 'hookIgnored', line: 7, column: 30, data: { value: 'postsync', suggestion: 'PostSync', kept: 'PreSync' } }] },
      // Argo CD reads the Helm hook when no Argo CD type is known
      {
        files: { 'apps/job.yaml': job('pre-sync', 'HookSucceeded', '    helm.sh/hook: pre-install\n') },
        errors: [{ messageId: 'hookIgnored', line: 7, column: 30, data: { value: 'pre-sync', suggestion: 'PreSync', kept: 'its helm.sh/hook annotation ("pre-install")' } }],
      },
      // no near name: no suggestion
      { files: { 'apps/job.yaml': job('Later') }, errors: [{ messageId: 'hookNeverApplied', line: 7, column: 30, data: { value: 'Later', near: '' } }] },
      // delete policies: a typo falls back to the default, beside a known one it is dropped
      {
        files: { 'apps/job.yaml': job('PreSync', 'HookSucceded') },
        errors: [{ messageId: 'deletePolicyDefault', file: 'apps/job.yaml', line: 8, column: 44, data: { annotation: 'argocd.argoproj.io/hook-delete-policy', value: 'HookSucceded', suggestion: 'HookSucceeded', kept: '' } }],
      },
      { files: { 'apps/job.yaml': job('PreSync', '"HookFailed, beforehookcreation"') }, errors: [{ messageId: 'deletePolicyIgnored', line: 8, column: 44, data: { value: 'beforehookcreation', suggestion: 'BeforeHookCreation', kept: 'HookFailed' } }] },
      // an ApplicationSet's template (the file is Go-templated elsewhere)
      { files: { 'argocd/apps.yaml': appset('Postsync') }, errors: [{ messageId: 'hookNeverApplied', file: 'argocd/apps.yaml', line: 15, column: 34, data: { kind: 'ApplicationSet', name: 'apps', suggestion: 'PostSync' } }] },
    ],
  });
});
