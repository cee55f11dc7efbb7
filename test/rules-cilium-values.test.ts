/** Tests for the Cilium Helm-values rules, on Flux/Argo/helmfile/values-file releases. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import bpfMasqueradeHostDns from '../src/rules/cilium/bpf-masquerade-host-dns.js';
import clientRateLimit from '../src/rules/cilium/client-rate-limit.js';
import dottedValuesKey from '../src/rules/cilium/dotted-values-key.js';
import k8sServiceEndpoint from '../src/rules/cilium/k8s-service-endpoint.js';
import kprValue from '../src/rules/cilium/kpr-value.js';
import l2PolicyWithoutL2 from '../src/rules/cilium/l2-policy-without-l2.js';
import l2RequiresKpr from '../src/rules/cilium/l2-requires-kpr.js';
import l2WithoutPolicy from '../src/rules/cilium/l2-without-policy.js';
import leaseTiming from '../src/rules/cilium/lease-timing.js';
import operatorReplicas from '../src/rules/cilium/operator-replicas.js';
import removedValues from '../src/rules/cilium/removed-values.js';
import talosValues from '../src/rules/cilium/talos-values.js';
import valuesKeyTypo from '../src/rules/cilium/values-key-typo.js';
import versionDrift from '../src/rules/cilium/version-drift.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { ciliumHelmReleaseOf } from '../src/rules/cilium/lib/examples.js';

/** A Flux HelmRelease; `values` lines are indented by 4 (inside spec.values). Values start on line 15. */
const hr = ciliumHelmReleaseOf;
const L2 = 'l2announcements:\n  enabled: true\n';
const POLICY = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  loadBalancerIPs: true\n';
const TALOS_CP = 'machine:\n  type: controlplane\ncluster:\n  proxy:\n    disabled: true\n  network:\n    cni:\n      name: none\n';

test('cilium/l2-requires-kpr', () => {
  ruleTester(l2RequiresKpr, {
    valid: [
      { 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n' + L2) },
      { 'cilium/hr.yaml': hr('kubeProxyReplacement: "true"\n' + L2) },
      // values from a ConfigMap that is not in the repo: absence is not judged
      { 'cilium/hr.yaml': hr(L2, '1.19.6', '  valuesFrom:\n    - kind: ConfigMap\n      name: cilium-values\n') },
      { 'cilium/hr.yaml': hr('kubeProxyReplacement: ${KPR}\n' + L2) },
    ],
    invalid: [
      { files: { 'cilium/hr.yaml': hr('kubeProxyReplacement: false\n' + L2) }, errors: [{ messageId: 'kprOff', file: 'cilium/hr.yaml', line: 15, column: 27, data: { value: 'false' } }] },
      { files: { 'cilium/hr.yaml': hr('ipam:\n  mode: kubernetes\n' + L2) }, errors: [{ messageId: 'kprUnset', line: 18, column: 16 }] },
    ],
  });
});

test('cilium/l2-policy-without-l2 and cilium/l2-without-policy', () => {
  ruleTester(l2PolicyWithoutL2, {
    valid: [
      { 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n' + L2), 'cilium/l2.yaml': POLICY },
      // no Cilium values in the repo: silent
      { 'cilium/l2.yaml': POLICY },
    ],
    invalid: [
      { files: { 'cilium/hr.yaml': hr('kubeProxyReplacement: true\nl2announcements:\n  enabled: false\n'), 'cilium/l2.yaml': POLICY }, errors: [{ messageId: 'off', file: 'cilium/l2.yaml', line: 2, column: 7, data: { name: 'lan' } }] },
      { files: { 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n'), 'cilium/l2.yaml': POLICY }, errors: [{ messageId: 'unset', file: 'cilium/l2.yaml', line: 2, column: 7 }] },
    ],
  });
  ruleTester(l2WithoutPolicy, {
    valid: [
      { 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n' + L2), 'cilium/l2.yaml': POLICY },
      { 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n') },
      // a shared base release whose values live in a cluster folder is judged with that cluster, not with the base group
      {
        'clusters/_base/cilium/hr.yaml': hr('', '1.19.6', '  valuesFrom:\n    - kind: ConfigMap\n      name: cilium-values\n').replace(/  values:\n$/, ''),
        'clusters/home/cilium/kustomization.yaml': 'resources:\n  - l2.yaml\nconfigMapGenerator:\n  - name: cilium-values\n    files:\n      - values.yaml=values.yaml\n',
        'clusters/home/cilium/values.yaml': 'kubeProxyReplacement: true\nl2announcements:\n  enabled: true\n',
        'clusters/home/cilium/l2.yaml': POLICY,
      },
    ],
    invalid: [
      { files: { 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n' + L2) }, errors: [{ messageId: 'noPolicy', file: 'cilium/hr.yaml', line: 17, column: 16, data: { cluster: 'default' } }] },
      // BGP advertises the LB addresses: L2 is idle, not "no IP is announced"
      { files: { 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n' + L2), 'bgp.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumBGPAdvertisement\nmetadata:\n  name: lb\nspec:\n  advertisements:\n    - advertisementType: Service\n      service:\n        addresses: [LoadBalancerIP]\n' }, errors: [{ messageId: 'noPolicyBgp', line: 17, column: 16, data: { cluster: 'default' } }] },
    ],
  });
});

test('cilium/kpr-value', () => {
  ruleTester(kprValue, {
    valid: [
      { 'cilium/hr.yaml': hr('kubeProxyReplacement: false\n') },
      { 'cilium/hr.yaml': hr('kubeProxyReplacement: "true"\n') },
      // a SOPS-encrypted value is unknown, not wrong
      { 'cilium/values.yaml': 'kubeProxyReplacement: ENC[AES256_GCM,data:dHJ1ZQ==,iv:aXY=,tag:dGFn,type:bool]\nsops:\n  version: 3.9.4\n' },
    ],
    invalid: [
      { files: { 'cilium/hr.yaml': hr('kubeProxyReplacement: strict\n', '1.16.19') }, errors: [{ messageId: 'rejected', line: 15, column: 27, data: { value: 'strict', version: '1.16.19' } }] },
      { files: { 'cilium/hr.yaml': hr('kubeProxyReplacement: partial\n', '1.15.19') }, errors: [{ messageId: 'legacy', line: 15, column: 27, data: { value: 'partial', replacement: 'false' } }] },
      { files: { 'cilium/hr.yaml': hr('kubeProxyReplacement: yes-please\n') }, errors: [{ messageId: 'invalid', line: 15, column: 27, data: { value: 'yes-please' } }] },
    ],
  });
});

test('cilium/k8s-service-endpoint', () => {
  const v = (host: string, port: string) => `kubeProxyReplacement: true\nk8sServiceHost: ${host}\nk8sServicePort: ${port}\n`;
  ruleTester(k8sServiceEndpoint, {
    valid: [
      { 'talos/cp.yaml': TALOS_CP, 'cilium/hr.yaml': hr(v('localhost', '7445')) },
      { 'talos/cp.yaml': TALOS_CP, 'cilium/hr.yaml': hr(v('127.0.0.1', '"7445"')) },
      // not a Talos repository: not judged
      { 'cilium/hr.yaml': hr(v('10.0.0.5', '6443')) },
      // a KubePrism port stated in Talos is talos/kubeprism's business
      { 'talos/cp.yaml': TALOS_CP.replace('machine:\n  type: controlplane\n', 'machine:\n  type: controlplane\n  features:\n    kubePrism:\n      enabled: true\n      port: 7446\n'), 'cilium/hr.yaml': hr(v('localhost', '7445')) },
    ],
    invalid: [
      { files: { 'talos/cp.yaml': TALOS_CP, 'cilium/hr.yaml': hr(v('localhost', '6443')) }, errors: [{ messageId: 'port', file: 'cilium/hr.yaml', line: 17, column: 21, data: { value: '6443', port: 7445, host: 'localhost' } }] },
      { files: { 'talos/cp.yaml': TALOS_CP, 'cilium/hr.yaml': hr(v('10.50.0.10', '6443')) }, errors: [{ messageId: 'notLocal', line: 16, column: 21, data: { host: '10.50.0.10' } }] },
      { files: { 'talos/cp.yaml': TALOS_CP, 'cilium/hr.yaml': hr(v('auto', '7445')) }, errors: [{ messageId: 'auto', line: 16, column: 21 }] },
      // the KubePrism port on the VIP or a node: KubePrism binds to localhost only, nothing listens there
      { files: { 'talos/cp.yaml': TALOS_CP, 'cilium/hr.yaml': hr(v('10.50.0.10', '7445')) }, errors: [{ messageId: 'remotePrism', line: 17, column: 21, data: { host: '10.50.0.10', port: 7445 } }] },
      { files: { 'talos/cp.yaml': TALOS_CP, 'cilium/hr.yaml': hr('kubeProxyReplacement: true\nipam:\n  mode: kubernetes\n') }, errors: [{ messageId: 'unset', line: 15, column: 27 }] },
    ],
  });
});

test('cilium/talos-values', () => {
  const GOOD = 'ipam:\n  mode: kubernetes\ncgroup:\n  autoMount:\n    enabled: false\n  hostRoot: /sys/fs/cgroup\nsecurityContext:\n  capabilities:\n    ciliumAgent: [CHOWN, KILL, NET_ADMIN, NET_RAW, IPC_LOCK, SYS_ADMIN, SYS_RESOURCE, DAC_OVERRIDE, FOWNER, SETGID, SETUID]\n    cleanCiliumState: [NET_ADMIN, SYS_ADMIN, SYS_RESOURCE]\n';
  ruleTester(talosValues, {
    valid: [
      { 'talos/cp.yaml': TALOS_CP, 'cilium/hr.yaml': hr(GOOD) },
      // no Talos config in the repository: silent
      { 'cilium/hr.yaml': hr('ipam:\n  mode: cluster-pool\nkubeProxyReplacement: true\n') },
      // Helm values with a `cluster:` key are not Talos config
      { 'cilium/values.yaml': 'cluster:\n  name: home\n  id: 1\nkubeProxyReplacement: true\nipam:\n  mode: cluster-pool\n' },
    ],
    invalid: [
      {
        files: { 'talos/cp.yaml': TALOS_CP, 'cilium/hr.yaml': hr(GOOD.replace('mode: kubernetes', 'mode: cluster-pool').replace('SETUID]', 'SETUID, SYS_MODULE]').replace('autoMount', 'automount')) },
        errors: [
          // the misspelt cgroup.automount is schema/unknown-field's (lint-superseded): not reported here, nor the
          // cgroup.autoMount.enabled it hides as unset
          { messageId: 'wrong', line: 16, column: 13, data: { key: 'ipam.mode', value: 'cluster-pool', expected: 'kubernetes' } },
          { messageId: 'sysModule', line: 23, column: 129, data: { list: 'ciliumAgent' } },
        ],
      },
      {
        files: { 'talos/cp.yaml': TALOS_CP, 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n') },
        errors: [
          // same position: ordered by message
          { messageId: 'unset', line: 14, column: 3, data: { key: 'cgroup.autoMount.enabled' } },
          { messageId: 'unset', line: 14, column: 3, data: { key: 'cgroup.hostRoot' } },
          { messageId: 'unset', line: 14, column: 3, data: { key: 'ipam.mode' } },
          { messageId: 'defaultCaps', line: 14, column: 3 },
        ],
      },
    ],
  });
});

test('cilium/client-rate-limit', () => {
  const svc = (i: number, extra = '') => `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\n  namespace: apps\nspec:\n  type: LoadBalancer\n${extra}  ports:\n    - port: 80\n`;
  const many = (n: number, extra = '') => Array.from({ length: n }, (_, i) => svc(i, extra)).join('');
  const base = 'kubeProxyReplacement: true\nl2announcements:\n  enabled: true\n  leaseRenewDeadline: 1s\n';
  ruleTester(clientRateLimit, {
    valid: [
      { 'cilium/hr.yaml': hr(base + 'k8sClientRateLimit:\n  qps: 12\n  burst: 24\n'), 'cilium/l2.yaml': POLICY, 'apps/svc.yaml': many(12) },
      // chart default (10 from 1.17) covers 10 services at 1s
      { 'cilium/hr.yaml': hr(base), 'cilium/l2.yaml': POLICY, 'apps/svc.yaml': many(10) },
      // services with another loadBalancerClass are not announced
      { 'cilium/hr.yaml': hr(base), 'cilium/l2.yaml': POLICY, 'apps/svc.yaml': many(30, '  loadBalancerClass: io.cilium/bgp-control-plane\n') },
      { 'cilium/hr.yaml': hr(base + 'k8sClientRateLimit:\n  qps: ${QPS}\n'), 'cilium/l2.yaml': POLICY, 'apps/svc.yaml': many(30) },
      // a quoted number in HelmRelease values: schema/type reports it (the chart's values schema), not this rule
      { 'cilium/hr.yaml': hr(base + 'k8sClientRateLimit:\n  qps: "50"\n  burst: 2.5\n'), 'cilium/l2.yaml': POLICY },
    ],
    invalid: [
      { files: { 'cilium/hr.yaml': hr(base), 'cilium/l2.yaml': POLICY, 'apps/svc.yaml': many(11) }, errors: [{ messageId: 'tooLow', file: 'cilium/hr.yaml', line: 14, column: 3, data: { qps: 10, services: 11, renew: 1, required: 11, defaulted: ' (chart default)' } }] },
      { files: { 'cilium/hr.yaml': hr(base + 'k8sClientRateLimit:\n  qps: 20\n  burst: 20\n'), 'cilium/l2.yaml': POLICY }, errors: [{ messageId: 'burst', line: 21, column: 14, data: { burst: 20, qps: 20 } }] },
      // values inside a string (Argo CD helm.values): no schema reads them, so this rule says it (an error from 1.16)
      {
        files: {
          'argocd/cilium.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n  source:\n    repoURL: https://helm.cilium.io/\n    chart: cilium\n    targetRevision: 1.18.4\n    helm:\n      values: |\n        kubeProxyReplacement: true\n        l2announcements:\n          enabled: true\n        k8sClientRateLimit:\n          qps: "50"\n          burst: 100\n',
          'cilium/l2.yaml': POLICY,
        },
        errors: [{ messageId: 'notInteger', file: 'argocd/cilium.yaml', line: 21, column: 16, data: { key: 'qps', value: '50' } }],
      },
    ],
  });
});

test('cilium/lease-timing', () => {
  const l = (d: string, r: string, p: string) => `kubeProxyReplacement: true\nl2announcements:\n  enabled: true\n  leaseDuration: ${d}\n  leaseRenewDeadline: ${r}\n  leaseRetryPeriod: ${p}\n`;
  ruleTester(leaseTiming, {
    valid: [{ 'cilium/hr.yaml': hr(l('3s', '1s', '200ms')) }, { 'cilium/hr.yaml': hr(l('15s', '5s', '2s')) }, { 'cilium/hr.yaml': hr(L2 + 'kubeProxyReplacement: true\n') }],
    invalid: [
      { files: { 'cilium/hr.yaml': hr(l('5s', '2s', '2s')) }, errors: [{ messageId: 'renewRetry', line: 19, column: 27, data: { renew: '2s', retry: '2s' } }] },
      { files: { 'cilium/hr.yaml': hr(l('1s', '2s', '200ms')) }, errors: [{ messageId: 'durationMin', line: 18, column: 22, data: { duration: '1s' } }, { messageId: 'durationRenew', line: 18, column: 22, data: { duration: '1s', renew: '2s' } }] },
      { files: { 'cilium/hr.yaml': hr(l('15', '5s', '2s')) }, errors: [{ messageId: 'invalid', line: 18, column: 22, data: { key: 'leaseDuration', value: '15' } }] },
    ],
  });
});

test('cilium/removed-values and cilium/dotted-values-key', () => {
  ruleTester(removedValues, {
    valid: [{ 'cilium/hr.yaml': hr('kubeProxyReplacement: true\nroutingMode: tunnel\n') }, { 'cilium/hr.yaml': hr('kubeProxyReplacement: false\nexternalIPs:\n  enabled: true\n', '1.16.19') }],
    invalid: [
      {
        files: { 'cilium/hr.yaml': hr('kubeProxyReplacement: true\ntunnel: vxlan\nexternalIPs:\n  enabled: true\nhostPort:\n  enabled: true\n', '1.18.12') },
        errors: [
          { messageId: 'failing', line: 16, column: 5, data: { key: 'tunnel', since: '1.15' } },
          { messageId: 'removed', line: 18, column: 7, data: { key: 'externalIPs.enabled', since: '1.17.6', version: '1.18.12' } },
          { messageId: 'removed', line: 20, column: 7, data: { key: 'hostPort.enabled', since: '1.18' } },
        ],
      },
      { files: { 'cilium/hr.yaml': hr('kubeProxyReplacement: true\nexternalIPs:\n  enabled: true\n', '1.16.19') }, errors: [{ messageId: 'noop', line: 17, column: 7, data: { key: 'externalIPs.enabled' } }] },
      // unknown version: judged against 1.16, a chart-failing key is only a warning
      { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nremoteNodeIdentity: true\n' }, errors: [{ messageId: 'failing', file: 'cilium/values.yaml', line: 2, column: 1, data: { key: 'remoteNodeIdentity' } }] },
    ],
  });
  ruleTester(dottedValuesKey, {
    valid: [{ 'cilium/hr.yaml': hr('kubeProxyReplacement: true\nloadBalancer:\n  algorithm: maglev\npodAnnotations:\n  prometheus.io/scrape: "true"\n') }],
    invalid: [
      { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nk8sServiceHost: localhost\nexternalIPs.enabled: true\nhubble:\n  relay.enabled: true\n' }, errors: [{ messageId: 'dotted', file: 'cilium/values.yaml', line: 3, column: 1, data: { key: 'externalIPs.enabled' } }, { messageId: 'dotted', line: 5, column: 3, data: { key: 'relay.enabled' } }] },
    ],
  });
});

test('cilium/values-key-typo', () => {
  const app = (values: string) =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  source:\n    repoURL: https://helm.cilium.io/\n    chart: cilium\n    targetRevision: 1.19.6\n    helm:\n      valuesObject:\n${values.replace(/^/gm, '        ')}`;
  const kust = 'helmCharts:\n  - name: cilium\n    repo: https://helm.cilium.io\n    version: 1.18.5\n    valuesInline:\n      ipam:\n        mode: kubernetes\n      routingmode: native\n';
  const REAL = 'kubeProxyReplacement: true\nk8sServiceHost: localhost\nk8sServicePort: 7445\nipam:\n  mode: kubernetes\nroutingMode: native\nipv4NativeRoutingCIDR: 10.244.0.0/16\nautoDirectNodeRoutes: true\nenableIPv4Masquerade: true\nbpf:\n  masquerade: true\nl2announcements:\n  enabled: true\nexternalIPs:\n  enabled: true\nloadBalancer:\n  algorithm: maglev\ngatewayAPI:\n  enabled: true\nhubble:\n  relay:\n    enabled: true\noperator:\n  replicas: 1\ncgroup:\n  autoMount:\n    enabled: false\nsecurityContext:\n  privileged: false\nMTU: 1450\nipv4:\n  enabled: true\nipv6:\n  enabled: false\ncni:\n  exclusive: false\nbgpControlPlane:\n  enabled: false\nrollOutCiliumPods: true\n';
  ruleTester(valuesKeyTypo, {
    valid: [
      // many real chart keys
      { 'cilium/hr.yaml': hr(REAL) },
      { 'cilium/values.yaml': REAL },
      // far from every chart value: the top level is open
      { 'cilium/values.yaml': 'kubeProxyReplacement: true\nmyCompanySettings:\n  team: network\nfoo: bar\n' },
      // dotted (cilium/dotted-values-key), templated and removed keys (cilium/removed-values) are other rules' business
      { 'cilium/values.yaml': 'externalIps.enabled: true\n${KEY}: true\ntunnel: vxlan\n' },
      // a different number is a different key, not a misspelling
      { 'cilium/values.yaml': 'ipv5:\n  enabled: true\n' },
    ],
    invalid: [
      { files: { 'cilium/hr.yaml': hr('kubeProxyReplacement: true\nl2anouncements:\n  enabled: true\n') }, errors: [{ messageId: 'typo', file: 'cilium/hr.yaml', line: 16, column: 5, data: { key: 'l2anouncements', suggestion: 'l2announcements' } }] },
      { files: { 'cilium/values.yaml': 'ipam:\n  mode: kubernetes\nkubeProxyReplacment: true\nmtu: 1450\n' }, errors: [{ messageId: 'typo', file: 'cilium/values.yaml', line: 3, column: 1, data: { key: 'kubeProxyReplacment', suggestion: 'kubeProxyReplacement' } }, { messageId: 'typo', line: 4, column: 1, data: { key: 'mtu', suggestion: 'MTU' } }] },
      { files: { 'argocd/cilium.yaml': app('kubeProxyReplacement: true\nexternalIps:\n  enabled: true\negressGatway:\n  enabled: true\n') }, errors: [{ messageId: 'typo', file: 'argocd/cilium.yaml', line: 14, column: 9, data: { key: 'externalIps', suggestion: 'externalIPs' } }, { messageId: 'typo', line: 16, column: 9, data: { key: 'egressGatway', suggestion: 'egressGateway' } }] },
      { files: { 'talos/cni/kustomization.yaml': kust }, errors: [{ messageId: 'typo', line: 8, column: 7, data: { key: 'routingmode', suggestion: 'routingMode' } }] },
    ],
  });
});

test('cilium/operator-replicas', () => {
  const tc = (n: number) => `clusterName: home\ntalosVersion: v1.13.9\nendpoint: https://10.50.0.10:6443\nnodes:\n${Array.from({ length: n }, (_, i) => `  - hostname: n${i}\n    ipAddress: 10.50.0.1${i}\n    controlPlane: true\n`).join('')}`;
  ruleTester(operatorReplicas, {
    valid: [
      { 'talos/talconfig.yaml': tc(2), 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n') },
      { 'talos/talconfig.yaml': tc(1), 'cilium/hr.yaml': hr('kubeProxyReplacement: true\noperator:\n  replicas: 1\n') },
      { 'talos/talconfig.yaml': tc(1), 'cilium/hr.yaml': hr('kubeProxyReplacement: true\noperator:\n  replicas: ${REPLICAS:=1}\n') },
      // no nodes known: silent
      { 'cilium/hr.yaml': hr('kubeProxyReplacement: true\noperator:\n  replicas: 3\n') },
    ],
    invalid: [
      { files: { 'talos/talconfig.yaml': tc(1), 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n') }, errors: [{ messageId: 'tooMany', file: 'cilium/hr.yaml', line: 14, column: 3, data: { replicas: 2, nodes: 1, pending: 1, defaulted: ' (chart default)' } }] },
      { files: { 'talos/talconfig.yaml': tc(2), 'cilium/hr.yaml': hr('kubeProxyReplacement: true\noperator:\n  replicas: 3\n') }, errors: [{ messageId: 'tooMany', line: 17, column: 17, data: { replicas: 3, nodes: 2, pending: 1 } }] },
    ],
  });
});

test('cilium/bpf-masquerade-host-dns', () => {
  const talos = (fwd: string) => `machine:\n  type: controlplane\n  features:\n    hostDNS:\n      enabled: true\n${fwd}`;
  const vals = 'kubeProxyReplacement: true\nbpf:\n  masquerade: true\n';
  ruleTester(bpfMasqueradeHostDns, {
    valid: [
      { 'talos/cp.yaml': talos('      forwardKubeDNSToHost: false\n'), 'cilium/hr.yaml': hr(vals) },
      { 'cilium/hr.yaml': hr(vals) },
      { 'talos/cp.yaml': talos('      forwardKubeDNSToHost: true\n'), 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n') },
      // legacy host routing sends the redirected DNS packets through the host stack again
      { 'talos/cp.yaml': talos('      forwardKubeDNSToHost: true\n'), 'cilium/hr.yaml': hr(vals + '  hostLegacyRouting: true\n') },
    ],
    invalid: [
      { files: { 'talos/cp.yaml': talos('      forwardKubeDNSToHost: true\n'), 'cilium/hr.yaml': hr(vals + '  hostLegacyRouting: false\n') }, errors: [{ messageId: 'conflict', line: 17, column: 19 }] },
      { files: { 'talos/cp.yaml': talos('      forwardKubeDNSToHost: true\n'), 'cilium/hr.yaml': hr(vals) }, errors: [{ messageId: 'conflict', file: 'cilium/hr.yaml', line: 17, column: 19, data: { why: 'forwardKubeDNSToHost: true' } }] },
      { files: { 'talos/cp.yaml': 'machine:\n  type: controlplane\n', 'cilium/hr.yaml': hr(vals) }, errors: [{ messageId: 'conflictDefault', line: 17, column: 19 }] },
    ],
  });
});

test('cilium/version-drift', () => {
  const helmfile = (v: string) => `releases:\n  - name: cilium\n    namespace: kube-system\n    chart: cilium/cilium\n    version: ${v}\n    values:\n      - kubeProxyReplacement: true\n`;
  ruleTester(versionDrift, {
    valid: [{ 'bootstrap/helmfile.yaml': helmfile('1.19.6'), 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n', '1.19.6') }, { 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n') }],
    invalid: [
      { files: { 'bootstrap/helmfile.yaml': helmfile('1.20.1'), 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n', '1.19.6') }, errors: [{ messageId: 'drift', file: 'bootstrap/helmfile.yaml', line: 5, column: 14, data: { bootstrap: '1.20.1', gitops: '1.19.6', direction: 'downgrades' } }] },
      { files: { 'bootstrap/helmfile.yaml': helmfile('1.19.2'), 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n', '1.19.6') }, errors: [{ messageId: 'drift', line: 5, column: 14, data: { direction: 'upgrades' } }] },
    ],
  });
});

test('severities follow what the repository states', () => {
  const sev = (files: Record<string, string>, rule: Parameters<typeof lintRepo>[1][number]) => lintRepo(files, [rule]).map((d) => `${d.messageId}:${d.severity}`);
  // removed key: error when the version is known, warning when it is not
  assert.deepEqual(sev({ 'cilium/hr.yaml': hr('kubeProxyReplacement: true\nremoteNodeIdentity: true\n', '1.18.12') }, removedValues), ['failing:error']);
  assert.deepEqual(sev({ 'cilium/values.yaml': 'kubeProxyReplacement: true\nremoteNodeIdentity: true\n' }, removedValues), ['failing:warning']);
  // KPR explicitly off is an error; unset only a warning (values may come from elsewhere)
  assert.deepEqual(sev({ 'cilium/hr.yaml': hr('kubeProxyReplacement: false\n' + L2) }, l2RequiresKpr), ['kprOff:error']);
  assert.deepEqual(sev({ 'cilium/hr.yaml': hr('ipam:\n  mode: kubernetes\n' + L2) }, l2RequiresKpr), ['kprUnset:warning']);
  // SYS_MODULE is an error, unset cgroup values are informational
  const caps = 'ipam:\n  mode: kubernetes\nsecurityContext:\n  capabilities:\n    ciliumAgent: [SYS_MODULE]\n';
  assert.deepEqual(sev({ 'talos/cp.yaml': TALOS_CP, 'cilium/hr.yaml': hr(caps) }, talosValues).sort(), ['sysModule:error', 'unset:info', 'unset:info']);
});

test('findings inside an Argo CD helm.values string point at the key or value inside the block', () => {
  // the values block starts on line 11; its first key is on line 12
  const app = (values: string) =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\nspec:\n  source:\n    repoURL: https://helm.cilium.io/\n    chart: cilium\n    targetRevision: 1.19.6\n    helm:\n      values: |\n${values.replace(/^/gm, '        ')}`;
  ruleTester(kprValue, {
    valid: [{ 'argocd/cilium.yaml': app('kubeProxyReplacement: true\n') }],
    invalid: [{ files: { 'argocd/cilium.yaml': app('ipam:\n  mode: kubernetes\nkubeProxyReplacement: yes-please\n') }, errors: [{ messageId: 'invalid', file: 'argocd/cilium.yaml', line: 14, column: 31, data: { value: 'yes-please' } }] }],
  });
  ruleTester(dottedValuesKey, {
    valid: [{ 'argocd/cilium.yaml': app('kubeProxyReplacement: true\nloadBalancer:\n  algorithm: maglev\n') }],
    invalid: [{ files: { 'argocd/cilium.yaml': app('kubeProxyReplacement: true\nloadBalancer.algorithm: maglev\n') }, errors: [{ messageId: 'dotted', line: 13, column: 9, data: { key: 'loadBalancer.algorithm' } }] }],
  });
  ruleTester(valuesKeyTypo, {
    valid: [{ 'argocd/cilium.yaml': app('kubeProxyReplacement: true\nloadBalancer:\n  algorithm: maglev\n') }],
    invalid: [{ files: { 'argocd/cilium.yaml': app('kubeProxyReplacement: true\nloadBalancr:\n  algorithm: maglev\n') }, errors: [{ messageId: 'typo', line: 13, column: 9, data: { key: 'loadBalancr', suggestion: 'loadBalancer' } }] }],
  });
  ruleTester(talosValues, {
    valid: [],
    invalid: [
      {
        files: { 'talos/cp.yaml': TALOS_CP, 'argocd/cilium.yaml': app('kubeProxyReplacement: true\nipam:\n  mode: kubernetes\ncgroup:\n  autoMount:\n    enabled: false\n  hostRoot: /sys/fs/cgroup\nsecurityContext:\n  capabilities:\n    ciliumAgent: [CHOWN, SYS_MODULE]\n    cleanCiliumState: [NET_ADMIN]\n') },
        errors: [{ messageId: 'sysModule', line: 21, column: 34, data: { list: 'ciliumAgent' } }],
      },
    ],
  });
});

test('findings inside a folded, indentation-indicated or double-quoted helm.values string point inside it too', () => {
  const app = (values: string) =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\nspec:\n  source:\n    repoURL: https://helm.cilium.io/\n    chart: cilium\n    targetRevision: 1.19.6\n    helm:\n      values: ${values}`;
  // line 11 holds the header; a blank line keeps folded keys apart
  const folded = app('>\n        ipam:\n          mode: kubernetes\n\n        kubeProxyReplacement: yes-please\n');
  const indicated = app('|2-\n          ipam:\n            mode: kubernetes\n          kubeProxyReplacement: yes-please\n');
  const quoted = app('"ipam: {mode: kubernetes}\\n\\\n        kubeProxyReplacement: \\"yes-please\\"\\n"\n');
  ruleTester(kprValue, {
    valid: [],
    invalid: [
      { files: { 'argocd/cilium.yaml': folded }, errors: [{ messageId: 'invalid', line: 15, column: 31, data: { value: 'yes-please' } }] },
      { files: { 'argocd/cilium.yaml': indicated }, errors: [{ messageId: 'invalid', line: 14, column: 33, data: { value: 'yes-please' } }] },
      // after an escaped line break, at the escaped quote that opens the value
      { files: { 'argocd/cilium.yaml': quoted }, errors: [{ messageId: 'invalid', line: 12, column: 31, data: { value: 'yes-please' } }] },
    ],
  });
});

test('a values file shared by the helmfile bootstrap and the Flux release: each key is reported once', () => {
  const found = (values: string, rule: Parameters<typeof lintRepo>[1][number]) => {
    const files = {
      'bootstrap/helmfile.yaml': 'releases:\n  - name: cilium\n    namespace: kube-system\n    chart: cilium/cilium\n    version: 1.18.2\n    values:\n      - ../kubernetes/cilium/app/values.yaml\n',
      'kubernetes/cilium/app/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [helmrelease.yaml]\nconfigMapGenerator:\n  - name: cilium-values\n    files: [values.yaml]\n',
      'kubernetes/cilium/app/helmrelease.yaml': hr('kubeProxyReplacement: true\n', '1.18.4').replace('  values:\n', '  valuesFrom:\n    - kind: ConfigMap\n      name: cilium-values\n  values:\n'),
      'kubernetes/cilium/app/values.yaml': values,
    };
    return lintRepo(files, [rule]).filter((d) => d.file === 'kubernetes/cilium/app/values.yaml').map((d) => [d.messageId, d.range.start.line, d.data?.['key']]);
  };
  assert.deepEqual(found('kubeProxyReplacement: true\nexternalIPs:\n  enabled: true\n', removedValues), [['removed', 3, 'externalIPs.enabled']]);
  assert.deepEqual(found('kubeProxyReplacement: true\nl2Announcements:\n  enabled: true\n', valuesKeyTypo), [['typo', 2, 'l2Announcements']]);
});
