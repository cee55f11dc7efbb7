/**
 * Top-level keys of the Cilium Helm chart (values.yaml) that exist in at least one chart line 1.16–1.20, written
 * by hand and grouped by topic; and the near-miss test cilium/values-key-typo applies against them. The chart's
 * top level is open (our schema cannot close it), so a misspelt top-level key is otherwise silently ignored.
 * test/rules-cilium-values-typo.test.ts checks the list against the upstream charts (no invented key) and that
 * no two real keys are near misses of each other.
 */
import { suggest } from '../core/suggest.js';

export const CILIUM_VALUES_KEYS: readonly string[] = [
  // chart, images, scheduling and pod settings of the agent DaemonSet
  'name', 'namespaceOverride', 'commonLabels', 'global', 'upgradeCompatibility', 'debug', 'rbac', 'serviceAccounts', 'image', 'imagePullSecrets',
  'affinity', 'nodeSelector', 'nodeSelectorLabels', 'tolerations', 'priorityClassName', 'dnsPolicy', 'scheduling', 'annotations', 'podAnnotations', 'podLabels',
  'podSecurityContext', 'securityContext', 'resources', 'initResources', 'updateStrategy', 'minReadySeconds', 'terminationGracePeriodSeconds',
  'extraArgs', 'extraEnv', 'extraConfig', 'extraContainers', 'extraInitContainers', 'extraVolumes', 'extraVolumeMounts', 'extraHostPathMounts',
  'startupProbe', 'livenessProbe', 'readinessProbe', 'keepDeprecatedProbes', 'keepDeprecatedLabels', 'tmpVolume', 'rollOutCiliumPods',
  'enableCriticalPriorityClass', 'resourceQuotas', 'sleepAfterInit', 'waitForKubeProxy', 'cleanState', 'cleanBpfState', 'agent',
  'agentNotReadyTaintKey', 'annotateK8sNode', 'daemon', 'cni', 'cgroup', 'sysctlfix', 'tls', 'certgen', 'pprof', 'prometheus', 'dashboards',
  'logSystemLoad', 'configDriftDetection',
  // components and sub-charts
  'operator', 'preflight', 'nodeinit', 'hubble', 'clustermesh', 'externalWorkloads', 'etcd', 'envoy', 'envoyConfig', 'ingressController',
  'gatewayAPI', 'standaloneDnsProxy', 'dnsProxy', 'monitor',
  // API server access
  'k8sServiceHost', 'k8sServicePort', 'k8sServiceHostRef', 'k8sServiceLookupConfigMapName', 'k8sServiceLookupNamespace', 'k8sClientRateLimit',
  'k8sClientExponentialBackoff', 'kubeConfigPath', 'k8s', 'apiRateLimit', 'crdWaitTimeout', 'synchronizeK8sNodes',
  // kube-proxy replacement and load balancing
  'kubeProxyReplacement', 'kubeProxyReplacementHealthzBindAddr', 'loadBalancer', 'maglev', 'nodePort', 'hostPort', 'externalIPs', 'socketLB',
  'svcSourceRangeCheck', 'serviceNoBackendResponse', 'enableInternalTrafficPolicy', 'enableK8sTerminatingEndpoint', 'enableNoServiceEndpointsRoutable',
  'localRedirectPolicy', 'localRedirectPolicies', 'nat46x64Gateway', 'nodeIPAM', 'enableLBIPAM', 'defaultLBServiceIPAM', 'l2announcements',
  'l2podAnnouncements', 'l2NeighDiscovery', 'bgp', 'bgpControlPlane',
  // routing, addressing, devices
  'routingMode', 'tunnelProtocol', 'tunnelPort', 'tunnelSourcePortRange', 'underlayProtocol', 'autoDirectNodeRoutes', 'directRoutingSkipUnreachable',
  'endpointRoutes', 'ipv4', 'ipv6', 'ipv4NativeRoutingCIDR', 'ipv6NativeRoutingCIDR', 'nativeRoutingCIDRFromClusterPool', 'ipam', 'cluster',
  'devices', 'forceDeviceDetection', 'enableRuntimeDeviceDetection', 'MTU', 'pmtuDiscovery', 'preferIpv6', 'bandwidthManager', 'highScaleIPcache',
  'enableIPv4BIGTCP', 'enableIPv6BIGTCP', 'enableTunnelBIGTCP', 'enableXTSocketFallback', 'installNoConntrackIptablesRules', 'iptablesRandomFully',
  'conntrackGCInterval', 'conntrackGCMaxInterval', 'sctp', 'vtep', 'bpf', 'bpfClockProbe', 'customCalls', 'datapathPlugins',
  // masquerading and egress
  'enableIPv4Masquerade', 'enableIPv6Masquerade', 'enableMasqueradeRouteSource', 'ipMasqAgent', 'nat', 'egressGateway',
  // policy, identity, encryption, health
  'policyEnforcementMode', 'policyCIDRMatchMode', 'policyDenyResponse', 'enableNonDefaultDenyPolicies', 'k8sNetworkPolicy', 'k8sClusterNetworkPolicy',
  'hostFirewall', 'l7Proxy', 'authentication', 'encryption', 'wellKnownIdentities', 'identityAllocationMode', 'identityChangeGracePeriod',
  'identityManagementMode', 'endpointLockdownOnMapOverflow', 'endpointPolicyUpdateTimeoutDuration', 'disableEndpointCRD', 'enableCiliumEndpointSlice',
  'ciliumEndpointSlice', 'healthChecking', 'healthPort', 'endpointHealthChecking', 'healthCheckICMPFailureThreshold', 'connectivityProbeFrequencyRatio',
  'secretsNamespaceAnnotations', 'secretsNamespaceLabels',
  // cloud providers and IPAM integrations
  'aksbyocni', 'alibabacloud', 'azure', 'eni', 'gke',
];

const KNOWN = new Set(CILIUM_VALUES_KEYS);

/** The digits of a key, sorted: a swap of two digits is a slip, another digit another key. */
const digits = (s: string): string => [...s.replace(/\D/g, '')].sort().join('');

/**
 * Edits a misspelling of `known` may be away from it (Damerau–Levenshtein, case-insensitive): none for keys
 * shorter than 5 (only the case differs: `mtu`), one up to 14 characters, two from 15. A key with as many digits
 * as `known` but other ones is a different key (`ipv4`/`ipv6`), never a misspelling. Tuned so that no two real
 * keys are near misses of each other (`cni`/`eni`, `k8sServiceHost`/`k8sServicePort`).
 */
export function typoAllowance(key: string, known: string, keyDigits?: string): number {
  const allowed = known.length < 5 ? 0 : known.length < 15 ? 1 : 2;
  // out of reach by length alone: no need to look at the digits (this runs for every key × every chart key)
  if (Math.abs(key.length - known.length) > allowed) return -1;
  const a = keyDigits ?? digits(key);
  const b = KNOWN_DIGITS.get(known) ?? digits(known);
  if (a.length === b.length && a !== b) return -1;
  return allowed;
}

const KNOWN_DIGITS = new Map(CILIUM_VALUES_KEYS.map((k) => [k, digits(k)]));

/** Answers for the chart's own key list, per key (a key repeats across layers and releases). */
const NEAR_MISSES = new Map<string, string | undefined>();

/** The known top-level key that `key` most likely misspells; undefined for a known key or one not close to any. */
export function valuesKeyNearMiss(key: string, known: readonly string[] = CILIUM_VALUES_KEYS): string | undefined {
  if (known !== CILIUM_VALUES_KEYS) return known.includes(key) ? undefined : suggest(key, known, { transpositions: true, maxDistance: typoAllowance });
  if (KNOWN.has(key)) return undefined;
  if (NEAR_MISSES.has(key)) return NEAR_MISSES.get(key);
  const kd = digits(key);
  const s = suggest(key, known, { transpositions: true, maxDistance: (k, c) => typoAllowance(k, c, kd) });
  if (NEAR_MISSES.size < 10_000) NEAR_MISSES.set(key, s);
  return s;
}
