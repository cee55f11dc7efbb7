/**
 * gitops/argocd-destination: an Argo CD Application (or ApplicationSet template) destination names its cluster by
 * exactly one of `server` and `name`. Both, or neither, is an InvalidSpecError: Argo CD syncs nothing of the app.
 */
import type { YamlDocument } from '../../core/document.js';
import { docsOfKinds } from '../../core/kind-index.js';
import { mayBePatched } from '../../plan/kustomize-patches.js';
import { argoSpecPath, isObj, TEMPLATED } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { ARGO_APP_KINDS } from './lib/flux.js';


const APP = (destination: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: whoami\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/me/home-ops.git\n    targetRevision: main\n    path: kubernetes/apps/whoami\n  destination:\n${destination}`;

/** A destination field as Argo CD reads it: a non-empty string is set; a templated one may render to anything. */
const setValue = (v: unknown): 'set' | 'templated' | undefined => (typeof v === 'string' && v !== '' ? (TEMPLATED.test(v) ? 'templated' : 'set') : undefined);

export default defineRule({
  meta: {
    id: 'gitops/argocd-destination',
    description: 'An Argo CD Application destination must name its cluster by exactly one of `server` and `name`.',
    severity: 'error',
    messages: {
      both: 'Argo CD {{kind}} "{{app}}" sets both destination `name` ({{destName}}) and `server` ({{server}}); Argo CD refuses the spec ("application destination can\'t have both name and server defined") and syncs nothing of it.',
      missing: 'Argo CD {{kind}} "{{app}}" sets neither destination `server` nor `name`; Argo CD refuses the spec ("Destination server missing from app spec") and syncs nothing of it.',
    },
    help: 'Name the destination cluster exactly once: `server: https://kubernetes.default.svc` (the cluster Argo CD runs in) or `name: in-cluster` (a cluster by its name in Argo CD), not both.',
    docs: {
      what: 'Checks `spec.destination` of Argo CD Applications and ApplicationSet templates: reports one that sets both `server` and `name` (non-empty), at `server`, with `name` as related location, and one that sets neither, at `destination` (or at `spec` when there is no destination).\n' +
        '\n' +
        'Not judged:\n' +
        '- templated values (`{{...}}`, `${...}`), which may render empty;\n' +
        '- an ApplicationSet with a `templatePatch`, which may set the destination;\n' +
        '- an Application a kustomize patch (a kustomization, Flux Kustomization or Argo CD source) may change the destination of.',
      why: 'Argo CD validates the destination before rendering anything: with both fields it reports "application destination can\'t have both name and server defined", with neither "Destination server missing from app spec" (InvalidSpecError). The Application never syncs, so nothing in its path is deployed, while the manifests look complete. Writing `name: in-cluster` next to a default `server: https://kubernetes.default.svc` copied from an example is the usual slip.',
      fix: 'Delete one of the two fields (the cluster Argo CD runs in is `server: https://kubernetes.default.svc`, or `name: in-cluster`), or add the missing one.',
      sources: [SRC.argoApplicationSpec, SRC.argoValidateDestination],
    },
    examples: {
      valid: [{ files: { 'argocd/whoami.yaml': APP('    server: https://kubernetes.default.svc\n    namespace: whoami\n') } }, { files: { 'argocd/whoami.yaml': APP('    name: in-cluster\n    namespace: whoami\n') } }],
      invalid: [{ files: { 'argocd/whoami.yaml': APP('    name: in-cluster\n    server: https://kubernetes.default.svc\n    namespace: whoami\n') } }, { files: { 'argocd/whoami.yaml': APP('    namespace: whoami\n') } }],
    },
  },
  check({ cluster, all }) {
    const out: RuleFinding[] = [];
    for (const doc of docsOfKinds(cluster.docs, ARGO_APP_KINDS)) {
      if (doc.group !== 'argoproj.io' || (doc.kind !== 'Application' && doc.kind !== 'ApplicationSet')) continue;
      if (doc.kind === 'ApplicationSet' && doc.get(['spec', 'templatePatch']) !== undefined) continue;
      const finding = judge(doc);
      if (finding && !mayBePatched(all, doc.kind, doc.name, [['spec', 'destination']])) out.push(finding);
    }
    return out;
  },
});

function judge(doc: YamlDocument): RuleFinding | undefined {
  const spec = argoSpecPath(doc);
  const data = { kind: doc.kind ?? 'Application', app: doc.name ?? '' };
  const dest = doc.get([...spec, 'destination']);
  // a spec that is no mapping is the schema's to report
  if (!isObj(doc.get(spec))) return undefined;
  if (!isObj(dest)) return { doc, path: dest === undefined ? spec : [...spec, 'destination'], key: true, messageId: 'missing', data };
  const server = setValue(dest['server']);
  const name = setValue(dest['name']);
  if (server === 'set' && name === 'set') {
    return {
      doc,
      path: [...spec, 'destination', 'server'],
      key: true,
      messageId: 'both',
      data: { ...data, destName: JSON.stringify(dest['name']), server: JSON.stringify(dest['server']) },
      related: [{ doc, path: [...spec, 'destination', 'name'], key: true, message: 'destination name' }],
    };
  }
  const blank = (v: unknown) => v === undefined || v === null || v === '';
  if (blank(dest['server']) && blank(dest['name'])) return { doc, path: [...spec, 'destination'], key: true, messageId: 'missing', data };
  return undefined;
}
