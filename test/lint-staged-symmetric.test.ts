/**
 * A pre-commit run (`talium lint --staged`) and a finding about two equal parties (two Services on one IP, two nodes
 * on one address, two overlapping pools, two copies of one object) that the rule reports at one of them by sort
 * order: when the commit changes only the other party's file, the finding is told from that side, at that file, the
 * untouched party as its related location (RuleFinding.mirror); a full run is unchanged.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/testing/cli.js';
import { poolYaml } from '../src/testing/hook-samples.js';
import { tempRepos } from '../src/testing/temp-repos.js';
import { gitOk, HAS_GIT } from '../src/testing/git.js';

const { repo, cleanup } = tempRepos('talium-symmetric-');
after(cleanup);


const git = gitOk;

interface Diag {
  file: string;
  ruleId: string;
  range: { start: { line: number; column: number } };
  data?: Record<string, unknown>;
  related?: Array<{ file: string; range: { start: { line: number; column: number } } }>;
}

/** file:line:col rule, then each related location's file:line:col. */
const rows = (ds: Diag[], rule: string) =>
  ds.filter((d) => d.ruleId === rule).map((d) => [`${d.file}:${d.range.start.line}:${d.range.start.column}`, ...(d.related ?? []).map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`)]);

async function lintJson(dir: string, args: string[]): Promise<{ code: number; diagnostics: Diag[]; stderr: string }> {
  const r = await runCli(['lint', '--format', 'json', '--no-cache', ...args], { cwd: dir });
  return { code: r.code, diagnostics: r.stdout ? (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics : [], stderr: r.stderr };
}

/** `files` committed with `changed` reading `before`, then `changed` written as in `files` and staged. */
function stagedRepo(files: Record<string, string>, changed: string, before: string): string {
  const dir = repo({ ...files, [changed]: before });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  writeFileSync(join(dir, changed), files[changed]!);
  git(dir, 'add', changed);
  return dir;
}

const service = (name: string, ip: string): string =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${name}\n  annotations:\n    lbipam.cilium.io/ips: "${ip}"\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n`;
const node = (name: string, address: string): string =>
  `machine:\n  network:\n    hostname: ${name}\n    interfaces:\n      - interface: enp1s0\n        addresses:\n          - ${address}/24\n        routes:\n          - network: 0.0.0.0/0\n            gateway: 10.50.0.1\n`;
const pool = (name: string, start: string, stop: string): string => poolYaml(start, stop).replace('name: default', `name: ${name}`);
const KS = (name: string, path: string): string =>
  `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  a: "1"\n';

describe('lint --staged: a two-sided finding sits on the file the commit changed', () => {
  it('network/service-ip-conflict: the staged Service requests the IP the committed one has (data swapped)', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const files = { 'apps/jellyfin/service.yaml': service('jellyfin', '10.50.0.230'), 'apps/adguard/service.yaml': service('adguard', '10.50.0.230') };
    const rule = 'network/service-ip-conflict';
    const dir = stagedRepo(files, 'apps/adguard/service.yaml', service('adguard', '10.50.0.231'));
    // the whole tree: at jellyfin (the later one), as before
    const whole = await lintJson(dir, []);
    assert.deepEqual(rows(whole.diagnostics, rule), [['apps/jellyfin/service.yaml:7:27', 'apps/adguard/service.yaml:7:27']]);
    assert.deepEqual(whole.diagnostics[0]!.data, { ip: '10.50.0.230', other: 'adguard', service: 'jellyfin' });

    const staged = await lintJson(dir, ['--staged']);
    assert.equal(staged.code, 1, staged.stderr);
    assert.deepEqual(rows(staged.diagnostics, rule), [['apps/adguard/service.yaml:7:27', 'apps/jellyfin/service.yaml:7:27']]);
    assert.deepEqual(staged.diagnostics.find((d) => d.ruleId === rule)!.data, { ip: '10.50.0.230', other: 'jellyfin', service: 'adguard' });
    // --only-files alike; the GitHub annotation lands on the changed file
    const listed = await lintJson(dir, ['--only-files', 'apps/adguard/service.yaml']);
    assert.deepEqual(rows(listed.diagnostics, rule), [['apps/adguard/service.yaml:7:27', 'apps/jellyfin/service.yaml:7:27']]);
    const gh = await runCli(['lint', '--format', 'github', '--no-cache', '--staged'], { cwd: dir, env: { NO_COLOR: '1' } });
    assert.match(gh.stdout, /^::error file=apps\/adguard\/service\.yaml,line=7,/m);
    assert.doesNotMatch(gh.stdout, /file=apps\/jellyfin/);
    // both sides reported: one finding, where the full run puts it
    const both = await lintJson(dir, ['--only-files', 'apps/adguard/service.yaml', 'apps/jellyfin/service.yaml']);
    assert.deepEqual(rows(both.diagnostics, rule), [['apps/jellyfin/service.yaml:7:27', 'apps/adguard/service.yaml:7:27']]);
    // the later side staged: as before
    const other = await lintJson(dir, ['--only-files', 'apps/jellyfin/service.yaml']);
    assert.deepEqual(rows(other.diagnostics, rule), [['apps/jellyfin/service.yaml:7:27', 'apps/adguard/service.yaml:7:27']]);
  });

  it('network/address-conflict: the staged node has the address of the committed one', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const files = { 'talos/nodes/cp-1.yaml': node('cp-1', '10.50.0.11'), 'talos/nodes/cp-2.yaml': node('cp-2', '10.50.0.11') };
    const rule = 'network/address-conflict';
    const dir = stagedRepo(files, 'talos/nodes/cp-1.yaml', node('cp-1', '10.50.0.12'));
    const whole = await lintJson(dir, []);
    assert.deepEqual(rows(whole.diagnostics, rule), [['talos/nodes/cp-2.yaml:7:13', 'talos/nodes/cp-1.yaml:7:13']]);
    const staged = await lintJson(dir, ['--staged']);
    assert.equal(staged.code, 1, staged.stderr);
    assert.deepEqual(rows(staged.diagnostics, rule), [['talos/nodes/cp-1.yaml:7:13', 'talos/nodes/cp-2.yaml:7:13']]);
    assert.deepEqual(staged.diagnostics.find((d) => d.ruleId === rule)!.data, { address: '10.50.0.11', node: 'cp-1', other: 'node "cp-2"' });
  });

  it('network/pool-overlap: the staged pool overlaps the committed one (blocks swapped)', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const files = { 'infra/pools/a.yaml': pool('a', '10.50.0.200', '10.50.0.220'), 'infra/pools/b.yaml': pool('b', '10.50.0.210', '10.50.0.230') };
    const rule = 'network/pool-overlap';
    const dir = stagedRepo(files, 'infra/pools/a.yaml', pool('a', '10.50.0.190', '10.50.0.199'));
    const whole = await lintJson(dir, []);
    assert.deepEqual(rows(whole.diagnostics, rule), [['infra/pools/b.yaml:7:14', 'infra/pools/a.yaml:7:14']]);
    const staged = await lintJson(dir, ['--staged']);
    assert.equal(staged.code, 1, staged.stderr);
    assert.deepEqual(rows(staged.diagnostics, rule), [['infra/pools/a.yaml:7:14', 'infra/pools/b.yaml:7:14']]);
    assert.deepEqual(staged.diagnostics.find((d) => d.ruleId === rule)!.data, {
      block: '10.50.0.200-10.50.0.220',
      other: 'b',
      otherBlock: '10.50.0.210-10.50.0.230',
      overlap: '10.50.0.210-10.50.0.220',
      pool: 'a',
    });
  });

  it('gitops/duplicate-object: the staged copy in a folder Flux applies without a kustomization', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const files = { 'clusters/home/apps.yaml': KS('apps', './apps'), 'apps/a.yaml': CM, 'apps/b.yaml': CM };
    const rule = 'gitops/duplicate-object';
    const dir = stagedRepo(files, 'apps/a.yaml', CM.replace('name: settings', 'name: other'));
    const whole = await lintJson(dir, []);
    assert.deepEqual(rows(whole.diagnostics, rule), [['apps/b.yaml:4:9', 'apps/a.yaml:4:9', 'clusters/home/apps.yaml:9:9']]);
    const staged = await lintJson(dir, ['--staged']);
    assert.equal(staged.code, 1, staged.stderr);
    assert.deepEqual(rows(staged.diagnostics, rule), [['apps/a.yaml:4:9', 'apps/b.yaml:4:9', 'clusters/home/apps.yaml:9:9']]);
    assert.equal(staged.diagnostics.find((d) => d.ruleId === rule)!.data?.['object'], 'ConfigMap default/settings');
  });

  it('gitops/object-applied-twice: the staged copy of an object another applier applies from another file', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const files = { 'clusters/home/apps.yaml': KS('one', './apps/one') + KS('two', './apps/two'), 'apps/one/cm.yaml': CM, 'apps/two/cm.yaml': CM };
    const rule = 'gitops/object-applied-twice';
    const dir = stagedRepo(files, 'apps/one/cm.yaml', CM.replace('name: settings', 'name: other'));
    const whole = await lintJson(dir, []);
    assert.deepEqual(rows(whole.diagnostics, rule), [['apps/two/cm.yaml:4:9', 'clusters/home/apps.yaml:9:9', 'clusters/home/apps.yaml:22:9', 'apps/one/cm.yaml:4:9']]);
    const staged = await lintJson(dir, ['--staged']);
    assert.equal(staged.code, 0, staged.stderr); // a warning
    assert.deepEqual(rows(staged.diagnostics, rule), [['apps/one/cm.yaml:4:9', 'clusters/home/apps.yaml:9:9', 'clusters/home/apps.yaml:22:9', 'apps/two/cm.yaml:4:9']]);
    const d = staged.diagnostics.find((x) => x.ruleId === rule)!;
    assert.equal(d.data?.['object'], 'ConfigMap default/settings');
  });

  it('three Services on one IP: each pair with the staged one is told from the staged side', async (t) => {
    if (!HAS_GIT) return t.skip('git is not installed');
    const files = { 'apps/a/service.yaml': service('a', '10.50.0.230'), 'apps/b/service.yaml': service('b', '10.50.0.230'), 'apps/c/service.yaml': service('c', '10.50.0.230') };
    const rule = 'network/service-ip-conflict';
    const dir = stagedRepo(files, 'apps/a/service.yaml', service('a', '10.50.0.231'));
    const whole = await lintJson(dir, []);
    assert.deepEqual(rows(whole.diagnostics, rule), [
      ['apps/b/service.yaml:7:27', 'apps/a/service.yaml:7:27'],
      ['apps/c/service.yaml:7:27', 'apps/a/service.yaml:7:27'],
    ]);
    const staged = await lintJson(dir, ['--staged']);
    assert.deepEqual(
      staged.diagnostics.filter((d) => d.ruleId === rule).map((d) => [d.file, d.data?.['other']]),
      [
        ['apps/a/service.yaml', 'b'],
        ['apps/a/service.yaml', 'c'],
      ],
    );
  });
});
