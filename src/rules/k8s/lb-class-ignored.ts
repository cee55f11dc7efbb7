/**
 * k8s/lb-class-ignored: a Service asks Cilium LB-IPAM for an IP but carries a loadBalancerClass LB-IPAM ignores:
 * another controller's class, or Cilium Node IPAM's `io.cilium/node` (Node IPAM gives node addresses and reads no
 * LB-IPAM annotation; whether Node IPAM is on is cilium/feature-off's). Also a BGP-class Service on an L2-only cluster.
 */
import { LB_CLASSES, LBIPAM_ANNOTATIONS, NODE_IPAM_CLASS } from '../../data/cilium.js';
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
      nodeIpam: 'Service "{{name}}" has loadBalancerClass "{{class}}": Cilium Node IPAM gives it the addresses of nodes and LB-IPAM ignores it, so its LB-IPAM annotations ({{annotations}}) have no effect.',
      bgpOnL2: 'Service "{{name}}" has loadBalancerClass "{{class}}", but this cluster announces with L2 only; the IP is allocated and never announced.',
    },
    help: 'Remove loadBalancerClass (or set io.cilium/l2-announcer) so Cilium allocates and announces the IP; on a Node IPAM Service, drop the LB-IPAM annotations instead if node addresses are what you want.',
    docs: {
      what: 'Finds LoadBalancer Services with LB-IPAM annotations whose loadBalancerClass is not one of LB-IPAM\'s (`io.cilium/l2-announcer`, `io.cilium/bgp-control-plane`), and Services of class `io.cilium/bgp-control-plane` in a cluster that uses L2 announcements and no BGP. A Service of Node IPAM\'s class `io.cilium/node` with LB-IPAM annotations gets its own message: Node IPAM serves it with node addresses, and the annotations do nothing.',
      why: 'Cilium LB-IPAM ignores a Service with another class completely (no IP, no status); the L2 announcer only announces Services without a class or with its own class. Node IPAM (class `io.cilium/node`) publishes the addresses of nodes and reads no LB-IPAM annotation, so a requested IP or sharing key there is silently dropped.',
      fix: 'Drop the class or set the Cilium class that matches how the cluster announces IPs. On a Node IPAM Service (`io.cilium/node`) that is meant to get node addresses, drop the LB-IPAM annotations instead.',
      sources: ['https://docs.cilium.io/en/stable/network/lb-ipam/', 'https://docs.cilium.io/en/stable/network/l2-announcements/', 'https://docs.cilium.io/en/stable/network/node-ipam/'],
    },
    examples: {
      valid: [{ files: { 'l2.yaml': POLICY, 'svc.yaml': svc('io.cilium/l2-announcer') } }],
      invalid: [
        { files: { 'l2.yaml': POLICY, 'svc.yaml': svc('tailscale') } },
        { files: { 'l2.yaml': POLICY, 'svc.yaml': svc('io.cilium/bgp-control-plane') } },
        { files: { 'svc.yaml': svc(NODE_IPAM_CLASS) }, note: 'Node IPAM reads no LB-IPAM annotation' },
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
      const ipam = ann && typeof ann === 'object' ? IPAM_KEYS.filter((k) => k in (ann as Record<string, unknown>)) : [];
      if (!ipam.length) continue;
      if (cls === NODE_IPAM_CLASS) out.push({ doc: d, path: ['spec', 'loadBalancerClass'], messageId: 'nodeIpam', data: { name: d.name ?? '', class: cls, annotations: ipam.join(', ') } });
      else out.push({ doc: d, path: ['spec', 'loadBalancerClass'], messageId: 'foreign', data: { name: d.name ?? '', class: cls } });
    }
    return out;
  },
});
