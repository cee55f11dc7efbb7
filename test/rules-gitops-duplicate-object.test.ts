/**
 * gitops/duplicate-object (one kustomize build reaching an id twice) and gitops/object-applied-twice (two appliers of
 * one object): rule tables, and talium's verdict compared with the real `kubectl kustomize` on the same layouts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import duplicateObject from '../src/rules/gitops/duplicate-object.js';
import objectAppliedTwice from '../src/rules/gitops/object-applied-twice.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { hasKubectl, KUBECTL_ABSENT, kustomizeFailsWith } from '../src/testing/kubectl-kustomize.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const CM = (name: string, ns = '', apiVersion = 'v1', kind = 'ConfigMap') => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}`;
const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const RES = (...entries: string[]) => `resources:\n${entries.map((e) => `  - ${e}\n`).join('')}`;
const COMPONENT = (...entries: string[]) => `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${RES(...entries)}`;
const DELETE_A = 'patches:\n  - patch: |\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: a\n      $patch: delete\n';

/** Layouts with the root kustomization at `app/`: what kustomize says (fails with a duplicate id or not), and talium. */
const LAYOUTS: Array<{ name: string; dup: boolean; files: Record<string, string> }> = [
  { name: 'one file listed twice', dup: true, files: { 'app/kustomization.yaml': K(RES('a.yaml', './a.yaml')), 'app/a.yaml': CM('a') } },
  { name: 'a folder and one of its files', dup: true, files: { 'app/kustomization.yaml': K(RES('base', 'base/a.yaml')), 'app/base/kustomization.yaml': K(RES('a.yaml')), 'app/base/a.yaml': CM('a') } },
  { name: 'one folder twice', dup: true, files: { 'app/kustomization.yaml': K(RES('base', './base/')), 'app/base/kustomization.yaml': K(RES('a.yaml')), 'app/base/a.yaml': CM('a') } },
  { name: 'two overlays, different namePrefix', dup: false, files: { 'app/kustomization.yaml': K(RES('o1', 'o2')), 'app/o1/kustomization.yaml': K(`namePrefix: x-\n${RES('../base')}`), 'app/o2/kustomization.yaml': K(`namePrefix: y-\n${RES('../base')}`), 'app/base/kustomization.yaml': K(RES('a.yaml')), 'app/base/a.yaml': CM('a') } },
  { name: 'two overlays, same namePrefix', dup: true, files: { 'app/kustomization.yaml': K(RES('o1', 'o2')), 'app/o1/kustomization.yaml': K(`namePrefix: x-\n${RES('../base')}`), 'app/o2/kustomization.yaml': K(`namePrefix: x-\n${RES('../base')}`), 'app/base/kustomization.yaml': K(RES('a.yaml')), 'app/base/a.yaml': CM('a') } },
  { name: 'two overlays, different namespaces', dup: false, files: { 'app/kustomization.yaml': K(RES('o1', 'o2')), 'app/o1/kustomization.yaml': K(`namespace: n1\n${RES('../base')}`), 'app/o2/kustomization.yaml': K(`namespace: n2\n${RES('../base')}`), 'app/base/kustomization.yaml': K(RES('a.yaml')), 'app/base/a.yaml': CM('a') } },
  { name: 'two overlays, different namespaces, a cluster-scoped kind', dup: true, files: { 'app/kustomization.yaml': K(RES('o1', 'o2')), 'app/o1/kustomization.yaml': K(`namespace: n1\n${RES('../base')}`), 'app/o2/kustomization.yaml': K(`namespace: n2\n${RES('../base')}`), 'app/base/kustomization.yaml': K(RES('a.yaml')), 'app/base/a.yaml': CM('a', '', 'rbac.authorization.k8s.io/v1', 'ClusterRole') } },
  { name: 'a base and its prefixed overlay', dup: false, files: { 'app/kustomization.yaml': K(RES('base', 'o1')), 'app/o1/kustomization.yaml': K(`namePrefix: x-\n${RES('../base')}`), 'app/base/kustomization.yaml': K(RES('a.yaml')), 'app/base/a.yaml': CM('a') } },
  { name: 'a component adding an object already there', dup: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}components:\n  - comp\n`), 'app/a.yaml': CM('a'), 'app/comp/kustomization.yaml': COMPONENT('b.yaml'), 'app/comp/b.yaml': CM('a') } },
  { name: 'a component adding another object', dup: false, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}components:\n  - comp\n`), 'app/a.yaml': CM('a'), 'app/comp/kustomization.yaml': COMPONENT('b.yaml'), 'app/comp/b.yaml': CM('b') } },
  { name: 'two components adding one object', dup: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}components:\n  - c1\n  - c2\n`), 'app/a.yaml': CM('a'), 'app/c1/kustomization.yaml': COMPONENT('b.yaml'), 'app/c1/b.yaml': CM('b'), 'app/c2/kustomization.yaml': COMPONENT('b.yaml'), 'app/c2/b.yaml': CM('b') } },
  { name: 'one file, two documents of one id', dup: true, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': `${CM('a')}---\n${CM('a')}` } },
  { name: 'a $patch: delete document among the resources is a resource', dup: true, files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': `${CM('a')}---\n${CM('a')}$patch: delete\n` } },
  { name: 'an overlay deletes the object ($patch: delete), another keeps it', dup: false, files: { 'app/kustomization.yaml': K(RES('o1', 'o2')), 'app/o1/kustomization.yaml': K(RES('../base') + DELETE_A), 'app/o2/kustomization.yaml': K(RES('../base')), 'app/base/kustomization.yaml': K(RES('a.yaml')), 'app/base/a.yaml': CM('a') } },
  { name: 'same name, other kind', dup: false, files: { 'app/kustomization.yaml': K(RES('a.yaml', 'b.yaml')), 'app/a.yaml': CM('a'), 'app/b.yaml': CM('a', '', 'v1', 'Secret') } },
  { name: 'same name, other version', dup: false, files: { 'app/kustomization.yaml': K(RES('a.yaml', 'b.yaml')), 'app/a.yaml': CM('a', '', 'apps/v1', 'Deployment'), 'app/b.yaml': CM('a', '', 'apps/v1beta1', 'Deployment') } },
  { name: 'same name, other namespace', dup: false, files: { 'app/kustomization.yaml': K(RES('a.yaml', 'b.yaml')), 'app/a.yaml': CM('a', 'x'), 'app/b.yaml': CM('a') } },
  { name: 'no namespace is default', dup: true, files: { 'app/kustomization.yaml': K(RES('a.yaml', 'b.yaml')), 'app/a.yaml': CM('a', 'default'), 'app/b.yaml': CM('a') } },
  { name: 'two overlays, different namespaces, an IngressClass (cluster-scoped)', dup: true, files: { 'app/kustomization.yaml': K(RES('o1', 'o2')), 'app/o1/kustomization.yaml': K(`namespace: n1\n${RES('../base')}`), 'app/o2/kustomization.yaml': K(`namespace: n2\n${RES('../base')}`), 'app/base/kustomization.yaml': K(RES('a.yaml')), 'app/base/a.yaml': CM('a', '', 'networking.k8s.io/v1', 'IngressClass') } },
  // `namespace:` that makes two ids one ("namespace transformation produces ID conflict")
  { name: 'namespace: sets two objects differing only by namespace to one', dup: true, files: { 'app/kustomization.yaml': K(`namespace: x\n${RES('a.yaml', 'b.yaml')}`), 'app/a.yaml': CM('a', 'y'), 'app/b.yaml': CM('a', 'z') } },
  { name: 'namespace: sets an object without namespace to the namespace another already has', dup: true, files: { 'app/kustomization.yaml': K(`namespace: x\n${RES('a.yaml', 'b.yaml')}`), 'app/a.yaml': CM('a'), 'app/b.yaml': CM('a', 'x') } },
  { name: 'namespace: renames two Namespace objects to one', dup: true, files: { 'app/kustomization.yaml': K(`namespace: x\n${RES('a.yaml', 'b.yaml')}`), 'app/a.yaml': CM('a', '', 'v1', 'Namespace'), 'app/b.yaml': CM('b', '', 'v1', 'Namespace') } },
  { name: 'namespace: of an overlay over a base holding y/a and z/a', dup: true, files: { 'app/kustomization.yaml': K(`namespace: x\n${RES('../base')}`), 'base/kustomization.yaml': K(RES('a.yaml', 'b.yaml')), 'base/a.yaml': CM('a', 'y'), 'base/b.yaml': CM('a', 'z') } },
  { name: 'namespace: of a component', dup: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml', 'b.yaml')}components:\n  - ../comp\n`), 'app/a.yaml': CM('a', 'y'), 'app/b.yaml': CM('a', 'z'), 'comp/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamespace: x\n` } },
  { name: 'namespace: over two kinds of one name', dup: false, files: { 'app/kustomization.yaml': K(`namespace: x\n${RES('a.yaml', 'b.yaml')}`), 'app/a.yaml': CM('a', 'y'), 'app/b.yaml': CM('a', 'z', 'v1', 'Secret') } },
  { name: 'namespace: over a ClusterRole and a ConfigMap of one name', dup: false, files: { 'app/kustomization.yaml': K(`namespace: x\n${RES('a.yaml', 'b.yaml')}`), 'app/a.yaml': CM('a', 'y', 'rbac.authorization.k8s.io/v1', 'ClusterRole'), 'app/b.yaml': CM('a', 'z') } },
  { name: 'two overlays, different namespaces, a FlowSchema of flowcontrol v1 (namespaced to kustomize 5.5: its built-in schema knows only v1beta1 as cluster-scoped)', dup: false, files: { 'app/kustomization.yaml': K(RES('o1', 'o2')), 'app/o1/kustomization.yaml': K(`namespace: n1\n${RES('../base')}`), 'app/o2/kustomization.yaml': K(`namespace: n2\n${RES('../base')}`), 'app/base/kustomization.yaml': K(RES('a.yaml')), 'app/base/a.yaml': CM('a', '', 'flowcontrol.apiserver.k8s.io/v1', 'FlowSchema') } },
];

test('gitops/duplicate-object: talium agrees with kubectl kustomize on every layout', (t) => {
  if (!hasKubectl) t.skip(KUBECTL_ABSENT);
  const repos = tempRepos('talium-dup-');
  try {
    for (const l of LAYOUTS) {
      const got = lintRepo(l.files, [duplicateObject]);
      assert.equal(got.length > 0, l.dup, `${l.name}: talium ${got.length ? 'reports' : 'does not report'} a duplicate`);
      assert.ok(got.every((d) => d.ruleId === 'gitops/duplicate-object' && d.severity === 'error'), l.name);
      if (!hasKubectl) continue;
      const dir = repos.repo(l.files);
      const kubectlDup = kustomizeFailsWith(path.join(dir, 'app'), /already registered id|namespace transformation produces ID conflict/, l.name);
      assert.equal(kubectlDup, l.dup, `${l.name}: kubectl kustomize ${kubectlDup ? 'fails with a duplicate id' : 'builds'}`);
    }
  } finally {
    repos.cleanup();
  }
});

test('gitops/duplicate-object: where the finding sits, and what it says', () => {
  ruleTester(duplicateObject, {
    valid: [
      // a kustomization nothing builds twice; templated names are not compared (Flux substitutes them after the build)
      { 'app/kustomization.yaml': K(RES('a.yaml', 'b.yaml')), 'app/a.yaml': CM('${APP}'), 'app/b.yaml': CM('${APP}') },
      // a transformer talium does not follow may rename them
      { 'app/kustomization.yaml': K(RES('o1', 'o2')), 'app/o1/kustomization.yaml': K(`${RES('../base')}transformers:\n  - prefix.yaml\n`), 'app/o2/kustomization.yaml': K(RES('../base')), 'app/base/kustomization.yaml': K(RES('a.yaml')), 'app/base/a.yaml': CM('a') },
      { 'app/kustomization.yaml': K(RES('o1', 'o2')), 'app/o1/kustomization.yaml': K(`${RES('../base')}patches:\n  - target:\n      kind: ConfigMap\n    patch: |\n      - op: replace\n        path: /metadata/name\n        value: b\n`), 'app/o2/kustomization.yaml': K(RES('../base')), 'app/base/kustomization.yaml': K(RES('a.yaml')), 'app/base/a.yaml': CM('a') },
      // a delete by pattern may or may not select it
      { 'app/kustomization.yaml': K(RES('o1', 'o2')), 'app/o1/kustomization.yaml': K(`${RES('../base')}patches:\n  - target:\n      name: a.*\n    patch: |\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: x\n      $patch: delete\n`), 'app/o2/kustomization.yaml': K(RES('../base')), 'app/base/kustomization.yaml': K(RES('a.yaml')), 'app/base/a.yaml': CM('a') },
    ],
    invalid: [
      {
        files: LAYOUTS[0]!.files,
        errors: [{ messageId: 'entries', file: 'app/kustomization.yaml', line: 5, column: 5, data: { kind: 'ConfigMap', name: 'a', namespace: '', object: 'ConfigMap a', entry: './a.yaml', first: 'a.yaml', apiVersion: 'v1' } }],
      },
      { files: LAYOUTS[1]!.files, errors: [{ messageId: 'entries', file: 'app/kustomization.yaml', line: 5, column: 5, data: { entry: 'base/a.yaml', first: 'base' } }] },
      // reported once, in the kustomization that lists both overlays (not again above it)
      {
        files: { ...LAYOUTS[4]!.files, 'top/kustomization.yaml': K(RES('../app')) },
        errors: [{ messageId: 'entries', file: 'app/kustomization.yaml', line: 5, column: 5, data: { object: 'ConfigMap x-a', entry: 'o2', first: 'o1' } }],
      },
      { files: LAYOUTS[8]!.files, errors: [{ messageId: 'entries', file: 'app/kustomization.yaml', line: 6, column: 5, data: { entry: 'comp', first: 'a.yaml' } }] },
      // one file: at the second document's name
      { files: LAYOUTS[11]!.files, errors: [{ messageId: 'documents', file: 'app/a.yaml', line: 9, column: 9, data: { object: 'ConfigMap a', entry: 'a.yaml' } }] },
      { files: LAYOUTS[17]!.files, errors: [{ messageId: 'entries', file: 'app/kustomization.yaml', line: 5, column: 5, data: { object: 'ConfigMap a', namespace: '', first: 'a.yaml', entry: 'b.yaml' } }] },
      // a namespace conflict: at `namespace`, naming both objects as they came in (before it ran)
      { files: LAYOUTS[19]!.files, errors: [{ messageId: 'namespace', file: 'app/kustomization.yaml', line: 3, column: 12, data: { object: 'ConfigMap x/a', setTo: 'x', first: 'ConfigMap y/a', second: 'ConfigMap z/a' } }] },
      { files: LAYOUTS[21]!.files, errors: [{ messageId: 'namespace', file: 'app/kustomization.yaml', line: 3, column: 12, data: { object: 'Namespace x', first: 'Namespace a', second: 'Namespace b' } }] },
      // reported once, where the namespace is set (the overlay), not again by a kustomization above it
      { files: { ...LAYOUTS[22]!.files, 'top/kustomization.yaml': K(RES('../app')) }, errors: [{ messageId: 'namespace', file: 'app/kustomization.yaml', line: 3, column: 12, data: { first: 'ConfigMap y/a', second: 'ConfigMap z/a' } }] },
      { files: LAYOUTS[23]!.files, errors: [{ messageId: 'namespace', file: 'comp/kustomization.yaml', line: 3, column: 12, data: { first: 'ConfigMap y/a', second: 'ConfigMap z/a' } }] },
    ],
  });
});

test('gitops/duplicate-object: a namespace conflict names both objects as related locations', () => {
  const [d] = lintRepo(LAYOUTS[19]!.files, [duplicateObject]);
  assert.deepEqual(
    d!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`),
    ['app/a.yaml:4:9', 'app/b.yaml:4:9'],
  );
});

test('gitops/duplicate-object: related locations name the first copy and its entry', () => {
  const [d] = lintRepo(LAYOUTS[1]!.files, [duplicateObject]);
  assert.deepEqual(
    d!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`),
    ['app/base/a.yaml:4:9', 'app/kustomization.yaml:4:5'],
  );
});

const KS = (name: string, p: string, extra = '', ns = 'flux-system') =>
  `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  interval: 1h\n  path: ${p}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n    namespace: flux-system\n${extra}`;
const APP = (name: string, p: string, extra = '', dest = '    server: https://kubernetes.default.svc\n    namespace: web\n') =>
  `---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/me/home-ops.git\n    targetRevision: main\n    path: ${p}\n${extra}  destination:\n${dest}`;
const APPSET = (glob: string, more = '') =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\n  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n    - git:\n        repoURL: https://github.com/me/home-ops.git\n        revision: HEAD\n        directories:\n          - path: ${glob}\n${more}  template:\n    metadata:\n      name: '{{.path.basename}}'\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/me/home-ops.git\n        targetRevision: HEAD\n        path: '{{.path.path}}'\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: '{{.path.basename}}'\n`;
/** An ApplicationSet with one list generator (`elements` as YAML lines), its template's name and path in goTemplate or fasttemplate form. */
const LISTSET = (go: boolean, elements: string, name: string, path: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: envs\n  namespace: argocd\nspec:\n${go ? '  goTemplate: true\n' : ''}  generators:\n    - list:\n        elements:\n${elements}  template:\n    metadata:\n      name: '${name}'\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/me/home-ops.git\n        targetRevision: HEAD\n        path: '${path}'\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: web\n`;
const WEB = { 'apps/web/kustomization.yaml': K(RES('svc.yaml')), 'apps/web/svc.yaml': CM('web', 'web', 'v1', 'Service') };

test('gitops/object-applied-twice', () => {
  ruleTester(objectAppliedTwice, {
    valid: [
      // one applier
      { 'flux/ks.yaml': KS('web', './apps/web'), ...WEB },
      // a base and its overlay: one build
      { 'flux/ks.yaml': KS('web', './apps/web/prod'), 'apps/web/prod/kustomization.yaml': K(`${RES('../base')}`), 'apps/web/base/kustomization.yaml': K(RES('svc.yaml')), 'apps/web/base/svc.yaml': CM('web', 'web', 'v1', 'Service') },
      // targetNamespace renames the namespace
      { 'flux/ks.yaml': KS('web', './apps/web', '  targetNamespace: web\n') + KS('web-staging', './apps/web', '  targetNamespace: web-staging\n'), 'apps/web/kustomization.yaml': K(RES('svc.yaml')), 'apps/web/svc.yaml': CM('web', '', 'v1', 'Service') },
      // other clusters (talium's cluster groups)
      { 'clusters/home/ks.yaml': KS('web', './apps/web'), 'clusters/lab/ks.yaml': KS('web', './apps/web'), ...WEB },
      // other Argo CD destinations
      { 'argocd/a.yaml': APP('web', 'apps/web'), 'argocd/b.yaml': APP('web-lab', 'apps/web', '', '    server: https://lab.example.com:6443\n    namespace: web\n'), ...WEB },
      // templated names are substituted per applier: never compared
      { 'flux/ks.yaml': KS('a', './apps/web') + KS('b', './apps/web'), 'apps/web/kustomization.yaml': K(RES('svc.yaml')), 'apps/web/svc.yaml': CM('${APP}', 'web', 'v1', 'Service') },
      // two documents of one Flux Kustomization are one applier
      { 'flux/ks.yaml': KS('web', './apps/web'), 'flux/ks-old.yaml': KS('web', './apps/web'), ...WEB },
      // two clusters talium's groups do not tell apart: each applier descends from its own flux-system Kustomization
      {
        'env/staging/flux-system/kustomization.yaml': K(RES('gotk-sync.yaml')),
        'env/staging/flux-system/gotk-sync.yaml': KS('flux-system', './env/staging'),
        'env/staging/apps.yaml': KS('apps-staging', './apps/web'),
        'env/production/flux-system/kustomization.yaml': K(RES('gotk-sync.yaml')),
        'env/production/flux-system/gotk-sync.yaml': KS('flux-system', './env/production'),
        'env/production/apps.yaml': KS('apps-production', './apps/web'),
        ...WEB,
      },
      // list generators: elements naming other folders, a templated value left unresolved, a value that is no string (fasttemplate: the generator fails)
      { 'argocd/envs.yaml': LISTSET(true, '          - app: db\n', '{{.app}}', 'apps/{{.app}}'), 'argocd/web.yaml': APP('web-app', 'apps/web'), ...WEB, 'apps/db/svc.yaml': CM('db', 'db', 'v1', 'Service') },
      { 'argocd/envs.yaml': LISTSET(true, '          - app: web\n', '{{.app}}', 'apps/{{.dir}}'), 'argocd/web.yaml': APP('web-app', 'apps/web'), ...WEB },
      { 'argocd/envs.yaml': LISTSET(true, '          - app: web\n', '{{.app}}', '{{ printf "apps/%s" .app }}'), 'argocd/web.yaml': APP('web-app', 'apps/web'), ...WEB },
      { 'argocd/envs.yaml': LISTSET(false, '          - app: web\n            replicas: 2\n', '{{app}}', 'apps/{{app}}'), 'argocd/web.yaml': APP('web-app', 'apps/web'), ...WEB },
      { 'argocd/envs.yaml': LISTSET(false, '          - app: web\n', '{{app}}', 'apps/{{.app}}'), 'argocd/web.yaml': APP('web-app', 'apps/web'), ...WEB },
      // an ApplicationSet whose folders exclude the one another Application applies
      { 'argocd/apps.yaml': APPSET('apps/*', '          - path: apps/web\n            exclude: true\n'), 'argocd/web.yaml': APP('web-app', 'apps/web'), ...WEB, 'apps/db/svc.yaml': CM('db', 'db', 'v1', 'Service') },
      // a template value that uses another parameter: not known
      { 'argocd/apps.yaml': APPSET('apps/*').replace("namespace: '{{.path.basename}}'", "namespace: '{{.values.ns}}'"), 'argocd/web.yaml': APP('web-app', 'apps/web'), ...WEB },
      // namePrefix of one applier
      { 'flux/ks.yaml': KS('a', './apps/web') + KS('b', './apps/web', '  namePrefix: b-\n'), ...WEB },
    ],
    invalid: [
      {
        files: { 'flux/ks.yaml': KS('web', './apps/web') + KS('web2', './apps/web'), ...WEB },
        errors: [{ messageId: 'twice', file: 'apps/web/svc.yaml', line: 4, column: 9, data: { object: 'Service web/web', first: 'Flux Kustomization flux-system/web', second: 'Flux Kustomization flux-system/web2', kind: 'Service', namespace: 'web', name: 'web' } }],
      },
      // a parent folder without a kustomization: Flux generates one that takes the app folder whole
      { files: { 'flux/ks.yaml': KS('web', './apps/web') + KS('apps', './apps'), ...WEB }, errors: [{ messageId: 'twice', file: 'apps/web/svc.yaml', line: 4, column: 9, data: { first: 'Flux Kustomization flux-system/web', second: 'Flux Kustomization flux-system/apps' } }] },
      // Flux and Argo CD; the Argo CD object without a namespace goes to destination.namespace
      {
        files: { 'flux/ks.yaml': KS('web', './apps/web'), 'argocd/web.yaml': APP('web', 'apps/web2'), ...WEB, 'apps/web2/svc.yaml': CM('web', '', 'v1', 'Service') },
        errors: [{ messageId: 'twice', file: 'apps/web2/svc.yaml', line: 4, column: 9, data: { object: 'Service web/web', first: 'Flux Kustomization flux-system/web', second: 'Argo CD Application argocd/web' } }],
      },
      // an ApplicationSet's git directories generator makes one Application per folder, one of which another applies
      {
        files: { 'argocd/apps.yaml': APPSET('apps/*'), 'argocd/web.yaml': APP('web-app', 'apps/web'), ...WEB, 'apps/db/svc.yaml': CM('db', 'db', 'v1', 'Service') },
        errors: [{ messageId: 'twice', file: 'apps/web/svc.yaml', line: 4, column: 9, data: { first: 'Argo CD Application argocd/web-app', second: 'Argo CD Application web (of ApplicationSet argocd/apps)' } }],
      },
      // a list generator's elements are substituted: goTemplate (nested values too) and fasttemplate (values.x)
      {
        files: { 'argocd/envs.yaml': LISTSET(true, '          - app: db\n            values: { dir: db }\n          - app: web\n            values: { dir: web }\n', '{{ .app }}', 'apps/{{.values.dir}}'), 'argocd/web.yaml': APP('web-app', 'apps/web'), ...WEB, 'apps/db/svc.yaml': CM('db', 'db', 'v1', 'Service') },
        errors: [{ messageId: 'twice', file: 'apps/web/svc.yaml', line: 4, column: 9, data: { first: 'Argo CD Application argocd/web-app', second: 'Argo CD Application web (of ApplicationSet argocd/envs)' } }],
      },
      {
        files: { 'argocd/envs.yaml': LISTSET(false, '          - app: web\n            values:\n              dir: web\n', '{{app}}-x', 'apps/{{ values.dir }}'), 'argocd/web.yaml': APP('web-app', 'apps/web'), ...WEB },
        errors: [{ messageId: 'twice', file: 'apps/web/svc.yaml', line: 4, column: 9, data: { first: 'Argo CD Application argocd/web-app', second: 'Argo CD Application web-x (of ApplicationSet argocd/envs)' } }],
      },
      // two Argo CD Applications
      { files: { 'argocd/a.yaml': APP('a', 'apps/web'), 'argocd/b.yaml': APP('b', 'apps/web'), ...WEB }, errors: [{ messageId: 'twice', file: 'apps/web/svc.yaml', line: 4, column: 9, data: { first: 'Argo CD Application argocd/a', second: 'Argo CD Application argocd/b' } }] },
      // a plain Application in the same file as a (templated) ApplicationSet is still an applier
      {
        files: { 'argocd/apps.yaml': APPSET('apps/*') + APP('web-app', 'apps/web'), ...WEB, 'apps/db/svc.yaml': CM('db', 'db', 'v1', 'Service') },
        errors: [{ messageId: 'twice', file: 'apps/web/svc.yaml', line: 4, column: 9, data: { first: 'Argo CD Application argocd/web-app', second: 'Argo CD Application web (of ApplicationSet argocd/apps)' } }],
      },
    ],
  });
});

/** An ApplicationSet named envs with one generator (`gen`: YAML lines under `generators:`), its template's name and path. */
const GENSET = (go: boolean, gen: string, name: string, path: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: envs\n  namespace: argocd\nspec:\n${go ? '  goTemplate: true\n' : ''}  generators:\n${gen}  template:\n    metadata:\n      name: '${name}'\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/me/home-ops.git\n        targetRevision: HEAD\n        path: '${path}'\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: web\n`;
const FILES = (glob: string, more = '') => `    - git:\n        repoURL: https://github.com/me/home-ops.git\n        revision: HEAD\n        files:\n          - path: ${glob}\n${more}`;
const LIST = (indent: string, elements: string[]) => `${indent}- list:\n${indent}    elements:\n${elements.map((e) => `${indent}      - ${e}\n`).join('')}`;
const MATRIX = (a: string, b: string) => `    - matrix:\n        generators:\n${a}${b}`;
const TWICE = (second: string) => [{ messageId: 'twice', file: 'apps/web/svc.yaml', line: 4, column: 9, data: { first: 'Argo CD Application argocd/web-app', second: `Argo CD Application ${second} (of ApplicationSet argocd/envs)` } }];
const WEB_APP = { 'argocd/web.yaml': APP('web-app', 'apps/web'), ...WEB, 'apps/db/svc.yaml': CM('db', 'db', 'v1', 'Service') };

test('gitops/object-applied-twice: ApplicationSet git files and matrix generators', () => {
  ruleTester(objectAppliedTwice, {
    valid: [
      // a files glob that could match files talium does not read (JSON): not known
      { 'argocd/envs.yaml': GENSET(true, FILES('envs/*'), '{{.app}}', 'apps/{{.app}}'), 'envs/web.yaml': 'app: web\n', ...WEB_APP },
      // the file that would name apps/web is excluded
      { 'argocd/envs.yaml': GENSET(true, FILES('envs/*.yaml', '          - path: envs/web.yaml\n            exclude: true\n'), '{{.app}}', 'apps/{{.app}}'), 'envs/web.yaml': 'app: web\n', 'envs/db.yaml': 'app: db\n', ...WEB_APP },
      // fasttemplate: a number Go prints otherwise (1e+06) is not put in; a file of two documents is not known
      { 'argocd/envs.yaml': GENSET(false, FILES('envs/*.yaml'), '{{app}}', 'apps/web{{n}}'), 'envs/web.yaml': 'app: web\nn: 1000000\n', ...WEB_APP },
      { 'argocd/envs.yaml': GENSET(true, FILES('envs/*.yaml'), '{{.app}}', 'apps/{{.app}}'), 'envs/web.yaml': 'app: web\n---\napp: db\n', ...WEB_APP },
      // matrix, fasttemplate: a key both children set to different values fails the ApplicationSet
      { 'argocd/envs.yaml': GENSET(false, MATRIX(LIST('          ', ['{ app: web, dir: web }']), LIST('          ', ['{ app: db }'])), '{{app}}', 'apps/{{dir}}'), ...WEB_APP },
      // matrix: a second child using the first's parameters is not followed; three children are not known
      { 'argocd/envs.yaml': GENSET(true, MATRIX(LIST('          ', ['{ app: web }']), LIST('          ', ['{ dir: "{{.app}}" }'])), '{{.app}}', 'apps/{{.dir}}'), ...WEB_APP },
      { 'argocd/envs.yaml': GENSET(true, MATRIX(LIST('          ', ['{ app: web }']), LIST('          ', ['{ x: y }']) + LIST('          ', ['{ z: y }'])), '{{.app}}', 'apps/{{.app}}'), ...WEB_APP },
      // matrix with a child of no parameters makes nothing
      { 'argocd/envs.yaml': GENSET(true, MATRIX(LIST('          ', ['{ app: web }']), FILES('none/*.yaml').replace(/^ {4}/gm, '          ').replace('          - git', '          - git')), '{{.app}}', 'apps/{{.app}}'), ...WEB_APP },
    ],
    invalid: [
      // goTemplate: a config file's fields
      { files: { 'argocd/envs.yaml': GENSET(true, FILES('envs/*.yaml'), '{{.app}}', 'apps/{{.app}}'), 'envs/web.yaml': 'app: web\n', 'envs/db.yaml': 'app: db\n', ...WEB_APP }, errors: TWICE('web') },
      // fasttemplate: nested fields flattened with dots, path parameters of the file (utils.SanitizeName keeps `.`, lowers, `_` → `-`)
      { files: { 'argocd/envs.yaml': GENSET(false, FILES('envs/*.yml'), '{{path.filenameNormalized}}-{{path[0]}}', 'apps/{{app.name}}'), 'envs/Web_1.yml': 'app:\n  name: web\n', ...WEB_APP }, errors: TWICE('web-1.yml-envs') },
      // a file holding a list of mappings: one Application each
      { files: { 'argocd/envs.yaml': GENSET(true, FILES('envs/all.yaml'), '{{.app}}-{{.path.basename}}', 'apps/{{.app}}'), 'envs/all.yaml': '- app: db\n- app: web\n', ...WEB_APP }, errors: TWICE('web-envs') },
      // matrix of a list and a files generator
      { files: { 'argocd/envs.yaml': GENSET(true, MATRIX(LIST('          ', ['{ cluster: home }']), FILES('envs/*.yaml').replace(/^ {4}/gm, '          ')), '{{.cluster}}-{{.app}}', 'apps/{{.app}}'), 'envs/web.yaml': 'app: web\n', ...WEB_APP }, errors: TWICE('home-web') },
      // matrix, fasttemplate: both children's keys
      { files: { 'argocd/envs.yaml': GENSET(false, MATRIX(LIST('          ', ['{ cluster: home }']), LIST('          ', ['{ app: web }'])), '{{cluster}}-{{app}}', 'apps/{{app}}'), ...WEB_APP }, errors: TWICE('home-web') },
      // matrix, goTemplate: the first child's value wins a key both have (mergo.Merge without override)
      { files: { 'argocd/envs.yaml': GENSET(true, MATRIX(LIST('          ', ['{ app: web }']), LIST('          ', ['{ app: db, env: prod }'])), '{{.app}}-{{.env}}', 'apps/{{.app}}'), ...WEB_APP }, errors: TWICE('web-prod') },
    ],
  });
});

test('gitops/object-applied-twice: related locations are both appliers\' paths', () => {
  const [d] = lintRepo({ 'flux/ks.yaml': KS('web', './apps/web') + KS('web2', './apps/web'), ...WEB }, [objectAppliedTwice]);
  assert.deepEqual(
    d!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`),
    ['flux/ks.yaml:9:9', 'flux/ks.yaml:23:9'],
  );
});

test('a home-ops layout (a common component per namespace folder, one Flux Kustomization per app) gives neither finding', () => {
  const HR = (name: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\nspec:\n  interval: 1h\n  chartRef:\n    kind: OCIRepository\n    name: ${name}\n`;
  const files: Record<string, string> = {
    'kubernetes/flux/cluster/ks.yaml': KS('cluster-apps', './kubernetes/apps'),
    'kubernetes/components/common/kustomization.yaml': COMPONENT('./namespace.yaml', './secret.yaml'),
    'kubernetes/components/common/namespace.yaml': CM('_', '', 'v1', 'Namespace'),
    'kubernetes/components/common/secret.yaml': CM('cluster-secrets', '', 'v1', 'Secret'),
  };
  for (const ns of ['default', 'network']) {
    files[`kubernetes/apps/${ns}/kustomization.yaml`] = K(`namespace: ${ns}\ncomponents:\n  - ../../components/common\n${RES(`./echo-${ns}/ks.yaml`)}`);
    files[`kubernetes/apps/${ns}/echo-${ns}/ks.yaml`] = KS(`echo-${ns}`, `./kubernetes/apps/${ns}/echo-${ns}/app`, `  targetNamespace: ${ns}\n`);
    files[`kubernetes/apps/${ns}/echo-${ns}/app/kustomization.yaml`] = K(RES('./helmrelease.yaml'));
    files[`kubernetes/apps/${ns}/echo-${ns}/app/helmrelease.yaml`] = HR('echo');
  }
  assert.deepEqual(lintRepo(files, [duplicateObject, objectAppliedTwice]).map((d) => `${d.file}:${d.range.start.line} ${d.ruleId}`), []);
  // one app folder applied into one namespace by the Flux Kustomizations of both namespace folders: reported
  files['kubernetes/apps/network/echo-network/ks.yaml'] = KS('echo-network', './kubernetes/apps/default/echo-default/app', '  targetNamespace: default\n');
  assert.deepEqual(lintRepo(files, [duplicateObject, objectAppliedTwice]).map((d) => `${d.file}:${d.range.start.line} ${d.ruleId}`), ['kubernetes/apps/default/echo-default/app/helmrelease.yaml:4 gitops/object-applied-twice']);
});

test('gitops/object-applied-twice on a folder of 150,000 objects: no stack overflow (a spread push of a build crashed the rule)', () => {
  const many = Array.from({ length: 150_000 }, (_, i) => `---\n${CM(`cm-${i}`, 'a')}`).join('');
  const files = { 'flux/ks.yaml': KS('many', './apps/many') + KS('other', './apps/other'), 'apps/many/all.yaml': many, 'apps/other/cm.yaml': CM('cm-7', 'a') };
  // before: "Maximum call stack size exceeded" (lint/internal-error in the CLI)
  const got = lintRepo(files, [objectAppliedTwice]);
  assert.deepEqual(got.map((d) => `${d.file}:${d.range.start.line} ${String(d.data?.['object'])}`), ['apps/other/cm.yaml:4 ConfigMap a/cm-7']);
});
