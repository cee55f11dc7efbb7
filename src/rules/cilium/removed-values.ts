/** cilium/removed-values: Helm keys the target Cilium removed or ignores (`tunnel`, `externalIPs.enabled` with KPR, `hostPort.enabled`, ...). */
import { REMOVED_HELM_KEYS } from '../../data/cilium.js';
import { atLeast } from '../../data/versions.js';
import { defineRule, type RuleFinding } from '../types.js';
import { SRC } from './lib/sources.js';
import { dedupe, isSet, kprOn, placeOf, releaseVersion, releases, valueOf } from './lib/values.js';

/** Without a known version, judge against the oldest line talium supports. */
const FLOOR = '1.16.0';

export default defineRule({
  meta: {
    id: 'cilium/removed-values',
    description: 'Cilium Helm values that the target version removed, rejects or ignores.',
    severity: 'warning',
    messages: {
      failing: 'Cilium value "{{key}}" was removed in {{since}} and the chart refuses to render with it ({{note}}).',
      removed: 'Cilium value "{{key}}" was removed in {{since}} (target {{version}}); Helm ignores it ({{note}}).',
      noop: 'Cilium value "{{key}}" has no effect with kubeProxyReplacement: true ({{note}}).',
    },
    help: 'Delete the key; when the message names a replacement (`tunnel`: `routingMode` + `tunnelProtocol`), set that instead.',
    docs: {
      what: 'Looks up every key of the Cilium values in a table of removed and no-op Helm values (per version; with kube-proxy replacement for the no-op ones).',
      why: 'Removed keys are silently ignored (the setting you think you have is not applied) or make the chart `fail`; `externalIPs.enabled` does nothing under kube-proxy replacement although the L2 docs still mention it.',
      fix: 'Remove the key (`tunnel` → `routingMode` + `tunnelProtocol`; `externalIPs.enabled`, `hostPort.enabled`, `nodePort.enabled` → implied by `kubeProxyReplacement: true`).',
      sources: [SRC.helmRef, SRC.upgrade, SRC.externalIpsIssue],
    },
    examples: {
      valid: [{ files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nroutingMode: tunnel\ntunnelProtocol: vxlan\n' } }],
      invalid: [{ files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\ntunnel: vxlan\nexternalIPs:\n  enabled: true\n' } }],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const r of releases(cluster)) {
      const version = releaseVersion(cluster, r);
      const v = version ?? FLOOR;
      const kpr = kprOn(r) === true;
      const reported = new Set<string>();
      // most specific first: a removal beats a no-op for the same key
      const applicable = REMOVED_HELM_KEYS.filter((k) => atLeast(v, k.since) && (!k.whenKpr || kpr)).sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'removed' ? -1 : 1));
      for (const k of applicable) {
        if (reported.has(k.key)) continue;
        const key = k.key.split('.');
        if (!isSet(r, key) || valueOf(r, key) === null) continue;
        reported.add(k.key);
        const place = placeOf(r, key, { key: true });
        const data = { key: k.key, since: k.since, note: k.note, version: version ?? 'unknown' };
        if (k.kind === 'no-op') out.push({ ...place, messageId: 'noop', data });
        else if (k.chartFails) out.push({ ...place, messageId: 'failing', data, severity: version ? 'error' : 'warning' });
        else out.push({ ...place, messageId: 'removed', data });
      }
    }
    // one values file shared by several releases (helmfile bootstrap + Flux) states each removed key once
    return dedupe(out, ['version']);
  },
});
