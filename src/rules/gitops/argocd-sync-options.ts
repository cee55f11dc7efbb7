/**
 * gitops/argocd-sync-options: the entries of the `argocd.argoproj.io/sync-options` and `argocd.argoproj.io/compare-options`
 * annotations and of an Application's `spec.syncPolicy.syncOptions` are options Argo CD knows, written as it compares
 * them (exact string); an unknown entry, a value it does not read or an Application-only option on a resource is
 * ignored without a word, leaving the option off.
 */
import type { Path, YamlDocument } from '../../core/document.js';
import { suggest } from '../../core/suggest.js';
import { argoSpecPath } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { argoDocs, annotationCsv, TEMPLATED_VALUE } from './lib/argo-annotations.js';

const SYNC = 'argocd.argoproj.io/sync-options';
const COMPARE = 'argocd.argoproj.io/compare-options';
const BOOL = ['true', 'false'];

/**
 * Sync options and the values Argo CD reads (gitops-engine pkg/sync/common/types.go SyncOption* constants, argo-cd
 * docs/user-guide/sync-options.md). `true`/`false` are both accepted where one of them is the default: writing the
 * default is harmless. `app`: read only from an Application's syncPolicy.syncOptions (argo-cd controller), never from
 * a resource's annotation.
 */
const SYNC_OPTIONS: Record<string, { values: readonly string[]; app?: true }> = {
  SkipDryRunOnMissingResource: { values: BOOL },
  Prune: { values: ['false', 'confirm', 'true'] },
  Delete: { values: ['false', 'confirm', 'true'] },
  Validate: { values: BOOL },
  PruneLast: { values: BOOL },
  Replace: { values: BOOL },
  Force: { values: BOOL },
  ServerSideApply: { values: BOOL },
  ApplyOutOfSyncOnly: { values: BOOL },
  ClientSideApplyMigration: { values: BOOL },
  CreateNamespace: { values: BOOL, app: true },
  PrunePropagationPolicy: { values: ['foreground', 'background', 'orphan'], app: true },
  FailOnSharedResource: { values: BOOL, app: true },
  RespectIgnoreDifferences: { values: BOOL, app: true },
};
/** Compare options (argo-cd docs/user-guide/compare-options.md, diffing.md): IgnoreExtraneous takes no value. */
const COMPARE_ENTRIES = ['IgnoreExtraneous', 'ServerSideDiff=true', 'ServerSideDiff=false', 'IncludeMutationWebhook=true', 'IncludeMutationWebhook=false'];
const SYNC_ENTRIES = Object.entries(SYNC_OPTIONS).flatMap(([k, o]) => o.values.map((v) => `${k}=${v}`));

const DEPLOY = (opts: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: apps\n  annotations:\n    argocd.argoproj.io/sync-options: ${opts}\nspec:\n  selector:\n    matchLabels: { app: web }\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/example/web:1.0.0\n`;
const APP = (opt: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/me/home-ops.git\n    targetRevision: main\n    path: apps/web\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n  syncPolicy:\n    syncOptions:\n      - ${opt}\n`;

export default defineRule({
  meta: {
    id: 'gitops/argocd-sync-options',
    description: 'An Argo CD sync or compare option it does not know (e.g. `SkipDryRunOnMissingResources=true`) is silently ignored.',
    severity: 'warning',
    messages: {
      unknown: '{{kind}} "{{name}}" has {{where}} "{{value}}", which Argo CD does not know{{near}}; Argo CD ignores it without a word, so the option stays off.',
      badValue: '{{kind}} "{{name}}" has {{where}} "{{value}}": Argo CD reads {{key}} only as {{known}}{{near}}; it ignores this entry and keeps the default.',
      appOnly:
        '{{kind}} "{{name}}" has "{{value}}" in its {{where}}, but Argo CD reads {{key}} only from an Application\'s spec.syncPolicy.syncOptions; on a resource it does nothing.',
    },
    help: 'Write the options exactly as Argo CD spells them, `Key=value`, e.g. `SkipDryRunOnMissingResource=true`, `ServerSideApply=true`, `Prune=false`, `CreateNamespace=true` (Application only); compare options: `IgnoreExtraneous`, `ServerSideDiff=true`.',
    docs: {
      what:
        'Checks every entry of the `argocd.argoproj.io/sync-options` and `argocd.argoproj.io/compare-options` annotations (comma-separated, blanks trimmed) of every Kubernetes object and ApplicationSet template (`spec.template.metadata`), and of an Application\'s (or ApplicationSet template\'s) `spec.syncPolicy.syncOptions`, against the options Argo CD reads:\n' +
        '- on resources and Applications: SkipDryRunOnMissingResource, Validate, PruneLast, Replace, Force, ServerSideApply, ApplyOutOfSyncOnly, ClientSideApplyMigration (`true`/`false`), Prune and Delete (`false`, `confirm`, `true`);\n' +
        '- on Applications only: CreateNamespace, FailOnSharedResource, RespectIgnoreDifferences (`true`/`false`), PrunePropagationPolicy (`foreground`, `background`, `orphan`);\n' +
        '- compare options: IgnoreExtraneous, ServerSideDiff and IncludeMutationWebhook (`true`/`false`).\n' +
        '\n' +
        'An unknown option or value is reported at the annotation value or list item, with the known entry it is closest to (case-insensitive, edit distance); an Application-only option in a resource\'s annotation is reported too. Templated values (`{{...}}`, `${...}`) are not judged. This is its own rule, not part of gitops/argocd-hook-annotation: a sync option typo leaves one behaviour off (the object is still synced), where a hook typo changes whether the object is applied at all, and the two are fixed and disabled independently. gitops/cilium-crs-order reads `SkipDryRunOnMissingResource=true` the same exact way, so a misspelt option reported here is also missing there.',
      why: 'Argo CD (gitops-engine HasOption, HasAnnotationOption) compares each option as an exact string and ignores any other without an event or condition. `SkipDryRunOnMissingResources=true` (one extra s) or `ServerSideApply=True` leaves the option off: the first sync of a custom resource whose CRD is not there yet fails its dry run, an object meant to be kept is pruned, a large object is applied client-side and fails on the last-applied annotation size.',
      fix: 'Correct the spelling and case (`SkipDryRunOnMissingResource=true`), and move Application-only options (CreateNamespace, PrunePropagationPolicy, ...) to the Application\'s `spec.syncPolicy.syncOptions`.',
      sources: [SRC.argoSyncOptions, SRC.argoCompareOptions, SRC.argoHookTypes],
    },
    examples: {
      valid: [{ files: { 'apps/web.yaml': DEPLOY('SkipDryRunOnMissingResource=true, Prune=false') } }, { files: { 'argocd/web.yaml': APP('CreateNamespace=true') } }],
      invalid: [
        { files: { 'apps/web.yaml': DEPLOY('SkipDryRunOnMissingResources=true') }, note: 'the option is SkipDryRunOnMissingResource' },
        { files: { 'argocd/web.yaml': APP('ServerSideApply=True') }, note: 'the value is lowercase true' },
      ],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    // only the documents with an Argo CD annotation, and the Applications (argoDocs)
    for (const doc of argoDocs(cluster.docs)) {
      if (doc.docClass !== 'k8s') continue;
      const bases: Path[] = [['metadata', 'annotations']];
      const argo = (doc.kind === 'Application' || doc.kind === 'ApplicationSet') && doc.group === 'argoproj.io';
      if (doc.kind === 'ApplicationSet' && doc.group === 'argoproj.io') bases.push(['spec', 'template', 'metadata', 'annotations']);
      for (const base of bases) {
        for (const key of [SYNC, COMPARE]) {
          const at = [...base, key];
          const v = doc.get(at);
          if (typeof v !== 'string' || TEMPLATED_VALUE.test(v)) continue;
          for (const entry of annotationCsv(v)) judge(doc, at, entry, key === SYNC ? 'sync' : 'compare', `${key} annotation`, out);
        }
      }
      if (!argo) continue;
      const listAt = [...argoSpecPath(doc), 'syncPolicy', 'syncOptions'];
      const list = doc.get(listAt);
      if (!Array.isArray(list)) continue;
      list.forEach((item, i) => {
        if (typeof item === 'string' && !TEMPLATED_VALUE.test(item)) judge(doc, [...listAt, i], item.trim(), 'app', 'spec.syncPolicy.syncOptions', out);
      });
    }
    return out;
  },
});

/** One entry: unknown option, unknown value, or an Application-only option on a resource. */
function judge(doc: YamlDocument, path: Path, entry: string, place: 'sync' | 'compare' | 'app', where: string, out: RuleFinding[]): void {
  const base = { kind: doc.kind ?? 'Object', name: doc.name ?? '', where, value: entry };
  if (place === 'compare') {
    if (COMPARE_ENTRIES.includes(entry)) return;
    const key = entry.split('=')[0]!;
    const known = COMPARE_ENTRIES.filter((e) => e.split('=')[0] === key);
    const suggestion = suggest(entry, known.length ? known : COMPARE_ENTRIES);
    const near = suggestion ? ` (did you mean "${suggestion}"?)` : '';
    if (known.length) out.push({ doc, path, messageId: 'badValue', data: { ...base, key, known: known.join(', '), ...(suggestion ? { suggestion } : {}), near } });
    else out.push({ doc, path, messageId: 'unknown', data: { ...base, ...(suggestion ? { suggestion } : {}), near } });
    return;
  }
  const eq = entry.indexOf('=');
  const key = eq < 0 ? entry : entry.slice(0, eq);
  const value = eq < 0 ? undefined : entry.slice(eq + 1);
  const opt = Object.hasOwn(SYNC_OPTIONS, key) ? SYNC_OPTIONS[key] : undefined;
  if (opt && value !== undefined && opt.values.includes(value)) {
    if (opt.app && place === 'sync') out.push({ doc, path, messageId: 'appOnly', data: { ...base, key } });
    return;
  }
  if (opt) {
    const known = opt.values.map((v) => `${key}=${v}`);
    const suggestion = suggest(entry, known);
    out.push({ doc, path, messageId: 'badValue', data: { ...base, key, known: known.join(', '), ...(suggestion ? { suggestion } : {}), near: suggestion ? ` (did you mean "${suggestion}"?)` : '' } });
    return;
  }
  // the nearest whole entry, else the nearest option name with the value as written
  const nearKey = suggest(key, Object.keys(SYNC_OPTIONS));
  const suggestion = suggest(entry, SYNC_ENTRIES) ?? (nearKey && value !== undefined && SYNC_OPTIONS[nearKey]!.values.includes(value) ? `${nearKey}=${value}` : nearKey);
  out.push({ doc, path, messageId: 'unknown', data: { ...base, ...(suggestion ? { suggestion } : {}), near: suggestion ? ` (did you mean "${suggestion}"?)` : '' } });
}
