/**
 * The pre-commit framework hooks for real: a temporary git repository uses a clone of this repository's HEAD
 * (`repo: <clone>, rev: <sha>`) with Debian's `pre-commit`, system Node and no network except the npm registry.
 * A bad commit is blocked with the diagnostic's file and line; a clean commit passes. Skips without pre-commit.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { LAN_TALOS_PATCH, poolYaml } from '../src/testing/hook-samples.js';

const ROOT = process.cwd();

/** Git identity for commits; `isolate` also hides the user's global/system git config (hooksPath, signing). */
function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, isolate = true): SpawnSyncReturns<string> {
  const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
  const isolation = isolate ? { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } : {};
  return spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...identity, ...isolation, ...env },
    encoding: 'utf8',
    timeout: 600_000,
  });
}

function missingTool(): string | undefined {
  const pc = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  if (pc.error || pc.status !== 0) return 'pre-commit is not installed (apt-get install pre-commit; .ci/run installs it)';
  if (spawnSync('git', ['--version']).status !== 0) return 'git is not installed';
  if (sh('git', ['rev-parse', 'HEAD'], ROOT, {}, false).status !== 0) return `${ROOT} is not a git repository with a commit`;
  if (spawnSync('npm', ['--version']).status !== 0) return 'npm is not on PATH';
  return undefined;
}

interface HookRepo {
  tmp: string;
  hookRepo: string;
  rev: string;
  env: NodeJS.ProcessEnv;
}
let shared: HookRepo | undefined;

/** One clone of HEAD and one PRE_COMMIT_HOME for the whole file, so the hook environment is built once. */
function hookRepo(): HookRepo {
  if (shared) return shared;
  const tmp = mkdtempSync(join(tmpdir(), 'talium-precommit-'));
  const repo = join(tmp, 'talium');
  // Not isolated: reading this checkout may need the user's safe.directory setting.
  const clone = sh('git', ['clone', '--quiet', ROOT, repo], tmp, {}, false);
  assert.equal(clone.status, 0, clone.stderr);
  const rev = sh('git', ['rev-parse', 'HEAD'], repo).stdout.trim();
  assert.match(rev, /^[0-9a-f]{40}$/);
  assert.ok(existsSync(join(repo, '.pre-commit-hooks.yaml')), '.pre-commit-hooks.yaml is committed');
  shared = { tmp, hookRepo: repo, rev, env: { PRE_COMMIT_HOME: join(tmp, 'pre-commit-home'), npm_config_update_notifier: 'false' } };
  return shared;
}

after(() => {
  if (shared) rmSync(shared.tmp, { recursive: true, force: true });
});

/** A git repository whose .pre-commit-config.yaml uses the clone; `hooks` is the YAML list under `hooks:`. */
function userRepo(name: string, hooks: string): string {
  const { tmp, hookRepo: repoPath, rev } = hookRepo();
  const repo = join(tmp, name);
  mkdirSync(repo);
  assert.equal(sh('git', ['init', '--quiet', '-b', 'main'], repo).status, 0);
  const list = hooks.replace(/^/gm, '      ');
  writeFileSync(join(repo, '.pre-commit-config.yaml'), `repos:\n  - repo: ${repoPath}\n    rev: ${rev}\n    hooks:\n${list}\n`);
  return repo;
}

test('pre-commit validate-manifest accepts .pre-commit-hooks.yaml; both hooks use the system Node', (t) => {
  const pc = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  if (pc.error || pc.status !== 0) return t.skip('pre-commit is not installed (apt-get install pre-commit; .ci/run installs it)');
  const r = sh('pre-commit', ['validate-manifest', '.pre-commit-hooks.yaml'], ROOT);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const broken = mkdtempSync(join(tmpdir(), 'talium-manifest-'));
  try {
    writeFileSync(join(broken, 'm.yaml'), '- id: x\n  name: x\n  language: node\n');
    assert.notEqual(sh('pre-commit', ['validate-manifest', join(broken, 'm.yaml')], ROOT).status, 0, 'a hook without entry is rejected');
  } finally {
    rmSync(broken, { recursive: true, force: true });
  }
  const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[];
  assert.deepEqual(hooks.map((h) => h['id']), ['talium-lint', 'talium-generate-check']);
  for (const h of hooks) {
    assert.equal(h['language'], 'node');
    assert.equal(h['language_version'], 'system', `${String(h['id'])}: no Node download`);
    assert.equal(h['require_serial'], true, `${String(h['id'])}: one talium process sees all files`);
  }
  assert.match(String(hooks[0]!['entry']), /^talium lint --only-files$/);
  assert.equal(hooks[1]!['pass_filenames'], false);
});

test('pre-commit: talium-lint blocks a bad commit with file and line, lets a clean one through', { timeout: 600_000 }, (t) => {
  const why = missingTool();
  if (why) {
    t.skip(why);
    return;
  }
  const { env } = hookRepo();
  const repo = userRepo('home-ops', '- id: talium-lint\n- id: talium-generate-check');
  {
    const install = sh('pre-commit', ['install'], repo, env);
    assert.equal(install.status, 0, install.stdout + install.stderr);

    // 1. The Talos patch alone: a clean commit.
    mkdirSync(join(repo, 'talos'));
    writeFileSync(join(repo, 'talos', 'controlplane.yaml'), LAN_TALOS_PATCH);
    sh('git', ['add', '-A'], repo);
    const first = sh('git', ['commit', '-m', 'talos patch'], repo, env);
    assert.equal(first.status, 0, `the clean commit must pass:\n${first.stdout}${first.stderr}`);

    // 2. A pool holding the gateway and the node address, committed alone: pre-commit passes only pool.yaml,
    //    talium still reads the committed Talos patch, so the cross-file finding is made. Blocked, at file:line.
    mkdirSync(join(repo, 'kubernetes'));
    writeFileSync(join(repo, 'kubernetes', 'pool.yaml'), poolYaml('10.50.0.1', '10.50.0.20'));
    sh('git', ['add', '-A'], repo);
    const bad = sh('git', ['commit', '-m', 'bad pool'], repo, env);
    const badOut = bad.stdout + bad.stderr;
    assert.notEqual(bad.status, 0, `the bad commit must be blocked:\n${badOut}`);
    assert.match(badOut, /talium lint\.+Failed/);
    assert.match(badOut, /^kubernetes\/pool\.yaml$/m, badOut);
    assert.match(badOut, /^\s+7:14\s+error\b.*\bnetwork\/pool-reserved-address$/m, `diagnostic at 7:14 with the rule id:\n${badOut}`);
    assert.equal(sh('git', ['rev-list', '--count', 'HEAD'], repo).stdout.trim(), '1', 'the bad pool was not committed');

    // 3. Malformed YAML is blocked too.
    writeFileSync(join(repo, 'kubernetes', 'pool.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: a: b\n');
    sh('git', ['add', '-A'], repo);
    const broken = sh('git', ['commit', '-m', 'broken yaml'], repo, env);
    assert.notEqual(broken.status, 0);
    assert.match(broken.stdout + broken.stderr, /^\s+5:7\s+error\b.*\byaml\/syntax$/m);

    // 4. The pool moved clear of the gateway and the nodes: passes (the hook environment is reused).
    writeFileSync(join(repo, 'kubernetes', 'pool.yaml'), poolYaml('10.50.0.200', '10.50.0.239'));
    sh('git', ['add', '-A'], repo);
    const started = performance.now();
    const good = sh('git', ['commit', '-m', 'good pool'], repo, env);
    const ms = Math.round(performance.now() - started);
    const goodOut = good.stdout + good.stderr;
    assert.equal(good.status, 0, `the clean commit must pass:\n${goodOut}`);
    assert.match(goodOut, /talium lint\.+Passed/);
    assert.equal(sh('git', ['rev-list', '--count', 'HEAD'], repo).stdout.trim(), '2');
    t.diagnostic(`clean commit through pre-commit (hook environment warm): ${ms} ms`);
  }
});

test('pre-commit: talium-generate-check blocks a cluster.yaml without its generated files, passes after generate', { timeout: 600_000 }, (t) => {
  const why = missingTool();
  if (why) {
    t.skip(why);
    return;
  }
  const example = join(ROOT, 'clusters', 'homelab', 'cluster.yaml');
  if (!existsSync(example)) {
    t.skip('clusters/homelab/cluster.yaml is not there yet');
    return;
  }
  const { env } = hookRepo();
  const repo = userRepo(
    'gen-repo',
    // The same hook environment, run as `talium generate` on demand (manual stage), so the files are generated by
    // exactly the talium version the check runs.
    '- id: talium-generate-check\n- id: talium-generate-check\n  alias: talium-generate\n  name: talium generate\n  entry: talium generate\n  stages: [manual]',
  );
  mkdirSync(join(repo, 'clusters', 'homelab'), { recursive: true });
  {
    // The committed example (from the clone), so the spec matches the generator that runs.
    writeFileSync(join(repo, 'clusters', 'homelab', 'cluster.yaml'), readFileSync(join(hookRepo().hookRepo, 'clusters', 'homelab', 'cluster.yaml'), 'utf8'));
    sh('git', ['add', '-A'], repo);
    const run = sh('pre-commit', ['run', '--all-files'], repo, env);
    const out = run.stdout + run.stderr;
    assert.notEqual(run.status, 0, `generate --check must fail without the generated files:\n${out}`);
    assert.match(out, /talium generate --check\.+Failed/);

    // After `talium generate` (the hook environment's own talium), the check passes.
    const gen = sh('pre-commit', ['run', '--hook-stage', 'manual', 'talium-generate', '--all-files'], repo, env);
    assert.match(gen.stdout + gen.stderr, /talium generate\.+(Passed|Failed)/, gen.stdout + gen.stderr);
    assert.ok(existsSync(join(repo, 'clusters', 'homelab', 'generated')), 'generate wrote clusters/homelab/generated');
    sh('git', ['add', '-A'], repo);
    const again = sh('pre-commit', ['run', '--all-files'], repo, env);
    assert.equal(again.status, 0, again.stdout + again.stderr);
  }
});
