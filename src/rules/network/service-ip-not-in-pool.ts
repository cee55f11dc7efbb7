/** network/service-ip-not-in-pool: an IP requested from LB-IPAM that no (matching) pool contains. */
import { IntervalIndex } from '../../net/interval-index.js';
import { groupPools, indirectIpRequests, isPoolDoc, lbIpamIsDefault, readPool, selectorMatches, serviceIpRequests, type LbPool } from '../../plan/lb.js';
import { defineRule, type RuleFinding } from '../types.js';
import { docsOfKind } from '../../core/kind-index.js';

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
      what: 'Checks every IP requested through `lbipam.cilium.io/ips`, `io.cilium/lb-ipam-ips` or the deprecated `spec.loadBalancerIP` (on Services, and in annotations inside HelmRelease/Argo values, Gateway infrastructure and EnvoyProxy objects), and, from Cilium 1.17 (earlier releases ignore them; an unknown version counts as new), the `spec.addresses` of Gateways of a Cilium GatewayClass (controllerName `io.cilium/gateway-controller`, or class `cilium` when the repository does not define it and Cilium enables Gateway API; not with `gatewayAPI.hostNetwork.enabled` or a CiliumGatewayClassConfig that gives the Service another type or class; their Service is `cilium-gateway-<name>`, labelled `io.cilium.gateway/owning-gateway: <name>` and with the Gateway\'s `spec.infrastructure.labels`, not its metadata labels; of such a Gateway only `spec.infrastructure.annotations` count, and an ips annotation there wins over `spec.addresses`), against the cluster\'s pools, respecting their serviceSelector (including `io.kubernetes.service.namespace`/`name`). Silent when the cluster has no pool, when Cilium\'s `defaultLBServiceIPAM` hands class-less Services to another IPAM, a pool is templated, or a kustomize patch (in a kustomization, a Flux Kustomization or an Argo CD source) whose result is no document may change a pool (a strategic-merge patch file counts as a pool of its own).',
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
    const pools = groupPools(cluster);
    if (!lbIpamIsDefault(cluster) || !pools.length || pools.some((p) => p.doc.templated && p.blocks.some((b) => !b.interval)) || pools.some((p) => p.patched === 'opaque')) return [];
    // a request in a document shared by several clusters may be meant for any of them: check it against every pool
    const allPools = cluster.shared ? docsOfKind(all, 'CiliumLoadBalancerIPPool').filter(isPoolDoc).map(readPool) : pools;
    const out: RuleFinding[] = [];
    const indexOf = (list: readonly LbPool[]) => new IntervalIndex(list.flatMap((p) => p.blocks.flatMap((b) => (b.interval ? [{ interval: b.interval, label: p }] : []))));
    const ownIndex = indexOf(pools);
    const allIndex = allPools === pools ? ownIndex : indexOf(allPools);
    for (const r of [...serviceIpRequests(cluster.docs), ...indirectIpRequests(cluster)]) {
      if (/\$\{|\{\{/.test(r.text)) continue;
      const candidates = cluster.shared?.has(r.doc) ? allIndex : ownIndex;
      if (!r.ip) {
        out.push({ doc: r.doc, path: r.path, messageId: 'invalid', data: { ip: r.text } });
        continue;
      }
      const holding = [...new Set(candidates.holding(r.ip.family, r.ip.value))];
      const ok = holding.some((p) => !p.disabled && selectorMatches(p.selector, r.labels, r.namespace, r.name) !== false);
      if (ok) continue;
      const live = holding.find((p) => !p.disabled);
      if (live) out.push({ doc: r.doc, path: r.path, messageId: 'selector', data: { ip: r.text, pool: live.name }, related: [{ doc: live.doc, path: ['spec', 'serviceSelector'], message: `serviceSelector of pool "${live.name}"` }] });
      else if (holding[0]) out.push({ doc: r.doc, path: r.path, messageId: 'disabled', data: { ip: r.text, pool: holding[0].name }, related: [{ doc: holding[0].doc, path: ['spec', 'disabled'], message: `pool "${holding[0].name}"` }] });
      else {
        // the pools the Service could take addresses from: a change to one of them is what made this happen
        const eligible = pools.filter((p) => !p.disabled && selectorMatches(p.selector, r.labels, r.namespace, r.name) !== false).slice(0, 3);
        out.push({ doc: r.doc, path: r.path, messageId: 'noPool', data: { ip: r.text }, related: eligible.map((p) => ({ doc: p.doc, path: ['spec', 'blocks'], key: true, message: `pool "${p.name}" (no block holds ${r.text})` })) });
      }
    }
    return out;
  },
});
