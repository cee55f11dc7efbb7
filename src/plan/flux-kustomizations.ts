/**
 * Flux Kustomizations of a repository with the folder each applies (`spec.path`), and which of them applies a
 * file (the deepest path above it; several when clusters apply one folder). Shared by the plan (post-build substitution) and the GitOps rules.
 */
import type { YamlDocument } from '../core/document.js';
import { dirOf } from './util.js';
import { docsOfKind } from '../core/kind-index.js';

/**
 * A source path as a folder of the source: `./kubernetes/apps/x/` → `kubernetes/apps/x`; `.` / `./` → ''; `.` and
 * `..` segments resolved (`a/../b` → `b`). A path that climbs above the root (`../..`, `../other/x`) is undefined,
 * unless `clamp`: then its `..` stop at the root, as kustomize-controller resolves `spec.path` inside the source
 * artifact (securejoin.SecureJoin: `../../x` → `x`). Undefined for templated values and non-strings.
 */
export function normDir(p: unknown, clamp = false): string | undefined {
  const r = resolveSourcePath(p);
  return r === undefined || (r.escapes && !clamp) ? undefined : r.dir;
}

/** A source path resolved inside its source (normDir with `clamp`), and whether it climbed above the root. */
export function resolveSourcePath(p: unknown): { dir: string; escapes: boolean } | undefined {
  if (typeof p !== 'string' || /\$\{|\{\{/.test(p)) return undefined;
  const out: string[] = [];
  let escapes = false;
  for (const seg of p.trim().replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg !== '..') out.push(seg);
    else if (out.length) out.pop();
    else escapes = true;
  }
  return { dir: out.join('/'), escapes };
}

/** `dir` is `base` or below it. */
export function under(dir: string, base: string): boolean {
  return base === '' || dir === base || dir.startsWith(`${base}/`);
}

export interface FluxKs {
  doc: YamlDocument;
  name: string;
  namespace: string | undefined;
  /** The folder it applies, inside its source (`..` stop at the root: normDir with `clamp`). */
  dir: string;
  /** `spec.path` climbs above the source's root (`../..`): kustomize-controller applies `dir` instead. */
  escapes?: boolean;
}

export function fluxKustomizations(docs: readonly YamlDocument[]): FluxKs[] {
  const out: FluxKs[] = [];
  for (const d of docsOfKind(docs, 'Kustomization')) {
    if (d.group !== 'kustomize.toolkit.fluxcd.io') continue;
    const r = resolveSourcePath(d.get(['spec', 'path']));
    if (r === undefined || !d.name) continue;
    out.push(r.escapes ? { doc: d, name: d.name, namespace: d.namespace, dir: r.dir, escapes: true } : { doc: d, name: d.name, namespace: d.namespace, dir: r.dir });
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

