/**
 * network/address-conflict: two owners of the inferred network plan (node addresses, the Talos VIP, the gateway) on
 * one IP: a node copied with its address unchanged, a VIP on a node's address. Owns only collisions between those
 * facts as the repository states them; cluster.yaml's own collisions are spec/overlap, pools are pool-reserved-address.
 */
import type { ClusterGroup } from '../../plan/types.js';
import { factRelated, pathVariants } from '../../plan/lb.js';
import { factPlace } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';

type Address = NonNullable<ClusterGroup['plan']['vip']>;
interface Owner {
  what: 'node' | 'vip' | 'gateway';
  name: string;
  fact: Address;
  /** A node named by a hostname (Talos config, HostnameConfig) or by its own talhelper / Omni entry, not by its file. */
  named?: boolean;
}

/** The node's name was stated: two such nodes are two machines; a node named after its file may be a split of another. */
function statedName(n: ClusterGroup['plan']['nodes'][number]): boolean {
  const from = n.from;
  if (!from?.doc) return false;
  return from.path?.[from.path.length - 1] === 'hostname' || from.doc.docClass === 'talhelper' || from.doc.docClass === 'omni-template';
}

const node = (name: string, address: string, extra = '') =>
  `machine:\n  network:\n    hostname: ${name}\n    interfaces:\n      - interface: enp1s0\n        addresses:\n          - ${address}/24\n        routes:\n          - network: 0.0.0.0/0\n            gateway: 10.50.0.1\n${extra}`;
const VIP = '        vip:\n          ip: 10.50.0.10\n';

/** A fact the repository states (not a Talos default), outside cluster.yaml (spec/overlap judges that file). */
function judged(f: Address | undefined): f is Address {
  return !!f && !f.from.defaulted && !!f.from.doc && f.from.doc.docClass !== 'cluster-spec';
}

function owners(g: ClusterGroup): Owner[] {
  const out: Owner[] = [];
  for (const n of g.plan.nodes) if (judged(n.address)) out.push({ what: 'node', name: n.name, fact: n.address, named: statedName(n) });
  if (judged(g.plan.vip)) out.push({ what: 'vip', name: 'VIP', fact: g.plan.vip });
  if (judged(g.plan.gateway)) out.push({ what: 'gateway', name: 'gateway', fact: g.plan.gateway });
  return out;
}

const label = (o: Owner): string => (o.what === 'node' ? `node "${o.name}"` : o.what === 'vip' ? 'the control-plane VIP' : 'the LAN gateway');

/** The finding that `at` has the address `others` have too: at `at`'s address, theirs as related locations. */
function ownerFinding(at: Owner, others: readonly Owner[]): RuleFinding | undefined {
  const place = factPlace(at.fact.from);
  if (!place) return undefined;
  const related = others.flatMap((o) => factRelated(o.fact, `${o.what === 'node' ? `address of node "${o.name}"` : o.what === 'vip' ? 'VIP' : 'gateway'} ${o.fact.value.text}`));
  const address = at.fact.value.text;
  const base = { ...place, ...(related.length ? { related } : {}) };
  if (at.what === 'node') return { ...base, messageId: 'node', data: { node: at.name, address, other: others.map(label).join(' and ') } };
  return { ...base, messageId: 'gateway', data: { address } };
}

export default defineRule({
  meta: {
    id: 'network/address-conflict',
    description: 'Two nodes, or a node and the VIP or gateway, have the same IP address in the Talos configs.',
    severity: 'error',
    messages: {
      node: 'Node "{{node}}" has the address {{address}}, which {{other}} has too.',
      gateway: 'The control-plane VIP {{address}} is also the LAN gateway.',
    },
    help: 'Give every node its own address, and the VIP an address no node and not the gateway has.',
    docs: {
      what: 'Compares the addresses of the inferred network plan (talium plan): each node\'s static LAN address (Talos machine configs and patches, talhelper\'s talconfig.yaml), the Talos shared VIP and the default gateway. Two nodes on one address, a node on the VIP or gateway address, or the VIP on the gateway are reported once per address, at the (later) node, or at the VIP when no node is involved, with the others as related locations.\n' +
        '\n' +
        'Two nodes count only when each is named by a hostname or by its own talhelper / Omni entry: a node named after its file, with no hostname, may be one machine\'s patches split over two files; the same file in two environment folders (`talos/prod/nodes/cp-1.yaml`, `talos/staging/...`) is two clusters, but files in two sibling folders of their own with different hostnames (`talos/cp-1/machine.yaml`, `talos/cp-2/machine.yaml`) are two machines. Facts from cluster.yaml are left to spec/overlap; Talos defaults are not facts.',
      why: 'Two hosts that answer ARP for one IP make the LAN flip between them: etcd peers and the API server behind the VIP fail at random, and a node on the gateway\'s address cuts the LAN off the router. Talos does not check addresses across machines, and a node file copied from another keeps its address.',
      fix: 'Change the copied address (or the VIP) to a free one, outside the DHCP range and the LoadBalancer pools.',
      sources: [SRC.talosVip],
    },
    examples: {
      valid: [{ files: { 'talos/nodes/cp-1.yaml': node('cp-1', '10.50.0.11', VIP), 'talos/nodes/cp-2.yaml': node('cp-2', '10.50.0.12', VIP) } }],
      invalid: [
        { files: { 'talos/nodes/cp-1.yaml': node('cp-1', '10.50.0.11', VIP), 'talos/nodes/cp-2.yaml': node('cp-2', '10.50.0.11', VIP) } },
        { files: { 'talos/nodes/cp-1.yaml': node('cp-1', '10.50.0.10', VIP) } },
        { files: { 'talos/nodes/cp-1.yaml': node('cp-1', '10.50.0.11', VIP.replace('10.50.0.10', '10.50.0.1')) } },
      ],
    },
  },
  check({ cluster }) {
    const byAddress = new Map<string, Owner[]>();
    for (const o of owners(cluster)) {
      const key = `${o.fact.value.family}/${o.fact.value.value}`;
      const list = byAddress.get(key) ?? [];
      // one node stated twice (a talconfig entry and its patch) is one owner
      if (!list.some((x) => x.what === o.what && x.name === o.name)) list.push(o);
      byAddress.set(key, list);
    }
    const out: RuleFinding[] = [];
    for (let list of byAddress.values()) {
      // nodes named after their files (no hostname) may be one machine's patches split in two: of several nodes on
      // one address only those with a stated name count (one unnamed node still collides with the VIP or gateway)
      const allNodes = list.filter((o) => o.what === 'node');
      if (allNodes.length > 1 && allNodes.some((o) => !o.named)) {
        const keep = allNodes.filter((o) => o.named);
        const drop = new Set(allNodes.filter((o) => !o.named).slice(keep.length ? 0 : 1));
        list = list.filter((o) => !drop.has(o));
      }
      // the same node file in two environment folders (talos/prod/nodes/cp-1.yaml, talos/staging/...): two clusters
      // (two named nodes in sibling folders, talos/cp-1/machine.yaml and talos/cp-2/machine.yaml, are two machines)
      const nodeFiles = list.filter((o) => o.what === 'node').map((o) => ({ path: o.fact.from.doc!.file.path, name: o.named ? o.name : undefined }));
      if (nodeFiles.some((f, i) => nodeFiles.some((g, j) => i < j && pathVariants(f.path, g.path, [f.name, g.name])))) continue;
      if (list.length < 2) continue;
      // reported at a node (the later one) when a node is involved, else at the VIP (the VIP on the gateway)
      const nodes = list.filter((o) => o.what === 'node');
      const at = nodes.length ? nodes[nodes.length - 1]! : list.find((o) => o.what === 'vip')!;
      const others = list.filter((o) => o !== at);
      const f = ownerFinding(at, others);
      if (!f) continue;
      // two nodes and nothing else: two equal parties, told from the other node's side in a run that reports only
      // its file (RuleFinding.mirror); a VIP or gateway, or a third node, makes it no pair
      const [other] = others;
      if (others.length === 1 && at.what === 'node' && other!.what === 'node' && f.related?.length && factPlace(other!.fact.from)) f.mirror = () => ownerFinding(other!, [at])!;
      out.push(f);
    }
    return out;
  },
});
