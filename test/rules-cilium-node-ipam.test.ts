/**
 * Cilium Node IPAM (LoadBalancer class io.cilium/node, or no class with defaultLBServiceIPAM: nodeipam):
 * cilium/feature-off when Node IPAM is off or older than the pinned Cilium, cilium/node-ipam-no-node when every node
 * is a Talos ≥1.8 control plane carrying the exclude-from-external-load-balancers label, and k8s/lb-class-ignored's
 * message for LB-IPAM annotations on a Node IPAM Service.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import featureOff from '../src/rules/cilium/feature-off.js';
import nodeIpamNoNode from '../src/rules/cilium/node-ipam-no-node.js';
import lbClassIgnored from '../src/rules/k8s/lb-class-ignored.js';
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
/** A HelmRelease whose values come from a ConfigMap the repository does not show. */
const UNSEEN = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: 1.18.8\n      sourceRef: {kind: HelmRepository, name: cilium}\n  valuesFrom:\n    - kind: ConfigMap\n      name: cilium-values\n';

test('cilium/feature-off: Node IPAM Services', () => {
  ruleTester(featureOff, {
    valid: [
      { 'cilium/values.yaml': ON, 'svc.yaml': NODE_SVC },
      { 'cilium/helmrelease.yaml': hr('1.16.3', '    nodeIPAM:\n      enabled: true\n'), 'svc.yaml': NODE_SVC },
      // templated, or values the repository does not show
      { 'cilium/values.yaml': KPR + 'nodeIPAM:\n  enabled: ${NODE_IPAM}\n', 'svc.yaml': NODE_SVC },
      { 'cilium/helmrelease.yaml': UNSEEN, 'svc.yaml': NODE_SVC },
      // the operator's own key through extraConfig
      { 'cilium/values.yaml': KPR + 'extraConfig:\n  enable-node-ipam: "true"\n', 'svc.yaml': NODE_SVC },
      // no Cilium values at all
      { 'svc.yaml': NODE_SVC },
      // Services Node IPAM does not serve: LB-IPAM classes, no class with the default LB-IPAM, not a LoadBalancer
      { 'cilium/values.yaml': KPR, 'svc.yaml': svc('io.cilium/l2-announcer') },
      { 'cilium/values.yaml': KPR, 'svc.yaml': svc() },
      { 'cilium/values.yaml': KPR, 'svc.yaml': NODE_SVC.replace('type: LoadBalancer', 'type: ClusterIP') },
      // defaultLBServiceIPAM: nodeipam on 1.16 (the chart has no such value), templated, or unseen values above it
      { 'cilium/helmrelease.yaml': hr('1.16.3', '    defaultLBServiceIPAM: nodeipam\n'), 'svc.yaml': svc() },
      { 'cilium/values.yaml': KPR + 'defaultLBServiceIPAM: ${DEFAULT_IPAM}\n', 'svc.yaml': svc() },
      { 'cilium/values.yaml': KPR + 'defaultLBServiceIPAM: nodeipam\nnodeIPAM:\n  enabled: true\n', 'svc.yaml': svc() },
    ],
    invalid: [
      {
        files: { 'cilium/values.yaml': KPR + 'nodeIPAM:\n  enabled: false\n', 'svc.yaml': NODE_SVC },
        errors: [{ messageId: 'off', file: 'svc.yaml', line: 8, column: 22, data: { kind: 'Service', name: 'web', feature: 'Cilium Node IPAM', setting: 'nodeIPAM.enabled: true' } }],
      },
      { files: { 'cilium/values.yaml': KPR, 'svc.yaml': NODE_SVC }, errors: [{ messageId: 'unset', file: 'svc.yaml', line: 8, column: 22, data: { name: 'web' } }] },
      // Cilium 1.15 has no Node IPAM, whatever the values say
      {
        files: { 'cilium/helmrelease.yaml': hr('1.15.7'), 'svc.yaml': NODE_SVC },
        errors: [{ messageId: 'missing', file: 'svc.yaml', line: 8, column: 22, data: { name: 'web', feature: 'Cilium Node IPAM', version: '1.15.7', since: '1.16' } }],
      },
      { files: { 'cilium/helmrelease.yaml': hr('1.15.7', '    nodeIPAM:\n      enabled: true\n'), 'svc.yaml': NODE_SVC }, errors: [{ messageId: 'missing', line: 8, column: 22, data: { version: '1.15.7' } }] },
      // no class, and every release hands class-less Services to Node IPAM
      { files: { 'cilium/values.yaml': KPR + 'defaultLBServiceIPAM: nodeipam\n', 'svc.yaml': svc() }, errors: [{ messageId: 'unset', file: 'svc.yaml', line: 7, column: 9, data: { name: 'web' } }] },
      { files: { 'cilium/helmrelease.yaml': hr('1.17.4', '    defaultLBServiceIPAM: nodeipam\n    nodeIPAM:\n      enabled: false\n'), 'svc.yaml': svc() }, errors: [{ messageId: 'off', line: 7, column: 9 }] },
    ],
  });
});

/** Each finding as messageId, severity, position and its related locations (file:line:column message). */
const brief = (files: Record<string, string>, rule = featureOff) =>
  lintRepo(files, [rule]).map((d) => [d.messageId, d.severity, `${d.file}:${d.range.start.line}:${d.range.start.column}`, (d.related ?? []).map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column} ${r.message}`)]);

test('cilium/feature-off: Node IPAM severities and related locations', () => {
  // set off: an error pointing at the switch; left at the default: a warning
  assert.deepEqual(brief({ 'cilium/values.yaml': KPR + 'nodeIPAM:\n  enabled: false\n', 'svc.yaml': NODE_SVC }), [['off', 'error', 'svc.yaml:8:22', ['cilium/values.yaml:3:12 This turns Cilium Node IPAM off.']]]);
  assert.deepEqual(brief({ 'cilium/values.yaml': KPR, 'svc.yaml': NODE_SVC }), [['unset', 'warning', 'svc.yaml:8:22', []]]);
  // older than the feature: an error; a switch set there does nothing
  assert.deepEqual(brief({ 'cilium/helmrelease.yaml': hr('1.15.7', '    nodeIPAM:\n      enabled: true\n'), 'svc.yaml': NODE_SVC }), [
    ['missing', 'error', 'svc.yaml:8:22', ['cilium/helmrelease.yaml:14:16 Cilium 1.15.7 has no Cilium Node IPAM: this value does nothing.']],
  ]);
  // a class-less Service names where the default hands it to Node IPAM
  assert.deepEqual(brief({ 'cilium/values.yaml': KPR + 'defaultLBServiceIPAM: nodeipam\n', 'svc.yaml': svc() }), [
    ['unset', 'warning', 'svc.yaml:7:9', ['cilium/values.yaml:2:23 defaultLBServiceIPAM: nodeipam hands LoadBalancer Services without a loadBalancerClass to Node IPAM.']],
  ]);
});

test('cilium/feature-off: Node IPAM judged on the releases that govern the running Cilium', () => {
  const helmfile = (version: string) => `releases:\n  - name: cilium\n    namespace: kube-system\n    chart: cilium/cilium\n    version: ${version}\n    values:\n      - kubeProxyReplacement: true\n`;
  // a 1.15 bootstrap install under a 1.16 GitOps release: Node IPAM exists, and the GitOps release leaves it off
  assert.deepEqual(brief({ 'bootstrap/helmfile.yaml': helmfile('1.15.7'), 'cilium/helmrelease.yaml': hr('1.16.3'), 'svc.yaml': NODE_SVC }).map((f) => f[0]), ['unset']);
  // the GitOps release turns it on: the bootstrap's version does not speak for the running Cilium
  assert.deepEqual(brief({ 'bootstrap/helmfile.yaml': helmfile('1.15.7'), 'cilium/helmrelease.yaml': hr('1.16.3', '    nodeIPAM:\n      enabled: true\n'), 'svc.yaml': NODE_SVC }), []);
  // the default set on the bootstrap only: the GitOps release (LB-IPAM default) serves class-less Services
  const bootstrapDefault = helmfile('1.17.4').replace('      - kubeProxyReplacement: true\n', '      - kubeProxyReplacement: true\n        defaultLBServiceIPAM: nodeipam\n');
  assert.deepEqual(brief({ 'bootstrap/helmfile.yaml': bootstrapDefault, 'cilium/helmrelease.yaml': hr('1.17.4'), 'svc.yaml': svc() }), []);
  // a kustomize patch file of the Service is a partial copy: the base's finding is the one
  const files = {
    'cilium/values.yaml': KPR,
    'apps/base/svc.yaml': NODE_SVC,
    'apps/base/kustomization.yaml': 'resources:\n  - svc.yaml\n',
    'apps/lab/kustomization.yaml': 'resources:\n  - ../base\npatches:\n  - path: svc-patch.yaml\n',
    'apps/lab/svc-patch.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: web\nspec:\n  type: LoadBalancer\n  loadBalancerClass: io.cilium/node\n',
  };
  assert.deepEqual(brief(files).map((f) => f[2]), ['apps/base/svc.yaml:8:22']);
});

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
    // talium's Talos 1.14 patch for schedulable control planes: the taint goes, the label stays
    { apiVersion: 'v1alpha1', kind: 'KubeNodeConfig', taints: { 'node-role.kubernetes.io/control-plane': { $patch: 'delete' } } },
  ];
  assert.deepEqual(yes.map(mayRemoveExcludeLabel), yes.map(() => true));
  assert.deepEqual(no.map(mayRemoveExcludeLabel), no.map(() => false));
});

test('k8s/lb-class-ignored: LB-IPAM annotations on a Node IPAM Service', () => {
  const ann = (keys: string[]) => keys.length ? keys.map((k) => `    ${k}: "x"\n`).join('') : '';
  const withAnn = (keys: string[]) => svc('io.cilium/node').replace('  namespace: web\n', `  namespace: web\n  annotations:\n${ann(keys)}`);
  ruleTester(lbClassIgnored, {
    valid: [{ 'svc.yaml': NODE_SVC }],
    invalid: [
      { files: { 'svc.yaml': withAnn(['lbipam.cilium.io/ips']) }, errors: [{ messageId: 'nodeIpam', file: 'svc.yaml', line: 10, column: 22, data: { name: 'web', class: 'io.cilium/node', annotations: 'lbipam.cilium.io/ips' } }] },
      { files: { 'svc.yaml': withAnn(['io.cilium/lb-ipam-ips', 'lbipam.cilium.io/sharing-key']) }, errors: [{ messageId: 'nodeIpam', line: 11, column: 22, data: { annotations: 'io.cilium/lb-ipam-ips, lbipam.cilium.io/sharing-key' } }] },
    ],
  });
});

test('cilium/node-ipam-no-node: a generated control-plane config without the label removes it; a patch shaped like one does not', () => {
  /** A control-plane config with node labels but not the exclude label; `secrets`: the token and CA talosctl gen config writes. */
  const cpConfig = (secrets: boolean) =>
    `version: v1alpha1\nmachine:\n  type: controlplane\n${secrets ? '  token: abcdef.0123456789abcdef\n  ca:\n    crt: LS0t\n    key: LS0t\n' : ''}  nodeLabels:\n    topology.kubernetes.io/zone: a\ncluster:\n  clusterName: home\n`;
  ruleTester(nodeIpamNoNode, {
    // what talosctl gen config wrote, edited: the label is gone from what the node runs
    valid: [base(talconfig('v1.10.5', CPS), { 'talos/controlplane.yaml': cpConfig(true) })],
    // a patch (Terraform config_patches) that starts like a whole config: the base's generated label stays
    invalid: [{ files: base(talconfig('v1.10.5', CPS), { 'talos/controlplane.yaml': cpConfig(false) }), errors: [{ ...NO_NODE, data: { talos: '1.10.5', count: 3 } }] }],
  });
  assert.deepEqual(brief(base(talconfig('v1.10.5', CPS), { 'talos/controlplane.yaml': cpConfig(false) }), nodeIpamNoNode).map((f) => [f[0], f[1], f[2]]), [['noNode', 'warning', 'svc.yaml:8:22']]);
});
