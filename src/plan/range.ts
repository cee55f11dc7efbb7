/** Parse an address range as written in configuration: `a-b`, a CIDR, a single address, or `{start, stop}`. */
import { parseIp, parseIpOrCidr, type IpInterval } from '../net/ip.js';
import { isObj } from './util.js';

export function parseRange(v: unknown): IpInterval | undefined {
  if (isObj(v)) return startStop(v['start'], v['stop']);
  if (typeof v !== 'string') return undefined;
  const dash = v.indexOf('-');
  if (dash !== -1 && !v.includes('/')) return startStop(v.slice(0, dash), v.slice(dash + 1));
  return parseIpOrCidr(v);
}

function startStop(a: unknown, b: unknown): IpInterval | undefined {
  if (typeof a !== 'string' || typeof b !== 'string') return undefined;
  const s = parseIp(a);
  const e = parseIp(b);
  if (!s || !e || s.family !== e.family || s.value > e.value) return undefined;
  return { family: s.family, first: s.value, last: e.value };
}
