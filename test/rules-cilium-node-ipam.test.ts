/**
 * Cilium Node IPAM (LoadBalancer class io.cilium/node, or no class with defaultLBServiceIPAM: nodeipam):
 * cilium/node-ipam-no-node when every node is a Talos ≥1.8 control plane carrying the
 * exclude-from-external-load-balancers label.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import nodeIpamNoNode from '../src/rules/cilium/node-ipam-no-node.js';
import { mayRemoveExcludeLabel } from '../src/rules/talos/lib/exclude-lb-label.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';

const LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';
/** A LoadBalancer Service; `cls` on line 8 (value at column 22), `spec.type` value at 7:9. */
const svc = (cls?: string, annotations = '') =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: web\nspec:\n  type: LoadBalancer\n${cls ? `  loadBalancerClass: ${cls}\n` : ''}  selector:\n    app: web\n  ports:\n    - port: 443\n${annotations}`;
const NODE_SVC = svc('io.cilium/node');
const KPR = 'kubeProxyReplacement: true\n';
const ON = KPR + 'nodeIPAM:\n  enabled: true\n';
/** A Flux HelmRelease pinned to `version` with `values` (indented under spec.values; line 13 on). */
const hr = (version: string, values = '    kubeProxyReplacement: true\n', name = 'cilium') =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: kube-system\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: ${version}\n      sourceRef: {kind: HelmRepository, name: cilium}\n  values:\n${values}`;

/** Each finding as messageId, severity, position and its related locations (file:line:column message). */
const brief = (files: Record<string, string>, rule = nodeIpamNoNode) =>
  lintRepo(files, [rule]).map((d) => [d.messageId, d.severity, `${d.file}:${d.range.start.line}:${d.range.start.column}`, (d.related ?? []).map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column} ${r.message}`)]);

/** A talconfig.yaml pinned to `version` with `nodes` as [hostname, control plane?] (node i on line 5 + 3i), then `extra`. */
const talconfig = (version: string, nodes: Array<[string, boolean]>, extra = '') =>
  `clusterName: home\ntalosVersion: ${version}\nendpoint: https://10.50.0.10:6443\nnodes:\n${nodes.map(([n, cp], i) => `  - hostname: ${n}\n    ipAddress: 10.50.0.${11 + i}\n    controlPlane: ${cp}\n`).join('')}${extra}`;
const CPS: Array<[string, boolean]> = [['cp1', true], ['cp2', true], ['cp3', true]];
const DELETE = `machine:\n  nodeLabels:\n    ${LABEL}:\n      $patch: delete\n`;
const base = (tc: string, extra: Record<string, string> = {}) => ({ 'talos/talconfig.yaml': tc, 'cilium/values.yaml': ON, 'svc.yaml': NODE_SVC, ...extra });
const NO_NODE = { messageId: 'noNode', file: 'svc.yaml', line: 8, column: 22 };

test('cilium/node-ipam-no-node', () => {
  const cpPatches = (entry: string) => `controlPlane:\n  patches:\n    - ${entry}\n`;
  ruleTester(nodeIpamNoNode, {
    valid: [
      // a worker does not carry the label
      base(talconfig('v1.10.5', [['cp1', true], ['w1', false]])),
      // Talos 1.7 does not add it; an unknown Talos version
      base(talconfig('v1.7.6', CPS)),
      base(talconfig('v1.10.5', CPS).replace('talosVersion: v1.10.5\n', '')),
      base(talconfig('${talosVersion}', CPS)),
      // a patch deletes it: a talhelper inline patch, a control-plane patch file it pulls in, a JSON6902 op
      base(talconfig('v1.10.5', CPS, cpPatches(`|-\n      ${DELETE.replace(/\n(?!$)/g, '\n      ')}`))),
      base(talconfig('v1.10.5', CPS, cpPatches('"@./patches/labels.yaml"')), { 'talos/patches/labels.yaml': DELETE }),
      base(talconfig('v1.10.5', CPS), { 'talos/patches/labels.yaml': `- op: remove\n  path: /machine/nodeLabels/${LABEL.replace('/', '~1')}\n` }),
      // a control-plane patch file talhelper pulls in that the repository does not hold may delete it
      base(talconfig('v1.10.5', CPS, cpPatches('"@./patches/missing.yaml"'))),
      // a node of unknown role (templated), a node list read from machine configs (may not be every node)
      base(talconfig('v1.10.5', CPS).replace('controlPlane: true\n', 'controlPlane: ${IS_CP}\n')),
      { 'talos/controlplane.yaml': 'version: v1alpha1\nmachine:\n  type: controlplane\n  network:\n    interfaces:\n      - interface: enp1s0\n        addresses: [10.50.0.11/24]\ncluster:\n  clusterName: home\n', 'cilium/values.yaml': ON, 'svc.yaml': NODE_SVC },
      // every Cilium release predates Node IPAM (cilium/feature-off reports that)
      base(talconfig('v1.10.5', CPS), { 'cilium/values.yaml': '', 'cilium/helmrelease.yaml': hr('1.15.7') }),
      // no Node IPAM Service: an LB-IPAM class, no class with the default LB-IPAM
      base(talconfig('v1.10.5', CPS), { 'svc.yaml': svc('io.cilium/l2-announcer') }),
      base(talconfig('v1.10.5', CPS), { 'svc.yaml': svc() }),
    ],
    invalid: [
      { files: base(talconfig('v1.10.5', CPS)), errors: [{ ...NO_NODE, data: { name: 'web', talos: '1.10.5', count: 3, nodes: 'cp1, cp2, cp3' } }] },
      // whether Node IPAM is on is another rule's question: the Service is reported either way
      { files: base(talconfig('v1.8.0', [['solo', true]]), { 'cilium/values.yaml': KPR }), errors: [{ ...NO_NODE, data: { talos: '1.8.0', count: 1, nodes: 'solo' } }] },
      // setting the label (even to "false") is not deleting it; a worker patch does not reach control planes either way
      { files: base(talconfig('v1.10.5', CPS, cpPatches(`|-\n      machine:\n        nodeLabels:\n          ${LABEL}: "false"\n`))), errors: [NO_NODE] },
      // no class, and the default hands it to Node IPAM
      { files: base(talconfig('v1.10.5', CPS), { 'cilium/values.yaml': ON + 'defaultLBServiceIPAM: nodeipam\n', 'svc.yaml': svc() }), errors: [{ ...NO_NODE, line: 7, column: 9 }] },
    ],
  });
});

test('cilium/node-ipam-no-node: cluster.yaml, even with schedulable control planes (Talos keeps the label there)', () => {
  const spec = (extra = '', nodes = '  - { name: cp-1, role: controlplane, address: 10.50.0.11, nic: enp1s0 }\n') =>
    `versions:\n  talos: 1.14.1\n  kubernetes: 1.36.3\n  cilium: 1.20.1\nlan:\n  cidr: 10.50.0.0/24\n  gateway: 10.50.0.1\ncluster:\n  vip: 10.50.0.10\n${extra}nodes:\n${nodes}`;
  ruleTester(nodeIpamNoNode, {
    valid: [{ 'clusters/lab/cluster.yaml': spec('', '  - { name: cp-1, role: controlplane, address: 10.50.0.11, nic: enp1s0 }\n  - { name: w-1, role: worker, address: 10.50.0.21, nic: enp1s0 }\n'), 'cilium/values.yaml': ON, 'svc.yaml': NODE_SVC }],
    invalid: [
      { files: { 'clusters/lab/cluster.yaml': spec('  schedulableControlPlanes: true\n'), 'cilium/values.yaml': ON, 'svc.yaml': NODE_SVC }, errors: [{ ...NO_NODE, data: { talos: '1.14.1', count: 1, nodes: 'cp-1' } }] },
    ],
  });
});

test('cilium/node-ipam-no-node: related locations are the Talos version and the nodes', () => {
  assert.deepEqual(brief(base(talconfig('v1.10.5', CPS)), nodeIpamNoNode), [
    [
      'noNode',
      'warning',
      'svc.yaml:8:22',
      [
        `talos/talconfig.yaml:2:15 Talos 1.10.5 labels control planes ${LABEL}.`,
        'talos/talconfig.yaml:5:5 Node "cp1" (control plane).',
        'talos/talconfig.yaml:8:5 Node "cp2" (control plane).',
        'talos/talconfig.yaml:11:5 Node "cp3" (control plane).',
      ],
    ],
  ]);
});

test('what may remove the exclude label', () => {
  const yes = [
    { machine: { nodeLabels: { [LABEL]: { $patch: 'delete' } } } },
    { machine: { nodeLabels: { [LABEL]: null } } },
    { machine: { nodeLabels: { $patch: 'replace', zone: 'a' } } },
    { machine: { nodeLabels: '${LABELS}' } },
    [{ op: 'remove', path: `/machine/nodeLabels/${LABEL.replace('/', '~1')}` }],
    [{ op: 'replace', path: '/machine/nodeLabels', value: {} }],
    { apiVersion: 'v1alpha1', kind: 'KubeNodeConfig', labels: { [LABEL]: { $patch: 'delete' } } },
    { apiVersion: 'v1alpha1', kind: 'KubeNodeConfig', $patch: 'delete' },
  ];
  const no = [
    { machine: { nodeLabels: { [LABEL]: '' } } },
    { machine: { nodeLabels: { 'topology.kubernetes.io/zone': 'a' } } },
    { machine: { kubelet: { extraArgs: { 'rotate-server-certificates': 'true' } } } },
    [{ op: 'add', path: '/cluster/allowSchedulingOnControlPlanes', value: true }],
    { apiVersion: 'v1alpha1', kind: 'KubeNodeConfig', labels: { zone: 'a' } },
  ];
  assert.deepEqual(yes.map(mayRemoveExcludeLabel), yes.map(() => true));
  assert.deepEqual(no.map(mayRemoveExcludeLabel), no.map(() => false));
});
