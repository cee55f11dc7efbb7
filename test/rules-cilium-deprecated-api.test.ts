/** cilium/deprecated-api-version: deprecated-but-served Cilium apiVersions per line, from the schemas' served table. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import deprecatedApiVersion, { SAME_SHAPE_KINDS } from '../src/rules/cilium/deprecated-api-version.js';
import { CILIUM_SCHEMA_FILE, CILIUM_SERVED } from '../src/schema/versions.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { ciliumHelmReleaseText } from '../src/testing/schema-docs.js';

/** The group's Cilium release, pinned to `version`. */
const hr = (version: string) => ciliumHelmReleaseText(['kubeProxyReplacement: true'], version);

const obj = (apiVersion: string, kind: string, spec = '  timers:\n    holdTimeSeconds: 9\n') => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: router\nspec:\n${spec}`;
const PEERING = '  virtualRouters:\n    - localASN: 64512\n      neighbors:\n        - peerAddress: 10.50.0.1/32\n          peerASN: 64513\n';

test('cilium/deprecated-api-version', () => {
  ruleTester(deprecatedApiVersion, {
    valid: [
      { 'cilium/hr.yaml': hr('1.18.8'), 'cilium/bgp.yaml': obj('cilium.io/v2', 'CiliumBGPPeerConfig') },
      // not deprecated yet on 1.17
      { 'cilium/hr.yaml': hr('1.17.14'), 'cilium/bgp.yaml': obj('cilium.io/v2alpha1', 'CiliumBGPPeerConfig') },
      // no known (or no pinned) Cilium version: silent
      { 'cilium/bgp.yaml': obj('cilium.io/v2alpha1', 'CiliumBGPPeerConfig') },
      { 'cilium/hr.yaml': hr('">=1.17.0"'), 'cilium/bgp.yaml': obj('cilium.io/v2alpha1', 'CiliumBGPPeerConfig') },
      // the pool has its own rule; the L2 policy's only version is never deprecated
      { 'cilium/hr.yaml': hr('1.19.6'), 'cilium/pool.yaml': obj('cilium.io/v2alpha1', 'CiliumLoadBalancerIPPool', '  blocks:\n    - cidr: 10.50.0.224/28\n') },
      { 'cilium/hr.yaml': hr('1.19.6'), 'cilium/l2.yaml': obj('cilium.io/v2alpha1', 'CiliumL2AnnouncementPolicy', '  loadBalancerIPs: true\n') },
      // BGPv1 on 1.19 is not served at all: schema/not-served says so, not this rule
      { 'cilium/hr.yaml': hr('1.19.6'), 'cilium/bgp.yaml': obj('cilium.io/v2alpha1', 'CiliumBGPPeeringPolicy', PEERING) },
      // another group's kind of the same name is not Cilium's
      { 'cilium/hr.yaml': hr('1.19.6'), 'cilium/bgp.yaml': obj('example.com/v2alpha1', 'CiliumBGPPeerConfig') },
    ],
    invalid: [
      {
        files: { 'cilium/hr.yaml': hr('1.18.8'), 'cilium/bgp.yaml': obj('cilium.io/v2alpha1', 'CiliumBGPPeerConfig') },
        errors: [{ messageId: 'deprecated', file: 'cilium/bgp.yaml', line: 1, column: 13, data: { kind: 'CiliumBGPPeerConfig', name: 'router', apiVersion: 'cilium.io/v2alpha1', since: '1.18', version: '1.18.8', replacement: 'cilium.io/v2' } }],
      },
      {
        // 1.20 is served like 1.19
        files: { 'cilium/hr.yaml': hr('1.20.0'), 'cilium/bgp.yaml': obj('cilium.io/v2alpha1', 'CiliumBGPClusterConfig', '  bgpInstances: []\n') },
        errors: [{ messageId: 'deprecated', line: 1, column: 13, data: { kind: 'CiliumBGPClusterConfig', replacement: 'cilium.io/v2', version: '1.20.0' } }],
      },
      {
        files: { 'cilium/hr.yaml': hr('1.18.8'), 'cilium/bgp.yaml': obj('cilium.io/v2alpha1', 'CiliumBGPPeeringPolicy', PEERING) },
        errors: [{ messageId: 'deprecatedKind', line: 1, column: 13, data: { kind: 'CiliumBGPPeeringPolicy', since: '1.18', version: '1.18.8' } }],
      },
    ],
  });
});

test('cilium/deprecated-api-version: every kind with a deprecated version but the pool is covered', () => {
  const kinds = Object.entries(CILIUM_SERVED).filter(([, s]) => Object.values(s).some((r) => r.deprecatedSince)).map(([k]) => k);
  assert.ok(kinds.includes('CiliumBGPPeerConfig') && kinds.includes('CiliumLoadBalancerIPPool'));
  // each of those kinds (the pool excepted) produces a finding on the newest line when on its deprecated version
  for (const kind of kinds.filter((k) => k !== 'CiliumLoadBalancerIPPool')) {
    const [apiVersion, r] = Object.entries(CILIUM_SERVED[kind]!).find(([, x]) => x.deprecatedSince)!;
    const version = r.until ? `${r.deprecatedSince}.0` : '1.19.6';
    ruleTester(deprecatedApiVersion, { valid: [], invalid: [{ files: { 'cilium/hr.yaml': hr(version), 'x.yaml': obj(apiVersion, kind, '  {}\n') }, errors: [{ line: 1, column: 13, data: { kind, apiVersion } }] }] });
  }
});

test('cilium/deprecated-api-version: the same-shape kinds (autofixed) have one shape in their schema file', () => {
  for (const kind of SAME_SHAPE_KINDS) {
    const file = CILIUM_SCHEMA_FILE[kind];
    assert.ok(file, `${kind} has a schema file`);
    const text = readFileSync(join(process.cwd(), 'schemas', file), 'utf8');
    // an x-api branch would mean the versions differ in shape: switching the apiVersion could change the object
    assert.doesNotMatch(text, /"x-api"/, `${file}`);
    assert.ok(Object.values(CILIUM_SERVED[kind]!).some((r) => r.deprecatedSince), `${kind} has a deprecated version`);
  }
});

test('cilium/deprecated-api-version on a document several clusters share: once, and only when every cluster deprecates it', () => {
  const group = obj('cilium.io/v2alpha1', 'CiliumCIDRGroup', '  externalCIDRs: [192.0.2.0/24]\n');
  const brief = (a: string, b: string) =>
    lintRepo({ 'clusters/a/cilium.yaml': hr(a), 'clusters/b/cilium.yaml': hr(b), 'apps/group.yaml': group }, [deprecatedApiVersion]).map((d) => `${d.messageId} ${d.file}:${d.range.start.line}:${d.range.start.column}`);
  assert.deepEqual(brief('1.18.8', '1.19.6'), ['deprecated apps/group.yaml:1:13']);
  // the 1.17 cluster does not serve cilium.io/v2 yet: the shared file cannot move
  assert.deepEqual(brief('1.17.14', '1.19.6'), []);
});
