/** network/service-ip-not-in-pool: an IP requested from LB-IPAM that no (matching) pool contains. */
import { IntervalIndex } from '../../net/interval-index.js';
import { groupPools, indirectIpRequests, isPoolDoc, lbIpamIsDefault, patchedThere, POOL_BLOCK_FIELDS, readPool, requestOwner, selectorMatches, serviceIpRequests, type IpRequest, type LbPool, type Place } from '../../plan/lb.js';
import { poolViews, type PoolView } from '../../plan/pool-overlays.js';
import { defineRule, type RuleFinding } from '../types.js';
import { docsOfKind } from '../../core/kind-index.js';
import { mergeOverlayFindings, placeRelated } from './lib/pool-findings.js';

const SELECTOR = ['spec', 'serviceSelector'];
/** What the rule reads of a pool: a patch that may change one of them makes the pool as written not what is applied. */
const FIELDS = [...POOL_BLOCK_FIELDS, ['spec', 'disabled'], SELECTOR];

const POOL = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: web\nspec:\n  blocks:\n    - cidr: 10.50.0.224/28\n  serviceSelector:\n    matchLabels:\n      pool: web\n';
const svc = (ip: string, label: string): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\n  labels:\n    pool: ${label}\n  annotations:\n    lbipam.cilium.io/ips: "${ip}"\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n`;

export default defineRule({
  meta: {
    id: 'network/service-ip-not-in-pool',
    description: 'A Service requests a LoadBalancer IP that no pool matching it contains.',
    severity: 'error',
    messages: {
      noPool: 'The requested IP {{ip}} is in no LB-IPAM pool of this cluster.',
      selector: 'The requested IP {{ip}} is in pool "{{pool}}", but the pool\'s serviceSelector does not select this Service.',
      disabled: 'The requested IP {{ip}} is only in pool "{{pool}}", which is disabled.',
      invalid: 'The requested IP "{{ip}}" is not an IP address.',
    },
    help: 'Request an address from a pool whose serviceSelector selects the Service, or add a pool block that contains it.',
    docs: {
      what: 'Checks every requested IP against the cluster\'s pools, respecting their serviceSelector (including `io.kubernetes.service.namespace`/`name`). The requests read:\n' +
        '- `lbipam.cilium.io/ips`, `io.cilium/lb-ipam-ips` or the deprecated `spec.loadBalancerIP` on Services;\n' +
        '- the same on the LoadBalancer Services of Cilium\'s classes a bjw-s app-template release renders, from their `service.<id>` values (a Flux HelmRelease\'s inline values and the valuesFrom ConfigMaps the repository holds, an Argo CD source\'s valuesObject or values string and `$ref/` value files, a kustomize helmCharts entry\'s values files and valuesInline; reported where the value is written, inside a values string too), with the release namespace, the service\'s own labels and the Service name the chart renders (the release name, `-<id>` with several Services, the naming fields of the chart version the release pins; a name left open is not judged by a selector on `io.kubernetes.service.name`);\n' +
        '- those annotations inside HelmRelease/Argo values (inline, and, for charts other than app-template, the `$ref/` value files of Argo CD sources and the values files of kustomize helmCharts entries: `$values/apps/ingress-nginx/values.yaml`), Gateway infrastructure and EnvoyProxy objects, whose Service is unknown;\n' +
        '- from Cilium 1.17 (earlier releases ignore them; an unknown version counts as new), the `spec.addresses` of Gateways of a Cilium GatewayClass (controllerName `io.cilium/gateway-controller`, or class `cilium` when the repository does not define it and Cilium enables Gateway API; not with `gatewayAPI.hostNetwork.enabled` or a CiliumGatewayClassConfig that gives the Service another type or class). Their Service is `cilium-gateway-<name>`, labelled `io.cilium.gateway/owning-gateway: <name>` and with the Gateway\'s `spec.infrastructure.labels`, not its metadata labels; of such a Gateway only `spec.infrastructure.annotations` count, and an ips annotation there wins over `spec.addresses`.\n' +
        '\n' +
        'Labels: a label a Service document does not carry counts as absent only when nothing in the cluster can add it (no kustomization with `labels`, `commonLabels`, `transformers` or `replacements`, no kustomize patch that may change the Service\'s labels, no Flux `commonMetadata`, no Argo CD kustomize `labels`/`commonLabels`, no argocd-cm `application.instanceLabelKey`, no Kyverno or Gatekeeper mutation) and it is not one a GitOps controller sets (`app.kubernetes.io/instance`, `argocd.argoproj.io/*`, `kustomize.toolkit.fluxcd.io/*`, `helm.toolkit.fluxcd.io/*`); otherwise it is unknown and the pool may select the Service.\n' +
        '\n' +
        'Overlays: a pool a kustomize overlay patches is taken as that overlay renders it: a request is judged once per overlay whose build includes its document, against the pools of that overlay (findings of several overlays at one place merged, `data.overlay` naming them), or, when no overlay builds it, against every rendering and every pool something deploys as written.\n' +
        '\n' +
        'Silent when the cluster has no pool, when Cilium\'s `defaultLBServiceIPAM` hands class-less Services to another IPAM, or a pool is templated; no pool finding for a request, in an overlay (or, for a document no overlay builds, in any) where a pool whose patch cannot be applied with certainty could serve it (its serviceSelector as written excludes the Service and no patch touches it: it cannot); another overlay that renders or ships that pool with certainty is judged.',
      why: 'LB-IPAM only hands out a requested IP from a pool that contains it and selects the Service; otherwise the Service stays <pending> with reason no_pool.',
      fix: 'Fix the IP, widen the pool, or label the Service so the pool selects it.',
      sources: ['https://docs.cilium.io/en/stable/network/lb-ipam/'],
    },
    examples: {
      valid: [{ files: { 'pool.yaml': POOL, 'svc.yaml': svc('10.50.0.230', 'web') } }],
      invalid: [
        { files: { 'pool.yaml': POOL, 'svc.yaml': svc('10.50.0.30', 'web') } },
        { files: { 'pool.yaml': POOL, 'svc.yaml': svc('10.50.0.230', 'db') } },
        { files: { 'pool.yaml': POOL, 'svc.yaml': svc('10.50.0.2300', 'web') } },
      ],
    },
  },
  check({ cluster, all }) {
    const written = groupPools(cluster);
    if (!lbIpamIsDefault(cluster) || !written.length || written.some((p) => p.doc.templated && p.blocks.some((b) => !b.interval))) return [];
    // pools whose blocks, selector or disabled flag a patch may change and no certain rendering stands for in a view
    // (PoolView.uncertain): any address may be in them (the conservative skip, per overlay)
    const selectorUnknown = (p: LbPool): boolean => patchedThere(cluster, p, [SELECTOR]);
    // a request in a document shared by several clusters may be meant for any of them: check it against every pool
    const allPools = cluster.shared ? docsOfKind(all, 'CiliumLoadBalancerIPPool').filter(isPoolDoc).map(readPool) : [];
    const indexOf = (list: readonly LbPool[]) => new IntervalIndex(list.flatMap((p) => p.blocks.flatMap((b) => (b.interval ? [{ interval: b.interval, label: p }] : []))));
    type Indexed = Array<{ view: PoolView; index: IntervalIndex<LbPool> }>;
    // per file, for requests of documents this group has to itself and of shared ones (no key string per request)
    const viewsByFile = { own: new Map<string, Indexed>(), shared: new Map<string, Indexed>() };
    const byViews = new Map<readonly PoolView[], Indexed>();
    const indexes = new Map<readonly LbPool[], IntervalIndex<LbPool>>();
    const indexed = (list: readonly PoolView[]): Indexed =>
      list.map((view) => {
        let index = indexes.get(view.pools);
        if (!index) indexes.set(view.pools, (index = indexOf(view.pools)));
        return { view, index };
      });
    // no kustomize patch selects a pool (the common case): one view of the pools as written for every request
    const anyPatched = written.some((p) => p.patched);
    const unpatched: PoolView[] = [{ pools: written, uncertain: [] }];
    const viewsOf = (r: IpRequest): Indexed => {
      // the document that declares the Service (a release's, when its values sit in a ConfigMap or values file)
      const owner = requestOwner(r);
      const shared = !!cluster.shared?.has(owner);
      const byFile = shared ? viewsByFile.shared : viewsByFile.own;
      let known = byFile.get(owner.file.path);
      if (!known) {
        const views = anyPatched ? poolViews(cluster, FIELDS, owner) : unpatched;
        if (!shared) {
          // poolViews hands every document the same views when no overlay renders a pool: index them once
          known = byViews.get(views);
          if (!known) byViews.set(views, (known = indexed(views)));
        } else {
          const own = [...new Set(views.flatMap((v) => v.pools))];
          const seen = new Set(own.map((p) => p.doc));
          known = indexed([{ pools: [...own, ...allPools.filter((p) => !seen.has(p.doc))], uncertain: [...new Set(views.flatMap((v) => v.uncertain))] }]);
        }
        byFile.set(owner.file.path, known);
      }
      return known;
    };
    // the pools of this cluster (a shared request's view also holds the other clusters' pools, as written)
    const groupDocs = new Set(written.map((p) => p.doc));
    const mine = (p: LbPool): boolean => groupDocs.has(p.doc);
    const out: RuleFinding[] = [];
    for (const r of [...serviceIpRequests(cluster.docs), ...indirectIpRequests(cluster)]) {
      if (/\$\{|\{\{/.test(r.text)) continue;
      if (!r.ip) {
        out.push({ ...requestAt(r), messageId: 'invalid', data: { ip: r.text } });
        continue;
      }
      for (const { view, index } of viewsOf(r)) {
        // a pool a patch makes uncertain in this view may hold the address and select the Service: nothing to say
        if (view.uncertain.some((p) => selectorUnknown(p) || (!p.disabled && selectorMatches(p.selector, r.labels, r.namespace, r.name, r.labelsClosed) !== false))) continue;
        const f = judge(r, r.ip, view, index, mine);
        if (f) out.push(f);
      }
    }
    return mergeOverlayFindings(out);
  },
});

type Related = NonNullable<RuleFinding['related']>;

/** Where a request is written (inside a values string: its own range, when found). */
const requestAt = (r: IpRequest): Pick<RuleFinding, 'doc' | 'path' | 'range'> => (r.range ? { doc: r.doc, path: r.path, range: r.range } : { doc: r.doc, path: r.path });

/** A related location at a place of a pool (its key when the place is a whole document path). */
const at = (place: Place, message: string, key = false): Related[number] => (place.range || !key ? placeRelated(place, message) : { doc: place.doc, path: place.path, key: true, message });

/**
 * The finding for request `r` in one view of the pools (none when a pool of the view holds the address and may
 * select the Service); with the view's overlay in `data.overlay` and as a related location.
 */
function judge(r: IpRequest, ip: NonNullable<IpRequest['ip']>, view: PoolView, index: IntervalIndex<LbPool>, mine: (p: LbPool) => boolean): RuleFinding | undefined {
  const held = index.holding(ip.family, ip.value);
  // (one pool holds it, nearly always: nothing to deduplicate)
  const holding = held.length < 2 ? held : [...new Set(held)];
  if (holding.some((p) => !p.disabled && selectorMatches(p.selector, r.labels, r.namespace, r.name, r.labelsClosed) !== false)) return undefined;
  const live = holding.find((p) => !p.disabled);
  let f: RuleFinding;
  if (live) f = { ...requestAt(r), messageId: 'selector', data: { ip: r.text, pool: live.name }, related: [at(live.at(SELECTOR), `serviceSelector of pool "${live.name}"`)] };
  else if (holding[0]) f = { ...requestAt(r), messageId: 'disabled', data: { ip: r.text, pool: holding[0].name }, related: [at(holding[0].at(['spec', 'disabled']), `pool "${holding[0].name}"`)] };
  else {
    // the pools the Service could take addresses from: a change to one of them is what made this happen
    const eligible = view.pools.filter((p) => mine(p) && !p.disabled && selectorMatches(p.selector, r.labels, r.namespace, r.name, r.labelsClosed) !== false).slice(0, 3);
    f = { ...requestAt(r), messageId: 'noPool', data: { ip: r.text }, related: eligible.map((p) => at(p.at(['spec', 'blocks'], true), `pool "${p.name}" (no block holds ${r.text})`, true)) };
  }
  const o = view.overlay;
  if (o) {
    f.data!['overlay'] = o.kustomization.file.path;
    f.related!.push({ doc: o.kustomization, path: o.path, message: `the pools as overlay ${o.kustomization.file.path} renders them` });
  }
  return f;
}
