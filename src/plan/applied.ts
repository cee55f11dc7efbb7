/**
 * Which Kubernetes objects of a repository no GitOps build applies: in a folder with a kustomization file, Kustomize
 * (and Flux and Argo CD, which build such a folder with it) applies only what a kustomization names; another YAML
 * file there is never applied. A folder without one is applied whole (Flux generates a kustomization of every file),
 * except the files an Argo CD directory source that applies it leaves out with `directory.include`/`exclude`; and
 * Argo CD never applies an object annotated `argocd.argoproj.io/hook: Skip`.
 * Owns that question only (no findings: rules/gitops/unreferenced-file.ts reports it). Linear in the documents.
 */
import type { YamlDocument } from '../core/document.js';
import { docsOfClass, docsOfKinds } from '../core/kind-index.js';
import { normDir, under } from './flux-kustomizations.js';
import { kustomizePatchFiles } from './kustomize-patches.js';
import { argoDirectoryFilters, directoryReads, inDirectoryScope, type ArgoDirectoryFilter } from './argo-directory.js';
import { argoSourcePaths, dirOf, docsByFile, isObj, normalizePath, TEMPLATED } from './util.js';

/** The names kustomize looks for in a folder (api/konfig/builtinpluginconsts: RecognizedKustomizationFileNames). */
export const KUSTOMIZATION_FILES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

const YAML_NAME = /\.ya?ml/i;
/** Keys whose entries name files or folders that build objects (templated ones may name any file of the folder). */
const BUILD_KEYS = ['resources', 'bases', 'components'];
/** Keys whose entries name plugin configuration files (ksops and other generators list their own input files). */
const PLUGIN_KEYS = ['generators', 'transformers', 'validators'];

const ARGO_KINDS = new Set(['Application', 'ApplicationSet']);
const FLUX_KS = new Set(['Kustomization']);

/** The file at `path` has a name kustomize reads as its folder's kustomization. */
export const isKustomizationFile = (path: string): boolean => KUSTOMIZATION_FILES.includes(path.slice(path.lastIndexOf('/') + 1));

/** Every single-line string of a value (depth-bounded), the candidates for file references. */
function strings(v: unknown, out: string[], depth = 0): void {
  if (depth > 12) return;
  if (typeof v === 'string') {
    if (!v.includes('\n')) out.push(v);
  } else if (Array.isArray(v)) for (const x of v) strings(x, out, depth + 1);
  else if (isObj(v)) for (const x of Object.values(v)) strings(x, out, depth + 1);
}

const UNAPPLIED = new WeakMap<readonly YamlDocument[], ReadonlySet<YamlDocument>>();

/**
 * The Kubernetes object documents (docClass `k8s`) of `docs` that sit in a folder with a kustomization file and in
 * a file no kustomization of the repository names: not as a resource, base or component (a folder entry is that
 * folder's kustomization, which names its own files), a patch, a generator's input (`key=path` too) or any other
 * entry that resolves to the file, nor an input named by a generator / transformer / validator configuration file
 * (ksops), nor an Argo CD source's kustomize patch. Lenient wherever the build cannot be told: a kustomization is
 * taken to apply whatever it names (even outside its folder), a templated `resources`/`bases`/`components` entry
 * names every file of its folder, a folder whose kustomization file does not read as one is applied whole, and so
 * is a folder an Argo CD source applies as a plain directory (`directory`, with `recurse` its subfolders too) or
 * through a plugin; with such a source whose path is templated, nothing is known to be left out. Also the objects an
 * Argo CD directory source's `include`/`exclude` leaves out when nothing else applies their folder (argoFilteredDocs),
 * and, in a repository with Argo CD Applications, objects whose only Argo CD hook type is Skip (argoSkippedDocs).
 * Computed once per document list.
 */
export function unappliedDocs(docs: readonly YamlDocument[]): ReadonlySet<YamlDocument> {
  const known = UNAPPLIED.get(docs);
  if (known) return known;
  const out = new Set<YamlDocument>();
  UNAPPLIED.set(docs, out);
  const kusts = docsOfClass(docs, 'kustomization').filter((d) => isKustomizationFile(d.file.path));
  const named = new Set<string>(kustomizePatchFiles(docs));
  if (kusts.length) unlistedDocs(docs, kusts, named, out);
  argoFilteredDocs(docs, named, out);
  argoSkippedDocs(docs, out);
  return out;
}

/** unappliedDocs' Kustomize part: objects in a folder with a kustomization, in a file no kustomization names. */
function unlistedDocs(docs: readonly YamlDocument[], kusts: readonly YamlDocument[], named: Set<string>, out: Set<YamlDocument>): void {
  const files = new Set<string>();
  for (const d of docs) files.add(d.file.path);
  const folders = new Set(kusts.map((k) => dirOf(k.file.path)));
  const whole = new Set<string>();
  /** Mark every string of `value` that resolves (against `dir`) to a file of the tree as named; returns those files. */
  const resolveAll = (value: unknown, dir: string): string[] => {
    const list: string[] = [];
    strings(value, list);
    const hits: string[] = [];
    for (const s of list) {
      // only YAML files hold documents (discovery reads `*.yaml`/`*.yml` and their templates)
      if (!YAML_NAME.test(s)) continue;
      for (const rel of s.includes('=') ? [s, s.slice(s.indexOf('=') + 1)] : [s]) {
        const p = normalizePath(dir ? `${dir}/${rel}` : rel);
        if (p !== undefined && files.has(p)) {
          named.add(p);
          hits.push(p);
        }
      }
    }
    return hits;
  };
  let byPath: Map<string, YamlDocument[]> | undefined;
  for (const k of kusts) {
    const dir = dirOf(k.file.path);
    resolveAll(k.value, dir);
    for (const key of BUILD_KEYS) {
      const list = k.get([key]);
      if (Array.isArray(list) && list.some((e) => typeof e === 'string' && TEMPLATED.test(e))) whole.add(dir);
    }
    // a plugin's configuration file names its inputs (ksops `files`), relative to the kustomization's folder
    for (const key of PLUGIN_KEYS) {
      const hits = resolveAll(k.get([key]), dir);
      if (hits.length) byPath ??= docsByFile(docs);
      for (const p of hits) for (const d of byPath?.get(p) ?? []) resolveAll(d.value, dir);
    }
  }
  // Argo CD sources that apply a folder as a plain directory (`directory.recurse`: with its subfolders) or through a
  // plugin, whatever kustomization it holds; one whose path is templated (an ApplicationSet) may be any folder
  const recursive: string[] = [];
  for (const d of docsOfKinds(docs, ARGO_KINDS)) {
    if (d.group !== 'argoproj.io') continue;
    for (const sp of argoSourcePaths(d)) {
      if (d.get([...sp, 'directory']) === undefined && d.get([...sp, 'plugin']) === undefined) continue;
      const p = normDir(d.get([...sp, 'path']));
      if (p === undefined) return;
      whole.add(p);
      if (d.get([...sp, 'directory', 'recurse']) === true) recursive.push(p);
    }
  }
  for (const d of docs) {
    if (d.docClass !== 'k8s' || named.has(d.file.path)) continue;
    const dir = dirOf(d.file.path);
    if (folders.has(dir) && !whole.has(dir) && !recursive.some((r) => under(dir, r))) out.add(d);
  }
}

/** Argo CD's hook types (gitops-engine common.NewHookType; PostDelete and PreDelete in Argo CD 2.10 / 3.x). */
export const ARGO_HOOK_TYPES: ReadonlySet<string> = new Set(['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip', 'PostDelete', 'PreDelete']);
const SKIPPED = new WeakSet<YamlDocument>();
/** The object carries `argocd.argoproj.io/hook: Skip` and unappliedDocs left it out for that. */
export const argoSkipped = (doc: YamlDocument): boolean => SKIPPED.has(doc);

/**
 * unappliedDocs' hook part: an object whose `argocd.argoproj.io/hook` annotation names Skip as its only hook type
 * (gitops-engine hook.Skip: the comma-separated list, blanks trimmed, unknown types dropped) is never applied by
 * Argo CD. Only in a repository with Argo CD Applications; Flux, Kustomize and kubectl ignore the annotation.
 */
function argoSkippedDocs(docs: readonly YamlDocument[], out: Set<YamlDocument>): void {
  if (!docsOfKinds(docs, ARGO_KINDS).some((d) => d.group === 'argoproj.io')) return;
  for (const d of docs) {
    if (d.docClass !== 'k8s' || out.has(d)) continue;
    const v = d.get(['metadata', 'annotations', 'argocd.argoproj.io/hook']);
    if (typeof v !== 'string') continue;
    const types = v.split(',').map((t) => t.trim()).filter((t) => ARGO_HOOK_TYPES.has(t));
    if (types.length === 1 && types[0] === 'Skip') {
      out.add(d);
      SKIPPED.add(d);
    }
  }
}

/** Objects an Argo CD directory source's include/exclude leaves out, and that source (gitops/unreferenced-file). */
const FILTERED = new WeakMap<YamlDocument, ArgoDirectoryFilter>();
export const argoFilterOf = (doc: YamlDocument): ArgoDirectoryFilter | undefined => FILTERED.get(doc);

/**
 * unappliedDocs' Argo CD part: the objects of a file that every directory source whose folder holds it leaves out
 * with `directory.include` / `exclude`, when nothing else applies that folder (another Argo CD source without such a
 * filter, a Flux Kustomization at or above it) and no kustomization names the file. Lenient: with a source whose
 * path is templated (an ApplicationSet), nothing is known to be left out.
 */
function argoFilteredDocs(docs: readonly YamlDocument[], named: ReadonlySet<string>, out: Set<YamlDocument>): void {
  const apps = docsOfKinds(docs, ARGO_KINDS);
  if (!apps.length) return;
  const filters = argoDirectoryFilters(apps);
  if (!filters?.length) return;
  // every other applier of a folder: Argo CD sources without a filter, Flux Kustomizations (recursive)
  const plain: Array<{ dir: string; recurse: boolean }> = [];
  for (const d of apps) {
    if (d.group !== 'argoproj.io') continue;
    for (const sp of argoSourcePaths(d)) {
      const s = d.get(sp);
      if (!isObj(s) || s['chart'] !== undefined || filters.some((f) => f.app === d && f.at.join('/') === sp.join('/'))) continue;
      const p = normDir(s['path']);
      if (p !== undefined) plain.push({ dir: p, recurse: isObj(s['directory']) && s['directory']['recurse'] === true });
    }
  }
  for (const k of docsOfKinds(docs, FLUX_KS)) {
    if (k.group !== 'kustomize.toolkit.fluxcd.io') continue;
    const p = normDir(k.get(['spec', 'path']), true);
    if (p === undefined) return;
    plain.push({ dir: p, recurse: true });
  }
  for (const d of docs) {
    if (d.docClass !== 'k8s' || named.has(d.file.path)) continue;
    const file = d.file.path;
    const scoped = filters.filter((f) => inDirectoryScope(f, file));
    if (!scoped.length || scoped.some((f) => directoryReads(f, file))) continue;
    const dir = dirOf(file);
    if (plain.some((p) => (p.recurse ? under(dir, p.dir) : dir === p.dir))) continue;
    out.add(d);
    FILTERED.set(d, scoped[0]!);
  }
}

/** `docs` without the unapplied documents (the same array when there are none); one array per list. */
const APPLIED = new WeakMap<readonly YamlDocument[], readonly YamlDocument[]>();
export function appliedDocs(docs: readonly YamlDocument[]): readonly YamlDocument[] {
  const known = APPLIED.get(docs);
  if (known) return known;
  const skip = unappliedDocs(docs);
  const out = skip.size ? docs.filter((d) => !skip.has(d)) : docs;
  APPLIED.set(docs, out);
  return out;
}
