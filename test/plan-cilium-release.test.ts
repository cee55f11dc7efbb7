/** Cilium release extraction: Flux, Argo CD, helmfile, Kustomize helmCharts, standalone values; valueAt precedence. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCiliumReleases, valueAt } from '../src/plan/index.js';
import type { CiliumRelease } from '../src/plan/types.js';
import { parseRepo } from '../src/testing/rule-tester.js';

const releases = (files: Record<string, string>): CiliumRelease[] => findCiliumReleases(parseRepo(files));
const pos = (r: CiliumRelease, key: string): string => {
  const h = valueAt(r, key);
  if (!h) return '';
  const p = h.doc.locate(h.path);
  return `${h.doc.file.path}:${p.start.line}:${p.start.column}=${JSON.stringify(h.value)}`;
};

test('Flux HelmRelease with chartRef → OCIRepository, valuesFrom a generated ConfigMap, inline values win', () => {
  const r = releases({
    'app/hr.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cni\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: cilium-chart\n  valuesFrom:\n    - kind: ConfigMap\n      name: cilium-values\n  values:\n    kubeProxyReplacement: true\n',
    'app/oci.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: cilium-chart\nspec:\n  url: oci://quay.io/cilium/charts/cilium\n  ref:\n    tag: 1.18.4\n',
    'app/kustomization.yaml': 'resources: [hr.yaml]\nconfigMapGenerator:\n  - name: cilium-values\n    files:\n      - values.yaml=./values/cilium.yaml\n',
    'app/values/cilium.yaml': 'kubeProxyReplacement: false\nipam:\n  mode: kubernetes\n',
  });
  assert.equal(r.length, 1);
  const x = r[0]!;
  assert.deepEqual([x.engine, x.purpose, x.version?.value], ['flux', 'gitops', '1.18.4']);
  assert.equal(x.layers.length, 2);
  assert.equal(pos(x, 'kubeProxyReplacement'), 'app/hr.yaml:13:27=true');
  assert.equal(pos(x, 'ipam.mode'), 'app/values/cilium.yaml:3:9="kubernetes"');
  assert.deepEqual(x.valuesPath, ['spec', 'values']);
});

test('Flux HelmRelease with chart.spec and a committed ConfigMap (values inside a string)', () => {
  const r = releases({
    'hr.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: 1.17.3\n  valuesFrom:\n    - kind: ConfigMap\n      name: cv\n      valuesKey: v.yaml\n',
    'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cv\ndata:\n  v.yaml: |\n    l2announcements:\n      enabled: true\n',
  });
  assert.equal(r[0]!.version?.value, '1.17.3');
  const h = valueAt(r[0]!, 'l2announcements.enabled');
  assert.deepEqual([h?.value, h?.inString, h?.doc.file.path, h?.path], [true, true, 'cm.yaml', ['data', 'v.yaml']]);
});

test('Flux valuesFrom: the ConfigMap of the HelmRelease\'s namespace (or of none); targetPath refs are not values files', () => {
  const hr = (refs: string) =>
    `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: 1.18.4\n  valuesFrom:\n${refs}`;
  const cm = (ns: string | undefined, body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cv\n${ns ? `  namespace: ${ns}\n` : ''}data:\n  values.yaml: |\n    ${body}\n`;
  const ref = '    - kind: ConfigMap\n      name: cv\n';
  const kpr = (files: Record<string, string>) => {
    const h = valueAt(releases(files)[0]!, 'kubeProxyReplacement');
    return h ? `${h.doc.file.path}=${JSON.stringify(h.value)}` : undefined;
  };
  // Flux reads valuesFrom in the release's namespace: another namespace's ConfigMap of that name is not it
  assert.equal(kpr({ 'hr.yaml': hr(ref), 'other.yaml': cm('apps', 'kubeProxyReplacement: false'), 'mine.yaml': cm('kube-system', 'kubeProxyReplacement: true') }), 'mine.yaml=true');
  assert.equal(kpr({ 'hr.yaml': hr(ref), 'other.yaml': cm('apps', 'kubeProxyReplacement: false') }), undefined);
  // no namespace on the ConfigMap: the kustomization applying it decides, so it may be the one
  assert.equal(kpr({ 'hr.yaml': hr(ref), 'cm.yaml': cm(undefined, 'kubeProxyReplacement: true') }), 'cm.yaml=true');
  // targetPath puts the key's text at one path: not read as a values file (the release's values stay incomplete)
  const target = releases({ 'hr.yaml': hr(`${ref}      targetPath: hubble\n`), 'cm.yaml': cm('kube-system', 'kubeProxyReplacement: true') })[0]!;
  assert.deepEqual([target.layers.length, valueAt(target, 'kubeProxyReplacement')], [0, undefined]);
});

test('Argo CD Application (multi-source $values file, values string, valuesObject) and ApplicationSet', () => {
  const r = releases({
    'argo/cilium.yaml': [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata:',
      '  name: cilium',
      'spec:',
      '  sources:',
      '    - repoURL: https://helm.cilium.io/',
      '      chart: cilium',
      '      targetRevision: 1.19.3',
      '      helm:',
      '        valueFiles:',
      '          - $values/values/cilium.yaml',
      '        values: |',
      '          hubble:',
      '            enabled: false',
      '        valuesObject:',
      '          operator:',
      '            replicas: 1',
      '        parameters:',
      '          - name: k8sServiceHost',
      '            value: localhost',
      '    - repoURL: https://github.com/me/repo',
      '      ref: values',
      '',
    ].join('\n'),
    'values/cilium.yaml': 'operator:\n  replicas: 2\nhubble:\n  enabled: true\nk8sServicePort: 7445\n',
    'set.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: s\nspec:\n  template:\n    spec:\n      source:\n        chart: cilium\n        targetRevision: 1.18.0\n',
  });
  assert.deepEqual(r.map((x) => [x.engine, x.version?.value, x.doc.file.path]), [['argocd', '1.19.3', 'argo/cilium.yaml'], ['argocd', '1.18.0', 'set.yaml']]);
  const a = r[0]!;
  assert.equal(pos(a, 'operator.replicas'), 'argo/cilium.yaml:18:23=1');
  // valuesObject is set, so Argo CD never renders the values string: hubble.enabled comes from the values file
  assert.equal(valueAt(a, 'hubble.enabled')?.value, true);
  assert.equal(pos(a, 'hubble.enabled'), 'values/cilium.yaml:4:12=true');
  assert.equal(pos(a, 'k8sServicePort'), 'values/cilium.yaml:5:17=7445');
  assert.deepEqual(a.releasePath, ['spec', 'sources', 0]);
  assert.equal(pos(a, 'k8sServiceHost'), 'argo/cilium.yaml:21:20="localhost"');
  assert.deepEqual(a.valuesPath, ['spec', 'sources', 0, 'helm', 'valuesObject']);
});

test('Argo CD: the values string counts only without valuesObject; `source` is ignored when `sources` is set', () => {
  const app = (helm: string, extra = '') =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\nspec:\n${extra}  sources:\n    - repoURL: https://helm.cilium.io/\n      chart: cilium\n      targetRevision: 1.19.3\n      helm:\n${helm}`;
  const onlyString = releases({ 'argo/a.yaml': app('        values: |\n          kubeProxyReplacement: true\n') })[0]!;
  assert.equal(valueAt(onlyString, 'kubeProxyReplacement')?.value, true);
  const both = releases({ 'argo/a.yaml': app('        values: |\n          kubeProxyReplacement: true\n        valuesObject:\n          ipam:\n            mode: kubernetes\n') })[0]!;
  assert.equal(valueAt(both, 'kubeProxyReplacement'), undefined);
  assert.equal(valueAt(both, 'ipam.mode')?.value, 'kubernetes');
  const legacySource = '  source:\n    repoURL: https://helm.cilium.io/\n    chart: cilium\n    targetRevision: 1.15.0\n';
  const r = releases({ 'argo/a.yaml': app('        valuesObject: {}\n', legacySource) });
  assert.deepEqual(r.map((x) => x.version?.value), ['1.19.3']);
});

test('Argo CD: a valueFiles path without $ref/ is inside the chart Argo CD fetched, not a file of this repository', () => {
  const app = (files: string) =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\nspec:\n  source:\n    repoURL: https://helm.cilium.io/\n    chart: cilium\n    targetRevision: 1.19.3\n    helm:\n      valueFiles: [${files}]\n`;
  const tree = (files: string) => ({ 'argo/cilium.yaml': app(files), 'argo/values.yaml': 'kubeProxyReplacement: true\n', 'argo/values-prod.yaml': 'kubeProxyReplacement: false\n', 'other/values-talos.yaml': 'ipam:\n  mode: kubernetes\n' });
  for (const files of ['values.yaml', './values-prod.yaml', 'values-talos.yaml', 'values.yaml, values-prod.yaml']) {
    const r = releases(tree(files)).find((x) => x.engine === 'argocd')!;
    assert.deepEqual(r.layers.map((l) => l.doc.file.path), [], files);
    assert.equal(valueAt(r, 'kubeProxyReplacement'), undefined, files);
  }
});

test('Kustomize helmCharts valuesMerge: override (inline wins), merge (files win), replace (inline alone)', () => {
  const kust = (merge?: string) => `helmCharts:\n  - name: cilium\n    repo: https://helm.cilium.io\n    version: 1.18.5\n    valuesFile: values.yaml\n${merge ? `    valuesMerge: ${merge}\n` : ''}    valuesInline:\n      routingMode: native\n`;
  const files = (merge?: string) => ({ 'talos/cni/kustomization.yaml': kust(merge), 'talos/cni/values.yaml': 'routingMode: tunnel\nkubeProxyReplacement: true\n' });
  const get = (merge?: string) => {
    const r = releases(files(merge)).find((x) => x.engine === 'kustomize')!;
    return [valueAt(r, 'routingMode')?.value, valueAt(r, 'kubeProxyReplacement')?.value];
  };
  assert.deepEqual(get(), ['native', true]);
  assert.deepEqual(get('override'), ['native', true]);
  assert.deepEqual(get('merge'), ['tunnel', true]);
  assert.deepEqual(get('replace'), ['native', undefined]);
});

test('Argo CD $ref value files are read from this tree only when the ref repository is this one', () => {
  const app = (refUrl: string) =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\nspec:\n  sources:\n    - repoURL: https://helm.cilium.io/\n      chart: cilium\n      targetRevision: 1.19.3\n      helm:\n        valueFiles: [$shared/values/cilium.yaml]\n    - repoURL: ${refUrl}\n      ref: shared\n`;
  const root = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: root\nspec:\n  source:\n    repoURL: https://github.com/me/homelab.git\n    path: argo\n';
  const files = (refUrl: string) => ({ 'argo/root.yaml': root, 'argo/cilium.yaml': app(refUrl), 'values/cilium.yaml': 'kubeProxyReplacement: true\n' });
  const layersOf = (refUrl: string) => releases(files(refUrl)).find((x) => x.engine === 'argocd')!.layers.map((l) => l.doc.file.path);
  assert.deepEqual(layersOf('https://github.com/someone-else/shared-config'), []);
  assert.deepEqual(layersOf('git@github.com:Me/homelab.git'), ['values/cilium.yaml']);
});

test('helmfile (templated values path) and Kustomize helmCharts; standalone and unreferenced values files', () => {
  const r = releases({
    'bootstrap/helmfile.yaml': 'releases:\n  - name: cilium\n    chart: oci://quay.io/cilium/charts/cilium\n    version: 1.18.4\n    values:\n      - \'{{ requiredEnv "ROOT_DIR" }}/kubernetes/cilium/values.yaml\'\n      - devices: eth0\n',
    'kubernetes/cilium/values.yaml': 'kubeProxyReplacement: true\n',
    'talos/cni/kustomization.yaml': 'helmCharts:\n  - name: cilium\n    repo: https://helm.cilium.io\n    version: 1.18.5\n    valuesFile: values.yaml\n    valuesInline:\n      ipam:\n        mode: kubernetes\n',
    'talos/cni/values.yaml': 'cgroup:\n  hostRoot: /sys/fs/cgroup\n',
    'other/cilium/values.yaml': 'routingMode: native\n',
    'monitoring/cilium-dashboards/values.yaml': 'grafana:\n  enabled: true\n',
  });
  assert.deepEqual(
    r.map((x) => [x.doc.file.path, x.engine, x.purpose ?? '', x.version?.value ?? '', x.layers.length]),
    [
      ['bootstrap/helmfile.yaml', 'helmfile', 'bootstrap', '1.18.4', 2],
      ['other/cilium/values.yaml', 'values-file', '', '', 1],
      ['talos/cni/kustomization.yaml', 'kustomize', 'bootstrap', '1.18.5', 2],
    ],
  );
  assert.equal(pos(r[0]!, 'kubeProxyReplacement'), 'kubernetes/cilium/values.yaml:1:23=true');
  assert.equal(pos(r[0]!, 'devices'), 'bootstrap/helmfile.yaml:7:18="eth0"');
  assert.equal(pos(r[2]!, 'cgroup.hostRoot'), 'talos/cni/values.yaml:2:13="/sys/fs/cgroup"');
});

test('a release document of every branch is found among many others (the loop takes its documents from the kind index)', () => {
  const filler: Record<string, string> = {};
  for (let i = 0; i < 30; i++) filler[`apps/a${i}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  a: b\n`;
  const r = releases({
    ...filler,
    // an empty apiVersion reads as none: still a helmfile
    'bootstrap/helmfile.yaml': 'apiVersion: ""\nreleases:\n  - name: cilium\n    chart: cilium/cilium\n    version: 1.18.4\n    values:\n      - devices: eth0\n',
    'flux/hr.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: 1.18.1\n  values:\n    ipam:\n      mode: kubernetes\n',
    'argo/app.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\nspec:\n  source:\n    repoURL: https://helm.cilium.io\n    chart: cilium\n    targetRevision: 1.18.2\n    helm:\n      valuesObject:\n        routingMode: native\n',
    'job/install.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: cilium-install\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: quay.io/cilium/cilium-cli:v0.18.3\n          command: [cilium, install, --version, 1.18.3]\n',
    'kube/cilium/values.yaml': 'kubeProxyReplacement: true\n',
  });
  assert.deepEqual(
    r.map((x) => [x.doc.file.path, x.engine, x.version?.value ?? '']),
    [
      ['argo/app.yaml', 'argocd', '1.18.2'],
      ['bootstrap/helmfile.yaml', 'helmfile', '1.18.4'],
      ['flux/hr.yaml', 'flux', '1.18.1'],
      ['job/install.yaml', 'talos', '1.18.3'],
      ['kube/cilium/values.yaml', 'values-file', ''],
    ],
  );
});

test('non-Cilium releases are ignored and malformed ones never throw', () => {
  const r = releases({
    'a.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: x\nspec:\n  chart:\n    spec:\n      chart: ingress-nginx\n  values:\n    a: 1\n',
    'b.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\nspec: 42\n',
    'c.yaml': 'releases: [1, "x", {chart: cilium, values: 7}]\n',
  });
  assert.deepEqual(r.map((x) => [x.doc.file.path, x.engine, x.layers.length]), [['c.yaml', 'helmfile', 0]]);
});

test('Talos bootstrap cilium-install Job: --version and --set values', () => {
  const r = releases({
    'talos/cilium-install.yaml': [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: cilium-install',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: install',
      '          image: quay.io/cilium/cilium-cli-ci:latest',
      '          command:',
      '            - cilium',
      '            - install',
      '            - --version=v1.18.4',
      '            - --set',
      '            - kubeProxyReplacement=true,k8sServicePort=7445',
      '            - --set=ipam.mode=kubernetes',
      '',
    ].join('\n'),
  });
  assert.deepEqual(r.map((x) => [x.engine, x.purpose, x.version?.value]), [['talos', 'bootstrap', '1.18.4']]);
  assert.deepEqual(r[0]!.values, { kubeProxyReplacement: true, k8sServicePort: 7445, ipam: { mode: 'kubernetes' } });
  const h = valueAt(r[0]!, 'ipam.mode');
  assert.deepEqual([h?.inString, h?.path], [true, ['spec', 'template', 'spec', 'containers', 0, 'command']]);
  const v = r[0]!.version!.from;
  assert.equal(v.doc!.locate(v.path!).start.line, 14);
});

test('a cilium-install Job inside a Talos inline manifest (positions point at the manifest string)', () => {
  const job = [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata: {name: cilium-install}',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: install',
    '          command: [cilium, install, --version=1.17.4, --set, kubeProxyReplacement=true]',
  ].join('\n');
  const r = releases({
    'talos/cp.yaml': `cluster:\n  inlineManifests:\n    - name: cilium\n      contents: |\n${job.split('\n').map((l) => `        ${l}`).join('\n')}\n`,
    'talos/cp2.yaml': `apiVersion: v1alpha1\nkind: KubeInlineManifestConfig\nname: cilium\nmanifest: |\n${job.split('\n').map((l) => `  ${l}`).join('\n')}\n`,
  });
  assert.deepEqual(r.map((x) => [x.doc.file.path, x.engine, x.purpose, x.version?.value, JSON.stringify(x.values)]), [
    ['talos/cp.yaml', 'talos', 'bootstrap', '1.17.4', '{"kubeProxyReplacement":true}'],
    ['talos/cp2.yaml', 'talos', 'bootstrap', '1.17.4', '{"kubeProxyReplacement":true}'],
  ]);
  assert.deepEqual(valueAt(r[0]!, 'kubeProxyReplacement')?.path, ['cluster', 'inlineManifests', 0, 'contents']);
  assert.deepEqual(r[1]!.version?.from.path, ['manifest']);
});
