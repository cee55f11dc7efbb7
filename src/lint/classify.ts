/**
 * Decides what a YAML document is (DocClass) from its value and file path. Cheap: looks at top-level keys only.
 */
import type { DocClass } from '../core/document.js';

const TALOS_DOC_KINDS = new Set([
  'LinkConfig', 'LinkAliasConfig', 'EthernetConfig', 'BondConfig', 'BridgeConfig', 'DHCPv4Config', 'DHCPv6Config',
  'VLANConfig', 'WireGuardConfig', 'DummyLinkConfig', 'Layer2VIPConfig', 'HostnameConfig', 'ResolverConfig',
  'StaticHostConfig', 'KubeProxyConfig', 'KubeFlannelCNIConfig', 'KubePrismConfig', 'KubeNetworkConfig',
  'KubeInlineManifestConfig', 'KubeExternalManifestConfig', 'KubeNodeConfig', 'SecurityProfileConfig',
  'UnattendedInstallConfig', 'TimeSyncConfig', 'UserVolumeConfig', 'VolumeConfig', 'KmsgLogConfig',
  'EventSinkConfig', 'WatchdogTimerConfig', 'TrustedRootsConfig', 'NetworkDefaultActionConfig',
  'NetworkRuleConfig', 'SideroLinkConfig', 'ExtensionServiceConfig', 'RawVolumeConfig', 'ExistingVolumeConfig',
  'SwapVolumeConfig', 'ZswapConfig', 'PCIDriverRebindConfig', 'EnvironmentConfig', 'RunDefaultActionConfig',
  'ImageCacheConfig', 'OOMConfig', 'ProbeConfig', 'TCPProbeConfig', 'RoutingRuleConfig', 'BlackholeRouteConfig',
]);

/**
 * The document kinds of a Sidero Omni cluster template (omnictl cluster template sync): no apiVersion, and each with
 * what only it has (siderolabs/omni docs `reference/cluster-templates`).
 */
function isOmniTemplate(value: Record<string, unknown>): boolean {
  if (value['apiVersion'] !== undefined) return false;
  switch (value['kind']) {
    case 'Cluster':
      return typeof value['name'] === 'string' && (isObj(value['kubernetes']) || isObj(value['talos']));
    case 'ControlPlane':
    case 'Workers':
      return Array.isArray(value['machines']) || isObj(value['machineClass']) || Array.isArray(value['patches']);
    case 'Machine':
      return typeof value['name'] === 'string';
    default:
      return false;
  }
}

/** Base names of talium's own config (config/load.ts CONFIG_NAMES). */
const CONFIG_BASENAMES = new Set(['talium.config.yaml', 'talium.config.yml', '.talium.yaml', '.talium.yml']);

/** `filePath` is talium's own configuration by its name (talium.config.yaml, .talium.yaml...). */
export function isConfigFileName(filePath: string): boolean {
  return CONFIG_BASENAMES.has(baseName(filePath));
}

const SPEC_PATH = /(?:^|\/)clusters\/([^/]+)\/cluster\.ya?ml$/;

/**
 * The cluster name when `filePath` is where talium keeps a cluster's spec (`clusters/<name>/cluster.yaml` or `.yml`);
 * whether the file there is one is told by its documents (doc-checks.ts specName).
 */
export function specClusterName(filePath: string): string | undefined {
  return SPEC_PATH.exec(filePath)?.[1];
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return (i === -1 ? path : path.slice(i + 1)).toLowerCase();
}

/** Top-level keys of a Talos v1alpha1 machine config (or a strategic-merge patch of one), plus `sops` (the metadata of a SOPS-encrypted one). */
const TALOS_TOP_KEYS = new Set(['version', 'debug', 'persist', 'machine', 'cluster', 'sops']);

/**
 * A Talos machine config or patch: `machine:` and/or `cluster:` and nothing but Talos's top-level keys. Cilium
 * values also have a top-level `cluster:` (`cluster.name`, `cluster.id`) next to their other keys; a `cluster:`
 * alone with a `name` (Talos calls it `clusterName`) is Cilium's too.
 */
function looksLikeTalosConfig(value: Record<string, unknown>): boolean {
  const machine = value['machine'];
  const cluster = value['cluster'];
  if (!isObj(machine) && !isObj(cluster)) return false;
  if (!Object.keys(value).every((k) => TALOS_TOP_KEYS.has(k))) return false;
  if (!isObj(machine) && isObj(cluster) && 'name' in cluster) return false;
  return true;
}

export function classify(value: unknown, filePath: string): DocClass {
  const base = baseName(filePath);
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((op) => isObj(op) && typeof op['op'] === 'string' && typeof op['path'] === 'string')) {
      return 'talos-json6902';
    }
    return 'other';
  }
  if (!isObj(value)) return 'other';
  if (CONFIG_BASENAMES.has(base)) return 'talium-config';
  const apiVersion = value['apiVersion'];
  const kind = value['kind'];
  if (typeof kind === 'string' && apiVersion === 'v1alpha1' && (TALOS_DOC_KINDS.has(kind) || kind.endsWith('Config'))) {
    return 'talos-document';
  }
  if (
    (typeof apiVersion === 'string' && apiVersion.startsWith('kustomize.config.k8s.io/')) ||
    ((base === 'kustomization.yaml' || base === 'kustomization.yml') && kind === undefined)
  ) {
    return 'kustomization';
  }
  if (typeof apiVersion === 'string' && typeof kind === 'string') return 'k8s';
  if (isOmniTemplate(value)) return 'omni-template';
  if (base === 'cluster.yaml' && isObj(value['lan']) && Array.isArray(value['nodes'])) return 'cluster-spec';
  if (base.startsWith('talconfig') && (Array.isArray(value['nodes']) || typeof value['clusterName'] === 'string')) {
    return 'talhelper';
  }
  if (looksLikeTalosConfig(value)) return 'talos-config';
  if (/(^|[-_.])values([-_.].*)?\.ya?ml$/.test(base)) return 'helm-values';
  return 'other';
}
