/** network/lbipam-annotation-prefix: `lbipam.cilium.io/*` annotations on a Cilium older than 1.16 (only `io.cilium/lb-ipam-*` works). */
import type { Path } from '../../core/document.js';
import { LBIPAM_NEW_PREFIX_SINCE } from '../../data/cilium.js';
import { atLeast } from '../../data/versions.js';
import { ciliumVersion } from '../../plan/lb.js';
import { defineRule, type RuleFinding } from '../types.js';

const CONFIG = (v: string): string => `plan:\n  versions:\n    cilium: "${v}"\n`;
const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    lbipam.cilium.io/ips: "10.50.0.230"\nspec:\n  type: LoadBalancer\n';

export default defineRule({
  meta: {
    id: 'network/lbipam-annotation-prefix',
    description: 'An lbipam.cilium.io/ annotation is used with a Cilium version that only knows io.cilium/lb-ipam-*.',
    severity: 'error',
    messages: {
      prefix: 'Annotation "{{key}}" needs Cilium {{since}} or newer; this cluster runs Cilium {{version}}, which only reads "{{legacy}}".',
    },
    help: 'Use the io.cilium/lb-ipam-* annotation keys, or upgrade Cilium to 1.16 or newer.',
    docs: {
      what: 'Finds `lbipam.cilium.io/ips`, `lbipam.cilium.io/sharing-key` and `lbipam.cilium.io/sharing-cross-namespace` annotations in a cluster whose Cilium version (from the Cilium release or talium.config.yaml) is older than 1.16.',
      why: 'The lbipam.cilium.io/ prefix arrived in Cilium 1.16; older versions silently ignore it, so the Service gets a random IP or no sharing.',
      fix: 'Write the legacy io.cilium/lb-ipam-* key until the cluster runs Cilium 1.16 or newer.',
      sources: ['https://github.com/cilium/cilium/pull/30169', 'https://github.com/cilium/cilium/issues/30692'],
      autofix: 'Renames the key to its `io.cilium/lb-ipam-` form, unless the map already has that key.',
    },
    examples: {
      valid: [{ files: { 'talium.config.yaml': CONFIG('1.16.0'), 'svc.yaml': SVC } }],
      invalid: [{ files: { 'talium.config.yaml': CONFIG('1.15.6'), 'svc.yaml': SVC } }],
    },
  },
  check({ cluster }) {
    const version = ciliumVersion(cluster);
    if (!version || atLeast(version, LBIPAM_NEW_PREFIX_SINCE)) return [];
    const out: RuleFinding[] = [];
    for (const d of cluster.docs) {
      if (d.docClass !== 'k8s') continue;
      const walk = (v: unknown, path: Path, depth: number): void => {
        if (depth > 14 || v === null || typeof v !== 'object') return;
        if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...path, i], depth + 1));
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
          if (k.startsWith('lbipam.cilium.io/')) {
            const legacy = `io.cilium/lb-ipam-${k.slice('lbipam.cilium.io/'.length)}`;
            out.push({ doc: d, path: [...path, k], key: true, messageId: 'prefix', data: { key: k, since: LBIPAM_NEW_PREFIX_SINCE, version, legacy }, ...(legacy in (v as Record<string, unknown>) ? {} : { fix: { text: legacy, expect: k } }) });
          } else walk(x, [...path, k], depth + 1);
        }
      };
      walk(d.value, [], 0);
    }
    return out;
  },
});
