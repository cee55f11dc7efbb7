/** cilium/l2-policy-api-version: CiliumL2AnnouncementPolicy exists only as cilium.io/v2alpha1 (1.14–1.20). */
import { L2_POLICY_API_VERSION } from '../../data/cilium.js';
import { defineRule, type RuleFinding } from '../types.js';
import { l2Policies } from './lib/objects.js';
import { SRC } from './lib/sources.js';

const policy = (v: string) => `apiVersion: cilium.io/${v}\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  loadBalancerIPs: true\n`;

export default defineRule({
  meta: {
    id: 'cilium/l2-policy-api-version',
    description: 'CiliumL2AnnouncementPolicy must use cilium.io/v2alpha1 (no other version exists).',
    severity: 'error',
    // the CRD check says the same at the same token (schema/not-served): one finding, the one that says why
    supersedes: ['schema/not-served'],
    messages: {
      wrong: 'CiliumL2AnnouncementPolicy "{{name}}" uses "{{apiVersion}}"; only "cilium.io/v2alpha1" exists (the pool moved to v2, the policy did not).',
    },
    help: 'Set `apiVersion: cilium.io/v2alpha1` on CiliumL2AnnouncementPolicy.',
    docs: {
      what: 'Checks that every CiliumL2AnnouncementPolicy uses cilium.io/v2alpha1.',
      why: 'Cilium 1.14 to 1.20 ship the policy CRD only as v2alpha1; a manifest on cilium.io/v2 fails with "no matches for kind". People bump it together with the pool, which did move to v2 in 1.18.',
      fix: 'Keep the pool on cilium.io/v2 (1.18+) and the L2 policy on cilium.io/v2alpha1.',
      sources: [SRC.l2, SRC.upgrade],
      autofix: '`cilium.io/v2` → `cilium.io/v2alpha1`.',
    },
    examples: { valid: [{ files: { 'l2.yaml': policy('v2alpha1') } }], invalid: [{ files: { 'l2.yaml': policy('v2') } }] },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const doc of l2Policies(cluster.docs)) {
      if (doc.apiVersion === L2_POLICY_API_VERSION) continue;
      // bumped to v2 together with the pool: back to the one version every release serves
      const fix = doc.apiVersion === 'cilium.io/v2' ? { fix: { text: L2_POLICY_API_VERSION, expect: doc.apiVersion } } : {};
      out.push({ doc, path: ['apiVersion'], messageId: 'wrong', data: { name: doc.name ?? '', apiVersion: doc.apiVersion ?? '' }, ...fix });
    }
    return out;
  },
});
