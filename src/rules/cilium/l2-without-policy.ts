/** cilium/l2-without-policy: L2 announcements are on but the cluster has no CiliumL2AnnouncementPolicy. */
import { usesBgp } from '../../plan/lb.js';
import { defineRule, type RuleFinding } from '../types.js';
import { l2Policies } from './lib/objects.js';
import { SRC } from './lib/sources.js';
import { dedupe, l2On, placeOf, releases } from './lib/values.js';

export default defineRule({
  meta: {
    id: 'cilium/l2-without-policy',
    description: 'L2 announcements enabled without any CiliumL2AnnouncementPolicy announce nothing.',
    severity: 'warning',
    messageSeverities: { noPolicyBgp: 'info' },
    messages: {
      noPolicy: 'Cilium values enable l2announcements, but cluster "{{cluster}}" has no CiliumL2AnnouncementPolicy; no IP is announced.',
      noPolicyBgp: 'Cilium values enable l2announcements, but cluster "{{cluster}}" has no CiliumL2AnnouncementPolicy; BGP announces its LoadBalancer addresses, so L2 announcements do nothing here.',
    },
    help: 'Add a CiliumL2AnnouncementPolicy with `loadBalancerIPs: true` (and `interfaces` naming the LAN link), or turn L2 announcements off.',
    docs: {
      what: 'When a Cilium release turns `l2announcements.enabled` on, checks that the cluster\'s documents contain at least one CiliumL2AnnouncementPolicy.',
      why: 'The L2 announcer only answers ARP for services selected by a policy; without one, LB-IPAM addresses are assigned but unreachable. The policy may live outside this repository, hence a warning.',
      fix: 'Commit a CiliumL2AnnouncementPolicy next to the LB-IPAM pool.',
      sources: [SRC.l2],
    },
    examples: {
      valid: [{ files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nl2announcements:\n  enabled: true\n', 'cilium/l2.yaml': 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  loadBalancerIPs: true\n' } }],
      invalid: [
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nl2announcements:\n  enabled: true\n' } },
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nl2announcements:\n  enabled: true\nbgpControlPlane:\n  enabled: true\n' }, note: 'BGP announces the addresses: info' },
      ],
    },
    needsWholeTree: ['noPolicy', 'noPolicyBgp'],
  },
  check({ cluster }) {
    if (l2Policies(cluster.docs).length) return [];
    const bgp = usesBgp(cluster);
    const out: RuleFinding[] = [];
    for (const r of releases(cluster)) {
      if (r.purpose === 'bootstrap') continue;
      // values that live in another cluster's folder: the release is a shared base, judged with that cluster
      if (r.layers.some((l) => !cluster.docs.includes(l.doc))) continue;
      if (l2On(r) !== true) continue;
      // with BGP the addresses are announced anyway: L2 announcements are only idle (info)
      if (bgp) out.push({ ...placeOf(r, ['l2announcements', 'enabled']), messageId: 'noPolicyBgp', severity: 'info', data: { cluster: cluster.name } });
      else out.push({ ...placeOf(r, ['l2announcements', 'enabled']), messageId: 'noPolicy', data: { cluster: cluster.name } });
    }
    return dedupe(out);
  },
});
