/**
 * The target-less strategic-merge patches a Flux Kustomization (`spec.patches`) or an Argo CD source
 * (`kustomize.patches`) adds to the build that find no unique object: both append them to the `patches` of the
 * kustomization they build (Flux's generated one for a folder without one: fluxcd/pkg kustomize generator; Argo CD
 * rewrites kustomization.yaml: util/kustomize/kustomize.go), so they run after its own patches, before its namespace
 * and name transformers, and kustomize fails as for its own ("no matches for Id"). kustomize-controller before v1
 * (Flux 0.x) gave such a patch `target: {}` instead, which selects every object of the build (data/flux.ts): for those
 * the patches are listed with the objects they hit. Owns that question (matching: plan/kustomize-patch-targets.ts;
 * objects: plan/appliers.ts); no findings (rules/gitops/patch-target-missing.ts).
 */
import type { Path, YamlDocument } from '../core/document.js';
import { FLUX_TARGETLESS_PATCH, fluxTargetless, type FluxTargetless } from '../data/flux.js';
import { appliers, type Applier } from './appliers.js';
import type { BuiltObject } from './kustomize-build.js';
import { patchesMayRename } from './kustomize-build.js';
import type { SourceIgnoreFile } from './source-ignore.js';
import { judgePatches, smPatches, type PatchMiss, type SmPatch } from './kustomize-patch-targets.js';
import { isObj, patchBodies, resolveRepoPath, TEMPLATED } from './util.js';

/** A patch of an applier that kustomize finds no unique object for. */
export interface ApplierPatchMiss extends PatchMiss {
  applier: Applier;
  /** The target kustomize-controller gives it (`none`; `unknown` when the Flux version is not known; `none` for Argo CD). */
  targetless: FluxTargetless;
}

/**
 * A target-less strategic-merge patch of a Flux Kustomization whose kustomize-controller gives it `target: {}`:
 * kustomize applies it to every object of the build (deletes them all for a `$patch: delete`).
 */
export interface ApplierEveryObjectPatch {
  applier: Applier;
  /** `['spec', 'patches', 2]`. */
  entry: Path;
  /** What the patch names (kustomize ignores it here). */
  group: string;
  version: string;
  kind: string;
  name: string;
  namespace: string;
  delete: boolean;
  /** The objects of the build when the patch runs: after the kustomization's own patches and the earlier ones of the applier. */
  objects: readonly BuiltObject[];
}

/**
 * The target a Flux Kustomization gives its target-less patches (data/flux.ts); `none` for Argo CD. `fluxMinor` (the
 * Flux version the repository states: reading it reads file texts) is asked only when the apiVersion does not tell.
 */
function targetlessOf(a: Applier, fluxMinor: () => string | undefined): FluxTargetless {
  if (a.engine !== 'flux') return 'none';
  const version = a.doc.apiVersion?.split('/')[1] ?? '';
  return version === FLUX_TARGETLESS_PATCH.noTargetApiVersion ? 'none' : fluxTargetless(version, fluxMinor());
}

/** `a` adds patches to its build. */
function addsPatches(a: Applier): boolean {
  const list = a.doc.get(a.engine === 'flux' ? [...a.overrideAt, 'patches'] : [...a.overrideAt, 'kustomize', 'patches']);
  return Array.isArray(list) && list.length > 0;
}


/** A JSON6902 patch with an operation that is not one talium follows, or on metadata, kind or apiVersion: it may rename. */
const mayRename = (ops: unknown[]): boolean =>
  ops.some((op) => !isObj(op) || typeof op['path'] !== 'string' || /^\/(?:metadata(?:\/(?:name|namespace))?|kind|apiVersion)?$/.test(op['path']));

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
        if (mayRename(b)) return out;
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

/** Where `a`'s patches are, and whether the build they run against is known well enough to judge them. */
function judgeable(a: Applier, byFile: Map<string, YamlDocument[]>): { at: Path; list: unknown[]; base: NonNullable<Applier['patchBase']> } | undefined {
  const at: Path = a.engine === 'flux' ? [...a.overrideAt, 'patches'] : [...a.overrideAt, 'kustomize', 'patches'];
  const list = a.doc.get(at);
  if (!Array.isArray(list) || !list.length || !a.patchBase || a.patchBase.incomplete) return undefined;
  // components it adds run before its patches (their objects and patches are not followed)
  const comps = a.doc.get(a.engine === 'flux' ? [...a.overrideAt, 'components'] : [...a.overrideAt, 'kustomize', 'components']);
  if (Array.isArray(comps) && comps.length) return undefined;
  const k = a.patchBase.kustomization;
  if (k && patchesMayRename(k, byFile)) return undefined;
  return { at, list, base: a.patchBase };
}

/** The patches of `a` (in its document, under `a.overrideAt`) that find no unique object of the build. */
function missesOf(a: Applier, byFile: Map<string, YamlDocument[]>, targetless: FluxTargetless): ApplierPatchMiss[] {
  const j = judgeable(a, byFile);
  if (!j) return [];
  const extra = applierPatches(a, j.list, j.at, byFile);
  if (!extra.length) return [];
  const k = j.base.kustomization;
  const own = k ? smPatches(k, byFile) : [];
  const mine = new Set(extra);
  return judgePatches(j.base.objects, [...own, ...extra])
    .filter((m) => mine.has(m.patch))
    .map((m) => ({ ...m, applier: a, targetless }));
}

/**
 * The target-less patches of a Flux Kustomization whose controller gives them `target: {}`, in order, each with the
 * objects it hits; up to the first that talium cannot follow: several documents in one entry or a JSON6902 body
 * (what the kustomize v4 of those controllers does with them is not established), a patch without kind or name, a
 * target with a `$patch: delete` or a JSON6902 operation on metadata, `allowNameChange`/`allowKindChange`, and after a
 * target-less `$patch: delete` (nothing is left).
 */
function everyObjectOf(a: Applier, byFile: Map<string, YamlDocument[]>): ApplierEveryObjectPatch[] {
  const j = judgeable(a, byFile);
  if (!j) return [];
  const k = j.base.kustomization;
  const gone = new Set<BuiltObject>();
  judgePatches(j.base.objects, k ? smPatches(k, byFile) : [], gone);
  const objects = j.base.objects.filter((o) => !gone.has(o));
  const out: ApplierEveryObjectPatch[] = [];
  for (const [i, p] of j.list.entries()) {
    if (!isObj(p) || typeof p['patch'] !== 'string') return out;
    const opts = isObj(p['options']) ? p['options'] : {};
    if (opts['allowNameChange'] === true || opts['allowKindChange'] === true) return out;
    const bodies = patchBodies(p['patch']);
    if (!bodies) return out;
    if (p['target'] !== undefined && p['target'] !== null) {
      for (const b of bodies) {
        if (Array.isArray(b)) {
          if (mayRename(b)) return out;
        } else if (!isObj(b) || b['$patch'] === 'delete') return out;
      }
      continue;
    }
    const b = bodies.length === 1 ? bodies[0] : undefined;
    if (!isObj(b)) return out;
    const meta = isObj(b['metadata']) ? b['metadata'] : {};
    const { kind, apiVersion } = b;
    const { name, namespace } = meta;
    if (typeof kind !== 'string' || typeof name !== 'string' || !kind || !name) return out;
    const av = typeof apiVersion === 'string' ? apiVersion : '';
    const slash = av.indexOf('/');
    const del = b['$patch'] === 'delete';
    out.push({
      applier: a,
      entry: [...j.at, i],
      group: slash === -1 ? '' : av.slice(0, slash),
      version: slash === -1 ? av : av.slice(slash + 1),
      kind,
      name,
      namespace: typeof namespace === 'string' ? namespace : '',
      delete: del,
      objects,
    });
    if (del) return out;
  }
  return out;
}

/**
 * The appliers of `docs` that add patches to a build they can be judged against (`ignores`: the tree's
 * `.sourceignore` files; each applier's builder holds the files of the build it runs: a Flux source's artifact leaves
 * some out).
 */
function judgedAppliers(docs: readonly YamlDocument[], all: readonly YamlDocument[], ignores?: readonly SourceIgnoreFile[]): Applier[] | undefined {
  const mine = new Set(docs);
  const list = appliers(all, all, ignores).filter((a) => mine.has(a.doc) && a.patchBase && addsPatches(a));
  return list.length ? list : undefined;
}

/**
 * Every patch of an applier of `docs` that kustomize finds no unique object for, on a repository stating Flux
 * `fluxMinor()` (undefined: none; asked only for a Flux Kustomization with patches on a beta API); the builds read the
 * repository's documents (`all`: kustomize reads files wherever they are, whatever cluster talium groups them in). A
 * Flux Kustomization whose controller gives its target-less patches `target: {}` has none (applierEveryObjectPatches
 * lists them).
 */
export function applierPatchMisses(docs: readonly YamlDocument[], all: readonly YamlDocument[], fluxMinor: () => string | undefined = () => undefined, ignores?: readonly SourceIgnoreFile[]): ApplierPatchMiss[] {
  const list = judgedAppliers(docs, all, ignores);
  if (!list) return [];
  return list.flatMap((a) => {
    const targetless = targetlessOf(a, fluxMinor);
    return targetless === 'empty' ? [] : missesOf(a, a.builder.byFile, targetless);
  });
}

/** The target-less patches of the Flux Kustomizations of `docs` whose controller (Flux `fluxMinor()`) gives them `target: {}`. */
export function applierEveryObjectPatches(docs: readonly YamlDocument[], all: readonly YamlDocument[], fluxMinor: () => string | undefined, ignores?: readonly SourceIgnoreFile[]): ApplierEveryObjectPatch[] {
  const list = judgedAppliers(docs, all, ignores);
  if (!list) return [];
  return list.filter((a) => targetlessOf(a, fluxMinor) === 'empty').flatMap((a) => everyObjectOf(a, a.builder.byFile));
}
