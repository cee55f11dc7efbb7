/** Tests for the Cilium object rules (pools and L2 policies): ids, message ids, positions and data. */
import { test } from 'node:test';
import poolAllowFirstLastIps from '../src/rules/cilium/pool-allow-first-last-ips.js';
import poolApiVersion from '../src/rules/cilium/pool-api-version.js';
import poolBlockShape from '../src/rules/cilium/pool-block-shape.js';
import poolLegacyCidrs from '../src/rules/cilium/pool-legacy-cidrs.js';
import l2PolicyAnnouncesNothing from '../src/rules/cilium/l2-policy-announces-nothing.js';
import l2PolicyApiVersion from '../src/rules/cilium/l2-policy-api-version.js';
import l2PolicyInterfaces from '../src/rules/cilium/l2-policy-interfaces.js';
import l2PolicyNamespace from '../src/rules/cilium/l2-policy-namespace.js';
import assert from 'node:assert/strict';
import { lintRepo, ruleTester, yaml } from '../src/testing/rule-tester.js';

const hr = (version: string, values = '    kubeProxyReplacement: true\n') => yaml`
  apiVersion: helm.toolkit.fluxcd.io/v2
  kind: HelmRelease
  metadata:
    name: cilium
    namespace: kube-system
  spec:
    chart:
      spec:
        chart: cilium
        version: ${version}
        sourceRef:
          kind: HelmRepository
          name: cilium
    values:
` + values;

const pool = (apiVersion: string, spec: string) => `apiVersion: ${apiVersion}\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n${spec}`;
const BLOCKS = '  blocks:\n    - cidr: 10.50.0.224/28\n';

test('cilium/pool-api-version', () => {
  ruleTester(poolApiVersion, {
    valid: [
      { 'cilium/hr.yaml': hr('1.19.6'), 'cilium/pool.yaml': pool('cilium.io/v2', BLOCKS) },
      { 'cilium/hr.yaml': hr('1.17.18'), 'cilium/pool.yaml': pool('cilium.io/v2alpha1', BLOCKS) },
      { 'cilium/hr.yaml': hr('1.18.12'), 'cilium/pool.yaml': pool('cilium.io/v2alpha1', BLOCKS) },
      // no known Cilium version: silent
      { 'cilium/pool.yaml': pool('cilium.io/v2', BLOCKS) },
      // an open version range does not pin a minor: silent
      { 'cilium/hr.yaml': hr('">=1.17.0"'), 'cilium/pool.yaml': pool('cilium.io/v2', BLOCKS) },
    ],
    invalid: [
      { files: { 'cilium/hr.yaml': hr('1.17.18'), 'cilium/pool.yaml': pool('cilium.io/v2', BLOCKS) }, errors: [{ messageId: 'notServed', file: 'cilium/pool.yaml', line: 1, column: 13, data: { name: 'lan', apiVersion: 'cilium.io/v2', version: '1.17.18' } }] },
      { files: { 'cilium/hr.yaml': hr('1.20.1'), 'cilium/pool.yaml': pool('cilium.io/v2alpha1', BLOCKS) }, errors: [{ messageId: 'deprecated', file: 'cilium/pool.yaml', line: 1, column: 13, data: { version: '1.20.1' } }] },
    ],
  });
});

test('cilium/pool-legacy-cidrs', () => {
  ruleTester(poolLegacyCidrs, {
    valid: [{ 'pool.yaml': pool('cilium.io/v2alpha1', BLOCKS) }],
    invalid: [
      { files: { 'cilium/hr.yaml': hr('1.16.19'), 'cilium/pool.yaml': pool('cilium.io/v2alpha1', '  cidrs:\n    - cidr: 10.50.0.224/28\n') }, errors: [{ messageId: 'removed', file: 'cilium/pool.yaml', line: 6, column: 3, data: { name: 'lan', version: '1.16.19' } }] },
      { files: { 'pool.yaml': pool('cilium.io/v2alpha1', '  cidrs:\n    - cidr: 10.50.0.224/28\n') }, errors: [{ messageId: 'deprecated', line: 6, column: 3 }] },
    ],
  });
});

test('cilium/pool-block-shape', () => {
  ruleTester(poolBlockShape, {
    valid: [{ 'pool.yaml': pool('cilium.io/v2', '  blocks:\n    - cidr: 10.50.0.224/28\n    - start: 10.50.0.200\n      stop: 10.50.0.210\n    - start: 10.50.0.250\n') }],
    invalid: [
      {
        files: { 'pool.yaml': pool('cilium.io/v2', '  blocks:\n    - cidr: 10.50.0.224/28\n      start: 10.50.0.230\n    - stop: 10.50.0.240\n    - {}\n') },
        errors: [
          { messageId: 'both', line: 7, column: 7, data: { index: 0, other: 'start' } },
          { messageId: 'stopOnly', line: 9, column: 7, data: { index: 1 } },
          { messageId: 'empty', line: 10, column: 7, data: { index: 2 } },
        ],
      },
    ],
  });
});

test('cilium/pool-allow-first-last-ips', () => {
  ruleTester(poolAllowFirstLastIps, {
    valid: [
      { 'pool.yaml': pool('cilium.io/v2', '  allowFirstLastIPs: "No"\n' + BLOCKS) },
      // booleans are schema/yaml11-boolean's business, templated values are unknowable
      { 'pool.yaml': pool('cilium.io/v2', '  allowFirstLastIPs: Yes\n' + BLOCKS) },
      { 'pool.yaml': pool('cilium.io/v2', '  allowFirstLastIPs: ${ALLOW}\n' + BLOCKS) },
    ],
    invalid: [
      { files: { 'pool.yaml': pool('cilium.io/v2', '  allowFirstLastIPs: "yes"\n' + BLOCKS) }, errors: [{ messageId: 'badValue', line: 6, column: 22, data: { name: 'lan', value: 'yes' } }] },
      { files: { 'pool.yaml': pool('cilium.io/v2', '  allowFirstLastIPs: "Yes"\n  blocks:\n    - start: 10.50.0.200\n      stop: 10.50.0.210\n') }, errors: [{ messageId: 'noEffect', line: 6, column: 3 }] },
    ],
  });
});

const policy = (meta: string, spec: string, apiVersion = 'cilium.io/v2alpha1') => `apiVersion: ${apiVersion}\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\n${meta}spec:\n${spec}`;

test('cilium/l2-policy-api-version', () => {
  ruleTester(l2PolicyApiVersion, {
    valid: [{ 'l2.yaml': policy('', '  loadBalancerIPs: true\n') }],
    invalid: [{ files: { 'l2.yaml': policy('', '  loadBalancerIPs: true\n', 'cilium.io/v2') }, errors: [{ messageId: 'wrong', line: 1, column: 13, data: { name: 'lan', apiVersion: 'cilium.io/v2' } }] }],
  });
});

test('cilium/l2-policy-namespace', () => {
  ruleTester(l2PolicyNamespace, {
    valid: [{ 'l2.yaml': policy('', '  loadBalancerIPs: true\n') }],
    invalid: [{ files: { 'l2.yaml': policy('  namespace: kube-system\n', '  loadBalancerIPs: true\n') }, errors: [{ messageId: 'namespaced', line: 5, column: 3, data: { name: 'lan', namespace: 'kube-system' } }] }],
  });
});

test('cilium/l2-policy-announces-nothing', () => {
  ruleTester(l2PolicyAnnouncesNothing, {
    valid: [
      { 'l2.yaml': policy('', '  loadBalancerIPs: true\n') },
      { 'l2.yaml': policy('', '  externalIPs: true\n  loadBalancerIPs: false\n') },
      { 'l2.yaml': policy('', '  loadBalancerIPs: ${L2_LB}\n') },
      // a kustomize patch file of the policy: what it leaves out the base sets
      { 'base/l2.yaml': policy('', '  loadBalancerIPs: true\n'), 'base/kustomization.yaml': 'resources: [l2.yaml]\n', 'lab/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: l2-patch.yaml\n', 'lab/l2-patch.yaml': policy('', '  interfaces: ["^eth0$"]\n') },
    ],
    invalid: [
      { files: { 'l2.yaml': policy('', '  externalIPs: false\n  interfaces: ["^eth0$"]\n') }, errors: [{ messageId: 'nothing', line: 5, column: 1, data: { name: 'lan' } }] },
      // a patch file that turns both off
      {
        files: { 'base/l2.yaml': policy('', '  loadBalancerIPs: true\n'), 'base/kustomization.yaml': 'resources: [l2.yaml]\n', 'lab/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: l2-patch.yaml\n', 'lab/l2-patch.yaml': policy('', '  loadBalancerIPs: false\n  externalIPs: false\n') },
        errors: [{ messageId: 'nothing', file: 'lab/l2-patch.yaml', line: 5, column: 1, data: { name: 'lan' } }],
      },
    ],
  });
});

const talconfig = (nic: string) => yaml`
  clusterName: home
  talosVersion: v1.13.9
  endpoint: https://10.50.0.10:6443
  nodes:
    - hostname: cp1
      ipAddress: 10.50.0.11
      controlPlane: true
      networkInterfaces:
        - interface: ${nic}
          vlans:
            - vlanId: 50
              addresses: [10.50.0.11/24]
`;
const iface = (...p: string[]) => policy('', `  loadBalancerIPs: true\n  interfaces:\n${p.map((x) => `    - '${x}'\n`).join('')}`);
const values = (devices: string) => `kubeProxyReplacement: true\nl2announcements:\n  enabled: true\ndevices: ${devices}\n`;

test('cilium/l2-policy-interfaces', () => {
  ruleTester(l2PolicyInterfaces, {
    valid: [
      { 'cilium/l2.yaml': iface('^enp1s0\\.50$') },
      { 'cilium/l2.yaml': iface('^(eth|ens)\\d+$', '\\Aeno1\\z') },
      // plan links: a VLAN link on a short NIC name, and Talos's hashed name for a long one
      { 'talos/talconfig.yaml': talconfig('enp1s0'), 'cilium/l2.yaml': iface('^enp1s0\\.50$'), 'cilium/values.yaml': values('enp1s0+') },
      { 'talos/talconfig.yaml': talconfig('enx12545f8c99cd'), 'cilium/l2.yaml': iface('^enx1ee6413\\.50$') },
      // an 11-byte parent's `<nic>.<id>` fits 15 bytes and a VLANConfig may choose it: nothing shows Talos names it otherwise
      { 'cilium/l2.yaml': iface('^enp0s20f0u1\\.50$') },
      // untranslatable RE2 (Unicode class): not judged
      { 'cilium/l2.yaml': iface('^\\pL+$') },
      // templated: not judged
      { 'cilium/l2.yaml': iface('^${NIC}$') },
    ],
    invalid: [
      {
        files: { 'cilium/l2.yaml': iface('(?=eth)eth0$', '^eth(0$', 'eth\\1', '^[[:alpha:]]+\\e$') },
        errors: [
          { messageId: 'invalid', file: 'cilium/l2.yaml', line: 8, column: 7, data: { pattern: '(?=eth)eth0$', reason: 'lookaround is not supported by RE2' } },
          { messageId: 'invalid', line: 9, column: 7, data: { pattern: '^eth(0$' } },
          { messageId: 'invalid', line: 10, column: 7, data: { reason: 'backreferences are not supported by RE2' } },
          { messageId: 'invalid', line: 11, column: 7, data: { reason: 'invalid escape sequence "\\e"' } },
        ],
      },
      {
        files: { 'cilium/l2.yaml': iface('enp1s0', '^eth[0-9]+', '^a$|b', 'eno1$', '(?i)(eth|ens)1') },
        // each with the pattern anchored at both ends as its suggestion
        errors: [
          { messageId: 'unanchored', line: 8, column: 7, data: { missing: 'start and end', suggestion: '^enp1s0$' } },
          { messageId: 'unanchored', line: 9, column: 7, data: { missing: 'end', suggestion: '^eth[0-9]+$' } },
          { messageId: 'unanchored', line: 10, column: 7, data: { missing: 'start and end', suggestion: '^(?:^a$|b)$' } },
          { messageId: 'unanchored', line: 11, column: 7, data: { missing: 'start', suggestion: '^eno1$' } },
          { messageId: 'unanchored', line: 12, column: 7, data: { missing: 'start and end', suggestion: '(?i)^(eth|ens)1$' } },
        ],
      },
      {
        // the Talos VLAN link on a long NIC name is hashed: `enx12545f8c99cd.50` does not exist
        files: { 'talos/talconfig.yaml': talconfig('enx12545f8c99cd'), 'cilium/l2.yaml': iface('^enx12545f8c99cd\\.50$') },
        errors: [
          { messageId: 'noLink', file: 'cilium/l2.yaml', line: 7, column: 3, data: { name: 'lan', links: 'enx1ee6413.50' } },
          { messageId: 'talosVlanName', file: 'cilium/l2.yaml', line: 8, column: 7, data: { literal: 'enx12545f8c99cd.50', parent: 'enx12545f8c99cd', vlanId: 50, link: 'enx1ee6413.50', suggestion: '^enx1ee6413\\.50$' } },
        ],
      },
      {
        // the devices finding names no link that cannot exist: only the real VLAN link name is given
        files: { 'talos/talconfig.yaml': talconfig('enx78e7d1ea46da'), 'cilium/l2.yaml': iface('^enx78e7d1ea46da\\.50$'), 'cilium/values.yaml': values('enx7f8ca75.50') },
        errors: [
          { messageId: 'noLink', line: 7, column: 3, data: { links: 'enx7f8ca75.50' } },
          { messageId: 'talosVlanName', line: 8, column: 7, data: { literal: 'enx78e7d1ea46da.50', link: 'enx7f8ca75.50', suggestion: '^enx7f8ca75\\.50$' } },
        ],
      },
      {
        // without a Talos configuration: an 18-byte name is no Linux link at all
        files: { 'cilium/l2.yaml': iface('^enx78e7d1ea46da\\.50$'), 'cilium/values.yaml': values('enx7f8ca75.50') },
        errors: [{ messageId: 'talosVlanName', line: 8, column: 7, data: { link: 'enx7f8ca75.50' } }],
      },
      {
        // a parent of 11 bytes fits 15 as `<nic>.<id>`, but the node's legacy `vlans:` gets Talos's name
        files: { 'talos/talconfig.yaml': talconfig('enp0s20f0u1'), 'cilium/l2.yaml': iface('^enp0s20f0u1\\.50$') },
        errors: [
          { messageId: 'noLink', line: 7, column: 3 },
          { messageId: 'talosVlanName', line: 8, column: 7, data: { literal: 'enp0s20f0u1.50', parent: 'enp0s20f0u1' } },
        ],
      },
      {
        // `.` between name characters matches any character: `vlanX2` too, with or without `$`
        files: { 'cilium/l2.yaml': iface('^vlan.2', '^enp1s0.50$', '^eth.*$') },
        errors: [
          { messageId: 'unescapedDot', line: 8, column: 7, data: { name: 'lan', pattern: '^vlan.2', suggestion: '^vlan\\.2' } },
          { messageId: 'unanchored', line: 8, column: 7, data: { missing: 'end', suggestion: '^vlan\\.2$' } },
          { messageId: 'unescapedDot', line: 9, column: 7, data: { pattern: '^enp1s0.50$', suggestion: '^enp1s0\\.50$' } },
        ],
      },
      {
        // two nodes: the pattern for cp2's long NIC uses the un-hashed name, so only cp1 can answer ARP
        files: {
          'talos/talconfig.yaml': talconfig('enp1s0') + '  - hostname: cp2\n    ipAddress: 10.50.0.12\n    controlPlane: true\n    networkInterfaces:\n      - interface: enx12545f8c99cd\n        vlans:\n          - vlanId: 50\n            addresses: [10.50.0.12/24]\n',
          'cilium/l2.yaml': iface('^enp1s0\\.50$', '^enx12545f8c99cd\\.50$'),
        },
        errors: [
          { messageId: 'nodeNoLink', file: 'cilium/l2.yaml', line: 7, column: 3, data: { name: 'lan', node: 'cp2', links: 'enx1ee6413.50' } },
          { messageId: 'talosVlanName', file: 'cilium/l2.yaml', line: 9, column: 7, data: { literal: 'enx12545f8c99cd.50', link: 'enx1ee6413.50' } },
        ],
      },
      {
        files: { 'talos/talconfig.yaml': talconfig('enp1s0'), 'cilium/l2.yaml': iface('^enp1s0\\.50$'), 'cilium/values.yaml': values('enp2s0+') },
        errors: [{ messageId: 'notDevice', file: 'cilium/l2.yaml', line: 8, column: 7, data: { link: 'enp1s0.50', devices: 'enp2s0+' } }],
      },
    ],
  });
});

test('cilium/l2-policy-interfaces: severities of the VLAN link name and dot findings', () => {
  const sev = (files: Record<string, string>): string[] => lintRepo(files, [l2PolicyInterfaces]).map((d) => `${d.messageId} ${d.severity}`);
  // no Linux link has an 18-byte name: an error; an 11-byte parent's name may exist (VLANConfig): a warning
  assert.deepEqual(sev({ 'cilium/l2.yaml': iface('^enx78e7d1ea46da\\.50$') }), ['talosVlanName error']);
  assert.deepEqual(sev({ 'talos/talconfig.yaml': talconfig('enp0s20f0u1'), 'cilium/l2.yaml': iface('^enp0s20f0u1\\.50$') }), ['noLink warning', 'talosVlanName warning']);
  assert.deepEqual(sev({ 'cilium/l2.yaml': iface('^vlan.2$') }), ['unescapedDot warning']);
});
