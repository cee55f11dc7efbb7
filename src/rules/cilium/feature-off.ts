/**
 * cilium/feature-off: Cilium objects whose feature every Cilium release of the group leaves off, so nothing acts on
 * them: egress gateway policies without `egressGateway.enabled`, local redirect policies without
 * `localRedirectPolicies.enabled` (or the older `localRedirectPolicy`), pod IP pools without `ipam.mode: multi-pool`.
 * (L2 policies and Gateway API objects have their own rules: cilium/l2-policy-without-l2, cilium/gateway-without-gateway-api.)
 */
import { docsOfKind } from '../../core/kind-index.js';
import { CILIUM_GROUP } from '../../data/cilium.js';
import { atLeast } from '../../data/versions.js';
import type { CiliumRelease, ClusterGroup } from '../../plan/types.js';
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';
import { SRC } from './lib/sources.js';
import { ciliumVersion, isObject } from './lib/objects.js';
import { offInEveryRelease, releases, releaseVersion, switchOn, unknowable, valueOf } from './lib/values.js';

interface Feature {
  kind: string;
  /** What is off, for messages ("the egress gateway"). */
  feature: string;
  /** The values that turn it on on `version` (undefined: not known), as the message names them. */
  setting(version: string | undefined): string;
  /** The switches of a release that turn it on (any of them); the places of those set are the related locations. */
  keys(release: CiliumRelease, cluster: ClusterGroup): ReadonlyArray<readonly string[]>;
  /** On in this release's effective values; undefined when it cannot be told (templated). */
  on(release: CiliumRelease, cluster: ClusterGroup): boolean | undefined;
  /**
   * The cilium-config key that turns the feature on directly (Helm `extraConfig`, a CiliumNodeConfig's
   * `defaults`) and the value that does: when one sets it (or a template may), the rule stays silent (precedence
   * between these and the chart's own switch is not modelled).
   */
  agentKey: { key: RegExp; on: (value: unknown) => boolean };
}

const MULTI_POOL = 'multi-pool';
const IPAM_MODE = ['ipam', 'mode'] as const;
const EGRESS_GATEWAY = ['egressGateway', 'enabled'] as const;
/** The local redirect policy switch from 1.18 (the boolean `localRedirectPolicy` before; whether 1.18+ charts still read it is not established, so it counts there too). */
const LRP_SINCE_118 = ['localRedirectPolicies', 'enabled'] as const;
const LRP_LEGACY = ['localRedirectPolicy'] as const;

/** The local redirect policy switches a release's chart reads: before 1.18 only the boolean; otherwise either. */
function lrpKeys(release: CiliumRelease, cluster: ClusterGroup): ReadonlyArray<readonly string[]> {
  const v = releaseVersion(cluster, release);
  return v && !atLeast(v, '1.18') ? [LRP_LEGACY] : [LRP_SINCE_118, LRP_LEGACY];
}

/** Any of `keys` on → on; all off → off; otherwise (templated) unknown. */
function anyOn(release: CiliumRelease, keys: ReadonlyArray<readonly string[]>): boolean | undefined {
  const states = keys.map((k) => switchOn(release, k));
  if (states.includes(true)) return true;
  return states.includes(undefined) ? undefined : false;
}

/** Some release's `extraConfig` or some CiliumNodeConfig's `defaults` turns the feature on through the agent's own key (or may: templated). */
function agentConfigSets(cluster: ClusterGroup, agent: Feature['agentKey']): boolean {
  const sets = (m: unknown): boolean => isObject(m) && Object.entries(m).some(([k, v]) => agent.key.test(k) && (agent.on(v) || unknowable(v)));
  if (releases(cluster).some((r) => sets(valueOf(r, ['extraConfig'])))) return true;
  return docsOfKind(cluster.docs, 'CiliumNodeConfig').some((d) => d.group === CILIUM_GROUP && sets(d.get(['spec', 'defaults'])));
}

/** `ipam.mode` is `multi-pool` (chart default `cluster-pool`; Talos documents `kubernetes`). */
function multiPool(release: CiliumRelease): boolean | undefined {
  const v = valueOf(release, IPAM_MODE);
  if (v === undefined) return false;
  if (unknowable(v) || typeof v !== 'string') return undefined;
  return v === MULTI_POOL;
}

export const FEATURES: readonly Feature[] = [
  {
    kind: 'CiliumEgressGatewayPolicy',
    feature: 'the egress gateway',
    setting: () => 'egressGateway.enabled: true, with bpf.masquerade: true and kubeProxyReplacement: true',
    keys: () => [EGRESS_GATEWAY],
    on: (r) => switchOn(r, EGRESS_GATEWAY),
    agentKey: { key: /^enable-ipv[46]-egress-gateway$/, on: (v) => v === true || v === 'true' },
  },
  {
    kind: 'CiliumLocalRedirectPolicy',
    feature: 'local redirect policies',
    setting: (v) => (v && !atLeast(v, '1.18') ? 'localRedirectPolicy: true' : v ? 'localRedirectPolicies.enabled: true' : 'localRedirectPolicies.enabled: true, or localRedirectPolicy: true before Cilium 1.18'),
    keys: lrpKeys,
    on: (r, cluster) => anyOn(r, lrpKeys(r, cluster)),
    agentKey: { key: /^enable-local-redirect-policy$/, on: (v) => v === true || v === 'true' },
  },
  {
    kind: 'CiliumPodIPPool',
    feature: 'multi-pool IPAM',
    setting: () => 'ipam.mode: multi-pool, chosen when the cluster is created',
    keys: () => [IPAM_MODE],
    on: multiPool,
    agentKey: { key: /^ipam$/, on: (v) => v === MULTI_POOL },
  },
];

const EGW = 'apiVersion: cilium.io/v2\nkind: CiliumEgressGatewayPolicy\nmetadata:\n  name: legacy-firewall\nspec:\n  selectors:\n    - podSelector:\n        matchLabels: {app: billing}\n  destinationCIDRs: [192.0.2.0/24]\n  egressGateway:\n    nodeSelector:\n      matchLabels: {egress: "true"}\n    egressIP: 10.50.0.250\n';
const LRP = 'apiVersion: cilium.io/v2\nkind: CiliumLocalRedirectPolicy\nmetadata:\n  name: node-local-dns\n  namespace: kube-system\nspec:\n  redirectFrontend:\n    serviceMatcher: {serviceName: kube-dns, namespace: kube-system}\n  redirectBackend:\n    localEndpointSelector:\n      matchLabels: {k8s-app: node-local-dns}\n    toPorts:\n      - {port: "53", protocol: UDP, name: dns}\n';

export default defineRule({
  meta: {
    id: 'cilium/feature-off',
    description: 'Egress gateway policies, local redirect policies and pod IP pools do nothing unless the Cilium values turn their feature on.',
    severity: 'error',
    messages: {
      off: '{{kind}} "{{name}}" needs {{feature}} ({{setting}}), but the Cilium values turn it off; nothing acts on this object.',
      unset: '{{kind}} "{{name}}" needs {{feature}} ({{setting}}), which no Cilium values turn on (off by default); nothing acts on this object.',
    },
    help: 'Turn the feature on in the Cilium Helm values (the message names the setting), or remove the object.',
    docs: {
      what: 'When the repository has Cilium values, checks each CiliumEgressGatewayPolicy, CiliumLocalRedirectPolicy and CiliumPodIPPool against them: the egress gateway needs `egressGateway.enabled: true`, local redirect policies `localRedirectPolicies.enabled: true` from 1.18 (before 1.18 only the boolean `localRedirectPolicy: true` exists; on 1.18 and later either counts, since whether the newer charts still read the boolean is not established), pod IP pools `ipam.mode: multi-pool`. An error when the values set the feature off (or another IPAM mode), a warning when they leave it at the chart default; silent when any release turns it on, or when a value is templated or values the repository does not show could turn it on. Bootstrap installs (helmfile, the Talos install job) count only when no Flux or Argo CD release exists: the GitOps engine then upgrades the same Helm release with its own values. Where `extraConfig` or a CiliumNodeConfig\'s `defaults` sets the agent\'s own key for the feature (`enable-*-egress-gateway`, `enable-local-redirect-policy`, `ipam`), the rule stays silent.',
      why: 'The objects apply cleanly, so nothing fails: the agent simply never acts on them. Traffic leaves with the node address instead of the egress IP, DNS is not redirected to the node-local cache, pods keep getting addresses from the default pool.',
      fix: 'Set the feature in the Cilium values. The egress gateway also needs BPF masquerading and kube-proxy replacement. The IPAM mode is chosen when a cluster is built (Talos documents `ipam.mode: kubernetes`); changing it on a running cluster disrupts pod networking, so a pool written for multi-pool IPAM is usually a mistake to remove.',
      sources: ['https://docs.cilium.io/en/stable/network/egress-gateway/egress-gateway/', 'https://docs.cilium.io/en/stable/network/kubernetes/local-redirect-policy/', 'https://docs.cilium.io/en/stable/network/concepts/ipam/multi-pool/', SRC.helmRef],
    },
    examples: {
      valid: [
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nbpf:\n  masquerade: true\negressGateway:\n  enabled: true\n', 'egress.yaml': EGW } },
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nlocalRedirectPolicy: true\n', 'lrp.yaml': LRP }, note: 'the pre-1.18 switch counts too' },
      ],
      invalid: [
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\negressGateway:\n  enabled: false\n', 'egress.yaml': EGW } },
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\n', 'lrp.yaml': LRP }, note: 'off by default: a warning' },
      ],
    },
    // both verdicts are about every release of the group: with only some paths read, a values file, an overlay or
    // a Kustomization that turns the feature on may not have been read
    needsWholeTree: ['unset', 'off'],
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const f of FEATURES) {
      const docs = docsOfKind(cluster.docs, f.kind).filter((d) => d.group === CILIUM_GROUP);
      if (!docs.length || agentConfigSets(cluster, f.agentKey)) continue;
      const off = offInEveryRelease(cluster, (r) => f.on(r, cluster), (r) => f.keys(r, cluster));
      if (!off) continue;
      const related: RelatedFinding[] = off.explicit.map((p) => ({ ...p, message: `This turns ${f.feature} off.` }));
      const setting = f.setting(ciliumVersion(cluster));
      for (const doc of docs) {
        out.push({
          doc,
          path: ['kind'],
          messageId: off.explicit.length ? 'off' : 'unset',
          everyGroup: true,
          data: { kind: f.kind, name: doc.name ?? '', feature: f.feature, setting },
          ...(related.length ? { related } : {}),
          ...(off.explicit.length ? {} : { severity: 'warning' as const }),
        });
      }
    }
    return out;
  },
});
