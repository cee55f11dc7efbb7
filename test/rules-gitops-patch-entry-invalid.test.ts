/**
 * gitops/patch-entry-invalid (a `patches` entry kustomize rejects as written): talium's verdict compared with the real
 * `kubectl kustomize` on the same layouts, where the finding sits, and the Flux and Argo CD forms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import patchEntryInvalid from '../src/rules/gitops/patch-entry-invalid.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { agreesWithKubectl, hasKubectl, KUBECTL_ABSENT } from '../src/testing/kubectl-kustomize.js';

const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n${body}`;
const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  a: "1"\n';
const JSON_OPS = '      - op: replace\n        path: /data/a\n        value: "2"\n';
const SMP = (key: string) => `      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: web\n      data:\n        ${key}: "2"\n`;
const TARGET = '    target:\n      kind: ConfigMap\n      name: web\n';
const FILE_SMP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  c: "3"\n';

const LAYOUTS: Array<{ name: string; fails: boolean; body: string; extra?: Record<string, string> }> = [
  { name: 'a JSON6902 patch with a target', fails: false, body: `patches:\n  - patch: |\n${JSON_OPS}${TARGET}` },
  { name: 'a JSON6902 patch without target', fails: true, body: `patches:\n  - patch: |\n${JSON_OPS}` },
  { name: 'a JSON6902 patch written as JSON, without target', fails: true, body: 'patches:\n  - patch: \'[{"op": "replace", "path": "/data/a", "value": "2"}]\'\n' },
  { name: 'a strategic-merge patch without target', fails: false, body: `patches:\n  - patch: |\n${SMP('b')}` },
  { name: 'a strategic-merge patch with a target', fails: false, body: `patches:\n  - patch: |\n${SMP('b')}${TARGET}` },
  { name: 'two strategic-merge patches without target', fails: false, body: `patches:\n  - patch: |\n${SMP('b')}      ---\n${SMP('c')}` },
  { name: 'two strategic-merge patches with a target', fails: true, body: `patches:\n  - patch: |\n${SMP('b')}      ---\n${SMP('c')}${TARGET}` },
  { name: 'both patch and path', fails: true, body: `patches:\n  - path: p.yaml\n    patch: |\n${SMP('b')}`, extra: { 'app/p.yaml': FILE_SMP } },
  { name: 'a path only', fails: false, body: 'patches:\n  - path: p.yaml\n', extra: { 'app/p.yaml': FILE_SMP } },
  { name: 'a target only', fails: true, body: `patches:\n  -${TARGET.slice(3)}` },
  { name: 'an empty patch', fails: true, body: 'patches:\n  - patch: ""\n' },
];

const PATCH_ERROR = /patch and path can't be set|must specify one of patch and path|must specify a target for JSON patch|Multiple Strategic-Merge Patches in one `patches` entry/;

const filesOf = (l: (typeof LAYOUTS)[number]): Record<string, string> => ({ 'app/kustomization.yaml': K(l.body), 'app/cm.yaml': CM, ...(l.extra ?? {}) });

test('gitops/patch-entry-invalid: talium agrees with kubectl kustomize on every layout', (t) => {
  if (!hasKubectl) t.skip(KUBECTL_ABSENT);
  agreesWithKubectl(LAYOUTS.map((l) => ({ name: l.name, fails: l.fails, files: filesOf(l) })), (files) => lintRepo(files, [patchEntryInvalid]), PATCH_ERROR);
});

const FLUX_KS = (apiVersion: string, patches: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/${apiVersion}\nkind: Kustomization\nmetadata:\n  name: app\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./app\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  ${patches.replace(/\n(?=.)/g, '\n  ')}`;
const ARGO_APP = (patches: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n  source:\n    repoURL: https://github.com/me/home.git\n    path: app\n    kustomize:\n      ${patches.replace(/\n(?=.)/g, '\n      ')}`;

test('gitops/patch-entry-invalid: where the finding sits, and what it says', () => {
  ruleTester(patchEntryInvalid, {
    valid: [
      filesOf(LAYOUTS[0]!),
      filesOf(LAYOUTS[5]!),
      // a templated patch is not read
      { 'app/kustomization.yaml': K('patches:\n  - patch: |\n      - op: replace\n        path: /data/a\n        value: ${VALUE}\n'), 'app/cm.yaml': CM },
      // Flux 0.x (v1beta2 API, Flux 0.41 stated) gave a target-less entry `target: {}`: not this rule's
      { 'clusters/home/app.yaml': FLUX_KS('v1beta2', `patches:\n  - patch: |\n${JSON_OPS}`), 'clusters/home/flux-system/gotk-components.yaml': '# Flux Version: v0.41.2\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n' },
    ],
    invalid: [
      { files: filesOf(LAYOUTS[1]!), errors: [{ messageId: 'jsonWithoutTarget', file: 'app/kustomization.yaml', line: 6, column: 12 }] },
      { files: filesOf(LAYOUTS[2]!), errors: [{ messageId: 'jsonWithoutTarget', line: 6, column: 12 }] },
      { files: filesOf(LAYOUTS[6]!), errors: [{ messageId: 'manySmpWithTarget', line: 21, column: 7, data: { count: '2' } }] },
      { files: filesOf(LAYOUTS[7]!), errors: [{ messageId: 'patchAndPath', line: 6, column: 11 }] },
      { files: filesOf(LAYOUTS[9]!), errors: [{ messageId: 'noPatch', line: 6, column: 5 }] },
      { files: filesOf(LAYOUTS[10]!), errors: [{ messageId: 'noPatch', line: 6, column: 5 }] },
      // Flux 2 (the v1 API) passes no target: the same failure, at the Flux Kustomization's entry
      { files: { 'clusters/home/app.yaml': FLUX_KS('v1', `patches:\n  - patch: |\n${JSON_OPS}`) }, errors: [{ messageId: 'jsonWithoutTarget', file: 'clusters/home/app.yaml', line: 14, column: 14 }] },
      // an Argo CD source's kustomize.patches
      { files: { 'argocd/app.yaml': ARGO_APP(`patches:\n  - patch: |\n${SMP('b')}      ---\n${SMP('c')}    target:\n      kind: ConfigMap\n`) }, errors: [{ messageId: 'manySmpWithTarget', file: 'argocd/app.yaml', line: 30, column: 13, data: { count: '2' } }] },
    ],
  });
});
