/** cilium/l2-policy-without-l2: L2 announcement policies exist while every Cilium release leaves L2 announcements off. */
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';
import { l2Policies } from './lib/objects.js';
import { SRC } from './lib/sources.js';
import { l2On, offInEveryRelease } from './lib/values.js';

const POLICY = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  loadBalancerIPs: true\n';

export default defineRule({
  meta: {
    id: 'cilium/l2-policy-without-l2',
    description: 'CiliumL2AnnouncementPolicy objects do nothing unless Cilium has `l2announcements.enabled: true`.',
    severity: 'error',
    messages: {
      off: 'L2 policy "{{name}}" exists but the Cilium values set l2announcements.enabled to false; nothing is announced.',
      unset: 'L2 policy "{{name}}" exists but no Cilium values enable l2announcements (default false); nothing is announced.',
    },
    help: 'Set `l2announcements.enabled: true` in the Cilium values (with `kubeProxyReplacement: true`), or remove the policy.',
    docs: {
      what: 'When the repository has L2 announcement policies and Cilium values, checks that at least one release turns L2 announcements on.',
      why: 'The policy is only read by the L2 announcer, which is off by default; LoadBalancer IPs are assigned by LB-IPAM but no node answers ARP for them.',
      fix: 'Enable `l2announcements.enabled` in the Cilium Helm values.',
      sources: [SRC.l2],
    },
    examples: {
      valid: [{ files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nl2announcements:\n  enabled: true\n', 'cilium/l2.yaml': POLICY } }],
      invalid: [{ files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nl2announcements:\n  enabled: false\n', 'cilium/l2.yaml': POLICY } }],
    },
    // both verdicts are about every release of the group: with only some paths read, a values file, an overlay or
    // a Kustomization that turns the feature on may not have been read
    needsWholeTree: ['unset', 'off'],
  },
  check({ cluster }) {
    const policies = l2Policies(cluster.docs);
    if (!policies.length) return [];
    const off = offInEveryRelease(cluster, l2On, [['l2announcements', 'enabled']]);
    if (!off) return [];
    const explicit = off.explicit;
    const related: RelatedFinding[] = explicit.map((p) => ({ ...p, message: 'L2 announcements are turned off here.' }));
    return policies.map((doc): RuleFinding => ({
      doc,
      path: ['kind'],
      messageId: explicit.length ? 'off' : 'unset',
      everyGroup: true,
      data: { name: doc.name ?? '' },
      ...(related.length ? { related } : {}),
      ...(explicit.length ? {} : { severity: 'warning' as const }),
    }));
  },
});
