/**
 * The start-up caches: the launcher runs the single-file bundle through a V8 code cache, and generated validators
 * go through a second one (src/core/code-cache.ts). Both must be invisible in the output, used when present,
 * rebuilt when missing or corrupt, and the kubernetes-models kind index must say what scanning the packages says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KIND_INDEX_FILE, ModelIndex, type KindIndexFile } from '../src/schema/k8s-models.js';
import { MAX_PACK_ENTRIES } from '../src/core/code-cache.js';

const ROOT = process.cwd();
const BIN = path.join(ROOT, 'scripts', 'talium.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');

/** Without the parse cache: a warm one keeps check results, and then no validator is loaded at all. */
function run(env: NodeJS.ProcessEnv): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'lint', '--format', 'json', '--no-cache'], { cwd: FIXTURES, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const timing = (stderr: string, what: RegExp): string | undefined => what.exec(stderr)?.[1];

test('the build warmed the code caches', () => {
  const bundle = path.join(ROOT, 'dist', 'src', 'bundle');
  assert.ok(existsSync(path.join(bundle, 'talium.cjs')), 'the single-file bundle exists');
  assert.ok(
    readdirSync(bundle).some((f) => f.startsWith(`talium.cjs.${process.version}-${process.arch}-`) && f.endsWith('.cache')),
    'the warm-up wrote the bundle cache for this Node',
  );
  assert.ok(existsSync(path.join(ROOT, 'dist', 'code-cache', `${process.version}-${process.arch}.pack`)), 'the warm-up wrote the validator cache');
});

test('code caches: written when missing, used when present, rewritten when corrupt; the output never changes', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'talium-code-cache-'));
  try {
    const env = { TALIUM_CODE_CACHE_DIR: dir, TALIUM_TIMING: '1' };
    const plain = run({ TALIUM_CODE_CACHE: 'off' });
    const first = run(env);
    assert.equal(timing(first.stderr, /bundle code cache (\w+)/), 'missing');
    assert.match(first.stderr, /validator code cache 0 hits, [1-9]\d* misses/);
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 2, files.join(' '));
    assert.match(files[0]!, new RegExp(`^talium\\.cjs\\.${process.version}-${process.arch}-\\d+-\\d+\\.cache$`));
    assert.equal(files[1], `${process.version}-${process.arch}.pack`);

    const second = run(env);
    assert.equal(timing(second.stderr, /bundle code cache (\w+)/), 'accepted');
    assert.match(second.stderr, /validator code cache [1-9]\d* hits, 0 misses/);

    for (const f of files) writeFileSync(path.join(dir, f), 'not a cache');
    const third = run(env);
    assert.equal(timing(third.stderr, /bundle code cache (\w+)/), 'rejected');
    assert.match(third.stderr, /validator code cache 0 hits, [1-9]\d* misses/);
    for (const f of files) assert.notEqual(readFileSync(path.join(dir, f), 'utf8'), 'not a cache', `${f} was rewritten`);

    // damaged bytes inside valid-looking caches (V8 release builds would crash on them): detected, rewritten
    for (const f of files) {
      const buf = readFileSync(path.join(dir, f));
      for (let i = Math.floor(buf.length / 3); i < Math.floor(buf.length / 3) + 3000 && i < buf.length; i++) buf[i] = buf[i]! ^ 0x5a;
      writeFileSync(path.join(dir, f), buf);
    }
    const fourth = run(env);
    assert.equal(timing(fourth.stderr, /bundle code cache (\w+)/), 'rejected');
    assert.match(fourth.stderr, /validator code cache \d+ hits, [1-9]\d* misses/);
    assert.equal(timing(run(env).stderr, /bundle code cache (\w+)/), 'accepted', 'rewritten');

    for (const r of [first, second, third, fourth]) {
      assert.equal(r.code, plain.code);
      assert.equal(r.stdout, plain.stdout);
    }
    assert.ok((JSON.parse(plain.stdout) as { diagnostics: unknown[] }).diagnostics.length > 0, 'the fixtures have findings to compare');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the validator code cache keeps at most MAX_PACK_ENTRIES entries, newest first, and drops a changed file\'s old entry', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'talium-code-cache-cap-'));
  const module = path.join(ROOT, 'dist', 'src', 'core', 'code-cache.js');
  /** Compiles `count` tiny functions named f<from>..; `stamp` stands for the files' size and mtime. */
  const compile = (from: number, count: number, stamp = 's1') => {
    const script = `const m = await import(${JSON.stringify(module)}); for (let i = ${from}; i < ${from + count}; i++) m.compileFunction('return ' + i, '/v/f' + i + '.js', [], ${JSON.stringify(stamp)});`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TALIUM_CODE_CACHE_DIR: dir }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  const entries = (): string[] => {
    const buf = readFileSync(path.join(dir, `${process.version}-${process.arch}.pack`));
    return Object.keys(JSON.parse(buf.subarray(4, 4 + buf.readUInt32BE(0)).toString('utf8')) as object);
  };
  const file = (key: string) => key.split('\u0000')[0];
  try {
    compile(0, 700);
    compile(700, 700);
    const keys = entries();
    assert.equal(keys.length, MAX_PACK_ENTRIES);
    // the newest run's 700 and the 300 newest of the first run's, in the order they were added
    assert.equal(file(keys[0]!), '/v/f400.js');
    assert.equal(file(keys.at(-1)!), '/v/f1399.js');
    // a file compiled again under a new stamp replaces its entry
    compile(1399, 1, 's2');
    const after = entries();
    assert.equal(after.filter((k) => file(k) === '/v/f1399.js').length, 1);
    assert.match(after.at(-1)!, /s2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the kind index the build wrote says what scanning the model packages says', () => {
  const index = JSON.parse(readFileSync(KIND_INDEX_FILE, 'utf8')) as KindIndexFile;
  const gvs = Object.keys(index.kinds);
  assert.ok(gvs.includes('apps/v1') && gvs.includes('/v1') && gvs.includes('helm.toolkit.fluxcd.io/v2') && gvs.includes('argoproj.io/v1alpha1'), 'core, Flux and Argo CD are indexed');
  const indexed = new ModelIndex();
  const scanned = new ModelIndex({ index: false });
  let kinds = 0;
  for (const gv of gvs) {
    const [group, version] = gv.split('/') as [string, string];
    for (const [kind] of index.kinds[gv]!) {
      const apiVersion = group ? `${group}/${version}` : version;
      assert.deepEqual(indexed.find(apiVersion, kind), scanned.find(apiVersion, kind), `${apiVersion} ${kind}`);
      kinds++;
    }
  }
  assert.ok(kinds > 150, `${kinds} kinds indexed`);
  // and what the index lacks, both lack
  assert.equal(indexed.find('apps/v1', 'NoSuchKind'), undefined);
  assert.equal(scanned.find('apps/v1', 'NoSuchKind'), undefined);
});
