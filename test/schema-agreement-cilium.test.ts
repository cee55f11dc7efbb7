/**
 * Agreement with upstream: for every Cilium version folder with CRDs in ../shared/upstream, our verdict
 * (valid/invalid) equals upstream's strict verdict on corpus documents and on mutations of valid samples,
 * except for the deliberate differences listed in schemas/SOURCES.md (encoded in ALLOWED below).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import fc from 'fast-check';
import { SchemaRegistry } from '../src/schema/registry.js';
import { ciliumLine, CILIUM_SCHEMA_FILE } from '../src/schema/versions.js';
import { ciliumCrdFolders, corpusDocs, isTemplated, lineOf, sharedPresent, upstreamCiliumKinds, type UpstreamKind } from '../src/testing/schema-upstream.js';
import { mutations } from '../src/testing/schema-mutate.js';

const KINDS = Object.keys(CILIUM_SCHEMA_FILE);
const SAMPLES = parseAllDocuments(readFileSync(join(process.cwd(), 'test/fixtures/schema/cilium/samples.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);

/**
 * Deliberate differences (we are stricter), by mutation-name pattern; each is explained in schemas/SOURCES.md.
 * A difference in the other direction (we accept what upstream rejects) is never allowed.
 */
const ALLOWED: Array<{ id: string; test: (name: string, ours: boolean, theirs: boolean) => boolean }> = [
  {
    // upstream's port pattern `^(number)|(name)$` binds ^ and $ to one alternative each, so "10.0.0.1" or
    // "1:2" pass as "a number prefix"; we anchor both alternatives (Cilium's parser rejects such ports)
    id: 'cnp-port-anchored',
    test: (name, ours, theirs) => theirs && !ours && /\.ports\.\d+\.port=/.test(name),
  },
  {
    // from 1.16 upstream made the ICMP type int-or-string; its pattern only bounds strings, so integers like
    // 300 or -1 pass; we keep the 0-255 bound of 1.14/1.15 (an ICMP type is one byte)
    id: 'cnp-icmp-type-range',
    test: (name, ours, theirs) => theirs && !ours && /\.icmps\.\d+\.fields\.\d+\.type=-?\d+$/.test(name),
  },
  {
    // CiliumLocalRedirectPolicy port names: upstream's `^([0-9]{1,4})|(name)$` has the same precedence slip as the
    // CNP port (any string starting with a digit passes, e.g. "10.0.0.1" or "1:2"); we anchor both alternatives
    // (Cilium checks the name as an IANA service name when several ports are listed)
    id: 'lrp-port-name-anchored',
    test: (name, ours, theirs) => theirs && !ours && /(addressMatcher|serviceMatcher|redirectBackend)\.toPorts\.\d+\.name=/.test(name),
  },
];

function ours(reg: SchemaRegistry, value: Record<string, unknown>, line: string): boolean {
  const r = reg.cilium(String(value['apiVersion']), String(value['kind']), ciliumLine(line));
  assert.ok(r?.ok && r.validate, `no schema for ${String(value['apiVersion'])} ${String(value['kind'])} on ${line}`);
  return r.validate(value) as boolean;
}

const folders = ciliumCrdFolders();

test('agreement: ../shared present', (t) => {
  if (!sharedPresent()) t.skip('../shared not present: agreement tests cannot run');
  else assert.ok(folders.length >= 1);
});

for (const folder of folders) {
  const line = lineOf(folder);
  test(`agreement ${folder}: served apiVersions match upstream`, () => {
    const up = upstreamCiliumKinds(folder, KINDS);
    const reg = new SchemaRegistry();
    for (const kind of KINDS) {
      const theirs = up.filter((u) => u.kind === kind && u.served).map((u) => u.apiVersion).sort();
      const mine = ['cilium.io/v2alpha1', 'cilium.io/v2'].filter((av) => reg.cilium(av, kind, ciliumLine(line))?.ok).sort();
      assert.deepEqual(mine, theirs, `${kind} on ${folder}`);
    }
  });

  test(`agreement ${folder}: samples and mutations`, () => {
    const up = upstreamCiliumKinds(folder, KINDS);
    const reg = new SchemaRegistry();
    let compared = 0;
    let rejected = 0;
    const diffs: string[] = [];
    for (const u of up.filter((x) => x.served)) {
      const all = SAMPLES.filter((s) => s['kind'] === u.kind).map((s) => ({ apiVersion: u.apiVersion, ...s }) as Record<string, unknown>);
      // samples written for other lines or versions (a field this one lacks): rejected upstream, so by us too
      for (const s of all.filter((x) => !u.validate(x))) {
        compared++;
        if (ours(reg, s, line)) diffs.push(`${u.kind} ${u.apiVersion} ${String((s['metadata'] as { name: string }).name)}: sample rejected upstream, accepted by us`);
      }
      const bases = all.filter((s) => u.validate(s));
      assert.ok(bases.length > 0, `no valid sample for ${u.kind} ${u.apiVersion} on ${folder}`);
      for (const base of bases) {
        compared++;
        if (!ours(reg, base, line)) diffs.push(`${u.kind} ${u.apiVersion} ${String((base['metadata'] as { name: string }).name)}: base rejected by us`);
        for (const m of mutations(base, { skipMetadata: true })) {
          const theirs = u.validate(m.value) as boolean;
          const mine = ours(reg, m.value as Record<string, unknown>, line);
          compared++;
          if (!mine) rejected++;
          if (theirs === mine) continue;
          if (ALLOWED.some((a) => a.test(m.name, mine, theirs))) continue;
          diffs.push(`${u.kind} ${u.apiVersion} ${String((base['metadata'] as { name: string }).name)} ${m.name}: upstream ${theirs ? 'valid' : 'invalid'}, ours ${mine ? 'valid' : 'invalid'}`);
        }
      }
    }
    assert.deepEqual(diffs, [], `${diffs.length} disagreements of ${compared} compared`);
    // the comparison is not vacuous: many mutations are invalid, and the valid bases are accepted
    assert.ok(compared > 300, `compared ${compared}`);
    assert.ok(rejected > compared / 3 && rejected < compared, `rejected ${rejected} of ${compared}`);
  });

  test(`agreement ${folder}: property-based CIDRs, ASNs, communities and unknown keys`, () => {
    const up = upstreamCiliumKinds(folder, KINDS);
    const reg = new SchemaRegistry();
    const pool = up.find((u) => u.kind === 'CiliumLoadBalancerIPPool' && u.served && u.apiVersion.endsWith('v2alpha1'))!;
    const text = fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 20 }), fc.constantFrom('10.0.0.0/8', '10.0.0.1/24', '::/0', 'fd00::1/64'));
    const cidr = fc.oneof(text, fc.tuple(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: -1, max: 130 })).map(([a, p]) => `${a}/${p}`));
    const listField = line === '1.14' ? 'cidrs' : 'blocks';
    fc.assert(
      fc.property(cidr, (c) => {
        const v = { apiVersion: pool.apiVersion, kind: pool.kind, metadata: { name: 'p' }, spec: { [listField]: [{ cidr: c }] } };
        return pool.validate(v) === ours(reg, v, line);
      }),
      { numRuns: 300, seed: 42 },
    );
    const peering = up.find((u) => u.kind === 'CiliumBGPPeeringPolicy' && u.served);
    if (peering) {
      fc.assert(
        fc.property(fc.oneof(fc.integer({ min: -5, max: 2 ** 33 }), fc.double()), fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('exportPodCIDR', 'localASN')), (asn, key) => {
          const v = { apiVersion: peering.apiVersion, kind: peering.kind, metadata: { name: 'p' }, spec: { virtualRouters: [{ localASN: asn, neighbors: [{ peerAddress: '10.0.0.1/32', peerASN: 1 }], [key]: true }] } };
          return peering.validate(v) === ours(reg, v, line);
        }),
        { numRuns: 300, seed: 7 },
      );
    }
    const adv = up.find((u) => u.kind === 'CiliumBGPAdvertisement' && u.served && !u.apiVersion.endsWith('v2alpha1')) ?? up.find((u) => u.kind === 'CiliumBGPAdvertisement' && u.served);
    if (adv && line !== '1.15') {
      const comm = fc.oneof(
        fc.tuple(fc.integer({ min: -1, max: 70000 }), fc.integer({ min: -1, max: 70000 })).map(([a, b]) => `${a}:${b}`),
        fc.integer({ min: 0, max: 2 ** 33 }).map(String),
        fc.string({ maxLength: 12 }),
        fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([a, b, c]) => `${a}:${b}:${c}`),
      );
      fc.assert(
        fc.property(comm, comm, (s, l) => {
          const v = { apiVersion: adv.apiVersion, kind: adv.kind, metadata: { name: 'a' }, spec: { advertisements: [{ advertisementType: 'PodCIDR', attributes: { communities: { standard: [s], large: [l] } } }] } };
          return adv.validate(v) === ours(reg, v, line);
        }),
        { numRuns: 300, seed: 3 },
      );
    }
  });
}

test('agreement: every corpus document of the modelled Cilium kinds', (t) => {
  if (!sharedPresent()) {
    t.skip('../shared not present: corpus agreement cannot run');
    return;
  }
  const { docs } = corpusDocs();
  const cilium = docs.filter((d) => {
    const v = d.value as Record<string, unknown> | null;
    return !!v && typeof v === 'object' && KINDS.includes(String(v['kind'])) && String(v['apiVersion']).startsWith('cilium.io/');
  });
  let compared = 0;
  let templated = 0;
  const diffs: string[] = [];
  for (const folder of folders) {
    const line = lineOf(folder);
    const up: UpstreamKind[] = upstreamCiliumKinds(folder, KINDS);
    const reg = new SchemaRegistry();
    for (const d of cilium) {
      const v = d.value as Record<string, unknown>;
      if (isTemplated(v)) {
        templated++;
        continue;
      }
      const u = up.find((x) => x.kind === v['kind'] && x.apiVersion === v['apiVersion'] && x.served);
      const mineEntry = reg.cilium(String(v['apiVersion']), String(v['kind']), ciliumLine(line));
      if (!u) {
        // not served upstream on this line: we must say not-served too
        if (mineEntry?.ok) diffs.push(`${d.file}#${d.index} on ${folder}: served by us, not upstream`);
        continue;
      }
      compared++;
      const theirs = u.validate(v) as boolean;
      const mine = ours(reg, v, line);
      if (theirs !== mine) diffs.push(`${d.file}#${d.index} on ${folder}: upstream ${theirs}, ours ${mine}`);
    }
  }
  t.diagnostic(`corpus: ${cilium.length} Cilium documents, ${compared} (document, version) pairs compared, ${templated} templated pairs skipped`);
  assert.deepEqual(diffs, []);
  assert.ok(compared > 0);
});
