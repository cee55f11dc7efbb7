/**
 * cilium/bpf-masquerade-host-dns: `bpf.masquerade: true` on Talos breaks CoreDNS unless `forwardKubeDNSToHost: false`
 * or the release keeps legacy host routing (`bpf.hostLegacyRouting: true`, where packets pass the host stack again).
 */
import type { YamlDocument } from '../../core/document.js';
import { talosDocs } from '../talos/lib/talos-docs.js';
import { defineRule, type RuleFinding } from '../types.js';
import { isObject } from './lib/objects.js';
import { SRC } from './lib/sources.js';
import { asBool, dedupe, placeOf, releases, valueOf } from './lib/values.js';

/** Every `forwardKubeDNSToHost` value in a Talos document (legacy `machine.features.hostDNS` or any newer document). */
function forwardSettings(doc: YamlDocument): Array<{ value: unknown; path: (string | number)[] }> {
  const out: Array<{ value: unknown; path: (string | number)[] }> = [];
  const walk = (v: unknown, path: (string | number)[], depth: number) => {
    if (depth > 8) return;
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i], depth + 1));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) {
      if (k === 'forwardKubeDNSToHost') out.push({ value: x, path: [...path, k] });
      else walk(x, [...path, k], depth + 1);
    }
  };
  walk(doc.value, [], 0);
  return out;
}

const TALOS = (fwd: string) => `machine:\n  type: controlplane\n  features:\n    hostDNS:\n      enabled: true\n      forwardKubeDNSToHost: ${fwd}\n`;

export default defineRule({
  meta: {
    id: 'cilium/bpf-masquerade-host-dns',
    description: 'Cilium `bpf.masquerade: true` on Talos needs `forwardKubeDNSToHost: false`.',
    severity: 'warning',
    messages: {
      conflict: 'bpf.masquerade is true while Talos forwards kube-dns to the host DNS ({{why}}); CoreDNS queries break.',
      conflictDefault: 'bpf.masquerade is true and no Talos config shown sets forwardKubeDNSToHost to false; if Talos keeps its default (true since Talos 1.8), CoreDNS queries break.',
    },
    help: 'Set `machine.features.hostDNS.forwardKubeDNSToHost: false` in the Talos config, set `bpf.hostLegacyRouting: true` in the Cilium values, or turn off `bpf.masquerade`.',
    docs: {
      what: 'When Cilium values set `bpf.masquerade: true` and the repository has Talos config, checks that Talos `forwardKubeDNSToHost` is set to false somewhere.',
      why: 'Talos forwards kube-dns to its host DNS resolver by default (`forwardKubeDNSToHost: true`); with BPF masquerading and BPF host routing the packets skip the host\'s netfilter rules that redirect them, and in-cluster DNS fails (a known issue in the Talos Cilium guide). Legacy host routing (`bpf.hostLegacyRouting: true`, the workaround Cilium documents for Talos since 1.16.5) sends them through the host stack again, so releases that set it are not reported.',
      fix: 'Add `machine.features.hostDNS.forwardKubeDNSToHost: false` to every node\'s Talos config.',
      sources: [SRC.talosCilium, SRC.talosDnsMasq, SRC.bpfHostRoutingDns],
    },
    examples: {
      valid: [
        { files: { 'talos/patch.yaml': TALOS('false'), 'cilium/values.yaml': 'bpf:\n  masquerade: true\n' } },
        { files: { 'talos/patch.yaml': TALOS('true'), 'cilium/values.yaml': 'bpf:\n  masquerade: true\n  hostLegacyRouting: true\n' } },
      ],
      invalid: [{ files: { 'talos/patch.yaml': TALOS('true'), 'cilium/values.yaml': 'bpf:\n  masquerade: true\n' } }],
    },
  },
  check({ cluster }) {
    const talos = talosDocs(cluster);
    if (!talos.length) return [];
    const settings = talos.flatMap((doc) => forwardSettings(doc).map((s) => ({ doc, ...s })));
    if (settings.some((s) => asBool(s.value) === false || (typeof s.value === 'string' && /\$\{|\{\{/.test(s.value)))) return [];
    const explicit = settings.find((s) => asBool(s.value) === true);
    const hostDns = talos.find((d) => isObject(d.get(['machine', 'features', 'hostDNS'])));
    const out: RuleFinding[] = [];
    for (const r of releases(cluster)) {
      if (asBool(valueOf(r, ['bpf', 'masquerade'])) !== true) continue;
      if (asBool(valueOf(r, ['bpf', 'hostLegacyRouting'])) === true) continue;
      out.push({
        ...placeOf(r, ['bpf', 'masquerade']),
        messageId: explicit || hostDns ? 'conflict' : 'conflictDefault',
        data: { why: explicit ? 'forwardKubeDNSToHost: true' : 'forwardKubeDNSToHost is not set to false; Talos 1.8+ defaults it to true' },
        ...(explicit || hostDns ? {} : { severity: 'info' as const }),
        ...(explicit ? { related: [{ doc: explicit.doc, path: explicit.path, message: 'Talos forwards kube-dns to the host here.' }] } : {}),
      });
    }
    return dedupe(out);
  },
});
