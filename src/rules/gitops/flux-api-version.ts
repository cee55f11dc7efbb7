/** gitops/flux-api-version: Flux apiVersions that current Flux no longer serves (helm v2beta1/v2beta2, source v1beta1/v1beta2, kustomize v1beta*). */
import { docsOf } from '../../core/kind-index.js';
import { atLeast } from '../../data/versions.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { fluxVersion } from './lib/flux.js';

/** group/version → [replacement, Flux minor that stopped serving it]. [HC/SC/KC CRDs at tags] (domain-facts §5.1) */
const REMOVED: Record<string, { use: string; flux: string }> = {
  'helm.toolkit.fluxcd.io/v2beta1': { use: 'helm.toolkit.fluxcd.io/v2', flux: '2.7' },
  'helm.toolkit.fluxcd.io/v2beta2': { use: 'helm.toolkit.fluxcd.io/v2', flux: '2.8' },
  'source.toolkit.fluxcd.io/v1beta1': { use: 'source.toolkit.fluxcd.io/v1', flux: '2.7' },
  'source.toolkit.fluxcd.io/v1beta2': { use: 'source.toolkit.fluxcd.io/v1', flux: '2.8' },
  // [fluxcd/flux2 issue #5474 (v1beta1 APIs, Flux 2.7); fluxcd/kustomize-controller PR #1584 (v1beta2, 2026-02, Flux 2.8)]
  'kustomize.toolkit.fluxcd.io/v1beta1': { use: 'kustomize.toolkit.fluxcd.io/v1', flux: '2.7' },
  'kustomize.toolkit.fluxcd.io/v1beta2': { use: 'kustomize.toolkit.fluxcd.io/v1', flux: '2.8' },
};

/** The groups of those apiVersions: only their documents are looked at (kind index), not every document. */
const REMOVED_GROUPS: readonly string[] = [...new Set(Object.keys(REMOVED).map((v) => v.slice(0, v.indexOf('/'))))];

const HR = (v: string) => `apiVersion: helm.toolkit.fluxcd.io/${v}\nkind: HelmRelease\nmetadata:\n  name: cilium\nspec:\n  chart:\n    spec:\n      chart: cilium\n      sourceRef:\n        kind: HelmRepository\n        name: cilium\n`;

export default defineRule({
  meta: {
    id: 'gitops/flux-api-version',
    description: 'Flux objects must use apiVersions current Flux still serves.',
    severity: 'error',
    messages: {
      removed: '{{kind}} uses "{{apiVersion}}", which Flux {{flux}} and later no longer serve; use "{{use}}".',
      deprecated: '{{kind}} uses "{{apiVersion}}" (this repo runs Flux {{running}}); it stops being served in Flux {{flux}}: use "{{use}}".',
    },
    help: 'Move Flux objects to their v1/v2 APIs (`flux migrate` rewrites stored objects); the spec fields are compatible.',
    docs: {
      what: 'Flags HelmRelease, source (HelmRepository, GitRepository, OCIRepository, HelmChart, Bucket) and Flux Kustomization objects on beta apiVersions that Flux removed: helm v2beta1 (2.7), v2beta2 (2.8), source v1beta1 (2.7), v1beta2 (2.8), kustomize v1beta1 (2.7), v1beta2 (2.8). When the repository states an older Flux (gotk-components header, FluxInstance), the finding is a warning.',
      why: 'After a Flux upgrade past the removal, the API server rejects these manifests ("no matches for kind") and reconciliation of everything in that Kustomization stops.',
      fix: 'Change the apiVersion (HelmRelease → helm.toolkit.fluxcd.io/v2, sources → source.toolkit.fluxcd.io/v1, Kustomization → kustomize.toolkit.fluxcd.io/v1).',
      sources: [SRC.fluxApis, SRC.fluxHelmRelease, 'https://github.com/fluxcd/flux2/issues/5474', 'https://github.com/fluxcd/kustomize-controller/pull/1584'],
    },
    examples: { valid: [{ files: { 'cilium/helmrelease.yaml': HR('v2') } }], invalid: [{ files: { 'cilium/helmrelease.yaml': HR('v2beta2') } }] },
  },
  check({ cluster }) {
    // the stated Flux version is looked up only when a finding needs it: it may read every file's header
    let running: string | undefined | null = null;
    const out: RuleFinding[] = [];
    for (const doc of docsOf(cluster.docs, { groups: REMOVED_GROUPS })) {
      if (doc.docClass !== 'k8s') continue;
      // (own keys only: an apiVersion such as `toString` is no entry)
      const r = doc.apiVersion !== undefined && Object.hasOwn(REMOVED, doc.apiVersion) ? REMOVED[doc.apiVersion] : undefined;
      if (!r) continue;
      if (running === null) running = fluxVersion(cluster.docs);
      const data = { kind: doc.kind ?? '', apiVersion: doc.apiVersion ?? '', use: r.use, flux: r.flux, running: running ?? '' };
      if (running && !atLeast(running, r.flux)) out.push({ doc, path: ['apiVersion'], messageId: 'deprecated', data, severity: 'warning' });
      else out.push({ doc, path: ['apiVersion'], messageId: 'removed', data });
    }
    return out;
  },
});
