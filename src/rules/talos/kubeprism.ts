/** talos/kubeprism: KubePrism turned off, or on another port than the one Cilium's `k8sServicePort` uses. */
import { factPlace } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { kprOn, placeOf, releases, unknowable, valueOf } from '../cilium/lib/values.js';
import { defineRule, type RuleFinding } from '../types.js';

const LOCAL = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const CP = (prism: string) => `machine:\n  type: controlplane\n  features:\n    kubePrism:\n${prism}cluster:\n  proxy:\n    disabled: true\n`;
const VALUES = 'kubeProxyReplacement: true\nk8sServiceHost: localhost\nk8sServicePort: 7445\n';

export default defineRule({
  meta: {
    id: 'talos/kubeprism',
    description: 'KubePrism must be on, on the port Cilium uses as `k8sServicePort`.',
    severity: 'error',
    messages: {
      off: 'KubePrism is disabled here but Cilium reaches the API server at {{host}}:{{ciliumPort}} (KubePrism); the agent cannot start.',
      port: 'KubePrism listens on port {{port}} but Cilium uses k8sServicePort {{ciliumPort}} with k8sServiceHost "{{host}}".',
    },
    help: 'Keep KubePrism enabled and set Cilium `k8sServicePort` to its port (default 7445), or change both together.',
    docs: {
      what: 'Compares the KubePrism setting of the Talos config (`machine.features.kubePrism` or `KubePrismConfig`) with the Cilium values that point at a loopback API endpoint.',
      why: 'With kube-proxy replacement the Cilium agent talks to the API server through KubePrism on localhost; if KubePrism is off or listens elsewhere, the agent gets "connection refused", the CNI never comes up and nodes stay NotReady.',
      fix: 'Enable KubePrism (default since Talos 1.6) and keep its port and `k8sServicePort` equal.',
      sources: [SRC.kubePrism, SRC.talosCilium],
    },
    examples: {
      valid: [{ files: { 'talos/controlplane.yaml': CP('      enabled: true\n      port: 7445\n'), 'cilium/values.yaml': VALUES } }],
      invalid: [{ files: { 'talos/controlplane.yaml': CP('      enabled: true\n      port: 7446\n'), 'cilium/values.yaml': VALUES } }],
    },
  },
  check({ cluster }) {
    const prism = cluster.plan.talos.kubePrism;
    const place = prism ? factPlace(prism.from) : undefined;
    if (!prism || !place) return [];
    const out: RuleFinding[] = [];
    for (const r of releases(cluster)) {
      if (kprOn(r) !== true) continue;
      const host = valueOf(r, ['k8sServiceHost']);
      const portRaw = valueOf(r, ['k8sServicePort']);
      if (typeof host !== 'string' || !LOCAL.has(host) || unknowable(portRaw) || portRaw === undefined) continue;
      const ciliumPort = Number(portRaw);
      const related = [{ ...placeOf(r, ['k8sServicePort']), message: `Cilium uses ${host}:${String(portRaw)} here.` }];
      if (!prism.value.enabled) out.push({ ...place, messageId: 'off', data: { host, ciliumPort }, related });
      else if (prism.value.port !== ciliumPort) out.push({ ...place, messageId: 'port', data: { port: prism.value.port, ciliumPort, host }, related });
      if (out.length) break;
    }
    return out;
  },
});
