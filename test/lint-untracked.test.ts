/**
 * What a hook judges is the commit: `talium lint --ignore-untracked` (and `--staged`) leaves out what git reports as
 * untracked, `talium generate --check --ignore-untracked` counts an untracked generated file as missing; outside
 * git both change nothing. File names that start with "-" after `--` (lint, plan, schemas import), and the usage
 * error that says how to pass them when `--` is missing. The pre-commit framework runs of the same are in
 * workflow-precommit.test.ts.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectsBelow } from '../src/cli/generate.js';
import { commitView } from '../src/cli/generate-untracked.js';
import { discover } from '../src/lint/discover.js';
import { UntrackedFiles } from '../src/io/untracked.js';
import { runCli } from '../src/testing/cli.js';
import { widgetCrd } from '../src/testing/crd-fixtures.js';
import { LAN_TALOS_PATCH, poolYaml } from '../src/testing/hook-samples.js';
import { tempRepos } from '../src/testing/temp-repos.js';
import { gitOk, HAS_GIT } from '../src/testing/git.js';

const { repo, cleanup } = tempRepos('talium-untracked-');
after(cleanup);

const ROOT = process.cwd();

/** The oracle: `git ls-files --others --directory` run in `cwd` itself (ignored files too), as a set. */
function untrackedPaths(cwd: string): Set<string> {
  const r = spawnSync('git', ['ls-files', '--others', '--directory', '--no-empty-directory', '-z'], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return new Set(r.stdout.split('\0').filter(Boolean));
}

const git = gitOk;

interface Out {
  diagnostics: Array<{ file: string; ruleId: string; range: { start: { line: number; column: number } }; data?: Record<string, unknown> }>;
}
const brief = (o: Out) => o.diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`);

async function lintJson(dir: string, args: string[]): Promise<{ code: number; out: Out; stderr: string }> {
  const r = await runCli(['lint', '--format', 'json', '--no-cache', ...args], { cwd: dir });
  return { code: r.code, out: (r.stdout ? JSON.parse(r.stdout) : { diagnostics: [] }) as Out, stderr: r.stderr };
}

/** A committed Talos patch and pool; the pool edited and staged; an untracked scratch pool overlapping it. */
function scratchRepo(): string {
  const dir = repo({
    'talos/cp.yaml': LAN_TALOS_PATCH,
    'kubernetes/pool.yaml': poolYaml('10.50.0.200', '10.50.0.239'),
  });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  writeFileSync(join(dir, 'kubernetes', 'pool.yaml'), poolYaml('10.50.0.200', '10.50.0.240'));
  git(dir, 'add', 'kubernetes/pool.yaml');
  // each overlaps only the staged pool (10.50.0.240 and 10.50.0.205-210)
  writeFileSync(join(dir, 'scratch.yaml'), poolYaml('10.50.0.240', '10.50.0.250').replace('name: default', 'name: scratch'));
  mkdirSync(join(dir, 'wip'));
  writeFileSync(join(dir, 'wip', 'extra.yaml'), poolYaml('10.50.0.205', '10.50.0.210').replace('name: default', 'name: wip'));
  return dir;
}

describe('lint --ignore-untracked', () => {
  it('leaves out untracked files and folders; without the flag they still change the staged file\'s findings', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const dir = scratchRepo();
    const plain = await lintJson(dir, ['--only-files', 'kubernetes/pool.yaml']);
    assert.equal(plain.code, 1, 'the scenario is real: the untracked pools overlap the staged one');
    // at the named pool, told from its side (two overlapping pools are equal parties: RuleFinding.mirror)
    assert.deepEqual(brief(plain.out), ['kubernetes/pool.yaml:7:14 network/pool-overlap', 'kubernetes/pool.yaml:7:14 network/pool-overlap']);
    assert.deepEqual(plain.out.diagnostics.map((d) => d.data?.['other']).sort(), ['scratch', 'wip']);

    const hook = await lintJson(dir, ['--only-files', '--ignore-untracked', '--', 'kubernetes/pool.yaml']);
    assert.equal(hook.code, 0, hook.stderr);
    assert.deepEqual(brief(hook.out), []);
    // --staged judges the commit too
    const staged = await lintJson(dir, ['--staged']);
    assert.equal(staged.code, 0, staged.stderr);
    assert.deepEqual(brief(staged.out), []);

    // staged, the scratch pool is part of the commit: reported again
    git(dir, 'add', 'scratch.yaml');
    const added = await lintJson(dir, ['--only-files', '--ignore-untracked', '--', 'kubernetes/pool.yaml', 'scratch.yaml']);
    assert.equal(added.code, 1);
    assert.deepEqual(brief(added.out), ['scratch.yaml:7:14 network/pool-overlap']);
  });

  it('a file named on the command line is read even when untracked; the run over the whole tree is unchanged', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const dir = scratchRepo();
    const named = await lintJson(dir, ['--only-files', '--ignore-untracked', '--', 'scratch.yaml']);
    assert.equal(named.code, 1);
    assert.deepEqual(brief(named.out), ['scratch.yaml:7:14 network/pool-overlap']);
    const whole = await lintJson(dir, []);
    assert.deepEqual(brief(whole.out), ['scratch.yaml:7:14 network/pool-overlap', 'wip/extra.yaml:7:14 network/pool-overlap']);
  });

  it('outside a git work tree the flag changes nothing', async () => {
    const dir = repo({
      '.talium.yaml': '{}\n',
      'talos/cp.yaml': LAN_TALOS_PATCH,
      'kubernetes/pool.yaml': poolYaml('10.50.0.200', '10.50.0.240'),
      'scratch.yaml': poolYaml('10.50.0.220', '10.50.0.250').replace('name: default', 'name: scratch'),
    });
    assert.equal(new UntrackedFiles().under(dir), undefined);
    const a = await lintJson(dir, ['--only-files', 'kubernetes/pool.yaml']);
    const b = await lintJson(dir, ['--only-files', '--ignore-untracked', '--', 'kubernetes/pool.yaml']);
    assert.equal(a.code, 1);
    assert.deepEqual(brief(b.out), brief(a.out));
    assert.deepEqual(brief(b.out), ['kubernetes/pool.yaml:7:14 network/pool-overlap']);
  });

  it('git lists untracked (and ignored) folders whole, a wholly untracked root as ./; discovery skips them', (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const dir = repo({ 'a/t.yaml': 'a: 1\n', 'a/b/u.yaml': 'b: 1\n', 'c/u.yaml': 'c: 1\n', 'd/x.yaml': 'd: 1\n', '.gitignore': 'd/\n' });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', 'a/t.yaml', '.gitignore');
    const listing = new UntrackedFiles().under(dir);
    assert.ok(listing instanceof Set);
    assert.deepEqual([...listing].sort(), ['a/b/', 'c/', 'd/']);
    symlinkSync('c', join(dir, 'link'));
    const withLink = new UntrackedFiles().under(dir) as Set<string>;
    assert.ok(withLink.has('link'), 'an untracked link to a folder is listed without the slash');
    const found = discover({ cwd: dir, paths: ['.'], exclude: [], untracked: withLink });
    assert.deepEqual(found.files.map((f) => f.path), ['a/t.yaml']);
    assert.deepEqual(new UntrackedFiles().under(join(dir, 'c')), new Set(['./']));
    const inside = discover({ cwd: join(dir, 'c'), paths: ['.', 'u.yaml'], exclude: [], untracked: new Set(['./']) });
    assert.deepEqual(inside.files.map((f) => f.path), ['u.yaml'], 'only the named file of a wholly untracked root');
    assert.deepEqual(inside.empty, []);
  });
});

/** Two committed pools that overlap (a/, b/), a Talos patch giving the LAN, and `committed` files, in a git repository. */
function committedOverlapRepo(committed: Record<string, string> = {}): string {
  const dir = repo({
    ...committed,
    'talos/cp.yaml': LAN_TALOS_PATCH,
    'a/pool.yaml': poolYaml('10.50.0.200', '10.50.0.239'),
    'b/more.yaml': poolYaml('10.50.0.230', '10.50.0.245').replace('name: default', 'name: b'),
  });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

describe('lint --ignore-untracked: files that decide how the tree is read', () => {
  /** committedOverlapRepo with `extra` files left untracked. */
  function overlapRepo(extra: Record<string, string>): string {
    const dir = committedOverlapRepo();
    for (const [path, text] of Object.entries(extra)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }
  const OVERLAP = ['b/more.yaml:7:14 network/pool-overlap'];

  it('an untracked talium.config.yaml is not read (the commit\'s own configuration is what CI applies)', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const dir = overlapRepo({ 'talium.config.yaml': 'rules:\n  network/pool-overlap: off\n' });
    assert.deepEqual(brief((await lintJson(dir, [])).out), [], 'the scenario is real: the config turns the rule off');
    const hook = await lintJson(dir, ['--ignore-untracked']);
    assert.equal(hook.code, 1, hook.stderr);
    assert.deepEqual(brief(hook.out), OVERLAP);
    // committed, it is the commit's configuration
    git(dir, 'add', 'talium.config.yaml');
    assert.deepEqual(brief((await lintJson(dir, ['--ignore-untracked'])).out), []);
    // a --config file is read as named, untracked or not
    writeFileSync(join(dir, 'ci.yaml'), 'rules:\n  network/pool-overlap: off\n');
    git(dir, 'rm', '-q', '--cached', 'talium.config.yaml');
    assert.deepEqual(brief((await lintJson(dir, ['--ignore-untracked', '--config', 'ci.yaml'])).out), []);
  });

  it('an untracked .talium.yaml does not make its folder the root: the hook reads the whole repository, as CI does', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const dir = overlapRepo({ 'b/.talium.yaml': '{}\n' });
    // the untracked configuration makes b/ a repository of its own: a/'s pool unseen
    assert.deepEqual(brief((await lintJson(dir, ['--only-files', 'b/more.yaml'])).out), []);
    const hook = await lintJson(dir, ['--only-files', '--ignore-untracked', '--', 'b/more.yaml']);
    assert.equal(hook.code, 1, hook.stderr);
    assert.deepEqual(brief(hook.out), ['b/more.yaml:7:14 network/pool-overlap']);
  });

  it('an untracked .gitignore is not honoured; the untracked files it hides stay left out', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const dir = overlapRepo({ '.gitignore': 'b/\nc/\n', 'c/scratch.yaml': poolYaml('10.50.0.200', '10.50.0.210').replace('name: default', 'name: c') });
    assert.deepEqual(brief((await lintJson(dir, [])).out), [], 'the scenario is real: the .gitignore hides b/ and c/');
    const hook = await lintJson(dir, ['--ignore-untracked']);
    assert.equal(hook.code, 1, hook.stderr);
    assert.deepEqual(brief(hook.out), OVERLAP);
    // committed, the .gitignore is the commit's
    git(dir, 'add', '.gitignore');
    assert.deepEqual(brief((await lintJson(dir, ['--ignore-untracked'])).out), []);
  });
});

describe('lint --ignore-untracked: one git listing per work tree', () => {
  /** `git` on PATH as a shim logging each call's arguments (one line per call) before running the real git. */
  async function withGitLog<T>(run: () => Promise<T>): Promise<{ result: T; calls: string[] }> {
    const realGit = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
    const bin = repo({});
    const log = join(bin, 'calls.log');
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realGit}' "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    const saved = process.env['PATH'];
    process.env['PATH'] = `${bin}:${saved ?? ''}`;
    try {
      const result = await run();
      return { result, calls: existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [] };
    } finally {
      process.env['PATH'] = saved;
    }
  }

  it('the configurations, cluster.yaml files and the linted folder are judged from one `git ls-files`, with the same results', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const dir = committedOverlapRepo({ 'talium.config.yaml': '{}\n' });
    // untracked: a configuration that would make b/ a root of its own and silence the rule, and a scratch pool
    writeFileSync(join(dir, 'b', '.talium.yaml'), 'rules:\n  network/pool-overlap: off\n');
    writeFileSync(join(dir, 'scratch.yaml'), poolYaml('10.50.0.240', '10.50.0.250').replace('name: default', 'name: scratch'));
    const { result, calls } = await withGitLog(() => lintJson(dir, ['--only-files', '--ignore-untracked', '--', 'b/more.yaml', 'a/pool.yaml']));
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(brief(result.out), ['b/more.yaml:7:14 network/pool-overlap']);
    assert.deepEqual(calls.filter((c) => c.startsWith('ls-files')), ['ls-files --others --directory --no-empty-directory -z']);
    assert.equal(calls.length, 1, calls.join('; '));
  });

  it('UntrackedFiles answers as `git ls-files --others` run in each folder (folders whole, ./ for an untracked one)', (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const dir = repo({ 'a/t.yaml': 'a: 1\n', 'a/b/u.yaml': 'b: 1\n', 'a/v.yaml': 'v: 1\n', 'c/d/u.yaml': 'c: 1\n', 'e/x.yaml': 'e: 1\n', '.gitignore': 'e/\n' });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', 'a/t.yaml', '.gitignore');
    const u = new UntrackedFiles();
    for (const sub of ['', 'a', 'a/b', 'c', 'c/d', 'e']) {
      const cwd = sub ? join(dir, sub) : dir;
      assert.deepEqual(u.under(cwd), untrackedPaths(cwd), sub || '.');
    }
    assert.deepEqual(
      ['a/t.yaml', 'a/v.yaml', 'a/b/u.yaml', 'c/d/u.yaml', 'e/x.yaml', '.gitignore'].map((p) => u.isUntracked(join(dir, p))),
      [false, true, true, true, true, false],
    );
    assert.equal(u.calls, 1);
    // outside git: nothing is untracked, and no listing
    const plain = repo({ 'x.yaml': 'x: 1\n' });
    assert.equal(u.isUntracked(join(plain, 'x.yaml')), false);
    assert.equal(u.under(plain), undefined);
  });
});

describe('lint --staged with a staged link that leads nowhere', () => {
  it('gives the walk\'s lint/symlink-skipped finding (dangling link, link loop), once, not a usage error; --only-files alike', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const dir = repo({ 'kubernetes/pool.yaml': poolYaml('10.50.0.200', '10.50.0.239') });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'init');
    symlinkSync('gone.yaml', join(dir, 'kubernetes', 'dangling.yaml'));
    symlinkSync('loop.yaml', join(dir, 'loop.yaml'));
    git(dir, 'add', 'kubernetes/dangling.yaml', 'loop.yaml');
    const expected = [
      ['kubernetes/dangling.yaml', 1, 1, 'lint/symlink-skipped', 'dangling link', 'gone.yaml'],
      ['loop.yaml', 1, 1, 'lint/symlink-skipped', 'link loop', 'loop.yaml'],
    ];
    const rows = (o: Out) => o.diagnostics.map((d) => [d.file, d.range.start.line, d.range.start.column, d.ruleId, d.data?.['reason'], d.data?.['target']]);
    const staged = await lintJson(dir, ['--staged']);
    assert.equal(staged.code, 0, staged.stderr);
    assert.equal(staged.stderr, '');
    assert.deepEqual(rows(staged.out), expected);
    const listed = await lintJson(dir, ['--only-files', 'kubernetes/dangling.yaml', 'loop.yaml', 'kubernetes/pool.yaml']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(rows(listed.out), expected);
    // the same link typed as a path to lint is still a usage error that says why
    const typed = await lintJson(dir, ['kubernetes/dangling.yaml']);
    assert.equal(typed.code, 2);
  });
});

describe('lint --staged with a staged file deleted from the working tree', () => {
  it('says so at 1:1 (lint/staged-file-missing, an error: exit 1) instead of "no such file", and lints the other staged files', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const dir = repo({ 'talos/cp.yaml': LAN_TALOS_PATCH, 'kubernetes/pool.yaml': poolYaml('10.50.0.200', '10.50.0.239'), 'old/gone.yaml': 'a: 1\n' });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'init');
    // staged, then deleted: a new file, an edited one in a folder deleted whole; a staged deletion is no such file
    writeFileSync(join(dir, 'kubernetes', 'new.yaml'), poolYaml('10.50.0.230', '10.50.0.240').replace('name: default', 'name: new'));
    mkdirSync(join(dir, 'apps'));
    writeFileSync(join(dir, 'apps', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
    writeFileSync(join(dir, 'kubernetes', 'pool.yaml'), poolYaml('10.50.0.200', '10.50.0.235'));
    git(dir, 'add', '-A');
    git(dir, 'rm', '-q', 'old/gone.yaml');
    rmSync(join(dir, 'kubernetes', 'new.yaml'));
    rmSync(join(dir, 'apps'), { recursive: true });
    const rows = (o: Out) => o.diagnostics.map((d) => [d.file, d.range.start.line, d.range.start.column, d.ruleId, (d as { severity?: string }).severity]);
    const staged = await lintJson(dir, ['--staged']);
    assert.equal(staged.stderr, '');
    assert.equal(staged.code, 1);
    assert.deepEqual(rows(staged.out), [
      ['apps/cm.yaml', 1, 1, 'lint/staged-file-missing', 'error'],
      ['kubernetes/new.yaml', 1, 1, 'lint/staged-file-missing', 'error'],
    ]);
    // run from a subfolder: the names are git's, relative to it
    const sub = await lintJson(join(dir, 'kubernetes'), ['--staged']);
    assert.equal(sub.code, 1, sub.stderr);
    assert.deepEqual(rows(sub.out), [['new.yaml', 1, 1, 'lint/staged-file-missing', 'error']]);
    // restored, it is linted like any staged file (the pool now overlaps the staged one)
    git(dir, 'checkout', '--', 'kubernetes/new.yaml');
    const restored = await lintJson(dir, ['--staged']);
    assert.deepEqual(brief(restored.out), ['apps/cm.yaml:1:1 lint/staged-file-missing', 'kubernetes/pool.yaml:7:14 network/pool-overlap']);
    // a missing path named on the command line (or in --only-files' list) stays a usage error
    const typed = await lintJson(dir, ['--only-files', 'apps/cm.yaml']);
    assert.equal(typed.code, 2);
    assert.match(typed.stderr, /no such file or folder: "apps\/cm\.yaml"/);
  });
});

describe('file names that start with "-"', () => {
  it('lint --only-files -- -x.yaml lints the file; without -- a usage error says how to pass it', async () => {
    const dir = repo({ '.talium.yaml': '{}\n', '-x.yaml': 'a: yes\n', '-c.yaml': 'b: yes\n' });
    const ok = await lintJson(dir, ['--only-files', '--', '-x.yaml', '-c.yaml']);
    assert.equal(ok.code, 0);
    assert.deepEqual(brief(ok.out), ['-c.yaml:1:4 yaml/truthy', '-x.yaml:1:4 yaml/truthy']);
    for (const args of [['--only-files', '-x.yaml'], ['--only-files', '--max-warnings', '0', '-c.yaml'], ['--only-files', '-c.yaml', '-x.yaml']]) {
      const r = await runCli(['lint', ...args], { cwd: dir });
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /^talium lint: "-[xc]\.yaml" is a file whose name reads as an option; put -- before the file names/m);
      assert.match(r.stderr, /args: \[--max-warnings, "0", --\]/);
    }
    // the value of an option is not a file name: --config -c.yaml is refused as a config, as before
    const cfg = await runCli(['lint', '--only-files', '--format', 'json', '--max-warnings', '5', '--', '-x.yaml'], { cwd: dir });
    assert.equal(cfg.code, 0, cfg.stderr);
    // the fix hint repeats the options and the file list after --, and runs as printed
    const kpr = repo({ 'talium.config.yaml': 'versions:\n  cilium: "1.18.8"\n', '-cilium/values.yaml': 'kubeProxyReplacement: strict\n' });
    const stylish = await runCli(['lint', '--only-files', '--ignore-untracked', '--no-cache', '--', '-cilium/values.yaml'], { cwd: kpr });
    const cmd = /fixable with `(.*)`$/m.exec(stylish.stdout)?.[1];
    assert.equal(cmd, 'talium lint --fix --only-files --ignore-untracked -- -cilium/values.yaml');
    const fixed = await runCli(['lint', '--no-cache', '--format', 'json', ...cmd!.split(' ').slice(2)], { cwd: kpr });
    assert.match(fixed.stderr, /fixed 1 problem/);
  });

  it('plan -- -dir and schemas import -- -crd.yaml take the word after -- as a path', async () => {
    const dir = repo({ '-repo/talos/cp.yaml': LAN_TALOS_PATCH });
    const plan = await runCli(['plan', '--format', 'json', '--', '-repo'], { cwd: dir });
    assert.equal(plan.code, 0, plan.stderr);
    assert.ok(Array.isArray(JSON.parse(plan.stdout)));
    const noDash = await runCli(['plan', '-repo'], { cwd: dir });
    assert.equal(noDash.code, 2);
    writeFileSync(join(dir, '-crd.yaml'), widgetCrd('              properties:\n                size: {type: integer}\n'));
    const imported = await runCli(['schemas', 'import', '--out', 'out', '--', '-crd.yaml'], { cwd: dir });
    assert.equal(imported.code, 0, imported.stderr);
    assert.ok(existsSync(join(dir, 'out', 'example.com', 'v1', 'Widget.json')));
    const refused = await runCli(['schemas', 'import', '--out', 'out', '-crd.yaml'], { cwd: dir });
    assert.equal(refused.code, 2, 'without --, "-crd.yaml" is an unknown option');
  });
});

describe('generate --check --ignore-untracked', () => {
  it('an untracked generated file is missing from the commit, an untracked stale one is absent; outside git unchanged', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const dir = repo({});
    mkdirSync(join(dir, 'clusters', 'homelab'), { recursive: true });
    cpSync(join(ROOT, 'clusters', 'homelab', 'cluster.yaml'), join(dir, 'clusters', 'homelab', 'cluster.yaml'));
    assert.equal((await runCli(['generate'], { cwd: dir })).code, 0);
    // outside git: the same as --check
    const outside = await runCli(['generate', '--check', '--ignore-untracked'], { cwd: dir });
    assert.equal(outside.code, 0, outside.stdout + outside.stderr);

    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'init');
    const node = 'clusters/homelab/generated/talos/nodes/cp-1.yaml';
    git(dir, 'rm', '-q', '--cached', node);
    assert.equal((await runCli(['generate', '--check'], { cwd: dir })).code, 0, 'the working tree has the file');
    const r = await runCli(['generate', '--check', '--ignore-untracked', '--format', 'json'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as Out;
    assert.deepEqual(brief(out), [`${node}:1:1 generate/drift`]);
    assert.deepEqual(out.diagnostics[0]!.data, { change: 'create', path: node, untracked: true });
    // a generated file a .gitignore hides is not in the commit either
    writeFileSync(join(dir, '.git', 'info', 'exclude'), 'cp-1.yaml\n');
    const hidden = await runCli(['generate', '--check', '--ignore-untracked', '--format', 'json'], { cwd: dir });
    assert.equal(hidden.code, 1, hidden.stderr);
    assert.deepEqual(brief(JSON.parse(hidden.stdout) as Out), [`${node}:1:1 generate/drift`]);

    const usage = await runCli(['generate', '--ignore-untracked'], { cwd: dir });
    assert.equal(usage.code, 2);
  });

  it('run above a project in a subfolder, it names the --root to pass', async () => {
    const top = repo({ 'infra/clusters/homelab/cluster.yaml': readFileSync(join(ROOT, 'clusters', 'homelab', 'cluster.yaml'), 'utf8'), 'docs/x.md': '' });
    const r = await runCli(['generate', '--check'], { cwd: top });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no clusters\/ folder at or above .*; infra\/clusters\/ is below: use --root infra\.$/m);
    assert.equal((await runCli(['generate', '--root', 'infra'], { cwd: top })).code, 0);
    assert.equal((await runCli(['generate', '--check', '--root', 'infra'], { cwd: top })).code, 0);
    assert.deepEqual(projectsBelow(top), ['infra']);
  });

  it('commitView: untracked unchanged/updated files become creates, untracked removes and refusals go', () => {
    const isUntracked = (p: string) => p === 'g/a.yaml' || p.startsWith('g/new/');
    const files = new Map([
      ['g/a.yaml', 'A'],
      ['g/b.yaml', 'B'],
      ['g/new/c.yaml', 'C'],
    ]);
    const { plan, untracked } = commitView(
      {
        repoRoot: '/r',
        changes: [
          { path: 'g/b.yaml', change: 'update', text: 'B', current: 'b' },
          { path: 'g/new/c.yaml', change: 'update', text: 'C', current: 'c' },
          { path: 'g/new/old.yaml', change: 'remove', current: 'o' },
        ],
        unchanged: ['g/a.yaml'],
        refused: [{ path: 'g/new/c.yaml', reason: 'edited', change: 'update' }],
        blocked: [],
      },
      files,
      isUntracked,
    );
    assert.deepEqual(plan.changes, [
      { path: 'g/a.yaml', change: 'create', text: 'A' },
      { path: 'g/b.yaml', change: 'update', text: 'B', current: 'b' },
      { path: 'g/new/c.yaml', change: 'create', text: 'C' },
    ]);
    assert.deepEqual(plan.unchanged, []);
    assert.deepEqual(plan.refused, []);
    assert.deepEqual([...untracked].sort(), ['g/a.yaml', 'g/new/c.yaml']);
  });
});
