/**
 * Renamed copies two appliers of one cluster make (plan/renamed-copies.ts crossApplierCopies): two Flux
 * Kustomizations or Argo CD Applications each building one overlay of one base with another namePrefix/nameSuffix
 * apply two objects (network/service-ip-conflict, network/pool-overlap judge them; gitops/object-applied-twice does
 * not fire for different names); the same prefix is one object applied twice. Rendered names checked against the
 * real `kubectl kustomize` where it is installed.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { renamedCopies } from '../src/plan/renamed-copies.js';
import objectAppliedTwice from '../src/rules/gitops/object-applied-twice.js';
import poolOverlap from '../src/rules/network/pool-overlap.js';
import serviceIpConflict from '../src/rules/network/service-ip-conflict.js';
import { lintRepo, parseRepo } from '../src/testing/rule-tester.js';
import { tempRepos } from '../src/testing/temp-repos.js';
import { hasKubectl, kustomizeBuild } from '../src/testing/kubectl-kustomize.js';

const repos = tempRepos('talium-applier-copies-');
after(() => repos.cleanup());

/** A LoadBalancer Service `web`; its ips annotation value is on line 7, column 27. */
const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\n  annotations:\n    lbipam.cilium.io/ips: "192.168.50.20"\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n';
/** A pool `lan`; its block's cidr value is on line 7, column 13. */
const POOL = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 192.168.50.16/28\n';
const KS = (name: string, p: string, extra = '') =>
  `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ${p}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${extra}`;
const APP = (name: string, p: string, extra = '') =>
  `---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/me/home-ops.git\n    targetRevision: main\n    path: ${p}\n${extra}  destination:\n    server: https://kubernetes.default.svc\n    namespace: default\n`;

/** base (Service + pool); apps/a (namePrefix a-) and apps/b (nameSuffix -b), each applied by its own Flux Kustomization. */
const BASE: Record<string, string> = {
  'base/kustomization.yaml': 'resources:\n  - svc.yaml\n  - pool.yaml\n',
  'base/svc.yaml': SVC,
  'base/pool.yaml': POOL,
  'apps/a/kustomization.yaml': 'namePrefix: a-\nresources:\n  - ../../base\n',
  'apps/b/kustomization.yaml': 'nameSuffix: -b\nresources:\n  - ../../base\n',
};
const FLUX = { ...BASE, 'clusters/home/apps.yaml': KS('a', './apps/a') + KS('b', './apps/b') };

const at = (d: { file: string; range: { start: { line: number; column: number } } }): string => `${d.file}:${d.range.start.line}:${d.range.start.column}`;
const ids = (files: Record<string, string>): string[] =>
  [...renamedCopies(parseRepo(files)).values()].flat().map((c) => `${c.doc.kind}/${c.namespace ? `${c.namespace}/` : ''}${c.name} ${c.overlay.kustomization.file.path}#${c.overlay.path.join('.')}`);

/** `kind/name` of every object `kubectl kustomize` renders for `dir` (undefined without kubectl). */
function kustomizeNames(files: Record<string, string>, dir: string): string[] | undefined {
  if (!hasKubectl) return undefined;
  return kustomizeBuild<{ kind: string; metadata: { name: string } }>(join(repos.repo(files), dir)).map((o) => `${o.kind}/${o.metadata.name}`).sort();
}

test('renamedCopies: two Flux Kustomizations of one cluster building two overlays of one base, as kubectl kustomize renders each', (t) => {
  assert.deepEqual(ids(FLUX), [
    'Service/default/a-web apps/a/kustomization.yaml#namePrefix',
    'Service/default/web-b apps/b/kustomization.yaml#nameSuffix',
    'CiliumLoadBalancerIPPool/a-lan apps/a/kustomization.yaml#namePrefix',
    'CiliumLoadBalancerIPPool/lan-b apps/b/kustomization.yaml#nameSuffix',
  ]);
  // one folder, the rename on the Flux Kustomization itself (spec.namePrefix)
  const own = { 'app/kustomization.yaml': BASE['base/kustomization.yaml']!, 'app/svc.yaml': SVC, 'app/pool.yaml': POOL, 'clusters/home/apps.yaml': KS('a', './app') + KS('b', './app', '  namePrefix: b-\n') };
  assert.deepEqual(ids(own), [
    'Service/default/web clusters/home/apps.yaml#spec.path',
    'Service/default/b-web clusters/home/apps.yaml#spec.namePrefix',
    'CiliumLoadBalancerIPPool/lan clusters/home/apps.yaml#spec.path',
    'CiliumLoadBalancerIPPool/b-lan clusters/home/apps.yaml#spec.namePrefix',
  ]);
  const a = kustomizeNames(FLUX, 'apps/a');
  const b = kustomizeNames(FLUX, 'apps/b');
  if (!a || !b) return t.skip('kubectl not installed: rendered names not checked against kubectl kustomize');
  assert.deepEqual(a, ['CiliumLoadBalancerIPPool/a-lan', 'Service/a-web']);
  assert.deepEqual(b, ['CiliumLoadBalancerIPPool/lan-b', 'Service/web-b']);
});

test('network/service-ip-conflict and network/pool-overlap: copies two appliers of one cluster make', () => {
  const svc = lintRepo(FLUX, [serviceIpConflict]);
  assert.deepEqual(svc.map((d) => `${at(d)} ${d.messageId}`), ['base/svc.yaml:7:27 conflict']);
  assert.deepEqual(svc[0]!.data, { service: 'web-b', ip: '192.168.50.20', other: 'a-web', overlay: 'apps/b/kustomization.yaml', otherOverlay: 'apps/a/kustomization.yaml' });
  assert.deepEqual(svc[0]!.related?.map(at), ['apps/b/kustomization.yaml:1:13', 'apps/a/kustomization.yaml:1:13']);
  const pools = lintRepo(FLUX, [poolOverlap]);
  assert.deepEqual(pools.map((d) => `${at(d)} ${d.data?.['pool']}/${d.data?.['other']}`), ['base/pool.yaml:7:13 lan-b/a-lan']);
  // different names: not one object applied twice
  assert.deepEqual(lintRepo(FLUX, [objectAppliedTwice]).map(at), []);
  // Argo CD: two Applications of one folder, each with its own kustomize.namePrefix
  const argo = { ...BASE, 'argocd/a.yaml': APP('a', 'base', '    kustomize:\n      namePrefix: a-\n'), 'argocd/b.yaml': APP('b', 'base', '    kustomize:\n      namePrefix: b-\n') };
  const got = lintRepo(argo, [serviceIpConflict, poolOverlap, objectAppliedTwice]);
  assert.deepEqual(got.map((d) => `${at(d)} ${d.ruleId} ${String(d.data?.['overlay'])} ${String(d.data?.['otherOverlay'])}`), [
    'base/pool.yaml:7:13 network/pool-overlap argocd/b.yaml argocd/a.yaml',
    'base/svc.yaml:7:27 network/service-ip-conflict argocd/b.yaml argocd/a.yaml',
  ]);
  assert.deepEqual(got[1]!.related?.map(at), ['argocd/b.yaml:14:19', 'argocd/a.yaml:14:19']);
});

test('copies two appliers make: the same prefix is one object applied twice; other clusters, patches and one applier are silent', () => {
  const same = { ...BASE, 'apps/b/kustomization.yaml': 'namePrefix: a-\nresources:\n  - ../../base\n', 'clusters/home/apps.yaml': KS('a', './apps/a') + KS('b', './apps/b') };
  assert.deepEqual(lintRepo(same, [serviceIpConflict, poolOverlap]).map(at), []);
  assert.deepEqual(lintRepo(same, [objectAppliedTwice]).map((d) => `${at(d)} ${String(d.data?.['name'])}`), ['base/pool.yaml:4:9 a-lan', 'base/svc.yaml:4:9 a-web']);
  const silent: Array<[string, Record<string, string>]> = [
    // each overlay in its own cluster (talium's cluster groups)
    ['two clusters', { ...BASE, 'clusters/home/apps.yaml': KS('a', './apps/a'), 'clusters/lab/apps.yaml': KS('b', './apps/b') }],
    // other Argo CD destinations
    ['two destinations', { ...BASE, 'argocd/a.yaml': APP('a', 'apps/a'), 'argocd/b.yaml': APP('b', 'apps/b').replace('https://kubernetes.default.svc', 'https://lab.example.com:6443') }],
    // an applier's own patch may change its copy's request
    ['a Flux Kustomization patches', { ...FLUX, 'clusters/home/apps.yaml': KS('a', './apps/a') + KS('b', './apps/b', '  patches:\n    - target: {kind: Service}\n      patch: |-\n        - op: remove\n          path: /metadata/annotations\n') }],
    // annotations an applier adds may change the request
    ['Flux commonMetadata', { ...FLUX, 'clusters/home/apps.yaml': KS('a', './apps/a') + KS('b', './apps/b', '  commonMetadata:\n    annotations:\n      lbipam.cilium.io/ips: 192.168.50.21\n') }],
    ['Argo CD commonAnnotations', { ...BASE, 'argocd/a.yaml': APP('a', 'base', '    kustomize:\n      namePrefix: a-\n'), 'argocd/b.yaml': APP('b', 'base', '    kustomize:\n      namePrefix: b-\n      commonAnnotations:\n        lbipam.cilium.io/ips: 192.168.50.21\n') }],
    // one applier only: the other overlay is another environment's
    ['one applier', { ...BASE, 'clusters/home/apps.yaml': KS('a', './apps/a') }],
  ];
  for (const [name, files] of silent) assert.deepEqual(lintRepo(files, [serviceIpConflict, poolOverlap]).map(at), [], name);
});
