/** plan/helm-services.ts: the Services an app-template release renders, and the LB-IPAM requests read from them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { helmServices } from '../src/plan/helm-services.js';
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
