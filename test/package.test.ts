/**
 * talium as users get it: `npm pack` of this checkout (what package.json `files` lists), unpacked beside this
 * repository's node_modules. The package holds what runs and nothing test-only; lint and generate --check from
 * it say what the checkout says; installed where the user cannot write (a root-owned global prefix: chmod a-w,
 * and run as nobody when the tests run as root) it writes nothing there and says the same, keeping its code caches
 * in the user's cache folder, or nowhere when that cannot be written either.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = process.cwd();
const NOBODY = 65534;

const work = mkdtempSync(path.join(tmpdir(), 'talium-package-'));
after(() => {
  chmodTree(work, true);
  rmSync(work, { recursive: true, force: true });
});

/** Every file under `dir` (relative, '/'-separated), not following links (the node_modules link). */
function files(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const n of readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${n}` : n;
    const st = lstatSync(path.join(dir, r));
    if (st.isDirectory()) out.push(...files(dir, r));
    else out.push(r);
  }
  return out;
}

/** chmod -R a-w (writable false) or u+w, not following links. */
function chmodTree(dir: string, writable: boolean): void {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st || st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    if (writable) chmodSync(dir, 0o755);
    for (const n of readdirSync(dir)) chmodTree(path.join(dir, n), writable);
    if (!writable) chmodSync(dir, 0o555);
  } else chmodSync(dir, writable ? 0o644 : 0o444);
}

/** npm as the test runner was started (`npm test`), else from PATH. */
function npm(args: string[], opts: SpawnSyncOptions) {
  const cli = process.env['npm_execpath'];
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_offline: 'true' };
  return cli && /\.[cm]?js$/.test(cli) ? spawnSync(process.execPath, [cli, ...args], { ...opts, env, encoding: 'utf8' }) : spawnSync('npm', args, { ...opts, env, encoding: 'utf8' });
}

let packError = '';
let pkg = '';
{
  // --ignore-scripts: `prepare` would rebuild dist/ under the other tests; `npm test` has just built it
  const packed = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT });
  if (packed.error || packed.status !== 0) packError = `npm pack could not run: ${String(packed.error ?? packed.stderr)}`;
  else {
    const tarball = path.join(work, (JSON.parse(String(packed.stdout)) as Array<{ filename: string }>)[0]!.filename);
    const unpacked = spawnSync('tar', ['xzf', tarball, '-C', work], { encoding: 'utf8' });
    if (unpacked.error || unpacked.status !== 0) packError = `tar could not unpack ${tarball}: ${String(unpacked.error ?? unpacked.stderr)}`;
    else {
      pkg = path.join(work, 'package');
      // the dependencies an install would bring (this checkout's: same lockfile)
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
    }
  }
}

function skipUnlessPacked(t: { skip: (m: string) => void }): boolean {
  if (pkg) return false;
  t.skip(packError);
  return true;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The runs compared: what the task names (lint and generate --check of clusters/), and a lint with findings. */
const RUNS: Array<{ name: string; cwd: string; args: string[] }> = [
  { name: 'lint clusters', cwd: ROOT, args: ['lint', 'clusters', '--format', 'json'] },
  { name: 'generate --check', cwd: ROOT, args: ['generate', '--check'] },
  { name: 'lint of the fixtures, two workers', cwd: path.join(ROOT, 'test', 'fixtures'), args: ['lint', '--format', 'json', '--workers', '2'] },
];

function talium(bin: string, run: (typeof RUNS)[number], cacheDir: string, uid?: number): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TALIUM_TIMING: '1', TALIUM_CACHE_DIR: cacheDir };
  for (const k of ['TALIUM_CODE_CACHE', 'TALIUM_CODE_CACHE_DIR', 'TALIUM_UNBUNDLED', 'TALIUM_PRECOMPILED']) delete env[k];
  if (uid !== undefined) {
    // (git refuses a repository another user owns; the checkout's is read, not changed)
    Object.assign(env, { HOME: '/nonexistent', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' });
  }
  const r = spawnSync(process.execPath, [bin, ...run.args], { cwd: run.cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...(uid === undefined ? {} : { uid, gid: uid }) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** stderr without TALIUM_TIMING's lines: what a user would see. */
const userStderr = (r: Run) =>
  r.stderr
    .split('\n')
    .filter((l) => l && !l.startsWith('talium timing:'))
    .join('\n');
const bundleCache = (r: Run) => /bundle code cache (\w+)/.exec(r.stderr)?.[1];

test('the package holds what runs and nothing test-only', (t) => {
  if (skipUnlessPacked(t)) return;
  const list = files(pkg).filter((f) => f !== 'node_modules');
  const has = new Set(list);
  for (const f of [
    'package.json',
    'scripts/talium.cjs',
    'scripts/talium.js',
    'dist/src/bundle/talium.cjs',
    'dist/src/cli/main.js',
    // the launcher makes a cache folder with it
    'dist/src/io/make-dirs.js',
    'dist/schema-validators/manifest.json',
    'dist/schema-validators/model-kinds.json',
    'dist/schema-validators/runtime.cjs',
    'schemas/cluster.schema.json',
    'schemas/talium.config.schema.json',
  ])
    assert.ok(has.has(f), `${f} is in the package`);
  // the whole ESM bundle (the worker entry and the launcher's fallback) and every precompiled validator
  for (const f of readdirSync(path.join(ROOT, 'dist', 'src', 'bundle'))) if (!/\.(cache|tmp)$/.test(f)) assert.ok(has.has(`dist/src/bundle/${f}`), `dist/src/bundle/${f} is in the package`);
  const manifest = JSON.parse(readFileSync(path.join(pkg, 'dist', 'schema-validators', 'manifest.json'), 'utf8')) as { entries: Record<string, string> };
  for (const f of new Set(Object.values(manifest.entries))) assert.ok(has.has(`dist/schema-validators/${f}`), `${f} is in the package`);
  // every schema the checkout has
  for (const f of files(path.join(ROOT, 'schemas'))) assert.ok(has.has(`schemas/${f}`), `schemas/${f} is in the package`);
  const unwanted = list.filter(
    (f) => /^(src|test|dist\/test|dist\/scripts|dist\/code-cache|dist\/src\/testing|clusters)\//.test(f) || /\.(cache|tmp|ts|tsbuildinfo)$/.test(f) || f.startsWith('.'),
  );
  assert.deepEqual(unwanted, [], 'test-only, source and cache files stay out');
});

/** Runs `body` with the package read-only, as user nobody when the tests run as root (root writes through any mode). */
function readOnly(t: { skip: (m: string) => void }, body: (uid: number | undefined) => void): void {
  if (process.platform === 'win32') {
    t.skip('no chmod read-only folders on Windows');
    return;
  }
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(work, 0o755);
    const probe = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(path.join(ROOT, 'clusters'))}); require('fs').accessSync(${JSON.stringify(path.join(pkg, 'node_modules', 'ajv', 'package.json'))})`], { uid: NOBODY, gid: NOBODY, encoding: 'utf8' });
    if (probe.status !== 0) {
      t.skip(`running as root, and user nobody cannot read the checkout or its node_modules: ${probe.stderr || String(probe.error)}`);
      return;
    }
  }
  const before = files(pkg);
  chmodTree(pkg, false);
  try {
    body(asRoot ? NOBODY : undefined);
  } finally {
    chmodTree(pkg, true);
  }
  assert.deepEqual(files(pkg), before, 'no file written into the package');
}

test('installed where the user cannot write, nor in a cache folder, talium writes nothing and says what the checkout says', (t) => {
  if (skipUnlessPacked(t)) return;
  readOnly(t, (uid) => {
    for (const run of RUNS) {
      const want = talium(path.join(ROOT, 'scripts', 'talium.cjs'), run, path.join(work, 'cache-checkout'));
      // the user's cache folder cannot be made either (a HOME that cannot be written)
      const got = talium(path.join(pkg, 'scripts', 'talium.cjs'), run, path.join(pkg, 'cache'), uid);
      assert.equal(bundleCache(got), 'missing', `${run.name}: the package ships no bundle cache (${got.stderr})`);
      assert.equal(userStderr(got), userStderr(want), `${run.name}: nothing on stderr but what the checkout says`);
      assert.equal(got.code, want.code, run.name);
      assert.equal(got.stdout, want.stdout, run.name);
    }
  });
});

test('installed where the user cannot write, talium keeps its code caches in the user\'s cache folder', (t) => {
  if (skipUnlessPacked(t)) return;
  const userCache = path.join(work, 'cache-user');
  mkdirSync(path.join(userCache, 'code-cache'), { recursive: true });
  // other builds' caches, older: the folder keeps the 4 most recent
  const old = new Date(Date.now() - 86_400_000);
  for (let i = 0; i < 5; i++) {
    const f = path.join(userCache, 'code-cache', `talium.cjs.${process.version}-${process.arch}-100-${String(i).repeat(32)}.cache`);
    writeFileSync(f, 'another build');
    utimesSync(f, old, old);
  }
  chmodTree(userCache, true);
  for (const d of [userCache, path.join(userCache, 'code-cache')]) chmodSync(d, 0o777);
  readOnly(t, (uid) => {
    for (const run of RUNS) {
      const want = talium(path.join(ROOT, 'scripts', 'talium.cjs'), run, path.join(work, 'cache-checkout'));
      const first = talium(path.join(pkg, 'scripts', 'talium.cjs'), run, userCache, uid);
      const second = talium(path.join(pkg, 'scripts', 'talium.cjs'), run, userCache, uid);
      assert.equal(bundleCache(second), 'accepted', `${run.name}: the first run wrote the bundle cache (${first.stderr})`);
      for (const r of [first, second]) {
        assert.equal(userStderr(r), userStderr(want), run.name);
        assert.equal(r.code, want.code, run.name);
        assert.equal(r.stdout, want.stdout, run.name);
      }
    }
    // the validators' pack too (without the parse cache, whose results would spare loading any validator)
    const fixtures = { ...RUNS[2]!, args: [...RUNS[2]!.args, '--no-cache'] };
    assert.match(talium(path.join(pkg, 'scripts', 'talium.cjs'), fixtures, userCache, uid).stderr, /validator code cache [1-9]\d* hits, 0 misses/);
  });
  const written = files(path.join(userCache, 'code-cache'));
  assert.ok(written.includes(`${process.version}-${process.arch}.pack`), written.join(' '));
  const bundleCaches = written.filter((f) => /^talium\.cjs\..*\.cache$/.test(f));
  assert.equal(bundleCaches.length, 4, bundleCaches.join(' '));
  assert.equal(bundleCaches.filter((f) => !f.includes('-100-')).length, 1, 'this build\'s cache is kept, the oldest others removed');
});

test('installed where the user can write, talium writes its code caches on the first run and uses them after', (t) => {
  if (skipUnlessPacked(t)) return;
  for (const run of RUNS) {
    const want = talium(path.join(ROOT, 'scripts', 'talium.cjs'), run, path.join(work, 'cache-checkout'));
    const first = talium(path.join(pkg, 'scripts', 'talium.cjs'), run, path.join(work, 'cache-package'));
    const second = talium(path.join(pkg, 'scripts', 'talium.cjs'), run, path.join(work, 'cache-package'));
    assert.equal(bundleCache(second), 'accepted', `${run.name}: the first run wrote the bundle cache (${first.stderr})`);
    for (const r of [first, second]) {
      assert.equal(userStderr(r), userStderr(want), run.name);
      assert.equal(r.code, want.code, run.name);
      assert.equal(r.stdout, want.stdout, run.name);
    }
  }
  assert.ok(
    readdirSync(path.join(pkg, 'dist', 'src', 'bundle')).some((f) => f.endsWith('.cache')),
    'the bundle cache sits beside the bundle',
  );
  assert.ok(existsSync(path.join(pkg, 'dist', 'code-cache', `${process.version}-${process.arch}.pack`)), 'the validator cache was written');
});
