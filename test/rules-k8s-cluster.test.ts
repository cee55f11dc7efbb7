/** Cluster-wide k8s rules: kube-proxy, MetalLB, other CNIs, plaintext secrets, eTP Local with L2, LB classes. */
import { test } from 'node:test';
import etpLocal from '../src/rules/k8s/etp-local-l2.js';
import lbClassIgnored from '../src/rules/k8s/lb-class-ignored.js';
import noKubeProxy from '../src/rules/k8s/no-kube-proxy.js';
import noMetallb from '../src/rules/k8s/no-metallb.js';
import noOtherCni from '../src/rules/k8s/no-other-cni.js';
import plaintextSecret from '../src/rules/k8s/plaintext-secret.js';
import assert from 'node:assert/strict';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';

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

test('k8s/etp-local-l2: a Service in front of a DaemonSet', () => {
  const sel = '  selector:\n    app: web\n';
  const local = svc('  externalTrafficPolicy: Local\n' + sel);
  const NO_CP = '  nodeSelector:\n    matchExpressions:\n      - key: node-role.kubernetes.io/control-plane\n        operator: DoesNotExist\n';
  const workload = (kind: string, podSpec = '', ns = 'default'): string =>
    `apiVersion: apps/v1\nkind: ${kind}\nmetadata:\n  name: web\n  namespace: ${ns}\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n        tier: edge\n    spec:\n${podSpec}      containers:\n        - name: web\n          image: nginx:1.27\n`;
  const tolerate = (t: string): string => `      tolerations:\n${t}`;
  const talos = 'cluster:\n  allowSchedulingOnControlPlanes: true\n';
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
        files: { 'l2.yaml': POLICY(), 's.yaml': local, 'ds.yaml': workload('DaemonSet') },
        errors: [{ messageId: 'daemonSetControlPlane', file: 's.yaml', line: 8, column: 26, data: { name: 'web', policy: 'l2', daemonSet: 'web' } }],
      },
      // a toleration of another taint, or for another effect, does not help
      {
        files: { 'l2.yaml': POLICY(), 's.yaml': local, 'ds.yaml': workload('DaemonSet', tolerate('        - key: node-role.kubernetes.io/control-plane\n          operator: Exists\n          effect: NoExecute\n        - key: dedicated\n          operator: Exists\n')) },
        errors: [{ messageId: 'daemonSetControlPlane', file: 's.yaml', line: 8, column: 26, data: { daemonSet: 'web' } }],
      },
      // a second policy that may select the Service elects control planes too
      {
        files: { 'l2.yaml': POLICY(NO_CP), 'l2b.yaml': POLICY('  serviceSelector:\n    matchLabels:\n      lan: b\n').replace('name: l2', 'name: l2b'), 's.yaml': local, 'ds.yaml': workload('DaemonSet') },
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
