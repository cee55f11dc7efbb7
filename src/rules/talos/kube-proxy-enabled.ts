/**
 * talos/kube-proxy-enabled: Cilium replaces kube-proxy (`kubeProxyReplacement: true`) but the Talos config still
 * deploys it. Judged across ALL Talos files of the cluster group (patches are often split per concern).
 */
import { releases, kprOn, placeOf } from '../cilium/lib/values.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';
import { factPlace } from '../../plan/util.js';
import { clusterConfigVisible, isFullMachineConfig, isGeneratedMachineConfig, talosDocs } from './lib/talos-docs.js';

const CP = (proxy: string) => `machine:\n  type: controlplane\ncluster:\n  network:\n    cni:\n      name: none\n${proxy}`;
const VALUES = 'kubeProxyReplacement: true\nk8sServiceHost: localhost\nk8sServicePort: 7445\n';

export default defineRule({
  meta: {
    id: 'talos/kube-proxy-enabled',
    description: 'Talos must not deploy kube-proxy when Cilium runs with kube-proxy replacement.',
    severity: 'error',
    messages: {
      enabled: 'Talos enables kube-proxy here while Cilium sets kubeProxyReplacement: true; both program service rules.',
      notDisabled: 'Cilium sets kubeProxyReplacement: true but no Talos config of cluster "{{cluster}}" disables kube-proxy (Talos deploys it by default).',
    },
    help: 'Add `cluster.proxy.disabled: true` (Talos < 1.14) or a `KubeProxyConfig` document with `enabled: false` (Talos ≥ 1.14) to the control-plane config.',
    docs: {
      what: 'When any Cilium release sets `kubeProxyReplacement: true`, looks through every Talos config, patch, multi-document and talhelper file of the cluster (with the patches talhelper and Omni cluster templates carry inline) for `cluster.proxy.disabled: true` or `KubeProxyConfig enabled: false`; a setting that enables kube-proxy is reported where it is written, inside an inline patch string when it is a literal block.\n' +
        '\n' +
        'A setting in a patch only workers read (talhelper `worker.patches` or a worker node\'s patches, an Omni Workers set or worker Machine, a file only such lists name) does not count: Talos takes cluster settings from control-plane configs; it is shown as a related location.' +
        '\n\n' +
        'An error when the repository holds a machine config as `talosctl gen config` writes it (with its machine token and CA, SOPS-encrypted or not): Talos defaults are then certainly in force. A warning when it holds only patches, even one that starts like a whole config (`version: v1alpha1` with `machine` and `cluster`, as Terraform `config_patches` are written): the base config they patch is not in the repository and may set the kube-proxy setting.',
      why: 'Talos deploys the kube-proxy DaemonSet by default. Next to Cilium\'s kube-proxy replacement it keeps writing iptables service rules that shadow or fight Cilium\'s, a classic source of flaky Services.',
      fix: 'Disable kube-proxy in the Talos control-plane patch before bootstrap (and delete the DaemonSet on a running cluster).',
      sources: [SRC.talosCilium, SRC.kubeProxyPitfall],
    },
    examples: {
      valid: [{ files: { 'talos/controlplane.yaml': CP('  proxy:\n    disabled: true\n'), 'cilium/values.yaml': VALUES } }],
      invalid: [
        { files: { 'talos/controlplane.yaml': CP('  proxy:\n    disabled: false\n'), 'cilium/values.yaml': VALUES } },
        { files: { 'talos/controlplane.yaml': CP(''), 'cilium/values.yaml': VALUES } },
      ],
    },
    needsWholeTree: ['notDisabled'],
  },
  check({ cluster }) {
    const kpr = releases(cluster).find((r) => kprOn(r) === true);
    if (!kpr) return [];
    const docs = talosDocs(cluster);
    if (!docs.length) return [];
    const fact = cluster.plan.talos.kubeProxyDisabled;
    if (fact?.value === true) return [];
    const kprPlace = placeOf(kpr, ['kubeProxyReplacement']);
    const related: RelatedFinding[] = [{ ...kprPlace, message: 'Cilium replaces kube-proxy here.' }];
    // disabled only in a patch workers read: Talos takes cluster settings from the control-plane configs
    const onWorkers = cluster.plan.talos.kubeProxyDisabledOnWorkers;
    const ignored = onWorkers ? factPlace(onWorkers.from) : undefined;
    if (ignored) related.push({ ...ignored, message: 'kube-proxy is disabled here, but only workers read this patch; Talos takes cluster.proxy / KubeProxyConfig from control-plane configs.' });
    const place = fact?.value === false ? factPlace(fact.from) : undefined;
    if (place) return [{ ...place, messageId: 'enabled', related }];
    if (!clusterConfigVisible(docs)) return [];
    const anchor = docs.find(isFullMachineConfig) ?? docs.find((d) => d.docClass === 'talos-config' && d.get(['cluster']) !== undefined && d !== onWorkers?.from.doc) ?? docs.find((d) => d.docClass === 'talhelper') ?? docs.find((d) => d.docClass === 'omni-template' && d.kind === 'Cluster') ?? docs[0]!;
    const out: RuleFinding = { doc: anchor, path: anchor.get(['cluster']) !== undefined ? ['cluster'] : [], key: anchor.get(['cluster']) !== undefined, messageId: 'notDisabled', data: { cluster: cluster.name }, related };
    if (!docs.some(isGeneratedMachineConfig)) out.severity = 'warning';
    return [out];
  },
});
