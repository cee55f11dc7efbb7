/**
 * The blocks network/pool-reserved-address suggests for a pool block that holds addresses already in use: the free
 * runs of the block's span (inside the LAN) that keep every address Services request from it, as few as hold them.
 * Pure interval arithmetic; which addresses are taken or requested is the rule's to say.
 */
import { formatIp, type Cidr, type Family, type IpInterval } from '../../../net/ip.js';

/** One suggested block: a CIDR when the run is exactly one CIDR block that allocates all of it, else start/stop. */
export type SuggestedBlock = { cidr: string } | { start: string; stop: string };

export interface SuggestionInput {
  /** The block's addresses (its span). */
  span: IpInterval;
  /** The LAN, when known: the suggestion stays inside it (and off its network/broadcast addresses, IPv4). */
  lan?: Cidr;
  /** Everything the suggestion must not hold: the plan's addresses and ranges, the other blocks and pools. */
  taken: readonly IpInterval[];
  /** Addresses Services request from the block: every one must be in the suggestion. */
  requested: readonly bigint[];
  /** How many addresses the block hands out (the size of a block moved elsewhere in the LAN). */
  size: bigint;
  /** True when a CIDR block of this prefix hands out its first and last address (allowFirstLastIPs). */
  cidrAllocatesEdges(prefix: number): boolean;
}

const bits = (f: Family): number => (f === 4 ? 32 : 128);

/** The parts of `domain` outside every interval of `taken` (sorted, disjoint). */
export function freeRuns(domain: IpInterval, taken: readonly IpInterval[]): IpInterval[] {
  const cut = taken.filter((t) => t.family === domain.family && t.first <= domain.last && t.last >= domain.first).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: IpInterval[] = [];
  let next = domain.first;
  for (const t of cut) {
    if (t.first > next) out.push({ family: domain.family, first: next, last: t.first - 1n });
    if (t.last + 1n > next) next = t.last + 1n;
    if (next > domain.last) break;
  }
  if (next <= domain.last) out.push({ family: domain.family, first: next, last: domain.last });
  return out;
}

/** The LAN's network and broadcast addresses (IPv4 LANs shorter than /31, as network/pool-network-broadcast judges them). */
export function lanEdges(lan: Cidr): IpInterval[] {
  if (lan.family !== 4 || lan.prefix >= 31) return [];
  return [
    { family: 4, first: lan.first, last: lan.first },
    { family: 4, first: lan.last, last: lan.last },
  ];
}

/**
 * The blocks to use instead of `span`, or undefined when none can be said with certainty: a requested address that
 * is taken (the gateway itself) or outside the LAN, or no free address at all. With requests: one block per free
 * run of the span that holds a requested address (each run whole; the fewest blocks that keep them all). Without:
 * the span's largest free run, or when the span has none, `size` addresses of the LAN's free run nearest to it.
 */
export function suggestBlocks(input: SuggestionInput): SuggestedBlock[] | undefined {
  const { span } = input;
  const lan = input.lan?.family === span.family ? input.lan : undefined;
  const taken = [...input.taken, ...(lan ? lanEdges(lan) : [])];
  const first = lan && lan.first > span.first ? lan.first : span.first;
  const last = lan && lan.last < span.last ? lan.last : span.last;
  const runs = first <= last ? freeRuns({ family: span.family, first, last }, taken) : [];
  let chosen: IpInterval[];
  if (input.requested.length) {
    const picked = new Set<IpInterval>();
    for (const ip of input.requested) {
      const run = runs.find((r) => r.first <= ip && ip <= r.last);
      if (!run) return undefined;
      picked.add(run);
    }
    chosen = runs.filter((r) => picked.has(r));
  } else if (runs.length) {
    chosen = [runs.reduce((a, b) => (b.last - b.first > a.last - a.first ? b : a))];
  } else {
    if (!lan || input.size < 1n) return undefined;
    const moved = nearestRun(freeRuns(lan, taken), span, input.size);
    if (!moved) return undefined;
    chosen = [moved];
  }
  return chosen.map((r) => asBlock(r, input.cidrAllocatesEdges));
}

/**
 * `size` addresses (or all of a smaller run when no run is large enough) of the free run nearest to `span`, taken
 * from the run's end that faces the span.
 */
function nearestRun(runs: readonly IpInterval[], span: IpInterval, size: bigint): IpInterval | undefined {
  const gap = (r: IpInterval): bigint => (r.last < span.first ? span.first - r.last : r.first > span.last ? r.first - span.last : 0n);
  const fits = runs.filter((r) => r.last - r.first + 1n >= size);
  const pool = fits.length ? fits : runs;
  if (!pool.length) return undefined;
  const best = fits.length
    ? pool.reduce((a, b) => (gap(b) < gap(a) ? b : a))
    : pool.reduce((a, b) => (b.last - b.first > a.last - a.first || (b.last - b.first === a.last - a.first && gap(b) < gap(a)) ? b : a));
  const len = best.last - best.first + 1n;
  if (len <= size) return best;
  return best.last < span.first ? { family: best.family, first: best.last - size + 1n, last: best.last } : { family: best.family, first: best.first, last: best.first + size - 1n };
}

/** A run as a block: `cidr` when it is exactly one CIDR that hands out every address of it, else start/stop. */
function asBlock(r: IpInterval, allocatesEdges: (prefix: number) => boolean): SuggestedBlock {
  const size = r.last - r.first + 1n;
  const pow = size > 0n && (size & (size - 1n)) === 0n;
  if (pow && r.first % size === 0n) {
    const prefix = bits(r.family) - (size.toString(2).length - 1);
    if (prefix >= bits(r.family) - 1 || allocatesEdges(prefix)) return { cidr: `${formatIp(r.family, r.first)}/${prefix}` };
  }
  return { start: formatIp(r.family, r.first), stop: formatIp(r.family, r.last) };
}

/** The blocks as a YAML flow sequence to paste under `spec.blocks` (addresses quoted: IPv6 colons, YAML 1.1 readers). */
export function formatBlocks(blocks: readonly SuggestedBlock[]): string {
  return `[${blocks.map((b) => ('cidr' in b ? `{cidr: "${b.cidr}"}` : `{start: "${b.start}", stop: "${b.stop}"}`)).join(', ')}]`;
}
