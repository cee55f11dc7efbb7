/**
 * The one Cilium Helm values file: Talos requirements (ipam kubernetes, cgroup, capabilities without SYS_MODULE),
 * kube-proxy replacement through KubePrism, L2 announcements with lease timing, the sized client rate limit,
 * Hubble, roll-outs on config change, operator replicas; then the spec's extra values (with `bpf.masquerade: true`
 * also `bpf.hostLegacyRouting: true`, for Talos's host DNS). Never a removed key.
 */
import { CHART, TALOS_AGENT_CAPABILITIES, TALOS_CLEAN_STATE_CAPABILITIES, TALOS_REQUIRED_VALUES, parseGoDuration, sizeRateLimit } from '../../data/cilium.js';
import type { Cluster } from '../../spec/types.js';
import { valuesPath } from '../paths.js';
import type { GeneratedFile } from '../types.js';

type Values = Record<string, unknown>;

function setPath(target: Values, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur = target;
  for (const k of keys.slice(0, -1)) {
    if (!cur[k] || typeof cur[k] !== 'object') cur[k] = {};
    cur = cur[k] as Values;
  }
  cur[keys[keys.length - 1]!] = value;
}

/** Deep merge: plain objects merge, everything else (arrays included) replaces. */
export function deepMerge(base: Values, extra: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)) out[k] = deepMerge(b as Values, v as Values);
    else out[k] = v;
  }
  return out;
}

export function ciliumValues(c: Cluster): Values {
  const v: Values = {};
  for (const [k, val] of Object.entries(TALOS_REQUIRED_VALUES)) setPath(v, k, val);
  v['kubeProxyReplacement'] = true;
  v['k8sServiceHost'] = 'localhost';
  v['k8sServicePort'] = c.kubePrismPort;
  setPath(v, 'securityContext.capabilities.ciliumAgent', [...TALOS_AGENT_CAPABILITIES]);
  setPath(v, 'securityContext.capabilities.cleanCiliumState', [...TALOS_CLEAN_STATE_CAPABILITIES]);
  v['l2announcements'] = {
    enabled: true,
    leaseDuration: c.cilium.l2.leaseDuration,
    leaseRenewDeadline: c.cilium.l2.leaseRenewDeadline,
    leaseRetryPeriod: c.cilium.l2.leaseRetryPeriod,
  };
  const renew = parseGoDuration(c.cilium.l2.leaseRenewDeadline) ?? 5;
  v['k8sClientRateLimit'] = sizeRateLimit(c.cilium.l2.services, renew, c.versions.cilium);
  v['hubble'] = c.cilium.hubble ? { enabled: true, relay: { enabled: true }, ui: { enabled: true } } : { enabled: false };
  v['rollOutCiliumPods'] = true;
  v['operator'] = { replicas: c.cilium.operatorReplicas, rollOutPods: true };
  const merged = deepMerge(v, c.cilium.values);
  // BPF masquerading on Talos breaks CoreDNS while Talos forwards kube-dns to its host DNS (the default since 1.8);
  // legacy host routing is the workaround Cilium documents for Talos, unless the spec decides it itself
  const bpf = merged['bpf'];
  if (bpf && typeof bpf === 'object' && (bpf as Values)['masquerade'] === true && (bpf as Values)['hostLegacyRouting'] === undefined) {
    merged['bpf'] = { ...(bpf as Values), hostLegacyRouting: true };
  }
  return merged;
}

export function generateCiliumValues(c: Cluster): GeneratedFile {
  return { path: valuesPath(c), source: c.specPath, content: { yaml: [ciliumValues(c)] } };
}

/** Chart coordinates used by every install path. */
export function chartRef(c: Cluster): { repoUrl: string; chart: string; version: string; releaseName: string; namespace: string } {
  return { repoUrl: CHART.repoUrl, chart: CHART.name, version: c.versions.cilium, releaseName: CHART.releaseName, namespace: CHART.namespace };
}
