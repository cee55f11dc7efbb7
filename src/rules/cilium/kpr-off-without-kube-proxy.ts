/**
 * cilium/kpr-off-without-kube-proxy: a Cilium release sets `kubeProxyReplacement: false` while the cluster's Talos
 * config disables kube-proxy, so nothing serves NodePort / LoadBalancer / externalIPs Services (and ClusterIP only
 * per packet from pods). The reverse (replacement on, kube-proxy kept) is talos/kube-proxy-enabled.
 */
import { defineRule, type RuleFinding } from '../types.js';
import { ciliumHelmRelease } from './lib/examples.js';
import { needsKpr, talosKubeProxyRelated } from './lib/kube-proxy.js';
import { SRC } from './lib/sources.js';
import { dedupe, layerSetting, overridable, placeOf, releases, valueOf } from './lib/values.js';

const KEY = ['kubeProxyReplacement'] as const;
const TALOS = 'machine:\n  type: controlplane\ncluster:\n  network:\n    cni:\n      name: none\n  proxy:\n    disabled: true\n';
const hr = ciliumHelmRelease;

export default defineRule({
  meta: {
    id: 'cilium/kpr-off-without-kube-proxy',
    description: 'Cilium must replace kube-proxy (`kubeProxyReplacement: true`) when the Talos config disables kube-proxy.',
    severity: 'error',
    // with L2 announcements on, cilium/l2-requires-kpr reports the same `false`: one finding, the one that says
    // every Service type is unserved (L2-announced LoadBalancers included)
    supersedes: ['cilium/l2-requires-kpr'],
    messages: {
      off: 'Cilium sets kubeProxyReplacement: {{value}} but the Talos config of cluster "{{cluster}}" disables kube-proxy: nothing serves NodePort, LoadBalancer or externalIPs Services, and ClusterIP only from pods.',
    },
    help: 'Set `kubeProxyReplacement: true` (with `k8sServiceHost: localhost` and `k8sServicePort: 7445`, the KubePrism endpoint), or keep kube-proxy in Talos.',
    docs: {
      what: 'For every Cilium release (Flux HelmRelease, Argo CD Application, helmfile, Kustomize `helmCharts`, values files, the same values discovery as cilium/kpr-value) that sets `kubeProxyReplacement` to `false` (or `"false"`) while the Talos control-plane config of the cluster disables kube-proxy (`cluster.proxy.disabled: true` or `KubeProxyConfig enabled: false`; a patch only workers read does not count, as for talos/kube-proxy-enabled), reports the value, with the Talos setting as related location.\n' +
        '\n' +
        'Silent when:\n' +
        '- the release turns a kube-proxy replacement part on itself (`socketLB`, `nodePort`, `externalIPs` or `hostPort` `.enabled`, or their agent options in `extraConfig`: the documented kube-proxy-free setup on `false`);\n' +
        '- a part or the value may come from values the repository does not show;\n' +
        '- `kubeProxyReplacement` is unset (the chart default is `false`, but which installs pick the value themselves is not established).\n' +
        '\n' +
        'The legacy `disabled`/`partial` are cilium/kpr-value\'s findings, which then ask for `true`.',
      why: 'Talos then deploys no kube-proxy, and with `kubeProxyReplacement: false` Cilium only load-balances ClusterIP traffic from pods, per packet: NodePort, LoadBalancer (L2 announcements and LB-IPAM addresses included) and externalIPs Services are served by nothing, and ClusterIP does not work from the host network, which Cilium itself needs to reach the API server when `k8sServiceHost` is not set. The Talos guide pairs `kubeProxyReplacement=false` with a cluster that keeps kube-proxy.',
      fix: 'Set `kubeProxyReplacement: true` with `k8sServiceHost: localhost` and `k8sServicePort: 7445` (KubePrism), as the Talos guide does for a kube-proxy-free cluster; or remove `cluster.proxy.disabled: true` / `KubeProxyConfig enabled: false` from the Talos config when Cilium should run next to kube-proxy.',
      sources: [SRC.talosCilium, SRC.kubeProxyFree, SRC.helmRef],
    },
    examples: {
      valid: [
        { files: { 'talos/controlplane.yaml': TALOS, 'cilium/helmrelease.yaml': hr('    kubeProxyReplacement: true\n    k8sServiceHost: localhost\n    k8sServicePort: 7445\n') } },
        { files: { 'talos/controlplane.yaml': TALOS.replace('disabled: true', 'disabled: false'), 'cilium/helmrelease.yaml': hr('    kubeProxyReplacement: false\n') }, note: 'kube-proxy stays' },
        { files: { 'talos/controlplane.yaml': TALOS, 'cilium/helmrelease.yaml': hr('    kubeProxyReplacement: false\n    socketLB:\n      enabled: true\n    nodePort:\n      enabled: true\n') }, note: 'the replacement parts turned on one by one' },
      ],
      invalid: [{ files: { 'talos/controlplane.yaml': TALOS, 'cilium/helmrelease.yaml': hr('    kubeProxyReplacement: false\n') } }],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const r of releases(cluster)) {
      const v = valueOf(r, KEY);
      if (v !== false && v !== 'false') continue;
      const layer = layerSetting(r, KEY);
      // a values source the repository does not show may set it true
      if (!layer || overridable(r, layer, cluster.docs)) continue;
      if (!needsKpr(cluster, r)) continue;
      // the values may be shared by clusters that keep kube-proxy: reported when every cluster is
      out.push({ ...placeOf(r, KEY), messageId: 'off', data: { value: String(v), cluster: cluster.name }, related: talosKubeProxyRelated(cluster), everyGroup: true });
    }
    return dedupe(out);
  },
});
