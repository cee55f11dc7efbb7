/** plan/helm-services.ts: the Services an app-template release renders, and the LB-IPAM requests read from them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { helmServices } from '../src/plan/helm-services.js';
import { appTemplateFullname, appTemplateServiceName, chartMajor } from '../src/plan/app-template-names.js';
import { indirectIpRequests } from '../src/plan/lb.js';
import { buildClusterGroups } from '../src/plan/index.js';
import { parseRepo } from '../src/testing/rule-tester.js';

const hr = (values: string, extra = ''): string =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\n  namespace: media\nspec:\n${extra}  chart:\n    spec:\n      chart: app-template\n  values:\n${values}`;

test('helmServices: app-template service entries with type, namespace, known labels and workload', () => {
  const docs = parseRepo({
    'hr.yaml': hr(
      '    controllers:\n      main:\n        type: statefulset\n      agent:\n        type: daemonset\n' +
        '    service:\n      web:\n        controller: main\n        type: LoadBalancer\n        labels:\n          tier: edge\n          app.kubernetes.io/service: mine\n          sub: "${SUB}"\n' +
        '      agent:\n        controller: agent\n      off:\n        enabled: false\n        type: LoadBalancer\n      both:\n        type: NodePort\n',
      '  targetNamespace: streaming\n',
    ),
    // Argo CD: each source's valuesObject, namespace from the destination; a chart without app-template's shape is not read
    'app.yaml':
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  destination:\n    namespace: dns\n  sources:\n    - chart: app-template\n      helm:\n        valuesObject:\n          service:\n            dns:\n              type: LoadBalancer\n    - chart: blocky\n      helm:\n        valuesObject:\n          service:\n            main:\n              type: LoadBalancer\n',
  });
  assert.deepEqual(
    helmServices(docs).map((s) => [s.doc.kind, s.id, s.at([]).path.join('.'), s.type, s.namespace, s.labels, s.workload]),
    [
      ['Application', 'dns', 'spec.sources.0.helm.valuesObject.service.dns', 'LoadBalancer', 'dns', {}, 'other'],
      ['HelmRelease', 'web', 'spec.values.service.web', 'LoadBalancer', 'streaming', { tier: 'edge' }, 'other'],
      ['HelmRelease', 'agent', 'spec.values.service.agent', 'ClusterIP', 'streaming', {}, 'daemonset'],
      // no controller named and two controllers of different kinds: unknown
      ['HelmRelease', 'both', 'spec.values.service.both', 'NodePort', 'streaming', {}, undefined],
    ],
  );
});

test('indirectIpRequests: an app-template Service is read like a Service object, other annotation maps as before', () => {
  const values =
    '    controllers:\n      main: {}\n' +
    '    service:\n      lb:\n        type: LoadBalancer\n        loadBalancerIP: 10.0.0.3\n        labels:\n          pool: a\n        annotations:\n          lbipam.cilium.io/ips: 10.0.0.1\n' +
    '      internal:\n        annotations:\n          lbipam.cilium.io/ips: 10.0.0.2\n' +
    '      tailnet:\n        type: LoadBalancer\n        loadBalancerClass: tailscale\n        annotations:\n          lbipam.cilium.io/ips: 10.0.0.4\n' +
    '    other:\n      annotations:\n        lbipam.cilium.io/ips: 10.0.0.5\n';
  const docs = parseRepo({ 'hr.yaml': hr(values) });
  const [g] = buildClusterGroups(docs);
  assert.deepEqual(
    indirectIpRequests(g!).map((r) => [r.text, r.path.join('.'), r.namespace, r.labels]),
    [
      ['10.0.0.1', 'spec.values.service.lb.annotations.lbipam.cilium.io/ips', 'media', { pool: 'a' }],
      ['10.0.0.3', 'spec.values.service.lb.loadBalancerIP', 'media', { pool: 'a' }],
      // a ClusterIP service (the chart's default) and another class ask LB-IPAM for nothing; a map outside `service` is unknown
      ['10.0.0.5', 'spec.values.other.annotations.lbipam.cilium.io/ips', undefined, undefined],
    ],
  );
});

test('helmServices: every values source of a release, merged in Helm order, each value placed where it is written', () => {
  const docs = parseRepo({
    // Argo CD: a `$values/` file of this repository, then the helm.values string, then a parameter (wins)
    'argo/app.yaml':
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: dns\nspec:\n  destination:\n    namespace: dns\n  sources:\n    - chart: app-template\n      helm:\n        valueFiles:\n          - $values/argo/values.yaml\n        values: |\n          service:\n            app:\n              type: NodePort\n        parameters:\n          - name: service.app.type\n            value: LoadBalancer\n    - repoURL: https://example.com/me/repo\n      ref: values\n',
    'argo/values.yaml': 'service:\n  app:\n    labels:\n      tier: edge\n',
    // valuesObject wins over the helm.values string: never both
    'argo/both.yaml':
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: both\nspec:\n  source:\n    chart: app-template\n    helm:\n      values: |\n        service:\n          str:\n            type: LoadBalancer\n      valuesObject:\n        service:\n          obj:\n            type: LoadBalancer\n',
    // kustomize helmCharts: valuesMerge merge lets the file win; the kustomization's namespace wins over the chart's
    'k/kustomization.yaml':
      'namespace: web\nhelmCharts:\n  - name: app-template\n    releaseName: web\n    namespace: other\n    valuesFile: values.yaml\n    valuesMerge: merge\n    valuesInline:\n      service:\n        app:\n          type: NodePort\n          externalTrafficPolicy: Local\n',
    'k/values.yaml': 'service:\n  app:\n    type: LoadBalancer\n',
  });
  const place = (p: { doc: { file: { path: string } }; path: readonly (string | number)[]; range?: { start: { line: number; column: number } } }): string =>
    `${p.doc.file.path}:${p.path.join('.')}${p.range ? `@${p.range.start.line}:${p.range.start.column}` : ''}`;
  assert.deepEqual(
    helmServices(docs).map((s) => [s.releaseKind, s.releaseName, s.id, s.type, s.namespace, s.labels, place(s.at(['type'])), place(s.at(['labels', 'tier']))]),
    [
      ['Application', 'dns', 'app', 'LoadBalancer', 'dns', { tier: 'edge' }, 'argo/app.yaml:spec.sources.0.helm.parameters.0.value', 'argo/values.yaml:service.app.labels.tier'],
      ['Application', 'both', 'obj', 'LoadBalancer', undefined, {}, 'argo/both.yaml:spec.source.helm.valuesObject.service.obj.type', 'argo/both.yaml:spec.source.helm.valuesObject.service.obj'],
      // externalTrafficPolicy only inline, the type from the file; a key the values do not set: its nearest written ancestor
      ['helmCharts', 'web', 'app', 'LoadBalancer', 'web', {}, 'k/values.yaml:service.app.type', 'k/values.yaml:service.app'],
    ],
  );
  const web = helmServices(docs).find((s) => s.releaseName === 'web')!;
  assert.equal(place(web.at(['externalTrafficPolicy'])), 'k/kustomization.yaml:helmCharts.0.valuesInline.service.app.externalTrafficPolicy');
  assert.equal(web.release, 'helmCharts/web');
  // a value inside the helm.values string: its own range
  const str = parseRepo({ 'a.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    chart: app-template\n    helm:\n      values: |\n        service:\n          app:\n            type: LoadBalancer\n' });
  assert.deepEqual(helmServices(str).map((s) => [place(s.at(['type'])), place(s.at(['type'], true))]), [['a.yaml:spec.source.helm.values@12:19', 'a.yaml:spec.source.helm.values@12:13']]);
});

test('app-template Service names as the chart renders them: release name, -<id> with several Services, by chart version (4.x forceRename/prefix/suffix, 3.x nameOverride/primary)', () => {
  const one = { app: { type: 'LoadBalancer' } };
  const two = { app: { type: 'LoadBalancer' }, metrics: {} };
  const name = (values: Record<string, unknown>, id: string, major: number | undefined, release = 'plex'): string | undefined =>
    appTemplateServiceName(release, values, id, (values['service'] as Record<string, Record<string, unknown>>)[id]!, major);
  // one Service: the release name (fullname), in every version
  for (const major of [3, 4, 5, undefined]) assert.equal(name({ service: one }, 'app', major), 'plex', String(major));
  // several: every Service gets -<id> from 4.x on; in 3.x a `primary` one keeps the fullname
  const primary = { service: { app: { primary: true }, metrics: {} } };
  assert.deepEqual(['app', 'metrics'].map((id) => name({ service: two }, id, 4)), ['plex-app', 'plex-metrics']);
  assert.deepEqual(['app', 'metrics'].map((id) => name(primary, id, 3)), ['plex', 'plex-metrics']);
  assert.deepEqual(['app', 'metrics'].map((id) => name(primary, id, 4)), ['plex-app', 'plex-metrics']);
  // version unknown: only the name both rules agree on
  assert.deepEqual(['app', 'metrics'].map((id) => name(primary, id, undefined)), [undefined, 'plex-metrics']);
  // a disabled Service does not count; a templated switch leaves the count open
  assert.equal(name({ service: { app: {}, off: { enabled: false } } }, 'app', 4), 'plex');
  assert.equal(name({ service: { app: {}, maybe: { enabled: '{{ .Values.x }}' } } }, 'app', 4), undefined);
  // 4.x: forceRename wins; prefix and suffix; an id already at the end is not repeated; lower-cased
  assert.equal(name({ service: { app: { forceRename: 'Plex-LB' }, metrics: {} } }, 'app', 4), 'plex-lb');
  assert.equal(name({ service: { app: { prefix: 'media', suffix: 'lb' }, metrics: {} } }, 'app', 4), 'media-plex-app-lb');
  assert.equal(name({ service: { app: { forceRename: '{{ .Release.Name }}-x' } } }, 'app', 4), undefined);
  assert.equal(name({ service: two, global: { alwaysAppendIdentifierToResourceName: true } }, 'app', 4), 'plex-app');
  assert.equal(name({ service: one, global: { alwaysAppendIdentifierToResourceName: true } }, 'app', 4), 'plex-app');
  assert.equal(name({ service: { plex: {}, metrics: {} } }, 'plex', 4), 'plex');
  // 3.x: nameOverride appends to the fullname (4.x ignores it)
  assert.equal(name({ service: { app: { nameOverride: 'web' }, metrics: {} } }, 'app', 3), 'plex-web');
  assert.equal(name({ service: { app: { nameOverride: 'web' }, metrics: {} } }, 'app', 4), 'plex-app');
  // fullname: the overrides, and a global.nameOverride the release name does not contain
  assert.equal(name({ service: one, fullnameOverride: 'media-server' }, 'app', 4), 'media-server');
  assert.equal(name({ service: one, global: { fullnameOverride: 'g' }, fullnameOverride: 'l' }, 'app', 4), 'g');
  assert.equal(name({ service: one, global: { nameOverride: 'server' } }, 'app', 4), 'plex-server');
  assert.equal(name({ service: one, global: { nameOverride: 'ple' } }, 'app', 4), 'plex');
  assert.equal(appTemplateFullname('x'.repeat(70), {}), 'x'.repeat(63));
  assert.deepEqual(['4.6.2', 'v3.7.3', '4.x', '>=4.0.0 <5', '^3.2', '*', 'main'].map(chartMajor), [4, 3, 4, 4, 3, undefined, undefined]);
  // ranges that span majors fix none (Helm and Flux install the newest match: 4.x naming, not 3.x)
  assert.deepEqual(['>=3.0.0', '3.7.3 - 4.2', '4.x || 3.x', '>=3 <5', '>=3.0.0 <4.1', '>3'].map(chartMajor), [undefined, undefined, undefined, undefined, undefined, undefined]);
  assert.deepEqual(['~3.7', '3.*', '>=4.1 <4.5', '>=4.0.0 <5.0.0', '4.6.2-rc.1', '>=4.1.0 <=4.9'].map(chartMajor), [3, 3, 4, 4, 4, 4]);
});

test('helmServices: the rendered name from the release name each tool installs under and the chart version it pins', () => {
  const SERVICES = '    service:\n      app:\n        type: LoadBalancer\n      metrics: {}\n';
  const flux = (spec: string, name = 'plex'): string => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: media\nspec:\n${spec}  values:\n${SERVICES}`;
  const CHART = (version: string): string => `  chart:\n    spec:\n      chart: app-template\n      version: ${version}\n`;
  const names = (files: Record<string, string>): string[] => helmServices(parseRepo(files)).map((s) => `${s.id}=${s.name ?? '?'}`);
  assert.deepEqual(names({ 'hr.yaml': flux(CHART('4.6.2')) }), ['app=plex-app', 'metrics=plex-metrics']);
  // Flux: targetNamespace joins the release name; spec.releaseName wins
  assert.deepEqual(names({ 'hr.yaml': flux(`${CHART('4.6.2')}  targetNamespace: streaming\n`) }), ['app=streaming-plex-app', 'metrics=streaming-plex-metrics']);
  assert.deepEqual(names({ 'hr.yaml': flux(`${CHART('4.6.2')}  targetNamespace: streaming\n  releaseName: px\n`) }), ['app=px-app', 'metrics=px-metrics']);
  // a composed name over 53 characters is shortened by helm-controller: unknown
  assert.deepEqual(names({ 'hr.yaml': flux(`${CHART('4.6.2')}  targetNamespace: ${'n'.repeat(30)}\n`, 'p'.repeat(30)) }), ['app=?', 'metrics=?']);
  // the version from the chartRef's OCIRepository tag; 3.x: a primary Service keeps the release name
  const OCI = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: app-template\n  namespace: media\nspec:\n  url: oci://ghcr.io/bjw-s-labs/helm/app-template\n  ref:\n    tag: 3.7.3\n';
  const REF = '  chartRef:\n    kind: OCIRepository\n    name: app-template\n';
  const primary = (f: string): string => f.replace('        type: LoadBalancer\n', '        type: LoadBalancer\n        primary: true\n');
  assert.deepEqual(names({ 'hr.yaml': primary(flux(REF)), 'oci.yaml': OCI }), ['app=plex', 'metrics=plex-metrics']);
  assert.deepEqual(names({ 'hr.yaml': primary(flux(REF)), 'oci.yaml': OCI.replace('3.7.3', '4.2.0') }), ['app=plex-app', 'metrics=plex-metrics']);
  // no version in sight: the names both rules give
  assert.deepEqual(names({ 'hr.yaml': primary(flux(REF)) }), ['app=?', 'metrics=plex-metrics']);
  // Argo CD: helm.releaseName, else the Application's name; the version is targetRevision
  const argo = (helm: string): string => `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: plex\nspec:\n  destination:\n    namespace: media\n  source:\n    chart: app-template\n    targetRevision: 4.2.0\n    helm:\n${helm}      valuesObject:\n        service:\n          app:\n            type: LoadBalancer\n`;
  assert.deepEqual(names({ 'app.yaml': argo('') }), ['app=plex']);
  assert.deepEqual(names({ 'app.yaml': argo('      releaseName: media-plex\n') }), ['app=media-plex']);
  // kustomize helmCharts: releaseName, none without it (kustomize generates one)
  const kust = (release: string): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nhelmCharts:\n  - name: app-template\n    repo: https://bjw-s-labs.github.io/helm-charts\n    version: 4.2.0\n${release}    valuesInline:\n      service:\n        app:\n          type: LoadBalancer\n`;
  assert.deepEqual(names({ 'k/kustomization.yaml': kust('    releaseName: plex\n') }), ['app=plex']);
  assert.deepEqual(names({ 'k/kustomization.yaml': kust('') }), ['app=?']);
  // another chart on the common library (its own naming): not named
  assert.deepEqual(names({ 'hr.yaml': flux(CHART('4.6.2')).replace('chart: app-template', 'chart: my-chart').replace('    service:', '    controllers:\n      main: {}\n    service:') }), ['app=?', 'metrics=?']);
});
