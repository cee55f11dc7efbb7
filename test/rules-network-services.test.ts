/** Network rules on Services: requested IPs vs pools, IP conflicts, annotation prefix, cross-namespace sharing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropSuperseded } from '../src/lint/superseded.js';
import annotationPrefix from '../src/rules/network/lbipam-annotation-prefix.js';
import serviceIpConflict from '../src/rules/network/service-ip-conflict.js';
import serviceIpNotInPool from '../src/rules/network/service-ip-not-in-pool.js';
import sharingCrossNamespace from '../src/rules/network/sharing-cross-namespace.js';
import { lintRepo, ruleTester, yaml } from '../src/testing/rule-tester.js';

const pool = (name: string, block: string, selector = ''): string => yaml`
  apiVersion: cilium.io/v2
  kind: CiliumLoadBalancerIPPool
  metadata:
    name: ${name}
  spec:
    blocks:
      - cidr: ${block}${selector}
`;
/** A Service whose annotation value sits on line 7, column 27 (`lbipam.cilium.io/ips: "..."`). */
const svc = (name: string, ns: string, annotations: string, spec = ''): string => yaml`
  apiVersion: v1
  kind: Service
  metadata:
    name: ${name}
    namespace: ${ns}
    annotations:
      ${annotations}
  spec:
    type: LoadBalancer${spec}
`;

test('network/service-ip-not-in-pool honours selectors, namespaces and disabled pools', () => {
  const sel = '\n    serviceSelector:\n      matchLabels:\n        io.kubernetes.service.namespace: dns';
  const webSel = '\n    serviceSelector:\n      matchLabels:\n        pool: web';
  const argoApp = (kustomize: string): string =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/me/home-ops.git\n    targetRevision: main\n    path: .\n${kustomize}  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n`;
  ruleTester(serviceIpNotInPool, {
    valid: [
      { 'p.yaml': pool('a', '10.50.0.224/28'), 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.50.0.230,10.50.0.231"') },
      { 'p.yaml': pool('a', '10.50.0.224/28', sel), 's.yaml': svc('dns', 'dns', 'io.cilium/lb-ipam-ips: "10.50.0.230"') },
      // a kustomization rewrites pools with a JSON patch: effective blocks unknown
      { 'p.yaml': pool('a', '10.50.0.224/28'), 'kustomization.yaml': 'resources: [p.yaml]\npatches:\n  - target:\n      kind: CiliumLoadBalancerIPPool\n    patch: |-\n      - op: replace\n        path: /spec/blocks/0/cidr\n        value: 10.9.9.0/24\n', 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.9.9.9"') },
      // a Flux Kustomization's (or an Argo CD source's) patch rewrites the pool: effective blocks unknown
      { 'k/p.yaml': pool('a', '10.50.0.224/28'), 'clusters/home/ks.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: lb\nspec:\n  path: ./k\n  patches:\n    - target:\n        kind: CiliumLoadBalancerIPPool\n      patch: |-\n        - op: replace\n          path: /spec/blocks/0/cidr\n          value: 10.9.9.0/24\n', 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.9.9.9"') },
      // the pool selects by a label the Service does not carry in the repo, and something may add it: unknown, silent
      ...[
        'labels:\n  - pairs:\n      pool: web\n',
        'commonLabels:\n  pool: web\n',
        'patches:\n  - target:\n      kind: Service\n    patch: |-\n      - op: add\n        path: /metadata/labels/pool\n        value: web\n',
        'buildMetadata: [managedByLabel]\n',
      ].map((k) => ({ 'p.yaml': pool('a', '10.50.0.224/28', webSel), 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.50.0.230"'), 'kustomization.yaml': `resources: [p.yaml, s.yaml]\n${k}` })),
      { 'p.yaml': pool('a', '10.50.0.224/28', webSel), 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.50.0.230"'), 'app.yaml': argoApp('    kustomize:\n      commonLabels:\n        pool: web\n') },
      { 'p.yaml': pool('a', '10.50.0.224/28', webSel), 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.50.0.230"'), 'ks.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\nspec:\n  path: ./\n  commonMetadata:\n    labels:\n      pool: web\n' },
      // Kubernetes' own mutating admission (a CEL policy or a webhook) may add the label
      ...['MutatingAdmissionPolicy', 'MutatingWebhookConfiguration'].map((kind) => ({
        'p.yaml': pool('a', '10.50.0.224/28', webSel),
        's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.50.0.230"'),
        'm.yaml': `apiVersion: admissionregistration.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: add-labels\n`,
      })),
      // a key Argo CD's label tracking sets on everything it applies: never judged from the repository
      { 'p.yaml': pool('a', '10.50.0.224/28', '\n    serviceSelector:\n      matchLabels:\n        app.kubernetes.io/instance: web'), 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.50.0.230"'), 'app.yaml': argoApp('') },
      // Cilium hands class-less Services to Node IPAM: LB-IPAM pools do not apply
      {
        'p.yaml': pool('a', '10.50.0.224/28'),
        's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.9.9.9"'),
        'cilium/values.yaml': 'defaultLBServiceIPAM: nodeipam\nkubeProxyReplacement: true\n',
      },
      // no pool in the repo: silent
      { 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.9.9.9"') },
      // Flux substitution: silent
      { 'p.yaml': pool('a', '10.50.0.224/28'), 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "${SVC_WEB_IP}"') },
      // another loadBalancerClass: Cilium does not allocate; lb-class-ignored covers it
      { 'p.yaml': pool('a', '10.50.0.224/28'), 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.9.9.9"', '\n    loadBalancerClass: tailscale') },
    ],
    invalid: [
      {
        files: { 'p.yaml': pool('a', '10.50.0.224/28'), 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.50.0.230, 10.50.1.5"') },
        errors: [{ messageId: 'noPool', file: 's.yaml', line: 7, column: 27, data: { ip: '10.50.1.5' } }],
      },
      {
        files: { 'p.yaml': pool('a', '10.50.0.224/28', sel), 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.50.0.230"') },
        errors: [{ messageId: 'selector', line: 7, column: 27, data: { ip: '10.50.0.230', pool: 'a' } }],
      },
      // the Service lacks the label the pool selects and nothing in the repository adds labels (a plain kustomization,
      // an Argo CD Application without kustomize labels): LB-IPAM never selects it, it stays <pending>
      {
        files: { 'p.yaml': pool('a', '10.50.0.224/28', webSel), 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.50.0.230"') },
        errors: [{ messageId: 'selector', file: 's.yaml', line: 7, column: 27, data: { ip: '10.50.0.230', pool: 'a' } }],
      },
      {
        files: { 'p.yaml': pool('a', '10.50.0.224/28', webSel), 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.50.0.230"'), 'kustomization.yaml': 'namespace: web\nresources: [p.yaml, s.yaml]\n', 'app.yaml': argoApp('') },
        errors: [{ messageId: 'selector', file: 's.yaml', line: 7, column: 27, data: { ip: '10.50.0.230', pool: 'a' } }],
      },
      // matchExpressions In on an absent label
      {
        files: { 'p.yaml': pool('a', '10.50.0.224/28', '\n    serviceSelector:\n      matchExpressions:\n        - { key: pool, operator: In, values: [web] }'), 's.yaml': svc('web', 'default', 'lbipam.cilium.io/ips: "10.50.0.230"') },
        errors: [{ messageId: 'selector', file: 's.yaml', line: 7, column: 27, data: { ip: '10.50.0.230', pool: 'a' } }],
      },
      {
        files: { 'p.yaml': pool('a', '10.50.0.224/28'), 's.yaml': svc('web', 'default', 'foo: bar', '\n    loadBalancerIP: 10.60.0.1') },
        errors: [{ messageId: 'noPool', line: 10, column: 19, data: { ip: '10.60.0.1' } }],
      },
      {
        // HelmRelease values (app-template): name/labels unknown, the IP must still be in some pool
        files: {
          'p.yaml': pool('a', '10.50.0.224/28'),
          'hr.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  values:\n    service:\n      app:\n        annotations:\n          lbipam.cilium.io/ips: 10.50.2.1\n',
        },
        errors: [{ messageId: 'noPool', file: 'hr.yaml', line: 10, column: 33, data: { ip: '10.50.2.1' } }],
      },
    ],
  });
});

/** A Gateway whose first address value sits on line 9, column 14 (`- value: "..."`). */
const gateway = (cls: string, address: string, type = '', infra = ''): string => yaml`
  apiVersion: gateway.networking.k8s.io/v1
  kind: Gateway
  metadata:
    name: internal
    namespace: network
  spec:
    gatewayClassName: ${cls}
    addresses:
      - value: "${address}"${type}
    listeners:
      - name: http
        protocol: HTTP
        port: 80${infra}
`;
test('network/service-ip-not-in-pool: LB-IPAM annotations in the $values/ value file of an Argo CD Helm source (any chart) are requests', () => {
  // ingress-nginx from its Helm repository, values from this repository (multi-source); the values line 5, column 29
  const app = (file: string) =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ingress-nginx\n  namespace: argocd\nspec:\n  project: default\n  sources:\n    - repoURL: https://kubernetes.github.io/ingress-nginx\n      chart: ingress-nginx\n      targetRevision: 4.11.3\n      helm:\n        valueFiles:\n          - $values/${file}\n    - repoURL: https://github.com/me/home-ops.git\n      targetRevision: main\n      ref: values\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ingress-nginx\n`;
  const values = (ip: string) => `controller:\n  service:\n    type: LoadBalancer\n    annotations:\n      lbipam.cilium.io/ips: ${ip}\n`;
  ruleTester(serviceIpNotInPool, {
    valid: [
      { 'p.yaml': pool('a', '10.50.0.224/28'), 'argocd/ingress-nginx.yaml': app('apps/ingress-nginx/values.yaml'), 'apps/ingress-nginx/values.yaml': values('10.50.0.230') },
      // a values file no release reads is no request
      { 'p.yaml': pool('a', '10.50.0.224/28'), 'apps/ingress-nginx/values.yaml': values('10.50.0.30') },
    ],
    invalid: [
      {
        files: { 'p.yaml': pool('a', '10.50.0.224/28'), 'argocd/ingress-nginx.yaml': app('apps/ingress-nginx/values.yaml'), 'apps/ingress-nginx/values.yaml': values('10.50.0.30') },
        errors: [{ messageId: 'noPool', file: 'apps/ingress-nginx/values.yaml', line: 5, column: 29, data: { ip: '10.50.0.30' } }],
      },
      {
        // a kustomize helmCharts entry's valuesFile alike
        files: {
          'p.yaml': pool('a', '10.50.0.224/28'),
          'apps/ingress-nginx/kustomization.yaml': 'helmCharts:\n  - name: ingress-nginx\n    repo: https://kubernetes.github.io/ingress-nginx\n    version: 4.11.3\n    releaseName: ingress-nginx\n    valuesFile: values.yaml\n',
          'apps/ingress-nginx/values.yaml': values('10.50.0.30'),
        },
        errors: [{ messageId: 'noPool', file: 'apps/ingress-nginx/values.yaml', line: 5, column: 29, data: { ip: '10.50.0.30' } }],
      },
    ],
  });
});

const gatewayClass = (name: string, controller: string): string => `apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n  name: ${name}\nspec:\n  controllerName: ${controller}\n`;

test('network/service-ip-not-in-pool: the spec.addresses of Gateways Cilium runs are requests too', () => {
  ruleTester(serviceIpNotInPool, {
    valid: [
      { 'p.yaml': pool('a', '10.50.0.224/28'), 'gw.yaml': gateway('cilium', '10.50.0.230') },
      // another controller's class (Envoy Gateway maps addresses its own way): not Cilium's request
      { 'p.yaml': pool('a', '10.50.0.224/28'), 'gw.yaml': gateway('envoy', '10.9.9.9'), 'gc.yaml': gatewayClass('envoy', 'gateway.envoyproxy.io/gatewayclass-controller') },
      // a class named cilium that the repository gives to another controller
      { 'p.yaml': pool('a', '10.50.0.224/28'), 'gw.yaml': gateway('cilium', '10.9.9.9'), 'gc.yaml': gatewayClass('cilium', 'example.com/other') },
      // a class the repository does not define and that is not Cilium's default: unknown, silent
      { 'p.yaml': pool('a', '10.50.0.224/28'), 'gw.yaml': gateway('internal', '10.9.9.9') },
      // not an IP address request
      { 'p.yaml': pool('a', '10.50.0.224/28'), 'gw.yaml': gateway('cilium', 'gw.example.com', '\n        type: Hostname') },
      { 'p.yaml': pool('a', '10.50.0.224/28'), 'gw.yaml': gateway('cilium', '') },
    ],
    invalid: [
      {
        files: { 'p.yaml': pool('a', '10.50.0.224/28'), 'gw.yaml': gateway('cilium', '10.50.1.5') },
        errors: [{ messageId: 'noPool', file: 'gw.yaml', line: 9, column: 14, data: { ip: '10.50.1.5' } }],
      },
      {
        files: { 'p.yaml': pool('a', '10.50.0.224/28'), 'gw.yaml': gateway('lan', '10.50.1.6', '\n        type: IPAddress'), 'gc.yaml': gatewayClass('lan', 'io.cilium/gateway-controller') },
        errors: [{ messageId: 'noPool', file: 'gw.yaml', line: 9, column: 14, data: { ip: '10.50.1.6' } }],
      },
      {
        files: { 'p.yaml': pool('a', '10.50.0.224/28'), 'gw.yaml': gateway('cilium', 'not-an-ip') },
        errors: [{ messageId: 'invalid', file: 'gw.yaml', line: 9, column: 14, data: { ip: 'not-an-ip' } }],
      },
    ],
  });
});

test('network/service-ip-not-in-pool: Gateway addresses only where Cilium hands them to LB-IPAM', () => {
  const cfg = (v: string): string => `plan:\n  versions:\n    cilium: "${v}"\n`;
  const values = (extra: string): string => `kubeProxyReplacement: true\ngatewayAPI:\n  enabled: true${extra}\n`;
  const classWith = (name: string, ref: string): string => `${gatewayClass(name, 'io.cilium/gateway-controller')}  parametersRef:\n    group: cilium.io\n    kind: CiliumGatewayClassConfig\n    name: ${ref}\n`;
  const config = (name: string, service: string): string => `apiVersion: cilium.io/v2alpha1\nkind: CiliumGatewayClassConfig\nmetadata:\n  name: ${name}\nspec:\n  service:\n${service}`;
  const outside = (extra: Record<string, string>): Record<string, string> => ({ 'p.yaml': pool('a', '10.50.0.224/28'), ...extra });
  ruleTester(serviceIpNotInPool, {
    valid: [
      // up to 1.15 Cilium ignores spec.addresses; 1.16 is not established: not read
      outside({ 'talium.config.yaml': cfg('1.15.6'), 'gw.yaml': gateway('cilium', '10.9.9.9') }),
      outside({ 'talium.config.yaml': cfg('1.16.3'), 'gw.yaml': gateway('cilium', '10.9.9.9') }),
      // Gateway API on the host network: a NodePort Service, no LB-IPAM
      outside({ 'cilium/values.yaml': values('\n  hostNetwork:\n    enabled: true'), 'gw.yaml': gateway('cilium', '10.9.9.9') }),
      // the visible Cilium release does not enable Gateway API: no class "cilium" from the chart
      outside({ 'cilium/values.yaml': 'kubeProxyReplacement: true\n', 'gw.yaml': gateway('cilium', '10.9.9.9') }),
      // the class's CiliumGatewayClassConfig gives the Service another type or another class
      outside({ 'gc.yaml': classWith('lan', 'np'), 'cfg.yaml': config('np', '    type: NodePort\n'), 'gw.yaml': gateway('lan', '10.9.9.9') }),
      outside({ 'gc.yaml': classWith('lan', 'node'), 'cfg.yaml': config('node', '    loadBalancerClass: io.cilium/node\n'), 'gw.yaml': gateway('lan', '10.9.9.9') }),
      // a parametersRef the repository cannot resolve: unknown
      outside({ 'gc.yaml': classWith('lan', 'missing'), 'gw.yaml': gateway('lan', '10.9.9.9') }),
    ],
    invalid: [
      {
        files: outside({ 'talium.config.yaml': cfg('1.17.2'), 'gw.yaml': gateway('cilium', '10.9.9.9') }),
        errors: [{ messageId: 'noPool', file: 'gw.yaml', line: 9, column: 14, data: { ip: '10.9.9.9' } }],
      },
      {
        files: outside({ 'cilium/values.yaml': values(''), 'gw.yaml': gateway('cilium', '10.9.9.9') }),
        errors: [{ messageId: 'noPool', file: 'gw.yaml', line: 9, column: 14, data: { ip: '10.9.9.9' } }],
      },
      {
        files: outside({ 'gc.yaml': classWith('lan', 'l2'), 'cfg.yaml': config('l2', '    type: LoadBalancer\n    loadBalancerClass: io.cilium/l2-announcer\n'), 'gw.yaml': gateway('lan', '10.9.9.9') }),
        errors: [{ messageId: 'noPool', file: 'gw.yaml', line: 9, column: 14, data: { ip: '10.9.9.9' } }],
      },
    ],
  });
});

test('network/service-ip-not-in-pool: a Cilium Gateway\'s Service is cilium-gateway-<name>, labelled with its owner and its infrastructure labels', () => {
  const selecting = (labels: string): string => `\n    serviceSelector:\n      matchLabels:\n        ${labels}`;
  const infraLabels = '\n    infrastructure:\n      labels:\n        tier: internal';
  ruleTester(serviceIpNotInPool, {
    valid: [
      { 'p.yaml': pool('a', '10.50.0.224/28', selecting('io.cilium.gateway/owning-gateway: internal')), 'gw.yaml': gateway('cilium', '10.50.0.230') },
      { 'p.yaml': pool('a', '10.50.0.224/28', selecting('io.kubernetes.service.name: cilium-gateway-internal')), 'gw.yaml': gateway('cilium', '10.50.0.230') },
      { 'p.yaml': pool('a', '10.50.0.224/28', selecting('tier: internal')), 'gw.yaml': gateway('cilium', '10.50.0.230', '', infraLabels) },
      // a label the Service may carry for all the repository says: unknown, silent
      { 'p.yaml': pool('a', '10.50.0.224/28', selecting('tier: internal')), 'gw.yaml': gateway('cilium', '10.50.0.230') },
      // a stale spec.addresses under an infrastructure ips annotation (which wins) is not a request
      { 'p.yaml': pool('a', '10.50.0.224/28'), 'gw.yaml': gateway('cilium', '10.9.9.9', '', '\n    infrastructure:\n      annotations:\n        lbipam.cilium.io/ips: "10.50.0.230"') },
    ],
    invalid: [
      {
        files: { 'p.yaml': pool('a', '10.50.0.224/28', selecting('io.cilium.gateway/owning-gateway: external')), 'gw.yaml': gateway('cilium', '10.50.0.230') },
        errors: [{ messageId: 'selector', file: 'gw.yaml', line: 9, column: 14, data: { ip: '10.50.0.230', pool: 'a' } }],
      },
      {
        files: { 'p.yaml': pool('a', '10.50.0.224/28', selecting('tier: dmz')), 'gw.yaml': gateway('cilium', '10.50.0.230', '', infraLabels) },
        errors: [{ messageId: 'selector', file: 'gw.yaml', line: 9, column: 14, data: { ip: '10.50.0.230', pool: 'a' } }],
      },
    ],
  });
});

test('network/service-ip-conflict: a Cilium Gateway\'s Service competes with Services for its address', () => {
  const ip = 'lbipam.cilium.io/ips: "10.50.0.230"';
  const shared = '\n    infrastructure:\n      annotations:\n        lbipam.cilium.io/sharing-key: "k"';
  ruleTester(serviceIpConflict, {
    valid: [
      { 'a.yaml': svc('a', 'network', ip + '\n      lbipam.cilium.io/sharing-key: "k"'), 'gw.yaml': gateway('cilium', '10.50.0.230', '', shared) },
      // the Service a repository writes by hand for its Gateway (kustomize gives the Gateway its namespace): one object
      { 'svc.yaml': svc('cilium-gateway-internal', 'network', ip), 'gw.yaml': gateway('cilium', '10.50.0.230').replace('  namespace: network\n', '') },
      // an infrastructure ips annotation wins over spec.addresses, which then asks for nothing
      { 'a.yaml': svc('a', 'network', ip), 'gw.yaml': gateway('cilium', '10.50.0.230', '', '\n    infrastructure:\n      annotations:\n        io.cilium/lb-ipam-ips: "10.50.0.231"') },
      // Cilium copies spec.infrastructure.annotations to the Service, not the Gateway's own annotations
      { 'a.yaml': svc('a', 'network', ip), 'gw.yaml': gateway('cilium', '10.50.0.231').replace('  namespace: network\n', '  namespace: network\n  annotations:\n    lbipam.cilium.io/ips: "10.50.0.230"\n') },
      // another controller's Gateway: not an LB-IPAM request talium can place
      { 'a.yaml': svc('a', 'network', ip), 'gw.yaml': gateway('envoy', '10.50.0.230'), 'gc.yaml': gatewayClass('envoy', 'gateway.envoyproxy.io/gatewayclass-controller') },
    ],
    invalid: [
      {
        files: { 'a.yaml': svc('a', 'network', ip), 'gw.yaml': gateway('cilium', '10.50.0.230') },
        errors: [{ messageId: 'conflict', file: 'gw.yaml', line: 9, column: 14, data: { service: 'cilium-gateway-internal', other: 'a', ip: '10.50.0.230' } }],
      },
    ],
  });
});

test('network/service-ip-conflict', () => {
  const ip = 'lbipam.cilium.io/ips: "10.50.0.230"';
  const key = '\n      lbipam.cilium.io/sharing-key: "k"';
  ruleTester(serviceIpConflict, {
    valid: [
      { 'a.yaml': svc('a', 'default', ip + key), 'b.yaml': svc('b', 'default', ip + key) },
      // environment variants with different names
      { 'apps/prod/web/svc.yaml': svc('web-prod', 'default', ip), 'apps/qa/web/svc.yaml': svc('web-qa', 'default', ip) },
      // same Service in two overlays
      { 'overlays/x/a.yaml': svc('a', 'default', ip), 'overlays/y/a.yaml': svc('a', 'default', ip), 'x.yaml': '' },
      // one key in two namespaces where either side tries cross-namespace sharing: network/sharing-cross-namespace's case
      { 'a.yaml': svc('a', 'dns', ip + key + '\n      lbipam.cilium.io/sharing-cross-namespace: "web"'), 'b.yaml': svc('b', 'web', ip + key) },
      { 'a.yaml': svc('a', 'dns', ip + key), 'b.yaml': svc('b', 'web', ip + key + '\n      io.cilium/lb-ipam-sharing-cross-namespace: "*"') },
      // a namespace left to kustomize or Flux: not judged
      { 'a.yaml': svc('a', 'dns', ip + key), 'b.yaml': svc('b', 'web', ip + key).replace('  namespace: web\n', '') },
    ],
    invalid: [
      {
        files: { 'a.yaml': svc('a', 'default', ip + key), 'b.yaml': svc('b', 'default', ip + '\n      lbipam.cilium.io/sharing-key: "other"') },
        errors: [{ messageId: 'conflict', file: 'b.yaml', line: 7, column: 27, data: { service: 'b', other: 'a', ip: '10.50.0.230' } }],
      },
      {
        // the same key in two namespaces, neither allowing the other: LB-IPAM gives the IP to one of them
        files: { 'a.yaml': svc('a', 'dns', ip + key), 'b.yaml': svc('b', 'web', ip + key) },
        errors: [{ messageId: 'otherNamespace', file: 'b.yaml', line: 7, column: 27, data: { service: 'b', namespace: 'web', other: 'a', otherNamespace: 'dns', sharingKey: 'k', ip: '10.50.0.230' } }],
      },
      {
        // two apps side by side (an Argo CD ApplicationSet over apps/*): same file name, sibling folders of their own,
        // different Services; not environment variants of one Service
        files: { 'apps/adguard/service.yaml': svc('adguard-dns', 'adguard', ip + key), 'apps/jellyfin/service.yaml': svc('jellyfin', 'jellyfin', ip) },
        errors: [{ messageId: 'conflict', file: 'apps/jellyfin/service.yaml', line: 7, column: 27, data: { service: 'jellyfin', other: 'adguard-dns', ip: '10.50.0.230' } }],
      },
    ],
  });
});

test('network/lbipam-annotation-prefix only below Cilium 1.16', () => {
  const cfg = (v: string): string => `plan:\n  versions:\n    cilium: "${v}"\n`;
  ruleTester(annotationPrefix, {
    valid: [
      { 'talium.config.yaml': cfg('1.16.3'), 's.yaml': svc('a', 'default', 'lbipam.cilium.io/ips: "10.50.0.230"') },
      { 'talium.config.yaml': cfg('1.15.6'), 's.yaml': svc('a', 'default', 'io.cilium/lb-ipam-ips: "10.50.0.230"') },
      { 's.yaml': svc('a', 'default', 'lbipam.cilium.io/ips: "10.50.0.230"') }, // version unknown
    ],
    invalid: [
      {
        files: { 'talium.config.yaml': cfg('1.15.6'), 's.yaml': svc('a', 'default', 'lbipam.cilium.io/sharing-key: "x"') },
        errors: [{ messageId: 'prefix', file: 's.yaml', line: 7, column: 5, data: { key: 'lbipam.cilium.io/sharing-key', version: '1.15.6', legacy: 'io.cilium/lb-ipam-sharing-key' } }],
      },
    ],
  });
});

test('network/sharing-cross-namespace', () => {
  const both = (cross: string): string => `lbipam.cilium.io/ips: "10.50.0.230"\n      lbipam.cilium.io/sharing-key: "dns"${cross ? `\n      lbipam.cilium.io/sharing-cross-namespace: "${cross}"` : ''}`;
  ruleTester(sharingCrossNamespace, {
    valid: [
      { 'a.yaml': svc('a', 'dns', both('web')), 'b.yaml': svc('b', 'web', both('*')) },
      { 'a.yaml': svc('a', 'dns', both('')), 'b.yaml': svc('b', 'dns', both('')) },
    ],
    invalid: [
      {
        files: { 'a.yaml': svc('a', 'dns', both('web, media')), 'b.yaml': svc('b', 'web', both('')) },
        errors: [
          { messageId: 'spaces', file: 'a.yaml', line: 9, column: 47, data: { value: 'web, media' } },
          { messageId: 'oneSided', file: 'b.yaml', line: 7, column: 5, data: { service: 'b', namespace: 'web', allow: 'dns', other: 'a' } },
        ],
      },
    ],
  });
});

test('LB-IPAM annotations below Cilium 1.16: the io.cilium/ form is offered only where the feature exists', () => {
  const cfg = (v: string): string => `plan:\n  versions:\n    cilium: "${v}"\n`;
  const cross = (c: string) => `lbipam.cilium.io/ips: "10.50.0.230"\n      io.cilium/lb-ipam-sharing-key: "dns"\n      ${c}`;
  ruleTester(annotationPrefix, {
    valid: [],
    invalid: [
      // sharing keys came in 1.15: on 1.14 neither form works, so no rename is offered
      {
        files: { 'talium.config.yaml': cfg('1.14.19'), 's.yaml': svc('a', 'default', 'lbipam.cilium.io/sharing-key: "x"') },
        errors: [{ messageId: 'noLegacy', file: 's.yaml', line: 7, column: 5, data: { key: 'lbipam.cilium.io/sharing-key', version: '1.14.19', since: '1.16' } }],
      },
      // a key with no io.cilium/ alias at all
      {
        files: { 'talium.config.yaml': cfg('1.15.6'), 's.yaml': svc('a', 'default', 'lbipam.cilium.io/sharing-permit-different-pods: "true"') },
        errors: [{ messageId: 'noLegacy', file: 's.yaml', line: 7, column: 5, data: { key: 'lbipam.cilium.io/sharing-permit-different-pods', version: '1.15.6' } }],
      },
    ],
  });
  const fixes = (files: Record<string, string>) => lintRepo(files, [annotationPrefix]).map((d) => `${d.messageId} ${d.fix ? 'fix' : 'no fix'}`);
  assert.deepEqual(fixes({ 'talium.config.yaml': cfg('1.15.6'), 's.yaml': svc('a', 'default', 'lbipam.cilium.io/ips: "10.50.0.230"') }), ['prefix fix']);
  assert.deepEqual(fixes({ 'talium.config.yaml': cfg('1.14.19'), 's.yaml': svc('a', 'default', 'lbipam.cilium.io/sharing-key: "x"') }), ['noLegacy no fix']);
  // cross-namespace sharing is in no release before 1.16: either key is ignored there (one finding per key)
  ruleTester(sharingCrossNamespace, {
    valid: [{ 'talium.config.yaml': cfg('1.16.3'), 'a.yaml': svc('a', 'dns', cross('io.cilium/lb-ipam-sharing-cross-namespace: "web"')), 'b.yaml': svc('b', 'web', cross('io.cilium/lb-ipam-sharing-cross-namespace: "dns"')) }],
    invalid: [
      {
        files: { 'talium.config.yaml': cfg('1.15.6'), 'a.yaml': svc('a', 'dns', cross('io.cilium/lb-ipam-sharing-cross-namespace: "web"')), 'b.yaml': svc('b', 'web', cross('lbipam.cilium.io/sharing-cross-namespace: "dns"')) },
        errors: [
          { messageId: 'unsupported', file: 'a.yaml', line: 9, column: 5, data: { key: 'io.cilium/lb-ipam-sharing-cross-namespace', version: '1.15.6' } },
          { messageId: 'unsupported', file: 'b.yaml', line: 9, column: 5, data: { key: 'lbipam.cilium.io/sharing-cross-namespace', version: '1.15.6' } },
        ],
      },
    ],
  });
  // one finding for the cross-namespace key on 1.15: the prefix rule's is replaced (its ips key keeps its own)
  const files = { 'talium.config.yaml': cfg('1.15.6'), 'b.yaml': svc('b', 'web', cross('lbipam.cilium.io/sharing-cross-namespace: "dns"')) };
  const rules = [annotationPrefix, sharingCrossNamespace];
  assert.deepEqual(dropSuperseded(lintRepo(files, rules), rules).map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}/${d.messageId}`), ['b.yaml:7:5 network/lbipam-annotation-prefix/prefix', 'b.yaml:9:5 network/sharing-cross-namespace/unsupported']);
});

test('network/service-ip-not-in-pool: an app-template Service has its release namespace and own labels', () => {
  const sel = '\n    serviceSelector:\n      matchLabels:\n        io.kubernetes.service.namespace: dns';
  /** The ips annotation value sits on line 17, column 33. */
  const hr = (ns: string, type = 'LoadBalancer'): string =>
    `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: blocky\n  namespace: ${ns}\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: app-template\n  values:\n    controllers:\n      blocky: {}\n    service:\n      app:\n        type: ${type}\n        annotations:\n          lbipam.cilium.io/ips: 10.50.0.230\n`;
  ruleTester(serviceIpNotInPool, {
    valid: [
      { 'p.yaml': pool('a', '10.50.0.224/28', sel), 'hr.yaml': hr('dns') },
      // a ClusterIP Service asks LB-IPAM for nothing
      { 'p.yaml': pool('a', '10.50.0.224/28'), 'hr.yaml': hr('web', 'ClusterIP').replace('10.50.0.230', '10.9.9.9') },
    ],
    invalid: [{ files: { 'p.yaml': pool('a', '10.50.0.224/28', sel), 'hr.yaml': hr('web') }, errors: [{ messageId: 'selector', file: 'hr.yaml', line: 17, column: 33, data: { ip: '10.50.0.230', pool: 'a' } }] }],
  });
});
