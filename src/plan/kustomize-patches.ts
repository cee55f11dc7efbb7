/**
 * The kustomize patches a repository applies, wherever they are written: a kustomization's `patches`,
 * `patchesJson6902` and `patchesStrategicMerge`, a Flux Kustomization's `spec.patches`, an Argo CD source's
 * `kustomize.patches`; the files they name; the kinds whose apiVersion they are keyed on. Each computed once per
 * document list. (The rendering of patched HelmReleases is plan/kustomize-overlays.ts.)
 */
import type { YamlDocument } from '../core/document.js';
import { argoSourcePaths, isObj, normalizePath } from './util.js';

/** One patch entry (a mapping with `target`/`patch`/`path`, or a strategic-merge string) and the document holding it. */
export interface PatchEntry {
  doc: YamlDocument;
  entry: unknown;
}

const ENTRIES = new WeakMap<readonly YamlDocument[], PatchEntry[]>();

/** Every patch entry of the repository, in document order. */
export function kustomizePatchEntries(all: readonly YamlDocument[]): readonly PatchEntry[] {
  const known = ENTRIES.get(all);
  if (known) return known;
  const out: PatchEntry[] = [];
  const add = (doc: YamlDocument, list: unknown): void => {
    if (Array.isArray(list)) for (const entry of list) out.push({ doc, entry });
  };
  for (const d of all) {
    if (d.docClass === 'kustomization') for (const key of ['patches', 'patchesJson6902', 'patchesStrategicMerge']) add(d, d.get([key]));
    else if (d.kind === 'Kustomization' && d.group === 'kustomize.toolkit.fluxcd.io') add(d, d.get(['spec', 'patches']));
    else if ((d.kind === 'Application' || d.kind === 'ApplicationSet') && d.group === 'argoproj.io') for (const sp of argoSourcePaths(d)) add(d, d.get([...sp, 'kustomize', 'patches']));
  }
  ENTRIES.set(all, out);
  return out;
}

const PATCH_FILES = new WeakMap<readonly YamlDocument[], Set<string>>();

/** Files that kustomizations use as patches (`patches[].path`, `patchesStrategicMerge[]`): partial objects. */
export function kustomizePatchFiles(all: readonly YamlDocument[]): ReadonlySet<string> {
  const known = PATCH_FILES.get(all);
  if (known) return known;
  const out = new Set<string>();
  for (const { doc, entry } of kustomizePatchEntries(all)) {
    if (doc.docClass !== 'kustomization') continue;
    const rel = isObj(entry) ? entry['path'] : entry;
    if (typeof rel !== 'string' || rel.includes('\n')) continue;
    const dir = doc.file.path.includes('/') ? doc.file.path.slice(0, doc.file.path.lastIndexOf('/')) : '';
    const p = normalizePath(dir ? `${dir}/${rel}` : rel);
    if (p !== undefined) out.add(p);
  }
  PATCH_FILES.set(all, out);
  return out;
}

/** In kustomizePatchedKinds: a patch may select objects of any kind by their version. */
export const PATCHED_ANY_KIND = '*';

const PATCHED_KINDS = new WeakMap<readonly YamlDocument[], Set<string>>();

/**
 * Kinds whose apiVersion a kustomization patch is keyed on: the kinds of strategic-merge patch documents (patch
 * files, inline patches in YAML or JSON: kustomize matches them by apiVersion too), and targets that name a
 * `version` (every patch entry above, `replacements` sources and target selects). A new apiVersion on such a kind
 * could make the patch stop matching, so --fix leaves it alone. A target by kind and name only still matches after
 * the change. `PATCHED_ANY_KIND` (`*`) stands for every kind: a target by version without a kind, or with a kind
 * regex (kustomize selectors are anchored regular expressions).
 */
export function kustomizePatchedKinds(all: readonly YamlDocument[]): ReadonlySet<string> {
  const known = PATCHED_KINDS.get(all);
  if (known) return known;
  const kinds = new Set<string>();
  const inline = (text: unknown): void => {
    if (typeof text !== 'string') return;
    for (const m of text.matchAll(/["']?\bkind["']?\s*:\s*["']?([A-Za-z0-9]+)/g)) kinds.add(m[1]!);
  };
  const target = (t: unknown): void => {
    if (!isObj(t) || t['version'] === undefined) return;
    const kind = t['kind'];
    kinds.add(typeof kind === 'string' && /^[A-Za-z0-9]+$/.test(kind) ? kind : PATCHED_ANY_KIND);
  };
  for (const { entry: p } of kustomizePatchEntries(all)) {
    if (typeof p === 'string') inline(p);
    if (!isObj(p)) continue;
    target(p['target']);
    // an inline patch without a target is a strategic-merge patch keyed on its own apiVersion/kind
    if (typeof p['patch'] === 'string' && (p['target'] === undefined || /["']?\bapiVersion["']?\s*:/.test(p['patch']))) inline(p['patch']);
  }
  const files = kustomizePatchFiles(all);
  for (const d of all) {
    if (files.has(d.file.path) && d.kind) kinds.add(d.kind);
    if (d.docClass !== 'kustomization') continue;
    const repl = d.get(['replacements']);
    if (!Array.isArray(repl)) continue;
    for (const r of repl) {
      if (!isObj(r)) continue;
      target(r['source']);
      if (Array.isArray(r['targets'])) for (const t of r['targets']) if (isObj(t)) target(t['select']);
    }
  }
  PATCHED_KINDS.set(all, kinds);
  return kinds;
}
