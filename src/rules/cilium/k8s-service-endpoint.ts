/**
 * cilium/k8s-service-endpoint: on Talos with kube-proxy replacement, `k8sServiceHost`/`k8sServicePort` point at
 * KubePrism (localhost + its port, default 7445). A KubePrism port stated in Talos is judged by talos/kubeprism; the
 * Talos default (the plan's defaulted fact, or no fact at all) is compared here, and the finding says it stands on it.
 */
import { KUBEPRISM_DEFAULT_PORT } from '../../data/talos.js';
import { hasTalos } from '../talos/lib/talos-docs.js';
import { defineRule, type RuleFinding } from '../types.js';
import { SRC } from './lib/sources.js';
import { dedupe, incomplete, isSet, kprOn, placeOf, releases, unknowable, valueOf } from './lib/values.js';

const LOCAL = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const TALOS = 'machine:\n  type: controlplane\ncluster:\n  proxy:\n    disabled: true\n  network:\n    cni:\n      name: none\n';

export default defineRule({
  meta: {
    id: 'cilium/k8s-service-endpoint',
    description: 'On Talos with kube-proxy replacement, Cilium reaches the API server through KubePrism (localhost:7445).',
    severity: 'error',
    messageSeverities: { unset: 'warning', notLocal: 'warning' },
    messages: {
      auto: 'k8sServiceHost "auto" reads the kubeadm cluster-info ConfigMap, which Talos does not create; use KubePrism ("localhost", port {{port}}).',
      unset: 'Cilium replaces kube-proxy on Talos but k8sServiceHost is not set; the agent cannot reach the API server before its own service handling runs.',
      notLocal: 'k8sServiceHost "{{host}}" bypasses KubePrism; on Talos use "localhost" with port {{port}} for an API endpoint that survives control-plane failures.',
      remotePrism: 'k8sServiceHost "{{host}}" with k8sServicePort {{port}}: KubePrism binds to localhost only, so nothing serves {{host}}:{{port}} and the agent cannot reach the API server.',
      port: 'k8sServicePort {{value}} is not the KubePrism port {{port}} ({{portSource}}) while k8sServiceHost is "{{host}}"; the agent cannot reach the API server.',
    },
    help: 'Set `k8sServiceHost: localhost` and `k8sServicePort: 7445` (the KubePrism port) in the Cilium values.',
    docs: {
      what: 'For Talos clusters whose Cilium values turn on `kubeProxyReplacement`, checks that `k8sServiceHost` is a loopback name or address and `k8sServicePort` the KubePrism port (7445 unless Talos says otherwise).\n\nWhen the repository sets no KubePrism port, the port compared is the Talos default (7445, on by default since Talos 1.6), and the finding says so (`portSource`: `Talos 1.13 default` when the Talos version is known, `Talos default` when it is not). A port or state the Talos config sets is compared by talos/kubeprism instead.',
      why: 'Without kube-proxy the `kubernetes` ClusterIP is not routed until Cilium runs, so the agent needs a direct endpoint. KubePrism gives every node a local, highly-available one; a wrong port means connection refused and no CNI; a single node IP is a single point of failure.',
      fix: 'Use `k8sServiceHost: localhost` and `k8sServicePort: 7445`, or the port configured in `machine.features.kubePrism` / `KubePrismConfig`.',
      sources: [SRC.talosCilium, SRC.kubePrism],
    },
    examples: {
      valid: [{ files: { 'talos/patch.yaml': TALOS, 'cilium/values.yaml': 'kubeProxyReplacement: true\nk8sServiceHost: localhost\nk8sServicePort: 7445\n' } }],
      invalid: [
        { files: { 'talos/patch.yaml': TALOS, 'cilium/values.yaml': 'kubeProxyReplacement: true\nk8sServiceHost: localhost\nk8sServicePort: 6443\n' } },
        { files: { 'talos/patch.yaml': TALOS, 'cilium/values.yaml': 'kubeProxyReplacement: true\nk8sServiceHost: 10.50.0.10\nk8sServicePort: 7445\n' } },
        { files: { 'talos/patch.yaml': TALOS, 'cilium/values.yaml': 'kubeProxyReplacement: true\nk8sServiceHost: 10.50.0.10\nk8sServicePort: 6443\n' } },
        { files: { 'talos/patch.yaml': TALOS, 'cilium/values.yaml': 'kubeProxyReplacement: true\nk8sServicePort: 7445\n' } },
      ],
    },
  },
  check({ cluster }) {
    if (!hasTalos(cluster)) return [];
    const prism = cluster.plan.talos.kubePrism;
    const port = prism?.value.port ?? KUBEPRISM_DEFAULT_PORT;
    // what the port rests on: a Talos setting, the default of the known Talos version, or the default alone
    const portSource = !prism ? 'Talos default' : prism.from.defaulted ?? 'Talos config';
    const out: RuleFinding[] = [];
    for (const r of releases(cluster)) {
      if (kprOn(r) !== true) continue;
      const host = valueOf(r, ['k8sServiceHost']);
      if (unknowable(host)) continue;
      if (!isSet(r, ['k8sServiceHost']) || host === '' || host === null) {
        if (!isSet(r, ['k8sServiceHostRef']) && !incomplete(r, cluster.docs)) out.push({ ...placeOf(r, ['kubeProxyReplacement']), messageId: 'unset', data: { port }, severity: 'warning' });
        continue;
      }
      const h = String(host);
      if (h === 'auto') { out.push({ ...placeOf(r, ['k8sServiceHost']), messageId: 'auto', data: { port } }); continue; }
      if (!LOCAL.has(h)) {
        // the KubePrism port on a remote address: KubePrism listens on each node's loopback only (domain facts 3.2)
        const pv = valueOf(r, ['k8sServicePort']);
        if (!unknowable(pv) && pv !== undefined && Number(pv) === port) out.push({ ...placeOf(r, ['k8sServicePort']), messageId: 'remotePrism', data: { host: h, port } });
        else out.push({ ...placeOf(r, ['k8sServiceHost']), messageId: 'notLocal', data: { host: h, port }, severity: 'warning' });
        continue;
      }
      if (prism && !prism.from.defaulted) continue; // a stated KubePrism port/state is compared by talos/kubeprism
      const pv = valueOf(r, ['k8sServicePort']);
      if (unknowable(pv) || (pv === undefined && incomplete(r, cluster.docs))) continue;
      if (Number(pv) !== port) out.push({ ...placeOf(r, ['k8sServicePort']), messageId: 'port', data: { value: pv === undefined ? '(unset)' : String(pv), port, host: h, portSource } });
    }
    return dedupe(out);
  },
});
