/**
 * Generated Talos patches against the upstream Talos config schema (../shared/upstream/talos/<version>): every
 * multi-document kind and the legacy v1alpha1 fields must exist with the right shape. Patches are partial, so
 * `required` is dropped; unknown keys and wrong types still fail. Skips when ../shared is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { clusterPatch, controlPlanePatch, nodePatch } from '../src/generate/talos/patches.js';
import { loadFixtureCluster, loadRepoCluster } from '../src/testing/generate-fixtures.js';
import type { Cluster } from '../src/spec/types.js';

const ROOT = process.cwd();
const TALOS = resolve(ROOT, '../shared/upstream/talos');

/** The schema folder for a Talos minor (legacy ≤1.11 fields are still in the 1.12 schema). */
const schemaDir = (minor: string) => ({ '1.14': 'v1.14.0-rc.1', '1.13': 'v1.13.9' } as Record<string, string>)[minor] ?? 'v1.12.11';

function dropRequired(s: any): any {
  if (Array.isArray(s)) return s.map(dropRequired);
  if (!s || typeof s !== 'object') return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) if (k !== 'required') out[k] = k === 'properties' || k === '$defs' ? Object.fromEntries(Object.entries(v as object).map(([p, x]) => [p, dropRequired(x)])) : dropRequired(v);
  return out;
}

const cache = new Map<string, { defs: Record<string, any>; compile: (def: string) => ValidateFunction }>();
function schemaFor(dir: string) {
  let s = cache.get(dir);
  if (!s) {
    const raw = dropRequired(JSON.parse(readFileSync(join(TALOS, dir, 'config.schema.json'), 'utf8')));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    ajv.addSchema({ ...raw, $id: 'talos' });
    const compiled = new Map<string, ValidateFunction>();
    s = {
      defs: raw.$defs,
      compile: (def) => compiled.get(def) ?? compiled.set(def, ajv.compile({ $ref: `talos#/$defs/${def}` })).get(def)!,
    };
    cache.set(dir, s);
  }
  return s;
}

function defForKind(defs: Record<string, any>, kind: string): string | undefined {
  return Object.keys(defs).find((k) => defs[k]?.properties?.kind?.enum?.includes(kind));
}

/** A patch with every `{$patch: delete}` field dropped: the deletion has no value to check, the rest of the document does. */
function withoutFieldDeletes(doc: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (v['$patch'] === 'delete') continue;
      out[k] = withoutFieldDeletes(v);
    } else out[k] = v;
  }
  return out;
}

/** Validate one patch document; returns the def it was checked against. */
function check(c: Cluster, doc: Record<string, any>, where: string): string {
  const dir = schemaDir(c.versions.talos.split('.').slice(0, 2).join('.'));
  const { defs, compile } = schemaFor(dir);
  const { $patch, ...body } = doc;
  const def = typeof body['kind'] === 'string' ? defForKind(defs, body['kind']) : 'v1alpha1.Config';
  assert.ok(def, `${where}: kind ${body['kind']} exists in Talos ${dir}`);
  const validate = compile(def);
  assert.ok(validate(body), `${where} vs ${dir} ${def}: ${JSON.stringify(validate.errors)}`);
  if ($patch !== undefined) assert.equal($patch, 'delete');
  return def;
}

const all = (): Cluster[] => [
  loadRepoCluster(ROOT, 'homelab'),
  loadRepoCluster(ROOT, 'lab'),
  loadFixtureCluster(join(ROOT, 'test/fixtures/generate/netdocs-argocd/cluster.yaml'), 'netdocs-argocd'),
];

test('cluster-wide and node patches match the Talos schema of their version', (t) => {
  if (!existsSync(TALOS)) return t.skip(`../shared not present: ${TALOS} is missing`);
  const seen = new Set<string>();
  for (const c of all()) {
    clusterPatch(c).forEach((d, i) => seen.add(check(c, d as Record<string, any>, `${c.name} cluster patch #${i}`)));
    for (const n of c.nodes) {
      // Legacy `.machine.network.interfaces` (Talos < 1.12) is hidden from every schema we have: checked by goldens instead.
      if (Number(c.versions.talos.split('.')[1]) < 12) continue;
      nodePatch(c, n).forEach((d, i) => seen.add(check(c, d as Record<string, any>, `${c.name} ${n.name} #${i}`)));
    }
    // schedulable control planes: v1alpha1 allowSchedulingOnControlPlanes up to 1.13, a KubeNodeConfig taint delete from 1.14
    controlPlanePatch(c)?.forEach((d) => seen.add(check(c, withoutFieldDeletes(d as Record<string, any>), `${c.name} controlplane patch`)));
  }
  for (const def of ['k8s.KubeNodeConfigV1Alpha1', 'k8s.KubeFlannelCNIConfigV1Alpha1', 'k8s.KubeProxyConfigV1Alpha1', 'k8s.KubePrismConfigV1Alpha1', 'k8s.KubeNetworkConfigV1Alpha1', 'network.LinkConfigV1Alpha1', 'network.VLANConfigV1Alpha1', 'network.Layer2VIPConfigV1Alpha1', 'network.HostnameConfigV1Alpha1', 'network.ResolverConfigV1Alpha1', 'v1alpha1.Config']) {
    assert.ok(seen.has(def), `covered ${def}`);
  }
});

test('Talos 1.14+: schedulable control planes never set the v1alpha1 field Talos rejects next to KubeNodeConfig', () => {
  // talosctl gen config (1.14 contract) writes the control-plane NoSchedule taint into a KubeNodeConfig document, and
  // KubeNodeConfig.V1Alpha1ConflictValidate refuses `.cluster.allowSchedulingOnControlPlanes` beside it
  const homelab = loadRepoCluster(ROOT, 'homelab');
  assert.equal(homelab.versions.talos.startsWith('1.14'), true);
  const cp = controlPlanePatch(homelab)!;
  assert.deepEqual(cp, [{ apiVersion: 'v1alpha1', kind: 'KubeNodeConfig', taints: { 'node-role.kubernetes.io/control-plane': { $patch: 'delete' } } }]);
  assert.ok(!JSON.stringify(cp).includes('allowScheduling'));
  // before 1.14 the v1alpha1 field is the only way
  const older = { ...homelab, versions: { ...homelab.versions, talos: '1.13.9' } };
  assert.deepEqual(controlPlanePatch(older), [{ cluster: { allowSchedulingOnControlPlanes: true } }]);
  assert.equal(controlPlanePatch({ ...homelab, schedulableControlPlanes: false }), undefined);
});

test('the schema check catches a wrong shape', (t) => {
  if (!existsSync(TALOS)) return t.skip(`../shared not present: ${TALOS} is missing`);
  const c = loadRepoCluster(ROOT, 'homelab');
  assert.throws(() => check(c, { apiVersion: 'v1alpha1', kind: 'VLANConfig', name: 'x.50', vlanId: 50 }, 'typo'), /VLANConfig/);
  assert.throws(() => check(c, { apiVersion: 'v1alpha1', kind: 'KubePrismConfig', port: '7445' }, 'string port'), /KubePrismConfig/);
});

test('the committed Talos files are the generator output', () => {
  const c = loadRepoCluster(ROOT, 'homelab');
  const onDisk = parseAllDocuments(readFileSync(join(ROOT, 'clusters/homelab/generated/talos/nodes/worker-1.yaml'), 'utf8')).map((d) => d.toJS());
  assert.deepEqual(onDisk, nodePatch(c, c.nodes.find((n) => n.name === 'worker-1')!));
});
