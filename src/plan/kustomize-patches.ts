/**
 * The kustomize patches a repository applies, wherever they are written: a kustomization's `patches`,
 * `patchesJson6902` and `patchesStrategicMerge`, a Flux Kustomization's `spec.patches`, an Argo CD source's
 * `kustomize.patches`; the files they name; the kinds whose apiVersion they are keyed on; whether they may change
 * one object. Each computed once per document list. (The rendering of patched HelmReleases is plan/kustomize-overlays.ts.)
 */
import type { Path, YamlDocument } from '../core/document.js';
import { docsOf, docsOfClass, type DocSelection } from '../core/kind-index.js';
import { normDir } from './flux-kustomizations.js';
import { anchoredMatch, argoSourcePaths, dirOf, isObj, jsonPointer, normalizePath, patchBodies } from './util.js';

/**
 * One patch entry (a mapping with `target`/`patch`/`path`, or a strategic-merge string), the document holding it, and
 * the folder its `path` is relative to: a kustomization's own, an Argo CD source's `path` (Argo CD writes the patches
 * into the kustomization there); none for a Flux Kustomization (inline patches only). `key`: a kustomization's list
 * holding it; `builds`: the folder a Flux Kustomization or Argo CD source builds (its patches are appended to the
 * `patches` of the kustomization there).
 */
export interface PatchEntry {
  doc: YamlDocument;
  entry: unknown;
  dir?: string;
  key?: string;
  builds?: string;
}

const ENTRIES = new WeakMap<readonly YamlDocument[], PatchEntry[]>();

/** The documents that can hold patch entries: kustomizations, Flux Kustomizations, Argo CD Applications and ApplicationSets. */
const PATCH_HOLDERS: DocSelection = { classes: ['kustomization'], kinds: ['Kustomization', 'Application', 'ApplicationSet'] };

/** Every patch entry of the repository, in document order. */
export function kustomizePatchEntries(all: readonly YamlDocument[]): readonly PatchEntry[] {
  return ENTRIES.get(all) ?? readPatchEntries(all);
}

/**
 * kustomizePatchEntries' pass over the list, once per list (apart: the lookup runs once per Service and object
 * asked about, and V8 then optimises only the lookup, not this loop).
 */
function readPatchEntries(all: readonly YamlDocument[]): readonly PatchEntry[] {
  const out: PatchEntry[] = [];
  const add = (doc: YamlDocument, list: unknown, more: Omit<PatchEntry, 'doc' | 'entry'>): void => {
    if (Array.isArray(list)) for (const entry of list) out.push({ doc, entry, ...more });
  };
  // a Flux Kustomization's spec.path lies inside its source (kustomize-controller stops `..` at the root: `flux`)
  const builds = (path: unknown, flux = false): { builds?: string } => {
    const dir = normDir(path, flux);
    return dir === undefined ? {} : { builds: dir };
  };
  // (only the documents a branch below is about: kind index)
  for (const d of docsOf(all, PATCH_HOLDERS)) {
    if (d.docClass === 'kustomization') for (const key of ['patches', 'patchesJson6902', 'patchesStrategicMerge']) add(d, d.get([key]), { dir: dirOf(d.file.path), key });
    else if (d.kind === 'Kustomization' && d.group === 'kustomize.toolkit.fluxcd.io') add(d, d.get(['spec', 'patches']), builds(d.get(['spec', 'path']), true));
    else if ((d.kind === 'Application' || d.kind === 'ApplicationSet') && d.group === 'argoproj.io') {
      for (const sp of argoSourcePaths(d)) {
        const path = d.get([...sp, 'path']);
        add(d, d.get([...sp, 'kustomize', 'patches']), typeof path === 'string' && !path.includes('{{') ? { dir: path, ...builds(path) } : {});
      }
    }
  }
  ENTRIES.set(all, out);
  return out;
}

const PATCH_FILES = new WeakMap<readonly YamlDocument[], Set<string>>();

/**
 * Files that kustomizations and Argo CD sources use as patches (`patches[].path`, `patchesStrategicMerge[]`): partial
 * objects. An Argo CD source's file counts when the repository has it (the source may be another repository).
 */
export function kustomizePatchFiles(all: readonly YamlDocument[]): ReadonlySet<string> {
  return PATCH_FILES.get(all) ?? readPatchFiles(all);
}

/** kustomizePatchFiles' pass, once per list (apart, as readPatchEntries). */
function readPatchFiles(all: readonly YamlDocument[]): ReadonlySet<string> {
  const out = new Set<string>();
  let files: Set<string> | undefined;
  for (const { doc, entry, dir } of kustomizePatchEntries(all)) {
    if (dir === undefined) continue;
    const kustomization = doc.docClass === 'kustomization';
    const rel = isObj(entry) ? entry['path'] : kustomization ? entry : undefined;
    if (typeof rel !== 'string' || rel.includes('\n')) continue;
    const p = normalizePath(dir ? `${dir}/${rel}` : rel);
    if (p === undefined) continue;
    files ??= new Set(all.map((d) => d.file.path));
    if (kustomization || files.has(p)) out.add(p);
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
  // (without patch files only the kustomizations' replacements below: those documents alone, from the kind index)
  for (const d of files.size ? all : docsOfClass(all, 'kustomization')) {
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

const PATCH_FILE_DOCS = new WeakMap<readonly YamlDocument[], readonly YamlDocument[]>();

/** The documents of kustomizePatchFiles (partial objects), once per document list. */
function patchFileDocs(docs: readonly YamlDocument[]): readonly YamlDocument[] {
  let known = PATCH_FILE_DOCS.get(docs);
  if (!known) {
    const files = kustomizePatchFiles(docs);
    PATCH_FILE_DOCS.set(docs, (known = files.size ? docs.filter((d) => files.has(d.file.path)) : []));
  }
  return known;
}

/**
 * How the kustomize patches of `docs` (kustomization `patches` / `patchesJson6902` / `patchesStrategicMerge`, a Flux
 * Kustomization's and an Argo CD source's `kustomize.patches`) may change the object of `kind` named `name`:
 * `'file'` when only patch files holding such an object may (a strategic-merge patch file: rules read its document,
 * the patched values, as an object of its own), `'opaque'` when a target whose kind and name patterns may select it
 * (no kind: any kind) or an inline strategic-merge patch of the kind may (the result is no document), undefined when
 * none may. A target may name the object as a namePrefix / nameSuffix applied before the patch renames it (a
 * kustomization's patchesJson6902 after its own). An object in a patch file is itself a patch: it is not asked about.
 * With `fields` (paths in the object, e.g. `['spec', 'blocks']`): only a patch that may change a value at or below
 * one of them counts; a patch whose body cannot be read (unparsable text, a missing file) may change anything.
 */
export function patchedBy(docs: readonly YamlDocument[], kind: string, name: string | undefined, fields?: readonly Path[]): 'file' | 'opaque' | undefined {
  // (most repositories, asked once per Service: no patch at all, so none of the closures below)
  if (!kustomizePatchEntries(docs).length && !patchFileDocs(docs).length) return undefined;
  const selects = (pattern: unknown, value: string | undefined): boolean => typeof pattern !== 'string' || value === undefined || anchoredMatch(pattern, value) !== false;
  const renames = nameChanges(docs);
  // a target may name the object as a namePrefix / nameSuffix kustomize applied before the patch renamed it: one of
  // a kustomization below, or the patch's own kustomization's for its patchesJson6902 (kustomize applies those after
  // the names change; its other patches, and the patches Flux / Argo CD append to it, before). A literal name holding
  // `name`, or a pattern one of the new names may match.
  const selectsName = (pattern: unknown, e: PatchEntry): boolean => {
    if (selects(pattern, name)) return true;
    if (typeof pattern !== 'string' || name === undefined) return false;
    const before = renames.filter((r) => (r.doc !== e.doc || e.key === 'patchesJson6902') && (e.builds === undefined || r.dir !== e.builds));
    if (!before.length) return false;
    return /[\\^$.*+?()[\]{}|]/.test(pattern) ? before.some((r) => anchoredMatch(pattern, `${r.prefix}${name}${r.suffix}`) !== false) : pattern.includes(name);
  };
  const kindIn = (text: unknown): boolean => typeof text === 'string' && new RegExp(`\\bkind["']?\\s*:\\s*["']?${kind}\\b`).test(text);
  // a strategic-merge patch without a target patches the object its own kind and metadata.name name (as written, or
  // with a namePrefix / nameSuffix applied before it): one naming another object patches nothing here; a body that
  // cannot be read, or names no object, may patch any
  const namesIt = (text: string, e: PatchEntry): boolean => {
    const bodies = patchBodies(text);
    if (!bodies || name === undefined) return true;
    return bodies.some((b) => {
      if (!isObj(b) || b['kind'] !== kind) return !isObj(b) || typeof b['kind'] !== 'string';
      const n = isObj(b['metadata']) ? b['metadata']['name'] : undefined;
      if (typeof n !== 'string' || /\$\{|\{\{/.test(n)) return true;
      if (n === name) return true;
      const before = nameChanges(docs).filter((r) => r.doc !== e.doc && (e.builds === undefined || r.dir !== e.builds));
      return before.some((r) => `${r.prefix}${name}${r.suffix}` === n);
    });
  };
  const inline = (text: unknown, e: PatchEntry): boolean => kindIn(text) && namesIt(text as string, e);
  const touchesText = (text: unknown): boolean => !fields || textTouches(text, fields);
  const opaque = kustomizePatchEntries(docs).some((e) => {
    const { doc, entry: p, dir } = e;
    if (typeof p === 'string') return inline(p, e) && touchesText(p);
    if (!isObj(p)) return false;
    const t = p['target'];
    if (isObj(t)) {
      if (!(selects(t['kind'], kind) && selectsName(t['name'], e))) return false;
      if (!fields) return true;
      if (typeof p['patch'] === 'string') return textTouches(p['patch'], fields);
      return fileTouches(docs, doc, dir, p['path'], fields);
    }
    return inline(p['patch'], e) && touchesText(p['patch']);
  });
  if (opaque) return 'opaque';
  return patchFileDocs(docs).some((d) => d.kind === kind && selects(d.name, name) && (!fields || bodyTouches(d.value, fields))) ? 'file' : undefined;
}

interface NameChange {
  prefix: string;
  suffix: string;
  /** The document setting it, and a kustomization's folder. */
  doc: YamlDocument;
  dir?: string;
}

const NAME_CHANGES = new WeakMap<readonly YamlDocument[], readonly NameChange[]>();

/**
 * The namePrefix / nameSuffix pairs of the repository (kustomizations, Flux Kustomizations' `spec`, Argo CD sources'
 * `kustomize`), once per document list.
 */
function nameChanges(all: readonly YamlDocument[]): readonly NameChange[] {
  return NAME_CHANGES.get(all) ?? readNameChanges(all);
}

/** nameChanges' pass, once per list (apart, as readPatchEntries). */
function readNameChanges(all: readonly YamlDocument[]): readonly NameChange[] {
  const out: NameChange[] = [];
  const add = (doc: YamlDocument, at: Path, dir?: string): void => {
    const str = (key: string): string => {
      const v = doc.get([...at, key]);
      return typeof v === 'string' ? v : '';
    };
    const prefix = str('namePrefix');
    const suffix = str('nameSuffix');
    if (prefix || suffix) out.push(dir === undefined ? { prefix, suffix, doc } : { prefix, suffix, doc, dir });
  };
  for (const d of all) {
    if (d.docClass === 'kustomization') add(d, [], dirOf(d.file.path));
    else if (d.kind === 'Kustomization' && d.group === 'kustomize.toolkit.fluxcd.io') add(d, ['spec']);
    else if ((d.kind === 'Application' || d.kind === 'ApplicationSet') && d.group === 'argoproj.io') for (const sp of argoSourcePaths(d)) add(d, [...sp, 'kustomize']);
  }
  NAME_CHANGES.set(all, out);
  return out;
}

/** A kustomize patch of `docs` may change the object of `kind` named `name` (patchedBy, `fields` as there): what it is written as is not certainly what is applied. */
export function mayBePatched(docs: readonly YamlDocument[], kind: string, name: string | undefined, fields?: readonly Path[]): boolean {
  return patchedBy(docs, kind, name, fields) !== undefined;
}

function textTouches(text: unknown, fields: readonly Path[]): boolean {
  const bodies = typeof text === 'string' ? patchBodies(text) : undefined;
  return !bodies || bodies.some((b) => bodyTouches(b, fields));
}

/** A patch file a `target` entry names (relative to `dir`, as kustomizePatchFiles resolves it): its documents' bodies. */
function fileTouches(docs: readonly YamlDocument[], holder: YamlDocument, dir: string | undefined, rel: unknown, fields: readonly Path[]): boolean {
  if (typeof rel !== 'string' || dir === undefined) return true;
  const p = normalizePath(dir ? `${dir}/${rel}` : rel);
  const file = p === undefined ? [] : docs.filter((d) => d.file.path === p && d !== holder);
  return !file.length || file.some((d) => bodyTouches(d.value, fields));
}

const startsWith = (a: Path, b: Path): boolean => b.length <= a.length && b.every((s, i) => String(a[i]) === String(s));

/**
 * A patch body may change a value at or below one of `fields`: a JSON6902 operation list (an operation whose `path`
 * or `from` is at, above or below a field; `test` changes nothing) or a strategic-merge map (it names the field or
 * an ancestor with null, or a `$patch` directive on the way replaces or deletes it). Anything else may.
 */
function bodyTouches(body: unknown, fields: readonly Path[]): boolean {
  if (Array.isArray(body)) {
    return body.some((op) => {
      if (!isObj(op) || typeof op['op'] !== 'string') return true;
      if (op['op'] === 'test') return false;
      return [op['path'], op['from']].some((ptr) => {
        if (ptr === undefined) return false;
        const at = jsonPointer(ptr);
        return !at || fields.some((f) => startsWith(at, f) || startsWith(f, at));
      });
    });
  }
  if (!isObj(body)) return true;
  return fields.some((f) => {
    let cur: unknown = body;
    for (const seg of f) {
      if (!isObj(cur) || cur['$patch'] !== undefined) return true;
      if (!Object.prototype.hasOwnProperty.call(cur, seg)) return false;
      cur = cur[String(seg)];
    }
    return true;
  });
}

