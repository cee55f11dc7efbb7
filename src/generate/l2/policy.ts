/**
 * The one cluster-scoped CiliumL2AnnouncementPolicy (`cilium.io/v2alpha1`, no namespace): announces LB-IPAM
 * addresses (`loadBalancerIPs: true`) on the nodes' real Talos link names as ANCHORED regexes (Cilium matches
 * them unanchored), including `<nic>.<vlan>` and Talos's hashed VLAN names for long NIC names.
 */
import { L2_POLICY_API_VERSION, L2_POLICY_KIND } from '../../data/cilium.js';
import type { Cluster } from '../../spec/types.js';
import { ciliumObjectAnnotations } from '../gitops-annotations.js';

/** `^enp1s0\.50$` for `enp1s0.50`: every regex metacharacter escaped (RE2 and JS agree on these). */
export function anchoredLinkRegex(link: string): string {
  return `^${link.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

export function l2PolicyName(c: Cluster): string {
  return `lan-vlan${c.lan.vlan}`;
}

export function l2PolicyObject(c: Cluster): Record<string, unknown> {
  const interfaces = [...new Set(c.nodes.map((n) => anchoredLinkRegex(n.link)))].sort();
  const metadata: Record<string, unknown> = { name: l2PolicyName(c), labels: { 'app.kubernetes.io/managed-by': 'talium' } };
  const annotations = ciliumObjectAnnotations(c);
  if (annotations) metadata['annotations'] = annotations;
  return {
    apiVersion: L2_POLICY_API_VERSION,
    kind: L2_POLICY_KIND,
    metadata,
    spec: { externalIPs: false, interfaces, loadBalancerIPs: true },
  };
}
