/**
 * gitops/argocd-hook-annotation: the `argocd.argoproj.io/hook` and `argocd.argoproj.io/hook-delete-policy`
 * annotations name types and policies Argo CD knows (exact case). Argo CD drops an unknown entry without a word; an
 * object whose hook annotation names no known type is still a hook, run in no phase: never applied.
 */
import type { Path, YamlDocument } from '../../core/document.js';
import { suggest } from '../../core/suggest.js';
import { ARGO_HOOK_TYPES } from '../../plan/applied.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { argoDocs, annotationCsv, TEMPLATED_VALUE } from './lib/argo-annotations.js';

const HOOK = 'argocd.argoproj.io/hook';
const DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
/** gitops-engine common.NewHookDeletePolicy. */
const DELETE_POLICIES: ReadonlySet<string> = new Set(['HookSucceeded', 'HookFailed', 'BeforeHookCreation']);

const JOB = (hook: string, policy = 'HookSucceeded') =>
  `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: db-migrate\n  namespace: apps\n  annotations:\n    argocd.argoproj.io/hook: ${hook}\n    argocd.argoproj.io/hook-delete-policy: ${policy}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: ghcr.io/example/migrate:1.0.0\n`;

export default defineRule({
  meta: {
    id: 'gitops/argocd-hook-annotation',
    description: 'An `argocd.argoproj.io/hook` type or `hook-delete-policy` that Argo CD does not know (e.g. `Presync`) is silently dropped.',
    severity: 'warning',
    messages: {
      hookNeverApplied:
        '{{kind}} "{{name}}" has hook type "{{value}}", which Argo CD does not know{{near}}; with no hook type it knows, Argo CD still takes the object for a hook (the annotation is set) but runs it in no phase: it is never applied.',
      hookIgnored: '{{kind}} "{{name}}" has hook type "{{value}}", which Argo CD does not know{{near}}; Argo CD drops it and goes by {{kept}} only.',
      deletePolicyDefault:
        '{{kind}} "{{name}}" has hook delete policy "{{value}}", which Argo CD does not know{{near}}; Argo CD drops it and uses its default, BeforeHookCreation (the hook stays until the next sync recreates it).',
      deletePolicyIgnored: '{{kind}} "{{name}}" has hook delete policy "{{value}}", which Argo CD does not know{{near}}; Argo CD drops it and goes by {{kept}} only.',
    },
    help: 'Write the hook types exactly as Argo CD spells them, comma-separated: PreSync, Sync, PostSync, SyncFail, PostDelete, Skip; delete policies: HookSucceeded, HookFailed, BeforeHookCreation.',
    docs: {
      what:
        'Checks the `argocd.argoproj.io/hook` and `argocd.argoproj.io/hook-delete-policy` annotations of every Kubernetes object and ApplicationSet template (`spec.template.metadata`), entry by entry (comma-separated, blanks trimmed), against what Argo CD knows, in exact case:\n' +
        '- hook types PreSync, Sync, PostSync, SyncFail, Skip, PostDelete (Argo CD 2.10+) and PreDelete (3.x);\n' +
        '- delete policies HookSucceeded, HookFailed, BeforeHookCreation.\n' +
        '\n' +
        'Each unknown entry is reported at the annotation value, with the known name it is closest to (case-insensitive). Templated values (`{{...}}`, `${...}`) are not judged. Only Argo CD reads these annotations (Flux and kubectl apply the object as it is).',
      why: 'Argo CD (gitops-engine hook.Types, NewHookType, NewHookDeletePolicy) compares the names exactly and drops unknown ones without an event. An object whose hook annotation is set is a hook whatever its value, so `Presync` alone leaves a hook that runs in no phase: the Job is never created, and nothing says so. A Helm `helm.sh/hook` annotation is read instead only when no Argo CD type is known. An unknown delete policy falls back to BeforeHookCreation, so a hook meant to be deleted on success stays in the cluster.',
      fix: 'Correct the spelling and case (`PreSync`, `HookSucceeded`).',
      sources: [SRC.argoResourceHooks, SRC.argoHookCode, SRC.argoHookTypes],
    },
    examples: {
      valid: [{ files: { 'apps/db-migrate.yaml': JOB('PreSync') } }, { files: { 'apps/db-migrate.yaml': JOB('PreSync,PostSync', 'BeforeHookCreation, HookSucceeded') } }],
      invalid: [{ files: { 'apps/db-migrate.yaml': JOB('Presync') }, note: 'the type is PreSync' }, { files: { 'apps/db-migrate.yaml': JOB('PreSync', 'HookSucceded') }, note: 'the policy is HookSucceeded' }],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    // only the documents with an Argo CD annotation, and the Applications (argoDocs)
    for (const doc of argoDocs(cluster.docs)) {
      if (doc.docClass !== 'k8s') continue;
      const bases: Path[] = [['metadata', 'annotations']];
      if (doc.kind === 'ApplicationSet' && doc.group === 'argoproj.io') bases.push(['spec', 'template', 'metadata', 'annotations']);
      for (const base of bases) {
        judge(doc, base, HOOK, ARGO_HOOK_TYPES, 'helm.sh/hook', out);
        judge(doc, base, DELETE_POLICY, DELETE_POLICIES, 'helm.sh/hook-delete-policy', out);
      }
    }
    return out;
  },
});

/** One annotation: a finding per unknown entry, saying what Argo CD goes by instead (known entries, Helm's, or nothing). */
function judge(doc: YamlDocument, base: Path, key: string, known: ReadonlySet<string>, helmKey: string, out: RuleFinding[]): void {
  const at = [...base, key];
  const v = doc.get(at);
  if (typeof v !== 'string' || TEMPLATED_VALUE.test(v)) return;
  const entries = annotationCsv(v);
  const unknown = entries.filter((t) => !known.has(t));
  if (!unknown.length) return;
  const kept = entries.filter((t) => known.has(t));
  const helm = doc.get([...base, helmKey]);
  const fallback = kept.length ? kept.join(', ') : typeof helm === 'string' && helm.trim() ? `its ${helmKey} annotation ("${helm}")` : undefined;
  const hook = key === HOOK;
  const messageId = hook ? (fallback ? 'hookIgnored' : 'hookNeverApplied') : fallback ? 'deletePolicyIgnored' : 'deletePolicyDefault';
  for (const value of unknown) {
    const suggestion = suggest(value, [...known]);
    out.push({
      doc,
      path: at,
      messageId,
      data: { kind: doc.kind ?? 'Object', name: doc.name ?? '', annotation: key, value, ...(suggestion ? { suggestion } : {}), near: suggestion ? ` (did you mean "${suggestion}"?)` : '', kept: fallback ?? '' },
    });
  }
}
