/**
 * Talos facts per version: KubePrism port, which config form (legacy v1alpha1 fields vs multi-document kinds)
 * a version wants, pod/service subnet defaults, and the VLAN link naming rule. Data + tiny helpers; source
 * keys refer to ../shared/docs/domain-facts.md.
 */
import { crypto } from '../core/builtins.js';
import { atLeast } from './versions.js';

/** KubePrism listens on 127.0.0.1:<port>, default 7445. [TALOS-PRISM; TALOS-CONST DefaultKubePrismPort] (§3.2) */
export const KUBEPRISM_DEFAULT_PORT = 7445;

/** Defaults. [TALOS-CONST DefaultIPv4PodNet/DefaultIPv4ServiceNet; TALOS-TYPES] (§3.6) */
export const DEFAULT_POD_SUBNET = '10.244.0.0/16';
export const DEFAULT_SERVICE_SUBNET = '10.96.0.0/12';
export const DEFAULT_DNS_DOMAIN = 'cluster.local';
/** Kubernetes API server port behind the cluster endpoint. */
export const DEFAULT_API_PORT = 6443;

/** Multi-document Kubernetes kinds introduced by Talos 1.14, replacing `.cluster.*` fields. [TALOS-NEW-1.14] (§3.1) */
export const KUBE_DOCUMENT_KINDS_SINCE = '1.14';
export const KUBE_DOCUMENT_KINDS = [
  'KubeProxyConfig', // replaces .cluster.proxy
  'KubeFlannelCNIConfig', // replaces .cluster.network.cni (delete it = no CNI)
  'KubePrismConfig', // replaces .machine.features.kubePrism
  'KubeNetworkConfig', // replaces .cluster.network podSubnets/serviceSubnets/dnsDomain
  'KubeInlineManifestConfig', // replaces .cluster.inlineManifests
  'KubeExternalManifestConfig', // replaces .cluster.extraManifests
] as const;

/** Network documents introduced by Talos 1.12, replacing `.machine.network`. [TALOS-NEW-1.12] (§3.5) */
export const NETWORK_DOCUMENT_KINDS_SINCE = '1.12';
export const NETWORK_DOCUMENT_KINDS = ['LinkConfig', 'VLANConfig', 'Layer2VIPConfig', 'HostnameConfig', 'LinkAliasConfig', 'BondConfig', 'BridgeConfig', 'DHCPv4Config', 'DHCPv6Config', 'ResolverConfig', 'StaticHostConfig'] as const;

/**
 * v1alpha1 fields that a Talos minor deprecated in favour of multi-document kinds; still supported. Only what
 * domain-facts states with a source:
 * - 1.12: `.machine.network` except KubeSpan, replaced by LinkConfig, LinkAliasConfig, EthernetConfig, BondConfig,
 *   BridgeConfig, DHCPv4Config, DHCPv6Config, VLANConfig, WireGuardConfig, DummyLinkConfig, Layer2VIPConfig,
 *   HostnameConfig, ResolverConfig, StaticHostConfig. [TALOS-NEW-1.12] (§3.5)
 * - 1.14: `.cluster.network` → KubeNetworkConfig / KubeFlannelCNIConfig, `.cluster.proxy` → KubeProxyConfig,
 *   `.cluster.inlineManifests` → KubeInlineManifestConfig, `.cluster.extraManifests`/`extraManifestHeaders` →
 *   KubeExternalManifestConfig, `.machine.features.kubePrism` → KubePrismConfig. [TALOS-NEW-1.14] (§3.1)
 *   `.cluster.allowSchedulingOnControlPlanes` → KubeNodeConfig (its taints). [TALOS-NEW-1.14, checked in the
 *   siderolabs/docs v1.14 what's-new page; not in domain-facts]
 * `replacement` is the kind(s) the field's settings move to; for `.machine.network.interfaces` the rule narrows
 * it to what the interfaces use (VLANs → VLANConfig, a VIP → Layer2VIPConfig, ...).
 */
export interface DeprecatedTalosField {
  path: readonly string[];
  since: string;
  replacement: readonly string[];
}

export const DEPRECATED_FIELDS: readonly DeprecatedTalosField[] = [
  { path: ['machine', 'network', 'interfaces'], since: NETWORK_DOCUMENT_KINDS_SINCE, replacement: ['LinkConfig', 'VLANConfig', 'Layer2VIPConfig'] },
  { path: ['machine', 'network', 'hostname'], since: NETWORK_DOCUMENT_KINDS_SINCE, replacement: ['HostnameConfig'] },
  { path: ['machine', 'network', 'nameservers'], since: NETWORK_DOCUMENT_KINDS_SINCE, replacement: ['ResolverConfig'] },
  { path: ['machine', 'network', 'searchDomains'], since: NETWORK_DOCUMENT_KINDS_SINCE, replacement: ['ResolverConfig'] },
  { path: ['machine', 'network', 'disableSearchDomain'], since: NETWORK_DOCUMENT_KINDS_SINCE, replacement: ['ResolverConfig'] },
  { path: ['machine', 'network', 'extraHostEntries'], since: NETWORK_DOCUMENT_KINDS_SINCE, replacement: ['StaticHostConfig'] },
  { path: ['machine', 'features', 'kubePrism'], since: KUBE_DOCUMENT_KINDS_SINCE, replacement: ['KubePrismConfig'] },
  { path: ['cluster', 'network'], since: KUBE_DOCUMENT_KINDS_SINCE, replacement: ['KubeNetworkConfig', 'KubeFlannelCNIConfig'] },
  { path: ['cluster', 'proxy'], since: KUBE_DOCUMENT_KINDS_SINCE, replacement: ['KubeProxyConfig'] },
  { path: ['cluster', 'inlineManifests'], since: KUBE_DOCUMENT_KINDS_SINCE, replacement: ['KubeInlineManifestConfig'] },
  { path: ['cluster', 'extraManifests'], since: KUBE_DOCUMENT_KINDS_SINCE, replacement: ['KubeExternalManifestConfig'] },
  { path: ['cluster', 'extraManifestHeaders'], since: KUBE_DOCUMENT_KINDS_SINCE, replacement: ['KubeExternalManifestConfig'] },
  { path: ['cluster', 'allowSchedulingOnControlPlanes'], since: KUBE_DOCUMENT_KINDS_SINCE, replacement: ['KubeNodeConfig'] },
];

/** apiVersion of every Talos multi-document kind. */
export const TALOS_DOCUMENT_API_VERSION = 'v1alpha1';

export interface TalosConfigForm {
  /** Kubernetes settings as KubeProxyConfig/KubeFlannelCNIConfig/KubePrismConfig/KubeNetworkConfig/KubeInlineManifestConfig (≥1.14). */
  kubeDocuments: boolean;
  /** Links as LinkConfig/VLANConfig/Layer2VIPConfig/HostnameConfig (≥1.12) rather than `.machine.network.interfaces`. */
  networkDocuments: boolean;
}

/** Which form a Talos version wants. Unparsable versions get the legacy form (still accepted by every supported version). */
export function talosConfigForm(talosVersion: string): TalosConfigForm {
  return {
    kubeDocuments: atLeast(talosVersion, KUBE_DOCUMENT_KINDS_SINCE),
    networkDocuments: atLeast(talosVersion, NETWORK_DOCUMENT_KINDS_SINCE),
  };
}

/** Linux link names are at most 15 bytes. [talos pkg/machinery/nethelpers/vlan.go maxLinkNameLength] */
export const MAX_LINK_NAME_LENGTH = 15;

/**
 * The name Talos gives the VLAN link `vlanId` on `parent`, as `nethelpers.VLANLinkName` does
 * [siderolabs/talos pkg/machinery/nethelpers/vlan.go] (§3.5):
 * - `<parent>.<vlanId>` when `len(parent) + 5 <= 15` (parent ≤ 10 bytes; 5 = room for `.4095`);
 * - otherwise the first 4 bytes of the parent + the hex of the first `(15 - 4 - 5) / 2 = 3` bytes of
 *   sha256(parent) (6 hex chars) + `.<vlanId>`. Upstream test: `enx12545f8c99cd`, 25 → `enx1ee6413.25`.
 */
export function vlanLinkName(parent: string, vlanId: number): string {
  const bytes = Buffer.from(parent, 'utf8');
  if (bytes.length + 5 <= MAX_LINK_NAME_LENGTH) return `${parent}.${vlanId}`;
  const prefix = bytes.subarray(0, 4);
  const hashBytes = Math.floor((MAX_LINK_NAME_LENGTH - prefix.length - 5) / 2);
  const hash = crypto().createHash('sha256').update(bytes).digest().subarray(0, hashBytes).toString('hex');
  return `${prefix.toString('utf8')}${hash}.${vlanId}`;
}

/**
 * Schedulable control planes. Up to 1.13: `cluster.allowSchedulingOnControlPlanes: true` (v1alpha1). Talos 1.14 moved
 * the setting into the KubeNodeConfig document: `talosctl gen config` (1.14 contract) lists the control-plane
 * `NoSchedule` taint there explicitly, and KubeNodeConfig's V1Alpha1ConflictValidate rejects a config that also sets
 * `.cluster.allowSchedulingOnControlPlanes` (or `allowSchedulingOnMasters`), true or false. So from 1.14 the patch
 * deletes the taint key in KubeNodeConfig (a `$patch: delete` of a missing key is a no-op, configpatcher
 * TestPatchDeleteMissing). [TALOS-NEW-1.14 "moved into KubeNodeConfig"; siderolabs/talos
 * pkg/machinery/config/types/k8s/node.go; docs talos/v1.14/reference/configuration/kubernetes/kubenodeconfig.mdx]
 */
export const NODE_DOCUMENT_KIND = 'KubeNodeConfig';
export const NODE_DOCUMENT_SINCE = '1.14';
/** The control-plane taint key (and role label) Talos sets; the taint value is `:NoSchedule`. */
export const CONTROL_PLANE_TAINT = 'node-role.kubernetes.io/control-plane';

/** Talos rejects a VIP on workers: "virtual (shared) IP is not allowed on non-controlplane nodes". [talos v1alpha1_validation.go] (§3.5) */
export const VIP_CONTROL_PLANE_ONLY = true;

/**
 * Label Talos ≥1.8 puts on control planes (kubeadm parity), also on schedulable ones; a
 * `machine.nodeLabels.<label>: {$patch: delete}` patch removes it (Talos 1.14 keeps node labels in KubeNodeConfig).
 * Cilium Node IPAM (and MetalLB) skip nodes that carry it. [siderolabs/talos #8749, #9960, PR #9016; Talos
 * "workers on control plane" guide; cilium issue #38793] (§3.7, §1.5)
 */
export const EXCLUDE_FROM_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';
export const EXCLUDE_FROM_LB_LABEL_SINCE = '1.8';
