/**
 * Generated CiliumLoadBalancerIPPool / CiliumL2AnnouncementPolicy objects validate against the upstream CRD
 * schemas of the closest Cilium version in ../shared/upstream/cilium (served version must exist; unknown fields
 * rejected as `kubectl --validate=strict` would). Skips when ../shared is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { compareVersions, parseVersion } from '../src/data/versions.js';
import { l2PolicyObject } from '../src/generate/l2/policy.js';
import { poolObjects } from '../src/generate/lb-ipam/pools.js';
import { loadFixtureCluster, loadRepoCluster } from '../src/testing/generate-fixtures.js';
import type { Cluster } from '../src/spec/types.js';

const ROOT = process.cwd();
const UPSTREAM = resolve(ROOT, '../shared/upstream/cilium');

/** Version folders that hold CRDs, newest first. */
function crdVersions(): string[] {
  return readdirSync(UPSTREAM)
    .filter((v) => existsSync(join(UPSTREAM, v, 'v2')) || existsSync(join(UPSTREAM, v, 'v2alpha1')))
    .sort((a, b) => compareVersions(parseVersion(b)!, parseVersion(a)!));
}

/** Same minor if present, else the newest older one, else the oldest newer one. */
function closestCrdVersion(cilium: string, available: string[]): string {
  const want = parseVersion(cilium)!;
  const same = available.find((v) => parseVersion(v)!.minorKey === want.minorKey);
  if (same) return same;
  const older = available.find((v) => compareVersions(parseVersion(v)!, want) < 0);
  return older ?? available[available.length - 1]!;
}

function findCrd(version: string, kind: string): Record<string, any> {
  for (const folder of ['v2', 'v2alpha1']) {
    const dir = join(UPSTREAM, version, folder);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      const crd = parse(readFileSync(join(dir, f), 'utf8')) as Record<string, any>;
      if (crd?.['spec']?.['names']?.['kind'] === kind) return crd;
    }
  }
  throw new Error(`no CRD for ${kind} in ${version}`);
}

/** Structural schema → strict JSON Schema: objects with properties reject unknown fields. */
function strict(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, strict(s)])) : strict(v);
  if (out['type'] === 'object' && out['properties'] && out['additionalProperties'] === undefined) out['additionalProperties'] = false;
  return out;
}

function validatorFor(version: string, apiVersion: string, kind: string) {
  const crd = findCrd(version, kind);
  const v = (crd['spec']['versions'] as any[]).find((x) => `${crd['spec']['group']}/${x.name}` === apiVersion);
  assert.ok(v, `${kind} ${apiVersion} exists in Cilium ${version}`);
  assert.equal(v.served, true, `${kind} ${apiVersion} is served by Cilium ${version}`);
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const f of ['cidr', 'int64', 'int32', 'date-time', 'ip']) ajv.addFormat(f, true);
  const schema = strict(v.schema.openAPIV3Schema);
  schema.properties.metadata = { type: 'object' };
  return ajv.compile(schema);
}

function objects(c: Cluster): Record<string, any>[] {
  return [...poolObjects(c), l2PolicyObject(c)];
}

const clusters = (): Cluster[] => [
  loadRepoCluster(ROOT, 'homelab'),
  loadRepoCluster(ROOT, 'lab'),
  loadFixtureCluster(join(ROOT, 'test/fixtures/generate/legacy-tagged/cluster.yaml'), 'legacy-tagged'),
  loadFixtureCluster(join(ROOT, 'test/fixtures/generate/netdocs-argocd/cluster.yaml'), 'netdocs-argocd'),
];

test('generated Cilium objects validate against the upstream CRDs of their version', (t) => {
  if (!existsSync(UPSTREAM)) return t.skip(`../shared not present: ${UPSTREAM} is missing`);
  const available = crdVersions();
  let checked = 0;
  for (const c of clusters()) {
    const version = closestCrdVersion(c.versions.cilium, available);
    for (const o of objects(c)) {
      const validate = validatorFor(version, o['apiVersion'], o['kind']);
      assert.ok(validate(o), `${c.name} ${o['kind']}/${o['metadata']['name']} vs Cilium ${version}: ${JSON.stringify(validate.errors)}`);
      checked++;
    }
  }
  assert.ok(checked >= 8, `checked ${checked} objects`);
});

test('the same objects from the committed files parse to what the generator returns', () => {
  for (const name of ['homelab', 'lab']) {
    const c = loadRepoCluster(ROOT, name);
    const fromDisk = parseAllDocuments(readFileSync(join(ROOT, `clusters/${name}/generated/kubernetes/cilium-config/pools.yaml`), 'utf8')).map((d) => d.toJS());
    assert.deepEqual(fromDisk, poolObjects(c));
  }
});

test('the CRD check catches wrong objects (bad enum, unknown field, unserved apiVersion)', (t) => {
  if (!existsSync(UPSTREAM)) return t.skip(`../shared not present: ${UPSTREAM} is missing`);
  const available = crdVersions();
  const home = loadRepoCluster(ROOT, 'homelab');
  const pool = poolObjects(home)[0]! as Record<string, any>;
  const validate = validatorFor(closestCrdVersion('1.20.1', available), pool['apiVersion'], pool['kind']);
  assert.equal(validate({ ...pool, spec: { ...pool['spec'], allowFirstLastIPs: true } }), false, 'boolean instead of "Yes"');
  assert.equal(validate({ ...pool, spec: { ...pool['spec'], cidrs: [{ cidr: '10.0.0.0/24' }] } }), false, 'removed cidrs field');
  assert.throws(() => validatorFor(closestCrdVersion('1.17.18', available), 'cilium.io/v2', 'CiliumLoadBalancerIPPool'), /exists in Cilium|served/);
  assert.throws(() => validatorFor(closestCrdVersion('1.20.1', available), 'cilium.io/v2', 'CiliumL2AnnouncementPolicy'), /exists in Cilium/);
});
