/**
 * Validators precompiled at build time (dist/schema-validators, scripts/precompile-schemas.ts) give exactly the
 * findings of validators compiled at run time, on the fixtures and the corpus; the build's manifest is current; a
 * change to a schema file changes the fingerprint that guards them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ajvVersion, MANIFEST_FILE, PRECOMPILED_DIR, schemasFingerprint, type PrecompiledManifest } from '../src/schema/precompiled.js';
import { builtinSchemaDir } from '../src/schema/schema-files.js';

const ROOT = process.cwd();
const BIN = path.join(ROOT, 'scripts', 'talium.cjs');

function lintJson(cwd: string, precompiled: boolean): string {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TALIUM_PRECOMPILED: precompiled ? '1' : '0' };
  const r = spawnSync(process.execPath, [BIN, 'lint', '--format', 'json'], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return r.stdout;
}

test('the build wrote a manifest that matches the installed ajv and the schema files', () => {
  const m = JSON.parse(readFileSync(path.join(PRECOMPILED_DIR, MANIFEST_FILE), 'utf8')) as PrecompiledManifest;
  assert.equal(m.ajv, ajvVersion());
  assert.equal(m.schemas, schemasFingerprint());
  const keys = Object.keys(m.entries);
  // Cilium values per line, a Cilium pool on v2 from 1.18, a Talos document, the kustomization
  for (const k of ['builtin|ctx/1.20/any/|cilium/helm-values.json', 'builtin|ctx/1.18/cilium.io_v2/|cilium/ciliumloadbalancerippool.json', 'builtin|ctx/1.14/any/|talos/documents.json#/$defs/KubeProxyConfig', 'builtin|ctx/0.0/any/|kustomize/kustomization.json']) {
    assert.ok(keys.includes(k), `${k} precompiled (have ${keys.length})`);
  }
  for (const f of Object.values(m.entries)) assert.ok(existsSync(path.join(PRECOMPILED_DIR, f)), f);
});

for (const [name, cwd] of [
  ['the schema fixtures', path.join(ROOT, 'test', 'fixtures', 'schema')],
  ['all test fixtures', path.join(ROOT, 'test', 'fixtures')],
  ['the corpus', path.resolve(ROOT, '../shared/corpus')],
] as Array<[string, string]>) {
  test(`precompiled and run-time compiled validators agree on ${name}`, (t) => {
    if (!existsSync(cwd)) {
      t.skip(`${cwd} not present`);
      return;
    }
    const pre = lintJson(cwd, true);
    const run = lintJson(cwd, false);
    const diags = (JSON.parse(pre) as { diagnostics: Array<{ ruleId: string }> }).diagnostics;
    assert.ok(diags.some((d) => d.ruleId.startsWith('schema/') && d.ruleId !== 'schema/unknown-kind'), 'there are schema findings to compare');
    assert.equal(pre, run);
  });
}

test('the fingerprint follows the schema files (a stale build is not used)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'talium-schemas-'));
  try {
    cpSync(builtinSchemaDir(), dir, { recursive: true });
    const before = schemasFingerprint(dir);
    assert.equal(before, schemasFingerprint(builtinSchemaDir()));
    const f = path.join(dir, 'cilium', 'ciliuml2announcementpolicy.json');
    writeFileSync(f, readFileSync(f, 'utf8').replace('"interfaces"', '"interfacez"'));
    assert.notEqual(schemasFingerprint(dir), before);
    // the editor schemas are not compiled by the registry: they do not count
    writeFileSync(path.join(dir, 'cluster.schema.json'), '{}');
    const f2 = schemasFingerprint(dir);
    writeFileSync(path.join(dir, 'cluster.schema.json'), '{"x": 1}');
    assert.equal(schemasFingerprint(dir), f2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the precompiled cluster.yaml and talium.config validators report exactly what run-time compiled ones do', async () => {
  const { Ajv } = await import('ajv');
  const { precompiledValidator } = await import('../src/schema/precompiled.js');
  const { CLUSTER_SCHEMA } = await import('../src/spec/schema.js');
  const { CLUSTER_AJV_OPTIONS, CLUSTER_VALIDATOR_KEY } = await import('../src/spec/schema-findings.js');
  const { compileConfigValidators, CONFIG_AJV_OPTIONS, CONFIG_VALIDATOR_KEYS, configSchemaPath } = await import('../src/config/load.js');
  const { parse } = await import('yaml');
  const spec = parse(readFileSync(path.join(ROOT, 'clusters', 'homelab', 'cluster.yaml'), 'utf8')) as Record<string, unknown>;
  const specCases: unknown[] = [
    spec,
    { ...spec, lan: { ...(spec['lan'] as object), vlan: 'fifty', gateway: 7 } },
    { ...spec, nodes: [{ name: 'x', role: 'king' }], extra: true },
    {},
    [],
  ];
  const pre = precompiledValidator(CLUSTER_VALIDATOR_KEY);
  assert.ok(pre, 'the build precompiled the cluster.yaml validator');
  const runtime = new Ajv({ ...CLUSTER_AJV_OPTIONS }).compile(CLUSTER_SCHEMA as unknown as object);
  for (const v of specCases) {
    assert.equal(pre(v), runtime(v));
    assert.deepEqual(pre.errors ?? null, runtime.errors ?? null);
  }
  assert.ok(specCases.some((v) => !runtime(v)), 'some cases are invalid');
  const cfgPre = { root: precompiledValidator(CONFIG_VALIDATOR_KEYS.root), cluster: precompiledValidator(CONFIG_VALIDATOR_KEYS.cluster) };
  const cfgRun = compileConfigValidators(new Ajv({ ...CONFIG_AJV_OPTIONS }), JSON.parse(readFileSync(configSchemaPath(), 'utf8')) as Record<string, unknown>);
  const cfgCases: unknown[] = [{ rules: { 'yaml/truthy': 'off' } }, { rules: { 'Bad Id': 'loud' }, exclude: 'x', maxFileSize: '3 parsecs' }, { plan: { vlan: 5000, versions: { talos: 'latest' } } }, { nope: 1 }];
  for (const [name, fn] of Object.entries(cfgRun) as Array<['root' | 'cluster', (typeof cfgRun)['root']]>) {
    const p = cfgPre[name];
    assert.ok(p, `the build precompiled the config ${name} validator`);
    for (const v of cfgCases) {
      assert.equal(p(v), fn(v));
      assert.deepEqual(p.errors ?? null, fn.errors ?? null);
    }
  }
});
