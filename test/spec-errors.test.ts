/**
 * One fixture per cluster.yaml problem (test/fixtures/spec/*.yaml): asserts rule id, severity, line, column and
 * data, and that a file with many problems reports all of them in one run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { toDiagnostic } from '../src/core/finding.js';
import { loadClusterSpec } from '../src/spec/load.js';
import { SCHEMA_RULES } from '../src/schema/rules.js';
import { GENERATE_RULES } from '../src/spec/rules.js';
import { withArticle } from '../src/core/text.js';

const DIR = join(process.cwd(), 'test/fixtures/spec');

interface Expect {
  rule: string;
  at: [number, number];
  sev?: 'error' | 'warning';
  data?: Record<string, string | number | boolean>;
}

function load(name: string, clusterName = 'fixture') {
  const text = readFileSync(join(DIR, name), 'utf8');
  return loadClusterSpec(text, { name: clusterName, displayPath: `test/fixtures/spec/${name}` });
}

/** Most fixtures are one-control-plane clusters about another problem: their spec/no-schedulable-node is not asserted. */
const NO_SCHEDULABLE = 'spec/no-schedulable-node';

function check(name: string, expected: Expect[]): void {
  const r = load(name);
  const asserted = (ruleId: string) => ruleId !== NO_SCHEDULABLE || expected.some((e) => e.rule === NO_SCHEDULABLE);
  const got = r.findings.filter((f) => asserted(f.ruleId)).map(toDiagnostic).sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column || (a.ruleId < b.ruleId ? -1 : 1));
  const want = [...expected].sort((a, b) => a.at[0] - b.at[0] || a.at[1] - b.at[1] || (a.rule < b.rule ? -1 : 1));
  assert.deepEqual(
    got.map((d) => [d.ruleId, d.range.start.line, d.range.start.column]),
    want.map((e) => [e.rule, e.at[0], e.at[1]]),
    `${name}: rule ids and positions`,
  );
  want.forEach((e, i) => {
    const d = got[i]!;
    assert.equal(d.severity, e.sev ?? 'error', `${name}: severity of ${e.rule}`);
    assert.equal(d.file, `test/fixtures/spec/${name}`);
    if (e.data) for (const [k, v] of Object.entries(e.data)) assert.equal(d.data?.[k], v, `${name}: ${e.rule} data.${k}`);
    assert.ok(d.help.endsWith('.'), `${name}: help ends with a period`);
  });
  assert.equal(r.cluster === undefined, want.some((e) => (e.sev ?? 'error') === 'error'), `${name}: cluster model only when error-free`);
}

const CASES: Record<string, Expect[]> = {
  'valid.yaml': [],
  'yaml-syntax.yaml': [{ rule: 'spec/yaml', at: [11, 3] }],
  'duplicate-key.yaml': [{ rule: 'spec/duplicate-key', at: [11, 3], data: { key: 'gateway' } }],
  // each repeated key reported; the last value wins and is checked where it is written; the other errors still reported
  'duplicate-key-many-errors.yaml': [
    { rule: 'spec/duplicate-key', at: [6, 3], data: { key: 'cilium' } },
    { rule: 'spec/unsupported-version', at: [6, 11], data: { component: 'cilium', version: '1.99.0' } },
    { rule: 'spec/schema', at: [8, 11], data: { keyword: 'enum', path: 'gitops.engine' } },
    { rule: 'spec/cidr-host-bits', at: [11, 9], data: { suggestion: '10.50.0.0/24' } },
    { rule: 'spec/duplicate-key', at: [13, 3], data: { key: 'gateway' } },
    { rule: 'spec/duplicate-key', at: [20, 5], data: { key: 'address' } },
    { rule: 'spec/invalid-address', at: [20, 14], data: { path: 'nodes[0].address', value: '10.50.0.300' } },
    { rule: 'spec/overlap', at: [22, 8], data: { first: 'lan.dhcp', second: 'cluster.vip' } },
    { rule: 'spec/unknown-key', at: [23, 3], data: { key: 'colour', parent: 'cluster' } },
  ],
  'multiple-documents.yaml': [{ rule: 'spec/yaml', at: [21, 1], data: { documents: 2 } }],
  'schema-type.yaml': [{ rule: 'spec/schema', at: [4, 11], data: { keyword: 'type', path: 'versions.cilium', expected: 'string' } }],
  // `talos: 1.10` reads as the number 1.1: the hint quotes it as written, not as "1.1" (another minor version)
  'schema-type-version.yaml': [{ rule: 'spec/schema', at: [2, 10], data: { keyword: 'type', path: 'versions.talos', expected: 'string', written: '1.10' } }],
  // values spliced into the generated scripts: a branch git would refuse, an endpoint with more than host and port
  'schema-branch-endpoint.yaml': [
    { rule: 'spec/schema', at: [8, 11], data: { keyword: 'pattern', path: 'gitops.branch' } },
    { rule: 'spec/schema', at: [23, 13], data: { keyword: 'pattern', path: 'cluster.endpoint' } },
  ],
  // git refuses `..` in a branch name (git check-ref-format)
  'schema-branch-dots.yaml': [{ rule: 'spec/schema', at: [8, 11], data: { keyword: 'pattern', path: 'gitops.branch' } }],
  // flux bootstrap git parses --url with Go's url.Parse (no scp-like form) and knows ssh, https, http only
  'flux-repository-scp.yaml': [{ rule: 'spec/flux-repository-url', at: [7, 15], data: { url: 'git@github.com:me/homelab.git', suggestion: 'ssh://git@github.com/me/homelab.git' } }],
  'flux-repository-scheme.yaml': [{ rule: 'spec/flux-repository-url', at: [7, 15], data: { url: 'git://example.com/repo.git' } }],
  // links talium does not create: the node would have no address; physical names (enp2s0f1, enx..., eth0) pass
  'virtual-nic.yaml': [
    { rule: 'spec/virtual-nic', at: [13, 65], data: { nic: 'bond0', kind: 'bond' } },
    { rule: 'spec/virtual-nic', at: [14, 65], data: { nic: 'br0', kind: 'bridge' } },
    { rule: 'spec/virtual-nic', at: [15, 65], data: { nic: 'enp1s0.50', kind: 'vlan' } },
    { rule: 'spec/virtual-nic', at: [16, 58], data: { nic: 'wg0', kind: 'virtual' } },
  ],
  'schema-required.yaml': [{ rule: 'spec/schema', at: [8, 1], data: { keyword: 'required', missing: 'gateway' } }],
  'schema-enum.yaml': [{ rule: 'spec/schema', at: [6, 11], data: { keyword: 'enum', allowed: 'flux, argocd' } }],
  // node and pool names are DNS labels: the nearest label is offered, not the regex
  'schema-dns-label.yaml': [
    { rule: 'spec/schema', at: [14, 13], data: { keyword: 'pattern', path: 'nodes[0].name', suggestion: 'node-1' } },
    { rule: 'spec/schema', at: [16, 11], data: { keyword: 'pattern', path: 'pools[0].name', suggestion: 'dns-pool' } },
  ],
  'unknown-key.yaml': [{ rule: 'spec/unknown-key', at: [22, 3], data: { key: 'hubbel', suggestion: 'hubble' } }],
  'cidr-host-bits.yaml': [{ rule: 'spec/cidr-host-bits', at: [9, 9], data: { suggestion: '10.50.0.0/24' } }],
  'invalid-cidr.yaml': [{ rule: 'spec/invalid-cidr', at: [22, 12], data: { path: 'cluster.podCidr' } }],
  'invalid-address.yaml': [{ rule: 'spec/invalid-address', at: [15, 14], data: { path: 'nodes[0].address', value: '10.50.0.300' } }],
  'invalid-range.yaml': [{ rule: 'spec/invalid-range', at: [11, 9], data: { reason: 'reversed' } }],
  'outside-lan.yaml': [
    { rule: 'spec/outside-lan', at: [10, 12], data: { owner: 'lan.gateway', lan: '10.50.0.0/24' } },
    { rule: 'spec/outside-lan', at: [20, 9], data: { owner: 'pools[0].blocks[0]' } },
  ],
  'network-address.yaml': [{ rule: 'spec/network-address', at: [15, 14], data: { which: 'broadcast', address: '10.50.0.255' } }],
  'pool-first-last-off.yaml': [],
  'cilium-values-checked.yaml': [
    { rule: 'spec/dotted-helm-key', at: [20, 5], data: { key: 'loadBalancer.algorithm' } },
    { rule: 'schema/enum', at: [21, 18], data: { path: 'routingMode' } },
  ],
  'cilium-values-typos.yaml': [
    { rule: 'schema/unknown-field', at: [20, 5], data: { field: 'l2anouncements', path: 'l2anouncements', suggestion: 'l2announcements', consumer: 'helm' } },
    { rule: 'schema/unknown-field', at: [22, 5], data: { field: 'kubeProxyReplacment', path: 'kubeProxyReplacment', suggestion: 'kubeProxyReplacement', consumer: 'helm' } },
    { rule: 'schema/unknown-field', at: [24, 7], data: { field: 'algoritm', path: 'loadBalancer.algoritm', suggestion: 'algorithm', consumer: 'helm' } },
    { rule: 'schema/unknown-field', at: [27, 9], data: { field: 'backnd', path: 'loadBalancer.l7.backnd', suggestion: 'backend', consumer: 'helm' } },
  ],
  'pool-first-last-on.yaml': [{ rule: 'spec/network-address', at: [22, 9], data: { owner: 'pools[0].blocks[0]', which: 'broadcast', address: '10.50.0.255' } }],
  'overlap.yaml': [
    { rule: 'spec/overlap', at: [20, 9], data: { first: 'nodes[0].address', second: 'pools[0].blocks[0]', overlap: '10.50.0.11' } },
    { rule: 'spec/overlap', at: [22, 8], data: { first: 'lan.dhcp', second: 'cluster.vip', overlap: '10.50.0.150' } },
  ],
  'overlap-several.yaml': [
    {
      rule: 'spec/overlap',
      at: [33, 9],
      data: {
        second: 'pools[0].blocks[0]',
        count: 7,
        owners: 'lan.gateway,lan.dhcp,lan.reserved[0],cluster.vip,nodes[0].address,nodes[1].address,nodes[2].address',
        kinds: 'gateway,dhcp,reserved,vip,node,node,node',
      },
    },
    { rule: 'spec/overlap', at: [35, 9], data: { first: 'nodes[1].address', second: 'pools[0].blocks[2]', overlap: '10.50.0.12' } },
    { rule: 'spec/pool-overlap', at: [35, 9], data: { first: 'pools[0].blocks[0]', second: 'pools[0].blocks[2]', overlap: '10.50.0.12' } },
  ],
  'pool-overlap.yaml': [{ rule: 'spec/pool-overlap', at: [23, 9], data: { first: 'pools[0].blocks[0]', second: 'pools[1].blocks[0]', overlap: '10.50.0.236-10.50.0.239' } }],
  'pod-service-overlap.yaml': [
    { rule: 'spec/pod-service-overlap', at: [22, 12], data: { what: 'cluster.podCidr', other: '10.50.0.0/24' } },
    { rule: 'spec/pod-service-overlap', at: [23, 16], data: { what: 'cluster.serviceCidr', other: '10.50.0.0/16' } },
  ],
  'unsupported-version.yaml': [
    { rule: 'spec/unsupported-version', at: [2, 10], data: { component: 'talos', supported: '1.10–1.14' } },
    { rule: 'spec/unsupported-version', at: [4, 11], data: { component: 'cilium', supported: '1.16–1.20' } },
  ],
  'kubernetes-version.yaml': [{ rule: 'spec/kubernetes-version', at: [3, 15], data: { reason: 'talos-matrix', supported: '1.29–1.34' } }],
  'kubernetes-untested.yaml': [{ rule: 'spec/kubernetes-version', at: [3, 15], sev: 'warning', data: { reason: 'cilium-tested' } }],
  // Cilium 1.16's list is not established, but no line older than 1.18 is tested with newer Kubernetes than 1.18 is
  'kubernetes-untested-bound.yaml': [{ rule: 'spec/kubernetes-version', at: [3, 15], sev: 'warning', data: { reason: 'cilium-tested', tested: 'none newer than 1.33, the newest Cilium 1.18 is tested with; the exact list is not established' } }],
  'duplicate-node.yaml': [{ rule: 'spec/duplicate-node', at: [17, 11], data: { name: 'cp-1', first: 'nodes[0]', second: 'nodes[1]' } }],
  'no-control-plane.yaml': [{ rule: 'spec/no-control-plane', at: [12, 1] }],
  'even-control-planes.yaml': [{ rule: 'spec/even-control-planes', at: [12, 1], sev: 'warning', data: { controlPlanes: 2 } }],
  'duplicate-pool.yaml': [{ rule: 'spec/duplicate-pool', at: [21, 11], data: { name: 'default' } }],
  'operator-replicas.yaml': [{ rule: 'spec/operator-replicas', at: [22, 21], data: { replicas: 2, nodes: 1 } }],
  'lease-timing.yaml': [{ rule: 'spec/lease-timing', at: [23, 20], data: { constraint: 'duration-gt-renew' } }],
  'removed-helm-key.yaml': [
    { rule: 'spec/removed-helm-key', at: [23, 5], data: { key: 'tunnel', since: '1.15' } },
    { rule: 'spec/removed-helm-key', at: [25, 7], data: { key: 'hostPort.enabled', since: '1.18' } },
  ],
  // a fixed value has no option; one talium derives names the cluster.yaml option that drives it
  'owned-helm-value.yaml': [
    { rule: 'spec/owned-helm-value', at: [24, 7], data: { key: 'ipam.mode' } },
    { rule: 'spec/owned-helm-value', at: [28, 7], data: { key: 'k8sClientRateLimit.qps', option: 'cilium.l2.services' } },
  ],
  // extraConfig lands at the end of the cilium-config ConfigMap and overrides what the chart renders from the values
  // talium owns; agent options nobody owns (enable-bpf-masquerade, a custom key) pass
  'owned-agent-option.yaml': [
    { rule: 'spec/owned-helm-value', at: [24, 7], data: { key: 'extraConfig.kube-proxy-replacement', owner: 'kubeProxyReplacement' } },
    { rule: 'spec/owned-helm-value', at: [25, 7], data: { key: 'extraConfig.ipam', owner: 'ipam.mode' } },
    { rule: 'spec/owned-helm-value', at: [26, 7], data: { key: 'extraConfig.enable-l2-announcements', owner: 'l2announcements.enabled' } },
    { rule: 'spec/owned-helm-value', at: [27, 7], data: { key: 'extraConfig.l2-announcements-lease-duration', owner: 'l2announcements.leaseDuration', option: 'cilium.l2.leaseDuration' } },
    { rule: 'spec/owned-helm-value', at: [28, 7], data: { key: 'extraConfig.k8s-client-qps', owner: 'k8sClientRateLimit.qps', option: 'cilium.l2.services' } },
    { rule: 'spec/owned-helm-value', at: [29, 7], data: { key: 'extraConfig.enable-hubble', owner: 'hubble.enabled', option: 'cilium.hubble' } },
    { rule: 'spec/owned-helm-value', at: [30, 7], data: { key: 'extraConfig.cgroup-root', owner: 'cgroup.hostRoot' } },
  ],
  'lan-ipv4.yaml': [{ rule: 'spec/lan-ipv4', at: [9, 9] }],
  // a Linux link name: at most 15 bytes, no ':' (alias syntax), '/' or whitespace; 15 bytes and '_' '.' '-' are fine
  'nic-name.yaml': [
    { rule: 'spec/schema', at: [14, 65], data: { keyword: 'pattern', path: 'nodes[0].nic' } },
    { rule: 'spec/schema', at: [15, 65], data: { keyword: 'pattern', path: 'nodes[1].nic' } },
    { rule: 'spec/schema', at: [16, 65], data: { keyword: 'pattern', path: 'nodes[2].nic' } },
    { rule: 'spec/schema', at: [17, 58], data: { keyword: 'pattern', path: 'nodes[3].nic' } },
    { rule: 'spec/schema', at: [18, 58], data: { keyword: 'pattern', path: 'nodes[4].nic' } },
  ],
  // every node a control plane, none schedulable: at nodes (the default) or at the explicit false
  'no-schedulable-node.yaml': [{ rule: 'spec/no-schedulable-node', at: [11, 1], sev: 'warning', data: { controlPlanes: 1 } }],
  'no-schedulable-node-explicit.yaml': [{ rule: 'spec/no-schedulable-node', at: [11, 38], sev: 'warning', data: { controlPlanes: 1 } }],
  'schedulable-control-planes.yaml': [],
  // cilium.hubble (default true) turns Relay and UI on: Relay off alone leaves the UI without it
  'hubble-parts.yaml': [{ rule: 'spec/hubble-parts', at: [20, 18], data: { problem: 'ui-without-relay' } }],
  // cilium.hubble false: the UI alone has no Relay (Relay alone would have no Hubble)
  'hubble-parts-off.yaml': [{ rule: 'spec/hubble-parts', at: [21, 18], data: { problem: 'ui-without-relay' } }],
  'hubble-parts-relay.yaml': [{ rule: 'spec/hubble-parts', at: [21, 18], data: { problem: 'relay-without-hubble' } }],
  // a /23 holds two per-node /24s for three nodes; a /10 service range is more than kube-apiserver's 20 bits
  'cluster-cidr.yaml': [
    { rule: 'spec/cluster-cidr', at: [12, 12], data: { problem: 'too-small', nodeCidrs: 2, nodes: 3 } },
    { rule: 'spec/cluster-cidr', at: [13, 16], data: { problem: 'too-large', cidr: '100.64.0.0/10' } },
  ],
  'cluster-cidr-ipv6.yaml': [{ rule: 'spec/cluster-cidr', at: [12, 12], data: { problem: 'family', what: 'cluster.podCidr' } }],
  // a label value with a space (the CRD's pattern refuses it), an upper-case key prefix, In without values, Exists
  // with values, a key and a value that do not start/end alphanumeric; the Service name/namespace keys are fine
  'label-selector.yaml': [
    { rule: 'spec/label-selector', at: [18, 26], data: { problem: 'value', value: 'dns pool' } },
    { rule: 'spec/label-selector', at: [19, 9], data: { problem: 'key', value: 'Bad.Prefix/x' } },
    { rule: 'spec/label-selector', at: [22, 34], data: { problem: 'values-required', value: 'In' } },
    { rule: 'spec/label-selector', at: [23, 42], data: { problem: 'values-forbidden', value: 'Exists' } },
    { rule: 'spec/label-selector', at: [24, 18], data: { problem: 'key', value: '-tier' } },
    { rule: 'spec/label-selector', at: [24, 56], data: { problem: 'value', value: 'b_' } },
  ],
  // the VLAN links of w-1 and w-2 (Talos's hashed name for the long NIC) are no Cilium device; eno1 matches eno+
  'devices-without-lan-link.yaml': [
    { rule: 'spec/devices-without-lan-link', at: [22, 14], data: { link: 'enp1s0.50', nodes: 'w-1', devices: 'enp1s0,eno+' } },
    { rule: 'spec/devices-without-lan-link', at: [22, 14], data: { link: 'enx7f8ca75.50', nodes: 'w-2' } },
  ],
  'egress-gateway-masquerade.yaml': [
    { rule: 'spec/egress-gateway-masquerade', at: [20, 16], data: { key: 'bpf.masquerade' } },
    { rule: 'spec/egress-gateway-masquerade', at: [21, 27], data: { key: 'enableIPv4Masquerade' } },
  ],
  'lint-section.yaml': [],
  'lint-section-bad.yaml': [{ rule: 'spec/schema', at: [23, 18], data: { keyword: 'enum' } }],
  'many-errors.yaml': [
    { rule: 'spec/unsupported-version', at: [2, 10], data: { component: 'talos' } },
    { rule: 'spec/schema', at: [4, 11], data: { keyword: 'type' } },
    { rule: 'spec/schema', at: [6, 11], data: { keyword: 'enum' } },
    { rule: 'spec/cidr-host-bits', at: [9, 9], data: { suggestion: '10.50.0.0/24' } },
    { rule: 'spec/outside-lan', at: [10, 12], data: { owner: 'lan.gateway' } },
    { rule: 'spec/unknown-key', at: [12, 3], data: { key: 'colour' } },
    { rule: 'spec/overlap', at: [14, 8], data: { first: 'lan.dhcp', second: 'cluster.vip' } },
    { rule: 'spec/pod-service-overlap', at: [15, 16], data: { what: 'cluster.serviceCidr' } },
    { rule: 'spec/even-control-planes', at: [16, 1], sev: 'warning' },
    { rule: 'spec/duplicate-node', at: [21, 11], data: { name: 'cp-1' } },
    { rule: 'spec/network-address', at: [23, 14], data: { owner: 'nodes[1].address', which: 'broadcast' } },
    { rule: 'spec/overlap', at: [28, 9], data: { first: 'nodes[0].address', second: 'pools[0].blocks[0]', overlap: '10.50.0.11' } },
    { rule: 'spec/pool-overlap', at: [31, 9], data: { overlap: '10.50.0.12-10.50.0.15' } },
  ],
};

for (const [name, expected] of Object.entries(CASES)) {
  test(`spec fixture ${name}`, () => check(name, expected));
}

test('every fixture in test/fixtures/spec has a case', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
  assert.deepEqual(files, Object.keys(CASES).sort());
});

test('a folder name that is not a DNS label is reported', () => {
  const r = load('valid.yaml', 'Bad_Name');
  assert.deepEqual(r.findings.filter((f) => f.ruleId !== NO_SCHEDULABLE).map((f) => [f.ruleId, toDiagnostic(f).range.start.line]), [['spec/cluster-name', 1]]);
  assert.equal(r.cluster, undefined);
});

test('overlap findings point at the second owner and relate the first', () => {
  const d = load('overlap.yaml').findings.map(toDiagnostic).find((x) => x.data?.['second'] === 'pools[0].blocks[0]')!;
  assert.equal(d.related?.[0]?.range.start.line, 15, 'related location is nodes[0].address');
});

test('a block that collides with several owners gives one finding relating every owner; one collision keeps its own message', () => {
  const ds = load('overlap-several.yaml').findings.map(toDiagnostic).filter((x) => x.ruleId === 'spec/overlap');
  const several = ds.find((x) => x.data?.['second'] === 'pools[0].blocks[0]')!;
  assert.equal(several.messageId, 'several');
  // gateway, DHCP, reserved range, VIP, then the three nodes (file order)
  assert.deepEqual(several.related?.map((r) => [r.range.start.line, r.range.start.column]), [[11, 12], [12, 9], [14, 7], [16, 8], [20, 14], [24, 14], [28, 14]]);
  const single = ds.find((x) => x.data?.['second'] === 'pools[0].blocks[2]')!;
  assert.equal(single.messageId, undefined);
  assert.deepEqual(single.related?.map((r) => r.range.start.line), [24]);
  assert.equal(ds.length, 2, 'one spec/overlap per colliding owner, not one per pair');
});

test('every reported rule id is listed in GENERATE_RULES', () => {
  // cilium.values goes through the schema checks too (schema/* ids)
  const known = new Set([...GENERATE_RULES, ...SCHEMA_RULES].map((r) => r.id));
  for (const name of Object.keys(CASES)) for (const f of load(name).findings) assert.ok(known.has(f.ruleId), f.ruleId);
  const ids = GENERATE_RULES.map((r) => r.id);
  assert.deepEqual(ids, [...ids].sort(), 'sorted');
});

test('malformed input never throws', () => {
  for (const text of ['', '---\n', '- a\n- b\n', 'versions: [\n', '42', 'nodes: {a: 1}\npools: 7\nlan: {cidr: 5}\n', '\u0000\u0001', 'a: &x [*x]\n']) {
    const r = loadClusterSpec(text, { name: 'x', displayPath: 'x.yaml' });
    assert.ok(r.findings.length > 0, JSON.stringify(text));
    assert.equal(r.cluster, undefined);
  }
});

test('spec/schema type help: the right article for every JSON type (an integer, an object, an array)', () => {
  const text = readFileSync(join(DIR, 'valid.yaml'), 'utf8')
    .replace('  cidr: 10.50.0.0/24\n', '  cidr: 10.50.0.0/24\n  vlan: fifty\n  reserved: 10.50.0.2\n')
    .replace('  engine: flux\n', '  engine: flux\n  branch: [main]\n')
    .concat('cilium:\n  hubble: "yes"\n  l2: [x]\n  values: 3\n');
  const r = loadClusterSpec(text, { name: 'fixture', displayPath: 'articles.yaml' });
  const help = Object.fromEntries(r.findings.filter((f) => f.ruleId === 'spec/schema' && f.data?.['keyword'] === 'type').map((f) => [String(f.data!['expected']), f.help]));
  assert.deepEqual(help, {
    integer: 'Use an integer here.',
    string: 'Use a string here.',
    boolean: 'Use a boolean here.',
    object: 'Use an object here.',
    array: 'Use an array here.',
  });
});

test('indefinite articles', () => {
  assert.deepEqual(['integer', 'object', 'array', 'string', 'number', 'boolean', 'null', 'string,number'].map(withArticle), [
    'an integer', 'an object', 'an array', 'a string', 'a number', 'a boolean', 'null', 'a string or a number',
  ]);
});
