/**
 * The generated Cilium values against the pinned chart (../shared/upstream/cilium/<version>/helm): they pass the
 * chart's values.schema.json, and every key exists in the chart's values.yaml (the schema allows unknown keys, so
 * this is the typo check), except the lease keys the chart only documents in comments. Skips without ../shared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { compareVersions, parseVersion } from '../src/data/versions.js';
import { ciliumValues } from '../src/generate/cilium/values.js';
import { loadFixtureCluster, loadRepoCluster } from '../src/testing/generate-fixtures.js';
import type { Cluster } from '../src/spec/types.js';

const ROOT = process.cwd();
const UPSTREAM = resolve(ROOT, '../shared/upstream/cilium');
/**
 * Keys the chart documents only as commented-out lines (`# leaseDuration: 15s`, `#kubeProxyReplacement: "false"`
 * before 1.18): the templates read them, the agent default applies when unset. [CHART; domain-facts §2.2, §4]
 */
function commentedOut(valuesText: string, dotted: string): boolean {
  const key = dotted.split('.').pop()!;
  return new RegExp(`^\\s*#\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`, 'm').test(valuesText);
}

/** The newest chart folder of the same minor that ships values.schema.json. */
function chartDir(cilium: string): string | undefined {
  const want = parseVersion(cilium)!;
  return readdirSync(UPSTREAM)
    .filter((v) => parseVersion(v)?.minorKey === want.minorKey && existsSync(join(UPSTREAM, v, 'helm/values.schema.json')))
    .sort((a, b) => compareVersions(parseVersion(b)!, parseVersion(a)!))[0];
}

function paths(v: unknown, prefix = ''): string[] {
  if (v && typeof v === 'object' && !Array.isArray(v)) return Object.entries(v).flatMap(([k, x]) => paths(x, prefix ? `${prefix}.${k}` : k));
  return [prefix];
}

function has(values: unknown, dotted: string): boolean {
  let cur: unknown = values;
  for (const k of dotted.split('.')) {
    if (!cur || typeof cur !== 'object' || !(k in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[k];
  }
  return true;
}

/** True when the schema declares the dotted path (properties all the way down). */
function inSchema(schema: any, dotted: string): boolean {
  let cur = schema;
  for (const k of dotted.split('.')) {
    cur = cur?.properties?.[k];
    if (!cur) return false;
  }
  return true;
}

const clusters = (): Cluster[] => [
  loadRepoCluster(ROOT, 'homelab'),
  loadRepoCluster(ROOT, 'lab'),
  loadFixtureCluster(join(ROOT, 'test/fixtures/generate/legacy-tagged/cluster.yaml'), 'legacy-tagged'),
  loadFixtureCluster(join(ROOT, 'test/fixtures/generate/netdocs-argocd/cluster.yaml'), 'netdocs-argocd'),
];

test('generated values pass the chart schema and use only keys the chart knows', (t) => {
  if (!existsSync(UPSTREAM)) return t.skip(`../shared not present: ${UPSTREAM} is missing`);
  let checked = 0;
  for (const c of clusters()) {
    const dir = chartDir(c.versions.cilium);
    assert.ok(dir, `a chart folder for Cilium ${c.versions.cilium}`);
    const schema = JSON.parse(readFileSync(join(UPSTREAM, dir, 'helm/values.schema.json'), 'utf8'));
    const valuesText = readFileSync(join(UPSTREAM, dir, 'helm/values.yaml'), 'utf8');
    const chartValues = parse(valuesText);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const values = ciliumValues(c);
    assert.ok(validate(values), `${c.name} vs chart ${dir}: ${JSON.stringify(validate.errors)}`);
    for (const p of paths(values)) {
      assert.ok(has(chartValues, p) || inSchema(schema, p) || commentedOut(valuesText, p), `${c.name}: ${p} is neither in values.yaml nor in values.schema.json of chart ${dir}`);
    }
    checked++;
  }
  assert.equal(checked, 4);
});

test('the check catches a quoted rate limit and a misspelt key', (t) => {
  if (!existsSync(UPSTREAM)) return t.skip(`../shared not present: ${UPSTREAM} is missing`);
  const dir = chartDir('1.20.1')!;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(UPSTREAM, dir, 'helm/values.schema.json'), 'utf8')));
  assert.equal(validate({ k8sClientRateLimit: { qps: '50' } }), false);
  const text = readFileSync(join(UPSTREAM, dir, 'helm/values.yaml'), 'utf8');
  assert.equal(has(parse(text), 'l2announcement.enabled') || commentedOut(text, 'l2announcement.enabeld'), false);
  assert.ok(commentedOut(text, 'l2announcements.leaseDuration'));
});

test('bpf.masquerade in cilium.values brings bpf.hostLegacyRouting (Talos host DNS), unless the spec sets it', () => {
  const base = loadRepoCluster(ROOT, 'homelab');
  const withValues = (values: Record<string, unknown>): Cluster => ({ ...base, cilium: { ...base.cilium, values } });
  assert.deepEqual(ciliumValues(withValues({ bpf: { masquerade: true } }))['bpf'], { masquerade: true, hostLegacyRouting: true });
  assert.deepEqual(ciliumValues(withValues({ bpf: { masquerade: true, hostLegacyRouting: false } }))['bpf'], { masquerade: true, hostLegacyRouting: false });
  assert.equal(ciliumValues(withValues({}))['bpf'], undefined);
});
