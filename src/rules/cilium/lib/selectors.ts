/**
 * Kubernetes label selectors as Cilium applies them to Services (with the `io.kubernetes.service.namespace` /
 * `io.kubernetes.service.name` pseudo-labels), and the LoadBalancer Services an L2 policy announces.
 */
import type { YamlDocument } from '../../../core/document.js';
import { LB_CLASSES } from '../../../data/cilium.js';
import { isObject } from './objects.js';
import { docsOfKind } from '../../../core/kind-index.js';

/** undefined when the selector cannot be evaluated (templated or malformed); a missing selector matches all. */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean | undefined {
  if (selector === undefined || selector === null) return true;
  if (!isObject(selector)) return undefined;
  const ml = selector['matchLabels'];
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) return undefined;
    for (const [k, v] of Object.entries(ml)) if (labels[k] !== String(v)) return false;
  }
  const me = selector['matchExpressions'];
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) return undefined;
    for (const e of me) {
      if (!isObject(e) || typeof e['key'] !== 'string' || typeof e['operator'] !== 'string') return undefined;
      const has = Object.prototype.hasOwnProperty.call(labels, e['key']);
      const val = labels[e['key']];
      const values = Array.isArray(e['values']) ? e['values'].map(String) : [];
      switch (e['operator']) {
        case 'In': if (!has || !values.includes(val!)) return false; break;
        case 'NotIn': if (has && values.includes(val!)) return false; break;
        case 'Exists': if (!has) return false; break;
        case 'DoesNotExist': if (has) return false; break;
        default: return undefined;
      }
    }
  }
  return true;
}

const LABELS = new WeakMap<YamlDocument, Readonly<Record<string, string>>>();

/** A Service's labels plus Cilium's pseudo-labels; computed once per document. */
export function serviceLabels(svc: YamlDocument): Readonly<Record<string, string>> {
  let labels = LABELS.get(svc);
  if (!labels) LABELS.set(svc, (labels = Object.freeze(readServiceLabels(svc))));
  return labels;
}

function readServiceLabels(svc: YamlDocument): Record<string, string> {
  const out: Record<string, string> = {};
  const l = svc.get(['metadata', 'labels']);
  if (isObject(l)) for (const [k, v] of Object.entries(l)) out[k] = String(v);
  out['io.kubernetes.service.name'] = svc.name ?? '';
  out['io.kubernetes.service.namespace'] = svc.namespace ?? 'default';
  return out;
}

export function loadBalancerServices(docs: readonly YamlDocument[]): YamlDocument[] {
  return docsOfKind(docs, 'Service').filter((d) => d.docClass === 'k8s' && d.apiVersion === 'v1' && d.get(['spec', 'type']) === 'LoadBalancer');
}

/** LoadBalancer Services an L2 policy picks: matching serviceSelector, and no class or the L2 announcer class. */
export function announcedBy(policy: YamlDocument, services: readonly YamlDocument[]): YamlDocument[] {
  const sel = policy.get(['spec', 'serviceSelector']);
  return services.filter((s) => {
    const cls = s.get(['spec', 'loadBalancerClass']);
    if (cls !== undefined && cls !== null && cls !== LB_CLASSES.l2) return false;
    return selectorMatches(sel, serviceLabels(s)) === true;
  });
}
