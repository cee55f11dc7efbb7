/** cilium/l2-policy-namespace: CiliumL2AnnouncementPolicy is cluster-scoped; `metadata.namespace` is meaningless. */
import { defineRule, type RuleFinding } from '../types.js';
import { l2Policies } from './lib/objects.js';
import { SRC } from './lib/sources.js';

export default defineRule({
  meta: {
    id: 'cilium/l2-policy-namespace',
    description: 'CiliumL2AnnouncementPolicy is cluster-scoped and should not set `metadata.namespace`.',
    severity: 'warning',
    messages: {
      namespaced: 'CiliumL2AnnouncementPolicy "{{name}}" sets metadata.namespace "{{namespace}}", but the kind is cluster-scoped; it applies to services in every namespace.',
    },
    help: 'Remove `metadata.namespace` and use `spec.serviceSelector` (e.g. `io.kubernetes.service.namespace`) to limit which services it announces.',
    docs: {
      what: 'Flags `metadata.namespace` on a CiliumL2AnnouncementPolicy.',
      why: 'The CRD is cluster-scoped: the namespace is ignored, so a policy that looks limited to one namespace announces services cluster-wide. Some tools (server-side apply, Flux health checks) also reject or mis-track namespaced references to cluster-scoped objects.',
      fix: 'Drop the namespace; select services with `serviceSelector.matchLabels` such as `io.kubernetes.service.namespace: <ns>`.',
      sources: [SRC.l2],
    },
    examples: {
      valid: [{ files: { 'l2.yaml': 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  loadBalancerIPs: true\n' } }],
      invalid: [{ files: { 'l2.yaml': 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\n  namespace: kube-system\nspec:\n  loadBalancerIPs: true\n' } }],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const doc of l2Policies(cluster.docs)) {
      const ns = doc.get(['metadata', 'namespace']);
      if (ns !== undefined && ns !== null && ns !== '') out.push({ doc, path: ['metadata', 'namespace'], key: true, messageId: 'namespaced', data: { name: doc.name ?? '', namespace: String(ns) } });
    }
    return out;
  },
});
