/** network/pool-outside-lan: an L2-announced pool block that is not on the LAN (or any subnet) the nodes sit on. */
import { contains, formatInterval } from '../../net/ip.js';
import { explicitFact, factRelated, POOL_BLOCK_FIELDS, usesBgp, usesL2 } from '../../plan/lb.js';
import { poolsForRules } from '../../plan/pool-overlays.js';
import { POOL_OVERLAYS_DOC, blockPlace, mergeOverlayFindings, poolFinding } from './lib/pool-findings.js';
import { defineRule, type RuleFinding } from '../types.js';

const POLICY = `apiVersion: cilium.io/v2alpha1
kind: CiliumL2AnnouncementPolicy
metadata:
  name: l2
spec:
  loadBalancerIPs: true
`;
const CONFIG = `plan:
  lan: 10.50.0.0/24
`;

export default defineRule({
  meta: {
    id: 'network/pool-outside-lan',
    description: 'An LB-IPAM pool block announced over L2 lies outside the LAN the nodes sit on.',
    severity: 'error',
    messages: {
      outside: 'Pool "{{pool}}" block {{block}} is outside the LAN {{lan}}; L2 announcements only answer ARP for addresses on the nodes\' subnet.',
    },
    help: 'Move the pool block inside the LAN the announcing interface is on, or announce it with BGP instead of L2.',
    docs: {
      what: 'With L2 announcements, every pool block must sit inside the subnet of the interface that answers ARP (the LAN the nodes\' addresses are on). The LAN comes from cluster.yaml, talium.config.yaml `plan.lan`, or the prefix of the nodes\' static addresses in Talos configs and talconfig.yaml (then only when no node also uses DHCP). Silent when the cluster uses BGP.\n\n' + POOL_OVERLAYS_DOC,
      why: 'Hosts only ARP for on-link destinations: an address outside the LAN is never resolved, so the Service is unreachable unless the router has an extra on-link route.',
      fix: 'Pick pool addresses from the LAN (outside the DHCP range, the gateway, the nodes and the VIP), or use BGP for routed pools.',
      sources: ['https://docs.cilium.io/en/stable/network/l2-announcements/', 'https://docs.cilium.io/en/stable/network/lb-ipam/'],
    },
    examples: {
      valid: [{ files: { 'talium.config.yaml': CONFIG, 'l2.yaml': POLICY, 'pool.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 10.50.0.224/28\n' } }],
      invalid: [{ files: { 'talium.config.yaml': CONFIG, 'l2.yaml': POLICY, 'pool.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 10.60.0.224/28\n' } }],
    },
  },
  check({ cluster }) {
    const lan = cluster.plan.lan;
    if (!lan || !usesL2(cluster) || usesBgp(cluster)) return [];
    // an inferred LAN is incomplete when nodes also take DHCP addresses on links the repo does not show
    if (!explicitFact(lan) && cluster.plan.nodes.some((n) => n.dhcp)) return [];
    const subnets = [lan.value, ...cluster.plan.nodes.flatMap((n) => (n.subnets ?? []).map((s) => s.value))];
    const out: RuleFinding[] = [];
    for (const pool of poolsForRules(cluster, POOL_BLOCK_FIELDS)) {
      for (const b of pool.blocks) {
        if (!b.interval || b.interval.family !== lan.value.family) continue;
        if (subnets.some((s) => contains(s, b.interval!))) continue;
        const data = { pool: pool.name, block: b.kind === 'cidr' ? b.text : formatInterval(b.interval), lan: lan.value.canonical };
        out.push(poolFinding(pool, blockPlace(b), 'outside', data, factRelated(lan, `LAN ${lan.value.canonical}`)));
      }
    }
    return mergeOverlayFindings(out);
  },
});
