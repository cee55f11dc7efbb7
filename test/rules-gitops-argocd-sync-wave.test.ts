/** gitops/argocd-sync-wave: sync waves Argo CD can read (strconv.Atoi), and the wave talium assumes otherwise. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../src/rules/gitops/argocd-sync-wave.js';
import { isSyncWave, syncWave } from '../src/rules/gitops/lib/flux.js';
import { parseRepo, ruleTester } from '../src/testing/rule-tester.js';

/** A ConfigMap whose sync-wave value sits on line 7, column 35. */
const cm = (wave: string, extra = ''): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\n  annotations:\n    argocd.argoproj.io/sync-wave: ${wave}\n${extra}data:\n  mode: fast\n`;
const appset = (wave: string): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\n  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n    - list:\n        elements: [{ name: web }]\n  template:\n    metadata:\n      name: '{{.name}}'\n      annotations:\n        argocd.argoproj.io/sync-wave: ${wave}\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/me/home-ops.git\n        targetRevision: main\n        path: kubernetes/apps/web\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: web\n`;

test('isSyncWave / syncWave: what strconv.Atoi reads, 0 otherwise', () => {
  for (const ok of ['0', '5', '-1', '+3', '007']) assert.equal(isSyncWave(ok), true, ok);
  for (const bad of ['', 'first', '1.5', ' 2', '2 ', '1_000', '0x10', '1e2', '--1']) assert.equal(isSyncWave(bad), false, bad);
  const wave = (w: string) => syncWave(parseRepo({ 'a.yaml': cm(w) })[0]!);
  assert.equal(wave('"-1"'), -1);
  assert.equal(wave('"+3"'), 3);
  // Argo CD falls back to wave 0 where Atoi fails (Number() read 1.5 and 16 here before)
  assert.equal(wave('"1.5"'), 0);
  assert.equal(wave('"0x10"'), 0);
  assert.equal(wave('"first"'), 0);
});

test('gitops/argocd-sync-wave', () => {
  ruleTester(rule, {
    valid: [
      { 'apps/settings.yaml': cm('"-1"') },
      { 'apps/settings.yaml': cm('"10"') },
      // an unquoted number is schema/type's (annotations are strings)
      { 'apps/settings.yaml': cm('5') },
      // templated values
      { 'apps/settings.yaml': cm('"${WAVE}"') },
      { 'argocd/apps.yaml': appset("'{{.wave}}'") },
      { 'argocd/apps.yaml': appset('"2"') },
    ],
    invalid: [
      { files: { 'apps/settings.yaml': cm('"first"') }, errors: [{ messageId: 'notInteger', file: 'apps/settings.yaml', line: 7, column: 35, data: { kind: 'ConfigMap', name: 'settings', value: '"first"', hook: '' } }] },
      { files: { 'apps/settings.yaml': cm('"1.5"') }, errors: [{ messageId: 'notInteger', line: 7, column: 35, data: { value: '"1.5"' } }] },
      { files: { 'apps/settings.yaml': cm("' 2'", '    helm.sh/hook-weight: "3"\n') }, errors: [{ messageId: 'notInteger', line: 7, column: 35, data: { hook: ' (or its Helm hook weight)' } }] },
      // an ApplicationSet's template (the file is Go-templated elsewhere)
      { files: { 'argocd/apps.yaml': appset('"last"') }, errors: [{ messageId: 'notInteger', file: 'argocd/apps.yaml', line: 15, column: 39, data: { kind: 'ApplicationSet', name: 'apps' } }] },
    ],
  });
});
