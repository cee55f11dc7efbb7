/**
 * `talium lint FILE...` inside a repository reads the whole repository and reports the named files (as
 * `--only-files`): a pool in the named file is still compared with a node defined in another, and the finding
 * carries the node's location. Files in no repository keep a run over the given paths (lint-root-scope.test.ts
 * has folders and subfolders); --fix, the echoed fix command and the whole-folder-only options follow the scope.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inRepository } from '../src/cli/lint-scope.js';
import { runCli, spawnCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-file-context-');
after(repos.cleanup);

const NODE = 'machine:\n  type: worker\n  network:\n    hostname: w1\n    interfaces:\n      - interface: eth0\n        addresses: [10.50.0.210/24]\n';
const POOL = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - start: 10.50.0.200\n      stop: 10.50.0.239\n';
const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  a: "1"\n';

interface Diag {
  ruleId: string;
  messageId?: string;
  file: string;
  range: { start: { line: number; column: number } };
  data?: Record<string, unknown>;
  related?: Array<{ file: string; range: { start: { line: number; column: number } } }>;
}

async function lintJson(cwd: string, args: string[] = []): Promise<{ code: number; diagnostics: Diag[]; stderr: string }> {
  const r = await runCli(['lint', '--format', 'json', '--no-cache', ...args], { cwd });
  assert.ok(r.stdout, r.stderr);
  return { code: r.code, diagnostics: (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics, stderr: r.stderr };
}

const brief = (ds: readonly Diag[]): string[] =>
  ds.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${(d.related ?? []).map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`).join(',')}`);

const COLLISION = ['k/pool.yaml:7:14 network/pool-reserved-address talos/w1.yaml:7:21'];

/** A repository whose root is marked by `marker` (a folder when it ends in `/`). */
function repoWith(marker: string, extra: Record<string, string> = {}): string {
  const dir = repos.repo({ 'talos/w1.yaml': NODE, 'k/pool.yaml': POOL, 'k/cm.yaml': CM, ...extra, ...(marker.endsWith('/') ? {} : { [marker]: '' }) });
  if (marker.endsWith('/')) mkdirSync(join(dir, marker), { recursive: true });
  return dir;
}

describe('talium lint FILE: the whole repository is the context', () => {
  for (const marker of ['.git/', 'talium.config.yaml', 'clusters/']) {
    it(`a pool in the named file collides with a node in another file (repository marked by ${marker})`, async () => {
      const dir = repoWith(marker);
      const full = await lintJson(dir);
      const one = await lintJson(dir, ['k/pool.yaml']);
      assert.equal(one.code, 1, one.stderr);
      assert.deepEqual(brief(one.diagnostics), COLLISION);
      // exactly what the full run reports for that file
      assert.deepEqual(one.diagnostics, full.diagnostics.filter((d) => d.file === 'k/pool.yaml'));
      const d = one.diagnostics[0]!;
      assert.equal(d.messageId, 'node');
      // the rest of the block above the node (the larger side; nothing requested from it)
      const suggestion = '[{start: "10.50.0.211", stop: "10.50.0.239"}]';
      assert.deepEqual(d.data, { pool: 'lan', block: '10.50.0.200-10.50.0.239', address: '10.50.0.210', node: 'w1', suggestion, suggested: ` Use instead: ${suggestion}.` });
    });
  }

  it('absolute paths, several files, ./ prefixes and a working directory below the marker behave the same', async () => {
    const dir = repoWith('.git/');
    assert.deepEqual(brief((await lintJson(dir, [join(dir, 'k/pool.yaml')])).diagnostics), COLLISION);
    assert.deepEqual(brief((await lintJson(dir, ['./k/pool.yaml', 'k/cm.yaml'])).diagnostics), COLLISION);
    // the unrelated file alone: nothing (the pool's finding names no place in it)
    assert.deepEqual(brief((await lintJson(dir, ['k/cm.yaml'])).diagnostics), []);
    // the node file: the pool's finding points at it, so it is reported (as with --only-files and --staged)
    assert.deepEqual(brief((await lintJson(dir, ['talos/w1.yaml'])).diagnostics), COLLISION);
    // the working directory is the root, as for `talium lint` there: a subfolder holding both files, marker above
    const nested = repos.repo({ 'gitops/talos/w1.yaml': NODE, 'gitops/k/pool.yaml': POOL, 'gitops/k/cm.yaml': CM });
    mkdirSync(join(nested, '.git'));
    assert.deepEqual(brief((await lintJson(join(nested, 'gitops'), ['k/pool.yaml'])).diagnostics), COLLISION);
  });

  it('the same through the CLI process: exit code and the stylish related location', () => {
    const dir = repoWith('.git/');
    const r = spawnCli(['lint', '--no-cache', 'k/pool.yaml'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^k\/pool\.yaml$/m);
    assert.match(r.stdout, /see: talos\/w1\.yaml:7:21 /);
  });

  it('folders and files outside the working directory are judged against the repository too; files in no repository alone', async (t) => {
    const dir = repoWith('.git/', { 'other/x.yaml': CM });
    // a folder among the paths: the whole repository read, the folder's files reported
    assert.deepEqual(brief((await lintJson(dir, ['k/pool.yaml', 'other'])).diagnostics), COLLISION);
    assert.deepEqual(brief((await lintJson(dir, ['k'])).diagnostics), COLLISION);
    assert.deepEqual(brief((await lintJson(dir, ['other'])).diagnostics), []);
    // a file outside the working directory, in the same repository (names relative to the working directory)
    assert.deepEqual(brief((await lintJson(join(dir, 'k'), ['../talos/w1.yaml'])).diagnostics), ['pool.yaml:7:14 network/pool-reserved-address ../talos/w1.yaml:7:21']);
    if (inRepository(tmpdir())) {
      t.diagnostic(`${tmpdir()} lies in a repository: the no-repository case cannot be tested here`);
      return;
    }
    const bare = repos.repo({ 'talos/w1.yaml': NODE, 'k/pool.yaml': POOL });
    const alone = await lintJson(bare, ['k/pool.yaml']);
    assert.equal(alone.code, 0, alone.stderr);
    assert.deepEqual(brief(alone.diagnostics), []);
    assert.match(alone.stderr, /note: no repository root above "k\/pool\.yaml"/);
    // --only-files still asks for the whole tree there
    assert.deepEqual(brief((await lintJson(bare, ['--only-files', 'k/pool.yaml'])).diagnostics), COLLISION);
  });

  it('a missing file is still a usage error; --staged, --suppress-all and --prune-suppressions still refuse paths', async () => {
    const dir = repoWith('.git/');
    const missing = await runCli(['lint', 'k/nope.yaml'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or folder: "k\/nope\.yaml"/);
    for (const flag of ['--staged', '--suppress-all', '--prune-suppressions']) assert.equal((await runCli(['lint', flag, 'k/pool.yaml'], { cwd: dir })).code, 2, flag);
  });
});

describe('talium lint FILE --fix', () => {
  const VALUES = 'kubeProxyReplacement: strict\n';

  it('the echoed command repeats the files, and --fix changes only them', async () => {
    const dir = repos.repo({ 'cilium-a/values.yaml': VALUES, 'cilium-b/values.yaml': VALUES });
    mkdirSync(join(dir, '.git'));
    const fixLine = (stdout: string) => stdout.split('\n').find((l) => l.includes(' fixable with '))?.replace(/^.* fixable with `(.*)`$/, '$1');
    const r = await runCli(['lint', '--no-cache', 'cilium-a/values.yaml'], { cwd: dir });
    assert.equal(fixLine(r.stdout), 'talium lint --fix cilium-a/values.yaml');
    const kpr = (ds: readonly Diag[]) => ds.filter((d) => d.ruleId === 'cilium/kpr-value').map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.messageId}`);
    assert.deepEqual(kpr((await lintJson(dir, ['cilium-a/values.yaml'])).diagnostics), ['cilium-a/values.yaml:1:23 legacy']);
    const fixed = await lintJson(dir, ['--fix', 'cilium-a/values.yaml']);
    assert.deepEqual(kpr(fixed.diagnostics), []);
    assert.equal(readFileSync(join(dir, 'cilium-a/values.yaml'), 'utf8'), 'kubeProxyReplacement: true\n');
    assert.equal(readFileSync(join(dir, 'cilium-b/values.yaml'), 'utf8'), VALUES);
  });
});
