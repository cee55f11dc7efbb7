/**
 * The Talos documents of a cluster group that really are Talos configuration (the plan's list, minus Helm
 * values that merely have a `cluster:` key), and small readers over them. No findings here.
 */
import { parseAllDocuments } from 'yaml';
import type { YamlDocument } from '../../../core/document.js';
import type { ClusterGroup } from '../../../plan/types.js';
import { dirOf, isObj, normalizePath, perGroup, talosBool } from '../../../plan/util.js';

const TALOS_CLUSTER_KEYS = new Set([
  'controlPlane', 'clusterName', 'network', 'proxy', 'apiServer', 'controllerManager', 'scheduler', 'etcd', 'discovery',
  'inlineManifests', 'extraManifests', 'allowSchedulingOnControlPlanes', 'allowSchedulingOnMasters', 'coreDNS',
  'externalCloudProvider', 'adminKubeconfig', 'token', 'secretboxEncryptionSecret', 'aggregatorCA', 'serviceAccount', 'ca', 'id', 'secret',
]);
const HELM_VALUE_KEYS = new Set(['kubeProxyReplacement', 'ipam', 'hubble', 'operator', 'l2announcements', 'k8sServiceHost', 'bpf', 'routingMode']);


export function isRealTalos(doc: YamlDocument): boolean {
  switch (doc.docClass) {
    case 'talos-document':
    case 'talhelper':
      return true;
    case 'talos-json6902':
      return Array.isArray(doc.value) && doc.value.some((op) => isObj(op) && typeof op['path'] === 'string' && /^\/(machine|cluster)(\/|$)/.test(op['path']));
    case 'talos-config': {
      const v = doc.value;
      if (!isObj(v)) return false;
      if (Object.keys(v).some((k) => HELM_VALUE_KEYS.has(k))) return false;
      if (isObj(v['machine'])) return true;
      const c = v['cluster'];
      return isObj(c) && Object.keys(c).some((k) => TALOS_CLUSTER_KEYS.has(k));
    }
    default:
      return false;
  }
}

const TALOS_DOCS = new WeakMap<ClusterGroup, readonly YamlDocument[]>();

/**
 * The group's Talos documents (config, patches, multi-doc kinds, talhelper), genuine ones only; computed once per
 * group (a dozen rules ask, and the group does not change once the rules run).
 */
export function talosDocs(cluster: ClusterGroup): readonly YamlDocument[] {
  return perGroup(TALOS_DOCS, cluster, () => {
    const seen = new Set<YamlDocument>();
    const list: YamlDocument[] = [];
    for (const docs of [cluster.plan.talos.docs, cluster.docs]) {
      for (const d of docs) {
        if (seen.has(d) || !isRealTalos(d)) continue;
        seen.add(d);
        list.push(d);
      }
    }
    return list;
  });
}

export function hasTalos(cluster: ClusterGroup): boolean {
  return talosDocs(cluster).length > 0;
}

/**
 * True when some visible Talos document carries cluster-level settings (a machine config or patch with
 * `cluster:`, a Kube*Config document, or a talhelper talconfig): only then can "not set" be judged.
 */
export function clusterConfigVisible(docs: readonly YamlDocument[]): boolean {
  return docs.some((d) => {
    if (d.docClass === 'talhelper') return true;
    if (d.docClass === 'talos-document') return ['KubeProxyConfig', 'KubeFlannelCNIConfig', 'KubeNetworkConfig'].includes(d.kind ?? '');
    if (d.docClass === 'talos-config') return isObj(d.get(['cluster']));
    if (d.docClass === 'talos-json6902') return Array.isArray(d.value) && d.value.some((op) => isObj(op) && typeof op['path'] === 'string' && op['path'].startsWith('/cluster'));
    return false;
  });
}

/** A complete generated machine config (`version: v1alpha1` with machine + cluster), not a patch. */
export function isFullMachineConfig(d: YamlDocument): boolean {
  return d.docClass === 'talos-config' && d.get(['version']) === 'v1alpha1' && isObj(d.get(['machine'])) && isObj(d.get(['cluster']));
}

/** talhelper inline patches (`patches:` items that are mappings, or YAML strings `|-`), parsed, with their path. */
export function talhelperInlinePatches(doc: YamlDocument): Array<{ value: unknown; path: (string | number)[] }> {
  const out: Array<{ value: unknown; path: (string | number)[] }> = [];
  if (doc.docClass !== 'talhelper') return out;
  const lists: (string | number)[][] = [['patches'], ['controlPlane', 'patches'], ['worker', 'patches']];
  const nodes = doc.get(['nodes']);
  if (Array.isArray(nodes)) nodes.forEach((_, i) => lists.push(['nodes', i, 'patches']));
  for (const base of lists) {
    const list = doc.get(base);
    if (!Array.isArray(list)) continue;
    list.forEach((p, i) => {
      if (isObj(p)) out.push({ value: p, path: [...base, i] });
      else if (typeof p === 'string' && !p.trim().startsWith('@')) {
        try {
          for (const d of parseAllDocuments(p)) {
            if (d.errors.length) continue;
            const v = d.toJS() as unknown;
            if (v !== null && v !== undefined) out.push({ value: v, path: [...base, i] });
          }
        } catch {
          // an unparsable inline patch is talhelper's business
        }
      }
    });
  }
  return out;
}

/** The files a talhelper config pulls in as control-plane patches (`"@./patches/x.yaml"`), resolved (undefined: above the root). */
export function talhelperControlPlanePatchFiles(d: YamlDocument): Array<string | undefined> {
  if (d.docClass !== 'talhelper') return [];
  const lists: (string | number)[][] = [['patches'], ['controlPlane', 'patches']];
  const nodes = d.get(['nodes']);
  if (Array.isArray(nodes)) nodes.forEach((n, i) => isObj(n) && n['controlPlane'] === true && lists.push(['nodes', i, 'patches']));
  const out: Array<string | undefined> = [];
  const dir = dirOf(d.file.path);
  for (const base of lists) {
    const list = d.get(base);
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      if (typeof p !== 'string' || !p.trim().startsWith('@')) continue;
      const rel = p.trim().slice(1).trim();
      out.push(normalizePath(rel.startsWith('/') ? rel : dir ? `${dir}/${rel}` : rel));
    }
  }
  return out;
}

/** kube-proxy disabled by a talhelper inline patch (legacy field or KubeProxyConfig). */
export function inlineKubeProxyDisabled(docs: readonly YamlDocument[]): boolean {
  return docs.some((d) =>
    talhelperInlinePatches(d).some(({ value }) => {
      if (!isObj(value)) return false;
      const c = value['cluster'];
      if (isObj(c) && isObj(c['proxy']) && talosBool(c['proxy']['disabled']) === true) return true;
      return value['kind'] === 'KubeProxyConfig' && (talosBool(value['enabled']) === false || value['$patch'] === 'delete');
    }),
  );
}

/** CNI name set by a talhelper inline patch, if any. */
export function inlineCni(docs: readonly YamlDocument[]): string | undefined {
  for (const d of docs) {
    for (const { value } of talhelperInlinePatches(d)) {
      if (!isObj(value)) continue;
      if (value['kind'] === 'KubeFlannelCNIConfig' && value['$patch'] === 'delete') return 'none';
      const c = value['cluster'];
      const n = isObj(c) && isObj(c['network']) && isObj(c['network']['cni']) ? c['network']['cni']['name'] : undefined;
      if (typeof n === 'string') return n;
    }
  }
  return undefined;
}
