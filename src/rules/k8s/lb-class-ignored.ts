/** k8s/lb-class-ignored: a Service asks Cilium LB-IPAM for an IP but carries a loadBalancerClass Cilium ignores. */
import { LB_CLASSES, LBIPAM_ANNOTATIONS } from '../../data/cilium.js';
import { isLoadBalancerService, usesBgp, usesL2 } from '../../plan/lb.js';
import { defineRule, type RuleFinding } from '../types.js';
import { docsOfKind } from '../../core/kind-index.js';

const POLICY = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n';
const svc = (cls: string): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    lbipam.cilium.io/ips: "10.50.0.230"\nspec:\n  type: LoadBalancer\n  loadBalancerClass: ${cls}\n`;
const IPAM_KEYS = Object.values(LBIPAM_ANNOTATIONS).flatMap((a) => [a.key, a.legacy]);

export default defineRule({
  meta: {
    id: 'k8s/lb-class-ignored',
    description: 'A LoadBalancer Service has a loadBalancerClass that Cilium LB-IPAM or the L2 announcer ignores.',
    severity: 'warning',
    messages: {
      foreign: 'Service "{{name}}" has loadBalancerClass "{{class}}", which Cilium ignores, yet carries LB-IPAM annotations.',
      bgpOnL2: 'Service "{{name}}" has loadBalancerClass "{{class}}", but this cluster announces with L2 only; the IP is allocated and never announced.',
    },
    help: 'Remove loadBalancerClass (or set io.cilium/l2-announcer) so Cilium allocates and announces the IP.',
    docs: {
      what: 'Finds LoadBalancer Services with LB-IPAM annotations whose loadBalancerClass is not one of Cilium\'s (`io.cilium/l2-announcer`, `io.cilium/bgp-control-plane`), and Services of class `io.cilium/bgp-control-plane` in a cluster that uses L2 announcements and no BGP.',
      why: 'Cilium LB-IPAM ignores a Service with another class completely (no IP, no status); the L2 announcer only announces Services without a class or with its own class.',
      fix: 'Drop the class or set the Cilium class that matches how the cluster announces IPs.',
      sources: ['https://docs.cilium.io/en/stable/network/lb-ipam/', 'https://docs.cilium.io/en/stable/network/l2-announcements/'],
    },
    examples: {
      valid: [{ files: { 'l2.yaml': POLICY, 'svc.yaml': svc('io.cilium/l2-announcer') } }],
      invalid: [
        { files: { 'l2.yaml': POLICY, 'svc.yaml': svc('tailscale') } },
        { files: { 'l2.yaml': POLICY, 'svc.yaml': svc('io.cilium/bgp-control-plane') } },
      ],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    const l2Only = usesL2(cluster) && !usesBgp(cluster);
    for (const d of docsOfKind(cluster.docs, 'Service')) {
      if (!isLoadBalancerService(d)) continue;
      const cls = d.get(['spec', 'loadBalancerClass']);
      if (typeof cls !== 'string' || cls === LB_CLASSES.l2) continue;
      if (cls === LB_CLASSES.bgp) {
        if (l2Only) out.push({ doc: d, path: ['spec', 'loadBalancerClass'], messageId: 'bgpOnL2', data: { name: d.name ?? '', class: cls } });
        continue;
      }
      const ann = d.get(['metadata', 'annotations']);
      const hasIpam = !!ann && typeof ann === 'object' && IPAM_KEYS.some((k) => k in (ann as Record<string, unknown>));
      if (hasIpam) out.push({ doc: d, path: ['spec', 'loadBalancerClass'], messageId: 'foreign', data: { name: d.name ?? '', class: cls } });
    }
    return out;
  },
});
