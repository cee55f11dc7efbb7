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
import { spawnCli } from '../src/testing/cli.js';
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

/** `pre-commit install` in `repo`, then a function that stages everything (or `paths`) and commits through the hooks. */
function installed(repo: string): (message: string, paths?: string[]) => { status: number | null; out: string } {
  const { env } = hookRepo();
  const install = sh('pre-commit', ['install'], repo, env);
  assert.equal(install.status, 0, install.stdout + install.stderr);
  return (message, paths) => {
    if (paths) assert.equal(sh('git', ['add', '--', ...paths], repo).status, 0);
    const r = sh('git', ['commit', '-m', message], repo, env);
    return { status: r.status, out: r.stdout + r.stderr };
  };
}

const commits = (repo: string): string => sh('git', ['rev-list', '--count', 'HEAD'], repo).stdout.trim();

/** The example cluster's spec, from the clone (so it matches the talium version the hooks run). */
const exampleSpec = (): string => readFileSync(join(hookRepo().hookRepo, 'clusters', 'homelab', 'cluster.yaml'), 'utf8');

/** The hook environment's own `talium generate` (manual stage), with extra YAML lines for the hook (args). */
const MANUAL_GENERATE = (extra = '') => `- id: talium-generate-check\n  alias: talium-generate\n  name: talium generate\n  entry: talium generate\n  stages: [manual]${extra}`;

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
  // pre-commit runs entry + args + file names: `--` ends the options before them (a staged `-x.yaml`)
  assert.equal(hooks[0]!['entry'], 'talium lint --only-files --ignore-untracked');
  assert.deepEqual(hooks[0]!['args'], ['--']);
  assert.equal(hooks[1]!['entry'], 'talium generate --check --ignore-untracked');
  assert.equal(hooks[1]!['pass_filenames'], false);
  // pre-commit passes no deleted file, so a `files:` filter would skip a commit that only deletes a generated file
  assert.equal(hooks[1]!['always_run'], true);
  assert.equal(hooks[1]!['files'], undefined);
});

test('pre-commit: talium-lint blocks a bad commit with file and line, lets a clean one through', { timeout: 600_000 }, (t) => {
  const why = missingTool();
  if (why) {
    t.skip(why);
    return;
  }
  const { env } = hookRepo();
  // talium-generate-check runs on every commit, so it belongs only in repositories with clusters/*/cluster.yaml
  const repo = userRepo('home-ops', '- id: talium-lint');
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


test('pre-commit: talium-lint lints a staged file named -x.yaml as a file, with the default args and with args ending in --', { timeout: 600_000 }, (t) => {
  const why = missingTool();
  if (why) return t.skip(why);
  for (const [name, hook, file] of [
    ['dash-default', '- id: talium-lint', '-x.yaml'],
    ['dash-args', '- id: talium-lint\n  args: [--max-warnings, "0", --]', '-y.yaml'],
  ] as const) {
    const repo = userRepo(name, hook);
    const commit = installed(repo);
    mkdirSync(join(repo, 'talos'));
    writeFileSync(join(repo, 'talos', 'controlplane.yaml'), LAN_TALOS_PATCH);
    assert.equal(commit('talos', ['.']).status, 0);
    // a pool holding the gateway, at the top of the repository under a name that reads like an option
    writeFileSync(join(repo, file), poolYaml('10.50.0.1', '10.50.0.20'));
    const bad = commit('bad pool', [file]);
    assert.notEqual(bad.status, 0, bad.out);
    assert.doesNotMatch(bad.out, /unknown option|reads as an option/, `${name}: the file was taken for an option:\n${bad.out}`);
    assert.match(bad.out, new RegExp(`^${file.replace('.', '\\.')}$`, 'm'), bad.out);
    assert.match(bad.out, /^\s+7:14\s+error\b.*\bnetwork\/pool-reserved-address$/m, bad.out);
    writeFileSync(join(repo, file), poolYaml('10.50.0.200', '10.50.0.239'));
    const good = commit('good pool', [file]);
    assert.equal(good.status, 0, `${name}:\n${good.out}`);
    assert.match(good.out, /talium lint\.+Passed/);
    assert.equal(commits(repo), '2');
  }
  // hook args without the closing -- : the commit is stopped by a usage error that says what to write
  const repo = userRepo('dash-no-end', '- id: talium-lint\n  args: [--max-warnings, "0"]');
  const commit = installed(repo);
  writeFileSync(join(repo, '-z.yaml'), poolYaml('10.50.0.200', '10.50.0.239'));
  const r = commit('pool', ['.']);
  assert.notEqual(r.status, 0, r.out);
  assert.match(r.out, /"-z\.yaml" is a file whose name reads as an option; put -- before the file names/);
  assert.match(r.out, /args: \[--max-warnings, "0", --\]/);
});

test('pre-commit: talium-lint judges the commit: untracked scratch files beside it change nothing', { timeout: 600_000 }, (t) => {
  const why = missingTool();
  if (why) return t.skip(why);
  const repo = userRepo('scratch', '- id: talium-lint');
  const commit = installed(repo);
  mkdirSync(join(repo, 'talos'));
  mkdirSync(join(repo, 'kubernetes'));
  writeFileSync(join(repo, 'talos', 'controlplane.yaml'), LAN_TALOS_PATCH);
  writeFileSync(join(repo, 'kubernetes', 'pool.yaml'), poolYaml('10.50.0.200', '10.50.0.239'));
  assert.equal(commit('init', ['.']).status, 0);

  // untracked: a pool overlapping the committed one (at 10.50.0.240 once it grows), a folder with another
  writeFileSync(join(repo, 'scratch.yaml'), poolYaml('10.50.0.240', '10.50.0.250').replace('name: default', 'name: scratch'));
  mkdirSync(join(repo, 'wip'));
  writeFileSync(join(repo, 'wip', 'extra.yaml'), poolYaml('10.50.0.205', '10.50.0.210').replace('name: default', 'name: wip'));
  writeFileSync(join(repo, 'kubernetes', 'pool.yaml'), poolYaml('10.50.0.200', '10.50.0.240'));
  // the scenario is real: talium reading the working tree reports the scratch pools against the staged one
  sh('git', ['add', 'kubernetes/pool.yaml'], repo);
  const plain = spawnCli(['lint', '--only-files', '--no-cache', 'kubernetes/pool.yaml'], { cwd: repo });
  assert.equal(plain.code, 1, plain.stdout + plain.stderr);
  // at the staged pool, the scratch pools as related locations (two overlapping pools are equal parties)
  assert.match(plain.stdout, /^kubernetes\/pool\.yaml$/m);
  assert.match(plain.stdout, /^\s+see: scratch\.yaml:7:14 /m);
  assert.match(plain.stdout, /^\s+see: wip\/extra\.yaml:7:14 /m);

  const r = commit('grow the pool');
  assert.equal(r.status, 0, `untracked files must not block the commit:\n${r.out}`);
  assert.match(r.out, /talium lint\.+Passed/);
  assert.equal(commits(repo), '2');
  assert.ok(existsSync(join(repo, 'scratch.yaml')), 'the scratch file is left alone');

  // staged, the scratch pool is part of the commit, and blocks it
  const staged = commit('add scratch', ['scratch.yaml']);
  assert.notEqual(staged.status, 0, staged.out);
  assert.match(staged.out, /^scratch\.yaml$/m);
  assert.match(staged.out, /^\s+7:14\s+error\b.*\bnetwork\/pool-overlap$/m, staged.out);
  assert.doesNotMatch(staged.out, /wip\/extra\.yaml/, 'the still untracked folder is not read');
});

test('pre-commit: talium-generate-check blocks a commit that only deletes a generated file (always_run), or only untracks it', { timeout: 600_000 }, (t) => {
  const why = missingTool();
  if (why) return t.skip(why);
  if (!existsSync(join(ROOT, 'clusters', 'homelab', 'cluster.yaml'))) return t.skip('clusters/homelab/cluster.yaml is not there yet');
  const { env } = hookRepo();
  const repo = userRepo('gen-delete', `- id: talium-lint\n- id: talium-generate-check\n${MANUAL_GENERATE()}`);
  const commit = installed(repo);
  mkdirSync(join(repo, 'clusters', 'homelab'), { recursive: true });
  writeFileSync(join(repo, 'clusters', 'homelab', 'cluster.yaml'), exampleSpec());
  const gen = sh('pre-commit', ['run', '--hook-stage', 'manual', 'talium-generate', '--all-files'], repo, env);
  assert.match(gen.stdout + gen.stderr, /talium generate\.+(Passed|Failed)/, gen.stdout + gen.stderr);
  const first = commit('cluster', ['.']);
  assert.equal(first.status, 0, first.out);

  const node = 'clusters/homelab/generated/talos/nodes/cp-1.yaml';
  // 1. `git rm`: pre-commit passes no file at all (the deletion is the whole commit); the check still runs
  sh('git', ['rm', '--quiet', node], repo);
  const deleted = commit('delete a generated file');
  assert.notEqual(deleted.status, 0, `the deletion must be blocked:\n${deleted.out}`);
  assert.match(deleted.out, /talium generate --check\.+Failed/);
  assert.match(deleted.out, new RegExp(`^${node.replace(/\./g, '\\.')}$`, 'm'), deleted.out);
  assert.match(deleted.out, /^\s+1:1\s+error\b.*\bgenerate\/drift$/m, deleted.out);
  assert.equal(commits(repo), '1');
  sh('git', ['reset', '--quiet', '--hard'], repo);

  // 2. `git rm --cached`: the file stays in the working tree, but the commit lacks it
  sh('git', ['rm', '--quiet', '--cached', node], repo);
  const untracked = commit('untrack a generated file');
  assert.notEqual(untracked.status, 0, `untracking must be blocked:\n${untracked.out}`);
  assert.match(untracked.out, /talium generate --check\.+Failed/);
  assert.match(untracked.out, new RegExp(`^${node.replace(/\./g, '\\.')}$`, 'm'), untracked.out);
  assert.equal(commits(repo), '1');
  sh('git', ['add', node], repo);

  // 3. a commit that touches nothing under clusters/ runs the check too, and passes
  writeFileSync(join(repo, 'README.md'), '# home\n');
  const started = performance.now();
  const other = commit('readme', ['README.md']);
  const ms = Math.round(performance.now() - started);
  assert.equal(other.status, 0, other.out);
  assert.match(other.out, /talium generate --check\.+Passed/);
  assert.equal(commits(repo), '2');
  t.diagnostic(`commit of a non-YAML file through both hooks (warm; generate --check always runs): ${ms} ms`);
});

test('pre-commit: clusters/ in a subfolder: --root in the hook args (and in CI commands)', { timeout: 600_000 }, (t) => {
  const why = missingTool();
  if (why) return t.skip(why);
  if (!existsSync(join(ROOT, 'clusters', 'homelab', 'cluster.yaml'))) return t.skip('clusters/homelab/cluster.yaml is not there yet');
  const { env } = hookRepo();
  // the README's configuration for a repository whose talium project lives in infra/
  const repo = userRepo(
    'subfolder',
    [
      '- id: talium-lint',
      '  args: [--root, infra, --]',
      '  files: ^infra/',
      '- id: talium-generate-check',
      '  args: [--root, infra]',
      MANUAL_GENERATE('\n  args: [--root, infra]'),
    ].join('\n'),
  );
  const commit = installed(repo);
  mkdirSync(join(repo, 'infra', 'clusters', 'homelab'), { recursive: true });
  writeFileSync(join(repo, 'infra', 'clusters', 'homelab', 'cluster.yaml'), exampleSpec());
  // YAML outside infra/ (not talium's): the lint hook's files: keeps it out of --root infra
  mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
  writeFileSync(join(repo, '.github', 'workflows', 'ci.yaml'), 'on: push\njobs: {}\n');
  const gen = sh('pre-commit', ['run', '--hook-stage', 'manual', 'talium-generate', '--all-files'], repo, env);
  assert.match(gen.stdout + gen.stderr, /talium generate\.+(Passed|Failed)/, gen.stdout + gen.stderr);
  assert.ok(existsSync(join(repo, 'infra', 'clusters', 'homelab', 'generated')), 'generated under infra/');
  assert.ok(!existsSync(join(repo, 'clusters')), 'nothing generated at the top');
  const first = commit('infra', ['.']);
  assert.equal(first.status, 0, first.out);
  assert.match(first.out, /talium lint\.+Passed/);
  assert.match(first.out, /talium generate --check\.+Passed/);

  // a pool holding the gateway and the node addresses of infra/'s cluster.yaml: blocked, named from the top
  mkdirSync(join(repo, 'infra', 'kubernetes'));
  writeFileSync(join(repo, 'infra', 'kubernetes', 'pool.yaml'), poolYaml('10.50.0.1', '10.50.0.20'));
  const bad = commit('bad pool', ['infra/kubernetes/pool.yaml']);
  assert.notEqual(bad.status, 0, bad.out);
  assert.match(bad.out, /talium lint\.+Failed/);
  assert.match(bad.out, /^infra\/kubernetes\/pool\.yaml$/m, bad.out);
  assert.match(bad.out, /^\s+7:14\s+error\b.*\bnetwork\/pool-reserved-address$/m, bad.out);
  // the CI commands of the README, from the top of the checkout
  const ciLint = spawnCli(['lint', '--root', 'infra', 'infra'], { cwd: repo });
  assert.equal(ciLint.code, 1, ciLint.stdout + ciLint.stderr);
  assert.match(ciLint.stdout, /^infra\/kubernetes\/pool\.yaml$/m);
  sh('git', ['reset', '--quiet', '--hard'], repo);
  rmSync(join(repo, 'infra', 'kubernetes'), { recursive: true, force: true });
  const ciCheck = spawnCli(['generate', '--check', '--root', 'infra'], { cwd: repo });
  assert.equal(ciCheck.code, 0, ciCheck.stdout + ciCheck.stderr);

  // deleting a generated file under infra/ is blocked
  const node = 'infra/clusters/homelab/generated/talos/nodes/cp-1.yaml';
  sh('git', ['rm', '--quiet', node], repo);
  const deleted = commit('delete a generated file');
  assert.notEqual(deleted.status, 0, deleted.out);
  assert.match(deleted.out, /talium generate --check\.+Failed/);
  assert.match(deleted.out, new RegExp(`^${node.replace(/\./g, '\\.')}$`, 'm'), deleted.out);
  assert.equal(spawnCli(['generate', '--check', '--root', 'infra'], { cwd: repo }).code, 1, 'the CI command sees it too');
  assert.equal(commits(repo), '1');
});
