/** cilium/l2-policy-selects-no-node: L2 policy node selectors against the planned nodes and the labels they certainly carry. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import l2PolicySelectsNoNode from '../src/rules/cilium/l2-policy-selects-no-node.js';
import { certainlyFails, requirements } from '../src/rules/cilium/lib/node-selector.js';
import type { PlanNode } from '../src/plan/types.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';

/** A talconfig.yaml with `nodes` as [hostname, control plane?]. */
const talconfig = (nodes: Array<[string, boolean]>) =>
  `clusterName: home\ntalosVersion: v1.13.9\nendpoint: https://10.50.0.10:6443\nnodes:\n${nodes.map(([n, cp], i) => `  - hostname: ${n}\n    ipAddress: 10.50.0.${11 + i}\n    controlPlane: ${cp}\n`).join('')}`;
/** An L2 policy; `selector` is the indented body of spec.nodeSelector (line 8 on). */
const policy = (selector?: string) =>
  `apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  loadBalancerIPs: true\n${selector === undefined ? '' : `  nodeSelector:\n${selector}`}`;
const NO_CP = '    matchExpressions:\n      - key: node-role.kubernetes.io/control-plane\n        operator: DoesNotExist\n';
const CPS = talconfig([['cp1', true], ['cp2', true], ['cp3', true]]);
const TALOS_CP_PATCH = 'machine:\n  type: controlplane\n  network:\n    interfaces:\n      - interface: enp1s0\n        addresses: [10.50.0.11/24]\n        vip:\n          ip: 10.50.0.10\n';

test('cilium/l2-policy-selects-no-node', () => {
  ruleTester(l2PolicySelectsNoNode, {
    valid: [
      // a worker is left to announce
      { 'talos/talconfig.yaml': talconfig([['cp1', true], ['w1', false]]), 'l2.yaml': policy(NO_CP) },
      { 'talos/talconfig.yaml': CPS, 'l2.yaml': policy() },
      { 'talos/talconfig.yaml': CPS, 'l2.yaml': policy('    matchLabels:\n      kubernetes.io/os: linux\n') },
      { 'talos/talconfig.yaml': CPS, 'l2.yaml': policy('    matchExpressions:\n      - {key: node-role.kubernetes.io/control-plane, operator: Exists}\n') },
      { 'talos/talconfig.yaml': CPS, 'l2.yaml': policy('    matchLabels: {}\n    matchExpressions: []\n') },
      // a label kubectl may set on a running node never rules a node out
      { 'talos/talconfig.yaml': CPS, 'l2.yaml': policy('    matchLabels:\n      lb: "true"\n') },
      // templated selectors cannot be read
      { 'talos/talconfig.yaml': CPS, 'l2.yaml': policy('    matchExpressions:\n      - {key: "${L2_KEY}", operator: DoesNotExist}\n') },
      // no node list, or one from a Talos patch (a shared control-plane patch is not every node)
      { 'l2.yaml': policy(NO_CP) },
      { 'talos/controlplane.yaml': TALOS_CP_PATCH, 'l2.yaml': policy(NO_CP) },
    ],
    invalid: [
      {
        files: { 'talos/talconfig.yaml': CPS, 'l2.yaml': policy(NO_CP) },
        errors: [{ messageId: 'noNode', file: 'l2.yaml', line: 9, column: 9, data: { name: 'lan', count: 3, nodes: 'cp1, cp2, cp3', requirement: 'node-role.kubernetes.io/control-plane DoesNotExist', first: 'all of them' } }],
      },
      {
        // a single-node cluster with the control planes excluded by NotIn [""] (Talos labels control planes with "")
        files: { 'talos/talconfig.yaml': talconfig([['solo', true]]), 'l2.yaml': policy('    matchExpressions:\n      - key: node-role.kubernetes.io/control-plane\n        operator: NotIn\n        values: [""]\n') },
        errors: [{ messageId: 'noNode', line: 9, column: 9, data: { count: 1, nodes: 'solo', requirement: 'node-role.kubernetes.io/control-plane NotIn [""]' } }],
      },
      {
        // one requirement leaves out the control plane, another the worker
        files: { 'talos/talconfig.yaml': talconfig([['cp1', true], ['w1', false]]), 'l2.yaml': policy('    matchLabels:\n      kubernetes.io/os: windows\n' + NO_CP) },
        errors: [{ messageId: 'noNode', line: 9, column: 7, data: { count: 2, requirement: 'kubernetes.io/os In ["windows"]', first: 'all of them' } }],
      },
    ],
  });
});

test('cilium/l2-policy-selects-no-node: the related locations are the nodes', () => {
  const got = lintRepo({ 'talos/talconfig.yaml': CPS, 'l2.yaml': policy(NO_CP) }, [l2PolicySelectsNoNode]);
  assert.deepEqual(
    got.map((d) => (d.related ?? []).map((r) => [r.file, r.range.start.line])),
    [[['talos/talconfig.yaml', 5], ['talos/talconfig.yaml', 8], ['talos/talconfig.yaml', 11]]],
  );
});

test('node selector requirements: what a node certainly fails', () => {
  const cp: PlanNode = { name: 'cp', role: 'controlplane', links: [] };
  const worker: PlanNode = { name: 'w', role: 'worker', links: [] };
  const unknown: PlanNode = { name: 'u', links: [] };
  const reqs = requirements({
    matchLabels: { 'node-role.kubernetes.io/control-plane': '' },
    matchExpressions: [
      { key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' },
      { key: 'kubernetes.io/os', operator: 'NotIn', values: ['linux'] },
      { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] },
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Gt', values: ['1'] },
    ],
  })!;
  assert.deepEqual(reqs.map((r) => [r.key, r.operator, r.path]), [
    ['node-role.kubernetes.io/control-plane', 'In', ['matchLabels', 'node-role.kubernetes.io/control-plane']],
    ['node-role.kubernetes.io/control-plane', 'DoesNotExist', ['matchExpressions', 0]],
    ['kubernetes.io/os', 'NotIn', ['matchExpressions', 1]],
    ['topology.kubernetes.io/zone', 'In', ['matchExpressions', 2]],
    ['node-role.kubernetes.io/control-plane', 'Gt', ['matchExpressions', 3]],
  ]);
  const fails = (n: PlanNode) => reqs.map((r) => certainlyFails(n, r));
  assert.deepEqual(fails(cp), [false, true, true, false, false]);
  assert.deepEqual(fails(worker), [true, false, true, false, false]);
  assert.deepEqual(fails(unknown), [false, false, true, false, false]);
  assert.equal(requirements({ matchLabels: 'x' }), undefined);
  assert.equal(requirements({ matchExpressions: [{ key: 'k' }] }), undefined);
  assert.equal(requirements('${SELECTOR}'), undefined);
});

test('cilium/l2-policy-selects-no-node: a kustomize patch may change the selector (silent)', () => {
  const kust = (patch: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\npatches:\n${patch}`;
  const base = { 'talos/talconfig.yaml': CPS, 'k/base/l2.yaml': policy(NO_CP), 'k/base/kustomization.yaml': 'resources:\n  - l2.yaml\n' };
  ruleTester(l2PolicySelectsNoNode, {
    valid: [
      // JSON6902 by kind and name, by a kind pattern, without a kind
      { ...base, 'k/lab/kustomization.yaml': kust('  - target:\n      kind: CiliumL2AnnouncementPolicy\n      name: lan\n    patch: |-\n      - op: remove\n        path: /spec/nodeSelector\n') },
      { ...base, 'k/lab/kustomization.yaml': kust('  - target:\n      kind: CiliumL2.*\n    patch: |-\n      - op: remove\n        path: /spec/nodeSelector\n') },
      { ...base, 'k/lab/kustomization.yaml': kust('  - target:\n      group: cilium.io\n    patch: |-\n      - op: remove\n        path: /spec/nodeSelector\n') },
      // an inline strategic-merge patch of the policy, a patch file of it
      { ...base, 'k/lab/kustomization.yaml': kust('  - patch: |-\n      apiVersion: cilium.io/v2alpha1\n      kind: CiliumL2AnnouncementPolicy\n      metadata:\n        name: lan\n      spec:\n        nodeSelector: null\n') },
      { ...base, 'k/lab/kustomization.yaml': kust('  - path: l2-patch.yaml\n'), 'k/lab/l2-patch.yaml': 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  nodeSelector:\n    matchLabels:\n      kubernetes.io/os: linux\n' },
      // a Flux Kustomization's patches
      { ...base, 'clusters/home/l2.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: l2\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./k/base\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  patches:\n    - target:\n        kind: CiliumL2AnnouncementPolicy\n      patch: |-\n        - op: remove\n          path: /spec/nodeSelector\n' },
      // an Argo CD source's patch file (its path is relative to the source's path, where Argo CD writes the patches)
      { ...base, 'argo/l2.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: l2\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n  source:\n    repoURL: https://github.com/me/home\n    path: k/base\n    kustomize:\n      patches:\n        - path: ../patches/l2.yaml\n', 'k/patches/l2.yaml': 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  nodeSelector: null\n' },
    ],
    invalid: [
      {
        // a patch of another kind or another policy changes nothing here
        files: { ...base, 'k/lab/kustomization.yaml': kust('  - target:\n      kind: CiliumL2AnnouncementPolicy\n      name: other\n    patch: |-\n      - op: remove\n        path: /spec/nodeSelector\n  - target:\n      kind: HelmRelease\n    patch: |-\n      - op: remove\n        path: /spec/values\n') },
        errors: [{ messageId: 'noNode', file: 'k/base/l2.yaml', line: 9, column: 9 }],
      },
    ],
  });
});

test('cilium/l2-policy-selects-no-node: a talhelper node whose controlPlane is templated has no known role', () => {
  const tc = CPS.replace(/controlPlane: true/g, 'controlPlane: ${IS_CP}');
  const got = lintRepo({ 'talos/talconfig.yaml': tc, 'l2.yaml': policy('    matchExpressions:\n      - {key: node-role.kubernetes.io/control-plane, operator: Exists}\n') }, [l2PolicySelectsNoNode]);
  assert.deepEqual(got.map((d) => d.ruleId), []);
});
