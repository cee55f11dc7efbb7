/**
 * talos/vip-placement: the Talos shared VIP only on control-plane configs and inside the LAN. (Whether an LB
 * pool or the DHCP range holds the VIP is judged by the network rules.)
 */
import type { Path, YamlDocument } from '../../core/document.js';
import { contains, containsIp, parseIp } from '../../net/ip.js';
import { factRelated } from '../../plan/lb.js';
import { omniInlinePatches, omniOwner, omniRole } from '../../plan/omni-patches.js';
import { patchFileRoles } from '../../plan/patch-file-roles.js';
import { talhelperInlinePatches, talhelperNodeRole, talhelperScopeRole } from '../../plan/talhelper-patches.js';
import { bodyPlace, bodyKind, type TalosBody } from '../../plan/talos-body.js';
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

/**
 * The first VIP a Talos body writes, as a path in the body: a machine config or strategic-merge patch
 * (`machine.network.interfaces[].vip`, VLAN `vip`), a `Layer2VIPConfig` document (its `kind`), or an RFC 6902 op
 * list that adds or replaces the network, the interface list, one interface or a `vip`.
 */
export function firstVip(value: unknown): Path | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const op = value[i];
      if (!isObj(op) || (op['op'] !== 'add' && op['op'] !== 'replace') || typeof op['path'] !== 'string') continue;
      const v = op['value'];
      const p = op['path'];
      const hit =
        p === '/machine/network' ? vipPaths(isObj(v) ? v['interfaces'] : undefined, [i, 'value', 'interfaces'])[0]
        : p === '/machine/network/interfaces' ? vipPaths(v, [i, 'value'])[0]
        : /^\/machine\/network\/interfaces\/(\d+|-)$/.test(p) ? vipPaths([v], [i, 'value'])[0]?.filter((s, k) => k !== 2)
        : /^\/machine\/network\/interfaces\/(\d+|-)(\/vlans\/(\d+|-))?\/vip$/.test(p) && isObj(v) ? [i, 'path']
        : undefined;
      if (hit) return hit;
    }
    return undefined;
  }
  if (!isObj(value)) return undefined;
  if (value['kind'] === 'Layer2VIPConfig') return ['kind'];
  const machine = value['machine'];
  const network = isObj(machine) ? machine['network'] : undefined;
  return vipPaths(isObj(network) ? network['interfaces'] : undefined, ['machine', 'network', 'interfaces'])[0];
}

/** The worker inline patches of a talhelper config or an Omni template document, each with what to call it. */
function workerInlinePatches(d: YamlDocument, templates: readonly YamlDocument[]): Array<{ body: TalosBody; what: string }> {
  if (d.docClass === 'talhelper') {
    const nodes = d.get(['nodes']);
    return talhelperInlinePatches(d)
      .filter((p) => talhelperScopeRole(d, p) === 'worker')
      .map((p) => ({ body: p.body, what: p.scope === 'node' ? `node "${String((Array.isArray(nodes) && isObj(nodes[p.node!]) ? nodes[p.node!]!['hostname'] : undefined) ?? p.node)}" (its inline patch)` : 'patch (talhelper worker.patches)' }));
  }
  if (d.docClass === 'omni-template' && omniRole(d, templates) === 'worker') {
    const what = d.kind === 'Machine' ? `machine "${omniOwner(d, templates)}" (Omni Machine patch)` : `machine set "${omniOwner(d, templates)}" (Omni Workers patch)`;
    return omniInlinePatches(d).map((p) => ({ body: p.body, what }));
  }
  return [];
}

/** `worker.patches in talos/talconfig.yaml`, `Omni Workers set "lab/w" in omni/t.yaml`: where a patch file is named. */
function refLabel(r: { doc: YamlDocument; path: Path }): string {
  if (r.doc.docClass === 'omni-template') return `named by the Omni ${r.doc.kind} document of ${r.doc.file.path}`;
  return `named by ${r.path.slice(0, -1).join('.')} in ${r.doc.file.path}`;
}

const WORKER_PATH = /(^|\/)(workers?|worker[-_.][^/]*)(\/|\.ya?ml$)/i;

const WORKER = 'machine:\n  type: worker\n  network:\n    interfaces:\n      - interface: enp1s0\n        dhcp: true\n        vip:\n          ip: 10.50.0.10\n';

export default defineRule({
  meta: {
    id: 'talos/vip-placement',
    description: 'The Talos shared VIP belongs on control-plane configs only, inside the LAN.',
    severity: 'error',
    messageSeverities: { workerPatch: 'warning' },
    messages: {
      worker: 'A shared VIP is configured on worker {{what}}; Talos rejects it ("virtual (shared) IP is not allowed on non-controlplane nodes").',
      workerPatch: 'A shared VIP is configured in what looks like a worker patch ({{file}}); Talos rejects VIPs on non-control-plane nodes.',
      outside: 'The VIP {{vip}} is outside the LAN {{lan}}; Talos can only announce it on the control planes\' own subnet.',
    },
    help: 'Move the VIP to the control-plane config (same subnet as the control-plane addresses, outside DHCP and LB pools).',
    docs: {
      what: 'Finds `vip` settings (`machine.network.interfaces[].vip`, VLAN `vip`, `Layer2VIPConfig`, RFC 6902 ops adding them, talhelper node `networkInterfaces`) on worker configurations:\n' +
        '- worker machine configs;\n' +
        '- patch files a talhelper `worker.patches` / worker node list or an Omni Workers set (or a machine it names) pulls in (`@./patches/x.yaml`, `file:`; the item that names the file is a related location);\n' +
        '- patches in a worker folder or file (`worker/`, `workers/`, `worker-*.yaml`) that neither their own `machine.type` nor a control-plane list claims, in every VIP form (messageId workerPatch, a warning: the name is the only evidence);\n' +
        '- talhelper worker nodes (`controlPlane: false` or unset, talhelper\'s default);\n' +
        '- the inline patches talhelper applies to workers (`worker.patches`, a worker node\'s `patches`) and those of an Omni `kind: Workers` set or of a machine it names, reported inside the patch string when it is a literal block.\n' +
        '\n' +
        'Also checks the VIP against the LAN of the network plan.',
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
    const roles = patchFileRoles([...cluster.docs, ...docs]);
    for (const d of docs) {
      const ref = roles.get(d.file.path);
      const siblings = byFile.get(d.file.path) ?? [];
      const typed = siblings.find((s) => s.docClass === 'talos-config' && s.get(['machine', 'type']) !== undefined)?.get(['machine', 'type']);
      // a patch file talhelper or an Omni template applies to workers only (worker.patches, a worker node, a Workers set)
      const byRef = typed === undefined && ref?.role === 'worker' ? ref : undefined;
      const refWhat = byRef ? `patch (${refLabel(byRef.refs[0]!)})` : '';
      // a file in a worker folder that no machine.type and no control-plane list claims (every VIP form alike)
      const folderWorker = typed === undefined && ref?.role !== 'controlplane' && WORKER_PATH.test(d.file.path);
      const related = byRef ? byRef.refs.slice(0, 3).map((r) => ({ doc: r.doc, path: r.path, message: 'Workers read this patch file from here.' })) : [];
      if (d.docClass === 'talos-config') {
        const paths = vipPaths(d.get(['machine', 'network', 'interfaces']), ['machine', 'network', 'interfaces']);
        if (!paths.length) continue;
        const type = d.get(['machine', 'type']);
        if (type === 'worker') out.push({ doc: d, path: paths[0]!, key: true, messageId: 'worker', data: { what: 'machine config' } });
        else if (byRef) out.push({ doc: d, path: paths[0]!, key: true, messageId: 'worker', data: { what: refWhat }, related });
        // a file a control-plane list names is a control-plane patch, whatever its folder is called
        else if (type === undefined && folderWorker) out.push({ doc: d, path: paths[0]!, key: true, messageId: 'workerPatch', data: { file: d.file.path }, severity: 'warning' });
      } else if (d.docClass === 'talos-document' && d.kind === 'Layer2VIPConfig') {
        if (typed === 'worker') out.push({ doc: d, path: ['kind'], messageId: 'worker', data: { what: 'machine config (Layer2VIPConfig)' } });
        else if (byRef) out.push({ doc: d, path: ['kind'], messageId: 'worker', data: { what: refWhat }, related });
        else if (folderWorker) out.push({ doc: d, path: ['kind'], messageId: 'workerPatch', data: { file: d.file.path }, severity: 'warning' });
      } else if (d.docClass === 'talos-json6902' && (byRef || folderWorker)) {
        const at = firstVip(d.value);
        if (at && byRef) out.push({ doc: d, path: at, key: at[at.length - 1] === 'vip', messageId: 'worker', data: { what: refWhat }, related });
        else if (at) out.push({ doc: d, path: at, key: at[at.length - 1] === 'vip', messageId: 'workerPatch', data: { file: d.file.path }, severity: 'warning' });
      } else if (d.docClass === 'talhelper') {
        const nodes = d.get(['nodes']);
        if (Array.isArray(nodes)) {
          nodes.forEach((n, i) => {
            // talhelper generates a worker for `controlPlane: false` and for a node without the key (its default)
            if (!isObj(n) || talhelperNodeRole(n) !== 'worker') return;
            const paths = vipPaths(n['networkInterfaces'], ['nodes', i, 'networkInterfaces']);
            if (paths.length) out.push({ doc: d, path: paths[0]!, key: true, messageId: 'worker', data: { what: `node "${String(n['hostname'] ?? i)}"` } });
          });
        }
      }
      // inline patches talhelper applies to workers (worker.patches, a worker node's own) and those of an Omni Workers set
      for (const { body, what } of workerInlinePatches(d, docs)) {
        const at = firstVip(body.value);
        if (at) out.push({ ...bodyPlace(body, at, bodyKind(body) === undefined && at[at.length - 1] === 'vip'), messageId: 'worker', data: { what } });
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
