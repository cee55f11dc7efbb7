/** network/pool-reserved-address: a pool block that holds the gateway, a node, the VIP, the DHCP range, a reserved range or a pod/service CIDR. */
import { containsIp, formatInterval, intersection, type IpInterval } from '../../net/ip.js';
import { factRelated, POOL_BLOCK_FIELDS } from '../../plan/lb.js';
import { poolsForRules } from '../../plan/pool-overlays.js';
import { POOL_OVERLAYS_DOC, blockPlace, mergeOverlayFindings, poolFinding } from './lib/pool-findings.js';
import type { Fact } from '../../plan/types.js';
import { defineRule, type RuleFinding } from '../types.js';

/** Besides the blocks, what this rule reads of a pool (a patch that may change it makes the pool's text not what is applied). */
const DISABLED = ['spec', 'disabled'];

const CONFIG = `plan:
  lan: 10.50.0.0/24
  gateway: 10.50.0.1
  vip: 10.50.0.10
  dhcp: 10.50.0.100-10.50.0.199
`;
/** Collisions named in the message of a block with several (all of them are related locations). */
const MAX_LISTED = 6;

const pool = (block: string): string => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - ${block}\n`;

export default defineRule({
  meta: {
    id: 'network/pool-reserved-address',
    description: 'An LB-IPAM pool block holds the gateway, a node address, the VIP, the DHCP range, a reserved range or a pod/service CIDR.',
    severity: 'error',
    messages: {
      gateway: 'Pool "{{pool}}" block {{block}} contains the gateway {{address}}.',
      node: 'Pool "{{pool}}" block {{block}} contains the address {{address}} of node "{{node}}".',
      vip: 'Pool "{{pool}}" block {{block}} contains the control-plane VIP {{address}}.',
      dhcp: 'Pool "{{pool}}" block {{block}} overlaps the DHCP range {{range}} ({{overlap}}).',
      reserved: 'Pool "{{pool}}" block {{block}} overlaps the reserved range {{range}} ({{overlap}}).',
      podCidr: 'Pool "{{pool}}" block {{block}} overlaps the pod CIDR {{range}} ({{overlap}}).',
      serviceCidr: 'Pool "{{pool}}" block {{block}} overlaps the service CIDR {{range}} ({{overlap}}).',
      several: 'Pool "{{pool}}" block {{block}} holds {{count}} addresses or ranges already in use: {{list}}.',
    },
    help: 'Shrink or move the pool block so it holds only addresses nobody else uses (outside the gateway, nodes, VIP, DHCP and reserved ranges).',
    docs: {
      what: 'Compares every pool block with the network plan: the gateway, node addresses, the Talos VIP, the DHCP range and reserved ranges (from cluster.yaml or talium.config.yaml), and the pod and service CIDRs. ' + POOL_OVERLAYS_DOC,
      why: 'LB-IPAM hands out any address of a block. A Service that gets the gateway\'s, a node\'s or the VIP\'s address makes Cilium answer ARP for it: two hosts claim one IP and the LAN breaks. A DHCP lease from the same range collides the same way.',
      fix: 'Carve a dedicated range for LoadBalancer IPs (for example a /27 at the top of the LAN) and exclude it from DHCP.',
      sources: ['https://docs.cilium.io/en/stable/network/lb-ipam/', 'https://docs.siderolabs.com/talos/v1.11/networking/vip'],
    },
    examples: {
      valid: [{ files: { 'talium.config.yaml': CONFIG, 'pool.yaml': pool('cidr: 10.50.0.224/28') } }],
      invalid: [
        { files: { 'talium.config.yaml': CONFIG, 'pool.yaml': pool('cidr: 10.50.0.0/24') }, note: 'gateway, VIP and DHCP range in one block: one finding lists them' },
        { files: { 'talium.config.yaml': CONFIG, 'pool.yaml': pool('cidr: 10.50.0.0/30') } },
        { files: { 'talium.config.yaml': CONFIG, 'pool.yaml': pool('cidr: 10.50.0.8/30') } },
        { files: { 'talium.config.yaml': CONFIG, 'pool.yaml': pool('start: 10.50.0.150\n      stop: 10.50.0.210') } },
        { files: { 'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n  reserved: [10.50.0.20-10.50.0.29]\n', 'pool.yaml': pool('start: 10.50.0.25\n      stop: 10.50.0.40') } },
        { files: { 'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n  podCidrs: [10.50.0.0/26]\n', 'pool.yaml': pool('start: 10.50.0.25\n      stop: 10.50.0.40') } },
        { files: { 'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n  serviceCidrs: [10.50.0.0/27]\n', 'pool.yaml': pool('start: 10.50.0.25\n      stop: 10.50.0.40') } },
        { files: { 'talos/node1.yaml': 'machine:\n  type: controlplane\n  network:\n    hostname: node1\n    interfaces:\n      - interface: eth0\n        addresses: [10.50.0.11/24]\n', 'pool.yaml': pool('start: 10.50.0.5\n      stop: 10.50.0.20') }, note: 'node facts come from Talos configs' },
      ],
    },
  },
  check({ cluster }) {
    const plan = cluster.plan;
    const out: RuleFinding[] = [];
    for (const p of poolsForRules(cluster, [...POOL_BLOCK_FIELDS, DISABLED])) {
      if (p.disabled) continue;
      for (const b of p.blocks) {
        const iv = b.interval;
        if (!iv) continue;
        const base = { pool: p.name, block: b.kind === 'cidr' ? b.text : formatInterval(iv) };
        // every collision of this block: one finding for one, one finding listing them all for several (one block
        // to shrink, not five errors on the same line)
        const hits: Array<{ messageId: string; data: Record<string, string>; label: string; related: RuleFinding['related'] }> = [];
        const at = (messageId: string, data: Record<string, string>, label: string, related: RuleFinding['related']): void => {
          hits.push({ messageId, data, label, related: related ?? [] });
        };
        if (plan.gateway && containsIp(iv, plan.gateway.value.family, plan.gateway.value.value)) {
          const label = `gateway ${plan.gateway.value.text}`;
          at('gateway', { address: plan.gateway.value.text }, label, factRelated(plan.gateway, label));
        }
        for (const n of plan.nodes) {
          const a = n.address;
          if (a && containsIp(iv, a.value.family, a.value.value)) at('node', { address: a.value.text, node: n.name }, `node "${n.name}" ${a.value.text}`, factRelated(a, `address of node "${n.name}"`));
        }
        if (plan.vip && containsIp(iv, plan.vip.value.family, plan.vip.value.value)) {
          const label = `VIP ${plan.vip.value.text}`;
          at('vip', { address: plan.vip.value.text }, label, factRelated(plan.vip, label));
        }
        const ranges: Array<[string, Fact<IpInterval>, string]> = [];
        if (plan.dhcp) ranges.push(['dhcp', plan.dhcp, 'DHCP range']);
        for (const r of plan.reserved) ranges.push(['reserved', r, 'reserved range']);
        for (const c of plan.podCidrs) ranges.push(['podCidr', c, 'pod CIDR']);
        for (const c of plan.serviceCidrs) ranges.push(['serviceCidr', c, 'service CIDR']);
        for (const [id, fact, what] of ranges) {
          const ov = intersection(iv, fact.value);
          if (!ov) continue;
          const rangeText = 'canonical' in fact.value ? String((fact.value as { canonical: string }).canonical) : formatInterval(fact.value);
          at(id, { range: rangeText, overlap: formatInterval(ov) }, `${what} ${rangeText}`, factRelated(fact, `${what} ${rangeText}`));
        }
        if (hits.length === 1) {
          const h = hits[0]!;
          out.push(poolFinding(p, blockPlace(b), h.messageId, { ...base, ...h.data }, h.related));
        } else if (hits.length > 1) {
          const shown = hits.slice(0, MAX_LISTED).map((h) => h.label);
          const list = hits.length > MAX_LISTED ? `${shown.join(', ')} and ${hits.length - MAX_LISTED} more` : shown.join(', ');
          out.push(poolFinding(p, blockPlace(b), 'several', { ...base, count: hits.length, list, kinds: hits.map((h) => h.messageId).join(',') }, hits.flatMap((h) => h.related ?? [])));
        }
      }
    }
    return mergeOverlayFindings(out);
  },
});
