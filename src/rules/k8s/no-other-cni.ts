/** k8s/no-other-cni: Flannel, Calico or Weave DaemonSets deployed next to Cilium. */
import { valueAt } from '../../plan/cilium-release.js';
import { defineRule, type RuleFinding } from '../types.js';
import { docsOfKinds } from '../../core/kind-index.js';

const HR = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\nspec:\n  chart:\n    spec:\n      chart: cilium\n  values:\n    ipam:\n      mode: kubernetes\n';
const FLANNEL = 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-flannel-ds\n  namespace: kube-flannel\nspec:\n  template:\n    spec:\n      containers:\n        - name: kube-flannel\n          image: ghcr.io/flannel-io/flannel:v0.26.7\n';

/** Image patterns of other CNIs' node agents. */
const CNI_IMAGES: Array<[string, RegExp]> = [
  ['Flannel', /(^|\/)flannel(-io)?\/flannel(:|@|$)|(^|\/)flannel:/],
  ['Calico', /(^|\/)calico\/node(:|@|$)|(^|\/)calico\/cni(:|@|$)/],
  ['Weave Net', /(^|\/)weave-kube(:|@|$)|weaveworks\/weave/],
  ['Canal', /(^|\/)canal(:|@|$)/],
];

export default defineRule({
  meta: {
    id: 'k8s/no-other-cni',
    description: "Another CNI's node agent (Flannel, Calico, Weave) is deployed next to Cilium.",
    severity: 'error',
    messages: {
      otherCni: 'DaemonSet "{{name}}" runs {{cni}} ({{image}}) in a cluster that installs Cilium as its CNI.',
      tigera: 'Calico operator Installation "{{name}}" deploys Calico in a cluster that installs Cilium as its CNI.',
    },
    help: 'Run one CNI: remove the other CNI\'s manifests (and set Talos cluster.network.cni.name: none).',
    docs: {
      what: 'Finds DaemonSets whose containers run Flannel, Calico, Weave Net or Canal images, and Calico operator `Installation` objects, in a cluster with a Cilium release or Cilium objects, unless Cilium runs in CNI chaining mode (`cni.chainingMode`).',
      why: 'Two CNIs write competing CNI configs and routes on every node; pods get addresses from one and policies from the other, and networking fails intermittently.',
      fix: 'Delete the other CNI\'s manifests; on Talos disable the built-in Flannel (`cni: name: none` or KubeFlannelCNIConfig `$patch: delete`).',
      sources: ['https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium'],
    },
    examples: {
      valid: [{ files: { 'cilium.yaml': HR } }],
      invalid: [
        { files: { 'cilium.yaml': HR, 'flannel.yaml': FLANNEL } },
        { files: { 'cilium.yaml': HR, 'calico.yaml': 'apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata:\n  name: default\n' } },
      ],
    },
  },
  check({ cluster }) {
    const cilium = cluster.ciliumReleases.length > 0 || cluster.docs.some((d) => d.group === 'cilium.io');
    if (!cilium) return [];
    // CNI chaining (cni.chainingMode, e.g. on top of Flannel or Calico) runs Cilium next to another CNI on purpose
    if (cluster.ciliumReleases.some((r) => { const m = valueAt(r, 'cni.chainingMode')?.value; return typeof m === 'string' && m !== 'none'; })) return [];
    const out: RuleFinding[] = [];
    for (const d of docsOfKinds(cluster.docs, ['Installation', 'DaemonSet'])) {
      if (d.kind === 'Installation' && d.group === 'operator.tigera.io') {
        out.push({ doc: d, path: ['kind'], messageId: 'tigera', data: { name: d.name ?? '' } });
        continue;
      }
      if (d.kind !== 'DaemonSet' || d.group !== 'apps') continue;
      for (const list of ['initContainers', 'containers'] as const) {
        const cs = d.get(['spec', 'template', 'spec', list]);
        if (!Array.isArray(cs)) continue;
        const hit = cs.map((c, i) => ({ i, image: c && typeof c === 'object' ? String((c as Record<string, unknown>)['image'] ?? '') : '' })).map((c) => ({ ...c, cni: CNI_IMAGES.find(([, re]) => re.test(c.image))?.[0] })).find((c) => c.cni);
        if (!hit) continue;
        out.push({ doc: d, path: ['spec', 'template', 'spec', list, hit.i, 'image'], messageId: 'otherCni', data: { name: d.name ?? '', cni: hit.cni!, image: hit.image } });
        break;
      }
    }
    return out;
  },
});
