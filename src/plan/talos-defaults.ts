/**
 * Talos defaults the plan carries where the repository states nothing but the Talos version makes them certain:
 * KubePrism is on, port 7445, since Talos 1.6 (domain facts 3.2). Such a fact is marked `defaulted` in its
 * provenance, points at the Talos version it rests on, and says so in its note; rules that compare a stated setting
 * leave it alone. A full machine config of Talos ≥ 1.14 with no `KubePrismConfig` document (and no legacy
 * `machine.features.kubePrism`) has KubePrism off: that is a fact of the config, not a default. Full means generated
 * (its machine token and CA: isGeneratedMachineConfig), not a patch that starts like one.
 */
import type { YamlDocument } from '../core/document.js';
import { KUBEPRISM_DEFAULT_PORT } from '../data/talos.js';
import { atLeast, parseVersion } from '../data/versions.js';
import type { NetworkPlan } from './types.js';
import { isObj } from './util.js';

/** The Talos release from which KubePrism is on by default. */
export const KUBEPRISM_DEFAULT_SINCE = '1.6';
/** The Talos release whose `KubePrismConfig` document replaces `machine.features.kubePrism`. */
export const KUBEPRISM_CONFIG_SINCE = '1.14';

/** A whole machine config (`version: v1alpha1` with `machine` and `cluster`), not a patch. */
export function isFullMachineConfig(d: YamlDocument): boolean {
  return d.docClass === 'talos-config' && d.get(['version']) === 'v1alpha1' && isObj(d.get(['machine'])) && isObj(d.get(['cluster']));
}

/**
 * A machine config as `talosctl gen config` writes it (and so what a node runs as is): a full config with the machine
 * token and CA every generated config carries. A config patch may start with `version: v1alpha1` and hold `machine`
 * and `cluster` too (Terraform's `config_patches`, copied from a full config) but never the secrets: what it leaves
 * out keeps the base config's value, KubePrism included.
 */
export function isGeneratedMachineConfig(d: YamlDocument): boolean {
  return isFullMachineConfig(d) && d.get(['machine', 'token']) !== undefined && isObj(d.get(['machine', 'ca']));
}

/** Fills plan.talos.kubePrism from the Talos defaults when the repository shows no setting (after config overrides). */
export function applyTalosDefaults(plan: NetworkPlan): void {
  if (plan.talos.kubePrism) return;
  const version = plan.versions.talos;
  const parsed = version ? parseVersion(version.value) : undefined;
  if (!version || !parsed) return;
  const full = plan.talos.docs.filter(isGeneratedMachineConfig);
  if (full.length) {
    // a full config is what the node runs: what it leaves out is not defaulted. From 1.14 leaving the KubePrismConfig
    // document out turns KubePrism off (domain facts 3.1); before 1.14 the default lives in what `talosctl gen config`
    // writes, so a full config without `machine.features.kubePrism` is not judged here
    if (atLeast(parsed, KUBEPRISM_CONFIG_SINCE)) {
      const doc = full.find((d) => d.get(['machine', 'type']) !== 'worker') ?? full[0]!;
      plan.talos.kubePrism = { value: { enabled: false, port: KUBEPRISM_DEFAULT_PORT }, from: { doc, path: [], note: `full Talos ${parsed.minorKey} machine config without a KubePrismConfig document`, missing: 'KubePrismConfig' } };
    }
    return;
  }
  if (!atLeast(parsed, KUBEPRISM_DEFAULT_SINCE)) return;
  plan.talos.kubePrism = {
    value: { enabled: true, port: KUBEPRISM_DEFAULT_PORT },
    from: { ...version.from, note: `Talos default since ${KUBEPRISM_DEFAULT_SINCE}`, defaulted: `Talos ${parsed.minorKey} default` },
  };
}
