/** Tests for talos/deprecated-fields: legacy v1alpha1 fields on the Talos minors that deprecate them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../src/generate/run.js';
import deprecatedFields from '../src/rules/talos/deprecated-fields.js';
import { loadClusterSpec } from '../src/spec/load.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';

const version = (v: string) => `plan:\n  versions:\n    talos: ${v}\n`;
const NODE = [
  'machine:', //                       1
  '  network:', //                     2
  '    hostname: cp1', //              3
  '    interfaces:', //                4
  '      - interface: enp1s0', //      5
  '        vlans:', //                 6
  '          - vlanId: 50', //         7
  '            addresses: [10.50.0.11/24]',
  '            vip:',
  '              ip: 10.50.0.10',
  '',
].join('\n');
const CLUSTER = [
  'machine:', //                       1
  '  features:', //                    2
  '    kubePrism:', //                 3
  '      enabled: true',
  '      port: 7445',
  'cluster:', //                       6
  '  network:', //                     7
  '    cni:',
  '      name: none',
  '  proxy:', //                       10
  '    disabled: true',
  '  inlineManifests:', //             12
  '    - name: cilium',
  '      contents: ""',
  '  extraManifests:', //              15
  '    - https://example.org/a.yaml',
  '',
].join('\n');
const DOCS = [
  'apiVersion: v1alpha1\nkind: HostnameConfig\nauto: "off"\nhostname: cp1',
  'apiVersion: v1alpha1\nkind: LinkConfig\nname: enp1s0\nup: true',
  'apiVersion: v1alpha1\nkind: VLANConfig\nname: enp1s0.50\nparent: enp1s0\nvlanID: 50\naddresses:\n  - address: 10.50.0.11/24',
  'apiVersion: v1alpha1\nkind: Layer2VIPConfig\nname: 10.50.0.10\nlink: enp1s0.50',
  'apiVersion: v1alpha1\nkind: ResolverConfig\nnameservers:\n  - address: 10.50.0.1',
  'apiVersion: v1alpha1\nkind: KubeFlannelCNIConfig\n$patch: delete',
  'apiVersion: v1alpha1\nkind: KubeProxyConfig\nenabled: false',
  'apiVersion: v1alpha1\nkind: KubePrismConfig\nport: 7445',
  'apiVersion: v1alpha1\nkind: KubeNetworkConfig\npodSubnets:\n  - 10.244.0.0/16',
].join('\n---\n') + '\n';
const talconfig = (v: string, extra = '') =>
  `clusterName: home\ntalosVersion: ${v}\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n    nameservers: [10.50.0.1]\n    networkInterfaces:\n      - interface: enp1s0\n        addresses: [10.50.0.11/24]\n        vip:\n          ip: 10.50.0.10\n${extra}`;

const IFACES = { field: '.machine.network.interfaces', since: '1.12', replacement: 'LinkConfig, VLANConfig, Layer2VIPConfig' };
const HOST = { field: '.machine.network.hostname', since: '1.12', replacement: 'HostnameConfig' };

test('talos/deprecated-fields: .machine.network on Talos 1.12 and later', () => {
  ruleTester(deprecatedFields, {
    valid: [
      // 1.11 predates the network documents
      { 'talos/nodes/cp1.yaml': NODE, 'talium.config.yaml': version('1.11.5') },
      // unknown version: silent
      { 'talos/nodes/cp1.yaml': NODE },
      // an open range does not pin a minor
      { 'talos/nodes/cp1.yaml': NODE, 'talium.config.yaml': version('>=1.12.0') },
      // the new documents
      { 'talos/nodes/cp1.yaml': DOCS, 'talium.config.yaml': version('1.14.1') },
      // KubeSpan stays in v1alpha1; empty or deleted fields set nothing
      { 'talos/nodes/cp1.yaml': 'machine:\n  network:\n    kubespan:\n      enabled: true\n    interfaces: []\n    hostname: ""\n', 'talium.config.yaml': version('1.14.1') },
    ],
    invalid: [
      {
        files: { 'talos/nodes/cp1.yaml': NODE, 'talium.config.yaml': version('1.12.3') },
        errors: [
          { messageId: 'deprecated', file: 'talos/nodes/cp1.yaml', line: 3, column: 5, data: { ...HOST, version: '1.12.3' } },
          { messageId: 'deprecated', file: 'talos/nodes/cp1.yaml', line: 4, column: 5, data: { ...IFACES, version: '1.12.3' } },
        ],
      },
      {
        files: { 'talos/nodes/cp1.yaml': NODE, 'talium.config.yaml': version('1.14.1') },
        errors: [
          { line: 3, column: 5, data: HOST },
          { line: 4, column: 5, data: { ...IFACES, version: '1.14.1' } },
        ],
      },
      // the version from the installer image of a full machine config; replacement narrowed to what is used
      {
        files: {
          'talos/cp1.yaml':
            'version: v1alpha1\nmachine:\n  type: controlplane\n  install:\n    image: ghcr.io/siderolabs/installer:v1.13.2\n  network:\n    nameservers: [10.50.0.1]\n    interfaces:\n      - interface: bond0\n        dhcp: true\n        bond:\n          interfaces: [enp1s0, enp2s0]\ncluster:\n  proxy:\n    disabled: true\n',
        },
        errors: [
          { line: 7, column: 5, data: { field: '.machine.network.nameservers', replacement: 'ResolverConfig', version: '1.13.2' } },
          { line: 8, column: 5, data: { field: '.machine.network.interfaces', replacement: 'BondConfig, DHCPv4Config' } },
        ],
      },
    ],
  });
});

test('talos/deprecated-fields: Kubernetes settings on Talos 1.14 and later', () => {
  ruleTester(deprecatedFields, {
    valid: [
      { 'talos/patches/cluster.yaml': CLUSTER, 'talium.config.yaml': version('1.13.9') },
      { 'talos/patches/cluster.yaml': CLUSTER },
      // deleting the legacy field is the migration, not a use
      { 'talos/patches/cluster.yaml': 'machine:\n  features:\n    kubePrism:\n      $patch: delete\n', 'talium.config.yaml': version('1.14.1') },
    ],
    invalid: [
      {
        files: { 'talos/patches/cluster.yaml': CLUSTER, 'talium.config.yaml': version('1.14.1') },
        errors: [
          { line: 3, column: 5, data: { field: '.machine.features.kubePrism', since: '1.14', replacement: 'KubePrismConfig', version: '1.14.1' } },
          { line: 7, column: 3, data: { field: '.cluster.network', since: '1.14', replacement: 'KubeFlannelCNIConfig' } },
          { line: 10, column: 3, data: { field: '.cluster.proxy', since: '1.14', replacement: 'KubeProxyConfig' } },
          { line: 12, column: 3, data: { field: '.cluster.inlineManifests', since: '1.14', replacement: 'KubeInlineManifestConfig' } },
          { line: 15, column: 3, data: { field: '.cluster.extraManifests', since: '1.14', replacement: 'KubeExternalManifestConfig' } },
        ],
      },
      {
        files: { 'talos/patches/proxy.yaml': 'cluster:\n  proxy:\n    disabled: true\n  network:\n    podSubnets: [10.244.0.0/16]\n', 'talium.config.yaml': version('v1.14.0') },
        errors: [
          { line: 2, column: 3, data: { field: '.cluster.proxy', replacement: 'KubeProxyConfig', version: '1.14.0' } },
          { line: 4, column: 3, data: { field: '.cluster.network', replacement: 'KubeNetworkConfig' } },
        ],
      },
    ],
  });
});

test('talos/deprecated-fields: JSON6902 patches', () => {
  const patch = '- op: add\n  path: /machine/network/interfaces\n  value:\n    - interface: enp1s0\n      dhcp: true\n- op: add\n  path: /machine/network\n  value:\n    hostname: cp1\n- op: remove\n  path: /cluster/proxy\n';
  ruleTester(deprecatedFields, {
    valid: [{ 'talos/patches/net.yaml': patch, 'talium.config.yaml': version('1.11.5') }],
    invalid: [
      {
        files: { 'talos/patches/net.yaml': patch, 'talium.config.yaml': version('1.14.1') },
        errors: [
          { line: 2, column: 3, data: { field: '.machine.network.interfaces', replacement: 'LinkConfig, DHCPv4Config' } },
          { line: 9, column: 5, data: { field: '.machine.network.hostname', replacement: 'HostnameConfig' } },
        ],
      },
    ],
  });
});

test('talos/deprecated-fields: talhelper input is not judged, other Talos files of the group are', () => {
  const files = {
    'talos/talconfig.yaml': talconfig('v1.14.1', 'patches:\n  - "@./patches/proxy.yaml"\n  - |-\n    cluster:\n      proxy:\n        disabled: true\n'),
    'talos/patches/proxy.yaml': 'cluster:\n  proxy:\n    disabled: true\n',
  };
  ruleTester(deprecatedFields, {
    valid: [files],
    invalid: [
      // a patch file talconfig.yaml does not reference (applied with talosctl), Talos version from talconfig.yaml
      {
        files: { ...files, 'talos/extra/prism.yaml': 'machine:\n  features:\n    kubePrism:\n      enabled: true\n' },
        errors: [{ file: 'talos/extra/prism.yaml', line: 3, column: 5, data: { field: '.machine.features.kubePrism', version: '1.14.1' } }],
      },
    ],
  });
});

test('talos/deprecated-fields: one finding per field per document, info severity, rendered message', () => {
  const got = lintRepo({ 'talos/a.yaml': NODE + '---\n' + NODE, 'talium.config.yaml': version('1.12.0') }, [deprecatedFields]);
  assert.deepEqual(
    got.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.severity} ${String(d.data?.['field'])}`),
    ['3:5 info .machine.network.hostname', '4:5 info .machine.network.interfaces', '14:5 info .machine.network.hostname', '15:5 info .machine.network.interfaces'],
  );
  assert.equal(got[1]!.message, 'Talos 1.12 deprecates ".machine.network.interfaces" (still supported; this cluster runs Talos 1.12.0); it moves to LinkConfig, VLANConfig, Layer2VIPConfig.');
});

test('talos/deprecated-fields: talium generate emits no deprecated field for the Talos version it targets', () => {
  const spec = readFileSync(join(process.cwd(), 'clusters/homelab/cluster.yaml'), 'utf8');
  const generated = (talos: string, kubernetes: string) => {
    const text = spec.replace('talos: 1.14.1', `talos: ${talos}`).replace('kubernetes: 1.36.3', `kubernetes: ${kubernetes}`);
    const r = loadClusterSpec(text, { name: 'homelab', displayPath: 'clusters/homelab/cluster.yaml' });
    assert.ok(r.cluster, r.findings.map((f) => f.message).join('; '));
    const files: Record<string, string> = { 'clusters/homelab/cluster.yaml': text };
    for (const [p, t] of generate([r.cluster], { all: true }).files) files[p] = t;
    return files;
  };
  for (const [talos, kubernetes] of [['1.11.5', '1.34.1'], ['1.12.0', '1.35.0'], ['1.13.9', '1.36.3'], ['1.14.1', '1.36.3']] as const) {
    assert.deepEqual(lintRepo(generated(talos, kubernetes), [deprecatedFields]).map((d) => `${d.file}:${d.range.start.line} ${String(d.data?.['field'])}`), [], `Talos ${talos}`);
  }
  // the files are really looked at: the legacy output of 1.11 claimed for 1.14 is flagged
  const legacy = lintRepo({ ...generated('1.11.5', '1.34.1'), 'talium.config.yaml': version('1.14.1') }, [deprecatedFields]);
  assert.ok(legacy.some((d) => d.data?.['field'] === '.cluster.proxy') && legacy.some((d) => d.data?.['field'] === '.machine.network.interfaces'));
});
