/**
 * The start-up caches: the launcher runs the single-file bundle through a V8 code cache, and generated validators
 * go through a second one (src/core/code-cache.ts). Both must be invisible in the output, used when present,
 * rebuilt when missing or corrupt, and the kubernetes-models kind index must say what scanning the packages says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KIND_INDEX_FILE, ModelIndex, type KindIndexFile } from '../src/schema/k8s-models.js';
import { fileStamp, MAX_PACK_ENTRIES } from '../src/core/code-cache.js';

const ROOT = process.cwd();
const BIN = path.join(ROOT, 'scripts', 'talium.cjs');
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
    assert.match(files[0]!, new RegExp(`^talium\\.cjs\\.${process.version}-${process.arch}-\\d+-[0-9a-f]{32}\\.cache$`));
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

test('the bundle carries its build id, a hash of the rest of its text', () => {
  const text = readFileSync(path.join(ROOT, 'dist', 'src', 'bundle', 'talium.cjs'), 'utf8');
  const m = /^\/\*talium-build:([0-9a-f]{32})\*\//.exec(text);
  assert.ok(m, 'talium.cjs starts with its build id');
  assert.equal(m[1], createHash('sha256').update(text.slice(m[0].length)).digest('hex').slice(0, 32));
});

test('the bundle code cache follows the bundle\'s content, not its size and modification time (npm packages give every file one)', () => {
  // a package of the launcher and a stand-in bundle: two builds of one length and one modification time
  const dir = mkdtempSync(path.join(tmpdir(), 'talium-code-cache-key-'));
  try {
    mkdirSync(path.join(dir, 'scripts'));
    mkdirSync(path.join(dir, 'dist', 'src', 'bundle'), { recursive: true });
    copyFileSync(BIN, path.join(dir, 'scripts', 'talium.cjs'));
    // (the launcher makes the cache folder with the build's makeDirs)
    mkdirSync(path.join(dir, 'dist', 'src', 'io'));
    copyFileSync(path.join(ROOT, 'dist', 'src', 'io', 'make-dirs.js'), path.join(dir, 'dist', 'src', 'io', 'make-dirs.js'));
    const bundle = path.join(dir, 'dist', 'src', 'bundle', 'talium.cjs');
    const npmTime = new Date('1985-10-26T08:15:00Z');
    const build = (text: string, header: string) => {
      writeFileSync(bundle, `${header}exports.main = async () => { process.stdout.write(${JSON.stringify(text)}); return 0; };\n`);
      utimesSync(bundle, npmTime, npmTime);
    };
    const launch = () => {
      const r = spawnSync(process.execPath, [path.join(dir, 'scripts', 'talium.cjs')], { env: { ...process.env, TALIUM_CODE_CACHE_DIR: path.join(dir, 'cache'), TALIUM_TIMING: '1' }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return { out: r.stdout, cache: timing(r.stderr, /bundle code cache (\w+)/) };
    };
    for (const [a, b] of [
      ['', ''],
      [`/*talium-build:${'a'.repeat(32)}*/`, `/*talium-build:${'b'.repeat(32)}*/`],
    ] as const) {
      build('build one', a);
      assert.deepEqual(launch(), { out: 'build one', cache: 'missing' });
      assert.deepEqual(launch(), { out: 'build one', cache: 'accepted' });
      build('build two', b);
      assert.deepEqual(launch(), { out: 'build two', cache: 'missing' }, a ? 'a new build id' : 'a bundle without build id: keyed by its text');
      assert.deepEqual(launch(), { out: 'build two', cache: 'accepted' });
      rmSync(path.join(dir, 'cache'), { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a validator file replaced by one of the same size and modification time (an npm package) gets a new stamp', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'talium-file-stamp-'));
  try {
    const file = path.join(dir, 'v.js');
    const npmTime = new Date('1985-10-26T08:15:00Z');
    writeFileSync(file, 'return 1');
    utimesSync(file, npmTime, npmTime);
    const before = fileStamp(file);
    // as a package manager writes a new version: a new file moved into place
    writeFileSync(`${file}.new`, 'return 2');
    utimesSync(`${file}.new`, npmTime, npmTime);
    renameSync(`${file}.new`, file);
    assert.notEqual(fileStamp(file), before);
    assert.equal(fileStamp(path.join(dir, 'missing.js')), '');
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

test('a text derived from a file (a rewritten validator module) is kept in the pack under the file\'s stamp and the deriving code\'s version', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'talium-code-cache-text-'));
  const module = path.join(ROOT, 'dist', 'src', 'core', 'code-cache.js');
  /** One process asking for the text of /v/a.js; says how many times it was made, and what it got. */
  const ask = (stamp: string, version: string, env: NodeJS.ProcessEnv = {}): { text: string; made: number } => {
    const script = `const m = await import(${JSON.stringify(module)}); let made = 0; const text = m.cachedText('/v/a.js', ${JSON.stringify(stamp)}, ${JSON.stringify(version)}, () => (made++, 'text of ' + ${JSON.stringify(stamp + version)})); m.compileFunction('return 1', '/v/b.js', [], 's1'); process.stdout.write(JSON.stringify({ text, made }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TALIUM_CODE_CACHE_DIR: dir, ...env }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { text: string; made: number };
  };
  const entries = (): string[] => {
    const buf = readFileSync(path.join(dir, `${process.version}-${process.arch}.pack`));
    return Object.keys(JSON.parse(buf.subarray(4, 4 + buf.readUInt32BE(0)).toString('utf8')) as object);
  };
  try {
    assert.deepEqual(ask('s1', 'v1'), { text: 'text of s1v1', made: 1 });
    assert.deepEqual(ask('s1', 'v1'), { text: 'text of s1v1', made: 0 }, 'from the pack');
    assert.deepEqual(ask('s1', 'v2'), { text: 'text of s1v2', made: 1 }, 'another talium\'s rewrite is not taken');
    assert.deepEqual(ask('s2', 'v2'), { text: 'text of s2v2', made: 1 }, 'a changed file is rewritten');
    // the changed file's older texts are dropped; the other file's compiled code stays
    assert.deepEqual(entries().filter((k) => k.startsWith('/v/a.js')).map((k) => k.split('\u0000').slice(1).join(' ')), ['s2 text:v2']);
    assert.equal(entries().filter((k) => k.startsWith('/v/b.js')).length, 1);
    // a damaged text is made again, never used
    const pack = path.join(dir, `${process.version}-${process.arch}.pack`);
    const buf = readFileSync(pack);
    const i = buf.indexOf('text of s2v2');
    assert.ok(i > 0);
    buf[i] = 'T'.charCodeAt(0);
    writeFileSync(pack, buf);
    assert.deepEqual(ask('s2', 'v2'), { text: 'text of s2v2', made: 1 });
    assert.deepEqual(ask('s2', 'v2', { TALIUM_CODE_CACHE: 'off' }), { text: 'text of s2v2', made: 1 }, 'off: always made');
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
