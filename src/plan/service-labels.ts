/**
 * Whether the labels a Service document is written with are all the labels it gets: owns the check of what in a
 * cluster's documents can add labels to a plain Service after it is written (kustomize `labels`/`commonLabels`,
 * transformers, replacements and patches; a Flux Kustomization's `commonMetadata`; an Argo CD source's kustomize
 * labels; mutating admission policies) and the label keys GitOps controllers set themselves. Pure; it does not
 * match selectors (plan/lb.ts selectorMatches does, with this answer).
 */
import type { YamlDocument } from '../core/document.js';
import { docsOf, docsOfKind, type DocSelection } from '../core/kind-index.js';
import { mayBePatched } from './kustomize-patches.js';
import { argoSourcePaths, isObj } from './util.js';

/**
 * Label keys a controller adds to what it applies, so a selector on them is never judged from the repository:
 * Argo CD's label tracking (`app.kubernetes.io/instance`, the default `application.instanceLabelKey`), Flux's
 * kustomize-controller / helm-controller ownership labels.
 */
const CONTROLLER_KEY = /^(?:app\.kubernetes\.io\/instance|argocd\.argoproj\.io\/.*|(?:kustomize|helm)\.toolkit\.fluxcd\.io\/.*)$/;

/** A selector key a controller may set on any object it applies (CONTROLLER_KEY). */
export const controllerLabelKey = (key: string): boolean => CONTROLLER_KEY.test(key);

/** Kustomization keys that can add or change labels of every object it builds (buildMetadata: managedByLabel). */
const KUSTOMIZE_LABEL_KEYS = ['labels', 'commonLabels', 'transformers', 'replacements', 'buildMetadata'];

const CLOSED = new WeakMap<readonly YamlDocument[], boolean>();

/** The documents scanLabelSources judges but ConfigMaps (labelSourceCandidates): every other document adds no label. */
const LABEL_SOURCES: DocSelection = {
  classes: ['kustomization'],
  kinds: ['Kustomization', 'Application', 'ApplicationSet'],
  groups: ['kyverno.io', 'mutations.gatekeeper.sh', 'admissionregistration.k8s.io'],
};

/**
 * What scanLabelSources judges, from the kind index: LABEL_SOURCES and the ConfigMaps named argocd-cm (a ConfigMap
 * of another name matters only as a member of LABEL_SOURCES). A document may come twice: the answer is the same.
 */
function labelSourceCandidates(docs: readonly YamlDocument[]): YamlDocument[] {
  const out = [...docsOf(docs, LABEL_SOURCES)];
  for (const d of docsOfKind(docs, 'ConfigMap')) if (d.name === 'argocd-cm') out.push(d);
  return out;
}

/**
 * Nothing in `docs` can add labels to Services wholesale: no kustomization with `labels`, `commonLabels`,
 * `transformers` or `replacements`, no Flux Kustomization with `spec.commonMetadata`, no Argo CD source with
 * kustomize `labels`/`commonLabels`, no argocd-cm `application.instanceLabelKey` (another tracking key), no Kyverno
 * mutate rule, Gatekeeper mutation, MutatingAdmissionPolicy or MutatingWebhookConfiguration, no kustomize
 * `buildMetadata`. Computed once per list.
 */
function noLabelSource(docs: readonly YamlDocument[]): boolean {
  const known = CLOSED.get(docs);
  return known !== undefined ? known : scanLabelSources(docs);
}

/**
 * noLabelSource's pass over the list, once per list (a function of its own: noLabelSource is asked once per Service,
 * and V8 then optimises only that lookup, not this loop).
 */
function scanLabelSources(docs: readonly YamlDocument[]): boolean {
  let closed = true;
  // only the documents a branch below is about (kind index): the others leave `closed` as it is
  for (const d of labelSourceCandidates(docs)) {
    if (d.templated && d.docClass === 'kustomization') closed = false;
    else if (d.docClass === 'kustomization') closed = !KUSTOMIZE_LABEL_KEYS.some((k) => d.get([k]) !== undefined);
    else if (d.group === 'kustomize.toolkit.fluxcd.io' && d.kind === 'Kustomization') closed = d.get(['spec', 'commonMetadata']) === undefined;
    else if (d.group === 'argoproj.io' && (d.kind === 'Application' || d.kind === 'ApplicationSet')) {
      closed = !argoSourcePaths(d).some((sp) => {
        const k = d.get([...sp, 'kustomize']);
        return isObj(k) && (k['commonLabels'] !== undefined || k['labels'] !== undefined);
      });
    } else if (d.kind === 'ConfigMap' && d.name === 'argocd-cm') closed = !isObj(d.get(['data'])) || (d.get(['data']) as Record<string, unknown>)['application.instanceLabelKey'] === undefined;
    else if (d.group === 'kyverno.io') closed = !JSON.stringify(d.value ?? null).includes('"mutate"');
    else if (d.group === 'mutations.gatekeeper.sh') closed = false;
    // Kubernetes' own mutation: a MutatingAdmissionPolicy (CEL) or a mutating webhook may set any label
    else if (d.group === 'admissionregistration.k8s.io' && d.kind?.startsWith('Mutating')) closed = false;
    if (!closed) break;
  }
  CLOSED.set(docs, closed);
  return closed;
}

/**
 * The labels written on Service document `d` (a member of `docs`) are all it gets, for selector keys that are not a
 * controller's (controllerLabelKey): nothing in `docs` adds labels wholesale (noLabelSource) and no kustomize patch
 * may change its `metadata.labels`.
 */
export function serviceLabelsClosed(docs: readonly YamlDocument[], d: YamlDocument): boolean {
  if (d.templated) return false;
  return noLabelSource(docs) && !mayBePatched(docs, 'Service', d.name, [['metadata', 'labels']]);
}
