/**
 * gitops/helmrelease-depends-on: every `spec.dependsOn` entry of a Flux HelmRelease must name a HelmRelease the
 * repository applies (helm-controller looks up HelmReleases only, in the entry's namespace or else the release's own),
 * and the dependencies must not go round in a cycle. Owns those checks only; Kustomization `dependsOn` is
 * gitops/flux-depends-on's.
 */
import type { YamlDocument } from '../../core/document.js';
import { docsOfKind } from '../../core/kind-index.js';
import { suggest } from '../../core/suggest.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { dependsOnCycles, dependsOnEntries, dependsOnName, namesKind } from './lib/depends-cycles.js';
import { NameSet, Namespaces, TEMPLATED, namesMayChange } from './lib/flux-names.js';
import { isObj } from '../../plan/util.js';

const HELM_GROUP = 'helm.toolkit.fluxcd.io';
const HC_DEPENDENCIES = 'https://fluxcd.io/flux/components/helm/helmreleases/#dependencies';
const HC_CONTROLLER = 'https://github.com/fluxcd/helm-controller/blob/main/internal/controller/helmrelease_controller.go';

const HR = (name: string, dependsOn = '') =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: kube-system\nspec:\n  interval: 1h\n  chartRef:\n    kind: OCIRepository\n    name: ${name}\n${dependsOn}`;
const DEPENDS = (name: string) => `  dependsOn:\n    - name: ${name}\n`;
const KS = (name: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./apps/${name}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;


const isHr = (d: YamlDocument): boolean => d.kind === 'HelmRelease' && d.group === HELM_GROUP && d.docClass === 'k8s';

/**
 * A chart or other Go/Helm template whose structure is templated (a line starting with `{{`: `{{- if }}`, `{{ range }}`).
 * A HelmRelease with `${SECRET_DOMAIN}` or app-template's `{{ .Release.Name }}` in its values, as most have, is judged:
 * each name is checked for placeholders on its own.
 */
const goTemplated = (d: YamlDocument): boolean => d.templated && /^\s*(?:-\s*)?(?:\{\{|<<)/m.test(d.file.text.slice(d.start, d.end));

/** A HelmRelease's name as helm-controller sees it: its value (substituted where talium knows the variables). */
const hrName = dependsOnName;
const dependencies = (d: YamlDocument): Array<[number, string]> => dependsOnEntries(d, 'HelmRelease', HELM_GROUP);

export default defineRule({
  meta: {
    id: 'gitops/helmrelease-depends-on',
    description: 'A Flux HelmRelease `dependsOn` names a HelmRelease the repository does not have (or a Flux Kustomization), or the dependencies form a cycle.',
    severity: 'warning',
    messageSeverities: { cycle: 'error' },
    messages: {
      missing: 'HelmRelease "{{name}}" depends on "{{dependency}}", but the repository applies no HelmRelease of that name; helm-controller waits for it ("unable to get \'{{lookup}}\' dependency: ... not found") and never installs "{{name}}".',
      missingNear: 'HelmRelease "{{name}}" depends on "{{dependency}}", but the repository applies no HelmRelease of that name (did you mean "{{suggestion}}"?); helm-controller waits for it ("unable to get \'{{lookup}}\' dependency: ... not found") and never installs "{{name}}".',
      kustomization: 'HelmRelease "{{name}}" depends on "{{dependency}}", which is a Flux Kustomization, not a HelmRelease; an entry without `kind` means a HelmRelease, so helm-controller finds none ("unable to get ... dependency: ... not found") and never installs "{{name}}".',
      otherNamespace: 'HelmRelease "{{name}}" depends on "{{dependency}}" in namespace "{{namespace}}", but the repository applies that HelmRelease only in namespace "{{found}}"; a dependency without a namespace means the HelmRelease\'s own, so helm-controller finds none and never installs "{{name}}".',
      cycle: 'HelmRelease "{{name}}" depends on "{{dependency}}", which depends back on it ({{cycle}}); helm-controller installs a release only once its dependencies are ready, so none of them is ever installed ("dependency ... is not ready").',
    },
    help: 'Name an existing HelmRelease in `dependsOn` (its `metadata.name`, and `namespace` when it lives in another namespace), or remove the entry; to wait for a Flux Kustomization, put the dependency on the Kustomizations instead; break a cycle by removing the dependency that points back.',
    docs: {
      what: 'For each Flux HelmRelease, checks that every `spec.dependsOn[].name` is the `metadata.name` of a HelmRelease among the documents the repository applies, and suggests the nearest existing name. `kustomization`: the name is only a Flux Kustomization\'s (helm-controller fetches a HelmRelease, whatever else exists).\n' +
        '\n' +
        '`otherNamespace`: both namespaces are certain (the entry\'s `namespace`, else the release\'s own; the dependency\'s `metadata.namespace`; no kustomization `namespace:` or Flux `targetNamespace` above either) and the dependency lives only elsewhere.\n' +
        '\n' +
        '`cycle` (an error): the dependencies of HelmReleases with names the repository uses once go round back to where they started (`a` → `b` → `a`, or `a` on itself), reported at the entry of each release on the cycle that leads into it.\n' +
        '\n' +
        'Not judged: entries with a `kind` or `apiVersion` of another kind (newer Flux lets a dependency name any kind), templated dependencies and names a templated HelmRelease name could become, namespaces a kustomization or Flux `targetNamespace` may set, repositories where kustomize renames objects (`namePrefix`/`nameSuffix`) or the Flux Operator generates them (ResourceSet), and runs that read only part of the repository.',
      why: 'Before installing or upgrading, helm-controller gets each dependency as a HelmRelease (`name`, `namespace` defaulting to the HelmRelease\'s own) and requeues while one cannot be fetched ("unable to get \'<namespace>/<name>\' dependency: helmreleases.helm.toolkit.fluxcd.io \\"<name>\\" not found") or is not ready. A misspelt or renamed dependency, a Kustomization named where a HelmRelease is expected, or a missing `namespace` keeps the release not ready for good; a cycle does the same to every release on it. Nothing else fails.',
      fix: 'Correct the name (or add the dependency\'s `namespace`), or remove the entry; order a HelmRelease after a Flux Kustomization with `dependsOn` between Kustomizations.',
      sources: [SRC.fluxHelmRelease, HC_DEPENDENCIES, HC_CONTROLLER],
    },
    examples: {
      valid: [{ files: { 'apps/cilium/helmrelease.yaml': HR('cilium') + '---\n' + HR('hubble-ui', DEPENDS('cilium')) } }],
      invalid: [
        { files: { 'apps/cilium/helmrelease.yaml': HR('cilium') + '---\n' + HR('hubble-ui', DEPENDS('cillium')) } },
        { files: { 'apps/cilium/helmrelease.yaml': HR('cilium') + '---\n' + HR('hubble-ui', DEPENDS('cert-manager')) }, note: 'nothing close enough to suggest' },
        { files: { 'apps/cilium/helmrelease.yaml': HR('cilium', DEPENDS('storage')), 'clusters/home/storage.yaml': KS('storage') }, note: 'a Flux Kustomization is not a HelmRelease' },
        { files: { 'apps/cilium/helmrelease.yaml': HR('cilium', DEPENDS('openebs')), 'apps/openebs/helmrelease.yaml': HR('openebs').replace('namespace: kube-system', 'namespace: openebs-system') }, note: 'no namespace on the entry: the release\'s own, kube-system' },
        { files: { 'apps/cilium/helmrelease.yaml': HR('cilium', DEPENDS('hubble-ui')) + '---\n' + HR('hubble-ui', DEPENDS('cilium')) }, note: 'a cycle: neither is ever installed' },
      ],
    },
    needsWholeTree: ['missing', 'missingNear', 'kustomization', 'otherNamespace'],
  },
  check({ cluster, all }) {
    const mine = docsOfKind(cluster.docs, 'HelmRelease').filter((d) => isHr(d) && !goTemplated(d) && Array.isArray(d.get(['spec', 'dependsOn'])));
    if (!mine.length || namesMayChange(all)) return [];
    const releases = docsOfKind(all, 'HelmRelease').filter(isHr);
    const names = new NameSet();
    for (const d of releases) {
      names.add(d.name);
      names.add(d.get(['metadata', 'name']));
    }
    const ksNames = new Set(docsOfKind(all, 'Kustomization').filter((d) => d.group === 'kustomize.toolkit.fluxcd.io').map((d) => d.get(['metadata', 'name'])));
    const namespaces = new Namespaces(all);
    const out: RuleFinding[] = dependsOnCycles(releases.filter((d) => !goTemplated(d)), hrName, dependencies, mine).map((h) => ({
      doc: h.doc,
      path: ['spec', 'dependsOn', h.index, 'name'],
      messageId: 'cycle',
      severity: 'error' as const,
      data: { name: hrName(h.doc) ?? '', dependency: h.dependency, cycle: h.cycle },
    }));
    for (const d of mine) {
      const name = hrName(d) ?? d.name ?? '';
      (d.get(['spec', 'dependsOn']) as unknown[]).forEach((entry, i) => {
        if (!isObj(entry) || !namesKind(entry, 'HelmRelease', HELM_GROUP)) return;
        const dependency = entry['name'];
        if (typeof dependency !== 'string' || !dependency || TEMPLATED.test(dependency)) return;
        const entryNs = entry['namespace'];
        if (entryNs !== undefined && (typeof entryNs !== 'string' || TEMPLATED.test(entryNs))) return;
        const base = { doc: d, path: ['spec', 'dependsOn', i, 'name'], needsWholeTree: true };
        // the namespace helm-controller looks in: the entry's, else the HelmRelease's own (compared only when certain)
        const want = typeof entryNs === 'string' && entryNs ? entryNs : namespaces.of(d);
        if (!names.has(dependency)) {
          if (ksNames.has(dependency)) {
            out.push({ ...base, messageId: 'kustomization', data: { name, dependency } });
            return;
          }
          const suggestion = suggest(dependency, names.sorted.filter((n) => n !== name));
          out.push(suggestion ? { ...base, messageId: 'missingNear', data: { name, dependency, suggestion, lookup: `${want ?? '<namespace>'}/${dependency}` } } : { ...base, messageId: 'missing', data: { name, dependency, lookup: `${want ?? '<namespace>'}/${dependency}` } });
          return;
        }
        if (!want || names.patterns.length) return;
        const found = releases.filter((r) => r.name === dependency || r.get(['metadata', 'name']) === dependency).map((r) => namespaces.of(r));
        if (found.some((ns) => ns === undefined || ns === want)) return;
        out.push({ ...base, path: entryNs !== undefined ? ['spec', 'dependsOn', i, 'namespace'] : base.path, messageId: 'otherNamespace', data: { name, dependency, namespace: want, found: [...new Set(found)].sort().join(', ') } });
      });
    }
    return out;
  },
});
