/**
 * gitops/patch-target-missing (a target-less strategic-merge patch naming no object, or several, of its build): talium's
 * verdict compared with the real `kubectl kustomize` on the same layouts, and where the finding sits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import patchTargetMissing from '../src/rules/gitops/patch-target-missing.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { agreesWithKubectl, hasKubectl, KUBECTL_ABSENT } from '../src/testing/kubectl-kustomize.js';

const CM = (name: string, ns = '', apiVersion = 'v1', kind = 'ConfigMap') => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}`;
const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const RES = (...entries: string[]) => `resources:\n${entries.map((e) => `  - ${e}\n`).join('')}`;
const COMPONENT = (body: string) => `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${body}`;
const indent = (text: string, n: number) => text.replace(/^(?=.)/gm, ' '.repeat(n));
/** A `patches` entry with an inline patch (and a target when given). */
const PATCH = (body: string, target = '') => `  - ${target ? `target:\n${indent(target, 6)}    ` : ''}patch: |\n${indent(body, 6)}`;
const PATCHES = (...entries: string[]) => `patches:\n${entries.join('')}`;
const DATA = 'data:\n  y: "1"\n';
const DELETE = '$patch: delete\n';
const JSON_OP = '- op: add\n  path: /data/y\n  value: "1"\n';

/** Layouts with the root kustomization at `app/`: whether kustomize fails to find a unique patch target, and talium. */
const LAYOUTS: Array<{ name: string; fails: boolean; files: Record<string, string> }> = [
  // 0-4: target-less strategic-merge patches naming no object fail, wherever they are written
  { name: 'inline patch naming no object', fails: true, files: { 'app/kustomization.yaml': K(RES('a.yaml') + PATCHES(PATCH(CM('b') + DATA))), 'app/a.yaml': CM('a') } },
  { name: 'patch file naming no object', fails: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}patches:\n  - path: p.yaml\n`), 'app/a.yaml': CM('a'), 'app/p.yaml': CM('b') + DATA } },
  { name: 'patchesStrategicMerge file naming no object', fails: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}patchesStrategicMerge:\n  - p.yaml\n`), 'app/a.yaml': CM('a'), 'app/p.yaml': CM('b') + DATA } },
  { name: 'inline patchesStrategicMerge naming no object', fails: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}patchesStrategicMerge:\n  - |-\n${indent(CM('b') + DATA, 4)}`), 'app/a.yaml': CM('a') } },
  { name: '$patch: delete naming no object', fails: true, files: { 'app/kustomization.yaml': K(RES('a.yaml') + PATCHES(PATCH(CM('b') + DELETE))), 'app/a.yaml': CM('a') } },
  // 5-8: a target selector (or patchesJson6902) that selects nothing is accepted
  { name: 'a target selecting nothing, strategic-merge body', fails: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + PATCHES(PATCH(CM('b') + DATA, 'kind: ConfigMap\nname: b\n'))), 'app/a.yaml': CM('a') } },
  { name: 'a target selecting nothing, JSON6902 body', fails: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + PATCHES(PATCH(JSON_OP, 'kind: ConfigMap\nname: b\n'))), 'app/a.yaml': CM('a') } },
  { name: 'a target selecting nothing, $patch: delete', fails: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + PATCHES(PATCH(CM('b') + DELETE, 'kind: ConfigMap\nname: b\n'))), 'app/a.yaml': CM('a') } },
  { name: 'patchesJson6902 selecting nothing', fails: false, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}patchesJson6902:\n  - target:\n      version: v1\n      kind: ConfigMap\n      name: b\n    patch: |\n${indent(JSON_OP, 6)}`), 'app/a.yaml': CM('a') } },
  // 9-13: namespaces: patches run before the kustomization's own namespace, after its bases'
  { name: 'the object has a namespace, the patch none', fails: true, files: { 'app/kustomization.yaml': K(RES('a.yaml') + PATCHES(PATCH(CM('a') + DATA))), 'app/a.yaml': CM('a', 'x') } },
  { name: 'the patch says default, the object has no namespace', fails: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + PATCHES(PATCH(CM('a', 'default') + DATA))), 'app/a.yaml': CM('a') } },
  { name: 'the patch has the kustomization\'s own namespace, the object none', fails: true, files: { 'app/kustomization.yaml': K(`namespace: x\n${RES('a.yaml')}${PATCHES(PATCH(CM('a', 'x') + DATA))}`), 'app/a.yaml': CM('a') } },
  { name: 'the patch has the base\'s namespace', fails: false, files: { 'app/kustomization.yaml': K(RES('../base') + PATCHES(PATCH(CM('a', 'x') + DATA))), 'base/kustomization.yaml': K(`namespace: x\n${RES('a.yaml')}`), 'base/a.yaml': CM('a') } },
  { name: 'the patch has no namespace, the base sets one (an earlier id)', fails: false, files: { 'app/kustomization.yaml': K(RES('../base') + PATCHES(PATCH(CM('a') + DATA))), 'base/kustomization.yaml': K(`namespace: x\n${RES('a.yaml')}`), 'base/a.yaml': CM('a') } },
  // 14-17: names and versions
  { name: 'the base\'s prefixed name', fails: false, files: { 'app/kustomization.yaml': K(RES('../base') + PATCHES(PATCH(CM('p-a') + DATA))), 'base/kustomization.yaml': K(`namePrefix: p-\n${RES('a.yaml')}`), 'base/a.yaml': CM('a') } },
  { name: 'the kustomization\'s own prefixed name', fails: true, files: { 'app/kustomization.yaml': K(`namePrefix: p-\n${RES('a.yaml')}${PATCHES(PATCH(CM('p-a') + DATA))}`), 'app/a.yaml': CM('a') } },
  { name: 'another apiVersion of the kind', fails: true, files: { 'app/kustomization.yaml': K(RES('a.yaml') + PATCHES(PATCH(`${CM('a', '', 'apps/v1beta1', 'Deployment')}spec: {}\n`))), 'app/a.yaml': CM('a', '', 'apps/v1', 'Deployment') } },
  { name: 'a patch without apiVersion', fails: true, files: { 'app/kustomization.yaml': K(RES('a.yaml') + PATCHES(PATCH(`kind: ConfigMap\nmetadata:\n  name: a\n${DATA}`))), 'app/a.yaml': CM('a') } },
  // 18-22: what else the patches see
  { name: 'a generated ConfigMap', fails: false, files: { 'app/kustomization.yaml': K(`configMapGenerator:\n  - name: gen\n    literals: [k=v]\n${PATCHES(PATCH(CM('gen') + DATA))}`) } },
  { name: 'a ConfigMap a base generates', fails: false, files: { 'app/kustomization.yaml': K(RES('../base') + PATCHES(PATCH(CM('gen') + DATA))), 'base/kustomization.yaml': K('configMapGenerator:\n  - name: gen\n    literals: [k=v]\n') } },
  { name: 'a component patching the including kustomization\'s object', fails: false, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}components:\n  - ../comp\n`), 'app/a.yaml': CM('a'), 'comp/kustomization.yaml': COMPONENT(PATCHES(PATCH(CM('a') + DATA))) } },
  { name: 'a component patching no object', fails: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}components:\n  - ../comp\n`), 'app/a.yaml': CM('a'), 'comp/kustomization.yaml': COMPONENT(PATCHES(PATCH(CM('b') + DATA))) } },
  { name: 'a cluster-scoped kind patched with a namespace', fails: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + PATCHES(PATCH(CM('a', 'x', 'rbac.authorization.k8s.io/v1', 'ClusterRole')))), 'app/a.yaml': CM('a', '', 'rbac.authorization.k8s.io/v1', 'ClusterRole') } },
  // 23-26: order, several documents, several matches
  { name: 'a patchesStrategicMerge delete, then a patch of the object', fails: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}patchesStrategicMerge:\n  - |-\n${indent(CM('a') + DELETE, 4)}${PATCHES(PATCH(CM('a') + DATA))}`), 'app/a.yaml': CM('a') } },
  { name: 'a patch, then a delete of the object', fails: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + PATCHES(PATCH(CM('a') + DATA), PATCH(CM('a') + DELETE))), 'app/a.yaml': CM('a') } },
  { name: 'a patch file whose second document names no object', fails: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}patches:\n  - path: p.yaml\n`), 'app/a.yaml': CM('a'), 'app/p.yaml': `${CM('a')}${DATA}---\n${CM('b')}${DATA}` } },
  { name: 'two prefixed copies of one base, patched by the base\'s name', fails: true, files: { 'app/kustomization.yaml': K(RES('../o1', '../o2') + PATCHES(PATCH(CM('a') + DATA))), 'o1/kustomization.yaml': K(`namePrefix: x-\n${RES('../base')}`), 'o2/kustomization.yaml': K(`namePrefix: y-\n${RES('../base')}`), 'base/kustomization.yaml': K(RES('a.yaml')), 'base/a.yaml': CM('a') } },
  // 27: a custom kind is namespaced to kustomize
  { name: 'a custom kind, the patch with the kustomization\'s own namespace', fails: true, files: { 'app/kustomization.yaml': K(`namespace: x\n${RES('a.yaml')}${PATCHES(PATCH(CM('a', 'x', 'cilium.io/v2', 'CiliumLoadBalancerIPPool')))}`), 'app/a.yaml': CM('a', '', 'cilium.io/v2', 'CiliumLoadBalancerIPPool') } },
];

test('gitops/patch-target-missing: talium agrees with kubectl kustomize on every layout', (t) => {
  if (!hasKubectl) t.skip(KUBECTL_ABSENT);
  agreesWithKubectl(
    LAYOUTS,
    (files) => {
      const got = lintRepo(files, [patchTargetMissing]);
      assert.ok(got.every((d) => d.ruleId === 'gitops/patch-target-missing' && d.severity === 'error'), JSON.stringify(Object.keys(files)));
      return got;
    },
    /failed to find unique target for patch/,
  );
});

test('gitops/patch-target-missing: where the finding sits, and what it says', () => {
  ruleTester(patchTargetMissing, {
    valid: [
      // templated names are not known
      { 'app/kustomization.yaml': K(RES('a.yaml') + PATCHES(PATCH(CM('${APP}') + DATA))), 'app/a.yaml': CM('a') },
      { 'app/kustomization.yaml': K(RES('a.yaml') + PATCHES(PATCH(CM('b') + DATA))), 'app/a.yaml': CM('${APP}') },
      // a remote, templated or unread resource, helmCharts or a generator plugin: the build is not known
      { 'app/kustomization.yaml': K(RES('a.yaml', 'https://github.com/me/app//deploy?ref=v1') + PATCHES(PATCH(CM('b') + DATA))), 'app/a.yaml': CM('a') },
      { 'app/kustomization.yaml': K(RES('a.yaml', 'missing.yaml') + PATCHES(PATCH(CM('b') + DATA))), 'app/a.yaml': CM('a') },
      { 'app/kustomization.yaml': K(RES('../base') + PATCHES(PATCH(CM('b') + DATA))), 'base/kustomization.yaml': K(RES('a.yaml', 'github.com/me/app/deploy?ref=v1')), 'base/a.yaml': CM('a') },
      { 'app/kustomization.yaml': K(`${RES('a.yaml')}helmCharts:\n  - name: app\n    repo: https://charts.example.com\n    releaseName: app\n${PATCHES(PATCH(CM('b') + DATA))}`), 'app/a.yaml': CM('a') },
      { 'app/kustomization.yaml': K(`${RES('a.yaml')}generators:\n  - gen.yaml\n${PATCHES(PATCH(CM('b') + DATA))}`), 'app/a.yaml': CM('a') },
      // a transformer talium does not follow may have renamed the base's ConfigMaps
      { 'app/kustomization.yaml': K(RES('../base') + PATCHES(PATCH(CM('b') + DATA))), 'base/kustomization.yaml': K(`${RES('a.yaml')}transformers:\n  - t.yaml\n`), 'base/a.yaml': CM('a') },
      // a patch file not in the tree
      { 'app/kustomization.yaml': K(`${RES('a.yaml')}patches:\n  - path: missing.yaml\n`), 'app/a.yaml': CM('a') },
    ],
    invalid: [
      {
        files: LAYOUTS[0]!.files,
        errors: [{ messageId: 'missing', file: 'app/kustomization.yaml', line: 6, column: 5, data: { object: 'ConfigMap b', kind: 'ConfigMap', name: 'b', namespace: '', apiVersion: 'v1', held: 'a' } }],
      },
      { files: LAYOUTS[2]!.files, errors: [{ messageId: 'missing', file: 'app/kustomization.yaml', line: 6, column: 5, data: { object: 'ConfigMap b', held: 'a' } }] },
      // the objects as the patches see them: before the kustomization's own namespace
      { files: LAYOUTS[11]!.files, errors: [{ messageId: 'missing', file: 'app/kustomization.yaml', line: 7, column: 5, data: { object: 'ConfigMap x/a', namespace: 'x', held: 'a' } }] },
      { files: LAYOUTS[17]!.files, errors: [{ messageId: 'missing', file: 'app/kustomization.yaml', line: 6, column: 5, data: { object: 'ConfigMap a', apiVersion: '(none)', held: 'a' } }] },
      // a component's patch: at the component's entry
      { files: LAYOUTS[21]!.files, errors: [{ messageId: 'missing', file: 'comp/kustomization.yaml', line: 4, column: 5, data: { object: 'ConfigMap b', held: 'a' } }] },
      { files: LAYOUTS[23]!.files, errors: [{ messageId: 'missing', file: 'app/kustomization.yaml', line: 13, column: 5, data: { object: 'ConfigMap a', held: 'none' } }] },
      // one finding per patch document
      { files: LAYOUTS[25]!.files, errors: [{ messageId: 'missing', file: 'app/kustomization.yaml', line: 6, column: 5, data: { object: 'ConfigMap b', held: 'a' } }] },
      { files: LAYOUTS[26]!.files, errors: [{ messageId: 'ambiguous', file: 'app/kustomization.yaml', line: 7, column: 5, data: { object: 'ConfigMap a', count: 2, held: 'x-a, y-a' } }] },
      // reported once, in the kustomization whose patch it is (not again by one above it)
      { files: { ...LAYOUTS[0]!.files, 'top/kustomization.yaml': K(RES('../app')) }, errors: [{ messageId: 'missing', file: 'app/kustomization.yaml', line: 6, column: 5 }] },
      // many objects of the kind: five named
      {
        files: { 'app/kustomization.yaml': K(RES('a.yaml') + PATCHES(PATCH(CM('z') + DATA))), 'app/a.yaml': ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => CM(n)).join('---\n') },
        errors: [{ messageId: 'missing', file: 'app/kustomization.yaml', line: 6, column: 5, data: { held: 'a, b, c, d, e and 2 more' } }],
      },
    ],
  });
});

test('gitops/patch-target-missing: related locations are the patch document and the objects of its kind', () => {
  const [d] = lintRepo(LAYOUTS[1]!.files, [patchTargetMissing]);
  assert.deepEqual(
    d!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`),
    ['app/p.yaml:4:9', 'app/a.yaml:4:9'],
  );
});
