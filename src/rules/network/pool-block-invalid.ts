/** network/pool-block-invalid: pool blocks that yield no addresses (bad CIDR/address, start after stop, mixed families, empty pool). */
import type { Path } from '../../core/document.js';
import { parseCidr, parseIp } from '../../net/ip.js';
import { kustomizePatchFiles } from '../../plan/kustomize-patches.js';
import { POOL_BLOCK_FIELDS } from '../../plan/lb.js';
import { poolsForRules } from '../../plan/pool-overlays.js';
import { defineRule, type RuleFinding } from '../types.js';
import { POOL_OVERLAYS_DOC, mergeOverlayFindings, poolFinding } from './lib/pool-findings.js';

const pool = (blocks: string): string => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n${blocks}`;
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const templated = (v: unknown): boolean => typeof v === 'string' && /\$\{|\{\{/.test(v);

export default defineRule({
  meta: {
    id: 'network/pool-block-invalid',
    description: 'An LB-IPAM pool block is malformed or the pool has no block at all.',
    severity: 'error',
    // the CRD's `format: cidr` / `ip` says the same at the same value (schema/format): one finding, naming the pool
    supersedes: ['schema/format'],
    messages: {
      invalidCidr: 'Pool "{{pool}}" block cidr "{{value}}" is not a valid CIDR.',
      invalidAddress: 'Pool "{{pool}}" block {{field}} "{{value}}" is not a valid IP address.',
      startAfterStop: 'Pool "{{pool}}" block starts at {{start}} after it stops at {{stop}}.',
      mixedFamily: 'Pool "{{pool}}" block mixes address families: start {{start}}, stop {{stop}}.',
      cidrAndRange: 'Pool "{{pool}}" block sets both cidr and start/stop; use one of them.',
      emptyBlock: 'Pool "{{pool}}" has a block with neither cidr nor start.',
      noBlocks: 'Pool "{{pool}}" has no blocks, so it hands out no address.',
    },
    help: 'Write each block as `cidr: a.b.c.d/n` or `start:`/`stop:` addresses of one family with start ≤ stop.',
    docs: {
      what: 'Checks the shape of every `spec.blocks[]` (and legacy `spec.cidrs[]`) entry: a valid CIDR, or a start (and optional stop) address of the same family with start ≤ stop; and that the pool has at least one block (Kustomize patch files, which are partial, may have none).\n\n' + POOL_OVERLAYS_DOC,
      why: 'The CRD marks no block field as required and does not validate ranges, so the API server accepts a pool that allocates nothing; Services stay <pending>.',
      fix: 'Correct the block; for a single address use `cidr: a.b.c.d/32` or a `start` without `stop`.',
      sources: ['https://docs.cilium.io/en/stable/network/lb-ipam/'],
    },
    examples: {
      valid: [{ files: { 'pool.yaml': pool('    - start: 10.50.0.200\n      stop: 10.50.0.239\n    - cidr: 10.50.0.240/28\n') } }],
      invalid: [
        { files: { 'pool.yaml': pool('    - start: 10.50.0.239\n      stop: 10.50.0.200\n') } },
        { files: { 'pool.yaml': pool('    - cidr: 10.50.0.300/24\n    - start: 10.50.0.x\n    - start: 10.50.0.1\n      stop: fd00::1\n    - cidr: 10.50.0.0/28\n      start: 10.50.0.1\n    - {}\n') } },
        { files: { 'pool.yaml': 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: empty\nspec:\n  blocks: []\n' } },
      ],
    },
  },
  check({ cluster, all }) {
    const out: RuleFinding[] = [];
    const patches = kustomizePatchFiles(all);
    // a base whose blocks an applied kustomize patch may change is judged as each overlay renders it (plan/pool-overlays.ts)
    for (const p of poolsForRules(cluster, POOL_BLOCK_FIELDS)) {
      const push = (path: Path, messageId: string, data: Record<string, string> = {}, key = false): void => {
        out.push(poolFinding(p, p.at(path, key), messageId, { pool: p.name, ...data }, [], key ? { key } : {}));
      };
      // a Kustomize patch file holding a pool (not applied by a rendering judged here) is a partial object
      const patchFile = !p.overlay && patches.has(p.doc.file.path);
      let count = 0;
      for (const field of ['blocks', 'cidrs'] as const) {
        const list = p.get(['spec', field]);
        if (!Array.isArray(list)) continue;
        list.forEach((b, i) => {
          count++;
          const at: Path = ['spec', field, i];
          if (!isObj(b) || templated(b['cidr']) || templated(b['start']) || templated(b['stop'])) return;
          const hasCidr = b['cidr'] !== undefined;
          const hasRange = b['start'] !== undefined || b['stop'] !== undefined;
          if (hasCidr && hasRange) return push([...at, 'cidr'], 'cidrAndRange', {}, true);
          if (!hasCidr && !hasRange) return push(at, 'emptyBlock');
          if (hasCidr) {
            if (typeof b['cidr'] !== 'string' || !parseCidr(b['cidr'])) push([...at, 'cidr'], 'invalidCidr', { value: String(b['cidr']) });
            return;
          }
          if (b['start'] === undefined) return push([...at, 'stop'], 'invalidAddress', { field: 'start', value: '' }, true);
          const s = typeof b['start'] === 'string' ? parseIp(b['start']) : undefined;
          if (!s) return push([...at, 'start'], 'invalidAddress', { field: 'start', value: String(b['start']) });
          if (b['stop'] === undefined) return;
          const e = typeof b['stop'] === 'string' ? parseIp(b['stop']) : undefined;
          if (!e) return push([...at, 'stop'], 'invalidAddress', { field: 'stop', value: String(b['stop']) });
          if (s.family !== e.family) return push([...at, 'stop'], 'mixedFamily', { start: String(b['start']), stop: String(b['stop']) });
          if (s.value > e.value) push([...at, 'start'], 'startAfterStop', { start: String(b['start']), stop: String(b['stop']) });
        });
      }
      // a Kustomize patch of a pool is a partial object: no blocks there is fine
      if (count === 0 && !p.doc.templated && !patchFile) push(p.get(['spec']) !== undefined ? ['spec'] : [], 'noBlocks', {}, true);
    }
    return mergeOverlayFindings(out);
  },
});
