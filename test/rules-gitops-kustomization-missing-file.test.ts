/**
 * gitops/kustomization-missing-file (a kustomization entry naming a file or folder that is not there): talium's
 * verdict compared with the real `kubectl kustomize` on the same layouts, and where the finding sits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kustomizationMissingFile from '../src/rules/gitops/kustomization-missing-file.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { agreesWithKubectl, hasKubectl, KUBECTL_ABSENT } from '../src/testing/kubectl-kustomize.js';

const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const COMPONENT = (body: string) => `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${body}`;
const RES = (...entries: string[]) => `resources:\n${entries.map((e) => `  - ${e}\n`).join('')}`;
const CM = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n`;
const PATCH = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  b: "2"\n';

/** Layouts with the root kustomization at `app/`: whether kustomize fails on a missing path, and talium. */
const LAYOUTS: Array<{ name: string; fails: boolean; files: Record<string, string> }> = [
  // 0-5: resources
  { name: 'files and a base that are there', fails: false, files: { 'app/kustomization.yaml': K(RES('a.yaml', '../base')), 'app/a.yaml': CM('web'), 'base/kustomization.yaml': K(RES('b.yaml')), 'base/b.yaml': CM('base') } },
  { name: 'a renamed file', fails: true, files: { 'app/kustomization.yaml': K(RES('configmap.yaml')), 'app/config.yaml': CM('web') } },
  { name: 'a missing base folder', fails: true, files: { 'app/kustomization.yaml': K(RES('a.yaml', '../bse')), 'app/a.yaml': CM('web'), 'base/kustomization.yaml': K(RES('b.yaml')), 'base/b.yaml': CM('base') } },
  { name: 'a folder without a kustomization', fails: true, files: { 'app/kustomization.yaml': K(RES('a.yaml', 'extra')), 'app/a.yaml': CM('web'), 'app/extra/b.yaml': CM('extra') } },
  { name: 'a base whose kustomization is kustomization.yml', fails: false, files: { 'app/kustomization.yaml': K(RES('../base/')), 'base/kustomization.yml': K(RES('b.yaml')), 'base/b.yaml': CM('base') } },
  { name: 'a base\'s own missing file fails its overlay too', fails: true, files: { 'app/kustomization.yaml': K(RES('../base')), 'base/kustomization.yaml': K(RES('b.yaml', 'c.yaml')), 'base/b.yaml': CM('base') } },
  // 6-8: components
  { name: 'a component that is there', fails: false, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}components:\n  - ../comp\n`), 'app/a.yaml': CM('web'), 'comp/kustomization.yaml': COMPONENT('labels:\n  - pairs:\n      team: a\n') } },
  { name: 'a missing component', fails: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}components:\n  - ../../components/common\n`.replace('../../components/common', '../components/common')), 'app/a.yaml': CM('web') } },
  { name: 'a component folder without a kustomization', fails: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}components:\n  - ../comp\n`), 'app/a.yaml': CM('web'), 'comp/labels.yaml': CM('x') } },
  // 9-12: patch files
  { name: 'a patch file that is there', fails: false, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}patches:\n  - path: patch.yaml\n`), 'app/a.yaml': CM('web'), 'app/patch.yaml': PATCH } },
  { name: 'a missing patch file', fails: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}patches:\n  - path: ptch.yaml\n`), 'app/a.yaml': CM('web'), 'app/patch.yaml': PATCH } },
  { name: 'a missing patchesStrategicMerge file', fails: true, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}patchesStrategicMerge:\n  - patch.yaml\n`), 'app/a.yaml': CM('web') } },
  { name: 'an inline patchesStrategicMerge patch', fails: false, files: { 'app/kustomization.yaml': K(`${RES('a.yaml')}patchesStrategicMerge:\n  - |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: web\n    data:\n      b: "2"\n`), 'app/a.yaml': CM('web') } },
  // 13-14: generator inputs
  { name: 'a generator file that is there', fails: false, files: { 'app/kustomization.yaml': K(`configMapGenerator:\n  - name: v\n    files:\n      - values.yaml=helm-values.yaml\n`), 'app/helm-values.yaml': 'a: 1\n' } },
  { name: 'a missing generator file', fails: true, files: { 'app/kustomization.yaml': K(`configMapGenerator:\n  - name: v\n    files:\n      - values.yaml=helm-value.yaml\n`), 'app/helm-values.yaml': 'a: 1\n' } },
];

const MISSING_ERROR = /no such file or directory|unable to find one of 'kustomization\.yaml'/;

test('gitops/kustomization-missing-file: talium agrees with kubectl kustomize on every layout', (t) => {
  if (!hasKubectl) t.skip(KUBECTL_ABSENT);
  agreesWithKubectl(LAYOUTS, (files) => lintRepo(files, [kustomizationMissingFile]), MISSING_ERROR);
});

test('gitops/kustomization-missing-file: where the finding sits, and what it says', () => {
  ruleTester(kustomizationMissingFile, {
    valid: [
      // templated, remote and inline entries are no paths of the repository
      { 'app/kustomization.yaml': K(RES('a.yaml', '${APP}.yaml', 'https://github.com/me/app//deploy?ref=v1', 'github.com/me/app/deploy')), 'app/a.yaml': CM('web') },
      // a template renders the file (makejinja): there after rendering
      { 'app/kustomization.yaml': K(RES('a.yaml', 'b.yaml')), 'app/a.yaml': CM('web'), 'app/b.yaml.j2': CM('{{ name }}') },
      // a file of another type may sit in an existing folder (talium lists YAML files only)
      { 'app/kustomization.yaml': K(RES('a.yaml', 'crds.json')), 'app/a.yaml': CM('web') },
      // above the folder talium was started in: not known
      { 'app/kustomization.yaml': K(RES('a.yaml', '../../shared/b.yaml')), 'app/a.yaml': CM('web') },
      // a templated kustomization (its entries after rendering are not known)
      { 'app/kustomization.yaml': K(`namespace: \${NS}\n${RES('a.yaml', 'b.yaml')}`), 'app/a.yaml': CM('web') },
      LAYOUTS[0]!.files,
      LAYOUTS[4]!.files,
      LAYOUTS[12]!.files,
    ],
    invalid: [
      {
        files: LAYOUTS[1]!.files,
        errors: [{ messageId: 'missingFileNear', file: 'app/kustomization.yaml', line: 4, column: 5, data: { key: 'resources', path: 'app/configmap.yaml', suggestion: 'config.yaml' } }],
      },
      {
        files: { 'app/kustomization.yaml': K(RES('a.yaml', 'service.yaml')), 'app/a.yaml': CM('web') },
        errors: [{ messageId: 'missingFile', line: 5, column: 5, data: { key: 'resources', path: 'app/service.yaml' } }],
      },
      { files: LAYOUTS[2]!.files, errors: [{ messageId: 'missingPathNear', line: 5, column: 5, data: { key: 'resources', path: 'bse', suggestion: '../base' } }] },
      { files: LAYOUTS[3]!.files, errors: [{ messageId: 'noKustomization', line: 5, column: 5, data: { key: 'resources', path: 'app/extra' } }] },
      // reported at the base's own entry, once
      { files: LAYOUTS[5]!.files, errors: [{ messageId: 'missingFile', file: 'base/kustomization.yaml', line: 5, column: 5, data: { path: 'base/c.yaml' } }] },
      { files: LAYOUTS[7]!.files, errors: [{ messageId: 'missingPath', line: 6, column: 5, data: { key: 'components', path: 'components/common' } }] },
      { files: LAYOUTS[8]!.files, errors: [{ messageId: 'noKustomization', line: 6, column: 5, data: { key: 'components', path: 'comp' } }] },
      { files: LAYOUTS[10]!.files, errors: [{ messageId: 'missingFileNear', line: 6, column: 11, data: { key: 'patches[].path', path: 'app/ptch.yaml', suggestion: 'patch.yaml' } }] },
      { files: LAYOUTS[11]!.files, errors: [{ messageId: 'missingFile', line: 6, column: 5, data: { key: 'patchesStrategicMerge', path: 'app/patch.yaml' } }] },
      { files: LAYOUTS[14]!.files, errors: [{ messageId: 'missingFileNear', line: 6, column: 9, data: { key: 'configMapGenerator[].files', path: 'app/helm-value.yaml', suggestion: 'helm-values.yaml' } }] },
      // a folder written with a trailing slash is a folder, even in an existing parent
      { files: { 'app/kustomization.yaml': K(RES('a.yaml', 'overlays/')), 'app/a.yaml': CM('web') }, errors: [{ messageId: 'missingPath', line: 5, column: 5, data: { path: 'app/overlays' } }] },
      // helmCharts values files (read by kustomize --enable-helm, as Argo CD and Flux-less setups run it)
      {
        files: { 'app/kustomization.yaml': K('helmCharts:\n  - name: web\n    repo: https://charts.example.com\n    valuesFile: values.yaml\n'), 'app/helm-values.yaml': 'a: 1\n' },
        errors: [{ messageId: 'missingFile', line: 6, column: 17, data: { key: 'helmCharts[].valuesFile', path: 'app/values.yaml' } }],
      },
    ],
  });
});

test('gitops/kustomization-missing-file: a run over part of the tree does not report it', () => {
  const files = { 'app/kustomization.yaml': K(RES('configmap.yaml')), 'app/config.yaml': CM('web') };
  assert.equal(lintRepo(files, [kustomizationMissingFile]).length, 1);
  assert.equal(lintRepo(files, [kustomizationMissingFile], { partialTree: true }).length, 0);
});
