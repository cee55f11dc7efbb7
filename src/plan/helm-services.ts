/**
 * The Services a Helm release renders from the values the repository shows (Flux HelmRelease `spec.values` and the
 * valuesFrom ConfigMaps it holds, Argo CD `helm.valuesObject` or `helm.values` and `$ref` value files, kustomize
 * `helmCharts[]` values files and `valuesInline`: the layers of plan/helm-layers.ts), for the LB-IPAM requests
 * (plan/lb.ts) and k8s/etp-local-l2. Only the bjw-s app-template shape (`service.<id>`) is modelled, each Service
 * with the name the chart gives it (plan/app-template-names.ts); what the chart adds beyond it stays unknown. No findings here.
 */
import type { Range } from '../core/diagnostic.js';
import type { Path, YamlDocument } from '../core/document.js';
import { docsOfKind, docsOfKinds, docsWithoutKind } from '../core/kind-index.js';
import { argoSourceLayers, argoViewSources, fluxValuesLayers, kustomizeChartLayers, layerPath, localRepoUrls, mergeValues } from './helm-layers.js';
import { docView } from './kustomize-application.js';
import type { ValuesLayer } from './types.js';
import { appTemplateServiceName, chartMajor } from './app-template-names.js';
import { docsByFile, isObj, str } from './util.js';

/** Where a value of a release's values is written: a document path, inside a values string its range when found. */
export interface ValuesPlace {
  doc: YamlDocument;
  path: Path;
  range?: Range;
  /** The place is the key at `path` (asked for a key, in a document, not a string). */
  key?: boolean;
}

/** A Service an app-template release renders: `values.service.<id>`, with what the values tell of it. */
export interface HelmService {
  /** The release: a HelmRelease, Application, ApplicationSet or kustomization (helmCharts). */
  doc: YamlDocument;
  /** Path of the release in `doc` (`[]` for a HelmRelease, the Argo CD source, `['helmCharts', i]`). */
  releasePath: Path;
  /** What declares the release, for messages: the document's kind, or `helmCharts` for a kustomization's entry. */
  releaseKind: string;
  /** Its name as written, for messages (metadata.name; a helmCharts entry's releaseName or chart name). */
  releaseName: string;
  /**
   * The release's identity: `<kind>/<name>` (the HelmRelease's or Application's metadata.name, a helmCharts entry's
   * releaseName or chart name); two releases with one identity in one namespace are one release written twice
   * (overlays, environment copies). Undefined when the name is unknown or templated.
   */
  release?: string;
  /** An ApplicationSet renders one Application per generated element: how many, and where, the repository does not say. */
  generated?: boolean;
  /** The service's identifier (its key under `service`). */
  id: string;
  /**
   * The Service's name as the chart renders it (plan/app-template-names.ts: release name, fullname, the chart
   * version's naming rule); undefined when the values or the unknown chart version leave it open.
   */
  name?: string;
  /** The service's values, merged from every layer as Helm merges them. */
  values: Record<string, unknown>;
  /** `type` as rendered (the chart's default ClusterIP when unset). */
  type: string;
  /** The release namespace when the release states it (the chart puts every Service there). */
  namespace?: string;
  /**
   * Labels the Service certainly carries with that value: its own `labels` (they win over the chart's common labels),
   * without templated values and without `app.kubernetes.io/service`, which the chart sets itself. Other labels are
   * unknown, not absent (the chart adds its own).
   */
  labels: Record<string, string>;
  /**
   * What runs the pods behind it, from the controller it points at (`controller`, or the only controller):
   * 'daemonset', 'other' (a Deployment, StatefulSet, Job, CronJob), undefined when the values do not tell.
   */
  workload?: 'daemonset' | 'other';
  /**
   * Where values key `inner` below the service (`['annotations', 'lbipam.cilium.io/ips']`; `[]`: the service itself)
   * is written: in the last layer that sets it (Helm's precedence), inside a values string at its range when found;
   * `key` for the key rather than its value. Its nearest written ancestor when no layer sets it.
   */
  at(inner: Path, key?: boolean): ValuesPlace;
  /** Paths in `doc` of the service's maps written as mappings in `doc` itself (a walk of `doc` for annotation maps skips them). */
  inline: Path[];
}

/** A release's values: its layers (Helm's merge order) merged, the chart it names, its namespace and identity. */
interface Release {
  doc: YamlDocument;
  releasePath: Path;
  releaseKind: string;
  releaseName: string;
  layers: ValuesLayer[];
  values: Record<string, unknown>;
  chart?: string;
  namespace?: string;
  release?: string;
  generated?: boolean;
  /** The Helm release name the tool installs it under (plan/app-template-names.ts), when certain. */
  helmName?: string;
  /** The chart's major version as the release pins it (version, tag, targetRevision), when it does. */
  major?: number;
}

const SERVICE_LABEL = 'app.kubernetes.io/service';
const HELM_KINDS = ['HelmRelease', 'Application', 'ApplicationSet'];

const templated = (s: string): boolean => /\$\{|\{\{/.test(s);
const known = (v: unknown): string | undefined => {
  const s = str(v);
  return s && !templated(s) ? s : undefined;
};

/** What the readers of one document list share, each built when first needed. */
class Lookup {
  private files?: Map<string, YamlDocument[]>;
  private set?: ReadonlySet<YamlDocument>;
  private urls?: ReadonlySet<string>;
  constructor(readonly docs: readonly YamlDocument[]) {}
  get byFile(): Map<string, YamlDocument[]> {
    return (this.files ??= docsByFile(this.docs));
  }
  get group(): ReadonlySet<YamlDocument> {
    return (this.set ??= new Set(this.docs));
  }
  get local(): ReadonlySet<string> {
    return (this.urls ??= localRepoUrls(this.docs, this.byFile));
  }
}

/** The layers merged as Helm merges them (one layer: its own values, not a copy). */
const merged = (layers: readonly ValuesLayer[]): Record<string, unknown> => (layers.length === 1 ? layers[0]!.values : layers.reduce<Record<string, unknown>>((acc, l) => mergeValues(acc, l.values), {}));

/**
 * The Helm releases of document `d`, with their values layers (plan/helm-layers.ts): a Flux HelmRelease (valuesFrom
 * ConfigMaps of the list, inline values), each source of an Argo CD Application or ApplicationSet, each `helmCharts`
 * entry of a kustomization. ConfigMaps and values files are looked up in the same document list.
 */
function releasesOf(d: YamlDocument, look: Lookup): Release[] {
  if (d.docClass === 'kustomization') {
    const charts = d.get(['helmCharts']);
    if (!Array.isArray(charts)) return [];
    const out: Release[] = [];
    charts.forEach((c, i) => {
      if (!isObj(c)) return;
      const { layers } = kustomizeChartLayers(d, i, look.byFile);
      if (!layers.length) return;
      const r: Release = { doc: d, releasePath: ['helmCharts', i], releaseKind: 'helmCharts', releaseName: str(c['releaseName']) ?? str(c['name']) ?? '', layers, values: merged(layers) };
      const chart = str(c['name']);
      if (chart) r.chart = chart;
      // the kustomization's namespace transformer wins over the chart's own namespace
      const namespace = known(d.get(['namespace'])) ?? known(c['namespace']);
      if (namespace) r.namespace = namespace;
      const name = known(c['releaseName']) ?? known(c['name']);
      if (name) r.release = `helmCharts/${name}`;
      // without releaseName kustomize passes --generate-name: the name is not known
      const helmName = known(c['releaseName']);
      if (helmName) r.helmName = helmName;
      const major = chartMajor(c['version']);
      if (major !== undefined) r.major = major;
      out.push(r);
    });
    return out;
  }
  if (d.docClass !== 'k8s') return [];
  const name = known(d.name);
  if (d.kind === 'HelmRelease' && d.group === 'helm.toolkit.fluxcd.io') {
    const { layers } = fluxValuesLayers(d, look.docs, look.byFile, look.group);
    if (!layers.length) return [];
    const r: Release = { doc: d, releasePath: [], releaseKind: d.kind, releaseName: d.name ?? '', layers, values: merged(layers) };
    // a chartRef names its source: an OCIRepository of the app-template chart may carry the app's name
    const src = fluxChartSource(d, look.docs);
    const chart = str(d.get(['spec', 'chart', 'spec', 'chart'])) ?? (APP_TEMPLATE.test(str(src?.get(['spec', 'url'])) ?? '') ? 'app-template' : undefined) ?? str(d.get(['spec', 'chartRef', 'name']));
    if (chart) r.chart = chart;
    const namespace = known(d.get(['spec', 'targetNamespace'])) ?? known(d.namespace);
    if (namespace) r.namespace = namespace;
    if (name) r.release = `HelmRelease/${name}`;
    const helmName = fluxReleaseName(d);
    if (helmName) r.helmName = helmName;
    const major = fluxChartMajor(d, src);
    if (major !== undefined) r.major = major;
    return [r];
  }
  if ((d.kind === 'Application' || d.kind === 'ApplicationSet') && d.group === 'argoproj.io') {
    const view = docView(d);
    const namespace = known(d.get([...view.spec, 'destination', 'namespace']));
    const sources = argoViewSources(view);
    const out: Release[] = [];
    for (const sp of sources) {
      const { layers } = argoSourceLayers(view, sp, sources, look.byFile, look.local);
      if (!layers.length) continue;
      const r: Release = { doc: d, releasePath: sp, releaseKind: d.kind, releaseName: d.name ?? '', layers, values: merged(layers) };
      const chart = str(d.get([...sp, 'chart']));
      if (chart) r.chart = chart;
      if (namespace) r.namespace = namespace;
      if (name) r.release = `${d.kind}/${name}@${sp.join('.')}`;
      if (d.kind === 'ApplicationSet') r.generated = true;
      // Argo CD installs the chart under helm.releaseName, else the Application's name
      const helmName = d.kind === 'Application' ? (known(d.get([...sp, 'helm', 'releaseName'])) ?? name) : undefined;
      if (helmName) r.helmName = helmName;
      const major = chartMajor(d.get([...sp, 'targetRevision']));
      if (major !== undefined) r.major = major;
      out.push(r);
    }
    return out;
  }
  return [];
}

/**
 * The Helm release name helm-controller installs a HelmRelease under: `spec.releaseName`, else
 * `[<targetNamespace>-]<name>` (api/v2 GetReleaseName); one over 53 characters it shortens with a hash (unknown here).
 */
function fluxReleaseName(d: YamlDocument): string | undefined {
  const own = d.get(['spec', 'releaseName']);
  if (own !== undefined) return known(own);
  const name = known(d.name);
  if (!name) return undefined;
  const target = d.get(['spec', 'targetNamespace']);
  const ns = target === undefined ? '' : known(target);
  if (ns === undefined) return undefined;
  const full = ns ? `${ns}-${name}` : name;
  return full.length > 53 ? undefined : full;
}

/** The source a HelmRelease's `spec.chartRef` names (an OCIRepository or HelmChart of the list), when exactly one matches. */
function fluxChartSource(d: YamlDocument, docs: readonly YamlDocument[]): YamlDocument | undefined {
  const kind = str(d.get(['spec', 'chartRef', 'kind']));
  const ref = str(d.get(['spec', 'chartRef', 'name']));
  if (!kind || !ref) return undefined;
  const ns = str(d.get(['spec', 'chartRef', 'namespace'])) ?? d.namespace;
  const src = docsOfKind(docs, kind).filter((x) => x.group === 'source.toolkit.fluxcd.io' && x.name === ref && (ns === undefined || x.namespace === undefined || x.namespace === ns));
  return src.length === 1 ? src[0] : undefined;
}

/** The chart major version a HelmRelease pins: `spec.chart.spec.version`, or its chartRef source's tag / semver / version. */
function fluxChartMajor(d: YamlDocument, src: YamlDocument | undefined): number | undefined {
  const v = d.get(['spec', 'chart', 'spec', 'version']);
  if (v !== undefined) return chartMajor(v);
  if (!src) return undefined;
  return chartMajor(src.kind === 'HelmChart' ? src.get(['spec', 'version']) : (src.get(['spec', 'ref', 'tag']) ?? src.get(['spec', 'ref', 'semver'])));
}

/** app-template (bjw-s common library): the chart is named so, or the values have its `controllers` map. */
function isAppTemplate(r: Release): boolean {
  return APP_TEMPLATE.test(r.chart ?? '') || isObj(r.values['controllers']);
}

const APP_TEMPLATE = /(^|\/)app-template\/?$/;

/** The workload behind service `svc` (common library: `controller`, or the only enabled controller). */
function workloadOf(values: Record<string, unknown>, svc: Record<string, unknown>): HelmService['workload'] {
  const kind = (c: unknown): HelmService['workload'] => {
    if (!isObj(c)) return undefined;
    const t = c['type'] ?? 'deployment';
    if (typeof t !== 'string' || templated(t)) return undefined;
    return t.toLowerCase() === 'daemonset' ? 'daemonset' : 'other';
  };
  const controllers = values['controllers'];
  if (isObj(controllers)) {
    const id = svc['controller'];
    if (typeof id === 'string') return kind(controllers[id]);
    const enabled = Object.values(controllers).filter((c) => !isObj(c) || c['enabled'] !== false);
    if (enabled.length === 1) return kind(enabled[0]);
    const kinds = new Set(enabled.map(kind));
    return kinds.size === 1 ? [...kinds][0] : undefined;
  }
  // app-template 1.x: one `controller`, a Deployment unless it says otherwise
  return values['controller'] === undefined ? 'other' : kind(values['controller']);
}

/** True when `path` (keys) leads to a value in `v`. */
function has(v: unknown, path: Path): boolean {
  let cur = v;
  for (const k of path) {
    if (!isObj(cur) || !(String(k) in cur)) return false;
    cur = cur[String(k)];
  }
  return true;
}

/** Where values key `keys` of layer `l` is written (inside a values string: its range, when the string maps). */
function placeIn(l: ValuesLayer, keys: Path, key: boolean): ValuesPlace {
  const at = layerPath(l, keys);
  if (!l.inString) return key ? { doc: l.doc, path: at.path, key: true } : { doc: l.doc, path: at.path };
  // an Argo CD parameter is one value set by name: its `value` is the place
  const range = l.parameter ? undefined : l.doc.locateInString(at.path, at.inner ?? keys, key ? { key: true } : {});
  return range ? { doc: l.doc, path: at.path, range } : { doc: l.doc, path: at.path };
}

function servicesOf(d: YamlDocument, look: Lookup): HelmService[] {
  const out: HelmService[] = [];
  for (const r of releasesOf(d, look)) {
    const service = r.values['service'];
    if (!isAppTemplate(r) || !isObj(service)) continue;
    for (const [id, v] of Object.entries(service)) {
      // a disabled service is not rendered; a templated switch may be either
      if (!isObj(v) || (v['enabled'] !== undefined && v['enabled'] !== true)) continue;
      const type = v['type'] ?? 'ClusterIP';
      if (typeof type !== 'string') continue;
      const labels: Record<string, string> = {};
      if (isObj(v['labels'])) {
        for (const [k, x] of Object.entries(v['labels'])) {
          if (k === SERVICE_LABEL || !(typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') || templated(String(x))) continue;
          labels[k] = String(x);
        }
      }
      const layers = r.layers;
      const at = (inner: Path, key = false): ValuesPlace => {
        const full: Path = ['service', id, ...inner];
        for (let n = full.length; n >= 2; n--) {
          const keys = full.slice(0, n);
          for (let i = layers.length - 1; i >= 0; i--) if (has(layers[i]!.values, keys)) return placeIn(layers[i]!, keys, key && n === full.length);
        }
        return { doc: r.doc, path: r.releasePath };
      };
      const inline = layers.filter((l) => l.doc === d && !l.inString && has(l.values, ['service', id])).map((l) => layerPath(l, ['service', id]).path);
      const s: HelmService = { doc: d, releasePath: r.releasePath, releaseKind: r.releaseKind, releaseName: r.releaseName, id, values: v, type, labels, at, inline };
      if (r.release) s.release = r.release;
      if (r.generated) s.generated = true;
      if (r.namespace) s.namespace = r.namespace;
      // the naming rule is app-template's own (its hardcoded global.nameOverride): not another chart's on the library
      const serviceName = APP_TEMPLATE.test(r.chart ?? '') ? appTemplateServiceName(r.helmName, r.values, id, v, r.major) : undefined;
      if (serviceName) s.name = serviceName;
      const w = workloadOf(r.values, v);
      if (w) s.workload = w;
      out.push(s);
    }
  }
  return out;
}

const SERVICES = new WeakMap<readonly YamlDocument[], ReadonlyMap<YamlDocument, readonly HelmService[]>>();

/** The Services the Helm releases in `docs` render, by release document (read once per list). */
export function helmServicesByDoc(docs: readonly YamlDocument[]): ReadonlyMap<YamlDocument, readonly HelmService[]> {
  let m = SERVICES.get(docs);
  if (!m) {
    const built = new Map<YamlDocument, readonly HelmService[]>();
    const look = new Lookup(docs);
    const read = (d: YamlDocument): void => {
      const s = servicesOf(d, look);
      if (s.length) built.set(d, s);
    };
    // releases (HelmRelease, Argo CD) in list order, then kustomize helmCharts (a kustomization.yaml often has no kind)
    for (const d of docsOfKinds(docs, HELM_KINDS)) read(d);
    for (const list of [docsOfKind(docs, 'Kustomization'), docsWithoutKind(docs)]) {
      for (const d of list) if (d.docClass === 'kustomization' && Array.isArray(d.get(['helmCharts']))) read(d);
    }
    SERVICES.set(docs, (m = built));
  }
  return m;
}

const VALUE_FILES = new WeakMap<readonly YamlDocument[], readonly YamlDocument[]>();

/**
 * The values files (documents without a kind, read whole) of the Helm releases in `docs` other than app-template
 * ones (whose Services helmServicesByDoc renders): an Argo CD source's `$ref/` value files of this repository, a
 * kustomize helmCharts entry's `valuesFile`/`additionalValuesFiles`. Each once, in release order. The charts are
 * unknown, so the Services they render are too: plan/lb.ts reads the LB-IPAM annotations in them as requests of an
 * unknown Service, as it reads a release's inline values.
 */
export function releaseValueFiles(docs: readonly YamlDocument[]): readonly YamlDocument[] {
  let out = VALUE_FILES.get(docs);
  if (out) return out;
  const look = new Lookup(docs);
  const seen = new Set<YamlDocument>();
  const list: YamlDocument[] = [];
  const read = (d: YamlDocument): void => {
    for (const r of releasesOf(d, look)) {
      if (isAppTemplate(r)) continue;
      for (const l of r.layers) {
        if (l.inString || l.doc === d || l.doc.kind || l.valuesPath.length || seen.has(l.doc)) continue;
        seen.add(l.doc);
        list.push(l.doc);
      }
    }
  };
  for (const d of docsOfKinds(docs, ['Application', 'ApplicationSet'])) read(d);
  for (const kl of [docsOfKind(docs, 'Kustomization'), docsWithoutKind(docs)]) {
    for (const d of kl) if (d.docClass === 'kustomization' && Array.isArray(d.get(['helmCharts']))) read(d);
  }
  VALUE_FILES.set(docs, (out = list));
  return out;
}

/** Every Service the Helm releases in `docs` render: HelmReleases and Argo CD documents in list order, then kustomizations. */
export function helmServices(docs: readonly YamlDocument[]): HelmService[] {
  return [...helmServicesByDoc(docs).values()].flat();
}
