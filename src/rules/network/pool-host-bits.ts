/** network/pool-host-bits: a pool CIDR written with host bits set (`10.50.0.200/28` is really .192–.207). */
import { formatInterval } from '../../net/ip.js';
import { POOL_BLOCK_FIELDS } from '../../plan/lb.js';
import { poolsForRules } from '../../plan/pool-overlays.js';
import { POOL_OVERLAYS_DOC, mergeOverlayFindings, poolFinding } from './lib/pool-findings.js';
import { defineRule, type RuleFinding } from '../types.js';

const pool = (cidr: string): string => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: ${cidr}\n`;

export default defineRule({
  meta: {
    id: 'network/pool-host-bits',
    description: 'A pool CIDR block has host bits set, so it covers a different range than it seems to.',
    severity: 'warning',
    messages: {
      hostBits: 'Pool "{{pool}}" block {{block}} has host bits set: it is {{canonical}} ({{range}}).',
    },
    help: 'Write the network address of the block (the canonical CIDR), or use start/stop for a range that does not fall on a CIDR boundary.',
    docs: {
      what: 'Finds CIDR blocks whose address has bits set below the prefix length.\n\n' + POOL_OVERLAYS_DOC,
      why: 'Cilium masks the address: `10.50.0.200/28` becomes 10.50.0.192/28 and hands out .192–.207, including addresses below .200 that were probably meant to stay free.',
      fix: 'Replace the block by its canonical form, or by `start: 10.50.0.200` / `stop: 10.50.0.207`.',
      sources: ['https://docs.cilium.io/en/stable/network/lb-ipam/'],
    },
    examples: {
      valid: [{ files: { 'pool.yaml': pool('10.50.0.192/28') } }],
      invalid: [{ files: { 'pool.yaml': pool('10.50.0.200/28') } }],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    // a base pool whose blocks a kustomize patch may change is judged as each overlay renders it, not as written;
    // one whose patches leave its blocks alone (a new serviceSelector) is judged as written
    for (const p of poolsForRules(cluster, POOL_BLOCK_FIELDS)) {
      for (const b of p.blocks) {
        if (!b.cidr?.hostBitsSet) continue;
        out.push(poolFinding(p, b.place, 'hostBits', { pool: p.name, block: b.text, canonical: b.cidr.canonical, range: formatInterval(b.cidr) }));
      }
    }
    return mergeOverlayFindings(out);
  },
});
