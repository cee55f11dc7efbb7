/**
 * Where a DaemonSet's pods run, as far as the repository shows, for k8s/etp-local-l2: the DaemonSets (and other
 * workloads) behind a Service, in the namespace Kustomize gives them; whether a pod spec keeps pods off some nodes
 * (node selector, node affinity, required pod affinity) or only off nodes an L2 policy never elects; whether it
 * tolerates the control-plane taint; whether an L2 policy keeps control planes out of its election; and whether
 * Talos leaves control planes untainted (`allowSchedulingOnControlPlanes`: yes, no, or not visible). Pure reads; no
 * findings here.
 */
import type { YamlDocument } from '../../../core/document.js';
import { fluxKustomizations, ksFor } from '../../../plan/flux-kustomizations.js';
import { kustomizationResources } from '../../../plan/kustomize-overlays.js';
import type { ClusterGroup, PlanNode } from '../../../plan/types.js';
import { CONTROL_PLANE_LABEL, certainlyFails, requirements } from '../../cilium/lib/node-selector.js';
import { CONTROL_PLANE_TAINT, NODE_DOCUMENT_KIND } from '../../../data/talos.js';
import { dirOf, docsByFile, isObj } from '../../../plan/util.js';
import { controlPlanePatchFiles, inlinePatches, talosDocs } from '../../talos/lib/talos-docs.js';

/** The taint Talos (like kubeadm) puts on control planes, and the label the same nodes carry. */
export const CONTROL_PLANE = CONTROL_PLANE_LABEL;
/** Any control-plane node, for selector questions. */
const A_CONTROL_PLANE: PlanNode = { name: '', role: 'controlplane', links: [] };

/**
 * The namespaces a document may end up in: for each way a kustomization reaches its file through `resources`
 * (files, or folders with a kustomization; remote resources are not followed), the `namespace:` of the outermost
 * kustomization on that way that sets one (kustomize applies each level's namespace after the inner ones), else the
 * document's own `metadata.namespace`. `undefined` in the set: a way on which neither says (the default namespace).
 * A file no kustomization lists keeps its own namespace. Above all that, the Flux Kustomization that applies the
 * file (the deepest `spec.path` holding it, when its kustomization there, if any, reaches the file) sets every
 * object's namespace when it has a `spec.targetNamespace`.
 */
export type Namespaces = (doc: YamlDocument) => ReadonlySet<string | undefined>;

export function kustomizeNamespaces(docs: readonly YamlDocument[]): Namespaces {
  const byFile = docsByFile(docs);
  /** file → the kustomizations listing it (a resource file, or a folder's kustomization file). */
  const parents = new Map<string, YamlDocument[]>();
  /** folder → its kustomization (what Flux builds when a Kustomization's spec.path is that folder). */
  const kustomizationIn = new Map<string, YamlDocument>();
  for (const k of docs) {
    if (k.docClass !== 'kustomization') continue;
    if (!kustomizationIn.has(dirOf(k.file.path))) kustomizationIn.set(dirOf(k.file.path), k);
    for (const r of kustomizationResources(k, byFile)) {
      const list = parents.get(r.node);
      if (list) list.push(k);
      else parents.set(r.node, [k]);
    }
  }
  const memo = new Map<string, ReadonlySet<string | undefined>>();
  /** The namespaces the kustomizations above `file` assign (`undefined`: a way on which none does). */
  const assigned = (file: string): ReadonlySet<string | undefined> => {
    const known = memo.get(file);
    if (known) return known;
    memo.set(file, new Set([undefined])); // a cycle: kustomize refuses to build it
    const out = new Set<string | undefined>();
    const ks = parents.get(file) ?? [];
    if (!ks.length) out.add(undefined);
    for (const k of ks) {
      const own = k.get(['namespace']);
      for (const up of assigned(k.file.path)) out.add(up ?? (typeof own === 'string' && own !== '' ? own : undefined));
    }
    memo.set(file, out);
    return out;
  };
  const flux = fluxKustomizations(docs);
  const reached = new Map<string, boolean>();
  /** `file` is `root` or among the resources it reaches (a cycle: kustomize refuses to build it). */
  const reaches = (file: string, root: string): boolean => {
    if (file === root) return true;
    const key = `${file}\0${root}`;
    const known = reached.get(key);
    if (known !== undefined) return known;
    reached.set(key, false);
    const yes = (parents.get(file) ?? []).some((k) => reaches(k.file.path, root));
    reached.set(key, yes);
    return yes;
  };
  /**
   * The `targetNamespace`s of the Flux Kustomizations applying `file` (several clusters may apply one folder): Flux
   * builds the kustomization at `spec.path` when there is one (then only what it reaches), else every file below.
   */
  const targetsOf = new Map<string, string[]>();
  const fluxTargets = (file: string): string[] => {
    let out = targetsOf.get(file);
    if (out) return out;
    out = [];
    const applying = ksFor(file, flux);
    const root = applying && kustomizationIn.get(applying.dir);
    if (applying && (!root || reaches(file, root.file.path))) {
      const targets = flux.filter((k) => k.dir === applying.dir).map((k) => k.doc.get(['spec', 'targetNamespace']));
      // one of them without a (usable) targetNamespace leaves the namespace to kustomize: no override then
      if (targets.every((t): t is string => typeof t === 'string' && t !== '' && !/\$\{/.test(t))) out = targets;
    }
    targetsOf.set(file, out);
    return out;
  };
  return (doc) => {
    const targets = fluxTargets(doc.file.path);
    return targets.length ? new Set(targets) : new Set([...assigned(doc.file.path)].map((ns) => ns ?? doc.namespace));
  };
}

/**
 * Same namespace: some namespace both may end up in (written, or set by a kustomization); when neither states one
 * anywhere (set later by Flux or the default namespace), the same folder.
 */
function sameNamespace(a: YamlDocument, b: YamlDocument, namespaces: Namespaces): boolean {
  const na = namespaces(a);
  const nb = namespaces(b);
  if ([...na, ...nb].every((n) => n === undefined)) return dirOf(a.file.path) === dirOf(b.file.path);
  return [...na].some((n) => n !== undefined && nb.has(n));
}

/** Workload kinds with a pod template (`spec.template`) other than DaemonSet, as `group/kind`. */
const OTHER_WORKLOADS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/ReplicaSet', '/ReplicationController', 'argoproj.io/Rollout']);

/** Workloads in `svc`'s namespace whose pod template labels carry every key/value of its `spec.selector`. */
function workloadsBehind(svc: YamlDocument, docs: readonly YamlDocument[], namespaces: Namespaces, kind: (d: YamlDocument) => boolean): YamlDocument[] {
  const sel = svc.get(['spec', 'selector']);
  if (!isObj(sel) || Object.keys(sel).length === 0) return [];
  return docs.filter((d) => {
    if (d === svc || !kind(d)) return false;
    const labels = d.get(['spec', 'template', 'metadata', 'labels']);
    if (!isObj(labels) || !Object.entries(sel).every(([k, v]) => k in labels && String(labels[k]) === String(v))) return false;
    return sameNamespace(d, svc, namespaces);
  });
}

/** apps/v1 DaemonSets in `svc`'s namespace whose pod template labels carry every key/value of its `spec.selector`. */
export function daemonSetsBehind(svc: YamlDocument, docs: readonly YamlDocument[], namespaces: Namespaces = kustomizeNamespaces(docs)): YamlDocument[] {
  return workloadsBehind(svc, docs, namespaces, (d) => d.docClass === 'k8s' && d.kind === 'DaemonSet' && d.apiVersion === 'apps/v1');
}

/** Deployments, StatefulSets, ReplicaSets, ReplicationControllers, Argo Rollouts behind `svc` (as daemonSetsBehind). */
export function otherWorkloadsBehind(svc: YamlDocument, docs: readonly YamlDocument[], namespaces: Namespaces = kustomizeNamespaces(docs)): YamlDocument[] {
  return workloadsBehind(svc, docs, namespaces, (d) => d.docClass === 'k8s' && OTHER_WORKLOADS.has(`${d.group}/${d.kind ?? ''}`));
}

/** The pod spec of a DaemonSet's template ({} when absent). */
export function podSpec(ds: YamlDocument): Record<string, unknown> {
  const s = ds.get(['spec', 'template', 'spec']);
  return isObj(s) ? s : {};
}

/**
 * A pod spec setting that keeps pods off some nodes: a node selector (except `kubernetes.io/os: linux`, true of
 * every Talos node), a node affinity, or a required pod (anti-)affinity.
 */
export function keptOffNodes(pod: Record<string, unknown>): boolean {
  return Object.keys(nodeSelector(pod)).length > 0 || affinityKeepsOff(pod);
}

/** The pod's `nodeSelector` without `kubernetes.io/os: linux` (true of every Talos node). */
function nodeSelector(pod: Record<string, unknown>): Record<string, unknown> {
  const ns = pod['nodeSelector'];
  return isObj(ns) ? Object.fromEntries(Object.entries(ns).filter(([k, v]) => !(k === 'kubernetes.io/os' && v === 'linux'))) : {};
}

/** A node affinity, or a required pod (anti-)affinity. */
function affinityKeepsOff(pod: Record<string, unknown>): boolean {
  const aff = pod['affinity'];
  if (!isObj(aff)) return false;
  if (aff['nodeAffinity'] !== undefined && aff['nodeAffinity'] !== null) return true;
  return [aff['podAffinity'], aff['podAntiAffinity']].some((a) => isObj(a) && a['requiredDuringSchedulingIgnoredDuringExecution'] !== undefined);
}

/**
 * The pods may run on every node `policy` can elect (taints aside): nothing keeps them off nodes (keptOffNodes), or
 * only a node selector whose every key/value the policy's `spec.nodeSelector.matchLabels` requires as well.
 */
export function runsWherePolicyElects(pod: Record<string, unknown>, policy: YamlDocument): boolean {
  if (affinityKeepsOff(pod)) return false;
  const sel = Object.entries(nodeSelector(pod));
  if (!sel.length) return true;
  const want = policy.get(['spec', 'nodeSelector', 'matchLabels']);
  return isObj(want) && sel.every(([k, v]) => k in want && String(want[k] ?? '') === String(v ?? ''));
}

/** A toleration for `node-role.kubernetes.io/control-plane:NoSchedule` (that key, or `operator: Exists` without a key). */
export function toleratesControlPlane(pod: Record<string, unknown>): boolean {
  const list = pod['tolerations'];
  if (!Array.isArray(list)) return false;
  return list.some((t) => {
    if (!isObj(t)) return false;
    if (t['effect'] !== undefined && t['effect'] !== null && t['effect'] !== '' && t['effect'] !== 'NoSchedule') return false;
    const key = t['key'] ?? '';
    const op = t['operator'] ?? 'Equal';
    if (key === '') return op === 'Exists';
    // the taint has no value: Equal matches only an empty value
    return key === CONTROL_PLANE && (op === 'Exists' || (op === 'Equal' && (t['value'] ?? '') === ''));
  });
}

/**
 * An L2 policy whose nodeSelector certainly keeps control planes out (`node-role.kubernetes.io/control-plane`
 * DoesNotExist, NotIn [""], since Talos labels control planes with an empty value; or any other requirement a
 * control plane certainly fails: cilium/lib/node-selector).
 */
export function excludesControlPlanes(policy: YamlDocument): boolean {
  const reqs = requirements(policy.get(['spec', 'nodeSelector'])) ?? [];
  return reqs.some((r) => certainlyFails(A_CONTROL_PLANE, r));
}

const ALLOW = ['allowSchedulingOnControlPlanes', 'allowSchedulingOnMasters'];

/**
 * What a Talos 1.14 KubeNodeConfig `taints` entry for the control-plane key says about scheduling: deleted (`$patch:
 * delete`, talium's patch) → schedulable; `[value]:NoSchedule` / `:NoExecute` → tainted; anything else (another
 * effect, templated) → the value itself, which counts as unreadable.
 */
function taintSays(t: unknown): unknown {
  if (isObj(t) && t['$patch'] === 'delete') return true;
  if (typeof t === 'string' && /(^|:)(NoSchedule|NoExecute)$/.test(t)) return false;
  return t ?? 'unset';
}
const ALLOW_PATH = /^\/cluster\/allowSchedulingOn(ControlPlanes|Masters)$/;

/**
 * Whether the group's Talos configuration lets workloads onto control planes (no taint): true when every place that
 * sets it says `true` (`cluster.allowSchedulingOnControlPlanes` in a machine config or patch, also a JSON6902 op or
 * a talhelper inline patch; talhelper's top-level key; talium's `cluster.schedulableControlPlanes`; from Talos 1.14
 * the control-plane taint of a KubeNodeConfig document, deleted = true, NoSchedule/NoExecute = false); false when
 * something sets it false, or when the configuration control planes read is visible and leaves it at its default;
 * undefined (unknown) when that configuration is not visible (no Talos config with a `cluster:` section for control
 * planes, no talhelper config, no cluster.yaml: it may live in templates talium does not read), when a value is
 * not a boolean (templated), or when a talhelper `@` patch for control planes names a file that was not read.
 */
export function controlPlanesSchedulable(cluster: ClusterGroup): boolean | undefined {
  const said: unknown[] = [];
  const read = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const op of v) if (isObj(op) && typeof op['path'] === 'string' && ALLOW_PATH.test(op['path']) && op['op'] !== 'remove') said.push(op['value']);
      return;
    }
    if (!isObj(v)) return;
    if (v['kind'] === NODE_DOCUMENT_KIND && isObj(v['taints']) && CONTROL_PLANE_TAINT in v['taints']) said.push(taintSays(v['taints'][CONTROL_PLANE_TAINT]));
    const c = v['cluster'];
    for (const k of ALLOW) {
      if (k in v) said.push(v[k]);
      if (isObj(c) && k in c) said.push(c[k]);
    }
  };
  const files = new Set([...cluster.docs, ...cluster.plan.talos.docs].map((d) => d.file.path));
  let visible = false;
  let unread = false;
  for (const d of talosDocs(cluster)) {
    read(d.value);
    for (const p of inlinePatches(d)) read(p.value);
    if (controlPlaneConfig(d)) visible = true;
  }
  if (controlPlanePatchFiles(cluster, files).some((f) => f === undefined)) unread = true;
  for (const d of cluster.docs) {
    if (d.docClass !== 'cluster-spec') continue;
    // talium generates the Talos config from it: an absent key is its default, false
    visible = true;
    said.push(d.get(['cluster', 'schedulableControlPlanes']));
  }
  const known = said.filter((v) => v !== undefined);
  if (known.length > 0 && known.every((v) => v === true)) return true;
  if (unread || known.some((v) => typeof v !== 'boolean')) return undefined;
  if (known.includes(false)) return false;
  return visible ? false : undefined;
}

/**
 * A Talos document that control planes read and that would carry `allowSchedulingOnControlPlanes`: a talhelper
 * config, a machine config or patch with a `cluster:` section (not a worker's) or of a control plane, a JSON6902
 * patch of `/cluster`.
 */
function controlPlaneConfig(d: YamlDocument): boolean {
  switch (d.docClass) {
    case 'talhelper':
      return true;
    case 'omni-template':
      return d.kind === 'Cluster';
    case 'talos-config': {
      const type = d.get(['machine', 'type']);
      return type === 'controlplane' || type === 'init' || (type !== 'worker' && isObj(d.get(['cluster'])));
    }
    case 'talos-json6902':
      return Array.isArray(d.value) && d.value.some((op) => isObj(op) && typeof op['path'] === 'string' && op['path'].startsWith('/cluster'));
    default:
      return false;
  }
}
