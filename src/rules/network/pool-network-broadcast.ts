/** network/pool-network-broadcast: a pool that can hand out the LAN's network or broadcast address. */
import { containsIp, formatInterval, formatIp } from '../../net/ip.js';
import { allocatable, ciliumVersion, factRelated, POOL_BLOCK_FIELDS, usesBgp, usesL2, type LbPool, type Place, type PoolBlock } from '../../plan/lb.js';
import { poolsForRules } from '../../plan/pool-overlays.js';
import { POOL_OVERLAYS_DOC, mergeOverlayFindings, poolFinding } from './lib/pool-findings.js';
import type { ClusterGroup } from '../../plan/types.js';
import { defineRule, type RuleFinding } from '../types.js';

/** What this rule reads of a pool: a patch that may change one of them makes the pool's text not what is applied. */
const FIELDS = [...POOL_BLOCK_FIELDS, ['spec', 'disabled'], ['spec', 'allowFirstLastIPs']];

const CONFIG = 'plan:\n  lan: 10.50.0.0/24\n  versions:\n    cilium: 1.18.4\n';
const pool = (extra: string): string => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n${extra}  blocks:\n    - cidr: 10.50.0.0/24\n`;

export default defineRule({
  meta: {
    id: 'network/pool-network-broadcast',
    description: "An LB-IPAM pool can hand out the LAN's network or broadcast address.",
    severity: 'error',
    messageSeverities: { edgeAssumed: 'warning' },
    messages: {
      edge: 'Pool "{{pool}}" block {{block}} can hand out the LAN {{which}} address {{address}} (allowFirstLastIPs {{allowFirstLastIPs}}).',
      edgeAssumed: 'Pool "{{pool}}" block {{block}} can hand out {{address}}, the {{which}} address of its /24 (allowFirstLastIPs {{allowFirstLastIPs}}); the LAN prefix is unknown, so this assumes a /24 or smaller LAN.',
    },
    help: 'Keep pool blocks clear of the LAN\'s first and last address, or set allowFirstLastIPs: "No" on a CIDR block that spans the LAN.',
    docs: {
      what: 'Finds pool blocks that include the LAN\'s network (first) or broadcast (last) address and would allocate it:\n' +
        '- start/stop ranges always do;\n' +
        '- CIDR blocks do when allowFirstLastIPs is "Yes" (the default from Cilium 1.16; "No" in 1.15).\n' +
        '\n' +
        'Silent when the Cilium version is unknown and the field is unset.\n' +
        '\n' +
        'When the LAN is unknown, a block inside one /24 that can hand out that /24\'s .0 or .255 address gives a warning (assuming the usual /24 LAN), unless the cluster announces its pools with BGP only (no L2 policy, L2 announcements not on): a routed pool is on no LAN, so it has no network or broadcast address to keep clear of.\n\n' + POOL_OVERLAYS_DOC,
      why: 'The LAN\'s network and broadcast addresses cannot be used by a host: a Service that gets one is unreachable, and broadcast traffic is misdirected.',
      fix: 'Start the block after the network address and stop before the broadcast address.',
      sources: ['https://docs.cilium.io/en/stable/network/lb-ipam/', 'https://github.com/cilium/cilium/pull/33151'],
    },
    examples: {
      valid: [{ files: { 'talium.config.yaml': CONFIG, 'pool.yaml': pool('  allowFirstLastIPs: "No"\n') } }],
      invalid: [
        { files: { 'talium.config.yaml': CONFIG, 'pool.yaml': pool('') } },
        { files: { 'pool.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - start: 192.168.1.220\n      stop: 192.168.1.255\n' }, note: 'LAN unknown: assumes a /24' },
      ],
    },
  },
  check({ cluster }) {
    const lan = cluster.plan.lan?.value;
    const version = ciliumVersion(cluster);
    if (!lan) return assumedEdges(cluster, version);
    if (lan.family !== 4 || lan.prefix >= 31) return [];
    const out: RuleFinding[] = [];
    for (const p of poolsForRules(cluster, FIELDS)) {
      if (p.disabled) continue;
      for (const b of p.blocks) {
        const alloc = allocatable(p, b, version);
        if (!alloc) continue;
        for (const [which, addr] of [['network', lan.first], ['broadcast', lan.last]] as const) {
          if (!containsIp(alloc, 4, addr)) continue;
          const afl = aflText(p, b, version);
          const data = { pool: p.name, block: b.kind === 'cidr' ? b.text : formatInterval(b.interval!), which, address: formatIp(4, addr), allowFirstLastIPs: afl };
          out.push(poolFinding(p, edgePlace(b, which), 'edge', data, factRelated(cluster.plan.lan, `LAN ${lan.canonical}`)));
        }
      }
    }
    return mergeOverlayFindings(out);
  },
});

/** Where to point: a start/stop range's broadcast address is its `stop` (when written), the network address its `start`. */
function edgePlace(b: PoolBlock, which: 'network' | 'broadcast'): Place {
  return b.kind === 'range' && which === 'broadcast' ? (b.stopPlace ?? b.place) : b.place;
}

function aflText(p: LbPool, b: PoolBlock, version: string | undefined): string {
  return b.kind === 'range' ? 'does not apply to start/stop ranges' : p.allowFirstLastIPs ? `"${p.allowFirstLastIPs}"` : `defaults to "Yes" on Cilium ${version ?? ''}`.trim();
}

/**
 * Without a known LAN: a block that lies within one /24 and can hand out its .0 or .255 address (a start/stop range
 * ending in .255, a /24 CIDR on Cilium ≥1.16 without allowFirstLastIPs) is flagged as a warning, assuming the usual
 * /24 home LAN. An explicit allowFirstLastIPs "Yes" on a CIDR block is taken as knowing better. A BGP-only cluster's
 * pools are routed, not on a LAN, so the /24 assumption does not hold there.
 */
function assumedEdges(cluster: ClusterGroup, version: string | undefined): RuleFinding[] {
  const out: RuleFinding[] = [];
  if (usesBgp(cluster) && !usesL2(cluster)) return out;
  for (const p of poolsForRules(cluster, FIELDS)) {
    if (p.disabled || p.doc.templated) continue;
    for (const b of p.blocks) {
      const alloc = allocatable(p, b, version);
      if (!alloc || alloc.family !== 4 || alloc.first >> 8n !== alloc.last >> 8n) continue;
      // an explicit allowFirstLastIPs "Yes" on a CIDR block says its edges are usable: the LAN is probably larger
      if (b.cidr && (b.cidr.prefix >= 31 || p.allowFirstLastIPs === 'Yes')) continue;
      const base = (alloc.first >> 8n) << 8n;
      for (const [which, addr] of [['network', base], ['broadcast', base + 255n]] as const) {
        if (!containsIp(alloc, 4, addr)) continue;
        const data = { pool: p.name, block: b.kind === 'cidr' ? b.text : formatInterval(b.interval!), which, address: formatIp(4, addr), allowFirstLastIPs: aflText(p, b, version) };
        out.push(poolFinding(p, edgePlace(b, which), 'edgeAssumed', data, [], { severity: 'warning' }));
      }
    }
  }
  return mergeOverlayFindings(out);
}
