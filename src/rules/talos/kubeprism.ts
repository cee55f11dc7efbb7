/**
 * talos/kubeprism: KubePrism turned off (a setting, or a full Talos ≥ 1.14 machine config without a KubePrismConfig
 * document), or on another port than the one Cilium's `k8sServicePort` uses. A KubePrism fact the plan only takes
 * from the Talos defaults (plan/talos-defaults.ts) is not judged here: no Talos setting to point at, and the port it
 * implies is compared by cilium/k8s-service-endpoint at the Cilium value.
 */
import { factPlace } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { kprOn, placeOf, releases, unknowable, valueOf } from '../cilium/lib/values.js';
import { defineRule, type RuleFinding } from '../types.js';

const LOCAL = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const CP = (prism: string) => `machine:\n  type: controlplane\n  features:\n    kubePrism:\n${prism}cluster:\n  proxy:\n    disabled: true\n`;
/** A full Talos 1.14 machine config (the installer image gives the version) without a KubePrismConfig document. */
const FULL_114 = 'version: v1alpha1\nmachine:\n  type: controlplane\n  token: abcdef.0123456789abcdef\n  ca:\n    crt: LS0t\n  install:\n    image: ghcr.io/siderolabs/installer:v1.14.0\ncluster:\n  proxy:\n    disabled: true\n';
const VALUES = 'kubeProxyReplacement: true\nk8sServiceHost: localhost\nk8sServicePort: 7445\n';

/**
 * The finding on the setting it is about (`port: 7446`, `enabled: false`) when the KubePrism fact is a mapping that
 * writes it (`machine.features.kubePrism`); else where the fact is (a KubePrismConfig's port, a `$patch: delete`).
 */
function at(place: NonNullable<ReturnType<typeof factPlace>>, key: string): NonNullable<ReturnType<typeof factPlace>> {
  const v = place.range ? undefined : place.doc.get(place.path);
  return v !== null && typeof v === 'object' && !Array.isArray(v) && key in v ? { doc: place.doc, path: [...place.path, key] } : place;
}

export default defineRule({
  meta: {
    id: 'talos/kubeprism',
    description: 'KubePrism must be on, on the port Cilium uses as `k8sServicePort`.',
    severity: 'error',
    messages: {
      off: 'KubePrism is disabled here but Cilium reaches the API server at {{host}}:{{ciliumPort}} (KubePrism); the agent cannot start.',
      port: 'KubePrism listens on port {{port}} but Cilium uses k8sServicePort {{ciliumPort}} with k8sServiceHost "{{host}}".',
      missing: 'This full Talos {{version}} machine config has no KubePrismConfig document, so KubePrism is off, but Cilium reaches the API server at {{host}}:{{ciliumPort}} (KubePrism); the agent cannot start.',
    },
    help: 'Keep KubePrism enabled and set Cilium `k8sServicePort` to its port (default 7445), or change both together.',
    docs: {
      what: 'Compares the KubePrism setting of the Talos config (`machine.features.kubePrism` or `KubePrismConfig`) with the Cilium values that point at a loopback API endpoint.\n\nA full machine config of Talos 1.14 or later (one `talosctl gen config` writes: with its `machine.token` and `machine.ca`, not a patch that starts with `version: v1alpha1`) with no `KubePrismConfig` document (and no `machine.features.kubePrism`) has KubePrism off: reported at that config. Where the repository sets nothing, KubePrism is on at port 7445 by default (Talos 1.6 and later); this rule does not judge that default: cilium/k8s-service-endpoint compares `k8sServicePort` with it.',
      why: 'With kube-proxy replacement the Cilium agent talks to the API server through KubePrism on localhost; if KubePrism is off or listens elsewhere, the agent gets "connection refused", the CNI never comes up and nodes stay NotReady.',
      fix: 'Enable KubePrism (default since Talos 1.6) and keep its port and `k8sServicePort` equal.',
      sources: [SRC.kubePrism, SRC.talosCilium],
    },
    examples: {
      valid: [{ files: { 'talos/controlplane.yaml': CP('      enabled: true\n      port: 7445\n'), 'cilium/values.yaml': VALUES } }],
      invalid: [
        { files: { 'talos/controlplane.yaml': CP('      enabled: true\n      port: 7446\n'), 'cilium/values.yaml': VALUES } },
        { files: { 'talos/controlplane.yaml': CP('      enabled: false\n'), 'cilium/values.yaml': VALUES } },
        { files: { 'talos/controlplane.yaml': FULL_114, 'cilium/values.yaml': VALUES } },
      ],
    },
  },
  check({ cluster }) {
    const prism = cluster.plan.talos.kubePrism;
    // a default is no setting to point at (cilium/k8s-service-endpoint compares the port with it)
    const place = prism && !prism.from.defaulted ? factPlace(prism.from) : undefined;
    if (!prism || !place) return [];
    const out: RuleFinding[] = [];
    for (const r of releases(cluster)) {
      if (kprOn(r) !== true) continue;
      const host = valueOf(r, ['k8sServiceHost']);
      const portRaw = valueOf(r, ['k8sServicePort']);
      if (typeof host !== 'string' || !LOCAL.has(host) || unknowable(portRaw) || portRaw === undefined) continue;
      const ciliumPort = Number(portRaw);
      const related = [{ ...placeOf(r, ['k8sServicePort']), message: `Cilium uses ${host}:${String(portRaw)} here.` }];
      if (!prism.value.enabled && prism.from.missing) out.push({ ...place, messageId: 'missing', data: { host, ciliumPort, version: cluster.plan.versions.talos?.value ?? '1.14' }, related });
      else if (!prism.value.enabled) out.push({ ...at(place, 'enabled'), messageId: 'off', data: { host, ciliumPort }, related });
      else if (prism.value.port !== ciliumPort) out.push({ ...at(place, 'port'), messageId: 'port', data: { port: prism.value.port, ciliumPort, host }, related });
      if (out.length) break;
    }
    return out;
  },
});
