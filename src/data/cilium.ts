/**
 * Cilium facts per version: LB-IPAM pool / L2 policy apiVersions, Helm value rules (KPR values, removed keys,
 * rate-limit and lease defaults), the Talos-required values and LB-IPAM annotation keys. Data + tiny helpers;
 * source keys refer to ../shared/docs/domain-facts.md.
 */
import { atLeast, minorOf } from './versions.js';

export const CILIUM_GROUP = 'cilium.io';
export const POOL_KIND = 'CiliumLoadBalancerIPPool';
export const L2_POLICY_KIND = 'CiliumL2AnnouncementPolicy';

/** Helm chart location. [TALOS-CILIUM; cilium/charts README; docs.cilium.io upgrade page] (§4) */
export const CHART = {
  repoUrl: 'https://helm.cilium.io/',
  ociUrl: 'oci://quay.io/cilium/charts/cilium',
  name: 'cilium',
  releaseName: 'cilium',
  namespace: 'kube-system',
} as const;

/**
 * CiliumLoadBalancerIPPool apiVersions served per Cilium minor (§1.1). v2 added and made storage in 1.18
 * [cilium PR #39090]; v2alpha1 deprecated in 1.19 [UPG-1.19]; whether 1.20 still serves v2alpha1 is NOT ESTABLISHED
 * (`v2alpha1Served: undefined`).
 */
export const POOL_API_VERSIONS: Readonly<Record<string, { served: readonly string[]; storage: string; deprecated: readonly string[]; v2alpha1Served: boolean | undefined }>> = {
  '1.16': { served: ['cilium.io/v2alpha1'], storage: 'cilium.io/v2alpha1', deprecated: [], v2alpha1Served: true },
  '1.17': { served: ['cilium.io/v2alpha1'], storage: 'cilium.io/v2alpha1', deprecated: [], v2alpha1Served: true },
  '1.18': { served: ['cilium.io/v2', 'cilium.io/v2alpha1'], storage: 'cilium.io/v2', deprecated: [], v2alpha1Served: true },
  '1.19': { served: ['cilium.io/v2', 'cilium.io/v2alpha1'], storage: 'cilium.io/v2', deprecated: ['cilium.io/v2alpha1'], v2alpha1Served: true },
  '1.20': { served: ['cilium.io/v2'], storage: 'cilium.io/v2', deprecated: ['cilium.io/v2alpha1'], v2alpha1Served: undefined },
};

/** The pool apiVersion to emit: `cilium.io/v2` from 1.18 (safe rule, §1.1), else `cilium.io/v2alpha1`. */
export function poolApiVersion(ciliumVersion: string): 'cilium.io/v2' | 'cilium.io/v2alpha1' {
  return atLeast(ciliumVersion, '1.18') ? 'cilium.io/v2' : 'cilium.io/v2alpha1';
}

/** CiliumL2AnnouncementPolicy is `cilium.io/v2alpha1` in every version 1.14–1.20; no v2 CRD exists. [L2-CRD] (§2.1) */
export const L2_POLICY_API_VERSION = 'cilium.io/v2alpha1';

/**
 * Cilium kinds the agent or operator writes itself (endpoints, identities, nodes, the per-node BGP configs derived
 * from CiliumBGPClusterConfig): not modelled, and a copy in Git is usually an export (`kubectl get -o yaml`).
 */
export const CILIUM_MANAGED_KINDS: ReadonlySet<string> = new Set(['CiliumEndpoint', 'CiliumEndpointSlice', 'CiliumIdentity', 'CiliumNode', 'CiliumBGPNodeConfig']);

/** `allowFirstLastIPs` default: `No` in 1.15, `Yes` from 1.16. [LBIPAM-DOC; cilium PR #33151] (§1.3) */
export function allowFirstLastIPsDefault(ciliumVersion: string): 'Yes' | 'No' {
  return atLeast(ciliumVersion, '1.16') ? 'Yes' : 'No';
}

/** Accepted `kubeProxyReplacement` values. From 1.16 only true/false; the chart `fail`s otherwise. [CHART templates] (§4) */
export function kprAcceptedValues(ciliumVersion: string): { accepted: readonly (string | boolean)[]; deprecated: readonly string[] } {
  if (atLeast(ciliumVersion, '1.16')) return { accepted: [true, false, 'true', 'false'], deprecated: [] };
  return { accepted: [true, false, 'true', 'false', 'disabled', 'partial', 'strict'], deprecated: ['disabled', 'partial', 'strict'] };
}

export type RemovedKeyKind = 'removed' | 'no-op';

export interface RemovedHelmKey {
  /** Dotted Helm value path (`externalIPs.enabled`). */
  key: string;
  kind: RemovedKeyKind;
  /** First version where it applies (`'1.15'` or `'1.17.6'`). */
  since: string;
  /** Only applies when KPR is on (no-op keys). */
  whenKpr?: boolean;
  /** True when the chart's templates/validate.yaml `fail`s on it. */
  chartFails?: boolean;
  note: string;
  source: string;
}

/** Removed or ignored Helm keys (§4; §8 CIL-REMOVED-KEYS). */
export const REMOVED_HELM_KEYS: readonly RemovedHelmKey[] = [
  { key: 'tunnel', kind: 'removed', since: '1.15', chartFails: true, note: 'use routingMode + tunnelProtocol', source: '[CHART 1.14.19 values; CHART 1.18.12 templates/validate.yaml]' },
  { key: 'externalIPs.enabled', kind: 'no-op', since: '1.14', whenKpr: true, note: 'only rendered when KPR is partial/false; KPR=true turns ExternalIPs on', source: '[CHART 1.14.19–1.17.5 templates/cilium-configmap.yaml; cilium issue #41043]' },
  { key: 'externalIPs.enabled', kind: 'removed', since: '1.17.6', note: 'key removed from values.yaml; agent flag removed in 1.19', source: '[CHART 1.17.6; CHART 1.18.0; UPG-1.19]' },
  { key: 'hostPort.enabled', kind: 'removed', since: '1.18', note: 'KPR controls host ports', source: '[CHART 1.18.12 values; UPG-1.19]' },
  { key: 'nodePort.enabled', kind: 'removed', since: '1.20', note: 'KPR controls NodePort', source: '[CHART 1.20.0 values]' },
  { key: 'enableCiliumEndpointSlice', kind: 'removed', since: '1.18', chartFails: true, note: 'removed', source: '[CHART 1.18.12 templates/validate.yaml]' },
  { key: 'remoteNodeIdentity', kind: 'removed', since: '1.16', chartFails: true, note: 'removed (absent from values.yaml from 1.16)', source: '[CHART 1.16.19 values; CHART 1.18.12 templates/validate.yaml]' },
];

/** Removed/no-op keys that apply to this Cilium version (and KPR setting). */
export function removedHelmKeys(ciliumVersion: string, kpr = true): RemovedHelmKey[] {
  return REMOVED_HELM_KEYS.filter((k) => atLeast(ciliumVersion, k.since) && (!k.whenKpr || kpr));
}

/** Default `k8sClientRateLimit` (agent) per Cilium minor. [CHART 1.14.19–1.20.0] (§2.3) */
export function rateLimitDefaults(ciliumVersion: string, kubernetesVersion?: string): { qps: number; burst: number } {
  if (atLeast(ciliumVersion, '1.17')) return { qps: 10, burst: 20 };
  if (atLeast(ciliumVersion, '1.15')) {
    return kubernetesVersion && !atLeast(kubernetesVersion, '1.27') ? { qps: 5, burst: 10 } : { qps: 10, burst: 20 };
  }
  return { qps: 5, burst: 10 };
}

/** Documented worst-case QPS: services / leaseRenewDeadline(s), rounded up. [L2-DOC "Sizing client rate limit"] (§2.3) */
export function requiredQps(services: number, renewDeadlineSeconds: number): number {
  if (!(services > 0) || !(renewDeadlineSeconds > 0)) return 0;
  return Math.ceil(services / renewDeadlineSeconds);
}

/**
 * The rate limit talium writes: qps = max(chart default, required), burst = max(chart default burst, 2 × qps)
 * (burst above qps leaves room for other agent API traffic, [L2-DOC]). Both integers (schema `[null, integer]`).
 */
export function sizeRateLimit(services: number, renewDeadlineSeconds: number, ciliumVersion: string): { qps: number; burst: number } {
  const d = rateLimitDefaults(ciliumVersion);
  const qps = Math.max(d.qps, requiredQps(services, renewDeadlineSeconds));
  return { qps, burst: Math.max(d.burst, qps * 2) };
}

/** L2 lease defaults (agent defaults; commented out in values.yaml), in seconds. [L2-DOC; CHART] (§2.2) */
export const LEASE_DEFAULTS = { leaseDuration: 15, leaseRenewDeadline: 5, leaseRetryPeriod: 2 } as const;

export type LeaseViolation = 'duration-min' | 'duration-gt-renew' | 'renew-gt-retry';

/**
 * Documented constraints (§2.2): leaseDuration > 1s and > leaseRenewDeadline; leaseRenewDeadline ≥ 1.2 ×
 * leaseRetryPeriod. Arguments in seconds. Returns the violated constraints (empty = fine).
 */
export function leaseViolations(t: { leaseDuration: number; leaseRenewDeadline: number; leaseRetryPeriod: number }): LeaseViolation[] {
  const out: LeaseViolation[] = [];
  if (!(t.leaseDuration > 1)) out.push('duration-min');
  if (!(t.leaseDuration > t.leaseRenewDeadline)) out.push('duration-gt-renew');
  if (!(t.leaseRenewDeadline >= 1.2 * t.leaseRetryPeriod - 1e-9)) out.push('renew-gt-retry');
  return out;
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Parse a Go duration (`15s`, `200ms`, `1m30s`) to seconds; undefined when invalid. Never throws. */
export function parseGoDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text.trim();
  if (t === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t))) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  return pos === t.length && pos > 0 ? total : undefined;
}

/** Format seconds as a Go duration (`15s`, `200ms`, `1m30s`) without floating noise. */
export function formatGoDuration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  if (ms % 1000 !== 0) return `${ms}ms`;
  const s = ms / 1000;
  if (s >= 60 && s % 60 === 0) return `${s / 60}m`;
  if (s > 60) return `${Math.floor(s / 60)}m${s % 60}s`;
  return `${s}s`;
}

/** Capabilities Talos documents for the agent: the chart default minus SYS_MODULE. [TALOS-CILIUM; CHART 1.18.12] (§3.3) */
export const TALOS_AGENT_CAPABILITIES = ['CHOWN', 'KILL', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'SYS_ADMIN', 'SYS_RESOURCE', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'] as const;
/** Capabilities for the clean-cilium-state init container, minus SYS_MODULE. [TALOS-CILIUM] (§3.3) */
export const TALOS_CLEAN_STATE_CAPABILITIES = ['NET_ADMIN', 'SYS_ADMIN', 'SYS_RESOURCE'] as const;
/** The capability Talos refuses (no kernel-module loading). [TALOS-CILIUM; siderolabs/talos#5948] */
export const FORBIDDEN_CAPABILITY = 'SYS_MODULE';

/** Helm values Talos requires, as dotted path → value. [TALOS-CILIUM] (§3.3; §8 TAL-CILIUM-VALUES) */
export const TALOS_REQUIRED_VALUES: Readonly<Record<string, string | boolean>> = {
  'ipam.mode': 'kubernetes',
  'cgroup.autoMount.enabled': false,
  'cgroup.hostRoot': '/sys/fs/cgroup',
};

/**
 * cilium-config ConfigMap keys (agent options) the chart renders from Helm values talium sets itself, keyed by the
 * option, with the Helm value it comes from. The chart writes `extraConfig` at the end of that ConfigMap ("By putting
 * it at the end of the ConfigMap, it's also possible to override existing properties"), so an `extraConfig` entry
 * for one of these silently replaces what talium set. `k8sServiceHost`/`k8sServicePort` (container env), the cgroup
 * auto-mount and capabilities (pod spec) and `operator.replicas` have no ConfigMap key.
 * [cilium/cilium install/kubernetes/cilium/templates/cilium-configmap.yaml on main, commit 002c6fff; that the
 * released 1.16–1.20 charts use the same keys is inferred, not checked chart by chart]
 */
export const AGENT_OPTION_HELM_VALUE: Readonly<Record<string, string>> = {
  ipam: 'ipam.mode',
  'kube-proxy-replacement': 'kubeProxyReplacement',
  'cgroup-root': 'cgroup.hostRoot',
  'enable-l2-announcements': 'l2announcements.enabled',
  'l2-announcements-lease-duration': 'l2announcements.leaseDuration',
  'l2-announcements-renew-deadline': 'l2announcements.leaseRenewDeadline',
  'l2-announcements-retry-period': 'l2announcements.leaseRetryPeriod',
  'k8s-client-qps': 'k8sClientRateLimit.qps',
  'k8s-client-burst': 'k8sClientRateLimit.burst',
  'enable-hubble': 'hubble.enabled',
};

/**
 * LB-IPAM Service annotations: current key (1.16+), the legacy alias, and the first Cilium minor whose LB-IPAM can
 * have the feature at all (a lower bound; none: every release with LB-IPAM). Sharing keys: cilium PR #28806
 * (2023-11), so 1.15+ (inferred). Cross-namespace sharing: cilium PR #30055, first release 1.16 or 1.17 (NOT
 * ESTABLISHED; the facts infer 1.17): in no release before 1.16. [ANNOT-CODE; cilium PR #30169] (§1.4)
 */
export const LBIPAM_ANNOTATIONS = {
  ips: { key: 'lbipam.cilium.io/ips', legacy: 'io.cilium/lb-ipam-ips' },
  sharingKey: { key: 'lbipam.cilium.io/sharing-key', legacy: 'io.cilium/lb-ipam-sharing-key', since: '1.15' },
  sharingCrossNamespace: { key: 'lbipam.cilium.io/sharing-cross-namespace', legacy: 'io.cilium/lb-ipam-sharing-cross-namespace', since: '1.16' },
} as const satisfies Record<string, { key: string; legacy: string; since?: string }>;
/** The `lbipam.cilium.io/` prefix works from this Cilium minor. (§1.4) */
export const LBIPAM_NEW_PREFIX_SINCE = '1.16';

/** Cilium's own loadBalancerClass names. [LBIPAM-DOC] (§1.4) */
export const LB_CLASSES = { l2: 'io.cilium/l2-announcer', bgp: 'io.cilium/bgp-control-plane' } as const;

/**
 * Node IPAM LB: LoadBalancer Services of this class get the addresses of nodes (not an LB-IPAM pool address). Off
 * by default; the Helm switch `nodeIPAM.enabled` (from 1.16) sets the operator's `enable-node-ipam`. From 1.17
 * `defaultLBServiceIPAM: nodeipam` (`default-lb-service-ipam`) also hands it the Services that have no class.
 * [docs.cilium.io network/node-ipam; CHART 1.16.19, 1.17.0; cilium operator/pkg/nodeipam] (§1.5)
 */
export const NODE_IPAM_CLASS = 'io.cilium/node';
export const NODE_IPAM_SINCE = '1.16';
export const NODE_IPAM_AGENT_KEY = 'enable-node-ipam';
export const DEFAULT_LB_SERVICE_IPAM_SINCE = '1.17';
export const DEFAULT_LB_SERVICE_IPAM_NODE = 'nodeipam';
/**
 * Cilium's Gateway API controller (a GatewayClass's `spec.controllerName`), and the class its Helm chart creates
 * (with `gatewayAPI.enabled`).
 */
export const GATEWAY_CONTROLLER = 'io.cilium/gateway-controller';
/** The Gateway API group (standard channel kinds: Gateway, GatewayClass, HTTPRoute, ...). */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
export const GATEWAY_DEFAULT_CLASS = 'cilium';
/**
 * Cilium turns a Gateway's `spec.addresses` (type IPAddress, the default) into an LB-IPAM request for its Service;
 * an address outside every pool stays pending like a Service's (§1.4; xiaods/k8e PR #579). Ignored up to 1.15
 * (cilium issues #29060, #30123, #32865); supported by cilium PR #33042/#34619 (merged after the 1.16 branch, docs
 * PR #35536 in 2024-10): 1.17 is inferred, 1.16 is NOT ESTABLISHED, so below 1.17 the addresses are not read.
 */
export const GATEWAY_ADDRESSES_SINCE = '1.17';
/** The class config a Cilium GatewayClass may point at (`spec.parametersRef`): its `spec.service` shapes the Service. */
export const GATEWAY_CLASS_CONFIG_KIND = 'CiliumGatewayClassConfig';
/**
 * The Service Cilium creates for a Gateway: named `cilium-gateway-<gateway>` in the Gateway's namespace, labelled
 * with the owning Gateway (LB-IPAM pools select Gateways by this label); it also carries the Gateway's
 * `spec.infrastructure.labels`, not the Gateway's own labels (cilium issues #25021, #31270, #42994; xiaods/k8e PR #579).
 */
export const GATEWAY_SERVICE_PREFIX = 'cilium-gateway-';
export const GATEWAY_OWNER_LABEL = 'io.cilium.gateway/owning-gateway';

/** Hubble objects whose generated certificates Argo CD reports OutOfSync. [docs.cilium.io argocd-issues] (§5.2) */
export const HUBBLE_CERT_OBJECTS = [
  { kind: 'Secret', name: 'hubble-relay-client-certs', jsonPointers: ['/data/ca.crt', '/data/tls.crt', '/data/tls.key'] },
  { kind: 'Secret', name: 'hubble-server-certs', jsonPointers: ['/data/ca.crt', '/data/tls.crt', '/data/tls.key'] },
  { kind: 'ConfigMap', name: 'hubble-ca-cert', jsonPointers: ['/data/ca.crt'] },
] as const;

/** True when this minor is in the table above (1.16–1.20). */
export function knownCiliumMinor(v: string): boolean {
  const m = minorOf(v);
  return !!m && m in POOL_API_VERSIONS;
}

/** How a `--set`-style dotted key is written in a values file: `a.b.c` → `a: { b: { c: … } }`. */
export function nestedHelmKey(dotted: string): string {
  return dotted
    .split('.')
    .reduceRight((inner, part) => (inner ? `${part}: { ${inner} }` : `${part}: …`), '');
}

/** `a.b` where both sides look like value names (not `app.kubernetes.io/name`, not IPs, not file names). */
const DOT_KEY = /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/;
/** Maps whose keys are free-form (labels, annotations, config maps, env, extra args...). */
const MAP_OF_ARBITRARY_KEYS = new Set([
  'annotations', 'labels', 'podAnnotations', 'podLabels', 'nodeSelector', 'extraConfig', 'extraArgs', 'extraEnv',
  'env', 'config', 'data', 'matchLabels', 'sysctls', 'commonLabels', 'selector', 'tolerations', 'extraVolumes',
  'extraVolumeMounts', 'affinity', 'resources', 'podSecurityContext', 'serviceAnnotations', 'serviceLabels',
  'extraHostPathMounts', 'customCalls', 'dashboards', 'envoyConfig', 'bootstrapConfigMap', 'bgp',
]);

/**
 * Paths of the keys in Helm values that look like `--set` paths (`a.b`), which Helm takes as one literal key:
 * at any depth, not inside lists or maps whose keys are free-form (labels, annotations, extra config).
 */
export function dottedHelmKeys(values: unknown): string[][] {
  const out: string[][] = [];
  const walk = (v: unknown, path: string[]): void => {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || path.length > 32) return;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (DOT_KEY.test(k)) out.push([...path, k]);
      else if (!MAP_OF_ARBITRARY_KEYS.has(k)) walk(child, [...path, k]);
    }
  };
  walk(values, []);
  return out;
}
