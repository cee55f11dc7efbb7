/** cilium/values-key-typo: a top-level Cilium values key that is no chart value but a near miss of one (`l2anouncements`). */
import { REMOVED_HELM_KEYS } from '../../data/cilium.js';
import { valuesKeyNearMiss } from '../../data/cilium-values-keys.js';
import { defineRule, type RuleFinding } from '../types.js';
import { isTemplated } from './lib/objects.js';
import { SRC } from './lib/sources.js';
import { distinctLayers, placeInLayer } from './lib/values.js';

/** Keys other rules report: removed chart keys (cilium/removed-values). Dotted keys are cilium/dotted-values-key's. */
/** Top-level keys of one values layer looked at (bounded time on hostile input). */
const MAX_KEYS_PER_LAYER = 1000;

const REPORTED_ELSEWHERE = new Set(REMOVED_HELM_KEYS.map((k) => k.key));

export default defineRule({
  meta: {
    id: 'cilium/values-key-typo',
    description: 'A top-level Cilium values key is a misspelling of a chart value.',
    severity: 'warning',
    messages: {
      typo: 'Cilium values key "{{key}}" is not a value of the Cilium chart; did you mean "{{suggestion}}"? Helm ignores keys the chart does not read, so this setting has no effect.',
    },
    help: 'Rename the key to the chart value it misspells (the suggestion in the message).',
    docs: {
      what: 'Compares every top-level key of Cilium values (HelmRelease `values`, Argo CD `valuesObject`/`helm.values`, values files, kustomize `valuesInline`) with the top-level keys of the Cilium chart 1.16–1.20, and reports a key that is none of them but differs from one only in letter case or by one or two typing errors (`l2anouncements`, `kubeProxyReplacment`, `externalIps`). Keys far from every chart value stay silent: the chart\'s top level is open.',
      why: 'Helm passes unknown values to the templates, which never read them: a misspelt top-level key installs Cilium without the feature (no L2 announcements, kube-proxy replacement off) and nothing fails. Nested sections talium models report misspellings as schema/unknown-field; the top level cannot be closed.',
      fix: 'Rename the key to the suggested chart value.',
      sources: [SRC.helmRef, 'https://helm.sh/docs/chart_template_guide/values_files/'],
    },
    examples: {
      valid: [{ files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nl2announcements:\n  enabled: true\nmyCompanyNote: not a chart value, not close to one\n' } }],
      invalid: [{ files: { 'cilium/values.yaml': 'kubeProxyReplacment: true\nl2anouncements:\n  enabled: true\n' } }],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const layer of distinctLayers(cluster)) {
      // Cilium's chart has ~200 top-level values; a mapping with thousands of keys is no values file to spell-check
      for (const key of Object.keys(layer.values).slice(0, MAX_KEYS_PER_LAYER)) {
        if (key.includes('.') || isTemplated(key) || REPORTED_ELSEWHERE.has(key)) continue;
        const suggestion = valuesKeyNearMiss(key);
        if (suggestion) out.push({ ...placeInLayer(layer, [key], { key: true }), messageId: 'typo', data: { key, suggestion } });
      }
    }
    return out;
  },
});
