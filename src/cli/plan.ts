/**
 * `talium plan [path] [--format text|json]`: prints the network plan inferred per cluster group, each fact with
 * where it came from (file:line:column). Reads the tree as `talium lint` does (discovery, excludes, config `plan:`
 * overrides); writes nothing.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import type { LintConfig } from '../config/types.js';
import { sortDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import type { YamlDocument } from '../core/document.js';
import { discoverFiles } from '../lint/engine.js';
import { safeLoad } from '../lint/pool.js';
import { knownRule, ruleCatalog } from '../lint/rule-catalog.js';
import { formatInterval } from '../net/ip.js';
import { buildClusterGroups } from '../plan/index.js';
import { allocatable, ciliumVersion, POOL_BLOCK_FIELDS, type LbPool } from '../plan/lb.js';
import { deployedAsWritten, poolsToJudge, uncertainPools } from '../plan/pool-overlays.js';
import type { ClusterGroup, Fact, Provenance } from '../plan/types.js';
import { factPlace } from '../plan/util.js';
import { columns } from '../report/columns.js';
import { printable } from '../report/frame.js';
import { EXIT, type CliIo } from './io.js';
import { pushAll } from '../core/arrays.js';


const HELP = `Usage: talium plan [path] [--format text|json]

Prints the network plan talium infers for each cluster of the repository at [path] (default: .):
LAN, VLAN, gateway, VIP, DHCP and reserved ranges, pod/service CIDRs, nodes, versions, Talos facts,
Cilium releases and LB-IPAM pools, each with the file:line:column it came from.
Exit 0; 1 when a file could not be read or parsed (each such file is named on stderr with its position and rule
id: what it holds is missing from the plan).
`;

interface Where {
  file: string;
  line?: number;
  column?: number;
  note?: string;
}

function where(p: Provenance): Where {
  const place = factPlace(p);
  if (place) {
    const r = place.range ?? place.doc.locate(place.path);
    const w: Where = { file: place.doc.file.path, line: r.start.line, column: r.start.column };
    if (p.note) w.note = p.note;
    return w;
  }
  const w: Where = { file: p.file ?? '' };
  if (p.note) w.note = p.note;
  return w;
}

const whereText = (w: Where): string => (w.line ? `${w.file}:${w.line}:${w.column}` : `${w.file}${w.note ? ` (${w.note})` : ''}`);

/**
 * Every document of the tree, read as `talium lint` reads it (same discovery, excludes and parser), and the errors
 * that kept some of it out of the plan: a file or folder that could not be read, a file the byte guards refused or
 * whose YAML does not parse (a duplicate key keeps its last value: not one of them).
 */
function loadDocs(root: string, config: LintConfig): { docs: YamlDocument[]; unread: Diagnostic[]; templates: string[] } {
  const docs: YamlDocument[] = [];
  const found = discoverFiles(root, ['.'], config);
  const unread = found.notes.filter((n) => n.severity === 'error');
  for (const f of found.files) {
    const loaded = safeLoad(f, config.maxFileSize);
    pushAll(docs, loaded.docs);
    for (const d of loaded.diagnostics) if (d.severity === 'error' && d.ruleId !== 'yaml/duplicate-key') unread.push(d);
  }
  return { docs, unread, templates: found.templates };
}

/**
 * The YAML templates (`talos/cluster.yaml.j2`...) talium does not read, named when some cluster's plan lacks its
 * LAN or nodes: Talos configs kept as templates are the usual reason, and the plan's `(unknown)` says nothing of it.
 */
function templatesText(templates: readonly string[], groups: readonly ClusterGroup[]): string {
  if (!templates.length || !groups.some((g) => !g.plan.lan || !g.plan.nodes.length)) return '';
  const shown = templates.slice(0, 3).map(printable).join(', ');
  const more = templates.length > 3 ? ` and ${templates.length - 3} more` : '';
  return `talium plan: ${templates.length} YAML template${templates.length === 1 ? ' is' : 's are'} not read (${shown}${more}); facts only they hold (node addresses, LAN, gateway, VIP) are not in the plan. Render them and run talium on the output, or state the facts under plan: in talium.config.yaml (lan, gateway, vip; node addresses as reserved).\n`;
}

/** One line per error that kept a file (or part of one) out of the plan: never a plan silently missing its facts. */
function unreadText(unread: readonly Diagnostic[]): string {
  return sortDiagnostics([...unread])
    .map((d) => `talium plan: ${printable(d.file)}:${d.range.start.line}:${d.range.start.column}: ${printable(d.message)} (${d.ruleId}); what it holds is not in the plan.\n`)
    .join('');
}

/** The plan of one group as plain JSON (facts as `{value, from}`), sorted and deterministic. */
export function planJson(g: ClusterGroup): Record<string, unknown> {
  const p = g.plan;
  const f = <T>(x: Fact<T> | undefined, show: (v: T) => unknown): unknown => (x ? { value: show(x.value), from: where(x.from) } : undefined);
  const ip = (v: { text: string }): string => v.text;
  const cidr = (v: { canonical: string }): string => v.canonical;
  return {
    cluster: g.name,
    documents: g.docs.length,
    lan: f(p.lan, cidr),
    vlan: f(p.vlan, (v) => v),
    gateway: f(p.gateway, ip),
    vip: f(p.vip, ip),
    dhcp: f(p.dhcp, formatInterval),
    reserved: p.reserved.map((r) => f(r, formatInterval)),
    podCidrs: p.podCidrs.map((c) => f(c, cidr)),
    serviceCidrs: p.serviceCidrs.map((c) => f(c, cidr)),
    nodes: p.nodes.map((n) => ({
      name: n.name,
      role: n.role,
      roleFrom: n.roleFrom ? where(n.roleFrom) : undefined,
      address: f(n.address, ip),
      prefix: f(n.prefix, cidr),
      links: n.links.map((l) => f(l, (v) => v)),
      from: n.from ? where(n.from) : undefined,
    })),
    versions: { talos: f(p.versions.talos, (v) => v), kubernetes: f(p.versions.kubernetes, (v) => v), cilium: f(p.versions.cilium, (v) => v) },
    talos: {
      // a Talos default (no setting in the repository) says so: `defaulted` names it, `from` is the Talos version
      kubePrism: p.talos.kubePrism ? { ...(f(p.talos.kubePrism, (v) => v) as object), ...(p.talos.kubePrism.from.defaulted ? { defaulted: p.talos.kubePrism.from.defaulted } : {}), ...(p.talos.kubePrism.from.missing ? { missing: p.talos.kubePrism.from.missing } : {}) } : undefined,
      kubeProxyDisabled: f(p.talos.kubeProxyDisabled, (v) => v),
      cni: f(p.talos.cni, (v) => v),
      // several Omni clusters: their machines are not nodes of this plan (which one runs the tree is unknown), each
      // listed with the cluster its template file describes
      ...(p.talos.omniClusters ? { omniClusters: p.talos.omniClusters.map((c) => ({ name: c.name, from: where({ doc: c.doc, path: ['name'] }), machines: c.nodes.map((n) => ({ name: n.name, role: n.role, address: f(n.address, ip), from: n.from ? where(n.from) : undefined })) })) } : {}),
      ...(p.talos.omniUnattributed?.length ? { omniUnattributed: p.talos.omniUnattributed.map((d) => where({ doc: d, path: [] })) } : {}),
    },
    ciliumReleases: g.ciliumReleases.map((r) => ({
      engine: r.engine,
      purpose: r.purpose,
      version: f(r.version, (v) => v),
      from: where(r.releaseDoc ? { doc: r.releaseDoc, path: r.releasePath ?? [] } : { doc: r.doc, path: r.valuesPath }),
      overlay: r.overlay ? where({ doc: r.overlay.kustomization, path: r.overlay.path }) : undefined,
      values: r.layers.map((l) => where({ doc: l.doc, path: l.valuesPath })),
    })),
    // as the network/ rules judge them: a pool a kustomize overlay patches, as each overlay renders it (`overlay`), and
    // as written too when something deploys it unpatched; one whose patch is uncertain, as written and marked
    // `uncertain` (what is applied may differ)
    pools: [...[...poolsToJudge(g, POOL_BLOCK_FIELDS), ...deployedAsWritten(g, POOL_BLOCK_FIELDS)].map((pool) => ({ pool, uncertain: false })), ...uncertainPools(g, POOL_BLOCK_FIELDS).map((pool) => ({ pool, uncertain: true }))].map(({ pool, uncertain }) => ({
      name: pool.name,
      blocks: pool.blocks.map((b) => (b.interval ? formatInterval(b.interval) : b.text)),
      // what a CIDR block hands out when allowFirstLastIPs (explicit, or the Cilium version's default) drops its
      // first and last address; listed only for the blocks where it differs
      ...handsOut(pool, ciliumVersion(g)),
      from: where({ doc: pool.doc, path: [] }),
      ...(pool.overlay ? { overlay: where({ doc: pool.overlay.kustomization, path: pool.overlay.path }) } : {}),
      ...(uncertain ? { uncertain: true } : {}),
    })),
  };
}

/** `{allocatable: {block index: range}}` for the CIDR blocks that do not hand out their first and last address. */
function handsOut(pool: LbPool, version: string | undefined): { allocatable?: Record<string, string> } {
  const out: Record<string, string> = {};
  pool.blocks.forEach((b, i) => {
    const alloc = allocatable(pool, b, version);
    if (alloc && b.interval && (alloc.first !== b.interval.first || alloc.last !== b.interval.last)) out[String(i)] = formatInterval(alloc);
  });
  return Object.keys(out).length ? { allocatable: out } : {};
}

function planText(g: ClusterGroup): string {
  const j = planJson(g) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const lines: string[] = [`cluster ${g.name} (${g.docs.length} documents)`];
  const facts: string[][] = [];
  const row = (label: string, fact: { value: unknown; from: Where } | undefined): void => {
    facts.push(fact ? [label, String(fact.value), whereText(fact.from)] : [label, '(unknown)']);
  };
  row('LAN', j['lan']);
  row('VLAN', j['vlan']);
  row('gateway', j['gateway']);
  row('VIP', j['vip']);
  row('DHCP', j['dhcp']);
  for (const r of j['reserved']) row('reserved', r);
  for (const c of j['podCidrs']) row('pod CIDR', c);
  for (const c of j['serviceCidrs']) row('service CIDR', c);
  row('Talos', j['versions'].talos);
  row('Kubernetes', j['versions'].kubernetes);
  row('Cilium', j['versions'].cilium);
  const kp = j['talos'].kubePrism as { value: { enabled: boolean; port: number }; from: Where; defaulted?: string; missing?: string } | undefined;
  const kpText = (k: NonNullable<typeof kp>): string => `${k.value.enabled ? `on, port ${k.value.port}` : 'off'}${k.defaulted ? ` (${k.defaulted})` : k.missing ? ` (no ${k.missing} document)` : ''}`;
  // a default points at the Talos version it rests on; a missing KubePrismConfig at the config that lacks it
  row('KubePrism', kp ? { value: kpText(kp), from: kp.from } : undefined);
  row('kube-proxy off', j['talos'].kubeProxyDisabled);
  row('CNI', j['talos'].cni);
  for (const c of (j['talos'].omniClusters ?? []) as Array<{ name: string; from: Where; machines: Array<{ name: string; address?: { value: string } }> }>) {
    const machines = c.machines.map((m) => `${m.name}${m.address ? ` ${m.address.value}` : ''}`).join(', ');
    facts.push(['Omni cluster', `${c.name} (not this plan's nodes: several clusters${machines ? `; machines ${machines}` : ''})`, whereText(c.from)]);
  }
  for (const w of (j['talos'].omniUnattributed ?? []) as Where[]) facts.push(['Omni machines', 'of no single cluster (not attributed)', whereText(w)]);
  lines.push(...columns(facts, '  '));
  lines.push(`  nodes (${j['nodes'].length}):`);
  lines.push(
    ...columns(
      j['nodes'].map((n: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const links = n.links.map((l: { value: string }) => l.value).join(',');
        return [String(n.name), String(n.role ?? '?'), String(n.address?.value ?? '?'), links ? `links ${links}` : '', n.address ? whereText(n.address.from) : n.from ? whereText(n.from) : ''];
      }),
      '    ',
    ),
  );
  lines.push(`  cilium releases (${j['ciliumReleases'].length}):`);
  const releaseRows = columns(j['ciliumReleases'].map((r: any) => [String(r.engine), String(r.purpose ?? ''), String(r.version?.value ?? '?'), whereText(r.from)]), '    '); // eslint-disable-line @typescript-eslint/no-explicit-any
  j['ciliumReleases'].forEach((r: { values: Where[]; overlay?: Where }, i: number) => {
    lines.push(releaseRows[i]!);
    if (r.overlay) lines.push(`      overlay ${whereText(r.overlay)}`);
    for (const v of r.values) lines.push(`      values ${whereText(v)}`);
  });
  lines.push(`  LB-IPAM pools (${j['pools'].length}):`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const blocksText = (p: any): string => (p.blocks as string[]).map((b, i) => (p.allocatable?.[String(i)] ? `${b} (hands out ${p.allocatable[String(i)]})` : b)).join(', ');
  const poolRows = columns(j['pools'].map((p: any) => [String(p.name), p.uncertain ? `${blocksText(p)} (as written; a patch may change it)` : blocksText(p), whereText(p.from)]), '    '); // eslint-disable-line @typescript-eslint/no-explicit-any
  j['pools'].forEach((p: { overlay?: Where }, i: number) => {
    lines.push(poolRows[i]!);
    if (p.overlay) lines.push(`      overlay ${whereText(p.overlay)}`);
  });
  // values and file names come from the repository: no control character reaches the terminal
  return `${lines.map(printable).join('\n')}\n`;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  let format = 'text';
  let target: string | undefined;
  let positional = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    // `--` ends the options: a folder named "-x" is `talium plan -- -x`
    if (a === '--' && !positional) {
      positional = true;
      continue;
    }
    if (positional) {
      if (target !== undefined) {
        io.stderr(`talium plan: only one path is accepted.\n`);
        return EXIT.usage;
      }
      target = a;
      continue;
    }
    if (a === '--help' || a === '-h') {
      io.stdout(HELP);
      return EXIT.ok;
    }
    if (a === '--format' || a === '-f') format = args[++i] ?? '';
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a.startsWith('-')) {
      io.stderr(`talium plan: unknown option "${a}".\n\n${HELP}`);
      return EXIT.usage;
    } else if (target === undefined) target = a;
    else {
      io.stderr(`talium plan: only one path is accepted.\n`);
      return EXIT.usage;
    }
  }
  if (format !== 'text' && format !== 'json') {
    io.stderr(`talium plan: --format must be text or json, got "${format}".\n`);
    return EXIT.usage;
  }
  const root = path.resolve(io.cwd, target ?? '.');
  try {
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
  } catch {
    io.stderr(`talium plan: "${target ?? '.'}" is not a directory.\n`);
    return EXIT.usage;
  }
  const cfg = loadConfig(root, undefined, knownRule(ruleCatalog()));
  if (cfg.fatal) {
    io.stderr(`talium plan: ${cfg.fatal}\n`);
    return EXIT.usage;
  }
  const { docs, unread, templates } = loadDocs(root, cfg.config);
  const groups = buildClusterGroups(docs, cfg.config.plan);
  if (format === 'json') io.stdout(`${JSON.stringify(groups.map(planJson), null, 2)}\n`);
  else io.stdout(groups.map(planText).join('\n'));
  const skipped = templatesText(templates, groups);
  if (skipped) io.stderr(skipped);
  // an unreadable cluster.yaml (or any file) leaves facts out: said on stderr, and the plan exits 1
  if (unread.length) {
    io.stderr(unreadText(unread));
    return EXIT.findings;
  }
  return EXIT.ok;
}
