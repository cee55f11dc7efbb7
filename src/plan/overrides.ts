/** Applies talium.config.yaml `plan:` overrides to an inferred plan; each overridden fact points at the config. */
import { parseCidr, parseIp } from '../net/ip.js';
import { parseRange } from './range.js';
import type { NetworkPlan, PlanConfig, Provenance } from './types.js';

export function applyOverrides(plan: NetworkPlan, cfg: PlanConfig): void {
  const v = cfg.values;
  const from = (...path: (string | number)[]): Provenance => (cfg.doc ? { doc: cfg.doc, path: ['plan', ...path] } : { file: 'talium.config.yaml', note: `plan.${path.join('.')}` });
  const lan = typeof v.lan === 'string' ? parseCidr(v.lan) : undefined;
  if (lan) plan.lan = { value: lan, from: from('lan') };
  if (typeof v.vlan === 'number') plan.vlan = { value: v.vlan, from: from('vlan') };
  for (const k of ['gateway', 'vip'] as const) {
    const a = typeof v[k] === 'string' ? parseIp(v[k]) : undefined;
    if (a) plan[k] = { value: { ...a, text: v[k]!.trim() }, from: from(k) };
  }
  const dhcp = parseRange(v.dhcp);
  if (dhcp) plan.dhcp = { value: dhcp, from: from('dhcp') };
  if (Array.isArray(v.reserved)) {
    const list = v.reserved.map((r, i) => ({ iv: parseRange(r), i })).filter((x) => x.iv);
    plan.reserved = list.map((x) => ({ value: x.iv!, from: from('reserved', x.i) }));
  }
  for (const k of ['podCidrs', 'serviceCidrs'] as const) {
    const list = v[k];
    if (!Array.isArray(list)) continue;
    plan[k] = list.flatMap((c, i) => {
      const p = typeof c === 'string' ? parseCidr(c) : undefined;
      return p ? [{ value: p, from: from(k, i) }] : [];
    });
  }
  for (const k of ['talos', 'kubernetes', 'cilium'] as const) {
    const s = v.versions?.[k];
    if (typeof s === 'string' || typeof s === 'number') plan.versions[k] = { value: String(s).replace(/^v/, ''), from: from('versions', k) };
  }
}
