/** gitops/argocd-sync-options: Argo CD sync and compare options it knows (exact string), with "did you mean". */
import { test } from 'node:test';
import rule from '../src/rules/gitops/argocd-sync-options.js';
import { ruleTester } from '../src/testing/rule-tester.js';

/** A Deployment whose sync-options value sits on line 7, column 38; an optional compare-options line 8, column 41. */
const deploy = (opts: string, compare?: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: apps\n  annotations:\n    argocd.argoproj.io/sync-options: ${opts}\n${compare === undefined ? '' : `    argocd.argoproj.io/compare-options: ${compare}\n`}spec:\n  selector:\n    matchLabels: { app: web }\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/example/web:1.0.0\n`;
/** An Application whose syncOptions items start on line 17, column 9. */
const app = (...opts: string[]): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/me/home-ops.git\n    targetRevision: main\n    path: apps/web\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n  syncPolicy:\n    syncOptions:\n${opts.map((o) => `      - ${o}\n`).join('')}`;
/** An ApplicationSet: template sync-options annotation on line 15, column 42; syncOptions item on line 27, column 13. */
const appset = (ann: string, opt: string): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\n  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n    - list:\n        elements: [{ name: web }]\n  template:\n    metadata:\n      name: '{{.name}}'\n      annotations:\n        argocd.argoproj.io/sync-options: ${ann}\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/me/home-ops.git\n        targetRevision: main\n        path: kubernetes/apps/web\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: web\n      syncPolicy:\n        syncOptions:\n          - ${opt}\n`;

test('gitops/argocd-sync-options', () => {
  ruleTester(rule, {
    valid: [
      { 'apps/web.yaml': deploy('SkipDryRunOnMissingResource=true') },
      { 'apps/web.yaml': deploy('"Prune=confirm, Delete=false,ServerSideApply=false, Force=true,Replace=true"', 'IgnoreExtraneous') },
      { 'argocd/web.yaml': app('CreateNamespace=true', 'PrunePropagationPolicy=orphan', 'RespectIgnoreDifferences=true', 'ServerSideApply=true', 'ApplyOutOfSyncOnly=true', 'FailOnSharedResource=true') },
      { 'argocd/web.yaml': appset('PruneLast=true', 'CreateNamespace=true') },
      // templated values are not judged
      { 'apps/web.yaml': deploy('"${SYNC_OPTS}"') },
      { 'argocd/web.yaml': appset("'{{.opts}}'", "'{{.opt}}'") },
    ],
    invalid: [
      // the extra s: the option stays off
      {
        files: { 'apps/web.yaml': deploy('SkipDryRunOnMissingResources=true') },
        errors: [{ messageId: 'unknown', file: 'apps/web.yaml', line: 7, column: 38, data: { kind: 'Deployment', name: 'web', where: 'argocd.argoproj.io/sync-options annotation', value: 'SkipDryRunOnMissingResources=true', suggestion: 'SkipDryRunOnMissingResource=true' } }],
      },
      // one bad entry among good ones; case differs in the key
      { files: { 'apps/web.yaml': deploy('"Prune=false, serverSideApply=true"') }, errors: [{ messageId: 'unknown', line: 7, column: 38, data: { value: 'serverSideApply=true', suggestion: 'ServerSideApply=true' } }] },
      // a known option with a value Argo CD does not read
      { files: { 'apps/web.yaml': deploy('Prune=False') }, errors: [{ messageId: 'badValue', line: 7, column: 38, data: { key: 'Prune', value: 'Prune=False', suggestion: 'Prune=false', known: 'Prune=false, Prune=confirm, Prune=true' } }] },
      { files: { 'apps/web.yaml': deploy('Validate') }, errors: [{ messageId: 'badValue', line: 7, column: 38, data: { key: 'Validate', value: 'Validate' } }] },
      // an Application-only option on a resource
      { files: { 'apps/web.yaml': deploy('CreateNamespace=true') }, errors: [{ messageId: 'appOnly', line: 7, column: 38, data: { key: 'CreateNamespace', value: 'CreateNamespace=true' } }] },
      // nothing near: no suggestion
      { files: { 'apps/web.yaml': deploy('Turbo=on') }, errors: [{ messageId: 'unknown', line: 7, column: 38, data: { value: 'Turbo=on', near: '' } }] },
      // compare options
      { files: { 'apps/web.yaml': deploy('Prune=false', 'IgnoreExtraneus') }, errors: [{ messageId: 'unknown', line: 8, column: 41, data: { where: 'argocd.argoproj.io/compare-options annotation', value: 'IgnoreExtraneus', suggestion: 'IgnoreExtraneous' } }] },
      { files: { 'apps/web.yaml': deploy('Prune=false', 'ServerSideDiff=yes') }, errors: [{ messageId: 'badValue', line: 8, column: 41, data: { key: 'ServerSideDiff', value: 'ServerSideDiff=yes' } }] },
      // an Application's list: at the item
      {
        files: { 'argocd/web.yaml': app('CreateNamespace=true', 'ServerSideApply=True', 'PrunePropagationPolicy=Foreground') },
        errors: [
          { messageId: 'badValue', file: 'argocd/web.yaml', line: 18, column: 9, data: { kind: 'Application', where: 'spec.syncPolicy.syncOptions', key: 'ServerSideApply', value: 'ServerSideApply=True', suggestion: 'ServerSideApply=true' } },
          { messageId: 'badValue', line: 19, column: 9, data: { key: 'PrunePropagationPolicy', suggestion: 'PrunePropagationPolicy=foreground' } },
        ],
      },
      { files: { 'argocd/web.yaml': app('CreateNamespaces=true') }, errors: [{ messageId: 'unknown', line: 17, column: 9, data: { suggestion: 'CreateNamespace=true' } }] },
      // an ApplicationSet's template: its annotation and its syncOptions
      {
        files: { 'argocd/web.yaml': appset('PruneLasst=true', 'CreateNamespce=true') },
        errors: [
          { messageId: 'unknown', line: 15, column: 42, data: { kind: 'ApplicationSet', name: 'apps', suggestion: 'PruneLast=true' } },
          { messageId: 'unknown', line: 27, column: 13, data: { suggestion: 'CreateNamespace=true' } },
        ],
      },
    ],
  });
});
