/**
 * `talium hooks install` (native git hook via simple-git-hooks) in temporary npm projects: the config it
 * records, the hook file the library writes, real `git commit`s blocked and passed, and the refusals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CLI_MAIN, spawnCli } from '../src/testing/cli.js';
import { LAN_TALOS_PATCH, poolYaml } from '../src/testing/hook-samples.js';
import { taliumInvocation } from '../src/cli/hooks.js';

const ROOT = process.cwd();
const HAS_GIT = spawnSync('git', ['--version']).status === 0;

function git(args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    timeout: 120_000,
  });
}

/** A git repository with package.json, simple-git-hooks (the real library) and a talium bin in node_modules. */
function project(pkg: Record<string, unknown> = { name: 'home-ops', private: true }, sub = ''): string {
  const top = mkdtempSync(join(tmpdir(), 'talium-hooks-'));
  assert.equal(git(['init', '--quiet', '-b', 'main'], top).status, 0);
  const dir = join(top, sub);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules', 'simple-git-hooks'), join(dir, 'node_modules', 'simple-git-hooks'));
  writeFileSync(
    join(dir, 'node_modules', 'talium-launcher.mjs'),
    `const m = await import(${JSON.stringify(pathToFileURL(CLI_MAIN).href)});\nprocess.exitCode = await m.main(process.argv.slice(2));\n`,
  );
  const bin = join(dir, 'node_modules', '.bin', 'talium');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "$(dirname "$0")/../talium-launcher.mjs" "$@"\n`);
  chmodSync(bin, 0o755);
  return dir;
}

const readPkg = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, any>;
const hookFile = (dir: string) => join(dir, '.git', 'hooks', 'pre-commit');

test('install records the command, simple-git-hooks writes the hook, commits are blocked and passed', { timeout: 180_000 }, (t) => {
  if (!HAS_GIT) return t.skip('git is not installed');
  const dir = project();
  try {
    const r = spawnCli(['hooks', 'install'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const pkg = readPkg(dir);
    assert.deepEqual(pkg['simple-git-hooks'], { 'pre-commit': 'node_modules/.bin/talium lint --staged', preserveUnused: true });
    assert.equal(pkg['scripts']['prepare'], 'simple-git-hooks');
    const hook = readFileSync(hookFile(dir), 'utf8');
    assert.match(hook, /SKIP_SIMPLE_GIT_HOOKS/, 'written by simple-git-hooks');
    assert.ok(hook.endsWith('node_modules/.bin/talium lint --staged'));
    assert.ok((statSync(hookFile(dir)).mode & 0o111) !== 0, 'executable');

    writeFileSync(join(dir, 'talos.yaml'), LAN_TALOS_PATCH);
    git(['add', '-A'], dir);
    const first = git(['commit', '-m', 'talos'], dir);
    assert.equal(first.status, 0, first.stdout + first.stderr);

    writeFileSync(join(dir, 'pool.yaml'), poolYaml('10.50.0.1', '10.50.0.20'));
    git(['add', 'pool.yaml'], dir);
    const bad = git(['commit', '-m', 'bad pool'], dir);
    const out = bad.stdout + bad.stderr;
    assert.notEqual(bad.status, 0, out);
    assert.match(out, /^pool\.yaml$/m);
    assert.match(out, /^\s+7:14\s+error\b.*\bnetwork\/pool-reserved-address$/m, out);
    assert.equal(git(['rev-list', '--count', 'HEAD'], dir).stdout.trim(), '1');

    writeFileSync(join(dir, 'pool.yaml'), poolYaml('10.50.0.200', '10.50.0.239'));
    git(['add', 'pool.yaml'], dir);
    const started = performance.now();
    const good = git(['commit', '-m', 'good pool'], dir);
    const ms = Math.round(performance.now() - started);
    assert.equal(good.status, 0, good.stdout + good.stderr);
    assert.equal(git(['rev-list', '--count', 'HEAD'], dir).stdout.trim(), '2');
    t.diagnostic(`git commit with the native hook: ${ms} ms`);

    // Installing again changes nothing.
    const before = readFileSync(join(dir, 'package.json'), 'utf8');
    assert.equal(spawnCli(['hooks', 'install'], { cwd: dir }).code, 0);
    assert.equal(readFileSync(join(dir, 'package.json'), 'utf8'), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with clusters/*/cluster.yaml the hook also runs generate --check; an existing command is kept', (t) => {
  if (!HAS_GIT) return t.skip('git is not installed');
  const dir = project({ name: 'x', scripts: { prepare: 'husky' }, 'simple-git-hooks': { 'pre-commit': 'npm run fmt', 'pre-push': 'npm test' } });
  try {
    mkdirSync(join(dir, 'clusters', 'home'), { recursive: true });
    writeFileSync(join(dir, 'clusters', 'home', 'cluster.yaml'), 'versions: {}\n');
    const r = spawnCli(['hooks', 'install'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const pkg = readPkg(dir);
    assert.deepEqual(pkg['simple-git-hooks'], {
      'pre-commit': 'npm run fmt && node_modules/.bin/talium lint --staged && node_modules/.bin/talium generate --check --ignore-untracked',
      'pre-push': 'npm test',
    });
    assert.equal(pkg['scripts']['prepare'], 'husky', 'an existing prepare script is not touched');
    assert.ok(existsSync(join(dir, '.git', 'hooks', 'pre-push')), 'the user\'s other hook is installed too');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a hook simple-git-hooks did not write is not replaced without --force', (t) => {
  if (!HAS_GIT) return t.skip('git is not installed');
  const dir = project();
  try {
    const foreign = '#!/usr/bin/env python3\n# File generated by pre-commit: https://pre-commit.com\n';
    writeFileSync(hookFile(dir), foreign, { mode: 0o755 });
    const r = spawnCli(['hooks', 'install'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(readFileSync(hookFile(dir), 'utf8'), foreign);
    assert.equal(readPkg(dir)['simple-git-hooks'], undefined, 'nothing recorded either');
    const forced = spawnCli(['hooks', 'install', '--force'], { cwd: dir });
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readFileSync(`${hookFile(dir)}.before-talium`, 'utf8'), foreign);
    assert.match(readFileSync(hookFile(dir), 'utf8'), /talium lint --staged$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--dry-run writes nothing; usage errors exit 2', (t) => {
  if (!HAS_GIT) return t.skip('git is not installed');
  const dir = project();
  const bare = mkdtempSync(join(tmpdir(), 'talium-hooks-nopkg-'));
  try {
    const before = readFileSync(join(dir, 'package.json'), 'utf8');
    const dry = spawnCli(['hooks', 'install', '--dry-run'], { cwd: dir });
    assert.equal(dry.code, 0);
    assert.match(dry.stdout, /node_modules\/\.bin\/talium lint --staged/);
    assert.equal(readFileSync(join(dir, 'package.json'), 'utf8'), before);
    assert.ok(!existsSync(hookFile(dir)));

    assert.equal(spawnCli(['hooks', 'install'], { cwd: bare }).code, 2, 'no package.json');
    writeFileSync(join(bare, 'package.json'), '{}\n');
    assert.equal(spawnCli(['hooks', 'install'], { cwd: bare }).code, 2, 'not a git repository');
    assert.equal(spawnCli(['hooks', 'install', '--bogus'], { cwd: dir }).code, 2);
    assert.equal(spawnCli(['hooks', 'frobnicate'], { cwd: dir }).code, 2);
    assert.equal(spawnCli(['hooks'], { cwd: dir }).code, 2);
    // the usage text installs talium as a tarball of a clone, not by its bare name (not on the npm registry)
    const usage = spawnCli(['hooks', '--help'], { cwd: dir });
    const installs = (usage.stdout + usage.stderr).split('\n').filter((l) => /^\s*npm install\b/.test(l));
    assert.ok(installs.length > 0, usage.stdout + usage.stderr);
    assert.deepEqual(installs.filter((l) => l.replace(/#.*/, '').split(/\s+/).includes('talium')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(bare, { recursive: true, force: true });
  }
});

test('a package.json below the git top level: the hook changes into it, staged paths stay relative', { timeout: 180_000 }, (t) => {
  if (!HAS_GIT) return t.skip('git is not installed');
  const dir = project({ name: 'ops' }, 'ops');
  const top = join(dir, '..');
  try {
    const r = spawnCli(['hooks', 'install'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readPkg(dir)['simple-git-hooks']['pre-commit'], "cd 'ops' && node_modules/.bin/talium lint --staged");
    assert.ok(existsSync(join(top, '.git', 'hooks', 'pre-commit')));
    writeFileSync(join(dir, 'talos.yaml'), LAN_TALOS_PATCH);
    writeFileSync(join(dir, 'pool.yaml'), poolYaml('10.50.0.1', '10.50.0.20'));
    git(['add', '-A'], top);
    const bad = git(['commit', '-m', 'bad'], top);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout + bad.stderr, /^\s+7:14\s+error\b.*\bnetwork\/pool-reserved-address$/m);
    writeFileSync(join(dir, 'pool.yaml'), poolYaml('10.50.0.200', '10.50.0.239'));
    git(['add', '-A'], top);
    const good = git(['commit', '-m', 'good'], top);
    assert.equal(good.status, 0, good.stdout + good.stderr);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});

test('clusters/ in a subfolder of the package.json folder: generate --check --root for it; a deleted or untracked generated file is blocked', { timeout: 180_000 }, (t) => {
  if (!HAS_GIT) return t.skip('git is not installed');
  const spec = join(ROOT, 'clusters', 'homelab', 'cluster.yaml');
  if (!existsSync(spec)) return t.skip('clusters/homelab/cluster.yaml is not there yet');
  const dir = project({ name: 'home-ops', private: true });
  try {
    mkdirSync(join(dir, 'infra', 'clusters', 'homelab'), { recursive: true });
    writeFileSync(join(dir, 'infra', 'clusters', 'homelab', 'cluster.yaml'), readFileSync(spec, 'utf8'));
    assert.equal(spawnCli(['generate', '--root', 'infra'], { cwd: dir }).code, 0);
    const r = spawnCli(['hooks', 'install'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      readPkg(dir)['simple-git-hooks']['pre-commit'],
      'node_modules/.bin/talium lint --staged && node_modules/.bin/talium generate --check --ignore-untracked --root infra',
    );
    git(['add', '-A'], dir);
    const first = git(['commit', '-m', 'infra'], dir);
    assert.equal(first.status, 0, first.stdout + first.stderr);

    const node = 'infra/clusters/homelab/generated/talos/nodes/cp-1.yaml';
    git(['rm', '--quiet', node], dir);
    const deleted = git(['commit', '-m', 'delete a generated file'], dir);
    assert.notEqual(deleted.status, 0, deleted.stdout + deleted.stderr);
    assert.match(deleted.stdout + deleted.stderr, new RegExp(`^${node.replace(/\./g, '\\.')}$`, 'm'));
    git(['reset', '--quiet', '--hard'], dir);
    git(['rm', '--quiet', '--cached', node], dir);
    const untracked = git(['commit', '-m', 'untrack a generated file'], dir);
    assert.notEqual(untracked.status, 0, untracked.stdout + untracked.stderr);
    assert.match(untracked.stdout + untracked.stderr, /^\s+1:1\s+error\b.*\bgenerate\/drift$/m);
    assert.equal(git(['rev-list', '--count', 'HEAD'], dir).stdout.trim(), '1');
  } finally {
    rmSync(join(dir), { recursive: true, force: true });
  }
});

test('taliumInvocation: the bin link, else talium\'s own checkout runs its CommonJS launcher, else npx', () => {
  const dir = mkdtempSync(join(tmpdir(), 'talium-invocation-'));
  try {
    assert.equal(taliumInvocation(dir, 'talium'), 'npx --no -- talium');
    mkdirSync(join(dir, 'scripts'));
    writeFileSync(join(dir, 'scripts', 'talium.js'), '');
    // (the ES module alias alone is not the launcher)
    assert.equal(taliumInvocation(dir, 'talium'), 'npx --no -- talium');
    writeFileSync(join(dir, 'scripts', 'talium.cjs'), '');
    assert.equal(taliumInvocation(dir, 'talium'), 'node scripts/talium.cjs');
    assert.equal(taliumInvocation(dir, 'other'), 'npx --no -- talium');
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', '.bin', 'talium'), '');
    assert.equal(taliumInvocation(dir, 'talium'), 'node_modules/.bin/talium');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
