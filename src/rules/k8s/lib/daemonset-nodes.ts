/**
 * Where a DaemonSet's pods run, as far as the repository shows, for k8s/etp-local-l2: the DaemonSets behind a
 * Service, whether a pod spec keeps pods off some nodes (node selector, node affinity, required pod affinity),
 * whether it tolerates the control-plane taint, whether an L2 policy keeps control planes out of its election, and
 * whether Talos leaves control planes untainted (`allowSchedulingOnControlPlanes`). Pure reads; no findings here.
 */
import type { YamlDocument } from '../../../core/document.js';
import type { ClusterGroup } from '../../../plan/types.js';
import { dirOf, isObj } from '../../../plan/util.js';
import { talhelperInlinePatches, talosDocs } from '../../talos/lib/talos-docs.js';

/** The taint Talos (like kubeadm) puts on control planes, and the label the same nodes carry. */
export const CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';

/** Same namespace: both written and equal; neither written (set later by Kustomize or Flux): the same folder. */
function sameNamespace(a: YamlDocument, b: YamlDocument): boolean {
  if (a.namespace !== undefined || b.namespace !== undefined) return a.namespace === b.namespace;
  return dirOf(a.file.path) === dirOf(b.file.path);
}

/** apps/v1 DaemonSets in `svc`'s namespace whose pod template labels carry every key/value of its `spec.selector`. */
export function daemonSetsBehind(svc: YamlDocument, docs: readonly YamlDocument[]): YamlDocument[] {
  const sel = svc.get(['spec', 'selector']);
  if (!isObj(sel) || Object.keys(sel).length === 0) return [];
  return docs.filter((d) => {
    if (d.docClass !== 'k8s' || d.kind !== 'DaemonSet' || d.apiVersion !== 'apps/v1' || !sameNamespace(d, svc)) return false;
    const labels = d.get(['spec', 'template', 'metadata', 'labels']);
    return isObj(labels) && Object.entries(sel).every(([k, v]) => k in labels && String(labels[k]) === String(v));
  });
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
  const ns = pod['nodeSelector'];
  if (isObj(ns) && Object.entries(ns).some(([k, v]) => !(k === 'kubernetes.io/os' && v === 'linux'))) return true;
  const aff = pod['affinity'];
  if (!isObj(aff)) return false;
  if (aff['nodeAffinity'] !== undefined && aff['nodeAffinity'] !== null) return true;
  return [aff['podAffinity'], aff['podAntiAffinity']].some((a) => isObj(a) && a['requiredDuringSchedulingIgnoredDuringExecution'] !== undefined);
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

/** An L2 policy whose nodeSelector requires `node-role.kubernetes.io/control-plane` DoesNotExist. */
export function excludesControlPlanes(policy: YamlDocument): boolean {
  const me = policy.get(['spec', 'nodeSelector', 'matchExpressions']);
  return Array.isArray(me) && me.some((e) => isObj(e) && e['key'] === CONTROL_PLANE && e['operator'] === 'DoesNotExist');
}

const ALLOW = ['allowSchedulingOnControlPlanes', 'allowSchedulingOnMasters'];
const ALLOW_PATH = /^\/cluster\/allowSchedulingOn(ControlPlanes|Masters)$/;

/**
 * True when the group's Talos configuration lets workloads onto control planes (no taint): `cluster.
 * allowSchedulingOnControlPlanes: true` in a machine config or patch (also a JSON6902 op or a talhelper inline
 * patch), talhelper's top-level key, or talium's `cluster.schedulableControlPlanes`; and nothing sets it false.
 */
export function controlPlanesSchedulable(cluster: ClusterGroup): boolean {
  const said: unknown[] = [];
  const read = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const op of v) if (isObj(op) && typeof op['path'] === 'string' && ALLOW_PATH.test(op['path']) && op['op'] !== 'remove') said.push(op['value']);
      return;
    }
    if (!isObj(v)) return;
    const c = v['cluster'];
    for (const k of ALLOW) {
      if (k in v) said.push(v[k]);
      if (isObj(c) && k in c) said.push(c[k]);
    }
  };
  for (const d of talosDocs(cluster)) {
    read(d.value);
    for (const p of talhelperInlinePatches(d)) read(p.value);
  }
  for (const d of cluster.docs) if (d.docClass === 'cluster-spec') said.push(d.get(['cluster', 'schedulableControlPlanes']));
  const known = said.filter((v) => v !== undefined);
  return known.length > 0 && known.every((v) => v === true);
}
