/** talos/cni-not-none: Talos installs a CNI (Flannel by default) next to Cilium. */
import { SRC } from '../cilium/lib/sources.js';
import { placeOf, releases } from '../cilium/lib/values.js';
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';
import { factPlace } from '../../plan/util.js';
import { clusterConfigVisible, isFullMachineConfig, isGeneratedMachineConfig, talosDocs } from './lib/talos-docs.js';

const CP = (cni: string) => `machine:\n  type: controlplane\ncluster:\n  proxy:\n    disabled: true\n  network:\n    cni:\n${cni}`;
const VALUES = 'kubeProxyReplacement: true\nk8sServiceHost: localhost\nk8sServicePort: 7445\n';

export default defineRule({
  meta: {
    id: 'talos/cni-not-none',
    description: 'With Cilium, the Talos CNI must be `none` (no Flannel).',
    severity: 'error',
    messages: {
      other: 'Talos CNI is "{{cni}}" but the cluster installs Cilium; two CNIs fight over pod networking.',
      custom: 'Talos CNI is "custom" with URLs that do not look like Cilium ({{urls}}); with Cilium installed elsewhere use "none".',
      unset: 'Cilium is installed but no Talos config of cluster "{{cluster}}" sets the CNI to none; Talos deploys Flannel by default.',
    },
    help: 'Set `cluster.network.cni.name: none` (Talos < 1.14) or add a `KubeFlannelCNIConfig` document with `$patch: delete` (Talos ≥ 1.14).',
    docs: {
      what: 'When the repository installs Cilium, checks the Talos CNI setting across all Talos files of the cluster (`cluster.network.cni`, `KubeFlannelCNIConfig $patch: delete`, talhelper `cniConfig`, and the patches talhelper and Omni cluster templates carry inline, where a finding points inside the patch string when it is a literal block). On Talos 1.14+ the legacy `cluster.network.cni.name: none` is deprecated but still honoured: `talos/deprecated-fields` notes it (info), this rule accepts it.' +
        '\n\n' +
        'An error when the repository holds a machine config as `talosctl gen config` writes it (with its machine token and CA, SOPS-encrypted or not): Talos defaults are then certainly in force. A warning when it holds only patches, even one that starts like a whole config (`version: v1alpha1` with `machine` and `cluster`, as Terraform `config_patches` are written): the base config they patch is not in the repository and may set the CNI setting.',
      why: 'Talos deploys Flannel unless told otherwise; Flannel and Cilium then both configure pod networking and pods get addresses from the wrong plugin.',
      fix: 'Set the CNI to none before bootstrap, then install Cilium (Helm, inline manifest, or GitOps).',
      sources: [SRC.talosCilium],
    },
    examples: {
      valid: [{ files: { 'talos/controlplane.yaml': CP('      name: none\n'), 'cilium/values.yaml': VALUES } }],
      invalid: [
        { files: { 'talos/controlplane.yaml': CP('      name: flannel\n'), 'cilium/values.yaml': VALUES } },
        { files: { 'talos/controlplane.yaml': CP('      name: custom\n      urls:\n        - https://example.org/calico.yaml\n'), 'cilium/values.yaml': VALUES } },
        { files: { 'talos/controlplane.yaml': 'machine:\n  type: controlplane\ncluster:\n  proxy:\n    disabled: true\n', 'cilium/values.yaml': VALUES } },
      ],
    },
    needsWholeTree: ['unset'],
  },
  check({ cluster }) {
    const rels = releases(cluster);
    if (!rels.length) return [];
    const docs = talosDocs(cluster);
    if (!docs.length) return [];
    const related: RelatedFinding[] = [{ ...placeOf(rels[0]!, ['kubeProxyReplacement']), message: 'Cilium is installed here.' }];
    const fact = cluster.plan.talos.cni;
    if (fact) {
      const cni = fact.value;
      const place = factPlace(fact.from);
      if (cni === 'none' || !place) return [];
      if (cni === 'custom') {
        const list = cluster.plan.talos.cniUrls ?? [];
        if (!list.length || list.some((u) => /cilium/i.test(u))) return [];
        return [{ ...place, messageId: 'custom', data: { urls: list.join(', ') }, related }];
      }
      return [{ ...place, messageId: 'other', data: { cni }, related }];
    }
    if (!clusterConfigVisible(docs)) return [];
    const anchor = docs.find(isFullMachineConfig) ?? docs.find((d) => d.docClass === 'talos-config' && d.get(['cluster']) !== undefined) ?? docs.find((d) => d.docClass === 'talhelper') ?? docs.find((d) => d.docClass === 'omni-template' && d.kind === 'Cluster') ?? docs[0]!;
    const out: RuleFinding = { doc: anchor, path: anchor.get(['cluster']) !== undefined ? ['cluster'] : [], key: anchor.get(['cluster']) !== undefined, messageId: 'unset', data: { cluster: cluster.name }, related };
    if (!docs.some(isGeneratedMachineConfig)) out.severity = 'warning';
    return [out];
  },
});
