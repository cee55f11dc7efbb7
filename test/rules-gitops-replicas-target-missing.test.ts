/**
 * gitops/replicas-target-missing (a kustomization `replicas` entry naming no workload of its build): talium's verdict
 * compared with the real `kubectl kustomize` on the same layouts, and where the finding sits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import replicasTargetMissing from '../src/rules/gitops/replicas-target-missing.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { agreesWithKubectl, hasKubectl, KUBECTL_ABSENT } from '../src/testing/kubectl-kustomize.js';

const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const COMPONENT = (body: string) => `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${body}`;
const RES = (...entries: string[]) => `resources:\n${entries.map((e) => `  - ${e}\n`).join('')}`;
const REPLICAS = (...names: string[]) => `replicas:\n${names.map((n) => `  - name: ${n}\n    count: 3\n`).join('')}`;
const WL = (name: string, kind = 'Deployment', apiVersion = 'apps/v1', ns = '') =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n        - name: c\n          image: nginx:1.27\n`;
const HR = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: web\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n';

/** Layouts with the root kustomization at `app/`: whether kustomize fails on a `replicas` entry, and talium. */
const LAYOUTS: Array<{ name: string; fails: boolean; files: Record<string, string> }> = [
  // 0-3: the names kustomize matches
  { name: 'the Deployment\'s name', fails: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + REPLICAS('web')), 'app/a.yaml': WL('web') } },
  { name: 'a typo', fails: true, files: { 'app/kustomization.yaml': K(RES('a.yaml') + REPLICAS('wbe')), 'app/a.yaml': WL('web') } },
  { name: 'one entry of two naming nothing', fails: true, files: { 'app/kustomization.yaml': K(RES('a.yaml') + REPLICAS('web', 'api')), 'app/a.yaml': WL('web') } },
  { name: 'StatefulSet, ReplicaSet and ReplicationController', fails: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + REPLICAS('s', 'r', 'rc')), 'app/a.yaml': [WL('s', 'StatefulSet'), WL('r', 'ReplicaSet'), WL('rc', 'ReplicationController', 'v1')].join('---\n') } },
  // 4-6: kinds without replicas field specs
  { name: 'a DaemonSet', fails: true, files: { 'app/kustomization.yaml': K(RES('a.yaml') + REPLICAS('web')), 'app/a.yaml': WL('web', 'DaemonSet') } },
  { name: 'a HelmRelease of that name (Helm renders the Deployment, not kustomize)', fails: true, files: { 'app/kustomization.yaml': K(RES('hr.yaml') + REPLICAS('web')), 'app/hr.yaml': HR } },
  { name: 'a Deployment of another API group', fails: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + REPLICAS('web')), 'app/a.yaml': WL('web', 'Deployment', 'example.com/v1') } },
  // 7-11: prefixes, suffixes, namespaces
  { name: 'the own prefixed name', fails: false, files: { 'app/kustomization.yaml': K(`namePrefix: p-\n${RES('a.yaml')}${REPLICAS('p-web')}`), 'app/a.yaml': WL('web') } },
  { name: 'the name before the own prefix', fails: false, files: { 'app/kustomization.yaml': K(`namePrefix: p-\n${RES('a.yaml')}${REPLICAS('web')}`), 'app/a.yaml': WL('web') } },
  { name: 'the name before a base\'s suffix', fails: false, files: { 'app/kustomization.yaml': K(RES('../base') + REPLICAS('web')), 'base/kustomization.yaml': K(`nameSuffix: -v2\n${RES('a.yaml')}`), 'base/a.yaml': WL('web') } },
  { name: 'the base\'s suffixed name', fails: false, files: { 'app/kustomization.yaml': K(RES('../base') + REPLICAS('web-v2')), 'base/kustomization.yaml': K(`nameSuffix: -v2\n${RES('a.yaml')}`), 'base/a.yaml': WL('web') } },
  { name: 'another namespace (not compared)', fails: false, files: { 'app/kustomization.yaml': K(`namespace: x\n${RES('a.yaml')}${REPLICAS('web')}`), 'app/a.yaml': WL('web', 'Deployment', 'apps/v1', 'y') } },
  // 12-15: what the build holds
  { name: 'a Deployment a patch deletes', fails: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}patches:\n  - patch: |\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: web\n      $patch: delete\n${REPLICAS('web')}`), 'app/a.yaml': WL('web') } },
  { name: 'a base\'s Deployment', fails: false, files: { 'app/kustomization.yaml': K(RES('../base') + REPLICAS('web')), 'base/kustomization.yaml': K(RES('a.yaml')), 'base/a.yaml': WL('web') } },
  { name: 'a component scaling the including kustomization\'s Deployment', fails: false, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}components:\n  - ../comp\n`), 'app/a.yaml': WL('web'), 'comp/kustomization.yaml': COMPONENT(REPLICAS('web')) } },
  { name: 'a component scaling nothing', fails: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}components:\n  - ../comp\n`), 'app/a.yaml': WL('web'), 'comp/kustomization.yaml': COMPONENT(REPLICAS('api')) } },
  // 16: a base's failing entry fails its overlay's build too (reported once, at the base)
  { name: 'a base scaling nothing', fails: true, files: { 'app/kustomization.yaml': K(RES('../base')), 'base/kustomization.yaml': K(RES('a.yaml') + REPLICAS('api')), 'base/a.yaml': WL('web') } },
];

const REPLICAS_ERROR = /resource with name \S+ does not match a config with the following GVK/;

test('gitops/replicas-target-missing: talium agrees with kubectl kustomize on every layout', (t) => {
  if (!hasKubectl) t.skip(KUBECTL_ABSENT);
  agreesWithKubectl(
    LAYOUTS,
    (files) => {
      const got = lintRepo(files, [replicasTargetMissing]);
      assert.ok(got.every((d) => d.ruleId === 'gitops/replicas-target-missing' && d.severity === 'error'), JSON.stringify(Object.keys(files)));
      return got;
    },
    REPLICAS_ERROR,
  );
});

test('gitops/replicas-target-missing: where the finding sits, and what it says', () => {
  ruleTester(replicasTargetMissing, {
    valid: [
      // templated names are not known
      { 'app/kustomization.yaml': K(RES('a.yaml') + REPLICAS('${APP}')), 'app/a.yaml': WL('web') },
      { 'app/kustomization.yaml': K(RES('a.yaml') + REPLICAS('web')), 'app/a.yaml': WL('${APP}') },
      // a remote or unread resource, helmCharts: the build is not known
      { 'app/kustomization.yaml': K(RES('a.yaml', 'https://github.com/me/app//deploy?ref=v1') + REPLICAS('api')), 'app/a.yaml': WL('web') },
      { 'app/kustomization.yaml': K(RES('a.yaml', 'missing.yaml') + REPLICAS('api')), 'app/a.yaml': WL('web') },
      { 'app/kustomization.yaml': K(`${RES('a.yaml')}helmCharts:\n  - name: api\n    repo: https://charts.example.com\n    releaseName: api\n${REPLICAS('api')}`), 'app/a.yaml': WL('web') },
      // own field specs may add kinds
      { 'app/kustomization.yaml': K(`${RES('a.yaml')}configurations:\n  - conf.yaml\n${REPLICAS('api')}`), 'app/a.yaml': WL('web') },
      // a transformer talium does not follow may have renamed the Deployment
      { 'app/kustomization.yaml': K(`${RES('a.yaml')}transformers:\n  - t.yaml\n${REPLICAS('api')}`), 'app/a.yaml': WL('web') },
    ],
    invalid: [
      {
        files: LAYOUTS[1]!.files,
        errors: [{ messageId: 'missing', file: 'app/kustomization.yaml', line: 6, column: 11, data: { name: 'wbe', held: 'Deployment web' } }],
      },
      // one finding per entry naming nothing
      { files: LAYOUTS[2]!.files, errors: [{ messageId: 'missing', file: 'app/kustomization.yaml', line: 8, column: 11, data: { name: 'api' } }] },
      { files: LAYOUTS[5]!.files, errors: [{ messageId: 'missing', line: 6, column: 11, data: { name: 'web', held: 'none' } }] },
      { files: LAYOUTS[12]!.files, errors: [{ messageId: 'missing', line: 13, column: 11, data: { name: 'web', held: 'none' } }] },
      // a component's entry: at the component
      { files: LAYOUTS[15]!.files, errors: [{ messageId: 'missing', file: 'comp/kustomization.yaml', line: 4, column: 11, data: { name: 'api', held: 'Deployment web' } }] },
      // a base's entry: at the base, once
      { files: LAYOUTS[16]!.files, errors: [{ messageId: 'missing', file: 'base/kustomization.yaml', line: 6, column: 11, data: { name: 'api' } }] },
    ],
  });
});

test('gitops/replicas-target-missing: related locations are the workloads the build holds', () => {
  const [d] = lintRepo(LAYOUTS[1]!.files, [replicasTargetMissing]);
  assert.deepEqual(
    d!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`),
    ['app/a.yaml:4:9'],
  );
});
