/**
 * How Argo CD reads the values of its own annotations (sync-wave, hook, hook-delete-policy, sync-options,
 * compare-options), shared by the rules that judge them: which values are templated and not judged, and how a
 * comma-separated list is split; and the index of the documents that can carry them (argoDocs).
 */
import type { YamlDocument } from '../../../core/document.js';
import { docsOfKinds } from '../../../core/kind-index.js';

/** Go templates (an ApplicationSet's), Flux `${VAR}`, Jinja: a value not judged. */
export const TEMPLATED_VALUE = /\{\{|\$\{|\{%|#\{/;

/** gitops-engine resource.GetAnnotationCSVs: the comma-separated entries, blanks trimmed, empty ones dropped. */
export function annotationCsv(v: string): string[] {
  return v
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** The prefix of every annotation Argo CD reads on the objects it syncs. */
export const ARGO_ANNOTATION_PREFIX = 'argocd.argoproj.io/';

const ARGO_KINDS: readonly string[] = ['Application', 'ApplicationSet'];

const ARGO_DOCS = new WeakMap<readonly YamlDocument[], { n: number; docs: readonly YamlDocument[] }>();

/**
 * The Kubernetes documents of a list that Argo CD's annotation rules can judge, in list order: those with an
 * `argocd.argoproj.io/` annotation (metadata.annotations) and every Argo CD Application and ApplicationSet (their
 * `spec.template.metadata.annotations` and `syncPolicy`). A document outside it has none of the annotations those
 * rules read, so they walk these few instead of every document (most repositories have no Argo CD object at all).
 * Indexed once per list, as the kind index is (a list that grew since is indexed again). Shared: do not change it.
 */
export function argoDocs(docs: readonly YamlDocument[]): readonly YamlDocument[] {
  const ix = ARGO_DOCS.get(docs);
  return ix && ix.n === docs.length ? ix.docs : indexArgoDocs(docs);
}

/** The one pass over a list (a function of its own, so that V8 optimises this loop apart from the lookups). */
function indexArgoDocs(docs: readonly YamlDocument[]): readonly YamlDocument[] {
  const out: YamlDocument[] = [];
  // the Applications and ApplicationSets from the kind index (none in most repositories: no kind test per document)
  const apps = docsOfKinds(docs, ARGO_KINDS);
  const isApp = apps.length ? new Set(apps.filter((d) => d.group === 'argoproj.io')) : undefined;
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i]!;
    if (d.docClass !== 'k8s') continue;
    if (hasArgoAnnotation(d.value) || isApp?.has(d)) out.push(d);
  }
  ARGO_DOCS.set(docs, { n: docs.length, docs: out });
  return out;
}

/**
 * Whether metadata.annotations has a key with Argo CD's prefix. `for...in` also sees inherited enumerable keys, as
 * the rules' path reads (core/document.ts get) do, so no annotation they could read is missed.
 */
function hasArgoAnnotation(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const meta = (value as Record<string, unknown>)['metadata'];
  if (meta === null || typeof meta !== 'object') return false;
  const ann = (meta as Record<string, unknown>)['annotations'];
  if (ann === null || typeof ann !== 'object') return false;
  for (const k in ann) if (k.startsWith(ARGO_ANNOTATION_PREFIX)) return true;
  return false;
}

