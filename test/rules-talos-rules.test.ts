/** Tests for the Talos rules: kube-proxy, CNI, KubePrism, VIP placement, JSON patches on multi-doc configs. */
import { test } from 'node:test';
import cniNotNone from '../src/rules/talos/cni-not-none.js';
import jsonPatchMultidoc from '../src/rules/talos/json-patch-multidoc.js';
import kubeProxyEnabled from '../src/rules/talos/kube-proxy-enabled.js';
import kubeprism from '../src/rules/talos/kubeprism.js';
import linkNameLength from '../src/rules/talos/link-name-length.js';
import vipPlacement from '../src/rules/talos/vip-placement.js';
import assert from 'node:assert/strict';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';

const VALUES = 'kubeProxyReplacement: true\nk8sServiceHost: localhost\nk8sServicePort: 7445\n';
const cp = (cluster: string, machine = '') => `machine:\n  type: controlplane\n${machine}cluster:\n${cluster}`;
const PROXY_OFF = '  proxy:\n    disabled: true\n';
const CNI_NONE = '  network:\n    cni:\n      name: none\n';
const talconfig = (patches: string) => `clusterName: home\ntalosVersion: v1.12.3\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\npatches:\n${patches}`;

test('talos/kube-proxy-enabled', () => {
  ruleTester(kubeProxyEnabled, {
    valid: [
      // split patches: one disables kube-proxy, another holds other cluster settings
      { 'talos/patches/cni.yaml': cp(CNI_NONE), 'talos/patches/proxy.yaml': 'cluster:\n  proxy:\n    disabled: true\n', 'cilium/values.yaml': VALUES },
      // Talos ≥ 1.14 multi-document form
      { 'talos/cp.yaml': cp(CNI_NONE) + '---\napiVersion: v1alpha1\nkind: KubeProxyConfig\nenabled: false\n', 'cilium/values.yaml': VALUES },
      // talhelper inline string patch
      { 'talos/talconfig.yaml': talconfig('  - |-\n    cluster:\n      proxy:\n        disabled: true\n'), 'cilium/values.yaml': VALUES },
      // no KPR: kube-proxy is wanted
      { 'talos/cp.yaml': cp(CNI_NONE), 'cilium/values.yaml': 'kubeProxyReplacement: false\nipam:\n  mode: kubernetes\n' },
      // only machine-level patches visible: the cluster part lives elsewhere
      { 'talos/patches/time.yaml': 'machine:\n  time:\n    disabled: false\n', 'cilium/values.yaml': VALUES },
    ],
    invalid: [
      { files: { 'talos/cp.yaml': cp('  proxy:\n    disabled: false\n' + CNI_NONE), 'cilium/values.yaml': VALUES }, errors: [{ messageId: 'enabled', file: 'talos/cp.yaml', line: 5, column: 15 }] },
      { files: { 'talos/cp.yaml': cp(CNI_NONE), 'cilium/values.yaml': VALUES }, errors: [{ messageId: 'notDisabled', file: 'talos/cp.yaml', line: 3, column: 1, data: { cluster: 'default' } }] },
    ],
  });
});

test('talos/cni-not-none', () => {
  ruleTester(cniNotNone, {
    valid: [
      { 'talos/cp.yaml': cp(PROXY_OFF + CNI_NONE), 'cilium/values.yaml': VALUES },
      { 'talos/cp.yaml': cp(PROXY_OFF + CNI_NONE), 'cilium/values.yaml': VALUES, 'talium.config.yaml': 'plan:\n  versions:\n    talos: 1.13.9\n' },
      // Talos 1.14 deprecates the legacy field but still honours it (talos/deprecated-fields says so, as info)
      { 'talos/cp.yaml': cp(PROXY_OFF + CNI_NONE), 'cilium/values.yaml': VALUES, 'talium.config.yaml': 'plan:\n  versions:\n    talos: 1.14.1\n' },
      { 'talos/cp.yaml': cp(PROXY_OFF) + '---\napiVersion: v1alpha1\nkind: KubeFlannelCNIConfig\n$patch: delete\n', 'cilium/values.yaml': VALUES },
      { 'talos/cp.yaml': cp(PROXY_OFF + '  network:\n    cni:\n      name: custom\n      urls:\n        - https://example.org/cilium.yaml\n'), 'cilium/values.yaml': VALUES },
      { 'talos/talconfig.yaml': talconfig('  - |-\n    cluster:\n      network:\n        cni:\n          name: none\n'), 'cilium/values.yaml': VALUES },
      // no Cilium in the repo
      { 'talos/cp.yaml': cp(PROXY_OFF) },
    ],
    invalid: [
      { files: { 'talos/cp.yaml': cp(PROXY_OFF + '  network:\n    cni:\n      name: flannel\n'), 'cilium/values.yaml': VALUES }, errors: [{ messageId: 'other', file: 'talos/cp.yaml', line: 8, column: 13, data: { cni: 'flannel' } }] },
      { files: { 'talos/cp.yaml': cp(PROXY_OFF), 'cilium/values.yaml': VALUES }, errors: [{ messageId: 'unset', line: 3, column: 1 }] },
    ],
  });
});

test('talos/kubeprism', () => {
  const prism = (body: string) => `  features:\n    kubePrism:\n${body}`;
  ruleTester(kubeprism, {
    valid: [
      { 'talos/cp.yaml': cp(PROXY_OFF, prism('      enabled: true\n      port: 7445\n')), 'cilium/values.yaml': VALUES },
      { 'talos/cp.yaml': cp(PROXY_OFF, prism('      enabled: true\n      port: 13336\n')), 'cilium/values.yaml': VALUES.replace('7445', '13336') },
      // Cilium not on a loopback endpoint: not KubePrism's business
      { 'talos/cp.yaml': cp(PROXY_OFF, prism('      enabled: false\n')), 'cilium/values.yaml': VALUES.replace('localhost', '10.50.0.10').replace('7445', '6443') },
    ],
    invalid: [
      { files: { 'talos/cp.yaml': cp(PROXY_OFF, prism('      enabled: false\n')), 'cilium/values.yaml': VALUES }, errors: [{ messageId: 'off', file: 'talos/cp.yaml', line: 5, column: 16, data: { host: 'localhost', ciliumPort: 7445 } }] },
      // at the setting the message is about: the port (not the first key of the kubePrism mapping)
      { files: { 'talos/cp.yaml': cp(PROXY_OFF, prism('      enabled: true\n      port: 7446\n')), 'cilium/values.yaml': VALUES }, errors: [{ messageId: 'port', line: 6, column: 13, data: { port: 7446, ciliumPort: 7445 } }] },
    ],
  });
});

test('talos/vip-placement', () => {
  const iface = (type: string, vip: string) => `machine:\n  type: ${type}\n  network:\n    interfaces:\n      - interface: enp1s0\n        addresses: [10.50.0.11/24]\n        vip:\n          ip: ${vip}\n`;
  const tc = (cpFlag: boolean) => `clusterName: home\ntalosVersion: v1.12.3\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: n1\n    ipAddress: 10.50.0.11\n    controlPlane: ${cpFlag}\n    networkInterfaces:\n      - interface: enp1s0\n        addresses: [10.50.0.11/24]\n        vip:\n          ip: 10.50.0.10\n`;
  ruleTester(vipPlacement, {
    valid: [
      { 'talos/cp.yaml': iface('controlplane', '10.50.0.10') },
      { 'talos/talconfig.yaml': tc(true) },
      // a Layer2VIPConfig outside a worker folder: whose it is stays unknown
      { 'talos/patches/vip.yaml': 'apiVersion: v1alpha1\nkind: Layer2VIPConfig\nname: 10.50.0.10\nlink: enp1s0\n' },
      // the file's own machine.type says control plane, whatever its folder
      { 'talos/workers/cp.yaml': iface('controlplane', '10.50.0.10').replace(/        vip:\n.*\n/, '') + '---\napiVersion: v1alpha1\nkind: Layer2VIPConfig\nname: 10.50.0.10\nlink: enp1s0\n' },
    ],
    invalid: [
      { files: { 'talos/w.yaml': iface('worker', '10.50.0.10') }, errors: [{ messageId: 'worker', file: 'talos/w.yaml', line: 7, column: 9, data: { what: 'machine config' } }] },
      { files: { 'talos/talconfig.yaml': tc(false) }, errors: [{ messageId: 'worker', line: 11, column: 9, data: { what: 'node "n1"' } }] },
      { files: { 'talos/patches/worker/net.yaml': iface('controlplane', '10.50.0.10').replace('  type: controlplane\n', '') }, errors: [{ messageId: 'workerPatch', line: 6, column: 9, data: { file: 'talos/patches/worker/net.yaml' } }] },
      // the same worker-folder patch in the Talos 1.12+ document form and as RFC 6902 ops
      { files: { 'talos/patches/worker/vip.yaml': 'apiVersion: v1alpha1\nkind: Layer2VIPConfig\nname: 10.50.0.10\nlink: enp1s0\n' }, errors: [{ messageId: 'workerPatch', line: 2, column: 7, data: { file: 'talos/patches/worker/vip.yaml' } }] },
      { files: { 'talos/patches/workers/vip.yaml': '- op: add\n  path: /machine/network/interfaces/0/vip\n  value:\n    ip: 10.50.0.10\n' }, errors: [{ messageId: 'workerPatch', line: 2, column: 9, data: { file: 'talos/patches/workers/vip.yaml' } }] },
      { files: { 'talos/cp.yaml': iface('controlplane', '192.168.1.10'), 'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n' }, errors: [{ messageId: 'outside', file: 'talos/cp.yaml', line: 8, column: 15, data: { vip: '192.168.1.10', lan: '10.50.0.0/24' } }] },
    ],
  });
});

test('talos/vip-placement: VIPs in inline patches workers read (talhelper worker.patches, a worker node\'s own patch, Omni Workers) are reported inside the patch', () => {
  const TC = 'clusterName: home\ntalosVersion: v1.12.3\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n';
  const VIP_PATCH = (indent: string) => ['machine:', '  network:', '    interfaces:', '      - interface: enp1s0', '        dhcp: true', '        vip:', '          ip: 10.50.0.10'].map((l) => indent + l).join('\n') + '\n';
  const OMNI = 'kind: Cluster\nname: lab\nkubernetes:\n  version: v1.35.2\ntalos:\n  version: v1.12.3\n---\n';
  ruleTester(vipPlacement, {
    valid: [
      // the same patch for the control planes
      { 'talos/talconfig.yaml': TC + 'controlPlane:\n  patches:\n    - |-\n' + VIP_PATCH('      ') },
      // an Omni ControlPlane inline mapping
      { 'omni/t.yaml': OMNI + 'kind: ControlPlane\nmachines: [m1]\npatches:\n  - name: vip\n    inline:\n' + VIP_PATCH('      ') },
      // a worker patch without a VIP
      { 'talos/talconfig.yaml': TC + 'worker:\n  patches:\n    - |-\n      machine:\n        time:\n          disabled: false\n' },
    ],
    invalid: [
      // worker.patches string: at the `vip` key inside the string (line 15)
      { files: { 'talos/talconfig.yaml': TC + 'worker:\n  patches:\n    - |-\n' + VIP_PATCH('      ') }, errors: [{ messageId: 'worker', file: 'talos/talconfig.yaml', line: 16, column: 15, data: { what: 'patch (talhelper worker.patches)' } }] },
      // a node without controlPlane (talhelper's default: a worker), a Layer2VIPConfig in document 1 of its patch string
      {
        files: { 'talos/talconfig.yaml': TC + '  - hostname: w1\n    ipAddress: 10.50.0.21\n    patches:\n      - |\n        machine:\n          time:\n            disabled: false\n        ---\n        apiVersion: v1alpha1\n        kind: Layer2VIPConfig\n        name: 10.50.0.10\n        link: enp1s0\n' },
        errors: [{ messageId: 'worker', file: 'talos/talconfig.yaml', line: 17, column: 15, data: { what: 'node "w1" (its inline patch)' } }],
      },
      // an Omni Workers inline mapping (at the key in the template) and a Workers JSON6902 string adding one interface
      {
        files: {
          'omni/t.yaml':
            OMNI + 'kind: Workers\nname: edge\nmachines: [w1]\npatches:\n  - name: vip\n    inline:\n' + VIP_PATCH('      ') +
            '---\nkind: Workers\nname: more\nmachines: [w2]\npatches:\n  - name: ops\n    inline: |\n      - op: add\n        path: /machine/network/interfaces/-\n        value:\n          interface: eno1\n          vip:\n            ip: 10.50.0.10\n',
        },
        errors: [
          { messageId: 'worker', file: 'omni/t.yaml', line: 19, column: 15, data: { what: 'machine set "lab/edge" (Omni Workers patch)' } },
          { messageId: 'worker', file: 'omni/t.yaml', line: 32, column: 11, data: { what: 'machine set "lab/more" (Omni Workers patch)' } },
        ],
      },
    ],
  });
});

test('talos/json-patch-multidoc', () => {
  const PATCH = '- op: add\n  path: /machine/network/hostname\n  value: cp1\n';
  const tc = (v: string, extra = '') => `clusterName: home\ntalosVersion: ${v}\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n${extra}`;
  ruleTester(jsonPatchMultidoc, {
    valid: [
      { 'talos/talconfig.yaml': tc('v1.13.9'), 'talos/patches/hostname.yaml': PATCH },
      { 'talos/talconfig.yaml': tc('v1.14.1'), 'talos/patches/hostname.yaml': 'machine:\n  network:\n    hostname: cp1\n' },
    ],
    invalid: [
      { files: { 'talos/talconfig.yaml': tc('v1.14.1'), 'talos/patches/hostname.yaml': PATCH }, errors: [{ messageId: 'version', file: 'talos/patches/hostname.yaml', line: 1, column: 3, data: { version: '1.14.1' } }] },
      { files: { 'talos/talconfig.yaml': tc('v1.14.1', 'patches:\n  - - op: remove\n      path: /cluster/proxy\n') }, errors: [{ messageId: 'version', file: 'talos/talconfig.yaml', line: 9, column: 5 }] },
      { files: { 'talos/patches/hostname.yaml': PATCH, 'talos/patches/link.yaml': 'apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: cp1\n' }, errors: [{ messageId: 'multidoc', line: 1, column: 3, data: { kind: 'HostnameConfig', file: 'talos/patches/link.yaml' } }] },
    ],
  });
});

test('talos/json-patch-multidoc: op lists written as talhelper patch strings and Omni inline strings, reported at the first op inside the string', () => {
  const tc = (v: string, extra: string) => `clusterName: home\ntalosVersion: ${v}\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n${extra}`;
  const OPS = (indent: string) => ['- op: add', '  path: /machine/network/hostname', '  value: cp1'].map((l) => indent + l).join('\n') + '\n';
  const omni = (v: string, inline: string) => `kind: Cluster\nname: lab\nkubernetes:\n  version: v1.35.2\ntalos:\n  version: ${v}\npatches:\n  - name: p\n    inline:\n${inline}`;
  ruleTester(jsonPatchMultidoc, {
    valid: [
      // Talos 1.13 and no multi-document kind anywhere
      { 'talos/talconfig.yaml': tc('v1.13.9', 'worker:\n  patches:\n    - |-\n' + OPS('      ')) },
      { 'omni/t.yaml': omni('v1.13.9', '      |-\n' + OPS('        ')) },
      // an Omni inline YAML list is several strategic-merge documents, not a JSON patch
      { 'omni/t.yaml': omni('v1.14.1', '      - machine:\n          time:\n            disabled: false\n') },
    ],
    invalid: [
      // talhelper worker.patches string on Talos 1.14: at the first op (line 11)
      { files: { 'talos/talconfig.yaml': tc('v1.14.1', 'worker:\n  patches:\n    - |-\n' + OPS('      ')) }, errors: [{ messageId: 'version', file: 'talos/talconfig.yaml', line: 11, column: 9, data: { version: '1.14.1' } }] },
      // Omni Cluster inline string on Talos 1.14
      { files: { 'omni/t.yaml': omni('v1.14.1', '      |-\n' + OPS('        ')) }, errors: [{ messageId: 'version', file: 'omni/t.yaml', line: 11, column: 11, data: { version: '1.14.1' } }] },
      // Talos 1.13, but another inline patch writes a multi-document kind: the config is multi-document
      {
        files: { 'talos/talconfig.yaml': tc('v1.13.9', 'patches:\n  - |-\n    apiVersion: v1alpha1\n    kind: HostnameConfig\n    hostname: cp1\n  - |-\n' + OPS('    ')) },
        errors: [{ messageId: 'multidoc', file: 'talos/talconfig.yaml', line: 14, column: 7, data: { kind: 'HostnameConfig', file: 'talos/talconfig.yaml' } }],
      },
    ],
  });
});

test('talos/link-name-length', () => {
  const vlan = (name: string) => `apiVersion: v1alpha1\nkind: VLANConfig\nname: ${name}\nvlanID: 25\nparent: enx12545f8c99cd\n`;
  const bond = (name: string) => `machine:\n  network:\n    interfaces:\n      - interface: ${name}\n        bond:\n          interfaces: [eth0, eth1]\n`;
  ruleTester(linkNameLength, {
    valid: [
      { 'talos/n1.yaml': vlan('enx1ee6413.25') },
      { 'talos/n1.yaml': bond('bond0') },
      // a physical NIC name is the kernel's own; not created by Talos
      { 'talos/n1.yaml': 'machine:\n  network:\n    interfaces:\n      - interface: enx12545f8c99cdab\n' },
      { 'talos/n1.yaml': vlan('${VLAN_LINK}') },
    ],
    invalid: [
      // the upstream nethelpers test case: enx12545f8c99cd, VLAN 25 → enx1ee6413.25
      { files: { 'talos/n1.yaml': vlan('enx12545f8c99cd.25') }, errors: [{ messageId: 'tooLongVlan', file: 'talos/n1.yaml', line: 3, column: 7, data: { name: 'enx12545f8c99cd.25', length: 18, suggestion: 'enx1ee6413.25' } }] },
      { files: { 'talos/n1.yaml': bond('bond-uplink-lan0') }, errors: [{ messageId: 'tooLong', line: 4, column: 20, data: { length: 16 } }] },
      { files: { 'talos/n1.yaml': 'apiVersion: v1alpha1\nkind: BridgeConfig\nname: br-storage-network\n' }, errors: [{ messageId: 'tooLong', line: 3, column: 7 }] },
    ],
  });
});

test('talos/talhelper-address', async () => {
  const { default: rule } = await import('../src/rules/talos/talhelper-address.js');
  const tc = (ip: string, iface: string) => `clusterName: home\ntalosVersion: v1.12.4\nendpoint: https://10.0.5.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: ${ip}\n    controlPlane: true\n    networkInterfaces:\n${iface}`;
  const IFACE = '      - interface: enp1s0\n        addresses: [10.0.5.11/24]\n';
  ruleTester(rule, {
    valid: [
      { 'talos/talconfig.yaml': tc('10.0.5.11', IFACE) },
      // a host name is talhelper's business; an unresolved variable is unknown
      { 'talos/talconfig.yaml': tc('cp1.lan', IFACE) },
      { 'talos/talconfig.yaml': tc('${nodeIP}', IFACE) },
    ],
    invalid: [
      { files: { 'talos/talconfig.yaml': tc('10.0.5.300', IFACE) }, errors: [{ messageId: 'invalid', file: 'talos/talconfig.yaml', line: 6, column: 16, data: { node: 'cp1', field: 'ipAddress', value: '10.0.5.300', what: 'address' } }] },
      {
        files: { 'talos/talconfig.yaml': tc('10.0.5.11', '      - interface: enp1s0\n        vlans:\n          - vlanId: 50\n            addresses: [10.0.5.11/24, 10.0.5.12/40]\n            vip:\n              ip: 10.0.5.2000\n') },
        errors: [
          { messageId: 'invalid', line: 12, column: 39, data: { field: 'address', value: '10.0.5.12/40', what: 'CIDR' } },
          { messageId: 'invalid', line: 14, column: 19, data: { field: 'vip.ip', value: '10.0.5.2000' } },
        ],
      },
    ],
  });
  // from talenv.yaml: reported at the node's field in talconfig.yaml, with the variable's definition related
  const got = lintRepo({ 'talos/talenv.yaml': 'nodeIP: 10.0.5.300\n', 'talos/talconfig.yaml': tc('${nodeIP}', IFACE) }, [rule]);
  assert.deepEqual(got.map((d) => [d.file, d.range.start.line, d.data?.['value'], d.related?.map((r) => r.file)]), [['talos/talconfig.yaml', 6, '10.0.5.300', ['talos/talenv.yaml']]]);
});

test('a talhelper VIP from talenv.yaml inside a pool: the finding points at talconfig.yaml and at the talenv.yaml value', async () => {
  const { default: poolReserved } = await import('../src/rules/network/pool-reserved-address.js');
  const talconfig = 'clusterName: home\ntalosVersion: v1.12.4\nendpoint: https://10.0.5.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: 10.0.5.11\n    controlPlane: true\n    networkInterfaces:\n      - interface: enp1s0\n        addresses: [10.0.5.11/24]\n        vip:\n          ip: ${vip}\n';
  const pool = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - start: 10.0.5.200\n      stop: 10.0.5.220\n';
  const got = lintRepo({ 'talos/talenv.yaml': 'vip: 10.0.5.210\n', 'talos/talconfig.yaml': talconfig, 'k8s/pool.yaml': pool }, [poolReserved]);
  assert.deepEqual(got.map((d) => [d.file, d.messageId, d.related?.map((r) => `${r.file}:${r.range.start.line}`)]), [['k8s/pool.yaml', 'vip', ['talos/talconfig.yaml:12', 'talos/talenv.yaml:1']]]);
});

test('cni-not-none / kube-proxy-enabled: an error only for a generated machine config (token and CA); a patch that starts like one (Terraform config_patches) leaves the base\'s value, so a warning', () => {
  const SECRETS = '  token: abcdef.0123456789abcdef\n  ca:\n    crt: LS0t\n    key: LS0t\n';
  const doc = (secrets: string, cluster: string): string => `version: v1alpha1\nmachine:\n  type: controlplane\n${secrets}cluster:\n${cluster}`;
  const sev = (rule: typeof cniNotNone, text: string): string[] => lintRepo({ 'talos/controlplane.yaml': text, 'cilium/values.yaml': VALUES }, [rule]).map((d) => `${d.ruleId} ${d.messageId} ${d.severity}`);
  const noCni = '  proxy:\n    disabled: true\n';
  const noProxy = '  network:\n    cni:\n      name: none\n';
  assert.deepEqual(sev(cniNotNone, doc(SECRETS, noCni)), ['talos/cni-not-none unset error']);
  assert.deepEqual(sev(cniNotNone, doc('', noCni)), ['talos/cni-not-none unset warning']);
  assert.deepEqual(sev(kubeProxyEnabled, doc(SECRETS, noProxy)), ['talos/kube-proxy-enabled notDisabled error']);
  assert.deepEqual(sev(kubeProxyEnabled, doc('', noProxy)), ['talos/kube-proxy-enabled notDisabled warning']);
});
