/** cilium/l2-policy-announces-nothing: an L2 policy with neither `loadBalancerIPs` nor `externalIPs` true announces nothing. */
import { kustomizePatchFiles } from '../../plan/kustomize-patches.js';
import { defineRule, type RuleFinding } from '../types.js';
import { isTemplated, l2Policies } from './lib/objects.js';
import { SRC } from './lib/sources.js';

export default defineRule({
  meta: {
    id: 'cilium/l2-policy-announces-nothing',
    description: 'A CiliumL2AnnouncementPolicy must set `loadBalancerIPs: true` and/or `externalIPs: true`.',
    severity: 'error',
    messages: {
      nothing: 'CiliumL2AnnouncementPolicy "{{name}}" sets neither loadBalancerIPs nor externalIPs to true (both default to false), so it announces nothing.',
    },
    help: 'Add `loadBalancerIPs: true` (LB-IPAM addresses) and/or `externalIPs: true` to the policy spec.',
    docs: {
      what: 'Checks that an L2 announcement policy turns on at least one address type.',
      why: '`spec.loadBalancerIPs` and `spec.externalIPs` both default to false; a policy without either is accepted but never answers ARP, so LoadBalancer IPs stay unreachable from the LAN.',
      fix: 'Set `loadBalancerIPs: true` for LB-IPAM addresses.',
      sources: [SRC.l2],
    },
    examples: {
      valid: [{ files: { 'l2.yaml': 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  loadBalancerIPs: true\n' } }],
      invalid: [{ files: { 'l2.yaml': 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  interfaces:\n    - ^enp1s0\\.50$\n' } }],
    },
  },
  check({ cluster, all }) {
    const out: RuleFinding[] = [];
    // a kustomize patch file is a partial copy of the policy: a field it leaves out keeps the base's value
    const patchFiles = kustomizePatchFiles(all);
    for (const doc of l2Policies(cluster.docs)) {
      const lb = doc.get(['spec', 'loadBalancerIPs']);
      const ext = doc.get(['spec', 'externalIPs']);
      if (isTemplated(lb) || isTemplated(ext)) continue;
      if (patchFiles.has(doc.file.path) && (lb === undefined || ext === undefined)) continue;
      const on = (v: unknown) => v === true || v === 'true';
      if (!on(lb) && !on(ext)) out.push({ doc, path: doc.get(['spec']) === undefined ? ['kind'] : ['spec'], key: true, messageId: 'nothing', data: { name: doc.name ?? '' } });
    }
    return out;
  },
});
