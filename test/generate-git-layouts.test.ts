/**
 * The pre-commit hook and `--ignore-untracked` in the git layouts beside a plain checkout, with real git in temp
 * folders: a linked work tree (`git worktree add`: `.git` is a file, and git exports GIT_DIR to its hooks), a
 * submodule (`.git` is a file naming ../.git/modules/<name>), and a `core.worktree` setup (the git dir elsewhere,
 * found through GIT_DIR only). In each, a commit the hook should pass passes, a commit that leaves a generated file
 * out is blocked, and a staged YAML file is linted, for a project at the top and for one in a subfolder (`cd infra`,
 * `--root infra`). The hook command is hookCommand's, run by git itself.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hookCommand } from '../src/cli/hooks.js';
import { gitEnv } from '../src/io/git-env.js';
import { UntrackedFiles } from '../src/io/untracked.js';
import { CLI_MAIN } from '../src/testing/cli.js';

const ROOT = process.cwd();
const HAS_GIT = spawnSync('git', ['--version']).status === 0;
const SPEC = readFileSync(join(ROOT, 'clusters/homelab/cluster.yaml'), 'utf8');
const NODE = 'clusters/homelab/generated/talos/nodes/cp-1.yaml';

const base = mkdtempSync(join(tmpdir(), 'talium-gitlayouts-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => join(base, `${n++}-${name}`);

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1' };

function git(cwd: string, args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const e: NodeJS.ProcessEnv = { ...process.env, ...GIT_ENV, ...env };
  // the test runner's own git context must not leak into the repositories under test
  if (!env['GIT_DIR']) delete e['GIT_DIR'];
  delete e['GIT_INDEX_FILE'];
  delete e['GIT_WORK_TREE'];
  return spawnSync('git', args, { cwd, encoding: 'utf8', env: e, timeout: 120_000 });
}

function ok(cwd: string, args: string[], env: Record<string, string> = {}): string {
  const r = git(cwd, args, env);
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** node_modules/.bin/talium in `projectDir` (untracked: .gitignore), running the compiled CLI. */
function talium(projectDir: string): void {
  mkdirSync(join(projectDir, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(projectDir, 'node_modules', 'launch.mjs'), `const m = await import(${JSON.stringify(pathToFileURL(CLI_MAIN).href)});\nprocess.exitCode = await m.main(process.argv.slice(2));\n`);
  const bin = join(projectDir, 'node_modules', '.bin', 'talium');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "$(dirname "$0")/../launch.mjs" "$@"\n`);
  chmodSync(bin, 0o755);
}

type Layout = { name: string; pkg: string; project: string };
/** Where package.json is (the hook's folder) and where clusters/ is. */
const LAYOUTS: Layout[] = [
  { name: 'project at the top', pkg: '', project: '' },
  { name: 'clusters/ in infra/, package.json at the top (--root infra)', pkg: '', project: 'infra' },
  { name: 'package.json and clusters/ in infra/ (cd infra)', pkg: 'infra', project: 'infra' },
];

/** The files of a repository with one generated cluster, written into `top` (the work tree's top folder). */
function fill(top: string, layout: Layout): void {
  const project = join(top, layout.project);
  mkdirSync(join(project, 'clusters', 'homelab'), { recursive: true });
  writeFileSync(join(project, 'clusters', 'homelab', 'cluster.yaml'), SPEC);
  writeFileSync(join(top, layout.pkg, 'package.json'), '{ "name": "home-ops", "private": true }\n');
  writeFileSync(join(top, '.gitignore'), 'node_modules/\n');
}

/** Generate in the work tree `top` (the CLI as the hook runs it), install the hook git runs for it, commit. */
function setUp(top: string, layout: Layout, env: Record<string, string> = {}): void {
  const pkgDir = join(top, layout.pkg);
  talium(pkgDir);
  const gen = spawnSync(join(pkgDir, 'node_modules', '.bin', 'talium'), ['generate', ...(layout.project ? ['--root', join(top, layout.project)] : [])], { cwd: top, encoding: 'utf8', env: { ...process.env, ...GIT_ENV, ...env } });
  assert.equal(gen.status, 0, gen.stderr);
  ok(top, ['add', '-A'], env);
  // a submodule's clone has it all already
  if (git(top, ['diff', '--cached', '--quiet'], env).status !== 0) ok(top, ['commit', '-q', '-m', 'init'], env);
  // the hook file where git looks for it (the common git dir's hooks/, a submodule's modules/<name>/hooks/)
  const hookPath = ok(top, ['rev-parse', '--git-path', 'hooks/pre-commit'], env);
  const command = hookCommand({ projectDir: pkgDir, gitTop: top, pkgName: 'home-ops' });
  const abs = isAbsolute(hookPath) ? hookPath : resolve(top, hookPath);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, `#!/bin/sh\n${command}\n`);
  chmodSync(abs, 0o755);
}

/** A new repository (branch main) named `name` holding the layout's files, generated and committed, with the hook installed. */
function repoWithLayout(name: string, layout: Layout): string {
  const top = fresh(name);
  mkdirSync(top);
  ok(top, ['init', '-q', '-b', 'main']);
  fill(top, layout);
  setUp(top, layout);
  return top;
}

/** The three commits every layout must get right, in the work tree `top`. */
function commits(top: string, layout: Layout, env: Record<string, string> = {}): void {
  const project = join(top, layout.project);
  const rel = (p: string) => (layout.project ? `${layout.project}/${p}` : p);
  // 1. a clean commit with a staged YAML file of the project: linted (not "missing"), generated files tracked
  writeFileSync(join(project, 'extra.yaml'), 'a: 1\n');
  ok(top, ['add', rel('extra.yaml')], env);
  const clean = git(top, ['commit', '-q', '-m', 'extra'], env);
  assert.equal(clean.status, 0, `a clean commit passes the hook:\n${clean.stdout}${clean.stderr}`);
  assert.doesNotMatch(clean.stdout + clean.stderr, /staged-file-missing|not tracked by git|no clusters/);
  // 2. a commit that leaves a generated file out (untracked in the commit) is blocked, naming it
  ok(top, ['rm', '-q', '--cached', rel(NODE)], env);
  const blocked = git(top, ['commit', '-q', '-m', 'drop'], env);
  assert.notEqual(blocked.status, 0, 'a commit without a generated file is blocked');
  assert.match(blocked.stdout + blocked.stderr, /cp-1\.yaml/);
  assert.match(blocked.stdout + blocked.stderr, /generate\/drift/);
  ok(top, ['add', rel(NODE)], env);
  // 3. a staged YAML file with a lint error is blocked at its line
  writeFileSync(join(project, 'extra.yaml'), 'a: 1\na: 2\n');
  ok(top, ['add', rel('extra.yaml')], env);
  const bad = git(top, ['commit', '-q', '-m', 'bad'], env);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stdout + bad.stderr, /extra\.yaml[\s\S]*2:1[\s\S]*yaml\/duplicate-key/);
}

describe('the pre-commit hook in git layouts', { skip: !HAS_GIT && 'git is not installed' }, () => {
  for (const layout of LAYOUTS) {
    it(`a plain checkout, ${layout.name}`, { timeout: 120_000 }, () => {
      const top = repoWithLayout('plain', layout);
      commits(top, layout);
    });

    it(`a linked work tree (git worktree add), ${layout.name}`, { timeout: 120_000 }, () => {
      const main = repoWithLayout('main', layout);
      const wt = fresh('wt');
      ok(main, ['worktree', 'add', '-q', '-b', 'feature', wt]);
      talium(join(wt, layout.pkg)); // node_modules is not in git
      commits(wt, layout);
    });

    it(`a submodule (.git is a file), ${layout.name}`, { timeout: 120_000 }, () => {
      const upstream = repoWithLayout('upstream', layout);
      const sup = fresh('super');
      mkdirSync(sup);
      ok(sup, ['init', '-q', '-b', 'main']);
      ok(sup, ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', upstream, 'sub']);
      const sub = join(sup, 'sub');
      assert.match(readFileSync(join(sub, '.git'), 'utf8'), /^gitdir: /);
      setUp(sub, layout);
      commits(sub, layout);
    });

    it(`a core.worktree setup (GIT_DIR elsewhere, no .git in the work tree), ${layout.name}`, { timeout: 120_000 }, () => {
      const gitDir = fresh('repo.git');
      const work = fresh('work');
      mkdirSync(work);
      ok(base, ['init', '-q', '-b', 'main', '--separate-git-dir', gitDir, work]);
      rmSync(join(work, '.git')); // only GIT_DIR leads to the repository now
      const env = { GIT_DIR: gitDir };
      ok(work, ['config', 'core.worktree', work], env);
      fill(work, layout);
      setUp(work, layout, env);
      commits(work, layout, env);
      // simple-git-hooks needs a .git above the project: hooks install says so and prints the hook instead
      const hookPath = ok(work, ['rev-parse', '--git-path', 'hooks/pre-commit'], env);
      const before = readFileSync(hookPath, 'utf8');
      const pkgDir = join(work, layout.pkg);
      const install = spawnSync(join(pkgDir, 'node_modules', '.bin', 'talium'), ['hooks', 'install'], { cwd: pkgDir, encoding: 'utf8', env: { ...process.env, ...GIT_ENV, ...env } });
      assert.equal(install.status, 1, install.stderr);
      assert.ok(install.stderr.includes(hookPath), install.stderr);
      assert.ok(install.stderr.includes(hookCommand({ projectDir: pkgDir, gitTop: work, pkgName: 'home-ops' })), install.stderr);
      assert.equal(readFileSync(hookPath, 'utf8'), before, 'nothing written');
    });
  }
});

describe('git-env and the shared untracked listing', { skip: !HAS_GIT && 'git is not installed' }, () => {
  it('GIT_DIR is dropped only where git would find that same git dir itself', () => {
    const main = fresh('env');
    mkdirSync(join(main, 'sub'), { recursive: true });
    ok(main, ['init', '-q', '-b', 'main']);
    writeFileSync(join(main, 'a.yaml'), 'a: 1\n');
    ok(main, ['add', 'a.yaml']);
    ok(main, ['commit', '-q', '-m', 'i']);
    const wt = fresh('env-wt');
    ok(main, ['worktree', 'add', '-q', wt]);
    mkdirSync(join(wt, 'sub'));
    const wtGitDir = ok(wt, ['rev-parse', '--absolute-git-dir']);
    const has = (e: NodeJS.ProcessEnv) => 'GIT_DIR' in e;
    assert.equal(has(gitEnv(join(wt, 'sub'), { GIT_DIR: wtGitDir })), false, 'the work tree\'s own git dir (a hook of git worktree add)');
    assert.equal(has(gitEnv(join(main, 'sub'), { GIT_DIR: join(main, '.git') })), false);
    assert.equal(has(gitEnv(join(wt, 'sub'), { GIT_DIR: join(main, '.git') })), true, 'another repository\'s git dir stays');
    assert.equal(has(gitEnv(join(wt, 'sub'), { GIT_DIR: wtGitDir, GIT_WORK_TREE: wt })), true, 'GIT_WORK_TREE says where the top is');
    assert.equal(has(gitEnv(base, { GIT_DIR: wtGitDir })), true, 'no .git above: GIT_DIR is how git finds it');

    // the listing asked from a subfolder with the hook's GIT_DIR: the work tree's top, not the subfolder
    writeFileSync(join(wt, 'sub', 'new.yaml'), 'n: 1\n');
    const saved = process.env['GIT_DIR'];
    process.env['GIT_DIR'] = wtGitDir;
    try {
      const u = new UntrackedFiles();
      assert.deepEqual(u.under(join(wt, 'sub')), new Set(['./']));
      assert.deepEqual([u.isUntracked(join(wt, 'a.yaml')), u.isUntracked(join(wt, 'sub', 'new.yaml'))], [false, true]);
      assert.deepEqual(u.relative(wt)('a.yaml'), false);
      assert.equal(u.calls, 1);
    } finally {
      if (saved === undefined) delete process.env['GIT_DIR'];
      else process.env['GIT_DIR'] = saved;
    }
  });

  it('generate --check --ignore-untracked and lint --ignore-untracked take one `git ls-files` listing, the same one', () => {
    // cpSync keeps this test independent of the layouts above
    const top = fresh('one-listing');
    mkdirSync(join(top, 'infra', 'clusters', 'homelab'), { recursive: true });
    cpSync(join(ROOT, 'clusters/homelab/cluster.yaml'), join(top, 'infra/clusters/homelab/cluster.yaml'));
    ok(top, ['init', '-q', '-b', 'main']);
    talium(top);
    writeFileSync(join(top, '.gitignore'), 'node_modules/\n');
    const bin = join(top, 'node_modules', '.bin', 'talium');
    assert.equal(spawnSync(bin, ['generate', '--root', 'infra'], { cwd: top }).status, 0);
    ok(top, ['add', '-A']);
    ok(top, ['rm', '-q', '--cached', `infra/${NODE}`]);
    // git on PATH as a shim logging its arguments
    const realGit = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
    const shim = join(top, 'node_modules', 'shim');
    mkdirSync(shim);
    const log = join(shim, 'calls.log');
    writeFileSync(join(shim, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realGit}' "$@"\n`);
    chmodSync(join(shim, 'git'), 0o755);
    const r = spawnSync(bin, ['generate', '--check', '--ignore-untracked', '--root', 'infra', '--format', 'json'], { cwd: top, encoding: 'utf8', env: { ...process.env, ...GIT_ENV, PATH: `${shim}:${process.env['PATH'] ?? ''}` } });
    assert.equal(r.status, 1, r.stderr);
    const diags = (JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; file: string; data?: Record<string, unknown> }> }).diagnostics;
    assert.deepEqual(diags.map((d) => [d.ruleId, d.file, d.data?.['untracked']]), [['generate/drift', `infra/${NODE}`, true]]);
    const calls = readFileSync(log, 'utf8').split('\n').filter((c) => c.startsWith('ls-files'));
    assert.deepEqual(calls, ['ls-files --others --directory --no-empty-directory -z'], 'lint\'s listing, taken once at the top');
  });
});
