/**
 * The Services a Helm release renders from the inline values the repository shows (Flux HelmRelease `spec.values`,
 * Argo CD `helm.valuesObject`), for the LB-IPAM requests (plan/lb.ts) and k8s/etp-local-l2. Only the bjw-s
 * app-template shape (`service.<id>`) is modelled; what the chart adds beyond it stays unknown. No findings here.
 */
import type { Path, YamlDocument } from '../core/document.js';
import { docsOfKinds } from '../core/kind-index.js';
import { isObj, str } from './util.js';

/** A Service an app-template release renders: `values.service.<id>`, with what the values tell of it. */
export interface HelmService {
  /** The HelmRelease, Application or ApplicationSet. */
  doc: YamlDocument;
  /** Path of the service's values map (`[...values, 'service', id]`) in `doc`. */
  path: Path;
  /** The service's identifier (its key under `service`). */
  id: string;
  /** The service's values as written. */
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
}

/** A release's inline values, with the chart it names (`spec.chart.spec.chart`, `spec.chartRef.name`, an Argo source's `chart`) and its namespace. */
type ValuesRoot = { path: Path; values: Record<string, unknown>; chart?: string; namespace?: string };

const SERVICE_LABEL = 'app.kubernetes.io/service';
const HELM_KINDS = ['HelmRelease', 'Application', 'ApplicationSet'];

const templated = (s: string): boolean => /\$\{|\{\{/.test(s);
const known = (v: unknown): string | undefined => {
  const s = str(v);
  return s && !templated(s) ? s : undefined;
};

/** The inline values maps of a Helm-bearing document, with the chart and release namespace each is rendered for. */
export function helmValuesRoots(d: YamlDocument): ValuesRoot[] {
  if (d.docClass !== 'k8s') return [];
  if (d.kind === 'HelmRelease' && d.group === 'helm.toolkit.fluxcd.io') {
    const values = d.get(['spec', 'values']);
    if (!isObj(values)) return [];
    const chart = str(d.get(['spec', 'chart', 'spec', 'chart'])) ?? str(d.get(['spec', 'chartRef', 'name']));
    const namespace = known(d.get(['spec', 'targetNamespace'])) ?? known(d.namespace);
    return [{ path: ['spec', 'values'], values, ...(chart ? { chart } : {}), ...(namespace ? { namespace } : {}) }];
  }
  if ((d.kind === 'Application' || d.kind === 'ApplicationSet') && d.group === 'argoproj.io') {
    const spec: Path = d.kind === 'Application' ? ['spec'] : ['spec', 'template', 'spec'];
    const namespace = known(d.get([...spec, 'destination', 'namespace']));
    const list = d.get([...spec, 'sources']);
    const sources: Path[] = Array.isArray(list) && list.length ? list.map((_, i) => [...spec, 'sources', i]) : [[...spec, 'source']];
    const out: ValuesRoot[] = [];
    for (const sp of sources) {
      const values = d.get([...sp, 'helm', 'valuesObject']);
      if (!isObj(values)) continue;
      const chart = str(d.get([...sp, 'chart']));
      out.push({ path: [...sp, 'helm', 'valuesObject'], values, ...(chart ? { chart } : {}), ...(namespace ? { namespace } : {}) });
    }
    return out;
  }
  return [];
}

/** app-template (bjw-s common library): the chart is named so, or the values have its `controllers` map. */
function isAppTemplate(root: ValuesRoot): boolean {
  return /(^|\/)app-template$/.test(root.chart ?? '') || isObj(root.values['controllers']);
}

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

function servicesOf(d: YamlDocument): HelmService[] {
  const out: HelmService[] = [];
  for (const root of helmValuesRoots(d)) {
    const service = root.values['service'];
    if (!isAppTemplate(root) || !isObj(service)) continue;
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
      const s: HelmService = { doc: d, path: [...root.path, 'service', id], id, values: v, type, labels };
      if (root.namespace) s.namespace = root.namespace;
      const w = workloadOf(root.values, v);
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
    for (const d of docsOfKinds(docs, HELM_KINDS)) {
      const s = servicesOf(d);
      if (s.length) built.set(d, s);
    }
    SERVICES.set(docs, (m = built));
  }
  return m;
}

/** Every Service the Helm releases in `docs` render, in document order. */
export function helmServices(docs: readonly YamlDocument[]): HelmService[] {
  return [...helmServicesByDoc(docs).values()].flat();
}
