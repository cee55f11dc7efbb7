/**
 * cilium/feature-off: objects whose Cilium feature every Cilium release of the group leaves off (or, for a feature
 * newer than the pinned Cilium, lacks), so nothing acts on them: egress gateway policies without
 * `egressGateway.enabled`, local redirect policies without `localRedirectPolicies.enabled` (or the older
 * `localRedirectPolicy`), pod IP pools without `ipam.mode: multi-pool`, Envoy configs (CiliumEnvoyConfig,
 * CiliumClusterwideEnvoyConfig) without the agent's `enable-envoy-config`, LoadBalancer Services that Node IPAM
 * serves (lib/node-ipam.ts) without `nodeIPAM.enabled` or on Cilium before 1.16.
 * (L2 policies and Gateway API objects have their own rules: cilium/l2-policy-without-l2, cilium/gateway-without-gateway-api;
 * Node IPAM Services that no node can serve: cilium/node-ipam-no-node.)
 */
import type { Path, YamlDocument } from '../../core/document.js';
import { placeKey } from '../../core/finding.js';
import { docsOfKinds } from '../../core/kind-index.js';
import { CILIUM_GROUP, NODE_IPAM_AGENT_KEY, NODE_IPAM_CLASS, NODE_IPAM_SINCE } from '../../data/cilium.js';
import { atLeast, compareVersions, parseVersion } from '../../data/versions.js';
import { kustomizePatchFiles } from '../../plan/kustomize-patches.js';
import type { CiliumRelease, ClusterGroup } from '../../plan/types.js';
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';
import { SRC } from './lib/sources.js';
import { nodeIpamServices } from './lib/node-ipam.js';
import { ciliumVersion } from './lib/objects.js';
import { agentConfigSets, everyReleaseBefore, layerSetting, offInEveryRelease, placeOf, releaseBefore, releases, releaseVersion, switchOn, unknowable, valueOf, type AgentOption, type Place } from './lib/values.js';

/** An object that needs a feature: where a finding about it points, and locations that say why it needs it. */
interface Target {
  doc: YamlDocument;
  path: Path;
  related?: RelatedFinding[];
}

interface Feature {
  /** The objects that need the feature (`ofKinds`: every object of some cilium.io kinds, pointing at `kind`). */
  targets(cluster: ClusterGroup): Target[];
  /** What is off, for messages ("the egress gateway"). */
  feature: string;
  /** The Cilium minor that brought the feature: a release pinned below it lacks the feature whatever its values say. */
  since?: string;
  /** The values that turn it on on `version` (undefined: not known), as the message names them. */
  setting(version: string | undefined): string;
  /** The switches of a release that turn it on (any of them); the places of those set are the related locations. */
  keys(release: CiliumRelease, cluster: ClusterGroup): ReadonlyArray<readonly string[]>;
  /**
   * Other values that turn it on (another feature's switch that implies this one) or that `on` reads, whose off
   * setting is not this feature turned off: the repository must show them, but they are never related locations
   * (offInEveryRelease's `shownKeys`).
   */
  indirectKeys?: ReadonlyArray<readonly string[]>;
  /** On in this release's effective values; undefined when it cannot be told (templated). */
  on(release: CiliumRelease, cluster: ClusterGroup): boolean | undefined;
  /**
   * The cilium-config key that turns the feature on directly (Helm `extraConfig`, a CiliumNodeConfig's
   * `defaults`) and the value that does: when one sets it (or a template may), the rule stays silent (precedence
   * between these and the chart's own switch is not modelled).
   */
  agentKey: AgentOption;
}

const MULTI_POOL = 'multi-pool';
const IPAM_MODE = ['ipam', 'mode'] as const;
const EGRESS_GATEWAY = ['egressGateway', 'enabled'] as const;
/** The local redirect policy switch from 1.18 (the boolean `localRedirectPolicy` before; whether 1.18+ charts still read it is not established, so it counts there too). */
const LRP_SINCE_118 = ['localRedirectPolicies', 'enabled'] as const;
const LRP_LEGACY = ['localRedirectPolicy'] as const;
/** The chart sets the agent's `enable-envoy-config` from its own switch and from the features built on Envoy configs. */
const ENVOY_CONFIG = ['envoyConfig', 'enabled'] as const;
const INGRESS_CONTROLLER = ['ingressController', 'enabled'] as const;
const GATEWAY_API = ['gatewayAPI', 'enabled'] as const;
/** L7 service load balancing (`envoy`, default `disabled`) turns Envoy configs on too. */
const L7_BACKEND = ['loadBalancer', 'l7', 'backend'] as const;

/** The local redirect policy switches a release's chart reads: before 1.18 only the boolean; otherwise either. */
function lrpKeys(release: CiliumRelease, cluster: ClusterGroup): ReadonlyArray<readonly string[]> {
  const v = releaseVersion(cluster, release);
  return v && !atLeast(v, '1.18') ? [LRP_LEGACY] : [LRP_SINCE_118, LRP_LEGACY];
}

/** Any state on → on; all off → off; otherwise (templated) unknown. */
function any(states: ReadonlyArray<boolean | undefined>): boolean | undefined {
  if (states.includes(true)) return true;
  return states.includes(undefined) ? undefined : false;
}

/** Any of `keys` on → on; all off → off; otherwise (templated) unknown. */
function anyOn(release: CiliumRelease, keys: ReadonlyArray<readonly string[]>): boolean | undefined {
  return any(keys.map((k) => switchOn(release, k)));
}

/** A string value whose default is not `wanted`: whether it is `wanted`; undefined when templated or not a string. */
function stringIs(release: CiliumRelease, key: readonly string[], wanted: string): boolean | undefined {
  const v = valueOf(release, key);
  if (v === undefined) return false;
  if (unknowable(v) || typeof v !== 'string') return undefined;
  return v === wanted;
}

/** `enable-envoy-config` as the chart sets it: its own switch, the ingress controller, Gateway API, or `loadBalancer.l7.backend: envoy`. */
function envoyConfigOn(release: CiliumRelease): boolean | undefined {
  return any([anyOn(release, [ENVOY_CONFIG, INGRESS_CONTROLLER, GATEWAY_API]), stringIs(release, L7_BACKEND, 'envoy')]);
}

/** Every object of the cilium.io `kinds`; a finding points at its `kind`. */
function ofKinds(kinds: readonly string[]): (cluster: ClusterGroup) => Target[] {
  return (cluster) => docsOfKinds(cluster.docs, kinds).filter((d) => d.group === CILIUM_GROUP).map((doc) => ({ doc, path: ['kind'] }));
}

const NODE_IPAM = ['nodeIPAM', 'enabled'] as const;

/** The LoadBalancer Services Node IPAM serves; one without a class says where `defaultLBServiceIPAM: nodeipam` hands it over. */
function nodeIpamTargets(cluster: ClusterGroup): Target[] {
  return nodeIpamServices(cluster).map(({ doc, path, defaultAt }) => ({
    doc,
    path,
    ...(defaultAt ? { related: defaultAt.map((p) => ({ ...p, message: `defaultLBServiceIPAM: nodeipam hands LoadBalancer Services without a loadBalancerClass to Node IPAM.` })) } : {}),
  }));
}

/** `ipam.mode` is `multi-pool` (chart default `cluster-pool`; Talos documents `kubernetes`). */
function multiPool(release: CiliumRelease): boolean | undefined {
  return stringIs(release, IPAM_MODE, MULTI_POOL);
}

export const FEATURES: readonly Feature[] = [
  {
    targets: ofKinds(['CiliumEgressGatewayPolicy']),
    feature: 'the egress gateway',
    setting: () => 'egressGateway.enabled: true, with bpf.masquerade: true and kubeProxyReplacement: true',
    keys: () => [EGRESS_GATEWAY],
    on: (r) => switchOn(r, EGRESS_GATEWAY),
    agentKey: { key: /^enable-ipv[46]-egress-gateway$/, on: (v) => v === true || v === 'true' },
  },
  {
    targets: ofKinds(['CiliumLocalRedirectPolicy']),
    feature: 'local redirect policies',
    setting: (v) => (v && !atLeast(v, '1.18') ? 'localRedirectPolicy: true' : v ? 'localRedirectPolicies.enabled: true' : 'localRedirectPolicies.enabled: true, or localRedirectPolicy: true before Cilium 1.18'),
    keys: lrpKeys,
    on: (r, cluster) => anyOn(r, lrpKeys(r, cluster)),
    agentKey: { key: /^enable-local-redirect-policy$/, on: (v) => v === true || v === 'true' },
  },
  {
    targets: ofKinds(['CiliumPodIPPool']),
    feature: 'multi-pool IPAM',
    setting: () => 'ipam.mode: multi-pool, chosen when the cluster is created',
    keys: () => [IPAM_MODE],
    on: multiPool,
    agentKey: { key: /^ipam$/, on: (v) => v === MULTI_POOL },
  },
  {
    targets: ofKinds(['CiliumEnvoyConfig', 'CiliumClusterwideEnvoyConfig']),
    feature: "Cilium's Envoy config support",
    setting: () => 'envoyConfig.enabled: true, or ingressController.enabled: true, gatewayAPI.enabled: true or loadBalancer.l7.backend: envoy',
    // only the feature's own switch set off turns it off; the ingress controller or Gateway API left off, or the
    // L7 backend at its default `disabled`, are other features left off
    keys: () => [ENVOY_CONFIG],
    indirectKeys: [INGRESS_CONTROLLER, GATEWAY_API, L7_BACKEND],
    on: envoyConfigOn,
    agentKey: { key: /^enable-envoy-config$/, on: (v) => v === true || v === 'true' },
  },
  {
    targets: nodeIpamTargets,
    feature: 'Cilium Node IPAM',
    since: NODE_IPAM_SINCE,
    setting: () => 'nodeIPAM.enabled: true',
    keys: () => [NODE_IPAM],
    on: (r) => switchOn(r, NODE_IPAM),
    // the chart writes the switch into cilium-config, which the operator (where Node IPAM runs) reads
    agentKey: { key: new RegExp(`^${NODE_IPAM_AGENT_KEY}$`), on: (v) => v === true || v === 'true' },
  },
];

/** The newest of `versions` (as written). */
function newest(versions: readonly string[]): string {
  const parsed = versions.map((v) => ({ v, p: parseVersion(v) }));
  parsed.sort((a, b) => (a.p && b.p ? compareVersions(b.p, a.p) : 0));
  return parsed[0]?.v ?? '';
}

const EGW = 'apiVersion: cilium.io/v2\nkind: CiliumEgressGatewayPolicy\nmetadata:\n  name: legacy-firewall\nspec:\n  selectors:\n    - podSelector:\n        matchLabels: {app: billing}\n  destinationCIDRs: [192.0.2.0/24]\n  egressGateway:\n    nodeSelector:\n      matchLabels: {egress: "true"}\n    egressIP: 10.50.0.250\n';
const CEC = 'apiVersion: cilium.io/v2\nkind: CiliumEnvoyConfig\nmetadata:\n  name: echo-l7\n  namespace: default\nspec:\n  services:\n    - {name: echo, namespace: default}\n  resources:\n    - "@type": type.googleapis.com/envoy.config.listener.v3.Listener\n      name: echo-listener\n';
const NODE_SVC = `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: web\nspec:\n  type: LoadBalancer\n  loadBalancerClass: ${NODE_IPAM_CLASS}\n  selector:\n    app: web\n  ports:\n    - port: 443\n`;
const CILIUM_115 = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: 1.15.7\n      sourceRef: {kind: HelmRepository, name: cilium}\n  values:\n    kubeProxyReplacement: true\n';
const LRP = 'apiVersion: cilium.io/v2\nkind: CiliumLocalRedirectPolicy\nmetadata:\n  name: node-local-dns\n  namespace: kube-system\nspec:\n  redirectFrontend:\n    serviceMatcher: {serviceName: kube-dns, namespace: kube-system}\n  redirectBackend:\n    localEndpointSelector:\n      matchLabels: {k8s-app: node-local-dns}\n    toPorts:\n      - {port: "53", protocol: UDP, name: dns}\n';

export default defineRule({
  meta: {
    id: 'cilium/feature-off',
    description: 'Egress gateway policies, local redirect policies, pod IP pools, Envoy configs and Node IPAM LoadBalancer Services do nothing unless the Cilium values turn their feature on.',
    severity: 'error',
    messageSeverities: { unset: 'warning' },
    messages: {
      off: '{{kind}} "{{name}}" needs {{feature}} ({{setting}}), but the Cilium values turn it off; nothing acts on this object.',
      unset: '{{kind}} "{{name}}" needs {{feature}} ({{setting}}), which no Cilium values turn on (off by default); nothing acts on this object.',
      missing: '{{kind}} "{{name}}" needs {{feature}}, which Cilium {{version}} does not have (it arrived in {{since}}); nothing acts on this object.',
    },
    help: 'Turn the feature on in the Cilium Helm values (the message names the setting; upgrade Cilium first when it is older than the feature), or remove the object.',
    docs: {
      what: 'When the repository has Cilium values, checks each object that needs a Cilium feature against them:\n' +
        '- CiliumEgressGatewayPolicy: `egressGateway.enabled: true`;\n' +
        '- CiliumLocalRedirectPolicy: `localRedirectPolicies.enabled: true` from 1.18 (before 1.18 only the boolean `localRedirectPolicy: true` exists; on 1.18 and later either counts, since whether the newer charts still read the boolean is not established);\n' +
        '- CiliumPodIPPool: `ipam.mode: multi-pool`;\n' +
        '- CiliumEnvoyConfig and CiliumClusterwideEnvoyConfig: the agent\'s `enable-envoy-config`, which the chart sets with `envoyConfig.enabled: true` and also with `ingressController.enabled: true`, `gatewayAPI.enabled: true` or `loadBalancer.l7.backend: envoy`;\n' +
        '- LoadBalancer Services of class `io.cilium/node`: Node IPAM (`nodeIPAM.enabled: true`, Cilium 1.16 or later), and so do Services without a class when every governing release sets `defaultLBServiceIPAM: nodeipam` (1.17 or later; the finding then points at `spec.type` and names where the default is set).\n' +
        '\n' +
        'An error when the values set the feature off (or another IPAM mode; for Envoy configs `envoyConfig.enabled: false`, not the other features left off), or when every release is pinned to a Cilium older than the feature (Node IPAM before 1.16); a warning when they leave it at the chart default; silent when any release turns it on, or when a value is templated or values the repository does not show could turn it on.\n' +
        '\n' +
        'Bootstrap installs (helmfile, the Talos install job) count only when no Flux or Argo CD release exists: the GitOps engine then upgrades the same Helm release with its own values. Where `extraConfig` or a CiliumNodeConfig\'s `defaults` sets the agent\'s own key for the feature (`enable-*-egress-gateway`, `enable-local-redirect-policy`, `ipam`, `enable-envoy-config`, `enable-node-ipam`), the rule stays silent. A Service Node IPAM serves that no node can take is cilium/node-ipam-no-node\'s.',
      why: 'The objects apply cleanly, so nothing fails: the agent simply never acts on them. Traffic leaves with the node address instead of the egress IP, DNS is not redirected to the node-local cache, pods keep getting addresses from the default pool, Envoy listeners are never set up and service traffic is not redirected to them. A Node IPAM Service gets no address and stays `<pending>` (no LB-IPAM pool serves it either: LB IPAM ignores the `io.cilium/node` class).',
      fix: 'Set the feature in the Cilium values. The egress gateway also needs BPF masquerading and kube-proxy replacement. The IPAM mode is chosen when a cluster is built (Talos documents `ipam.mode: kubernetes`); changing it on a running cluster disrupts pod networking, so a pool written for multi-pool IPAM is usually a mistake to remove. Envoy configs need `envoyConfig.enabled: true` unless the ingress controller, Gateway API or L7 load balancing already turns them on; the L7 traffic management guide also asks for kube-proxy replacement. Node IPAM needs `nodeIPAM.enabled: true` on Cilium 1.16 or later.',
      sources: ['https://docs.cilium.io/en/stable/network/egress-gateway/egress-gateway/', 'https://docs.cilium.io/en/stable/network/kubernetes/local-redirect-policy/', 'https://docs.cilium.io/en/stable/network/concepts/ipam/multi-pool/', 'https://docs.cilium.io/en/stable/network/servicemesh/l7-traffic-management/', SRC.nodeIpam, SRC.helmRef],
    },
    examples: {
      valid: [
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nbpf:\n  masquerade: true\negressGateway:\n  enabled: true\n', 'egress.yaml': EGW } },
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nlocalRedirectPolicy: true\n', 'lrp.yaml': LRP }, note: 'the pre-1.18 switch counts too' },
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\ngatewayAPI:\n  enabled: true\n', 'envoy.yaml': CEC }, note: 'Gateway API (like the ingress controller or `loadBalancer.l7.backend: envoy`) turns Envoy configs on too' },
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nnodeIPAM:\n  enabled: true\n', 'svc.yaml': NODE_SVC } },
      ],
      invalid: [
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\negressGateway:\n  enabled: false\n', 'egress.yaml': EGW } },
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\n', 'lrp.yaml': LRP }, note: 'off by default: a warning' },
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nenvoyConfig:\n  enabled: false\nloadBalancer:\n  l7:\n    backend: disabled\n', 'envoy.yaml': CEC } },
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\n', 'svc.yaml': NODE_SVC }, note: 'a Node IPAM Service while Node IPAM is left off (a warning)' },
        { files: { 'cilium/helmrelease.yaml': CILIUM_115, 'svc.yaml': NODE_SVC }, note: 'Cilium 1.15 has no Node IPAM' },
      ],
    },
    // every verdict is about every release of the group: with only some paths read, a values file, an overlay or
    // a Kustomization that turns the feature on (or a release of a newer Cilium) may not have been read
    needsWholeTree: ['unset', 'off', 'missing'],
  },
  check({ cluster, all }) {
    const out: RuleFinding[] = [];
    // a kustomize patch file is a partial copy of an object the base declares: the base's finding is the one
    const patchFiles = kustomizePatchFiles(all);
    for (const f of FEATURES) {
      const targets = f.targets(cluster).filter((t) => !patchFiles.has(t.doc.file.path));
      if (!targets.length || agentConfigSets(cluster, f.agentKey)) continue;
      // a release pinned below the feature's first minor lacks it: off whatever its values say
      const lacks = (r: CiliumRelease): boolean => f.since !== undefined && releaseBefore(cluster, r, f.since);
      if (f.since && everyReleaseBefore(cluster, f.since)) {
        out.push(...missing(f, cluster, targets));
        continue;
      }
      const none: ReadonlyArray<readonly string[]> = [];
      const off = offInEveryRelease(cluster, (r) => (lacks(r) ? false : f.on(r, cluster)), (r) => (lacks(r) ? none : f.keys(r, cluster)), (r) => (lacks(r) ? none : (f.indirectKeys ?? none)));
      if (!off) continue;
      const related: RelatedFinding[] = off.explicit.map((p) => ({ ...p, message: `This turns ${f.feature} off.` }));
      const setting = f.setting(ciliumVersion(cluster));
      for (const t of targets) {
        const rel = [...(t.related ?? []), ...related];
        out.push({
          doc: t.doc,
          path: t.path,
          messageId: off.explicit.length ? 'off' : 'unset',
          everyGroup: true,
          data: { kind: t.doc.kind ?? '', name: t.doc.name ?? '', feature: f.feature, setting },
          ...(rel.length ? { related: rel } : {}),
          ...(off.explicit.length ? {} : { severity: 'warning' as const }),
        });
      }
    }
    return out;
  },
});

/**
 * Findings for objects whose feature no release of the group has (every release pinned below `f.since`); a value
 * that would turn it on is a related location (it does nothing on that version).
 */
function missing(f: Feature, cluster: ClusterGroup, targets: readonly Target[]): RuleFinding[] {
  const rels = releases(cluster);
  const version = newest(rels.map((r) => releaseVersion(cluster, r)!));
  const set = new Map<string, Place>();
  for (const r of rels) {
    for (const k of f.keys(r, cluster)) {
      if (!layerSetting(r, k)) continue;
      const p = placeOf(r, k);
      set.set(placeKey(p), p);
    }
  }
  const related: RelatedFinding[] = [...set.values()].map((p) => ({ ...p, message: `Cilium ${version} has no ${f.feature}: this value does nothing.` }));
  return targets.map((t): RuleFinding => {
    const rel = [...(t.related ?? []), ...related];
    return {
      doc: t.doc,
      path: t.path,
      messageId: 'missing',
      everyGroup: true,
      data: { kind: t.doc.kind ?? '', name: t.doc.name ?? '', feature: f.feature, version, since: f.since ?? '' },
      ...(rel.length ? { related: rel } : {}),
    };
  });
}
