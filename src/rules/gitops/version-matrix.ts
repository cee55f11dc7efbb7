/** gitops/version-matrix: Talos × Kubernetes and Cilium × Kubernetes versions outside the published support matrices. */
import { CILIUM_TESTED_KUBERNETES, TALOS_KUBERNETES, ciliumTestedText, ciliumTestsKubernetes, minorOf, talosSupportsKubernetes } from '../../data/versions.js';
import { pinnedMinor } from '../cilium/lib/objects.js';
import { factRelated } from '../../plan/lb.js';
import { factPlace } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';

const TALCONFIG = (k8s: string) => `clusterName: home\ntalosVersion: v1.13.9\nkubernetesVersion: v${k8s}\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n`;

export default defineRule({
  meta: {
    id: 'gitops/version-matrix',
    description: 'Kubernetes must be within the Talos support matrix and the Cilium-tested Kubernetes versions.',
    severity: 'error',
    messageSeverities: { cilium: 'warning' },
    messages: {
      talos: 'Kubernetes {{kubernetes}} is outside what Talos {{talos}} supports ({{min}}–{{max}}).',
      cilium: 'Kubernetes {{kubernetes}} is not among the versions Cilium {{cilium}} is tested with ({{tested}}).',
    },
    help: 'Pick a Kubernetes version both Talos and Cilium support (or upgrade Talos/Cilium first).',
    docs: {
      what: 'Compares the Talos, Kubernetes and Cilium versions of the network plan (talconfig, Talos config, releases, talium.config.yaml) with the Talos support matrix and Cilium\'s e2e-tested Kubernetes list. Where a Cilium line\'s list is not established (1.16, 1.17), only a Kubernetes newer than the newest one the next line with an established list tests (1.18: 1.33) is reported: an older line is never tested with newer Kubernetes than a newer line.',
      why: 'Talos refuses or misbehaves with Kubernetes versions outside its matrix (kubelet/apiserver flags change between minors). Cilium only guarantees the Kubernetes versions its CI tests; others work by luck.',
      fix: 'Align the versions: upgrade Talos before Kubernetes, and Cilium to a line that tests your Kubernetes minor.',
      sources: [SRC.talosMatrix, SRC.ciliumCompat],
    },
    examples: {
      valid: [{ files: { 'talos/talconfig.yaml': TALCONFIG('1.35.2') } }],
      invalid: [
        { files: { 'talos/talconfig.yaml': TALCONFIG('1.30.0') } },
        { files: { 'talos/talconfig.yaml': TALCONFIG('1.35.2'), 'cilium/helmrelease.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: 1.18.12\n      sourceRef:\n        kind: HelmRepository\n        name: cilium\n  values:\n    kubeProxyReplacement: true\n' } },
      ],
    },
  },
  check({ cluster }) {
    const { talos, kubernetes, cilium } = cluster.plan.versions;
    const place = kubernetes ? factPlace(kubernetes.from) : undefined;
    if (!kubernetes || !place || !pinnedMinor(kubernetes.value)) return [];
    const out: RuleFinding[] = [];
    // both versions in cluster.yaml: its spec/kubernetes-version check reports the pairing already
    const fromSpec = (f: { from: { doc?: { docClass: string } } } | undefined) => f?.from.doc?.docClass === 'cluster-spec';
    if (talos && !(fromSpec(kubernetes) && fromSpec(talos)) && pinnedMinor(talos.value) && talosSupportsKubernetes(talos.value, kubernetes.value) === false) {
      const row = TALOS_KUBERNETES[minorOf(talos.value)!]!;
      out.push({ ...place, messageId: 'talos', data: { kubernetes: kubernetes.value, talos: talos.value, min: row.min, max: row.max }, related: factRelated(talos, `Talos ${talos.value} is set here.`) });
    }
    if (cilium && !(fromSpec(kubernetes) && fromSpec(cilium)) && pinnedMinor(cilium.value) && ciliumTestsKubernetes(cilium.value, kubernetes.value) === false) {
      const row = CILIUM_TESTED_KUBERNETES[minorOf(cilium.value)!]!;
      // a list not established, bounded by a newer line's high-confidence one (ciliumTestedBound): as sure as that list
      out.push({ ...place, messageId: 'cilium', data: { kubernetes: kubernetes.value, cilium: cilium.value, tested: ciliumTestedText(cilium.value) }, severity: row.confidence === 'medium' ? 'info' : 'warning', related: factRelated(cilium, `Cilium ${cilium.value} is set here.`) });
    }
    return out;
  },
});
