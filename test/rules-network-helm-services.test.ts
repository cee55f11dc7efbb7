/**
 * The Services Helm releases render (app-template `service.<id>`) in the LB-IPAM rules that compare requests:
 * network/service-ip-conflict and network/sharing-cross-namespace, with every values source plan/helm-services.ts
 * reads (inline values, valuesFrom ConfigMaps, Argo CD `helm.values` strings, kustomize helmCharts valuesInline).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import serviceIpConflict from '../src/rules/network/service-ip-conflict.js';
import serviceIpNotInPool from '../src/rules/network/service-ip-not-in-pool.js';
import sharingCrossNamespace from '../src/rules/network/sharing-cross-namespace.js';
import etpLocal from '../src/rules/k8s/etp-local-l2.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';

/**
 * An app-template HelmRelease with one LoadBalancer service. With a namespace its first annotation sits on line 15
 * (value at column 33 for `lbipam.cilium.io/ips: `), without one on line 14.
 */
const hr = (name: string, ns: string | undefined, annotations: string[], o: { service?: string; more?: string } = {}): string =>
  [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata:',
    `  name: ${name}`,
    ...(ns ? [`  namespace: ${ns}`] : []),
    'spec:',
    '  chart:',
    '    spec:',
    '      chart: app-template',
    '  values:',
    '    service:',
    `      ${o.service ?? 'app'}:`,
    '        type: LoadBalancer',
    '        annotations:',
    ...annotations.map((a) => `          ${a}`),
  ].join('\n') + `\n${o.more ?? ''}`;
/** A second service in hr()'s values (appended as `more`). */
const second = (id: string, annotations: string[]): string => [`      ${id}:`, '        type: LoadBalancer', '        annotations:', ...annotations.map((a) => `          ${a}`)].join('\n') + '\n';
const svc = (name: string, ns: string, annotations: string[]): string =>
  ['apiVersion: v1', 'kind: Service', 'metadata:', `  name: ${name}`, `  namespace: ${ns}`, '  annotations:', ...annotations.map((a) => `    ${a}`), 'spec:', '  type: LoadBalancer'].join('\n') + '\n';
const IP = 'lbipam.cilium.io/ips: 10.50.0.230';
const KEY = 'lbipam.cilium.io/sharing-key: web';
/** The annotation value of hr() with a namespace. */
const AT = { line: 15, column: 33 };

test('network/service-ip-conflict: Services Helm releases render, with each other and with Service objects', () => {
  ruleTester(serviceIpConflict, {
    valid: [
      // one sharing key in one namespace
      { 'a.yaml': hr('a', 'media', [IP, KEY]), 'b.yaml': hr('b', 'media', [IP, KEY]) },
      { 'a.yaml': hr('a', 'media', [IP, KEY]), 's.yaml': svc('web', 'media', [IP, KEY]) },
      // two services of one release sharing a key (tcp/udp split)
      { 'a.yaml': hr('a', 'media', [IP, KEY], { more: second('udp', [IP, KEY]) }) },
      // one release written twice (same name and namespace, or a namespace one side leaves unknown)
      { 'base/a.yaml': hr('a', 'media', [IP]), 'copy/a.yaml': hr('a', 'media', [IP]) },
      { 'base/a.yaml': hr('a', undefined, [IP]), 'copy/a.yaml': hr('a', 'media', [IP]) },
      // environment variants: files that differ in one folder
      { 'apps/prod/x/hr.yaml': hr('a', 'media', [IP]), 'apps/qa/x/hr.yaml': hr('b', 'media', [IP]) },
      // one sharing key, a namespace left to kustomize or Flux: not judged
      { 'a.yaml': hr('a', undefined, [IP, KEY]), 'b.yaml': hr('b', 'media', [IP, KEY]) },
      // a ClusterIP service (the chart's default type) asks LB-IPAM for nothing
      { 'a.yaml': hr('a', 'media', [IP]).replace('        type: LoadBalancer\n', ''), 's.yaml': svc('web', 'media', [IP]) },
      // an ApplicationSet renders an unknown number of Applications, for clusters the repository may not show
      {
        'set.yaml':
          'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: set\nspec:\n  template:\n    spec:\n      destination:\n        namespace: media\n      source:\n        chart: app-template\n        helm:\n          valuesObject:\n            service:\n              app:\n                type: LoadBalancer\n                annotations:\n                  lbipam.cilium.io/ips: 10.50.0.230\n',
        's.yaml': svc('web', 'media', [IP]),
      },
      // one values file two kustomize helmCharts releases read: one written value, not two Services to compare
      {
        'values.yaml': 'service:\n  app:\n    type: LoadBalancer\n    annotations:\n      lbipam.cilium.io/ips: 10.50.0.230\n',
        'one/kustomization.yaml': 'helmCharts:\n  - name: app-template\n    releaseName: one\n    valuesFile: ../values.yaml\n',
        'x/two/kustomization.yaml': 'helmCharts:\n  - name: app-template\n    releaseName: two\n    valuesFile: ../../values.yaml\n',
      },
    ],
    invalid: [
      {
        files: { 'a.yaml': hr('a', 'media', [IP]), 'b.yaml': hr('b', 'media', [IP]) },
        errors: [{ messageId: 'conflict', file: 'b.yaml', ...AT, data: { service: 'b', other: 'a', ip: '10.50.0.230' } }],
      },
      {
        // a sharing key on one side only
        files: { 'a.yaml': hr('a', 'media', [IP, KEY]), 'b.yaml': hr('b', 'media', [IP]) },
        errors: [{ messageId: 'conflict', file: 'b.yaml', ...AT }],
      },
      {
        // a release and a Service object: the release's annotation is reported (Services are read first)
        files: { 'a.yaml': hr('a', 'media', [IP]), 's.yaml': svc('web', 'media', [IP]) },
        errors: [{ messageId: 'conflict', file: 'a.yaml', ...AT, data: { service: 'a', other: 'web' } }],
      },
      {
        // two services of one release, no sharing key; the same release name in another namespace is another release
        files: { 'a.yaml': hr('a', 'media', [IP], { more: second('udp', [IP]) }) },
        errors: [{ messageId: 'conflict', file: 'a.yaml', line: 19, column: 33, data: { service: 'a-udp', other: 'a-app' } }],
      },
      { files: { 'a.yaml': hr('a', 'media', [IP]), 'b.yaml': hr('a', 'web', [IP]) }, errors: [{ messageId: 'conflict', file: 'b.yaml', ...AT }] },
      {
        // one key, two namespaces, no sharing-cross-namespace
        files: { 'a.yaml': hr('a', 'media', [IP, KEY]), 'b.yaml': hr('b', 'web', [IP, KEY]) },
        errors: [{ messageId: 'otherNamespace', file: 'b.yaml', ...AT, data: { namespace: 'web', otherNamespace: 'media', sharingKey: 'web' } }],
      },
      {
        // an Argo CD `helm.values` string: the value's own place inside the string
        files: {
          's.yaml': svc('web', 'dns', [IP]),
          'app.yaml':
            'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: dns\nspec:\n  destination:\n    namespace: dns\n  source:\n    chart: app-template\n    helm:\n      values: |\n        service:\n          app:\n            type: LoadBalancer\n            annotations:\n              lbipam.cilium.io/ips: 10.50.0.230\n',
        },
        errors: [{ messageId: 'conflict', file: 'app.yaml', line: 16, column: 37, data: { service: 'dns', other: 'web' } }],
      },
      {
        // a Flux valuesFrom ConfigMap: the type and the address from the ConfigMap, a label inline
        files: {
          's.yaml': svc('web', 'media', [IP]),
          'hr.yaml':
            'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\n  namespace: media\nspec:\n  chart:\n    spec:\n      chart: app-template\n  valuesFrom:\n    - kind: ConfigMap\n      name: app-values\n  values:\n    service:\n      app:\n        labels:\n          tier: edge\n',
          'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-values\n  namespace: media\ndata:\n  values.yaml: |\n    service:\n      app:\n        type: LoadBalancer\n        annotations:\n          lbipam.cilium.io/ips: 10.50.0.230\n',
        },
        errors: [{ messageId: 'conflict', file: 'cm.yaml', line: 12, column: 33, data: { service: 'app' } }],
      },
      {
        // kustomize helmCharts valuesInline
        files: {
          's.yaml': svc('web', 'dns', [IP]),
          'kustomization.yaml': 'resources: [s.yaml]\nhelmCharts:\n  - name: app-template\n    releaseName: dns\n    namespace: dns\n    valuesInline:\n      service:\n        app:\n          type: LoadBalancer\n          annotations:\n            lbipam.cilium.io/ips: 10.50.0.230\n',
        },
        errors: [{ messageId: 'conflict', file: 'kustomization.yaml', line: 11, column: 35, data: { service: 'dns' } }],
      },
    ],
  });
});

test('network/sharing-cross-namespace: Services Helm releases render', () => {
  const cross = (ns: string): string => `lbipam.cilium.io/sharing-cross-namespace: "${ns}"`;
  ruleTester(sharingCrossNamespace, {
    valid: [
      { 'a.yaml': hr('a', 'dns', [IP, KEY, cross('web')]), 'b.yaml': hr('b', 'web', [IP, KEY, cross('dns')]) },
      { 'a.yaml': hr('a', 'dns', [IP, KEY, cross('*')]), 's.yaml': svc('b', 'web', [IP, KEY, cross('dns')]) },
      // a namespace left unknown: not judged
      { 'a.yaml': hr('a', undefined, [IP, KEY, cross('web')]), 'b.yaml': hr('b', 'web', [IP, KEY]) },
    ],
    invalid: [
      {
        // one side allows the other namespace: the other's annotation map is reported
        files: { 'a.yaml': hr('a', 'dns', [IP, KEY, cross('web')]), 'b.yaml': hr('b', 'web', [IP, KEY]) },
        errors: [{ messageId: 'oneSided', file: 'b.yaml', line: 15, column: 11, data: { service: 'b', missing: 'b', allow: 'dns', other: 'a' } }],
      },
      {
        // a release and a Service: the Service lacks the list
        files: { 'a.yaml': hr('a', 'dns', [IP, KEY, cross('web')]), 's.yaml': svc('b', 'web', [IP, KEY]) },
        errors: [{ messageId: 'oneSided', file: 's.yaml', line: 7, column: 5, data: { service: 'b', other: 'a' } }],
      },
      {
        // spaces in the list, at its value
        files: { 'a.yaml': hr('a', 'dns', [IP, KEY, cross('web, media')]), 'b.yaml': hr('b', 'web', [IP, KEY, cross('dns')]) },
        errors: [{ messageId: 'spaces', file: 'a.yaml', line: 17, column: 53, data: { value: 'web, media' } }],
      },
      {
        // Cilium 1.15: no cross-namespace sharing; the key is reported, inside an Argo CD values string too
        files: {
          'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.15.6"\n',
          'a.yaml': hr('a', 'dns', [IP, KEY, cross('web')]),
          'app.yaml':
            'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  destination:\n    namespace: web\n  source:\n    chart: app-template\n    helm:\n      values: |\n        service:\n          app:\n            type: LoadBalancer\n            annotations:\n              lbipam.cilium.io/ips: 10.50.0.230\n              lbipam.cilium.io/sharing-cross-namespace: dns\n',
        },
        errors: [
          { messageId: 'unsupported', file: 'a.yaml', line: 17, column: 11 },
          { messageId: 'unsupported', file: 'app.yaml', line: 17, column: 15 },
        ],
      },
    ],
  });
});

test('network/service-ip-not-in-pool and k8s/etp-local-l2 read the new values sources, at the place each value is written', () => {
  const pool = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: a\nspec:\n  blocks:\n    - cidr: 10.50.0.224/28\n';
  // a configMapGenerator's values file: the address outside every pool, at its place in that file
  const generated = {
    'p.yaml': pool,
    'app/hr.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  chart:\n    spec:\n      chart: app-template\n  valuesFrom:\n    - kind: ConfigMap\n      name: app-values\n',
    'app/kustomization.yaml': 'resources: [hr.yaml]\nconfigMapGenerator:\n  - name: app-values\n    files:\n      - values.yaml=app-values.yaml\n',
    'app/app-values.yaml': 'service:\n  app:\n    type: LoadBalancer\n    externalTrafficPolicy: Local\n    annotations:\n      lbipam.cilium.io/ips: 10.50.9.1\n',
  };
  assert.deepEqual(
    lintRepo(generated, [serviceIpNotInPool]).map((d) => [d.messageId, d.file, d.range.start.line, d.range.start.column, d.data?.['ip']]),
    [['noPool', 'app/app-values.yaml', 6, 29, '10.50.9.1']],
  );
  // an Argo CD helm.values string: inside the string
  const argo = {
    'p.yaml': pool,
    'app.yaml':
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: dns\nspec:\n  source:\n    chart: app-template\n    helm:\n      values: |\n        service:\n          app:\n            type: LoadBalancer\n            annotations:\n              lbipam.cilium.io/ips: 10.50.0.230,10.50.9.3\n',
  };
  assert.deepEqual(
    lintRepo(argo, [serviceIpNotInPool]).map((d) => [d.messageId, d.file, d.range.start.line, d.range.start.column, d.data?.['ip']]),
    [['noPool', 'app.yaml', 14, 37, '10.50.9.3']],
  );
  // the inline values win over the ConfigMap's (Helm merges valuesFrom first): the inline address is the request
  const inline = { ...generated, 'app/hr.yaml': generated['app/hr.yaml'] + '  values:\n    service:\n      app:\n        annotations:\n          lbipam.cilium.io/ips: 10.50.9.2\n' };
  assert.deepEqual(
    lintRepo(inline, [serviceIpNotInPool]).map((d) => [d.file, d.range.start.line, d.range.start.column, d.data?.['ip']]),
    [['app/hr.yaml', 16, 33, '10.50.9.2']],
  );
  // externalTrafficPolicy: Local from the generated values file, announced by an L2 policy selecting every Service
  const l2 = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n';
  const withControllers = { ...generated, 'l2.yaml': l2, 'app/app-values.yaml': 'controllers:\n  main: {}\n' + generated['app/app-values.yaml'] };
  assert.deepEqual(
    lintRepo(withControllers, [etpLocal]).map((d) => [d.messageId, d.file, d.range.start.line, d.range.start.column, d.data?.['release']]),
    [['helmService', 'app/app-values.yaml', 6, 28, 'app']],
  );
});

test('a Service a release renders is judged and named by the name Kubernetes gives it (io.kubernetes.service.name selectors, finding data)', () => {
  const two = second('metrics', []);
  const withVersion = (f: string, version: string): string => f.replace('      chart: app-template\n', `      chart: app-template\n      version: ${version}\n`);
  // two Services in release "plex": app-template 4.x names them plex-app and plex-metrics
  const release = withVersion(hr('plex', 'media', ['lbipam.cilium.io/ips: 10.50.0.230'], { more: two }), '4.6.2');
  const pool = (name: string): string => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 10.50.0.224/28\n  serviceSelector:\n    matchLabels:\n      io.kubernetes.service.name: ${name}\n`;
  // a pool for plex-app serves it; one for "plex" (the release name, not the Service's) does not select it
  assert.deepEqual(lintRepo({ 'p.yaml': pool('plex-app'), 'hr.yaml': release }, [serviceIpNotInPool]), []);
  assert.deepEqual(
    lintRepo({ 'p.yaml': pool('plex'), 'hr.yaml': release }, [serviceIpNotInPool]).map((d) => [d.messageId, d.file, d.range.start.line, d.range.start.column, d.data?.['pool']]),
    [['selector', 'hr.yaml', 16, 33, 'lan']],
  );
  // the name open (version unknown and a `primary` Service: 3.x plex, 4.x plex-app): the selector is not judged
  const open = hr('plex', 'media', ['lbipam.cilium.io/ips: 10.50.0.230'], { more: two }).replace('        type: LoadBalancer\n', '        type: LoadBalancer\n        primary: true\n');
  assert.deepEqual(lintRepo({ 'p.yaml': pool('plex'), 'hr.yaml': open }, [serviceIpNotInPool]), []);
  // etp-local-l2 names the Service as rendered, and the values key it comes from; without a certain name, the key only
  const l2 = (sel: string): string => `apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n${sel}`;
  const local = (f: string): string => f.replace('        type: LoadBalancer\n', '        type: LoadBalancer\n        externalTrafficPolicy: Local\n');
  const etp = (files: Record<string, string>): unknown[] => lintRepo(files, [etpLocal]).map((d) => [d.messageId, d.data?.['service'], d.data?.['id']]);
  assert.deepEqual(etp({ 'l2.yaml': l2(''), 'hr.yaml': local(release) }), [['helmService', 'plex-app', 'app']]);
  assert.deepEqual(etp({ 'l2.yaml': l2(''), 'hr.yaml': local(open) }), [['helmServiceUnnamed', undefined, 'app']]);
  // an L2 policy selecting by the Service name: announces plex-app, not "plex"
  const byName = (n: string): string => l2(`  serviceSelector:\n    matchLabels:\n      io.kubernetes.service.name: ${n}\n`);
  assert.deepEqual(etp({ 'l2.yaml': byName('plex-app'), 'hr.yaml': local(release) }), [['helmService', 'plex-app', 'app']]);
  assert.deepEqual(etp({ 'l2.yaml': byName('plex'), 'hr.yaml': local(release) }), []);
});
