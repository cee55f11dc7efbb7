/**
 * network/service-ip-conflict: two Services request the same LoadBalancer IP without a common sharing key, or with one
 * but in different namespaces where neither allows cross-namespace sharing.
 */
import { LBIPAM_ANNOTATIONS } from '../../data/cilium.js';
import { ciliumGatewayIpRequests, lbIpamIsDefault, pathVariants, sameAddressPairs, serviceIpRequests } from '../../plan/lb.js';
import { defineRule, type RuleFinding } from '../types.js';

const svc = (name: string, extra: string): string => `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: default\n  annotations:\n    lbipam.cilium.io/ips: "10.50.0.230"\n${extra}spec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n`;
const KEY = '    lbipam.cilium.io/sharing-key: "web"\n';
const CROSS_KEYS = [LBIPAM_ANNOTATIONS.sharingCrossNamespace.key, LBIPAM_ANNOTATIONS.sharingCrossNamespace.legacy];

export default defineRule({
  meta: {
    id: 'network/service-ip-conflict',
    description: 'Two Services request the same LoadBalancer IP without sharing it.',
    severity: 'error',
    messages: {
      conflict: 'Service "{{service}}" requests {{ip}}, which Service "{{other}}" also requests, without a common sharing key.',
      otherNamespace:
        'Service "{{service}}" ({{namespace}}) requests {{ip}} with sharing key "{{sharingKey}}", as Service "{{other}}" ({{otherNamespace}}) does, but a sharing key shares an IP within one namespace only: neither Service allows the other namespace with sharing-cross-namespace.',
    },
    help: 'Give both Services the same `lbipam.cilium.io/sharing-key` annotation (ports must not clash; across namespaces also `lbipam.cilium.io/sharing-cross-namespace` on both, Cilium ≥ 1.16), or request different IPs.',
    docs: {
      what: 'Finds LoadBalancer Services of one cluster that request the same IP (annotations or spec.loadBalancerIP; for a Gateway of a Cilium GatewayClass, the Service `cilium-gateway-<name>` Cilium creates for it, from `spec.addresses` or `spec.infrastructure.annotations`) where the two do not carry the same sharing key, or carry it in two namespaces neither of which allows the other with `lbipam.cilium.io/sharing-cross-namespace` (a namespace kustomize or Flux sets is not judged). Services with the same name and namespace (or the same name where one side leaves the namespace to kustomize, e.g. a hand-written `cilium-gateway-<name>` next to its Gateway), or in files that differ only in one folder (`apps/prod/x/svc.yaml` vs `apps/qa/x/svc.yaml`: environment variants), are not compared.',
      why: 'LB-IPAM gives an IP to one Service only, unless all Services asking for it share a sharing key (and, in different namespaces, allow each other with sharing-cross-namespace); the other Service stays <pending>.',
      fix: 'Add the same `lbipam.cilium.io/sharing-key` to both Services, or give one another IP.',
      // a sharing key never shared across namespaces: cilium PR #30055 ('the previous changes ... forbid to do so across namespaces')
      sources: ['https://docs.cilium.io/en/stable/network/lb-ipam/', 'https://github.com/cilium/cilium/pull/30055'],
    },
    examples: {
      valid: [{ files: { 'svc.yaml': svc('a', KEY) + svc('b', KEY) } }],
      invalid: [
        { files: { 'svc.yaml': svc('a', KEY) + svc('b', '') } },
        { files: { 'svc.yaml': svc('a', KEY) + svc('b', KEY).replace('namespace: default', 'namespace: media') }, note: 'one sharing key, two namespaces, no sharing-cross-namespace' },
      ],
    },
  },
  check({ cluster }) {
    if (!lbIpamIsDefault(cluster)) return [];
    const crossNamespace = (r: { annotations: Record<string, unknown> }): boolean => CROSS_KEYS.some((k) => r.annotations[k] !== undefined);
    // a Cilium Gateway's Service asks LB-IPAM like any other (its spec.addresses and infrastructure annotations)
    const reqs = [...serviceIpRequests(cluster.docs), ...ciliumGatewayIpRequests(cluster)].filter((r) => r.ip);
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    for (const [a, b] of sameAddressPairs(reqs)) {
      if (a.doc === b.doc) continue;
      // one object seen twice (overlays; a namespace one side leaves to kustomize), e.g. a Gateway and the Service
      // cilium-gateway-<name> a repository also writes by hand
      if (a.name === b.name && (a.namespace === b.namespace || a.namespace === undefined || b.namespace === undefined)) continue;
      if (pathVariants(a.doc.file.path, b.doc.file.path)) continue;
      const shared = a.sharingKey !== undefined && a.sharingKey === b.sharingKey;
      // one key shares an IP inside a namespace; across namespaces only where sharing-cross-namespace allows it
      // (network/sharing-cross-namespace judges such lists, and their absence on Cilium < 1.16): with neither side
      // declaring one, LB-IPAM keeps the two apart. An unknown namespace (left to kustomize or Flux) is not judged.
      if (shared && (!a.namespace || !b.namespace || a.namespace === b.namespace || crossNamespace(a) || crossNamespace(b))) continue;
      const k = `${b.doc.file.path}#${b.doc.index}#${b.text}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const related = [{ doc: a.doc, path: a.path, message: `Service "${a.name ?? ''}" requests ${a.text}` }];
      if (shared) {
        const data = { service: b.name ?? '', namespace: b.namespace!, ip: b.text, sharingKey: b.sharingKey!, other: a.name ?? '', otherNamespace: a.namespace! };
        out.push({ doc: b.doc, path: b.path, messageId: 'otherNamespace', data, related });
      } else out.push({ doc: b.doc, path: b.path, messageId: 'conflict', data: { service: b.name ?? '', ip: b.text, other: a.name ?? '' }, related });
    }
    return out;
  },
});
