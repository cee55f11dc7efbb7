/**
 * Semantic checks on versions, nodes, pools and Cilium options of a cluster.yaml value: supported lines, the
 * Kubernetes matrices, duplicate names, control-plane count, operator replicas, lease timing, Helm keys.
 * Defensive: runs even when the schema failed, so one run reports every problem.
 */
import type { Path, YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import { CILIUM_TESTED_KUBERNETES, SUPPORTED, TALOS_KUBERNETES, ciliumTestedText, ciliumTestsKubernetes, inMinorRange, minorOf, parseVersion, talosSupportsKubernetes } from '../data/versions.js';
import { AGENT_OPTION_HELM_VALUE, LEASE_DEFAULTS, leaseViolations, parseGoDuration, removedHelmKeys } from '../data/cilium.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * Helm value paths talium sets itself (Talos requirements and L2 wiring); `cilium.values` may not override them,
 * neither directly nor through the agent option they render to in `extraConfig` (AGENT_OPTION_HELM_VALUE).
 * Each maps to the cluster.yaml option talium derives it from, or undefined when it is fixed (no option).
 */
const OWNED_HELM_OPTIONS: Readonly<Record<string, string | undefined>> = {
  'ipam.mode': undefined,
  kubeProxyReplacement: undefined,
  k8sServiceHost: undefined,
  k8sServicePort: 'cluster.kubePrismPort',
  'cgroup.autoMount.enabled': undefined,
  'cgroup.hostRoot': undefined,
  'securityContext.capabilities.ciliumAgent': undefined,
  'securityContext.capabilities.cleanCiliumState': undefined,
  'l2announcements.enabled': undefined,
  'l2announcements.leaseDuration': 'cilium.l2.leaseDuration',
  'l2announcements.leaseRenewDeadline': 'cilium.l2.leaseRenewDeadline',
  'l2announcements.leaseRetryPeriod': 'cilium.l2.leaseRetryPeriod',
  'k8sClientRateLimit.qps': 'cilium.l2.services',
  'k8sClientRateLimit.burst': 'cilium.l2.services',
  'operator.replicas': 'cilium.operatorReplicas',
  'hubble.enabled': 'cilium.hubble',
};
export const OWNED_HELM_PATHS: readonly string[] = Object.keys(OWNED_HELM_OPTIONS);

export function checkModel(value: unknown, doc: YamlDocument): Finding[] {
  const out: Finding[] = [];
  const root = obj(value);
  checkVersions(obj(root['versions']), doc, out);
  checkNodes(root, doc, out);
  checkPools(root, doc, out);
  checkCilium(root, doc, out);
  checkGitopsRepository(obj(root['gitops']), doc, out);
  return out;
}

/**
 * `flux bootstrap git --url` takes ssh://, https:// and (with --allow-insecure-http, which the generated script
 * adds) http:// URLs only: it parses the URL with Go's url.Parse, which refuses git's scp-like form
 * (`git@github.com:me/homelab.git`), and has no transport for other schemes. Argo CD takes the scp form.
 */
function checkGitopsRepository(g: Record<string, unknown>, doc: YamlDocument, out: Finding[]): void {
  const url = str(g['repository']);
  if (g['engine'] !== 'flux' || !url || /\s/.test(url) || /^(https?|ssh):\/\/[^/]/i.test(url)) return;
  const scp = /^(?:([^@/:]+)@)?([^@/:]+):(?!\/\/)(.+)$/.exec(url);
  const suggestion = scp ? `ssh://${scp[1] ?? 'git'}@${scp[2]}/${scp[3]!.replace(/^\/+/, '')}` : undefined;
  out.push({
    doc,
    path: ['gitops', 'repository'],
    ruleId: 'spec/flux-repository-url',
    severity: 'error',
    message: scp
      ? `flux bootstrap git cannot read the scp-like URL "${url}": it needs ssh://, https:// or http://.`
      : `flux bootstrap git reaches a repository over ssh://, https:// or http:// only, not "${url}".`,
    help: suggestion ? `Write it as an ssh:// URL: ${suggestion}.` : 'Write an ssh://git@<host>/<org>/<repository> or https://<host>/<org>/<repository>.git URL.',
    data: { url, ...(suggestion ? { suggestion } : {}) },
  });
}

function checkVersions(v: Record<string, unknown>, doc: YamlDocument, out: Finding[]): void {
  const talos = str(v['talos']);
  const cilium = str(v['cilium']);
  const k8s = str(v['kubernetes']);
  const range = (r: { min: string; max: string }) => `${r.min}–${r.max}`;
  const supported = (component: 'talos' | 'cilium', text: string | undefined): boolean => {
    const pv = parseVersion(text);
    if (!text || !pv) return false;
    const r = SUPPORTED[component];
    if (inMinorRange(pv, r)) return true;
    out.push({
      doc,
      path: ['versions', component],
      ruleId: 'spec/unsupported-version',
      severity: 'error',
      message: `${component === 'talos' ? 'Talos' : 'Cilium'} ${text} is outside the supported ${range(r)} lines.`,
      help: `Pin a ${component === 'talos' ? 'Talos' : 'Cilium'} version from ${range(r)}.`,
      data: { component, version: text, supported: range(r) },
    });
    return false;
  };
  const talosOk = supported('talos', talos);
  const ciliumOk = supported('cilium', cilium);
  if (!k8s || !parseVersion(k8s)) return;
  if (talosOk && talos) {
    const row = TALOS_KUBERNETES[minorOf(talos)!];
    if (row && talosSupportsKubernetes(talos, k8s) === false) {
      out.push({
        doc,
        path: ['versions', 'kubernetes'],
        ruleId: 'spec/kubernetes-version',
        messageId: 'talosMatrix',
        severity: 'error',
        message: `Kubernetes ${k8s} is outside what Talos ${minorOf(talos)} supports (${range(row)}).`,
        help: `Pin Kubernetes ${range(row)} (Talos ${minorOf(talos)} defaults to ${row.default}).`,
        data: { reason: 'talos-matrix', talos, kubernetes: k8s, supported: range(row) },
      });
    }
  }
  if (ciliumOk && cilium && ciliumTestsKubernetes(cilium, k8s) === false) {
    const list = ciliumTestedText(cilium);
    out.push({
      doc,
      path: ['versions', 'kubernetes'],
      ruleId: 'spec/kubernetes-version',
      messageId: 'ciliumTested',
      severity: 'warning',
      message: `Kubernetes ${minorOf(k8s)} is not in Cilium ${minorOf(cilium)}'s tested list (${list}).`,
      help: CILIUM_TESTED_KUBERNETES[minorOf(cilium)!]?.minors ? `Prefer Kubernetes ${list} with Cilium ${minorOf(cilium)}, or a Cilium line that tests ${minorOf(k8s)}.` : `Use a Cilium line that tests Kubernetes ${minorOf(k8s)}, or an older Kubernetes.`,
      data: { reason: 'cilium-tested', cilium, kubernetes: k8s, tested: list },
    });
  }
}

/** One finding per repeated `name` in a list of the spec (nodes, pools), pointing back at the first use. */
function duplicateNames(list: Array<Record<string, unknown>>, key: string, doc: YamlDocument, out: Finding[], what: { ruleId: string; what: string; help: string }): void {
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    const name = str(item['name']);
    if (name === undefined) return;
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, i);
      return;
    }
    out.push({
      doc,
      path: [key, i, 'name'],
      ruleId: what.ruleId,
      severity: 'error',
      message: `${what.what} name "${name}" is used by ${key}[${first}] and ${key}[${i}].`,
      help: what.help,
      data: { name, first: `${key}[${first}]`, second: `${key}[${i}]` },
      related: [{ doc, path: [key, first, 'name'], message: 'First use.' }],
    });
  });
}

function checkNodes(root: Record<string, unknown>, doc: YamlDocument, out: Finding[]): void {
  const nodes = arr(root['nodes']).map(obj);
  if (!Array.isArray(root['nodes'])) return;
  duplicateNames(nodes, 'nodes', doc, out, { ruleId: 'spec/duplicate-node', what: 'Node', help: 'Give every node a unique hostname.' });
  const cps = nodes.filter((n) => n['role'] === 'controlplane').length;
  const validRoles = nodes.every((n) => n['role'] === 'controlplane' || n['role'] === 'worker');
  if (cps === 0 && nodes.length > 0 && validRoles) {
    out.push({ doc, path: ['nodes'], key: true, ruleId: 'spec/no-control-plane', severity: 'error', message: 'No node has role controlplane.', help: 'Set `role: controlplane` on one node (or three, for an HA etcd quorum).', data: { nodes: nodes.length } });
  } else if (cps > 0 && cps % 2 === 0) {
    out.push({
      doc,
      path: ['nodes'],
      key: true,
      ruleId: 'spec/even-control-planes',
      severity: 'warning',
      message: `${cps} control planes: an even etcd member count tolerates no more failures than ${cps - 1}.`,
      help: `Run ${cps - 1} or ${cps + 1} control planes.`,
      data: { controlPlanes: cps },
    });
  }
  // Talos taints control planes unless allowSchedulingOnControlPlanes: with no worker, Flux / Argo CD, Hubble Relay
  // and UI and every workload stay Pending (only DaemonSets and the Cilium operator and CoreDNS tolerate the taint)
  const schedulable = obj(root['cluster'])['schedulableControlPlanes'];
  if (cps > 0 && validRoles && cps === nodes.length && schedulable !== true) {
    const written = schedulable !== undefined;
    out.push({
      doc,
      path: written ? ['cluster', 'schedulableControlPlanes'] : ['nodes'],
      key: !written,
      ruleId: 'spec/no-schedulable-node',
      severity: 'warning',
      message: `Every node is a control plane and cluster.schedulableControlPlanes is ${written ? 'false' : 'not set (default false)'}: Talos taints control planes, so ${gitopsName(root)}, Hubble Relay/UI and every workload stay Pending.`,
      help: 'Set `cluster.schedulableControlPlanes: true`, or add a worker node.',
      data: { controlPlanes: cps },
    });
  }
  nodes.forEach((n, i) => checkNic(n, i, doc, out));
  const replicas = obj(root['cilium'])['operatorReplicas'];
  if (typeof replicas === 'number' && Number.isInteger(replicas) && nodes.length > 0 && replicas > nodes.length) {
    out.push({
      doc,
      path: ['cilium', 'operatorReplicas'],
      ruleId: 'spec/operator-replicas',
      severity: 'error',
      message: `cilium.operatorReplicas ${replicas} exceeds the ${nodes.length} node(s) that can hold an operator (one per host).`,
      help: `Set it to at most ${nodes.length}; extra replicas stay Pending under the chart's per-host anti-affinity.`,
      data: { replicas, nodes: nodes.length },
    });
  }
}

function gitopsName(root: Record<string, unknown>): string {
  const engine = obj(root['gitops'])['engine'];
  return engine === 'argocd' ? 'Argo CD' : engine === 'flux' ? 'Flux' : 'the GitOps controller';
}

function checkPools(root: Record<string, unknown>, doc: YamlDocument, out: Finding[]): void {
  duplicateNames(arr(root['pools']).map(obj), 'pools', doc, out, { ruleId: 'spec/duplicate-pool', what: 'Pool', help: 'Give every pool a unique name (it becomes the CiliumLoadBalancerIPPool name).' });
}

function checkCilium(root: Record<string, unknown>, doc: YamlDocument, out: Finding[]): void {
  const c = obj(root['cilium']);
  const l2 = obj(c['l2']);
  const keys = ['leaseDuration', 'leaseRenewDeadline', 'leaseRetryPeriod'] as const;
  const secs: Record<string, number> = {};
  let parsable = true;
  for (const k of keys) {
    const v = l2[k];
    const s = v === undefined ? LEASE_DEFAULTS[k] : parseGoDuration(v);
    if (s === undefined) parsable = false;
    else secs[k] = s;
  }
  if (parsable) {
    const t = { leaseDuration: secs['leaseDuration']!, leaseRenewDeadline: secs['leaseRenewDeadline']!, leaseRetryPeriod: secs['leaseRetryPeriod']! };
    for (const v of leaseViolations(t)) {
      const key = v === 'renew-gt-retry' ? 'leaseRenewDeadline' : 'leaseDuration';
      const path: Path = l2[key] !== undefined ? ['cilium', 'l2', key] : l2['leaseRenewDeadline'] !== undefined ? ['cilium', 'l2', 'leaseRenewDeadline'] : ['cilium', 'l2'];
      const message =
        v === 'duration-min'
          ? `cilium.l2.leaseDuration ${t.leaseDuration}s must be longer than 1s.`
          : v === 'duration-gt-renew'
            ? `cilium.l2.leaseDuration ${t.leaseDuration}s must be longer than leaseRenewDeadline ${t.leaseRenewDeadline}s.`
            : `cilium.l2.leaseRenewDeadline ${t.leaseRenewDeadline}s must be at least 1.2 × leaseRetryPeriod ${t.leaseRetryPeriod}s.`;
      out.push({ doc, path, key: path.length === 2, ruleId: 'spec/lease-timing', severity: 'error', message, help: 'Keep leaseDuration > leaseRenewDeadline ≥ 1.2 × leaseRetryPeriod (defaults 15s / 5s / 2s).', data: { constraint: v, ...t } });
    }
  }
  const values = c['values'];
  if (!values || typeof values !== 'object' || Array.isArray(values)) return;
  const cilium = str(obj(root['versions'])['cilium']);
  const removed = cilium && parseVersion(cilium) ? removedHelmKeys(cilium, true) : [];
  walk(values as Record<string, unknown>, [], (dotted, path, v) => {
    const isMap = !!v && typeof v === 'object' && !Array.isArray(v);
    if (dotted === 'extraConfig' && isMap) {
      ownedAgentOptions(v as Record<string, unknown>, doc, out);
      return false;
    }
    const owned = OWNED_HELM_PATHS.find((p) => p === dotted || (!isMap && p.startsWith(dotted + '.')));
    if (owned) {
      const option = OWNED_HELM_OPTIONS[owned];
      out.push({
        doc,
        path: ['cilium', 'values', ...path],
        key: true,
        ruleId: 'spec/owned-helm-value',
        severity: 'error',
        message: `cilium.values.${dotted} is set by talium (Talos/L2 requirements) and cannot be overridden here.`,
        help: ownedHelp(owned),
        data: option ? { key: dotted, option } : { key: dotted },
      });
      return false;
    }
    const r = removed.find((k) => k.key === dotted);
    if (r) {
      out.push({
        doc,
        path: ['cilium', 'values', ...path],
        key: true,
        ruleId: 'spec/removed-helm-key',
        severity: 'error',
        message: `cilium.values.${dotted} is ${r.kind === 'removed' ? 'removed' : 'ignored'} in Cilium ${cilium} (${r.note}).`,
        help: 'Remove it.',
        data: { key: dotted, kind: r.kind, since: r.since },
      });
      return false;
    }
    return true;
  });
}

/** The fix for an owned Helm value: the one cluster.yaml option that drives it (a list of every option sent users to the wrong one), or that it is fixed. */
function ownedHelp(owned: string): string {
  const option = OWNED_HELM_OPTIONS[owned];
  return option
    ? `Remove it; set ${option} in cluster.yaml instead (talium derives ${owned} from it).`
    : `Remove it; talium always sets ${owned} (a Talos or L2 announcement requirement) and has no option to change it.`;
}

/**
 * `cilium.values.extraConfig` entries for agent options the chart renders from values talium owns: the chart appends
 * extraConfig last in the cilium-config ConfigMap, so they would override talium's setting without a word. Refused
 * like the Helm value itself (spec/owned-helm-value), at the option's key.
 */
function ownedAgentOptions(extra: Record<string, unknown>, doc: YamlDocument, out: Finding[]): void {
  for (const option of Object.keys(extra).sort()) {
    const owner = Object.prototype.hasOwnProperty.call(AGENT_OPTION_HELM_VALUE, option) ? AGENT_OPTION_HELM_VALUE[option] : undefined;
    if (!owner || !OWNED_HELM_PATHS.includes(owner)) continue;
    const ownerOption = OWNED_HELM_OPTIONS[owner];
    out.push({
      doc,
      path: ['cilium', 'values', 'extraConfig', option],
      key: true,
      ruleId: 'spec/owned-helm-value',
      severity: 'error',
      message: `cilium.values.extraConfig.${option} overrides the Cilium agent option talium sets through ${owner} (Talos/L2 requirements): the chart writes extraConfig last in the cilium-config ConfigMap, so it would win silently.`,
      help: ownedHelp(owner),
      data: ownerOption ? { key: `extraConfig.${option}`, owner, option: ownerOption } : { key: `extraConfig.${option}`, owner },
    });
  }
}

/** Depth-first over nested mappings; `visit` returns false to stop descending. */
function walk(v: Record<string, unknown>, path: string[], visit: (dotted: string, path: string[], value: unknown) => boolean): void {
  for (const k of Object.keys(v).sort()) {
    const p = [...path, k];
    const child = v[k];
    if (!visit(p.join('.'), p, child)) continue;
    if (child && typeof child === 'object' && !Array.isArray(child)) walk(child as Record<string, unknown>, p, visit);
  }
}

/** Link names of links something must create (bonds, bridges, VLAN sub-interfaces, tunnels), not physical NICs. */
const VIRTUAL_LINK: ReadonlyArray<[RegExp, 'bond' | 'bridge' | 'vlan' | 'virtual']> = [
  [/^(bond|team)([0-9][\w.-]*|[-_][\w.-]*)?$/, 'bond'],
  [/^(br|bridge|virbr|vmbr)([0-9][\w.-]*|[-_][\w.-]*)?$/, 'bridge'],
  [/^[A-Za-z0-9_-]+\.[0-9]+$/, 'vlan'],
  [/^(dummy|veth|wg|tun|tap|vxlan|macvlan|ipvlan)([0-9][\w.-]*|[-_][\w.-]*)?$/, 'virtual'],
];

/**
 * `nodes[i].nic` names a link that must be created first (bond0, br0, enp1s0.50, wg0): talium puts the node's
 * address, route and VIP on a link of that name but writes no BondConfig/BridgeConfig (nor a legacy `bond:` or
 * `vlans:` section), so on the node the link never exists and the node has no address.
 */
function checkNic(n: Record<string, unknown>, i: number, doc: YamlDocument, out: Finding[]): void {
  const nic = str(n['nic']);
  if (!nic) return;
  const kind = VIRTUAL_LINK.find(([re]) => re.test(nic))?.[1];
  if (!kind) return;
  const vlan = kind === 'vlan' ? /^(.+)\.([0-9]+)$/.exec(nic) : null;
  out.push({
    doc,
    path: ['nodes', i, 'nic'],
    ruleId: 'spec/virtual-nic',
    severity: 'error',
    message:
      kind === 'vlan'
        ? `nic "${nic}" is a VLAN sub-interface: talium creates no link of that name from it, so the node would get no address.`
        : `nic "${nic}" is a ${kind === 'virtual' ? 'virtual link' : kind}: talium creates no ${kind === 'bond' ? 'bond (BondConfig)' : kind === 'bridge' ? 'bridge (BridgeConfig)' : 'such link'}, so the link would not exist and the node would get no address.`,
    help:
      vlan
        ? `Write the physical NIC and let talium create the VLAN link: nic: ${vlan[1]}, vlan: tagged (the LAN's VLAN id is lan.vlan).`
        : 'Write the physical NIC the LAN reaches (as `talosctl get links` shows it, e.g. enp1s0); bonds and bridges are not generated.',
    data: { nic, kind },
  });
}
