/** k8s/etp-local-l2: `externalTrafficPolicy: Local` on a LoadBalancer Service announced with Cilium L2. */
import { LB_CLASSES } from '../../data/cilium.js';
import { valueAt } from '../../plan/cilium-release.js';
import { ciliumHandlesClass, isLoadBalancerService, selectorMatches } from '../../plan/lb.js';
import { defineRule, type RuleFinding } from '../types.js';

const POLICY = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n';
const svc = (etp: string): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\n  namespace: dns\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: ${etp}\n  ports:\n    - port: 53\n`;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An Envoy DaemonSet setting that keeps Envoy off some nodes: a node selector or affinity, in `pod` or a patch. */
function restrictsNodes(ds: Record<string, unknown>): boolean {
  const pod = isObj(ds['pod']) ? ds['pod'] : {};
  const patch = isObj(ds['patch']) && isObj(ds['patch']['value']) ? ds['patch']['value'] : {};
  const tmpl = isObj(patch['spec']) && isObj(patch['spec']['template']) && isObj(patch['spec']['template']['spec']) ? patch['spec']['template']['spec'] : {};
  return [pod['nodeSelector'], pod['affinity'], tmpl['nodeSelector'], tmpl['affinity']].some((v) => v !== undefined && v !== null);
}

export default defineRule({
  meta: {
    id: 'k8s/etp-local-l2',
    description: 'A LoadBalancer Service announced with Cilium L2 uses externalTrafficPolicy: Local.',
    severity: 'warning',
    messages: {
      local: 'Service "{{name}}" uses externalTrafficPolicy: Local and is announced by L2 policy "{{policy}}"; the announcing node may have no local endpoint and drop the traffic.',
      gatewayApi: 'Cilium Gateway API Services use externalTrafficPolicy: Local (gatewayAPI.externalTrafficPolicy) while L2 announcements are on.',
      envoyProxy: 'EnvoyProxy "{{name}}" gives its Envoy Service externalTrafficPolicy: Local, and L2 policy "{{policy}}" announces every LoadBalancer Service.',
      envoyDaemonSet: 'EnvoyProxy "{{name}}" runs Envoy as a DaemonSet behind externalTrafficPolicy: Local; traffic is dropped only while the node L2 policy "{{policy}}" elects has no ready Envoy pod (a tainted control-plane node, a rollout).',
    },
    help: 'Use externalTrafficPolicy: Cluster for L2-announced Services (or announce them with BGP).',
    docs: {
      what: 'Finds LoadBalancer Services with `externalTrafficPolicy: Local` that an L2 announcement policy with `loadBalancerIPs: true` certainly selects, Cilium values that set `gatewayAPI.externalTrafficPolicy: Local` while L2 announcements are enabled, and Envoy Gateway EnvoyProxy objects that set `envoyService.externalTrafficPolicy: Local` when an L2 policy announces every Service.',
      why: 'The L2 leader for an IP is elected independently of where the pods run; with Local, a leader without a local endpoint drops the traffic. Cilium documents the combination as incompatible.',
      fix: 'Set `externalTrafficPolicy: Cluster`; if you need the client source IP, use BGP or run the workload on every node.',
      sources: ['https://docs.cilium.io/en/stable/network/l2-announcements/', 'https://github.com/cilium/cilium/issues/27800'],
    },
    examples: {
      valid: [{ files: { 'l2.yaml': POLICY, 'svc.yaml': svc('Cluster') } }],
      invalid: [
        { files: { 'l2.yaml': POLICY, 'svc.yaml': svc('Local') } },
        { files: { 'l2.yaml': POLICY, 'envoy.yaml': 'apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: EnvoyProxy\nmetadata:\n  name: envoy\nspec:\n  provider:\n    type: Kubernetes\n    kubernetes:\n      envoyService:\n        externalTrafficPolicy: Local\n' } },
        { files: { 'l2.yaml': POLICY, 'envoy.yaml': 'apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: EnvoyProxy\nmetadata:\n  name: envoy\nspec:\n  provider:\n    type: Kubernetes\n    kubernetes:\n      envoyDaemonSet: {}\n      envoyService:\n        externalTrafficPolicy: Local\n' }, note: 'a DaemonSet on every node: info only' },
      ],
    },
  },
  check({ cluster }) {
    const policies = cluster.docs.filter((d) => d.kind === 'CiliumL2AnnouncementPolicy' && d.group === 'cilium.io' && d.get(['spec', 'loadBalancerIPs']) === true);
    const out: RuleFinding[] = [];
    for (const d of cluster.docs) {
      if (!isLoadBalancerService(d) || d.get(['spec', 'externalTrafficPolicy']) !== 'Local') continue;
      const cls = d.get(['spec', 'loadBalancerClass']);
      if (!ciliumHandlesClass(cls) || cls === LB_CLASSES.bgp) continue;
      const labels = d.get(['metadata', 'labels']);
      const lab: Record<string, string> = {};
      if (isObj(labels)) for (const [k, v] of Object.entries(labels)) lab[k] = String(v);
      // a Service shared by several clusters is only tied to a policy that is shared as well
      const candidates = cluster.shared?.has(d) ? policies.filter((p) => cluster.shared!.has(p)) : policies;
      // only a policy that certainly selects the Service (no selector, or one the repo shows it matches)
      const policy = candidates.find((p) => selectorMatches(p.get(['spec', 'serviceSelector']), lab, d.namespace, d.name) === true);
      if (!policy) continue;
      out.push({ doc: d, path: ['spec', 'externalTrafficPolicy'], messageId: 'local', data: { name: d.name ?? '', policy: policy.name ?? '' }, related: [{ doc: policy, path: ['metadata', 'name'], message: `L2 policy "${policy.name ?? ''}"` }] });
    }
    // Envoy Gateway: the EnvoyProxy sets the generated Service's policy; only a policy without serviceSelector certainly announces it
    const allServices = policies.find((p) => p.get(['spec', 'serviceSelector']) === undefined);
    if (allServices) {
      for (const d of cluster.docs) {
        if (d.kind !== 'EnvoyProxy' || d.group !== 'gateway.envoyproxy.io') continue;
        const path = ['spec', 'provider', 'kubernetes', 'envoyService', 'externalTrafficPolicy'];
        if (d.get(path) !== 'Local') continue;
        const type = d.get(['spec', 'provider', 'kubernetes', 'envoyService', 'type']);
        if (type !== undefined && type !== 'LoadBalancer') continue;
        if (cluster.shared?.has(d) && !cluster.shared.has(allServices)) continue;
        // a DaemonSet on every node has a local endpoint wherever the lease lands, unless it is kept off some nodes
        const ds = d.get(['spec', 'provider', 'kubernetes', 'envoyDaemonSet']);
        if (isObj(ds) && !restrictsNodes(ds)) {
          out.push({ doc: d, path, messageId: 'envoyDaemonSet', severity: 'info', data: { name: d.name ?? '', policy: allServices.name ?? '' }, related: [{ doc: allServices, path: ['metadata', 'name'], message: `L2 policy "${allServices.name ?? ''}"` }] });
          continue;
        }
        out.push({ doc: d, path, messageId: 'envoyProxy', data: { name: d.name ?? '', policy: allServices.name ?? '' }, related: [{ doc: allServices, path: ['metadata', 'name'], message: `L2 policy "${allServices.name ?? ''}"` }] });
      }
    }
    for (const r of cluster.ciliumReleases) {
      if (valueAt(r, 'l2announcements.enabled')?.value !== true) continue;
      const etp = valueAt(r, 'gatewayAPI.externalTrafficPolicy');
      if (etp?.value === 'Local' && valueAt(r, 'gatewayAPI.enabled')?.value === true) out.push({ doc: etp.doc, path: etp.path, messageId: 'gatewayApi', data: {} });
    }
    return out;
  },
});
