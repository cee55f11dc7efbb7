/** k8s/no-metallb: MetalLB address pools / L2 advertisements next to Cilium L2 announcements. */
import { usesL2 } from '../../plan/lb.js';
import { defineRule, type RuleFinding } from '../types.js';
import { docsOfKinds } from '../../core/kind-index.js';

const POLICY = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n';
const METALLB = 'apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata:\n  name: lan\n  namespace: metallb-system\n';
const KINDS = new Set(['IPAddressPool', 'L2Advertisement', 'BGPAdvertisement', 'AddressPool']);

export default defineRule({
  meta: {
    id: 'k8s/no-metallb',
    description: 'MetalLB objects are deployed next to Cilium L2 announcements.',
    severity: 'error',
    messages: {
      metallb: 'MetalLB {{kind}} "{{name}}" is deployed next to Cilium L2 announcements; two ARP responders will answer for LoadBalancer IPs.',
    },
    help: 'Use one LoadBalancer implementation: remove MetalLB, or turn Cilium L2 announcements off.',
    docs: {
      what: 'Finds MetalLB (`metallb.io`) IPAddressPool, L2Advertisement, BGPAdvertisement and legacy AddressPool objects in a cluster that also uses Cilium L2 announcements (a CiliumL2AnnouncementPolicy or `l2announcements.enabled: true`).',
      why: 'MetalLB and Cilium both assign LoadBalancer IPs and both answer ARP for them: Services get two owners and the LAN sees ARP flapping.',
      fix: 'Migrate the pools to CiliumLoadBalancerIPPool and delete the MetalLB objects (or keep MetalLB and drop the Cilium L2 policy).',
      sources: ['https://docs.cilium.io/en/stable/network/l2-announcements/', 'https://docs.cilium.io/en/stable/network/lb-ipam/'],
    },
    examples: {
      valid: [{ files: { 'l2.yaml': POLICY } }],
      invalid: [{ files: { 'l2.yaml': POLICY, 'metallb.yaml': METALLB } }],
    },
  },
  check({ cluster }) {
    if (!usesL2(cluster)) return [];
    const out: RuleFinding[] = [];
    for (const d of docsOfKinds(cluster.docs, KINDS)) {
      if (d.group !== 'metallb.io') continue;
      out.push({ doc: d, path: ['kind'], messageId: 'metallb', data: { kind: d.kind ?? '', name: d.name ?? '' } });
    }
    return out;
  },
});
