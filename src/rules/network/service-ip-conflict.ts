/**
 * network/service-ip-conflict: two Services request the same LoadBalancer IP without a common sharing key, or with one
 * but in different namespaces where neither allows cross-namespace sharing.
 */
import { LBIPAM_ANNOTATIONS } from '../../data/cilium.js';
import { ciliumGatewayIpRequests, copiedRequests, helmServiceIpRequests, lbIpamIsDefault, pathVariants, requestLabel, requestObject, requestOwner, sameAddressPairs, sameObject, samePlace, serviceIpRequests, type IpRequest } from '../../plan/lb.js';
import { copyRelated } from '../../plan/renamed-copies.js';
import { defineRule, symmetricFinding, type RuleFinding } from '../types.js';

const svc = (name: string, extra: string): string => `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: default\n  annotations:\n    lbipam.cilium.io/ips: "10.50.0.230"\n${extra}spec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n`;
const KEY = '    lbipam.cilium.io/sharing-key: "web"\n';
const CROSS_KEYS = [LBIPAM_ANNOTATIONS.sharingCrossNamespace.key, LBIPAM_ANNOTATIONS.sharingCrossNamespace.legacy];

/** The name of the Service asking, when the repository states it (a Helm release's rendered name may be open). */
const statedName = (r: IpRequest): string | undefined => (r.helm ? r.helm.name : r.name);

/**
 * The finding that Service request `x` asks for the IP `y` asks for too: at `x`'s request, `y`'s as the related
 * location. A renamed copy stays where the request is written (the base), naming the kustomization that renders each
 * copy (data.overlay, data.otherOverlay and related locations); two copies of one request are at one place, so the
 * other's request is not repeated as a related location.
 */
function conflictFinding(x: IpRequest, y: IpRequest, shared: boolean): RuleFinding {
  const related: NonNullable<RuleFinding['related']> = [{ doc: y.doc, path: y.path, ...(y.range ? { range: y.range } : {}), message: `Service "${requestLabel(y)}" requests ${y.text}` }];
  const at = { doc: x.doc, path: x.path, ...(x.range ? { range: x.range } : {}) };
  const copies: Record<string, string> = {};
  if (samePlace({ ...y, copy: x.copy }, x)) related.length = 0;
  if (x.copy) {
    copies['overlay'] = x.copy.overlay.kustomization.file.path;
    related.push(copyRelated(x.copy, 'Service'));
  }
  if (y.copy) {
    copies['otherOverlay'] = y.copy.overlay.kustomization.file.path;
    related.push(copyRelated(y.copy, 'Service'));
  }
  if (shared) {
    const data = { service: requestLabel(x), namespace: x.namespace!, ip: x.text, sharingKey: x.sharingKey!, other: requestLabel(y), otherNamespace: y.namespace!, ...copies };
    return { ...at, messageId: 'otherNamespace', data, related };
  }
  return { ...at, messageId: 'conflict', data: { service: requestLabel(x), ip: x.text, other: requestLabel(y), ...copies }, related };
}

export default defineRule({
  meta: {
    id: 'network/service-ip-conflict',
    description: 'Two Services (objects, or rendered by Cilium Gateways or app-template releases) request the same LoadBalancer IP without sharing it.',
    severity: 'error',
    messages: {
      conflict: 'Service "{{service}}" requests {{ip}}, which Service "{{other}}" also requests, without a common sharing key.',
      otherNamespace:
        'Service "{{service}}" ({{namespace}}) requests {{ip}} with sharing key "{{sharingKey}}", as Service "{{other}}" ({{otherNamespace}}) does, but a sharing key shares an IP within one namespace only: neither Service allows the other namespace with sharing-cross-namespace.',
    },
    help: 'Give both Services the same `lbipam.cilium.io/sharing-key` annotation (ports must not clash; across namespaces also `lbipam.cilium.io/sharing-cross-namespace` on both, Cilium ≥ 1.16), or request different IPs.',
    docs: {
      what: 'Finds LoadBalancer Services of one cluster that request the same IP where the two do not carry the same sharing key, or carry it in two namespaces neither of which allows the other with `lbipam.cilium.io/sharing-cross-namespace` (a namespace kustomize or Flux sets is not judged). The requests read:\n' +
        '- annotations or `spec.loadBalancerIP` of Service objects;\n' +
        '- for a Gateway of a Cilium GatewayClass, the Service `cilium-gateway-<name>` Cilium creates for it, from `spec.addresses` or `spec.infrastructure.annotations`;\n' +
        '- for a bjw-s app-template release, each LoadBalancer `service.<id>` it renders, from the values sources network/service-ip-not-in-pool reads, in the release namespace, reported where the value is written (not an ApplicationSet\'s, whose generated Applications the repository does not show).\n' +
        '\n' +
        'Not compared:\n' +
        '- Services with the same name and namespace (or the same name where one side leaves the namespace to kustomize, e.g. a hand-written `cilium-gateway-<name>` next to its Gateway; for a release\'s Services, the same release name and service id: a Service object and a release\'s Service are never taken for one; a release\'s Service is named as the chart renders it (plan/app-template-names.ts), or by its release and values key when the values or an unknown chart version leave the name open);\n' +
        '- requests written at one place (a values file two releases read);\n' +
        '- requests in files that differ only in one folder (`apps/prod/x/svc.yaml` vs `apps/qa/x/svc.yaml`: environment variants), unless that folder is the files\' own and the Services have different names (`apps/jellyfin/service.yaml` and `apps/adguard/service.yaml` side by side, as an ApplicationSet over `apps/*` deploys them, are compared);\n' +
        '- Services of overlays that different builds render (environments).\n' +
        '\n' +
        'A Service that one kustomize build renders under several names (two overlays with different `namePrefix`/`nameSuffix` listing one base, both listed by one kustomization; or two Flux Kustomizations / Argo CD Applications of one cluster each applying one such overlay, or one folder with their own `namePrefix`/`nameSuffix`; nothing on the way, nor the applier, patches it) is one Service per rendered name, in the namespace the overlays set: two such copies asking for one IP are reported at the base\'s line, with `data.overlay` / `data.otherOverlay` and related locations naming the kustomization that renames each copy.',
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
        {
          files: {
            'base/kustomization.yaml': 'resources:\n  - svc.yaml\n',
            'base/svc.yaml': svc('web', ''),
            'apps/a/kustomization.yaml': 'namePrefix: a-\nresources:\n  - ../../base\n',
            'apps/b/kustomization.yaml': 'namePrefix: b-\nresources:\n  - ../../base\n',
            'clusters/home/kustomization.yaml': 'resources:\n  - ../../apps/a\n  - ../../apps/b\n',
          },
          note: 'one build renders the base twice: Services a-web and b-web ask for one IP',
        },
      ],
    },
  },
  check({ cluster, tree }) {
    if (!lbIpamIsDefault(cluster)) return [];
    const crossNamespace = (r: { annotations: Record<string, unknown> }): boolean => CROSS_KEYS.some((k) => r.annotations[k] !== undefined);
    // a Cilium Gateway's Service asks LB-IPAM like any other (its spec.addresses and infrastructure annotations), and
    // so does a Service a Helm release renders (app-template `service.<id>`; not an ApplicationSet's, whose generated
    // Applications, how many and for which cluster, the repository does not show)
    const helm = helmServiceIpRequests(cluster.docs).filter((r) => !r.helm!.generated);
    // a Service one build renders under several names (kustomize namePrefix/nameSuffix) is one Service per name
    const reqs = [...copiedRequests(serviceIpRequests(cluster.docs), cluster.docs, tree?.sourceIgnores), ...ciliumGatewayIpRequests(cluster), ...helm].filter((r) => r.ip);
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    const ids = new Map<object, number>();
    const idOf = (o: object): number => ids.get(o) ?? (ids.set(o, ids.size), ids.size - 1);
    for (const [a, b] of sameAddressPairs(reqs)) {
      // one object asking twice (an annotation and loadBalancerIP); one value two releases share (a values file)
      if (requestObject(a) === requestObject(b) || samePlace(a, b)) continue;
      // one object seen twice (overlays; a namespace one side leaves to kustomize), e.g. a Gateway and the Service
      // cilium-gateway-<name> a repository also writes by hand, or one release written twice
      if (sameObject(a, b)) continue;
      if (pathVariants(requestOwner(a).file.path, requestOwner(b).file.path, [statedName(a), statedName(b)])) continue;
      const shared = a.sharingKey !== undefined && a.sharingKey === b.sharingKey;
      // one key shares an IP inside a namespace; across namespaces only where sharing-cross-namespace allows it
      // (network/sharing-cross-namespace judges such lists, and their absence on Cilium < 1.16): with neither side
      // declaring one, LB-IPAM keeps the two apart. An unknown namespace (left to kustomize or Flux) is not judged.
      if (shared && (!a.namespace || !b.namespace || a.namespace === b.namespace || crossNamespace(a) || crossNamespace(b))) continue;
      const k = `${idOf(requestObject(b))}#${b.text}`;
      if (seen.has(k)) continue;
      seen.add(k);
      // reported at the later request (b); a run that reports only a's file tells it from a's side (RuleFinding.mirror)
      out.push(symmetricFinding((x, y) => conflictFinding(x, y, shared), b, a));
    }
    return out;
  },
});
