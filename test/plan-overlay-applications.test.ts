/**
 * Kustomize overlays of Argo CD Applications (plan/kustomize-overlays.ts, plan/kustomize-application.ts): a shared
 * base Application completed by a patch, strategic-merge (maps merge, lists replaced), JSON6902 and patch files;
 * the rendered releases' versions, values and positions; bases replaced or kept; version-aware rules on them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { valueAt } from '../src/plan/index.js';
import type { CiliumRelease } from '../src/plan/types.js';
import { factPlace } from '../src/plan/util.js';
import l2RequiresKpr from '../src/rules/cilium/l2-requires-kpr.js';
import removedValues from '../src/rules/cilium/removed-values.js';
import valuesKeyTypo from '../src/rules/cilium/values-key-typo.js';
import versionDrift from '../src/rules/cilium/version-drift.js';
import clusterCidrOverlapsLan from '../src/rules/network/cluster-cidr-overlaps-lan.js';
import hubbleCerts from '../src/rules/gitops/argocd-hubble-certs.js';
import { incomplete } from '../src/rules/cilium/lib/values.js';
import { releasesOf, valuePosition } from '../src/testing/release-probe.js';
import { lintRepo, parseRepo, yaml } from '../src/testing/rule-tester.js';

const releases = releasesOf;
const pos = valuePosition;
/** Where a diagnostic about the release's version points (factPlace: inside a patch string, the value itself). */
const at = (r: CiliumRelease): string => {
  const p = factPlace(r.version!.from)!;
  const range = p.range ?? p.doc.locate(p.path);
  return `${p.doc.file.path}:${range.start.line}:${range.start.column}`;
};

/** The shared base: an Application without source(s), as talium generates it for Argo CD clusters. */
const BASE = {
  'clusters/_base/argocd/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - applications.yaml\n',
  'clusters/_base/argocd/applications.yaml': yaml`
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata:
      name: cilium
      namespace: argocd
    spec:
      project: default
      destination:
        namespace: kube-system
        server: https://kubernetes.default.svc
      ignoreDifferences:
        - kind: Secret
          name: hubble-server-certs
          jsonPointers: [/data]
        - kind: Secret
          name: hubble-relay-client-certs
          jsonPointers: [/data]
        - kind: ConfigMap
          name: hubble-ca-cert
          jsonPointers: [/data/ca.crt]
  `,
};
const ROOT_APP = yaml`
  apiVersion: argoproj.io/v1alpha1
  kind: Application
  metadata:
    name: root
    namespace: argocd
  spec:
    project: default
    destination:
      namespace: argocd
      server: https://kubernetes.default.svc
    source:
      path: clusters/lab/kubernetes
      repoURL: https://github.com/example/homelab.git
      targetRevision: main
`;
/** The lab's kustomization: the base plus `patches` (text after `patches:`). */
const labKust = (patches: string): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../_base/argocd\npatches:\n${patches}`;
/** An inline strategic-merge patch giving the base its sources (lines 5-24 of the kustomization). */
const SOURCES_PATCH = (version: string, values = '') =>
  [
    '  - patch: |',
    '      apiVersion: argoproj.io/v1alpha1',
    '      kind: Application',
    '      metadata:',
    '        name: cilium',
    '        namespace: argocd',
    '      spec:',
    '        sources:',
    '          - chart: cilium',
    '            repoURL: https://helm.cilium.io/',
    `            targetRevision: ${version}`,
    '            helm:',
    '              releaseName: cilium',
    '              valueFiles:',
    '                - $values/clusters/lab/kubernetes/cilium/values.yaml',
    ...(values ? ['              valuesObject:', ...values.split('\n').filter(Boolean).map((l) => `                ${l}`)] : []),
    '          - ref: values',
    '            repoURL: https://github.com/example/homelab.git',
    '            targetRevision: main',
    '',
  ].join('\n');
const LAB = (version: string, values = '') => ({
  ...BASE,
  'clusters/lab/argocd/root-app.yaml': ROOT_APP,
  'clusters/lab/kubernetes/kustomization.yaml': labKust(SOURCES_PATCH(version, values)),
  'clusters/lab/kubernetes/cilium/values.yaml': 'kubeProxyReplacement: true\nipam:\n  mode: kubernetes\nl2announcements:\n  enabled: true\n',
});

test('a base Application without a chart completed by an inline patch: one Argo CD release with the patch version and the $values file', () => {
  const r = releases(LAB('1.17.18'));
  assert.equal(r.length, 1);
  const x = r[0]!;
  assert.deepEqual([x.engine, x.purpose, x.version?.value], ['argocd', 'gitops', '1.17.18']);
  assert.equal(x.releaseDoc?.file.path, 'clusters/_base/argocd/applications.yaml');
  assert.deepEqual(x.releasePath, []);
  assert.equal(x.overlay?.kustomization.file.path, 'clusters/lab/kubernetes/kustomization.yaml');
  assert.deepEqual(x.overlay?.path, ['patches', 0]);
  assert.deepEqual(x.overlay?.patches.map((d) => d.file.path), ['clusters/lab/kubernetes/kustomization.yaml']);
  assert.equal(x.overlay?.skipped, false);
  // the base names no chart: an empty base release, never a release of the group
  assert.deepEqual(x.overlay?.base.layers, []);
  // the version points at its own value inside the inline patch string (`targetRevision: 1.17.18`, line 16)
  assert.equal(at(x), 'clusters/lab/kubernetes/kustomization.yaml:16:29');
  assert.deepEqual(x.layers.map((l) => l.doc.file.path), ['clusters/lab/kubernetes/cilium/values.yaml']);
  assert.equal(pos(x, 'ipam.mode'), 'clusters/lab/kubernetes/cilium/values.yaml:3:9="kubernetes"');
  assert.equal(incomplete(x, parseRepo(LAB('1.17.18'))), false);
});

test('strategic merge on the CRD replaces lists: a patch\'s sources replace the base\'s, valuesObject positions inside the patch string', () => {
  const files = LAB('1.18.4', 'hostPort:\n  enabled: true\n');
  // a base that already has sources (another chart): the patch's list replaces it, no element merge
  files['clusters/_base/argocd/applications.yaml'] = files['clusters/_base/argocd/applications.yaml']!.replace(
    'spec:\n',
    'spec:\n  sources:\n    - chart: other\n      repoURL: https://example.com/charts\n      targetRevision: 0.1.0\n      helm:\n        valuesObject:\n          kubeProxyReplacement: false\n',
  );
  const r = releases(files);
  assert.equal(r.length, 1);
  const x = r[0]!;
  const sources = ((x.overlay?.app as { spec: { sources: Array<{ chart?: string }> } }).spec.sources).map((s) => s.chart ?? 'ref');
  assert.deepEqual(sources, ['cilium', 'ref']);
  assert.equal(valueAt(x, 'kubeProxyReplacement')?.value, true); // from the values file, not the replaced source
  assert.deepEqual(x.layers.map((l) => [l.doc.file.path, l.inString ?? false, l.stringPath ?? []]), [
    ['clusters/lab/kubernetes/cilium/values.yaml', false, []],
    ['clusters/lab/kubernetes/kustomization.yaml', true, ['spec', 'sources', 0, 'helm', 'valuesObject']],
  ]);
  assert.equal(pos(x, 'hostPort.enabled'), 'clusters/lab/kubernetes/kustomization.yaml:23:28=true');
  // valuesObject is the primary layer (where a missing key belongs)
  assert.deepEqual([x.doc.file.path, x.valuesPath], ['clusters/lab/kubernetes/kustomization.yaml', ['patches', 0, 'patch']]);
});

test('version-aware values rules judge the overlay by its chart version, positions in the patch', () => {
  // cluster.yaml pins 1.17 (hostPort.enabled still exists there), the patch pins 1.18: the release's own pin rules
  const spec = 'versions:\n  talos: 1.11.5\n  kubernetes: 1.32.9\n  cilium: 1.17.18\n';
  const at118 = lintRepo({ ...LAB('1.18.4', 'hostPort:\n  enabled: true\nkubeProxyReplacment: true\n'), 'clusters/lab/cluster.yaml': spec }, [removedValues, valuesKeyTypo]);
  assert.deepEqual(
    at118.map((d) => [d.ruleId, d.messageId, d.file, d.range.start.line, d.range.start.column, d.data?.['key'], d.data?.['version']]),
    [
      ['cilium/removed-values', 'removed', 'clusters/lab/kubernetes/kustomization.yaml', 23, 19, 'hostPort.enabled', '1.18.4'],
      ['cilium/values-key-typo', 'typo', 'clusters/lab/kubernetes/kustomization.yaml', 24, 17, 'kubeProxyReplacment', undefined],
    ],
  );
  const at117 = lintRepo({ ...LAB('1.17.18', 'hostPort:\n  enabled: true\n'), 'clusters/lab/cluster.yaml': spec }, [removedValues]);
  assert.deepEqual(at117, []);
});

test('cilium/version-drift compares a bootstrap install with the overlay\'s version, related place in the patch', () => {
  const helmfile = 'releases:\n  - name: cilium\n    namespace: kube-system\n    chart: cilium/cilium\n    version: 1.17.18\n    values:\n      - ../kubernetes/cilium/values.yaml\n';
  const drift = lintRepo({ ...LAB('1.16.5'), 'clusters/lab/bootstrap/helmfile.yaml': helmfile }, [versionDrift]);
  assert.deepEqual(
    drift.map((d) => [d.ruleId, d.messageId, d.file, d.range.start.line, d.data?.['bootstrap'], d.data?.['gitops'], d.data?.['direction']]),
    [['cilium/version-drift', 'drift', 'clusters/lab/bootstrap/helmfile.yaml', 5, '1.17.18', '1.16.5', 'downgrades']],
  );
  assert.deepEqual(drift[0]!.related?.map((x) => [x.file, x.range.start.line, x.range.start.column]), [['clusters/lab/kubernetes/kustomization.yaml', 16, 29]]);
  assert.deepEqual(lintRepo({ ...LAB('1.17.18'), 'clusters/lab/bootstrap/helmfile.yaml': helmfile }, [versionDrift]), []);
});

/** A base Application that is a Cilium release by itself (single `source`, inline values). */
const CILIUM_BASE = {
  'apps/cilium/base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - app.yaml\n',
  'apps/cilium/base/app.yaml': yaml`
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata:
      name: cilium
      namespace: argocd
    spec:
      project: default
      destination:
        namespace: kube-system
        server: https://kubernetes.default.svc
      source:
        chart: cilium
        repoURL: https://helm.cilium.io/
        targetRevision: 1.17.0
        helm:
          valuesObject:
            kubeProxyReplacement: true
            hubble:
              enabled: true
              relay:
                enabled: true
  `,
};
const overlay = (patches: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\n${patches}`;

test('JSON6902 with a target replacing targetRevision: the version points at the operation\'s value; the base only used through it is replaced', () => {
  const r = releases({
    ...CILIUM_BASE,
    'apps/cilium/prod/kustomization.yaml': overlay(
      ['patches:', '  - target:', '      group: argoproj.io', '      kind: Application', '      name: cil.*', '    path: revision.yaml', ''].join('\n'),
    ),
    'apps/cilium/prod/revision.yaml': '- op: replace\n  path: /spec/source/targetRevision\n  value: 1.18.2\n- op: add\n  path: /spec/source/helm/valuesObject/hubble/relay/enabled\n  value: false\n',
  });
  assert.equal(r.length, 1);
  const x = r[0]!;
  assert.deepEqual([x.engine, x.version?.value, x.overlay?.skipped], ['argocd', '1.18.2', false]);
  assert.equal(at(x), 'apps/cilium/prod/revision.yaml:3:10');
  assert.equal(x.overlay?.base.version?.value, '1.17.0');
  assert.equal(pos(x, 'hubble.relay.enabled'), 'apps/cilium/prod/revision.yaml:6:10=false');
  assert.equal(pos(x, 'hubble.enabled'), 'apps/cilium/base/app.yaml:19:20=true');
  assert.equal(pos(x, 'kubeProxyReplacement'), 'apps/cilium/base/app.yaml:17:31=true');
});

test('a patch file merges into the base\'s single source (maps merge); the patch file is never a release of its own', () => {
  const patch = yaml`
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata:
      name: cilium
      namespace: argocd
    spec:
      source:
        chart: cilium
        targetRevision: 1.18.5
        helm:
          valuesObject:
            l2announcements:
              enabled: true
            hubble:
              relay:
                enabled: false
  `;
  const r = releases({ ...CILIUM_BASE, 'apps/cilium/prod/kustomization.yaml': overlay('patches:\n  - path: cilium-patch.yaml\n'), 'apps/cilium/prod/cilium-patch.yaml': patch });
  assert.equal(r.length, 1);
  const x = r[0]!;
  assert.deepEqual(x.overlay?.patches.map((d) => d.file.path), ['apps/cilium/prod/cilium-patch.yaml']);
  assert.equal(x.version?.value, '1.18.5');
  assert.equal(at(x), 'apps/cilium/prod/cilium-patch.yaml:9:21');
  assert.deepEqual(x.values, { kubeProxyReplacement: true, hubble: { enabled: true, relay: { enabled: false } }, l2announcements: { enabled: true } });
  assert.equal(pos(x, 'l2announcements.enabled'), 'apps/cilium/prod/cilium-patch.yaml:13:20=true');
  assert.equal(pos(x, 'hubble.relay.enabled'), 'apps/cilium/prod/cilium-patch.yaml:16:22=false');
  assert.equal(pos(x, 'hubble.enabled'), 'apps/cilium/base/app.yaml:19:20=true');
  // repoURL is the base's (the patch's source map merged into it)
  assert.equal((x.overlay?.app as { spec: { source: { repoURL: string } } }).spec.source.repoURL, 'https://helm.cilium.io/');
});

test('a base also deployed unpatched (an Argo CD source pointing at its folder) stays next to its overlay', () => {
  const r = releases({
    ...CILIUM_BASE,
    'apps/cilium/prod/kustomization.yaml': overlay('patches:\n  - target: {kind: Application, name: cilium}\n    patch: |-\n      - op: replace\n        path: /spec/source/targetRevision\n        value: 1.18.2\n'),
    'argocd/staging.yaml': ROOT_APP.replace('name: root', 'name: staging').replace('clusters/lab/kubernetes', 'apps/cilium/base'),
  });
  assert.deepEqual(
    r.map((x) => [x.overlay ? 'overlay' : 'base', x.version?.value, x.releaseDoc?.file.path]).sort(),
    [
      ['base', '1.17.0', 'apps/cilium/base/app.yaml'],
      ['overlay', '1.18.2', 'apps/cilium/base/app.yaml'],
    ],
  );
  // without the unpatched use, the base is replaced
  const only = releases({ ...CILIUM_BASE, 'apps/cilium/prod/kustomization.yaml': overlay('patches:\n  - target: {kind: Application, name: cilium}\n    patch: |-\n      - op: replace\n        path: /spec/source/targetRevision\n        value: 1.18.2\n') });
  assert.deepEqual(only.map((x) => [x.overlay ? 'overlay' : 'base', x.version?.value]), [['overlay', '1.18.2']]);
});

test('a JSON6902 operation kustomize fails on marks the overlay skipped (values unknown); a patch of other fields renders no overlay', () => {
  const failing = releases({
    ...CILIUM_BASE,
    'apps/cilium/prod/kustomization.yaml': overlay('patches:\n  - target: {kind: Application, name: cilium}\n    patch: |-\n      - op: test\n        path: /spec/source/targetRevision\n        value: 9.9.9\n'),
  });
  assert.deepEqual(failing.map((x) => [x.overlay?.skipped, x.version?.value]), [[true, '1.17.0']]);
  assert.equal(incomplete(failing[0]!, []), true);
  const sync = releases({
    ...CILIUM_BASE,
    'apps/cilium/prod/kustomization.yaml': overlay('patches:\n  - target: {kind: Application, name: cilium}\n    patch: |-\n      - op: add\n        path: /spec/syncPolicy\n        value: {automated: {prune: true}}\n'),
  });
  assert.deepEqual(sync.map((x) => [x.overlay ? 'overlay' : 'base', x.version?.value]), [['base', '1.17.0']]);
});

test('gitops/argocd-hubble-certs reads the rendered Application: ignoreDifferences from the base or the patch', () => {
  assert.deepEqual(lintRepo(LAB('1.17.18', 'hubble:\n  enabled: true\n'), [hubbleCerts]), []);
  const files = LAB('1.17.18', 'hubble:\n  enabled: true\n');
  files['clusters/_base/argocd/applications.yaml'] = files['clusters/_base/argocd/applications.yaml']!.replace(/ {2}ignoreDifferences:[\s\S]*$/, '');
  assert.deepEqual(lintRepo(files, [hubbleCerts]).map((d) => [d.ruleId, d.messageId, d.file]), [['gitops/argocd-hubble-certs', 'missing', 'clusters/_base/argocd/applications.yaml']]);
  // the cluster's patch adds them: the rendered Application has them
  const k = 'clusters/lab/kubernetes/kustomization.yaml';
  const ignore = ['ignoreDifferences:', '  - {kind: Secret, name: hubble-server-certs, jsonPointers: [/data]}', '  - {kind: Secret, name: hubble-relay-client-certs, jsonPointers: [/data]}', '  - {kind: ConfigMap, name: hubble-ca-cert, jsonPointers: [/data/ca.crt]}'];
  files[k] = files[k]!.replace('      spec:\n', `      spec:\n${ignore.map((l) => `        ${l}\n`).join('')}`);
  assert.deepEqual(lintRepo(files, [hubbleCerts]), []);
  // a complete Cilium Application whose overlay patches ignoreDifferences only: still read from the rendering
  const app = [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata: {name: cilium, namespace: argocd}',
    'spec:',
    '  project: default',
    '  destination: {namespace: kube-system, server: https://kubernetes.default.svc}',
    '  source:',
    '    repoURL: https://helm.cilium.io',
    '    chart: cilium',
    '    targetRevision: 1.17.18',
    '    helm:',
    '      valuesObject:',
    '        hubble: {enabled: true}',
    '',
  ].join('\n');
  const patchOnly = (lines: string[]) => ({
    'k/base/kustomization.yaml': 'resources:\n  - app.yaml\n',
    'k/base/app.yaml': app,
    'k/lab/kustomization.yaml': `resources:\n  - ../base\npatches:\n  - patch: |\n      apiVersion: argoproj.io/v1alpha1\n      kind: Application\n      metadata: {name: cilium, namespace: argocd}\n      spec:\n${lines.map((l) => `        ${l}\n`).join('')}`,
  });
  assert.deepEqual(lintRepo(patchOnly(ignore), [hubbleCerts]), []);
  assert.deepEqual(lintRepo(patchOnly(['syncPolicy: {automated: {prune: true}}']), [hubbleCerts]).map((d) => [d.ruleId, d.messageId, d.file, d.range.start.line]), [['gitops/argocd-hubble-certs', 'missing', 'k/base/app.yaml', 3]]);
});

test('rules read the rendered sources: an unresolved values file of the overlay may set what no layer shows', () => {
  // values file present without kubeProxyReplacement: KPR is unset in every layer the release has
  const unset = lintRepo({ ...LAB('1.17.18'), 'clusters/lab/kubernetes/cilium/values.yaml': 'l2announcements:\n  enabled: true\n' }, [l2RequiresKpr]);
  assert.deepEqual(unset.map((d) => [d.ruleId, d.messageId, d.file, d.range.start.line]), [['cilium/l2-requires-kpr', 'kprUnset', 'clusters/lab/kubernetes/cilium/values.yaml', 2]]);
  // the patch names a values file the repository does not have: it may set KPR, so its absence is not judged
  const files: Record<string, string> = { ...LAB('1.17.18', 'l2announcements:\n  enabled: true\n') };
  delete files['clusters/lab/kubernetes/cilium/values.yaml'];
  const x = releases(files)[0]!;
  assert.equal(incomplete(x, parseRepo(files)), true);
  assert.deepEqual(lintRepo(files, [l2RequiresKpr]), []);
});

// ---------- positions inside inline patch strings ----------

const HELMFILE_117 = 'releases:\n  - name: cilium\n    namespace: kube-system\n    chart: cilium/cilium\n    version: 1.17.18\n';
/** file:line:column of diagnostics and of their related places, for position assertions. */
const where = (d: { file: string; range: { start: { line: number; column: number } } }): string => `${d.file}:${d.range.start.line}:${d.range.start.column}`;

test('an inline JSON6902 `patch: |` replacing targetRevision and adding values: diagnostics point at each operation\'s value in the patch text', () => {
  const files = {
    ...CILIUM_BASE,
    'apps/cilium/prod/kustomization.yaml': overlay(
      [
        'patches:', // 5
        '  - target:', // 6
        '      kind: Application', // 7
        '      name: cilium', // 8
        '    patch: |', // 9
        '      - op: replace', // 10
        '        path: /spec/source/targetRevision', // 11
        '        value: 1.18.2', // 12
        '      - op: add', // 13
        '        path: /spec/source/helm/valuesObject/hostPort', // 14
        '        value:', // 15
        '          enabled: true', // 16
        '',
      ].join('\n'),
    ),
    'bootstrap/helmfile.yaml': HELMFILE_117,
  };
  assert.equal(at(releases(files)[0]!), 'apps/cilium/prod/kustomization.yaml:12:16');
  const got = lintRepo(files, [removedValues, versionDrift]);
  assert.deepEqual(
    got.map((d) => [d.ruleId, d.messageId, where(d), d.data?.['key'] ?? d.data?.['gitops'], (d.related ?? []).map(where)]),
    [
      ['cilium/removed-values', 'removed', 'apps/cilium/prod/kustomization.yaml:16:11', 'hostPort.enabled', []],
      ['cilium/version-drift', 'drift', 'bootstrap/helmfile.yaml:5:14', '1.18.2', ['apps/cilium/prod/kustomization.yaml:12:16']],
    ],
  );
});

/** CILIUM_BASE without its helm section, so that a patch's `helm.values` string is what Argo CD renders. */
const BASE_NO_HELM = { ...CILIUM_BASE, 'apps/cilium/base/app.yaml': CILIUM_BASE['apps/cilium/base/app.yaml'].replace(/\n {4}helm:[\s\S]*$/, '\n') };
const SMP_WITH_VALUES_TEXT = overlay(
  [
    'patches:', // 5
    '  - patch: |', // 6
    '      apiVersion: argoproj.io/v1alpha1', // 7
    '      kind: Application', // 8
    '      metadata:', // 9
    '        name: cilium', // 10
    '      spec:', // 11
    '        source:', // 12
    '          targetRevision: 1.18.2', // 13
    '          helm:', // 14
    '            values: |', // 15
    '              hostPort:', // 16
    '                enabled: true', // 17
    '',
  ].join('\n'),
);

test('a `helm.values: |` inside an inline strategic-merge `patch: |`: the Helm value and targetRevision point at their own line and column', () => {
  assert.ok(!BASE_NO_HELM['apps/cilium/base/app.yaml'].includes('valuesObject'));
  const files = { ...BASE_NO_HELM, 'apps/cilium/prod/kustomization.yaml': SMP_WITH_VALUES_TEXT, 'bootstrap/helmfile.yaml': HELMFILE_117 };
  const x = releases(files)[0]!;
  assert.equal(at(x), 'apps/cilium/prod/kustomization.yaml:13:27');
  assert.equal(pos(x, 'hostPort.enabled'), 'apps/cilium/prod/kustomization.yaml:17:26=true');
  const got = lintRepo(files, [removedValues, versionDrift]);
  assert.deepEqual(
    got.map((d) => [d.ruleId, d.messageId, where(d), (d.related ?? []).map(where)]),
    [
      ['cilium/removed-values', 'removed', 'apps/cilium/prod/kustomization.yaml:17:17', []],
      ['cilium/version-drift', 'drift', 'bootstrap/helmfile.yaml:5:14', ['apps/cilium/prod/kustomization.yaml:13:27']],
    ],
  );
});

test('a patch string that is not a literal block (double-quoted) is mapped through its escapes: the value inside it', () => {
  const quoted = overlay(
    ['patches:', '  - patch: "apiVersion: argoproj.io/v1alpha1\\nkind: Application\\nmetadata:\\n  name: cilium\\nspec:\\n  source:\\n    targetRevision: 1.18.2\\n"', ''].join('\n'),
  );
  const files = { ...CILIUM_BASE, 'apps/cilium/prod/kustomization.yaml': quoted, 'bootstrap/helmfile.yaml': HELMFILE_117 };
  const x = releases(files)[0]!;
  assert.equal(x.version?.value, '1.18.2');
  // `1.18.2` after the `\n` escapes of line 6
  assert.equal(at(x), 'apps/cilium/prod/kustomization.yaml:6:131');
});

test('network/cluster-cidr-overlaps-lan: a cluster-pool pod CIDR an inline patch sets is reported at its list item in the patch text', () => {
  const files = {
    ...CILIUM_BASE,
    'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n',
    'apps/cilium/prod/kustomization.yaml': overlay(
      [
        'patches:', // 5
        '  - patch: |', // 6
        '      apiVersion: argoproj.io/v1alpha1', // 7
        '      kind: Application', // 8
        '      metadata:', // 9
        '        name: cilium', // 10
        '      spec:', // 11
        '        source:', // 12
        '          helm:', // 13
        '            valuesObject:', // 14
        '              ipam:', // 15
        '                mode: cluster-pool', // 16
        '                operator:', // 17
        '                  clusterPoolIPv4PodCIDRList:', // 18
        '                    - 10.40.0.0/16', // 19
        '                    - 10.50.0.0/16', // 20
        '',
      ].join('\n'),
    ),
  };
  const got = lintRepo(files, [clusterCidrOverlapsLan]);
  assert.deepEqual(got.map((d) => [d.ruleId, d.messageId, where(d), d.data?.['cidr']]), [['network/cluster-cidr-overlaps-lan', 'overlap', 'apps/cilium/prod/kustomization.yaml:20:23', '10.50.0.0/16']]);
});
