/**
 * gitops/argocd-helm-values-yaml: the `helm.values` string of an Argo CD Application (or ApplicationSet template)
 * must be a YAML mapping. Argo CD hands it to Helm as a values file; broken YAML fails every render.
 */
import type { Path } from '../../core/document.js';
import { parseValuesText } from '../../lint/parse.js';
import { argoSourcePaths } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { docsOfKinds } from '../../core/kind-index.js';
import { ARGO_APP_KINDS } from './lib/flux.js';

const APP = (values: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n  source:\n    repoURL: https://helm.cilium.io/\n    chart: cilium\n    targetRevision: 1.19.6\n    helm:\n      values: |\n${values.replace(/^/gm, '        ')}`;

export default defineRule({
  meta: {
    id: 'gitops/argocd-helm-values-yaml',
    description: 'An Argo CD `helm.values` string must be a valid YAML mapping.',
    severity: 'error',
    messages: {
      syntax: 'The helm.values of Argo CD {{kind}} "{{app}}" is not valid YAML for Helm (line {{line}}, column {{column}} of the values: {{code}}); every render fails.',
      notMapping: 'The helm.values of Argo CD {{kind}} "{{app}}" is a YAML {{type}}, not a mapping of values; Helm cannot read it.',
    },
    help: 'Fix the YAML inside the values string (indentation, unclosed quotes or brackets), or move the values to `helm.valuesObject` so the file\'s own YAML parser checks them.',
    docs: {
      what: 'Parses the `spec.source.helm.values` and `spec.sources[].helm.values` strings of Argo CD Applications and ApplicationSet templates (Go-templated strings are skipped) and reports YAML errors and values that are not a mapping.',
      why: 'The values are an opaque string to the Application schema and to kubectl, so a broken indentation is only found when Argo CD renders the chart: the app goes to ComparisonError and nothing syncs.',
      fix: 'Correct the YAML, or use `helm.valuesObject` (a real mapping that editors and talium validate).',
      sources: [SRC.argoHelm],
    },
    examples: {
      valid: [{ files: { 'argocd/cilium.yaml': APP('kubeProxyReplacement: true\nl2announcements:\n  enabled: true\n') } }],
      invalid: [
        { files: { 'argocd/cilium.yaml': APP('kubeProxyReplacement: true\nl2announcements:\n  enabled: true\n   leaseDuration: 3s\n') } },
        { files: { 'argocd/cilium.yaml': APP('- kubeProxyReplacement: true\n') }, note: 'a list, not a mapping of values' },
      ],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const d of docsOfKinds(cluster.docs, ARGO_APP_KINDS)) {
      if (d.group !== 'argoproj.io' || (d.kind !== 'Application' && d.kind !== 'ApplicationSet')) continue;
      const app = d.name ?? '';
      const kind = d.kind;
      for (const path of argoSourcePaths(d).map((sp): Path => [...sp, 'helm', 'values'])) {
        const text = d.get(path);
        if (typeof text !== 'string' || text.includes('{{') || text.includes('${')) continue;
        // with valuesObject set Argo CD never reads the string
        const obj = d.get([...path.slice(0, -1), 'valuesObject']);
        if (obj && typeof obj === 'object' && !Array.isArray(obj)) continue;
        const parsed = parseValuesText(text, { unique: true });
        if (!parsed.ok) {
          const range = d.locateInStringAt(path, parsed.line, parsed.column);
          out.push({ doc: d, path, ...(range ? { range } : {}), messageId: 'syntax', data: { kind, app, line: parsed.line, column: parsed.column, code: parsed.code } });
          continue;
        }
        const value = parsed.value;
        if (value === null || value === undefined || (typeof value === 'object' && !Array.isArray(value))) continue;
        out.push({ doc: d, path, messageId: 'notMapping', data: { kind, app, type: Array.isArray(value) ? 'list' : typeof value } });
      }
    }
    return out;
  },
});
