/**
 * gitops/cilium-crs-order: LB-IPAM pools and L2 policies are applied only after Cilium (whose operator creates
 * their CRDs): Flux `dependsOn` on the Kustomization deploying the Cilium HelmRelease; Argo CD sync waves or
 * `SkipDryRunOnMissingResource`. Silent when Cilium is installed at bootstrap (CRDs exist before GitOps starts).
 */
import type { YamlDocument } from '../../core/document.js';
import { l2Policies, pools } from '../cilium/lib/objects.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { ciliumBootstrapped } from './lib/bootstrap.js';
import { argoApps, argoResourceSyncOptions, argoSyncOptions, dependsOnClosure, dirOf, fluxKustomizations, ksFor, syncWave, under, type FluxKs } from './lib/flux.js';
import { appliers } from '../../plan/appliers.js';
import { appHealthRestored, cmPlaces } from './lib/argocd-cm.js';
import type { SourceIgnoreFile } from '../../plan/source-ignore.js';

const KS = (name: string, path: string, deps = '') => `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${deps}`;
const HR = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: cilium\n  values:\n    kubeProxyReplacement: true\n';
const ARGO_APP = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/example/homelab.git\n    path: infra/cilium\n    targetRevision: main\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n';
const KUST = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - pool.yaml\nhelmCharts:\n  - name: cilium\n    repo: https://helm.cilium.io/\n    version: 1.19.6\n    releaseName: cilium\n    namespace: kube-system\n    valuesInline:\n      kubeProxyReplacement: true\n';
const ROOT = ARGO_APP.replace('name: cilium', 'name: root').replace('infra/cilium', 'argocd/apps');
const CONFIG_APP = (wave: string) => ARGO_APP.replace('name: cilium', `name: config\n  annotations:\n    argocd.argoproj.io/sync-wave: "${wave}"`).replace('infra/cilium', 'infra/config');
const ARGOCD_CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  admin.enabled: "false"\n';
const POOL = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - start: 10.50.0.200\n      stop: 10.50.0.220\n';

export default defineRule({
  meta: {
    id: 'gitops/cilium-crs-order',
    description: 'Cilium pools and L2 policies must be applied after Cilium has created its CRDs.',
    severity: 'info',
    messages: {
      fluxNoDepends: 'Flux Kustomization "{{ks}}" applies {{kind}} "{{name}}" but does not depend on "{{cilium}}", which deploys Cilium; on a fresh cluster the apply fails with "no matches for kind" until the operator has created the CRDs.',
      fluxSame: 'Flux Kustomization "{{ks}}" applies {{kind}} "{{name}}" together with the Cilium HelmRelease; the server-side dry-run fails before Cilium exists, so nothing in it is applied.',
      argoNoSkip: 'Argo CD Application "{{app}}" (sync wave {{wave}}) syncs {{kind}} "{{name}}" in the same or an earlier sync wave than Application "{{cilium}}" (wave {{ciliumWave}}), which deploys Cilium, without SkipDryRunOnMissingResource=true; the sync fails until Cilium\'s operator has created the CRDs.',
      argoWaveNoHealth: 'Argo CD Application "{{app}}" (sync wave {{wave}}) syncs {{kind}} "{{name}}" after Application "{{cilium}}" (wave {{ciliumWave}}), which deploys Cilium, but the argocd-cm in this repository has no health check for argoproj.io/Application (removed from Argo CD\'s defaults in 1.8): the app of apps does not wait for Cilium to be healthy, so the sync can run before Cilium\'s operator has created the CRDs.',
      argoNoSkipSame: 'Argo CD Application "{{app}}" syncs {{kind}} "{{name}}" together with Cilium without SkipDryRunOnMissingResource=true; Argo CD dry-runs the whole Application before its first sync wave, so the sync fails until Cilium\'s operator has created the CRDs (a sync-wave annotation does not help).',
    },
    help: 'Flux: put pools/policies in their own Kustomization with `dependsOn: [{name: <cilium ks>}]`. Argo CD: add `SkipDryRunOnMissingResource=true` (resource annotation, or sync option), or sync the resources from a separate Application in a later sync wave than Cilium\'s (waves inside one Application do not help: Argo CD dry-runs every resource before the first wave; across the Applications of an app of apps a wave waits for the earlier ones to be healthy only with the `resource.customizations.health.argoproj.io_Application` health check in argocd-cm).',
    docs: {
      what: 'Maps Flux Kustomization `spec.path` (and Argo CD Application `source.path`) to repository folders, finds the one that applies each CiliumLoadBalancerIPPool / CiliumL2AnnouncementPolicy and the one that deploys Cilium, and checks the ordering between them.\n\nOn Argo CD, an Application that syncs the folder holding the Cilium Application (an app of apps) is not the one that deploys Cilium: a pool it syncs itself goes with the Cilium Application, before Cilium runs; a sibling Application that syncs the pools is compared by sync wave with the Cilium Application, and a later wave counts only when Argo CD waits for the Cilium Application to be healthy: when the repository shows an argocd-cm (the ConfigMap, or the argo-cd chart\'s `configs.cm`) without the argoproj.io/Application health check Argo CD 1.8 removed from its defaults, that is reported too (message `argoWaveNoHealth`; silent when no argocd-cm is shown).\n\nSilent when the repository installs Cilium at bootstrap (helmfile, Talos inline manifest, install Job).',
      why: 'The Cilium chart ships no CRDs: the operator creates them at runtime. Applying a pool before that fails the whole apply ("no matches for kind"), so a fresh cluster does not converge until retries line up, or deadlocks when the pool and the HelmRelease share one apply. Usually Cilium (the CNI) already runs before the GitOps controller can start, which is why this is informational unless you raise it.',
      fix: 'Split the config into its own Kustomization depending on the Cilium one (with `wait: true` or health checks on the HelmRelease), or in Argo CD mark Cilium CRs with `SkipDryRunOnMissingResource=true`.',
      sources: [SRC.fluxKustomization, SRC.argoSyncOptions, SRC.argoAppHealth, SRC.helmRef],
    },
    examples: {
      valid: [{ files: { 'clusters/ks.yaml': KS('cilium', './apps/cilium/app') + KS('cilium-config', './apps/cilium/config', '  dependsOn:\n    - name: cilium\n'), 'apps/cilium/app/helmrelease.yaml': HR, 'apps/cilium/config/pool.yaml': POOL } }],
      invalid: [
        { files: { 'clusters/ks.yaml': KS('cilium', './apps/cilium/app') + KS('cilium-config', './apps/cilium/config'), 'apps/cilium/app/helmrelease.yaml': HR, 'apps/cilium/config/pool.yaml': POOL } },
        { files: { 'clusters/ks.yaml': KS('cilium', './apps/cilium'), 'apps/cilium/helmrelease.yaml': HR, 'apps/cilium/pool.yaml': POOL } },
        { files: { 'argocd/cilium.yaml': ARGO_APP, 'infra/cilium/kustomization.yaml': KUST, 'infra/cilium/pool.yaml': POOL } },
        // an app of apps: the pools' Application in Cilium's wave; then in a later one, without the Application health check
        { files: { 'argocd/root.yaml': ROOT, 'argocd/apps/cilium.yaml': ARGO_APP, 'argocd/apps/config.yaml': CONFIG_APP('0'), 'infra/cilium/kustomization.yaml': KUST.replace('pool.yaml', 'ns.yaml'), 'infra/config/pool.yaml': POOL } },
        { files: { 'argocd/root.yaml': ROOT, 'argocd/apps/cilium.yaml': ARGO_APP, 'argocd/apps/config.yaml': CONFIG_APP('1'), 'infra/cilium/kustomization.yaml': KUST.replace('pool.yaml', 'ns.yaml'), 'infra/config/pool.yaml': POOL, 'argocd/cm.yaml': ARGOCD_CM } },
      ],
    },
  },
  check({ cluster, all, tree }) {
    const crs = [...pools(cluster.docs), ...l2Policies(cluster.docs)];
    if (!crs.length || ciliumBootstrapped(cluster)) return [];
    const out: RuleFinding[] = [];
    const gitops = cluster.ciliumReleases.filter((r) => r.purpose !== 'bootstrap');
    // Flux
    const kss = fluxKustomizations(cluster.docs);
    const fluxCilium = gitops.find((r) => r.engine === 'flux');
    if (kss.length && fluxCilium) {
      const hrDoc = fluxCilium.releaseDoc ?? fluxCilium.doc;
      const owner = fluxOwner(kss, cluster.docs, all, tree?.sourceIgnores);
      const ciliumKs = owner(hrDoc);
      const done = new Set<YamlDocument>();
      if (ciliumKs) {
        for (const cr of crs) {
          const ks = owner(cr);
          if (!ks || done.has(ks.doc)) continue;
          const data = { ks: ks.name, kind: cr.kind ?? '', name: cr.name ?? '', cilium: ciliumKs.name };
          const related = [{ doc: cr, path: ['kind'], message: `${cr.kind ?? ''} "${cr.name ?? ''}" is applied by this Kustomization.` }];
          if (ks.doc === ciliumKs.doc) {
            done.add(ks.doc);
            out.push({ doc: ks.doc, path: ['spec', 'path'], messageId: 'fluxSame', data, related });
          } else if (!dependsOnClosure(ks, kss).has(ciliumKs.name)) {
            done.add(ks.doc);
            out.push({ doc: ks.doc, path: ['metadata', 'name'], messageId: 'fluxNoDepends', data, related: [...related, { doc: ciliumKs.doc, path: ['metadata', 'name'], message: 'This Kustomization deploys the Cilium HelmRelease.' }] });
          }
        }
      }
    }
    // Argo CD
    const apps = argoApps(cluster.docs);
    const argoRel = gitops.filter((r) => r.engine === 'argocd' || r.engine === 'kustomize');
    if (apps.length && argoRel.length) {
      // the Applications that deploy Cilium: the release's own Application, or the one that syncs the folder of a
      // release written as a file there (a kustomization's helmCharts). An Application that syncs the folder holding
      // the Cilium *Application* is its parent (an app of apps): what it syncs goes together with that Application,
      // before Cilium runs, whatever its own sync wave; its children's waves are compared with the Cilium one's.
      const releaseDocs = argoRel.map((r) => r.releaseDoc ?? r.doc);
      const ciliumApps = apps.filter((a) => releaseDocs.some((d) => d === a.doc || (!isArgoApp(d) && a.dirs.some((dir) => dirOf(d.file.path) === dir))));
      const parentApps = new Set(apps.filter((a) => !ciliumApps.includes(a) && releaseDocs.some((d) => isArgoApp(d) && a.dirs.some((dir) => dirOf(d.file.path) === dir))).map((a) => a.doc));
      const done = new Set<YamlDocument>();
      for (const cr of crs) {
        if (argoResourceSyncOptions(cr).includes('SkipDryRunOnMissingResource=true')) continue;
        const dir = dirOf(cr.file.path);
        const app = apps.filter((a) => a.dirs.some((d) => under(dir, d))).sort((a, b) => Math.max(...b.dirs.map((x) => x.length)) - Math.max(...a.dirs.map((x) => x.length)))[0];
        if (!app || done.has(app.doc) || argoSyncOptions(app.doc).includes('SkipDryRunOnMissingResource=true')) continue;
        const same = ciliumApps.some((c) => c.doc === app.doc) || parentApps.has(app.doc);
        const wave = syncWave(app.doc);
        const before = ciliumApps.filter((c) => wave <= syncWave(c.doc));
        if (!same && ciliumApps.length && !before.length) {
          // a later wave than Cilium's among the Applications of an app of apps: it waits for the Cilium Application
          // to be healthy only with the argoproj.io/Application health check, which an argocd-cm shown here lacks
          const cms = cmPlaces(all);
          const waited = ciliumApps.filter((c) => c.doc.kind === 'Application' && app.doc.kind === 'Application' && parentOf(apps, c.doc) && parentOf(apps, c.doc) === parentOf(apps, app.doc));
          if (cms.length && !cms.some(appHealthRestored) && waited.length === ciliumApps.length) {
            done.add(app.doc);
            const c = waited[0]!;
            const data = { app: app.doc.name ?? '', kind: cr.kind ?? '', name: cr.name ?? '', sameApplication: false, wave, cilium: c.doc.name ?? '', ciliumWave: syncWave(c.doc) };
            const related = [{ doc: cr, path: ['kind'], message: 'Synced by this Application.' }, { doc: c.doc, path: ['metadata', 'name'], message: `This Application deploys Cilium (sync wave ${syncWave(c.doc)}).` }, { doc: cms[0]!.doc, path: cms[0]!.path, message: `${cms[0]!.what} has no health check for argoproj.io/Application.` }];
            out.push({ doc: app.doc, path: ['metadata', 'name'], messageId: 'argoWaveNoHealth', data, related });
          }
          continue;
        }
        if (!same && !ciliumApps.length) continue;
        done.add(app.doc);
        const cilium = same ? undefined : before[0]!;
        const data = { app: app.doc.name ?? '', kind: cr.kind ?? '', name: cr.name ?? '', sameApplication: same, ...(cilium ? { wave, cilium: cilium.doc.name ?? '', ciliumWave: syncWave(cilium.doc) } : {}) };
        const related = [{ doc: cr, path: ['kind'], message: 'Synced by this Application.' }, ...(cilium ? [{ doc: cilium.doc, path: ['metadata', 'name'], message: `This Application deploys Cilium (sync wave ${syncWave(cilium.doc)}).` }] : [])];
        out.push({ doc: app.doc, path: ['metadata', 'name'], messageId: same ? 'argoNoSkipSame' : 'argoNoSkip', data, related });
      }
    }
    return out;
  },
});

/** The Application that syncs the folder holding `doc` (its app of apps), if any: the deepest. */
function parentOf(apps: ReturnType<typeof argoApps>, doc: YamlDocument): YamlDocument | undefined {
  const dir = dirOf(doc.file.path);
  return apps.filter((a) => a.doc !== doc && a.dirs.includes(dir))[0]?.doc;
}

/** An Argo CD Application or ApplicationSet document (a release written as one, not as a file its source renders). */
const isArgoApp = (d: YamlDocument): boolean => d.group === 'argoproj.io' && (d.kind === 'Application' || d.kind === 'ApplicationSet');

/**
 * The Flux Kustomization that applies a document: the one whose build holds it (plan/appliers.ts: the folder's
 * kustomization `resources`, or what Flux generates, without what its source leaves out: `ignores`); the deepest of several. A document no build holds is applied by
 * none when the Kustomization whose `spec.path` is deepest above it is one talium builds (its kustomization leaves the
 * file out: a parent folder listing only the children's Kustomizations); else (a source talium does not build) that
 * Kustomization, by its path.
 */
function fluxOwner(kss: readonly FluxKs[], docs: readonly YamlDocument[], all: readonly YamlDocument[], ignores?: readonly SourceIgnoreFile[]): (d: YamlDocument) => FluxKs | undefined {
  const built = appliers(docs, all, ignores).filter((a) => a.engine === 'flux');
  const byDoc = new Map<YamlDocument, FluxKs[]>();
  const modelled = new Set<YamlDocument>(built.map((a) => a.doc));
  for (const a of built) {
    const ks = kss.find((k) => k.doc === a.doc);
    if (!ks) continue;
    for (const o of a.objects) {
      const list = byDoc.get(o.doc);
      if (!list) byDoc.set(o.doc, [ks]);
      else if (!list.includes(ks)) list.push(ks);
    }
  }
  return (d) => {
    const owners = byDoc.get(d);
    if (owners) return [...owners].sort((a, b) => b.dir.length - a.dir.length)[0];
    const byPath = ksFor(d.file.path, kss);
    return byPath && modelled.has(byPath.doc) ? undefined : byPath;
  };
}
