/**
 * What a Flux Kustomization applies is its source's artifact: without the files `.sourceignore`, the source's
 * `spec.ignore` and Flux's own exclusions leave out (plan/source-ignore.ts, plan/appliers.ts). Every rule that counts
 * what Flux applies sees the same artifact: gitops/duplicate-object (generated folders), gitops/object-applied-twice,
 * the copies two appliers make (network/service-ip-conflict, network/pool-overlap), and the patches a Flux
 * Kustomization adds (gitops/patch-target-missing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { FLUX_EXCLUDE_DEFAULT, sourceIgnored } from '../src/plan/source-ignore.js';
import duplicateObject from '../src/rules/gitops/duplicate-object.js';
import objectAppliedTwice from '../src/rules/gitops/object-applied-twice.js';
import patchTargetMissing from '../src/rules/gitops/patch-target-missing.js';
import serviceIpConflict from '../src/rules/network/service-ip-conflict.js';
import poolOverlap from '../src/rules/network/pool-overlap.js';
import { lintRepo } from '../src/testing/rule-tester.js';
import { hasKubectl, KUBECTL_ABSENT, kustomizeFailsWith } from '../src/testing/kubectl-kustomize.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const CM = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: web\n`;
const K = (...entries: string[]) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${entries.map((e) => `  - ${e}\n`).join('')}`;
const KS = (name: string, p: string, extra = '') =>
  `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ${p}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${extra}`;
const REPO = (ignore: string) => `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: https://github.com/me/home-ops\n  ignore: |\n${ignore.replace(/^(?=.)/gm, '    ')}`;
const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\n  annotations:\n    lbipam.cilium.io/ips: "192.168.50.20"\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n';
const POOL = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 192.168.50.16/28\n';

const brief = (ds: ReturnType<typeof lintRepo>): string[] => ds.map((d) => `${d.ruleId} ${d.file}:${d.range.start.line}`);

test('sourceIgnored: Flux\'s default exclusions apply only when no .sourceignore file nor spec.ignore gives a pattern; .git always', () => {
  const paths = ['.github/workflows/ci.yaml', 'apps/.sops.yaml', 'cloudbuild.yaml', 'apps/cloudbuild.yaml', '.gitlab-ci.yml', 'apps/web/a.yaml', '.git/config', 'apps/.gitattributes'];
  const show = (m: (p: string) => boolean): string[] => paths.filter(m);
  const defaults = ['.github/workflows/ci.yaml', 'apps/.sops.yaml', 'cloudbuild.yaml', 'apps/cloudbuild.yaml', '.gitlab-ci.yml', '.git/config', 'apps/.gitattributes'];
  assert.deepEqual(show(sourceIgnored()), defaults);
  // a .sourceignore that holds only comments and blank lines gives no pattern: the defaults stay
  assert.deepEqual(show(sourceIgnored([{ dir: '', text: '# nothing\n\n   \n' }])), defaults);
  assert.deepEqual(show(sourceIgnored([], '# nothing\n')), defaults);
  // one pattern anywhere replaces the default list (the version-control files stay left out)
  assert.deepEqual(show(sourceIgnored([{ dir: 'apps/web', text: 'old/\n' }])), ['.git/config', 'apps/.gitattributes']);
  assert.deepEqual(show(sourceIgnored([], '/cloudbuild.yaml\n')), ['cloudbuild.yaml', '.git/config', 'apps/.gitattributes']);
  // (the list as fluxcd/pkg sourceignore has it: ExcludeExt, ExcludeCI, ExcludeExtra)
  assert.equal(FLUX_EXCLUDE_DEFAULT.length, 20);
});

test('sourceIgnored: spec.ignore comes after the .sourceignore files, so it wins where both match', () => {
  const m = sourceIgnored([{ dir: '', text: 'apps/old/\n' }, { dir: 'apps', text: '!old/keep.yaml\n' }], '!/apps/old/spec.yaml\n');
  assert.deepEqual(['apps/old/a.yaml', 'apps/old/keep.yaml', 'apps/old/spec.yaml'].map((p) => `${p} ${m(p)}`), ['apps/old/a.yaml true', 'apps/old/keep.yaml false', 'apps/old/spec.yaml false']);
  // and a spec.ignore pattern leaves out what a .sourceignore re-includes
  const n = sourceIgnored([{ dir: 'apps', text: '!keep.yaml\n' }], 'apps/keep.yaml\n');
  assert.equal(n('apps/keep.yaml'), true);
  // .sourceignore files: a folder's before its subfolders' (sorted by name), whatever order they are given in
  const o = sourceIgnored([{ dir: 'apps/web', text: '!a.yaml\n' }, { dir: 'apps', text: 'a.yaml\n' }]);
  assert.equal(o('apps/web/a.yaml'), false);
  assert.equal(o('apps/a.yaml'), true);
});

test('gitops/object-applied-twice: a copy the artifact leaves out is not applied (.sourceignore, spec.ignore)', () => {
  const files = { 'clusters/home/apps.yaml': KS('web', './apps/web') + KS('old', './apps/old'), 'apps/web/a.yaml': CM('a'), 'apps/old/a.yaml': CM('a') };
  assert.deepEqual(brief(lintRepo(files, [objectAppliedTwice])), ['gitops/object-applied-twice apps/old/a.yaml:4']);
  assert.deepEqual(brief(lintRepo({ ...files, '.sourceignore': 'apps/old/\n' }, [objectAppliedTwice])), []);
  assert.deepEqual(brief(lintRepo({ ...files, 'apps/.sourceignore': 'old/a.yaml\n' }, [objectAppliedTwice])), []);
  assert.deepEqual(brief(lintRepo({ ...files, 'clusters/home/repo.yaml': REPO('/apps/old/\n') }, [objectAppliedTwice])), []);
  // the folder's kustomization listing it: ignored too (Flux's build of that folder fails, it applies nothing)
  const kust = { ...files, 'apps/old/kustomization.yaml': K('a.yaml') };
  assert.deepEqual(brief(lintRepo(kust, [objectAppliedTwice])), ['gitops/object-applied-twice apps/old/a.yaml:4']);
  assert.deepEqual(brief(lintRepo({ ...kust, '.sourceignore': 'apps/old/a.yaml\n' }, [objectAppliedTwice])), []);
});

test('gitops/duplicate-object: Flux\'s default exclusions (a copy under .github/ is not in the artifact, unless a .sourceignore replaces the defaults)', () => {
  const files = { 'clusters/home/all.yaml': KS('all', './'), 'apps/a.yaml': CM('a'), '.github/k8s/a.yaml': CM('a') };
  assert.deepEqual(brief(lintRepo(files, [duplicateObject])), []);
  assert.deepEqual(brief(lintRepo({ ...files, '.sourceignore': '*.md\n' }, [duplicateObject])), ['gitops/duplicate-object apps/a.yaml:4']);
});

test('network/service-ip-conflict and network/pool-overlap: a renamed copy one Flux Kustomization would apply from a folder the artifact leaves out is no copy', () => {
  const files: Record<string, string> = {
    'base/kustomization.yaml': K('svc.yaml', 'pool.yaml'),
    'base/svc.yaml': SVC,
    'base/pool.yaml': POOL,
    'apps/a/kustomization.yaml': 'namePrefix: a-\nresources:\n  - ../../base\n',
    'apps/b/kustomization.yaml': 'nameSuffix: -b\nresources:\n  - ../../base\n',
    'clusters/home/apps.yaml': KS('a', './apps/a') + KS('b', './apps/b'),
  };
  assert.deepEqual(brief(lintRepo(files, [serviceIpConflict, poolOverlap])), ['network/pool-overlap base/pool.yaml:7', 'network/service-ip-conflict base/svc.yaml:7']);
  assert.deepEqual(brief(lintRepo({ ...files, '.sourceignore': 'apps/b/\n' }, [serviceIpConflict, poolOverlap])), []);
});

test('gitops/patch-target-missing: a Flux Kustomization\'s patch runs against its artifact (a resource it leaves out makes the build not known)', () => {
  const patch = '  patches:\n    - patch: |\n        apiVersion: v1\n        kind: ConfigMap\n        metadata:\n          name: b\n          namespace: web\n        data:\n          x: "1"\n';
  // a generated folder: the object the patch names is in a file the artifact leaves out
  const gen = { 'clusters/home/web.yaml': KS('web', './apps/web', patch), 'apps/web/a.yaml': CM('a'), 'apps/web/b.yaml': CM('b') };
  assert.deepEqual(brief(lintRepo(gen, [patchTargetMissing])), []);
  assert.deepEqual(brief(lintRepo({ ...gen, '.sourceignore': 'apps/web/b.yaml\n' }, [patchTargetMissing])), ['gitops/patch-target-missing clusters/home/web.yaml:15']);
  // a kustomization listing a file the artifact leaves out: Flux's build fails another way, the patch is not judged
  const kust = { ...gen, 'apps/web/kustomization.yaml': K('a.yaml') };
  assert.deepEqual(brief(lintRepo(kust, [patchTargetMissing])), ['gitops/patch-target-missing clusters/home/web.yaml:15']);
  assert.deepEqual(brief(lintRepo({ ...kust, '.sourceignore': 'apps/web/a.yaml\n' }, [patchTargetMissing])), []);
});

test('the artifact Flux builds from: kubectl kustomize on the folder without the files left out agrees', (t) => {
  if (!hasKubectl) return t.skip(KUBECTL_ABSENT);
  const repos = tempRepos('talium-flux-artifact-');
  try {
    // with the copy: a duplicate id; the artifact without it builds
    const dir = repos.repo({ 'apps/web/kustomization.yaml': K('a.yaml', 'old/a.yaml'), 'apps/web/a.yaml': CM('a'), 'apps/web/old/a.yaml': CM('a') });
    assert.equal(kustomizeFailsWith(path.join(dir, 'apps/web'), /already registered id/, 'with the copy'), true);
    const artifact = repos.repo({ 'apps/web/kustomization.yaml': K('a.yaml'), 'apps/web/a.yaml': CM('a') });
    assert.equal(kustomizeFailsWith(path.join(artifact, 'apps/web'), /already registered id/, 'the artifact'), false);
    // a kustomization listing a file the artifact does not hold fails (talium leaves such a build not judged)
    const missing = repos.repo({ 'apps/web/kustomization.yaml': K('a.yaml', 'old/a.yaml'), 'apps/web/a.yaml': CM('a') });
    assert.equal(kustomizeFailsWith(path.join(missing, 'apps/web'), /old\/a\.yaml/, 'a listed file left out'), true);
  } finally {
    repos.cleanup();
  }
});
