/**
 * cilium/pool-allow-first-last-ips: `allowFirstLastIPs` holds the string "Yes" or "No". (Unquoted YAML 1.1
 * booleans are reported by schema/yaml11-boolean; this rule judges the value, not its quoting.)
 */
import { defineRule, type RuleFinding } from '../types.js';
import { isObject, isTemplated, pools } from './lib/objects.js';
import { SRC } from './lib/sources.js';

const pool = (v: string, block = '    - cidr: 10.50.0.224/28\n') => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  allowFirstLastIPs: ${v}\n  blocks:\n${block}`;

export default defineRule({
  meta: {
    id: 'cilium/pool-allow-first-last-ips',
    description: '`allowFirstLastIPs` is the string "Yes" or "No" and only affects CIDR blocks.',
    severity: 'error',
    messages: {
      badValue: 'Pool "{{name}}" sets allowFirstLastIPs to "{{value}}"; Cilium accepts only "Yes" or "No".',
      noEffect: 'Pool "{{name}}" sets allowFirstLastIPs but has only start/stop ranges, which never reserve their first and last address.',
    },
    help: 'Write `allowFirstLastIPs: "Yes"` or `allowFirstLastIPs: "No"` (quoted, capitalised); on a pool with only start/stop ranges, drop it (it changes nothing there).',
    docs: {
      what: 'Checks that `spec.allowFirstLastIPs` of a CiliumLoadBalancerIPPool is one of the enum strings "Yes"/"No", and notes when it cannot have an effect (a pool with only start/stop ranges).',
      why: 'The CRD enum is case-sensitive: "yes", "true" or "no" are rejected by the API server. The field only applies to CIDR blocks; ranges hand out every address they contain.',
      fix: 'Use "Yes" or "No" exactly, quoted (unquoted Yes/No become booleans in YAML 1.1 tools).',
      sources: [SRC.lbIpam, SRC.firstLastPr],
    },
    examples: {
      valid: [{ files: { 'pool.yaml': pool('"No"') } }],
      invalid: [{ files: { 'pool.yaml': pool('"no"') } }],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const doc of pools(cluster.docs)) {
      const v = doc.get(['spec', 'allowFirstLastIPs']);
      if (v === undefined || v === null || typeof v === 'boolean' || isTemplated(v)) continue;
      const path = ['spec', 'allowFirstLastIPs'];
      const name = doc.name ?? '';
      if (v !== 'Yes' && v !== 'No') {
        out.push({ doc, path, messageId: 'badValue', data: { name, value: String(v) } });
        continue;
      }
      const blocks = doc.get(['spec', 'blocks']);
      if (Array.isArray(blocks) && blocks.length > 0 && blocks.every((b) => isObject(b) && b['cidr'] === undefined && b['start'] !== undefined)) {
        out.push({ doc, path, key: true, messageId: 'noEffect', data: { name }, severity: 'info' });
      }
    }
    return out;
  },
});
