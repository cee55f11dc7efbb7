/**
 * gitops/kustomization-entry-kind (a kustomization entry of the wrong kind for its list): talium's verdict compared
 * with the real `kubectl kustomize` on the same layouts, and where the finding sits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kustomizationEntryKind from '../src/rules/gitops/kustomization-entry-kind.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { agreesWithKubectl, hasKubectl, KUBECTL_ABSENT } from '../src/testing/kubectl-kustomize.js';

const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const COMPONENT = (body: string) => `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${body}`;
const CM = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const RES = (...entries: string[]) => `resources:\n${entries.map((e) => `  - ${e}\n`).join('')}`;

const LAYOUTS: Array<{ name: string; fails: boolean; files: Record<string, string> }> = [
  // 0-6: resource files
  { name: 'objects', fails: false, files: { 'app/kustomization.yaml': K(RES('cm.yaml')), 'app/cm.yaml': CM('a') } },
  { name: 'Helm values listed as a resource', fails: true, files: { 'app/kustomization.yaml': K(RES('cm.yaml', 'values.yaml')), 'app/cm.yaml': CM('a'), 'app/values.yaml': 'replicaCount: 2\nimage:\n  tag: "1.0"\n' } },
  { name: 'an object without metadata.name', fails: true, files: { 'app/kustomization.yaml': K(RES('cm.yaml')), 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: "1"\n' } },
  { name: 'a second document without kind', fails: true, files: { 'app/kustomization.yaml': K(RES('cm.yaml')), 'app/cm.yaml': `${CM('a')}---\napiVersion: v1\nmetadata:\n  name: b\n` } },
  { name: 'empty documents around an object', fails: false, files: { 'app/kustomization.yaml': K(RES('cm.yaml')), 'app/cm.yaml': `---\n${CM('a')}---\n# nothing\n` } },
  { name: 'a List', fails: false, files: { 'app/kustomization.yaml': K(RES('cm.yaml')), 'app/cm.yaml': 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: li\n' } },
  { name: 'a Talos patch listed as a resource', fails: true, files: { 'app/kustomization.yaml': K(RES('cm.yaml', 'patch.yaml')), 'app/cm.yaml': CM('a'), 'app/patch.yaml': 'machine:\n  network:\n    hostname: n1\n' } },
  { name: 'generateName instead of name', fails: true, files: { 'app/kustomization.yaml': K(RES('job.yaml')), 'app/job.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: x-\n' } },
  { name: 'no apiVersion (kustomize does not need one)', fails: false, files: { 'app/kustomization.yaml': K(RES('cm.yaml')), 'app/cm.yaml': 'kind: ConfigMap\nmetadata:\n  name: x\n' } },
  // 9-10: kustomization files
  { name: 'a kustomization file instead of its folder', fails: true, files: { 'app/kustomization.yaml': K(RES('sub/kustomization.yaml')), 'app/sub/kustomization.yaml': K(RES('cm.yaml')), 'app/sub/cm.yaml': CM('s') } },
  { name: 'its folder', fails: false, files: { 'app/kustomization.yaml': K(RES('sub')), 'app/sub/kustomization.yaml': K(RES('cm.yaml')), 'app/sub/cm.yaml': CM('s') } },
  // 11-14: components
  { name: 'a component under components', fails: false, files: { 'app/kustomization.yaml': K(`${RES('cm.yaml')}components:\n  - ../comp\n`), 'app/cm.yaml': CM('a'), 'comp/kustomization.yaml': COMPONENT(RES('cm.yaml')), 'comp/cm.yaml': CM('c') } },
  { name: 'a component under resources', fails: true, files: { 'app/kustomization.yaml': K(RES('cm.yaml', '../comp')), 'app/cm.yaml': CM('a'), 'comp/kustomization.yaml': COMPONENT(RES('cm.yaml')), 'comp/cm.yaml': CM('c') } },
  { name: 'a kustomization under components', fails: true, files: { 'app/kustomization.yaml': K(`${RES('cm.yaml')}components:\n  - ../base\n`), 'app/cm.yaml': CM('a'), 'base/kustomization.yaml': K(RES('cm.yaml')), 'base/cm.yaml': CM('b') } },
  { name: 'a kustomization without kind under components', fails: true, files: { 'app/kustomization.yaml': K(`${RES('cm.yaml')}components:\n  - ../base\n`), 'app/cm.yaml': CM('a'), 'base/kustomization.yaml': RES('cm.yaml'), 'base/cm.yaml': CM('b') } },
];

const KIND_ERROR = /missing (Resource metadata|metadata\.name|kind) in object|missing Resource metadata|expected kind != 'Component'|expected kind 'Component'/;

test('gitops/kustomization-entry-kind: talium agrees with kubectl kustomize on every layout', (t) => {
  if (!hasKubectl) t.skip(KUBECTL_ABSENT);
  agreesWithKubectl(LAYOUTS, (files) => lintRepo(files, [kustomizationEntryKind]), KIND_ERROR);
});

test('gitops/kustomization-entry-kind: where the finding sits, and what it says', () => {
  ruleTester(kustomizationEntryKind, {
    valid: [
      LAYOUTS[0]!.files,
      LAYOUTS[4]!.files,
      LAYOUTS[5]!.files,
      // a templated document (its name comes from a substitution) is not judged
      { 'app/kustomization.yaml': K(RES('cm.yaml')), 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${APP}\n---\nkind: ${KIND}\n' },
      // a missing file is gitops/kustomization-missing-file's
      { 'app/kustomization.yaml': K(RES('cm.yaml', 'gone.yaml')), 'app/cm.yaml': CM('a') },
    ],
    invalid: [
      {
        files: LAYOUTS[1]!.files,
        errors: [{ messageId: 'notObject', file: 'app/kustomization.yaml', line: 5, column: 5, data: { key: 'resources', path: 'app/values.yaml', field: 'kind', document: '1' } }],
      },
      { files: LAYOUTS[2]!.files, errors: [{ messageId: 'notObject', line: 4, column: 5, data: { field: 'metadata.name', document: '1' } }] },
      { files: LAYOUTS[3]!.files, errors: [{ messageId: 'notObject', line: 4, column: 5, data: { field: 'kind', document: '2' } }] },
      { files: LAYOUTS[9]!.files, errors: [{ messageId: 'kustomizationFile', line: 4, column: 5, data: { path: 'app/sub/kustomization.yaml', folder: 'sub/' } }] },
      { files: LAYOUTS[12]!.files, errors: [{ messageId: 'componentAsResource', line: 5, column: 5, data: { key: 'resources', path: 'comp' } }] },
      { files: LAYOUTS[13]!.files, errors: [{ messageId: 'kustomizationAsComponent', line: 6, column: 5, data: { path: 'base', kind: 'Kustomization' } }] },
      { files: LAYOUTS[14]!.files, errors: [{ messageId: 'kustomizationAsComponent', line: 6, column: 5, data: { path: 'base', kind: 'Kustomization' } }] },
    ],
  });
});
