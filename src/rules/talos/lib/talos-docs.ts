/**
 * The Talos documents of a cluster group that really are Talos configuration (the plan's list, minus Helm
 * values that merely have a `cluster:` key; talhelper configs and Omni templates included), and small readers over
 * them. No findings here.
 */
import type { Path, YamlDocument } from '../../../core/document.js';
import { omniInlinePatches, omniPatchFiles } from '../../../plan/omni-patches.js';
import { talhelperInlinePatches, talhelperPatchFiles } from '../../../plan/talhelper-patches.js';
import type { ClusterGroup } from '../../../plan/types.js';
import { isObj, perGroup } from '../../../plan/util.js';

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
    case 'omni-template':
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
 * `cluster:`, a Kube*Config document, a talhelper talconfig, or an Omni template's Cluster, from which talhelper and
 * Omni generate the whole config): only then can "not set" be judged.
 */
export function clusterConfigVisible(docs: readonly YamlDocument[]): boolean {
  return docs.some((d) => {
    if (d.docClass === 'talhelper') return true;
    if (d.docClass === 'omni-template') return d.kind === 'Cluster';
    if (d.docClass === 'talos-document') return ['KubeProxyConfig', 'KubeFlannelCNIConfig', 'KubeNetworkConfig'].includes(d.kind ?? '');
    if (d.docClass === 'talos-config') return isObj(d.get(['cluster']));
    if (d.docClass === 'talos-json6902') return Array.isArray(d.value) && d.value.some((op) => isObj(op) && typeof op['path'] === 'string' && op['path'].startsWith('/cluster'));
    return false;
  });
}

/** A complete generated machine config (`version: v1alpha1` with machine + cluster), not a patch. */
export { isFullMachineConfig, isGeneratedMachineConfig } from '../../../plan/talos-defaults.js';

/**
 * The inline patch bodies of a talhelper config (plan/talhelper-patches.ts) or an Omni template document
 * (plan/omni-patches.ts), each with its path: the body's own (a mapping or list), or the string that holds it.
 */
export function inlinePatches(doc: YamlDocument): Array<{ value: unknown; path: Path }> {
  const bodies = doc.docClass === 'talhelper' ? talhelperInlinePatches(doc).map((p) => p.body) : doc.docClass === 'omni-template' ? omniInlinePatches(doc).map((p) => p.body) : [];
  return bodies.map((b) => ({ value: b.value, path: b.at }));
}

/**
 * The files the group's talhelper configs and Omni templates pull in as control-plane patches, resolved to
 * repository paths (undefined: not among `files`, the files read, or above the root).
 */
export function controlPlanePatchFiles(cluster: ClusterGroup, files: ReadonlySet<string>): Array<string | undefined> {
  const docs = talosDocs(cluster);
  return docs.flatMap((d) =>
    d.docClass === 'talhelper' ? talhelperPatchFiles(d, { controlPlanes: true }).map((f) => (f !== undefined && files.has(f) ? f : undefined)) : omniPatchFiles(d, docs, files, { controlPlanes: true }),
  );
}
