/** Network rules on pools: outside LAN, reserved addresses, network/broadcast, overlap, block shape, host bits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import cidrOverlapsLan from '../src/rules/network/cluster-cidr-overlaps-lan.js';
import poolBlockInvalid from '../src/rules/network/pool-block-invalid.js';
import poolHostBits from '../src/rules/network/pool-host-bits.js';
import poolNetworkBroadcast from '../src/rules/network/pool-network-broadcast.js';
import poolOutsideLan from '../src/rules/network/pool-outside-lan.js';
import poolOverlap from '../src/rules/network/pool-overlap.js';
import poolReserved from '../src/rules/network/pool-reserved-address.js';
import { lintRepo, ruleTester, yaml } from '../src/testing/rule-tester.js';

const POLICY = yaml`
  apiVersion: cilium.io/v2alpha1
  kind: CiliumL2AnnouncementPolicy
  metadata:
    name: l2
  spec:
    loadBalancerIPs: true
`;
const BGP = yaml`
  apiVersion: cilium.io/v2
  kind: CiliumBGPClusterConfig
  metadata:
    name: bgp
`;
/** A pool whose first block is on line 7, column 7 (`cidr:`/`start:` value at column 13/14). */
const pool = (name: string, block: string, extra = ''): string => yaml`
  apiVersion: cilium.io/v2
  kind: CiliumLoadBalancerIPPool
  metadata:
    name: ${name}
  spec:${extra}
    blocks:
      - ${block}
`;
/** Talos node config: address on line 8 (`- 10.50.0.11/24` value at column 15), default route gateway line 11, vip line 13. */
const node = (name: string, addr: string, gw = '10.50.0.1', vip = '10.50.0.10'): string => yaml`
  machine:
    type: controlplane
    network:
      hostname: ${name}
      interfaces:
        - interface: enp1s0
          addresses:
            - ${addr}
          routes:
            - network: 0.0.0.0/0
              gateway: ${gw}
          vip:
            ip: ${vip}
`;

test('network/pool-outside-lan', () => {
  ruleTester(poolOutsideLan, {
    valid: [
      { 'talos/n1.yaml': node('n1', '10.50.0.11/24'), 'l2.yaml': POLICY, 'pool.yaml': pool('a', 'cidr: 10.50.0.224/28') },
      // BGP pools are routed: no LAN requirement
      { 'talos/n1.yaml': node('n1', '10.50.0.11/24'), 'l2.yaml': POLICY, 'bgp.yaml': BGP, 'pool.yaml': pool('a', 'cidr: 10.60.0.224/28') },
      // no L2 policy: silent
      { 'talos/n1.yaml': node('n1', '10.50.0.11/24'), 'pool.yaml': pool('a', 'cidr: 10.60.0.224/28') },
      // LAN unknown: silent
      { 'l2.yaml': POLICY, 'pool.yaml': pool('a', 'cidr: 10.60.0.224/28') },
      // a node also takes DHCP on another link: the inferred LAN may be incomplete, stay silent
      {
        'talos/n1.yaml': node('n1', '10.50.0.11/24') + '        - interface: enp2s0\n          dhcp: true\n',
        'l2.yaml': POLICY,
        'pool.yaml': pool('a', 'cidr: 10.60.0.224/28'),
      },
      // nodes on two subnets (two NICs): the second subnet counts too
      {
        'talos/n1.yaml': node('n1', '10.50.0.11/24') + '        - interface: enp2s0\n          addresses: [10.60.0.11/24]\n',
        'l2.yaml': POLICY,
        'pool.yaml': pool('a', 'cidr: 10.60.0.224/28'),
      },
    ],
    invalid: [
      {
        files: { 'talos/n1.yaml': node('n1', '10.50.0.11/24'), 'l2.yaml': POLICY, 'pool.yaml': pool('a', 'start: 10.50.1.10\n        stop: 10.50.1.20') },
        errors: [{ messageId: 'outside', file: 'pool.yaml', line: 7, column: 14, data: { pool: 'a', block: '10.50.1.10-10.50.1.20', lan: '10.50.0.0/24' } }],
      },
      {
        files: { 'talium.config.yaml': 'plan:\n  lan: 192.168.1.0/24\n', 'l2.yaml': POLICY, 'pool.yaml': pool('a', 'cidr: 10.50.0.224/28') },
        errors: [{ messageId: 'outside', file: 'pool.yaml', line: 7, column: 13, data: { lan: '192.168.1.0/24', block: '10.50.0.224/28' } }],
      },
    ],
  });
});

test('network/pool-reserved-address names both owners', () => {
  ruleTester(poolReserved, {
    valid: [
      { 'talos/n1.yaml': node('n1', '10.50.0.11/24'), 'pool.yaml': pool('a', 'cidr: 10.50.0.224/28') },
      // disabled pools allocate nothing
      { 'talos/n1.yaml': node('n1', '10.50.0.11/24'), 'pool.yaml': pool('a', 'cidr: 10.50.0.0/24', '\n    disabled: true') },
    ],
    invalid: [
      // one collision per block: the specific message
      { files: { 'talos/n1.yaml': node('n1', '10.50.0.11/24'), 'pool.yaml': pool('a', 'start: 10.50.0.11\n        stop: 10.50.0.12') }, errors: [{ messageId: 'node', file: 'pool.yaml', line: 7, column: 14, data: { address: '10.50.0.11', node: 'n1' } }] },
      { files: { 'talium.config.yaml': 'plan:\n  gateway: 10.50.0.1\n', 'pool.yaml': pool('a', 'cidr: 10.50.0.0/30') }, errors: [{ messageId: 'gateway', line: 7, column: 13, data: { address: '10.50.0.1', block: '10.50.0.0/30' } }] },
      {
        files: { 'talium.config.yaml': 'plan:\n  dhcp: 10.50.0.100-10.50.0.199\n', 'pool.yaml': pool('a', 'start: 10.50.0.60\n        stop: 10.50.0.150') },
        errors: [{ messageId: 'dhcp', line: 7, column: 14, data: { range: '10.50.0.100-10.50.0.199', overlap: '10.50.0.100-10.50.0.150' } }],
      },
      // several in one block: one finding that lists them (and points at each)
      {
        files: { 'talos/n1.yaml': node('n1', '10.50.0.11/24'), 'pool.yaml': pool('a', 'cidr: 10.50.0.0/28') },
        errors: [{ messageId: 'several', file: 'pool.yaml', line: 7, column: 13, data: { pool: 'a', block: '10.50.0.0/28', count: 3, kinds: 'gateway,node,vip' } }],
      },
      {
        files: {
          'talium.config.yaml': 'plan:\n  dhcp: 10.50.0.100-10.50.0.199\n  reserved:\n    - 10.50.0.240/29\n  podCidrs: [10.50.0.64/26]\n',
          'pool.yaml': pool('a', 'start: 10.50.0.60\n        stop: 10.50.0.250'),
        },
        errors: [{ messageId: 'several', line: 7, column: 14, data: { count: 3, kinds: 'dhcp,reserved,podCidr' } }],
      },
    ],
  });
});

test('network/pool-network-broadcast follows allowFirstLastIPs and its per-version default', () => {
  const lan = (v?: string): string => `plan:\n  lan: 10.50.0.0/24\n${v ? `  versions:\n    cilium: "${v}"\n` : ''}`;
  ruleTester(poolNetworkBroadcast, {
    valid: [
      { 'talium.config.yaml': lan('1.15.6'), 'pool.yaml': pool('a', 'cidr: 10.50.0.0/24') }, // 1.15 default No
      { 'talium.config.yaml': lan('1.18.0'), 'pool.yaml': pool('a', 'cidr: 10.50.0.0/24', '\n    allowFirstLastIPs: "No"') },
      { 'talium.config.yaml': lan(), 'pool.yaml': pool('a', 'cidr: 10.50.0.0/24') }, // version unknown: silent
      { 'pool.yaml': pool('a', 'start: 10.50.0.200\n        stop: 10.50.0.254') }, // LAN unknown, clear of .0/.255
      { 'pool.yaml': pool('a', 'start: 10.50.0.200\n        stop: 10.50.1.20') }, // LAN unknown, spans two /24s: no assumption
      { 'pool.yaml': pool('a', 'cidr: 192.168.201.0/24', '\n    allowFirstLastIPs: "Yes"') }, // explicit Yes: the owner knows the LAN
      { 'talium.config.yaml': lan('1.18.0'), 'pool.yaml': pool('a', 'cidr: 10.50.0.224/28') },
    ],
    invalid: [
      {
        files: { 'talium.config.yaml': lan('1.18.0'), 'pool.yaml': pool('a', 'cidr: 10.50.0.0/24') },
        errors: [
          { messageId: 'edge', line: 7, column: 13, data: { which: 'broadcast', address: '10.50.0.255' } },
          { messageId: 'edge', line: 7, column: 13, data: { which: 'network', address: '10.50.0.0' } },
        ],
      },
      {
        // ranges reserve nothing, whatever the version
        files: { 'talium.config.yaml': lan(), 'pool.yaml': pool('a', 'start: 10.50.0.200\n        stop: 10.50.0.255') },
        // the broadcast address of a start/stop range is its stop
        errors: [{ messageId: 'edge', line: 8, column: 13, data: { which: 'broadcast', address: '10.50.0.255' } }],
      },
      {
        files: { 'talium.config.yaml': lan(), 'pool.yaml': pool('a', 'start: 10.50.0.0\n        stop: 10.50.0.20') },
        errors: [{ messageId: 'edge', line: 7, column: 14, data: { which: 'network', address: '10.50.0.0' } }],
      },
      {
        // LAN unknown: assume a /24 (warning); the 1.16+ default lets the /24's edges out
        files: { 'talium.config.yaml': 'plan:\n  versions:\n    cilium: 1.18.0\n', 'pool.yaml': pool('a', 'cidr: 192.168.201.0/24') },
        errors: [
          { messageId: 'edgeAssumed', line: 7, column: 13, data: { which: 'network', address: '192.168.201.0' } },
          { messageId: 'edgeAssumed', line: 7, column: 13, data: { which: 'broadcast', address: '192.168.201.255' } },
        ],
      },
    ],
  });
});

test('network/pool-overlap', () => {
  ruleTester(poolOverlap, {
    valid: [
      { 'a.yaml': pool('a', 'cidr: 10.50.0.224/28'), 'b.yaml': pool('b', 'cidr: 10.50.0.240/28') },
      // environment variants (one differing folder)
      { 'prod/lb/pool.yaml': pool('a', 'cidr: 10.50.0.224/28'), 'qa/lb/pool.yaml': pool('b', 'cidr: 10.50.0.224/28') },
      // same pool name in two overlays: variants, not two pools
      { 'overlays/x/pool.yaml': pool('a', 'cidr: 10.50.0.224/28'), 'base/pool.yaml': pool('a', 'cidr: 10.50.0.224/27') },
    ],
    invalid: [
      {
        files: { 'a.yaml': pool('a', 'cidr: 10.50.0.224/27'), 'b.yaml': pool('b', 'start: 10.50.0.250\n        stop: 10.50.0.251') },
        errors: [{ messageId: 'overlap', file: 'b.yaml', line: 7, column: 14, data: { pool: 'b', other: 'a', overlap: '10.50.0.250-10.50.0.251' } }],
      },
      {
        // one folder per pool (same file name, sibling folders of their own, different pool names): two pools of one
        // cluster, not environment variants of one
        files: { 'infra/pools/iot/pool.yaml': pool('iot', 'cidr: 10.50.0.224/28'), 'infra/pools/lan/pool.yaml': pool('lan', 'cidr: 10.50.0.224/27') },
        errors: [{ messageId: 'overlap', file: 'infra/pools/lan/pool.yaml', line: 7, column: 13, data: { pool: 'lan', other: 'iot', overlap: '10.50.0.224-10.50.0.239' } }],
      },
    ],
  });
});

test('network/pool-block-invalid', () => {
  ruleTester(poolBlockInvalid, {
    valid: [
      { 'p.yaml': pool('a', 'start: 10.50.0.5') },
      { 'p.yaml': pool('a', 'cidr: ${LB_CIDR}') },
      { 'p.yaml': 'apiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: a\nspec:\n  cidrs:\n    - cidr: 10.0.0.0/24\n' },
      // a Kustomize patch of a pool (partial object) needs no blocks
      {
        'overlay/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: pool-patch.yaml\n',
        'overlay/pool-patch.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: a\nspec:\n  serviceSelector:\n    matchLabels: {a: b}\n',
      },
    ],
    invalid: [
      { files: { 'p.yaml': pool('a', 'start: 10.50.0.9\n        stop: 10.50.0.1') }, errors: [{ messageId: 'startAfterStop', line: 7, column: 14, data: { start: '10.50.0.9', stop: '10.50.0.1' } }] },
      { files: { 'p.yaml': pool('a', 'start: 10.50.0.9\n        stop: fd00::1') }, errors: [{ messageId: 'mixedFamily', line: 8, column: 13 }] },
      { files: { 'p.yaml': pool('a', 'cidr: 10.50.0.0/33') }, errors: [{ messageId: 'invalidCidr', line: 7, column: 13, data: { value: '10.50.0.0/33' } }] },
      { files: { 'p.yaml': pool('a', 'stop: 10.50.0.9') }, errors: [{ messageId: 'invalidAddress', line: 7, column: 7, data: { field: 'start' } }] },
      { files: { 'p.yaml': pool('a', 'cidr: 10.50.0.0/28\n        start: 10.50.0.1') }, errors: [{ messageId: 'cidrAndRange', line: 7, column: 7 }] },
      { files: { 'p.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: a\nspec:\n  disabled: false\n' }, errors: [{ messageId: 'noBlocks', line: 5, column: 1, data: { pool: 'a' } }] },
    ],
  });
});

test('network/pool-host-bits', () => {
  ruleTester(poolHostBits, {
    valid: [{ 'p.yaml': pool('a', 'cidr: 10.50.0.192/28') }, { 'p.yaml': pool('a', 'cidr: 10.50.0.200/32') }],
    invalid: [{ files: { 'p.yaml': pool('a', 'cidr: 10.50.0.200/28') }, errors: [{ messageId: 'hostBits', line: 7, column: 13, data: { canonical: '10.50.0.192/28', range: '10.50.0.192-10.50.0.207' } }] }],
  });
});

test('network/cluster-cidr-overlaps-lan', () => {
  const talos = (pod: string, svc: string): string => `cluster:\n  network:\n    podSubnets:\n      - ${pod}\n    serviceSubnets:\n      - ${svc}\n`;
  ruleTester(cidrOverlapsLan, {
    valid: [
      { 'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n', 'talos/p.yaml': talos('10.244.0.0/16', '10.96.0.0/12') },
      { 'talos/p.yaml': talos('10.50.0.0/16', '10.96.0.0/12') }, // no LAN: silent
    ],
    invalid: [
      {
        files: { 'talium.config.yaml': 'plan:\n  lan: 10.96.10.0/24\n', 'talos/p.yaml': talos('10.244.0.0/16', '10.96.0.0/12') },
        errors: [{ messageId: 'overlap', file: 'talos/p.yaml', line: 6, column: 9, data: { what: 'service', cidr: '10.96.0.0/12', lan: '10.96.10.0/24', overlap: '10.96.10.0-10.96.10.255' } }],
      },
    ],
  });
});

test('network/pool-reserved-address points at the other owner (related location)', () => {
  const got = lintRepo({ 'talos/n1.yaml': node('n1', '10.50.0.11/24'), 'pool.yaml': pool('a', 'cidr: 10.50.0.8/29'), 'pool2.yaml': pool('b', 'cidr: 10.50.0.11/32') }, [poolReserved]);
  assert.deepEqual(
    got.map((d) => [d.file, d.messageId, d.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`)]),
    [
      ['pool.yaml', 'several', ['talos/n1.yaml:8:13', 'talos/n1.yaml:13:15']],
      ['pool2.yaml', 'node', ['talos/n1.yaml:8:13']],
    ],
  );
  // a long list is cut in the message, never in the related locations or the count
  const nodes: Record<string, string> = {};
  for (let i = 0; i < 9; i++) nodes[`talos/n${i}.yaml`] = node(`n${i}`, `10.50.0.${20 + i}/24`);
  const many = lintRepo({ ...nodes, 'pool.yaml': pool('a', 'start: 10.50.0.20\n        stop: 10.50.0.40') }, [poolReserved]);
  assert.deepEqual(many.map((d) => [d.messageId, d.data?.['count'], d.related?.length, /and 3 more/.test(String(d.data?.['list']))]), [['several', 9, 9, true]]);
});

test('network/pool-network-broadcast: the /24 assumption is only a warning', () => {
  const got = lintRepo({ 'pool.yaml': pool('a', 'start: 192.168.1.220\n        stop: 192.168.1.255') }, [poolNetworkBroadcast]);
  assert.deepEqual(got.map((d) => [d.messageId, d.severity, d.data?.['address'], d.range.start.line]), [['edgeAssumed', 'warning', '192.168.1.255', 8]]);
  const known = lintRepo({ 'talium.config.yaml': 'plan:\n  lan: 192.168.1.0/24\n', 'pool.yaml': pool('a', 'start: 192.168.1.220\n        stop: 192.168.1.255') }, [poolNetworkBroadcast]);
  assert.deepEqual(known.map((d) => [d.messageId, d.severity]), [['edge', 'error']]);
});

test('network/pool-network-broadcast: no /24 assumption for the routed pools of a BGP-only cluster', () => {
  // budimanjojo/home-cluster shape: l2announcements off, BGP on, a /24 pool of its own with allowFirstLastIPs unset
  const values = 'kubeProxyReplacement: true\nl2announcements:\n  enabled: false\nbgpControlPlane:\n  enabled: true\n';
  const block = pool('routed', 'cidr: 192.168.15.0/24');
  const cilium = 'plan:\n  versions:\n    cilium: 1.19.1\n';
  const bgpOnly = lintRepo({ 'talium.config.yaml': cilium, 'cilium/values.yaml': values, 'bgp.yaml': BGP, 'pool.yaml': block }, [poolNetworkBroadcast]);
  assert.deepEqual(bgpOnly.map((d) => d.messageId), []);
  // the same pool announced over L2 (alone, or next to BGP) keeps the warning at the block
  for (const extra of [{ 'l2.yaml': POLICY }, { 'l2.yaml': POLICY, 'bgp.yaml': BGP }] as Record<string, string>[]) {
    const got = lintRepo({ 'talium.config.yaml': cilium, 'pool.yaml': block, ...extra }, [poolNetworkBroadcast]);
    assert.deepEqual(got.map((d) => [d.messageId, d.severity, d.data?.['address'], d.range.start.line, d.range.start.column]), [
      ['edgeAssumed', 'warning', '192.168.15.0', 7, 13],
      ['edgeAssumed', 'warning', '192.168.15.255', 7, 13],
    ]);
  }
});

test('network/ pool rules: a base pool an overlay patches is not judged in its base form', () => {
  const LAN = { 'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n  gateway: 10.50.0.1\n', 'l2.yaml': POLICY };
  // the base block is outside the LAN, holds the gateway and overlaps the other pool; the overlays replace it
  const base = { ...LAN, 'k/base/kustomization.yaml': 'resources:\n  - pool.yaml\n  - other.yaml\n', 'k/base/pool.yaml': pool('lan', 'cidr: 10.50.0.0/23'), 'k/base/other.yaml': pool('other', 'cidr: 10.50.0.240/28') };
  const overlay = (patches: string, extra: Record<string, string> = {}) => ({ ...base, 'k/home/kustomization.yaml': `resources:\n  - ../base\npatches:\n${patches}`, ...extra });
  const json = '  - target:\n      kind: CiliumLoadBalancerIPPool\n      name: lan\n    patch: |-\n      - op: replace\n        path: /spec/blocks\n        value:\n          - cidr: 10.50.0.224/28\n';
  const smp = '  - patch: |-\n      apiVersion: cilium.io/v2\n      kind: CiliumLoadBalancerIPPool\n      metadata:\n        name: lan\n      spec:\n        blocks:\n          - cidr: 10.50.0.224/28\n';
  const patched = [overlay(json), overlay(smp), overlay('  - path: pool-patch.yaml\n', { 'k/home/pool-patch.yaml': pool('lan', 'cidr: 10.50.0.224/28') })];
  for (const files of patched) {
    assert.deepEqual(lintRepo(files, [poolOutsideLan, poolReserved, poolOverlap, poolNetworkBroadcast]).map((d) => `${d.file}:${d.range.start.line} ${d.ruleId}`), []);
    // host bits in the base block the overlay replaces (10.50.0.200/28 means .192-.207): not judged either
    const hostBits = { ...files, 'k/base/pool.yaml': pool('lan', 'cidr: 10.50.0.200/28') };
    assert.deepEqual(lintRepo(hostBits, [poolHostBits]).map((d) => `${d.file}:${d.range.start.line} ${d.ruleId}`), []);
  }
  // host bits in the overlay's own patch file are the overlay's: reported there
  const patchBits = overlay('  - path: pool-patch.yaml\n', { 'k/home/pool-patch.yaml': pool('lan', 'cidr: 10.50.0.200/28') });
  assert.deepEqual(lintRepo(patchBits, [poolHostBits]).map((d) => `${d.file}:${d.range.start.line} ${d.ruleId}`), ['k/home/pool-patch.yaml:7 network/pool-host-bits']);
  // without the overlay, the base's host bits are reported
  assert.deepEqual(lintRepo({ ...base, 'k/base/pool.yaml': pool('lan', 'cidr: 10.50.0.200/28') }, [poolHostBits]).map((d) => `${d.file}:${d.range.start.line} ${d.ruleId}`), ['k/base/pool.yaml:7 network/pool-host-bits']);
  // a patch of another pool, or of another kind, leaves the base as written: judged
  const other = overlay('  - target:\n      kind: CiliumLoadBalancerIPPool\n      name: other\n    patch: |-\n      - op: replace\n        path: /spec/disabled\n        value: true\n');
  assert.deepEqual(lintRepo(other, [poolOutsideLan, poolReserved]).map((d) => `${d.file}:${d.range.start.line} ${d.ruleId}`), ['k/base/pool.yaml:7 network/pool-outside-lan', 'k/base/pool.yaml:7 network/pool-reserved-address']);
  // the patch file's own blocks are the overlay's: judged there
  const bad = overlay('  - path: pool-patch.yaml\n', { 'k/home/pool-patch.yaml': pool('lan', 'cidr: 10.60.0.224/28') });
  assert.deepEqual(lintRepo(bad, [poolOutsideLan]).map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.messageId}`), ['k/home/pool-patch.yaml:7:13 outside']);
  // a base pool without blocks that overlays fill in
  const empty = { ...base, 'k/base/pool.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks: []\n', 'k/home/kustomization.yaml': `resources:\n  - ../base\npatches:\n${json}` };
  assert.deepEqual(lintRepo(empty, [poolBlockInvalid]).map((d) => `${d.file} ${d.messageId}`), []);
  assert.deepEqual(lintRepo({ ...empty, 'k/home/kustomization.yaml': 'resources:\n  - ../base\n' }, [poolBlockInvalid]).map((d) => `${d.file} ${d.messageId}`), ['k/base/pool.yaml noBlocks']);
});

test('network/ pool rules judge a base pool as written when the overlay that patches it leaves the fields they read alone', () => {
  const LAN = { 'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n  gateway: 10.50.0.1\n', 'l2.yaml': POLICY };
  const base = { ...LAN, 'k/base/kustomization.yaml': 'resources:\n  - pool.yaml\n', 'k/base/pool.yaml': pool('lan', 'cidr: 10.50.0.200/28') };
  const overlay = (patches: string, extra: Record<string, string> = {}) => ({ ...base, 'k/home/kustomization.yaml': `resources:\n  - ../base\npatches:\n${patches}`, ...extra });
  const at = (files: Record<string, string>, rules = [poolHostBits]) => lintRepo(files, rules).map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${d.messageId}`);
  const HOST_BITS = 'k/base/pool.yaml:7:13 network/pool-host-bits hostBits';
  // patches of the pool's serviceSelector only (inline strategic merge, inline JSON6902, a JSON6902 file, a strategic-merge
  // patch file): the base's block is what Cilium gets
  const selectorOnly = [
    overlay('  - patch: |-\n      apiVersion: cilium.io/v2\n      kind: CiliumLoadBalancerIPPool\n      metadata:\n        name: lan\n      spec:\n        serviceSelector:\n          matchLabels: {lb: home}\n'),
    overlay('  - target: {kind: CiliumLoadBalancerIPPool, name: lan}\n    patch: |-\n      - op: add\n        path: /spec/serviceSelector\n        value: {matchLabels: {lb: home}}\n'),
    overlay('  - target: {kind: CiliumLoadBalancerIPPool, name: lan}\n    path: selector.yaml\n', { 'k/home/selector.yaml': '- op: add\n  path: /spec/serviceSelector\n  value: {matchLabels: {lb: home}}\n' }),
    overlay('  - path: pool-patch.yaml\n', { 'k/home/pool-patch.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  serviceSelector:\n    matchLabels: {lb: home}\n' }),
  ];
  for (const files of selectorOnly) assert.deepEqual(at(files), [HOST_BITS]);
  // patches that replace the blocks, one block's cidr, or the whole spec (`$patch: replace`, JSON6902 `/spec`), delete the
  // pool, or cannot be read: the base's block is not judged
  const blocks = [
    overlay('  - target: {kind: CiliumLoadBalancerIPPool, name: lan}\n    patch: |-\n      - op: replace\n        path: /spec/blocks/0/cidr\n        value: 10.50.0.192/28\n'),
    overlay('  - target: {kind: CiliumLoadBalancerIPPool, name: lan}\n    patch: |-\n      - op: replace\n        path: /spec\n        value: {blocks: [{cidr: 10.50.0.192/28}]}\n'),
    overlay('  - patch: |-\n      apiVersion: cilium.io/v2\n      kind: CiliumLoadBalancerIPPool\n      metadata:\n        name: lan\n      spec:\n        $patch: replace\n        blocks: [{cidr: 10.50.0.192/28}]\n'),
    overlay('  - patch: |-\n      apiVersion: cilium.io/v2\n      kind: CiliumLoadBalancerIPPool\n      metadata:\n        name: lan\n      $patch: delete\n'),
    overlay('  - target: {kind: CiliumLoadBalancerIPPool, name: lan}\n    patch: |-\n      - op: replace\n        path: [unreadable\n'),
    overlay('  - target: {kind: CiliumLoadBalancerIPPool, name: lan}\n    path: missing.yaml\n'),
  ];
  for (const files of blocks) assert.deepEqual(at(files), []);
  // a patch that disables the pool: rules that skip disabled pools do not judge the base; host bits are about the text the
  // blocks hold, which the patch leaves as it is
  const disable = overlay('  - target: {kind: CiliumLoadBalancerIPPool, name: lan}\n    patch: |-\n      - op: add\n        path: /spec/disabled\n        value: true\n');
  assert.deepEqual(at(disable, [poolHostBits, poolReserved]), [HOST_BITS]);
  assert.deepEqual(at({ ...disable, 'k/base/pool.yaml': pool('lan', 'cidr: 10.50.0.0/28') }, [poolReserved]), []);
  assert.deepEqual(at({ ...selectorOnly[0]!, 'k/base/pool.yaml': pool('lan', 'cidr: 10.50.0.0/28') }, [poolReserved]), ['k/base/pool.yaml:7:13 network/pool-reserved-address gateway']);
});

test('network/pool-block-invalid: a base block an applied overlay replaces is not judged; one it leaves alone is, and so is a base without blocks it does not fill', () => {
  const base = { 'k/base/kustomization.yaml': 'resources:\n  - pool.yaml\n', 'k/base/pool.yaml': pool('lan', 'cidr: 10.50.0.300/24') };
  const overlay = (patches: string) => ({ ...base, 'k/home/kustomization.yaml': `resources:\n  - ../base\npatches:\n${patches}` });
  const at = (files: Record<string, string>) => lintRepo(files, [poolBlockInvalid]).map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.messageId}`);
  const replace = overlay('  - target: {kind: CiliumLoadBalancerIPPool, name: lan}\n    patch: |-\n      - op: replace\n        path: /spec/blocks\n        value: [{cidr: 10.50.0.224/28}]\n');
  const selector = overlay('  - target: {kind: CiliumLoadBalancerIPPool, name: lan}\n    patch: |-\n      - op: add\n        path: /spec/serviceSelector\n        value: {matchLabels: {lb: home}}\n');
  assert.deepEqual(at(base), ['k/base/pool.yaml:7:13 invalidCidr']);
  assert.deepEqual(at(replace), []);
  assert.deepEqual(at(selector), ['k/base/pool.yaml:7:13 invalidCidr']);
  const empty = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks: []\n';
  assert.deepEqual(at({ ...replace, 'k/base/pool.yaml': empty }), []);
  assert.deepEqual(at({ ...selector, 'k/base/pool.yaml': empty }), ['k/base/pool.yaml:5:1 noBlocks']);
});
