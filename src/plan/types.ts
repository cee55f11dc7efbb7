/**
 * The network plan and versions a rule may rely on, each fact with its provenance. Built from a
 * cluster.yaml or inferred from a repository (plan/infer.ts); overridden by talium.config.yaml.
 */
import type { Path, YamlDocument } from '../core/document.js';
import type { Cidr, Family, IpInterval } from '../net/ip.js';

/** Where a fact came from. */
export interface Provenance {
  doc?: YamlDocument;
  path?: Path;
  /** For facts from files without documents (or config): file + human description. */
  file?: string;
  note?: string;
}

export interface Fact<T> {
  value: T;
  from: Provenance;
}

export interface PlanNode {
  name: string;
  role?: 'controlplane' | 'worker';
  address?: Fact<{ family: Family; value: bigint; text: string }>;
  /** Real Talos link names the node's LAN address sits on (e.g. `enp1s0.50`). */
  links: Fact<string>[];
}

export interface NetworkPlan {
  lan?: Fact<Cidr>;
  vlan?: Fact<number>;
  gateway?: Fact<{ family: Family; value: bigint; text: string }>;
  vip?: Fact<{ family: Family; value: bigint; text: string }>;
  dhcp?: Fact<IpInterval>;
  reserved: Fact<IpInterval>[];
  podCidrs: Fact<Cidr>[];
  serviceCidrs: Fact<Cidr>[];
  nodes: PlanNode[];
  versions: {
    talos?: Fact<string>;
    kubernetes?: Fact<string>;
    cilium?: Fact<string>;
  };
}

/** One cluster's share of a repository: its documents and its plan. */
export interface ClusterGroup {
  /** Cluster name (the clusters/<name> folder, or `default`). */
  name: string;
  docs: YamlDocument[];
  plan: NetworkPlan;
}

export function emptyPlan(): NetworkPlan {
  return { reserved: [], podCidrs: [], serviceCidrs: [], nodes: [], versions: {} };
}

/** An address range as written in configuration: `10.50.0.100-10.50.0.199`, a CIDR, or start/stop. */
export type RangeText = string | { start: string; stop: string };

/** Plan facts given in talium.config.yaml's `plan:` section (they win over inferred facts). */
export interface PlanOverrides {
  lan?: string;
  vlan?: number;
  gateway?: string;
  vip?: string;
  dhcp?: RangeText;
  reserved?: RangeText[];
  podCidrs?: string[];
  serviceCidrs?: string[];
  versions?: { talos?: string; kubernetes?: string; cilium?: string };
}

/** The overrides plus the config document they came from (for provenance: `path` = ['plan', ...]). */
export interface PlanConfig {
  values: PlanOverrides;
  doc?: YamlDocument;
}
