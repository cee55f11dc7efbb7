/**
 * network/lbipam-annotation-prefix: `lbipam.cilium.io/*` annotations on a Cilium older than 1.16, which reads only the
 * `io.cilium/lb-ipam-*` aliases, and those only for the features it has.
 */
import type { Path } from '../../core/document.js';
import { LBIPAM_ANNOTATIONS, LBIPAM_NEW_PREFIX_SINCE } from '../../data/cilium.js';
import { atLeast } from '../../data/versions.js';
import { ciliumVersion } from '../../plan/lb.js';
import { defineRule, type RuleFinding } from '../types.js';

const ANNOTATIONS: ReadonlyArray<{ key: string; legacy: string; since?: string }> = Object.values(LBIPAM_ANNOTATIONS);
const CONFIG = (v: string): string => `plan:\n  versions:\n    cilium: "${v}"\n`;
const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    lbipam.cilium.io/ips: "10.50.0.230"\nspec:\n  type: LoadBalancer\n';

export default defineRule({
  meta: {
    id: 'network/lbipam-annotation-prefix',
    description: 'An lbipam.cilium.io/ annotation is used with a Cilium version that only knows io.cilium/lb-ipam-*.',
    severity: 'error',
    messages: {
      prefix: 'Annotation "{{key}}" needs Cilium {{since}} or newer; this cluster runs Cilium {{version}}, which only reads "{{legacy}}".',
      noLegacy: 'Annotation "{{key}}" needs Cilium {{since}} or newer; this cluster runs Cilium {{version}}, which has no io.cilium/ form of it either, so it is ignored.',
    },
    help: 'Use the io.cilium/lb-ipam-* annotation keys, or upgrade Cilium to 1.16 or newer.',
    docs: {
      what: 'Finds `lbipam.cilium.io/` annotations (`ips`, `sharing-key`, `sharing-cross-namespace`, ...) in a cluster whose Cilium version (from the Cilium release or talium.config.yaml) is older than 1.16, and names the `io.cilium/lb-ipam-` key that version reads instead: only for `ips`, and for `sharing-key` from 1.15 (sharing keys came in 1.15). A key with no such alias, or whose feature the version does not have, is reported without one (cross-namespace sharing is network/sharing-cross-namespace\'s).',
      why: 'The lbipam.cilium.io/ prefix arrived in Cilium 1.16; older versions silently ignore it, so the Service gets a random IP or no sharing.',
      fix: 'Write the legacy io.cilium/lb-ipam-* key until the cluster runs Cilium 1.16 or newer.',
      sources: ['https://github.com/cilium/cilium/pull/30169', 'https://github.com/cilium/cilium/issues/30692'],
      autofix: 'Renames the key to its `io.cilium/lb-ipam-` form, where that version reads it, unless the map already has that key.',
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
            // only a known alias, of a feature this version has, is what it reads instead
            const known = ANNOTATIONS.find((a) => a.key === k);
            const legacy = known && (known.since === undefined || atLeast(version, known.since)) ? known.legacy : undefined;
            if (!legacy) out.push({ doc: d, path: [...path, k], key: true, messageId: 'noLegacy', data: { key: k, since: LBIPAM_NEW_PREFIX_SINCE, version } });
            else out.push({ doc: d, path: [...path, k], key: true, messageId: 'prefix', data: { key: k, since: LBIPAM_NEW_PREFIX_SINCE, version, legacy }, ...(legacy in (v as Record<string, unknown>) ? {} : { fix: { text: legacy, expect: k } }) });
          } else walk(x, [...path, k], depth + 1);
        }
      };
      walk(d.value, [], 0);
    }
    return out;
  },
});
