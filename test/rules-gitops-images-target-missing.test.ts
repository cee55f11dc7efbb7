/**
 * gitops/images-target-missing (a kustomization `images` entry no container of its build answers to): talium's verdict
 * compared with the real `kubectl kustomize` on the same layouts (an entry is unused when the build renders the same
 * objects without it), and where the finding sits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import imagesTargetMissing from '../src/rules/gitops/images-target-missing.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { hasKubectl, KUBECTL_ABSENT, kustomizeBuild } from '../src/testing/kubectl-kustomize.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const COMPONENT = (body: string) => `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${body}`;
const RES = (...entries: string[]) => `resources:\n${entries.map((e) => `  - ${e}\n`).join('')}`;
/** One `images` entry (last in the kustomization: the layouts' oracle drops it). */
const IMAGES = (name: string, extra = '    newTag: "9.9"\n') => `images:\n  - name: ${name}\n${extra}`;
const POD = (...images: string[]) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${images.map((im, i) => `    - name: c${i}\n      image: ${im}\n`).join('')}`;
const DEPLOY = (image: string, key = 'containers') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      ${key}:\n        - name: app\n          image: ${image}\n`;
const CRONJOB = (image: string) => `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: cj\nspec:\n  schedule: "0 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n            - name: c\n              image: ${image}\n`;
const CR = (image: string) => `apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\nspec:\n  runner:\n    containers:\n      - name: c\n        image: ${image}\n`;
const HR = (image: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: web\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n  values:\n    image: ${image}\n`;

/** Layouts with the root kustomization at `app/`, its `images` entry last: whether kustomize leaves the entry unused. */
/**
 * `lenient`: kustomize leaves the entry unused, talium does not report it (the images as written count, also those a
 * base's `newName` replaced: what the build's own images entries did is not followed).
 */
const LAYOUTS: Array<{ name: string; unused: boolean; files: Record<string, string>; entryIn?: string; lenient?: true }> = [
  // 0-5: the names kustomize matches
  { name: 'the image name', unused: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + IMAGES('nginx')), 'app/a.yaml': POD('nginx:1.25') } },
  { name: 'a typo', unused: true, files: { 'app/kustomization.yaml': K(RES('a.yaml') + IMAGES('ngnix')), 'app/a.yaml': POD('nginx:1.25') } },
  { name: 'an image without a tag', unused: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + IMAGES('nginx')), 'app/a.yaml': POD('nginx') } },
  { name: 'an image with a digest', unused: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + IMAGES('ghcr.io/me/web')), 'app/a.yaml': POD(`ghcr.io/me/web@sha256:${'0'.repeat(64)}`) } },
  { name: 'the registry written out in the container only', unused: true, files: { 'app/kustomization.yaml': K(RES('a.yaml') + IMAGES('nginx')), 'app/a.yaml': POD('docker.io/library/nginx:1.25') } },
  { name: 'a prefix of the name', unused: true, files: { 'app/kustomization.yaml': K(RES('a.yaml') + IMAGES('ghcr.io/me')), 'app/a.yaml': POD('ghcr.io/me/web:1') } },
  // 6-10: where containers are
  { name: 'an init container', unused: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + IMAGES('busybox')), 'app/a.yaml': DEPLOY('busybox:1.36', 'initContainers') } },
  { name: 'a CronJob', unused: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + IMAGES('busybox')), 'app/a.yaml': CRONJOB('busybox:1.36') } },
  { name: 'a custom resource\'s containers', unused: false, files: { 'app/kustomization.yaml': K(RES('a.yaml') + IMAGES('busybox')), 'app/a.yaml': CR('busybox:1.36') } },
  { name: 'an image in HelmRelease values', unused: true, files: { 'app/kustomization.yaml': K(RES('a.yaml') + IMAGES('ghcr.io/me/web')), 'app/a.yaml': HR('ghcr.io/me/web:1.0') } },
  { name: 'a base\'s container', unused: false, files: { 'app/kustomization.yaml': K(RES('../base') + IMAGES('nginx')), 'base/kustomization.yaml': K(RES('a.yaml')), 'base/a.yaml': DEPLOY('nginx:1.25') } },
  // 11-13: components, renames, other entries
  { name: 'a component\'s entry naming the including kustomization\'s container', unused: false, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}components:\n  - ../comp\n`), 'app/a.yaml': POD('nginx:1.25'), 'comp/kustomization.yaml': COMPONENT(IMAGES('nginx')) }, entryIn: 'comp' },
  { name: 'the name a base\'s entry renamed the image to', unused: false, files: { 'app/kustomization.yaml': K(RES('../base') + IMAGES('registry.local/nginx')), 'base/kustomization.yaml': K(RES('a.yaml') + IMAGES('nginx', '    newName: registry.local/nginx\n')), 'base/a.yaml': POD('nginx:1.25') } },
  { name: 'the name before a base\'s rename', unused: true, lenient: true, files: { 'app/kustomization.yaml': K(RES('../base') + IMAGES('nginx')), 'base/kustomization.yaml': K(RES('a.yaml') + IMAGES('nginx', '    newName: registry.local/nginx\n')), 'base/a.yaml': POD('nginx:1.25') } },
];

/**
 * The objects kubectl renders for `app/`, and again with the `images` entry of the kustomization in `entryIn` dropped
 * (replaced by metadata, which changes no output: kustomize refuses a kustomization holding nothing).
 */
function withAndWithout(dir: string, entryIn: string): [unknown[], unknown[]] {
  const app = path.join(dir, 'app');
  const withEntry = kustomizeBuild(app);
  const file = path.join(dir, entryIn, 'kustomization.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/images:\n {2}- name: .*\n(?: {4}.*\n)*$/, 'metadata:\n  name: without-the-entry\n'));
  return [withEntry, kustomizeBuild(app)];
}

test('gitops/images-target-missing: talium agrees with kubectl kustomize on every layout', (t) => {
  if (!hasKubectl) t.skip(KUBECTL_ABSENT);
  const repos = tempRepos('talium-images-');
  try {
    for (const l of LAYOUTS) {
      const got = lintRepo(l.files, [imagesTargetMissing]);
      assert.equal(got.length > 0, l.unused && !l.lenient, `${l.name}: talium ${got.length ? 'reports' : 'does not report'} an unused images entry`);
      assert.ok(got.every((d) => d.ruleId === 'gitops/images-target-missing' && d.severity === 'warning'), l.name);
      if (!hasKubectl) continue;
      const [a, b] = withAndWithout(repos.repo(l.files), l.entryIn ?? 'app');
      const unused = JSON.stringify(a) === JSON.stringify(b);
      assert.equal(unused, l.unused, `${l.name}: kubectl kustomize ${unused ? 'renders the same without the entry' : 'uses the entry'}`);
    }
  } finally {
    repos.cleanup();
  }
});

test('gitops/images-target-missing: where the finding sits, and what it says', () => {
  ruleTester(imagesTargetMissing, {
    valid: [
      // templated names and images are not known
      { 'app/kustomization.yaml': K(RES('a.yaml') + IMAGES('${IMAGE}')), 'app/a.yaml': POD('nginx:1.25') },
      { 'app/kustomization.yaml': K(RES('a.yaml') + IMAGES('nginx')), 'app/a.yaml': POD('${IMAGE}') },
      // a name kustomize reads as a regular expression
      { 'app/kustomization.yaml': K(RES('a.yaml') + IMAGES('ngin[x]')), 'app/a.yaml': POD('busybox') },
      // a patch may add a container, here or in a base; helmCharts, a remote or unread resource: not known
      { 'app/kustomization.yaml': K(`${RES('a.yaml')}patches:\n  - path: p.yaml\n${IMAGES('redis')}`), 'app/a.yaml': POD('nginx:1.25'), 'app/p.yaml': POD('redis:7') },
      { 'app/kustomization.yaml': K(RES('../base') + IMAGES('redis')), 'base/kustomization.yaml': K(`${RES('a.yaml')}patches:\n  - path: p.yaml\n`), 'base/a.yaml': POD('nginx:1.25'), 'base/p.yaml': POD('redis:7') },
      { 'app/kustomization.yaml': K(`${RES('a.yaml')}helmCharts:\n  - name: redis\n    repo: https://charts.example.com\n    releaseName: redis\n${IMAGES('redis')}`), 'app/a.yaml': POD('nginx:1.25') },
      { 'app/kustomization.yaml': K(RES('a.yaml', 'missing.yaml') + IMAGES('redis')), 'app/a.yaml': POD('nginx:1.25') },
    ],
    invalid: [
      { files: LAYOUTS[1]!.files, errors: [{ messageId: 'missing', file: 'app/kustomization.yaml', line: 6, column: 11, data: { name: 'ngnix', held: 'nginx:1.25' } }] },
      { files: LAYOUTS[9]!.files, errors: [{ messageId: 'missing', file: 'app/kustomization.yaml', line: 6, column: 11, data: { name: 'ghcr.io/me/web', held: 'none' } }] },
      // a component's entry: at the component
      { files: { ...LAYOUTS[11]!.files, 'comp/kustomization.yaml': COMPONENT(IMAGES('redis')) }, errors: [{ messageId: 'missing', file: 'comp/kustomization.yaml', line: 4, column: 11, data: { name: 'redis' } }] },
      // one finding per entry; images listed once each, five at most
      {
        files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}images:\n  - name: nginx\n    newTag: "1"\n  - name: redis\n    newTag: "2"\n`), 'app/a.yaml': POD('nginx:1', 'nginx:1', 'a', 'b', 'c', 'd', 'e') },
        errors: [{ messageId: 'missing', line: 8, column: 11, data: { name: 'redis', held: 'nginx:1, a, b, c, d and 1 more' } }],
      },
    ],
  });
});
