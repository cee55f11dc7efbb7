/**
 * Pod and service CIDRs the generated cluster can run with (spec/cluster-cidr):
 * - IPv4: the generated Cilium values are single-stack IPv4 (`ipam.mode: kubernetes` waits for an IPv4 podCIDR on
 *   every node), and Kubernetes wants the pod and service networks of one family;
 * - the pod network holds a per-node /24 for every node: the controller-manager carves podCIDRs of
 *   `nodeCIDRMaskSizeIPv4` (default 24, Talos KubeNetworkConfig / kube-controller-manager) from it, and a node
 *   left without one never gets a Cilium agent ready;
 * - the service network is at most 20 bits (/12): kube-apiserver refuses a larger `--service-cluster-ip-range`.
 * Invalid CIDRs, host bits and overlaps are check-network.ts's.
 */
import type { Path, YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import { DEFAULT_POD_SUBNET, DEFAULT_SERVICE_SUBNET } from '../data/talos.js';
import { parseCidr } from '../net/ip.js';

/** kube-controller-manager / Talos KubeNetworkConfig default `node-cidr-mask-size-ipv4`. */
export const NODE_CIDR_MASK_SIZE_IPV4 = 24;
/** kube-apiserver: the service range may hold at most 2^20 addresses (IPv4 /12). */
export const MAX_SERVICE_CIDR_BITS = 20;

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

export function checkClusterCidrs(value: unknown, doc: YamlDocument): Finding[] {
  const out: Finding[] = [];
  const root = obj(value);
  const cluster = obj(root['cluster']);
  const nodes = Array.isArray(root['nodes']) ? root['nodes'].length : 0;
  const report = (key: string, message: string, help: string, data: Record<string, string | number>) => {
    const written = typeof cluster[key] === 'string';
    const path: Path = written ? ['cluster', key] : root['cluster'] !== undefined ? ['cluster'] : [];
    out.push({ doc, path, key: !written, ruleId: 'spec/cluster-cidr', severity: 'error', message, help, data: { what: `cluster.${key}`, ...data } });
  };
  for (const [key, def] of [['podCidr', DEFAULT_POD_SUBNET], ['serviceCidr', DEFAULT_SERVICE_SUBNET]] as const) {
    const c = parseCidr(typeof cluster[key] === 'string' ? (cluster[key] as string) : def);
    if (!c) continue; // spec/invalid-cidr
    if (c.family !== 4) {
      report(key, `cluster.${key} ${c.canonical} is IPv6; talium generates a single-stack IPv4 cluster (Cilium IPv4 only, pod and service networks of one family).`, `Use an IPv4 private range such as ${def}.`, { cidr: c.canonical, problem: 'family' });
      continue;
    }
    if (key === 'podCidr') {
      const perNode = c.prefix <= NODE_CIDR_MASK_SIZE_IPV4 ? 2 ** (NODE_CIDR_MASK_SIZE_IPV4 - c.prefix) : 0;
      if (perNode < nodes) {
        report(
          key,
          `cluster.podCidr ${c.canonical} holds ${perNode} per-node /${NODE_CIDR_MASK_SIZE_IPV4} pod network(s) for ${nodes} node(s); a node without one gets no pod addresses (Cilium ipam.mode kubernetes).`,
          `Use a pod network of /${NODE_CIDR_MASK_SIZE_IPV4 - Math.ceil(Math.log2(Math.max(nodes, 1)))} or larger (the default is ${DEFAULT_POD_SUBNET}).`,
          { cidr: c.canonical, problem: 'too-small', nodeCidrs: perNode, nodes },
        );
      }
    } else if (32 - c.prefix > MAX_SERVICE_CIDR_BITS) {
      report(key, `cluster.serviceCidr ${c.canonical} is larger than /${32 - MAX_SERVICE_CIDR_BITS}; kube-apiserver refuses a service range of more than ${MAX_SERVICE_CIDR_BITS} bits.`, `Use a /${32 - MAX_SERVICE_CIDR_BITS} or smaller range (the default is ${DEFAULT_SERVICE_SUBNET}).`, { cidr: c.canonical, problem: 'too-large' });
    }
  }
  return out;
}
