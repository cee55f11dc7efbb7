/**
 * How Argo CD reads the values of its own annotations (sync-wave, hook, hook-delete-policy, sync-options,
 * compare-options), shared by the rules that judge them: which values are templated and not judged, and how a
 * comma-separated list is split.
 */

/** Go templates (an ApplicationSet's), Flux `${VAR}`, Jinja: a value not judged. */
export const TEMPLATED_VALUE = /\{\{|\$\{|\{%|#\{/;

/** gitops-engine resource.GetAnnotationCSVs: the comma-separated entries, blanks trimmed, empty ones dropped. */
export function annotationCsv(v: string): string[] {
  return v
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}
