/**
 * The strategic-merge patches without a `target` that fail a kustomize build: kustomize applies such a patch to the
 * one object whose id (or any earlier id: before a base's namespace or namePrefix) equals the id the patch names
 * (api/resmap/reswrangler.go GetById), and fails with "no matches for Id" or "multiple matches for Id"
 * ("failed to find unique target for patch") otherwise. Owns that check over the builds plan/kustomize-build.ts
 * records (PatchInput); a patch with a `target:`, and `patchesJson6902`, select what matches, and matching nothing is
 * accepted. No findings (rules/gitops/patch-target-missing.ts reports). Linear in the objects and patches.
 */
import type { Path, YamlDocument } from '../core/document.js';
import { builtKustomizations, isClusterScoped, objectKey, resIdKey, type BuiltObject, type PatchInput } from './kustomize-build.js';
import { dirOf, isObj, patchBodies, resolveRepoPath, TEMPLATED } from './util.js';

/** A patch whose id kustomize finds no object, or several objects, for. */
export interface PatchTargetMiss {
  /** The kustomization (or component) listing the patch. */
  kustomization: YamlDocument;
  /** `['patches', 2]` or `['patchesStrategicMerge', 0]`. */
  entry: Path;
  /** The patch document in a patch file (undefined: an inline patch). */
  patchDoc?: YamlDocument;
  group: string;
  version: string;
  kind: string;
  name: string;
  namespace: string;
  /** The objects the id matches: none, or more than one. */
  matches: readonly BuiltObject[];
  /** The objects of the patch's kind the build holds when its patches run. */
  held: readonly BuiltObject[];
}


/** One target-less strategic-merge patch document, and the entry listing it. */
export interface SmPatch {
  entry: Path;
  doc?: YamlDocument;
  body: Record<string, unknown>;
}

/**
 * `k`'s target-less strategic-merge patch documents in the order kustomize applies them (`patchesStrategicMerge`,
 * then `patches`); a patch file not in the tree is left out (not known).
 */
export function smPatches(k: YamlDocument, byFile: Map<string, YamlDocument[]>): SmPatch[] {
  const out: SmPatch[] = [];
  const dir = dirOf(k.file.path);
  const add = (entry: Path, text: unknown, file: unknown): void => {
    if (typeof text === 'string') {
      for (const b of patchBodies(text) ?? []) if (isObj(b)) out.push({ entry, body: b });
      return;
    }
    if (typeof file !== 'string' || TEMPLATED.test(file)) return;
    const f = resolveRepoPath(byFile, dir, file);
    if (f === undefined) return;
    for (const d of byFile.get(f) ?? []) if (isObj(d.parsed)) out.push({ entry, doc: d, body: d.parsed });
  };
  const psm = k.get(['patchesStrategicMerge']);
  if (Array.isArray(psm)) {
    psm.forEach((p, i) => {
      const inline = typeof p === 'string' && (p.includes('\n') || /^\s*(apiVersion|kind)\s*:/m.test(p));
      add(['patchesStrategicMerge', i], inline ? p : undefined, inline ? undefined : p);
    });
  }
  const patches = k.get(['patches']);
  if (Array.isArray(patches)) {
    patches.forEach((p, i) => {
      if (isObj(p) && (p['target'] === undefined || p['target'] === null)) add(['patches', i], p['patch'], p['patch'] === undefined ? p['path'] : undefined);
    });
  }
  return out;
}

/** Every id an object had (its current one first), certain objects only. */
function idsOf(o: BuiltObject): string[] {
  const out: string[] = [];
  for (let x: BuiltObject | undefined = o; x; x = x.prev) {
    const key = objectKey(x);
    if (!out.includes(key)) out.push(key);
  }
  return out;
}

/** The misses of one kustomization's patches. */
function check(input: PatchInput, byFile: Map<string, YamlDocument[]>, out: PatchTargetMiss[]): void {
  const patches = smPatches(input.kustomization, byFile);
  if (!patches.length) return;
  for (const { patch: _patch, ...m } of judgePatches(input.objects, patches)) out.push({ kustomization: input.kustomization, ...m });
}

/** A patch of `judgePatches` that kustomize finds no unique object for. */
export type PatchMiss = Omit<PatchTargetMiss, 'kustomization' | 'patchDoc'> & { patch: SmPatch; patchDoc?: YamlDocument };

/**
 * The patches of `patches` (applied in this order to `objects`, a `$patch: delete` removing its object for the ones
 * after it) that name no object, or several; a patch with a templated id, or of a kind some object of unknown id has
 * while it names none, is not judged. The objects the deletes remove are added to `deleted` when given.
 */
export function judgePatches(objects: readonly BuiltObject[], patches: readonly SmPatch[], deleted = new Set<BuiltObject>()): PatchMiss[] {
  const out: PatchMiss[] = [];
  const input = { objects };
  const byId = new Map<string, BuiltObject[]>();
  // kinds of objects whose id is not known: a patch of such a kind may name one of them
  const unsure = new Set<string>();
  for (const o of input.objects) {
    if (o.uncertain) {
      for (let x: BuiltObject | undefined = o; x; x = x.prev) unsure.add(x.kind);
      continue;
    }
    for (const key of idsOf(o)) {
      const list = byId.get(key);
      if (list) list.push(o);
      else byId.set(key, [o]);
    }
  }
  for (const p of patches) {
    const { kind, apiVersion } = p.body;
    const meta = isObj(p.body['metadata']) ? p.body['metadata'] : {};
    const { name, namespace } = meta;
    // no kind or name: kustomize fails otherwise ("unable to parse SM or JSON patch"), not judged here
    if (typeof kind !== 'string' || typeof name !== 'string' || kind === '' || name === '') continue;
    if (apiVersion !== undefined && typeof apiVersion !== 'string') continue;
    if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') continue;
    const av = apiVersion ?? '';
    const ns = typeof namespace === 'string' ? namespace : '';
    if (TEMPLATED.test(`${av} ${kind} ${name} ${ns}`)) continue;
    const slash = av.indexOf('/');
    const group = slash === -1 ? '' : av.slice(0, slash);
    const version = slash === -1 ? av : av.slice(slash + 1);
    const key = resIdKey(group, version, kind, ns, name);
    const matches = byId.get(key) ?? [];
    if (matches.length === 1) {
      // a delete removes the object for the patches after it
      if (p.body['$patch'] === 'delete') {
        const gone = matches[0]!;
        deleted.add(gone);
        for (const id of idsOf(gone)) {
          const list = byId.get(id)!.filter((o) => o !== gone);
          if (list.length) byId.set(id, list);
          else byId.delete(id);
        }
      }
      continue;
    }
    if (!matches.length && unsure.has(kind)) continue;
    const held = input.objects.filter((o) => o.kind === kind && !o.uncertain && !deleted.has(o));
    out.push({ patch: p, entry: p.entry, ...(p.doc ? { patchDoc: p.doc } : {}), group, version, kind, name, namespace: isClusterScoped(kind) ? '' : ns, matches, held });
  }
  return out;
}

const MISSES = new WeakMap<readonly YamlDocument[], readonly PatchTargetMiss[]>();

/** Every target-less strategic-merge patch of `docs` that kustomize finds no unique object for (each build once). */
export function patchTargetMisses(docs: readonly YamlDocument[], byFile: () => Map<string, YamlDocument[]>): readonly PatchTargetMiss[] {
  const known = MISSES.get(docs);
  if (known) return known;
  const b = builtKustomizations(docs, byFile);
  const out: PatchTargetMiss[] = [];
  for (const input of b.patchInputs) if (!input.incomplete) check(input, b.byFile, out);
  MISSES.set(docs, out);
  return out;
}
