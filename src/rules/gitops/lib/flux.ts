/**
 * Flux and Argo CD wiring helpers for the GitOps rules: Flux dependencies and the Flux version a repo states,
 * Argo CD Applications by source path; re-exports the Flux Kustomization lookups of plan/flux-kustomizations.ts.
 */
import type { YamlDocument } from '../../../core/document.js';
import { argoSourcePaths, argoSpecPath, dirOf } from '../../../plan/util.js';
import { normDir, type FluxKs } from '../../../plan/flux-kustomizations.js';
import { docsOfKinds } from '../../../core/kind-index.js';
import { annotationCsv } from './argo-annotations.js';

export { dirOf };
export { fluxKustomizations, ksFor, normDir, under, type FluxKs } from '../../../plan/flux-kustomizations.js';
export { fluxVersion } from '../../../plan/flux-version.js';

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Names `ks` depends on, transitively (by name; namespaces are not required to match, Flux defaults them). */
export function dependsOnClosure(ks: FluxKs, list: readonly FluxKs[]): Set<string> {
  const byName = new Map<string, FluxKs[]>();
  for (const k of list) byName.set(k.name, [...(byName.get(k.name) ?? []), k]);
  const seen = new Set<string>();
  const stack = [ks];
  while (stack.length) {
    const k = stack.pop()!;
    const deps = k.doc.get(['spec', 'dependsOn']);
    if (!Array.isArray(deps)) continue;
    for (const dep of deps) {
      const n = isObj(dep) ? dep['name'] : undefined;
      if (typeof n !== 'string' || seen.has(n)) continue;
      seen.add(n);
      stack.push(...(byName.get(n) ?? []));
    }
  }
  return seen;
}

export interface ArgoApp {
  doc: YamlDocument;
  /** Paths of the app's git sources (normalized). */
  dirs: string[];
}

/** Argo CD's kinds that carry sources. */
export const ARGO_APP_KINDS = ['Application', 'ApplicationSet'];

export function argoApps(docs: readonly YamlDocument[]): ArgoApp[] {
  const out: ArgoApp[] = [];
  for (const d of docsOfKinds(docs, ARGO_APP_KINDS)) {
    if (d.group !== 'argoproj.io') continue;
    const srcs = argoSourcePaths(d).map((sp) => d.get(sp));
    const dirs = srcs.filter(isObj).map((s) => normDir(s['path'])).filter((p): p is string => p !== undefined);
    out.push({ doc: d, dirs });
  }
  return out;
}

/** Argo CD sync options of an Application (`syncPolicy.syncOptions`; an ApplicationSet's template's): what it syncs gets them. */
export function argoSyncOptions(doc: YamlDocument): string[] {
  const opts = doc.get([...argoSpecPath(doc), 'syncPolicy', 'syncOptions']);
  return Array.isArray(opts) ? opts.map(String) : [];
}

/**
 * The sync options a resource's own `argocd.argoproj.io/sync-options` annotation sets for that resource. On an
 * Application it is about the Application as a resource of its parent app, never about what the Application syncs.
 */
export function argoResourceSyncOptions(doc: YamlDocument): string[] {
  const ann = doc.get(['metadata', 'annotations', 'argocd.argoproj.io/sync-options']);
  return typeof ann === 'string' ? annotationCsv(ann) : [];
}

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** A sync-wave annotation value Argo CD reads (gitops-engine syncwaves.Wave: strconv.Atoi, sign and decimal digits). */
export const isSyncWave = (v: string): boolean => /^[+-]?[0-9]+$/.test(v);

/** The sync wave of an Application (or of the Applications an ApplicationSet makes): 0 where Atoi fails, as in Argo CD. */
export function syncWave(doc: YamlDocument): number {
  const base = doc.kind === 'ApplicationSet' ? ['spec', 'template', 'metadata', 'annotations'] : ['metadata', 'annotations'];
  const w = doc.get([...base, SYNC_WAVE]) ?? doc.get(['metadata', 'annotations', SYNC_WAVE]);
  const text = typeof w === 'number' && Number.isInteger(w) ? String(w) : w;
  return typeof text === 'string' && isSyncWave(text) ? Number.parseInt(text, 10) : 0;
}
