/** LB-IPAM helpers: selector matching (tri-state), allocatable addresses per allowFirstLastIPs/version, path variants. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocatable, pathVariants, readPool, selectorMatches, serviceIpRequests } from '../src/plan/lb.js';
import { formatInterval } from '../src/net/ip.js';
import { parseRepo } from '../src/testing/rule-tester.js';

test('selectorMatches: true / false / unknown', () => {
  assert.equal(selectorMatches(undefined, {}, 'a', 'b'), true);
  assert.equal(selectorMatches({}, {}, 'a', 'b'), true);
  assert.equal(selectorMatches({ matchLabels: { app: 'web' } }, { app: 'web' }, 'a', 'b'), true);
  assert.equal(selectorMatches({ matchLabels: { app: 'web' } }, { app: 'db' }, 'a', 'b'), false);
  assert.equal(selectorMatches({ matchLabels: { app: 'web' } }, {}, 'a', 'b'), undefined, 'absent label: Kustomize may add it');
  assert.equal(selectorMatches({ matchLabels: { 'io.kubernetes.service.namespace': 'dns' } }, {}, 'dns', 'x'), true);
  assert.equal(selectorMatches({ matchLabels: { 'io.kubernetes.service.namespace': 'dns' } }, {}, 'web', 'x'), false);
  assert.equal(selectorMatches({ matchLabels: { 'io.kubernetes.service.namespace': 'dns' } }, {}, undefined, 'x'), undefined);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'io.kubernetes.service.name', operator: 'In', values: ['a', 'b'] }] }, {}, 'n', 'b'), true);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, { tier: 'db' }, 'n', 'b'), false);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, { tier: 'x' }, 'n', 'b'), true);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Bogus' }] }, { tier: 'x' }, 'n', 'b'), undefined);
  assert.equal(selectorMatches(7, {}, 'n', 'b'), undefined);
});

test('allocatable: CIDR edges per allowFirstLastIPs and Cilium version; ranges and /31-/32 untouched', () => {
  const [d] = parseRepo({
    'p.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: p\nspec:\n  blocks:\n    - cidr: 10.0.0.0/30\n    - cidr: 10.0.0.8/31\n    - start: 10.0.0.16\n      stop: 10.0.0.20\n',
  });
  const p = readPool(d!);
  const show = (v: string | undefined, afl?: string): string[] => {
    const pool = afl ? { ...p, allowFirstLastIPs: afl } : p;
    return pool.blocks.map((b) => {
      const a = allocatable(pool, b, v);
      return a ? formatInterval(a) : String(a);
    });
  };
  assert.deepEqual(show('1.15.6'), ['10.0.0.1-10.0.0.2', '10.0.0.8-10.0.0.9', '10.0.0.16-10.0.0.20']);
  assert.deepEqual(show('1.16.0'), ['10.0.0.0-10.0.0.3', '10.0.0.8-10.0.0.9', '10.0.0.16-10.0.0.20']);
  assert.deepEqual(show(undefined), ['undefined', '10.0.0.8-10.0.0.9', '10.0.0.16-10.0.0.20']);
  assert.deepEqual(show(undefined, 'No'), ['10.0.0.1-10.0.0.2', '10.0.0.8-10.0.0.9', '10.0.0.16-10.0.0.20']);
});

test('pathVariants: one differing folder, same file name and depth', () => {
  assert.equal(pathVariants('apps/prod/web/svc.yaml', 'apps/qa/web/svc.yaml'), true);
  assert.equal(pathVariants('apps/prod/web/svc.yaml', 'apps/prod/web/svc.yaml'), false);
  assert.equal(pathVariants('apps/prod/web/svc.yaml', 'apps/qa/db/svc.yaml'), false);
  assert.equal(pathVariants('apps/prod/web/svc.yaml', 'apps/prod/web/other.yaml'), false);
  assert.equal(pathVariants('a/svc.yaml', 'a/b/svc.yaml'), false);
});

test('serviceIpRequests: both annotation keys, comma lists, loadBalancerIP, sharing key; other classes ignored', () => {
  const docs = parseRepo({
    's.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  annotations:\n    lbipam.cilium.io/ips: "10.0.0.1, 10.0.0.2"\n    io.cilium/lb-ipam-sharing-key: k\nspec:\n  type: LoadBalancer\n  loadBalancerIP: 10.0.0.3\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  annotations:\n    io.cilium/lb-ipam-ips: 10.0.0.4\nspec:\n  type: LoadBalancer\n  loadBalancerClass: other\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: c\n  annotations:\n    io.cilium/lb-ipam-ips: 10.0.0.5\nspec:\n  type: ClusterIP\n',
  });
  assert.deepEqual(serviceIpRequests(docs).map((r) => [r.name, r.text, r.sharingKey, r.path.join('.')]), [
    ['a', '10.0.0.1', 'k', 'metadata.annotations.lbipam.cilium.io/ips'],
    ['a', '10.0.0.2', 'k', 'metadata.annotations.lbipam.cilium.io/ips'],
    ['a', '10.0.0.3', 'k', 'spec.loadBalancerIP'],
  ]);
});

test('serviceIpRequests: each request whole, its keys in order, labelsClosed only where nothing can add labels', () => {
  const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: apps\n  labels:\n    app: web\n  annotations:\n    lbipam.cilium.io/ips: 10.0.0.7\n    lbipam.cilium.io/sharing-key: k\nspec:\n  type: LoadBalancer\n';
  const closed = serviceIpRequests(parseRepo({ 'apps/web.yaml': svc }));
  assert.equal(closed.length, 1);
  const r = closed[0]!;
  assert.deepEqual(Object.keys(r), ['doc', 'name', 'namespace', 'labels', 'labelsClosed', 'annotations', 'annotationsPath', 'path', 'text', 'ip', 'sharingKey']);
  assert.deepEqual([r.name, r.namespace, r.labels, r.labelsClosed, r.text, r.sharingKey, r.path], ['web', 'apps', { app: 'web' }, true, '10.0.0.7', 'k', ['metadata', 'annotations', 'lbipam.cilium.io/ips']]);
  assert.deepEqual(r.ip, { family: 4, value: 167772167n });
  // a kustomization's commonLabels may add labels: not closed, and no labelsClosed key at all
  const open = serviceIpRequests(parseRepo({ 'apps/web.yaml': svc, 'apps/kustomization.yaml': 'resources:\n  - web.yaml\ncommonLabels:\n  team: a\n' }));
  assert.equal(open.length, 1);
  assert.deepEqual(Object.keys(open[0]!), ['doc', 'name', 'namespace', 'labels', 'annotations', 'annotationsPath', 'path', 'text', 'ip', 'sharingKey']);
});
