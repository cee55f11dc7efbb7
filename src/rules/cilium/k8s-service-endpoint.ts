/**
 * cilium/k8s-service-endpoint: on Talos with kube-proxy replacement, `k8sServiceHost`/`k8sServicePort` point at
 * KubePrism (localhost + its port, default 7445). A KubePrism port stated in Talos is judged by talos/kubeprism; the
 * Talos default (the plan's defaulted fact, or no fact at all) is compared here, and the finding says it stands on it.
 */
import { KUBEPRISM_DEFAULT_PORT } from '../../data/talos.js';
import type { YamlDocument } from '../../core/document.js';
import { parseIp } from '../../net/ip.js';
import type { ClusterGroup } from '../../plan/types.js';
import { hasTalos } from '../talos/lib/talos-docs.js';
import { defineRule, type RuleFinding } from '../types.js';
import { SRC } from './lib/sources.js';
import { dedupe, incomplete, isSet, kprOn, placeOf, releases, unknowable, valueOf } from './lib/values.js';

const LOCAL = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const TALOS = 'machine:\n  type: controlplane\ncluster:\n  proxy:\n    disabled: true\n  network:\n    cni:\n      name: none\n';
const TALOS_VIP = TALOS.replace('  type: controlplane\n', '  type: controlplane\n  network:\n    interfaces:\n      - interface: enp1s0\n        addresses: [10.50.0.11/24]\n        vip:\n          ip: 10.50.0.10\n');

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
      notApi: 'k8sServiceHost "{{host}}" is none of the addresses this repository serves the Kubernetes API on ({{known}}): nothing answers there, or its certificate is not valid for it, and the agent cannot reach the API server.',
      remotePrism: 'k8sServiceHost "{{host}}" with k8sServicePort {{port}}: KubePrism binds to localhost only, so nothing serves {{host}}:{{port}} and the agent cannot reach the API server.',
      port: 'k8sServicePort {{value}} is not the KubePrism port {{port}} ({{portSource}}) while k8sServiceHost is "{{host}}"; the agent cannot reach the API server.',
    },
    help: 'Set `k8sServiceHost: localhost` and `k8sServicePort: 7445` (the KubePrism port) in the Cilium values.',
    docs: {
      what: 'For Talos clusters whose Cilium values turn on `kubeProxyReplacement`, checks that `k8sServiceHost` is a loopback name or address and `k8sServicePort` the KubePrism port (7445 unless Talos says otherwise).\n\nWhen the repository sets no KubePrism port, the port compared is the Talos default (7445, on by default since Talos 1.6), and the finding says so (`portSource`: `Talos 1.13 default` when the Talos version is known, `Talos default` when it is not). A port or state the Talos config sets is compared by talos/kubeprism instead.',
      why: 'An IP address that is not the VIP, the control-plane endpoint, a node address or an API server certSAN stated in the Talos configs (usually a typo or an old address) is reported as an error (`notApi`): the API server does not listen there, and its certificate, made for those addresses, is not valid for it. A host name is not judged.\n\nWithout kube-proxy the `kubernetes` ClusterIP is not routed until Cilium runs, so the agent needs a direct endpoint. KubePrism gives every node a local, highly-available one; a wrong port means connection refused and no CNI; a single node IP is a single point of failure.',
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
        { files: { 'talos/patch.yaml': TALOS_VIP, 'cilium/values.yaml': 'kubeProxyReplacement: true\nk8sServiceHost: 10.50.0.100\nk8sServicePort: 6443\n' }, note: 'neither the VIP nor a node' },
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
        else {
          const api = apiAddresses(cluster);
          if (api.known && parseIp(h) && !api.texts.has(canonical(h))) out.push({ ...placeOf(r, ['k8sServiceHost']), messageId: 'notApi', data: { host: h, port, known: [...api.shown].join(', ') } });
          else out.push({ ...placeOf(r, ['k8sServiceHost']), messageId: 'notLocal', data: { host: h, port }, severity: 'warning' });
        }
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

/** An address in one spelling (`010.050.000.010` is not an address Go parses; IPv6 shortened) for comparison. */
function canonical(text: string): string {
  const ip = parseIp(text.replace(/^\[|\]$/g, ''));
  return ip ? `${ip.family}:${ip.value}` : text.toLowerCase();
}

/**
 * The addresses the repository serves the Kubernetes API on: the plan's VIP and node addresses, and every
 * control-plane endpoint host and API server / machine certSAN the Talos configs and talconfig state. `known`: the VIP
 * or an endpoint is stated (else there is nothing to compare with).
 */
function apiAddresses(cluster: ClusterGroup): { known: boolean; texts: Set<string>; shown: Set<string> } {
  const texts = new Set<string>();
  const shown = new Set<string>();
  let known = false;
  const add = (t: string, what: string) => {
    texts.add(canonical(t));
    shown.add(`${what} ${t}`);
  };
  if (cluster.plan.vip) {
    known = true;
    add(cluster.plan.vip.value.text, 'VIP');
  }
  for (const n of cluster.plan.nodes) if (n.address) add(n.address.value.text, `node ${n.name}`);
  for (const d of cluster.plan.talos.docs) known = endpointsOf(d, add) || known;
  return { known, texts, shown };
}

const SAN_KEYS = new Set(['certSANs', 'additionalApiServerCertSans', 'additionalMachineCertSans']);

/** Endpoint hosts (`cluster.controlPlane.endpoint`, talconfig `endpoint`) and certSANs of a Talos document; true when an endpoint is stated. */
function endpointsOf(d: YamlDocument, add: (t: string, what: string) => void): boolean {
  let endpoint = false;
  const walk = (v: unknown, key: string, depth: number): void => {
    if (depth > 8 || v === null || typeof v !== 'object') return;
    for (const [k, x] of Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v)) {
      if (k === 'endpoint' && typeof x === 'string' && (key === 'controlPlane' || depth === 0)) {
        const host = /^[a-z]+:\/\/(\[[^\]]+\]|[^/:]+)/i.exec(x)?.[1];
        if (host) {
          add(host.replace(/^\[|\]$/g, ''), 'endpoint');
          endpoint = true;
        }
      } else if (SAN_KEYS.has(k) && Array.isArray(x)) {
        for (const san of x) if (typeof san === 'string') add(san, 'certSAN');
      } else walk(x, k, depth + 1);
    }
  };
  walk(d.value, '', 0);
  return endpoint;
}
