/**
 * gitops/object-applied-twice: one object (kind, namespace, name) applied to one cluster by two GitOps appliers (two
 * Flux Kustomizations, two Argo CD Applications, or one of each). They fight over it: each apply overwrites the other's
 * fields, and pruning by one deletes what the other still ships. Appliers and what they build: plan/appliers.ts.
 */
import type { YamlDocument } from '../../core/document.js';
import { applierAncestry as ancestry, applierLabel, appliers, inOtherClusters as otherClusters, type Applier } from '../../plan/appliers.js';
import { isClusterScoped, type BuiltObject } from '../../plan/kustomize-build.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';

const KS = (name: string, path: string, extra = '') =>
  `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${extra}`;
const POOL = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 10.50.0.224/28\n';
const KUST = (...entries: string[]) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${entries.map((f) => `  - ${f}\n`).join('')}`;

const FLUX_OVERLAP = 'https://github.com/fluxcd/kustomize-controller/issues/732';

const label = applierLabel;

/** The applier's own identity: two documents of one Flux Kustomization or Application are one applier (the last wins). */
const identity = (a: Applier): string => `${a.engine}\u0000${a.doc.namespace ?? ''}\u0000${a.name}`;

export default defineRule({
  meta: {
    id: 'gitops/object-applied-twice',
    description: 'Two Flux Kustomizations or Argo CD Applications apply the same object to one cluster.',
    severity: 'warning',
    messages: {
      twice: '{{object}} is applied by {{first}} and by {{second}}; the two fight over it (each apply overwrites the other\'s changes, and pruning by one deletes what the other still ships).',
    },
    help: 'Let one applier own the object: remove it from the other one\'s folder (or kustomization), or point the two at folders that do not overlap.',
    docs: {
      what: 'Builds what each Flux Kustomization and Argo CD Application source of this repository applies:\n' +
        '- a Flux Kustomization\'s `spec.path` with the folder\'s kustomization (or the one Flux generates of every manifest below), `targetNamespace`, `namePrefix` and `nameSuffix` replacing the kustomization\'s own; from its source\'s artifact, without the files source-controller leaves out (`.sourceignore` files, the source\'s `spec.ignore`, and without either Flux\'s default exclusions such as `.github/`);\n' +
        '- an Argo CD source\'s `path` with its kustomization (and `kustomize.namespace`/`namePrefix`/`nameSuffix`) or as a plain directory (`directory.recurse`: with its subfolders), objects without a namespace going to `destination.namespace`.\n' +
        '\n' +
        'Reports an object (group, kind, namespace, name) that two of them apply to the same cluster (talium\'s cluster group, the same Argo CD destination, the same Flux `kubeConfig`), at the second copy\'s `metadata.name` (the object the user moves or deletes), with both appliers\' paths as related locations.\n' +
        '\n' +
        'Two appliers that give the object different names (each its own overlay with another `namePrefix`/`nameSuffix`, or their own) apply two objects, not one: network/service-ip-conflict and network/pool-overlap judge such copies; the same rendered name is one object applied twice.\n' +
        '\n' +
        'A base and its overlays are one build, not two appliers; objects of other clusters are other objects, and so are those of two appliers that descend from two documents of one object (two `flux-system` Kustomizations: two clusters\' bootstraps).\n' +
        '\n' +
        'Not judged:\n' +
        '- templated names or namespaces (`${VAR}`, `{{ }}`: substituted per applier);\n' +
        '- objects a transformer talium does not follow may rename;\n' +
        '- sources of other repositories;\n' +
        '- Helm and plugin sources;\n' +
        '- ApplicationSets whose Applications talium cannot know: other generators than those built (below), a `templatePatch`, a second matrix child using the first\'s parameters, a matrix or merge child\'s `selector` without `spec.applyNestedSelectors` (Argo CD 2 drops it, 3 applies it), a `clusters` generator with `flatList` or when the repository\'s cluster Secrets cannot be read (SOPS, templated, made by an ExternalSecret, SealedSecret or the argo-cd chart\'s `clusterCredentials`), and an Application whose template uses a parameter that stays unresolved;\n' +
        '- (built: one git `directories` generator, one Application per matching folder (Go path.Match of the path as written: `*` and `**` within one segment, `./apps/*` matching none; no folder below a name starting with `.`) with the `path` parameters; one git `files` generator naming YAML files, one per file or per mapping of a file holding a list, with its fields, flattened with dots without goTemplate, and the file\'s `path` parameters; one `list` generator, one per element);\n' +
        '- (built: one `clusters` generator, one per cluster: the in-cluster one (`in-cluster`, https://kubernetes.default.svc) unless a selector is set or a cluster Secret holds that server, and each cluster Secret of the repository the selector matches, with `name`, `nameNormalized`, `server`, `project` and the Secret\'s labels and annotations);\n' +
        '- (built: a `matrix` of two of those, every pair, the first child\'s value winning a key both set with goTemplate, a conflicting key failing the ApplicationSet without; a `merge` of two or more, the first child\'s sets combined with the later children\'s sets of the same `mergeKeys` values, later values winning);\n' +
        '- (built: generator-level `values` rendered with each set, a generator-level `selector` keeping the sets it matches, a generator\'s own `template` filled in by the ApplicationSet\'s);\n' +
        '- two documents of one Flux Kustomization or Application.',
      why: 'Flux: both Kustomizations apply the object on every reconcile, each overwriting the other\'s version, and when one stops shipping it, its garbage collection deletes an object the other still declares. Argo CD: the resource is tracked by one Application and shown with a SharedResourceWarning in the other (FailOnSharedResource=true makes the sync fail), and the two keep syncing it back and forth.',
      fix: 'Keep the object in one applier\'s folder only: remove the duplicate file or `resources` entry, or narrow a `spec.path` / source `path` that reaches into another applier\'s folder.',
      sources: [SRC.fluxKustomization, FLUX_OVERLAP, SRC.argoSyncOptions],
    },
    examples: {
      valid: [{ files: { 'clusters/home/apps.yaml': KS('lb', './infra/lb'), 'infra/lb/kustomization.yaml': KUST('pool.yaml'), 'infra/lb/pool.yaml': POOL } }],
      invalid: [
        { files: { 'clusters/home/apps.yaml': KS('lb', './infra/lb') + KS('infra', './infra'), 'infra/lb/kustomization.yaml': KUST('pool.yaml'), 'infra/lb/pool.yaml': POOL }, note: 'Flux generates a kustomization of ./infra that takes the lb folder whole' },
      ],
    },
  },
  check({ cluster, all, tree }) {
    // (a Flux Kustomization applies its source's artifact: not the files .sourceignore, spec.ignore and Flux's defaults leave out)
    const list = appliers(cluster.docs, all, tree?.sourceIgnores);
    if (list.length < 2) return [];
    const byKey = new Map<string, Array<{ a: Applier; o: BuiltObject }>>();
    for (const a of list) {
      for (const o of a.objects) {
        if (o.uncertain) continue;
        const ns = isClusterScoped(o.kind) ? '' : o.namespace || a.defaultNamespace;
        const key = `${a.target}\u0000${o.group}\u0000${o.kind}\u0000${ns}\u0000${o.name}`;
        const l = byKey.get(key);
        if (!l) byKey.set(key, [{ a, o }]);
        else if (!l.some((x) => identity(x.a) === identity(a))) l.push({ a, o });
      }
    }
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    let anc: Map<YamlDocument, Set<YamlDocument>> | undefined;
    for (const l of byKey.values()) {
      if (l.length < 2) continue;
      const [first] = l;
      for (const x of l.slice(1)) {
        if (otherClusters(first!.a, x.a, (anc ??= ancestry(list)))) continue;
        const place = (d: YamlDocument): string => `${d.file.path}#${d.index}`;
        const key = `${place(x.o.doc)}\u0000${place(x.a.doc)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const related: RelatedFinding[] = [
          { doc: first!.a.doc, path: first!.a.at, message: `${label(first!.a)} applies it` },
          { doc: x.a.doc, path: x.a.at, message: `${label(x.a)} applies it` },
        ];
        if (first!.o.doc !== x.o.doc) related.push({ doc: first!.o.doc, path: ['metadata', 'name'], message: 'the other copy' });
        const twice = (at: { a: Applier; o: BuiltObject }, rel: RelatedFinding[]): RuleFinding => {
          const ns = isClusterScoped(at.o.kind) ? '' : at.o.namespace || at.a.defaultNamespace;
          return {
            doc: at.o.doc,
            path: ['metadata', 'name'],
            messageId: 'twice',
            data: { object: `${at.o.kind} ${ns ? `${ns}/` : ''}${at.o.name}`, kind: at.o.kind, name: at.o.name, namespace: ns, first: label(first!.a), second: label(x.a) },
            related: rel,
          };
        };
        const f = twice(x, related);
        // two copies in two files are equal parties: told from the first copy's side in a run that reports only its
        // file (RuleFinding.mirror); the appliers keep their order
        const one = first!;
        if (one.o.doc !== x.o.doc) f.mirror = () => twice(one, [...related.slice(0, 2), { doc: x.o.doc, path: ['metadata', 'name'], message: 'the other copy' }]);
        out.push(f);
      }
    }
    return out;
  },
});
