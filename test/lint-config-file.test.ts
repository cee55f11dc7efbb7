/**
 * A configuration given with `--config` under another name (talium.yaml, ci/lint.yaml, a file in a cilium folder)
 * is talium's configuration, as talium.config.yaml is: its `plan:` facts are written facts, not inferred ones, and
 * the file is never linted as Helm values, a Kubernetes document or plain YAML (YAML 1.1 booleans) on top.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { SourceFile } from '../src/core/source.js';
import { parseSource } from '../src/lint/parse.js';
import { runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-config-file-');
after(repos.cleanup);

// a node with a DHCP link: an inferred LAN is then incomplete, so only a written plan.lan judges the pools
const NODE = 'machine:\n  type: worker\n  network:\n    hostname: w1\n    interfaces:\n      - interface: eth0\n        dhcp: true\n      - interface: eth1\n        addresses: [10.50.0.10/24]\n';
const L2 = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n';
const POOL = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 10.60.0.224/28\n';
const CONFIG = 'rules:\n  cilium/l2-policy-without-l2: off\nplan:\n  lan: 10.50.0.0/24\n';

interface Diag {
  ruleId: string;
  file: string;
  range: { start: { line: number; column: number } };
}

async function findings(cwd: string, args: string[]): Promise<string[]> {
  const r = await runCli(['lint', '--format', 'json', '--no-cache', ...args], { cwd });
  assert.ok(r.stdout, r.stderr);
  return (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`);
}

function repo(config: Record<string, string>): string {
  const dir = repos.repo({ 'talos/w1.yaml': NODE, 'k/l2.yaml': L2, 'k/pool.yaml': POOL, ...config });
  mkdirSync(join(dir, '.git'));
  return dir;
}

const OUTSIDE = ['k/pool.yaml:7:13 network/pool-outside-lan'];

describe('talium lint --config FILE under another name', () => {
  it('the standard name: plan.lan is a written fact, the pool outside it is reported', async () => {
    assert.deepEqual(await findings(repo({ 'talium.config.yaml': CONFIG }), []), OUTSIDE);
  });

  for (const name of ['talium.yaml', 'ci/lint.yaml', 'kubernetes/cilium/values.yaml', 'cilium-values.yaml']) {
    it(`${name}: the same findings, none in the configuration itself`, async () => {
      const dir = repo({ [name]: CONFIG });
      assert.deepEqual(await findings(dir, ['--config', name]), OUTSIDE);
      // from a subfolder, --config relative to it
      assert.deepEqual(await findings(join(dir, 'k'), ['--config', `../${name}`]), ['pool.yaml:7:13 network/pool-outside-lan']);
    });
  }

  it('with workers and a warm check cache the configuration stays unlinted (a run without --config linted it as values first)', async () => {
    const dir = repo({ 'kubernetes/cilium/values.yaml': CONFIG });
    const env = { NO_COLOR: '1', TALIUM_CACHE_DIR: join(dir, '..', `cache-${Date.now()}`) };
    const plain = await runCli(['lint', '--format', 'json'], { cwd: dir, env });
    // without --config it is a Cilium values file (talium cannot know better), with findings of its own
    assert.ok((JSON.parse(plain.stdout) as { diagnostics: Diag[] }).diagnostics.some((d) => d.file === 'kubernetes/cilium/values.yaml'), plain.stdout);
    for (const extra of [[], ['--workers', '2']]) {
      const r = await runCli(['lint', '--format', 'json', '--config', 'kubernetes/cilium/values.yaml', ...extra], { cwd: dir, env });
      assert.deepEqual((JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`), OUTSIDE, extra.join(' '));
    }
    // and the parse cache did not keep the configuration's class for a run without --config
    assert.equal((await runCli(['lint', '--format', 'json'], { cwd: dir, env })).stdout, plain.stdout);
  });

  it('the loaded plan document is classified as talium configuration whatever its name', () => {
    const dir = repo({ 'ci/lint.yaml': CONFIG });
    const cfg = loadConfig(dir, join(dir, 'ci/lint.yaml'), () => true);
    assert.equal(cfg.config.file, 'ci/lint.yaml');
    assert.equal(cfg.config.plan?.doc?.docClass, 'talium-config');
  });

  it('a configuration of the repository that --config did not choose gives no plan', async () => {
    const dir = repo({ 'talium.config.yaml': CONFIG, 'ci/lint.yaml': 'rules:\n  cilium/l2-policy-without-l2: "off"\n' });
    assert.deepEqual(await findings(dir, []), OUTSIDE);
    // the chosen configuration has no plan: the LAN is inferred (and incomplete: a DHCP link), the other file's unused
    assert.deepEqual(await findings(dir, ['--config', 'ci/lint.yaml']), []);
  });
});

describe('talium.config.yaml schemas.dirs', () => {
  it('a missing folder is reported at its entry in the configuration; a broken schema file by its path relative to the root', async () => {
    const dir = repos.repo({
      'talium.config.yaml': 'schemas:\n  dirs:\n    - schemas/ok\n    - schemas/missing\n    - cm.yaml\n',
      'schemas/ok/broken.json': '{not json',
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
    });
    mkdirSync(join(dir, '.git'));
    const r = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: dir });
    const out = JSON.parse(r.stdout) as { diagnostics: Array<Diag & { data?: Record<string, unknown> }> };
    assert.deepEqual(
      out.diagnostics.map((d) => [`${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`, d.data?.['path'], d.data?.['problem']]),
      [
        ['schemas/ok/broken.json:1:1 config/invalid', undefined, undefined],
        ['talium.config.yaml:4:7 config/invalid', 'schemas.dirs[1]', 'missing'],
        ['talium.config.yaml:5:7 config/invalid', 'schemas.dirs[2]', 'not-a-folder'],
      ],
    );
  });
});

describe('talium.config.yaml mistakes are all said in one run', () => {
  // by position (the loader gives schema findings first, then the checks after them)
  const at = (ds: ReturnType<typeof loadConfig>['diagnostics']) => ds.map((d) => [`${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`, d.data?.['path'] ?? d.data?.['rule'], d.data?.['suggestion']]).sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
  const known = (id: string) => id === 'k8s/etp-local-l2';
  const near = (id: string) => (id.startsWith('k8s/etp') ? 'k8s/etp-local-l2' : undefined);

  it('a misspelt key gets the nearest key of its section, and does not hide a bad plan fact or an unknown rule id', () => {
    const dir = repo({ 'talium.config.yaml': 'plan:\n  lan: 192.168.0.0/33\n  gatway: 192.168.0.1\nrules:\n  k8s/etp-local: "off"\nexclud: [a/]\n' });
    assert.deepEqual(at(loadConfig(dir, undefined, known, near).diagnostics), [
      ['talium.config.yaml:2:8 config/invalid', 'plan.lan', undefined],
      ['talium.config.yaml:3:3 config/invalid', 'plan.gatway', 'gateway'],
      ['talium.config.yaml:5:3 config/unknown-rule', 'k8s/etp-local', 'k8s/etp-local-l2'],
      ['talium.config.yaml:6:1 config/invalid', 'exclud', 'exclude'],
    ]);
  });

  it('a plan fact the schema already refuses is said once; a key nothing is near gets no suggestion', () => {
    const dir = repo({ 'talium.config.yaml': 'plan:\n  vlan: 5000\n  gateway: 10.0.0.300\n  zzzzzzzz: 1\n' });
    assert.deepEqual(at(loadConfig(dir, undefined, known, near).diagnostics), [
      ['talium.config.yaml:2:9 config/invalid', 'plan.vlan', undefined],
      ['talium.config.yaml:3:12 config/invalid', 'plan.gateway', undefined],
      ['talium.config.yaml:4:3 config/invalid', 'plan.zzzzzzzz', undefined],
    ]);
  });

  it('a cluster.yaml lint: section: the misspelt key gets its suggestion, and an unknown rule id is still said', () => {
    const dir = repo({ 'clusters/home/cluster.yaml': 'lint:\n  rules:\n    k8s/etp-local: "off"\n  exlude: [legacy/]\n' });
    assert.deepEqual(at(loadConfig(dir, undefined, known, near).diagnostics), [
      ['clusters/home/cluster.yaml:3:5 config/unknown-rule', 'k8s/etp-local', 'k8s/etp-local-l2'],
      ['clusters/home/cluster.yaml:4:3 config/invalid', 'lint.exlude', 'exclude'],
    ]);
  });
});

describe('talium.config.yaml schemas.unknownKind', () => {
  it('set apart from rules: schema/unknown-kind, which wins, it is a config/invalid warning at the value; the same value is fine', async () => {
    const doc = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: x\n';
    const run = async (config: string) => {
      const dir = repos.repo({ 'talium.config.yaml': config, 'w.yaml': doc });
      mkdirSync(join(dir, '.git'));
      const r = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: dir });
      return (JSON.parse(r.stdout) as { diagnostics: Array<Diag & { severity: string; data?: Record<string, unknown> }> }).diagnostics.map((d) => [`${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`, d.severity, d.data?.['keyword'], d.data?.['value'], d.data?.['rule']]);
    };
    assert.deepEqual(await run('rules:\n  schema/unknown-kind: error\nschemas:\n  unknownKind: info\n'), [
      ['talium.config.yaml:4:16 config/invalid', 'warning', 'conflict', 'info', 'error'],
      ['w.yaml:2:7 schema/unknown-kind', 'error', undefined, undefined, undefined],
    ]);
    assert.deepEqual(await run('rules:\n  schema/unknown-kind: "off"\nschemas:\n  unknownKind: warning\n'), [['talium.config.yaml:4:16 config/invalid', 'warning', 'conflict', 'warning', 'off']]);
    assert.deepEqual(await run('rules:\n  schema/unknown-kind: info\nschemas:\n  unknownKind: info\n'), [['w.yaml:2:7 schema/unknown-kind', 'info', undefined, undefined, undefined]]);
  });
});

describe('talium reads its own files as YAML 1.2, integers included (README: configuration)', () => {
  it('talium.config.yaml and a --config file: 010 is 10, 1_000 a string (config/invalid), not Go\'s 8 and 1000', () => {
    for (const [name, explicit] of [['talium.config.yaml', false], ['ci/lint.yaml', true]] as const) {
      const dir = repo({ [name]: 'maxFileSize: 0100\nplan:\n  vlan: 010\n' });
      const cfg = loadConfig(dir, explicit ? join(dir, name) : undefined, () => true);
      assert.equal(cfg.config.maxFileSize, 100, name);
      assert.deepEqual(cfg.config.plan?.values, { vlan: 10 }, name);
      assert.deepEqual(cfg.diagnostics, [], name);
    }
    const under = loadConfig(repo({ 'talium.config.yaml': 'maxFileSize: 1_000\n' }), undefined, () => true);
    // (a string: not the integer nor the size pattern that maxFileSize takes, as for any other bad string; one
    // finding naming both forms)
    assert.deepEqual(
      under.diagnostics.map((d) => [d.ruleId, d.file, d.range.start.line, d.range.start.column, d.data?.['path'], d.data?.['keyword']]),
      [['config/invalid', 'talium.config.yaml', 1, 14, 'maxFileSize', 'oneOf']],
    );
  });

  it('the lint parse reads them so too (cluster.yaml once known), and Kubernetes files beside them as Go does', () => {
    const spec = 'versions: {talos: v1.10.0}\nlan:\n  cidr: 10.50.0.0/24\n  vlan: 010\nnodes: []\n';
    assert.deepEqual(parseSource(new SourceFile('clusters/home/cluster.yaml', spec)).docs.map((d) => [d.docClass, d.get(['lan', 'vlan'])]), [['cluster-spec', 10]]);
    assert.deepEqual(parseSource(new SourceFile('.talium.yaml', 'plan: {vlan: 010}\n')).docs[0]!.get(['plan', 'vlan']), 10);
    // a syntax error elsewhere in the file (the eemeli/yaml fallback) changes nothing
    assert.deepEqual(parseSource(new SourceFile('.talium.yaml', 'plan: {vlan: 010}\nplan: 1\n')).docs[0]!.get(['plan']), 1);
    assert.deepEqual(parseSource(new SourceFile('clusters/home/cluster.yaml', `${spec}nodes: []\n`)).docs.map((d) => d.get(['lan', 'vlan'])), [10]);
    assert.deepEqual(parseSource(new SourceFile('k/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nspec: {a: 010, b: 1_000}\n')).docs[0]!.get(['spec']), { a: 8, b: 1000 });
    // where talium keeps a spec (read as YAML 1.2 at once), anything else is still read as Go: a Kubernetes object,
    // an RKE-like cluster.yml; a spec-looking cluster.yaml elsewhere is read as YAML 1.2 once known
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nspec: {a: 010}\n';
    assert.deepEqual(parseSource(new SourceFile('clusters/home/cluster.yaml', cm)).docs.map((d) => [d.docClass, d.get(['spec', 'a'])]), [['k8s', 8]]);
    assert.deepEqual(parseSource(new SourceFile('clusters/home/cluster.yml', 'nodes:\n  - port: 010\n')).docs[0]!.get(['nodes', 0, 'port']), 8);
    assert.deepEqual(parseSource(new SourceFile('infra/cluster.yaml', spec)).docs.map((d) => [d.docClass, d.get(['lan', 'vlan'])]), [['cluster-spec', 10]]);
  });
});
