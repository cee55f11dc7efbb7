/** `talium plan`: text and JSON output with provenance on a fixture repository; usage errors exit 2. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli, spawnCli } from '../src/testing/cli.js';

const FIXTURE = path.join(process.cwd(), 'test', 'fixtures', 'plan', 'talos-repo');

test('plan --format json: facts with file:line:column', async () => {
  const r = await runCli(['plan', FIXTURE, '--format', 'json'], { cwd: process.cwd() });
  assert.equal(r.code, 0, r.stderr);
  const [g] = JSON.parse(r.stdout) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.equal(g!['cluster'], 'default');
  assert.deepEqual(g!['lan'], { value: '10.50.0.0/24', from: { file: 'talos/talconfig.yaml', line: 20, column: 17 } });
  assert.deepEqual(g!['gateway'].from, { file: 'talos/talconfig.yaml', line: 23, column: 26 });
  assert.equal(g!['vip'].value, '10.50.0.10');
  assert.deepEqual(g!['versions'].talos, { value: '1.11.3', from: { file: 'talos/talconfig.yaml', line: 2, column: 15 } });
  assert.equal(g!['versions'].kubernetes, undefined);
  assert.deepEqual(g!['versions'].cilium, { value: '1.18.4', from: { file: 'kubernetes/cilium/helmrelease.yaml', line: 22, column: 10 } });
  assert.deepEqual(g!['talos'].kubePrism.value, { enabled: true, port: 7445 });
  assert.deepEqual(g!['nodes'].map((n: { name: string; links: Array<{ value: string }> }) => [n.name, n.links.map((l) => l.value)]), [['cp1', ['enp1s0.50']]]);
  assert.deepEqual(g!['ciliumReleases'][0].values, [
    { file: 'kubernetes/cilium/helm-values.yaml', line: 1, column: 1 },
    { file: 'kubernetes/cilium/helmrelease.yaml', line: 13, column: 5 },
  ]);
  assert.deepEqual(g!['pools'], [{ name: 'lan', blocks: ['10.50.0.224-10.50.0.239'], from: { file: 'kubernetes/cilium/pool.yaml', line: 1, column: 1 } }]);
});

test('plan text output is deterministic and names the sources', () => {
  const a = spawnCli(['plan', FIXTURE], { cwd: process.cwd() });
  const b = spawnCli(['plan', FIXTURE], { cwd: process.cwd() });
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.match(a.stdout, /^cluster default \(\d+ documents\)$/m);
  assert.match(a.stdout, /^ {2}LAN {13}10\.50\.0\.0\/24 +talos\/talconfig\.yaml:20:17$/m);
  assert.match(a.stdout, /^ {2}Kubernetes {6}\(unknown\)$/m);
});

test('the README\'s `talium plan` example is what plan prints for this fixture', async () => {
  // scripts/readme/plan.md shows this fixture's output; a change to the plan's facts or layout must update it
  const { readFileSync } = await import('node:fs');
  const md = readFileSync(path.join(process.cwd(), 'scripts', 'readme', 'plan.md'), 'utf8');
  const shown = /```console\n\$ talium plan\n([\s\S]*?)```/.exec(md)?.[1];
  assert.ok(shown, 'plan.md has a `$ talium plan` example');
  const r = spawnCli(['plan'], { cwd: FIXTURE });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(shown, r.stdout);
});

test('plan text columns never run together: a long value pushes the column right', async () => {
  const { mkdtempSync, rmSync, writeFileSync, mkdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'talium-plan-cols-'));
  try {
    mkdirSync(path.join(dir, 'talos'));
    const long = 'a-very-long-hostname-for-a-node-in-the-lab';
    writeFileSync(path.join(dir, 'talos', 'cp.yaml'), `machine:\n  type: controlplane\n  network:\n    hostname: ${long}\n    interfaces:\n      - interface: enp1s0\n        addresses: [10.50.0.11/24]\n  install:\n    image: ghcr.io/siderolabs/installer:v1.11.5-alpha.0.123.gabcdef0123456789\n`);
    const r = spawnCli(['plan', dir], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^ {4}${long} {2}controlplane {2}10\\.50\\.0\\.11 {2}links enp1s0 {2}talos/cp\\.yaml:7:21$`, 'm'));
    assert.match(r.stdout, /^ {2}Talos {11}1\.11\.5 +talos\/cp\.yaml:9:12$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('plan usage errors exit 2', async () => {
  assert.equal((await runCli(['plan', '--format', 'xml', FIXTURE], { cwd: process.cwd() })).code, 2);
  assert.equal((await runCli(['plan', path.join(FIXTURE, 'nope')], { cwd: process.cwd() })).code, 2);
  assert.equal((await runCli(['plan', '--bogus'], { cwd: process.cwd() })).code, 2);
  const h = await runCli(['plan', '--help'], { cwd: process.cwd() });
  assert.equal(h.code, 0);
  assert.match(h.stdout, /--format text\|json/);
});

test('plan reads the tree as lint does: root config overrides and excludes; nested configs are other repositories', async () => {
  const { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'talium-plan-'));
  try {
    cpSync(FIXTURE, dir, { recursive: true });
    mkdirSync(path.join(dir, 'vendor-copy'), { recursive: true });
    // another repository's config and a second pool, vendored below the root
    writeFileSync(path.join(dir, 'vendor-copy', 'talium.config.yaml'), 'plan:\n  dhcp: 10.50.0.100-10.50.0.199\n');
    writeFileSync(path.join(dir, 'vendor-copy', 'pool.yaml'), 'apiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: vendored\nspec:\n  blocks:\n    - cidr: 10.50.0.192/28\n');
    const before = JSON.parse((await runCli(['plan', dir, '--format', 'json'], { cwd: process.cwd() })).stdout) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(before[0]!['dhcp'], undefined, 'a nested talium.config.yaml is not this repository\'s');
    assert.deepEqual(before[0]!['pools'].map((p: { name: string }) => p.name).sort(), ['lan', 'vendored']);

    writeFileSync(path.join(dir, '.talium.yaml'), 'exclude:\n  - vendor-copy/\nplan:\n  dhcp: 10.50.0.50-10.50.0.99\n');
    const after = JSON.parse((await runCli(['plan', dir, '--format', 'json'], { cwd: process.cwd() })).stdout) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(after[0]!['pools'].map((p: { name: string }) => p.name), ['lan']);
    assert.equal(after[0]!['dhcp'].from.file, '.talium.yaml');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('plan: a talium.config.yaml that is a folder is a usage error naming it (was an internal EISDIR error)', async () => {
  const { mkdtempSync, rmSync, mkdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'talium-plan-'));
  try {
    mkdirSync(path.join(dir, 'talium.config.yaml'));
    const r = await runCli(['plan', dir], { cwd: process.cwd() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /config file "talium\.config\.yaml" is a folder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('plan shows what a CIDR block hands out when allowFirstLastIPs drops its first and last address', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'talium-plan-afl-'));
  try {
    const pool = (name: string, afl: string, block: string): string => `---\napiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ${name}\nspec:\n${afl}  blocks:\n    - ${block}\n`;
    writeFileSync(path.join(dir, 'pools.yaml'), pool('no', '  allowFirstLastIPs: "No"\n', 'cidr: 10.50.0.208/28') + pool('yes', '  allowFirstLastIPs: "Yes"\n', 'cidr: 10.50.0.224/28') + pool('range', '  allowFirstLastIPs: "No"\n', 'start: 10.50.0.240\n      stop: 10.50.0.250'));
    const r = await runCli(['plan', dir, '--format', 'json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const pools = (JSON.parse(r.stdout) as Array<{ pools: Array<{ name: string; blocks: string[]; allocatable?: Record<string, string> }> }>)[0]!.pools;
    assert.deepEqual(
      pools.map((p) => [p.name, p.blocks, p.allocatable]),
      [
        ['no', ['10.50.0.208-10.50.0.223'], { '0': '10.50.0.209-10.50.0.222' }],
        ['yes', ['10.50.0.224-10.50.0.239'], undefined],
        ['range', ['10.50.0.240-10.50.0.250'], undefined],
      ],
    );
    const text = await runCli(['plan', dir], { cwd: dir });
    assert.match(text.stdout, /^ {4}no +10\.50\.0\.208-10\.50\.0\.223 \(hands out 10\.50\.0\.209-10\.50\.0\.222\) +pools\.yaml:2:1$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cluster.yaml the plan cannot read is named on stderr with its position and rule id, and plan exits 1', async (t) => {
  const { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { spawnSync } = await import('node:child_process');
  const { REPO_ROOT } = await import('../src/testing/cli.js');
  const lab = readFileSync(path.join(process.cwd(), 'clusters', 'lab', 'cluster.yaml'), 'utf8');
  const dir = mkdtempSync(path.join(tmpdir(), 'talium-plan-unread-'));
  chmodSync(dir, 0o755);
  try {
    mkdirSync(path.join(dir, '.git'));
    mkdirSync(path.join(dir, 'clusters', 'c1'), { recursive: true });
    writeFileSync(path.join(dir, 'clusters', 'c1', 'cluster.yaml'), lab);
    const readable = await runCli(['plan', dir], { cwd: dir });
    assert.equal(readable.code, 0, readable.stderr);
    assert.match(readable.stdout, /^cluster c1 /m);
    // refused by a byte guard (the file is larger than maxFileSize): not read either
    writeFileSync(path.join(dir, 'talium.config.yaml'), 'maxFileSize: 100\n');
    const big = await runCli(['plan', dir], { cwd: dir });
    assert.equal(big.code, 1);
    assert.match(big.stderr, /^talium plan: clusters\/c1\/cluster\.yaml:1:1: .* \(yaml\/too-large\); what it holds is not in the plan\.$/m);
    rmSync(path.join(dir, 'talium.config.yaml'));
    // permissions: root reads any file, so the CLI runs as nobody there
    chmodSync(path.join(dir, 'clusters', 'c1', 'cluster.yaml'), 0);
    const asRoot = process.getuid?.() === 0;
    if (asRoot && spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-r', path.join(REPO_ROOT, 'dist/src/cli/main.js')]).status !== 0) {
      t.skip('running as root, and runuser or a CLI that user nobody can read is missing: cannot make cluster.yaml unreadable');
      return;
    }
    const cmd = [process.execPath, path.join(REPO_ROOT, 'scripts/talium.cjs')];
    const run = (args: string[]) =>
      asRoot
        ? spawnSync('runuser', ['-u', 'nobody', '--', ...cmd, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TALIUM_CACHE_DIR: undefined, TALIUM_CODE_CACHE: 'off' } })
        : spawnSync(cmd[0]!, [...cmd.slice(1), ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    for (const format of ['text', 'json']) {
      const r = run(['plan', '--format', format]);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stderr, 'talium plan: clusters/c1/cluster.yaml:1:1: File could not be read (EACCES). (lint/unreadable-file); what it holds is not in the plan.\n');
    }
    // generate names the file (an I/O error, exit 2), not an internal error
    const g = run(['generate', '--check']);
    assert.equal(g.status, 2);
    assert.equal(g.stderr, 'talium generate: clusters/c1/cluster.yaml could not be read (EACCES); nothing written.\n');
    // lint: an error at the file, with its position
    const l = run(['lint', '--format', 'json', '--no-cache']);
    assert.equal(l.status, 1, l.stderr);
    const out = JSON.parse(l.stdout) as { diagnostics: Array<{ ruleId: string; file: string; range: { start: { line: number; column: number } }; data?: Record<string, unknown> }> };
    assert.deepEqual(out.diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${d.data?.['code']}`), ['clusters/c1/cluster.yaml:1:1 lint/unreadable-file EACCES']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('plan names the YAML templates it did not read when a plan lacks its LAN or nodes (Talos configs kept as *.yaml.j2)', async () => {
  const { mkdtempSync, rmSync, writeFileSync, mkdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'talium-plan-tpl-'));
  try {
    mkdirSync(path.join(dir, 'talos', 'nodes'), { recursive: true });
    mkdirSync(path.join(dir, 'cilium'));
    writeFileSync(path.join(dir, 'cilium', 'pool.yaml'), 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 10.50.0.0/24\n');
    for (const n of ['cp1', 'cp2', 'cp3', 'cp4']) writeFileSync(path.join(dir, 'talos', 'nodes', `${n}.yaml.j2`), `machine:\n  network:\n    hostname: {{ ${n} }}\n`);
    const r = spawnCli(['plan', dir], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    // the four templates, sorted, the first three named; stdout (the plan itself) unchanged by it
    assert.match(r.stderr, /^talium plan: 4 YAML templates are not read \(talos\/nodes\/cp1\.yaml\.j2, talos\/nodes\/cp2\.yaml\.j2, talos\/nodes\/cp3\.yaml\.j2 and 1 more\); .*under plan: in talium\.config\.yaml \(/m);
    assert.match(r.stdout, /^ {2}LAN {13}\(unknown\)$/m);
    const json = spawnCli(['plan', dir, '--format', 'json'], { cwd: dir });
    assert.equal(json.code, 0);
    assert.match(json.stderr, /4 YAML templates are not read/);
    JSON.parse(json.stdout);
    // once the LAN and a node are known (here from a rendered Talos config), the templates are not worth a word
    writeFileSync(path.join(dir, 'talos', 'cp1.yaml'), 'machine:\n  type: controlplane\n  network:\n    hostname: cp1\n    interfaces:\n      - interface: enp1s0\n        addresses: [10.50.0.11/24]\n        routes:\n          - network: 0.0.0.0/0\n            gateway: 10.50.0.1\n');
    const known = spawnCli(['plan', dir], { cwd: dir });
    assert.equal(known.code, 0, known.stderr);
    assert.match(known.stdout, /^ {2}LAN {13}10\.50\.0\.0\/24 /m);
    assert.equal(known.stderr, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
