/**
 * network/plan-unknown: a cluster that announces pools over L2 with no LAN known gets one info finding at its first
 * pool (naming the YAML templates discovery found), and none once a LAN is known from any source, without L2, or
 * without an enabled pool; a run over some paths does not conclude it. In process and through the CLI.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import planUnknown from '../src/rules/network/plan-unknown.js';
import { runCli } from '../src/testing/cli.js';
import { lintRepo } from '../src/testing/rule-tester.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-plan-unknown-');
after(() => repos.cleanup());

const POLICY = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n';
/** A pool `name`; its metadata.name value is on line 4, column 9. */
const pool = (name: string, extra = ''): string => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ${name}\nspec:\n${extra}  blocks:\n    - cidr: 10.50.0.224/28\n`;
const NODE = 'machine:\n  type: controlplane\n  network:\n    hostname: cp1\n    interfaces:\n      - interface: eth0\n        addresses: [10.50.0.11/24]\n';

const brief = (files: Record<string, string>): Array<{ at: string; messageId?: string; severity: string; data?: unknown }> =>
  lintRepo(files, [planUnknown]).map((d) => ({ at: `${d.file}:${d.range.start.line}:${d.range.start.column}`, messageId: d.messageId, severity: d.severity, data: d.data }));

test('no LAN anywhere: one info at the first pool, with the facts that are missing', () => {
  assert.deepEqual(brief({ 'net/l2.yaml': POLICY, 'net/pool-b.yaml': pool('b'), 'net/pool-a.yaml': pool('a') }), [
    { at: 'net/pool-a.yaml:4:9', messageId: 'noLan', severity: 'info', data: { cluster: 'default', pool: 'a', count: 2, pools: 'its 2 pools ("a" and 1 more)', unknown: 'lan, gateway, vip, node addresses' } },
  ]);
});

test('the templates discovery found are named, and the facts the plan has are not listed as unknown', () => {
  const got = brief({ 'talium.config.yaml': 'plan:\n  gateway: 10.50.0.1\n  vip: 10.50.0.10\n', 'l2.yaml': POLICY, 'pool.yaml': pool('lan'), 'talos/cp.yaml.j2': 'machine: {{ x }}\n', 'talos/w.yaml.tmpl': 'a\n' });
  assert.deepEqual(got, [
    {
      at: 'pool.yaml:4:9',
      messageId: 'noLanTemplates',
      severity: 'info',
      data: { cluster: 'default', pool: 'lan', count: 1, pools: 'pool "lan"', unknown: 'lan, node addresses', templates: 'talos/cp.yaml.j2, talos/w.yaml.tmpl', listed: 'talos/cp.yaml.j2, talos/w.yaml.tmpl' },
    },
  ]);
});

test('several clusters: each names the templates under a folder named like it, else all of them', () => {
  const files = {
    'clusters/main/l2.yaml': POLICY,
    'clusters/main/pool.yaml': pool('main'),
    'clusters/lab/l2.yaml': POLICY,
    'clusters/lab/pool.yaml': pool('lab'),
    'talos/main/cp.yaml.j2': 'a\n',
    'talos/lab/cp.yaml.j2': 'a\n',
    'talos/common.yaml.j2': 'a\n',
  };
  const got = brief(files).map((d) => [d.at, (d.data as Record<string, unknown>)['cluster'], (d.data as Record<string, unknown>)['templates']]);
  assert.deepEqual(got, [
    ['clusters/lab/pool.yaml:4:9', 'lab', 'talos/lab/cp.yaml.j2'],
    ['clusters/main/pool.yaml:4:9', 'main', 'talos/main/cp.yaml.j2'],
  ]);
  const { 'talos/lab/cp.yaml.j2': _, ...noLab } = files;
  assert.deepEqual(
    brief(noLab).map((d) => (d.data as Record<string, unknown>)['templates']),
    ['talos/common.yaml.j2, talos/main/cp.yaml.j2', 'talos/main/cp.yaml.j2'],
  );
});

test('silent once a LAN is known, without L2, or without an enabled pool with a valid block', () => {
  assert.deepEqual(brief({ 'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n', 'l2.yaml': POLICY, 'pool.yaml': pool('lan') }), [], 'plan.lan');
  assert.deepEqual(brief({ 'talos/cp1.yaml': NODE, 'l2.yaml': POLICY, 'pool.yaml': pool('lan') }), [], 'LAN inferred from a node address');
  assert.deepEqual(brief({ 'pool.yaml': pool('lan') }), [], 'no L2 announcements');
  assert.deepEqual(brief({ 'l2.yaml': POLICY, 'pool.yaml': pool('lan', '  disabled: true\n') }), [], 'disabled pool');
  assert.deepEqual(brief({ 'l2.yaml': POLICY }), [], 'no pool');
  assert.deepEqual(brief({ 'l2.yaml': POLICY, 'pool.yaml': pool('lan').replace('10.50.0.224/28', '10.50.0.0/33') }), [], 'only a malformed block');
  // and through Cilium values instead of a policy object
  assert.equal(brief({ 'cilium/values.yaml': 'kubeProxyReplacement: true\nl2announcements:\n  enabled: true\n', 'pool.yaml': pool('lan') }).length, 1, 'L2 on in the values');
});

test('CLI: reported on a whole-tree run (exit 0: info), not when only some paths are linted', async () => {
  const dir = repos.repo({ 'l2.yaml': POLICY, 'pool.yaml': pool('lan'), 'talos/cp.yaml.j2': 'machine: {{ x }}\n' });
  const whole = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: dir });
  assert.equal(whole.code, 0, whole.stderr);
  const found = (JSON.parse(whole.stdout) as { diagnostics: Array<{ ruleId: string; file: string; range: { start: { line: number; column: number } }; data?: Record<string, unknown> }> }).diagnostics.filter((d) => d.ruleId === 'network/plan-unknown');
  assert.deepEqual(
    found.map((d) => [d.file, d.range.start.line, d.range.start.column, d.data?.['templates']]),
    [['pool.yaml', 4, 9, 'talos/cp.yaml.j2']],
  );
  const some = await runCli(['lint', '--format', 'json', '--no-cache', 'pool.yaml'], { cwd: dir });
  assert.equal(some.code, 0, some.stderr);
  assert.equal((JSON.parse(some.stdout) as { diagnostics: Array<{ ruleId: string }> }).diagnostics.filter((d) => d.ruleId === 'network/plan-unknown').length, 0);
});
