/**
 * Semantic network checks on a cluster.yaml value: CIDR host bits, addresses inside the LAN, network and
 * broadcast addresses, overlaps between owners (check-overlaps.ts), pod/service CIDR overlaps.
 * Defensive on purpose: runs on values that failed the schema too, so one run reports every problem.
 */
import type { Path, YamlDocument } from '../core/document.js';
import { pushAll } from '../core/arrays.js';
import type { Finding } from '../core/finding.js';
import { formatInterval, formatIp, overlaps, parseCidr, type Cidr } from '../net/ip.js';
import { DEFAULT_POD_SUBNET, DEFAULT_SERVICE_SUBNET } from '../data/talos.js';
import { parseBlock } from './addresses.js';
import { overlapFindings, type Owner } from './check-overlaps.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function label(path: Path): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s;
}

/** Parse a CIDR field, reporting invalid text and host bits. */
function cidrField(doc: YamlDocument, path: Path, text: string, out: Finding[]): Cidr | undefined {
  const c = parseCidr(text);
  if (!c) {
    out.push({ doc, path, ruleId: 'spec/invalid-cidr', severity: 'error', message: `${label(path)} "${text}" is not a CIDR.`, help: 'Write it as address/prefix, e.g. 10.50.0.0/24.', data: { path: label(path), value: text } });
    return undefined;
  }
  if (c.hostBitsSet) {
    out.push({
      doc,
      path,
      ruleId: 'spec/cidr-host-bits',
      severity: 'error',
      message: `${label(path)} "${text}" has host bits set; did you mean ${c.canonical}?`,
      help: `Write the network address: ${c.canonical}.`,
      data: { path: label(path), value: text, suggestion: c.canonical },
    });
  }
  return c;
}

export function checkNetwork(value: unknown, doc: YamlDocument): Finding[] {
  const out: Finding[] = [];
  const root = obj(value);
  const lanV = obj(root['lan']);
  const clusterV = obj(root['cluster']);

  const lanText = str(lanV['cidr']);
  let lan = lanText !== undefined ? cidrField(doc, ['lan', 'cidr'], lanText, out) : undefined;
  if (lan && lan.family !== 4) {
    out.push({
      doc,
      path: ['lan', 'cidr'],
      ruleId: 'spec/lan-ipv4',
      severity: 'error',
      message: `lan.cidr ${lan.canonical} is IPv6; talium plans IPv4 LANs (L2 announcements answer ARP, IPv4).`,
      help: 'Describe the IPv4 network of the LAN.',
      data: { value: lan.canonical },
    });
    lan = undefined;
  }

  // Collect owners.
  const owners: Owner[] = [];
  const addOwner = (kind: Owner['kind'], path: Path, display: string, text: unknown, allow: 'ip' | 'block', poolIndex?: number): void => {
    if (typeof text !== 'string') return;
    const b = parseBlock(text);
    const l = label(path);
    if (typeof b === 'string' || (allow === 'ip' && b.kind !== 'ip')) {
      const reason = typeof b === 'string' ? b : 'invalid';
      out.push({
        doc,
        path,
        ruleId: allow === 'ip' ? 'spec/invalid-address' : 'spec/invalid-range',
        severity: 'error',
        message:
          reason === 'reversed'
            ? `${l} "${text}" starts after it ends.`
            : reason === 'family-mismatch'
              ? `${l} "${text}" mixes IPv4 and IPv6.`
              : `${l} "${text}" is not ${allow === 'ip' ? 'an IP address' : 'an address, CIDR or first-last range'}.`,
        help: allow === 'ip' ? 'Write a single address such as 10.50.0.11 (no prefix).' : 'Write 10.50.0.7, 10.50.0.224/28 or 10.50.0.100-10.50.0.199.',
        data: { path: l, value: text, reason },
      });
      return;
    }
    if (b.kind === 'cidr' && b.cidr.hostBitsSet) {
      out.push({ doc, path, ruleId: 'spec/cidr-host-bits', severity: 'error', message: `${l} "${text}" has host bits set; did you mean ${b.cidr.canonical}?`, help: `Write the network address: ${b.cidr.canonical}.`, data: { path: l, value: text, suggestion: b.cidr.canonical } });
    }
    // a pool with allowFirstLastIPs: false never hands out the first and last address of a CIDR block (> /31)
    const trim = kind === 'pool' && poolIndex !== undefined && obj(arr(root['pools'])[poolIndex])['allowFirstLastIPs'] === false && b.kind === 'cidr' && b.cidr.prefix < (b.cidr.family === 4 ? 31 : 127);
    const interval = trim ? { family: b.interval.family, first: b.interval.first + 1n, last: b.interval.last - 1n } : b.interval;
    const o: Owner = { label: l, display, kind, interval, path };
    if (poolIndex !== undefined) o.poolIndex = poolIndex;
    owners.push(o);
  };

  addOwner('gateway', ['lan', 'gateway'], 'lan.gateway', lanV['gateway'], 'ip');
  addOwner('vip', ['cluster', 'vip'], 'cluster.vip', clusterV['vip'], 'ip');
  arr(root['nodes']).forEach((n, i) => {
    const name = str(obj(n)['name']);
    addOwner('node', ['nodes', i, 'address'], `nodes[${i}].address${name ? ` (${name})` : ''}`, obj(n)['address'], 'ip');
  });
  addOwner('dhcp', ['lan', 'dhcp'], 'lan.dhcp', lanV['dhcp'], 'block');
  arr(lanV['reserved']).forEach((r, i) => addOwner('reserved', ['lan', 'reserved', i], `lan.reserved[${i}]`, r, 'block'));
  arr(root['pools']).forEach((p, i) => {
    const name = str(obj(p)['name']) ?? `#${i}`;
    arr(obj(p)['blocks']).forEach((b, j) => addOwner('pool', ['pools', i, 'blocks', j], `pool ${name}`, b, 'block', i));
  });
  arr(lanV['nameservers']).forEach((ns, i) => {
    const path: Path = ['lan', 'nameservers', i];
    const b = typeof ns === 'string' ? parseBlock(ns) : 'invalid';
    if (typeof ns === 'string' && (typeof b === 'string' || b.kind !== 'ip')) {
      out.push({ doc, path, ruleId: 'spec/invalid-address', severity: 'error', message: `${label(path)} "${ns}" is not an IP address.`, help: 'Write a single address such as 10.50.0.1.', data: { path: label(path), value: ns, reason: 'invalid' } });
    }
  });

  // Inside the LAN; not its network or broadcast address.
  if (lan) {
    const hasNetBcast = lan.family === 4 ? lan.prefix <= 30 : lan.prefix <= 126;
    for (const o of owners) {
      const inside = o.interval.family === lan.family && lan.first <= o.interval.first && o.interval.last <= lan.last;
      if (!inside) {
        out.push({
          doc,
          path: o.path,
          ruleId: 'spec/outside-lan',
          severity: 'error',
          message: `${o.display} ${formatInterval(o.interval)} is outside the LAN ${lan.canonical}.`,
          help: o.kind === 'pool' ? `Move the pool inside ${lan.canonical}: L2 announcements only answer ARP for on-link addresses.` : `Use an address inside ${lan.canonical}.`,
          data: { owner: o.label, value: formatInterval(o.interval), lan: lan.canonical },
        });
        continue;
      }
      if (!hasNetBcast) continue;
      for (const [which, addr] of [['network', lan.first], ['broadcast', lan.last]] as const) {
        if (o.interval.first <= addr && addr <= o.interval.last) {
          const a = formatIp(lan.family, addr);
          out.push({
            doc,
            path: o.path,
            ruleId: 'spec/network-address',
            severity: 'error',
            message: `${o.display} ${formatInterval(o.interval)} includes the LAN ${which} address ${a}.`,
            help: `Keep ${a} out of it; the ${which} address of ${lan.canonical} cannot be assigned to a host.`,
            data: { owner: o.label, address: a, which },
          });
        }
      }
    }
  }

  // Overlaps between any two owners: one finding per owner listing its collisions (pool-vs-pool separately).
  pushAll(out, overlapFindings(owners, doc)); // a finding per pair of pool blocks: no spread

  // Pod and service CIDRs: valid, no host bits, clear of the LAN and of each other.
  const nets: Array<{ what: string; path: Path; cidr: Cidr; written: boolean }> = [];
  for (const [key, def] of [['podCidr', DEFAULT_POD_SUBNET], ['serviceCidr', DEFAULT_SERVICE_SUBNET]] as const) {
    const t = str(clusterV[key]);
    const path: Path = ['cluster', key];
    const c = t !== undefined ? cidrField(doc, path, t, out) : parseCidr(def);
    if (c) nets.push({ what: `cluster.${key}`, path, cidr: c, written: t !== undefined });
  }
  const [pod, svc] = nets;
  for (const n of nets) {
    if (lan && overlaps(n.cidr, lan)) {
      out.push({
        doc,
        path: n.written ? n.path : ['cluster'],
        key: !n.written,
        ruleId: 'spec/pod-service-overlap',
        severity: 'error',
        message: `${n.what} ${n.cidr.canonical}${n.written ? '' : ' (default)'} overlaps the LAN ${lan.canonical}.`,
        help: `Set ${n.what} to a private range that does not touch ${lan.canonical}.`,
        data: { what: n.what, cidr: n.cidr.canonical, other: lan.canonical },
      });
    }
  }
  if (pod && svc && overlaps(pod.cidr, svc.cidr)) {
    const at = svc.written ? svc : pod;
    out.push({
      doc,
      path: at.written ? at.path : ['cluster'],
      key: !at.written,
      ruleId: 'spec/pod-service-overlap',
      severity: 'error',
      message: `cluster.serviceCidr ${svc.cidr.canonical} overlaps cluster.podCidr ${pod.cidr.canonical}.`,
      help: 'Use disjoint pod and service networks.',
      data: { what: 'cluster.serviceCidr', cidr: svc.cidr.canonical, other: pod.cidr.canonical },
    });
  }
  return out;
}
