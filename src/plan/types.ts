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
  /**
   * The fact is inside the YAML text that is the string at `path` (an inline kustomize `patch: |`), at this path in
   * that text: a diagnostic points there when the string can be mapped (plan/util.ts factPlace), else at `path`.
   */
  inner?: Path;
  /** With `inner`: the string holds several YAML documents (a multi-document Talos patch) and `inner` is in this one (0-based). */
  innerDoc?: number;
  /** For facts from files without documents (or config): file + human description. */
  file?: string;
  note?: string;
  /**
   * The fact is a Talos default, not a setting of the repository (plan/talos-defaults.ts): how to show it
   * (`Talos 1.13 default`). `doc`/`path` then point at the Talos version it rests on; rules that compare a stated
   * setting leave it alone.
   */
  defaulted?: string;
  /** The fact follows from a document the config lacks (its kind), `doc` being the config without it. */
  missing?: string;
}

export interface Fact<T> {
  value: T;
  from: Provenance;
}

export interface PlanNode {
  name: string;
  role?: 'controlplane' | 'worker';
  /** What says the role: the node's own `machine.type`, the talhelper/Omni/cluster.yaml entry, or the role-scoped patch list that names its file. */
  roleFrom?: Provenance;
  address?: Fact<{ family: Family; value: bigint; text: string }>;
  /** Real Talos link names the node's LAN address sits on (e.g. `enp1s0.50`). */
  links: Fact<string>[];
  /** Where the node was declared (talconfig node entry, Talos config document, cluster.yaml node). */
  from?: Provenance;
  /** The node's LAN prefix as written with its address (`10.50.0.11/24` → the /24), when known. */
  prefix?: Fact<Cidr>;
  /** Every subnet the node has an address on (all links), for "is this on a node's link" questions. */
  subnets?: Fact<Cidr>[];
  /** True when a link of the node uses DHCP (it may sit on subnets the repository does not show). */
  dhcp?: boolean;
}

/** Talos cluster-level facts that several rules share (each only when the repo states it). */
export interface TalosFacts {
  /**
   * KubePrism on/off and port (`machine.features.kubePrism` or `KubePrismConfig`); default port 7445. Without a setting:
   * the Talos default (on, 7445; `from.defaulted`) when the Talos version is ≥ 1.6, off for a full ≥ 1.14 machine
   * config without a KubePrismConfig document (`from.missing`), else absent (plan/talos-defaults.ts).
   */
  kubePrism?: Fact<{ enabled: boolean; port: number }>;
  /** kube-proxy disabled (`cluster.proxy.disabled: true` or `KubeProxyConfig enabled: false`). */
  kubeProxyDisabled?: Fact<boolean>;
  /**
   * The first setting that disables kube-proxy in a patch only workers read (talhelper `worker.patches`, a worker
   * node's patches, an Omni Workers set or worker Machine, a file only such lists name): Talos takes `cluster.*`
   * from control-plane configs, so it is not in kubeProxyDisabled.
   */
  kubeProxyDisabledOnWorkers?: Fact<boolean>;
  /** CNI name (`cluster.network.cni.name` or `none` via `KubeFlannelCNIConfig $patch: delete`). */
  cni?: Fact<string>;
  /** With CNI `custom`: its manifest `urls`, as written next to the name. */
  cniUrls?: string[];
  /** Every Talos config / patch / multi-doc / talhelper / Omni template document of the group (for rules that read more). */
  docs: YamlDocument[];
  /**
   * The Omni clusters the group's templates describe, when there are several (two `kind: Cluster` templates with
   * different names) and none is named like the group: which one the GitOps tree runs on is unknown, so their
   * machines give the plan no node, VIP or gateway (cluster-wide settings still count). Each with its Cluster
   * document and the machines (machine sets, Machines) its template file configures with network facts, as nodes
   * of that cluster.
   */
  omniClusters?: Array<{ name: string; doc: YamlDocument; nodes: PlanNode[] }>;
  /**
   * With several Omni clusters: template documents that configure machines (with network facts) in a file that holds
   * no single `kind: Cluster`, so whose cluster they belong to is unknown (not nodes of any plan).
   */
  omniUnattributed?: YamlDocument[];
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
  talos: TalosFacts;
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
  /** The documents the cluster applies: what rules judge. */
  docs: YamlDocument[];
  /**
   * The group's Kubernetes objects no kustomization names in a folder that has one (plan/applied.ts): never applied,
   * so no rule counts them; the per-document checks (YAML, schemas) still read them. Absent when there are none.
   */
  unapplied?: YamlDocument[];
  plan: NetworkPlan;
  /** Every place the group sets Cilium Helm values (plan/cilium-release.ts), sorted by file then position. */
  ciliumReleases: CiliumRelease[];
  /**
   * In a repository with several clusters: the documents that belong to no cluster folder and are therefore in
   * every group (bases, shared apps). A finding that ties such a document to a cluster-specific one is uncertain.
   */
  shared?: ReadonlySet<YamlDocument>;
}

export function emptyPlan(): NetworkPlan {
  return { reserved: [], podCidrs: [], serviceCidrs: [], nodes: [], talos: { docs: [] }, versions: {} };
}

export type CiliumEngine = 'flux' | 'argocd' | 'helmfile' | 'kustomize' | 'values-file' | 'talos';

/**
 * One layer of Helm values for a Cilium release: a mapping in a document (`values`, `valuesObject`,
 * `valuesInline`, a whole values file) or a YAML string parsed from one (`inString`: positions inside it are found
 * when it can be mapped (literal, folded, quoted: YamlDocument.locateInString); else findings point at `valuesPath`).
 */
export interface ValuesLayer {
  doc: YamlDocument;
  valuesPath: Path;
  /** The whole values tree this layer sets (nested from the top even when the document holds only a part). */
  values: Record<string, unknown>;
  inString?: boolean;
  /**
   * With `inString`: the string is one value set by name (an Argo CD `helm.parameters[].value`, `--set` semantics),
   * not a values file: a finding about it sits on its `value` key (a bare true/false there would not be a string).
   */
  parameter?: boolean;
  /**
   * Values keys of the node at `valuesPath` when the document holds only a part of `values` (a JSON6902 `value` for
   * `/spec/values/hubble/relay`: `['hubble', 'relay']`); positions of deeper keys are below it. Default [].
   */
  root?: readonly string[];
  /** With `inString`: the path inside the string where the values (below `root`) begin (an inline patch's `spec.values`). */
  stringPath?: Path;
}

/**
 * A place where the repository installs Cilium with Helm values. `doc`/`valuesPath`/`values` are the primary
 * layer (the release's own inline values when it has any, else its first values file); `values` is the merged
 * result of `layers` (later layers win, as Helm merges them); `layers` are in Helm's merge order.
 */
export interface CiliumRelease {
  doc: YamlDocument;
  valuesPath: Path;
  values: Record<string, unknown>;
  layers: ValuesLayer[];
  version?: Fact<string>;
  engine: CiliumEngine;
  purpose?: 'gitops' | 'bootstrap';
  /** The release document itself (HelmRelease, Application, helmfile, kustomization), when not `doc`. */
  releaseDoc?: YamlDocument;
  /** Path of the release inside `releaseDoc` (`['releases', 2]`, `['helmCharts', 0]`, `['spec', 'sources', 1]`; `[]` = whole doc). */
  releasePath?: Path;
  /**
   * A Kustomize overlay's rendering of the Flux HelmRelease `releaseDoc` (plan/kustomize-overlays.ts): `kustomization`
   * patched `base` (the entry at `path`); `patches` hold the applied patches (a patch file's document, or the
   * kustomization for an inline patch); `skipped`: a patch that matches could not be applied (templated, unreadable,
   * an operation kustomize would fail on), so the values may differ from the layers. For an Argo CD Application,
   * `app` is the Application as rendered (`releaseDoc` is its base).
   */
  overlay?: { kustomization: YamlDocument; path: Path; base: CiliumRelease; patches: YamlDocument[]; skipped: boolean; app?: unknown };
  /** Kustomize overlays of the repository could not be rendered (too many): the values may differ from the layers. */
  valuesUnknown?: boolean;
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
