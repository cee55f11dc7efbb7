/**
 * Builds one cluster group's NetworkPlan: from a talium cluster.yaml when the group has one, else inferred from
 * Talos configs/patches/multi-docs and talhelper talconfig.yaml; the Cilium release gives the Cilium version.
 */
import type { Path, YamlDocument } from '../core/document.js';
import { DEFAULT_POD_SUBNET, DEFAULT_SERVICE_SUBNET, KUBEPRISM_DEFAULT_PORT, vlanLinkName } from '../data/talos.js';
import { parseCidr, parseIp, type Cidr, type Family } from '../net/ip.js';
import { valueAt } from './cilium-release.js';
import { parseRange } from './range.js';
import type { CiliumRelease, Fact, NetworkPlan, PlanNode } from './types.js';
import { emptyPlan } from './types.js';
import { isObj, str, talosBool } from './util.js';

type Addr = { family: Family; value: bigint; text: string };

/** Route destinations meaning "default route". */
const DEFAULT_DEST = new Set(['0.0.0.0/0', '::/0', '0.0.0.0', '']);

function addrFact(text: unknown, doc: YamlDocument, path: Path): Fact<Addr> | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text.includes('/') ? text.slice(0, text.indexOf('/')) : text;
  const a = parseIp(t);
  return a ? { value: { ...a, text: t.trim() }, from: { doc, path } } : undefined;
}

function cidrFact(text: unknown, doc: YamlDocument, path: Path, inner?: Path): Fact<Cidr> | undefined {
  if (typeof text !== 'string') return undefined;
  const c = parseCidr(text);
  return c ? { value: c, from: inner ? { doc, path, inner } : { doc, path } } : undefined;
}

/** Everything one node-ish source says about the network. */
interface NodeFacts {
  node: PlanNode;
  gateways: Fact<Addr>[];
  vips: Fact<Addr>[];
  /** Every address the node has, in file order, with its prefix when written as a CIDR and its VLAN id when on a VLAN link. */
  candidates: Array<{ address: Fact<Addr>; prefix?: Fact<Cidr>; vlan?: Fact<number> }>;
}

/** Read a Talos `interfaces[]`-shaped list (machine.network.interfaces, talhelper networkInterfaces). */
function readInterfaces(doc: YamlDocument, base: Path, nf: NodeFacts, single?: string): void {
  const raw = doc.get(base);
  // `single`: base is a parent holding one interface under that key (JSON patch `add .../interfaces/-`)
  const list = single !== undefined ? (isObj(raw) ? [raw[single]] : []) : raw;
  if (!Array.isArray(list)) return;
  list.forEach((itf, i) => {
    if (!isObj(itf)) return;
    const p: Path = single !== undefined ? [...base, single] : [...base, i];
    const name = str(itf['interface']);
    readAddressed(doc, p, itf, name, nf, 'addresses');
    const vlans = itf['vlans'];
    if (Array.isArray(vlans)) {
      vlans.forEach((v, j) => {
        if (!isObj(v)) return;
        const id = typeof v['vlanId'] === 'number' ? v['vlanId'] : undefined;
        const link = name && id !== undefined ? vlanLinkName(name, id) : undefined;
        const vlan = id !== undefined ? { value: id, from: { doc, path: [...p, 'vlans', j, 'vlanId'] } } : undefined;
        readAddressed(doc, [...p, 'vlans', j], v, link, nf, 'addresses', vlan);
      });
    }
  });
}

/** Addresses (strings or `{address}`), routes and vip of one link-ish mapping. */
function readAddressed(doc: YamlDocument, p: Path, m: Record<string, unknown>, link: string | undefined, nf: NodeFacts, key: string, vlan?: Fact<number>): void {
  if (m['dhcp'] === true) nf.node.dhcp = true;
  const addrs = m[key];
  let got = false;
  if (Array.isArray(addrs)) {
    addrs.forEach((a, k) => {
      const text = typeof a === 'string' ? a : isObj(a) ? str(a['address']) : undefined;
      const path: Path = typeof a === 'string' ? [...p, key, k] : [...p, key, k, 'address'];
      const f = addrFact(text, doc, path);
      if (!f || isLinkLocal(f.value)) return;
      got = true;
      const sub = text ? parseCidr(text) : undefined;
      nf.candidates.push({ address: f, ...(sub ? { prefix: { value: sub, from: { doc, path } } } : {}), ...(vlan ? { vlan } : {}) });
      if (sub && sub.prefix < (sub.family === 4 ? 32 : 128)) (nf.node.subnets ??= []).push({ value: sub, from: { doc, path } });
      if (!nf.node.address || (nf.node.address.value.family === 6 && f.value.family === 4)) {
        nf.node.address = f;
        const c = text ? parseCidr(text) : undefined;
        if (c) nf.node.prefix = { value: c, from: { doc, path } };
        else delete nf.node.prefix;
      }
    });
  }
  if (got && link) nf.node.links.push({ value: link, from: { doc, path: p } });
  const routes = m['routes'];
  if (Array.isArray(routes)) {
    routes.forEach((r, k) => {
      if (!isObj(r)) return;
      const dest = str(r['network']) ?? str(r['destination']) ?? '';
      if (!DEFAULT_DEST.has(dest.trim())) return;
      const g = addrFact(r['gateway'], doc, [...p, 'routes', k, 'gateway']);
      if (g) nf.gateways.push(g);
    });
  }
  const vip = m['vip'];
  if (isObj(vip)) {
    const v = addrFact(vip['ip'], doc, [...p, 'vip', 'ip']);
    if (v) nf.vips.push(v);
  }
}

/** 169.254.0.0/16 and fe80::/10 (point-to-point links such as Thunderbolt rings) never make a node's LAN address. */
function isLinkLocal(a: Addr): boolean {
  return a.family === 4 ? a.value >> 16n === 0xa9fen : a.value >> 118n === 0x3fan;
}

function newNodeFacts(name: string, from: { doc: YamlDocument; path: Path }): NodeFacts {
  return { node: { name, links: [], from }, gateways: [], vips: [], candidates: [] };
}

function baseNameNoExt(path: string): string {
  const b = path.slice(path.lastIndexOf('/') + 1);
  return b.replace(/\.(ya?ml|j2|tmpl|tftpl)$/i, '').replace(/\.ya?ml$/i, '');
}

/** Inferred plan facts collected from all Talos/talhelper documents of a group. */
interface Collected {
  nodes: NodeFacts[];
  podCidrs: Fact<Cidr>[];
  serviceCidrs: Fact<Cidr>[];
}

function collectTalos(docs: readonly YamlDocument[], plan: NetworkPlan): Collected {
  const out: Collected = { nodes: [], podCidrs: [], serviceCidrs: [] };
  // Talos machine configs / patches and multi-docs, grouped per file (one file = one node or one shared patch)
  const files = new Map<string, YamlDocument[]>();
  for (const d of docs) {
    if (d.docClass !== 'talos-config' && d.docClass !== 'talos-document' && d.docClass !== 'talos-json6902') continue;
    // a JSON patch is Talos's only when it touches the machine config (Kustomize JSON patches use /spec/...)
    if (d.docClass === 'talos-json6902' && !(d.value as unknown[]).some((op) => isObj(op) && typeof op['path'] === 'string' && /^\/(machine|cluster|debug|persist|version)(\/|$)/.test(op['path']))) continue;
    plan.talos.docs.push(d);
    const l = files.get(d.file.path);
    if (l) l.push(d);
    else files.set(d.file.path, [d]);
  }
  for (const [path, fdocs] of files) {
    const first = fdocs[0]!;
    const nf = newNodeFacts(baseNameNoExt(path), { doc: first, path: [] });
    for (const d of fdocs) {
      if (d.docClass === 'talos-config') readTalosConfig(d, nf, out, plan);
      else if (d.docClass === 'talos-json6902') readJsonPatch(d, nf, out, plan);
      else readTalosDocument(d, nf, out, plan);
    }
    if (nf.node.address || nf.vips.length || nf.gateways.length) out.nodes.push(nf);
  }
  for (const d of docs) if (d.docClass === 'talhelper') readTalhelper(d, out, plan);
  return out;
}

function readTalosConfig(d: YamlDocument, nf: NodeFacts, out: Collected, plan: NetworkPlan): void {
  const type = str(d.get(['machine', 'type']));
  if (type === 'controlplane' || type === 'init') nf.node.role = 'controlplane';
  else if (type === 'worker') nf.node.role = 'worker';
  const host = str(d.get(['machine', 'network', 'hostname']));
  if (host && parseIp(host) === undefined && !host.includes('${')) {
    nf.node.name = host;
    nf.node.from = { doc: d, path: ['machine', 'network', 'hostname'] };
  }
  readInterfaces(d, ['machine', 'network', 'interfaces'], nf);
  readSubnets(d, ['cluster', 'network'], out);
  // versions from image tags: installer → Talos, kubelet / kube-apiserver → Kubernetes
  for (const [path, which, re] of IMAGE_VERSIONS) {
    const img = d.get(path);
    const m = typeof img === 'string' ? re.exec(img) : null;
    if (m && !plan.versions[which]) plan.versions[which] = { value: m[1]!, from: { doc: d, path } };
  }
  const cni = d.get(['cluster', 'network', 'cni', 'name']);
  if (typeof cni === 'string' && !plan.talos.cni) plan.talos.cni = { value: cni, from: { doc: d, path: ['cluster', 'network', 'cni', 'name'] } };
  const proxy = talosBool(d.get(['cluster', 'proxy', 'disabled']));
  if (proxy !== undefined && (!plan.talos.kubeProxyDisabled || proxy)) {
    plan.talos.kubeProxyDisabled = { value: proxy, from: { doc: d, path: ['cluster', 'proxy', 'disabled'] } };
  }
  const kp = d.get(['machine', 'features', 'kubePrism']);
  if (isObj(kp)) {
    const enabled = kp['enabled'] !== false;
    const port = typeof kp['port'] === 'number' ? kp['port'] : KUBEPRISM_DEFAULT_PORT;
    if (!plan.talos.kubePrism) plan.talos.kubePrism = { value: { enabled, port }, from: { doc: d, path: ['machine', 'features', 'kubePrism'] } };
  }
}

/** A `:vX.Y.Z` tag, optionally with a pre-release suffix and an `@sha256:` digest pin. */
const TAG = String.raw`:v(\d+\.\d+\.\d+)(?:-[0-9A-Za-z.]+)?(?:@sha256:[0-9a-f]{64})?$`;

/**
 * Image references that carry a version: the Talos installer (`ghcr.io/siderolabs/installer`, Image Factory
 * `factory.talos.dev/installer/<schematic>` and the platform installers `<platform>-installer[-secureboot]`),
 * the kubelet and the API server.
 */
const IMAGE_VERSIONS: Array<[Path, 'talos' | 'kubernetes', RegExp]> = [
  [['machine', 'install', 'image'], 'talos', new RegExp(String.raw`/(?:[a-z0-9]+-)?installer(?:-secureboot)?(?:/[0-9a-f]+)?` + TAG)],
  [['machine', 'kubelet', 'image'], 'kubernetes', new RegExp('/kubelet' + TAG)],
  [['cluster', 'apiServer', 'image'], 'kubernetes', new RegExp('/kube-apiserver' + TAG)],
];

/** RFC 6902 patches (`op: add|replace`) that set the network facts wholesale. */
function readJsonPatch(d: YamlDocument, nf: NodeFacts, out: Collected, plan: NetworkPlan): void {
  const ops = d.value as unknown[];
  ops.forEach((op, i) => {
    if (!isObj(op) || (op['op'] !== 'add' && op['op'] !== 'replace') || typeof op['path'] !== 'string') return;
    const value: Path = [i, 'value'];
    switch (op['path']) {
      case '/machine/network':
        readInterfaces(d, [...value, 'interfaces'], nf);
        break;
      case '/machine/network/interfaces':
        readInterfaces(d, value, nf);
        break;
      case '/machine/network/interfaces/-':
        if (isObj(op['value'])) readInterfaces(d, [i], nf, 'value');
        break;
      case '/cluster/network':
        readSubnets(d, value, out);
        break;
      case '/cluster/network/podSubnets':
      case '/cluster/network/serviceSubnets': {
        const key = op['path'].endsWith('podSubnets') ? 'podSubnets' : 'serviceSubnets';
        readSubnets(d, [i], out, { [key]: 'value' });
        break;
      }
      case '/cluster/proxy/disabled':
        if (typeof op['value'] === 'boolean') plan.talos.kubeProxyDisabled = { value: op['value'], from: { doc: d, path: value } };
        break;
      case '/cluster/network/cni/name':
        if (typeof op['value'] === 'string') plan.talos.cni = { value: op['value'], from: { doc: d, path: value } };
        break;
      default:
    }
  });
}

function readSubnets(d: YamlDocument, base: Path, out: Collected, keys: Record<string, string> = {}): void {
  for (const [key, list] of [['podSubnets', out.podCidrs], ['serviceSubnets', out.serviceCidrs]] as const) {
    const field = keys[key] ?? (Object.keys(keys).length ? undefined : key);
    if (field === undefined) continue;
    const v = d.get([...base, field]);
    if (!Array.isArray(v)) continue;
    v.forEach((c, i) => {
      const f = cidrFact(c, d, [...base, field, i]);
      if (f) list.push(f);
    });
  }
}

function readTalosDocument(d: YamlDocument, nf: NodeFacts, out: Collected, plan: NetworkPlan): void {
  const v = d.value as Record<string, unknown>;
  switch (d.kind) {
    case 'LinkConfig':
    case 'BondConfig':
    case 'BridgeConfig':
    case 'VLANConfig':
    case 'DummyLinkConfig': {
      let link = str(v['name']);
      if (d.kind === 'VLANConfig' && !link && typeof v['vlanID'] === 'number' && typeof v['parent'] === 'string') link = vlanLinkName(v['parent'], v['vlanID']);
      const vlan = d.kind === 'VLANConfig' && typeof v['vlanID'] === 'number' ? { value: v['vlanID'], from: { doc: d, path: ['vlanID'] } } : undefined;
      readAddressed(d, [], v, link, nf, 'addresses', vlan);
      break;
    }
    case 'DHCPv4Config':
    case 'DHCPv6Config':
      nf.node.dhcp = true;
      break;
    case 'Layer2VIPConfig': {
      const f = addrFact(v['name'], d, ['name']);
      if (f) nf.vips.push(f);
      break;
    }
    case 'HostnameConfig': {
      const h = str(v['hostname']);
      if (h && !h.includes('${')) {
        nf.node.name = h;
        nf.node.from = { doc: d, path: ['hostname'] };
      }
      break;
    }
    case 'KubeNetworkConfig':
      readSubnets(d, [], out);
      break;
    case 'KubeProxyConfig': {
      const del = v['$patch'] === 'delete';
      const enabled = talosBool(v['enabled']);
      if (del || enabled === false) plan.talos.kubeProxyDisabled = { value: true, from: { doc: d, path: del ? ['$patch'] : ['enabled'] } };
      else if (enabled === true && !plan.talos.kubeProxyDisabled) plan.talos.kubeProxyDisabled = { value: false, from: { doc: d, path: ['enabled'] } };
      break;
    }
    case 'KubeFlannelCNIConfig':
      if (v['$patch'] === 'delete') plan.talos.cni = { value: 'none', from: { doc: d, path: ['$patch'] } };
      break;
    case 'KubePrismConfig': {
      const del = v['$patch'] === 'delete';
      const port = typeof v['port'] === 'number' ? v['port'] : KUBEPRISM_DEFAULT_PORT;
      plan.talos.kubePrism = { value: { enabled: !del, port }, from: { doc: d, path: del ? ['$patch'] : typeof v['port'] === 'number' ? ['port'] : [] } };
      break;
    }
    default:
  }
}

function readTalhelper(d: YamlDocument, out: Collected, plan: NetworkPlan): void {
  plan.talos.docs.push(d);
  for (const key of ['talosVersion', 'kubernetesVersion'] as const) {
    const v = d.get([key]);
    if (typeof v !== 'string' || v.includes('${')) continue;
    const which = key === 'talosVersion' ? 'talos' : 'kubernetes';
    // `talosVersion: ${talosVersion}`: the version is written in talenv.yaml (plan/talhelper-substitution.ts)
    const sub = d.substitutions.find((s) => s.path.length === 1 && s.path[0] === key && s.from);
    const from = sub?.from && `\${${sub.name}}` === String((d.parsed as Record<string, unknown>)[key]).trim() ? { doc: sub.from.doc, path: sub.from.path } : { doc: d, path: [key] };
    if (!plan.versions[which]) plan.versions[which] = { value: v.replace(/^v/, ''), from };
  }
  for (const [key, list] of [['clusterPodNets', out.podCidrs], ['clusterSvcNets', out.serviceCidrs]] as const) {
    const v = d.get([key]);
    if (Array.isArray(v)) v.forEach((c, i) => {
      const f = cidrFact(c, d, [key, i]);
      if (f) list.push(f);
    });
  }
  const cni = d.get(['cniConfig', 'name']);
  if (typeof cni === 'string' && !plan.talos.cni) plan.talos.cni = { value: cni, from: { doc: d, path: ['cniConfig', 'name'] } };
  const nodes = d.get(['nodes']);
  if (!Array.isArray(nodes)) return;
  nodes.forEach((n, i) => {
    if (!isObj(n)) return;
    const name = str(n['hostname']) ?? `node-${i}`;
    const nf = newNodeFacts(name, { doc: d, path: ['nodes', i] });
    // talhelper's controlPlane is a boolean (default false); a template (`${IS_CP}`) leaves the role unknown
    const cp = n['controlPlane'];
    const role = cp === true || cp === 'true' ? 'controlplane' : cp === undefined || cp === null || cp === false || cp === 'false' ? 'worker' : undefined;
    if (role) nf.node.role = role;
    readInterfaces(d, ['nodes', i, 'networkInterfaces'], nf);
    if (!Array.isArray(n['networkInterfaces'])) nf.node.dhcp = true; // talhelper without interfaces: Talos defaults to DHCP
    if (!nf.node.address) {
      // ipAddress may be a comma list or a host name; only a literal IP counts
      const ip = str(n['ipAddress'])?.split(',')[0];
      const f = addrFact(ip, d, ['nodes', i, 'ipAddress']);
      if (f) nf.node.address = f;
    }
    out.nodes.push(nf);
  });
}

/** The network plan of one group, before talium.config.yaml overrides. */
export function inferPlan(docs: readonly YamlDocument[], releases: readonly CiliumRelease[]): NetworkPlan {
  const plan = emptyPlan();
  const spec = docs.find((d) => d.docClass === 'cluster-spec');
  const collected = collectTalos(docs, plan);
  if (spec) fromSpec(spec, plan);
  else fromCollected(collected, plan);
  if (!spec && !plan.podCidrs.length) ciliumPoolCidrs(releases, plan);
  if (!plan.versions.cilium) {
    const gitops = releases.find((r) => r.version && r.purpose === 'gitops') ?? releases.find((r) => r.version);
    if (gitops?.version && !/[${}]/.test(gitops.version.value)) plan.versions.cilium = { value: gitops.version.value.replace(/^v/, ''), from: gitops.version.from };
  }
  return plan;
}

/** Cilium cluster-pool IPAM pod CIDRs (`ipam.operator.clusterPoolIPv4PodCIDRList`) when the repo sets them. */
function ciliumPoolCidrs(releases: readonly CiliumRelease[], plan: NetworkPlan): void {
  for (const r of releases) {
    const mode = valueAt(r, 'ipam.mode');
    if (mode && mode.value !== 'cluster-pool') continue;
    const hit = valueAt(r, 'ipam.operator.clusterPoolIPv4PodCIDRList');
    const list = typeof hit?.value === 'string' ? [hit.value] : Array.isArray(hit?.value) ? hit!.value : [];
    list.forEach((c, i) => {
      const each = Array.isArray(hit!.value);
      const f = cidrFact(c, hit!.doc, hit!.inString || !each ? hit!.path : [...hit!.path, i], hit!.inner && (each ? [...hit!.inner, i] : hit!.inner));
      if (f && !plan.podCidrs.some((p) => p.value.canonical === f.value.canonical)) plan.podCidrs.push(f);
    });
  }
}

function fromCollected(c: Collected, plan: NetworkPlan): void {
  // nodes: merge by name (a talconfig node and its per-node patch file describe the same machine)
  const byName = new Map<string, NodeFacts>();
  for (const nf of c.nodes) {
    const prev = byName.get(nf.node.name);
    if (!prev) byName.set(nf.node.name, nf);
    else {
      prev.node.address ??= nf.node.address;
      prev.node.prefix ??= nf.node.prefix;
      prev.node.role ??= nf.node.role;
      if (nf.node.dhcp) prev.node.dhcp = true;
      prev.node.links.push(...nf.node.links);
      if (nf.node.subnets) (prev.node.subnets ??= []).push(...nf.node.subnets);
      prev.gateways.push(...nf.gateways);
      prev.vips.push(...nf.vips);
      prev.candidates.push(...nf.candidates);
    }
  }
  const everyGateway = c.nodes.flatMap((nf) => nf.gateways);
  const everyVip = c.nodes.flatMap((nf) => nf.vips);
  for (const nf of byName.values()) preferRoutedAddress(nf, everyGateway, everyVip);
  const nodes = [...byName.values()].filter((nf) => nf.node.address);
  plan.nodes = nodes.map((nf) => nf.node).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // VLAN: every node's LAN address sits on a VLAN link with the same id
  const vlans = nodes.map((nf) => nf.candidates.find((c) => c.address === nf.node.address)?.vlan);
  if (vlans.length && vlans.every((v) => v && v.value === vlans[0]!.value)) plan.vlan = vlans[0]!;
  // LAN: every node with a known prefix sits on the same subnet
  const prefixes = plan.nodes.map((n) => n.prefix).filter((p): p is Fact<Cidr> => !!p && p.value.family === 4 && p.value.prefix < 32);
  if (prefixes.length && prefixes.every((p) => p.value.canonical === prefixes[0]!.value.canonical)) {
    plan.lan = prefixes[0]!;
  }
  const all = [...byName.values()];
  const gw = all.flatMap((nf) => nf.gateways).find((g) => !plan.lan || (g.value.family === plan.lan.value.family && plan.lan.value.first <= g.value.value && g.value.value <= plan.lan.value.last));
  if (gw) plan.gateway = gw;
  const vip = all.flatMap((nf) => nf.vips)[0];
  if (vip) plan.vip = vip;
  plan.podCidrs = dedupe(c.podCidrs);
  plan.serviceCidrs = dedupe(c.serviceCidrs);
}

/**
 * A node with several addresses (a LAN NIC and a storage or Thunderbolt network) sits on the LAN with the one whose
 * subnet holds its default gateway, else the control-plane VIP (the node's own, else any node's); without either
 * the first address written stays (IPv4 before IPv6).
 */
function preferRoutedAddress(nf: NodeFacts, everyGateway: Fact<Addr>[], everyVip: Fact<Addr>[]): void {
  if (nf.candidates.length < 2) return;
  const holds = (p: Fact<Cidr> | undefined, a: Addr) => !!p && p.value.family === a.family && p.value.first <= a.value && a.value <= p.value.last;
  for (const anchors of [nf.gateways, everyGateway, nf.vips, everyVip]) {
    const hit = nf.candidates.find((c) => anchors.some((a) => holds(c.prefix, a.value)));
    if (!hit) continue;
    nf.node.address = hit.address;
    nf.node.prefix = hit.prefix!;
    return;
  }
}

function dedupe(list: Fact<Cidr>[]): Fact<Cidr>[] {
  const seen = new Set<string>();
  return list.filter((f) => (seen.has(f.value.canonical) ? false : (seen.add(f.value.canonical), true)));
}

/** Facts from a talium cluster.yaml (read defensively; the spec loader validates it). */
function fromSpec(d: YamlDocument, plan: NetworkPlan): void {
  const lan = cidrFact(d.get(['lan', 'cidr']), d, ['lan', 'cidr']);
  if (lan) plan.lan = lan;
  const vlan = d.get(['lan', 'vlan']);
  plan.vlan = { value: typeof vlan === 'number' ? vlan : 50, from: { doc: d, path: ['lan', 'vlan'] } };
  const gw = addrFact(d.get(['lan', 'gateway']), d, ['lan', 'gateway']);
  if (gw) plan.gateway = gw;
  const dhcp = parseRange(d.get(['lan', 'dhcp']));
  if (dhcp) plan.dhcp = { value: dhcp, from: { doc: d, path: ['lan', 'dhcp'] } };
  const reserved = d.get(['lan', 'reserved']);
  if (Array.isArray(reserved)) reserved.forEach((r, i) => {
    const iv = parseRange(r);
    if (iv) plan.reserved.push({ value: iv, from: { doc: d, path: ['lan', 'reserved', i] } });
  });
  const vip = addrFact(d.get(['cluster', 'vip']), d, ['cluster', 'vip']);
  if (vip) plan.vip = vip;
  // talium generates the Talos defaults when cluster.yaml leaves the CIDRs out
  const pod = cidrFact(d.get(['cluster', 'podCidr']) ?? DEFAULT_POD_SUBNET, d, ['cluster', 'podCidr']);
  if (pod) plan.podCidrs = [pod];
  const svc = cidrFact(d.get(['cluster', 'serviceCidr']) ?? DEFAULT_SERVICE_SUBNET, d, ['cluster', 'serviceCidr']);
  if (svc) plan.serviceCidrs = [svc];
  const port = d.get(['cluster', 'kubePrismPort']);
  plan.talos.kubePrism = { value: { enabled: true, port: typeof port === 'number' ? port : KUBEPRISM_DEFAULT_PORT }, from: { doc: d, path: ['cluster', 'kubePrismPort'] } };
  plan.talos.kubeProxyDisabled = { value: true, from: { doc: d, path: [], note: 'talium generates KubeProxyConfig enabled: false' } };
  plan.talos.cni = { value: 'none', from: { doc: d, path: [], note: 'talium generates cni none' } };
  for (const k of ['talos', 'kubernetes', 'cilium'] as const) {
    const v = d.get(['versions', k]);
    if (typeof v === 'string') plan.versions[k] = { value: v.replace(/^v/, ''), from: { doc: d, path: ['versions', k] } };
  }
  const nodes = d.get(['nodes']);
  if (Array.isArray(nodes)) {
    nodes.forEach((n, i) => {
      if (!isObj(n)) return;
      const node: PlanNode = { name: str(n['name']) ?? `node-${i}`, links: [], from: { doc: d, path: ['nodes', i] } };
      if (n['role'] === 'controlplane' || n['role'] === 'worker') node.role = n['role'];
      const a = addrFact(n['address'], d, ['nodes', i, 'address']);
      if (a) node.address = a;
      if (lan) {
        node.prefix = lan;
        node.subnets = [lan];
      }
      const nic = str(n['nic']);
      if (nic) {
        const tagged = n['vlan'] === 'tagged'; // cluster.yaml default: native (untagged on the NIC)
        node.links.push({ value: tagged ? vlanLinkName(nic, plan.vlan!.value) : nic, from: { doc: d, path: ['nodes', i, 'nic'] } });
      }
      plan.nodes.push(node);
    });
    plan.nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
