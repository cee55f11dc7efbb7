/**
 * What a Flux Kustomization (`spec.patches`, `spec.targetNamespace`) or an Argo CD source (`kustomize.patches`,
 * `kustomize.namespace`) adds to the kustomize build it runs: gitops/patch-target-missing for a target-less patch naming
 * no object (or several), gitops/duplicate-object (`namespace`) for two objects the namespace makes one. Each layout is
 * also built with the real `kubectl kustomize` on the kustomization the tool writes (Flux: fluxcd/pkg kustomize
 * generator, patches appended and `namespace` set; Argo CD: `kustomize edit set namespace`, patches appended).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import duplicateObject from '../src/rules/gitops/duplicate-object.js';
import patchTargetMissing from '../src/rules/gitops/patch-target-missing.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { hasKubectl, KUBECTL_ABSENT } from '../src/testing/kubectl-kustomize.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const CM = (name: string, ns = '', apiVersion = 'v1', kind = 'ConfigMap') => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}`;
const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const RES = (...entries: string[]) => `resources:\n${entries.map((e) => `  - ${e}\n`).join('')}`;
const indent = (text: string, n: number) => text.replace(/^(?=.)/gm, ' '.repeat(n));
const DATA = 'data:\n  y: "1"\n';
const DELETE = '$patch: delete\n';

/** An override's patch: an inline body, and a target when given. */
interface Patch {
  patch: string;
  target?: Record<string, string>;
}

const patchYaml = (patches: readonly Patch[], n: number): string =>
  patches.map((p) => `${' '.repeat(n)}- ${p.target ? `target:\n${indent(stringify(p.target), n + 4)}${' '.repeat(n + 2)}` : ''}patch: |\n${indent(p.patch, n + 4)}`).join('');

/** A Flux Kustomization of `./app` with these overrides. */
function flux(o: { targetNamespace?: string; patches?: Patch[] }): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./app\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${o.targetNamespace ? `  targetNamespace: ${o.targetNamespace}\n` : ''}${o.patches ? `  patches:\n${patchYaml(o.patches, 4)}` : ''}`;
}

/** An Argo CD Application of `app` in this repository with these kustomize overrides. */
function argo(o: { namespace?: string; patches?: Patch[] }): string {
  const kz = `${o.namespace ? `      namespace: ${o.namespace}\n` : ''}${o.patches ? `      patches:\n${patchYaml(o.patches, 8)}` : ''}`;
  return `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: apps\n  source:\n    repoURL: https://github.com/me/home.git\n    path: app\n    targetRevision: main\n    kustomize:\n${kz}`;
}

interface Layout {
  name: string;
  engine: 'flux' | 'argocd';
  ns?: string;
  patches?: Patch[];
  files: Record<string, string>;
  /** What kustomize says about the kustomization the tool builds. */
  fails?: 'patch' | 'namespace';
}

const P = (patch: string, target?: Record<string, string>): Patch => ({ patch, ...(target ? { target } : {}) });

const LAYOUTS: Layout[] = [
  // 0-7: target-less patches the tool adds
  { name: 'Flux: a patch naming no object', engine: 'flux', patches: [P(CM('b') + DATA)], files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': CM('a') }, fails: 'patch' },
  { name: 'Flux: a patch naming the object', engine: 'flux', patches: [P(CM('a') + DATA)], files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': CM('a') } },
  { name: 'Flux: a patch with the targetNamespace, the object has none (patches run first)', engine: 'flux', ns: 'x', patches: [P(CM('a', 'x') + DATA)], files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': CM('a') }, fails: 'patch' },
  { name: 'Flux: a folder without a kustomization, a patch naming no object', engine: 'flux', patches: [P(CM('b') + DATA)], files: { 'app/a.yaml': CM('a') }, fails: 'patch' },
  { name: 'Flux: a target selecting nothing', engine: 'flux', patches: [P(CM('b') + DATA, { kind: 'ConfigMap', name: 'b' })], files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': CM('a') } },
  { name: 'Flux: the kustomization deletes the object its patch names', engine: 'flux', patches: [P(CM('a') + DATA)], files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}patches:\n  - patch: |\n${indent(CM('a') + DELETE, 6)}`), 'app/a.yaml': CM('a') }, fails: 'patch' },
  { name: 'Argo CD: a patch naming no object', engine: 'argocd', patches: [P(CM('b') + DATA)], files: { 'app/kustomization.yaml': K(RES('a.yaml')), 'app/a.yaml': CM('a') }, fails: 'patch' },
  { name: 'Argo CD: a patch naming an object by the base\'s namespace', engine: 'argocd', patches: [P(CM('a', 'x') + DATA)], files: { 'app/kustomization.yaml': K(RES('../base')), 'base/kustomization.yaml': K(`namespace: x\n${RES('a.yaml')}`), 'base/a.yaml': CM('a') } },
  // 8: two prefixed copies
  {
    name: 'Argo CD: a patch naming two prefixed copies by the base\'s name',
    engine: 'argocd',
    patches: [P(CM('a') + DATA)],
    files: { 'app/kustomization.yaml': K(RES('../o1', '../o2')), 'o1/kustomization.yaml': K(`namePrefix: x-\n${RES('../base')}`), 'o2/kustomization.yaml': K(`namePrefix: y-\n${RES('../base')}`), 'base/kustomization.yaml': K(RES('a.yaml')), 'base/a.yaml': CM('a') },
    fails: 'patch',
  },
  // 9-14: the namespace the tool sets
  { name: 'Flux: targetNamespace over y/a and z/a', engine: 'flux', ns: 'x', files: { 'app/kustomization.yaml': K(RES('a.yaml', 'b.yaml')), 'app/a.yaml': CM('a', 'y'), 'app/b.yaml': CM('a', 'z') }, fails: 'namespace' },
  { name: 'Flux: targetNamespace over a folder without a kustomization holding y/a and z/a', engine: 'flux', ns: 'x', files: { 'app/a.yaml': CM('a', 'y'), 'app/b.yaml': CM('a', 'z') }, fails: 'namespace' },
  { name: 'Argo CD: kustomize.namespace over y/a and z/a', engine: 'argocd', ns: 'x', files: { 'app/kustomization.yaml': K(RES('a.yaml', 'b.yaml')), 'app/a.yaml': CM('a', 'y'), 'app/b.yaml': CM('a', 'z') }, fails: 'namespace' },
  { name: 'Flux: targetNamespace over objects of two kinds', engine: 'flux', ns: 'x', files: { 'app/kustomization.yaml': K(RES('a.yaml', 'b.yaml')), 'app/a.yaml': CM('a', 'y'), 'app/b.yaml': CM('a', 'z', 'v1', 'Secret') } },
  { name: 'Flux: targetNamespace over a ClusterRole and a ConfigMap', engine: 'flux', ns: 'x', files: { 'app/kustomization.yaml': K(RES('a.yaml', 'b.yaml')), 'app/a.yaml': CM('a', 'y', 'rbac.authorization.k8s.io/v1', 'ClusterRole'), 'app/b.yaml': CM('a', 'z') } },
  { name: 'Flux: targetNamespace over an object without namespace and one in it', engine: 'flux', ns: 'x', files: { 'app/kustomization.yaml': K(RES('a.yaml', 'b.yaml')), 'app/a.yaml': CM('a'), 'app/b.yaml': CM('a', 'x') }, fails: 'namespace' },
];

/** The repository talium reads: the layout and its applier. */
const repo = (l: Layout): Record<string, string> => ({
  ...l.files,
  ...(l.engine === 'flux'
    ? { 'clusters/home/app.yaml': flux({ ...(l.ns ? { targetNamespace: l.ns } : {}), ...(l.patches ? { patches: l.patches } : {}) }) }
    : { 'argocd/app.yaml': argo({ ...(l.ns ? { namespace: l.ns } : {}), ...(l.patches ? { patches: l.patches } : {}) }) }),
});

/** `app/kustomization.yaml` as the tool writes it before building: its `namespace` set, the patches appended (Flux generates one for a folder without). */
function toolKustomization(l: Layout, dir: string): string {
  const own = l.files['app/kustomization.yaml'];
  const k = (own ? parse(own) : { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: readdirSync(dir).sort().map((f) => `./${f}`) }) as Record<string, unknown>;
  if (l.ns) k['namespace'] = l.ns;
  if (l.patches) k['patches'] = [...((k['patches'] as unknown[] | undefined) ?? []), ...l.patches];
  return stringify(k);
}

test('Flux and Argo CD kustomize overrides: talium agrees with kubectl kustomize on the kustomization the tool builds', (t) => {
  if (!hasKubectl) t.skip(KUBECTL_ABSENT);
  const repos = tempRepos('talium-override-');
  try {
    for (const l of LAYOUTS) {
      const got = lintRepo(repo(l), [patchTargetMissing, duplicateObject]);
      const verdict = got.length === 0 ? undefined : got.every((d) => d.ruleId === 'gitops/patch-target-missing') ? 'patch' : got.every((d) => d.messageId === 'namespace') ? 'namespace' : 'other';
      assert.equal(verdict, l.fails, `${l.name}: talium reports ${JSON.stringify(got.map((d) => `${d.ruleId}/${d.messageId}`))}`);
      assert.ok(got.every((d) => d.file === (l.engine === 'flux' ? 'clusters/home/app.yaml' : 'argocd/app.yaml')), `${l.name}: at the applier`);
      if (!hasKubectl) continue;
      const dir = repos.repo(l.files);
      writeFileSync(path.join(dir, 'app', 'kustomization.yaml'), toolKustomization(l, path.join(dir, 'app')));
      const r = spawnSync('kubectl', ['kustomize', path.join(dir, 'app')], { encoding: 'utf8' });
      const says = r.status === 0 ? undefined : /failed to find unique target for patch/.test(r.stderr) ? 'patch' : /namespace transformation produces ID conflict/.test(r.stderr) ? 'namespace' : `other: ${r.stderr}`;
      assert.equal(says, l.fails, `${l.name}: kubectl kustomize`);
    }
  } finally {
    repos.cleanup();
  }
});

test('gitops/patch-target-missing: a Flux Kustomization\'s or Argo CD source\'s patch, where the finding sits', () => {
  ruleTester(patchTargetMissing, {
    valid: [
      // templated ids are not known (Flux substitutes after the build; Argo CD templates)
      repo({ ...LAYOUTS[0]!, patches: [P(CM('${APP}') + DATA)] }),
      repo({ ...LAYOUTS[6]!, patches: [P(CM('{{ .app }}') + DATA)] }),
      // a remote or unread resource: the build is not known
      repo({ ...LAYOUTS[0]!, files: { 'app/kustomization.yaml': K(RES('a.yaml', 'https://github.com/me/app//deploy?ref=v1')), 'app/a.yaml': CM('a') } }),
      repo({ ...LAYOUTS[6]!, files: { 'app/kustomization.yaml': K(RES('a.yaml', 'missing.yaml')), 'app/a.yaml': CM('a') } }),
      // a Flux folder talium holds nothing of: not known
      repo({ ...LAYOUTS[3]!, files: { 'other/a.yaml': CM('a') } }),
      // an Argo CD directory source (no kustomization): not built by kustomize
      repo({ ...LAYOUTS[6]!, files: { 'app/a.yaml': CM('a') } }),
      // a kustomization patch that may rename: what the tool's patches see is not known
      repo({ ...LAYOUTS[0]!, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}patches:\n  - target:\n      kind: ConfigMap\n    patch: |\n      - op: replace\n        path: /metadata/name\n        value: b\n`), 'app/a.yaml': CM('a') } }),
      // after an own patch with allowNameChange, the next is not judged
      {
        ...LAYOUTS[0]!.files,
        'argocd/app.yaml': argo({}).replace('    kustomize:\n', `    kustomize:\n      patches:\n        - options:\n            allowNameChange: true\n          patch: |\n${indent(`${CM('a')}metadata:\n  name: c\n`, 12)}        - patch: |\n${indent(CM('c') + DATA, 12)}`),
      },
    ],
    invalid: [
      {
        files: repo(LAYOUTS[0]!),
        errors: [{ messageId: 'missing', file: 'clusters/home/app.yaml', line: 14, column: 7, data: { object: 'ConfigMap b', kind: 'ConfigMap', name: 'b', namespace: '', apiVersion: 'v1', held: 'a', applier: 'Flux Kustomization flux-system/app' } }],
      },
      { files: repo(LAYOUTS[2]!), errors: [{ messageId: 'missing', file: 'clusters/home/app.yaml', line: 15, column: 7, data: { object: 'ConfigMap x/a', namespace: 'x', held: 'a' } }] },
      { files: repo(LAYOUTS[3]!), errors: [{ messageId: 'missing', file: 'clusters/home/app.yaml', line: 14, column: 7, data: { object: 'ConfigMap b', held: 'a' } }] },
      { files: repo(LAYOUTS[5]!), errors: [{ messageId: 'missing', file: 'clusters/home/app.yaml', line: 14, column: 7, data: { object: 'ConfigMap a', held: 'none' } }] },
      { files: repo(LAYOUTS[6]!), errors: [{ messageId: 'missing', file: 'argocd/app.yaml', line: 17, column: 11, data: { object: 'ConfigMap b', held: 'a', applier: 'Argo CD Application argocd/app' } }] },
      { files: repo(LAYOUTS[8]!), errors: [{ messageId: 'ambiguous', file: 'argocd/app.yaml', line: 17, column: 11, data: { object: 'ConfigMap a', count: 2, held: 'x-a, y-a' } }] },
      // the second entry; the first names the object
      { files: repo({ ...LAYOUTS[0]!, patches: [P(CM('a') + DATA), P(CM('b') + DATA)] }), errors: [{ messageId: 'missing', file: 'clusters/home/app.yaml', line: 21, column: 7, data: { object: 'ConfigMap b' } }] },
    ],
  });
});

test('gitops/duplicate-object: a Flux targetNamespace or Argo CD kustomize.namespace that makes two objects one', () => {
  ruleTester(duplicateObject, {
    valid: [
      repo(LAYOUTS[12]!),
      // templated: not known
      repo({ ...LAYOUTS[9]!, ns: '${NS}' }),
      // the same namespace the objects have is no conflict unless two ids become one
      repo({ ...LAYOUTS[9]!, files: { 'app/kustomization.yaml': K(RES('a.yaml', 'b.yaml')), 'app/a.yaml': CM('a', 'y'), 'app/b.yaml': CM('b', 'z') } }),
    ],
    invalid: [
      {
        files: repo(LAYOUTS[9]!),
        errors: [{ messageId: 'namespace', file: 'clusters/home/app.yaml', line: 13, column: 20, data: { key: 'targetNamespace', setTo: 'x', object: 'ConfigMap x/a', first: 'ConfigMap y/a', second: 'ConfigMap z/a', applier: 'Flux Kustomization flux-system/app', kustomization: 'app/kustomization.yaml' } }],
      },
      { files: repo(LAYOUTS[10]!), errors: [{ messageId: 'namespace', file: 'clusters/home/app.yaml', line: 13, column: 20, data: { key: 'targetNamespace', first: 'ConfigMap y/a', second: 'ConfigMap z/a' } }] },
      { files: repo(LAYOUTS[11]!), errors: [{ messageId: 'namespace', file: 'argocd/app.yaml', line: 16, column: 18, data: { key: 'namespace', setTo: 'x', object: 'ConfigMap x/a', applier: 'Argo CD Application argocd/app' } }] },
      { files: repo(LAYOUTS[14]!), errors: [{ messageId: 'namespace', file: 'clusters/home/app.yaml', line: 13, column: 20, data: { first: 'ConfigMap a', second: 'ConfigMap x/a' } }] },
      // the kustomization's own namespace makes them one already: reported there only
      {
        files: repo({ ...LAYOUTS[9]!, files: { ...LAYOUTS[9]!.files, 'app/kustomization.yaml': K(`namespace: w\n${RES('a.yaml', 'b.yaml')}`) } }),
        errors: [{ messageId: 'namespace', file: 'app/kustomization.yaml', line: 3, column: 12, data: { key: 'namespace', setTo: 'w' } }],
      },
    ],
  });
});

test('the related locations of an override finding: the objects, and the kustomization the patch goes to', () => {
  const [p] = lintRepo(repo(LAYOUTS[0]!), [patchTargetMissing]);
  assert.deepEqual(p!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`), ['app/kustomization.yaml:1:1', 'app/a.yaml:4:9']);
  const [d] = lintRepo(repo(LAYOUTS[9]!), [duplicateObject]);
  assert.deepEqual(d!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`), ['app/a.yaml:4:9', 'app/b.yaml:4:9']);
});
