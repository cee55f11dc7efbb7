/**
 * CiliumLoadBalancerIPPools as kustomize overlays render them (plan/pool-overlays.ts over kustomizeObjectOverlays)
 * and the network/ pool rules judging those renderings: every block at the place that wrote it, data.overlay naming
 * the overlay, per-overlay judgement, the conservative skip where a patch cannot be applied with certainty. The
 * renderings are checked against `kubectl kustomize` (skipped with a message when kubectl is not installed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { buildClusterGroups } from '../src/plan/index.js';
import { renderedPools } from '../src/plan/pool-overlays.js';
import { NETWORK_RULES } from '../src/rules/network/index.js';
import poolBlockInvalid from '../src/rules/network/pool-block-invalid.js';
import poolHostBits from '../src/rules/network/pool-host-bits.js';
import poolOutsideLan from '../src/rules/network/pool-outside-lan.js';
import poolOverlap from '../src/rules/network/pool-overlap.js';
import serviceIpNotInPool from '../src/rules/network/service-ip-not-in-pool.js';
import { planJson } from '../src/cli/plan.js';
import { lintRepo, parseRepo, readTree } from '../src/testing/rule-tester.js';

const FIXTURES = path.join(process.cwd(), 'test', 'fixtures', 'plan', 'pool-overlays');
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const POOL_RULES = NETWORK_RULES.filter((r) => r.meta.id.startsWith('network/pool-'));

const fixture = (name: string): Record<string, string> => readTree(path.join(FIXTURES, name), /\.ya?ml$/);

/** Findings as `file:line:column rule messageId overlay` (overlay: data.overlay, or `-`). */
const brief = (files: Record<string, string>, rules = POOL_RULES): string[] =>
  lintRepo(files, rules).map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${d.messageId} ${String(d.data?.['overlay'] ?? '-')}`);

/** The pools `kubectl kustomize` outputs for the kustomization in `dir` of `files` (name → spec). */
function kustomize(files: Record<string, string>, dir: string): Map<string, unknown> {
  const root = mkdtempSync(path.join(tmpdir(), 'talium-pools-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    }
    const r = spawnSync('kubectl', ['kustomize', path.join(root, dir)], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `kubectl kustomize ${dir}: ${r.stderr}`);
    const out = new Map<string, unknown>();
    for (const d of parseAllDocuments(r.stdout)) {
      const o = d.toJS() as { kind?: string; metadata?: { name?: string }; spec?: unknown } | null;
      if (o?.kind === 'CiliumLoadBalancerIPPool' && o.metadata?.name) out.set(o.metadata.name, o.spec);
    }
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * talium's view of what the kustomization in `dir` outputs: its renderings, and the other pools it reaches as their
 * bases are written (a pool the overlay does not patch). Keyed by name, like kustomize().
 */
function rendered(files: Record<string, string>, dir: string, expected: ReadonlyMap<string, unknown>, kust = `${dir}/kustomization.yaml`, rename = (name: string): string => name): Map<string, unknown> {
  const docs = parseRepo(files);
  const out = new Map<string, unknown>();
  for (const g of buildClusterGroups(docs)) {
    for (const { pool } of renderedPools(g).pools) if (pool.overlay?.kustomization.file.path === kust) out.set(pool.name, pool.get(['spec']));
  }
  // pools the overlay leaves alone are their bases, as written
  for (const name of expected.keys()) {
    if (out.has(name)) continue;
    const base = docs.find((d) => d.kind === 'CiliumLoadBalancerIPPool' && d.name !== undefined && (d.name === name || rename(d.name) === name) && (!d.file.path.startsWith(`${dir}/`) || kust !== `${dir}/kustomization.yaml`));
    if (base) out.set(name, base.get(['spec']));
  }
  return out;
}

/** Asserts talium renders the pools of `dir` as `kubectl kustomize` does (skips without kubectl). */
function agreesWithKustomize(t: { skip: (m: string) => void }, files: Record<string, string>, dirs: readonly string[]): void {
  if (!hasKubectl) return t.skip('kubectl not installed: cannot run kubectl kustomize to check the renderings');
  for (const dir of dirs) {
    const want = kustomize(files, dir);
    assert.ok(want.size > 0, `kubectl kustomize ${dir} outputs pools`);
    assert.deepEqual(Object.fromEntries(rendered(files, dir, want)), Object.fromEntries(want), `talium's rendering of ${dir}`);
  }
}

test('pool renderings agree with kubectl kustomize on the fixtures (JSON6902 inline and file, strategic merge file and inline, namePrefix, two clusters, two overlays)', (t) => {
  agreesWithKustomize(t, fixture('json-ops'), ['home']);
  agreesWithKustomize(t, fixture('per-cluster'), ['clusters/a', 'clusters/b']);
  agreesWithKustomize(t, fixture('envs'), ['envs/x', 'envs/y']);
});

test('JSON6902 operations of an overlay: the rendered blocks are judged, each where it is written (base, inline patch, patch file), with the overlay', () => {
  const files = fixture('json-ops');
  assert.deepEqual(brief(files), [
    // kept from the base (host bits)
    'base/pool.yaml:7:13 network/pool-host-bits hostBits home/kustomization.yaml',
    // added by the JSON6902 patch file at /spec/blocks/0: holds the gateway
    'home/first-block.yaml:4:11 network/pool-reserved-address gateway home/kustomization.yaml',
    // the range keeps its base `start`; its `stop` (10.50.0.250), which the inline patch wrote, makes the overlap:
    // reported there
    'home/kustomization.yaml:14:16 network/pool-overlap overlap home/kustomization.yaml',
    // appended by the inline patch (/spec/blocks/-): outside the LAN
    'home/kustomization.yaml:18:17 network/pool-outside-lan outside home/kustomization.yaml',
  ]);
  // the overlap is the patched range's (stop 10.50.0.250), and names the overlay as a related location
  const overlap = lintRepo(files, [poolOverlap])[0]!;
  assert.deepEqual(overlap.data, { pool: 'lan', block: '10.50.0.100-10.50.0.250', other: 'other', otherBlock: '10.50.0.240/28', overlap: '10.50.0.240-10.50.0.250', overlay: 'home/kustomization.yaml' });
  assert.deepEqual(overlap.related?.map((r) => `${r.file}:${r.range.start.line}`), ['base/other.yaml:7', 'home/kustomization.yaml:6']);
  // the base block the overlay removes (10.70.0.0/24, outside the LAN) is not judged; without the overlay it is, and
  // the base's range and host bits are judged as written
  const { 'home/kustomization.yaml': _k, 'home/first-block.yaml': _f, ...unpatched } = files;
  assert.deepEqual(brief(unpatched), ['base/pool.yaml:7:13 network/pool-host-bits hostBits -', 'base/pool.yaml:10:13 network/pool-outside-lan outside -']);
});

test('per-cluster overlays of one base are judged per cluster, in their own groups', () => {
  const files = fixture('per-cluster');
  const groups = buildClusterGroups(parseRepo(files));
  assert.deepEqual(groups.map((g) => `${g.name}: ${renderedPools(g).pools.map((r) => `${r.pool.name} ${r.pool.blocks.map((b) => b.text).join(' ')}`).join('; ')}`), ['a: lan 10.50.0.200/28', 'b: b-lan 10.50.0.230-10.50.0.255']);
  assert.deepEqual(brief(files), [
    // a: the strategic-merge patch file's list replaced the base's
    'clusters/a/pool.yaml:7:13 network/pool-host-bits hostBits clusters/a/kustomization.yaml',
    // b: the inline patch's range ends on the LAN's broadcast address (its `stop`), in the renamed pool
    'clusters/b/kustomization.yaml:13:19 network/pool-network-broadcast edge clusters/b/kustomization.yaml',
  ]);
  const edge = lintRepo(files, POOL_RULES).find((d) => d.ruleId === 'network/pool-network-broadcast')!;
  assert.equal(edge.data?.['pool'], 'b-lan');
  // the base's /23 (both clusters replace it) is not judged; the patch file is not judged a second time on its own
  assert.ok(!lintRepo(files, POOL_RULES).some((d) => d.file === 'base/pool.yaml'));
});

test('two overlays in one cluster group: a base block both keep is one finding naming both; their pools are not compared with each other', () => {
  const files = fixture('envs');
  assert.deepEqual(brief(files), ['base/pool.yaml:7:13 network/pool-host-bits hostBits envs/x/kustomization.yaml, envs/y/kustomization.yaml']);
  const [f] = lintRepo(files, [poolHostBits]);
  assert.deepEqual(f!.related?.map((r) => `${r.file}:${r.range.start.line}`), ['envs/x/kustomization.yaml:4', 'envs/y/kustomization.yaml:4']);
  // x's lan (10.50.0.64/28) and y's other (10.50.0.64/28) are variants of different overlays: no overlap; within y,
  // lan and other are compared
  assert.deepEqual(brief(files, [poolOverlap]), []);
  const clash = { ...files, 'envs/y/kustomization.yaml': files['envs/y/kustomization.yaml']!.replace('10.50.0.96/28', '10.50.0.72/29') };
  assert.deepEqual(brief(clash, [poolOverlap]), ['envs/y/kustomization.yaml:13:16 network/pool-overlap overlap envs/y/kustomization.yaml']);
});

/** A base pool with a block that has host bits and lies outside the LAN, and an overlay of it with `patches`. */
const LAN = {
  'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n  gateway: 10.50.0.1\n',
  'l2.yaml': 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n',
};
const BASE = { ...LAN, 'base/kustomization.yaml': 'resources:\n  - pool.yaml\n', 'base/pool.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 10.60.0.200/28\n    - cidr: 10.50.0.224/28\n' };
const overlay = (patches: string, extra: Record<string, string> = {}): Record<string, string> => ({ ...BASE, 'home/kustomization.yaml': `resources:\n  - ../base\npatches:\n${patches}`, ...extra });
const smp = (spec: string): string => `  - patch: |-\n      apiVersion: cilium.io/v2\n      kind: CiliumLoadBalancerIPPool\n      metadata:\n        name: lan\n${spec}`;
const json = (ops: string): string => `  - target: {kind: CiliumLoadBalancerIPPool, name: lan}\n    patch: |-\n${ops}`;

test('patches a rendering follows: strategic merge with null and `$patch: replace`, JSON6902 add at the end index, copy, move and test', (t) => {
  const cases: Array<[string, Record<string, string>, string[]]> = [
    // `blocks: null` deletes the list: the rendered pool has no blocks (at the inline patch's spec)
    ['null', overlay(smp('      spec:\n        blocks: null\n        disabled: true\n')), ['home/kustomization.yaml:9:7 network/pool-block-invalid noBlocks home/kustomization.yaml']],
    // `$patch: replace` on spec: the base's blocks are gone, the patch's are judged
    ['replace', overlay(smp('      spec:\n        $patch: replace\n        blocks:\n          - cidr: 10.50.0.300/28\n')), ['home/kustomization.yaml:12:19 network/pool-block-invalid invalidCidr home/kustomization.yaml']],
    // add at index == length appends; the base's first block stays (host bits, outside the LAN)
    ['add-end', overlay(json('      - op: add\n        path: /spec/blocks/2\n        value: {cidr: 10.50.0.0/30}\n')), [
      'base/pool.yaml:7:13 network/pool-host-bits hostBits home/kustomization.yaml',
      'base/pool.yaml:7:13 network/pool-outside-lan outside home/kustomization.yaml',
      'home/kustomization.yaml:8:23 network/pool-reserved-address gateway home/kustomization.yaml',
    ]],
    // test, move the first block to the end and copy it: the moved block and its copy keep the base's place (one
    // finding there)
    ['move-copy', overlay(json('      - op: test\n        path: /spec/blocks/0/cidr\n        value: 10.60.0.200/28\n      - op: move\n        from: /spec/blocks/0\n        path: /spec/blocks/-\n      - op: copy\n        from: /spec/blocks/1\n        path: /spec/blocks/-\n')), [
      'base/pool.yaml:7:13 network/pool-host-bits hostBits home/kustomization.yaml',
      'base/pool.yaml:7:13 network/pool-outside-lan outside home/kustomization.yaml',
    ]],
  ];
  for (const [name, files, want] of cases) assert.deepEqual(brief(files), want, name);
  for (const [, files] of cases) agreesWithKustomize(t, files, ['home']);
});

test('patches that cannot be applied with certainty keep the conservative skip in their overlay: neither the base nor a rendering is judged there', () => {
  // the base alone: its first block has host bits and lies outside the LAN
  assert.deepEqual(brief(BASE), ['base/pool.yaml:7:13 network/pool-host-bits hostBits -', 'base/pool.yaml:7:13 network/pool-outside-lan outside -']);
  const uncertain: Record<string, Record<string, string>> = {
    'unreadable inline patch': overlay(json('      - op: replace\n        path: [unreadable\n')),
    'missing patch file': overlay('  - target: {kind: CiliumLoadBalancerIPPool, name: lan}\n    path: missing.yaml\n'),
    '$patch: delete of the pool': overlay(smp('      $patch: delete\n')),
    '$patch: delete in a block': overlay(smp('      spec:\n        blocks:\n          - cidr: 10.60.0.200/28\n            $patch: delete\n')),
    '$retainKeys': overlay(smp('      spec:\n        $retainKeys: [blocks]\n        blocks:\n          - cidr: 10.60.0.200/28\n')),
    'negative list index (not modelled)': overlay(json('      - op: replace\n        path: /spec/blocks/-1/cidr\n        value: 10.60.0.192/28\n')),
    'an operation kustomize fails on (missing index)': overlay(json('      - op: replace\n        path: /spec/blocks/5/cidr\n        value: 10.60.0.192/28\n')),
    'a failed test': overlay(json('      - op: test\n        path: /spec/blocks/0/cidr\n        value: 10.99.0.0/24\n      - op: replace\n        path: /spec/blocks/0/cidr\n        value: 10.60.0.192/28\n')),
    'an unknown operation': overlay(json('      - op: merge\n        path: /spec/blocks/0\n        value: {cidr: 10.60.0.192/28}\n')),
    'a templated patch (Flux substitution)': overlay(json('      - op: replace\n        path: /spec/blocks/0/cidr\n        value: ${LB_CIDR}\n')),
  };
  for (const [name, files] of Object.entries(uncertain)) {
    assert.deepEqual(brief(files), [], name);
    assert.deepEqual(buildClusterGroups(parseRepo(files)).flatMap((g) => renderedPools(g).pools), [], `${name}: no rendering`);
  }
  // one certain overlay next to an uncertain one: the certain rendering is judged, the base is not
  const both = { ...overlay(json('      - op: replace\n        path: /spec/blocks/0/cidr\n        value: 10.60.0.192/28\n')), 'away/kustomization.yaml': `resources:\n  - ../base\npatches:\n${json('      - op: replace\n        path: [unreadable\n')}` };
  assert.deepEqual(brief(both), ['home/kustomization.yaml:8:16 network/pool-outside-lan outside home/kustomization.yaml']);
  // the skip is per overlay: a kustomization that ships the base unpatched next to the uncertain one deploys it as
  // written, judged so (before, any uncertain overlay hid the base from every judgement)
  const plainToo = { ...uncertain['a templated patch (Flux substitution)']!, 'plain/kustomization.yaml': 'resources:\n  - ../base\n' };
  assert.deepEqual(brief(plainToo), ['base/pool.yaml:7:13 network/pool-host-bits hostBits -', 'base/pool.yaml:7:13 network/pool-outside-lan outside -']);
  assert.deepEqual(brief({ ...both, 'plain/kustomization.yaml': 'resources:\n  - ../base\n' }), [
    'base/pool.yaml:7:13 network/pool-host-bits hostBits -',
    'base/pool.yaml:7:13 network/pool-outside-lan outside -',
    'home/kustomization.yaml:8:16 network/pool-outside-lan outside home/kustomization.yaml',
  ]);
});

test('network/pool-block-invalid judges the rendered blocks: one a patch breaks is reported in the patch, one it removes is not', () => {
  const broken = { ...BASE, 'base/pool.yaml': BASE['base/pool.yaml'].replace('10.60.0.200/28', '10.60.0.300/28') };
  assert.deepEqual(brief(broken, [poolBlockInvalid]), ['base/pool.yaml:7:13 network/pool-block-invalid invalidCidr -']);
  const removed = { ...overlay(json('      - op: remove\n        path: /spec/blocks/0\n')), 'base/pool.yaml': broken['base/pool.yaml'] };
  assert.deepEqual(brief(removed, [poolBlockInvalid]), []);
  const swapped = overlay(json('      - op: replace\n        path: /spec/blocks/1\n        value: {start: 10.50.0.240, stop: 10.50.0.230}\n'));
  assert.deepEqual(brief(swapped, [poolBlockInvalid]), ['home/kustomization.yaml:8:24 network/pool-block-invalid startAfterStop home/kustomization.yaml']);
  // a strategic-merge patch file with an empty list: the rendering has no blocks (the file itself is a partial pool)
  const emptied = overlay('  - path: pool.yaml\n', { 'home/pool.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks: []\n' });
  assert.deepEqual(brief(emptied, [poolBlockInvalid]), ['home/pool.yaml:5:1 network/pool-block-invalid noBlocks home/kustomization.yaml']);
  assert.deepEqual(brief(emptied, [poolOutsideLan, poolHostBits]), []);
});

test('network/service-ip-not-in-pool judges a requested IP against the pools of each overlay that builds the Service, findings of several overlays merged', (t) => {
  const files = fixture('service-ips');
  agreesWithKustomize(t, files, ['envs/x', 'envs/y']);
  const found = lintRepo(files, [serviceIpNotInPool]);
  assert.deepEqual(brief(files, [serviceIpNotInPool]), [
    // 10.50.0.100: only y's lan holds it (its added 10.50.0.96/28)
    'apps/svc.yaml:20:27 network/service-ip-not-in-pool noPool envs/x/kustomization.yaml',
    // 10.50.0.245: x keeps other at 10.50.0.240/28, y moves it to 10.50.0.64/28
    'apps/svc.yaml:32:27 network/service-ip-not-in-pool noPool envs/y/kustomization.yaml',
    // 10.50.0.10: in no overlay's pools: one finding naming both
    'apps/svc.yaml:44:27 network/service-ip-not-in-pool noPool envs/x/kustomization.yaml, envs/y/kustomization.yaml',
    // built by no overlay: judged against every overlay's pools at once (10.50.0.100 is in y's)
    'outside/svc.yaml:20:27 network/service-ip-not-in-pool noPool -',
  ]);
  assert.deepEqual(found.map((d) => d.data), [
    { ip: '10.50.0.100', overlay: 'envs/x/kustomization.yaml' },
    { ip: '10.50.0.245', overlay: 'envs/y/kustomization.yaml' },
    { ip: '10.50.0.10', overlay: 'envs/x/kustomization.yaml, envs/y/kustomization.yaml' },
    { ip: '10.50.0.11' },
  ]);
  // the related pools are the rendered ones (y's other: its block list in the base, its cidr from y's patch) and the overlay
  assert.deepEqual(found[1]!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column} ${r.message}`), [
    'envs/y/kustomization.yaml:9:9 pool "lan" (no block holds 10.50.0.245)',
    'envs/y/kustomization.yaml:14:9 pool "other" (no block holds 10.50.0.245)',
    'envs/y/kustomization.yaml:5:5 the pools as overlay envs/y/kustomization.yaml renders them',
  ]);
  // without the overlays the base pools as written are judged: 10.50.0.70 and 10.50.0.100 are in none of them
  const bare = Object.fromEntries(Object.entries(files).filter(([f]) => !f.startsWith('envs/')));
  assert.deepEqual(brief(bare, [serviceIpNotInPool]), ['apps/svc.yaml:8:27 network/service-ip-not-in-pool noPool -', 'apps/svc.yaml:20:27 network/service-ip-not-in-pool noPool -', 'apps/svc.yaml:44:27 network/service-ip-not-in-pool noPool -', 'outside/svc.yaml:8:27 network/service-ip-not-in-pool noPool -', 'outside/svc.yaml:20:27 network/service-ip-not-in-pool noPool -']);
});

test('network/service-ip-not-in-pool keeps the conservative skip for a pool a patch makes uncertain in the overlays where it is (no noPool finding), judges the others, and still reports an IP that is no address', () => {
  const files = fixture('service-ips');
  // y's patch of other is templated: y's pools are uncertain (other may hold any address), x ships other as written
  const uncertain = { ...files, 'envs/y/kustomization.yaml': files['envs/y/kustomization.yaml']!.replace('value: 10.50.0.64/28', 'value: ${OTHER_CIDR}') };
  assert.deepEqual(brief(uncertain, [serviceIpNotInPool]), [
    // judged in x's view only (x's lan: 10.50.0.200/28 and 10.50.0.64/28; other as written: 10.50.0.240/28); y's
    // view and outside/svc.yaml (built by no overlay: every pool, y's uncertain other too) say nothing
    'apps/svc.yaml:20:27 network/service-ip-not-in-pool noPool envs/x/kustomization.yaml',
    'apps/svc.yaml:44:27 network/service-ip-not-in-pool noPool envs/x/kustomization.yaml',
  ]);
  // x's view holds other as x ships it: the finding names it among the eligible pools
  const [first] = lintRepo(uncertain, [serviceIpNotInPool]);
  assert.deepEqual(first!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`), ['envs/x/kustomization.yaml:9:9', 'base/other.yaml:6:3', 'envs/x/kustomization.yaml:5:5']);
  // uncertain in both overlays: nothing anywhere
  const both = { ...uncertain, 'envs/x/kustomization.yaml': files['envs/x/kustomization.yaml']!.replace('value: {cidr: 10.50.0.64/28}', 'value: {cidr: ${LAN_CIDR}}') };
  assert.deepEqual(brief(both, [serviceIpNotInPool]), []);
  const invalid = { ...uncertain, 'apps/svc.yaml': files['apps/svc.yaml']!.replace('10.50.0.10"', '10.50.0.300"') };
  assert.deepEqual(brief(invalid, [serviceIpNotInPool]), ['apps/svc.yaml:20:27 network/service-ip-not-in-pool noPool envs/x/kustomization.yaml', 'apps/svc.yaml:44:27 network/service-ip-not-in-pool invalid -']);
  // a pool whose serviceSelector (never patched) excludes the Service cannot serve it, uncertain or not
  const selective = { ...uncertain, 'base/other.yaml': `${files['base/other.yaml']}  serviceSelector:\n    matchLabels:\n      pool: other\n` };
  const sel = { ...selective, 'apps/svc.yaml': files['apps/svc.yaml']!.replaceAll('  namespace: default\n', '  namespace: default\n  labels:\n    pool: lan\n') };
  assert.deepEqual(brief(sel, [serviceIpNotInPool]), [
    // 10.50.0.70: y's lan does not hold it, and its uncertain other is not a pool of y's view
    'apps/svc.yaml:10:27 network/service-ip-not-in-pool noPool envs/y/kustomization.yaml',
    'apps/svc.yaml:24:27 network/service-ip-not-in-pool noPool envs/x/kustomization.yaml',
    // 10.50.0.245: other (uncertain through y, out of y's view; it could not serve the Service anyway) is in x's view
    // as x ships it: it holds the address, its serviceSelector does not select the Service
    'apps/svc.yaml:38:27 network/service-ip-not-in-pool noPool envs/y/kustomization.yaml',
    'apps/svc.yaml:38:27 network/service-ip-not-in-pool selector envs/x/kustomization.yaml',
    'apps/svc.yaml:52:27 network/service-ip-not-in-pool noPool envs/x/kustomization.yaml, envs/y/kustomization.yaml',
  ]);
});

test('talium plan lists the pools as the overlays render them, and an uncertain one as written', () => {
  const files = fixture('service-ips');
  const [g] = buildClusterGroups(parseRepo(files));
  const pools = planJson(g!)['pools'] as Array<Record<string, unknown>>;
  assert.deepEqual(pools.map((p) => `${String(p['name'])} ${(p['blocks'] as string[]).join(' ')} ${JSON.stringify(p['overlay'] ?? null)}${p['uncertain'] ? ' uncertain' : ''}`), [
    'lan 10.50.0.192-10.50.0.207 10.50.0.64-10.50.0.79 {"file":"envs/x/kustomization.yaml","line":5,"column":5}',
    'lan 10.50.0.192-10.50.0.207 10.50.0.96-10.50.0.111 {"file":"envs/y/kustomization.yaml","line":5,"column":5}',
    'other 10.50.0.64-10.50.0.79 {"file":"envs/y/kustomization.yaml","line":10,"column":5}',
    // x deploys other unpatched: as written too
    'other 10.50.0.240-10.50.0.255 null',
  ]);
  const uncertain = { ...files, 'envs/y/kustomization.yaml': files['envs/y/kustomization.yaml']!.replace('value: 10.50.0.64/28', 'value: ${OTHER_CIDR}') };
  const [u] = buildClusterGroups(parseRepo(uncertain));
  // other: as x ships it (certain), and uncertain (as written; y's patch may change it)
  assert.deepEqual((planJson(u!)['pools'] as Array<Record<string, unknown>>).map((p) => `${String(p['name'])}${p['uncertain'] ? ' uncertain' : ''}`), ['lan', 'lan', 'other', 'other uncertain']);
});

/**
 * `files` with the patches at `listPath` of the document in `holder` appended to the `patches` of the kustomization
 * `kust`: what Flux's kustomize-controller (fluxcd/pkg kustomize generator) and Argo CD do before building the folder.
 */
function withRootPatches(files: Record<string, string>, holder: string, listPath: readonly string[], kust: string, ids: Readonly<Record<string, string>> = {}): Record<string, string> {
  let list: unknown = parse(files[holder]!);
  for (const k of listPath) list = (list as Record<string, unknown>)[k];
  const k = parse(files[kust]!) as Record<string, unknown>;
  k['patches'] = [...((k['patches'] as unknown[]) ?? []), ...(list as unknown[])];
  // Flux's targetNamespace / namePrefix / nameSuffix and Argo CD's kustomize.namespace / namePrefix / nameSuffix
  // replace the kustomization's own
  Object.assign(k, ids);
  return { ...files, [kust]: stringify(k) };
}

test('a Flux Kustomization\'s spec.patches (JSON6902 with target, strategic merge) render the pools of the folder it builds: judged where the patch writes them', (t) => {
  const files = fixture('flux-patches');
  rootAgreesWithKustomize(t, files, 'clusters/home/flux/lb.yaml', ['spec', 'patches'], 'infra/lb');
  // talium's renderings are the Flux Kustomization's, and agree with kubectl's output of the patched folder
  const groups = buildClusterGroups(parseRepo(files));
  assert.deepEqual(groups.flatMap((g) => renderedPools(g).pools.map((r) => `${r.pool.name} ${JSON.stringify(r.pool.get(['spec']))} ${r.pool.overlay?.kustomization.file.path}`)), [
    'lan {"blocks":[{"cidr":"10.50.0.241/28"}]} clusters/home/flux/lb.yaml',
    'other {"blocks":[{"start":"10.50.0.230","stop":"10.50.0.235"}]} clusters/home/flux/lb.yaml',
  ]);
  const all = [...POOL_RULES, serviceIpNotInPool];
  assert.deepEqual(brief(files, all), [
    // 10.50.0.105 is only in other as written; 10.50.0.232 is in its patched range (no finding)
    'apps/svc.yaml:20:27 network/service-ip-not-in-pool noPool -',
    // the replaced cidr, in the Flux Kustomization's inline patch; the base's 10.60.0.0/24 (outside the LAN) is gone
    'clusters/home/flux/lb.yaml:20:18 network/pool-host-bits hostBits clusters/home/flux/lb.yaml',
  ]);
  const [hb] = lintRepo(files, [poolHostBits]);
  assert.equal(hb!.data?.['overlay'], 'clusters/home/flux/lb.yaml');
  assert.deepEqual(hb!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`), ['clusters/home/flux/lb.yaml:14:7']);
  // the noPool finding names the rendered pools, where the Flux patches write their blocks
  const [np] = lintRepo(files, [serviceIpNotInPool]);
  assert.deepEqual(np!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`), ['clusters/home/flux/lb.yaml:20:11', 'clusters/home/flux/lb.yaml:27:11']);
  // a folder without a kustomization: Flux generates one taking every manifest below, the same renderings
  const { 'infra/lb/kustomization.yaml': _k, ...generated } = files;
  assert.deepEqual(brief(generated, all), brief(files, all));
  // a templated Flux patch keeps the conservative skip: neither the base nor a rendering is judged, no noPool
  const templated = { ...files, 'clusters/home/flux/lb.yaml': files['clusters/home/flux/lb.yaml']!.replace('value: 10.50.0.241/28', 'value: ${LB_CIDR}') };
  assert.deepEqual(brief(templated, all), []);
});

test('an Argo CD source\'s kustomize.patches (inline JSON6902, a strategic-merge patch file by path) render the pools of its folder', (t) => {
  const files = fixture('argo-patches');
  rootAgreesWithKustomize(t, files, 'argo/lb.yaml', ['spec', 'source', 'kustomize', 'patches'], 'infra/lb');
  assert.deepEqual(brief(files, [...POOL_RULES, serviceIpNotInPool]), [
    'apps/svc.yaml:20:27 network/service-ip-not-in-pool noPool -',
    'argo/lb.yaml:22:22 network/pool-host-bits hostBits argo/lb.yaml',
  ]);
  // other's blocks come from the patch file (not judged again as a pool of its own)
  const [np] = lintRepo(files, [serviceIpNotInPool]);
  assert.deepEqual(np!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`), ['argo/lb.yaml:22:15', 'infra/lb/other-patch.yaml:6:3']);
  // talium plan: the pools as the Application renders them
  const [g] = buildClusterGroups(parseRepo(files));
  assert.deepEqual((planJson(g!)['pools'] as Array<Record<string, unknown>>).map((p) => `${String(p['name'])} ${(p['blocks'] as string[]).join(' ')} ${JSON.stringify(p['overlay'])}`), [
    'lan 10.50.0.240-10.50.0.255 {"file":"argo/lb.yaml","line":16,"column":11}',
    'other 10.50.0.230-10.50.0.235 {"file":"argo/lb.yaml","line":23,"column":11}',
  ]);
});

/**
 * Asserts talium renders the pools of the folder `dir` that the Flux Kustomization / Argo CD Application in `holder`
 * builds and patches (its patches at `listPath`) as `kubectl kustomize` builds the folder with those patches appended.
 */
function rootAgreesWithKustomize(t: { skip: (m: string) => void }, files: Record<string, string>, holder: string, listPath: readonly string[], dir: string, ids: Readonly<Record<string, string>> = {}): void {
  if (!hasKubectl) return t.skip('kubectl not installed: cannot run kubectl kustomize to check the renderings');
  const emulated = withRootPatches(files, holder, listPath, `${dir}/kustomization.yaml`, ids);
  const want = kustomize(emulated, dir);
  assert.ok(want.size > 0, `kubectl kustomize ${dir} outputs pools`);
  // a pool no patch changes is its base as written, under the name the folder's build gives it
  const k = parse(emulated[`${dir}/kustomization.yaml`]!) as Record<string, unknown>;
  const rename = (name: string): string => `${String(k['namePrefix'] ?? '')}${name}${String(k['nameSuffix'] ?? '')}`;
  assert.deepEqual(Object.fromEntries(rendered(files, dir, want, holder, rename)), Object.fromEntries(want), `talium's rendering of ${dir} by ${holder}`);
}

/**
 * flux-patches with a folder kustomization that has a namePrefix and a patchesJson6902 of lan, and Flux patches:
 * one replacing lan's blocks, and one naming other by its prefixed name.
 */
const ORDER_KUST = `resources:
  - pool.yaml
  - other.yaml
namePrefix: home-
patchesJson6902:
  - target:
      kind: CiliumLoadBalancerIPPool
      name: lan
    patch: |-
      - op: replace
        path: /spec/blocks/0/cidr
        value: 10.50.0.16/28
`;
const ORDER_FLUX = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: lb
  namespace: flux-system
spec:
  interval: 10m
  path: ./infra/lb
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  patches:
    - target:
        kind: CiliumLoadBalancerIPPool
        name: lan
      patch: |-
        - op: replace
          path: /spec/blocks
          value:
            - cidr: 10.50.0.64/28
            - cidr: 10.50.0.96/27
    - target:
        kind: CiliumLoadBalancerIPPool
        name: home-other
      patch: |-
        - op: replace
          path: /spec/blocks/0/cidr
          value: 10.50.0.128/28
`;

/** Each group's renderings as `name spec overlay`. */
const renderings = (files: Record<string, string>): string[] =>
  buildClusterGroups(parseRepo(files)).flatMap((g) => renderedPools(g).pools.map((r) => `${r.pool.name} ${JSON.stringify(r.pool.get(['spec']))} ${r.pool.overlay?.kustomization.file.path}`));

test('a Flux Kustomization\'s patches apply where kustomize-controller writes them: after the folder\'s own patches, before its namePrefix and patchesJson6902', (t) => {
  const files = { ...fixture('flux-patches'), 'infra/lb/kustomization.yaml': ORDER_KUST, 'clusters/home/flux/lb.yaml': ORDER_FLUX };
  rootAgreesWithKustomize(t, files, 'clusters/home/flux/lb.yaml', ['spec', 'patches'], 'infra/lb');
  // lan: the Flux patch's blocks, then the folder's patchesJson6902 replaces the first one's cidr (applied after
  // the Flux patches, not before); other: the Flux patch targets home-other, a name other has only after the
  // folder's namePrefix, which kustomize applies after `patches`: it selects nothing
  assert.deepEqual(renderings(files), ['home-lan {"blocks":[{"cidr":"10.50.0.16/28"},{"cidr":"10.50.0.96/27"}]} clusters/home/flux/lb.yaml']);
  const all = [...POOL_RULES, serviceIpNotInPool];
  assert.deepEqual(brief(files, all), [
    // 10.50.0.232 is in no pool (other keeps 10.50.0.100/28); 10.50.0.105 is in other
    'apps/svc.yaml:8:27 network/service-ip-not-in-pool noPool -',
    // the Flux patch's second block (kept: the folder's patchesJson6902 replaces only the first) overlaps other
    'clusters/home/flux/lb.yaml:22:21 network/pool-overlap overlap clusters/home/flux/lb.yaml',
    // other as written (no patch changes it): host bits
    'infra/lb/other.yaml:7:13 network/pool-host-bits hostBits -',
  ]);
  // the noPool finding names other as written and home-lan where its blocks were last written: the folder's
  // patchesJson6902, applied after the Flux patch
  const [np] = lintRepo(files, [serviceIpNotInPool]);
  assert.deepEqual(np!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`), ['infra/lb/other.yaml:6:3', 'infra/lb/kustomization.yaml:12:9']);
  // talium plan: the same rendering, its overlay the Flux Kustomization's first patch that changed it
  const [g] = buildClusterGroups(parseRepo(files));
  assert.deepEqual((planJson(g!)['pools'] as Array<Record<string, unknown>>).map((p) => `${String(p['name'])} ${(p['blocks'] as string[]).join(' ')} ${JSON.stringify(p['overlay'] ?? null)}`), [
    'other 10.50.0.96-10.50.0.111 null',
    'home-lan 10.50.0.16-10.50.0.31 10.50.0.96-10.50.0.127 {"file":"clusters/home/flux/lb.yaml","line":14,"column":7}',
  ]);
});

test('a Flux Kustomization\'s targetNamespace and namePrefix replace the folder\'s: its patches select by the ids before them, the folder\'s patchesJson6902 by the ids after', (t) => {
  const kust = ORDER_KUST.replace('namePrefix: home-\n', 'namespace: apps\nnamePrefix: home-\n').replace('      name: lan\n', '      name: flux-lan\n      namespace: lb\n');
  const flux = ORDER_FLUX.replace('  patches:\n', '  targetNamespace: lb\n  namePrefix: flux-\n  patches:\n').replace('name: home-other', 'name: other\n        namespace: lb');
  const files = { ...fixture('flux-patches'), 'infra/lb/kustomization.yaml': kust, 'clusters/home/flux/lb.yaml': flux };
  rootAgreesWithKustomize(t, files, 'clusters/home/flux/lb.yaml', ['spec', 'patches'], 'infra/lb', { namespace: 'lb', namePrefix: 'flux-' });
  // lan: renamed flux-lan in namespace lb before the folder's patchesJson6902, which selects it by those; other:
  // the Flux patch selects namespace lb, which the pool has only after the Flux patches
  assert.deepEqual(renderings(files), ['flux-lan {"blocks":[{"cidr":"10.50.0.16/28"},{"cidr":"10.50.0.96/27"}]} clusters/home/flux/lb.yaml']);
});

test('an Argo CD source\'s patches apply before the folder\'s patchesJson6902, its kustomize.namePrefix replacing the folder\'s', (t) => {
  const files = fixture('argo-patches');
  files['infra/lb/kustomization.yaml'] = `resources:
  - pool.yaml
  - other.yaml
namePrefix: x-
patchesJson6902:
  - target:
      kind: CiliumLoadBalancerIPPool
      name: argo-lan
    patch: |-
      - op: add
        path: /spec/blocks/-
        value:
          cidr: 10.50.0.64/28
`;
  files['argo/lb.yaml'] = files['argo/lb.yaml']!.replace('    kustomize:\n', '    kustomize:\n      namePrefix: argo-\n');
  rootAgreesWithKustomize(t, files, 'argo/lb.yaml', ['spec', 'source', 'kustomize', 'patches'], 'infra/lb', { namePrefix: 'argo-' });
  // the folder's patchesJson6902 selects lan by the name Argo CD's prefix gives it, after the Application's patches
  assert.deepEqual(renderings(files), [
    'argo-lan {"blocks":[{"cidr":"10.50.0.241/28"},{"cidr":"10.50.0.64/28"}]} argo/lb.yaml',
    'argo-other {"blocks":[{"start":"10.50.0.230","stop":"10.50.0.235"}]} argo/lb.yaml',
  ]);
  const [g] = buildClusterGroups(parseRepo(files));
  assert.deepEqual((planJson(g!)['pools'] as Array<Record<string, unknown>>).map((p) => `${String(p['name'])} ${(p['blocks'] as string[]).join(' ')} ${JSON.stringify(p['overlay'])}`), [
    'argo-lan 10.50.0.240-10.50.0.255 10.50.0.64-10.50.0.79 {"file":"argo/lb.yaml","line":17,"column":11}',
    'argo-other 10.50.0.230-10.50.0.235 {"file":"argo/lb.yaml","line":24,"column":11}',
  ]);
});

test('a patchesJson6902 entry naming a pool by the name the kustomization\'s namePrefix gives it patches it (kustomize applies it after the prefix)', (t) => {
  const { 'clusters/home/flux/lb.yaml': _flux, ...files } = fixture('flux-patches');
  files['infra/lb/kustomization.yaml'] = `resources:
  - pool.yaml
  - other.yaml
namePrefix: home-
patches:
  - target:
      kind: CiliumLoadBalancerIPPool
      name: other
    patch: |-
      - op: replace
        path: /spec/blocks/0/cidr
        value: 10.50.0.96/28
patchesJson6902:
  - target:
      kind: CiliumLoadBalancerIPPool
      name: home-lan
    patch: |-
      - op: replace
        path: /spec/blocks/0/cidr
        value: 10.50.0.16/28
`;
  agreesWithKustomize(t, files, ['infra/lb']);
  assert.deepEqual(renderings(files), [
    'home-lan {"blocks":[{"cidr":"10.50.0.16/28"}]} infra/lb/kustomization.yaml',
    'home-other {"blocks":[{"cidr":"10.50.0.96/28"}]} infra/lb/kustomization.yaml',
  ]);
  // lan's 10.60.0.0/24 (outside the LAN) is replaced: not judged; 10.50.0.232 is in no pool, 10.50.0.105 in
  // home-other's 10.50.0.96/28
  assert.deepEqual(brief(files, [...POOL_RULES, serviceIpNotInPool]), ['apps/svc.yaml:8:27 network/service-ip-not-in-pool noPool -']);
  // the same target in the kustomization's `patches` (applied before the prefix) selects nothing: lan as written
  const before = { ...files, 'infra/lb/kustomization.yaml': files['infra/lb/kustomization.yaml']!.replace('patchesJson6902:', 'patches:').replace(/^patches:\n  - target:\n      kind: CiliumLoadBalancerIPPool\n      name: other\n[^]*?(?=^patches:)/m, '') };
  assert.deepEqual(renderings(before), []);
  assert.deepEqual(brief(before, [...POOL_RULES, serviceIpNotInPool]), [
    'apps/svc.yaml:8:27 network/service-ip-not-in-pool noPool -',
    'infra/lb/other.yaml:7:13 network/pool-host-bits hostBits -',
    'infra/lb/pool.yaml:7:13 network/pool-outside-lan outside -',
  ]);
});

test('a base one overlay patches and another ships unchanged is judged as shipped (no finding against its own rendering)', () => {
  const files = fixture('envs');
  // base `other` as written holds the gateway 10.50.0.1; overlay y moves it to .64/28, overlay x ships it unchanged
  files['base/other.yaml'] = files['base/other.yaml']!.replace('10.50.0.240/28', '10.50.0.0/28');
  const got = brief(files);
  // judged as x ships it: at the base block, no overlay (the as-written pool); y's rendering (.64/28) is clean
  assert.ok(got.includes('base/other.yaml:7:13 network/pool-reserved-address gateway -'), got.join('\n'));
  assert.ok(!got.some((l) => l.includes('network/pool-overlap')), got.join('\n'));
  // every finding about base/other.yaml is the as-written one: no copy per overlay at the same place
  const atOther = got.filter((l) => l.startsWith('base/other.yaml'));
  assert.deepEqual(atOther.filter((l) => !l.endsWith(' -')), [], atOther.join('\n'));
});

test('a block whose range `stop` a patch wrote is reported at that stop, in the patch; the other pool of an overlap stays the related location', () => {
  const pool = (name: string, blocks: string): string => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ${name}\nspec:\n  blocks:\n${blocks}`;
  const base = {
    ...LAN,
    'base/kustomization.yaml': 'resources:\n  - lan.yaml\n  - other.yaml\n',
    'base/lan.yaml': pool('lan', '    - start: 10.50.0.100\n      stop: 10.50.0.110\n'),
    'base/other.yaml': pool('other', '    - cidr: 10.50.0.240/28\n'),
  };
  // home moves lan's stop to 10.50.0.250 (into other) and patches other's serviceSelector only: both are renderings,
  // lan's the earlier; the overlap is lan's patched stop, not other's base block
  const stopPatch = (stop: string): string => json(`      - op: replace\n        path: /spec/blocks/0/stop\n        value: ${stop}\n`);
  const files = {
    ...base,
    'home/kustomization.yaml': `resources:\n  - ../base\npatches:\n${stopPatch('10.50.0.250')}  - target: {kind: CiliumLoadBalancerIPPool, name: other}\n    patch: |-\n      - op: add\n        path: /spec/serviceSelector\n        value: {matchLabels: {pool: other}}\n`,
  };
  assert.deepEqual(brief(files), ['home/kustomization.yaml:8:16 network/pool-overlap overlap home/kustomization.yaml']);
  const [f] = lintRepo(files, [poolOverlap]);
  assert.deepEqual(f!.data, { pool: 'lan', block: '10.50.0.100-10.50.0.250', other: 'other', otherBlock: '10.50.0.240/28', overlap: '10.50.0.240-10.50.0.250', overlay: 'home/kustomization.yaml' });
  assert.deepEqual(f!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column} ${r.message}`), ['base/other.yaml:7:13 pool "other"', 'home/kustomization.yaml:4:5 pool "lan" as overlay home/kustomization.yaml renders it']);
  // a stop the patch moves out of the LAN, or onto the gateway's range: at the stop too
  const outside = { ...base, 'home/kustomization.yaml': `resources:\n  - ../base\npatches:\n${stopPatch('10.50.1.10')}` };
  assert.deepEqual(brief(outside, [poolOutsideLan]), ['home/kustomization.yaml:8:16 network/pool-outside-lan outside home/kustomization.yaml']);
  const low = { ...base, 'base/lan.yaml': pool('lan', '    - start: 10.50.0.1\n      stop: 10.50.0.1\n'), 'home/kustomization.yaml': `resources:\n  - ../base\npatches:\n${stopPatch('10.50.0.20')}` };
  assert.deepEqual(brief(low), ['home/kustomization.yaml:8:16 network/pool-reserved-address gateway home/kustomization.yaml']);
  // a patch of the `start` too (or of the whole block): at the start it wrote; a range the base wrote whole: at its
  // start in the base
  const startPatch = { ...base, 'home/kustomization.yaml': `resources:\n  - ../base\npatches:\n${json('      - op: replace\n        path: /spec/blocks/0/start\n        value: 10.50.0.245\n      - op: replace\n        path: /spec/blocks/0/stop\n        value: 10.50.0.250\n')}` };
  assert.deepEqual(brief(startPatch), ['home/kustomization.yaml:8:16 network/pool-overlap overlap home/kustomization.yaml']);
  const unpatched = { ...base, 'base/lan.yaml': pool('lan', '    - start: 10.50.0.100\n      stop: 10.50.0.250\n') };
  assert.deepEqual(brief(unpatched), ['base/other.yaml:7:13 network/pool-overlap overlap -']);
});

test('a strategic-merge patch without a target patches only the pool its metadata.name names: an uncertain one of another pool leaves this one judged', () => {
  const other = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: other\nspec:\n  blocks:\n    - cidr: 10.50.0.240/28\n';
  const templatedOf = (name: string) => `  - patch: |-\n      apiVersion: cilium.io/v2\n      kind: CiliumLoadBalancerIPPool\n      metadata:\n        name: ${name}\n      spec:\n        blocks:\n          - cidr: \${LB_CIDR}\n`;
  const files = (name: string) => ({ ...BASE, 'base/kustomization.yaml': 'resources:\n  - pool.yaml\n  - other.yaml\n', 'base/other.yaml': other, 'home/kustomization.yaml': `resources:\n  - ../base\npatches:\n${templatedOf(name)}` });
  // the uncertain patch names `other`: pool `lan` is shipped as written by home and judged there
  assert.deepEqual(brief(files('other')), ['base/pool.yaml:7:13 network/pool-host-bits hostBits -', 'base/pool.yaml:7:13 network/pool-outside-lan outside -']);
  // naming `lan`, the same patch keeps the conservative skip for lan (a name it cannot read: for any pool)
  assert.deepEqual(brief(files('lan')), []);
  assert.deepEqual(brief(files('${POOL}')), []);
});

test('a pool one overlay deletes (`$patch: delete`) is gone from that overlay only: another overlay of the group that ships the base unpatched deploys it, judged as written', (t) => {
  const del = smp('      $patch: delete\n');
  const files = { ...BASE, 'envs/x/kustomization.yaml': `resources:\n  - ../../base\npatches:\n${del}`, 'envs/y/kustomization.yaml': 'resources:\n  - ../../base\n' };
  // one group holds both overlays
  assert.deepEqual(buildClusterGroups(parseRepo(files)).map((g) => g.name), ['default']);
  if (!hasKubectl) t.diagnostic('kubectl not installed: the kustomize outputs are not checked');
  else {
    assert.deepEqual([...kustomize(files, 'envs/x').keys()], [], 'kubectl kustomize envs/x deletes the pool');
    assert.deepEqual([...kustomize(files, 'envs/y').keys()], ['lan'], 'kubectl kustomize envs/y ships it');
  }
  // y ships the base as written: its block with host bits outside the LAN is judged (before: the deletion in x hid it)
  assert.deepEqual(brief(files), ['base/pool.yaml:7:13 network/pool-host-bits hostBits -', 'base/pool.yaml:7:13 network/pool-outside-lan outside -']);
  // the deletion is certain: the pool is not an uncertain one (as written in talium plan)
  const [g] = buildClusterGroups(parseRepo(files));
  assert.deepEqual((planJson(g!)['pools'] as Array<Record<string, unknown>>).map((p) => `${String(p['name'])}${p['uncertain'] ? ' uncertain' : ''}`), ['lan']);
  assert.deepEqual([...renderedPools(g!).deleted.entries()].map(([base, by]) => `${base.file.path} ${[...by].map((k) => k.file.path).join(',')}`), ['base/pool.yaml envs/x/kustomization.yaml']);
  // a Service of y requesting an address of the pool is served; one outside it is not
  const svc = (ip: string): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\n  annotations:\n    lbipam.cilium.io/ips: ${ip}\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n`;
  const withSvc = (ip: string): Record<string, string> => ({ ...files, 'envs/y/kustomization.yaml': 'resources:\n  - ../../base\n  - svc.yaml\n', 'envs/y/svc.yaml': svc(ip) });
  assert.deepEqual(brief(withSvc('10.50.0.230'), [serviceIpNotInPool]), []);
  assert.deepEqual(brief(withSvc('10.50.0.100'), [serviceIpNotInPool]), ['envs/y/svc.yaml:7:27 network/service-ip-not-in-pool noPool -']);
  // only the deleting overlay builds the base: nothing deploys the pool, nothing is judged
  const { 'envs/y/kustomization.yaml': _y, ...onlyX } = files;
  assert.deepEqual(brief(onlyX), []);
  assert.deepEqual(planJson(buildClusterGroups(parseRepo(onlyX))[0]!)['pools'], []);
});
