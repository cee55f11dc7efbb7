/** Cluster grouping by path convention (clusters/<name>/, overlays/<name>/), shared documents. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildClusterGroups } from '../src/plan/index.js';
import { docsByFile } from '../src/plan/util.js';
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

test('kustomization folders beside a base/ folder split the repo (overlays not under overlays/); a shared file named after one cluster joins it', () => {
  const k = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base/cilium\n';
  const g = buildClusterGroups(
    parseRepo({
      'infrastructure/controllers/base/cilium/a.yaml': doc('a'),
      'infrastructure/controllers/prod/cilium/kustomization.yaml': `${k}  - b.yaml\n`,
      'infrastructure/controllers/prod/cilium/b.yaml': doc('b'),
      'infrastructure/controllers/qa/cilium/kustomization.yaml': k,
      'apps/qa/c.yaml': doc('c'),
      'cilium-values/values-prod.yaml': doc('d'),
      'cilium-values/values-prod-qa.yaml': doc('e'),
      'misc/f.yaml': doc('f'),
    }),
  );
  assert.deepEqual(
    g.map((x) => [x.name, x.docs.filter((d) => d.kind === 'ConfigMap').map((d) => d.name).sort().join('')]),
    // values-prod.yaml names prod alone; values-prod-qa.yaml names both, so it is shared, like misc/f.yaml
    [['prod', 'abdef'], ['qa', 'acef']],
  );
  // folders beside base/ whose kustomizations do not build on it (apps/, envs/ holding x/ and y/) are no
  // environments, and a single environment splits nothing
  const apps = 'resources:\n  - svc.yaml\n';
  const one = buildClusterGroups(parseRepo({ 'base/a.yaml': doc('a'), 'apps/kustomization.yaml': apps, 'apps/svc.yaml': doc('s'), 'envs/x/kustomization.yaml': 'resources:\n  - ../../base\n  - ../../apps\n' }));
  assert.deepEqual(one.map((x) => x.name), ['default']);
});

test('with cluster folders, a shared file named after a cluster stays shared (home-assistant.yaml is no file of cluster home)', () => {
  const g = buildClusterGroups(parseRepo({ 'clusters/home/a.yaml': doc('a'), 'clusters/lab/b.yaml': doc('b'), 'apps/home-assistant.yaml': doc('c') }));
  assert.deepEqual(g.map((x) => [x.name, x.docs.map((d) => d.name).sort().join('')]), [['home', 'ac'], ['lab', 'bc']]);
});

test('docsByFile: each file once with its documents in list order, also when a file\'s documents do not follow each other', () => {
  const docs = parseRepo({ 'a.yaml': `${doc('a1')}---\n${doc('a2')}`, 'b.yaml': `${doc('b1')}---\n${doc('b2')}`, 'c.yaml': doc('c1') });
  const [a1, a2, b1, b2, c1] = docs;
  for (const list of [docs, [a1!, b1!, a2!, c1!, b2!], [c1!, a2!, a1!]]) {
    const naive = new Map<string, string[]>();
    for (const d of list) naive.set(d.file.path, [...(naive.get(d.file.path) ?? []), d.name!]);
    assert.deepEqual([...docsByFile(list)].map(([p, ds]) => [p, ds.map((d) => d.name)]), [...naive]);
  }
  assert.deepEqual([...docsByFile(docs).keys()], ['a.yaml', 'b.yaml', 'c.yaml']);
});

test('overlay groups found from file paths shared by several documents (each path once)', () => {
  const g = buildClusterGroups(parseRepo({ 'overlays/prod/a.yaml': `${doc('p1')}---\n${doc('p2')}`, 'overlays/qa/a.yaml': doc('q'), 'base/x.yaml': doc('x') }));
  assert.deepEqual(g.map((x) => [x.name, x.docs.map((d) => d.name)]), [['prod', ['x', 'p1', 'p2']], ['qa', ['x', 'q']]]);
});
