/**
 * A pool folder applied twice: two Flux Kustomizations or two Argo CD Applications with the same path (in one
 * cluster, or one per cluster), or one base included by two overlays. One object per name and cluster: the renderings
 * are variants of one pool, never compared with each other (no pool overlaps itself), a block they share is one
 * finding, and a root that ships the folder unpatched next to one that patches it keeps the pool judged as written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildClusterGroups } from '../src/plan/index.js';
import { deployedAsWritten, renderedPools } from '../src/plan/pool-overlays.js';
import { POOL_BLOCK_FIELDS } from '../src/plan/lb.js';
import { NETWORK_RULES } from '../src/rules/network/index.js';
import poolOverlap from '../src/rules/network/pool-overlap.js';
import { lintRepo, parseRepo } from '../src/testing/rule-tester.js';

const POOL_RULES = NETWORK_RULES.filter((r) => r.meta.id.startsWith('network/pool-'));

/** Findings as `file:line:column rule messageId overlay` (overlay: data.overlay, or `-`). */
const brief = (files: Record<string, string>, rules = POOL_RULES): string[] =>
  lintRepo(files, rules).map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${d.messageId} ${String(d.data?.['overlay'] ?? '-')}`);

/**
 * infra/lb builds two pools: lan (a range 10.50.0.100-10.50.0.110, and 10.50.0.33/28 with host bits) and other
 * (10.50.0.240/28). The patch below moves lan's range `stop` to 10.50.0.250, into other.
 */
const FOLDER: Record<string, string> = {
  'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n  gateway: 10.50.0.1\n',
  'l2.yaml': 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n',
  'infra/lb/kustomization.yaml': 'resources:\n  - pool.yaml\n  - other.yaml\n',
  'infra/lb/pool.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - start: 10.50.0.100\n      stop: 10.50.0.110\n    - cidr: 10.50.0.33/28\n',
  'infra/lb/other.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: other\nspec:\n  blocks:\n    - cidr: 10.50.0.240/28\n',
};
const STOP_PATCH = '    - target:\n        kind: CiliumLoadBalancerIPPool\n        name: lan\n      patch: |-\n        - op: replace\n          path: /spec/blocks/0/stop\n          value: 10.50.0.250\n';

/** A Flux Kustomization `name` building infra/lb, with the stop patch when `patched`. */
const fluxKs = (name: string, patched: boolean): string =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./infra/lb\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${patched ? `  patches:\n${STOP_PATCH}` : ''}`;

/** An Argo CD Application `name` building infra/lb, with the stop patch (under kustomize.patches) when `patched`. */
const argoApp = (name: string, patched: boolean): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n  source:\n    repoURL: https://example.com/repo.git\n    path: infra/lb\n    targetRevision: main\n${patched ? `    kustomize:\n      patches:\n${STOP_PATCH.replace(/^/gm, '    ').replace(/\s+$/, '\n')}` : ''}`;

/** No finding compares a pool with itself (one name, or two renderings of one base document). */
function noSelfOverlap(files: Record<string, string>): void {
  for (const d of lintRepo(files, [poolOverlap])) {
    assert.notEqual(d.data?.['pool'], d.data?.['other'], `${d.file}:${d.range.start.line} compares pool ${String(d.data?.['pool'])} with itself`);
    assert.ok(!d.related?.some((r) => r.file === d.file && r.range.start.line === d.range.start.line), `${d.file}:${d.range.start.line} relates to its own block`);
  }
}

/** Every finding's place, rule, message and data is reported once. */
function noDuplicates(files: Record<string, string>): void {
  const keys = lintRepo(files, POOL_RULES).map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${JSON.stringify(d.data)}`);
  assert.deepEqual(keys, [...new Set(keys)]);
}

test('two Flux Kustomizations with the same path in one cluster, both patching: one pool, each shared block one finding naming both', () => {
  const files = { ...FOLDER, 'clusters/home/flux/lb.yaml': fluxKs('lb', true), 'clusters/home/flux/lb2.yaml': fluxKs('lb2', true) };
  const groups = buildClusterGroups(parseRepo(files));
  assert.equal(groups.length, 1);
  // both apply one object named lan (kustomize-controller applies both with one field manager: the last apply wins,
  // fluxcd/kustomize-controller#1724): two renderings of one pool, the base never deployed as written
  assert.deepEqual(renderedPools(groups[0]!).pools.map((r) => `${r.pool.name} ${r.pool.overlay!.kustomization.file.path}`), ['lan clusters/home/flux/lb.yaml', 'lan clusters/home/flux/lb2.yaml']);
  assert.deepEqual(deployedAsWritten(groups[0]!, POOL_BLOCK_FIELDS), []);
  assert.deepEqual(brief(files), [
    // the overlap the patched `stop` makes: in each Kustomization's patch, which wrote it
    'clusters/home/flux/lb.yaml:20:18 network/pool-overlap overlap clusters/home/flux/lb.yaml',
    'clusters/home/flux/lb2.yaml:20:18 network/pool-overlap overlap clusters/home/flux/lb2.yaml',
    // the block both keep from the base: one finding naming both
    'infra/lb/pool.yaml:9:13 network/pool-host-bits hostBits clusters/home/flux/lb.yaml, clusters/home/flux/lb2.yaml',
  ]);
  noSelfOverlap(files);
  noDuplicates(files);
});

test('two Argo CD Applications with the same path, both patching: the same, per Application', () => {
  const files = { ...FOLDER, 'argo/lb.yaml': argoApp('lb', true), 'argo/lb2.yaml': argoApp('lb2', true) };
  assert.deepEqual(brief(files), [
    'argo/lb.yaml:22:22 network/pool-overlap overlap argo/lb.yaml',
    'argo/lb2.yaml:22:22 network/pool-overlap overlap argo/lb2.yaml',
    'infra/lb/pool.yaml:9:13 network/pool-host-bits hostBits argo/lb.yaml, argo/lb2.yaml',
  ]);
  noSelfOverlap(files);
  noDuplicates(files);
});

test('a second Flux Kustomization or Argo CD Application ships the folder unpatched: the pool is judged as written too', () => {
  const cases: Array<[string, Record<string, string>, string, string]> = [
    ['flux', { ...FOLDER, 'clusters/home/flux/lb.yaml': fluxKs('lb', true), 'clusters/home/flux/lb2.yaml': fluxKs('lb2', false) }, 'clusters/home/flux/lb.yaml', '20:18'],
    ['argo', { ...FOLDER, 'argo/lb.yaml': argoApp('lb', true), 'argo/lb2.yaml': argoApp('lb2', false) }, 'argo/lb.yaml', '22:22'],
  ];
  for (const [name, files, patching, at] of cases) {
    const [g] = buildClusterGroups(parseRepo(files));
    // one object, whose content each root's apply overwrites in turn: as written (the plain root) and as the patching
    // root renders it (fluxcd/kustomize-controller#732: two Kustomizations of one Deployment flip it every interval)
    assert.deepEqual(deployedAsWritten(g!, POOL_BLOCK_FIELDS).map((p) => p.name), ['lan'], name);
    assert.deepEqual(brief(files), [
      // the patched range: the rendering's finding, at the `stop` the patch wrote
      `${patching}:${at} network/pool-overlap overlap ${patching}`,
      // the block both ship: one finding, as written (it stands for the rendering too)
      'infra/lb/pool.yaml:9:13 network/pool-host-bits hostBits -',
    ], name);
    noSelfOverlap(files);
    noDuplicates(files);
  }
  // without the patching root: as written only, no overlap
  const plain = { ...FOLDER, 'clusters/home/flux/lb.yaml': fluxKs('lb', false), 'clusters/home/flux/lb2.yaml': fluxKs('lb2', false) };
  assert.deepEqual(brief(plain), ['infra/lb/pool.yaml:9:13 network/pool-host-bits hostBits -']);
});

test('the same folder applied by one Flux Kustomization per cluster: each cluster judges its own rendering', () => {
  const files = { ...FOLDER, 'clusters/a/flux/lb.yaml': fluxKs('lb', true), 'clusters/b/flux/lb.yaml': fluxKs('lb', true) };
  const groups = buildClusterGroups(parseRepo(files));
  assert.deepEqual(groups.map((g) => `${g.name}: ${renderedPools(g).pools.map((r) => r.pool.overlay!.kustomization.file.path).join(', ')}`), ['a: clusters/a/flux/lb.yaml', 'b: clusters/b/flux/lb.yaml']);
  // each cluster's findings in its own patch; one in the shared file both clusters render the same is reported
  // once (lint/run-rules.ts mergeAcrossGroups), naming both clusters' roots, in data and as related locations
  assert.deepEqual(brief(files), [
    'clusters/a/flux/lb.yaml:20:18 network/pool-overlap overlap clusters/a/flux/lb.yaml',
    'clusters/b/flux/lb.yaml:20:18 network/pool-overlap overlap clusters/b/flux/lb.yaml',
    'infra/lb/pool.yaml:9:13 network/pool-host-bits hostBits clusters/a/flux/lb.yaml, clusters/b/flux/lb.yaml',
  ]);
  const shared = lintRepo(files, POOL_RULES).find((d) => d.ruleId === 'network/pool-host-bits')!;
  assert.deepEqual(shared.related?.map((r) => `${r.file}:${r.range.start.line}`), ['clusters/a/flux/lb.yaml:14', 'clusters/b/flux/lb.yaml:14']);
  noSelfOverlap(files);
  noDuplicates(files);
});

test('one base included by two overlays of one cluster that both ship lan unchanged: one finding for lan, other judged per overlay', () => {
  const overlay = 'resources:\n  - ../../infra/lb\npatches:\n  - target: {kind: CiliumLoadBalancerIPPool, name: other}\n    patch: |-\n      - op: replace\n        path: /spec/blocks/0/cidr\n        value: 10.50.0.96/28\n';
  const files = { ...FOLDER, 'envs/x/kustomization.yaml': overlay, 'envs/y/kustomization.yaml': overlay };
  assert.deepEqual(brief(files), [
    // other as each overlay renders it overlaps lan's range: in each overlay's patch
    'envs/x/kustomization.yaml:8:16 network/pool-overlap overlap envs/x/kustomization.yaml',
    'envs/y/kustomization.yaml:8:16 network/pool-overlap overlap envs/y/kustomization.yaml',
    // lan, which no patch selects: once, as written
    'infra/lb/pool.yaml:9:13 network/pool-host-bits hostBits -',
  ]);
  noSelfOverlap(files);
  noDuplicates(files);
  // both ship both pools unchanged: one pool each, as written
  const plain = { ...FOLDER, 'envs/x/kustomization.yaml': 'resources:\n  - ../../infra/lb\n', 'envs/y/kustomization.yaml': 'resources:\n  - ../../infra/lb\n' };
  assert.deepEqual(brief(plain), ['infra/lb/pool.yaml:9:13 network/pool-host-bits hostBits -']);
});

test('a pool as written and its rendering under another name (namePrefix) in one cluster are not compared with each other', () => {
  // envs/x renames lan to x-lan and moves its range stop into other; the Flux Kustomization ships infra/lb as written
  const files = {
    ...FOLDER,
    'clusters/home/flux/lb.yaml': fluxKs('lb', false),
    'envs/x/kustomization.yaml': `namePrefix: x-\nresources:\n  - ../../infra/lb\npatches:\n${STOP_PATCH.replace(/^ {2}/gm, '')}`,
  };
  const got = lintRepo(files, [poolOverlap]);
  assert.deepEqual(got.map((d) => `${String(d.data?.['pool'])} ${String(d.data?.['other'])}`), ['x-lan other']);
  noSelfOverlap(files);
});

test('an overlap a patched stop makes with a pool shipped as written is reported at that stop, whichever pool comes first', () => {
  // lb moves lan's stop into other and sets other's `disabled: false` (its block stays the base's); lb2 ships both
  // as written: other (as lb renders it, and as written) is judged after lan's rendering, yet the finding is lan's
  // patched stop, in lb's patch
  const enabled = '    - target:\n        kind: CiliumLoadBalancerIPPool\n        name: other\n      patch: |-\n        - op: add\n          path: /spec/disabled\n          value: false\n';
  const files = { ...FOLDER, 'clusters/home/flux/lb.yaml': fluxKs('lb', true) + enabled, 'clusters/home/flux/lb2.yaml': fluxKs('lb2', false) };
  const got = lintRepo(files, [poolOverlap]);
  assert.deepEqual(got.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${String(d.data?.['pool'])}/${String(d.data?.['other'])} ${String(d.data?.['overlay'])}`), ['clusters/home/flux/lb.yaml:20:18 lan/other clusters/home/flux/lb.yaml']);
  assert.deepEqual(got[0]!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`), ['infra/lb/other.yaml:7:13', 'clusters/home/flux/lb.yaml:14:7']);
  noSelfOverlap(files);
});

test('a Flux Kustomization whose patch of the pool is templated, next to one that ships the folder unpatched: the pool is judged as the plain one ships it', () => {
  const files = { ...FOLDER, 'clusters/home/flux/lb.yaml': fluxKs('lb', true).replace('value: 10.50.0.250', 'value: ${LAN_STOP}'), 'clusters/home/flux/lb2.yaml': fluxKs('lb2', false) };
  // lb's rendering is uncertain (not judged); lb2 deploys lan as written, which is certain
  assert.deepEqual(renderedPools(buildClusterGroups(parseRepo(files))[0]!).pools, []);
  assert.deepEqual(brief(files), ['infra/lb/pool.yaml:9:13 network/pool-host-bits hostBits -']);
  // without lb2, the conservative skip: nothing
  const { 'clusters/home/flux/lb2.yaml': _plain, ...alone } = files;
  assert.deepEqual(brief(alone), []);
});
