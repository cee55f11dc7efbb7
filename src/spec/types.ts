/**
 * The cluster.yaml types: `ClusterSpecInput` is what the file holds (optional fields may be absent);
 * `Cluster` is the resolved model (defaults applied, addresses parsed) that every generator consumes.
 */
import type { Path } from '../core/document.js';
import type { Cidr, IpInterval } from '../net/ip.js';

export type GitopsEngine = 'flux' | 'argocd';
export type NodeRole = 'controlplane' | 'worker';
export type VlanMode = 'tagged' | 'native';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

/** The file as written (after schema validation). */
export interface ClusterSpecInput {
  versions: { talos: string; kubernetes: string; cilium: string };
  gitops: { engine: GitopsEngine; repository: string; branch?: string };
  lan: {
    vlan?: number;
    cidr: string;
    gateway: string;
    dhcp?: string;
    reserved?: string[];
    nameservers?: string[];
  };
  cluster?: {
    podCidr?: string;
    serviceCidr?: string;
    vip?: string;
    endpoint?: string;
    schedulableControlPlanes?: boolean;
    kubePrismPort?: number;
  };
  nodes: Array<{ name: string; role: NodeRole; address: string; nic: string; vlan?: VlanMode }>;
  cilium?: {
    hubble?: boolean;
    operatorReplicas?: number;
    l2?: { services?: number; leaseDuration?: string; leaseRenewDeadline?: string; leaseRetryPeriod?: string };
    values?: Record<string, unknown>;
  };
  pools: Array<{ name: string; blocks: string[]; serviceSelector?: LabelSelector; allowFirstLastIPs?: boolean }>;
}

/** An address with its text and where it was written. */
export interface Addr {
  text: string;
  value: bigint;
  path: Path;
}

export interface ClusterNode {
  name: string;
  role: NodeRole;
  address: Addr;
  nic: string;
  vlan: VlanMode;
  /** The Talos link carrying the LAN address: `<nic>` (native) or the VLAN link name (tagged). */
  link: string;
}

export interface ClusterPool {
  name: string;
  /** Blocks as written (`10.50.0.224/28` or `10.50.0.200-10.50.0.239`). */
  blocks: Array<{ text: string; interval: IpInterval; cidr?: Cidr; path: Path }>;
  serviceSelector?: LabelSelector;
  allowFirstLastIPs: boolean;
}

/** The resolved model: every default applied, sorted where order carries no meaning. */
export interface Cluster {
  /** The folder name under clusters/. */
  name: string;
  /** `clusters/<name>/cluster.yaml`, relative to the repository root. */
  specPath: string;
  /** `clusters/<name>` relative to the repository root. */
  dir: string;
  /**
   * The folder holding clusters/ inside its Git repository (`kubernetes/`, or '' at the top): Git paths (Flux
   * Kustomization paths, flux bootstrap --path, Argo CD sources) are relative to the Git root and carry it.
   */
  repoPrefix: string;
  versions: { talos: string; kubernetes: string; cilium: string };
  gitops: { engine: GitopsEngine; repository: string; branch: string };
  lan: { vlan: number; cidr: Cidr; gateway: Addr; dhcp?: IpInterval; nameservers: string[] };
  podCidr: string;
  serviceCidr: string;
  vip?: Addr;
  endpoint: string;
  schedulableControlPlanes: boolean;
  kubePrismPort: number;
  /** Sorted by name. */
  nodes: ClusterNode[];
  cilium: {
    hubble: boolean;
    operatorReplicas: number;
    l2: { services: number; leaseDuration: string; leaseRenewDeadline: string; leaseRetryPeriod: string };
    values: Record<string, unknown>;
  };
  /** Sorted by name. */
  pools: ClusterPool[];
}
