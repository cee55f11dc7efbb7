/**
 * network/pool-reserved-address: a pool block that holds the gateway, a node, the VIP, the DHCP range, a reserved
 * range or a pod/service CIDR; with the blocks to use instead when they can be told (lib/pool-suggestion.ts).
 */
import { allowFirstLastIPsDefault } from '../../data/cilium.js';
import { parseVersion } from '../../data/versions.js';
import { containsIp, formatInterval, intersection, size, type IpInterval } from '../../net/ip.js';
import { allocatable, ciliumVersion, factRelated, indirectIpRequests, patchedThere, POOL_BLOCK_FIELDS, selectorMatches, serviceIpRequests, type IpRequest, type LbPool, type PoolBlock } from '../../plan/lb.js';
import { poolsForRules, sameRendering } from '../../plan/pool-overlays.js';
import { POOL_OVERLAYS_DOC, blockPlace, mergeOverlayFindings, poolFinding } from './lib/pool-findings.js';
import { formatBlocks, suggestBlocks } from './lib/pool-suggestion.js';
import type { ClusterGroup, Fact } from '../../plan/types.js';
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
      gateway: 'Pool "{{pool}}" block {{block}} contains the gateway {{address}}.{{suggested}}',
      node: 'Pool "{{pool}}" block {{block}} contains the address {{address}} of node "{{node}}".{{suggested}}',
      vip: 'Pool "{{pool}}" block {{block}} contains the control-plane VIP {{address}}.{{suggested}}',
      dhcp: 'Pool "{{pool}}" block {{block}} overlaps the DHCP range {{range}} ({{overlap}}).{{suggested}}',
      reserved: 'Pool "{{pool}}" block {{block}} overlaps the reserved range {{range}} ({{overlap}}).{{suggested}}',
      podCidr: 'Pool "{{pool}}" block {{block}} overlaps the pod CIDR {{range}} ({{overlap}}).{{suggested}}',
      serviceCidr: 'Pool "{{pool}}" block {{block}} overlaps the service CIDR {{range}} ({{overlap}}).{{suggested}}',
      several: 'Pool "{{pool}}" block {{block}} holds {{count}} addresses or ranges already in use: {{list}}.{{suggested}}',
    },
    help: 'Shrink or move the pool block so it holds only addresses nobody else uses (outside the gateway, nodes, VIP, DHCP and reserved ranges); the blocks the message suggests instead keep every IP a Service already requests from it.',
    docs: {
      what: 'Compares every pool block with the network plan: the gateway, node addresses, the Talos VIP, the DHCP range and reserved ranges (from cluster.yaml or talium.config.yaml), and the pod and service CIDRs.\n\n' +
        'The message suggests the blocks to use instead (`data.suggestion`, a flow list to paste under `spec.blocks`):\n' +
        '- inside the LAN and the block\'s own span;\n' +
        '- clear of everything this rule checks, the LAN\'s network and broadcast addresses (IPv4), the pool\'s other blocks and the other pools;\n' +
        '- holding every IP a Service the pool may select already requests from the block (`lbipam.cilium.io/ips`, `io.cilium/lb-ipam-ips`, `spec.loadBalancerIP`, Gateway addresses, Helm-rendered Services) so no Service loses its address: each free run of the span that holds one, whole (the fewest blocks that keep them all), or without requests the largest free run (when the span has none, as many addresses as the block hands out from the LAN\'s free run nearest to it).\n' +
        '\n' +
        'A run is written as `cidr` only when it is exactly one CIDR block that hands out all of it (`allowFirstLastIPs`, /31 and /32), else as `start`/`stop`.\n' +
        '\n' +
        'No suggestion when a requested IP is itself in use (the gateway, a node) or outside the LAN, or when the pool\'s selector, `allowFirstLastIPs` or another block is not known for certain; `--fix` never moves a pool.\n\n' +
        POOL_OVERLAYS_DOC,
      why: 'LB-IPAM hands out any address of a block. A Service that gets the gateway\'s, a node\'s or the VIP\'s address makes Cilium answer ARP for it: two hosts claim one IP and the LAN breaks. A DHCP lease from the same range collides the same way.',
      fix: 'Carve a dedicated range for LoadBalancer IPs (for example a /27 at the top of the LAN) and exclude it from DHCP; the suggested blocks are a starting point that keeps the IPs Services already request.',
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
    const pools = poolsForRules(cluster, [...POOL_BLOCK_FIELDS, DISABLED]);
    let suggest: Suggester | undefined;
    for (const p of pools) {
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
        if (!hits.length) continue;
        const tail = (suggest ??= suggester(cluster, pools))(p, b);
        if (hits.length === 1) {
          const h = hits[0]!;
          out.push(poolFinding(p, blockPlace(b), h.messageId, { ...base, ...h.data, ...tail }, h.related));
        } else {
          const shown = hits.slice(0, MAX_LISTED).map((h) => h.label);
          const list = hits.length > MAX_LISTED ? `${shown.join(', ')} and ${hits.length - MAX_LISTED} more` : shown.join(', ');
          out.push(poolFinding(p, blockPlace(b), 'several', { ...base, count: hits.length, list, kinds: hits.map((h) => h.messageId).join(','), ...tail }, hits.flatMap((h) => h.related ?? [])));
        }
      }
    }
    return mergeOverlayFindings(out);
  },
});

const SELECTOR = ['spec', 'serviceSelector'];
const FIRST_LAST = ['spec', 'allowFirstLastIPs'];

/** The suggestion's data for a block: `suggestion` (the blocks) and `suggested` (the message's sentence, '' without one). */
type Suggester = (p: LbPool, b: PoolBlock) => { suggestion?: string; suggested: string };

/** Reads the group's requests and plan once, then answers per colliding block (lib/pool-suggestion.ts suggestBlocks). */
function suggester(cluster: ClusterGroup, pools: readonly LbPool[]): Suggester {
  const plan = cluster.plan;
  const version = ciliumVersion(cluster);
  const requests = [...serviceIpRequests(cluster.docs), ...indirectIpRequests(cluster)].filter((r): r is IpRequest & { ip: NonNullable<IpRequest['ip']> } => !!r.ip && !/\$\{|\{\{/.test(r.text));
  const point = (a: { family: 4 | 6; value: bigint }): IpInterval => ({ family: a.family, first: a.value, last: a.value });
  const inUse: IpInterval[] = [
    ...(plan.gateway ? [point(plan.gateway.value)] : []),
    ...plan.nodes.flatMap((n) => (n.address ? [point(n.address.value)] : [])),
    ...(plan.vip ? [point(plan.vip.value)] : []),
    ...(plan.dhcp ? [plan.dhcp.value] : []),
    ...plan.reserved.map((r) => r.value),
    ...plan.podCidrs.map((c) => c.value),
    ...plan.serviceCidrs.map((c) => c.value),
  ];
  const none = { suggested: '' };
  return (p, b) => {
    const iv = b.interval!;
    // a value a patch may change as written (the selector: which requests count; allowFirstLastIPs: how to write a run)
    const asWritten = !p.overlay;
    if (asWritten && patchedThere(cluster, p, [SELECTOR])) return none;
    const others = pools.filter((q) => q !== p && q.doc !== p.doc && sameRendering(p, q));
    // a block that does not parse (templated, malformed) may hold anything
    if ([p, ...others].some((q) => q.blocks.some((x) => !x.interval))) return none;
    const siblings = p.blocks.filter((x) => x !== b).map((x) => x.interval!);
    const requested = new Set<bigint>();
    for (const r of requests) {
      if (!containsIp(iv, r.ip.family, r.ip.value)) continue;
      // another block of the pool keeps handing it out
      if (siblings.some((s) => containsIp(s, r.ip.family, r.ip.value))) continue;
      if (selectorMatches(p.selector, r.labels, r.namespace, r.name, r.labelsClosed) === false) continue;
      requested.add(r.ip.value);
    }
    const afl = asWritten && patchedThere(cluster, p, [FIRST_LAST]) ? undefined : (p.allowFirstLastIPs ?? (version && parseVersion(version) ? allowFirstLastIPsDefault(version) : undefined));
    const hands = allocatable(p, b, version) ?? iv;
    const lan = plan.lan?.value.family === iv.family ? plan.lan.value : undefined;
    // no LAN known: a block inside one /24 keeps off that /24's .0 and .255 (network/pool-network-broadcast assumes so)
    const edges: IpInterval[] = [];
    if (!plan.lan && iv.family === 4 && iv.first >> 8n === iv.last >> 8n) {
      const base = (iv.first >> 8n) << 8n;
      edges.push({ family: 4, first: base, last: base }, { family: 4, first: base + 255n, last: base + 255n });
    }
    const blocks = suggestBlocks({
      span: iv,
      ...(lan ? { lan } : {}),
      taken: [...inUse, ...edges, ...siblings, ...others.flatMap((q) => q.blocks.map((x) => x.interval!))],
      requested: [...requested].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)),
      size: size(hands),
      cidrAllocatesEdges: () => afl === 'Yes',
    });
    if (!blocks) return none;
    const suggestion = formatBlocks(blocks);
    const kept = requested.size;
    const keeps = kept ? ` (keeps the ${kept === 1 ? 'IP' : `${kept} IPs`} Services request from it)` : '';
    const suggested = ` Use instead${keeps}: ${suggestion}.`;
    return { suggestion, suggested };
  };
}
