/** Cluster-wide k8s rules: kube-proxy, MetalLB, other CNIs, plaintext secrets, eTP Local with L2, LB classes. */
import { test } from 'node:test';
import etpLocal from '../src/rules/k8s/etp-local-l2.js';
import invalidListItem from '../src/rules/k8s/invalid-list-item.js';
import lbClassIgnored from '../src/rules/k8s/lb-class-ignored.js';
import noKubeProxy from '../src/rules/k8s/no-kube-proxy.js';
import noMetallb from '../src/rules/k8s/no-metallb.js';
import noOtherCni from '../src/rules/k8s/no-other-cni.js';
import plaintextSecret from '../src/rules/k8s/plaintext-secret.js';
import assert from 'node:assert/strict';
import { toDiagnostic } from '../src/core/finding.js';
import { runRules } from '../src/lint/run-rules.js';
import { buildClusterGroups } from '../src/plan/index.js';
import { controlPlanesSchedulable, kustomizeNamespaces } from '../src/rules/k8s/lib/daemonset-nodes.js';
import { lintRepo, parseRepo, readTree, ruleTester } from '../src/testing/rule-tester.js';
import { existsSync } from 'node:fs';
import path from 'node:path';

const HR = (kpr: string): string => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\nspec:\n  chart:\n    spec:\n      chart: cilium\n  values:\n    kubeProxyReplacement: ${kpr}\n    l2announcements:\n      enabled: true\n`;
const ds = (name: string, image: string): string => `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: ${image}\n`;
const POLICY = (sel = ''): string => `apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n${sel}`;
const svc = (spec: string, labels = ''): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\n${labels}spec:\n  type: LoadBalancer\n${spec}`;

test('k8s/no-kube-proxy', () => {
  ruleTester(noKubeProxy, {
    valid: [{ 'c.yaml': HR('false'), 'kp.yaml': ds('kube-proxy', 'registry.k8s.io/kube-proxy:v1.33.0') }, { 'c.yaml': HR('true'), 'x.yaml': ds('node-exporter', 'prom/node-exporter') }],
    invalid: [
      { files: { 'c.yaml': HR('true'), 'kp.yaml': ds('proxy', 'registry.k8s.io/kube-proxy:v1.33.0') }, errors: [{ messageId: 'kubeProxy', file: 'kp.yaml', line: 4, column: 9, data: { name: 'proxy' } }] },
      {
        files: { 'talos/p.yaml': 'apiVersion: v1alpha1\nkind: KubeProxyConfig\nenabled: false\n', 'kp.yaml': ds('kube-proxy', 'registry.k8s.io/kube-proxy:v1.33.0') },
        errors: [{ messageId: 'talosOff', file: 'kp.yaml', line: 4, column: 9, data: { name: 'kube-proxy' } }],
      },
    ],
  });
});

test('k8s/no-metallb', () => {
  const m = 'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: lan\n';
  ruleTester(noMetallb, {
    valid: [{ 'm.yaml': m }, { 'c.yaml': HR('true').replace('enabled: true', 'enabled: false'), 'm.yaml': m }],
    invalid: [{ files: { 'c.yaml': HR('true'), 'm.yaml': m }, errors: [{ messageId: 'metallb', file: 'm.yaml', line: 2, column: 7, data: { kind: 'IPAddressPool', name: 'lan' } }] }],
  });
});

test('k8s/no-other-cni', () => {
  ruleTester(noOtherCni, {
    valid: [
      { 'f.yaml': ds('kube-flannel', 'ghcr.io/flannel-io/flannel:v0.26.7') },
      { 'c.yaml': HR('true') + '    cni:\n      chainingMode: generic-veth\n', 'f.yaml': ds('kube-flannel', 'ghcr.io/flannel-io/flannel:v0.26.7') }, { 'c.yaml': HR('true'), 'x.yaml': ds('calico-exporter', 'ghcr.io/example/calico-exporter:1') }],
    invalid: [
      { files: { 'c.yaml': HR('true'), 'f.yaml': ds('calico-node', 'docker.io/calico/node:v3.29.0') }, errors: [{ messageId: 'otherCni', file: 'f.yaml', line: 10, column: 18, data: { cni: 'Calico', name: 'calico-node' } }] },
    ],
  });
});

test('k8s/plaintext-secret', () => {
  const secret = (body: string): string => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n${body}`;
  ruleTester(plaintextSecret, {
    valid: [
      { 's.yaml': secret('stringData:\n  a: ENC[AES256_GCM,data:x,type:str]\nsops:\n  kms: []\n') },
      { 's.yaml': secret('stringData:\n  a: "op://vault/item/field"\n  b: "${B}"\n  c: ""\n') },
      { 's.yaml': secret('type: kubernetes.io/service-account-token\n') },
      // Argo CD public repository secret: nothing secret in it
      { 's.yaml': secret('stringData:\n  type: git\n  url: https://github.com/me/repo\n  project: default\n') },
      { 'talos/talconfig.yaml': 'clusterName: x\nnodes: []\n', 'talos/cp.yaml': 'machine:\n  token: ${MACHINE_TOKEN}\ncluster:\n  secret: op://talos/cluster/secret\n' },
      { 'talos/cp.yaml': 'machine:\n  ca:\n    crt: LS0t\n    key: ENC[AES256_GCM,data:x]\nsops:\n  age: []\n' },
      // the file's SOPS rules leave these keys in plain text on purpose
      { 's.yaml': secret('stringData:\n  a: ENC[AES256_GCM,data:x,type:str]\n  user_unencrypted: admin\nsops:\n  kms: []\n') },
      { 's.yaml': secret('metadata2: x\nstringData:\n  a: ENC[AES256_GCM,data:x,type:str]\n  note: hello\nsops:\n  encrypted_regex: ^a$\n') },
    ],
    invalid: [
      { files: { 's.yaml': secret('data:\n  password: aHVudGVyMg==\n') }, errors: [{ messageId: 'secret', line: 6, column: 3, data: { name: 's', field: 'data.password' } }] },
      // edited after encryption: plain text where the file's own encrypted_regex says ENC[...]
      {
        files: { 's.yaml': secret('stringData:\n  a: ENC[AES256_GCM,data:x,type:str]\n  password: hunter2\nsops:\n  encrypted_regex: ^(data|stringData)$\n') },
        errors: [{ messageId: 'sopsPlain', line: 7, column: 3, data: { name: 's', field: 'stringData.password' } }],
      },
      // default SOPS rules: every value is encrypted
      { files: { 's.yaml': secret('data:\n  a: ENC[AES256_GCM,data:x,type:str]\n  b: aHVudGVyMg==\nsops:\n  age: []\n') }, errors: [{ messageId: 'sopsPlain', line: 7, column: 3 }] },
      { files: { 'talos/cp.yaml': 'machine:\n  type: controlplane\ncluster:\n  secret: c2VjcmV0\n' }, errors: [{ messageId: 'talos', line: 4, column: 11, data: { what: 'machine config', field: 'cluster.secret' } }] },
      {
        files: { 'talsecret.yaml': 'cluster:\n  id: abc\n  secret: c2VjcmV0\nsecrets:\n  bootstraptoken: abc.def\ncerts:\n  os:\n    crt: LS0t\n    key: LS0t\n' },
        errors: [{ messageId: 'talos', line: 3, column: 11, data: { what: 'secrets bundle', field: 'cluster.secret' } }],
      },
    ],
  });
});

test('k8s/etp-local-l2', () => {
  ruleTester(etpLocal, {
    valid: [
      { 'l2.yaml': POLICY(), 's.yaml': svc('  externalTrafficPolicy: Cluster\n') },
      { 's.yaml': svc('  externalTrafficPolicy: Local\n') }, // no L2 policy
      { 'l2.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      l2: "yes"\n'), 's.yaml': svc('  externalTrafficPolicy: Local\n', '  labels:\n    l2: "no"\n') },
      // the label may come from Kustomize: not certainly selected
      { 'l2.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      l2: "yes"\n'), 's.yaml': svc('  externalTrafficPolicy: Local\n') },
    ],
    invalid: [
      { files: { 'l2.yaml': POLICY(), 's.yaml': svc('  externalTrafficPolicy: Local\n') }, errors: [{ messageId: 'local', file: 's.yaml', line: 8, column: 26, data: { name: 'web', policy: 'l2' } }] },
      {
        files: { 'c.yaml': HR('true') + '    gatewayAPI:\n      enabled: true\n      externalTrafficPolicy: Local\n' },
        errors: [{ messageId: 'gatewayApi', file: 'c.yaml', line: 15, column: 30 }],
      },
      {
        files: { 'l2.yaml': POLICY(), 'e.yaml': 'apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: EnvoyProxy\nmetadata:\n  name: envoy\nspec:\n  provider:\n    kubernetes:\n      envoyService:\n        externalTrafficPolicy: Local\n' },
        errors: [{ messageId: 'envoyProxy', file: 'e.yaml', line: 9, column: 32, data: { name: 'envoy', policy: 'l2' } }],
      },
      // Envoy as a DaemonSet: a local endpoint on every node it runs on (info); kept off some nodes: the warning
      {
        files: { 'l2.yaml': POLICY(), 'e.yaml': 'apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: EnvoyProxy\nmetadata:\n  name: envoy\nspec:\n  provider:\n    kubernetes:\n      envoyDaemonSet:\n        patch:\n          value:\n            spec:\n              template:\n                spec:\n                  priorityClassName: system-cluster-critical\n      envoyService:\n        externalTrafficPolicy: Local\n' },
        errors: [{ messageId: 'envoyDaemonSet', file: 'e.yaml', line: 16, column: 32, data: { name: 'envoy', policy: 'l2' } }],
      },
      {
        files: { 'l2.yaml': POLICY(), 'e.yaml': 'apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: EnvoyProxy\nmetadata:\n  name: envoy\nspec:\n  provider:\n    kubernetes:\n      envoyDaemonSet:\n        pod:\n          nodeSelector:\n            edge: "true"\n      envoyService:\n        externalTrafficPolicy: Local\n' },
        errors: [{ messageId: 'envoyProxy', file: 'e.yaml', line: 13, column: 32 }],
      },
    ],
  });
  const ds = lintRepo({ 'l2.yaml': POLICY(), 'e.yaml': 'apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: EnvoyProxy\nmetadata:\n  name: envoy\nspec:\n  provider:\n    kubernetes:\n      envoyDaemonSet: {}\n      envoyService:\n        externalTrafficPolicy: Local\n' }, [etpLocal]);
  assert.deepEqual(ds.map((d) => [d.messageId, d.severity]), [['envoyDaemonSet', 'info']]);
});

// a Service in front of workloads
const sel = '  selector:\n    app: web\n';
const local = svc('  externalTrafficPolicy: Local\n' + sel);
const NO_CP = '  nodeSelector:\n    matchExpressions:\n      - key: node-role.kubernetes.io/control-plane\n        operator: DoesNotExist\n';
const workload = (kind: string, podSpec = '', ns = 'default'): string =>
  `apiVersion: apps/v1\nkind: ${kind}\nmetadata:\n  name: web\n  namespace: ${ns}\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n        tier: edge\n    spec:\n${podSpec}      containers:\n        - name: web\n          image: nginx:1.27\n`;
const tolerate = (t: string): string => `      tolerations:\n${t}`;
const talos = 'cluster:\n  allowSchedulingOnControlPlanes: true\n';
// a control plane's Talos config that leaves allowSchedulingOnControlPlanes at its default: control planes are tainted
const TAINTED = { 'talos/controlplane.yaml': 'machine:\n  type: controlplane\ncluster:\n  clusterName: lab\n' };

test('k8s/etp-local-l2: a Service in front of a DaemonSet', () => {
  ruleTester(etpLocal, {
    valid: [
      // no node restriction, and the policy keeps control planes out of the election
      { 'l2.yaml': POLICY(NO_CP), 's.yaml': local, 'ds.yaml': workload('DaemonSet') },
      // the DaemonSet tolerates the control-plane taint (by key, or every taint)
      { 'l2.yaml': POLICY(), 's.yaml': local, 'ds.yaml': workload('DaemonSet', tolerate('        - key: node-role.kubernetes.io/control-plane\n          operator: Exists\n          effect: NoSchedule\n')) },
      { 'l2.yaml': POLICY(), 's.yaml': local, 'ds.yaml': workload('DaemonSet', tolerate('        - operator: Exists\n')) },
      // kubernetes.io/os: linux holds on every Talos node
      { 'l2.yaml': POLICY(NO_CP), 's.yaml': local, 'ds.yaml': workload('DaemonSet', '      nodeSelector:\n        kubernetes.io/os: linux\n') },
      // Talos lets workloads onto control planes: no taint to tolerate
      { 'l2.yaml': POLICY(), 's.yaml': local, 'ds.yaml': workload('DaemonSet'), 'talos/patches/controlplane.yaml': talos },
    ],
    invalid: [
      // no toleration, and the policy may elect a control plane
      {
        files: { 'l2.yaml': POLICY(), 's.yaml': local, 'ds.yaml': workload('DaemonSet'), ...TAINTED },
        errors: [{ messageId: 'daemonSetControlPlane', file: 's.yaml', line: 8, column: 26, data: { name: 'web', policy: 'l2', daemonSet: 'web' } }],
      },
      // a toleration of another taint, or for another effect, does not help
      {
        files: { 'l2.yaml': POLICY(), 's.yaml': local, 'ds.yaml': workload('DaemonSet', tolerate('        - key: node-role.kubernetes.io/control-plane\n          operator: Exists\n          effect: NoExecute\n        - key: dedicated\n          operator: Exists\n')), ...TAINTED },
        errors: [{ messageId: 'daemonSetControlPlane', file: 's.yaml', line: 8, column: 26, data: { daemonSet: 'web' } }],
      },
      // a second policy that may select the Service elects control planes too
      {
        files: { 'l2.yaml': POLICY(NO_CP), 'l2b.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      lan: b\n').replace('name: l2', 'name: l2b'), 's.yaml': local, 'ds.yaml': workload('DaemonSet'), ...TAINTED },
        errors: [{ messageId: 'daemonSetControlPlane', file: 's.yaml', line: 8, column: 26, data: { policy: 'l2b' } }],
      },
      // kept off some nodes by a node selector or node affinity: the lease holder may be outside
      {
        files: { 'l2.yaml': POLICY(NO_CP), 's.yaml': local, 'ds.yaml': workload('DaemonSet', '      nodeSelector:\n        edge: "true"\n') },
        errors: [{ messageId: 'local', file: 's.yaml', line: 8, column: 26, data: { name: 'web', policy: 'l2' } }],
      },
      {
        files: { 'l2.yaml': POLICY(NO_CP), 's.yaml': local, 'ds.yaml': workload('DaemonSet', '      affinity:\n        nodeAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n              - matchExpressions:\n                  - key: edge\n                    operator: Exists\n') },
        errors: [{ messageId: 'local', file: 's.yaml', line: 8, column: 26 }],
      },
      // the selector matches a Deployment only
      { files: { 'l2.yaml': POLICY(NO_CP), 's.yaml': local, 'd.yaml': workload('Deployment') }, errors: [{ messageId: 'local', file: 's.yaml', line: 8, column: 26, data: { name: 'web', policy: 'l2' } }] },
      // a DaemonSet in another namespace is not behind the Service
      { files: { 'l2.yaml': POLICY(NO_CP), 's.yaml': local, 'ds.yaml': workload('DaemonSet', '', 'other') }, errors: [{ messageId: 'local', file: 's.yaml', line: 8, column: 26, data: { name: 'web', policy: 'l2' } }] },
      // the pod template lacks a label of the Service's selector
      { files: { 'l2.yaml': POLICY(NO_CP), 's.yaml': svc('  externalTrafficPolicy: Local\n' + sel + '    tier: core\n'), 'ds.yaml': workload('DaemonSet') }, errors: [{ messageId: 'local', file: 's.yaml', line: 8, column: 26 }] },
    ],
  });
});

test('k8s/etp-local-l2: no finding about the control-plane taint when the Talos configuration is not in sight', () => {
  const base = { 'l2.yaml': POLICY(), 's.yaml': local, 'ds.yaml': workload('DaemonSet') };
  const TALCONFIG = (patches = ''): string => `clusterName: lab\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n${patches}`;
  const CP_PATCH = 'controlPlane:\n  patches:\n    - "@./patches/controlplane.yaml"\n';
  const SPEC = (extra = ''): string => `lan:\n  cidr: 10.50.0.0/24\ncluster:\n  vip: 10.50.0.10\n${extra}nodes:\n  - { name: cp-1, role: controlplane, address: 10.50.0.11, nic: enp1s0 }\n`;
  const taint = { messageId: 'daemonSetControlPlane', file: 's.yaml', line: 8, column: 26, data: { name: 'web', policy: 'l2', daemonSet: 'web' } };
  const valid = [
    base, // no Talos configuration at all
    // only a machine patch and a worker's config: the control planes' cluster section (allowSchedulingOnControlPlanes) is elsewhere
    { ...base, 'talos/patches/network.yaml': 'machine:\n  network:\n    hostname: cp1\n', 'talos/worker.yaml': 'machine:\n  type: worker\ncluster:\n  clusterName: lab\n' },
    // a talhelper control-plane patch file that was not read may set it
    { ...base, 'talos/talconfig.yaml': TALCONFIG(CP_PATCH) },
    // a value talium cannot read (templated)
    { ...base, 'talos/patches/controlplane.yaml': 'cluster:\n  allowSchedulingOnControlPlanes: ${ALLOW_CP}\n' },
    // said true: by talhelper, by cluster.yaml
    { ...base, 'talos/talconfig.yaml': TALCONFIG('allowSchedulingOnControlPlanes: true\n') },
    { ...base, 'clusters/lab/cluster.yaml': SPEC('  schedulableControlPlanes: true\n') },
  ];
  ruleTester(etpLocal, {
    valid,
    invalid: [
      // the control planes' Talos configuration is visible and leaves the taint: talhelper, its read patch, cluster.yaml, a JSON6902 patch
      { files: { ...base, 'talos/talconfig.yaml': TALCONFIG() }, errors: [taint] },
      { files: { ...base, 'talos/talconfig.yaml': TALCONFIG(CP_PATCH), 'talos/patches/controlplane.yaml': 'machine:\n  kubelet:\n    extraArgs:\n      rotate-server-certificates: "true"\n' }, errors: [taint] },
      { files: { ...base, 'clusters/lab/cluster.yaml': SPEC() }, errors: [taint] },
      { files: { ...base, 'talos/patches/cp.yaml': '- op: add\n  path: /cluster/allowSchedulingOnControlPlanes\n  value: false\n' }, errors: [taint] },
    ],
  });
  // the fact itself: true, false, or unknown (undefined)
  const fact = (files: Record<string, string>): Array<boolean | undefined> => buildClusterGroups(parseRepo(files)).map((g) => controlPlanesSchedulable(g));
  assert.deepEqual(valid.map(fact), [[undefined], [undefined], [undefined], [undefined], [true], [true]]);
  assert.deepEqual(fact({ ...base, ...TAINTED }), [false]);
  assert.deepEqual(fact({ ...base, 'talos/patches/controlplane.yaml': talos }), [true]);
  // Talos 1.14: the control-plane taint lives in KubeNodeConfig (talium's generated patch deletes it there)
  const KUBE_NODE = (taints: string): string => `apiVersion: v1alpha1\nkind: KubeNodeConfig\nlabels:\n  node-role.kubernetes.io/control-plane: ""\n${taints}`;
  assert.deepEqual(fact({ ...base, 'talos/patches/controlplane.yaml': KUBE_NODE('taints:\n  node-role.kubernetes.io/control-plane:\n    $patch: delete\n') }), [true]);
  assert.deepEqual(fact({ ...base, 'talos/controlplane.yaml': KUBE_NODE('taints:\n  node-role.kubernetes.io/control-plane: :NoSchedule\n') }), [false]);
  assert.deepEqual(fact({ ...base, 'talos/patches/node.yaml': KUBE_NODE('') }), [undefined], 'a KubeNodeConfig without taints says nothing');
  // the message names the Talos way out too
  assert.match(etpLocal.meta.messages['daemonSetControlPlane']!, /cluster\.allowSchedulingOnControlPlanes: true/);
});

test('k8s/etp-local-l2: the namespace a kustomization gives the Service and the DaemonSet', () => {
  const ns = (n?: string): string => (n ? `  namespace: ${n}\n` : '');
  const SVC = (n?: string): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n${ns(n)}spec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n${sel}`;
  const DS = (n?: string): string => workload('DaemonSet').replace('  namespace: default\n', ns(n));
  const KUST = (resources: string[], n?: string): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${n ? `namespace: ${n}\n` : ''}resources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;
  const l2 = { 'l2.yaml': POLICY(NO_CP) };
  ruleTester(etpLocal, {
    valid: [
      // the Service says ingress-nginx, the DaemonSet says nothing, the kustomization of their folder sets ingress-nginx
      { ...l2, 'apps/ingress/kustomization.yaml': KUST(['service.yaml', 'daemonset.yaml'], 'ingress-nginx'), 'apps/ingress/service.yaml': SVC('ingress-nginx'), 'apps/ingress/daemonset.yaml': DS() },
      // sibling folders under one kustomization with a namespace
      {
        ...l2,
        'apps/ingress/kustomization.yaml': KUST(['svc', 'ds/'], 'ingress-nginx'),
        'apps/ingress/svc/kustomization.yaml': KUST(['service.yaml']),
        'apps/ingress/svc/service.yaml': SVC(),
        'apps/ingress/ds/kustomization.yaml': KUST(['daemonset.yaml']),
        'apps/ingress/ds/daemonset.yaml': DS(),
      },
      // files in sibling folders listed directly: the kustomization's namespace replaces the written one
      { ...l2, 'apps/ingress/kustomization.yaml': KUST(['svc/service.yaml', './ds/daemonset.yaml'], 'ingress-nginx'), 'apps/ingress/svc/service.yaml': SVC('other'), 'apps/ingress/ds/daemonset.yaml': DS('ingress-nginx') },
      // neither states a namespace anywhere: the same folder
      { ...l2, 'apps/web/service.yaml': SVC(), 'apps/web/daemonset.yaml': DS() },
    ],
    invalid: [
      // neither states a namespace, different folders
      { files: { ...l2, 'apps/web/service.yaml': SVC(), 'apps/dns/daemonset.yaml': DS() }, errors: [{ messageId: 'local', file: 'apps/web/service.yaml', line: 7, column: 26, data: { name: 'web', policy: 'l2' } }] },
      // the outer kustomization's namespace wins over the inner one's
      {
        files: { ...l2, 'base/kustomization.yaml': KUST(['daemonset.yaml'], 'ingress-nginx'), 'base/daemonset.yaml': DS(), 'overlay/kustomization.yaml': KUST(['../base'], 'edge'), 's.yaml': SVC('ingress-nginx') },
        errors: [{ messageId: 'local', file: 's.yaml', line: 8, column: 26, data: { name: 'web', policy: 'l2' } }],
      },
      // a DaemonSet its folder's kustomization does not list keeps its own (no) namespace
      {
        files: { ...l2, 'apps/x/kustomization.yaml': KUST(['service.yaml'], 'ingress-nginx'), 'apps/x/service.yaml': SVC(), 'apps/x/daemonset.yaml': DS() },
        errors: [{ messageId: 'local', file: 'apps/x/service.yaml', line: 7, column: 26, data: { name: 'web', policy: 'l2' } }],
      },
    ],
  });
  // the namespaces a document may end up in, one per way a kustomization reaches it
  const docs = parseRepo({
    'base/kustomization.yaml': KUST(['daemonset.yaml'], 'ingress-nginx'),
    'base/daemonset.yaml': DS('written'),
    'overlay/kustomization.yaml': KUST(['../base'], 'edge'),
    'plain/kustomization.yaml': KUST(['../base']),
    'loose.yaml': DS('loose'),
  });
  const of = kustomizeNamespaces(docs);
  const pick = (file: string): string[] => [...of(docs.find((d) => d.file.path === file)!)].map((n) => n ?? '(none)').sort();
  assert.deepEqual([pick('base/daemonset.yaml'), pick('loose.yaml')], [['edge', 'ingress-nginx'], ['loose']]);
  // a Flux Kustomization's targetNamespace is the namespace of everything it applies (the deepest spec.path wins)
  const FKS = (name: string, path: string, target = ''): string =>
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: home\n${target ? `  targetNamespace: ${target}\n` : ''}`;
  const flux = parseRepo({
    'flux/apps.yaml': FKS('apps', './apps'),
    'flux/web.yaml': FKS('web', './apps/web', 'web'),
    'apps/web/svc/svc.yaml': SVC(),
    'apps/web/ds/ds.yaml': DS('written'),
    'apps/other/ds.yaml': DS('other'),
    'apps/templated/ds.yaml': DS('t'),
    'flux/templated.yaml': FKS('templated', './apps/templated', '${NS}'),
  });
  // ... so a Service and its DaemonSet in two folders of one Flux Kustomization are one namespace: no finding
  const apart = { ...l2, 'flux/web.yaml': FKS('web', './apps/web', 'web'), 'apps/web/svc/svc.yaml': SVC(), 'apps/web/ds/ds.yaml': DS() };
  assert.deepEqual(lintRepo(apart, [etpLocal]).map((d) => d.messageId), []);
  assert.deepEqual(lintRepo({ ...apart, 'flux/web.yaml': FKS('web', './apps/web') }, [etpLocal]).map((d) => [d.messageId, d.file]), [['local', 'apps/web/svc/svc.yaml']]);
  // the Flux Kustomization builds the kustomization at its path: a file that one does not list is not its object
  const unlisted = { ...apart, 'apps/web/kustomization.yaml': KUST(['svc/svc.yaml']), 'apps/web/ds/ds.yaml': DS() };
  assert.deepEqual(lintRepo(unlisted, [etpLocal]).map((d) => [d.messageId, d.file]), [['local', 'apps/web/svc/svc.yaml']]);
  assert.deepEqual(lintRepo({ ...unlisted, 'apps/web/kustomization.yaml': KUST(['svc/svc.yaml', 'ds']), 'apps/web/ds/kustomization.yaml': KUST(['ds.yaml']) }, [etpLocal]).map((d) => d.messageId), []);
  const fluxOf = kustomizeNamespaces(flux);
  const fpick = (file: string): string[] => [...fluxOf(flux.find((d) => d.file.path === file)!)].map((n) => n ?? '(none)').sort();
  assert.deepEqual([fpick('apps/web/svc/svc.yaml'), fpick('apps/web/ds/ds.yaml'), fpick('apps/other/ds.yaml'), fpick('apps/templated/ds.yaml')], [['web'], ['web'], ['other'], ['t']]);
});

test('k8s/etp-local-l2: a DaemonSet with the node selector of the L2 policy, and control planes excluded with NotIn', () => {
  const policy = (labels: string, cp = NO_CP.replace('  nodeSelector:\n', '')): string => POLICY(`  nodeSelector:\n    matchLabels:\n${labels}${cp}`);
  const ANNOUNCE = '      l2.example.com/announce: "true"\n';
  const onNodes = (labels: string): string => workload('DaemonSet', `      nodeSelector:\n${labels}`);
  const NOT_IN = (values: string): string => POLICY(`  nodeSelector:\n    matchExpressions:\n      - key: node-role.kubernetes.io/control-plane\n        operator: NotIn\n        values: ${values}\n`);
  const at = { file: 's.yaml', line: 8, column: 26 };
  ruleTester(etpLocal, {
    valid: [
      // the DaemonSet selects exactly the nodes the policy elects (kubernetes.io/os: linux holds everywhere)
      { 'l2.yaml': policy(ANNOUNCE), 's.yaml': local, 'ds.yaml': onNodes('        l2.example.com/announce: "true"\n        kubernetes.io/os: linux\n') },
      // the policy requires more labels than the DaemonSet: its nodes are a subset of the DaemonSet's
      { 'l2.yaml': policy(ANNOUNCE + '      zone: a\n'), 's.yaml': local, 'ds.yaml': onNodes('        l2.example.com/announce: "true"\n') },
      // control planes excluded with NotIn [""] (Talos labels them with an empty value)
      { 'l2.yaml': NOT_IN('[""]'), 's.yaml': local, 'ds.yaml': workload('DaemonSet'), ...TAINTED },
    ],
    invalid: [
      // the DaemonSet requires a label the policy does not, or another value
      { files: { 'l2.yaml': policy(ANNOUNCE), 's.yaml': local, 'ds.yaml': onNodes('        l2.example.com/announce: "true"\n        zone: a\n') }, errors: [{ messageId: 'local', ...at, data: { name: 'web', policy: 'l2' } }] },
      { files: { 'l2.yaml': policy(ANNOUNCE), 's.yaml': local, 'ds.yaml': onNodes('        l2.example.com/announce: "false"\n') }, errors: [{ messageId: 'local', ...at, data: { name: 'web', policy: 'l2' } }] },
      // a node affinity besides the matching selector
      {
        files: { 'l2.yaml': policy(ANNOUNCE), 's.yaml': local, 'ds.yaml': onNodes('        l2.example.com/announce: "true"\n      affinity:\n        nodeAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n              - matchExpressions:\n                  - key: edge\n                    operator: Exists\n') },
        errors: [{ messageId: 'local', ...at }],
      },
      // another policy that may select the Service elects nodes without the label
      {
        files: { 'l2.yaml': policy(ANNOUNCE), 'l2b.yaml': POLICY(NO_CP + '  serviceSelector:\n    matchLabels:\n      lan: b\n').replace('name: l2', 'name: l2b'), 's.yaml': local, 'ds.yaml': onNodes('        l2.example.com/announce: "true"\n') },
        errors: [{ messageId: 'local', ...at, data: { name: 'web', policy: 'l2' } }],
      },
      // the selector matches, but the policy may elect tainted control planes
      { files: { 'l2.yaml': policy(ANNOUNCE, ''), 's.yaml': local, 'ds.yaml': onNodes('        l2.example.com/announce: "true"\n'), ...TAINTED }, errors: [{ messageId: 'daemonSetControlPlane', ...at, data: { name: 'web', policy: 'l2', daemonSet: 'web' } }] },
      // NotIn a value control planes do not carry does not exclude them
      { files: { 'l2.yaml': NOT_IN('["true"]'), 's.yaml': local, 'ds.yaml': workload('DaemonSet'), ...TAINTED }, errors: [{ messageId: 'daemonSetControlPlane', ...at, data: { policy: 'l2', daemonSet: 'web' } }] },
    ],
  });
});

test('k8s/etp-local-l2: a run over some paths does not report a Service for want of a workload behind it', () => {
  const run = (files: Record<string, string>, partialTree: boolean): Array<[string, string, number, number]> => {
    const docs = parseRepo(files);
    return runRules([etpLocal], buildClusterGroups(docs), docs, {}, { partialTree }).map(toDiagnostic).map((d) => [d.messageId ?? '', d.file, d.range.start.line, d.range.start.column]);
  };
  const bare = { 'l2.yaml': POLICY(NO_CP), 's.yaml': local };
  // nothing behind the Service in sight: the whole tree says so, some paths cannot
  assert.deepEqual(run(bare, false), [['local', 's.yaml', 8, 26]]);
  assert.deepEqual(run(bare, true), []);
  // a Deployment, or a DaemonSet kept off some nodes, is in sight: the warning stands on what was read
  assert.deepEqual(run({ ...bare, 'd.yaml': workload('Deployment') }, true), [['local', 's.yaml', 8, 26]]);
  assert.deepEqual(run({ ...bare, 'ds.yaml': workload('DaemonSet', '      nodeSelector:\n        edge: "true"\n') }, true), [['local', 's.yaml', 8, 26]]);
  // the DaemonSet read: nothing either way; the control-plane taint needs the whole tree as before
  assert.deepEqual(run({ ...bare, 'ds.yaml': workload('DaemonSet') }, true), []);
  const tainted = { 'l2.yaml': POLICY(), 's.yaml': local, 'ds.yaml': workload('DaemonSet'), ...TAINTED };
  assert.deepEqual([run(tainted, false), run(tainted, true)], [[['daemonSetControlPlane', 's.yaml', 8, 26]], []]);
});

test('k8s/lb-class-ignored', () => {
  const ann = '  annotations:\n    lbipam.cilium.io/ips: "10.50.0.230"\n';
  ruleTester(lbClassIgnored, {
    valid: [
      { 'l2.yaml': POLICY(), 's.yaml': svc('  loadBalancerClass: tailscale\n') }, // no LB-IPAM intent
      { 'l2.yaml': POLICY(), 's.yaml': svc('  loadBalancerClass: io.cilium/l2-announcer\n', ann) },
    ],
    invalid: [
      { files: { 'l2.yaml': POLICY(), 's.yaml': svc('  loadBalancerClass: tailscale\n', ann) }, errors: [{ messageId: 'foreign', line: 10, column: 22, data: { class: 'tailscale', name: 'web' } }] },
      { files: { 'l2.yaml': POLICY(), 's.yaml': svc('  loadBalancerClass: io.cilium/bgp-control-plane\n') }, errors: [{ messageId: 'bgpOnL2', line: 8, column: 22 }] },
    ],
  });
});

test('k8s/invalid-list-item', () => {
  const cm = (name: string): string => `  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: ${name}\n`;
  const list = (items: string, kind = 'List'): string => `apiVersion: v1\nkind: ${kind}\nitems:\n${items}`;
  ruleTester(invalidListItem, {
    valid: [
      { 'l.yaml': list(cm('a') + cm('b')) },
      { 'l.yaml': list('', 'List') + '  []\n', 'n.yaml': 'apiVersion: v1\nkind: List\nitems: null\n' },
      // a kind ending in List without items is an object of its own; a top-level scalar is no List item
      { 'a.yaml': 'apiVersion: example.com/v1\nkind: AllowList\nmetadata:\n  name: a\n', 's.yaml': '42\n' },
    ],
    invalid: [
      {
        files: { 'l.yaml': list(cm('a') + '  - apiVersion: v1\n    metadata:\n      name: b\n  - kind: Secret\n    metadata:\n      name: c\n  - 42\n  - [x]\n  -\n  - {}\n  - "text"\n') },
        errors: [
          { messageId: 'noKind', file: 'l.yaml', line: 8, column: 5, data: { index: 1, list: 'List' } },
          { messageId: 'noApiVersion', file: 'l.yaml', line: 11, column: 5, data: { index: 2, list: 'List', kind: 'Secret' } },
          { messageId: 'notObject', file: 'l.yaml', line: 14, column: 5, data: { index: 3, list: 'List', type: 'number' } },
          { messageId: 'notObject', file: 'l.yaml', line: 15, column: 5, data: { index: 4, list: 'List', type: 'sequence' } },
          { messageId: 'empty', file: 'l.yaml', line: 16, column: 3, data: { index: 5, list: 'List' } },
          { messageId: 'empty', file: 'l.yaml', line: 17, column: 5, data: { index: 6, list: 'List' } },
          { messageId: 'notObject', file: 'l.yaml', line: 18, column: 5, data: { index: 7, list: 'List', type: 'string' } },
        ],
      },
      {
        // kubectl fills a typed List item's apiVersion and kind only when both are missing; Kustomize never does
        files: { 'c.yaml': list('  - metadata:\n      name: a\n  - apiVersion: v1\n    metadata:\n      name: b\n', 'ConfigMapList') },
        errors: [
          { messageId: 'typedItem', line: 4, column: 5, data: { index: 0, list: 'ConfigMapList', apiVersion: 'v1', kind: 'ConfigMap' } },
          { messageId: 'noKind', line: 6, column: 5, data: { index: 1, list: 'ConfigMapList' } },
        ],
      },
      {
        // a List inside a List: the index and kind are the inner List's
        files: { 'l.yaml': list('  - apiVersion: v1\n    kind: ServiceList\n    items:\n      - null\n') },
        errors: [{ messageId: 'empty', line: 7, column: 9, data: { index: 0, list: 'ServiceList' } }],
      },
    ],
  });
  // the range is the item's own: the whole mapping, its trailing line break left out; empty items are warnings
  const got = lintRepo({ 'l.yaml': list('  - apiVersion: v1\n    metadata:\n      name: b\n  - null\n') }, [invalidListItem]);
  assert.deepEqual(
    got.map((d) => [d.messageId, d.severity, d.range]),
    [
      ['noKind', 'error', { start: { line: 4, column: 5 }, end: { line: 6, column: 14 } }],
      ['empty', 'warning', { start: { line: 7, column: 5 }, end: { line: 7, column: 9 } }],
    ],
  );
});

// an app-template release (bjw-s common library): `service.<id>` values become a Service in the release namespace
const appTemplate = (service: string, o: { controllers?: string; chart?: string; ns?: string } = {}): string =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: p2pool\n  namespace: ${o.ns ?? 'web3'}\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: ${o.chart ?? 'app-template'}\n  values:\n${o.controllers ?? '    controllers:\n      p2pool:\n        containers:\n          app:\n            image:\n              repository: ghcr.io/sethforprivacy/p2pool\n'}    service:\n      p2pool:\n${service}`;
const lbLocal = '        type: LoadBalancer\n        externalTrafficPolicy: Local\n';
/** The externalTrafficPolicy value of appTemplate(lbLocal + ...) with the default controllers. */
const AT_ETP = { line: 20, column: 32 };

test('k8s/etp-local-l2: Services an app-template release renders', () => {
  // the only Service of release p2pool: named after the release (app-template), from values `service.p2pool`
  const data = { kind: 'HelmRelease', release: 'p2pool', service: 'p2pool', id: 'p2pool', policy: 'l2' };
  const labelled = lbLocal + '        labels:\n          l2: "yes"\n';
  ruleTester(etpLocal, {
    valid: [
      { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate('        type: LoadBalancer\n        externalTrafficPolicy: Cluster\n') },
      // ClusterIP (the chart's default type), a disabled service, no L2 policy
      { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate('        externalTrafficPolicy: Local\n') },
      { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate(lbLocal + '        enabled: false\n') },
      { 'hr.yaml': appTemplate(lbLocal) },
      // a class Cilium's L2 announcer does not take
      { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate(lbLocal + '        loadBalancerClass: tailscale\n') },
      { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate(lbLocal + '        loadBalancerClass: io.cilium/bgp-control-plane\n') },
      // the policy selects by a label the values do not set (the chart adds its own): unknown
      { 'l2.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      l2: "yes"\n'), 'hr.yaml': appTemplate(lbLocal) },
      { 'l2.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      l2: "yes"\n'), 'hr.yaml': appTemplate(lbLocal + '        labels:\n          l2: "${L2}"\n') },
      // app.kubernetes.io/service is the chart's own label, whatever the values say
      { 'l2.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      app.kubernetes.io/service: x\n'), 'hr.yaml': appTemplate(lbLocal + '        labels:\n          app.kubernetes.io/service: x\n') },
      // a selector on another label value or namespace does not select it
      { 'l2.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      l2: "yes"\n'), 'hr.yaml': appTemplate(lbLocal + '        labels:\n          l2: "no"\n') },
      { 'l2.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      io.kubernetes.service.namespace: dns\n'), 'hr.yaml': appTemplate(lbLocal) },
      // a selector on another Service name (the chart names the only Service after the release: p2pool)
      { 'l2.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      io.kubernetes.service.name: p2pool-p2pool\n'), 'hr.yaml': appTemplate(lbLocal) },
      // the name left open (a second Service switched by a template): a selector on it is not judged
      { 'l2.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      io.kubernetes.service.name: p2pool\n'), 'hr.yaml': appTemplate(lbLocal) + '      other:\n        enabled: "{{ .Values.x }}"\n' },
      // pods of a DaemonSet controller: not modelled, not judged; several controllers and none named: unknown
      { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate(lbLocal, { controllers: '    controllers:\n      p2pool:\n        type: daemonset\n' }) },
      { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate(lbLocal, { controllers: '    controllers:\n      a:\n        type: daemonset\n      b:\n        type: deployment\n' }) },
      { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate(lbLocal + '        controller: a\n', { controllers: '    controllers:\n      a:\n        type: daemonset\n      b: {}\n' }) },
      // another chart's `service` map (no app-template name, no controllers): not modelled
      { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate(lbLocal, { chart: 'mosquitto', controllers: '    replicaCount: 1\n' }) },
    ],
    invalid: [
      { files: { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate(lbLocal) }, errors: [{ messageId: 'helmService', file: 'hr.yaml', ...AT_ETP, data }] },
      // a chart under another name with app-template's controllers (bjw-s-labs' per-app OCIRepository names): its
      // naming is app-template's only when the OCIRepository shows the chart; otherwise the finding names the values key
      { files: { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate(lbLocal, { chart: 'qbittorrent' }) }, errors: [{ messageId: 'helmServiceUnnamed', file: 'hr.yaml', ...AT_ETP, data: { id: 'p2pool' } }] },
      {
        files: { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate(lbLocal, { chart: 'qbittorrent' }), 'oci.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: qbittorrent\n  namespace: web3\nspec:\n  url: oci://ghcr.io/bjw-s-labs/helm/app-template\n  ref:\n    tag: 4.6.2\n' },
        errors: [{ messageId: 'helmService', file: 'hr.yaml', ...AT_ETP, data }],
      },
      // a policy selecting the Service by the name the chart gives it
      { files: { 'l2.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      io.kubernetes.service.name: p2pool\n'), 'hr.yaml': appTemplate(lbLocal) }, errors: [{ messageId: 'helmService', ...AT_ETP, data }] },
      // `serviceSelector: {}` selects every Service; the service's own labels and the release namespace are known
      { files: { 'l2.yaml': POLICY('  serviceSelector: {}\n'), 'hr.yaml': appTemplate(lbLocal) }, errors: [{ messageId: 'helmService', ...AT_ETP }] },
      { files: { 'l2.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      l2: "yes"\n'), 'hr.yaml': appTemplate(labelled) }, errors: [{ messageId: 'helmService', ...AT_ETP }] },
      { files: { 'l2.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      io.kubernetes.service.namespace: web3\n'), 'hr.yaml': appTemplate(lbLocal) }, errors: [{ messageId: 'helmService', ...AT_ETP }] },
      // the controller the service names is a Deployment, the other one a DaemonSet; app-template 1.x `controller`
      { files: { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate(lbLocal + '        controller: b\n', { controllers: '    controllers:\n      a:\n        type: daemonset\n      b: {}\n' }) }, errors: [{ messageId: 'helmService', line: 18, column: 32 }] },
      { files: { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate(lbLocal, { controllers: '    controller:\n      type: statefulset\n' }) }, errors: [{ messageId: 'helmService', line: 16, column: 32 }] },
      // Cilium's L2 class, spelled out
      { files: { 'l2.yaml': POLICY(), 'hr.yaml': appTemplate(lbLocal + '        loadBalancerClass: io.cilium/l2-announcer\n') }, errors: [{ messageId: 'helmService', ...AT_ETP }] },
      {
        // an Argo CD Application's valuesObject: the destination namespace is the release namespace
        files: {
          'l2.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      io.kubernetes.service.namespace: media\n'),
          'app.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: jellyfin\n  namespace: argocd\nspec:\n  destination:\n    namespace: media\n  source:\n    repoURL: ghcr.io/bjw-s-labs/helm\n    chart: app-template\n    helm:\n      valuesObject:\n        service:\n          app:\n            type: LoadBalancer\n            externalTrafficPolicy: Local\n',
        },
        errors: [{ messageId: 'helmService', file: 'app.yaml', line: 17, column: 36, data: { kind: 'Application', release: 'jellyfin', service: 'jellyfin', id: 'app', policy: 'l2' } }],
      },
    ],
  });
});

test('k8s/etp-local-l2 on the corpus: the app-template Services of Tanguille__cluster (monerod, p2pool)', (t) => {
  const repo = path.resolve(process.cwd(), '../shared/corpus/Tanguille__cluster');
  if (!existsSync(repo)) {
    t.skip('../shared/corpus/Tanguille__cluster not present: corpus case skipped');
    return;
  }
  const got = lintRepo(readTree(repo, /\.ya?ml$/), [etpLocal]).filter((d) => d.messageId === 'helmService').map((d) => [d.messageId, d.file, d.range.start.line, d.range.start.column, d.data?.['service']]);
  assert.deepEqual(got, [
    ['helmService', 'kubernetes/apps/web3/monero/monerod/helmrelease.yaml', 75, 32, 'monerod'],
    ['helmService', 'kubernetes/apps/web3/monero/p2pool/helmrelease.yaml', 96, 32, 'p2pool'],
  ]);
});
