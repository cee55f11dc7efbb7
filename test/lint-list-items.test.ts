/**
 * List documents (`kind: List`, `ServiceList`...): each item is linted like a top-level object (schemas, policy
 * rules, yaml/truthy) with positions inside the List, the same in-process, in worker threads, from the parse
 * cache and the run cache; suppressions above an item's lines apply.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fromWire, loadText, toWire } from '../src/lint/load-file.js';
import { spawnCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-list-items-');
after(repos.cleanup);
const cacheRoot = mkdtempSync(join(tmpdir(), 'talium-list-items-cache-'));
after(() => rmSync(cacheRoot, { recursive: true, force: true }));

const POOLS = `apiVersion: v1
kind: List
items:
  - apiVersion: cilium.io/v2
    kind: CiliumLoadBalancerIPPool
    metadata:
      name: web
    spec:
      blocks:
        - cidr: 10.50.0.224/28
  - apiVersion: cilium.io/v2
    kind: CiliumLoadBalancerIPPool
    metadata:
      name: bad
    spec:
      blocks:
        - cidr: 10.0.0.300/24
  - apiVersion: v1
    kind: Service
    metadata:
      name: web
      namespace: default
      annotations:
        lbipam.cilium.io/ips: "10.50.0.30"
    spec:
      type: LoadBalancer
      ports:
        - port: 80
`;

const SERVICES = `apiVersion: v1
kind: ConfigMap
metadata:
  name: before
  namespace: default
data:
  a: "1"
---
apiVersion: v1
kind: ServiceList
items:
  # talium-disable-next-line gitops/flux-api-version -- upgraded with the Flux migration
  - apiVersion: source.toolkit.fluxcd.io/v1beta2
    kind: HelmRepository
    metadata:
      name: cilium
      namespace: flux-system
    spec:
      url: https://helm.cilium.io
  - apiVersion: source.toolkit.fluxcd.io/v1beta2
    kind: HelmRepository
    metadata:
      name: other
      namespace: flux-system
    spec:
      url: https://example.com
  - apiVersion: v1
    kind: Service
    metadata:
      name: api
      namespace: default
      annotations:
        # talium-disable-next-line network/service-ip-not-in-pool -- moving to the new pool
        lbipam.cilium.io/ips: "10.50.0.31"
    spec:
      type: LoadBalancer
      ports:
        - port: 80
  - apiVersion: example.com/v1
    kind: Widget
    metadata:
      name: flags
    spec:
      enabled: yes
  - 42
`;

interface Out {
  diagnostics: Array<{ ruleId: string; messageId?: string; file: string; range: { start: { line: number; column: number } }; object?: { kind?: string; name?: string }; data?: Record<string, unknown> }>;
  suppressed: Array<{ ruleId: string; file: string; range: { start: { line: number } } }>;
}

const EXPECTED = [
  // the CRD's format check (schema/format) says the same at the same place: network/pool-block-invalid supersedes it
  'pools.yaml:17:17 network/pool-block-invalid CiliumLoadBalancerIPPool/bad',
  'pools.yaml:24:31 network/service-ip-not-in-pool Service/web',
  'services.yaml:20:17 gitops/flux-api-version HelmRepository/other',
  'services.yaml:40:11 schema/unknown-kind Widget/flags',
  'services.yaml:44:16 yaml/truthy Widget/flags',
  // `- 42`: no object, Kustomize refuses the file
  'services.yaml:45:5 k8s/invalid-list-item undefined/undefined',
];
const SUPPRESSED = ['services.yaml:13 gitops/flux-api-version', 'services.yaml:34 network/service-ip-not-in-pool'];

function lint(dir: string, args: string[], env: Record<string, string | undefined>): { brief: string[]; suppressed: string[]; out: Out } {
  const r = spawnCli(['lint', '--format', 'json', ...args], { cwd: dir, env });
  assert.ok(r.stdout, r.stderr);
  const out = JSON.parse(r.stdout) as Out;
  return {
    out,
    brief: out.diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${d.object?.kind}/${d.object?.name}`),
    suppressed: out.suppressed.map((d) => `${d.file}:${d.range.start.line} ${d.ruleId}`),
  };
}

describe('List documents', () => {
  it('each item gets schema validation and the policy rules, at its own positions, however the run reads the files', () => {
    const dir = repos.repo({ 'pools.yaml': POOLS, 'services.yaml': SERVICES });
    const cache = join(cacheRoot, 'a');
    const runs = {
      plain: lint(dir, ['--no-cache', '--workers', '0'], {}),
      workers: lint(dir, ['--no-cache', '--workers', '2'], {}),
      cold: lint(dir, [], { TALIUM_CACHE_DIR: cache, TALIUM_CACHE: undefined, TALIUM_RUN_CACHE: 'off' }),
      // every file from the parse cache
      parseCache: lint(dir, [], { TALIUM_CACHE_DIR: cache, TALIUM_CACHE: undefined, TALIUM_RUN_CACHE: 'off' }),
      runCacheRecord: lint(dir, [], { TALIUM_CACHE_DIR: cache, TALIUM_CACHE: undefined, TALIUM_RUN_CACHE: undefined }),
      runCacheReplay: lint(dir, [], { TALIUM_CACHE_DIR: cache, TALIUM_CACHE: undefined, TALIUM_RUN_CACHE: undefined }),
    };
    for (const [name, r] of Object.entries(runs)) {
      assert.deepEqual(r.brief, EXPECTED, name);
      assert.deepEqual(r.suppressed, SUPPRESSED, name);
    }
    const d = runs.plain.out.diagnostics;
    assert.deepEqual(d.find((x) => x.ruleId === 'network/pool-block-invalid')?.data, { pool: 'bad', value: '10.0.0.300/24' });
    // the item's schema check ran (its finding superseded by the pool rule's at the same value, not missing)
    assert.deepEqual(d.find((x) => x.ruleId === 'schema/unknown-kind')?.object, { apiVersion: 'example.com/v1', kind: 'Widget', name: 'flags' });
    assert.deepEqual(d.find((x) => x.ruleId === 'network/service-ip-not-in-pool')?.data, { ip: '10.50.0.30' });
    assert.deepEqual(d.find((x) => x.ruleId === 'k8s/invalid-list-item')?.data, { index: 4, list: 'ServiceList', type: 'number' });
    // the List itself is no object of its own: no schema/unknown-kind for "v1" "List" or "ServiceList"
    assert.ok(!d.some((x) => x.object?.kind?.endsWith('List')));
  });

  it('items are documents of their own (unique indexes, positions relative to the item) and survive the wire form', () => {
    const f = loadText('services.yaml', SERVICES);
    const again = fromWire(toWire(f));
    for (const loaded of [f, again]) {
      assert.deepEqual(
        loaded.docs.map((d) => [d.index, d.kind, d.name, d.docClass]),
        [
          [0, 'ConfigMap', 'before', 'k8s'],
          [-1, 'HelmRepository', 'cilium', 'k8s'],
          [-2, 'HelmRepository', 'other', 'k8s'],
          [-3, 'Service', 'api', 'k8s'],
          [-4, 'Widget', 'flags', 'k8s'],
          // `- 42` is a document too, so k8s/invalid-list-item can point at it
          [-5, undefined, undefined, 'other'],
        ],
      );
      const svc = loaded.docs[3]!;
      assert.deepEqual(svc.locate(['spec', 'type']).start, { line: 36, column: 13 });
      assert.deepEqual(svc.locate(['spec', 'missing']).start, { line: 36, column: 7 });
      assert.deepEqual(svc.range().start, { line: 27, column: 5 });
      assert.equal(svc.isPlainScalar(['spec', 'type']), true);
      assert.equal(svc.list?.index, 1);
      assert.deepEqual(svc.base, ['items', 2]);
    }
    // the wire form carries the file's own documents, the List once
    assert.deepEqual(
      toWire(f).docs.map((d) => d.index),
      [0, 1],
    );
  });

  it('a kind ending in List without `items` is an object like any other; `items: null` is an empty List', () => {
    const f = loadText('x.yaml', 'apiVersion: example.com/v1\nkind: AllowList\nmetadata:\n  name: a\nspec:\n  cidrs: []\n---\napiVersion: v1\nkind: List\nitems: null\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: List\n    items:\n      - apiVersion: v1\n        kind: Namespace\n        metadata:\n          name: inner\n');
    assert.deepEqual(
      f.docs.map((d) => [d.index, d.kind, d.name]),
      [
        [0, 'AllowList', 'a'],
        // the inner List took -1
        [-2, 'Namespace', 'inner'],
      ],
    );
    assert.deepEqual(f.docs[1]!.locate(['metadata', 'name']).start, { line: 21, column: 17 });
  });
});
