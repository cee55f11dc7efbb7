/**
 * The target-less strategic-merge patches a Flux Kustomization (`spec.patches`) or an Argo CD source
 * (`kustomize.patches`) adds to the build that find no unique object: both append them to the `patches` of the
 * kustomization they build (Flux's generated one for a folder without one: fluxcd/pkg kustomize generator; Argo CD
 * rewrites kustomization.yaml: util/kustomize/kustomize.go), so they run after its own patches, before its namespace
 * and name transformers, and kustomize fails as for its own ("no matches for Id"). Owns that question (matching:
 * plan/kustomize-patch-targets.ts; objects: plan/appliers.ts); no findings (rules/gitops/patch-target-missing.ts).
 */
import type { Path, YamlDocument } from '../core/document.js';
import { appliers, type Applier } from './appliers.js';
import { kustomizeBuilder, patchesMayRename } from './kustomize-build.js';
import { judgePatches, smPatches, type PatchMiss, type SmPatch } from './kustomize-patch-targets.js';
import { docsByFile, isObj, patchBodies, resolveRepoPath } from './util.js';

/** A patch of an applier that kustomize finds no unique object for. */
export interface ApplierPatchMiss extends PatchMiss {
  applier: Applier;
}

const TEMPLATED = /\$\{|\{\{/;

/**
 * An applier's own patches in order, up to the first that may rename or delete objects talium cannot tell (a
 * target with a `$patch: delete`, `allowNameChange`/`allowKindChange`, a JSON6902 operation on metadata, a patch file
 * not in the tree, a templated one): the ones after it are not judged. Argo CD's `path` entries are files of the built folder.
 */
function applierPatches(a: Applier, list: unknown[], at: Path, byFile: Map<string, YamlDocument[]>): SmPatch[] {
  const out: SmPatch[] = [];
  for (const [i, p] of list.entries()) {
    if (!isObj(p)) return out;
    const opts = isObj(p['options']) ? p['options'] : {};
    const renames = opts['allowNameChange'] === true || opts['allowKindChange'] === true;
    let bodies: unknown[] | undefined;
    const docs: Array<YamlDocument | undefined> = [];
    if (typeof p['patch'] === 'string') bodies = patchBodies(p['patch']);
    else if (a.engine === 'argocd' && typeof p['path'] === 'string' && !TEMPLATED.test(p['path'])) {
      const f = resolveRepoPath(byFile, a.dir, p['path']);
      if (f !== undefined) {
        bodies = [];
        for (const d of byFile.get(f) ?? []) (bodies.push(d.parsed), docs.push(d));
      }
    }
    if (!bodies) return out;
    const targeted = p['target'] !== undefined && p['target'] !== null;
    const entry = [...at, i];
    for (const [j, b] of bodies.entries()) {
      if (Array.isArray(b)) {
        // a JSON6902 patch (needs a target): one on metadata, kind or apiVersion may rename
        if (b.some((op) => !isObj(op) || typeof op['path'] !== 'string' || /^\/(?:metadata(?:\/(?:name|namespace))?|kind|apiVersion)?$/.test(op['path']))) return out;
        continue;
      }
      if (!isObj(b)) return out;
      if (targeted) {
        if (b['$patch'] === 'delete') return out;
        continue;
      }
      const d = docs[j];
      out.push({ entry, ...(d ? { doc: d } : {}), body: b });
    }
    if (renames) return out;
  }
  return out;
}

/** The patches of `a` (in its document, under `a.overrideAt`) that find no unique object of the build. */
function missesOf(a: Applier, byFile: Map<string, YamlDocument[]>): ApplierPatchMiss[] {
  const at: Path = a.engine === 'flux' ? [...a.overrideAt, 'patches'] : [...a.overrideAt, 'kustomize', 'patches'];
  const list = a.doc.get(at);
  if (!Array.isArray(list) || !list.length || !a.patchBase || a.patchBase.incomplete) return [];
  // components it adds run before its patches (their objects and patches are not followed)
  const comps = a.doc.get(a.engine === 'flux' ? [...a.overrideAt, 'components'] : [...a.overrideAt, 'kustomize', 'components']);
  if (Array.isArray(comps) && comps.length) return [];
  const k = a.patchBase.kustomization;
  if (k && patchesMayRename(k, byFile)) return [];
  const extra = applierPatches(a, list, at, byFile);
  if (!extra.length) return [];
  const own = k ? smPatches(k, byFile) : [];
  const mine = new Set(extra);
  return judgePatches(a.patchBase.objects, [...own, ...extra])
    .filter((m) => mine.has(m.patch))
    .map((m) => ({ ...m, applier: a }));
}

/**
 * Every patch of an applier of `docs` that kustomize finds no unique object for; the builds read the repository's
 * documents (`all`: kustomize reads files wherever they are, whatever cluster talium groups them in).
 */
export function applierPatchMisses(docs: readonly YamlDocument[], all: readonly YamlDocument[]): ApplierPatchMiss[] {
  const mine = new Set(docs);
  const list = appliers(all, all).filter((a) => mine.has(a.doc) && a.patchBase);
  if (!list.length) return [];
  const byFile = kustomizeBuilder(all, () => docsByFile(all)).byFile;
  return list.flatMap((a) => missesOf(a, byFile));
}
