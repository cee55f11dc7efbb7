/**
 * Kustomize overlays of a Cilium Flux HelmRelease (plan/kustomize-overlays.ts): strategic-merge and JSON6902
 * patches, values and positions of the overlay releases, bases replaced or kept, rules on merged values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findCiliumReleases, valueAt } from '../src/plan/index.js';
import type { CiliumRelease } from '../src/plan/types.js';
import kprValue from '../src/rules/cilium/kpr-value.js';
import l2RequiresKpr from '../src/rules/cilium/l2-requires-kpr.js';
import rolloutPods from '../src/rules/cilium/rollout-pods.js';
import { MAX_INSTANCES } from '../src/plan/kustomize-overlays.js';
import { incomplete } from '../src/rules/cilium/lib/values.js';
import etpLocalL2 from '../src/rules/k8s/etp-local-l2.js';
import versionDrift from '../src/rules/cilium/version-drift.js';
import { runCli } from '../src/testing/cli.js';
import { releasesOf, valuePosition } from '../src/testing/release-probe.js';
import { lintRepo, parseRepo, readTree, yaml } from '../src/testing/rule-tester.js';
import { cpuMsSince, cpuStart } from '../src/testing/cpu-time.js';

const releases = releasesOf;
const flux = (files: Record<string, string>): CiliumRelease[] => releases(files).filter((r) => r.engine === 'flux');
const pos = valuePosition;
const layerFiles = (r: CiliumRelease): string[] => r.layers.map((l) => l.doc.file.path);

const BASE_RELEASE = yaml`
  apiVersion: helm.toolkit.fluxcd.io/v2
  kind: HelmRelease
  metadata:
    name: cilium
    namespace: kube-system
  spec:
    interval: 30m
    chart:
      spec:
        chart: cilium
        version: 1.18.4
        sourceRef:
          kind: HelmRepository
          name: cilium
    values:
      kubeProxyReplacement: false
      ipam:
        mode: kubernetes
      devices:
        - eth0
        - eth1
      hubble:
        enabled: true
        relay:
          enabled: true
`;
const BASE = {
  'infra/base/cilium/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release.yaml\n',
  'infra/base/cilium/release.yaml': BASE_RELEASE,
};
const overlayKust = (patches: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base/cilium/\n${patches}`;
const patchHr = (values: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  values:\n${values}`;
const PROD_PATCH = patchHr('    kubeProxyReplacement: true\n    k8sServiceHost: 10.0.0.10\n    l2announcements:\n      enabled: true\n');

test('strategic-merge path patch: one overlay release with merged values pointing into the patch file; the base only used through it is replaced', () => {
  const r = flux({
    ...BASE,
    'infra/prod/cilium/kustomization.yaml': overlayKust('patches:\n  - path: values-patch.yaml\n'),
    'infra/prod/cilium/values-patch.yaml': PROD_PATCH,
  });
  assert.equal(r.length, 1);
  const x = r[0]!;
  assert.deepEqual([x.engine, x.purpose, x.version?.value], ['flux', 'gitops', '1.18.4']);
  assert.equal(x.releaseDoc?.file.path, 'infra/base/cilium/release.yaml');
  assert.equal(x.overlay?.kustomization.file.path, 'infra/prod/cilium/kustomization.yaml');
  assert.deepEqual(x.overlay?.path, ['patches', 0]);
  assert.equal(x.overlay?.base.doc.file.path, 'infra/base/cilium/release.yaml');
  assert.deepEqual(x.overlay?.patches.map((d) => d.file.path), ['infra/prod/cilium/values-patch.yaml']);
  assert.deepEqual(layerFiles(x), ['infra/base/cilium/release.yaml', 'infra/prod/cilium/values-patch.yaml']);
  // the primary layer is the patch's values (where a missing key belongs)
  assert.deepEqual([x.doc.file.path, x.valuesPath], ['infra/prod/cilium/values-patch.yaml', ['spec', 'values']]);
  assert.equal(valueAt(x, 'l2announcements.enabled')?.value, true);
  assert.equal(pos(x, 'l2announcements.enabled'), 'infra/prod/cilium/values-patch.yaml:11:16=true');
  assert.equal(pos(x, 'kubeProxyReplacement'), 'infra/prod/cilium/values-patch.yaml:8:27=true');
  assert.equal(pos(x, 'ipam.mode'), 'infra/base/cilium/release.yaml:18:13="kubernetes"');
  assert.deepEqual(x.values, {
    kubeProxyReplacement: true,
    ipam: { mode: 'kubernetes' },
    devices: ['eth0', 'eth1'],
    hubble: { enabled: true, relay: { enabled: true } },
    k8sServiceHost: '10.0.0.10',
    l2announcements: { enabled: true },
  });
});

test('a base also deployed without the patch (staging) stays next to its overlay; the patch file is never a release', () => {
  const patchWithChart = patchHr('    l2announcements:\n      enabled: true\n').replace('spec:\n', 'spec:\n  chart:\n    spec:\n      chart: cilium\n      version: 1.18.5\n');
  const r = flux({
    ...BASE,
    'infra/prod/cilium/kustomization.yaml': overlayKust('patches:\n  - path: values-patch.yaml\n'),
    'infra/prod/cilium/values-patch.yaml': patchWithChart,
    'infra/staging/cilium/kustomization.yaml': overlayKust(''),
  });
  assert.deepEqual(
    r.map((x) => [x.doc.file.path, x.overlay?.kustomization.file.path ?? '', x.version?.value]),
    [
      ['infra/base/cilium/release.yaml', '', '1.18.4'],
      ['infra/prod/cilium/values-patch.yaml', 'infra/prod/cilium/kustomization.yaml', '1.18.5'],
    ],
  );
  assert.equal(valueAt(r[0]!, 'l2announcements.enabled'), undefined);
  assert.equal(valueAt(r[1]!, 'l2announcements.enabled')?.value, true);
  const v = r[1]!.version!.from;
  assert.deepEqual([v.doc?.file.path, v.path], ['infra/prod/cilium/values-patch.yaml', ['spec', 'chart', 'spec', 'version']]);
});

test('a Flux Kustomization applying the base folder keeps the base', () => {
  const r = flux({
    ...BASE,
    'clusters/main/base.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: base\n  namespace: flux-system\nspec:\n  path: ./infra/base/cilium\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
    'infra/prod/cilium/kustomization.yaml': overlayKust('patches:\n  - path: values-patch.yaml\n'),
    'infra/prod/cilium/values-patch.yaml': PROD_PATCH,
  });
  assert.deepEqual(r.map((x) => x.overlay ? 'overlay' : 'base'), ['base', 'overlay']);
});

test('inline `patch:` string with a target (name regex): values and positions inside the string', () => {
  const kust = overlayKust(
    [
      'patches:',
      '  - target:',
      '      group: helm.toolkit.fluxcd.io',
      '      kind: HelmRelease',
      '      name: cil.*',
      '    patch: |',
      '      apiVersion: helm.toolkit.fluxcd.io/v2',
      '      kind: HelmRelease',
      '      metadata:',
      '        name: not-the-name-that-matters',
      '      spec:',
      '        values:',
      '          kubeProxyReplacement: true',
      '          hubble:',
      '            relay:',
      '              enabled: false',
      '  - target:',
      '      kind: HelmRelease',
      '      name: other',
      '    patch: |',
      '      apiVersion: helm.toolkit.fluxcd.io/v2',
      '      kind: HelmRelease',
      '      metadata:',
      '        name: other',
      '      spec:',
      '        values:',
      '          kubeProxyReplacement: strict',
      '',
    ].join('\n'),
  );
  const r = flux({ ...BASE, 'infra/prod/cilium/kustomization.yaml': kust });
  assert.equal(r.length, 1);
  const x = r[0]!;
  assert.deepEqual(x.overlay?.patches.map((d) => d.file.path), ['infra/prod/cilium/kustomization.yaml']);
  const h = valueAt(x, 'kubeProxyReplacement');
  assert.deepEqual([h?.value, h?.inString, h?.doc.file.path, h?.path], [true, true, 'infra/prod/cilium/kustomization.yaml', ['patches', 0, 'patch']]);
  assert.equal(pos(x, 'kubeProxyReplacement'), 'infra/prod/cilium/kustomization.yaml:17:33=true');
  assert.equal(pos(x, 'hubble.relay.enabled'), 'infra/prod/cilium/kustomization.yaml:20:24=false');
  assert.equal(pos(x, 'hubble.enabled'), 'infra/base/cilium/release.yaml:23:16=true');
});

test('JSON6902 operations (path file and inline string): add, replace, remove, append, escaped keys, copy, move, test', () => {
  const ops = yaml`
    - op: test
      path: /spec/values/ipam/mode
      value: kubernetes
    - op: replace
      path: /spec/values/kubeProxyReplacement
      value: true
    - op: add
      path: /spec/values/l2announcements
      value:
        enabled: true
    - op: add
      path: /spec/values/devices/-
      value: eth2
    - op: remove
      path: /spec/values/hubble/relay
    - op: add
      path: /spec/values/podAnnotations
      value: {}
    - op: add
      path: /spec/values/podAnnotations/example.com~1team
      value: net~0ops
    - op: copy
      from: /spec/values/ipam
      path: /spec/values/ipamCopy
    - op: replace
      path: /spec/interval
      value: 5m
  `;
  const kust = overlayKust(
    [
      'patches:',
      '  - path: ops.yaml',
      '    target:',
      '      group: helm.toolkit.fluxcd.io',
      '      version: v2',
      '      kind: HelmRelease',
      '      name: cilium',
      '      namespace: kube-system',
      '  - target: {kind: HelmRelease, name: cilium}',
      '    patch: |-',
      '      - op: move',
      '        from: /spec/values/ipamCopy',
      '        path: /spec/values/ipamMoved',
      '      - op: add',
      '        path: /spec/values/k8sServiceHost',
      '        value: 10.0.0.10',
      '',
    ].join('\n'),
  );
  const r = flux({ ...BASE, 'infra/prod/cilium/kustomization.yaml': kust, 'infra/prod/cilium/ops.yaml': ops });
  assert.equal(r.length, 1);
  const x = r[0]!;
  assert.equal(x.overlay?.skipped, false);
  assert.deepEqual(x.values, {
    kubeProxyReplacement: true,
    ipam: { mode: 'kubernetes' },
    devices: ['eth0', 'eth1', 'eth2'],
    hubble: { enabled: true },
    l2announcements: { enabled: true },
    podAnnotations: { 'example.com/team': 'net~0ops' },
    ipamMoved: { mode: 'kubernetes' },
    k8sServiceHost: '10.0.0.10',
  });
  assert.equal(pos(x, 'kubeProxyReplacement'), 'infra/prod/cilium/ops.yaml:6:10=true');
  assert.equal(pos(x, 'l2announcements.enabled'), 'infra/prod/cilium/ops.yaml:10:14=true');
  assert.equal(pos(x, 'devices'), 'infra/prod/cilium/ops.yaml:13:10=["eth0","eth1","eth2"]');
  assert.equal(valueAt(x, 'hubble.relay'), undefined);
  assert.equal(pos(x, 'hubble.enabled'), 'infra/base/cilium/release.yaml:23:16=true');
  assert.equal(valueAt(x, ['podAnnotations', 'example.com/team'])?.value, 'net~0ops');
  assert.equal(valueAt(x, 'ipamCopy'), undefined);
  const host = valueAt(x, 'k8sServiceHost');
  assert.deepEqual([host?.value, host?.inString, host?.path], ['10.0.0.10', true, ['patches', 1, 'patch']]);
  assert.equal(pos(x, 'k8sServiceHost'), 'infra/prod/cilium/kustomization.yaml:20:16="10.0.0.10"');
});

test('legacy patchesJson6902 runs after patches; label selectors pick the release', () => {
  const labelled = BASE_RELEASE.replace('  namespace: kube-system\n', '  namespace: kube-system\n  labels:\n    app: cilium\n');
  const kust = overlayKust(
    [
      'patchesJson6902:',
      '  - target: {group: helm.toolkit.fluxcd.io, version: v2, kind: HelmRelease, name: cilium}',
      '    patch: |-',
      '      - op: replace',
      '        path: /spec/values/kubeProxyReplacement',
      '        value: true',
      'patches:',
      '  - target: {kind: HelmRelease, labelSelector: "app=cilium,tier!=db"}',
      '    patch: |-',
      '      - op: replace',
      '        path: /spec/values/kubeProxyReplacement',
      '        value: strict',
      '  - target: {kind: HelmRelease, labelSelector: "app in (cilium)"}',
      '    patch: |-',
      '      - op: add',
      '        path: /spec/values/unmatched',
      '        value: 1',
      '',
    ].join('\n'),
  );
  const r = flux({ ...BASE, 'infra/base/cilium/release.yaml': labelled, 'infra/prod/cilium/kustomization.yaml': kust });
  assert.equal(r.length, 1);
  assert.deepEqual([valueAt(r[0]!, 'kubeProxyReplacement')?.value, valueAt(r[0]!, 'unmatched')], [true, undefined]);
  assert.deepEqual(r[0]!.overlay?.path, ['patches', 0]);
  assert.equal(pos(r[0]!, 'kubeProxyReplacement'), 'infra/prod/cilium/kustomization.yaml:10:16=true');
});

test('JSON6902: an operation kustomize fails on applies nothing: a skipped overlay with the base values replaces the base; unknown ops and bad shapes never crash', () => {
  for (const body of [
    '- op: replace\n  path: /spec/values/missing/key\n  value: 1\n',
    '- op: test\n  path: /spec/values/ipam/mode\n  value: cluster-pool\n- op: replace\n  path: /spec/values/kubeProxyReplacement\n  value: true\n',
    '- op: frobnicate\n  path: /spec/values/kubeProxyReplacement\n',
    '- op: add\n  path: spec/values/x\n  value: 1\n',
    '- op: add\n  path: /spec/values/devices/7\n  value: eth9\n',
    '- just a string\n',
  ]) {
    const r = flux({ ...BASE, 'infra/prod/cilium/kustomization.yaml': overlayKust('patches:\n  - path: ops.yaml\n    target:\n      kind: HelmRelease\n'), 'infra/prod/cilium/ops.yaml': body });
    assert.deepEqual(
      r.map((x) => [x.overlay?.kustomization.file.path, x.overlay?.path, x.overlay?.skipped, layerFiles(x), pos(x, 'kubeProxyReplacement')]),
      [['infra/prod/cilium/kustomization.yaml', ['patches', 0], true, ['infra/base/cilium/release.yaml'], 'infra/base/cilium/release.yaml:16:27=false']],
      body,
    );
  }
  // without a target a JSON6902 patch applies nowhere (kustomize requires one)
  const r = flux({ ...BASE, 'infra/prod/cilium/kustomization.yaml': overlayKust('patches:\n  - path: ops.yaml\n'), 'infra/prod/cilium/ops.yaml': '- op: replace\n  path: /spec/values/kubeProxyReplacement\n  value: true\n' });
  assert.deepEqual(r.map((x) => !!x.overlay), [false]);
});

test('JSON6902 through a list (`/tolerations/1/operator`): the list element changes, the outermost list is one value set by the operation', () => {
  const base = BASE_RELEASE.replace('    hubble:', '    tolerations:\n      - key: a\n        operator: Exists\n      - key: b\n        operator: Exists\n    hubble:');
  const run = (ops: string) => flux({ ...BASE, 'infra/base/cilium/release.yaml': base, 'infra/prod/cilium/kustomization.yaml': overlayKust(`patches:\n  - target: {kind: HelmRelease}\n    patch: |-\n${ops.replace(/^/gm, '      ')}\n`) });
  const t = (r: CiliumRelease[]) => r.map((x) => [x.overlay?.skipped, x.values['tolerations'], x.values['extra'], pos(x, 'tolerations'), x.layers.map((l) => l.root?.join('.') ?? '')]);
  assert.deepEqual(t(run('- op: replace\n  path: /spec/values/tolerations/1/operator\n  value: Equal')), [
    [false, [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Equal' }], undefined, 'infra/prod/cilium/kustomization.yaml:10:16=[{"key":"a","operator":"Exists"},{"key":"b","operator":"Equal"}]', ['', 'tolerations']],
  ]);
  assert.deepEqual(t(run('- op: remove\n  path: /spec/values/tolerations/0/operator')), [
    [false, [{ key: 'a' }, { key: 'b', operator: 'Exists' }], undefined, 'infra/prod/cilium/kustomization.yaml:9:15=[{"key":"a"},{"key":"b","operator":"Exists"}]', ['', 'tolerations']],
  ]);
  // a list added by an earlier operation, then a key added inside its element
  const added = run('- op: add\n  path: /spec/values/extra\n  value: [{a: 1}]\n- op: add\n  path: /spec/values/extra/0/b\n  value: 2');
  assert.deepEqual(added.map((x) => [x.values['extra'], valueAt(x, 'extra')?.value, valueAt(x, 'extra.0')]), [[[{ a: 1, b: 2 }], [{ a: 1, b: 2 }], undefined]]);
});

test('strategic merge: null deletes a base key, lists are replaced, $patch directives, later patches win', () => {
  const patch1 = patchHr('    ipam: null\n    devices:\n      - eth9\n    hubble:\n      relay: null\n      ui:\n        enabled: true\n    operator:\n      $patch: delete\n');
  const patch2 = patchHr('    hubble:\n      $patch: replace\n      enabled: false\n');
  const kust = overlayKust('patchesStrategicMerge:\n  - patch-1.yaml\npatches:\n  - path: patch-2.yaml\n');
  const r = flux({ ...BASE, 'infra/prod/cilium/kustomization.yaml': kust, 'infra/prod/cilium/patch-1.yaml': patch1, 'infra/prod/cilium/patch-2.yaml': patch2 });
  assert.equal(r.length, 1);
  const x = r[0]!;
  assert.deepEqual(x.values, { kubeProxyReplacement: false, devices: ['eth9'], hubble: { enabled: false } });
  assert.equal(valueAt(x, 'ipam'), undefined);
  assert.equal(valueAt(x, 'ipam.mode'), undefined);
  assert.equal(pos(x, 'devices'), 'infra/prod/cilium/patch-1.yaml:10:7=["eth9"]');
  assert.equal(valueAt(x, 'hubble.relay'), undefined);
  assert.equal(valueAt(x, 'hubble.ui'), undefined);
  assert.equal(pos(x, 'hubble.enabled'), 'infra/prod/cilium/patch-2.yaml:10:16=false');
  assert.equal(pos(x, 'kubeProxyReplacement'), 'infra/base/cilium/release.yaml:16:27=false');
  assert.deepEqual(layerFiles(x), ['infra/base/cilium/release.yaml', 'infra/prod/cilium/patch-1.yaml', 'infra/prod/cilium/patch-2.yaml']);
  // the base release object is untouched by the pruning
  assert.deepEqual(x.overlay?.base.values['devices'], ['eth0', 'eth1']);
  assert.equal(valueAt(x.overlay!.base, 'ipam.mode')?.value, 'kubernetes');
});

test('a rule finding that only exists with the merged values is reported at the patch file', () => {
  const files = {
    ...BASE,
    'infra/prod/cilium/kustomization.yaml': overlayKust('patches:\n  - path: values-patch.yaml\n'),
    'infra/prod/cilium/values-patch.yaml': patchHr('    kubeProxyReplacement: strict\n'),
  };
  const brief = (d: { ruleId: string; messageId?: string; file: string; range: { start: { line: number; column: number } } }) => `${d.ruleId}/${d.messageId ?? ''} ${d.file}:${d.range.start.line}:${d.range.start.column}`;
  assert.deepEqual(lintRepo(files, [kprValue]).map(brief), ['cilium/kpr-value/rejected infra/prod/cilium/values-patch.yaml:8:27']);
  // L2 turned on by the patch while the base keeps kube-proxy replacement off
  const l2 = { ...files, 'infra/prod/cilium/values-patch.yaml': patchHr('    l2announcements:\n      enabled: true\n') };
  const got = lintRepo(l2, [l2RequiresKpr]);
  assert.deepEqual(got.map(brief), ['cilium/l2-requires-kpr/kprOff infra/base/cilium/release.yaml:16:27']);
  assert.deepEqual(got[0]!.related?.map((x) => `${x.file}:${x.range.start.line}:${x.range.start.column}`), ['infra/prod/cilium/values-patch.yaml:9:16']);
  // without the overlay the base alone says nothing
  assert.deepEqual(lintRepo(BASE, [kprValue, l2RequiresKpr]).map(brief), []);
});

test('two overlays (prod, qa) of one base: two releases, one finding for a base value', () => {
  const base = BASE_RELEASE.replace('kubeProxyReplacement: false', 'kubeProxyReplacement: strict').replace('    hubble:', '    gatewayAPI:\n      enabled: true\n      externalTrafficPolicy: Local\n    hubble:');
  const files = {
    ...BASE,
    'infra/base/cilium/release.yaml': base,
    'infra/prod/cilium/kustomization.yaml': overlayKust('patches:\n  - path: values-patch.yaml\n'),
    'infra/prod/cilium/values-patch.yaml': patchHr('    k8sServiceHost: 10.0.0.10\n    l2announcements:\n      enabled: true\n'),
    'infra/qa/cilium/kustomization.yaml': overlayKust('patches:\n  - path: values-patch.yaml\n'),
    'infra/qa/cilium/values-patch.yaml': patchHr('    k8sServiceHost: 10.1.0.10\n    l2announcements:\n      enabled: true\n'),
  };
  const r = flux(files);
  assert.deepEqual(
    r.map((x) => [x.overlay?.kustomization.file.path, valueAt(x, 'k8sServiceHost')?.value]),
    [
      ['infra/prod/cilium/kustomization.yaml', '10.0.0.10'],
      ['infra/qa/cilium/kustomization.yaml', '10.1.0.10'],
    ],
  );
  const brief = (d: { ruleId: string; file: string; range: { start: { line: number; column: number } } }) => `${d.ruleId} ${d.file}:${d.range.start.line}:${d.range.start.column}`;
  assert.deepEqual(lintRepo(files, [kprValue]).map(brief), ['cilium/kpr-value infra/base/cilium/release.yaml:16:27']);
  // etp-local-l2 iterates releases without its own dedupe: the runner drops the repeat
  assert.deepEqual(lintRepo(files, [etpLocalL2]).map(brief), ['k8s/etp-local-l2 infra/base/cilium/release.yaml:24:30']);
});

test('nested overlays: the outer patch wins and the inner rendering is not a release of its own', () => {
  const r = flux({
    ...BASE,
    'infra/prod/cilium/kustomization.yaml': overlayKust('patches:\n  - path: values-patch.yaml\n'),
    'infra/prod/cilium/values-patch.yaml': PROD_PATCH,
    'clusters/prod/cilium/kustomization.yaml': 'resources:\n  - ../../../infra/prod/cilium\nnamespace: networking\npatches:\n  - patch: |\n      apiVersion: helm.toolkit.fluxcd.io/v2\n      kind: HelmRelease\n      metadata:\n        name: cilium\n      spec:\n        values:\n          k8sServiceHost: 10.9.9.9\n',
  });
  assert.equal(r.length, 1);
  const x = r[0]!;
  assert.equal(x.overlay?.kustomization.file.path, 'clusters/prod/cilium/kustomization.yaml');
  assert.deepEqual([valueAt(x, 'k8sServiceHost')?.value, valueAt(x, 'kubeProxyReplacement')?.value], ['10.9.9.9', true]);
  assert.deepEqual(layerFiles(x), ['infra/base/cilium/release.yaml', 'infra/prod/cilium/values-patch.yaml', 'clusters/prod/cilium/kustomization.yaml']);
});

test('templated, unreadable and missing patches: the overlay exists, skipped (values unknown), with the patches that did apply, and replaces the base', () => {
  for (const patches of [
    'patches:\n  - patch: |\n      apiVersion: helm.toolkit.fluxcd.io/v2\n      kind: HelmRelease\n      metadata:\n        name: cilium\n      spec:\n        values:\n          k8sServiceHost: ${CLUSTER_VIP}\n',
    'patches:\n  - target: {kind: HelmRelease, name: cilium}\n    patch: |-\n      - op: add\n        path: /spec/values/rollOutCiliumPods\n        value: ${ROLL}\n',
    'patches:\n  - patch: "{ unbalanced: ["\n',
    'patches:\n  - path: missing.yaml\n',
    // a .json patch file: discovery does not load it
    'patches:\n  - target: {kind: HelmRelease, name: cilium}\n    path: patch.json\n',
    'patches:\n  - path: ${PATCH}.yaml\n',
    'patchesStrategicMerge:\n  - missing.yaml\n  - 42\n',
    // `/spec` replaced: the values are not followed
    'patches:\n  - target: {kind: HelmRelease, name: cilium}\n    patch: |-\n      - op: replace\n        path: /spec\n        value: {values: {rollOutCiliumPods: true}}\n',
    // a value copied from outside spec.values
    'patches:\n  - target: {kind: HelmRelease}\n    patch: |-\n      - op: copy\n        from: /metadata/name\n        path: /spec/values/cluster/name\n',
  ]) {
    const files = { ...BASE, 'infra/prod/cilium/kustomization.yaml': overlayKust(patches) };
    const r = flux(files);
    assert.deepEqual(r.map((x) => [x.overlay?.kustomization.file.path, x.overlay?.skipped, layerFiles(x), incomplete(x, [])]), [['infra/prod/cilium/kustomization.yaml', true, ['infra/base/cilium/release.yaml'], true]], patches);
    // missing keys are not judged on it (the patch may set them)
    assert.deepEqual(lintRepo(files, [rolloutPods]).map((d) => d.messageId), [], patches);
  }
  // the unpatched base alone is judged on its missing keys
  assert.notDeepEqual(lintRepo(BASE, [rolloutPods]).map((d) => d.messageId), []);
  for (const patches of ['patches: {}\n', 'patches:\n  - path: a.yaml\n    patch: "x: 1"\n']) {
    const r = flux({ ...BASE, 'infra/prod/cilium/kustomization.yaml': overlayKust(patches) });
    assert.deepEqual(r.map((x) => [x.doc.file.path, !!x.overlay]), [['infra/base/cilium/release.yaml', false]], patches);
  }
  // a templated patch next to a usable one: the overlay carries the usable one and says its values may differ
  const r = flux({
    ...BASE,
    'infra/prod/cilium/kustomization.yaml': overlayKust('patches:\n  - path: values-patch.yaml\n  - patch: |\n      apiVersion: helm.toolkit.fluxcd.io/v2\n      kind: HelmRelease\n      metadata:\n        name: cilium\n      spec:\n        values:\n          k8sServicePort: ${PORT}\n'),
    'infra/prod/cilium/values-patch.yaml': PROD_PATCH,
  });
  assert.deepEqual(r.map((x) => [!!x.overlay, x.overlay?.skipped, layerFiles(x), pos(x, 'kubeProxyReplacement')]), [[true, true, ['infra/base/cilium/release.yaml', 'infra/prod/cilium/values-patch.yaml'], 'infra/prod/cilium/values-patch.yaml:8:27=true']]);
  // a templated patch in an overlay that only some deployments use: the unpatched base stays, judged as usual
  const staging = flux({ ...BASE, 'infra/prod/cilium/kustomization.yaml': overlayKust('patches:\n  - path: missing.yaml\n'), 'infra/staging/cilium/kustomization.yaml': overlayKust('') });
  assert.deepEqual(staging.map((x) => [x.doc.file.path, x.overlay?.skipped]), [['infra/base/cilium/release.yaml', true], ['infra/base/cilium/release.yaml', undefined]]);
});

test('a kustomization on a cycle (listing itself, or two listing each other) is refused: its patches apply nowhere and the base stays', () => {
  const hr = BASE_RELEASE;
  const patch = 'patches:\n  - path: p.yaml\n';
  const p = patchHr('    kubeProxyReplacement: true\n');
  for (const files of <Array<Record<string, string>>>[
    { 'infra/cilium/kustomization.yaml': `resources:\n  - .\n  - ./\n  - release.yaml\n${patch}`, 'infra/cilium/release.yaml': hr, 'infra/cilium/p.yaml': p },
    { 'infra/a/kustomization.yaml': `resources:\n  - ../b\n  - release.yaml\n${patch}`, 'infra/a/release.yaml': hr, 'infra/a/p.yaml': p, 'infra/b/kustomization.yaml': 'resources:\n  - ../a\n' },
  ]) {
    const r = flux(files);
    assert.deepEqual(
      r.map((x) => [x.doc.file.path, !!x.overlay, pos(x, 'kubeProxyReplacement')]),
      [[Object.keys(files)[1], false, `${Object.keys(files)[1]}:16:27=false`]],
    );
  }
});

test('a diamond of kustomizations 25 levels deep renders one overlay per kustomization, fast', () => {
  const files: Record<string, string> = { ...BASE };
  let prev = ['../base/cilium'];
  for (let i = 1; i <= 25; i++) {
    for (const side of ['a', 'b']) files[`infra/l${i}${side}/kustomization.yaml`] = `resources:\n${prev.map((p) => `  - ${p}\n`).join('')}`;
    prev = [`../l${i}a`, `../l${i}b`];
  }
  files['infra/top/kustomization.yaml'] = 'resources:\n  - ../l25a\n  - ../l25b\npatches:\n  - target: {kind: HelmRelease}\n    patch: |-\n      - op: add\n        path: /spec/values/x\n        value: 1\n';
  const t0 = cpuStart();
  const r = flux(files);
  assert.ok(cpuMsSince(t0) < 2000, `${cpuMsSince(t0)} ms of CPU`);
  assert.deepEqual(
    r.map((x) => [x.overlay?.kustomization.file.path ?? x.doc.file.path, valueAt(x, 'x')?.value]),
    [['infra/top/kustomization.yaml', 1]],
  );
});

test('beyond MAX_INSTANCES renderings no overlay is rendered and every Flux release has unknown values', () => {
  const n = Math.ceil(Math.sqrt(MAX_INSTANCES)) + 1;
  const hr = (i: number) => BASE_RELEASE.replace('name: cilium\n', `name: cilium-${i}\n`);
  const files: Record<string, string> = { 'infra/base/cilium/kustomization.yaml': 'resources:\n  - release.yaml\n', 'infra/base/cilium/release.yaml': Array.from({ length: n }, (_, i) => hr(i)).join('---\n') };
  for (let i = 0; i < n; i++) files[`infra/o${i}/kustomization.yaml`] = 'resources:\n  - ../base/cilium\npatches:\n  - target: {kind: HelmRelease}\n    patch: |-\n      - op: add\n        path: /spec/values/x\n        value: 1\n';
  const r = flux(files);
  assert.equal(r.length, n);
  assert.deepEqual(new Set(r.map((x) => [!!x.overlay, x.valuesUnknown, valueAt(x, 'x')?.value, incomplete(x, [])].join())), new Set(['false,true,,true']));
  // below the cap the same shape renders its overlays, with complete values
  const few = flux(Object.fromEntries(Object.entries(files).filter(([f]) => !/\/o([3-9]|\d\d+)\//.test(f))));
  assert.deepEqual([few.length, few.every((x) => !!x.overlay && !x.valuesUnknown && valueAt(x, 'x')?.value === 1 && !incomplete(x, []))], [3 * n, true]);
});

test('talium plan lists the overlay release with its kustomization and both values layers', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'talium-overlay-'));
  try {
    const files: Record<string, string> = {
      ...BASE,
      'infra/prod/cilium/kustomization.yaml': overlayKust('patches:\n  - path: values-patch.yaml\n'),
      'infra/prod/cilium/values-patch.yaml': PROD_PATCH,
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    }
    const j = await runCli(['plan', dir, '--format', 'json'], { cwd: dir });
    assert.equal(j.code, 0, j.stderr);
    const [g] = JSON.parse(j.stdout) as Array<{ ciliumReleases: Array<Record<string, unknown>> }>;
    assert.deepEqual(
      g!.ciliumReleases.map((x) => [x['engine'], x['from'], x['overlay'], x['values']]),
      [
        [
          'flux',
          { file: 'infra/base/cilium/release.yaml', line: 1, column: 1 },
          { file: 'infra/prod/cilium/kustomization.yaml', line: 6, column: 5 },
          [
            { file: 'infra/base/cilium/release.yaml', line: 16, column: 5 },
            { file: 'infra/prod/cilium/values-patch.yaml', line: 8, column: 5 },
          ],
        ],
      ],
    );
    const t = await runCli(['plan', dir], { cwd: dir });
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /^ {6}overlay infra\/prod\/cilium\/kustomization\.yaml:6:5\n {6}values infra\/base\/cilium\/release\.yaml:16:5\n {6}values infra\/prod\/cilium\/values-patch\.yaml:8:5$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const CORPUS = path.resolve(process.cwd(), '../shared/corpus/maor-klir__homelab-k8s-cluster');

test('corpus: maor-klir prod/qa overlays of the base Cilium HelmRelease carry their k8sServiceHost', (t) => {
  if (!existsSync(CORPUS)) {
    t.skip('../shared/corpus/maor-klir__homelab-k8s-cluster not present: corpus check skipped');
    return;
  }
  const r = findCiliumReleases(parseRepo(readTree(CORPUS, /\.ya?ml$/))).filter((x) => x.engine === 'flux');
  const base = 'infrastructure/controllers/base/cilium/release.yaml';
  // staging deploys the base unpatched, so it stays; prod and qa are its overlays
  assert.deepEqual(
    r.map((x) => [x.overlay?.kustomization.file.path ?? x.doc.file.path, pos(x, 'k8sServiceHost'), layerFiles(x)]),
    [
      [base, '', [base]],
      ['infrastructure/controllers/prod/cilium/kustomization.yaml', 'infrastructure/controllers/prod/cilium/values-patch.yaml:18:21="192.168.0.201"', [base, 'infrastructure/controllers/prod/cilium/values-patch.yaml']],
      ['infrastructure/controllers/qa/cilium/kustomization.yaml', 'infrastructure/controllers/qa/cilium/values-patch.yaml:18:21="192.168.0.221"', [base, 'infrastructure/controllers/qa/cilium/values-patch.yaml']],
    ],
  );
  for (const x of r.slice(1)) {
    assert.deepEqual([valueAt(x, 'kubeProxyReplacement')?.value, valueAt(x, 'l2announcements.enabled')?.value, valueAt(x, 'k8sServicePort')?.value], [true, true, 6443]);
    assert.equal(x.version?.value, '1.18.*');
  }
});

test('every target selector field is an anchored pattern: group, version and kind as well as name and namespace', () => {
  const kust = (target: string) =>
    overlayKust(['patches:', '  - target:', ...target.split('\n').map((l) => `      ${l}`), '    patch: |', '      - {op: replace, path: /spec/values/kubeProxyReplacement, value: "false"}', ''].join('\n'));
  const kpr = (target: string) => valueAt(flux({ ...BASE, 'infra/prod/cilium/kustomization.yaml': kust(target) })[0]!, 'kubeProxyReplacement')?.value;
  assert.equal(kpr('group: helm\\..*\nversion: v2.*\nkind: Helm.*\nname: cilium'), 'false');
  assert.equal(kpr('kind: HelmRelease|Kustomization\nname: cilium'), 'false');
  // anchored: `Helm` is not a prefix match, and `v2beta.*` does not select v2
  assert.notEqual(kpr('kind: Helm\nname: cilium'), 'false');
  assert.notEqual(kpr('version: v2beta.*\nkind: HelmRelease\nname: cilium'), 'false');
  // an empty field selects everything, as kustomize reads it (kubectl kustomize applies such a patch)
  assert.equal(kpr('kind: ""\nname: ""'), 'false');
});

test('a chart version set by an inline patch string (strategic merge or JSON6902): cilium/version-drift points at the value inside the patch text', () => {
  const helmfile = 'releases:\n  - name: cilium\n    namespace: kube-system\n    chart: cilium/cilium\n    version: 1.17.18\n';
  const smp = overlayKust(
    [
      'patches:', // 5
      '  - patch: |', // 6
      '      apiVersion: helm.toolkit.fluxcd.io/v2', // 7
      '      kind: HelmRelease', // 8
      '      metadata:', // 9
      '        name: cilium', // 10
      '        namespace: kube-system', // 11
      '      spec:', // 12
      '        chart:', // 13
      '          spec:', // 14
      '            version: 1.18.6', // 15
      '',
    ].join('\n'),
  );
  const json = overlayKust(
    [
      'patches:', // 5
      '  - target: {kind: HelmRelease, name: cilium}', // 6
      '    patch: |', // 7
      '      - op: replace', // 8
      '        path: /spec/chart/spec/version', // 9
      '        value: 1.18.7', // 10
      '',
    ].join('\n'),
  );
  const related = (kust: string) =>
    lintRepo({ ...BASE, 'infra/prod/cilium/kustomization.yaml': kust, 'bootstrap/helmfile.yaml': helmfile }, [versionDrift]).map((d) => [
      d.ruleId,
      d.data?.['gitops'],
      ...(d.related ?? []).map((x) => `${x.file}:${x.range.start.line}:${x.range.start.column}`),
    ]);
  // the base release (1.18.4, replaced by its overlay) is not a release of the group: one finding per overlay
  assert.deepEqual(related(smp), [['cilium/version-drift', '1.18.6', 'infra/prod/cilium/kustomization.yaml:15:22']]);
  assert.deepEqual(related(json), [['cilium/version-drift', '1.18.7', 'infra/prod/cilium/kustomization.yaml:10:16']]);
});
