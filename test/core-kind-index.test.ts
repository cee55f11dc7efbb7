/**
 * The per-list kind index (src/core/kind-index.ts): list order within and across kinds, a list that grew since it was
 * indexed, documents without a kind, and agreement with a plain filter over a mixed list; the same pass's group,
 * class and no-apiVersion buckets, and docsOf's union of them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { docsOf, docsOfClass, docsOfGroup, docsOfKind, docsOfKindPrefix, docsOfKinds, groupsOf } from '../src/core/kind-index.js';
import type { YamlDocument } from '../src/core/document.js';
import { docsFromText } from '../src/testing/schema-docs.js';

const KINDS = ['Service', 'Deployment', 'CiliumBGPPeerConfig', 'ConfigMap', 'CiliumBGPClusterConfig', 'CiliumLoadBalancerIPPool'];

/** `n` documents cycling through KINDS, every seventh without a kind. */
function mixed(n: number): YamlDocument[] {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(i % 7 === 6 ? `name: plain-${i}\n` : `apiVersion: v1\nkind: ${KINDS[i % KINDS.length]}\nmetadata:\n  name: o-${i}\n`);
  return docsFromText('mixed.yaml', parts.join('---\n'));
}

const names = (docs: readonly YamlDocument[]): Array<string | undefined> => docs.map((d) => d.name);

test('docsOfKind: the same documents, in the same order, as a filter by kind', () => {
  const docs = mixed(60);
  for (const k of [...KINDS, 'Missing']) assert.deepEqual(names(docsOfKind(docs, k)), names(docs.filter((d) => d.kind === k)), k);
  assert.ok(docsOfKind(docs, 'Service').length > 5);
});

test('docsOfKinds and docsOfKindPrefix: several kinds merged back into list order', () => {
  const docs = mixed(60);
  const want = (pred: (d: YamlDocument) => boolean): Array<string | undefined> => names(docs.filter(pred));
  assert.deepEqual(names(docsOfKinds(docs, ['ConfigMap', 'Service'])), want((d) => d.kind === 'ConfigMap' || d.kind === 'Service'));
  assert.deepEqual(names(docsOfKinds(docs, new Set(['Deployment', 'Nope', 'Deployment']))), want((d) => d.kind === 'Deployment'));
  assert.deepEqual(names(docsOfKindPrefix(docs, 'CiliumBGP')), want((d) => d.kind?.startsWith('CiliumBGP') === true));
  assert.deepEqual(docsOfKinds(docs, []), []);
  assert.deepEqual(docsOfKindPrefix(docs, 'Zzz'), []);
});

test('a list that grew since it was indexed is indexed again; another list has its own index', () => {
  const docs = mixed(12);
  const before = docsOfKind(docs, 'ConfigMap').length;
  docs.push(...docsFromText('more.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\n'));
  const after = docsOfKind(docs, 'ConfigMap');
  assert.equal(after.length, before + 1);
  assert.equal(after[after.length - 1]!.name, 'late');
  const other = docs.slice(0, 3);
  assert.deepEqual(names(docsOfKind(other, 'ConfigMap')), names(other.filter((d) => d.kind === 'ConfigMap')));
});

/** Documents of several groups and classes, some without an apiVersion or a kind, interleaved. */
function varied(): YamlDocument[] {
  const out: YamlDocument[] = [];
  for (let i = 0; i < 8; i++) {
    out.push(...docsFromText(`a${i}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n`));
    out.push(...docsFromText(`k${i}/kustomization.yaml`, `resources:\n  - a.yaml\n`, 'kustomization'));
    out.push(...docsFromText(`f${i}.yaml`, `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ks-${i}\n`));
    out.push(...docsFromText(`t${i}.yaml`, `machine:\n  type: worker\n`, 'talos-config'));
    out.push(...docsFromText(`p${i}.yaml`, `apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p-${i}\n`));
    out.push(...docsFromText(`s${i}.yaml`, `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s-${i}\n`));
  }
  return out;
}

test('docsOfClass, docsOfGroup and docsOf: the same documents, in list order, each once, as a filter', () => {
  const docs = varied();
  const want = (pred: (d: YamlDocument) => boolean): YamlDocument[] => docs.filter(pred);
  assert.deepEqual(docsOfClass(docs, 'kustomization'), want((d) => d.docClass === 'kustomization'));
  assert.equal(docsOfClass(docs, 'kustomization').length, 8);
  assert.deepEqual(docsOfClass(docs, 'talhelper'), []);
  assert.deepEqual(docsOfGroup(docs, 'kyverno.io'), want((d) => d.group === 'kyverno.io'));
  assert.deepEqual(docsOfGroup(docs, ''), want((d) => d.group === ''));
  const sel = { kinds: ['Secret', 'Kustomization', 'Secret'], classes: ['kustomization', 'talos-config'] as const, groups: ['kyverno.io', 'kustomize.toolkit.fluxcd.io'], noApiVersion: true };
  const got = docsOf(docs, { ...sel, classes: [...sel.classes] });
  const expected = want(
    (d) => d.kind === 'Secret' || d.kind === 'Kustomization' || d.docClass === 'kustomization' || d.docClass === 'talos-config' || d.group === 'kyverno.io' || d.group === 'kustomize.toolkit.fluxcd.io' || d.apiVersion === undefined,
  );
  assert.deepEqual(got, expected);
  assert.equal(new Set(got).size, got.length);
  assert.equal(got.length, 8 * 5);
  assert.deepEqual(docsOf(docs, { noApiVersion: true }), want((d) => d.apiVersion === undefined));
  assert.deepEqual(docsOf(docs, { kinds: ['Nope'], groups: ['nope.io'] }), []);
  assert.deepEqual(docsOf(docs, {}), []);
});

test('an empty apiVersion is none (noApiVersion); groupsOf lists each group once, in first-seen order', () => {
  const docs = docsFromText('g.yaml', ['apiVersion: ""\nkind: A\n', 'kind: B\n', 'apiVersion: v1\nkind: C\n', 'apiVersion: apps/v1\nkind: D\n', 'apiVersion: x.io/v1\nkind: E\n', 'apiVersion: apps/v1\nkind: F\n'].join('---\n'));
  assert.deepEqual(docsOf(docs, { noApiVersion: true }).map((d) => d.kind), ['A', 'B']);
  assert.deepEqual([...groupsOf(docs)], ['', 'apps', 'x.io']);
});
