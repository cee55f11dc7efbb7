/**
 * Cilium without kube-proxy replacement on a cluster whose Talos config disables kube-proxy: the Talos fact, and
 * whether a release turns on the kube-proxy replacement parts `kubeProxyReplacement: false` leaves to the user
 * (socketLB / nodePort / externalIPs / hostPort). Shared by cilium/kpr-off-without-kube-proxy (reports `false`)
 * and cilium/kpr-value (whose fix for `disabled`/`partial` must not write that `false`). Pure.
 */
import type { Fact, CiliumRelease, ClusterGroup } from '../../../plan/types.js';
import type { YamlDocument } from '../../../core/document.js';
import { factRelated } from '../../../plan/lb.js';
import type { RelatedFinding } from '../../types.js';
import { asBool, extraConfigSets, unknowable, unseenMaySet, valueOf, type AgentOption } from './values.js';

/**
 * The chart switches of the kube-proxy replacement parts that `kubeProxyReplacement: false` leaves off until the
 * user turns them on one by one (all four default to false); with them a release may serve Services without
 * kube-proxy (the docs' kube-proxy-free equivalent of `true` on `false`). Removed keys (hostPort 1.18,
 * externalIPs 1.17.6) are read all the same: on a line without them they change nothing, and judging that is
 * cilium/removed-values'.
 */
export const KPR_PART_KEYS: readonly (readonly string[])[] = [
  ['socketLB', 'enabled'],
  ['nodePort', 'enabled'],
  ['externalIPs', 'enabled'],
  ['hostPort', 'enabled'],
];

/** The agent options the chart renders from those switches and from `kubeProxyReplacement`, set directly in `extraConfig`. */
const KPR_AGENT_OPTION: AgentOption = {
  key: /^(kube-proxy-replacement|enable-node-port|enable-socket-lb|bpf-lb-sock|enable-external-ips|enable-host-port)$/,
  on: (v) => v !== false && v !== 'false',
};

/** The Talos setting that disables kube-proxy for the cluster (control-plane configs only: plan/infer.ts), when one does. */
export function talosKubeProxyOff(cluster: ClusterGroup): Fact<boolean> | undefined {
  const f = cluster.plan.talos.kubeProxyDisabled;
  return f?.value === true ? f : undefined;
}

/** The related location of a finding that stands on the Talos setting. */
export function talosKubeProxyRelated(cluster: ClusterGroup): RelatedFinding[] {
  return factRelated(talosKubeProxyOff(cluster), 'Talos disables kube-proxy here.');
}

/**
 * The release may turn kube-proxy replacement parts on itself, so `false` need not leave Services unserved: a
 * part switch that is on, templated or not a boolean, one values the repository does not show may set, or an
 * `extraConfig` that sets the agent options.
 */
export function kprPartsMayServe(release: CiliumRelease, docs: readonly YamlDocument[]): boolean {
  if (extraConfigSets(release, KPR_AGENT_OPTION)) return true;
  return KPR_PART_KEYS.some((key) => {
    const v = valueOf(release, key);
    if (v === undefined || v === null) return unseenMaySet(release, key, docs);
    return unknowable(v) || asBool(v) !== false || unseenMaySet(release, key, docs);
  });
}

/**
 * On this cluster the release's kube-proxy replacement must be on: Talos disables kube-proxy and the release turns
 * no replacement part on by itself. (Whether its `kubeProxyReplacement` is off is the caller's question.)
 */
export function needsKpr(cluster: ClusterGroup, release: CiliumRelease): boolean {
  return talosKubeProxyOff(cluster) !== undefined && !kprPartsMayServe(release, cluster.docs);
}
