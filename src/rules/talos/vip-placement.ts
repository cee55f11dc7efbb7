/**
 * talos/vip-placement: the Talos shared VIP only on control-plane configs and inside the LAN. (Whether an LB
 * pool or the DHCP range holds the VIP is judged by the network rules.)
 */
import type { YamlDocument } from '../../core/document.js';
import { contains, containsIp, parseIp } from '../../net/ip.js';
import { factRelated } from '../../plan/lb.js';
import { factPlace } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { talosDocs } from './lib/talos-docs.js';

type Seg = string | number;
function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Paths of `vip` entries under a Talos network interface list (and their VLANs). */
function vipPaths(interfaces: unknown, base: Seg[]): Seg[][] {
  const out: Seg[][] = [];
  if (!Array.isArray(interfaces)) return out;
  interfaces.forEach((itf, i) => {
    if (!isObj(itf)) return;
    if (isObj(itf['vip'])) out.push([...base, i, 'vip']);
    if (Array.isArray(itf['vlans'])) itf['vlans'].forEach((v, j) => { if (isObj(v) && isObj(v['vip'])) out.push([...base, i, 'vlans', j, 'vip']); });
  });
  return out;
}

const WORKER_PATH = /(^|\/)(workers?|worker[-_.][^/]*)(\/|\.ya?ml$)/i;

const WORKER = 'machine:\n  type: worker\n  network:\n    interfaces:\n      - interface: enp1s0\n        dhcp: true\n        vip:\n          ip: 10.50.0.10\n';

export default defineRule({
  meta: {
    id: 'talos/vip-placement',
    description: 'The Talos shared VIP belongs on control-plane configs only, inside the LAN.',
    severity: 'error',
    messages: {
      worker: 'A shared VIP is configured on worker {{what}}; Talos rejects it ("virtual (shared) IP is not allowed on non-controlplane nodes").',
      workerPatch: 'A shared VIP is configured in what looks like a worker patch ({{file}}); Talos rejects VIPs on non-control-plane nodes.',
      outside: 'The VIP {{vip}} is outside the LAN {{lan}}; Talos can only announce it on the control planes\' own subnet.',
    },
    help: 'Move the VIP to the control-plane config (same subnet as the control-plane addresses, outside DHCP and LB pools).',
    docs: {
      what: 'Finds `vip` settings (`machine.network.interfaces[].vip`, VLAN `vip`, `Layer2VIPConfig`, talhelper node `networkInterfaces`) on worker configurations, and checks the VIP against the LAN of the network plan.',
      why: 'Talos validation refuses a VIP on workers, so the config does not apply. A VIP outside the control planes\' subnet is never reachable: it is announced with gratuitous ARP on the local link only.',
      fix: 'Configure the VIP in the control-plane patch, on the interface or VLAN that carries the LAN, with an unused reserved address of that subnet.',
      sources: [SRC.talosVip],
    },
    examples: {
      valid: [{ files: { 'talos/controlplane.yaml': WORKER.replace('type: worker', 'type: controlplane') } }],
      invalid: [
        { files: { 'talos/worker.yaml': WORKER } },
        { files: { 'talos/patches/worker/network.yaml': WORKER.replace('  type: worker\n', '') } },
        { files: { 'talos/controlplane.yaml': WORKER.replace('type: worker', 'type: controlplane').replace('dhcp: true', 'addresses: [10.50.0.11/24]').replace('10.50.0.10', '192.168.1.10'), 'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n' } },
      ],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    const docs = talosDocs(cluster);
    const byFile = new Map<string, YamlDocument[]>();
    for (const d of docs) byFile.set(d.file.path, [...(byFile.get(d.file.path) ?? []), d]);
    for (const d of docs) {
      if (d.docClass === 'talos-config') {
        const paths = vipPaths(d.get(['machine', 'network', 'interfaces']), ['machine', 'network', 'interfaces']);
        if (!paths.length) continue;
        const type = d.get(['machine', 'type']);
        if (type === 'worker') out.push({ doc: d, path: paths[0]!, key: true, messageId: 'worker', data: { what: 'machine config' } });
        else if (type === undefined && WORKER_PATH.test(d.file.path)) out.push({ doc: d, path: paths[0]!, key: true, messageId: 'workerPatch', data: { file: d.file.path }, severity: 'warning' });
      } else if (d.docClass === 'talos-document' && d.kind === 'Layer2VIPConfig') {
        const siblings = byFile.get(d.file.path) ?? [];
        if (siblings.some((s) => s.get(['machine', 'type']) === 'worker')) out.push({ doc: d, path: ['kind'], messageId: 'worker', data: { what: 'machine config (Layer2VIPConfig)' } });
      } else if (d.docClass === 'talhelper') {
        const nodes = d.get(['nodes']);
        if (!Array.isArray(nodes)) continue;
        nodes.forEach((n, i) => {
          if (!isObj(n) || n['controlPlane'] !== false) return;
          const paths = vipPaths(n['networkInterfaces'], ['nodes', i, 'networkInterfaces']);
          if (paths.length) out.push({ doc: d, path: paths[0]!, key: true, messageId: 'worker', data: { what: `node "${String(n['hostname'] ?? i)}"` } });
        });
      }
    }
    const { vip, lan } = cluster.plan;
    const vipPlace = vip ? factPlace(vip.from) : undefined;
    if (vip && lan && vipPlace && vip.value.family === lan.value.family && !containsIp(lan.value, vip.value.family, vip.value.value)) {
      // a node prefix that holds the VIP (multi-homed control planes) makes it fine
      const inNodePrefix = cluster.plan.nodes.some((n) => [n.prefix, ...(n.subnets ?? [])].some((p) => p && containsIp(p.value, vip.value.family, vip.value.value)));
      // a node on DHCP may sit on subnets the repository does not show
      const dhcp = cluster.plan.nodes.some((n) => n.dhcp);
      const ip = parseIp(vip.value.text);
      if (!inNodePrefix && !dhcp && ip && !contains(lan.value, { family: ip.family, first: ip.value, last: ip.value })) {
        const related = factRelated(lan, `The LAN ${lan.value.canonical} is stated here.`);
        out.push({ ...vipPlace, messageId: 'outside', data: { vip: vip.value.text, lan: lan.value.canonical }, ...(related.length ? { related } : {}) });
      }
    }
    return out;
  },
});
