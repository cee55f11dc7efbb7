/** cilium/dotted-values-key: `externalIPs.enabled: true` written as ONE key in a values mapping; Helm does not expand it. */
import { dottedHelmKeys, nestedHelmKey } from '../../data/cilium.js';
import { defineRule, type RuleFinding } from '../types.js';
import { SRC } from './lib/sources.js';
import { distinctLayers, placeInLayer } from './lib/values.js';

export default defineRule({
  meta: {
    id: 'cilium/dotted-values-key',
    description: 'A dotted key (`a.b: x`) in Helm values is a literal key, not a nested value.',
    severity: 'error',
    messages: {
      dotted: 'Cilium values key "{{key}}" contains dots; Helm treats it as one literal key and ignores it (the `--set` syntax does not work in values files). Write it nested: `{{nested}}`.',
    },
    help: 'Nest the key (`loadBalancer.algorithm: maglev` becomes `loadBalancer: {algorithm: maglev}`) instead of writing the `--set` path as one key.',
    docs: {
      what: 'Finds keys like `loadBalancer.algorithm` or `externalIPs.enabled` in Cilium values mappings (HelmRelease `values`, Argo CD `valuesObject`, values files).',
      why: 'Only `helm --set` splits paths on dots; in a values mapping the key stays literal, matches no chart value, and the setting is silently not applied.',
      fix: 'Rewrite the key as nested mappings.',
      sources: [SRC.helmRef, 'https://helm.sh/docs/chart_template_guide/values_files/'],
    },
    examples: {
      valid: [{ files: { 'cilium/values.yaml': 'loadBalancer:\n  algorithm: maglev\n' } }],
      invalid: [{ files: { 'cilium/values.yaml': 'loadBalancer.algorithm: maglev\n' } }],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const layer of distinctLayers(cluster)) {
      for (const path of dottedHelmKeys(layer.values)) {
        const key = path[path.length - 1]!;
        out.push({ ...placeInLayer(layer, path, { key: true }), messageId: 'dotted', data: { key, nested: nestedHelmKey(key) } });
      }
    }
    return out;
  },
});
