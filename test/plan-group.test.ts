/** Cluster grouping by path convention (clusters/<name>/, overlays/<name>/), shared documents. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildClusterGroups } from '../src/plan/index.js';
import { parseRepo } from '../src/testing/rule-tester.js';

const doc = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

test('one group named default without cluster folders', () => {
  const g = buildClusterGroups(parseRepo({ 'a.yaml': doc('a'), 'apps/b.yaml': doc('b') }));
  assert.deepEqual(g.map((x) => [x.name, x.docs.length, x.shared]), [['default', 2, undefined]]);
});

test('a single clusters/<name> folder names the one group', () => {
  const g = buildClusterGroups(parseRepo({ 'clusters/home/a.yaml': doc('a'), 'apps/b.yaml': doc('b') }));
  assert.deepEqual(g.map((x) => [x.name, x.docs.length]), [['home', 2]]);
});

test('several clusters: a path segment picks the group, the rest is shared by all', () => {
  const g = buildClusterGroups(
    parseRepo({
      'kubernetes/clusters/main/a.yaml': doc('a'),
      'kubernetes/clusters/test/b.yaml': doc('b'),
      'kubernetes/apps/main/c.yaml': doc('c'),
      'talos/test/d.yaml': doc('d'),
      'kubernetes/apps/base/e.yaml': doc('e'),
    }),
  );
  assert.deepEqual(
    g.map((x) => [x.name, x.docs.map((d) => d.name).sort().join('')]),
    [['main', 'ace'], ['test', 'bde']],
  );
  assert.deepEqual([...g[0]!.shared!].map((d) => d.name), ['e']);
});

test('kustomize overlays with two or more names split the repo', () => {
  const g = buildClusterGroups(parseRepo({ 'cilium/overlays/lab/a.yaml': doc('a'), 'cilium/overlays/home/b.yaml': doc('b'), 'cilium/base/c.yaml': doc('c') }));
  assert.deepEqual(g.map((x) => [x.name, x.docs.map((d) => d.name).sort().join('')]), [['home', 'bc'], ['lab', 'ac']]);
});

test('home-ops layout with several kubernetes/<cluster>/ roots', () => {
  const g = buildClusterGroups(
    parseRepo({
      'kubernetes/main/apps/a.yaml': doc('a'),
      'kubernetes/storage/flux/b.yaml': doc('b'),
      'kubernetes/components/c.yaml': doc('c'),
      'talos/storage/d.yaml': doc('d'),
    }),
  );
  assert.deepEqual(g.map((x) => [x.name, x.docs.map((d) => d.name).sort().join('')]), [['main', 'ac'], ['storage', 'bcd']]);
  // a single root stays one group named default
  assert.deepEqual(buildClusterGroups(parseRepo({ 'kubernetes/main/apps/a.yaml': doc('a'), 'kubernetes/apps/b/c.yaml': doc('b') })).map((x) => x.name), ['default']);
});
