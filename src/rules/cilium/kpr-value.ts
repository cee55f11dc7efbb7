/**
 * cilium/kpr-value: `kubeProxyReplacement` values the Cilium version rejects (`strict`/`partial`/`disabled` from
 * 1.16). `disabled`/`partial` become `false`, except on a cluster whose Talos config disables kube-proxy, where
 * `false` leaves Services unserved (cilium/kpr-off-without-kube-proxy): there the finding asks for `true`, unfixed.
 */
import { atLeast } from '../../data/versions.js';
import { defineRule, type RuleFinding } from '../types.js';
import { needsKpr, talosKubeProxyRelated } from './lib/kube-proxy.js';
import { SRC } from './lib/sources.js';
import { dedupe, isSet, placeOf, releaseVersion, releases, unknowable, valueOf } from './lib/values.js';

const LEGACY = new Set(['strict', 'partial', 'disabled', 'probe']);
/** The legacy values `--fix` replaces: each has a true/false equivalent (probe enabled what the kernel offered: none). */
const FIXABLE = new Set(['strict', 'partial', 'disabled']);

export default defineRule({
  meta: {
    id: 'cilium/kpr-value',
    description: '`kubeProxyReplacement` accepts only true/false from Cilium 1.16.',
    severity: 'error',
    messageSeverities: { legacy: 'warning' },
    // the Helm values schema rejects the same token (schema/enum from 1.16): one finding, the one that says what to use
    supersedes: ['schema/enum'],
    messages: {
      rejected: 'kubeProxyReplacement "{{value}}" is rejected by Cilium {{version}} (only true/false since 1.16); the chart fails to render.',
      legacy: 'kubeProxyReplacement "{{value}}" is a legacy value (deprecated in 1.14, rejected from Cilium 1.16); use {{replacement}}.',
      invalid: 'kubeProxyReplacement "{{value}}" is not a value Cilium accepts (true or false).',
      rejectedNoKubeProxy: 'kubeProxyReplacement "{{value}}" is rejected by Cilium {{version}} (only true/false since 1.16), and its equivalent false leaves Services unserved here: the Talos config disables kube-proxy. Set {{replacement}}.',
      legacyNoKubeProxy: 'kubeProxyReplacement "{{value}}" turns kube-proxy replacement off (a legacy value, rejected from Cilium 1.16) while the Talos config disables kube-proxy: nothing serves NodePort, LoadBalancer or externalIPs Services. Set {{replacement}}.',
    },
    help: 'Set `kubeProxyReplacement: true` (kube-proxy-free; `strict` before) or `false` (`disabled`/`partial` before; `true` when the Talos config disables kube-proxy).',
    docs: {
      what: 'Checks the `kubeProxyReplacement` Helm value of every Cilium release against the values its version accepts.',
      why: 'From 1.16 the chart calls `fail` on `strict`, `partial` and `disabled`, so the HelmRelease or Application never renders; before 1.16 they are deprecated aliases.',
      fix: 'Replace `strict` by `true`, and `disabled`/`partial` by `false`; on a cluster whose Talos config disables kube-proxy (and whose values turn no kube-proxy replacement part on: `socketLB`, `nodePort`, `externalIPs`, `hostPort`), by `true` with `k8sServiceHost: localhost` and `k8sServicePort: 7445`: `false` would leave NodePort, LoadBalancer and externalIPs Services unserved (cilium/kpr-off-without-kube-proxy).',
      sources: [SRC.helmRef, SRC.upgrade, SRC.kubeProxyFree],
      autofix: '`strict` → `true`, `disabled`/`partial` → `false`, when the Cilium version is 1.14 or newer (or unknown); `probe` has no equivalent and is only reported. No fix for `disabled`/`partial` when the Talos config disables kube-proxy: `false` would leave Services unserved and `true` changes what Cilium does (it takes over Services and needs the API server endpoint), so the finding asks for `true` instead.',
    },
    examples: {
      valid: [{ files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\n' } }],
      invalid: [
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: strict\nk8sServiceHost: localhost\n' } },
        { files: { 'cilium/helmfile.yaml': 'releases:\n  - name: cilium\n    chart: cilium/cilium\n    version: 1.18.12\n    values:\n      - kubeProxyReplacement: disabled\n' } },
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: maybe\nk8sServiceHost: localhost\n' } },
        {
          files: { 'talos/controlplane.yaml': 'machine:\n  type: controlplane\ncluster:\n  proxy:\n    disabled: true\n', 'cilium/values.yaml': 'kubeProxyReplacement: disabled\n' },
          note: 'Talos disables kube-proxy: `false` would leave Services unserved, so the finding asks for `true` and offers no fix',
        },
      ],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const r of releases(cluster)) {
      if (!isSet(r, ['kubeProxyReplacement'])) continue;
      const v = valueOf(r, ['kubeProxyReplacement']);
      if (v === true || v === false || v === 'true' || v === 'false' || v === null || unknowable(v)) continue;
      const place = placeOf(r, ['kubeProxyReplacement']);
      const value = String(v);
      const version = releaseVersion(cluster, r);
      if (typeof v === 'string' && LEGACY.has(v)) {
        if ((v === 'disabled' || v === 'partial') && needsKpr(cluster, r)) {
          // `false` would leave Services unserved; `true` changes behaviour: asked for, not written
          const replacement = version && !atLeast(version, '1.14') ? 'strict' : 'true';
          const data = { value, replacement, ...(version ? { version } : {}) };
          const messageId = version && atLeast(version, '1.16') ? 'rejectedNoKubeProxy' : 'legacyNoKubeProxy';
          // the values may be shared by clusters that keep kube-proxy: reported so when every cluster is
          out.push({ ...place, messageId, data, related: talosKubeProxyRelated(cluster), everyGroup: true });
          continue;
        }
        const replacement = v === 'strict' ? 'true' : 'false';
        // strict/disabled/partial have a true/false equivalent Cilium accepts from 1.14 (probe has none)
        const fix = FIXABLE.has(v) && (!version || atLeast(version, '1.14')) ? { fix: { text: replacement, expect: value } } : {};
        if (version && atLeast(version, '1.16')) out.push({ ...place, messageId: 'rejected', data: { value, version }, ...fix });
        else out.push({ ...place, messageId: 'legacy', data: { value, replacement }, severity: 'warning', ...fix });
      } else {
        out.push({ ...place, messageId: 'invalid', data: { value } });
      }
    }
    return dedupe(out);
  },
});
