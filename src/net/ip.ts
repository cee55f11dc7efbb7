/**
 * IP math on ip-num: parse addresses, CIDRs and start-stop ranges into numeric intervals, and answer
 * contains / overlap / host-bits questions. Pure; knows nothing of Cilium or Talos.
 *
 * ip-num loads on first use: setting up its module (IPv6 constants, validated with regular expressions) costs
 * ~13 ms of every run, and a plain dotted-quad IPv4 address, nearly every address in a home lab, is read and
 * written here without it. Anything else (IPv6, leading zeros, odd forms) goes to ip-num, the authority.
 */
import { createRequire } from 'node:module';

type IpNum = typeof import('ip-num');
let ipNumModule: IpNum | undefined;

function ipNum(): IpNum {
  return (ipNumModule ??= createRequire(import.meta.url)('ip-num') as IpNum);
}

/** A dotted quad of decimal octets 0-255 without leading zeros: the form read without ip-num. */
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const DOTTED_QUAD = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

function dottedQuad(text: string): bigint | undefined {
  const m = DOTTED_QUAD.exec(text);
  return m ? BigInt(Number(m[1]) * 16777216 + Number(m[2]) * 65536 + Number(m[3]) * 256 + Number(m[4])) : undefined;
}

export type Family = 4 | 6;

/** A closed interval of addresses [first, last] of one family. */
export interface IpInterval {
  family: Family;
  first: bigint;
  last: bigint;
}

export interface Cidr extends IpInterval {
  /** The network address as written back, e.g. `10.50.0.0/24`. */
  canonical: string;
  prefix: number;
  /** True when the written address had bits set below the prefix (`10.50.0.200/28`). */
  hostBitsSet: boolean;
}

/** Text that cannot be an address in any form ip-num reads: no colon (IPv6) and not only digits and dots (IPv4). */
const NOT_AN_ADDRESS = /^(?![0-9.]+$)[^:]*$/;

export function familyOf(text: string): Family | undefined {
  if (DOTTED_QUAD.test(text)) return 4;
  // host names (`localhost`, `cp1`), interface names and words: answered without loading ip-num
  if (NOT_AN_ADDRESS.test(text)) return undefined;
  const { Validator } = ipNum();
  if (Validator.isValidIPv4String(text)[0]) return 4;
  if (!text.includes('%') && Validator.isValidIPv6String(text)[0]) return 6;
  return undefined;
}

/** Parsed addresses by text: repositories repeat the same few addresses, and ip-num parsing is not cheap. */
const PARSED = new Map<string, Readonly<{ family: Family; value: bigint }> | undefined>();
const PARSED_MAX = 50_000;

export function parseIp(text: string): Readonly<{ family: Family; value: bigint }> | undefined {
  if (typeof text !== 'string') return undefined;
  const known = PARSED.get(text);
  if (known !== undefined || PARSED.has(text)) return known;
  const t = text.trim();
  const quad = dottedQuad(t);
  const fam = quad !== undefined ? 4 : familyOf(t);
  const r =
    quad !== undefined
      ? { family: 4 as const, value: quad }
      : fam === 4
        ? { family: 4 as const, value: ipNum().IPv4.fromString(t).getValue() }
        : fam === 6
          ? { family: 6 as const, value: ipNum().IPv6.fromString(t).getValue() }
          : undefined;
  if (PARSED.size >= PARSED_MAX) PARSED.clear();
  PARSED.set(text, r ? Object.freeze(r) : undefined);
  return r;
}

export function formatIp(family: Family, value: bigint): string {
  if (family === 4 && value >= 0n && value <= 0xffffffffn) {
    const v = Number(value);
    return `${Math.floor(v / 16777216)}.${Math.floor(v / 65536) % 256}.${Math.floor(v / 256) % 256}.${v % 256}`;
  }
  const { collapseIPv6Number, IPv4, IPv6 } = ipNum();
  return family === 4 ? IPv4.fromNumber(value).toString() : collapseIPv6Number(IPv6.fromBigInt(value).toString());
}

/** Parse `a.b.c.d/n` or an IPv6 CIDR; host bits are allowed and reported, not rejected. */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text.trim();
  const slash = t.indexOf('/');
  if (slash === -1) return undefined;
  const addr = parseIp(t.slice(0, slash));
  const pfxText = t.slice(slash + 1);
  if (!addr || !/^\d{1,3}$/.test(pfxText)) return undefined;
  const prefix = Number(pfxText);
  const bits = addr.family === 4 ? 32 : 128;
  if (prefix > bits) return undefined;
  const size = 1n << BigInt(bits - prefix);
  const first = (addr.value / size) * size;
  const last = first + size - 1n;
  const canonical = `${formatIp(addr.family, first)}/${prefix}`;
  return { family: addr.family, first, last, prefix, canonical, hostBitsSet: first !== addr.value };
}

/** Parse an address (a /32 or /128 interval), a CIDR, or nothing. */
export function parseIpOrCidr(text: string): IpInterval | undefined {
  const c = parseCidr(text);
  if (c) return c;
  const a = parseIp(text);
  return a ? { family: a.family, first: a.value, last: a.value } : undefined;
}

export function interval(family: Family, first: bigint, last: bigint): IpInterval {
  return { family, first, last };
}

export function contains(outer: IpInterval, inner: IpInterval): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

export function containsIp(outer: IpInterval, family: Family, value: bigint): boolean {
  return outer.family === family && outer.first <= value && value <= outer.last;
}

export function overlaps(a: IpInterval, b: IpInterval): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** The overlapping part of two intervals, or undefined. */
export function intersection(a: IpInterval, b: IpInterval): IpInterval | undefined {
  if (!overlaps(a, b)) return undefined;
  return { family: a.family, first: a.first > b.first ? a.first : b.first, last: a.last < b.last ? a.last : b.last };
}

export function size(a: IpInterval): bigint {
  return a.last - a.first + 1n;
}

/** `10.50.0.10` or `10.50.0.10-10.50.0.20`, for messages. */
export function formatInterval(a: IpInterval): string {
  const f = formatIp(a.family, a.first);
  return a.first === a.last ? f : `${f}-${formatIp(a.family, a.last)}`;
}

/** Kept to assert that ip-num's CIDR parsing agrees with ours (used in tests). */
export function ipNumCidrBounds(text: string): [string, string] | undefined {
  try {
    const { IPv4CidrRange, IPv6CidrRange } = ipNum();
    const r = text.includes(':') ? IPv6CidrRange.fromCidr(text) : IPv4CidrRange.fromCidr(text);
    return [r.getFirst().toString(), r.getLast().toString()];
  } catch {
    return undefined;
  }
}
