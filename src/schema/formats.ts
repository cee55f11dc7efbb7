/**
 * String formats as Kubernetes (apiextensions) and Go read them: cidr, ipv4/ipv6/ip, int-or-string, quantity,
 * duration, int32/int64, byte, date-time, hostname, mac, uuid. Pure predicates; registered on ajv by ajv.ts.
 */
import { familyOf, parseCidr } from '../net/ip.js';

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const V4_CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(3[0-2]|[12]?\d)$/;

/** Go net.ParseCIDR: address/prefix, host bits allowed, no leading zeros in IPv4 octets (Go >= 1.17). */
export function isCidr(s: string): boolean {
  if (V4_CIDR.test(s)) return true;
  if (!s.includes(':')) return false;
  return !/\s/.test(s) && parseCidr(s) !== undefined;
}

export function isIpv4(s: string): boolean {
  return V4.test(s);
}

export function isIpv6(s: string): boolean {
  return s.includes(':') && familyOf(s) === 6;
}

export function isIp(s: string): boolean {
  return V4.test(s) || (s.includes(':') && familyOf(s) === 6);
}

/** Go time.ParseDuration: `300ms`, `-1.5h`, `2h45m`, `0`. Units ns us µs ms s m h. */
const DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$/;
export function isDuration(s: string): boolean {
  return DURATION.test(s);
}

/** Kubernetes resource.Quantity: signed number, optional exponent or binary/decimal SI suffix. */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;
export function isQuantity(s: string | number): boolean {
  return typeof s === 'number' ? Number.isFinite(s) : QUANTITY.test(s);
}

export function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647;
}

export function isInt64(n: number): boolean {
  return Number.isInteger(n);
}

const BYTE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
export function isByte(s: string): boolean {
  return BYTE.test(s);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
export function isDateTime(s: string): boolean {
  return DATE_TIME.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T')));
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/i;
export function isHostname(s: string): boolean {
  return HOSTNAME.test(s);
}

const MAC = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/;
export function isMac(s: string): boolean {
  return MAC.test(s);
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
export function isUuid(s: string): boolean {
  return UUID.test(s);
}

function uint(s: string, max: number): boolean {
  return /^(0|[1-9]\d{0,9})$/.test(s) && Number(s) <= max;
}

/** BGP standard community: a uint32, or `asn:value` with two uint16 (RFC 1997 notation). */
export function isBgpCommunity(s: string): boolean {
  const p = s.split(':');
  if (p.length === 1) return uint(p[0]!, 4294967295);
  return p.length === 2 && uint(p[0]!, 65535) && uint(p[1]!, 65535);
}

/** BGP large community: three uint32 separated by colons (RFC 8092). */
export function isBgpLargeCommunity(s: string): boolean {
  const p = s.split(':');
  return p.length === 3 && p.every((x) => uint(x, 4294967295));
}

/** An IPv4 or IPv6 address, IPv6 optionally with a `%zone`. */
export function isIpZoned(s: string): boolean {
  const pct = s.indexOf('%');
  if (pct === -1) return isIp(s);
  return pct < s.length - 1 && isIpv6(s.slice(0, pct));
}

/** Formats we check, by name, with the JSON type they apply to. */
export const FORMATS: Record<string, { type: 'string' | 'number'; validate: (v: never) => boolean }> = {
  cidr: { type: 'string', validate: isCidr as (v: never) => boolean },
  ipv4: { type: 'string', validate: isIpv4 as (v: never) => boolean },
  ipv6: { type: 'string', validate: isIpv6 as (v: never) => boolean },
  ip: { type: 'string', validate: isIp as (v: never) => boolean },
  duration: { type: 'string', validate: isDuration as (v: never) => boolean },
  quantity: { type: 'string', validate: isQuantity as (v: never) => boolean },
  'date-time': { type: 'string', validate: isDateTime as (v: never) => boolean },
  hostname: { type: 'string', validate: isHostname as (v: never) => boolean },
  mac: { type: 'string', validate: isMac as (v: never) => boolean },
  uuid: { type: 'string', validate: isUuid as (v: never) => boolean },
  byte: { type: 'string', validate: isByte as (v: never) => boolean },
  'bgp-community': { type: 'string', validate: isBgpCommunity as (v: never) => boolean },
  'bgp-large-community': { type: 'string', validate: isBgpLargeCommunity as (v: never) => boolean },
  'ip-zoned': { type: 'string', validate: isIpZoned as (v: never) => boolean },
  int32: { type: 'number', validate: isInt32 as (v: never) => boolean },
  int64: { type: 'number', validate: isInt64 as (v: never) => boolean },
};
