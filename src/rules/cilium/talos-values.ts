/**
 * cilium/talos-values: the Helm values Talos documents for Cilium (ipam.mode kubernetes, cgroup autoMount off +
 * hostRoot /sys/fs/cgroup, capabilities without SYS_MODULE), checked only when the repository has Talos config.
 * A misspelt key (`cgroup.automount`) is schema/unknown-field's finding, on every repository alike: this rule says
 * nothing about the value it hides.
 */
import { FORBIDDEN_CAPABILITY, TALOS_REQUIRED_VALUES } from '../../data/cilium.js';
import { hasTalos } from '../talos/lib/talos-docs.js';
import { defineRule, type RuleFinding } from '../types.js';
import { isObject } from './lib/objects.js';
import { SRC } from './lib/sources.js';
import { dedupe, incomplete, isSet, placeOf, releasePlace, releases, unknowable, valueOf } from './lib/values.js';

const TALOS = 'machine:\n  type: controlplane\ncluster:\n  network:\n    cni:\n      name: none\n';
const GOOD = 'ipam:\n  mode: kubernetes\ncgroup:\n  autoMount:\n    enabled: false\n  hostRoot: /sys/fs/cgroup\nsecurityContext:\n  capabilities:\n    ciliumAgent: [CHOWN, KILL, NET_ADMIN, NET_RAW, IPC_LOCK, SYS_ADMIN, SYS_RESOURCE, DAC_OVERRIDE, FOWNER, SETGID, SETUID]\n    cleanCiliumState: [NET_ADMIN, SYS_ADMIN, SYS_RESOURCE]\n';

const CAP_LISTS = ['ciliumAgent', 'cleanCiliumState', 'mountCgroup', 'applySysctlOverwrite'];

export default defineRule({
  meta: {
    id: 'cilium/talos-values',
    description: 'Cilium on Talos needs ipam.mode kubernetes, cgroup autoMount off with hostRoot /sys/fs/cgroup, and no SYS_MODULE capability.',
    severity: 'warning',
    messageSeverities: { sysModule: 'error' },
    messages: {
      wrong: 'Cilium value {{key}} is "{{value}}"; Talos requires "{{expected}}".',
      unset: 'Cilium value {{key}} is not set (chart default "{{chartDefault}}"); Talos requires "{{expected}}".',
      sysModule: 'Capability list securityContext.capabilities.{{list}} contains SYS_MODULE; Talos does not allow loading kernel modules and the agent fails with "unable to apply caps".',
      defaultCaps: 'securityContext.capabilities.ciliumAgent is not set; the chart default includes SYS_MODULE, which Talos refuses.',
    },
    help: 'Use the values from the Talos Cilium guide: ipam.mode=kubernetes, cgroup.autoMount.enabled=false, cgroup.hostRoot=/sys/fs/cgroup, capability lists without SYS_MODULE.',
    docs: {
      what: 'On repositories with Talos machine configuration, checks the Cilium Helm values Talos documents as required. A misspelt key (`cgroup.automount`) is reported once, as schema/unknown-field (on Talos repositories and others alike); this rule then does not report the value it hides as unset.',
      why: 'Talos mounts cgroup v2 itself and forbids kernel-module loading: the chart default capabilities include SYS_MODULE and make the agent crash-loop; `ipam.mode: cluster-pool` ignores the Talos pod subnets.',
      fix: 'Copy the value block from the Talos "Deploying Cilium" guide.',
      sources: [SRC.talosCilium, SRC.talosSysModule],
    },
    examples: {
      valid: [{ files: { 'talos/patch.yaml': TALOS, 'cilium/values.yaml': GOOD } }],
      invalid: [
        { files: { 'talos/patch.yaml': TALOS, 'cilium/values.yaml': GOOD.replace('SETUID]', 'SETUID, SYS_MODULE]') } },
        { files: { 'talos/patch.yaml': TALOS, 'cilium/values.yaml': GOOD.replace('mode: kubernetes', 'mode: cluster-pool').replace('autoMount', 'automount') } },
        { files: { 'talos/patch.yaml': TALOS, 'cilium/values.yaml': 'kubeProxyReplacement: true\nk8sServiceHost: localhost\n' } },
      ],
    },
  },
  check({ cluster }) {
    if (!hasTalos(cluster)) return [];
    const out: RuleFinding[] = [];
    const chartDefaults: Record<string, string> = { 'ipam.mode': 'cluster-pool', 'cgroup.autoMount.enabled': 'true', 'cgroup.hostRoot': '/run/cilium/cgroupv2' };
    for (const r of releases(cluster)) {
      const partial = incomplete(r, cluster.docs);
      // a case-insensitive twin of a required key is a misspelling: schema/unknown-field reports it (the same finding
      // with or without Talos config in view), so the key it hides is not reported again as unset
      const cgroup = valueOf(r, ['cgroup']);
      const misspelled = isObject(cgroup) && !('autoMount' in cgroup) && Object.keys(cgroup).some((k) => k.toLowerCase() === 'automount' && k !== 'autoMount');
      for (const [dotted, expected] of Object.entries(TALOS_REQUIRED_VALUES)) {
        const key = dotted.split('.');
        const v = valueOf(r, key);
        if (unknowable(v)) continue;
        if (!isSet(r, key)) {
          if (misspelled && dotted.startsWith('cgroup.autoMount')) continue;
          if (partial) continue;
          out.push({ ...releasePlace(r), messageId: 'unset', data: { key: dotted, expected: String(expected), chartDefault: chartDefaults[dotted] ?? '' }, severity: dotted === 'ipam.mode' ? 'warning' : 'info' });
        } else if (String(v) !== String(expected)) {
          out.push({ ...placeOf(r, key), messageId: 'wrong', data: { key: dotted, value: String(v), expected: String(expected) } });
        }
      }
      for (const list of CAP_LISTS) {
        const caps = valueOf(r, ['securityContext', 'capabilities', list]);
        if (!Array.isArray(caps)) continue;
        const i = caps.indexOf(FORBIDDEN_CAPABILITY);
        if (i !== -1) {
          out.push({ ...placeOf(r, ['securityContext', 'capabilities', list], { suffix: [i] }), messageId: 'sysModule', data: { list }, severity: 'error' });
        }
      }
      if (!partial && !isSet(r, ['securityContext', 'capabilities', 'ciliumAgent'])) out.push({ ...releasePlace(r), messageId: 'defaultCaps' });
    }
    return dedupe(out);
  },
});
