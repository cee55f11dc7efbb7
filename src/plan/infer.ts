/**
 * Builds one cluster group's NetworkPlan: from a talium cluster.yaml when the group has one, else inferred from
 * Talos configs/patches/multi-docs, talhelper talconfig.yaml (with its inline patches: plan/talhelper-patches.ts) and
 * Sidero Omni cluster templates (plan/omni-patches.ts); the Cilium release gives the Cilium version. Every Talos
 * body is read through plan/talos-body.ts, so a fact inside an inline patch string points inside the string.
 */
import { get, type Path, type YamlDocument } from '../core/document.js';
import { docsOf, docsOfClass, type DocSelection } from '../core/kind-index.js';
import { DEFAULT_POD_SUBNET, DEFAULT_SERVICE_SUBNET, KUBEPRISM_DEFAULT_PORT, vlanLinkName } from '../data/talos.js';
import { parseCidr, parseIp, type Cidr, type Family } from '../net/ip.js';
import { valueAt } from './cilium-release.js';
import { omniInlinePatches, omniOwner, omniRole, omniVersions } from './omni-patches.js';
import { patchFileRoles, type PatchFileRole } from './patch-file-roles.js';
import { parseRange } from './range.js';
import { talhelperInlinePatches, talhelperNodeRole } from './talhelper-patches.js';
import { bodyFrom, bodyGet, bodyKind, documentBody, type TalosBody } from './talos-body.js';
import type { CiliumRelease, Fact, NetworkPlan, PlanNode, Provenance, TalosFacts } from './types.js';
import { emptyPlan } from './types.js';
import { isObj, str, talosBool } from './util.js';

type Addr = { family: Family; value: bigint; text: string };

/** Route destinations meaning "default route". */
const DEFAULT_DEST = new Set(['0.0.0.0/0', '::/0', '0.0.0.0', '']);

function addrFact(text: unknown, from: Provenance): Fact<Addr> | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text.includes('/') ? text.slice(0, text.indexOf('/')) : text;
  const a = parseIp(t);
  return a ? { value: { ...a, text: t.trim() }, from } : undefined;
}

function cidrFact(text: unknown, from: Provenance): Fact<Cidr> | undefined {
  if (typeof text !== 'string') return undefined;
  const c = parseCidr(text);
  return c ? { value: c, from } : undefined;
}

const at = (doc: YamlDocument, path: Path): Provenance => ({ doc, path });

/** Everything one node-ish source says about the network. */
interface NodeFacts {
  node: PlanNode;
  gateways: Fact<Addr>[];
  vips: Fact<Addr>[];
  /** Every address the node has, in file order, with its prefix when written as a CIDR and its VLAN id when on a VLAN link. */
  candidates: Array<{ address: Fact<Addr>; prefix?: Fact<Cidr>; vlan?: Fact<number> }>;
  /** A hostname written in the source named the node. */
  named?: boolean;
  /** Only workers read the source: Talos takes `cluster.*` (kube-proxy) from control-plane configs, so its settings there do not count. */
  workersOnly?: boolean;
}

/** Read a Talos `interfaces[]`-shaped list (machine.network.interfaces, talhelper networkInterfaces). */
function readInterfaces(b: TalosBody, base: Path, nf: NodeFacts, single?: string): void {
  const raw = bodyGet(b, base);
  // `single`: base is a parent holding one interface under that key (JSON patch `add .../interfaces/-`)
  const list = single !== undefined ? (isObj(raw) ? [raw[single]] : []) : raw;
  if (!Array.isArray(list)) return;
  list.forEach((itf, i) => {
    if (!isObj(itf)) return;
    const p: Path = single !== undefined ? [...base, single] : [...base, i];
    const name = str(itf['interface']);
    readAddressed(b, p, itf, name, nf, 'addresses');
    const vlans = itf['vlans'];
    if (Array.isArray(vlans)) {
      vlans.forEach((v, j) => {
        if (!isObj(v)) return;
        const id = typeof v['vlanId'] === 'number' ? v['vlanId'] : undefined;
        const link = name && id !== undefined ? vlanLinkName(name, id) : undefined;
        const vlan = id !== undefined ? { value: id, from: bodyFrom(b, [...p, 'vlans', j, 'vlanId']) } : undefined;
        readAddressed(b, [...p, 'vlans', j], v, link, nf, 'addresses', vlan);
      });
    }
  });
}

/** Addresses (strings or `{address}`), routes and vip of one link-ish mapping. */
function readAddressed(b: TalosBody, p: Path, m: Record<string, unknown>, link: string | undefined, nf: NodeFacts, key: string, vlan?: Fact<number>): void {
  if (m['dhcp'] === true) nf.node.dhcp = true;
  const addrs = m[key];
  let got = false;
  if (Array.isArray(addrs)) {
    addrs.forEach((a, k) => {
      const text = typeof a === 'string' ? a : isObj(a) ? str(a['address']) : undefined;
      const from = bodyFrom(b, typeof a === 'string' ? [...p, key, k] : [...p, key, k, 'address']);
      const f = addrFact(text, from);
      if (!f || isLinkLocal(f.value)) return;
      got = true;
      const sub = text ? parseCidr(text) : undefined;
      nf.candidates.push({ address: f, ...(sub ? { prefix: { value: sub, from } } : {}), ...(vlan ? { vlan } : {}) });
      if (sub && sub.prefix < (sub.family === 4 ? 32 : 128)) (nf.node.subnets ??= []).push({ value: sub, from });
      if (!nf.node.address || (nf.node.address.value.family === 6 && f.value.family === 4)) {
        nf.node.address = f;
        if (sub) nf.node.prefix = { value: sub, from };
        else delete nf.node.prefix;
      }
    });
  }
  if (got && link) nf.node.links.push({ value: link, from: bodyFrom(b, p) });
  const routes = m['routes'];
  if (Array.isArray(routes)) {
    routes.forEach((r, k) => {
      if (!isObj(r)) return;
      const dest = str(r['network']) ?? str(r['destination']) ?? '';
      if (!DEFAULT_DEST.has(dest.trim())) return;
      const g = addrFact(r['gateway'], bodyFrom(b, [...p, 'routes', k, 'gateway']));
      if (g) nf.gateways.push(g);
    });
  }
  const vip = m['vip'];
  if (isObj(vip)) {
    const v = addrFact(vip['ip'], bodyFrom(b, [...p, 'vip', 'ip']));
    if (v) nf.vips.push(v);
  }
}

/** 169.254.0.0/16 and fe80::/10 (point-to-point links such as Thunderbolt rings) never make a node's LAN address. */
function isLinkLocal(a: Addr): boolean {
  return a.family === 4 ? a.value >> 16n === 0xa9fen : a.value >> 118n === 0x3fan;
}

function newNodeFacts(name: string, from: Provenance): NodeFacts {
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

/** A JSON patch is Talos's only when it touches the machine config (Kustomize JSON patches use /spec/...). */
function talosOps(ops: unknown): boolean {
  return Array.isArray(ops) && ops.some((op) => isObj(op) && typeof op['path'] === 'string' && /^\/(machine|cluster|debug|persist|version)(\/|$)/.test(op['path']));
}

/** The Talos documents collectTalos reads, in list order (from the kind index). */
const TALOS_CLASSES: DocSelection = { classes: ['talos-config', 'talos-document', 'talos-json6902'] };
/** The documents whose lists name patch files (patch-file-roles.ts): without one, no file has a role. */
const PATCH_LISTS: DocSelection = { classes: ['talhelper', 'omni-template'] };

function collectTalos(docs: readonly YamlDocument[], plan: NetworkPlan, groupName?: string): Collected {
  const out: Collected = { nodes: [], podCidrs: [], serviceCidrs: [] };
  // Talos machine configs / patches and multi-docs, grouped per file (one file = one node or one shared patch)
  const files = new Map<string, YamlDocument[]>();
  for (const d of docsOf(docs, TALOS_CLASSES)) {
    if (d.docClass === 'talos-json6902' && !talosOps(d.value)) continue;
    plan.talos.docs.push(d);
    const l = files.get(d.file.path);
    if (l) l.push(d);
    else files.set(d.file.path, [d]);
  }
  // a file talhelper or an Omni template names in a control-plane or worker patch list applies to machines of that role
  const roles = docsOf(docs, PATCH_LISTS).length ? patchFileRoles(docs) : new Map<string, PatchFileRole>();
  // files one talhelper node or Omni document alone names describe it: read here (cluster-wide facts keep their
  // order), merged into that node below
  const owned = new Map<string, NodeFacts>();
  for (const [path, fdocs] of files) {
    const first = fdocs[0]!;
    const ref = roles.get(path);
    const nf = newNodeFacts(baseNameNoExt(path), at(first, []));
    // a worker's machine config (machine.type: worker, and no list names it for the control planes) is read by
    // workers only, like a file only worker lists name
    const ownType = fdocs.map((d) => (d.docClass === 'talos-config' ? get(d.value, ['machine', 'type']) : undefined)).find((t) => typeof t === 'string');
    if (ref?.role === 'worker' || (ownType === 'worker' && ref?.role !== 'controlplane')) nf.workersOnly = true;
    for (const d of fdocs) {
      const b = documentBody(d);
      if (d.docClass === 'talos-config') readTalosConfig(b, nf, out, plan);
      else if (d.docClass === 'talos-json6902') readJsonPatch(b, nf, out, plan);
      else readTalosDocument(b, nf, out, plan);
    }
    // the file's own machine.type wins (it decides what Talos generates)
    const role = ref?.role;
    if (role && !nf.node.role) {
      nf.node.role = role;
      nf.node.roleFrom = at(ref!.refs[0]!.doc, ref!.refs[0]!.path);
    }
    if (ref?.owner) owned.set(path, nf);
    // a file a shared list names (every machine, a role, several nodes) is a shared patch: VIPs and gateways, no node
    else if (ref) pushShared(nf, out);
    else if (nf.node.address || nf.vips.length || nf.gateways.length) out.nodes.push(nf);
  }
  for (const d of docsOfClass(docs, 'talhelper')) readTalhelper(d, out, plan, ownedFiles(roles, owned, d));
  readOmni(docs, out, plan, roles, owned, groupName);
  return out;
}

/** An owner's patch list in list order: its inline bodies and the facts of the files it alone names. */
type ListItem = { index: number; read: () => void };

/**
 * The files `doc` (talhelper node `node` of it) alone names, with the position of the list item that names
 * each, from the facts read in collectTalos.
 */
function ownedFiles(roles: ReadonlyMap<string, PatchFileRole>, owned: ReadonlyMap<string, NodeFacts>, doc: YamlDocument): Array<{ node: number | undefined; index: number; facts: NodeFacts }> {
  const out: Array<{ node: number | undefined; index: number; facts: NodeFacts }> = [];
  for (const [file, r] of roles) {
    const facts = owned.get(file);
    if (!facts || r.owner?.doc !== doc) continue;
    const index = Math.min(...r.refs.filter((x) => x.doc === doc).map((x) => Number(x.path[x.path.length - 1])));
    out.push({ node: r.owner.node, index, facts });
  }
  return out;
}

/** Read an owner's patches in list order (a later address does not displace an earlier one). */
function readInOrder(items: ListItem[]): void {
  for (const it of [...items].sort((a, b) => a.index - b.index)) it.read();
}

/**
 * Add what a patch file says about the node reading it (addresses, links, routes, VIPs) to that node's facts; with
 * `keepName` the file's hostname does not rename it (talhelper names the node).
 */
function mergeFacts(into: NodeFacts, from: NodeFacts, keepName: boolean): void {
  const a = from.node.address;
  if (a && (!into.node.address || (into.node.address.value.family === 6 && a.value.family === 4))) {
    into.node.address = a;
    if (from.node.prefix) into.node.prefix = from.node.prefix;
    else delete into.node.prefix;
  }
  if (from.node.dhcp) into.node.dhcp = true;
  if (!into.node.role && from.node.role) {
    into.node.role = from.node.role;
    if (from.node.roleFrom) into.node.roleFrom = from.node.roleFrom;
  }
  into.node.links.push(...from.node.links);
  if (from.node.subnets) (into.node.subnets ??= []).push(...from.node.subnets);
  into.gateways.push(...from.gateways);
  into.vips.push(...from.vips);
  into.candidates.push(...from.candidates);
  if (!keepName && from.named) {
    into.node.name = from.node.name;
    if (from.node.from) into.node.from = from.node.from;
    into.named = true;
  }
}

/**
 * One inline patch body (talhelper, Omni): an RFC 6902 op list, a multi-document kind, or a machine config patch.
 * A per-node patch keeps the node's name (the talhelper `hostname` names it).
 */
function readBody(b: TalosBody, nf: NodeFacts, out: Collected, plan: NetworkPlan, keepName = false): void {
  const { name, from } = nf.node;
  if (Array.isArray(b.value)) {
    if (talosOps(b.value)) readJsonPatch(b, nf, out, plan);
  } else if (!isObj(b.value)) return;
  else if (bodyKind(b) !== undefined) readTalosDocument(b, nf, out, plan);
  else readTalosConfig(b, nf, out, plan);
  if (keepName) {
    nf.node.name = name;
    if (from) nf.node.from = from;
  }
}

function readTalosConfig(b: TalosBody, nf: NodeFacts, out: Collected, plan: NetworkPlan): void {
  const type = str(bodyGet(b, ['machine', 'type']));
  if (type === 'controlplane' || type === 'init' || type === 'worker') {
    nf.node.role = type === 'worker' ? 'worker' : 'controlplane';
    nf.node.roleFrom = bodyFrom(b, ['machine', 'type']);
  }
  const host = str(bodyGet(b, ['machine', 'network', 'hostname']));
  if (host && parseIp(host) === undefined && !host.includes('${')) {
    nf.node.name = host;
    nf.node.from = bodyFrom(b, ['machine', 'network', 'hostname']);
    nf.named = true;
  }
  readInterfaces(b, ['machine', 'network', 'interfaces'], nf);
  readSubnets(b, ['cluster', 'network'], out);
  // versions from image tags: installer → Talos, kubelet / kube-apiserver → Kubernetes
  for (const [path, which, re] of IMAGE_VERSIONS) {
    const img = bodyGet(b, path);
    const m = typeof img === 'string' ? re.exec(img) : null;
    if (m && !plan.versions[which]) plan.versions[which] = { value: m[1]!, from: bodyFrom(b, path) };
  }
  const cni = bodyGet(b, ['cluster', 'network', 'cni', 'name']);
  // the CNI manifests are the control planes' bootstrap manifests: a worker-only patch's cni is not applied
  if (typeof cni === 'string' && !plan.talos.cni && !nf.workersOnly) setCni(plan, cni, bodyGet(b, ['cluster', 'network', 'cni', 'urls']), bodyFrom(b, ['cluster', 'network', 'cni', 'name']));
  const proxy = talosBool(bodyGet(b, ['cluster', 'proxy', 'disabled']));
  if (proxy !== undefined && nf.workersOnly) ignoredOnWorkers(plan, proxy, bodyFrom(b, ['cluster', 'proxy', 'disabled']));
  else if (proxy !== undefined && (!plan.talos.kubeProxyDisabled || proxy)) {
    plan.talos.kubeProxyDisabled = { value: proxy, from: bodyFrom(b, ['cluster', 'proxy', 'disabled']) };
  }
  const kp = bodyGet(b, ['machine', 'features', 'kubePrism']);
  if (isObj(kp)) {
    const enabled = kp['enabled'] !== false;
    const port = typeof kp['port'] === 'number' ? kp['port'] : KUBEPRISM_DEFAULT_PORT;
    if (!plan.talos.kubePrism) plan.talos.kubePrism = { value: { enabled, port }, from: bodyFrom(b, ['machine', 'features', 'kubePrism']) };
  }
}

/** A kube-proxy setting in a patch only workers read: Talos ignores it; a disabling one is kept for the rules to point at. */
function ignoredOnWorkers(plan: NetworkPlan, disabled: boolean, from: Provenance): void {
  if (disabled && !plan.talos.kubeProxyDisabledOnWorkers) plan.talos.kubeProxyDisabledOnWorkers = { value: true, from };
}

/** The CNI name, with its `urls` when the name is `custom` (talos/cni-not-none reads them). */
function setCni(plan: NetworkPlan, name: string, urls: unknown, from: Provenance): void {
  plan.talos.cni = { value: name, from };
  if (name === 'custom' && Array.isArray(urls)) plan.talos.cniUrls = urls.map(String);
  else delete plan.talos.cniUrls;
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
function readJsonPatch(b: TalosBody, nf: NodeFacts, out: Collected, plan: NetworkPlan): void {
  const ops = b.value as unknown[];
  ops.forEach((op, i) => {
    if (!isObj(op) || (op['op'] !== 'add' && op['op'] !== 'replace') || typeof op['path'] !== 'string') return;
    const value: Path = [i, 'value'];
    switch (op['path']) {
      case '/machine/network':
        readInterfaces(b, [...value, 'interfaces'], nf);
        break;
      case '/machine/network/interfaces':
        readInterfaces(b, value, nf);
        break;
      case '/machine/network/interfaces/-':
        if (isObj(op['value'])) readInterfaces(b, [i], nf, 'value');
        break;
      case '/cluster/network':
        readSubnets(b, value, out);
        break;
      case '/cluster/network/podSubnets':
      case '/cluster/network/serviceSubnets': {
        const key = op['path'].endsWith('podSubnets') ? 'podSubnets' : 'serviceSubnets';
        readSubnets(b, [i], out, { [key]: 'value' });
        break;
      }
      default:
    }
    // kube-proxy and the CNI, whichever level the op writes (`/cluster/proxy/disabled: true`, `/cluster/proxy: {disabled: true}`, ...)
    const proxy = opField(op, i, ['cluster', 'proxy', 'disabled']);
    const disabled = proxy ? talosBool(proxy.value) : undefined;
    if (proxy && disabled !== undefined && nf.workersOnly) ignoredOnWorkers(plan, disabled, bodyFrom(b, proxy.path));
    else if (proxy && disabled !== undefined) plan.talos.kubeProxyDisabled = { value: disabled, from: bodyFrom(b, proxy.path) };
    const cni = opField(op, i, ['cluster', 'network', 'cni', 'name']);
    if (cni && typeof cni.value === 'string' && !nf.workersOnly) setCni(plan, cni.value, opField(op, i, ['cluster', 'network', 'cni', 'urls'])?.value, bodyFrom(b, cni.path));
  });
}

/**
 * The value an `add`/`replace` op (item `i` of its list) gives the config field at `field`, and its path in the op
 * list: the op's `value` itself when the op's `path` is the field, or the field inside it when the op writes a parent.
 */
function opField(op: Record<string, unknown>, i: number, field: readonly string[]): { value: unknown; path: Path } | undefined {
  const segs = String(op['path']).split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (segs.length > field.length || segs.some((s, k) => s !== field[k])) return undefined;
  const rest = field.slice(segs.length);
  const value = rest.length ? get(op['value'], rest) : op['value'];
  return value === undefined ? undefined : { value, path: [i, 'value', ...rest] };
}

function readSubnets(b: TalosBody, base: Path, out: Collected, keys: Record<string, string> = {}): void {
  for (const [key, list] of [['podSubnets', out.podCidrs], ['serviceSubnets', out.serviceCidrs]] as const) {
    const field = keys[key] ?? (Object.keys(keys).length ? undefined : key);
    if (field === undefined) continue;
    const v = bodyGet(b, [...base, field]);
    if (!Array.isArray(v)) continue;
    v.forEach((c, i) => {
      const f = cidrFact(c, bodyFrom(b, [...base, field, i]));
      if (f) list.push(f);
    });
  }
}

function readTalosDocument(b: TalosBody, nf: NodeFacts, out: Collected, plan: NetworkPlan): void {
  const v = b.value as Record<string, unknown>;
  const kind = bodyKind(b);
  switch (kind) {
    case 'LinkConfig':
    case 'BondConfig':
    case 'BridgeConfig':
    case 'VLANConfig':
    case 'DummyLinkConfig': {
      let link = str(v['name']);
      if (kind === 'VLANConfig' && !link && typeof v['vlanID'] === 'number' && typeof v['parent'] === 'string') link = vlanLinkName(v['parent'], v['vlanID']);
      const vlan = kind === 'VLANConfig' && typeof v['vlanID'] === 'number' ? { value: v['vlanID'], from: bodyFrom(b, ['vlanID']) } : undefined;
      readAddressed(b, [], v, link, nf, 'addresses', vlan);
      break;
    }
    case 'DHCPv4Config':
    case 'DHCPv6Config':
      nf.node.dhcp = true;
      break;
    case 'Layer2VIPConfig': {
      const f = addrFact(v['name'], bodyFrom(b, ['name']));
      if (f) nf.vips.push(f);
      break;
    }
    case 'HostnameConfig': {
      const h = str(v['hostname']);
      if (h && !h.includes('${')) {
        nf.node.name = h;
        nf.node.from = bodyFrom(b, ['hostname']);
        nf.named = true;
      }
      break;
    }
    case 'KubeNetworkConfig':
      readSubnets(b, [], out);
      break;
    case 'KubeProxyConfig': {
      const del = v['$patch'] === 'delete';
      const enabled = talosBool(v['enabled']);
      if (nf.workersOnly) {
        if (del || enabled === false) ignoredOnWorkers(plan, true, bodyFrom(b, del ? ['$patch'] : ['enabled']));
      } else if (del || enabled === false) plan.talos.kubeProxyDisabled = { value: true, from: bodyFrom(b, del ? ['$patch'] : ['enabled']) };
      else if (enabled === true && !plan.talos.kubeProxyDisabled) plan.talos.kubeProxyDisabled = { value: false, from: bodyFrom(b, ['enabled']) };
      break;
    }
    case 'KubeFlannelCNIConfig':
      if (v['$patch'] === 'delete' && !nf.workersOnly) setCni(plan, 'none', undefined, bodyFrom(b, ['$patch']));
      break;
    case 'KubePrismConfig': {
      const del = v['$patch'] === 'delete';
      const port = typeof v['port'] === 'number' ? v['port'] : KUBEPRISM_DEFAULT_PORT;
      plan.talos.kubePrism = { value: { enabled: !del, port }, from: bodyFrom(b, del ? ['$patch'] : typeof v['port'] === 'number' ? ['port'] : []) };
      break;
    }
    default:
  }
}

const SCOPE_ROLE = { controlplane: 'controlplane', worker: 'worker' } as const;

function readTalhelper(d: YamlDocument, out: Collected, plan: NetworkPlan, files: ReturnType<typeof ownedFiles>): void {
  plan.talos.docs.push(d);
  for (const key of ['talosVersion', 'kubernetesVersion'] as const) {
    const v = d.get([key]);
    if (typeof v !== 'string' || v.includes('${')) continue;
    const which = key === 'talosVersion' ? 'talos' : 'kubernetes';
    // `talosVersion: ${talosVersion}`: the version is written in talenv.yaml (plan/talhelper-substitution.ts)
    const sub = d.substitutions.find((s) => s.path.length === 1 && s.path[0] === key && s.from);
    const from = sub?.from && `\${${sub.name}}` === String((d.parsed as Record<string, unknown>)[key]).trim() ? at(sub.from.doc, sub.from.path) : at(d, [key]);
    if (!plan.versions[which]) plan.versions[which] = { value: v.replace(/^v/, ''), from };
  }
  for (const [key, list] of [['clusterPodNets', out.podCidrs], ['clusterSvcNets', out.serviceCidrs]] as const) {
    const v = d.get([key]);
    if (Array.isArray(v)) v.forEach((c, i) => {
      const f = cidrFact(c, at(d, [key, i]));
      if (f) list.push(f);
    });
  }
  // inline patches: talhelper applies them over what it generates from its own fields, so theirs come first here
  // (plan facts are first-wins); a shared patch (every node, the control planes, the workers), inline or a file
  // (collectTalos), gives VIPs and gateways, never a node (its nodes are talconfig's `nodes[]`)
  const patches = talhelperInlinePatches(d);
  for (const p of patches) {
    if (p.scope === 'node') continue;
    const nf = newNodeFacts(`${baseNameNoExt(d.file.path)}:${p.body.at.join('.')}`, bodyFrom(p.body, []));
    if (p.scope !== 'all') {
      nf.node.role = SCOPE_ROLE[p.scope];
      nf.node.roleFrom = bodyFrom(p.body, []);
    }
    if (p.scope === 'worker') nf.workersOnly = true;
    readBody(p.body, nf, out, plan);
    pushShared(nf, out);
  }
  const cni = d.get(['cniConfig', 'name']);
  if (typeof cni === 'string' && !plan.talos.cni) setCni(plan, cni, d.get(['cniConfig', 'urls']), at(d, ['cniConfig', 'name']));
  const nodes = d.get(['nodes']);
  if (!Array.isArray(nodes)) return;
  nodes.forEach((n, i) => {
    if (!isObj(n)) return;
    const name = str(n['hostname']) ?? `node-${i}`;
    const nf = newNodeFacts(name, at(d, ['nodes', i]));
    // talhelper's controlPlane is a boolean (default false); a template (`${IS_CP}`) leaves the role unknown
    const role = talhelperNodeRole(n);
    // talhelper's default (no controlPlane key) is a worker: the node entry says so
    const roleFrom = 'controlPlane' in n ? at(d, ['nodes', i, 'controlPlane']) : { doc: d, path: ['nodes', i], note: 'talhelper default: controlPlane false' };
    if (role) nf.node.role = role;
    if (role) nf.node.roleFrom = roleFrom;
    if (role === 'worker') nf.workersOnly = true;
    readInterfaces(documentBody(d), ['nodes', i, 'networkInterfaces'], nf);
    const links = nf.node.links.length + nf.candidates.length;
    // its patches, inline and the files it alone names (`"@./patches/w1-net.yaml"`), in list order
    readInOrder([
      ...patches.filter((p) => p.scope === 'node' && p.node === i).map((p): ListItem => ({ index: Number(p.body.at[3]), read: () => readBody(p.body, nf, out, plan, true) })),
      ...files.filter((f) => f.node === i).map((f): ListItem => ({ index: f.index, read: () => mergeFacts(nf, f.facts, true) })),
    ]);
    // talhelper's `controlPlane` decides the machine type it generates
    if (role) {
      nf.node.role = role;
      nf.node.roleFrom = roleFrom;
    }
    // talhelper without interfaces (its own or a node patch's): Talos defaults to DHCP
    if (!Array.isArray(n['networkInterfaces']) && nf.node.links.length + nf.candidates.length === links) nf.node.dhcp = true;
    if (!nf.node.address) {
      // ipAddress may be a comma list or a host name; only a literal IP counts
      const ip = str(n['ipAddress'])?.split(',')[0];
      const f = addrFact(ip, at(d, ['nodes', i, 'ipAddress']));
      if (f) nf.node.address = f;
    }
    out.nodes.push(nf);
  });
}

/**
 * Omni cluster templates: the versions their Cluster documents agree on, and each document's inline patches as a
 * node-ish source of its own (the Cluster's apply to every machine, a ControlPlane's or Workers' to a machine set,
 * a Machine's to one machine). `file:` patches are files of the repository (collectTalos reads them): one only a
 * Machine or one machine set names joins that document's facts, in list order; the Cluster's are shared patches.
 *
 * Templates of several clusters: a template file holds one cluster (omnictl requires exactly one `kind: Cluster` in
 * it), so each machine set and Machine belongs to the Cluster of its file. The cluster named like the group (a
 * `clusters/<name>` group) is the group's: its templates alone make the plan, as one cluster's would. Otherwise which
 * cluster runs the GitOps tree is unknown: no machine is a node of the plan, each is listed with its cluster
 * (TalosFacts.omniClusters), and one whose file holds no single Cluster (not attributable) is listed as such
 * (TalosFacts.omniUnattributed: talos/omni-machines-unattributed says so).
 */
function readOmni(docs: readonly YamlDocument[], out: Collected, plan: NetworkPlan, roles: ReadonlyMap<string, PatchFileRole>, owned: ReadonlyMap<string, NodeFacts>, groupName?: string): void {
  let templates = docsOfClass(docs, 'omni-template');
  if (!templates.length) return;
  // templates of several clusters (a prod and a GPU cluster beside one GitOps tree)
  const clusters = new Map<string, YamlDocument>();
  for (const d of templates) if (d.kind === 'Cluster') clusters.set(str(d.get(['name'])) ?? d.file.path, d);
  // the cluster each template file describes (null: none or several Cluster documents, not attributable)
  // (from every Cluster document, not from `clusters`: two files may describe one cluster name)
  const fileCluster = new Map<string, string | null>();
  for (const d of templates) {
    if (d.kind !== 'Cluster') continue;
    const name = str(d.get(['name'])) ?? d.file.path;
    fileCluster.set(d.file.path, fileCluster.has(d.file.path) && fileCluster.get(d.file.path) !== name ? null : name);
  }
  const clusterOf = (d: YamlDocument): string | undefined => fileCluster.get(d.file.path) ?? undefined;
  let several = clusters.size > 1;
  const own = several && groupName !== undefined && clusters.has(groupName) ? groupName : undefined;
  if (own !== undefined) {
    // the group's own cluster: read as the only one (the other clusters' templates say nothing about this group);
    // machines of no attributable cluster are read to be listed, never nodes
    templates = templates.filter((d) => clusterOf(d) === own || (clusterOf(d) === undefined && MACHINE_KINDS.has(d.kind ?? '')));
    several = false;
  }
  const versions = omniVersions(templates);
  for (const which of ['talos', 'kubernetes'] as const) if (versions[which] && !plan.versions[which]) plan.versions[which] = versions[which];
  const listed = new Map<string, NonNullable<TalosFacts['omniClusters']>[number]>();
  if (several) {
    plan.talos.omniClusters = [...clusters].map(([name, doc]) => ({ name, doc, nodes: [] as PlanNode[] })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const c of plan.talos.omniClusters) listed.set(c.name, c);
  }
  for (const d of templates) {
    plan.talos.docs.push(d);
    const patches = omniInlinePatches(d);
    // `file:` patches only this document names (a Machine's, a machine set's) describe what it configures
    const files = ownedFiles(roles, owned, d);
    if (!patches.length && !files.length) continue;
    const nf = newNodeFacts(omniOwner(d, templates), at(d, []));
    const role = omniRole(d, templates);
    // a Machine takes the role of the ControlPlane / Workers set that lists it; the set its own kind
    const roleFrom = at(d, d.kind === 'Machine' ? [] : ['kind']);
    if (role) nf.node.role = role;
    if (role) nf.node.roleFrom = roleFrom;
    if (role === 'worker') nf.workersOnly = true;
    const keepName = d.kind !== 'Machine';
    readInOrder([
      ...patches.map((p): ListItem => ({ index: Number(p.item[1]), read: () => readBody(p.body, nf, out, plan, keepName) })),
      ...files.map((f): ListItem => ({ index: f.index, read: () => mergeFacts(nf, f.facts, keepName) })),
    ]);
    if (role) {
      nf.node.role = role;
      nf.node.roleFrom = roleFrom;
    }
    const machine = nf.node.address || nf.vips.length || nf.gateways.length;
    if (own !== undefined && clusterOf(d) === undefined) {
      if (machine) (plan.talos.omniUnattributed ??= []).push(d);
      continue;
    }
    if (several) {
      // not this plan's nodes (their addresses would set the LAN, a VIP, collisions): listed with their cluster;
      // the Cluster's patches apply to every machine, an address there is no one machine's
      if (d.kind === 'Cluster' || !machine) continue;
      const c = clusterOf(d);
      if (c !== undefined) listed.get(c)?.nodes.push(nf.node);
      else (plan.talos.omniUnattributed ??= []).push(d);
      continue;
    }
    if (d.kind === 'Cluster') pushShared(nf, out);
    else if (machine) out.nodes.push(nf);
  }
}

/** Template documents that configure machines (a machine set or one machine). */
const MACHINE_KINDS = new Set(['ControlPlane', 'Workers', 'Machine']);

/** A patch every machine (or every machine of a role) reads: its VIPs and default gateways count, its addresses name no node. */
function pushShared(nf: NodeFacts, out: Collected): void {
  if (!nf.vips.length && !nf.gateways.length) return;
  delete nf.node.address;
  delete nf.node.prefix;
  delete nf.node.subnets;
  nf.node.links = [];
  nf.candidates = [];
  out.nodes.push(nf);
}

/** The network plan of one group, before talium.config.yaml overrides. */
export function inferPlan(docs: readonly YamlDocument[], releases: readonly CiliumRelease[], groupName?: string): NetworkPlan {
  const plan = emptyPlan();
  const spec = docsOfClass(docs, 'cluster-spec')[0];
  const collected = collectTalos(docs, plan, groupName);
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
      const inner = hit!.inner && (each ? [...hit!.inner, i] : hit!.inner);
      const f = cidrFact(c, { doc: hit!.doc, path: hit!.inString || !each ? hit!.path : [...hit!.path, i], ...(inner ? { inner } : {}) });
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
      if (!prev.node.role && nf.node.role) {
        prev.node.role = nf.node.role;
        if (nf.node.roleFrom) prev.node.roleFrom = nf.node.roleFrom;
      }
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
  const lan = cidrFact(d.get(['lan', 'cidr']), at(d, ['lan', 'cidr']));
  if (lan) plan.lan = lan;
  const vlan = d.get(['lan', 'vlan']);
  plan.vlan = { value: typeof vlan === 'number' ? vlan : 50, from: { doc: d, path: ['lan', 'vlan'] } };
  const gw = addrFact(d.get(['lan', 'gateway']), at(d, ['lan', 'gateway']));
  if (gw) plan.gateway = gw;
  const dhcp = parseRange(d.get(['lan', 'dhcp']));
  if (dhcp) plan.dhcp = { value: dhcp, from: { doc: d, path: ['lan', 'dhcp'] } };
  const reserved = d.get(['lan', 'reserved']);
  if (Array.isArray(reserved)) reserved.forEach((r, i) => {
    const iv = parseRange(r);
    if (iv) plan.reserved.push({ value: iv, from: { doc: d, path: ['lan', 'reserved', i] } });
  });
  const vip = addrFact(d.get(['cluster', 'vip']), at(d, ['cluster', 'vip']));
  if (vip) plan.vip = vip;
  // talium generates the Talos defaults when cluster.yaml leaves the CIDRs out
  const pod = cidrFact(d.get(['cluster', 'podCidr']) ?? DEFAULT_POD_SUBNET, at(d, ['cluster', 'podCidr']));
  if (pod) plan.podCidrs = [pod];
  const svc = cidrFact(d.get(['cluster', 'serviceCidr']) ?? DEFAULT_SERVICE_SUBNET, at(d, ['cluster', 'serviceCidr']));
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
      if (n['role'] === 'controlplane' || n['role'] === 'worker') {
        node.role = n['role'];
        node.roleFrom = { doc: d, path: ['nodes', i, 'role'] };
      }
      const a = addrFact(n['address'], at(d, ['nodes', i, 'address']));
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
