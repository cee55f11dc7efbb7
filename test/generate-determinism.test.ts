/**
 * Determinism and speed: same input → same bytes (twice; shuffled mapping keys and list order in cluster.yaml;
 * another TZ and locale in a child process); generating both example clusters takes well under a second.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { generate } from '../src/generate/run.js';
import { sha256 } from '../src/generate/serialize.js';
import { loadClusterSpec } from '../src/spec/load.js';
import { loadRepoCluster } from '../src/testing/generate-fixtures.js';
import { cpuMsSince, cpuStart } from '../src/testing/cpu-time.js';

const ROOT = process.cwd();

function digest(files: Map<string, string>): string {
  return sha256([...files].map(([p, t]) => `${p}\n${t}`).join('\0'));
}

/** Reverse every mapping's key order and every list (deep). */
function shuffle(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shuffle).reverse();
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, shuffle(x)]));
  return v;
}

test('generating twice gives the same bytes', () => {
  const cs = ['homelab', 'lab'].map((n) => loadRepoCluster(ROOT, n));
  assert.equal(digest(generate(cs, { all: true }).files), digest(generate(cs, { all: true }).files));
});

test('shuffled keys and reordered nodes/pools in cluster.yaml give the same bytes', () => {
  for (const name of ['homelab', 'lab']) {
    const text = readFileSync(join(ROOT, 'clusters', name, 'cluster.yaml'), 'utf8');
    const value = parse(text) as Record<string, unknown>;
    const shuffled = shuffle(value) as Record<string, unknown>;
    // Lists whose order carries meaning stay in order: blocks of a pool, reserved ranges, nameservers.
    for (const p of shuffled['pools'] as Array<Record<string, unknown>>) p['blocks'] = (p['blocks'] as unknown[]).reverse();
    const lan = shuffled['lan'] as Record<string, unknown>;
    for (const k of ['reserved', 'nameservers']) if (Array.isArray(lan[k])) lan[k] = (lan[k] as unknown[]).reverse();
    const shuffledText = stringify(shuffled);
    assert.notEqual(shuffledText, text);
    const r = loadClusterSpec(shuffledText, { name, displayPath: 'x', specPath: `clusters/${name}/cluster.yaml` });
    assert.ok(r.cluster, JSON.stringify(r.findings));
    assert.equal(digest(generate([r.cluster], { all: false }).files), digest(generate([loadRepoCluster(ROOT, name)], { all: false }).files), name);
  }
});

test('another TZ and locale give the same bytes (child process)', () => {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const script = `
    const { generate } = await import(${JSON.stringify(join(here, '../src/generate/run.js'))});
    const { sha256 } = await import(${JSON.stringify(join(here, '../src/generate/serialize.js'))});
    const { loadRepoCluster } = await import(${JSON.stringify(join(here, '../src/testing/generate-fixtures.js'))});
    const files = generate(['homelab', 'lab'].map((n) => loadRepoCluster(process.cwd(), n)), { all: true }).files;
    process.stdout.write(sha256([...files].map(([p, t]) => p + '\\n' + t).join('\\0')));`;
  const expected = digest(generate(['homelab', 'lab'].map((n) => loadRepoCluster(ROOT, n)), { all: true }).files);
  for (const env of [{ TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' }, { TZ: 'America/St_Johns', LANG: 'C', LC_ALL: 'C' }]) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, expected, JSON.stringify(env));
  }
});

test('loading and generating both example clusters takes well under a second', () => {
  loadRepoCluster(ROOT, 'homelab'); // warm-up: schema compilation happens once per process
  const start = cpuStart();
  const cs = ['homelab', 'lab'].map((n) => loadRepoCluster(ROOT, n));
  generate(cs, { all: true });
  const ms = cpuMsSince(start);
  assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
});
