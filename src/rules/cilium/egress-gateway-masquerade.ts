/**
 * cilium/egress-gateway-masquerade: `egressGateway.enabled: true` needs BPF masquerading (`bpf.masquerade: true`) and
 * IPv4 masquerading (`enableIPv4Masquerade`, on by default): without them the agent refuses to start.
 */
import { defineRule, type RuleFinding } from '../types.js';
import { ciliumHelmRelease } from './lib/examples.js';
import { SRC } from './lib/sources.js';
import { asBool, dedupe, extraConfigSets, layerSetting, placeOf, releases, switchOn, unknowable, unseenMaySet, valueOf, type AgentOption } from './lib/values.js';
import type { CiliumRelease } from '../../plan/types.js';
import { dirOf } from '../../plan/util.js';
import type { YamlDocument } from '../../core/document.js';

const EGRESS_GATEWAY = ['egressGateway', 'enabled'] as const;

/** A masquerading switch the egress gateway needs: its Helm key, chart default, and the agent key `extraConfig` may set instead. */
interface Requirement {
  key: readonly string[];
  defaultOn: boolean;
  agentOption: AgentOption;
}

const isTrue = (v: unknown) => asBool(v) === true;

const REQUIREMENTS: readonly Requirement[] = [
  { key: ['bpf', 'masquerade'], defaultOn: false, agentOption: { key: /^enable-bpf-masquerade$/, on: isTrue } },
  { key: ['enableIPv4Masquerade'], defaultOn: true, agentOption: { key: /^enable-ipv4-masquerade$/, on: isTrue } },
];

/**
 * How a release leaves a requirement: 'off' (a layer sets it off and no values source the repository does not show
 * may set it: unseenMaySet), 'unset' (off by the chart default, and the release's values are complete; for a loose values file, no other loose values file
 * of its folder sets it to anything but off), or undefined (on, templated, or not knowable).
 */
function missing(release: CiliumRelease, req: Requirement, docs: readonly YamlDocument[], all: readonly CiliumRelease[]): 'off' | 'unset' | undefined {
  if (extraConfigSets(release, req.agentOption)) return undefined;
  const v = valueOf(release, req.key);
  if (unknowable(v)) return undefined;
  if (unseenMaySet(release, req.key, docs)) return undefined;
  if (layerSetting(release, req.key)) return asBool(v) === false ? 'off' : undefined;
  if (req.defaultOn || v !== undefined) return undefined;
  // a loose values file may be passed with the others of its folder (`helm install -f values.yaml -f values-egress.yaml`):
  // one that sets the key to anything but off may complete it (one in another folder is another install)
  if (release.engine === 'values-file') {
    const dir = dirOf(release.doc.file.path);
    const completes = (o: CiliumRelease): boolean => o !== release && o.engine === 'values-file' && dirOf(o.doc.file.path) === dir && layerSetting(o, req.key) !== undefined && asBool(valueOf(o, req.key)) !== false;
    if (all.some(completes)) return undefined;
  }
  return 'unset';
}

const hr = ciliumHelmRelease;

export default defineRule({
  meta: {
    id: 'cilium/egress-gateway-masquerade',
    description: 'The egress gateway needs `bpf.masquerade: true` and IPv4 masquerading; without them the Cilium agent does not start.',
    severity: 'error',
    messages: {
      off: 'Cilium values enable the egress gateway but set {{key}} to "{{value}}"; the agent refuses to start (egress gateway requires BPF and IPv4 masquerading).',
      unset: 'Cilium values enable the egress gateway but do not set {{key}} (default false); the agent refuses to start (egress gateway requires BPF and IPv4 masquerading).',
    },
    help: 'Set `bpf.masquerade: true` (and keep `enableIPv4Masquerade` true) in the same Cilium values, or turn the egress gateway off.',
    docs: {
      what: 'For every Cilium release that sets `egressGateway.enabled: true`, checks that `bpf.masquerade` is true and `enableIPv4Masquerade` is not false (the agent options `enable-bpf-masquerade` and `enable-ipv4-masquerade`; an `extraConfig` that sets them counts). Silent when a value is templated or values the repository does not show may set it.',
      why: 'The agent checks these options when the egress gateway is on and exits with "egress gateway requires --enable-ipv4-masquerade=\\"true\\" and --enable-bpf-masquerade=\\"true\\"": every Cilium pod crash-loops, which on a kube-proxy-free cluster takes Service traffic down with it. `bpf.masquerade` is off by default, so enabling only the egress gateway is enough to hit it, often not at the upgrade but at the next agent restart.',
      fix: 'Add `bpf.masquerade: true` next to `egressGateway.enabled: true`. BPF masquerading needs kube-proxy replacement, and on Talos also `forwardKubeDNSToHost: false` (see cilium/bpf-masquerade-host-dns).',
      sources: ['https://docs.cilium.io/en/stable/network/egress-gateway/egress-gateway/', 'https://docs.cilium.io/en/stable/network/concepts/masquerading/', SRC.helmRef],
    },
    examples: {
      valid: [{ files: { 'cilium/helmrelease.yaml': hr('    kubeProxyReplacement: true\n    bpf:\n      masquerade: true\n    egressGateway:\n      enabled: true\n') } }],
      invalid: [
        { files: { 'cilium/helmrelease.yaml': hr('    kubeProxyReplacement: true\n    egressGateway:\n      enabled: true\n') }, note: 'bpf.masquerade is off by default' },
        { files: { 'cilium/helmrelease.yaml': hr('    kubeProxyReplacement: true\n    bpf:\n      masquerade: true\n    enableIPv4Masquerade: false\n    egressGateway:\n      enabled: true\n') } },
      ],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const r of releases(cluster)) {
      if (switchOn(r, EGRESS_GATEWAY) !== true) continue;
      const egress = placeOf(r, EGRESS_GATEWAY);
      for (const req of REQUIREMENTS) {
        const how = missing(r, req, cluster.docs, releases(cluster));
        const key = req.key.join('.');
        if (how === 'off') out.push({ ...placeOf(r, req.key), messageId: 'off', data: { key, value: String(valueOf(r, req.key)) }, related: [{ ...egress, message: 'The egress gateway is enabled here.' }] });
        else if (how === 'unset') out.push({ ...egress, messageId: 'unset', data: { key } });
      }
    }
    return dedupe(out);
  },
});
