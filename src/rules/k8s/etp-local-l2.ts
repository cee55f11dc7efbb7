/**
 * k8s/etp-local-l2: `externalTrafficPolicy: Local` on a LoadBalancer Service announced with Cilium L2, as a Service
 * object or as a Service a Helm release renders (plan/helm-services.ts). A Service whose pods come from a DaemonSet
 * on every node the L2 policy may elect is fine (lib/daemonset-nodes.ts); one that misses tainted control planes gets
 * its own message, only when the Talos configuration shows the taint.
 */
import type { YamlDocument } from '../../core/document.js';
import { LB_CLASSES } from '../../data/cilium.js';
import { valueAt } from '../../plan/cilium-release.js';
import { ciliumHandlesClass, isLoadBalancerService, selectorMatches } from '../../plan/lb.js';
import { helmServices } from '../../plan/helm-services.js';
import { isObj } from '../../plan/util.js';
import { l2Policies } from '../cilium/lib/objects.js';
import { placeOf } from '../cilium/lib/values.js';
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';
import { CONTROL_PLANE, controlPlanesSchedulable, daemonSetsBehind, excludesControlPlanes, keptOffNodes, kustomizeNamespaces, type Namespaces, otherWorkloadsBehind, podSpec, runsWherePolicyElects, toleratesControlPlane } from './lib/daemonset-nodes.js';
import { docsOfKind } from '../../core/kind-index.js';

const POLICY = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n';
const svc = (etp: string): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\n  namespace: dns\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: ${etp}\n  selector:\n    app: dns\n  ports:\n    - port: 53\n`;
const DS = 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: dns\n  namespace: dns\nspec:\n  selector:\n    matchLabels:\n      app: dns\n  template:\n    metadata:\n      labels:\n        app: dns\n    spec:\n      containers:\n        - name: dns\n          image: coredns/coredns:1.12.1\n';
const TALOS_CP = 'machine:\n  type: controlplane\ncluster:\n  clusterName: lab\n';
const APP_TEMPLATE = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: p2pool\n  namespace: web3\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: app-template\n  values:\n    controllers:\n      p2pool:\n        containers:\n          app:\n            image:\n              repository: ghcr.io/sethforprivacy/p2pool\n    service:\n      p2pool:\n        type: LoadBalancer\n        externalTrafficPolicy: Local\n        ports:\n          p2p:\n            port: 37890\n';
const NO_CONTROL_PLANES = '  nodeSelector:\n    matchExpressions:\n      - key: node-role.kubernetes.io/control-plane\n        operator: DoesNotExist\n';

/** An Envoy DaemonSet setting that keeps Envoy off some nodes (lib/daemonset-nodes.ts keptOffNodes), in `pod` or a patch. */
function restrictsNodes(ds: Record<string, unknown>): boolean {
  const pod = isObj(ds['pod']) ? ds['pod'] : {};
  const patch = isObj(ds['patch']) && isObj(ds['patch']['value']) ? ds['patch']['value'] : {};
  const tmpl = isObj(patch['spec']) && isObj(patch['spec']['template']) && isObj(patch['spec']['template']['spec']) ? patch['spec']['template']['spec'] : {};
  return keptOffNodes(pod) || keptOffNodes(tmpl);
}

export default defineRule({
  meta: {
    id: 'k8s/etp-local-l2',
    description: 'A LoadBalancer Service announced with Cilium L2 uses externalTrafficPolicy: Local.',
    severity: 'warning',
    messageSeverities: { envoyDaemonSet: 'info' },
    messages: {
      local: 'Service "{{name}}" uses externalTrafficPolicy: Local and is announced by L2 policy "{{policy}}"; the announcing node may have no local endpoint and drop the traffic.',
      gatewayApi: 'Cilium Gateway API Services use externalTrafficPolicy: Local (gatewayAPI.externalTrafficPolicy) while L2 announcements are on.',
      helmService: '{{kind}} "{{release}}" renders Service "{{service}}" (values `service.{{id}}`) with externalTrafficPolicy: Local, and L2 policy "{{policy}}" announces it; the announcing node may have no local endpoint and drop the traffic.',
      helmServiceUnnamed: '{{kind}} "{{release}}" renders a Service from values `service.{{id}}` (its name depends on values or a chart version the repository leaves open) with externalTrafficPolicy: Local, and L2 policy "{{policy}}" announces it; the announcing node may have no local endpoint and drop the traffic.',
      envoyProxy: 'EnvoyProxy "{{name}}" gives its Envoy Service externalTrafficPolicy: Local, and L2 policy "{{policy}}" announces every LoadBalancer Service.',
      daemonSetControlPlane: 'Service "{{name}}" uses externalTrafficPolicy: Local and its pods come from DaemonSet "{{daemonSet}}", which does not tolerate the control-plane taint; L2 policy "{{policy}}" may elect a control-plane node, which then has no local endpoint and drops the traffic. Add a toleration for node-role.kubernetes.io/control-plane:NoSchedule to the DaemonSet, exclude control planes in the policy\'s nodeSelector (node-role.kubernetes.io/control-plane DoesNotExist), or set cluster.allowSchedulingOnControlPlanes: true in Talos (from Talos 1.14: delete the node-role.kubernetes.io/control-plane taint in KubeNodeConfig).',
      envoyDaemonSet: 'EnvoyProxy "{{name}}" runs Envoy as a DaemonSet behind externalTrafficPolicy: Local; traffic is dropped only while the node L2 policy "{{policy}}" elects has no ready Envoy pod (a node Envoy does not run on, such as a control plane whose taint it does not tolerate, or a rollout).',
    },
    help: 'Use externalTrafficPolicy: Cluster for L2-announced Services (or announce them with BGP, or serve them from a DaemonSet on every node the L2 policy may elect).',
    docs: {
      what: 'Reports `externalTrafficPolicy: Local` where Cilium L2 announcements serve the traffic:\n' +
        '- LoadBalancer Services that an L2 announcement policy with `loadBalancerIPs: true` certainly selects, written as Service objects or as the `service.<id>` entries of a bjw-s app-template release (see below);\n' +
        '- Cilium values that set `gatewayAPI.externalTrafficPolicy: Local` while L2 announcements are enabled;\n' +
        '- Envoy Gateway EnvoyProxy objects that set `envoyService.externalTrafficPolicy: Local` when an L2 policy announces every Service (one that runs Envoy as a DaemonSet without node restrictions is reported as info).\n' +
        '\n' +
        'DaemonSets: a Service whose `spec.selector` matches the pod template of a DaemonSet in its namespace (as written, as a kustomization\'s `namespace:` sets it for the resources it lists, or as the `spec.targetNamespace` of the Flux Kustomization applying the file sets it; when none states one, the same folder) is not reported when the DaemonSet runs on every node the L2 policies may elect:\n' +
        '- no node selector (other than `kubernetes.io/os: linux`), or one whose every label every such policy\'s `nodeSelector.matchLabels` requires too;\n' +
        '- no node affinity;\n' +
        '- the control planes covered: the pods tolerate the `node-role.kubernetes.io/control-plane` taint, every policy that may select the Service excludes control planes with `node-role.kubernetes.io/control-plane` `DoesNotExist` or `NotIn [""]` in its `nodeSelector`, or Talos sets `allowSchedulingOnControlPlanes: true` (from 1.14: deletes the control-plane taint in KubeNodeConfig).\n' +
        '\n' +
        'When only the control planes are missing, the finding names that gap, and only when the Talos configuration control planes read is in the repository (a machine config or patch with `cluster:`, a talhelper config, a `cluster.yaml`): without it the taint is unknown and the Service is not reported. A run over some paths only does not report a Service for want of a workload behind it (it may sit in a file not read). Node taints other than the control-plane one are not visible in the repository.\n' +
        '\n' +
        'app-template releases (the chart is named `app-template` or the values have its `controllers` map): the values come from a Flux HelmRelease\'s `spec.values` and the valuesFrom ConfigMaps the repository holds (committed or generated by a configMapGenerator), an Argo CD source\'s `helm.valuesObject` or `helm.values` string, its `$ref/` value files of this repository and `helm.parameters`, or a kustomize `helmCharts` entry\'s values files and `valuesInline`, merged as Helm merges them and reported where the value is written, inside a values string too. Each Service:\n' +
        '- is matched against a policy\'s `serviceSelector` with the release namespace (`spec.targetNamespace`, the HelmRelease\'s or Application destination\'s namespace, a kustomization\'s `namespace` or the helmCharts entry\'s), the service\'s own `labels` (the chart\'s labels are not modelled, so a selector on them is not judged) and the Service name the chart renders;\n' +
        '- is named as the chart renders it (`io.kubernetes.service.name`): the release name, with `-<id>` when several Services are enabled; 4.x `forceRename`/`prefix`/`suffix`, 3.x `nameOverride`/`primary`, by the chart version the release pins; a name the values or an unknown version leave open is not judged, and the finding then names the values key only;\n' +
        '- is skipped, as a Service object is, when its `loadBalancerClass` is not Cilium\'s L2 class;\n' +
        '- is reported only when its controller (`controller`, or the only one) is not a DaemonSet.',
      why: 'The L2 leader for an IP is elected independently of where the pods run; with Local, a leader without a local endpoint drops the traffic. Cilium documents the combination as incompatible. A DaemonSet puts a local endpoint on every node it runs on, but Talos taints control planes `NoSchedule`, so a DaemonSet without the toleration is missing exactly there while an L2 policy without a node selector may still elect them.',
      fix: 'Set `externalTrafficPolicy: Cluster`; if you need the client source IP, use BGP or run the workload as a DaemonSet on every node the L2 policy may elect (tolerate the control-plane taint, exclude control planes in the policy\'s `nodeSelector`, or set `cluster.allowSchedulingOnControlPlanes: true` in Talos; from Talos 1.14 delete the `node-role.kubernetes.io/control-plane` taint in KubeNodeConfig).',
      sources: [
        'https://docs.cilium.io/en/stable/network/l2-announcements/',
        'https://github.com/cilium/cilium/issues/27800',
        'https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
        'https://docs.siderolabs.com/talos/latest/deploy-and-manage-workloads/workers-on-controlplane',
      ],
    },
    // concludes from a missing allowSchedulingOnControlPlanes, which may sit in a Talos file a partial run did not read;
    // `local` does too when no workload behind the Service is visible (the finding says so: needsWholeTree)
    needsWholeTree: ['daemonSetControlPlane'],
    examples: {
      valid: [
        { files: { 'l2.yaml': POLICY, 'svc.yaml': svc('Cluster') } },
        { files: { 'l2.yaml': POLICY + NO_CONTROL_PLANES, 'svc.yaml': svc('Local'), 'ds.yaml': DS }, note: 'a DaemonSet on every node the policy may elect' },
      ],
      invalid: [
        { files: { 'l2.yaml': POLICY, 'svc.yaml': svc('Local') } },
        { files: { 'l2.yaml': POLICY, 'svc.yaml': svc('Local'), 'ds.yaml': DS, 'talos/controlplane.yaml': TALOS_CP }, note: 'a DaemonSet that misses the tainted control planes the policy may elect' },
        { files: { 'l2.yaml': POLICY, 'apps/p2pool/helmrelease.yaml': APP_TEMPLATE }, note: 'a Service an app-template HelmRelease renders' },
        { files: { 'l2.yaml': POLICY, 'envoy.yaml': 'apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: EnvoyProxy\nmetadata:\n  name: envoy\nspec:\n  provider:\n    type: Kubernetes\n    kubernetes:\n      envoyService:\n        externalTrafficPolicy: Local\n' } },
        { files: { 'l2.yaml': POLICY, 'envoy.yaml': 'apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: EnvoyProxy\nmetadata:\n  name: envoy\nspec:\n  provider:\n    type: Kubernetes\n    kubernetes:\n      envoyDaemonSet: {}\n      envoyService:\n        externalTrafficPolicy: Local\n' }, note: 'a DaemonSet on every node: info only' },
      ],
    },
  },
  check({ cluster }) {
    const policies = l2Policies(cluster.docs).filter((d) => d.get(['spec', 'loadBalancerIPs']) === true);
    const out: RuleFinding[] = [];
    let nsOf: Namespaces | undefined;
    const namespaces: Namespaces = (doc) => (nsOf ??= kustomizeNamespaces(cluster.docs))(doc);
    let schedulable: { value: boolean | undefined } | undefined;
    for (const d of docsOfKind(cluster.docs, 'Service')) {
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
      const onPolicy = (p: YamlDocument): RelatedFinding[] => [{ doc: p, path: ['metadata', 'name'], message: `L2 policy "${p.name ?? ''}"` }];
      // every policy that may select the Service may elect the lease holder
      const electing = [policy, ...policies.filter((p) => p !== policy && selectorMatches(p.get(['spec', 'serviceSelector']), lab, d.namespace, d.name) !== false)];
      // pods of a DaemonSet on every node those policies may elect: a local endpoint wherever the lease lands, unless
      // the lease may land on a control plane that the DaemonSet's pods are kept off by the taint
      const behind = daemonSetsBehind(d, cluster.docs, namespaces);
      const everywhere = behind.filter((ds) => electing.every((p) => runsWherePolicyElects(podSpec(ds), p)));
      if (everywhere.length) {
        const open = electing.find((p) => !excludesControlPlanes(p));
        if (!open || everywhere.some((ds) => toleratesControlPlane(podSpec(ds)))) continue;
        // tainted only when the Talos configuration shows it: schedulable or not visible, nothing to say
        schedulable ??= { value: controlPlanesSchedulable(cluster) };
        if (schedulable.value !== false) continue;
        const ds = everywhere[0]!;
        const related = [...onPolicy(open), { doc: ds, path: ['metadata', 'name'], message: `DaemonSet "${ds.name ?? ''}" has no toleration for the ${CONTROL_PLANE}:NoSchedule taint` }];
        out.push({ doc: d, path: ['spec', 'externalTrafficPolicy'], messageId: 'daemonSetControlPlane', data: { name: d.name ?? '', policy: open.name ?? '', daemonSet: ds.name ?? '' }, related });
        continue;
      }
      // no workload behind the Service in sight: a DaemonSet on every node may sit in a file a partial run did not read
      const seen = behind.length > 0 || otherWorkloadsBehind(d, cluster.docs, namespaces).length > 0;
      out.push({ doc: d, path: ['spec', 'externalTrafficPolicy'], messageId: 'local', data: { name: d.name ?? '', policy: policy.name ?? '' }, related: onPolicy(policy), ...(seen ? {} : { needsWholeTree: true }) });
    }
    // Services a Helm release renders (app-template `service.<id>`): the chart's own labels stay unknown
    for (const h of helmServices(cluster.docs)) {
      if (h.type !== 'LoadBalancer' || h.values['externalTrafficPolicy'] !== 'Local') continue;
      const cls = h.values['loadBalancerClass'];
      if (!ciliumHandlesClass(cls) || cls === LB_CLASSES.bgp) continue;
      // pods of a DaemonSet: not modelled (its nodes and tolerations sit in the chart's values), and one that is not
      // told is not judged
      if (h.workload !== 'other') continue;
      const candidates = cluster.shared?.has(h.doc) ? policies.filter((p) => cluster.shared!.has(p)) : policies;
      const policy = candidates.find((p) => selectorMatches(p.get(['spec', 'serviceSelector']), h.labels, h.namespace, h.name) === true);
      if (!policy) continue;
      // the Service by the name Kubernetes gives it (plan/app-template-names.ts), when the values and chart version tell it
      const named = h.name !== undefined;
      const data = { kind: h.releaseKind, release: h.releaseName, ...(named ? { service: h.name! } : {}), id: h.id, policy: policy.name ?? '' };
      // where the values set it: the release's inline values, an Argo CD values string, a valuesFrom ConfigMap
      const at = h.at(['externalTrafficPolicy']);
      out.push({ doc: at.doc, path: at.path, ...(at.range ? { range: at.range } : {}), messageId: named ? 'helmService' : 'helmServiceUnnamed', data, related: [{ doc: policy, path: ['metadata', 'name'], message: `L2 policy "${policy.name ?? ''}"` }] });
    }
    // Envoy Gateway: the EnvoyProxy sets the generated Service's policy; only a policy without serviceSelector certainly announces it
    const allServices = policies.find((p) => p.get(['spec', 'serviceSelector']) === undefined);
    if (allServices) {
      for (const d of docsOfKind(cluster.docs, 'EnvoyProxy')) {
        if (d.group !== 'gateway.envoyproxy.io') continue;
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
      if (etp?.value === 'Local' && valueAt(r, 'gatewayAPI.enabled')?.value === true) out.push({ ...placeOf(r, ['gatewayAPI', 'externalTrafficPolicy']), messageId: 'gatewayApi', data: {} });
    }
    return out;
  },
});
