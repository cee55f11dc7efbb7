/** Tests for cilium/rollout-pods: GitOps Cilium releases without `rollOutCiliumPods` / `operator.rollOutPods`. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import rolloutPods from '../src/rules/cilium/rollout-pods.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { ciliumHelmReleaseOf } from '../src/rules/cilium/lib/examples.js';

/** A Flux HelmRelease; `values` lines are indented by 4 (inside spec.values). `values:` is on line 14, values start on line 15. */
const hr = ciliumHelmReleaseOf;
/** A Flux HelmRelease with valuesFrom refs and no inline values. */
const hrFrom = (refs: string) => hr('', '1.19.6', `  valuesFrom:\n${refs}`).replace(/  values:\n *$/, '');
/** An Argo CD Application; `valuesObject:` is on line 12, its values start on line 13 (indent 8). */
const app = (values: string, helm = '') =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  source:\n    repoURL: https://helm.cilium.io/\n    chart: cilium\n    targetRevision: 1.19.6\n    helm:\n${helm}      valuesObject:\n${values.replace(/^/gm, '        ')}`;
const BOTH = 'rollOutCiliumPods: true\noperator:\n  rollOutPods: true\n';
const KPR = 'kubeProxyReplacement: true\n';

test('cilium/rollout-pods: Flux HelmRelease', () => {
  ruleTester(rolloutPods, {
    valid: [
      { 'cilium/hr.yaml': hr(KPR + BOTH) },
      { 'cilium/hr.yaml': hr('rollOutCiliumPods: "true"\noperator:\n  replicas: 1\n  rollOutPods: "true"\n') },
      // templated (Flux postBuild substitution): not judged
      { 'cilium/hr.yaml': hr('rollOutCiliumPods: ${ROLLOUT}\noperator:\n  rollOutPods: ${ROLLOUT}\n') },
      // values from a ConfigMap that is not in the repo: absence is not judged
      { 'cilium/hr.yaml': hr(KPR, '1.19.6', '  valuesFrom:\n    - kind: ConfigMap\n      name: cilium-values\n') },
      // a Secret the repository does not show may set them too
      { 'cilium/hr.yaml': hr(KPR, '1.19.6', '  valuesFrom:\n    - kind: Secret\n      name: cilium-secret-values\n') },
      // a false in a valuesFrom ConfigMap that a later, unresolved valuesFrom may override: not judged
      {
        'cilium/hr.yaml': hrFrom('    - kind: ConfigMap\n      name: cilium-values\n    - kind: ConfigMap\n      name: cilium-cluster-values\n'),
        'cilium/values-cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cilium-values\n  namespace: kube-system\ndata:\n  values.yaml: |\n    rollOutCiliumPods: false\n    operator:\n      rollOutPods: false\n`,
      },
      // both set in the values file of a configMapGenerator the release reads
      {
        'cilium/hr.yaml': hrFrom('    - kind: ConfigMap\n      name: cilium-values\n'),
        'cilium/kustomization.yaml': 'resources:\n  - hr.yaml\nconfigMapGenerator:\n  - name: cilium-values\n    files:\n      - values.yaml=values.yaml\n',
        'cilium/values.yaml': KPR + BOTH,
      },
      // a chart line older than the facts (1.14–1.20): not judged
      { 'cilium/hr.yaml': hr(KPR, '1.13.4') },
    ],
    invalid: [
      {
        files: { 'cilium/hr.yaml': hr(KPR) },
        // both missing: one finding, not two on the same spot
        errors: [{ messageId: 'unsetBoth', file: 'cilium/hr.yaml', line: 14, column: 3, data: { keys: 'rollOutCiliumPods,operator.rollOutPods', engine: 'flux' } }],
      },
      {
        files: { 'cilium/hr.yaml': hr('rollOutCiliumPods: true\noperator:\n  replicas: 1\n  rollOutPods: false\n') },
        errors: [{ messageId: 'off', file: 'cilium/hr.yaml', line: 18, column: 7, data: { key: 'operator.rollOutPods', engine: 'flux' } }],
      },
      {
        files: { 'cilium/hr.yaml': hr('rollOutCiliumPods: "false"\noperator:\n  rollOutPods: true\n') },
        errors: [{ messageId: 'off', line: 15, column: 5, data: { key: 'rollOutCiliumPods' } }],
      },
      // spec.values wins over valuesFrom (Flux merges it last): a false there is judged even with an unresolved source
      {
        files: { 'cilium/hr.yaml': hr('rollOutCiliumPods: false\n', '1.19.6', '  valuesFrom:\n    - kind: Secret\n      name: cilium-secret-values\n') },
        errors: [{ messageId: 'off', line: 18, column: 5, data: { key: 'rollOutCiliumPods' } }],
      },
      // a false in a valuesFrom ConfigMap of the repo (all sources resolved): at the key inside the values string
      {
        files: {
          'cilium/hr.yaml': hrFrom('    - kind: ConfigMap\n      name: cilium-values\n'),
          'cilium/values-cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cilium-values\n  namespace: kube-system\ndata:\n  values.yaml: |\n    rollOutCiliumPods: false\n    operator:\n      rollOutPods: false\n`,
        },
        errors: [
          { messageId: 'off', file: 'cilium/values-cm.yaml', line: 8, column: 5, data: { key: 'rollOutCiliumPods', engine: 'flux' } },
          { messageId: 'off', file: 'cilium/values-cm.yaml', line: 10, column: 7, data: { key: 'operator.rollOutPods', engine: 'flux' } },
        ],
      },
      // only a values file the release reads sets one key: the other is missing, reported at the release's values
      {
        files: {
          'cilium/hr.yaml': hrFrom('    - kind: ConfigMap\n      name: cilium-values\n'),
          'cilium/kustomization.yaml': 'resources:\n  - hr.yaml\nconfigMapGenerator:\n  - name: cilium-values\n    files:\n      - values.yaml=values.yaml\n',
          'cilium/values.yaml': KPR + 'rollOutCiliumPods: true\n',
        },
        errors: [{ messageId: 'unset', file: 'cilium/values.yaml', line: 1, column: 1, data: { key: 'operator.rollOutPods' } }],
      },
      // the values write an operator: mapping without rollOutPods: at that mapping's key, not the first key of the file
      {
        files: {
          'cilium/hr.yaml': hrFrom('    - kind: ConfigMap\n      name: cilium-values\n'),
          'cilium/kustomization.yaml': 'resources:\n  - hr.yaml\nconfigMapGenerator:\n  - name: cilium-values\n    files:\n      - values.yaml=values.yaml\n',
          'cilium/values.yaml': KPR + 'rollOutCiliumPods: true\noperator:\n  replicas: 1\n',
        },
        errors: [{ messageId: 'unset', file: 'cilium/values.yaml', line: 3, column: 1, data: { key: 'operator.rollOutPods' } }],
      },
    ],
  });
});

test('cilium/rollout-pods: bootstrap installs and unreferenced values files are not judged', () => {
  ruleTester(rolloutPods, {
    valid: [
      // helmfile bootstrap
      { 'bootstrap/helmfile.yaml': 'releases:\n  - name: cilium\n    namespace: kube-system\n    chart: cilium/cilium\n    version: 1.19.6\n    values:\n      - ../kubernetes/cilium/values.yaml\n', 'kubernetes/cilium/values.yaml': KPR },
      // a standalone values file no GitOps release uses
      { 'kubernetes/cilium/values.yaml': KPR + 'ipam:\n  mode: kubernetes\n' },
      // Kustomize helmCharts under a bootstrap folder
      { 'bootstrap/cilium/kustomization.yaml': 'helmCharts:\n  - name: cilium\n    repo: https://helm.cilium.io/\n    version: 1.19.6\n    releaseName: cilium\n    valuesInline:\n      kubeProxyReplacement: true\n' },
      // Talos inline manifest with a cilium install Job
      {
        'talos/controlplane.yaml': 'version: v1alpha1\nmachine:\n  type: controlplane\ncluster:\n  inlineManifests:\n    - name: cilium-install\n      contents: |\n        apiVersion: batch/v1\n        kind: Job\n        metadata:\n          name: cilium-install\n        spec:\n          template:\n            spec:\n              containers:\n                - name: cilium-install\n                  image: quay.io/cilium/cilium-cli:v0.18.3\n                  command: [cilium, install, --version=1.19.6, --set, kubeProxyReplacement=true]\n',
      },
    ],
    invalid: [],
  });
  // the helmfile bootstrap and the Flux release read one values file: only the Flux release is judged, once per key
  const got = lintRepo(
    {
      'bootstrap/helmfile.yaml': 'releases:\n  - name: cilium\n    namespace: kube-system\n    chart: cilium/cilium\n    version: 1.19.6\n    values:\n      - ../kubernetes/cilium/values.yaml\n',
      'kubernetes/cilium/values.yaml': KPR,
      'kubernetes/cilium/kustomization.yaml': 'resources:\n  - hr.yaml\nconfigMapGenerator:\n  - name: cilium-values\n    files:\n      - values.yaml=values.yaml\n',
      'kubernetes/cilium/hr.yaml': hrFrom('    - kind: ConfigMap\n      name: cilium-values\n'),
    },
    [rolloutPods],
  );
  assert.deepEqual(
    got.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.messageId} ${d.data?.['keys']} ${d.data?.['engine']}`),
    ['kubernetes/cilium/values.yaml:1:1 unsetBoth rollOutCiliumPods,operator.rollOutPods flux'],
  );
});

test('cilium/rollout-pods: Argo CD Application and Kustomize helmCharts', () => {
  ruleTester(rolloutPods, {
    valid: [
      { 'argocd/cilium.yaml': app(KPR + BOTH) },
      // a helm parameter talium does not model (a --set list index) may set anything: not judged
      { 'argocd/cilium.yaml': app('rollOutCiliumPods: false\n', '      parameters:\n        - name: extraArgs[0]\n          value: "--x"\n') },
      // a parameter that sets the key wins over valuesObject
      { 'argocd/cilium.yaml': app('rollOutCiliumPods: false\noperator:\n  rollOutPods: true\n', '      parameters:\n        - name: rollOutCiliumPods\n          value: "true"\n') },
      // a valueFiles entry that does not resolve may set the missing keys
      { 'argocd/cilium.yaml': app(KPR, '      valueFiles:\n        - values-prod.yaml\n') },
      // ... as does one inside the chart (a path without $ref/), whatever a file of that name in the repository says
      { 'argocd/cilium.yaml': app(KPR, '      valueFiles:\n        - values-prod.yaml\n'), 'argocd/values-prod.yaml': 'rollOutCiliumPods: false\n' },
      { 'apps/cilium/kustomization.yaml': 'helmCharts:\n  - name: cilium\n    repo: https://helm.cilium.io/\n    version: 1.19.6\n    releaseName: cilium\n    valuesInline:\n      rollOutCiliumPods: true\n      operator:\n        rollOutPods: true\n' },
    ],
    invalid: [
      {
        files: { 'argocd/cilium.yaml': app(KPR) },
        errors: [{ messageId: 'unsetBoth', file: 'argocd/cilium.yaml', line: 12, column: 7, data: { keys: 'rollOutCiliumPods,operator.rollOutPods', engine: 'argocd' } }],
      },
      // valueFiles: [values.yaml] is the chart's own defaults, not the values.yaml beside the Application
      {
        files: { 'argocd/cilium.yaml': app(KPR, '      valueFiles:\n        - values.yaml\n'), 'argocd/values.yaml': BOTH },
        errors: [{ messageId: 'unsetBoth', file: 'argocd/cilium.yaml', line: 14, column: 7, data: { keys: 'rollOutCiliumPods,operator.rollOutPods', engine: 'argocd' } }],
      },
      {
        // an unrelated helm parameter is a value the repository shows: it does not hide what is missing or wrong
        files: { 'argocd/cilium.yaml': app('rollOutCiliumPods: false\noperator:\n  rollOutPods: true\n', '      parameters:\n        - name: hubble.relay.enabled\n          value: "false"\n') },
        errors: [{ messageId: 'off', line: 16, column: 9, data: { key: 'rollOutCiliumPods', engine: 'argocd' } }],
      },
      // valuesObject wins over valueFiles: its false is judged even when a value file does not resolve
      {
        files: { 'argocd/cilium.yaml': app('rollOutCiliumPods: true\noperator:\n  rollOutPods: false\n', '      valueFiles:\n        - values-prod.yaml\n') },
        errors: [{ messageId: 'off', line: 17, column: 11, data: { key: 'operator.rollOutPods', engine: 'argocd' } }],
      },
      // a values string: positioned at the key inside the string
      {
        files: { 'argocd/cilium.yaml': app('').replace(/      valuesObject:\n *$/, '      values: |\n        rollOutCiliumPods: true\n        operator:\n          rollOutPods: false\n') },
        errors: [{ messageId: 'off', line: 15, column: 11, data: { key: 'operator.rollOutPods', engine: 'argocd' } }],
      },
      {
        files: { 'apps/cilium/kustomization.yaml': 'helmCharts:\n  - name: cilium\n    repo: https://helm.cilium.io/\n    version: 1.19.6\n    releaseName: cilium\n    valuesInline:\n      rollOutCiliumPods: true\n' },
        errors: [{ messageId: 'unset', line: 6, column: 5, data: { key: 'operator.rollOutPods', engine: 'kustomize' } }],
      },
    ],
  });
});
