/**
 * The `images` and `replicas` overrides a Flux Kustomization (`spec.images`) or an Argo CD source (`kustomize.images`,
 * `kustomize.replicas`) adds to its build (gitops/images-target-missing, gitops/replicas-target-missing,
 * messageId applierMissing): talium's verdict compared with the real `kubectl kustomize` on the kustomization the
 * controller would build (the entries written into it as kustomize-controller's generator and Argo CD's
 * `kustomize edit set image|replicas` write them), where the finding sits, what is not judged, and how an Argo CD
 * image argument is read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { toDiagnostic } from '../src/core/finding.js';
import { runRules } from '../src/lint/run-rules.js';
import { argoImageArgument } from '../src/plan/applier-overrides.js';
import { buildClusterGroups } from '../src/plan/index.js';
import imagesTargetMissing from '../src/rules/gitops/images-target-missing.js';
import replicasTargetMissing from '../src/rules/gitops/replicas-target-missing.js';
import { hasKubectl, KUBECTL_ABSENT, kustomizeBuild, kustomizeFailsWith } from '../src/testing/kubectl-kustomize.js';
import { lintRepo, parseRepo, readTree, ruleTester } from '../src/testing/rule-tester.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const RES = (...entries: string[]) => `resources:\n${entries.map((e) => `  - ${e}\n`).join('')}`;
const WL = (name: string, image = 'nginx:1.25', kind = 'Deployment') =>
  `apiVersion: apps/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n        - name: c\n          image: ${image}\n`;
const DIGEST = `sha256:${'0'.repeat(64)}`;

/** A Flux Kustomization building `./app` with these `spec` lines (indented by two). */
const FLUX_KS = (spec: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./app\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${spec}`;
/** An Argo CD Application building `app` with these `kustomize` lines (indented by six). */
const ARGO_APP = (kustomize: string, path = 'app') =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/me/home.git\n    targetRevision: main\n    path: ${path}\n    kustomize:\n${kustomize}  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n`;
const fluxImages = (...entries: Array<Record<string, string>>) =>
  `  images:\n${entries.map((e) => Object.entries(e).map(([k, v], i) => `${i ? '      ' : '    - '}${k}: "${v}"\n`).join('')).join('')}`;
const argoImages = (...args: string[]) => `      images:\n${args.map((a) => `        - "${a}"\n`).join('')}`;
const argoReplicas = (...names: string[]) => `      replicas:\n${names.map((n) => `        - name: ${n}\n          count: 2\n`).join('')}`;

interface Layout {
  name: string;
  files: Record<string, string>;
  /** The applier's file (at clusters/home/app.yaml). */
  applier: string;
  /** What the controller writes into app/'s kustomization (generated when there is none: every file of app/). */
  edit: { images?: Array<Record<string, string>>; replicas?: Array<{ name: string; count: number }>; namePrefix?: string; namespace?: string };
}

/** `images` layouts: whether kustomize leaves the applier's entries unused (the build is the same without them). */
const IMAGE_LAYOUTS: Array<Layout & { unused: boolean }> = [
  // 0-5: Flux spec.images
  { name: 'Flux: the container\'s image', unused: false, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web') }, applier: FLUX_KS(fluxImages({ name: 'nginx', newTag: '1.27' })), edit: { images: [{ name: 'nginx', newTag: '1.27' }] } },
  { name: 'Flux: a typo', unused: true, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web') }, applier: FLUX_KS(fluxImages({ name: 'ngnix', newTag: '1.27' })), edit: { images: [{ name: 'ngnix', newTag: '1.27' }] } },
  { name: 'Flux: a folder without a kustomization (Flux generates one)', unused: false, files: { 'app/a.yaml': WL('web') }, applier: FLUX_KS(fluxImages({ name: 'nginx', newTag: '1.27' })), edit: { images: [{ name: 'nginx', newTag: '1.27' }] } },
  { name: 'Flux: a typo in a folder without a kustomization', unused: true, files: { 'app/a.yaml': WL('web') }, applier: FLUX_KS(fluxImages({ name: 'ngnix', newTag: '1.27' })), edit: { images: [{ name: 'ngnix', newTag: '1.27' }] } },
  { name: 'Flux: the registry written out in the container only', unused: true, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web', 'docker.io/library/nginx:1.25') }, applier: FLUX_KS(fluxImages({ name: 'nginx', newTag: '1.27' })), edit: { images: [{ name: 'nginx', newTag: '1.27' }] } },
  {
    name: 'Flux: the name the kustomization\'s own entry renames the image to',
    unused: false,
    files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}images:\n  - name: nginx\n    newName: registry.local/nginx\n`), 'app/a.yaml': WL('web') },
    applier: FLUX_KS(fluxImages({ name: 'registry.local/nginx', newTag: '1.27' })),
    edit: { images: [{ name: 'registry.local/nginx', newTag: '1.27' }] },
  },
  // 6-11: Argo CD kustomize.images (what `kustomize edit set image` writes, from setimage.go's examples)
  { name: 'Argo CD: <name>:<tag>', unused: false, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web') }, applier: ARGO_APP(argoImages('nginx:1.27')), edit: { images: [{ name: 'nginx', newTag: '1.27' }] } },
  { name: 'Argo CD: a typo', unused: true, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web') }, applier: ARGO_APP(argoImages('ngnix:1.27')), edit: { images: [{ name: 'ngnix', newTag: '1.27' }] } },
  { name: 'Argo CD: <name>=<newName>:<tag>', unused: false, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web') }, applier: ARGO_APP(argoImages('nginx=registry.local/nginx:1.27')), edit: { images: [{ name: 'nginx', newName: 'registry.local/nginx', newTag: '1.27' }] } },
  { name: 'Argo CD: <name>=<newName>:<tag> for an image the build does not use', unused: true, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web') }, applier: ARGO_APP(argoImages('ghcr.io/me/web=ghcr.io/me/web2:2')), edit: { images: [{ name: 'ghcr.io/me/web', newName: 'ghcr.io/me/web2', newTag: '2' }] } },
  { name: 'Argo CD: <name>@<digest>', unused: false, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web') }, applier: ARGO_APP(argoImages(`nginx@${DIGEST}`)), edit: { images: [{ name: 'nginx', digest: DIGEST }] } },
  { name: 'Argo CD: a registry with a port', unused: false, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web', 'registry.local:5000/app:1.0') }, applier: ARGO_APP(argoImages('registry.local:5000/app:1.2')), edit: { images: [{ name: 'registry.local:5000/app', newTag: '1.2' }] } },
  { name: 'Argo CD: a registry with a port, another image', unused: true, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web', 'registry.local:5000/app:1.0') }, applier: ARGO_APP(argoImages('registry.local:5000/ap:1.2')), edit: { images: [{ name: 'registry.local:5000/ap', newTag: '1.2' }] } },
];

/** `replicas` layouts (Argo CD only: Flux has no replicas override): whether kustomize fails the build. */
const REPLICA_LAYOUTS: Array<Layout & { fails: boolean }> = [
  { name: 'the Deployment\'s name', fails: false, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web') }, applier: ARGO_APP(argoReplicas('web')), edit: { replicas: [{ name: 'web', count: 2 }] } },
  { name: 'a name the build does not hold', fails: true, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web') }, applier: ARGO_APP(argoReplicas('api')), edit: { replicas: [{ name: 'api', count: 2 }] } },
  { name: 'the Application\'s prefixed name', fails: false, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web') }, applier: ARGO_APP(`      namePrefix: p-\n${argoReplicas('p-web')}`), edit: { namePrefix: 'p-', replicas: [{ name: 'p-web', count: 2 }] } },
  { name: 'the name before the Application\'s prefix', fails: false, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web') }, applier: ARGO_APP(`      namePrefix: p-\n${argoReplicas('web')}`), edit: { namePrefix: 'p-', replicas: [{ name: 'web', count: 2 }] } },
  {
    name: 'the kustomization\'s own prefix, which the Application\'s replaces',
    fails: true,
    files: { 'app/kustomization.yaml': K(`namePrefix: o-\n${RES('a.yaml')}`), 'app/a.yaml': WL('web') },
    applier: ARGO_APP(`      namePrefix: p-\n${argoReplicas('o-web')}`),
    edit: { namePrefix: 'p-', replicas: [{ name: 'o-web', count: 2 }] },
  },
  { name: 'a DaemonSet', fails: true, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web', 'nginx:1.25', 'DaemonSet') }, applier: ARGO_APP(argoReplicas('web')), edit: { replicas: [{ name: 'web', count: 2 }] } },
  { name: 'another namespace (not compared)', fails: false, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web') }, applier: ARGO_APP(`      namespace: other\n${argoReplicas('web')}`), edit: { namespace: 'other', replicas: [{ name: 'web', count: 2 }] } },
];

const APPLIER = 'clusters/home/app.yaml';
const repoOf = (l: Layout): Record<string, string> => ({ ...l.files, [APPLIER]: l.applier });

/**
 * Writes into `dir`/app's kustomization what the controller writes (generating one listing app/'s files when there is
 * none): entries of the same name replaced, the others appended; `without`: the overrides' entries left out.
 */
function controllerKustomization(dir: string, l: Layout, without = false): void {
  const app = path.join(dir, 'app');
  const file = path.join(app, 'kustomization.yaml');
  const own = l.files['app/kustomization.yaml'];
  const k = (own ? parse(own) : { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: readdirSync(app).filter((f) => f !== 'kustomization.yaml').sort() }) as Record<string, unknown>;
  if (l.edit.namePrefix !== undefined) k['namePrefix'] = l.edit.namePrefix;
  if (l.edit.namespace !== undefined) k['namespace'] = l.edit.namespace;
  for (const key of ['images', 'replicas'] as const) {
    const add = l.edit[key];
    if (!add || without) continue;
    const list = (Array.isArray(k[key]) ? k[key] : []) as Array<{ name?: string }>;
    for (const e of add as Array<{ name?: string }>) {
      const i = list.findIndex((x) => x.name === e.name);
      if (i === -1) list.push(e);
      else list[i] = e;
    }
    k[key] = list;
  }
  writeFileSync(file, stringify(k));
}

test('applier overrides: talium agrees with kubectl kustomize on the kustomization the controller builds', (t) => {
  if (!hasKubectl) t.skip(KUBECTL_ABSENT);
  const repos = tempRepos('talium-applier-overrides-');
  try {
    for (const l of IMAGE_LAYOUTS) {
      const got = lintRepo(repoOf(l), [imagesTargetMissing]);
      assert.equal(got.length > 0, l.unused, `${l.name}: talium ${got.length ? 'reports' : 'does not report'} the entry`);
      assert.ok(got.every((d) => d.messageId === 'applierMissing' && d.file === APPLIER), l.name);
      if (!hasKubectl) continue;
      const dir = repos.repo(l.files);
      controllerKustomization(dir, l);
      const withEntries = kustomizeBuild(path.join(dir, 'app'));
      controllerKustomization(dir, l, true);
      const without = kustomizeBuild(path.join(dir, 'app'));
      assert.equal(JSON.stringify(withEntries) === JSON.stringify(without), l.unused, `${l.name}: kubectl kustomize ${l.unused ? 'uses' : 'ignores'} the entry`);
    }
    for (const l of REPLICA_LAYOUTS) {
      const got = lintRepo(repoOf(l), [replicasTargetMissing]);
      assert.equal(got.length > 0, l.fails, `${l.name}: talium ${got.length ? 'reports' : 'does not report'} the entry`);
      assert.ok(got.every((d) => d.messageId === 'applierMissing' && d.file === APPLIER && d.severity === 'error'), l.name);
      if (!hasKubectl) continue;
      const dir = repos.repo(l.files);
      controllerKustomization(dir, l);
      const fails = kustomizeFailsWith(path.join(dir, 'app'), /resource with name \S+ does not match a config with the following GVK/, l.name);
      assert.equal(fails, l.fails, `${l.name}: kubectl kustomize ${fails ? 'fails' : 'builds'}`);
    }
  } finally {
    repos.cleanup();
  }
});

/** 1-based line and column of the first `needle` in `text` (plus `skip` characters). */
function at(text: string, needle: string, skip = 0): { line: number; column: number } {
  const i = text.indexOf(needle) + skip;
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

const APPSET = (kustomize: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\n  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n    - list:\n        elements:\n          - app: app\n  template:\n    metadata:\n      name: '{{.app}}'\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/me/home.git\n        targetRevision: main\n        path: '{{.app}}'\n        kustomize:\n${kustomize}      destination:\n        server: https://kubernetes.default.svc\n        namespace: web\n`;

test('applier overrides: where the finding sits, and what it says', () => {
  const base = { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web') };
  const flux = IMAGE_LAYOUTS[1]!;
  const argo = IMAGE_LAYOUTS[7]!;
  const rep = REPLICA_LAYOUTS[1]!;
  ruleTester(imagesTargetMissing, {
    valid: [
      // templated names, Argo CD's build environment
      { ...base, [APPLIER]: FLUX_KS(fluxImages({ name: '${IMAGE}', newTag: '1' })) },
      { ...base, [APPLIER]: ARGO_APP(argoImages('ngnix:$ARGOCD_APP_REVISION')) },
      { ...base, [APPLIER]: ARGO_APP(argoImages('ngnix:${ARGOCD_APP_REVISION}')) },
      // an argument `kustomize edit set image` refuses, one read differently by kustomize versions
      { ...base, [APPLIER]: ARGO_APP(argoImages('ngnix')) },
      { ...base, [APPLIER]: ARGO_APP(argoImages(`ngnix:1.2@${DIGEST}`)) },
      // the applier's own patches may add containers
      { ...base, [APPLIER]: FLUX_KS(`${fluxImages({ name: 'ngnix', newTag: '1' })}  patches:\n    - patch: |\n        - op: add\n          path: /spec/template/spec/containers/-\n          value: {name: x, image: ngnix}\n      target:\n        kind: Deployment\n`) },
      // Argo CD builds a folder without a kustomization as a directory (or fails): not judged
      { 'app/a.yaml': WL('web'), [APPLIER]: ARGO_APP(argoImages('ngnix:1.27')) },
      // a container image not known
      { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': WL('web', '${IMAGE}'), [APPLIER]: FLUX_KS(fluxImages({ name: 'ngnix', newTag: '1' })) },
    ],
    invalid: [
      { files: repoOf(flux), errors: [{ messageId: 'applierMissing', file: APPLIER, ...at(flux.applier, '"ngnix"'), data: { name: 'ngnix', held: 'nginx:1.25', applier: 'Flux Kustomization flux-system/app', dir: 'app' } }] },
      { files: repoOf(argo), errors: [{ messageId: 'applierMissing', file: APPLIER, ...at(argo.applier, '"ngnix:1.27"'), data: { name: 'ngnix', held: 'nginx:1.25', applier: 'Argo CD Application argocd/app' } }] },
      // one finding per entry; the one that matches is not reported
      {
        files: { ...base, [APPLIER]: ARGO_APP(argoImages('nginx:1.27', 'busybox:1.36')) },
        errors: [{ messageId: 'applierMissing', ...at(ARGO_APP(argoImages('nginx:1.27', 'busybox:1.36')), '"busybox:1.36"'), data: { name: 'busybox' } }],
      },
    ],
  });
  const appset = APPSET(`          replicas:\n            - name: api\n              count: 2\n`);
  ruleTester(replicasTargetMissing, {
    valid: [
      { ...base, [APPLIER]: ARGO_APP(argoReplicas('${APP}')) },
      { ...base, [APPLIER]: ARGO_APP(argoReplicas('{{.app}}')) },
      // patches or components of the source: ids not certain
      { ...base, [APPLIER]: ARGO_APP(`${argoReplicas('api')}      patches:\n        - target:\n            kind: Deployment\n          patch: |\n            - op: replace\n              path: /metadata/name\n              value: api\n`) },
      // the kustomization's own field specs may add kinds
      { 'app/kustomization.yaml': K(`${RES('a.yaml')}configurations:\n  - conf.yaml\n`), 'app/a.yaml': WL('web'), [APPLIER]: ARGO_APP(argoReplicas('api')) },
      // an unread resource: the build is not known
      { 'app/kustomization.yaml': K(RES('a.yaml', 'missing.yaml')), 'app/a.yaml': WL('web'), [APPLIER]: ARGO_APP(argoReplicas('api')) },
    ],
    invalid: [
      { files: repoOf(rep), errors: [{ messageId: 'applierMissing', file: APPLIER, ...at(rep.applier, 'name: api', 6), data: { name: 'api', held: 'Deployment web', applier: 'Argo CD Application argocd/app', dir: 'app' } }] },
      // an ApplicationSet's template: at the template's entry
      { files: { ...base, 'clusters/home/apps.yaml': appset }, errors: [{ messageId: 'applierMissing', file: 'clusters/home/apps.yaml', ...at(appset, 'name: api', 6), data: { name: 'api', applier: 'Argo CD Application app (of ApplicationSet argocd/apps)' } }] },
    ],
  });
});

test('applier overrides: related locations, and nothing on a run over part of the tree', () => {
  const [d] = lintRepo(repoOf(REPLICA_LAYOUTS[1]!), [replicasTargetMissing]);
  assert.deepEqual(d!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`), ['app/kustomization.yaml:1:1', 'app/a.yaml:4:9']);
  for (const [rule, l] of [[imagesTargetMissing, IMAGE_LAYOUTS[1]!], [replicasTargetMissing, REPLICA_LAYOUTS[1]!]] as const) {
    const docs = parseRepo(repoOf(l));
    const run = (partialTree: boolean) => runRules([rule], buildClusterGroups(docs), docs, {}, { partialTree }).map(toDiagnostic).map((x) => x.messageId);
    assert.deepEqual(run(false), ['applierMissing'], l.name);
    // the absence may be in a file the run did not read
    assert.deepEqual(run(true), [], l.name);
  }
});

test('applier overrides: an Argo CD image argument as `kustomize edit set image` reads it', () => {
  const cases: Array<[string, ReturnType<typeof argoImageArgument>]> = [
    // setimage.go's documented forms
    ['postgres=eu.gcr.io/my-project/postgres:latest', { name: 'postgres', newName: 'eu.gcr.io/my-project/postgres' }],
    [`my-app=my-registry/my-app@${DIGEST}`, { name: 'my-app', newName: 'my-registry/my-app' }],
    ['node:8.15.0', { name: 'node' }],
    ['mysql=mariadb', { name: 'mysql', newName: 'mariadb' }],
    [`alpine@${DIGEST}`, { name: 'alpine' }],
    // `*` keeps the kustomization's own new name
    ['nginx=*:1.2', { name: 'nginx' }],
    ['registry.local:5000/app:1.2', { name: 'registry.local:5000/app' }],
    ['nginx:*', { name: 'nginx' }],
    // refused by the command, templated, or read differently by kustomize versions
    ['nginx', undefined],
    ['=nginx:1', undefined],
    ['nginx=', undefined],
    ['a=b=c', undefined],
    ['registry.local:5000/app', undefined],
    ['nginx:${TAG}', undefined],
    ['nginx:$ARGOCD_APP_REVISION', undefined],
    [`nginx:1.2@${DIGEST}`, undefined],
  ];
  for (const [arg, want] of cases) assert.deepEqual(argoImageArgument(arg), want, arg);
});

test('corpus: spec.images added to the real Flux Kustomizations of Roxedus__home-infra (Cilium and its CRs)', (t) => {
  const repo = path.resolve(process.cwd(), '../shared/corpus/Roxedus__home-infra');
  if (!existsSync(repo)) {
    t.skip('../shared/corpus/Roxedus__home-infra not present: corpus case skipped');
    return;
  }
  const files = readTree(repo, /\.ya?ml$/);
  const ks = 'kubernetes/main/apps/kube-system/cilium/ks.yaml';
  const cilium = 'kubernetes/main/apps/kube-system/cilium';
  assert.ok(files[ks]?.includes(`path: ./${cilium}/config\n`), `${ks} builds ${cilium}/config`);
  // as committed: no override, nothing reported
  assert.deepEqual(lintRepo(files, [imagesTargetMissing, replicasTargetMissing]), []);
  // pinning the Cilium image on both Kustomizations: the app's kustomization has `configurations` (not judged); the
  // config one builds Cilium CRs only, which hold no container (kustomize changes a HelmRelease's values no more)
  const entry = '  images:\n    - name: quay.io/cilium/cilium\n      newTag: v1.18.0\n';
  const text = files[ks]!.replace(new RegExp(`(  path: \\./${cilium}/(?:app|config)\\n)`, 'g'), `$1${entry}`);
  const got = lintRepo({ ...files, [ks]: text }, [imagesTargetMissing]);
  const where = at(text, `cilium/config\n${entry}`, `cilium/config\n  images:\n    - name: `.length);
  assert.deepEqual(
    got.map((d) => [d.file, d.range.start.line, d.range.start.column, d.messageId, d.data?.['name'], d.data?.['held'], d.data?.['dir']]),
    [[ks, where.line, where.column, 'applierMissing', 'quay.io/cilium/cilium', 'none', `${cilium}/config`]],
  );
  if (!hasKubectl) return;
  // kubectl: the folder renders the same objects with the entry as without (an overlay adding it)
  const repos = tempRepos('talium-applier-corpus-');
  try {
    const dir = repos.repo({ 'o/kustomization.yaml': 'placeholder' });
    const folder = path.relative(path.join(dir, 'o'), path.join(repo, cilium, 'config'));
    writeFileSync(path.join(dir, 'o', 'kustomization.yaml'), K(`${RES(folder)}images:\n  - name: quay.io/cilium/cilium\n    newTag: v1.18.0\n`));
    assert.deepEqual(kustomizeBuild(path.join(dir, 'o')), kustomizeBuild(path.join(repo, cilium, 'config')));
  } finally {
    repos.cleanup();
  }
});
