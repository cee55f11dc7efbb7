/** k8s/no-kube-proxy: a kube-proxy DaemonSet committed while Cilium replaces kube-proxy. */
import { ciliumReplacesKubeProxy, factRelated } from '../../plan/lb.js';
import { defineRule, type RuleFinding } from '../types.js';
import { docsOfKind } from '../../core/kind-index.js';

const HR = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: 1.18.4\n  values:\n    kubeProxyReplacement: true\n';
const DS = 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\nspec:\n  template:\n    spec:\n      containers:\n        - name: kube-proxy\n          image: registry.k8s.io/kube-proxy:v1.33.0\n';

export default defineRule({
  meta: {
    id: 'k8s/no-kube-proxy',
    description: 'A kube-proxy DaemonSet is deployed while Cilium replaces kube-proxy.',
    severity: 'error',
    messages: {
      kubeProxy: 'DaemonSet "{{name}}" runs kube-proxy, but Cilium is installed with kubeProxyReplacement: true.',
      talosOff: 'DaemonSet "{{name}}" runs kube-proxy, but the Talos config disables kube-proxy for this cluster.',
    },
    help: 'Remove the kube-proxy DaemonSet (and disable it in Talos with KubeProxyConfig enabled: false or cluster.proxy.disabled: true).',
    docs: {
      what: 'Finds DaemonSets named kube-proxy or running a kube-proxy image in a cluster whose Cilium release sets kubeProxyReplacement: true, or whose Talos config disables kube-proxy.',
      why: 'With kube-proxy replacement Cilium programs Services in eBPF; a kube-proxy next to it writes competing iptables rules, which breaks Service traffic in hard-to-debug ways.',
      fix: 'Delete the DaemonSet from the repository and from the cluster (`kubectl -n kube-system delete ds kube-proxy`).',
      sources: ['https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium', 'https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/'],
    },
    examples: {
      valid: [{ files: { 'cilium.yaml': HR } }],
      invalid: [
        { files: { 'cilium.yaml': HR, 'kube-proxy.yaml': DS } },
        { files: { 'talos/patch.yaml': 'cluster:\n  proxy:\n    disabled: true\n', 'kube-proxy.yaml': DS } },
      ],
    },
  },
  check({ cluster }) {
    const talosOff = cluster.plan.talos.kubeProxyDisabled?.value === true;
    if (!ciliumReplacesKubeProxy(cluster) && !talosOff) return [];
    const out: RuleFinding[] = [];
    for (const d of docsOfKind(cluster.docs, 'DaemonSet')) {
      if (d.group !== 'apps') continue;
      const containers = d.get(['spec', 'template', 'spec', 'containers']);
      const images = Array.isArray(containers) ? containers.map((c) => (c && typeof c === 'object' ? String((c as Record<string, unknown>)['image'] ?? '') : '')) : [];
      if (d.name !== 'kube-proxy' && !images.some((i) => /(^|\/)kube-proxy(:|@|$)/.test(i))) continue;
      const kpr = ciliumReplacesKubeProxy(cluster);
      const f = cluster.plan.talos.kubeProxyDisabled;
      out.push({ doc: d, path: ['metadata', 'name'], messageId: kpr ? 'kubeProxy' : 'talosOff', data: { name: d.name ?? '' }, related: !kpr ? factRelated(f, 'kube-proxy disabled here') : [] });
    }
    return out;
  },
});
