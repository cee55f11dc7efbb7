/**
 * Renamed copies (plan/renamed-copies.ts): one base that a single kustomize build renders twice under different
 * names (namePrefix / nameSuffix) is two Services (network/service-ip-conflict) or two pools (network/pool-overlap),
 * reported at the base's line with both overlays named; the rendered names are checked against the real
 * `kubectl kustomize` where it is installed. Also: a finding in a file two clusters share names both clusters'
 * places (lint/run-rules.ts mergeAcrossGroups).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Finding } from '../src/core/finding.js';
import { mergeAcrossGroups, pluralGroups, runRules } from '../src/lint/run-rules.js';
import { buildClusterGroups } from '../src/plan/index.js';
import { defineRule } from '../src/rules/types.js';
import { renamedCopies } from '../src/plan/renamed-copies.js';
import l2WithoutPolicy from '../src/rules/cilium/l2-without-policy.js';
import { ciliumHelmReleaseOf } from '../src/rules/cilium/lib/examples.js';
import poolOverlap from '../src/rules/network/pool-overlap.js';
import serviceIpConflict from '../src/rules/network/service-ip-conflict.js';
import { lintRepo, parseRepo } from '../src/testing/rule-tester.js';
import { tempRepos } from '../src/testing/temp-repos.js';
import { hasKubectl, kustomizeBuild } from '../src/testing/kubectl-kustomize.js';

const repos = tempRepos('talium-renamed-');
after(() => repos.cleanup());

/** A LoadBalancer Service `web`; its ips annotation value is on line 7, column 27. */
const svc = (extra = ''): string =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\n  annotations:\n    lbipam.cilium.io/ips: "192.168.50.20"\n${extra}spec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n`;
/** A pool `lan`; its block's cidr value is on line 7, column 13. */
const POOL = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 192.168.50.16/28\n';

/** base (Service + pool), apps/a (namePrefix a-), apps/b (nameSuffix -b), clusters/home building both. */
const COPIES: Record<string, string> = {
  'base/kustomization.yaml': 'resources:\n  - svc.yaml\n  - pool.yaml\n',
  'base/svc.yaml': svc(),
  'base/pool.yaml': POOL,
  'apps/a/kustomization.yaml': 'namePrefix: a-\nresources:\n  - ../../base\n',
  'apps/b/kustomization.yaml': 'nameSuffix: -b\nresources:\n  - ../../base\n',
  'clusters/home/kustomization.yaml': 'resources:\n  - ../../apps/a\n  - ../../apps/b\n',
};

/** `kind/name` of every object `kubectl kustomize` renders for `dir` of `files` (undefined without kubectl). */
function kustomizeIds(files: Record<string, string>, dir: string): string[] | undefined {
  if (!hasKubectl) return undefined;
  return kustomizeBuild<{ kind: string; metadata: { name: string; namespace?: string } }>(join(repos.repo(files), dir))
    .map((o) => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`)
    .sort();
}

const at = (d: { file: string; range: { start: { line: number; column: number } } }): string => `${d.file}:${d.range.start.line}:${d.range.start.column}`;

test('renamedCopies: the names and overlays of a base one build renders twice, as kubectl kustomize renders them', (t) => {
  const copies = renamedCopies(parseRepo(COPIES));
  const got = [...copies.values()].flat().map((c) => `${c.doc.kind}/${c.namespace ?? c.doc.namespace ? `${c.namespace ?? c.doc.namespace}/` : ''}${c.name} ${c.overlay.kustomization.file.path}#${c.overlay.path.join('.')} ${c.build.file.path}`);
  assert.deepEqual(got, [
    'Service/default/a-web apps/a/kustomization.yaml#namePrefix clusters/home/kustomization.yaml',
    'Service/default/web-b apps/b/kustomization.yaml#nameSuffix clusters/home/kustomization.yaml',
    'CiliumLoadBalancerIPPool/a-lan apps/a/kustomization.yaml#namePrefix clusters/home/kustomization.yaml',
    'CiliumLoadBalancerIPPool/lan-b apps/b/kustomization.yaml#nameSuffix clusters/home/kustomization.yaml',
  ]);
  // nested prefixes and a namespace: outer prefix first, outer suffix last, the outermost namespace
  const nested = {
    ...COPIES,
    'apps/a/kustomization.yaml': 'namePrefix: a-\nnamespace: apps-a\nresources:\n  - ../../base\n',
    'clusters/home/kustomization.yaml': 'namePrefix: home-\nnameSuffix: -x\nresources:\n  - ../../apps/a\n  - ../../apps/b\n',
  };
  const names = [...renamedCopies(parseRepo(nested)).values()].flat().map((c) => `${c.doc.kind}/${c.namespace ?? c.doc.namespace ? `${c.namespace ?? c.doc.namespace}/` : ''}${c.name}`);
  assert.deepEqual(names, ['Service/apps-a/home-a-web-x', 'Service/default/home-web-b-x', 'CiliumLoadBalancerIPPool/apps-a/home-a-lan-x', 'CiliumLoadBalancerIPPool/home-lan-b-x']);
  const real = kustomizeIds(COPIES, 'clusters/home');
  const realNested = kustomizeIds(nested, 'clusters/home');
  if (!real || !realNested) return t.skip('kubectl not installed: rendered names not checked against kubectl kustomize');
  assert.deepEqual(real, [...got.map((g) => g.split(' ')[0]!)].sort());
  // kustomize also writes the namespace into the pool (cluster-scoped; kustomize does not know the kind): the same ids
  assert.deepEqual(realNested, [...names].sort());
});

test('renamedCopies: the build model decides the copies (a copy a $patch: delete removes, a kind renamed, one copy per rendered namespace), as kubectl kustomize renders them', (t) => {
  // apps/c patches (a delete): its copies may differ, but the Service it deletes is no copy at all; the other two are
  const del = 'namePrefix: c-\nresources:\n  - ../../base\npatches:\n  - patch: |\n      apiVersion: v1\n      kind: Service\n      metadata:\n        name: web\n        namespace: default\n      $patch: delete\n';
  const deleted = { ...COPIES, 'apps/c/kustomization.yaml': del, 'clusters/home/kustomization.yaml': 'resources:\n  - ../../apps/a\n  - ../../apps/b\n  - ../../apps/c\n' };
  const ids = (files: Record<string, string>): string[] => [...renamedCopies(parseRepo(files)).values()].flat().map((c) => `${c.doc.kind}/${c.namespace ?? c.doc.namespace ? `${c.namespace ?? c.doc.namespace}/` : ''}${c.name}`);
  // the pool also goes through apps/c (patched): not counted
  assert.deepEqual(ids(deleted), ['Service/default/a-web', 'Service/default/web-b']);
  assert.deepEqual(lintRepo(deleted, [serviceIpConflict]).map((d) => `${at(d)} ${d.messageId} ${String(d.data?.['service'])}/${String(d.data?.['other'])}`), ['base/svc.yaml:7:27 conflict web-b/a-web']);
  // namePrefix leaves APIServices of apiregistration.k8s.io alone, not an APIService kind of another group
  const api = (group: string): Record<string, string> => ({ ...COPIES, 'base/kustomization.yaml': 'resources:\n  - api.yaml\n', 'base/api.yaml': `apiVersion: ${group}/v1\nkind: APIService\nmetadata:\n  name: api\n` });
  assert.deepEqual(ids(api('example.com')), ['APIService/a-api', 'APIService/api-b']);
  // (an apiregistration.k8s.io APIService keeps its name: one id twice, which kustomize refuses; no copies)
  assert.deepEqual(ids(api('apiregistration.k8s.io')), []);
  // a second build of the overlays that a Flux Kustomization puts in namespace lab renders other objects: its copies too
  const ks = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: lab\n  namespace: flux-system\nspec:\n  path: ./clusters/lab\n  targetNamespace: lab\n';
  const lab = { ...COPIES, 'clusters/lab/kustomization.yaml': COPIES['clusters/home/kustomization.yaml']!, 'flux/lab.yaml': ks };
  assert.deepEqual(ids(lab).filter((id) => id.startsWith('Service/')), ['Service/default/a-web', 'Service/default/web-b', 'Service/lab/a-web', 'Service/lab/web-b']);
  const real = kustomizeIds(deleted, 'clusters/home');
  const realApi = kustomizeIds(api('example.com'), 'clusters/home');
  // kustomize-controller builds with targetNamespace as the kustomization's namespace
  const realLab = kustomizeIds({ ...lab, 'clusters/lab/kustomization.yaml': `namespace: lab\n${COPIES['clusters/home/kustomization.yaml']!}` }, 'clusters/lab');
  if (!real || !realApi || !realLab) return t.skip('kubectl not installed: rendered names not checked against kubectl kustomize');
  assert.deepEqual(real.filter((id) => id.startsWith('Service/')), ids(deleted).sort());
  assert.deepEqual(realApi, ids(api('example.com')).sort());
  assert.deepEqual(realLab.filter((id) => id.startsWith('Service/')), ['Service/lab/a-web', 'Service/lab/web-b']);
});

test('network/service-ip-conflict: two renamed copies of one Service in one build ask for one IP', (t) => {
  const got = lintRepo(COPIES, [serviceIpConflict]);
  assert.deepEqual(got.map((d) => `${at(d)} ${d.messageId}`), ['base/svc.yaml:7:27 conflict']);
  assert.deepEqual(got[0]!.data, { service: 'web-b', ip: '192.168.50.20', other: 'a-web', overlay: 'apps/b/kustomization.yaml', otherOverlay: 'apps/a/kustomization.yaml' });
  // the two overlays, at the key that renames each copy (not the base line again)
  assert.deepEqual(got[0]!.related?.map(at), ['apps/b/kustomization.yaml:1:13', 'apps/a/kustomization.yaml:1:13']);
  const real = kustomizeIds(COPIES, 'clusters/home');
  if (!real) return t.skip('kubectl not installed: rendered Service names not checked against kubectl kustomize');
  assert.ok(real.includes(`Service/default/${String(got[0]!.data!['service'])}`) && real.includes(`Service/default/${String(got[0]!.data!['other'])}`), real.join(', '));
});

test('network/service-ip-conflict: renamed copies that share the IP, or that no one build renders twice, are silent', () => {
  const key = '    lbipam.cilium.io/sharing-key: web\n';
  const valid: Array<[string, Record<string, string>]> = [
    ['one sharing key, one namespace', { ...COPIES, 'base/svc.yaml': svc(key) }],
    // two builds (environments), each rendering one copy: never side by side
    ['one copy per build', { ...COPIES, 'clusters/home/kustomization.yaml': 'resources:\n  - ../../apps/a\n', 'clusters/home/b/kustomization.yaml': 'resources:\n  - ../../../apps/b\n' }],
    // a patch on the way may change the copy's request: not judged as a copy
    ['an overlay patches', { ...COPIES, 'apps/b/kustomization.yaml': 'nameSuffix: -b\nresources:\n  - ../../base\npatches:\n  - target: {kind: Service}\n    patch: |-\n      - op: replace\n        path: /metadata/annotations/lbipam.cilium.io~1ips\n        value: 192.168.50.21\n' }],
    // a Flux Kustomization patching the build's folder may change both
    ['the Flux Kustomization patches', { ...COPIES, 'clusters/home/flux/ks.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: home\nspec:\n  path: ./clusters/home\n  patches:\n    - target: {kind: Service}\n      patch: |-\n        - op: remove\n          path: /metadata/annotations\n' }],
    // no rename: one object (kustomize refuses the build: "already registered id")
    ['no rename', { ...COPIES, 'apps/a/kustomization.yaml': 'resources:\n  - ../../base\n', 'apps/b/kustomization.yaml': 'resources:\n  - ../../base\n' }],
  ];
  for (const [name, files] of valid) assert.deepEqual(lintRepo(files, [serviceIpConflict]).map(at), [], name);
});

test('network/service-ip-conflict: renamed copies with one sharing key in the namespaces their overlays set', () => {
  const files = {
    ...COPIES,
    'base/svc.yaml': svc('    lbipam.cilium.io/sharing-key: web\n'),
    'apps/a/kustomization.yaml': 'namePrefix: a-\nnamespace: team-a\nresources:\n  - ../../base\n',
    'apps/b/kustomization.yaml': 'nameSuffix: -b\nnamespace: team-b\nresources:\n  - ../../base\n',
  };
  const got = lintRepo(files, [serviceIpConflict]);
  assert.deepEqual(
    got.map((d) => `${at(d)} ${d.messageId} ${String(d.data?.['namespace'])} ${String(d.data?.['otherNamespace'])} ${String(d.data?.['overlay'])} ${String(d.data?.['otherOverlay'])}`),
    ['base/svc.yaml:7:27 otherNamespace team-b team-a apps/b/kustomization.yaml apps/a/kustomization.yaml'],
  );
  // sharing-cross-namespace on the base lets both copies share: silent
  const cross = { ...files, 'base/svc.yaml': svc('    lbipam.cilium.io/sharing-key: web\n    lbipam.cilium.io/sharing-cross-namespace: "*"\n') };
  assert.deepEqual(lintRepo(cross, [serviceIpConflict]).map(at), []);
  // a Flux Kustomization building the build's folder with targetNamespace puts both copies in one namespace: shared
  const ks = (ns: string): string => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: home-${ns}\nspec:\n  path: ./clusters/home\n  targetNamespace: ${ns}\n`;
  assert.deepEqual(lintRepo({ ...files, 'clusters/home/flux/ks.yaml': ks('web') }, [serviceIpConflict]).map(at), []);
  // two such roots with different namespaces: the namespace is unknown, not judged
  assert.deepEqual(lintRepo({ ...files, 'clusters/home/flux/ks.yaml': ks('web'), 'clusters/home/flux/ks2.yaml': ks('other') }, [serviceIpConflict]).map(at), []);
});

test('network/pool-overlap: two renamed copies of one pool in one build overlap', (t) => {
  const got = lintRepo(COPIES, [poolOverlap]);
  assert.deepEqual(
    got.map((d) => `${at(d)} ${d.data?.['pool']}/${d.data?.['other']} ${String(d.data?.['overlay'])} ${String(d.data?.['otherOverlay'])}`),
    ['base/pool.yaml:7:13 lan-b/a-lan apps/b/kustomization.yaml apps/a/kustomization.yaml'],
  );
  assert.deepEqual(got[0]!.related?.map(at), ['apps/b/kustomization.yaml:1:13', 'apps/a/kustomization.yaml:1:13']);
  // one copy per build (environments), or the pool disabled: silent
  assert.deepEqual(lintRepo({ ...COPIES, 'clusters/home/kustomization.yaml': 'resources:\n  - ../../apps/a\n', 'clusters/home/b/kustomization.yaml': 'resources:\n  - ../../../apps/b\n' }, [poolOverlap]).map(at), []);
  assert.deepEqual(lintRepo({ ...COPIES, 'base/pool.yaml': `${POOL}  disabled: true\n` }, [poolOverlap]).map(at), []);
  // a copy against another pool: the copy's rendered name
  const other = { ...COPIES, 'clusters/home/kustomization.yaml': 'resources:\n  - ../../apps/a\n  - ../../apps/b\n  - other.yaml\n', 'clusters/home/other.yaml': POOL.replace('name: lan', 'name: other').replace('16/28', '24/29') };
  assert.deepEqual(
    lintRepo(other, [poolOverlap]).map((d) => `${at(d)} ${d.data?.['pool']}/${d.data?.['other']}`),
    ['base/pool.yaml:7:13 lan-b/a-lan', 'clusters/home/other.yaml:7:13 other/a-lan', 'clusters/home/other.yaml:7:13 other/lan-b'],
  );
  const real = kustomizeIds(COPIES, 'clusters/home');
  if (!real) return t.skip('kubectl not installed: rendered pool names not checked against kubectl kustomize');
  assert.ok(real.includes('CiliumLoadBalancerIPPool/lan-b') && real.includes('CiliumLoadBalancerIPPool/a-lan'), real.join(', '));
});

test('a finding in a file two clusters share names both clusters\' places, once', () => {
  // z/shared/svc.yaml is in both clusters' groups; each cluster has its own Service asking for the same IP
  const own = (name: string): string => svc().replace('name: web', `name: ${name}`);
  const files = { 'clusters/a/svc.yaml': own('x'), 'clusters/b/svc.yaml': own('x'), 'z/shared/svc.yaml': svc() };
  const got = lintRepo(files, [serviceIpConflict]);
  assert.deepEqual(got.map((d) => `${at(d)} ${d.messageId} ${String(d.data?.['service'])}/${String(d.data?.['other'])}`), ['z/shared/svc.yaml:7:27 conflict web/x']);
  assert.deepEqual(got[0]!.related?.map(at), ['clusters/a/svc.yaml:7:27', 'clusters/b/svc.yaml:7:27']);
});

test('mergeAcrossGroups: string data joined and sorted, related merged in group order; other differences left alone', () => {
  const doc = parseRepo({ 'x.yaml': 'a: 1\n' })[0]!;
  const f = (overlay: string | number, rel: string, extra: Record<string, string> = {}): Finding => ({
    ruleId: 'r/x',
    messageId: 'm',
    severity: 'error',
    message: 'same',
    help: 'h.',
    doc,
    path: ['a'],
    data: { overlay, ...extra },
    related: [{ doc, path: [rel], message: rel }],
  });
  const one = f('k/b.yaml, k/c.yaml', 'b');
  const two = f('k/a.yaml', 'a');
  const groups = new Map<Finding, string>([
    [one, 'b'],
    [two, 'a'],
  ]);
  const merged = mergeAcrossGroups([one, two], groups);
  assert.equal(merged.length, 1);
  assert.deepEqual(merged[0]!.data, { overlay: 'k/a.yaml, k/b.yaml, k/c.yaml' });
  assert.deepEqual(merged[0]!.related?.map((r) => r.message), ['b', 'a']);
  // one group's own findings, a number that differs, a key only one has: as they are
  assert.equal(mergeAcrossGroups([one, two], new Map([[one, 'a'], [two, 'a']])).length, 2);
  const n1 = f(1, 'a');
  const n2 = f(2, 'b');
  assert.equal(mergeAcrossGroups([n1, n2], new Map([[n1, 'a'], [n2, 'b']])).length, 2);
  // a string key only one group has (context the message does not show): one finding with it
  const k1 = f('o', 'a');
  const k2 = f('o', 'b', { more: 'x' });
  const withKey = mergeAcrossGroups([k1, k2], new Map([[k1, 'a'], [k2, 'b']]));
  assert.equal(withKey.length, 1);
  assert.deepEqual(withKey[0]!.data, { overlay: 'o', more: 'x' });
  // a boolean only one group has, or a number only one has: different findings
  const b1 = f('o', 'a');
  const b2: Finding = { ...f('o', 'b'), data: { overlay: 'o', fixable: true } };
  assert.equal(mergeAcrossGroups([b1, b2], new Map([[b1, 'a'], [b2, 'b']])).length, 2);
  // equal numbers and booleans in every finding merge; equal strings stay as written (not split and sorted)
  const e1: Finding = { ...f('o', 'a'), data: { overlay: 'z, y', n: 3, on: false } };
  const e2: Finding = { ...f('o', 'b'), data: { overlay: 'z, y', n: 3, on: false } };
  assert.deepEqual(mergeAcrossGroups([e1, e2], new Map([[e1, 'a'], [e2, 'b']])).map((x) => x.data), [{ overlay: 'z, y', n: 3, on: false }]);
});

test('mergeAcrossGroups: messages that differ only by their own group\'s name are one finding naming every group; other messages stay apart', () => {
  const doc = parseRepo({ 'x.yaml': 'a: 1\n' })[0]!;
  const template = 'cluster "{{cluster}}" has no policy for {{pool}}.';
  const render = (_: string, data: Record<string, string | number | boolean>, names?: ReadonlySet<string>): string => {
    const [t, shown] = pluralGroups(template, data, names);
    return t.replace('{{cluster}}', String(shown['cluster'])).replace('{{pool}}', String(shown['pool']));
  };
  const f = (cluster: string, pool = 'lan', rel = cluster): Finding => ({
    ruleId: 'r/x', messageId: 'm', severity: 'warning', message: render('m', { cluster, pool }), help: 'h.', doc, path: ['a'], data: { cluster, pool }, related: [{ doc, path: [rel], message: rel }],
  });
  const home = f('home');
  const lab = f('lab');
  const got = mergeAcrossGroups([home, lab], new Map([[home, 'home'], [lab, 'lab']]), render);
  assert.equal(got.length, 1);
  assert.deepEqual(got[0]!.data, { cluster: 'home, lab', pool: 'lan' });
  assert.equal(got[0]!.message, 'each of clusters "home" and "lab" has no policy for lan.');
  assert.deepEqual(got[0]!.related?.map((r) => r.message), ['home', 'lab']);
  // another value the message shows (not the group's name): different findings
  const other = f('lab', 'dmz');
  assert.equal(mergeAcrossGroups([home, other], new Map([[home, 'home'], [other, 'lab']]), render).length, 2);
  // a name that is not the finding's own group: different findings
  const wrong = f('home');
  assert.equal(mergeAcrossGroups([lab, wrong], new Map([[lab, 'lab'], [wrong, 'lab2']]), render).length, 2);
  // without a renderer the messages cannot be put together again: as they are
  assert.equal(mergeAcrossGroups([home, lab], new Map([[home, 'home'], [lab, 'lab']])).length, 2);
});

test('runRules: a Cilium release two clusters share, in neither of which an L2 policy exists, is one finding naming both clusters', () => {
  const values = 'kubeProxyReplacement: true\nl2announcements:\n  enabled: true\n';
  const files = { 'clusters/home/x.yaml': 'a: 1\n', 'clusters/lab/x.yaml': 'a: 1\n', 'z/cilium/hr.yaml': ciliumHelmReleaseOf(values) };
  const got = lintRepo(files, [l2WithoutPolicy]);
  assert.deepEqual(got.map((d) => `${at(d)} ${d.messageId} ${String(d.data?.['cluster'])}`), ['z/cilium/hr.yaml:17:16 noPolicy home, lab']);
  assert.match(got[0]!.message, /each of clusters "home" and "lab" has no/);
});

test('pluralGroups: several groups\' names in `cluster "{{key}}"` read as a list, capitalised where the template is; one name, other keys and other words as they are', () => {
  const names = new Set(['cluster']);
  assert.deepEqual(pluralGroups('Cluster "{{cluster}}" lacks {{x}}; cluster "{{cluster}}" again', { cluster: 'a, b, c', x: 'y' }, names), [
    'Each of clusters {{cluster}} lacks {{x}}; each of clusters {{cluster}} again',
    { cluster: '"a", "b" and "c"', x: 'y' },
  ]);
  assert.deepEqual(pluralGroups('cluster "{{cluster}}" lacks it', { cluster: 'a' }, names), ['cluster "{{cluster}}" lacks it', { cluster: 'a' }]);
  assert.deepEqual(pluralGroups('overlay {{cluster}} of subcluster "{{cluster}}"', { cluster: 'a, b' }, names), ['overlay {{cluster}} of subcluster "{{cluster}}"', { cluster: 'a, b' }]);
  assert.deepEqual(pluralGroups('cluster "{{cluster}}"', { cluster: 'a, b' }, undefined), ['cluster "{{cluster}}"', { cluster: 'a, b' }]);
});

test('runRules merging across groups keeps a rule with 160,000 findings (no spread of them into call arguments)', () => {
  const docs = parseRepo({ 'clusters/a/x.yaml': 'a: 1\n', 'clusters/b/x.yaml': 'a: 1\n' });
  const groups = buildClusterGroups(docs);
  assert.equal(groups.length, 2);
  const many = defineRule({
    meta: { id: 'test/many', description: 'Many.', severity: 'info', messages: { m: 'One of many.' }, help: 'None.', docs: { what: '', why: '', fix: '', sources: [] }, examples: { valid: [], invalid: [] } },
    check: ({ cluster }) => Array.from({ length: 80_000 }, (_, i) => ({ doc: cluster.docs[0]!, path: ['a', i], messageId: 'm' })),
  });
  // before: "Maximum call stack size exceeded" (out.splice(start, n, ...merged))
  const got = runRules([many], groups, docs, {}, {});
  assert.equal(got.length, 160_000);
  assert.deepEqual([got[0]!.doc?.file.path, got[0]!.path, got[159_999]!.doc?.file.path, got[159_999]!.path], ['clusters/a/x.yaml', ['a', 0], 'clusters/b/x.yaml', ['a', 79_999]]);
});
