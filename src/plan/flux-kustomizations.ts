/**
 * Flux Kustomizations of a repository with the folder each applies (`spec.path`), and which of them applies a
 * file (the deepest path above it; several when clusters apply one folder). Shared by the plan (post-build substitution) and the GitOps rules.
 */
import type { YamlDocument } from '../core/document.js';
import { dirOf } from './util.js';
import { docsOfKind } from '../core/kind-index.js';

/** `./kubernetes/apps/x/` → `kubernetes/apps/x`; `.` / `./` → ''. Undefined for templated or absolute URLs. */
export function normDir(p: unknown): string | undefined {
  if (typeof p !== 'string' || /\$\{|\{\{/.test(p)) return undefined;
  let s = p.trim().replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  s = s.replace(/^\/+/, '').replace(/\/+$/, '');
  return s === '.' ? '' : s;
}

/** `dir` is `base` or below it. */
export function under(dir: string, base: string): boolean {
  return base === '' || dir === base || dir.startsWith(`${base}/`);
}

export interface FluxKs {
  doc: YamlDocument;
  name: string;
  namespace: string | undefined;
  dir: string;
}

export function fluxKustomizations(docs: readonly YamlDocument[]): FluxKs[] {
  const out: FluxKs[] = [];
  for (const d of docsOfKind(docs, 'Kustomization')) {
    if (d.group !== 'kustomize.toolkit.fluxcd.io') continue;
    const dir = normDir(d.get(['spec', 'path']));
    if (dir === undefined || !d.name) continue;
    out.push({ doc: d, name: d.name, namespace: d.namespace, dir });
  }
  return out;
}

/** The Flux Kustomization with the deepest `spec.path` that contains `file` (ties: first). */
export function ksFor(file: string, list: readonly FluxKs[]): FluxKs | undefined {
  return ksAllFor(file, list)[0];
}

/** Every Flux Kustomization whose `spec.path` is the deepest that contains `file` (one per cluster applying a shared folder). */
export function ksAllFor(file: string, list: readonly FluxKs[]): FluxKs[] {
  const dir = dirOf(file);
  let best: FluxKs[] = [];
  for (const k of list) {
    if (!under(dir, k.dir)) continue;
    if (!best.length || k.dir.length > best[0]!.dir.length) best = [k];
    else if (k.dir.length === best[0]!.dir.length) best.push(k);
  }
  return best;
}

