/**
 * `talium lint` in a subfolder, or naming a folder or files inside a repository: the repository root (git, talium's
 * configuration, clusters/<name>/cluster.yaml) is found by walking up and read whole, so cross-file rules see the
 * whole picture; only the named scope is reported and decides the exit code; names are relative to the working
 * directory; the root's .gitignore and configuration apply; without a root a note says what was read.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { findRepositoryRoot, inRepository, planScope } from '../src/cli/lint-scope.js';
import { runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-root-scope-');
after(repos.cleanup);

const NODE = 'machine:\n  type: worker\n  network:\n    hostname: w1\n    interfaces:\n      - interface: eth0\n        addresses: [10.50.0.210/24]\n';
const POOL = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - start: 10.50.0.200\n      stop: 10.50.0.239\n';
const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  a: "1"\n';
const BROKEN = 'a: 1\nb: [1, 2\nc: 3\n';
const FLUX_KS = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: cilium\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./kubernetes/apps/cilium\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}\n';

interface Diag {
  ruleId: string;
  file: string;
  range: { start: { line: number; column: number } };
  related?: Array<{ file: string; range: { start: { line: number; column: number } } }>;
}

async function lintJson(cwd: string, args: string[] = []): Promise<{ code: number; diagnostics: Diag[]; stderr: string; files: number }> {
  const r = await runCli(['lint', '--format', 'json', '--no-cache', ...args], { cwd });
  assert.ok(r.stdout, r.stderr);
  const out = JSON.parse(r.stdout) as { diagnostics: Diag[]; summary: { files: number } };
  return { code: r.code, diagnostics: out.diagnostics, stderr: r.stderr, files: out.summary.files };
}

const brief = (ds: readonly Diag[]): string[] =>
  ds.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}${(d.related ?? []).map((r) => ` ${r.file}:${r.range.start.line}:${r.range.start.column}`).join('')}`);

/** A git-marked repository: a Talos node at the top, a pool below kubernetes/apps, a broken file elsewhere. */
function repo(extra: Record<string, string> = {}): string {
  const dir = repos.repo({ 'talos/w1.yaml': NODE, 'kubernetes/apps/lb/pool.yaml': POOL, 'kubernetes/apps/cm.yaml': CM, 'kubernetes/infra/broken.yaml': BROKEN, ...extra });
  mkdirSync(join(dir, '.git'));
  return dir;
}

describe('findRepositoryRoot and planScope', () => {
  it('the nearest configuration or cluster.yaml folder below the git root, else the git root, else a clusters/ folder', () => {
    const dir = repos.repo({ 'a/b/c/x.yaml': CM, 'a/.talium.yaml': 'rules: {}\n', 'p/clusters/home/cluster.yaml': 'lan: {}\n', 'p/q/x.yaml': CM, 'f/clusters/flux-system/gotk.yaml': CM, 'f/apps/x.yaml': CM });
    mkdirSync(join(dir, '.git'));
    assert.deepEqual(findRepositoryRoot(join(dir, 'a/b/c')), { dir: join(dir, 'a'), marker: 'config' });
    assert.deepEqual(findRepositoryRoot(join(dir, 'p/q')), { dir: join(dir, 'p'), marker: 'cluster-spec' });
    // a Flux clusters/ folder below the git root does not make a root: the git root does
    assert.deepEqual(findRepositoryRoot(join(dir, 'f/apps')), { dir, marker: 'git' });
    if (inRepository(tmpdir())) return;
    const bare = repos.repo({ 'f/clusters/flux-system/gotk.yaml': CM, 'f/apps/x.yaml': CM, 'g/x.yaml': CM });
    assert.deepEqual(findRepositoryRoot(join(bare, 'f/apps')), { dir: join(bare, 'f'), marker: 'clusters' });
    assert.equal(findRepositoryRoot(join(bare, 'g')), undefined);
  });

  it('a folder with a LICENSE below the git root is a repository of its own (a collection of repositories in one git repository)', async () => {
    // two home-ops repositories copied into one git repository: the Talos node of one must not judge the pool of the other
    const dir = repos.repo({ 'one/LICENSE': 'MIT\n', 'one/talos/w1.yaml': NODE, 'two/LICENSE.md': 'MIT\n', 'two/kubernetes/apps/lb/pool.yaml': POOL, 'two/kubernetes/apps/cm.yaml': CM });
    mkdirSync(join(dir, '.git'));
    assert.deepEqual(findRepositoryRoot(join(dir, 'two/kubernetes/apps')), { dir: join(dir, 'two'), marker: 'license' });
    assert.deepEqual(findRepositoryRoot(join(dir, 'one')), { dir: join(dir, 'one'), marker: 'license' });
    // a folder a repository vendors with its own licence (omni/LICENSE, terraform/modules/x/LICENSE) is part of the
    // repository: in git the outermost licensed folder wins; a Helm chart's LICENSE never makes a root
    for (const f of ['two/omni/LICENSE', 'two/terraform/modules/k3s/LICENSE', 'one/charts/app/LICENSE', 'one/charts/app/Chart.yaml']) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      writeFileSync(join(dir, f), 'x\n');
    }
    assert.deepEqual(findRepositoryRoot(join(dir, 'two/omni')), { dir: join(dir, 'two'), marker: 'license' });
    assert.deepEqual(findRepositoryRoot(join(dir, 'two/terraform/modules/k3s')), { dir: join(dir, 'two'), marker: 'license' });
    assert.deepEqual(findRepositoryRoot(join(dir, 'one/charts/app')), { dir: join(dir, 'one'), marker: 'license' });
    // outside git, the nearest licensed folder (no top bounds the walk), but still not a chart
    const bare = repos.repo({ 'r/LICENSE': 'MIT\n', 'r/omni/LICENSE': 'MIT\n', 'r/charts/app/LICENSE': 'MIT\n', 'r/charts/app/Chart.yaml': 'name: app\n' });
    if (!inRepository(dirname(bare))) {
      assert.deepEqual(findRepositoryRoot(join(bare, 'r/omni')), { dir: join(bare, 'r/omni'), marker: 'license' });
      assert.deepEqual(findRepositoryRoot(join(bare, 'r/charts/app')), { dir: join(bare, 'r'), marker: 'license' });
    }
    // the git root itself is still the root of a run at the top, and configuration beats a nearer LICENSE
    assert.deepEqual(findRepositoryRoot(dir), { dir, marker: 'git' });
    writeFileSync(join(dir, '.talium.yaml'), 'rules: {}\n');
    assert.deepEqual(findRepositoryRoot(join(dir, 'two/kubernetes')), { dir, marker: 'config' });
    const rm = (await import('node:fs')).rmSync;
    rm(join(dir, '.talium.yaml'));
    // linted from the top of the collection, repository two reads only itself: no pool finding about one's node
    const r = await lintJson(dir, ['two']);
    assert.deepEqual(brief(r.diagnostics).filter((l) => l.includes('network/')), []);
    assert.equal(r.files, 2);
    // the same pool next to the node (one repository) is judged against it
    const same = repos.repo({ 'LICENSE': 'MIT\n', 'talos/w1.yaml': NODE, 'kubernetes/apps/lb/pool.yaml': POOL });
    const s2 = await lintJson(same, ['kubernetes']);
    assert.ok(brief(s2.diagnostics).some((l) => l.startsWith('kubernetes/apps/lb/pool.yaml') && l.includes('network/pool-reserved-address')), brief(s2.diagnostics).join('\n'));
  });

  it('--root DIR replaces the walk up: the given folder is read whole; a path outside it or a missing root is a usage error', async () => {
    // the pool sits in a folder with a LICENSE (its own root by the walk), the node beside it
    const dir = repos.repo({ 'one/LICENSE': 'MIT\n', 'one/lb/pool.yaml': POOL, 'talos/w1.yaml': NODE });
    mkdirSync(join(dir, '.git'));
    const walked = await lintJson(dir, ['one/lb']);
    assert.deepEqual(brief(walked.diagnostics), []);
    const rooted = await lintJson(dir, ['--root', '.', 'one/lb']);
    assert.deepEqual(brief(rooted.diagnostics).map((l) => l.split(' ').slice(0, 2).join(' ')), ['one/lb/pool.yaml:7:14 network/pool-reserved-address']);
    assert.equal(rooted.code, 1);
    // from the subfolder, --root relative to the working directory
    const sub = await lintJson(join(dir, 'one'), ['--root', '..']);
    assert.deepEqual(brief(sub.diagnostics).map((l) => l.split(' ').slice(0, 2).join(' ')), ['lb/pool.yaml:7:14 network/pool-reserved-address']);
    const outsideRoot = await runCli(['lint', '--root', 'one', 'talos/w1.yaml'], { cwd: dir });
    assert.equal(outsideRoot.code, 2);
    assert.match(outsideRoot.stderr, /talos\/w1\.yaml/);
    assert.equal((await runCli(['lint', '--root', 'nope'], { cwd: dir })).code, 2);
  });

  it('paths in two talium projects of one git repository: each project is read whole with its own configuration, one merged report', async () => {
    const dir = repos.repo({
      'a/.talium.yaml': 'rules:\n  yaml/truthy: "off"\n',
      'a/x.yaml': 'flag: yes\n',
      'a/talos/w1.yaml': NODE,
      'b/.talium.yaml': 'rules: {}\n',
      'b/y.yaml': 'flag: yes\n',
      'b/lb/pool.yaml': POOL,
    });
    mkdirSync(join(dir, '.git'));
    const scope = planScope(dir, ['b/y.yaml', 'a/x.yaml', 'b/lb/pool.yaml'], { onlyFiles: true });
    assert.deepEqual(
      scope.parts?.map((p) => [relative(dir, p.root), p.paths, [...(p.only ?? [])]]),
      [
        ['a', ['.', 'x.yaml'], ['x.yaml']],
        ['b', ['.', 'y.yaml', 'lb/pool.yaml'], ['y.yaml', 'lb/pool.yaml']],
      ],
    );
    // pre-commit's file list: a's configuration silences yaml/truthy in a only; b's pool is not judged against a's
    // node (before: the git top was read as one tree with no configuration, and both were reported)
    for (const args of [['--only-files', 'a/x.yaml', 'b/y.yaml', 'b/lb/pool.yaml'], ['a', 'b']]) {
      const r = await lintJson(dir, args);
      assert.deepEqual(brief(r.diagnostics), ['b/y.yaml:1:7 yaml/truthy'], args.join(' '));
      assert.equal(r.code, 0);
      assert.equal(r.stderr, '');
    }
    // from inside one project, names stay relative to the working directory
    const fromA = await lintJson(join(dir, 'a'), ['.', '../b/y.yaml']);
    assert.deepEqual(brief(fromA.diagnostics), ['../b/y.yaml:1:7 yaml/truthy']);
    // the same files in one project (one configuration at the top): the node is a reserved address of the pool
    writeFileSync(join(dir, '.talium.yaml'), 'rules: {}\n');
    const rm = (await import('node:fs')).rmSync;
    rm(join(dir, 'a/.talium.yaml'));
    rm(join(dir, 'b/.talium.yaml'));
    const one = await lintJson(dir, ['--only-files', 'a/x.yaml', 'b/y.yaml', 'b/lb/pool.yaml']);
    assert.deepEqual(brief(one.diagnostics).map((l) => l.split(' ').slice(0, 2).join(' ')), ['a/x.yaml:1:7 yaml/truthy', 'b/lb/pool.yaml:7:14 network/pool-reserved-address', 'b/y.yaml:1:7 yaml/truthy']);
  });

  it('a folder scope, a file scope, the root itself, a missing path', () => {
    const dir = repo();
    const apps = join(dir, 'kubernetes/apps');
    assert.deepEqual(planScope(apps, []), { root: dir, paths: ['.'], only: new Set(['kubernetes/apps/']), given: new Map(), missing: [], whole: false });
    assert.deepEqual(planScope(apps, ['lb', 'cm.yaml']), {
      root: dir,
      paths: ['.', 'kubernetes/apps/lb', 'kubernetes/apps/cm.yaml'],
      only: new Set(['kubernetes/apps/lb/', 'kubernetes/apps/cm.yaml']),
      given: new Map([['kubernetes/apps/lb', 'lb'], ['kubernetes/apps/cm.yaml', 'cm.yaml']]),
      missing: [],
      whole: false,
    });
    assert.deepEqual(planScope(apps, ['../..']), { root: dir, paths: [], given: new Map(), missing: [], whole: true });
    assert.deepEqual(planScope(dir, []), { root: dir, paths: [], given: new Map(), missing: [], whole: true });
    assert.deepEqual(planScope(apps, ['nope.yaml']).missing, ['nope.yaml']);
  });
});

describe('talium lint in a subfolder of a repository', () => {
  it('reads the whole repository, reports the subfolder, names files from the working directory', async () => {
    const dir = repo();
    const apps = join(dir, 'kubernetes/apps');
    const r = await lintJson(apps);
    // the pool (in scope) holds the node's address (defined at the top): found, with the node's place
    assert.deepEqual(brief(r.diagnostics), ['lb/pool.yaml:7:14 network/pool-reserved-address ../../talos/w1.yaml:7:21']);
    assert.equal(r.code, 1, r.stderr);
    // the broken file outside the scope was read but is not reported
    assert.equal(r.files, 2);
    assert.equal(r.stderr, '');
    // the same findings as the full run's for those files
    const full = await lintJson(dir);
    assert.deepEqual(
      brief(full.diagnostics.filter((d) => d.file.startsWith('kubernetes/apps/'))).map((b) => b.replace(/kubernetes\/apps\//, '').replace(/ talos\//, ' ../../talos/')),
      brief(r.diagnostics),
    );
    assert.ok(full.diagnostics.some((d) => d.file === 'kubernetes/infra/broken.yaml'));
  });

  it('the exit code follows the scope only: a clean subfolder passes though the repository has errors', async () => {
    const dir = repo();
    const r = await lintJson(join(dir, 'talos'), []);
    // the node file: the pool finding points at it (as with --only-files), the broken file does not count
    assert.deepEqual(brief(r.diagnostics), ['../kubernetes/apps/lb/pool.yaml:7:14 network/pool-reserved-address w1.yaml:7:21']);
    const clean = repo({ 'docs/cm.yaml': CM });
    const c = await lintJson(join(clean, 'docs'));
    assert.deepEqual(brief(c.diagnostics), []);
    assert.equal(c.code, 0);
  });

  it('a folder or files named from outside the repository: its root is found from the paths', async () => {
    const dir = repo();
    const parent = dirname(dir);
    const rel = relative(parent, dir);
    const r = await lintJson(parent, [`${rel}/kubernetes/apps/lb`]);
    assert.deepEqual(brief(r.diagnostics), [`${rel}/kubernetes/apps/lb/pool.yaml:7:14 network/pool-reserved-address ${rel}/talos/w1.yaml:7:21`]);
    const f = await lintJson(join(dir, 'kubernetes'), ['apps/lb/pool.yaml', 'apps/cm.yaml']);
    assert.deepEqual(brief(f.diagnostics), ['apps/lb/pool.yaml:7:14 network/pool-reserved-address ../talos/w1.yaml:7:21']);
    // a file outside the working directory, inside the same repository
    const up = await lintJson(join(dir, 'kubernetes/apps'), ['../../talos/w1.yaml']);
    assert.deepEqual(brief(up.diagnostics), ['lb/pool.yaml:7:14 network/pool-reserved-address ../../talos/w1.yaml:7:21']);
  });

  it('repository-relative paths resolve from the root: a Flux Kustomization path is found from its own folder', async () => {
    const dir = repo({ 'kubernetes/flux/cilium.yaml': FLUX_KS, 'kubernetes/apps/cilium/cm.yaml': CM });
    const r = await lintJson(join(dir, 'kubernetes/flux'));
    assert.deepEqual(brief(r.diagnostics).filter((b) => b.includes('gitops/flux-kustomization-path')), []);
    // a real typo is still found from there
    writeFileSync(join(dir, 'kubernetes/flux/cilium.yaml'), FLUX_KS.replace('apps/cilium', 'apps/cilum'));
    const typo = await lintJson(join(dir, 'kubernetes/flux'));
    assert.deepEqual(brief(typo.diagnostics).filter((b) => b.includes('gitops/flux-kustomization-path')).map((b) => b.split(' ')[0]), ['cilium.yaml:8:9']);
  });

  it("the root's .gitignore and configuration apply below it", async () => {
    const dir = repo({
      '.gitignore': 'kubernetes/apps/rendered/\n',
      'kubernetes/apps/rendered/out.yaml': BROKEN,
      '.talium.yaml': 'rules:\n  network/pool-reserved-address: warning\n',
    });
    const r = await lintJson(join(dir, 'kubernetes/apps'));
    assert.deepEqual(r.diagnostics.map((d) => [d.file, d.ruleId, (d as unknown as { severity: string }).severity]), [['lb/pool.yaml', 'network/pool-reserved-address', 'warning']]);
    assert.equal(r.code, 0, r.stderr);
    // --config is relative to the working directory
    writeFileSync(join(dir, 'kubernetes/apps/strict.yaml'), 'rules:\n  network/pool-reserved-address: "off"\n');
    const c = await lintJson(join(dir, 'kubernetes/apps'), ['--config', 'strict.yaml']);
    assert.deepEqual(brief(c.diagnostics), []);
  });

  it("the root's bulk suppressions apply below it; --suppress-all is recorded at the root only", async () => {
    const dir = repo();
    const all = await runCli(['lint', '--suppress-all', '--no-cache'], { cwd: dir });
    assert.equal(all.code, 0, all.stderr);
    const r = await lintJson(join(dir, 'kubernetes/apps'));
    assert.deepEqual(brief(r.diagnostics), []);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /suppressed by \.\.\/\.\.\/talium-suppressions\.json/);
  });

  it('--only-files (pre-commit, run at the top of git) takes the configuration of the project folder the files are in', async () => {
    const dir = repos.repo({ 'infra/.talium.yaml': 'rules:\n  network/pool-reserved-address: "off"\n', 'infra/talos/w1.yaml': NODE, 'infra/k/pool.yaml': POOL, 'infra/k/broken.yaml': BROKEN });
    mkdirSync(join(dir, '.git'));
    const r = await lintJson(dir, ['--only-files', 'infra/k/pool.yaml']);
    assert.deepEqual(brief(r.diagnostics), []);
    assert.equal(r.code, 0, r.stderr);
    // without the project configuration the collision is found, from the top of git
    const plain = repos.repo({ 'infra/talos/w1.yaml': NODE, 'infra/k/pool.yaml': POOL });
    mkdirSync(join(plain, '.git'));
    assert.deepEqual(brief((await lintJson(plain, ['--only-files', 'infra/k/pool.yaml'])).diagnostics), ['infra/k/pool.yaml:7:14 network/pool-reserved-address infra/talos/w1.yaml:7:21']);
    // and from a subfolder (a hook run with another working directory)
    assert.deepEqual(brief((await lintJson(join(plain, 'infra/k'), ['--only-files', 'pool.yaml'])).diagnostics), ['pool.yaml:7:14 network/pool-reserved-address ../talos/w1.yaml:7:21']);
  });

  it('a named folder with no YAML and a missing path are usage errors that name the path as typed', async () => {
    const dir = repo({ 'kubernetes/apps/empty/readme.md': '# x\n' });
    const empty = await runCli(['lint', 'empty'], { cwd: join(dir, 'kubernetes/apps') });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /no YAML files to lint in "empty"/);
    const missing = await runCli(['lint', 'nope'], { cwd: join(dir, 'kubernetes/apps') });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or folder: "nope"/);
    // --suppress-all records the whole repository: refused below the root
    const all = await runCli(['lint', '--suppress-all'], { cwd: join(dir, 'kubernetes/apps') });
    assert.equal(all.code, 2);
    assert.match(all.stderr, /run it in \.\.\/\.\./);
  });

  it('without a root: the named paths alone, and a note on stderr saying so', async (t) => {
    if (inRepository(tmpdir())) {
      t.skip(`${tmpdir()} lies in a repository`);
      return;
    }
    const bare = repos.repo({ 'talos/w1.yaml': NODE, 'k/pool.yaml': POOL });
    const r = await lintJson(bare, ['k']);
    assert.deepEqual(brief(r.diagnostics), []);
    assert.match(r.stderr, /note: no repository root above "k"/);
    // the working directory itself (no path): it is the tree, nothing to say
    const whole = await lintJson(bare);
    assert.deepEqual(brief(whole.diagnostics), ['k/pool.yaml:7:14 network/pool-reserved-address talos/w1.yaml:7:21']);
    assert.equal(whole.stderr, '');
  });
});
