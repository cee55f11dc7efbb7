/**
 * The values layers of one Helm release as the repository writes them, in Helm's merge order, whatever the chart:
 * a Flux HelmRelease's valuesFrom ConfigMaps (committed or generated) and inline values, an Argo CD source's `$ref`
 * value files, values string or valuesObject and parameters, a kustomize helmCharts entry's values files and
 * valuesInline. plan/cilium-release.ts (Cilium) and plan/helm-services.ts (app-template Services) read releases
 * through it. No findings here.
 */
import { parseValuesText } from '../lint/parse.js';
import type { Path, YamlDocument } from '../core/document.js';
import { docsOfKind } from '../core/kind-index.js';
import type { AppView } from './kustomize-application.js';
import type { ValuesLayer } from './types.js';
import { argoSourcePaths, dirOf, foldersOf, isObj, resolveRepoPath } from './util.js';

/** Whether a document is in the group a release is read for (a Set, or a lazy test: plan/cilium-release.ts). */
export interface Membership {
  has(doc: YamlDocument): boolean;
}

/** A release's layers, and the index of its primary layer (its own inline values when it has any, else its first). */
export interface ReleaseLayers {
  layers: ValuesLayer[];
  primary: number;
}

export function inlineLayer(doc: YamlDocument, path: Path): ValuesLayer | undefined {
  const v = doc.get(path);
  return isObj(v) ? { doc, valuesPath: path, values: v } : undefined;
}

function stringLayer(doc: YamlDocument, path: Path): ValuesLayer | undefined {
  const v = doc.get(path);
  if (typeof v !== 'string') return undefined;
  // last key wins on duplicates: the rest of the values is still judged (gitops/argocd-helm-values-yaml reports them)
  const parsed = parseValuesText(v, { unique: false });
  return parsed.ok && isObj(parsed.value) ? { doc, valuesPath: path, values: parsed.value, inString: true } : undefined;
}

/** The values documents of a file (each mapping document is a layer; usually one). */
export function fileLayers(byFile: Map<string, YamlDocument[]>, path: string | undefined): ValuesLayer[] {
  if (!path) return [];
  const docs = byFile.get(path) ?? [];
  return docs.filter((d) => isObj(d.value) && !d.kind).map((d) => ({ doc: d, valuesPath: [], values: d.value as Record<string, unknown> }));
}

/** Deep merge as Helm does for values: maps merge, everything else is replaced. */
export function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObj(b) && isObj(v) ? mergeValues(b, v) : v;
  }
  return out;
}

/** A string value set by name (`--set` semantics): true/false and plain numbers are typed. */
export function scalar(v: string): unknown {
  if (v === 'true' || v === 'false') return v === 'true';
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

// ---------- Flux ----------

/** Documents `d` and `from` may be in one namespace (`ns`, else `from`'s own; an unset namespace may be any). */
export function sameNamespace(d: YamlDocument, from: YamlDocument, ns: unknown): boolean {
  const want = typeof ns === 'string' ? ns : from.namespace;
  return !want || !d.namespace || d.namespace === want;
}

/**
 * A Flux HelmRelease's layers: its `spec.valuesFrom` ConfigMaps the repository holds (`configMapLayers`; Secrets and
 * `targetPath` entries are not read), then its inline `spec.values`.
 */
export function fluxValuesLayers(doc: YamlDocument, all: readonly YamlDocument[], byFile: Map<string, YamlDocument[]>, group: Membership): ReleaseLayers {
  const layers: ValuesLayer[] = [];
  const valuesFrom = doc.get(['spec', 'valuesFrom']);
  if (Array.isArray(valuesFrom)) {
    valuesFrom.forEach((ref) => {
      if (!isObj(ref) || ref['kind'] !== 'ConfigMap' || typeof ref['name'] !== 'string') return;
      // targetPath sets one value at a path, not a values file: left unresolved (rules then do not judge absences)
      if (ref['targetPath'] !== undefined) return;
      const key = typeof ref['valuesKey'] === 'string' ? ref['valuesKey'] : 'values.yaml';
      layers.push(...configMapLayers(ref['name'], key, doc, all, byFile, group));
    });
  }
  const inline = inlineLayer(doc, ['spec', 'values']);
  if (inline) layers.push(inline);
  return { layers, primary: inline ? layers.length - 1 : 0 };
}

const CONFIG_MAPS = new WeakMap<readonly YamlDocument[], Map<string, YamlDocument[]>>();

/** The v1 ConfigMaps of a list by name, in list order (indexed once per list: every valuesFrom asks). */
function configMapsByName(all: readonly YamlDocument[]): Map<string, YamlDocument[]> {
  let m = CONFIG_MAPS.get(all);
  if (!m) {
    m = new Map();
    for (const d of docsOfKind(all, 'ConfigMap')) {
      if (d.apiVersion !== 'v1' || d.name === undefined) continue;
      const list = m.get(d.name);
      if (list) list.push(d);
      else m.set(d.name, [d]);
    }
    CONFIG_MAPS.set(all, m);
  }
  return m;
}

/**
 * A ConfigMap named `name` (committed, or generated by a kustomization configMapGenerator) → its values layer. Flux
 * reads valuesFrom in the HelmRelease's namespace: a ConfigMap that names another namespace is not it (one that
 * names none takes the namespace its kustomization gives it).
 */
function configMapLayers(name: string, key: string, from: YamlDocument, all: readonly YamlDocument[], byFile: Map<string, YamlDocument[]>, group: Membership): ValuesLayer[] {
  const cms = (configMapsByName(all).get(name) ?? []).filter((d) => sameNamespace(d, from, undefined));
  const cm = cms.find((d) => group.has(d)) ?? cms[0];
  if (cm) {
    const l = stringLayer(cm, ['data', key]);
    return l ? [l] : [];
  }
  // configMapGenerator: prefer the kustomization next to the HelmRelease, then any other
  const gens = all.filter((d) => d.docClass === 'kustomization' && Array.isArray(d.get(['configMapGenerator'])));
  const dir = dirOf(from.file.path);
  // prefer the kustomization next to the HelmRelease, then one of the same cluster group, then any
  const rank = (d: YamlDocument): number => (dirOf(d.file.path) === dir ? 0 : group.has(d) ? 1 : 2);
  gens.sort((a, b) => rank(a) - rank(b));
  for (const k of gens) {
    for (const g of k.get(['configMapGenerator']) as unknown[]) {
      if (!isObj(g) || g['name'] !== name || !Array.isArray(g['files'])) continue;
      for (const f of g['files']) {
        if (typeof f !== 'string') continue;
        const eq = f.indexOf('=');
        const fileKey = eq === -1 ? f.slice(f.lastIndexOf('/') + 1) : f.slice(0, eq);
        const rel = eq === -1 ? f : f.slice(eq + 1);
        if (fileKey !== key) continue;
        return fileLayers(byFile, resolveRepoPath(byFile, dirOf(k.file.path), rel));
      }
    }
  }
  return [];
}

// ---------- Argo CD ----------

/**
 * A Git repository URL as Argo CD tells repositories apart (lower case; without scheme, user, port, trailing `/` and
 * `.git`; the scp-like `git@host:path` as `host/path`). Undefined for templated or non-string values.
 */
export function repoKey(url: unknown): string | undefined {
  if (typeof url !== 'string' || /\$\{|\{\{/.test(url) || !url.trim()) return undefined;
  let u = url.trim().toLowerCase();
  const scp = /^(?:[^@/:]+@)?([^/:]+):(?!\/\/)(.+)$/.exec(u);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//.test(u)) u = `${scp[1]}/${scp[2]}`;
  else u = u.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^[^@/]+@/, '').replace(/^([^/:]+):\d+\//, '$1/');
  return u.replace(/\/+$/, '').replace(/\.git$/, '').replace(/\/+$/, '');
}

/**
 * Git repositories that are this one: repoURLs of Argo CD sources whose `path` is a folder of this tree. Empty when
 * nothing says so (then `$ref` value files are read from this tree, as before).
 */
export function localRepoUrls(all: readonly YamlDocument[], byFile: Map<string, YamlDocument[]>): ReadonlySet<string> {
  const dirs = foldersOf(byFile.keys());
  const out = new Set<string>();
  for (const d of all) {
    if (d.group !== 'argoproj.io' || (d.kind !== 'Application' && d.kind !== 'ApplicationSet')) continue;
    for (const s of argoSourcePaths(d).map((sp) => d.get(sp))) {
      if (!isObj(s) || typeof s['path'] !== 'string') continue;
      const p = s['path'].replace(/^\.\/+/, '').replace(/\/+$/, '');
      const url = repoKey(s['repoURL']);
      if (url && p && !/[{$]/.test(p) && dirs.has(p)) out.add(url);
    }
  }
  return out;
}

/** Where a value of an Application was written, as a layer location (inside a patch string when `inString`). */
export function placeOfValue(view: AppView, path: Path): Omit<ValuesLayer, 'values'> | undefined {
  const w = view.where(path);
  if (!w) return undefined;
  return w.inString ? { doc: w.doc, valuesPath: w.valuesPath, inString: true, stringPath: w.stringPath ?? [] } : { doc: w.doc, valuesPath: w.valuesPath };
}

/** The source paths of an Application as `view` shows it (`spec.sources[i]`, else `spec.source`). */
export function argoViewSources(view: AppView): Path[] {
  const list = view.get([...view.spec, 'sources']);
  return Array.isArray(list) && list.length ? list.map((_, i) => [...view.spec, 'sources', i]) : isObj(view.get([...view.spec, 'source'])) ? [[...view.spec, 'source']] : [];
}

/**
 * The layers of the Argo CD source at `sp` (one of `sources`): `$ref/` value files of this repository (`local`: the
 * repoURLs that are this one), the `helm.values` string or `helm.valuesObject` (never both), then `helm.parameters`.
 */
export function argoSourceLayers(view: AppView, sp: Path, sources: readonly Path[], byFile: Map<string, YamlDocument[]>, local: ReadonlySet<string>): ReleaseLayers {
  const layers: ValuesLayer[] = [];
  const files = view.get([...sp, 'helm', 'valueFiles']);
  if (Array.isArray(files)) {
    for (const f of files) {
      if (typeof f !== 'string') continue;
      // a path without `$ref/` is relative to the chart Argo CD fetched from the Helm repository, not a file of
      // this one: the chart's own values.yaml (its defaults) or a file the repository cannot show
      if (!f.startsWith('$')) continue;
      // `$values/path/to/file.yaml` (multi-source ref) is relative to the referenced repo's root: read it from
      // this tree only when that repository is this one (or nothing says which one this is)
      if (local.size) {
        const refName = f.slice(1, f.indexOf('/') === -1 ? undefined : f.indexOf('/'));
        const ref = sources.map((p) => view.get(p)).find((x) => isObj(x) && x['ref'] === refName);
        const url = isObj(ref) ? repoKey(ref['repoURL']) : undefined;
        if (url && !local.has(url)) continue;
      }
      layers.push(...fileLayers(byFile, resolveRepoPath(byFile, '', f.slice(f.indexOf('/') + 1), true)));
    }
  }
  // Argo CD renders valuesObject when it is set and the values string only otherwise
  // (ApplicationSourceHelm.ValuesYAML): never both
  const objPath = [...sp, 'helm', 'valuesObject'];
  const obj = isObj(view.get(objPath)) ? view.mapLayers(objPath) : undefined;
  const text = obj ? undefined : view.get([...sp, 'helm', 'values']);
  const at = typeof text === 'string' ? placeOfValue(view, [...sp, 'helm', 'values']) : undefined;
  const parsed = at ? parseValuesText(text as string, { unique: false }) : undefined;
  // last key wins on duplicates: the rest of the values is still judged (gitops/argocd-helm-values-yaml reports them)
  const s: ValuesLayer | undefined = at && parsed?.ok && isObj(parsed.value) ? { ...at, values: parsed.value, inString: true } : undefined;
  if (s) layers.push(s);
  if (obj) layers.push(...obj);
  // helm.parameters (`--set` semantics) win over every values source; one layer per parameter for positions
  const params = view.get([...sp, 'helm', 'parameters']);
  if (Array.isArray(params)) {
    params.forEach((prm, i) => {
      // `a[0]`, `a\.b` are --set forms not modelled: the release counts as incomplete (rules/cilium/lib/values.ts)
      if (!modelledParameter(prm)) return;
      const where = placeOfValue(view, [...sp, 'helm', 'parameters', i, 'value']);
      if (!where) return;
      const keys = prm['name'].split('.');
      const raw = prm['value'];
      let nested: Record<string, unknown> = { [keys[keys.length - 1]!]: typeof raw === 'string' && prm['forceString'] !== true ? scalar(raw) : raw };
      for (let k = keys.length - 2; k >= 0; k--) nested = { [keys[k]!]: nested };
      layers.push({ ...where, values: nested, inString: true, parameter: true });
    });
  }
  const primary = obj?.length ? layers.indexOf(obj[obj.length - 1]!) : s ? layers.indexOf(s) : 0;
  return { layers, primary };
}

/** An Argo CD helm parameter read into a values layer: a plain dotted name (no `a[0]`, no `a\.b`) and a value. */
export function modelledParameter(p: unknown): p is { name: string; value: unknown; forceString?: unknown } {
  return isObj(p) && typeof p['name'] === 'string' && /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/.test(p['name']) && p['value'] !== undefined && p['value'] !== null;
}

// ---------- Kustomize helmCharts ----------

/**
 * The layers of a kustomization's `helmCharts[i]`: `valuesFile` and `additionalValuesFiles` of this repository and
 * `valuesInline`, ordered by `valuesMerge` (override, the default: inline wins; merge: inline only fills keys the
 * files leave unset; replace: the inline values alone).
 */
export function kustomizeChartLayers(doc: YamlDocument, i: number, byFile: Map<string, YamlDocument[]>): ReleaseLayers {
  const c = doc.get(['helmCharts', i]);
  if (!isObj(c)) return { layers: [], primary: 0 };
  const fileLayersOf: ValuesLayer[] = [];
  const dir = dirOf(doc.file.path);
  if (typeof c['valuesFile'] === 'string') fileLayersOf.push(...fileLayers(byFile, resolveRepoPath(byFile, dir, c['valuesFile'])));
  if (Array.isArray(c['additionalValuesFiles'])) {
    for (const f of c['additionalValuesFiles']) if (typeof f === 'string') fileLayersOf.push(...fileLayers(byFile, resolveRepoPath(byFile, dir, f)));
  }
  const inl = inlineLayer(doc, ['helmCharts', i, 'valuesInline']);
  const merge = c['valuesMerge'];
  const layers: ValuesLayer[] = !inl ? fileLayersOf : merge === 'replace' ? [inl] : merge === 'merge' ? [inl, ...fileLayersOf] : [...fileLayersOf, inl];
  return { layers, primary: inl ? layers.indexOf(inl) : 0 };
}

// ---------- positions ----------

/**
 * Where `inner` (a values key path, list indexes allowed) of a layer is: the path in its document (for a string
 * layer, the string's path) and, for a string layer, the path inside the string.
 */
export function layerPath(layer: ValuesLayer, inner: Path): { path: Path; inner?: Path } {
  const rest = inner.slice(Math.min(layer.root?.length ?? 0, inner.length));
  if (layer.inString) return { path: layer.valuesPath, inner: [...(layer.stringPath ?? []), ...rest] };
  return { path: [...layer.valuesPath, ...rest] };
}
