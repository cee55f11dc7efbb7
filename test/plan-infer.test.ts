/** Network-plan inference: Talos legacy + multi-doc configs, talhelper, cluster.yaml, overrides, provenance. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildClusterGroups } from '../src/plan/index.js';
import { factAt, firstPlan } from '../src/testing/plan-facts.js';
import { parseRepo } from '../src/testing/rule-tester.js';
import type { PlanNode } from '../src/plan/types.js';

const plan = firstPlan;
const at = factAt;

test('legacy Talos interfaces with a VLAN give LAN, gateway, VIP, node and link name, with provenance', () => {
  const p = plan({
    'talos/cp1.yaml': [
      'machine:',
      '  type: controlplane',
      '  network:',
      '    hostname: cp1',
      '    interfaces:',
      '      - interface: enp1s0',
      '        vlans:',
      '          - vlanId: 50',
      '            addresses: [10.50.0.11/24]',
      '            routes:',
      '              - network: 0.0.0.0/0',
      '                gateway: 10.50.0.1',
      '            vip:',
      '              ip: 10.50.0.10',
      'cluster:',
      '  network:',
      '    cni:',
      '      name: none',
      '    podSubnets: [10.244.0.0/16]',
      '  proxy:',
      '    disabled: true',
      '',
    ].join('\n'),
  });
  assert.equal(p.lan?.value.canonical, '10.50.0.0/24');
  assert.equal(at(p.lan), 'talos/cp1.yaml:9:25');
  assert.equal(p.gateway?.value.text, '10.50.0.1');
  assert.equal(at(p.gateway), 'talos/cp1.yaml:12:26');
  assert.equal(p.vip?.value.text, '10.50.0.10');
  assert.equal(at(p.vip), 'talos/cp1.yaml:14:19');
  assert.deepEqual(p.nodes.map((n) => [n.name, n.role, n.address?.value.text, n.links.map((l) => l.value)]), [['cp1', 'controlplane', '10.50.0.11', ['enp1s0.50']]]);
  assert.deepEqual(p.podCidrs.map((c) => c.value.canonical), ['10.244.0.0/16']);
  assert.equal(p.talos.cni?.value, 'none');
  assert.equal(p.talos.kubeProxyDisabled?.value, true);
  assert.equal(at(p.talos.kubeProxyDisabled), 'talos/cp1.yaml:21:15');
});

test('Talos 1.12+ multi-doc configs: LinkConfig, VLANConfig, Layer2VIPConfig, HostnameConfig, Kube* documents', () => {
  const p = plan({
    'talos/n1.yaml': [
      'apiVersion: v1alpha1',
      'kind: HostnameConfig',
      'hostname: n1',
      '---',
      'apiVersion: v1alpha1',
      'kind: VLANConfig',
      'name: enp1s0.50',
      'vlanID: 50',
      'parent: enp1s0',
      'addresses:',
      '  - address: 192.168.50.21/24',
      'routes:',
      '  - gateway: 192.168.50.1',
      '---',
      'apiVersion: v1alpha1',
      'kind: Layer2VIPConfig',
      'name: 192.168.50.20',
      'link: enp1s0.50',
      '---',
      'apiVersion: v1alpha1',
      'kind: KubeProxyConfig',
      'enabled: false',
      '---',
      'apiVersion: v1alpha1',
      'kind: KubeFlannelCNIConfig',
      '$patch: delete',
      '---',
      'apiVersion: v1alpha1',
      'kind: KubePrismConfig',
      'port: 7446',
      '---',
      'apiVersion: v1alpha1',
      'kind: KubeNetworkConfig',
      'podSubnets: [10.42.0.0/16]',
      'serviceSubnets: [10.43.0.0/16]',
      '',
    ].join('\n'),
    'talos/n2.yaml': 'apiVersion: v1alpha1\nkind: LinkConfig\nname: eno1\naddresses:\n  - address: 192.168.50.22/24\n',
  });
  assert.equal(p.lan?.value.canonical, '192.168.50.0/24');
  assert.equal(p.gateway?.value.text, '192.168.50.1');
  assert.equal(at(p.gateway), 'talos/n1.yaml:13:14');
  assert.equal(p.vip?.value.text, '192.168.50.20');
  assert.deepEqual(p.nodes.map((n) => [n.name, n.address?.value.text, n.links.map((l) => l.value).join()]), [['n1', '192.168.50.21', 'enp1s0.50'], ['n2', '192.168.50.22', 'eno1']]);
  assert.deepEqual(p.talos.kubePrism?.value, { enabled: true, port: 7446 });
  assert.equal(p.talos.kubeProxyDisabled?.value, true);
  assert.equal(p.talos.cni?.value, 'none');
  assert.deepEqual(p.serviceCidrs.map((c) => c.value.canonical), ['10.43.0.0/16']);
});

test('nodes on different subnets give no LAN; link-local point-to-point addresses are ignored', () => {
  const p = plan({
    'talos/a.yaml': 'machine:\n  network:\n    interfaces:\n      - interface: eth0\n        addresses: [10.0.1.5/24]\n',
    'talos/b.yaml': 'apiVersion: v1alpha1\nkind: LinkConfig\nname: tb0\naddresses:\n  - address: 169.254.255.21/32\n---\napiVersion: v1alpha1\nkind: LinkConfig\nname: eth0\naddresses:\n  - address: 10.0.2.5/24\n',
  });
  assert.equal(p.lan, undefined);
  assert.deepEqual(p.nodes.map((n) => n.address?.value.text), ['10.0.1.5', '10.0.2.5']);
});

test('talhelper: nodes, versions, pod/service nets; ${VAR} placeholders stay unknown', () => {
  const g = buildClusterGroups(parseRepo({ 'talos/talconfig.yaml': 'clusterName: x\ntalosVersion: v1.11.3\nkubernetesVersion: ${K8S}\nclusterSvcNets: [10.96.0.0/12]\nnodes:\n  - hostname: a\n    ipAddress: ${A_IP}\n    controlPlane: true\n  - hostname: b\n    ipAddress: 10.0.0.12\n' }))[0]!;
  const p = g.plan;
  assert.equal(p.versions.talos?.value, '1.11.3');
  assert.equal(p.versions.kubernetes, undefined);
  assert.deepEqual(p.nodes.map((n) => [n.name, n.role, n.address?.value.text]), [['b', 'worker', '10.0.0.12']]);
  assert.equal(p.lan, undefined, 'no prefix written: LAN unknown, not guessed');
  assert.equal(p.talos.docs.length, 1);
});

test('talhelper: ${VAR} versions resolve from talenv.yaml next to talconfig.yaml (not from other folders or encrypted values)', () => {
  const talconfig = 'clusterName: x\ntalosVersion: ${talosVersion}\nkubernetesVersion: "${kubernetesVersion}"\nnodes: []\n';
  const p = plan({
    'talos/talconfig.yaml': talconfig,
    'talos/talenv.yaml': '# renovate: datasource=docker\ntalosVersion: v1.13.9\nkubernetesVersion: ENC[AES256_GCM,data:x,type:str]\n',
    'other/talenv.yaml': 'kubernetesVersion: v1.30.0\n',
  });
  assert.equal(p.versions.talos?.value, '1.13.9');
  assert.equal(at(p.versions.talos), 'talos/talenv.yaml:2:15');
  assert.equal(p.versions.kubernetes, undefined);
});

test('talhelper: node addresses, VIP and gateway written as ${VAR} come from talenv.yaml (an encrypted or unset one stays unknown)', () => {
  const node = (n: number, ip: string) =>
    `  - hostname: cp-${n}\n    ipAddress: ${ip}\n    controlPlane: true\n    networkInterfaces:\n      - interface: eno1\n        addresses: ["${ip}/24"]\n        routes:\n          - network: 0.0.0.0/0\n            gateway: \${gateway}\n        vip:\n          ip: \${vip}\n`;
  const talconfig = `clusterName: \${clusterName}\nendpoint: https://\${vip}:6443\nnodes:\n${node(1, '${cp1}')}${node(2, '${cp2}')}${node(3, '${cp3}')}`;
  const p = plan({
    'talos/talconfig.yaml': talconfig,
    'talos/talenv.yaml': 'clusterName: home\ngateway: 10.0.5.1\nvip: 10.0.5.200\ncp1: 10.0.5.201\ncp2: 10.0.5.202\n',
    'talos/talenv.sops.yaml': 'cp3: ENC[AES256_GCM,data:x,type:str]\nsops:\n  version: 3.9.0\n',
  });
  assert.equal(p.lan?.value.canonical, '10.0.5.0/24');
  assert.equal(p.gateway?.value.text, '10.0.5.1');
  assert.equal(p.vip?.value.text, '10.0.5.200');
  assert.deepEqual(p.nodes.map((n) => [n.name, n.address?.value.text]), [['cp-1', '10.0.5.201'], ['cp-2', '10.0.5.202']]);
  // the fact points at talconfig.yaml, whose document records where each value came from
  assert.equal(at(p.vip), 'talos/talconfig.yaml:14:15');
  const talconfigDoc = p.talos.docs.find((d) => d.file.path === 'talos/talconfig.yaml')!;
  const vipSub = talconfigDoc.substitutions.find((s) => s.path.join('.') === 'nodes.0.networkInterfaces.0.vip.ip')!;
  assert.deepEqual([vipSub.name, vipSub.value, vipSub.from?.doc.file.path, vipSub.from?.path.join('.')], ['vip', '10.0.5.200', 'talos/talenv.yaml', 'vip']);
  assert.equal(talconfigDoc.templated, true, 'cp3 is still a placeholder');
});

test('talhelper: talenv values are raw text (godotenv): a YAML number such as 1.30 is not guessed', () => {
  const p = plan({
    'talos/talconfig.yaml': 'clusterName: x\ntalosVersion: v${TALOS}\nkubernetesVersion: v${K8S_MINOR}.2\nnodes: []\n',
    'talos/talenv.yaml': 'TALOS: "1.12.6"\nK8S_MINOR: 1.30\n',
  });
  assert.equal(p.versions.talos?.value, '1.12.6');
  assert.equal(p.versions.kubernetes, undefined, 'not 1.3.2');
});

test('talium.config.yaml plan overrides win over inferred facts and point at the config', () => {
  const p = plan({
    'talos/a.yaml': 'machine:\n  network:\n    interfaces:\n      - interface: eth0\n        addresses: [10.0.1.5/24]\n',
    'talium.config.yaml': 'plan:\n  lan: 10.0.0.0/16\n  dhcp: 10.0.1.100-10.0.1.199\n  reserved: [10.0.1.250/31]\n  versions:\n    cilium: v1.18.4\n',
  });
  assert.equal(p.lan?.value.canonical, '10.0.0.0/16');
  assert.equal(at(p.lan), 'talium.config.yaml:2:8');
  assert.equal(p.dhcp && `${p.dhcp.value.first}-${p.dhcp.value.last}`, `${(10n << 24n) + 256n + 100n}-${(10n << 24n) + 256n + 199n}`);
  assert.equal(p.reserved.length, 1);
  assert.equal(p.versions.cilium?.value, '1.18.4');
});

test('an explicit PlanConfig (from the lint engine) is used instead of a config document', () => {
  const g = buildClusterGroups(parseRepo({ 'x.yaml': 'a: 1\n' }), { values: { gateway: '192.168.1.1', podCidrs: ['10.1.0.0/16', 'bogus'] } })[0]!;
  assert.equal(g.plan.gateway?.value.text, '192.168.1.1');
  assert.equal(g.plan.gateway?.from.note, 'plan.gateway');
  assert.deepEqual(g.plan.podCidrs.map((c) => c.value.canonical), ['10.1.0.0/16']);
});

test('a talium cluster.yaml gives the plan directly', () => {
  const p = plan({
    'clusters/home/cluster.yaml': [
      'versions: {talos: 1.11.3, kubernetes: 1.34.1, cilium: 1.18.4}',
      'lan:',
      '  vlan: 50',
      '  cidr: 10.50.0.0/24',
      '  gateway: 10.50.0.1',
      '  dhcp: 10.50.0.100-10.50.0.199',
      'cluster:',
      '  vip: 10.50.0.10',
      'nodes:',
      '  - {name: cp1, role: controlplane, address: 10.50.0.11, nic: enp1s0, vlan: tagged}',
      '  - {name: w1, role: worker, address: 10.50.0.21, nic: enp2s0, vlan: native}',
      'pools: []',
      '',
    ].join('\n'),
  });
  assert.equal(p.lan?.value.canonical, '10.50.0.0/24');
  assert.equal(p.vlan?.value, 50);
  assert.equal(p.vip?.value.text, '10.50.0.10');
  assert.equal(p.versions.cilium?.value, '1.18.4');
  assert.deepEqual(p.nodes.map((n) => [n.name, n.links[0]?.value]), [['cp1', 'enp1s0.50'], ['w1', 'enp2s0']]);
  assert.deepEqual(p.talos.kubePrism?.value, { enabled: true, port: 7445 });
  assert.deepEqual([p.podCidrs[0]?.value.canonical, p.serviceCidrs[0]?.value.canonical], ['10.244.0.0/16', '10.96.0.0/12']);
});

test('Talos and Kubernetes versions from installer and kubelet image tags', () => {
  const p = plan({
    'talos/cp.yaml': 'machine:\n  install:\n    image: factory.talos.dev/installer/376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba:v1.11.3\n  kubelet:\n    image: ghcr.io/siderolabs/kubelet:v1.34.1\n',
    'talos/w.yaml': 'machine:\n  install:\n    image: ghcr.io/siderolabs/installer:${TALOS_VERSION}\n',
  });
  assert.equal(p.versions.talos?.value, '1.11.3');
  assert.equal(at(p.versions.talos), 'talos/cp.yaml:3:12');
  assert.equal(p.versions.kubernetes?.value, '1.34.1');
});

test('a two-NIC node sits on the LAN of its default route, not on the first interface listed', () => {
  const node = (n: number, routes: boolean) =>
    [
      'machine:',
      '  type: controlplane',
      '  network:',
      `    hostname: node${n}`,
      '    interfaces:',
      '      - interface: enp2s0',
      `        addresses: [10.99.0.${n}/24]`,
      '      - interface: enp1s0',
      `        addresses: [192.168.1.1${n}/24]`,
      ...(routes ? ['        routes:', '          - network: 0.0.0.0/0', '            gateway: 192.168.1.1'] : []),
      '',
    ].join('\n');
  const p = plan({ 'talos/node1.yaml': node(1, true), 'talos/node2.yaml': node(2, false) });
  assert.deepEqual(p.nodes.map((n) => n.address?.value.text), ['192.168.1.11', '192.168.1.12']);
  assert.equal(p.lan?.value.canonical, '192.168.1.0/24');
  assert.equal(at(p.lan), 'talos/node1.yaml:9:21');
  assert.equal(p.gateway?.value.text, '192.168.1.1');
  // without a route or VIP anywhere the first address written stays
  const q = plan({ 'talos/node1.yaml': node(1, false) });
  assert.equal(q.nodes[0]?.address?.value.text, '10.99.0.1');
});

test('VLAN: inferred when every node LAN address sits on a VLAN link with the same id', () => {
  const legacy = (n: number, vlan: number) => `machine:\n  network:\n    hostname: n${n}\n    interfaces:\n      - interface: enp1s0\n        vlans:\n          - vlanId: ${vlan}\n            addresses: [10.50.0.1${n}/24]\n`;
  const multi = 'apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: n3\n---\napiVersion: v1alpha1\nkind: VLANConfig\nname: enp1s0.50\nvlanID: 50\nparent: enp1s0\naddresses:\n  - address: 10.50.0.13/24\n';
  const p = plan({ 'talos/n1.yaml': legacy(1, 50), 'talos/n2.yaml': legacy(2, 50), 'talos/n3.yaml': multi });
  assert.equal(p.vlan?.value, 50);
  assert.equal(at(p.vlan), 'talos/n1.yaml:7:21');
  assert.deepEqual(p.nodes.map((n) => n.links.map((l) => l.value)), [['enp1s0.50'], ['enp1s0.50'], ['enp1s0.50']]);
  // one node untagged, or two different ids: unknown
  assert.equal(plan({ 'talos/n1.yaml': legacy(1, 50), 'talos/n2.yaml': 'machine:\n  network:\n    hostname: n2\n    interfaces:\n      - interface: enp1s0\n        addresses: [10.50.0.12/24]\n' }).vlan, undefined);
  assert.equal(plan({ 'talos/n1.yaml': legacy(1, 50), 'talos/n2.yaml': legacy(2, 60) }).vlan, undefined);
});

test('Talos version from Image Factory platform installers, secureboot installers and digest-pinned tags', () => {
  const id = '376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba';
  const cases: Array<[string, string | undefined]> = [
    [`factory.talos.dev/metal-installer/${id}:v1.14.1`, '1.14.1'],
    [`factory.talos.dev/metal-installer-secureboot/${id}:v1.12.4`, '1.12.4'],
    [`factory.talos.dev/nocloud-installer/${id}:v1.13.0-beta.1`, '1.13.0'],
    [`ghcr.io/siderolabs/installer:v1.11.5@sha256:${'a'.repeat(64)}`, '1.11.5'],
    ['ghcr.io/siderolabs/imager:v1.11.5', undefined],
  ];
  for (const [image, want] of cases) {
    const p = plan({ 'talos/cp.yaml': `machine:\n  install:\n    image: ${image}\n` });
    assert.equal(p.versions.talos?.value, want, image);
  }
});

test('Talos JSON6902 patches that set interfaces, subnets and kube-proxy', () => {
  const p = plan({
    'talos/cp1.yaml': [
      '- op: add',
      '  path: /machine/network/interfaces',
      '  value:',
      '    - interface: eth0',
      '      addresses: [192.168.1.21/24]',
      '      routes:',
      '        - network: 0.0.0.0/0',
      '          gateway: 192.168.1.1',
      '- op: add',
      '  path: /machine/network/interfaces/-',
      '  value:',
      '    interface: eth1',
      '    vip:',
      '      ip: 192.168.1.20',
      '- op: replace',
      '  path: /cluster/network/podSubnets',
      '  value: [10.42.0.0/16]',
      '- op: add',
      '  path: /cluster/proxy/disabled',
      '  value: true',
      '',
    ].join('\n'),
  });
  assert.equal(p.lan?.value.canonical, '192.168.1.0/24');
  assert.equal(p.gateway?.value.text, '192.168.1.1');
  assert.equal(p.vip?.value.text, '192.168.1.20');
  assert.equal(at(p.vip), 'talos/cp1.yaml:14:11');
  assert.deepEqual(p.podCidrs.map((c) => c.value.canonical), ['10.42.0.0/16']);
  assert.equal(at(p.podCidrs[0]), 'talos/cp1.yaml:17:11');
  assert.equal(p.talos.kubeProxyDisabled?.value, true);
  assert.equal(p.talos.docs.length, 1);
  // a Kustomize JSON patch (/spec/...) is not a Talos document
  assert.equal(plan({ 'k/patch.yaml': '- op: replace\n  path: /spec/blocks/0/cidr\n  value: 10.0.0.0/24\n' }).talos.docs.length, 0);
});

test('Talos booleans read as Talos reads them: a plain yes/off in proxy.disabled or KubeProxyConfig.enabled (go-yaml v3 typed bool)', () => {
  const legacy = plan({ 'talos/cp.yaml': 'machine:\n  type: controlplane\ncluster:\n  proxy:\n    disabled: yes\n' });
  assert.equal(legacy.talos.kubeProxyDisabled?.value, true);
  assert.equal(at(legacy.talos.kubeProxyDisabled), 'talos/cp.yaml:5:15');
  const doc = plan({ 'talos/kp.yaml': 'apiVersion: v1alpha1\nkind: KubeProxyConfig\nenabled: off\n' });
  assert.equal(doc.talos.kubeProxyDisabled?.value, true);
  // a string Talos would refuse is no fact
  assert.equal(plan({ 'talos/cp.yaml': 'machine:\n  type: controlplane\ncluster:\n  proxy:\n    disabled: maybe\n' }).talos.kubeProxyDisabled, undefined);
});

test('node roles carry where they are said: machine.type, the talhelper node entry, cluster.yaml; cluster.etcd and a workers/ folder alone leave the role unknown', () => {
  const where = (n: PlanNode): string => {
    if (!n.roleFrom?.doc) return '';
    const r = n.roleFrom.doc.locate(n.roleFrom.path ?? []);
    return `${n.roleFrom.doc.file.path}:${r.start.line}:${r.start.column}`;
  };
  const iface = (host: string, ip: string) => ['  network:', `    hostname: ${host}`, '    interfaces:', '      - interface: eth0', `        addresses: [${ip}/24]`];
  // patches only: the node's own machine.type (init counts as controlplane); etcd settings and a workers/ folder are no proof
  const p = plan({
    'talos/nodes/a.yaml': ['machine:', '  type: init', ...iface('a', '10.0.0.11'), ''].join('\n'),
    'talos/nodes/b.yaml': ['machine:', '  type: worker', ...iface('b', '10.0.0.21'), ''].join('\n'),
    'talos/nodes/c.yaml': ['machine:', ...iface('c', '10.0.0.12'), 'cluster:', '  etcd:', '    advertisedSubnets: [10.0.0.0/24]', ''].join('\n'),
    'talos/workers/d.yaml': ['machine:', ...iface('d', '10.0.0.22'), ''].join('\n'),
  });
  assert.deepEqual(p.nodes.map((n) => [n.name, n.role ?? '?', where(n)]), [
    ['a', 'controlplane', 'talos/nodes/a.yaml:2:9'],
    ['b', 'worker', 'talos/nodes/b.yaml:2:9'],
    ['c', '?', ''],
    ['d', '?', ''],
  ]);
  // talhelper: the node entry's controlPlane (or its default) wins over the patch's file name
  const t = plan({
    'talos/talconfig.yaml': ['clusterName: k', 'endpoint: https://10.0.0.10:6443', 'nodes:', '  - hostname: cp1', '    ipAddress: 10.0.0.11', '    controlPlane: true', '  - hostname: w1', '    ipAddress: 10.0.0.21', ''].join('\n'),
  });
  assert.deepEqual(t.nodes.map((n) => [n.name, n.role, where(n)]), [['cp1', 'controlplane', 'talos/talconfig.yaml:6:19'], ['w1', 'worker', 'talos/talconfig.yaml:7:5']]);
  assert.equal(t.nodes[1]!.roleFrom?.note, 'talhelper default: controlPlane false');
  // cluster.yaml
  const c = plan({ 'clusters/lab/cluster.yaml': ['lan:', '  cidr: 10.0.0.0/24', 'nodes:', '  - {name: w1, role: worker, address: 10.0.0.21}', 'pools: []', ''].join('\n') });
  assert.deepEqual(c.nodes.map((n) => [n.name, n.role, where(n)]), [['w1', 'worker', 'clusters/lab/cluster.yaml:4:22']]);
});
