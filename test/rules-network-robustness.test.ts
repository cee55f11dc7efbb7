/** The network and k8s rules (and the plan) never throw on malformed or hostile documents. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K8S_RULES } from '../src/rules/k8s/index.js';
import { NETWORK_RULES } from '../src/rules/network/index.js';
import { lintRepo } from '../src/testing/rule-tester.js';

const WEIRD: Record<string, string> = {
  'a.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: []\nspec:\n  blocks: {cidr: 1}\n  serviceSelector: 7\n',
  'b.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: b\nspec:\n  blocks:\n    - null\n    - cidr: [1, 2]\n    - start: 7\n      stop: {}\n    - cidr: "::/0"\n  allowFirstLastIPs: 3\n',
  'c.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: c\n  annotations:\n    lbipam.cilium.io/ips: ",,, ,"\n    io.cilium/lb-ipam-ips: 5\n    lbipam.cilium.io/sharing-cross-namespace: ["x"]\nspec:\n  type: LoadBalancer\n  loadBalancerIP: {}\n  loadBalancerClass: 4\n',
  'd.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: d\ndata: [1, 2]\nstringData:\n  a: 12\n',
  'e.yaml': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-proxy\nspec:\n  template:\n    spec:\n      containers: "nope"\n',
  'talos/f.yaml': 'machine:\n  type: 5\n  network:\n    interfaces:\n      - 7\n      - interface: eth0\n        addresses: [null, "300.1.1.1/24", "10.0.0.5/99", "fe80::1/64"]\n        routes: [null, {network: 7}]\n        vip: []\n        vlans: [1, {vlanId: "x", addresses: ["10.1.0.2/24"]}]\ncluster:\n  network:\n    podSubnets: "10.0.0.0/8"\n  proxy: []\n',
  'talos/talconfig.yaml': 'clusterName: x\nnodes: [1, {hostname: 7, ipAddress: [1]}, {networkInterfaces: {}}]\nclusterPodNets: 7\n',
  'hr.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: {}\n  valuesFrom: [7, {kind: ConfigMap}]\n  values:\n    l2announcements: true\n    kubeProxyReplacement: [1]\n    gatewayAPI: 3\n',
  'l2.yaml': 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  serviceSelector:\n    matchExpressions: [7, {key: 1}]\n  loadBalancerIPs: true\n',
  'talium.config.yaml': 'plan:\n  lan: 7\n  dhcp: {start: 1}\n  reserved: [null, "x-y", "10.0.0.9-10.0.0.1"]\n  podCidrs: "nope"\n',
};

test('no rule throws on malformed documents and every finding has a position', () => {
  const got = lintRepo(WEIRD, [...NETWORK_RULES, ...K8S_RULES]);
  for (const d of got) {
    assert.ok(d.range.start.line >= 1 && d.range.start.column >= 1, `${d.ruleId} position`);
    assert.doesNotMatch(d.message, /\{\{|undefined|NaN|\[object/, `${d.ruleId} message rendered: ${d.message}`);
  }
  // the malformed pool blocks are reported, not ignored
  assert.ok(got.some((d) => d.ruleId === 'network/pool-block-invalid' && d.file === 'b.yaml'));
});

test('every rule survives a repository with only non-YAML-object documents', () => {
  assert.deepEqual(lintRepo({ 'x.yaml': '- 1\n- 2\n', 'y.yaml': '"just a string"\n', 'z.yaml': '42\n' }, [...NETWORK_RULES, ...K8S_RULES]), []);
});
