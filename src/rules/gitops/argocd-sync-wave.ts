/**
 * gitops/argocd-sync-wave: the `argocd.argoproj.io/sync-wave` annotation must be an integer as Go's strconv.Atoi
 * reads it; anything else ("first", "1.5", " 2") puts the object in wave 0 without a word, out of the intended order.
 */
import type { Path } from '../../core/document.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { isSyncWave, SYNC_WAVE } from './lib/flux.js';
import { argoDocs, TEMPLATED_VALUE } from './lib/argo-annotations.js';


const CM = (wave: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\n  annotations:\n    argocd.argoproj.io/sync-wave: ${wave}\ndata:\n  mode: fast\n`;

export default defineRule({
  meta: {
    id: 'gitops/argocd-sync-wave',
    description: 'An `argocd.argoproj.io/sync-wave` annotation that is not an integer puts the object in wave 0.',
    severity: 'warning',
    messages: {
      notInteger: '{{kind}} "{{name}}" has sync-wave {{value}}, which is not an integer; Argo CD cannot read it and syncs the object in wave 0{{hook}}, not in the order you meant.',
    },
    help: 'Write the wave as a quoted whole number, e.g. `argocd.argoproj.io/sync-wave: "-1"` or `"5"` (no spaces, decimals or words).',
    docs: {
      what: 'Checks the `argocd.argoproj.io/sync-wave` annotation of every Kubernetes object, Argo CD Application and ApplicationSet template (`spec.template.metadata`): a string value must be an optional sign and decimal digits, as Go\'s `strconv.Atoi` accepts. An unquoted number is not judged here: annotations are strings, so `schema/type` reports it. Templated values (`{{...}}`, `${...}`, `{% ... %}`) are not judged.',
      why: 'Argo CD reads the wave with `strconv.Atoi` and, when that fails, falls back to the Helm hook weight, which is 0 for objects without one: no error, no event. An Application meant for wave "-1" (the CNI before everything else) or a Job meant to run last then syncs together with wave 0, and ordering problems appear only on a fresh cluster.',
      fix: 'Use a whole number in quotes. Negative waves sync first; the default wave is 0.',
      sources: [SRC.argoSyncWaves, SRC.argoSyncWaveCode],
    },
    examples: { valid: [{ files: { 'apps/settings.yaml': CM('"-1"') } }], invalid: [{ files: { 'apps/settings.yaml': CM('"first"') } }, { files: { 'apps/settings.yaml': CM('"1.5"') } }] },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    // only the documents with an Argo CD annotation, and the Applications (argoDocs)
    for (const doc of argoDocs(cluster.docs)) {
      // templated files are judged value by value (an ApplicationSet is Go-templated by design)
      if (doc.docClass !== 'k8s') continue;
      const places: Path[] = [['metadata', 'annotations', SYNC_WAVE]];
      if (doc.kind === 'ApplicationSet' && doc.group === 'argoproj.io') places.push(['spec', 'template', 'metadata', 'annotations', SYNC_WAVE]);
      for (const at of places) {
        const v = doc.get(at);
        if (typeof v !== 'string' || TEMPLATED_VALUE.test(v) || isSyncWave(v)) continue;
        const hook = doc.get(['metadata', 'annotations', 'helm.sh/hook-weight']) !== undefined ? ' (or its Helm hook weight)' : '';
        out.push({ doc, path: at, messageId: 'notInteger', data: { kind: doc.kind ?? 'Object', name: doc.name ?? '', value: JSON.stringify(v), hook } });
      }
    }
    return out;
  },
});
