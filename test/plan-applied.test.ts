/**
 * Applied documents (plan/applied.ts): in a folder with a kustomization, only the files some kustomization names are
 * applied by Kustomize, Flux and Argo CD; cross-object rules count only applied objects, schema checks see all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toDiagnostic } from '../src/core/finding.js';
import { runRules } from '../src/lint/run-rules.js';
import { unappliedDocs } from '../src/plan/applied.js';
import { argoGlob } from '../src/plan/argo-directory.js';
import { buildClusterGroups } from '../src/plan/index.js';
import unreferencedFile from '../src/rules/gitops/unreferenced-file.js';
import poolOverlap from '../src/rules/network/pool-overlap.js';
import serviceIpNotInPool from '../src/rules/network/service-ip-not-in-pool.js';
import { runCli } from '../src/testing/cli.js';
import { parseRepo, ruleTester, yaml } from '../src/testing/rule-tester.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const pool = (name: string, cidr: string): string => yaml`
  apiVersion: cilium.io/v2
  kind: CiliumLoadBalancerIPPool
  metadata:
    name: ${name}
  spec:
    blocks:
      - cidr: ${cidr}
`;
const svc = (ip: string): string => yaml`
  apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: default
    annotations:
      lbipam.cilium.io/ips: "${ip}"
  spec:
    type: LoadBalancer
`;
const kust = (...resources: string[]): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;

/** File paths of the unapplied documents of a repository. */
const unapplied = (files: Record<string, string>): string[] => [...new Set([...unappliedDocs(parseRepo(files))].map((d) => d.file.path))].sort();

test('network/pool-overlap: a pool file the kustomization beside it no longer lists is not applied (silent)', () => {
  const lb = { 'infra/lb/pool.yaml': pool('lan', '10.50.0.224/27'), 'infra/lb/pool-old.yaml': pool('old', '10.50.0.240/28') };
  ruleTester(poolOverlap, {
    valid: [{ ...lb, 'infra/lb/kustomization.yaml': kust('pool.yaml') }],
    invalid: [
      // listed: both pools are applied
      { files: { ...lb, 'infra/lb/kustomization.yaml': kust('pool.yaml', 'pool-old.yaml') }, errors: [{ messageId: 'overlap', file: 'infra/lb/pool.yaml', line: 7, column: 13 }] },
      // a folder without a kustomization is applied whole (Flux generates one)
      { files: lb, errors: [{ messageId: 'overlap', file: 'infra/lb/pool.yaml', line: 7, column: 13 }] },
      // listed by a kustomization above the folder (through a resources chain, or directly)
      { files: { ...lb, 'infra/lb/kustomization.yaml': kust('pool.yaml'), 'infra/kustomization.yaml': kust('lb', 'lb/pool-old.yaml') }, errors: [{ messageId: 'overlap', file: 'infra/lb/pool.yaml', line: 7, column: 13 }] },
    ],
  });
});

test('network/service-ip-not-in-pool: a Service in a file no kustomization lists is not judged', () => {
  const base = { 'apps/web/kustomization.yaml': kust('deploy.yaml'), 'apps/web/deploy.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n', 'infra/pool.yaml': pool('lan', '10.50.0.224/28') };
  ruleTester(serviceIpNotInPool, {
    valid: [{ ...base, 'apps/web/svc.yaml': svc('10.60.0.1') }],
    invalid: [{ files: { ...base, 'apps/web/svc.yaml': svc('10.60.0.1'), 'apps/web/kustomization.yaml': kust('deploy.yaml', './svc.yaml') }, errors: [{ messageId: 'noPool', file: 'apps/web/svc.yaml', line: 7, column: 27 }] }],
  });
});

test('applied documents: what counts as named by a kustomization', () => {
  const p = pool('a', '10.50.0.224/28');
  // unlisted, in a folder with a kustomization
  assert.deepEqual(unapplied({ 'k/kustomization.yaml': kust('a.yaml'), 'k/a.yaml': p, 'k/b.yaml': p }), ['k/b.yaml']);
  // a folder without a kustomization, and one below a kustomization's folder: not judged
  assert.deepEqual(unapplied({ 'k/kustomization.yaml': kust('a.yaml'), 'k/a.yaml': p, 'k/sub/b.yaml': p, 'x/c.yaml': p }), []);
  // patches, strategic-merge patches, JSON6902 patch files, generators' files (`key=path` too), components, a
  // generator file's own files (ksops), Argo CD kustomize patches
  assert.deepEqual(
    unapplied({
      'k/kustomization.yaml': 'resources: [a.yaml]\npatches:\n  - path: p1.yaml\npatchesStrategicMerge:\n  - p2.yaml\npatchesJson6902:\n  - path: p3.yaml\n    target: {kind: X, name: y}\nconfigMapGenerator:\n  - name: v\n    files:\n      - values=cm.yaml\ngenerators:\n  - ksops.yaml\ncomponents:\n  - ../comp\n',
      'k/a.yaml': p,
      'k/p1.yaml': p,
      'k/p2.yaml': p,
      'k/p3.yaml': p,
      'k/cm.yaml': p,
      'k/ksops.yaml': 'apiVersion: viaduct.ai/v1\nkind: ksops\nmetadata:\n  name: s\nfiles:\n  - ./secret.sops.yaml\n',
      'k/secret.sops.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n',
      'comp/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - c.yaml\n',
      'comp/c.yaml': p,
      'comp/d.yaml': p,
    }),
    ['comp/d.yaml'],
  );
  // a templated resources entry may name any file of the folder; a kustomization that does not parse as one, or a
  // folder an Argo CD source applies as plain directory: nothing is known to be left out
  assert.deepEqual(unapplied({ 'k/kustomization.yaml': kust('${APP}.yaml'), 'k/a.yaml': p }), []);
  assert.deepEqual(unapplied({ 'k/kustomization.yaml': 'resources: [a.yaml\n', 'k/a.yaml': p }), []);
  assert.deepEqual(
    unapplied({ 'k/kustomization.yaml': kust('x.yaml'), 'k/a.yaml': p, 'argo/app.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    repoURL: https://example.com/r.git\n    path: k\n    directory:\n      recurse: false\n' }),
    [],
  );
  const argo = (path: string, directory: string) => `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: a\nspec:\n  template:\n    spec:\n      source:\n        repoURL: https://example.com/r.git\n        path: ${path}\n        directory:\n${directory}`;
  // a recursive directory source reaches subfolders; a templated path may be any folder
  assert.deepEqual(unapplied({ 'k/sub/kustomization.yaml': kust('x.yaml'), 'k/sub/a.yaml': p, 'argo/app.yaml': argo('k', '          recurse: true\n') }), []);
  assert.deepEqual(unapplied({ 'k/sub/kustomization.yaml': kust('x.yaml'), 'k/sub/a.yaml': p, 'argo/app.yaml': argo('k', '          recurse: false\n') }), ['k/sub/a.yaml']);
  assert.deepEqual(unapplied({ 'k/kustomization.yaml': kust('x.yaml'), 'k/a.yaml': p, 'argo/app.yaml': argo("'{{path}}'", '          recurse: false\n') }), []);
  // only Kubernetes objects: a values file or a Talos patch beside a kustomization is not an object it applies
  assert.deepEqual(unapplied({ 'k/kustomization.yaml': kust('a.yaml'), 'k/a.yaml': p, 'k/values.yaml': 'l2announcements:\n  enabled: true\n', 'k/patch.yaml': 'machine:\n  network: {}\n' }), []);
});

test('applied documents: groups leave them out of the rules\' view and keep them for the per-document checks', () => {
  const docs = parseRepo({ 'k/kustomization.yaml': kust('a.yaml'), 'k/a.yaml': pool('a', '10.50.0.224/28'), 'k/b.yaml': pool('b', '10.50.0.240/28') });
  const [g] = buildClusterGroups(docs);
  assert.deepEqual(g!.docs.map((d) => d.file.path), ['k/a.yaml', 'k/kustomization.yaml']);
  assert.deepEqual(g!.unapplied?.map((d) => d.file.path), ['k/b.yaml']);
});

test('gitops/unreferenced-file: once per file, at its first line, naming the kustomization of its folder', () => {
  const p = pool('a', '10.50.0.224/28');
  ruleTester(unreferencedFile, {
    valid: [
      { 'k/kustomization.yaml': kust('a.yaml'), 'k/a.yaml': p },
      { 'k/a.yaml': p, 'k/b.yaml': p },
    ],
    invalid: [
      {
        // two documents in the file, a comment above them; a folder two cluster groups share: one finding
        files: { 'k/kustomization.yaml': kust('a.yaml'), 'k/a.yaml': p, 'k/old.yaml': `# left over\n${p}---\n${p}`, 'clusters/home/x.yaml': p, 'clusters/lab/x.yaml': p },
        errors: [{ messageId: 'unreferenced', file: 'k/old.yaml', line: 1, column: 1, data: { file: 'old.yaml', kustomization: 'k/kustomization.yaml' } }],
      },
    ],
  });
  const docs = parseRepo({ 'k/kustomization.yaml': kust('a.yaml'), 'k/a.yaml': p, 'k/old.yaml': p });
  const run = (partialTree: boolean) => runRules([unreferencedFile], buildClusterGroups(docs), docs, {}, { partialTree }).map(toDiagnostic);
  // the related location is the kustomization's resources key
  assert.deepEqual(run(false).map((d) => d.related?.map((r) => [r.file, r.range.start.line, r.range.start.column])), [[['k/kustomization.yaml', 3, 1]]]);
  // a run over part of the tree may not have read the kustomization that lists it
  assert.deepEqual(run(true), []);
});

test('talium lint: an unlisted file still gets its schema checks, and only the info about it from the rules', async () => {
  const repos = tempRepos('talium-applied-');
  try {
    const dir = repos.repo({
      'infra/lb/kustomization.yaml': kust('pool.yaml'),
      'infra/lb/pool.yaml': pool('lan', '10.50.0.224/27'),
      // overlaps the listed pool, and `blocks` entries must be objects (schema)
      'infra/lb/pool-old.yaml': `${pool('old', '10.50.0.240/28')}    - 10.50.0.250\n`,
    });
    for (const workers of ['0', '2']) {
      const r = await runCli(['lint', '--format', 'json', '--no-cache', '--workers', workers], { cwd: dir });
      const out = JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; file: string; range: { start: { line: number } } }> };
      const got = out.diagnostics.map((d) => `${d.file}:${d.range.start.line} ${d.ruleId}`);
      assert.ok(got.includes('infra/lb/pool-old.yaml:1 gitops/unreferenced-file'), `workers ${workers}: ${got.join(', ')}`);
      assert.ok(got.some((g) => g.startsWith('infra/lb/pool-old.yaml:8 schema/')), `workers ${workers}: ${got.join(', ')}`);
      assert.ok(!got.some((g) => g.includes('network/pool-overlap')), `workers ${workers}: ${got.join(', ')}`);
    }
  } finally {
    repos.cleanup();
  }
});

// ---------- Argo CD directory include / exclude ----------

const dirApp = (name: string, path: string, directory: string): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/me/home-ops.git\n    targetRevision: main\n    path: ${path}\n${directory ? `    directory:\n${directory}` : ''}  destination:\n    name: in-cluster\n    namespace: kube-system\n`;

test('argoGlob: gobwas/glob without separators, as Argo CD matches directory include/exclude', () => {
  const m = (pattern: string, text: string): boolean | undefined => argoGlob(pattern)?.test(text);
  // `*` crosses folders (no separators given to glob.Compile)
  assert.equal(m('*.yaml', 'pool.yaml'), true);
  assert.equal(m('*.yaml', 'sub/pool.yaml'), true);
  assert.equal(m('*.yml', 'pool.yaml'), false);
  // the docs' examples
  assert.equal(m('{config.json,env-usw2/*}', 'config.json'), true);
  assert.equal(m('{config.json,env-usw2/*}', 'env-usw2/a/b.yaml'), true);
  assert.equal(m('{config.json,env-usw2/*}', 'env-use1/b.yaml'), false);
  assert.equal(m('some-directory/*', 'some-directory/x.yaml'), true);
  assert.equal(m('{*.yml,*.yaml}', 'a.yaml'), true);
  // ? [..] [!..] ranges, nested braces, escapes; the whole text must match
  assert.equal(m('old-?.yaml', 'old-1.yaml'), true);
  assert.equal(m('[!o]*.yaml', 'old.yaml'), false);
  assert.equal(m('[!o]*.yaml', 'new.yaml'), true);
  assert.equal(m('pool-[a-c].yaml', 'pool-b.yaml'), true);
  assert.equal(m('{a,{b,c}x}.yaml', 'cx.yaml'), true);
  assert.equal(m('\\*.yaml', 'a.yaml'), false);
  assert.equal(m('\\*.yaml', '*.yaml'), true);
  assert.equal(m('pool.yaml', 'old/pool.yaml'), false);
  assert.equal(m('a.b', 'axb'), false);
  // patterns gobwas refuses to compile
  assert.equal(argoGlob('[abc'), undefined);
  assert.equal(argoGlob('{a,b'), undefined);
  assert.equal(argoGlob('a\\'), undefined);
});

test('network/pool-overlap: a pool file an Argo CD directory source excludes is not applied (silent)', () => {
  const lb = { 'k8s/cilium/pool.yaml': pool('lan', '10.50.0.224/27'), 'k8s/cilium/old-pool.yaml': pool('old', '10.50.0.240/28') };
  ruleTester(poolOverlap, {
    valid: [
      { ...lb, 'argocd/cilium.yaml': dirApp('cilium-config', 'k8s/cilium', "      exclude: 'old-*.yaml'\n") },
      { ...lb, 'argocd/cilium.yaml': dirApp('cilium-config', 'k8s/cilium', "      include: 'pool.yaml'\n") },
      // relative to the source path, `*` crossing folders: the old pool one folder down, under a recursive source
      { 'k8s/cilium/pool.yaml': lb['k8s/cilium/pool.yaml'], 'k8s/cilium/archive/pool.yaml': lb['k8s/cilium/old-pool.yaml'], 'argocd/cilium.yaml': dirApp('cilium-config', 'k8s', "      recurse: true\n      exclude: '*archive*'\n") },
    ],
    invalid: [
      // the exclude does not match the file
      { files: { ...lb, 'argocd/cilium.yaml': dirApp('cilium-config', 'k8s/cilium', "      exclude: 'legacy-*.yaml'\n") }, errors: [{ messageId: 'overlap', file: 'k8s/cilium/pool.yaml', line: 7, column: 13 }] },
      // another Application applies the same folder without a filter
      { files: { ...lb, 'argocd/cilium.yaml': dirApp('cilium-config', 'k8s/cilium', "      exclude: 'old-*.yaml'\n"), 'argocd/other.yaml': dirApp('other', 'k8s/cilium', '') }, errors: [{ messageId: 'overlap', file: 'k8s/cilium/pool.yaml', line: 7, column: 13 }] },
      // a Flux Kustomization applies a folder above it (recursively)
      { files: { ...lb, 'argocd/cilium.yaml': dirApp('cilium-config', 'k8s/cilium', "      exclude: 'old-*.yaml'\n"), 'flux/ks.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: k8s\n  namespace: flux-system\nspec:\n  path: ./k8s\n  interval: 10m\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n' }, errors: [{ messageId: 'overlap', file: 'k8s/cilium/pool.yaml', line: 7, column: 13 }] },
      // a glob gobwas cannot compile is not modelled: the folder counts as applied whole
      { files: { ...lb, 'argocd/cilium.yaml': dirApp('cilium-config', 'k8s/cilium', "      exclude: 'old-[.yaml'\n") }, errors: [{ messageId: 'overlap', file: 'k8s/cilium/pool.yaml', line: 7, column: 13 }] },
    ],
  });
});

test('applied documents: Argo CD include/exclude leave files out only where nothing else applies them', () => {
  const p = pool('a', '10.50.0.224/28');
  // an include no file matches (`*.yml` for .yaml files) leaves the whole folder out
  assert.deepEqual(unapplied({ 'k/a.yaml': p, 'k/b.yaml': p, 'argo/app.yaml': dirApp('a', 'k', "      include: '*.yml'\n") }), ['k/a.yaml', 'k/b.yaml']);
  // a non-recursive source does not judge subfolders
  assert.deepEqual(unapplied({ 'k/sub/a.yaml': p, 'argo/app.yaml': dirApp('a', 'k', "      exclude: '*'\n") }), []);
  // a kustomization naming the file keeps it
  assert.deepEqual(unapplied({ 'k/a.yaml': p, 'argo/app.yaml': dirApp('a', 'k', "      exclude: 'a.yaml'\n"), 'o/kustomization.yaml': kust('../k/a.yaml') }), []);
  // a templated source path (an ApplicationSet) may be any folder, read unfiltered; so may a templated glob
  const set = `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: s\nspec:\n  template:\n    spec:\n      source:\n        repoURL: https://github.com/me/home-ops.git\n        path: '{{.path.path}}'\n`;
  assert.deepEqual(unapplied({ 'k/a.yaml': p, 'argo/app.yaml': dirApp('a', 'k', "      exclude: 'a.yaml'\n"), 'argo/set.yaml': set }), []);
  assert.deepEqual(unapplied({ 'k/a.yaml': p, 'argo/app.yaml': dirApp('a', 'k', "      exclude: '{{.exclude}}'\n") }), []);
  // two filtering sources: kept when either reads it
  assert.deepEqual(unapplied({ 'k/a.yaml': p, 'argo/app.yaml': dirApp('a', 'k', "      exclude: 'a.yaml'\n"), 'argo/b.yaml': dirApp('b', 'k', "      include: 'a.yaml'\n") }), []);
});

test('gitops/unreferenced-file: silent for a file an Argo CD directory source leaves out', () => {
  const files = { 'k/kustomization.yaml': kust('a.yaml'), 'k/a.yaml': pool('a', '10.50.0.224/28'), 'k/old.yaml': pool('b', '10.50.0.240/28'), 'argo/app.yaml': dirApp('a', 'k', "      exclude: '{old.yaml,kustomization.yaml}'\n") };
  ruleTester(unreferencedFile, { valid: [files], invalid: [] });
  // the filtered file is out of the rules' view all the same
  assert.deepEqual(unapplied(files), ['k/old.yaml']);
});

test('network/pool-overlap: an object Argo CD skips (hook Skip) is not applied, in a repository with Argo CD Applications', () => {
  const skipped = (hook: string) => pool('old', '10.50.0.240/28').replace('metadata:\n', `metadata:\n  annotations:\n    argocd.argoproj.io/hook: ${hook}\n`);
  const live = { 'k8s/cilium/pool.yaml': pool('lan', '10.50.0.224/27') };
  const app = { 'argocd/cilium.yaml': dirApp('cilium-config', 'k8s/cilium', '') };
  ruleTester(poolOverlap, {
    valid: [
      { ...live, ...app, 'k8s/cilium/old.yaml': skipped('Skip') },
      // blanks trimmed, unknown types dropped (gitops-engine hook.Types)
      { ...live, ...app, 'k8s/cilium/old.yaml': skipped('"Skip, Later"') },
    ],
    invalid: [
      // Skip with another hook type is that hook, applied in its phase
      { files: { ...live, ...app, 'k8s/cilium/old.yaml': skipped('"Skip,PreSync"') }, errors: [{ messageId: 'overlap', file: 'k8s/cilium/pool.yaml', line: 7, column: 13 }] },
      // no Argo CD in the repository: Flux, Kustomize and kubectl ignore the annotation
      { files: { ...live, 'k8s/cilium/old.yaml': skipped('Skip') }, errors: [{ messageId: 'overlap', file: 'k8s/cilium/pool.yaml', line: 7, column: 13 }] },
    ],
  });
  // a kustomization lists it: left out for the Skip, and gitops/unreferenced-file does not call it unlisted
  const listed = { ...live, ...app, 'k8s/cilium/old.yaml': skipped('Skip'), 'k8s/cilium/kustomization.yaml': kust('pool.yaml', 'old.yaml') };
  assert.deepEqual(unapplied(listed), ['k8s/cilium/old.yaml']);
  ruleTester(unreferencedFile, { valid: [listed], invalid: [] });
});
