/** cilium/pool-block-shape: every `spec.blocks[]` item is a `cidr` or a `start`[/`stop`] range, never both or neither. */
import { defineRule, type RuleFinding } from '../types.js';
import { isObject, pools } from './lib/objects.js';
import { SRC } from './lib/sources.js';

const pool = (blocks: string) => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n${blocks}`;

export default defineRule({
  meta: {
    id: 'cilium/pool-block-shape',
    description: 'Each LB-IPAM pool block is either `cidr` or `start`[/`stop`].',
    severity: 'error',
    // a block with neither or both of cidr/start is also network/pool-block-invalid at the same block: one finding
    supersedes: ['network/pool-block-invalid'],
    messages: {
      both: 'Block {{index}} of pool "{{name}}" sets both "cidr" and "{{other}}"; a block is a CIDR or a start/stop range.',
      stopOnly: 'Block {{index}} of pool "{{name}}" sets "stop" without "start".',
      empty: 'Block {{index}} of pool "{{name}}" sets neither "cidr" nor "start".',
    },
    help: 'Write each block as `- cidr: <prefix>` or `- start: <ip>` with an optional `stop: <ip>`.',
    docs: {
      what: 'Checks the shape of every `spec.blocks[]` item of a CiliumLoadBalancerIPPool: exactly one of `cidr` and `start` (with `stop` optional, meaning a single address).',
      why: 'The CRD marks no field required, so the API server accepts malformed blocks; Cilium then ignores or misreads them and the pool yields fewer addresses than intended.',
      fix: 'Split a block that mixes `cidr` and `start`/`stop` into two blocks; add the missing `start`.',
      sources: [SRC.lbIpam],
    },
    examples: {
      valid: [{ files: { 'pool.yaml': pool('    - cidr: 10.50.0.224/28\n    - start: 10.50.0.200\n      stop: 10.50.0.210\n    - start: 10.50.0.250\n') } }],
      invalid: [{ files: { 'pool.yaml': pool('    - cidr: 10.50.0.224/28\n      stop: 10.50.0.230\n') } }],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const doc of pools(cluster.docs)) {
      const blocks = doc.get(['spec', 'blocks']);
      if (!Array.isArray(blocks)) continue;
      blocks.forEach((b, index) => {
        if (!isObject(b)) return;
        const has = (k: string) => b[k] !== undefined && b[k] !== null && b[k] !== '';
        const data = { name: doc.name ?? '', index };
        const path = ['spec', 'blocks', index];
        if (has('cidr') && (has('start') || has('stop'))) out.push({ doc, path, messageId: 'both', data: { ...data, other: has('start') ? 'start' : 'stop' } });
        else if (!has('cidr') && !has('start') && has('stop')) out.push({ doc, path, messageId: 'stopOnly', data });
        else if (!has('cidr') && !has('start')) out.push({ doc, path, messageId: 'empty', data });
      });
    }
    return out;
  },
});
