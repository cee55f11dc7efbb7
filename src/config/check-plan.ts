/**
 * The facts of a talium.config.yaml `plan:` section, beyond its schema: addresses, CIDRs and ranges that parse,
 * CIDRs without host bits, ranges that do not run backwards, gateway/VIP/DHCP/reserved inside the LAN. A fact that
 * fails here would otherwise be dropped and quietly switch off the checks that need it.
 */
import type { Path, YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import { formatInterval, parseCidr, parseIp, type IpInterval } from '../net/ip.js';
import { parseRange } from '../plan/range.js';

function invalid(doc: YamlDocument, path: Path, message: string, help: string, data: Record<string, string>): Finding {
  return { ruleId: 'config/invalid', severity: 'error', message, help, doc, path, data: { path: path.join('.'), keyword: 'value', ...data } };
}

const inside = (lan: IpInterval, iv: IpInterval): boolean => iv.family === lan.family && lan.first <= iv.first && iv.last <= lan.last;

export function checkPlanFacts(doc: YamlDocument, plan: Record<string, unknown>): Finding[] {
  const out: Finding[] = [];
  let lan: IpInterval | undefined;
  const lanText = plan['lan'];
  if (typeof lanText === 'string') {
    const c = parseCidr(lanText);
    if (!c) out.push(invalid(doc, ['plan', 'lan'], `plan.lan "${lanText}" is not a CIDR.`, 'Write the LAN as address/prefix, e.g. 10.50.0.0/24.', { value: lanText }));
    else if (c.hostBitsSet) out.push(invalid(doc, ['plan', 'lan'], `plan.lan "${lanText}" has host bits set; did you mean ${c.canonical}?`, `Write the network address: ${c.canonical}.`, { value: lanText, suggestion: c.canonical }));
    else lan = c;
  }
  for (const k of ['gateway', 'vip'] as const) {
    const t = plan[k];
    if (typeof t !== 'string') continue;
    const a = parseIp(t);
    if (!a) out.push(invalid(doc, ['plan', k], `plan.${k} "${t}" is not an IP address.`, 'Write a single address such as 10.50.0.1.', { value: t }));
    else if (lan && !inside(lan, { family: a.family, first: a.value, last: a.value })) out.push(invalid(doc, ['plan', k], `plan.${k} ${t} is outside plan.lan ${formatInterval(lan)}.`, 'Use an address inside the LAN, or fix plan.lan.', { value: t }));
  }
  const ranges: Array<[Path, unknown]> = [[['plan', 'dhcp'], plan['dhcp']]];
  if (Array.isArray(plan['reserved'])) plan['reserved'].forEach((r, i) => ranges.push([['plan', 'reserved', i], r]));
  for (const [path, v] of ranges) {
    if (v === undefined || v === null) continue;
    const label = `plan.${path.slice(1).join('.')}`;
    const iv = parseRange(v);
    if (!iv) out.push(invalid(doc, path, `${label} ${JSON.stringify(v)} is not an address, CIDR or first-last range (or it runs backwards).`, 'Write 10.50.0.7, 10.50.0.224/28 or 10.50.0.100-10.50.0.199 (first address first).', { value: typeof v === 'string' ? v : JSON.stringify(v) }));
    else if (lan && !inside(lan, iv)) out.push(invalid(doc, path, `${label} ${formatInterval(iv)} is outside plan.lan ${formatInterval(lan)}.`, 'Keep it inside the LAN, or fix plan.lan.', { value: formatInterval(iv) }));
  }
  for (const k of ['podCidrs', 'serviceCidrs'] as const) {
    const list = plan[k];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => {
      if (typeof c === 'string' && !parseCidr(c)) out.push(invalid(doc, ['plan', k, i], `plan.${k}[${i}] "${c}" is not a CIDR.`, 'Write address/prefix, e.g. 10.244.0.0/16.', { value: c }));
    });
  }
  return out;
}
