/**
 * Finds every place a repository installs Cilium with Helm values (Flux HelmRelease and Argo CD Application with
 * their Kustomize overlays, Argo CD ApplicationSet, helmfile, Kustomize helmCharts, standalone values files) and
 * resolves the values files they reference (each release's values layers: plan/helm-layers.ts). Overlay patches are
 * read by plan/kustomize-overlays.ts.
 */
import { parseAllDocuments } from 'yaml';
import type { Path, YamlDocument } from '../core/document.js';
import { docsOf, type DocSelection } from '../core/kind-index.js';
import { argoSourceLayers, type Membership, argoViewSources, fileLayers, fluxValuesLayers, kustomizeChartLayers, layerPath, localRepoUrls, mergeValues, sameNamespace, scalar } from './helm-layers.js';
import { docView, plain, treeView, type AppView } from './kustomize-application.js';
import { kustomizeOverlays } from './kustomize-overlays.js';
import type { CiliumEngine, CiliumRelease, Fact, ValuesLayer } from './types.js';
import { dirOf, docsByFile, isObj, resolveRepoPath, str } from './util.js';

export { layerPath, mergeValues, modelledParameter } from './helm-layers.js';

/** Keys that mark a mapping as Cilium Helm values (any one of them suffices for an unreferenced values file). */
const CILIUM_VALUE_KEYS = ['kubeProxyReplacement', 'l2announcements', 'k8sServiceHost', 'ipam', 'bpf', 'hubble', 'routingMode', 'devices', 'cgroup', 'operator', 'socketLB', 'loadBalancer'];
const STRONG_KEYS = ['kubeProxyReplacement', 'l2announcements', 'k8sServiceHost', 'routingMode', 'bpf', 'cgroup'];

/** Every document findCiliumReleases' release loop may read (a superset of its branches: the loop still tests each). */
const RELEASE_HOLDERS: DocSelection = { kinds: ['HelmRelease', 'Application', 'ApplicationSet', 'Job'], classes: ['kustomization', 'talos-config', 'talos-document'], noApiVersion: true };
/** The classes a standalone values file has (looksLikeStandaloneValues). */
const VALUES_HOLDERS: DocSelection = { classes: ['helm-values', 'other'] };

const isCiliumChart = (chart: unknown): boolean => typeof chart === 'string' && /(^|\/)cilium$/.test(chart.trim());

/**
 * Every Cilium release among `docs`; values files and ConfigMaps they reference are looked up in `all`
 * (defaults to `docs`). Sorted by file then document order. Never throws.
 */
export function findCiliumReleases(docs: readonly YamlDocument[], all: readonly YamlDocument[] = docs): CiliumRelease[] {
  const byFile = docsByFile(all);
  // made on first use only (a Flux HelmRelease's ConfigMap layers): a set of every document costs ~1 ms a group
  let members: ReadonlySet<YamlDocument> | undefined;
  const group: Membership = { has: (d) => docs === all || (members ??= new Set(docs)).has(d) };
  const out: CiliumRelease[] = [];
  const referenced = new Set<YamlDocument>();
  const push = (r: CiliumRelease | undefined): void => {
    if (!r) return;
    for (const l of r.layers) referenced.add(l.doc);
    out.push(r);
  };
  let local: ReadonlySet<string> | undefined;
  const fluxReleases = new Map<YamlDocument, CiliumRelease | undefined>();
  const flux = (doc: YamlDocument): CiliumRelease | undefined => {
    if (!fluxReleases.has(doc)) fluxReleases.set(doc, fluxRelease(doc, all, byFile, group));
    return fluxReleases.get(doc);
  };
  const repoUrls = (): ReadonlySet<string> => (local ??= localRepoUrls(all, byFile));
  // Kustomize overlays patching a Flux HelmRelease or an Argo CD Application: their renderings are releases; a base
  // only used through them is not
  const safe = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch {
      return undefined;
    }
  };
  const ov = kustomizeOverlays(docs, all, byFile, (d) => safe(() => flux(d)), (d) => safe(() => argoReleases(docView(d), byFile, repoUrls()))?.[0]);
  for (const o of ov.overlays) {
    const r = makeRelease(o.base.releaseDoc ?? o.base.doc, 'flux', o.layers, o.version, o.base.purpose ?? 'gitops', o.primary);
    r.overlay = { kustomization: o.kustomization, path: o.path, base: o.base, patches: o.patches, skipped: o.skipped };
    push(r);
  }
  for (const o of ov.apps) {
    const app = plain(o.app);
    for (const r of safe(() => argoReleases(treeView(o.base.releaseDoc ?? o.base.doc, o.app), byFile, repoUrls(), false)) ?? []) {
      r.overlay = { kustomization: o.kustomization, path: o.path, base: o.base, patches: o.patches, skipped: o.skipped, app };
      push(r);
    }
  }
  // (the documents the branches below can take, from the kind index: most of a repository is none of them)
  for (const doc of docsOf(docs, RELEASE_HOLDERS)) {
    try {
      if (doc.kind === 'HelmRelease' && doc.group === 'helm.toolkit.fluxcd.io') {
        if (ov.patchDocs.has(doc)) continue; // a partial HelmRelease an overlay applies
        const r = flux(doc);
        if (r && ov.replaced.has(doc)) for (const l of r.layers) referenced.add(l.doc);
        else {
          // overlays not rendered: a kustomization may patch this release in ways not shown (a copy: releases are memoized)
          push(r && ov.unknown ? { ...r, valuesUnknown: true } : r);
        }
      } else if ((doc.kind === 'Application' || doc.kind === 'ApplicationSet') && doc.group === 'argoproj.io') {
        if (ov.patchDocs.has(doc)) continue; // a partial Application an overlay applies
        for (const r of argoReleases(docView(doc), byFile, repoUrls())) {
          if (ov.replaced.has(doc)) for (const l of r.layers) referenced.add(l.doc);
          // overlays not rendered: a kustomization may patch this Application in ways not shown
          else push(ov.unknown && doc.kind === 'Application' ? { ...r, valuesUnknown: true } : r);
        }
      } else if (doc.docClass === 'kustomization') {
        for (const r of kustomizeReleases(doc, byFile)) push(r);
      } else if (doc.kind === 'Job' && doc.group === 'batch') {
        push(ciliumCliJob(doc));
      } else if (doc.docClass === 'talos-config' || doc.docClass === 'talos-document') {
        for (const r of talosInlineJobs(doc)) push(r);
      } else if (!doc.apiVersion && Array.isArray(doc.get(['releases']))) {
        for (const r of helmfileReleases(doc, byFile)) push(r);
      }
    } catch {
      // a malformed release document is another rule's business; never crash the plan
    }
  }
  for (const doc of docsOf(docs, VALUES_HOLDERS)) {
    if (referenced.has(doc) || !looksLikeStandaloneValues(doc)) continue;
    const values = doc.value as Record<string, unknown>;
    const r: CiliumRelease = { doc, valuesPath: [], values, layers: [{ doc, valuesPath: [], values }], engine: 'values-file' };
    if (/(^|\/)(bootstrap|talos)(\/|$)/.test(doc.file.path)) r.purpose = 'bootstrap';
    out.push(r);
  }
  return out.sort((a, b) => (a.doc.file.path < b.doc.file.path ? -1 : a.doc.file.path > b.doc.file.path ? 1 : a.doc.start - b.doc.start));
}

function looksLikeStandaloneValues(doc: YamlDocument): boolean {
  if (doc.docClass !== 'helm-values' && doc.docClass !== 'other') return false;
  if (!isObj(doc.value) || doc.apiVersion || doc.kind || !/cilium/i.test(doc.file.path)) return false;
  const keys = Object.keys(doc.value);
  // a values file (`values.yaml`, `*-values.yaml`) in a `cilium` folder or named after cilium is Cilium's;
  // elsewhere (`cilium-dashboards/values.yaml`) it must also carry a Cilium key
  if (doc.docClass === 'helm-values') {
    const named = doc.file.path.split('/').some((seg) => /^cilium([-_.]?(values?|helm|app|chart|install|bootstrap|config))?(\.ya?ml)?$/i.test(seg));
    return named || keys.some((k) => CILIUM_VALUE_KEYS.includes(k));
  }
  const hits = keys.filter((k) => CILIUM_VALUE_KEYS.includes(k)).length;
  return hits >= 2 && keys.some((k) => STRONG_KEYS.includes(k));
}


function makeRelease(releaseDoc: YamlDocument, engine: CiliumEngine, layers: ValuesLayer[], version: Fact<string> | undefined, purpose: 'gitops' | 'bootstrap', inlineIndex: number, releasePath: Path = []): CiliumRelease {
  let values: Record<string, unknown> = {};
  for (const l of layers) values = mergeValues(values, l.values);
  const primary = layers[inlineIndex] ?? layers[0];
  const r: CiliumRelease = primary
    ? { doc: primary.doc, valuesPath: primary.valuesPath, values, layers, engine, purpose }
    : { doc: releaseDoc, valuesPath: [], values, layers, engine, purpose };
  r.releaseDoc = releaseDoc;
  r.releasePath = releasePath;
  if (version) r.version = version;
  return r;
}

// ---------- Flux ----------

function fluxRelease(doc: YamlDocument, all: readonly YamlDocument[], byFile: Map<string, YamlDocument[]>, group: Membership): CiliumRelease | undefined {
  let version: Fact<string> | undefined;
  let isCilium = false;
  const chartName = doc.get(['spec', 'chart', 'spec', 'chart']);
  if (isCiliumChart(chartName)) {
    isCilium = true;
    const v = doc.get(['spec', 'chart', 'spec', 'version']);
    if (typeof v === 'string' || typeof v === 'number') version = { value: String(v), from: { doc, path: ['spec', 'chart', 'spec', 'version'] } };
  }
  const refKind = str(doc.get(['spec', 'chartRef', 'kind']));
  const refName = str(doc.get(['spec', 'chartRef', 'name']));
  if (!isCilium && refKind && refName) {
    const src = all.find((d) => d.kind === refKind && d.name === refName && d.group === 'source.toolkit.fluxcd.io' && sameNamespace(d, doc, doc.get(['spec', 'chartRef', 'namespace'])));
    const url = src ? str(src.get(['spec', 'url'])) : undefined;
    if (src && url && /\/cilium\/?$/.test(url)) {
      isCilium = true;
      for (const key of ['tag', 'semver'] as const) {
        const v = src.get(['spec', 'ref', key]);
        if (typeof v === 'string' && !version) version = { value: v, from: { doc: src, path: ['spec', 'ref', key] } };
      }
    } else if (src && refKind === 'HelmChart' && isCiliumChart(src.get(['spec', 'chart']))) {
      isCilium = true;
      const v = src.get(['spec', 'version']);
      if (typeof v === 'string') version = { value: v, from: { doc: src, path: ['spec', 'version'] } };
    } else if (!src && refName === 'cilium') isCilium = true;
  }
  if (!isCilium) return undefined;
  const { layers, primary } = fluxValuesLayers(doc, all, byFile, group);
  return makeRelease(doc, 'flux', layers, version, 'gitops', primary);
}

// ---------- Argo CD ----------

/**
 * The Cilium releases of an Argo CD Application: one per source naming the Cilium chart. `view` reads the document
 * as committed (docView) or as a kustomization renders it (treeView: positions are where each value was written,
 * and the release is the whole base Application, `releasePath` []).
 */
function argoReleases(view: AppView, byFile: Map<string, YamlDocument[]>, local: ReadonlySet<string> = new Set(), committed = true): CiliumRelease[] {
  const doc = view.doc;
  const sources = argoViewSources(view);
  const out: CiliumRelease[] = [];
  for (const sp of sources) {
    const src = view.get(sp);
    if (!isObj(src) || !isCiliumChart(src['chart'])) continue;
    const { layers, primary } = argoSourceLayers(view, sp, sources, byFile, local);
    const tr = src['targetRevision'];
    const trAt = view.where([...sp, 'targetRevision']);
    const version: Fact<string> | undefined =
      (typeof tr === 'string' || typeof tr === 'number') && trAt ? { value: String(tr), from: { doc: trAt.doc, path: trAt.valuesPath, ...(trAt.inString ? { inner: trAt.stringPath ?? [] } : {}) } } : undefined;
    out.push(makeRelease(doc, 'argocd', layers, version, 'gitops', primary, committed ? sp : []));
  }
  return out;
}

// ---------- Kustomize helmCharts ----------

function kustomizeReleases(doc: YamlDocument, byFile: Map<string, YamlDocument[]>): CiliumRelease[] {
  const charts = doc.get(['helmCharts']);
  if (!Array.isArray(charts)) return [];
  const out: CiliumRelease[] = [];
  charts.forEach((c, i) => {
    if (!isObj(c) || !isCiliumChart(c['name'])) return;
    const { layers, primary } = kustomizeChartLayers(doc, i, byFile);
    const v = c['version'];
    const version: Fact<string> | undefined = typeof v === 'string' || typeof v === 'number' ? { value: String(v), from: { doc, path: ['helmCharts', i, 'version'] } } : undefined;
    const purpose = /(^|\/)(bootstrap|talos)(\/|$)/.test(doc.file.path) ? 'bootstrap' : 'gitops';
    out.push(makeRelease(doc, 'kustomize', layers, version, purpose, primary, ['helmCharts', i]));
  });
  return out;
}

// ---------- helmfile ----------

function helmfileReleases(doc: YamlDocument, byFile: Map<string, YamlDocument[]>): CiliumRelease[] {
  const releases = doc.get(['releases']) as unknown[];
  const out: CiliumRelease[] = [];
  releases.forEach((r, i) => {
    if (!isObj(r)) return;
    if (!isCiliumChart(r['chart']) && !(r['name'] === 'cilium' && r['chart'] === undefined)) return;
    const layers: ValuesLayer[] = [];
    const vals = r['values'];
    if (Array.isArray(vals)) {
      vals.forEach((v, j) => {
        if (typeof v === 'string') {
          // `{{ requiredEnv "ROOT_DIR" }}/kubernetes/...` → repo-relative suffix; else relative to the helmfile
          const tmpl = /^\{\{[^}]*\}\}\/?/.exec(v);
          const rel = tmpl ? v.slice(tmpl[0].length) : v;
          layers.push(...fileLayers(byFile, resolveRepoPath(byFile, tmpl ? '' : dirOf(doc.file.path), rel, !!tmpl)));
        } else if (isObj(v)) layers.push({ doc, valuesPath: ['releases', i, 'values', j], values: v });
      });
    }
    const ver = r['version'];
    const version: Fact<string> | undefined = typeof ver === 'string' || typeof ver === 'number' ? { value: String(ver), from: { doc, path: ['releases', i, 'version'] } } : undefined;
    const inlineIdx = layers.findIndex((l) => l.doc === doc);
    out.push(makeRelease(doc, 'helmfile', layers, version, 'bootstrap', inlineIdx === -1 ? 0 : inlineIdx, ['releases', i]));
  });
  return out;
}

// ---------- Talos bootstrap: the cilium-install Job (`cilium install --version X --set k=v`) ----------

/**
 * A cilium-install Job's `cilium install` command line. `job` is the Job's value; `at` maps a path inside the Job to a
 * path in `doc` (identity for a committed Job; the manifest string's path for a Job inside a Talos inline manifest).
 */
function ciliumCliJob(doc: YamlDocument, job: unknown = doc.value, at: (p: Path) => Path = (p) => p, inManifest = false): CiliumRelease | undefined {
  if (!isObj(job)) return undefined;
  const containers = (job['spec'] as { template?: { spec?: { containers?: unknown } } } | undefined)?.template?.spec?.containers;
  if (!Array.isArray(containers)) return undefined;
  for (let c = 0; c < containers.length; c++) {
    const ctr = containers[c];
    if (!isObj(ctr)) continue;
    for (const field of ['command', 'args'] as const) {
      const argv = ctr[field];
      if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) continue;
      const words = argv as string[];
      const start = words.findIndex((w, i) => /(^|\/)cilium(-cli)?$/.test(w) && words[i + 1] === 'install');
      if (start === -1) continue;
      const path: Path = ['spec', 'template', 'spec', 'containers', c, field];
      let values: Record<string, unknown> = {};
      let version: Fact<string> | undefined;
      for (let i = start + 2; i < words.length; i++) {
        const w = words[i]!;
        const next = (flag: string): string | undefined => (w.startsWith(`${flag}=`) ? w.slice(flag.length + 1) : w === flag ? words[++i] : undefined);
        const ver = next('--version');
        if (ver !== undefined) {
          version = { value: ver.replace(/^v/, ''), from: { doc, path: at([...path, i]) } };
          continue;
        }
        const set = next('--set') ?? next('--helm-set');
        if (set === undefined) continue;
        for (const pair of set.split(',')) {
          const eq = pair.indexOf('=');
          if (eq <= 0) continue;
          const keys = pair.slice(0, eq).split('.');
          let nested: Record<string, unknown> = { [keys[keys.length - 1]!]: scalar(pair.slice(eq + 1)) };
          for (let k = keys.length - 2; k >= 0; k--) nested = { [keys[k]!]: nested };
          values = mergeValues(values, nested);
        }
      }
      const layers: ValuesLayer[] = Object.keys(values).length ? [{ doc, valuesPath: at(path), values, inString: true }] : [];
      const r = makeRelease(doc, 'talos', layers, version, 'bootstrap', 0, at(path));
      if (inManifest && r.version) r.version.from.note = 'cilium install --version inside a Talos inline manifest';
      return r;
    }
  }
  return undefined;
}

/** Talos inline manifests (`cluster.inlineManifests[].contents`, `KubeInlineManifestConfig.manifest`) holding a cilium-install Job. */
function talosInlineJobs(doc: YamlDocument): CiliumRelease[] {
  const strings: Path[] = [];
  if (doc.docClass === 'talos-config') {
    const list = doc.get(['cluster', 'inlineManifests']);
    if (Array.isArray(list)) list.forEach((_, i) => strings.push(['cluster', 'inlineManifests', i, 'contents']));
  } else if (doc.docClass === 'talos-document' && doc.kind === 'KubeInlineManifestConfig') strings.push(['manifest']);
  const out: CiliumRelease[] = [];
  for (const sp of strings) {
    const text = doc.get(sp);
    if (typeof text !== 'string' || !/cilium/.test(text) || !/\binstall\b/.test(text)) continue;
    let values: unknown[];
    try {
      values = parseAllDocuments(text).map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
    } catch {
      continue;
    }
    for (const v of values) {
      if (!isObj(v) || v['kind'] !== 'Job') continue;
      const r = ciliumCliJob(doc, v, () => sp, true);
      if (r) out.push(r);
    }
  }
  return out;
}

// ---------- lookups for rules ----------

export interface ValueHit {
  value: unknown;
  doc: YamlDocument;
  /** Path of the key in `doc` (for a string layer: the string's path). */
  path: Path;
  inString: boolean;
  /** For a string layer: the key's path inside the string (doc.locateInString), as Provenance.inner. */
  inner?: Path;
}

/**
 * The effective value at `key` (a dotted Helm path `a.b.c` or a segment array) and the layer that set it last
 * (Helm's precedence), for positions. Undefined when no layer sets it.
 */
export function valueAt(release: CiliumRelease, key: string | readonly string[]): ValueHit | undefined {
  const segs = typeof key === 'string' ? key.split('.') : key;
  for (let i = release.layers.length - 1; i >= 0; i--) {
    const l = release.layers[i]!;
    let cur: unknown = l.values;
    let ok = true;
    for (const s of segs) {
      if (!isObj(cur) || !(s in cur)) {
        ok = false;
        break;
      }
      cur = cur[s];
    }
    if (!ok) continue;
    const at = layerPath(l, segs);
    return at.inner ? { value: cur, doc: l.doc, path: at.path, inString: !!l.inString, inner: at.inner } : { value: cur, doc: l.doc, path: at.path, inString: !!l.inString };
  }
  return undefined;
}
