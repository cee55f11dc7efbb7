/**
 * gitops/replicas-target-missing: a `replicas` entry of a kustomization (or component) naming no Deployment,
 * StatefulSet, ReplicaSet or ReplicationController of its build; kustomize fails the build ("resource with name X does
 * not match a config with the following GVK"), and so do Flux and Argo CD; also such an entry an Argo CD source's
 * `kustomize.replicas` adds to the kustomization it builds, at the entry there. The check is plan/kustomize-replicas.ts
 * (plan/applier-overrides.ts for Argo CD's) over the build model of plan/kustomize-build.ts.
 */
import { applierReplicasMisses } from '../../plan/applier-overrides.js';
import { applierLabel } from '../../plan/appliers.js';
import type { BuiltObject } from '../../plan/kustomize-build.js';
import { replicasMisses } from '../../plan/kustomize-replicas.js';
import { applierMissData, groupMisses, HELD_SHOWN, heldList, uniqueApplierMisses } from './lib/kustomization-misses.js';
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';

const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const DEPLOY = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n`;
const ARGO_APP = (path: string, kustomize: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/me/home.git\n    targetRevision: main\n    path: ${path}\n    kustomize:\n${kustomize}  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n`;
const REPLICAS = (name: string, count = 2) => `replicas:\n  - name: ${name}\n    count: ${count}\n`;

const KUSTOMIZE_REPLICAS = 'https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/replicas/';
const KUSTOMIZE_REPLICA_TRANSFORMER = 'https://github.com/kubernetes-sigs/kustomize/blob/master/plugin/builtin/replicacounttransformer/ReplicaCountTransformer.go';
const KUSTOMIZE_REPLICA_SPECS = 'https://github.com/kubernetes-sigs/kustomize/blob/master/api/internal/konfig/builtinpluginconsts/replicas.go';
const FLUX_GENERATOR = 'https://github.com/fluxcd/pkg/blob/main/kustomize/kustomize_generator.go';
const ARGO_KUSTOMIZE = 'https://github.com/argoproj/argo-cd/blob/master/util/kustomize/kustomize.go';
const ARGO_KUSTOMIZE_DOCS = 'https://argo-cd.readthedocs.io/en/stable/user-guide/kustomize/';
const KUSTOMIZE_EDIT_REPLICAS = 'https://github.com/kubernetes-sigs/kustomize/blob/master/kustomize/commands/edit/set/setreplicas.go';
const FLUX_KUSTOMIZATION_SPEC = 'https://github.com/fluxcd/kustomize-controller/blob/main/api/v1/kustomization_types.go';

const shown = (o: BuiltObject): string => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
const heldText = (held: readonly BuiltObject[]): string => heldList(held.map(shown));

export default defineRule({
  meta: {
    id: 'gitops/replicas-target-missing',
    description: 'A `replicas` entry of a kustomization (or an Argo CD source\'s `kustomize.replicas`) names no Deployment, StatefulSet, ReplicaSet or ReplicationController of its build; kustomize fails the build.',
    severity: 'error',
    messages: {
      missing: 'This `replicas` entry names "{{name}}", which no Deployment, StatefulSet, ReplicaSet or ReplicationController of the build is or was called; kustomize (and Flux, Argo CD) fails with "resource with name {{name}} does not match a config with the following GVK", so nothing of this build is applied. Objects of those kinds it holds: {{held}}.',
      applierMissing: 'This `kustomize.replicas` entry of {{applier}} names "{{name}}", which no Deployment, StatefulSet, ReplicaSet or ReplicationController of the build of {{dir}} is or was called; Argo CD writes it into that kustomization (`kustomize edit set replicas`) and kustomize fails with "resource with name {{name}} does not match a config with the following GVK", so Argo CD renders nothing of the source. Objects of those kinds it holds: {{held}}.',
    },
    needsWholeTree: ['missing', 'applierMissing'],
    help: 'Make `name` the name of a Deployment, StatefulSet, ReplicaSet or ReplicationController the build holds (as written, or with the prefixes and suffixes it has), or remove the entry.',
    docs: {
      what: 'Builds every kustomization of the repository as kustomize 5 does (plan of gitops/duplicate-object) and looks at its `replicas` entries (and a component\'s). kustomize\'s replica count transformer runs after the kustomization\'s patches, `namespace`, `namePrefix` and `nameSuffix`, over everything accumulated (resources, components), and sets `spec.replicas` of every Deployment, ReplicationController, ReplicaSet and StatefulSet (of any API group) whose name, current or before a namePrefix/nameSuffix, equals the entry\'s `name`; the namespace is not compared.\n' +
        '\n' +
        'Reports, at the entry\'s `name`, an entry no such object answers to: a typo, a renamed or removed Deployment, a Deployment a HelmRelease or Helm chart renders (not an object of the kustomize build), or an object of another kind (a DaemonSet, a custom resource). The message lists the objects of those kinds the build holds.\n' +
        '\n' +
        'Not judged (the build is not known): a build reaching a remote, templated or unread resource or component, `helmCharts` or generator plugins, a file talium does not read as Kubernetes objects; a kustomization with `configurations` (its own field specs may add kinds); a build holding an object of those kinds whose name a transformer talium does not follow may change; a templated `name`.\n' +
        '\n' +
        'An Argo CD source\'s `kustomize.replicas` (`{name, count}` entries) is judged the same way (`applierMissing`, at the entry\'s `name` in the Application or ApplicationSet template): Argo CD runs `kustomize edit set replicas <name>=<count>` in the source\'s folder before `kustomize build`, which writes the entry into that folder\'s kustomization (replacing one of the same name), so it runs against that build with the source\'s `kustomize.namespace` / `namePrefix` / `nameSuffix`. Not judged there also: a source whose folder has no kustomization (Argo CD builds a directory, or fails), one with `kustomize.patches` or `components`, an Application of another repository.\n' +
        '\n' +
        'A Flux Kustomization has no replicas override (its spec has `images`, `patches`, `components`, `namePrefix`/`nameSuffix`, `targetNamespace`, no `replicas`).',
      why: 'kustomize stops when a `replicas` entry matches no object ("resource with name … does not match a config with the following GVK [Deployment… StatefulSet… ReplicaSet… ReplicationController…]"; checked with kubectl kustomize v5.5.0). The whole build fails, so kustomize-controller marks the Flux Kustomization not ready and Argo CD reports a ComparisonError: nothing under that kustomization is applied or updated, and the replica count the entry meant is never set.',
      fix: 'Correct the entry\'s `name` to the workload\'s (as the message lists them). To scale a workload a HelmRelease renders, set its chart\'s replica value instead.',
      sources: [KUSTOMIZE_REPLICAS, KUSTOMIZE_REPLICA_TRANSFORMER, KUSTOMIZE_REPLICA_SPECS, FLUX_GENERATOR, ARGO_KUSTOMIZE, ARGO_KUSTOMIZE_DOCS, KUSTOMIZE_EDIT_REPLICAS, FLUX_KUSTOMIZATION_SPEC],
    },
    examples: {
      valid: [{ files: { 'apps/web/kustomization.yaml': K(`resources:\n  - deployment.yaml\n${REPLICAS('web')}`), 'apps/web/deployment.yaml': DEPLOY('web') } }],
      invalid: [
        { files: { 'apps/web/kustomization.yaml': K(`resources:\n  - deployment.yaml\n${REPLICAS('web-server')}`), 'apps/web/deployment.yaml': DEPLOY('web') }, note: 'the Deployment is called web' },
        {
          files: {
            'apps/web/kustomization.yaml': K(`resources:\n  - ../base\n${REPLICAS('web')}`),
            'apps/base/kustomization.yaml': K('resources:\n  - deployment.yaml\n'),
            'apps/base/deployment.yaml': DEPLOY('frontend'),
          },
          note: 'the base renamed its Deployment; the overlay still scales the old name',
        },
        {
          files: {
            'clusters/home/web.yaml': ARGO_APP('apps/web', '      replicas:\n        - name: web-server\n          count: 2\n'),
            'apps/web/kustomization.yaml': K('resources:\n  - deployment.yaml\n'),
            'apps/web/deployment.yaml': DEPLOY('web'),
          },
          note: 'an Argo CD Application scaling a Deployment its kustomization does not hold (reported in the Application)',
        },
      ],
    },
  },
  check({ cluster, all, tree }) {
    const out: RuleFinding[] = [];
    // entries an Argo CD source's `kustomize.replicas` adds to the kustomization it builds
    for (const m of uniqueApplierMisses(applierReplicasMisses(cluster.docs, all, tree?.sourceIgnores))) {
      const a = m.applier;
      const related: RelatedFinding[] = [];
      const k = a.build?.kustomization;
      if (k) related.push({ doc: k, path: [], message: `the kustomization ${applierLabel(a)} writes the entry into` });
      for (const o of m.held.filter((x) => x.doc.docClass !== 'kustomization').slice(0, HELD_SHOWN)) related.push({ doc: o.doc, path: ['metadata', 'name'], message: `a ${o.kind} the build holds (${o.name})` });
      out.push({ doc: a.doc, path: m.at, messageId: 'applierMissing', data: applierMissData(m, heldText(m.held)), related });
    }
    for (const m of groupMisses(cluster, all, replicasMisses)) {
      const k = m.kustomization;
      const related: RelatedFinding[] = m.held.filter((o) => o.doc.docClass !== 'kustomization').slice(0, HELD_SHOWN).map((o) => ({ doc: o.doc, path: ['metadata', 'name'], message: `a ${o.kind} the build holds (${o.name})` }));
      out.push({ doc: k, path: [...m.entry, 'name'], messageId: 'missing', data: { name: m.name, held: heldText(m.held), kustomization: k.file.path }, related });
    }
    return out;
  },
});
