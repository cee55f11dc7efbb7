/**
 * Address text as cluster.yaml writes it: single IPs, CIDRs and `first-last` ranges → intervals. Pure.
 */
import { parseCidr, parseIp, type Cidr, type IpInterval } from '../net/ip.js';

export type Block =
  | { kind: 'ip'; interval: IpInterval }
  | { kind: 'cidr'; interval: IpInterval; cidr: Cidr }
  | { kind: 'range'; interval: IpInterval; start: string; stop: string };

export type BlockError = 'invalid' | 'reversed' | 'family-mismatch';

/** Parse `10.50.0.7`, `10.50.0.224/28` or `10.50.0.100-10.50.0.199` (spaces around `-` allowed). */
export function parseBlock(text: unknown): Block | BlockError {
  if (typeof text !== 'string') return 'invalid';
  const t = text.trim();
  if (t.includes('/')) {
    const c = parseCidr(t);
    return c ? { kind: 'cidr', interval: { family: c.family, first: c.first, last: c.last }, cidr: c } : 'invalid';
  }
  const dash = t.indexOf('-');
  if (dash !== -1) {
    const a = parseIp(t.slice(0, dash).trim());
    const b = parseIp(t.slice(dash + 1).trim());
    if (!a || !b) return 'invalid';
    if (a.family !== b.family) return 'family-mismatch';
    if (a.value > b.value) return 'reversed';
    return { kind: 'range', interval: { family: a.family, first: a.value, last: b.value }, start: t.slice(0, dash).trim(), stop: t.slice(dash + 1).trim() };
  }
  const ip = parseIp(t);
  return ip ? { kind: 'ip', interval: { family: ip.family, first: ip.value, last: ip.value } } : 'invalid';
}
