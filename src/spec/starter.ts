/**
 * The starter clusters/<name>/cluster.yaml that `talium init` writes: the reference layout (issue 2's decision
 * record) laid over the user's LAN, newest supported versions, every line commented where the user must check it.
 * Pure: inputs in, text out (byte-stable); cli/init.ts checks the text with the spec loader before writing it.
 *
 * Address layout, as offsets from the LAN's network address (a /24 or larger LAN): gateway +1 (unless given),
 * reserved +2..+9 (switches, access points, NAS), API VIP +10, three schedulable control planes +11..+13, DHCP
 * +100..+199 (unless given), the default LoadBalancer pool +200..+239. A smaller LAN cannot hold it.
 */
import { parse } from 'yaml';
import { formatIp, parseCidr, parseIp, type Cidr } from '../net/ip.js';
import { CILIUM_TESTED_KUBERNETES, NEWEST, TALOS_KUBERNETES, minorOf } from '../data/versions.js';

export interface StarterInput {
  name: string;
  engine: 'flux' | 'argocd';
  repository: string;
  branch?: string;
  /** The LAN as a CIDR (`10.50.0.0/24`). */
  lan: string;
  vlan: number;
  gateway?: string;
  /** DHCP scope as cluster.yaml writes it (`a-b`, a CIDR); default +100..+199. */
  dhcp?: string;
  /** The `$schema` reference for the modeline (relative to the file), or undefined for none. */
  schemaRef?: string;
}

/** A reason the input cannot be laid out (usage error), or the starter text. */
export type StarterResult = { text: string; layout: StarterLayout } | { error: string };

export interface StarterLayout {
  lan: Cidr;
  gateway: string;
  vip: string;
  controlPlanes: string[];
  dhcp: string;
  reserved: string;
  pool: string;
  versions: { talos: string; kubernetes: string; cilium: string };
}

/** Newest Talos and Cilium talium knows, and the newest Kubernetes both support (Cilium's tested list where known). */
export function starterVersions(): StarterLayout['versions'] {
  const talos = NEWEST.talos;
  const cilium = NEWEST.cilium;
  const row = TALOS_KUBERNETES[minorOf(talos)!]!;
  const tested = CILIUM_TESTED_KUBERNETES[minorOf(cilium)!]?.minors;
  const [maj, lo] = row.min.split('.').map(Number) as [number, number];
  const hi = Number(row.max.split('.')[1]);
  let minor = row.max;
  for (let m = hi; m >= lo; m--) {
    const candidate = `${maj}.${m}`;
    if (!tested || tested.includes(candidate)) {
      minor = candidate;
      break;
    }
  }
  const kubernetes = minorOf(row.default) === minor ? row.default : `${minor}.0`;
  return { talos, kubernetes, cilium };
}

/**
 * A string given on the command line as a YAML scalar that reads back as that string: plain when it does, else
 * double-quoted (JSON's quoting is valid YAML), so a branch `2024` or `true` stays a string, not a number or boolean.
 */
function scalar(s: string): string {
  try {
    if (parse(s) === s) return s;
  } catch {
    /* not plain YAML: quote it */
  }
  return JSON.stringify(s);
}

function at(lan: Cidr, offset: number): string {
  return formatIp(lan.family, lan.first + BigInt(offset));
}

export function renderStarter(input: StarterInput): StarterResult {
  const lan = parseCidr(input.lan);
  if (!lan || lan.family !== 4) return { error: `--lan "${input.lan}" is not an IPv4 CIDR such as 10.50.0.0/24.` };
  if (lan.prefix > 24) return { error: `--lan ${lan.canonical} is smaller than a /24: the starter layout needs addresses up to .239; write cluster.yaml by hand (see the README's cluster.yaml reference).` };
  if (lan.hostBitsSet) return { error: `--lan ${input.lan} has host bits set; its network is ${lan.canonical}.` };
  const gateway = input.gateway ?? at(lan, 1);
  const gw = parseIp(gateway);
  if (!gw || gw.family !== 4 || gw.value < lan.first || gw.value > lan.last) return { error: `--gateway "${gateway}" is not an IPv4 address inside ${lan.canonical}.` };
  const versions = starterVersions();
  const layout: StarterLayout = {
    lan,
    gateway,
    vip: at(lan, 10),
    controlPlanes: [at(lan, 11), at(lan, 12), at(lan, 13)],
    dhcp: input.dhcp ?? `${at(lan, 100)}-${at(lan, 199)}`,
    reserved: `${at(lan, 2)}-${at(lan, 9)}`,
    pool: `${at(lan, 200)}-${at(lan, 239)}`,
    versions,
  };
  const l: string[] = [];
  if (input.schemaRef) l.push(`# yaml-language-server: $schema=${input.schemaRef}`);
  l.push(
    `# Cluster ${input.name}: Talos + Cilium (kube-proxy replacement, L2 announcements, LB IPAM), written by \`talium init\`.`,
    '# Check every address and NIC below against your network, then run `talium generate` and commit this file',
    `# together with clusters/${input.name}/generated/. No secrets belong here.`,
    'versions: # newest talium knows; pin the patch releases you run',
    `  talos: ${versions.talos}`,
    `  kubernetes: ${versions.kubernetes}`,
    `  cilium: ${versions.cilium}`,
    '',
    'gitops:',
    `  engine: ${input.engine} # flux or argocd: this one field switches every generated GitOps object`,
    `  repository: ${scalar(input.repository)}`,
    `  branch: ${scalar(input.branch ?? 'main')}`,
    '',
    'lan:',
    `  vlan: ${input.vlan}`,
    `  cidr: ${lan.canonical}`,
    `  gateway: ${gateway}`,
    `  dhcp: ${scalar(layout.dhcp)} # your DHCP server's scope: nodes, the VIP and pools stay clear of it`,
    '  reserved:',
    `    - ${layout.reserved} # switches, access points, NAS: addresses nothing else may take`,
    '',
    'cluster:',
    `  vip: ${layout.vip} # Talos Layer 2 VIP for the Kubernetes API: a free address, control planes only`,
    '  schedulableControlPlanes: true # the control planes run workloads too (set false to keep them off, with workers)',
    '',
    'nodes:',
    '  # NIC names: `talosctl get links --insecure -n <address>` while the node is in maintenance mode',
  );
  layout.controlPlanes.forEach((address, i) => {
    l.push(`  - name: cp-${i + 1}`, '    role: controlplane', `    address: ${address}`, '    nic: enp1s0');
  });
  l.push(
    `  # - name: worker-1`,
    '  #   role: worker',
    `  #   address: ${at(lan, 21)}`,
    '  #   nic: enp1s0',
    '',
    'cilium:',
    '  hubble: true',
    '  l2:',
    '    services: 8 # LoadBalancer services you expect to announce: sizes the Cilium API client rate limit',
    '',
    'pools:',
    '  - name: default',
    '    blocks:',
    `      - ${layout.pool}`,
    '',
  );
  return { text: l.join('\n'), layout };
}
