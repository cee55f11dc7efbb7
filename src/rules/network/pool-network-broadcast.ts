/** network/pool-network-broadcast: a pool that can hand out the LAN's network or broadcast address. */
import { containsIp, formatInterval, formatIp } from '../../net/ip.js';
import { allocatable, ciliumVersion, factRelated, groupPools } from '../../plan/lb.js';
import { defineRule, type RuleFinding } from '../types.js';

const CONFIG = 'plan:\n  lan: 10.50.0.0/24\n  versions:\n    cilium: 1.18.4\n';
const pool = (extra: string): string => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n${extra}  blocks:\n    - cidr: 10.50.0.0/24\n`;

export default defineRule({
  meta: {
    id: 'network/pool-network-broadcast',
    description: "An LB-IPAM pool can hand out the LAN's network or broadcast address.",
    severity: 'error',
    messages: {
      edge: 'Pool "{{pool}}" block {{block}} can hand out the LAN {{which}} address {{address}} (allowFirstLastIPs {{allowFirstLastIPs}}).',
    },
    help: 'Keep pool blocks clear of the LAN\'s first and last address, or set allowFirstLastIPs: "No" on a CIDR block that spans the LAN.',
    docs: {
      what: 'Finds pool blocks that include the LAN\'s network (first) or broadcast (last) address and would allocate it: start/stop ranges always do, CIDR blocks do when allowFirstLastIPs is "Yes" (the default from Cilium 1.16; "No" in 1.15). Silent when the Cilium version is unknown and the field is unset.',
      why: 'The LAN\'s network and broadcast addresses cannot be used by a host: a Service that gets one is unreachable, and broadcast traffic is misdirected.',
      fix: 'Start the block after the network address and stop before the broadcast address.',
      sources: ['https://docs.cilium.io/en/stable/network/lb-ipam/', 'https://github.com/cilium/cilium/pull/33151'],
    },
    examples: {
      valid: [{ files: { 'talium.config.yaml': CONFIG, 'pool.yaml': pool('  allowFirstLastIPs: "No"\n') } }],
      invalid: [{ files: { 'talium.config.yaml': CONFIG, 'pool.yaml': pool('') } }],
    },
  },
  check({ cluster }) {
    const lan = cluster.plan.lan?.value;
    if (!lan || lan.family !== 4 || lan.prefix >= 31) return [];
    const version = ciliumVersion(cluster);
    const out: RuleFinding[] = [];
    for (const p of groupPools(cluster)) {
      if (p.disabled) continue;
      for (const b of p.blocks) {
        const alloc = allocatable(p, b, version);
        if (!alloc) continue;
        for (const [which, addr] of [['network', lan.first], ['broadcast', lan.last]] as const) {
          if (!containsIp(alloc, 4, addr)) continue;
          const afl = b.kind === 'range' ? 'does not apply to start/stop ranges' : p.allowFirstLastIPs ? `"${p.allowFirstLastIPs}"` : `defaults to "Yes" on Cilium ${version ?? ''}`.trim();
          out.push({
            doc: p.doc,
            path: b.path,
            messageId: 'edge',
            data: { pool: p.name, block: b.kind === 'cidr' ? b.text : formatInterval(b.interval!), which, address: formatIp(4, addr), allowFirstLastIPs: afl },
            related: factRelated(cluster.plan.lan, `LAN ${lan.canonical}`),
          });
        }
      }
    }
    return out;
  },
});
