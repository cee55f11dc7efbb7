/** cilium/pool-legacy-cidrs: `spec.cidrs` on a CiliumLoadBalancerIPPool (deprecated in 1.15, removed in 1.16; use `blocks`). */
import { atLeast } from '../../data/versions.js';
import { defineRule, type RuleFinding } from '../types.js';
import { ciliumVersion, pools } from './lib/objects.js';
import { SRC } from './lib/sources.js';

export default defineRule({
  meta: {
    id: 'cilium/pool-legacy-cidrs',
    description: 'CiliumLoadBalancerIPPool `spec.cidrs` was removed in Cilium 1.16; use `spec.blocks`.',
    severity: 'error',
    messageSeverities: { deprecated: 'warning' },
    messages: {
      removed: 'CiliumLoadBalancerIPPool "{{name}}" uses "spec.cidrs", removed in Cilium 1.16 (target {{version}}).',
      deprecated: 'CiliumLoadBalancerIPPool "{{name}}" uses "spec.cidrs", deprecated since Cilium 1.15 and removed in 1.16.',
    },
    help: 'Rename `spec.cidrs` to `spec.blocks` (same `- cidr:` items).',
    docs: {
      what: 'Flags the pre-1.15 `spec.cidrs` list of a CiliumLoadBalancerIPPool.',
      why: 'Cilium 1.15 renamed the list to `blocks` (keeping `cidrs` as an alias) and 1.16 removed the alias: the API server drops the unknown field and the pool hands out nothing.',
      fix: 'Rename `cidrs` to `blocks`; the `cidr` items stay the same, and `start`/`stop` ranges become possible.',
      sources: [SRC.lbIpam, SRC.firstLastPr],
      autofix: 'Renames `cidrs:` to `blocks:` (Cilium 1.15 or newer, or version unknown; not when `blocks` is there already).',
    },
    examples: {
      valid: [{ files: { 'pool.yaml': 'apiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 10.50.0.224/28\n' } }],
      invalid: [{ files: { 'pool.yaml': 'apiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  cidrs:\n    - cidr: 10.50.0.224/28\n' } }],
    },
  },
  check({ cluster }) {
    const version = ciliumVersion(cluster);
    const out: RuleFinding[] = [];
    for (const doc of pools(cluster.docs)) {
      if (doc.get(['spec', 'cidrs']) === undefined) continue;
      const data = { name: doc.name ?? '', version: version ?? '' };
      // the rename: same items under `blocks`, which exists from 1.15 (and must not be there already)
      const fix = (!version || atLeast(version, '1.15')) && doc.get(['spec', 'blocks']) === undefined ? { fix: { text: 'blocks', expect: 'cidrs' } } : {};
      if (version && !atLeast(version, '1.16')) out.push({ doc, path: ['spec', 'cidrs'], key: true, messageId: 'deprecated', data, severity: 'warning', ...fix });
      else if (version) out.push({ doc, path: ['spec', 'cidrs'], key: true, messageId: 'removed', data, ...fix });
      else out.push({ doc, path: ['spec', 'cidrs'], key: true, messageId: 'deprecated', data, severity: 'warning', ...fix });
    }
    return out;
  },
});
