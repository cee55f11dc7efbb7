/** cilium/lease-timing: L2 lease durations are Go durations with leaseDuration > 1s and > renewDeadline ≥ 1.2 × retryPeriod. */
import { LEASE_DEFAULTS, formatGoDuration, leaseViolations, parseGoDuration, type LeaseViolation } from '../../data/cilium.js';
import { defineRule, type RuleFinding } from '../types.js';
import { SRC } from './lib/sources.js';
import { dedupe, isSet, placeOf, releases, unknowable, valueOf } from './lib/values.js';

const KEYS = ['leaseDuration', 'leaseRenewDeadline', 'leaseRetryPeriod'] as const;
const AT: Record<LeaseViolation, (typeof KEYS)[number]> = { 'duration-min': 'leaseDuration', 'duration-gt-renew': 'leaseDuration', 'renew-gt-retry': 'leaseRenewDeadline' };
const MSG: Record<LeaseViolation, string> = { 'duration-min': 'durationMin', 'duration-gt-renew': 'durationRenew', 'renew-gt-retry': 'renewRetry' };

export default defineRule({
  meta: {
    id: 'cilium/lease-timing',
    description: 'L2 lease timings must satisfy leaseDuration > 1s, leaseDuration > leaseRenewDeadline and leaseRenewDeadline ≥ 1.2 × leaseRetryPeriod.',
    severity: 'error',
    messages: {
      invalid: 'l2announcements.{{key}} "{{value}}" is not a Go duration (e.g. "15s", "200ms").',
      durationMin: 'l2announcements.leaseDuration is {{duration}}; it must be longer than 1s.',
      durationRenew: 'l2announcements.leaseDuration is {{duration}}; it must be longer than leaseRenewDeadline ({{renew}}).',
      renewRetry: 'l2announcements.leaseRenewDeadline is {{renew}}; it must be at least 1.2 × leaseRetryPeriod ({{retry}}).',
    },
    help: 'Keep leaseDuration > leaseRenewDeadline ≥ 1.2 × leaseRetryPeriod (defaults 15s / 5s / 2s; fast failover 3s / 1s / 200ms).',
    docs: {
      what: 'Parses `l2announcements.leaseDuration`, `leaseRenewDeadline` and `leaseRetryPeriod` (defaults 15s, 5s, 2s for unset ones) and checks the documented constraints.',
      why: 'The agent\'s leader election refuses inconsistent timings (the L2 announcer does not start), and timings that are valid but tight make leases flap.',
      fix: 'Use the defaults, or scale all three together (the docs\' fast example is 3s / 1s / 200ms).',
      sources: [SRC.l2],
    },
    examples: {
      valid: [{ files: { 'cilium/values.yaml': 'l2announcements:\n  enabled: true\n  leaseDuration: 3s\n  leaseRenewDeadline: 1s\n  leaseRetryPeriod: 200ms\n' } }],
      invalid: [
        { files: { 'cilium/values.yaml': 'l2announcements:\n  enabled: true\n  leaseDuration: 5s\n  leaseRenewDeadline: 2s\n  leaseRetryPeriod: 2s\n' } },
        { files: { 'cilium/values.yaml': 'l2announcements:\n  enabled: true\n  leaseDuration: 1s\n  leaseRenewDeadline: 2s\n' } },
        { files: { 'cilium/values.yaml': 'l2announcements:\n  enabled: true\n  leaseDuration: fifteen\n' } },
      ],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const r of releases(cluster)) {
      if (!KEYS.some((k) => isSet(r, ['l2announcements', k]))) continue;
      const t: Record<string, number> = {};
      let ok = true;
      for (const k of KEYS) {
        const raw = valueOf(r, ['l2announcements', k]);
        if (raw === undefined || raw === null) { t[k] = LEASE_DEFAULTS[k]; continue; }
        if (unknowable(raw)) { ok = false; continue; }
        const s = parseGoDuration(raw);
        if (s === undefined) { out.push({ ...placeOf(r, ['l2announcements', k]), messageId: 'invalid', data: { key: k, value: String(raw) } }); ok = false; continue; }
        t[k] = s;
      }
      if (!ok) continue;
      const data = { duration: formatGoDuration(t['leaseDuration']!), renew: formatGoDuration(t['leaseRenewDeadline']!), retry: formatGoDuration(t['leaseRetryPeriod']!) };
      for (const v of leaseViolations({ leaseDuration: t['leaseDuration']!, leaseRenewDeadline: t['leaseRenewDeadline']!, leaseRetryPeriod: t['leaseRetryPeriod']! })) {
        const key = isSet(r, ['l2announcements', AT[v]]) ? AT[v] : KEYS.find((k) => isSet(r, ['l2announcements', k]))!;
        out.push({ ...placeOf(r, ['l2announcements', key]), messageId: MSG[v], data });
      }
    }
    return dedupe(out);
  },
});
