/**
 * Registry and version selection: served apiVersions per Cilium line, version-string parsing, clamping, Talos
 * document kinds per Talos line, and the schema specialisation annotations (x-since/x-until/x-api/x-overrides).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CILIUM_SCHEMA_FILE, ciliumLine, ciliumLines, ciliumServed, parseMinor, talosLine } from '../src/schema/versions.js';
import { SchemaRegistry } from '../src/schema/registry.js';
import { specialize } from '../src/schema/specialize.js';
import { createSchemaValidator } from '../src/schema/validate.js';
import { diagnostics, docsFromText } from '../src/testing/schema-docs.js';
import { cpuMsSince, cpuStart } from '../src/testing/cpu-time.js';

test('version strings → lines (clamped to what we ship)', () => {
  assert.deepEqual(parseMinor('v1.18.4'), [1, 18]);
  assert.deepEqual(parseMinor('1.19.0-rc.1'), [1, 19]);
  assert.deepEqual(parseMinor('>=1.17.0 <1.18'), [1, 17]);
  assert.equal(parseMinor('latest'), undefined);
  assert.equal(ciliumLine('1.18.4'), '1.18');
  assert.equal(ciliumLine(undefined), '1.20');
  assert.equal(ciliumLine('1.13.2'), '1.14');
  assert.equal(ciliumLine('1.21.0-pre.0'), '1.20');
  assert.equal(talosLine('v1.13.9'), '1.13');
  assert.equal(talosLine(undefined), '1.14');
  assert.equal(talosLine('1.9.0'), '1.12');
});

test('served apiVersions per Cilium line', () => {
  assert.deepEqual(ciliumServed('CiliumLoadBalancerIPPool', '1.17'), ['cilium.io/v2alpha1']);
  assert.deepEqual(ciliumServed('CiliumLoadBalancerIPPool', '1.18'), ['cilium.io/v2', 'cilium.io/v2alpha1']);
  assert.deepEqual(ciliumServed('CiliumL2AnnouncementPolicy', '1.20'), ['cilium.io/v2alpha1']);
  assert.deepEqual(ciliumServed('CiliumBGPPeeringPolicy', '1.18'), ['cilium.io/v2alpha1']);
  assert.deepEqual(ciliumServed('CiliumBGPPeeringPolicy', '1.19'), []);
  assert.deepEqual(ciliumServed('CiliumBGPClusterConfig', '1.14'), []);
  assert.deepEqual(ciliumServed('CiliumBGPClusterConfig', '1.18'), ['cilium.io/v2', 'cilium.io/v2alpha1']);
});

test('v2 pool on Cilium 1.17 → schema/not-served; on 1.18 and 1.20 it validates', () => {
  const text = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: {name: p}\nspec:\n  blocks: [{cidr: 10.0.0.0/24}]\n';
  const [doc] = docsFromText('p.yaml', text);
  const on = (v: string) => diagnostics(createSchemaValidator({ ciliumVersion: v }).validate(doc!)).map((d) => d.ruleId);
  assert.deepEqual(on('1.17.9'), ['schema/not-served']);
  assert.deepEqual(on('1.18.0'), []);
  assert.deepEqual(on('1.20'), []);
  const bgpv1 = docsFromText('b.yaml', 'apiVersion: cilium.io/v2alpha1\nkind: CiliumBGPPeeringPolicy\nmetadata: {name: b}\nspec:\n  virtualRouters: [{localASN: 1, neighbors: [{peerAddress: 10.0.0.1/32, peerASN: 2}]}]\n')[0]!;
  assert.deepEqual(diagnostics(createSchemaValidator({ ciliumVersion: '1.18' }).validate(bgpv1)), []);
  const removed = diagnostics(createSchemaValidator({ ciliumVersion: '1.19' }).validate(bgpv1));
  assert.equal(removed[0]?.ruleId, 'schema/not-served');
  assert.equal(removed[0]?.data?.['served'], '');
});

test('per-line shapes: cidrs is an unknown field on 1.16, blocks on 1.14', () => {
  const cidrs = docsFromText('c.yaml', 'apiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool\nmetadata: {name: p}\nspec:\n  cidrs: [{cidr: 10.0.0.0/24}]\n')[0]!;
  assert.deepEqual(diagnostics(createSchemaValidator({ ciliumVersion: '1.15' }).validate(cidrs)), []);
  const on16 = diagnostics(createSchemaValidator({ ciliumVersion: '1.16' }).validate(cidrs));
  assert.deepEqual(on16.map((d) => [d.ruleId, d.data?.['field']]), [['schema/unknown-field', 'cidrs']]);
  const blocks = docsFromText('b.yaml', 'apiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool\nmetadata: {name: p}\nspec:\n  blocks: [{cidr: 10.0.0.0/24}]\n')[0]!;
  const on14 = diagnostics(createSchemaValidator({ ciliumVersion: '1.14' }).validate(blocks)).map((d) => d.ruleId).sort();
  assert.deepEqual(on14, ['schema/required', 'schema/unknown-field']);
});

test('specialize: x-since, x-until, x-api, versioned enum members and overrides', () => {
  const schema = {
    type: 'object',
    required: ['a', 'b'],
    properties: {
      a: { type: 'string', 'x-since': '1.18' },
      b: { type: 'string', 'x-until': '1.17' },
      c: { 'x-api': 'cilium.io/v2', type: 'boolean' },
      d: { enum: ['x', { 'x-enum': 'y', 'x-since': '1.19' }] },
      e: { type: 'integer', 'x-overrides': [{ since: '1.17', set: { minimum: 0 } }] },
    },
  };
  const s16 = specialize(schema, { line: '1.16', apiVersion: 'cilium.io/v2alpha1' }) as { required: string[]; properties: Record<string, Record<string, unknown>> };
  assert.deepEqual(Object.keys(s16.properties), ['b', 'd', 'e']);
  assert.deepEqual(s16.required, ['b']);
  assert.deepEqual(s16.properties['d']!['enum'], ['x']);
  assert.equal(s16.properties['e']!['minimum'], undefined);
  const s19 = specialize(schema, { line: '1.19', apiVersion: 'cilium.io/v2' }) as { required: string[]; properties: Record<string, Record<string, unknown>> };
  assert.deepEqual(Object.keys(s19.properties), ['a', 'c', 'd', 'e']);
  assert.deepEqual(s19.required, ['a']);
  assert.deepEqual(s19.properties['d']!['enum'], ['x', 'y']);
  assert.equal(s19.properties['e']!['minimum'], 0);
  assert.equal('x-since' in s19.properties['a']!, false);
});

test('compiled validators are cached per (schema, line, apiVersion)', () => {
  const r = new SchemaRegistry();
  const a = r.cilium('cilium.io/v2', 'CiliumLoadBalancerIPPool', '1.19');
  const b = r.cilium('cilium.io/v2', 'CiliumLoadBalancerIPPool', '1.19');
  const c = r.cilium('cilium.io/v2alpha1', 'CiliumLoadBalancerIPPool', '1.19');
  assert.ok(a?.validate && a.validate === b?.validate);
  assert.ok(c?.validate && c.validate !== a.validate);
  assert.equal(r.cilium('cilium.io/v2', 'CiliumLoadBalancerIPPool', '1.20')?.validate, r.builtin('cilium/ciliumloadbalancerippool.json', { line: '1.20', apiVersion: 'cilium.io/v2' }));
});

/** A schema without what only 1.20 has: properties annotated `"x-since": "1.20"`, overrides from 1.20. */
function without120(n: unknown): unknown {
  if (Array.isArray(n)) return n.map(without120);
  if (n === null || typeof n !== 'object') return n;
  const o = n as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, p]) => (p as Record<string, unknown>)?.['x-since'] !== '1.20').map(([pk, p]) => [pk, without120(p)]));
    } else if (k === 'x-overrides' && Array.isArray(v)) {
      out[k] = v.filter((x) => (x as Record<string, unknown>)['since'] !== '1.20').map(without120);
    } else out[k] = without120(v);
  }
  return out;
}

test('1.20 (no upstream CRD copy): the 1.19 shapes plus only the fields annotated x-since 1.20, accepted unchecked there', () => {
  for (const file of new Set(Object.values(CILIUM_SCHEMA_FILE))) {
    const raw = JSON.parse(readFileSync(join(process.cwd(), 'schemas', file), 'utf8')) as unknown;
    for (const apiVersion of ['cilium.io/v2alpha1', 'cilium.io/v2']) {
      assert.deepEqual(specialize(without120(raw), { line: '1.20', apiVersion }), specialize(raw, { line: '1.19', apiVersion }), `${file} ${apiVersion}`);
    }
  }
  const r = new SchemaRegistry();
  const gcc = { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumGatewayClassConfig', metadata: { name: 'c' }, spec: { httpOptions: { any: 1 }, service: { type: 'LoadBalancer' } } };
  assert.equal(r.cilium(gcc.apiVersion, gcc.kind, '1.19')?.validate?.(gcc), false);
  assert.equal(r.cilium(gcc.apiVersion, gcc.kind, '1.20')?.validate?.(gcc), true);
  // a typo next to it is still an error on 1.20
  assert.equal(r.cilium(gcc.apiVersion, gcc.kind, '1.20')?.validate?.({ ...gcc, spec: { ...gcc.spec, servce: {} } }), false);
  const pool = { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumPodIPPool', metadata: { name: 'p' }, spec: { ipv4: { cidrs: ['10.128.0.0/16'], maskSize: 24 }, allowFirstIP: true } };
  assert.equal(r.cilium(pool.apiVersion, pool.kind, '1.19')?.validate?.(pool), false);
  assert.equal(r.cilium(pool.apiVersion, pool.kind, '1.20')?.validate?.(pool), true);
  // the pool's cilium.io/v2 (newer than 1.19): not served before 1.20, served there with an unchecked spec
  const poolV2 = { ...pool, apiVersion: 'cilium.io/v2', spec: { ipv4: { cidrs: [{ cidr: '10.128.0.0/16' }], maskSize: 24 } } };
  assert.equal(r.cilium('cilium.io/v2', 'CiliumPodIPPool', '1.19')?.ok, false);
  assert.equal(r.cilium('cilium.io/v2', 'CiliumPodIPPool', '1.20')?.validate?.(poolV2), true);
  assert.equal(r.cilium('cilium.io/v2', 'CiliumPodIPPool', '1.20')?.validate?.({ ...poolV2, spce: {} }), false);
  // an egress gateway's egressIP: IPv4 only on 1.16-1.19, IPv6 too on 1.20 (NOT ESTABLISHED, so accepted)
  const egw = (egressIP: string) => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumEgressGatewayPolicy', metadata: { name: 'e' }, spec: { selectors: [{ podSelector: {} }], destinationCIDRs: ['0.0.0.0/0'], egressGateway: { nodeSelector: {}, egressIP } } });
  assert.equal(r.cilium('cilium.io/v2', 'CiliumEgressGatewayPolicy', '1.19')?.validate?.(egw('2001:db8::1')), false);
  assert.equal(r.cilium('cilium.io/v2', 'CiliumEgressGatewayPolicy', '1.20')?.validate?.(egw('2001:db8::1')), true);
  assert.equal(r.cilium('cilium.io/v2', 'CiliumEgressGatewayPolicy', '1.20')?.validate?.(egw('10.0.0.300')), false);
});

test('Talos documents per Talos line: KubeProxyConfig needs 1.14', () => {
  const [doc] = docsFromText('t.yaml', 'apiVersion: v1alpha1\nkind: KubeProxyConfig\nenabled: false\n', 'talos-document');
  assert.deepEqual(diagnostics(createSchemaValidator({ talosVersion: '1.14.0' }).validate(doc!)), []);
  const old = diagnostics(createSchemaValidator({ talosVersion: '1.13' }).validate(doc!));
  assert.deepEqual(old.map((d) => [d.ruleId, d.range.start.line, d.range.start.column]), [['schema/not-served', 2, 7]]);
});

test('Cilium kinds without a schema: the ones Cilium writes itself are told apart from unvendored ones; the newly modelled ones validate', () => {
  const v = createSchemaValidator({ ciliumVersion: '1.19.6' });
  const one = (text: string) => diagnostics(v.validate(docsFromText('c.yaml', text)[0]!));
  const identity = one('apiVersion: cilium.io/v2\nkind: CiliumIdentity\nmetadata: {name: "1234"}\nsecurity-labels: {}\n');
  assert.deepEqual(identity.map((d) => [d.ruleId, d.range.start.line, d.range.start.column, d.data?.['reason']]), [['schema/unknown-kind', 2, 7, 'cilium-managed']]);
  const other = one('apiVersion: cilium.io/v2\nkind: CiliumFutureThing\nmetadata: {name: x}\n');
  assert.deepEqual(other.map((d) => [d.ruleId, d.data?.['reason']]), [['schema/unknown-kind', 'cilium-unvendored']]);
  // CiliumLocalRedirectPolicy used to be unknown: a misspelt field is now an error at its key
  const lrp = one('apiVersion: cilium.io/v2\nkind: CiliumLocalRedirectPolicy\nmetadata: {name: dns, namespace: kube-system}\nspec:\n  redirectFrontend:\n    serviceMatcher: {serviceName: kube-dns, namespace: kube-system}\n  redirectBackend:\n    localEndpointSelector: {matchLabels: {k8s-app: node-local-dns}}\n    toPorts: [{port: "53", protocol: UDP}]\n  skipRedirectFromBakend: true\n');
  assert.deepEqual(lrp.map((d) => [d.ruleId, d.range.start.line, d.range.start.column, d.data?.['suggestion']]), [['schema/unknown-field', 10, 3, 'skipRedirectFromBackend']]);
});

test('a semver range installs the newest line it allows: Cilium objects are judged on the newest line that serves them', () => {
  assert.deepEqual(ciliumLines('1.19.6'), ['1.19']);
  assert.deepEqual(ciliumLines('~1.18.0'), ['1.18']);
  assert.deepEqual(ciliumLines('>=1.17.0'), ['1.17', '1.18', '1.19', '1.20']);
  assert.deepEqual(ciliumLines('>=1.16.0 <1.18.0'), ['1.16', '1.17']);
  assert.deepEqual(ciliumLines('>=1.16.0, <1.18.4'), ['1.16', '1.17', '1.18']);
  assert.deepEqual(ciliumLines('^1.17'), ['1.17', '1.18', '1.19', '1.20']);
  assert.deepEqual(ciliumLines('>=1.25.0'), ['1.20']);
  assert.deepEqual(ciliumLines(undefined), ['1.20']);
  // Helm (Masterminds semver) forms: hyphen ranges, alternatives, exclusive bounds, wildcards, spaces after operators
  assert.deepEqual(ciliumLines('1.17 - 1.19'), ['1.17', '1.18', '1.19']);
  assert.deepEqual(ciliumLines('1.16.x || 1.18.x'), ['1.16', '1.18']);
  assert.deepEqual(ciliumLines('>1.18'), ['1.19', '1.20']);
  assert.deepEqual(ciliumLines('>1.18.4'), ['1.18', '1.19', '1.20']);
  assert.deepEqual(ciliumLines('<=1.15'), ['1.14', '1.15']);
  assert.deepEqual(ciliumLines('>= 1.19.0'), ['1.19', '1.20']);
  assert.deepEqual(ciliumLines('>=1.18 !=1.19.2'), ['1.18', '1.19', '1.20']);
  for (const any of ['*', '1.x', '^1', '>=1', '<2']) assert.deepEqual(ciliumLines(any), ['1.14', '1.15', '1.16', '1.17', '1.18', '1.19', '1.20'], any);
  assert.deepEqual(ciliumLines('1.18.x'), ['1.18']);
  assert.deepEqual(ciliumLines('not a version'), [ciliumLine('not a version')]);
  // what Helm rejects is not a range: the single line ciliumLine picks
  for (const bad of ['~1.19 || ', '1.18.x ||', '||', 'v', '>=', '-rc']) assert.deepEqual(ciliumLines(bad), [ciliumLine(bad)], bad);
  assert.deepEqual(ciliumLines('1.18.x ||'), ['1.18']);
  // Masterminds' aliases `=>` and `=<`; `!=` of a whole line (`!=1.18`, `!=1.18.x`; `!=1` a whole major) excludes it
  assert.deepEqual(ciliumLines('=>1.17.0'), ['1.17', '1.18', '1.19', '1.20']);
  assert.deepEqual(ciliumLines('=<1.15'), ['1.14', '1.15']);
  assert.deepEqual(ciliumLines('>=1.17 !=1.18'), ['1.17', '1.19', '1.20']);
  assert.deepEqual(ciliumLines('>=1.17, != 1.20.x'), ['1.17', '1.18', '1.19']);
  assert.deepEqual(ciliumLines('>=1.18 !=1.19.0'), ['1.18', '1.19', '1.20']);
  assert.deepEqual(ciliumLines('>=1.19 !=1.19 !=1.20'), [ciliumLine('>=1.19 !=1.19 !=1.20')]);
  // a hyphen range among other comparators (Masterminds rewrites each `a - b` to `>= a, <= b`)
  assert.deepEqual(ciliumLines('1.17 - 1.19 !=1.18'), ['1.17', '1.19']);
  assert.deepEqual(ciliumLines('1.16 - 1.19, <1.18 || 1.20.x'), ['1.16', '1.17', '1.20']);
  for (const bad of ['1.17 -', '- 1.19', '1.17 - - 1.19']) assert.deepEqual(ciliumLines(bad), [ciliumLine(bad)], bad);
  // hostile: a 400-digit minor, long runs of spaces (linear time)
  assert.deepEqual(ciliumLines(`1.${'9'.repeat(400)}.0`), ['1.20']);
  const t0 = cpuStart();
  ciliumLines(`1${' '.repeat(100_000)}a`);
  assert.ok(cpuMsSince(t0) < 1000, 'long whitespace runs parse in linear time');
  const pool = (av: string) => docsFromText('p.yaml', `apiVersion: ${av}\nkind: CiliumLoadBalancerIPPool\nmetadata: {name: p}\nspec:\n  blocks: [{cidr: 10.50.0.224/28}]\n`)[0]!;
  const ids = (version: string, av: string) => diagnostics(createSchemaValidator({ ciliumVersion: version }).validate(pool(av))).map((d) => [d.ruleId, d.data?.['source']]);
  // v2 arrived in 1.18: a range reaching it validates; a pinned 1.17 does not serve it
  assert.deepEqual(ids('>=1.17.0', 'cilium.io/v2'), []);
  assert.deepEqual(ids('1.17.6', 'cilium.io/v2'), [['schema/not-served', 'Cilium 1.17']]);
  assert.deepEqual(ids('>=1.16.0 <1.18.0', 'cilium.io/v2'), [['schema/not-served', 'Cilium 1.16-1.17']]);
  // BGPv1 is gone from 1.19, but a range that still allows 1.18 serves it
  const bgpv1 = docsFromText('b.yaml', 'apiVersion: cilium.io/v2alpha1\nkind: CiliumBGPPeeringPolicy\nmetadata: {name: b}\nspec:\n  virtualRouters: [{localASN: 1, neighbors: [{peerAddress: 10.0.0.1/32, peerASN: 2}]}]\n')[0]!;
  assert.deepEqual(diagnostics(createSchemaValidator({ ciliumVersion: '>=1.17.0' }).validate(bgpv1)), []);
});
