/** cilium/l2-requires-kpr: `l2announcements.enabled: true` needs `kubeProxyReplacement: true`. */
import { defineRule, type RuleFinding } from '../types.js';
import { ciliumHelmRelease } from './lib/examples.js';
import { SRC } from './lib/sources.js';
import { dedupe, incomplete, isSet, l2On, placeOf, releases, unknowable, valueOf } from './lib/values.js';

const hr = ciliumHelmRelease;

export default defineRule({
  meta: {
    id: 'cilium/l2-requires-kpr',
    description: 'L2 announcements need `kubeProxyReplacement: true`.',
    severity: 'error',
    messageSeverities: { kprUnset: 'warning' },
    messages: {
      kprOff: 'Cilium values enable l2announcements but set kubeProxyReplacement to "{{value}}"; L2 announcements require kube-proxy replacement.',
      kprUnset: 'Cilium values enable l2announcements but do not set kubeProxyReplacement (default false); L2 announcements require kube-proxy replacement.',
    },
    help: 'Set `kubeProxyReplacement: true` in the same Cilium values (and disable kube-proxy in Talos).',
    docs: {
      what: 'For every Cilium release that sets `l2announcements.enabled: true`, checks that `kubeProxyReplacement` is true.',
      why: 'The L2 announcer is part of kube-proxy replacement; without it the agent does not answer ARP for LoadBalancer IPs (documented prerequisite).',
      fix: 'Add `kubeProxyReplacement: true` plus `k8sServiceHost`/`k8sServicePort` (KubePrism `localhost:7445` on Talos).',
      sources: [SRC.l2],
    },
    examples: {
      valid: [{ files: { 'cilium/helmrelease.yaml': hr('    kubeProxyReplacement: true\n    l2announcements:\n      enabled: true\n') } }],
      invalid: [
        { files: { 'cilium/helmrelease.yaml': hr('    kubeProxyReplacement: false\n    l2announcements:\n      enabled: true\n') } },
        { files: { 'cilium/helmrelease.yaml': hr('    l2announcements:\n      enabled: true\n') } },
      ],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const r of releases(cluster)) {
      if (l2On(r) !== true) continue;
      const kpr = valueOf(r, ['kubeProxyReplacement']);
      if (unknowable(kpr) || kpr === true || kpr === 'true' || kpr === 'strict') continue;
      if (isSet(r, ['kubeProxyReplacement'])) {
        const l2 = placeOf(r, ['l2announcements', 'enabled']);
        out.push({ ...placeOf(r, ['kubeProxyReplacement']), messageId: 'kprOff', data: { value: String(kpr) }, related: [{ ...l2, message: 'L2 announcements are enabled here.' }] });
      } else if (!incomplete(r, cluster.docs)) {
        out.push({ ...placeOf(r, ['l2announcements', 'enabled']), messageId: 'kprUnset', severity: 'warning' });
      }
    }
    return dedupe(out);
  },
});
