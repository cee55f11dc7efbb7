/**
 * Whether a group's control planes certainly carry `node.kubernetes.io/exclude-from-external-load-balancers`, the
 * label Talos ≥1.8 generated control-plane configs add (also on schedulable control planes): the Talos version is
 * known and at least 1.8, no visible Talos document or talhelper inline patch removes the label (a patch file only workers read aside) (or may: a
 * `$patch` on it or on the node labels, a JSON6902 op on `/machine/nodeLabels`, a KubeNodeConfig label patch, a
 * generated control-plane config without it), and every control-plane patch file talhelper pulls in was read. A patch
 * that starts like a whole config (Terraform `config_patches`: no machine token and CA) merges into a generated base
 * that has the label, so its node labels leave it in place. Pure reads.
 */
import { EXCLUDE_FROM_LB_LABEL, EXCLUDE_FROM_LB_LABEL_SINCE, NODE_DOCUMENT_KIND } from '../../../data/talos.js';
import { atLeast, pinnedMinor } from '../../../data/versions.js';
import { patchFileRoles } from '../../../plan/patch-file-roles.js';
import type { ClusterGroup, Fact } from '../../../plan/types.js';
import { isObj } from '../../../plan/util.js';
import { controlPlanePatchFiles, inlinePatches, isGeneratedMachineConfig, talosDocs } from './talos-docs.js';


/** A `$patch` directive anywhere under `v`. */
function hasPatchDirective(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasPatchDirective);
  return isObj(v) && Object.entries(v).some(([k, x]) => k === '$patch' || hasPatchDirective(x));
}

/**
 * `v` (a machine config, patch, talhelper config or one of its inline patches) removes the label, or may: the label
 * set to anything but a string (`$patch: delete`, null), a node-label mapping replaced or not readable, a JSON6902
 * op on the node labels, a KubeNodeConfig deleted or with a patch directive on its labels.
 */
export function mayRemoveExcludeLabel(v: unknown): boolean {
  if (Array.isArray(v)) {
    if (v.some((op) => isObj(op) && typeof op['op'] === 'string' && typeof op['path'] === 'string' && /^\/machine\/nodeLabels(\/|$)/.test(op['path']))) return true;
    return v.some(mayRemoveExcludeLabel);
  }
  if (!isObj(v)) return false;
  // the whole document or its labels patched (a directive on its taints, as talium writes for schedulable control planes, keeps the label)
  if (v['kind'] === NODE_DOCUMENT_KIND && ('$patch' in v || hasPatchDirective(v['labels']))) return true;
  for (const [k, x] of Object.entries(v)) {
    if (k === EXCLUDE_FROM_LB_LABEL && typeof x !== 'string') return true;
    if (k === 'nodeLabels' && (!isObj(x) || '$patch' in x)) return true;
    if (mayRemoveExcludeLabel(x)) return true;
  }
  return false;
}

/** A control-plane machine config (given it is generated: isGeneratedMachineConfig) whose node labels lack the label: generated without it, or edited. */
function fullConfigWithout(v: unknown): boolean {
  if (!isObj(v) || !isObj(v['machine'])) return false;
  const type = v['machine']['type'];
  if (type !== 'controlplane' && type !== 'init') return false;
  const labels = v['machine']['nodeLabels'];
  return !isObj(labels) || !(EXCLUDE_FROM_LB_LABEL in labels);
}

/**
 * The Talos version fact when the group's control planes certainly carry the label (module header); undefined when
 * they do not or it cannot be told.
 */
export function controlPlanesExcludedFromLb(cluster: ClusterGroup): Fact<string> | undefined {
  const fact = cluster.plan.versions.talos;
  const version = pinnedMinor(fact?.value);
  if (!fact || version === undefined || !atLeast(version, EXCLUDE_FROM_LB_LABEL_SINCE)) return undefined;
  const files = new Set([...cluster.docs, ...cluster.plan.talos.docs].map((d) => d.file.path));
  const roles = patchFileRoles([...cluster.docs, ...cluster.plan.talos.docs]);
  for (const d of talosDocs(cluster)) {
    // a patch file only workers read (talhelper worker.patches, an Omni Workers set) cannot remove a control plane's label
    if (roles.get(d.file.path)?.role === 'worker' && d.get(['machine', 'type']) === undefined) continue;
    if (mayRemoveExcludeLabel(d.value)) return undefined;
    // only what talosctl gen config wrote is what the node runs; a patch shaped like it keeps the base's labels
    if (isGeneratedMachineConfig(d) && fullConfigWithout(d.value)) return undefined;
    if (inlinePatches(d).some((p) => mayRemoveExcludeLabel(p.value))) return undefined;
  }
  if (controlPlanePatchFiles(cluster, files).some((f) => f === undefined)) return undefined;
  return fact;
}
