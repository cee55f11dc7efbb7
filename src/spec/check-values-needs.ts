/**
 * `cilium.values` settings the generated release cannot work with, refused at cluster.yaml (the same verdicts
 * `talium lint` reaches on the generated files, so a spec that generates always lints clean):
 * - `devices` that leave out a node's LAN link: only Cilium devices answer ARP for the L2 policy talium writes
 *   (cilium/l2-policy-interfaces);
 * - `egressGateway.enabled` without `bpf.masquerade: true` or with `enableIPv4Masquerade: false`: the agent refuses
 *   to start (cilium/egress-gateway-masquerade);
 * - Hubble parts the chart refuses to render (its templates/validate.yaml `fail`s): the UI (not standalone) without
 *   Relay, Relay without Hubble (cilium/hubble-parts). `cilium.hubble` turns all three on or off; `cilium.values.hubble`
 *   may change parts.
 * Defensive: reads the raw value, runs even when other checks failed.
 */
import type { YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import { vlanLinkName } from '../data/talos.js';
import { HUBBLE_CHART_DEFAULTS, HUBBLE_FAIL, hubbleProblems } from '../rules/cilium/lib/hubble-parts.js';
import { devicesMatcher } from '../rules/cilium/lib/re2.js';

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
/** Helm reads `true`/`"true"` alike here (as the lint rules' asBool). */
const asBool = (v: unknown): boolean | undefined => (v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined);
const has = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export function checkValuesNeeds(value: unknown, doc: YamlDocument): Finding[] {
  const root = obj(value);
  const values = obj(obj(root['cilium'])['values']);
  return [...devicesLeaveOutLinks(root, values, doc), ...egressGatewayMasquerade(values, doc), ...hubbleParts(root, values, doc)];
}

/** The LAN link of every node (as resolve.ts names it), with the nodes on it. */
function nodeLinks(root: Record<string, unknown>): Map<string, string[]> {
  const vlan = obj(root['lan'])['vlan'];
  const vlanId = typeof vlan === 'number' && Number.isInteger(vlan) ? vlan : 50;
  const links = new Map<string, string[]>();
  for (const n of Array.isArray(root['nodes']) ? root['nodes'] : []) {
    const { name, nic, vlan: mode } = obj(n);
    if (typeof nic !== 'string' || !nic) continue;
    const link = mode === 'tagged' ? vlanLinkName(nic, vlanId) : nic;
    links.set(link, [...(links.get(link) ?? []), typeof name === 'string' ? name : '?']);
  }
  return links;
}

function devicesLeaveOutLinks(root: Record<string, unknown>, values: Record<string, unknown>, doc: YamlDocument): Finding[] {
  if (!has(values, 'devices')) return [];
  const devices = values['devices'];
  const match = devicesMatcher(devices);
  if (!match) return [];
  const shown = Array.isArray(devices) ? devices.join(',') : String(devices);
  const out: Finding[] = [];
  for (const [link, nodes] of [...nodeLinks(root)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (match(link)) continue;
    out.push({
      doc,
      path: ['cilium', 'values', 'devices'],
      ruleId: 'spec/devices-without-lan-link',
      severity: 'error',
      message: `cilium.values.devices "${shown}" leaves out "${link}", the LAN link of ${nodes.join(', ')}: only Cilium devices answer ARP for L2 announcements, so the pool addresses would never be reachable there.`,
      help: `Add ${link} to devices (or leave devices unset: Cilium then picks the links with a route).`,
      data: { devices: shown, link, nodes: nodes.join(',') },
    });
  }
  return out;
}

function egressGatewayMasquerade(values: Record<string, unknown>, doc: YamlDocument): Finding[] {
  if (asBool(obj(values['egressGateway'])['enabled']) !== true) return [];
  // the agent options themselves (extraConfig) decide when set there; precedence is not modelled (as the lint rule)
  const extra = obj(values['extraConfig']);
  const out: Finding[] = [];
  const bpf = obj(values['bpf']);
  if (asBool(bpf['masquerade']) !== true && !has(extra, 'enable-bpf-masquerade')) {
    const set = has(bpf, 'masquerade');
    out.push({
      doc,
      path: set ? ['cilium', 'values', 'bpf', 'masquerade'] : ['cilium', 'values', 'egressGateway', 'enabled'],
      ruleId: 'spec/egress-gateway-masquerade',
      severity: 'error',
      message: `cilium.values enables the egress gateway ${set ? `but sets bpf.masquerade to "${String(bpf['masquerade'])}"` : 'without bpf.masquerade (default false)'}; the Cilium agent refuses to start (the egress gateway needs BPF and IPv4 masquerading).`,
      help: 'Set `bpf.masquerade: true` next to `egressGateway.enabled: true` (talium then adds `bpf.hostLegacyRouting: true` for Talos host DNS), or turn the egress gateway off.',
      data: { key: 'bpf.masquerade' },
    });
  }
  if (asBool(values['enableIPv4Masquerade']) === false && !has(extra, 'enable-ipv4-masquerade')) {
    out.push({
      doc,
      path: ['cilium', 'values', 'enableIPv4Masquerade'],
      ruleId: 'spec/egress-gateway-masquerade',
      severity: 'error',
      message: 'cilium.values enables the egress gateway but sets enableIPv4Masquerade to "false"; the Cilium agent refuses to start (the egress gateway needs BPF and IPv4 masquerading).',
      help: 'Remove `enableIPv4Masquerade: false`, or turn the egress gateway off.',
      data: { key: 'enableIPv4Masquerade' },
    });
  }
  return out;
}

/**
 * The chart's `fail`s on Hubble parts (the verdict is rules/cilium/lib/hubble-parts.ts', as cilium/hubble-parts'), on
 * the values talium writes: `cilium.hubble` sets Hubble, Relay and the UI, then `cilium.values.hubble` may change parts.
 */
function hubbleParts(root: Record<string, unknown>, values: Record<string, unknown>, doc: YamlDocument): Finding[] {
  const hubble = obj(values['hubble']);
  if (!Object.keys(hubble).length) return [];
  const on = obj(root['cilium'])['hubble'] !== false;
  const relaySet = asBool(obj(hubble['relay'])['enabled']);
  const parts = {
    hubble: on,
    relay: relaySet ?? on,
    ui: asBool(obj(hubble['ui'])['enabled']) ?? on,
    standalone: asBool(obj(obj(hubble['ui'])['standalone'])['enabled']) ?? HUBBLE_CHART_DEFAULTS.standalone,
  };
  const out: Finding[] = [];
  const report = (path: string[], message: string, help: string, data: Record<string, string>) =>
    out.push({ doc, path: ['cilium', 'values', 'hubble', ...path], ruleId: 'spec/hubble-parts', severity: 'error', message, help, data });
  for (const problem of hubbleProblems(parts)) {
    if (problem === 'ui-without-relay') {
      report(
        relaySet === false ? ['relay', 'enabled'] : ['ui', 'enabled'],
        `cilium.values turns ${relaySet === false ? 'Hubble Relay off while the Hubble UI stays on' : 'the Hubble UI on without Hubble Relay'}; the Cilium chart refuses to render ("${HUBBLE_FAIL[problem]}").`,
        relaySet === false ? 'Also set `hubble.ui.enabled: false`, or keep Relay on.' : 'Also set `hubble.relay.enabled: true`, or leave the UI off.',
        { problem },
      );
    } else {
      report(['relay', 'enabled'], `cilium.values turns Hubble Relay on while cilium.hubble is false; the Cilium chart refuses to render ("${HUBBLE_FAIL[problem]}").`, 'Set `cilium.hubble: true`, or leave Relay off.', { problem });
    }
  }
  return out;
}
