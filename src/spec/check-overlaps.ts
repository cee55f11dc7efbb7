/**
 * Address overlaps between the owners of a cluster.yaml LAN (gateway, nodes, VIP, DHCP, reserved ranges, pool
 * blocks): `spec/pool-overlap` per pair of pool blocks (up to MAX_LISTED per block, the last counting the rest), and `spec/overlap` once per owner, listing every owner
 * it collides with (one block to fix, not one error per address on the same line). Pure.
 */
import type { Path, YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import { formatInterval, intersection, type IpInterval } from '../net/ip.js';

/** Something that holds addresses in the LAN: the gateway, a node, the VIP, DHCP, a reserved range, a pool block. */
export interface Owner {
  /** `nodes[0].address`, `pools[1].blocks[0]`... */
  label: string;
  /** Human name: `nodes[0].address (cp-1)`, `pool default`. */
  display: string;
  kind: 'gateway' | 'node' | 'vip' | 'dhcp' | 'reserved' | 'pool';
  poolIndex?: number;
  interval: IpInterval;
  path: Path;
}

/** Collisions named in the message of an owner with several (all of them are related locations). */
const MAX_LISTED = 6;

const describe = (o: Owner): string => (o.kind === 'pool' || o.kind === 'dhcp' || o.kind === 'reserved' ? `inside ${o.display}` : o.display);
const help = (o: Owner): string => `Give ${o.display} addresses that no other owner uses (gateway, nodes, VIP, DHCP, reserved ranges and pools must be disjoint).`;

export function overlapFindings(owners: readonly Owner[], doc: YamlDocument): Finding[] {
  const out: Finding[] = [];
  // per owner reported (the later one in file order), the earlier owners it shares addresses with
  const hits = new Map<Owner, Array<{ first: Owner; where: string }>>();
  const pairsOf = new Map<Owner, { count: number; last?: Finding }>();
  for (let i = 0; i < owners.length; i++) {
    for (let j = i + 1; j < owners.length; j++) {
      const a = owners[i]!;
      const b = owners[j]!;
      const both = intersection(a.interval, b.interval);
      if (!both) continue;
      const [first, second] = comparePaths(a.path, b.path) <= 0 ? [a, b] : [b, a];
      if (a.kind === 'pool' && b.kind === 'pool') {
        // a finding per pair, up to MAX_LISTED per later block; the last one counts the rest (data.more): n copies
        // of one pool were n²/2 findings (1,200 pools: 720,000 findings, a 500 MB report)
        const listed = pairsOf.get(second) ?? { count: 0 };
        pairsOf.set(second, listed);
        if (++listed.count > MAX_LISTED) {
          listed.last!.data!['more'] = listed.count - MAX_LISTED;
          continue;
        }
        const same = a.poolIndex === b.poolIndex;
        const where = formatInterval(both);
        listed.last = {
          doc,
          path: second.path,
          ruleId: 'spec/pool-overlap',
          severity: 'error',
          message: same ? `${second.label} overlaps ${first.label} of the same ${first.display} at ${where}.` : `${second.display} (${second.label}) overlaps ${first.display} (${first.label}) at ${where}.`,
          help: 'Give every pool disjoint blocks: Cilium marks the later pool Conflicting and allocates nothing from it.',
          data: { first: first.label, second: second.label, overlap: where },
          related: [{ doc, path: first.path, message: `${first.display} is here.` }],
        };
        out.push(listed.last);
        continue;
      }
      const list = hits.get(second) ?? [];
      list.push({ first, where: formatInterval(both) });
      hits.set(second, list);
    }
  }
  for (const { count, last } of pairsOf.values()) {
    if (count > MAX_LISTED) last!.message += ` It overlaps ${count - MAX_LISTED} more pool blocks too.`;
  }
  for (const [second, unsorted] of hits) {
    const list = [...unsorted].sort((x, y) => comparePaths(x.first.path, y.first.path));
    const related = list.map(({ first }) => ({ doc, path: first.path, message: `${first.display} is here.` }));
    if (list.length === 1) {
      const { first, where } = list[0]!;
      out.push({
        doc,
        path: second.path,
        ruleId: 'spec/overlap',
        severity: 'error',
        message: `${where} is both ${describe(first)} and ${describe(second)}.`,
        // either side may be the one to move (a DHCP scope widened over a pool: shrink the scope)
        help: `Move ${second.display} or ${first.display} so they no longer share ${where} (gateway, nodes, VIP, DHCP, reserved ranges and pools must be disjoint).`,
        data: { first: first.label, second: second.label, firstOwner: first.display, secondOwner: second.display, overlap: where },
        related,
      });
      continue;
    }
    const named = list.map(({ first, where }) => `${first.display} at ${where}`);
    const shown = list.length > MAX_LISTED ? `${named.slice(0, MAX_LISTED).join(', ')} and ${list.length - MAX_LISTED} more` : named.join(', ');
    out.push({
      doc,
      path: second.path,
      ruleId: 'spec/overlap',
      messageId: 'several',
      severity: 'error',
      message: `${second.display} (${second.label}) shares addresses with ${list.length} other owners: ${shown}.`,
      help: help(second),
      data: {
        second: second.label,
        secondOwner: second.display,
        count: list.length,
        list: shown,
        owners: list.map(({ first }) => first.label).join(','),
        kinds: list.map(({ first }) => first.kind).join(','),
      },
      related,
    });
  }
  return out;
}

function comparePaths(a: Path, b: Path): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return ORDER.indexOf(String(x)) - ORDER.indexOf(String(y)) || (String(x) < String(y) ? -1 : 1);
  }
  return a.length - b.length;
}
/** Owner order for "first"/"second" in messages: the order the file documents them. */
const ORDER = ['lan', 'cluster', 'nodes', 'pools', 'gateway', 'dhcp', 'reserved', 'vip', 'address', 'blocks'];
