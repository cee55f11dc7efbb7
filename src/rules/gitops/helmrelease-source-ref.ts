/**
 * gitops/helmrelease-source-ref: a Flux HelmRelease's chart source (`spec.chart.spec.sourceRef`, `spec.chartRef`)
 * must name a source object the repository defines, in the namespace helm-controller looks in. Owns that name and
 * namespace check only; which of chart/chartRef is set is gitops/helmrelease-chart-source's.
 */
import type { YamlDocument } from '../../core/document.js';
import { docsOfKind } from '../../core/kind-index.js';
import { suggest } from '../../core/suggest.js';
import { SRC } from '../cilium/lib/sources.js';
import { dirOf, isObj } from '../../plan/util.js';
import { defineRule, type RuleFinding } from '../types.js';
import { NameSet, Namespaces, TEMPLATED, namesMayChange } from './lib/flux-names.js';

const SOURCE_GROUP = 'source.toolkit.fluxcd.io';
/** The source kinds each field may name (helm-controller v2 API; ExternalArtifact comes from outside the repository). */
const CHART_KINDS = new Set(['HelmRepository', 'GitRepository', 'Bucket']);
const CHARTREF_KINDS = new Set(['OCIRepository', 'HelmChart']);
/** The name Flux bootstrap and the Flux Operator give the source they create outside the repository's files. */
const BOOTSTRAP = 'flux-system';


const HR = (ref: string, ns = 'kube-system') => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: ${ns}\nspec:\n  interval: 1h\n${ref}`;
const CHART_REF = (name: string, ns = '') => `  chartRef:\n    kind: OCIRepository\n    name: ${name}\n${ns ? `    namespace: ${ns}\n` : ''}`;
const OCI = (name: string, ns = 'kube-system') => `apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  interval: 1h\n  url: oci://quay.io/cilium/charts/cilium\n  ref:\n    tag: 1.19.1\n`;

interface Ref {
  path: (string | number)[];
  ref: Record<string, unknown>;
}

/** The chart source reference of a HelmRelease and its path, when it has one of a kind the repository could define. */
function chartSource(d: YamlDocument): Ref | undefined {
  const sr = d.get(['spec', 'chart', 'spec', 'sourceRef']);
  if (isObj(sr) && typeof sr['kind'] === 'string' && CHART_KINDS.has(sr['kind'])) return { path: ['spec', 'chart', 'spec', 'sourceRef'], ref: sr };
  const cr = d.get(['spec', 'chartRef']);
  if (isObj(cr) && typeof cr['kind'] === 'string' && CHARTREF_KINDS.has(cr['kind'])) return { path: ['spec', 'chartRef'], ref: cr };
  return undefined;
}

export default defineRule({
  meta: {
    id: 'gitops/helmrelease-source-ref',
    description: 'A Flux HelmRelease names a chart source (HelmRepository, OCIRepository...) the repository does not define.',
    severity: 'warning',
    messages: {
      missing: 'HelmRelease "{{name}}" takes its chart from {{kind}} "{{source}}", but the repository defines no {{kind}} of that name; helm-controller reports the source not found and never installs the release.',
      missingNear: 'HelmRelease "{{name}}" takes its chart from {{kind}} "{{source}}", but the repository defines no {{kind}} of that name (did you mean "{{suggestion}}"?); helm-controller reports the source not found and never installs the release.',
      otherNamespace: 'HelmRelease "{{name}}" takes its chart from {{kind}} "{{source}}" in namespace "{{namespace}}", but the repository defines it only in namespace "{{found}}"; a sourceRef without a namespace means the HelmRelease\'s own, so helm-controller finds no source.',
    },
    help: 'Name a source the repository defines (its kind, `metadata.name`, and its namespace in `sourceRef.namespace` when it lives in another namespace than the HelmRelease).',
    docs: {
      what: 'For each Flux HelmRelease, checks that `spec.chart.spec.sourceRef` (HelmRepository, GitRepository, Bucket) or `spec.chartRef` (OCIRepository, HelmChart) names a source of that kind the repository defines (in any folder), and, when both namespaces are certain, that it is in the namespace the reference means: `sourceRef.namespace`, else the HelmRelease\'s own. Suggests the nearest existing name.\n' +
        '\n' +
        'Judged where the repository shows where its sources of that kind live: in folders of their own (a shared `flux/repositories`), or, when it keeps each next to its release (the `app/ocirepository.yaml` layout), in the release\'s own folder.\n' +
        '\n' +
        'Not judged:\n' +
        '- a release without a source of its kind beside it in that layout (the file may just not be part of the run), a kind the repository defines no source of (its sources are then elsewhere: the Flux Operator, another repository);\n' +
        '- `flux-system` (Flux bootstrap creates it), ExternalArtifact, templated names and names a templated source could become;\n' +
        '- namespaces a kustomization `namespace:` or Flux `targetNamespace` may set;\n' +
        '- repositories where kustomize renames objects (`namePrefix`/`nameSuffix`) or the Flux Operator generates them (ResourceSet), and runs that read only part of the repository.',
      why: 'helm-controller resolves the chart source by kind, name and namespace before anything else. A source that does not exist (a typo, a renamed HelmRepository, a reference without the `namespace: flux-system` of a shared repository) leaves the HelmRelease not ready (its HelmChart reports `failed to get source: HelmRepository.source.toolkit.fluxcd.io "<name>" not found`; with `chartRef`, the HelmRelease itself cannot get its source) and the release is never installed or upgraded; nothing else in the repository fails. A reference without `namespace` means the HelmRelease\'s own namespace (source-controller HelmChart spec, helm-controller `sourceRef` / `chartRef` fields).',
      fix: 'Correct the name, or add `namespace:` to the reference when the source lives in another namespace (typically `flux-system`).',
      sources: [SRC.fluxHelmRelease, 'https://fluxcd.io/flux/components/helm/helmreleases/#chart-template', 'https://fluxcd.io/flux/components/helm/helmreleases/#chart-reference', 'https://fluxcd.io/flux/components/source/helmcharts/#source-reference'],
    },
    examples: {
      valid: [{ files: { 'apps/cilium/helmrelease.yaml': HR(CHART_REF('cilium')), 'apps/cilium/ocirepository.yaml': OCI('cilium') } }],
      invalid: [
        { files: { 'apps/cilium/helmrelease.yaml': HR(CHART_REF('cillium')), 'apps/cilium/ocirepository.yaml': OCI('cilium') } },
        { files: { 'apps/cilium/helmrelease.yaml': HR(CHART_REF('cilium')), 'flux/repositories/cilium.yaml': OCI('cilium', 'flux-system') }, note: 'the source is in flux-system; the reference has no namespace' },
      ],
    },
    needsWholeTree: ['missing', 'missingNear', 'otherNamespace'],
  },
  check({ cluster, all }) {
    const hrs = docsOfKind(cluster.docs, 'HelmRelease').filter((d) => d.docClass === 'k8s' && d.group === 'helm.toolkit.fluxcd.io' && !d.templated);
    const refs = hrs.map((d) => ({ d, r: chartSource(d) })).filter((x): x is { d: YamlDocument; r: Ref } => x.r !== undefined);
    if (!refs.length || namesMayChange(all)) return [];
    const byKind = new Map<string, YamlDocument[]>();
    for (const d of all) {
      if (d.group !== SOURCE_GROUP || d.docClass !== 'k8s' || !d.kind) continue;
      byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), d]);
    }
    // where the repository keeps its sources of each kind: in folders of their own (a shared `flux/repositories`),
    // or each next to its release (a release folder without one may just not be shown: not judged)
    const hrDirs = new Set(docsOfKind(all, 'HelmRelease').filter((d) => d.group === 'helm.toolkit.fluxcd.io').map((d) => dirOf(d.file.path)));
    const judged = (kind: string, hr: YamlDocument): boolean => {
      const list = byKind.get(kind) ?? [];
      const dir = dirOf(hr.file.path);
      return list.some((s) => dirOf(s.file.path) === dir || !hrDirs.has(dirOf(s.file.path)));
    };
    const namespaces = new Namespaces(all);
    const out: RuleFinding[] = [];
    for (const { d, r } of refs) {
      const kind = r.ref['kind'] as string;
      const source = r.ref['name'];
      const sources = byKind.get(kind);
      if (!sources?.length || typeof source !== 'string' || !source || TEMPLATED.test(source) || source === BOOTSTRAP || !judged(kind, d)) continue;
      const refNs = r.ref['namespace'];
      if (refNs !== undefined && (typeof refNs !== 'string' || TEMPLATED.test(refNs))) continue;
      const names = new NameSet();
      for (const s of sources) {
        names.add(s.name);
        names.add(s.get(['metadata', 'name']));
      }
      const name = d.name ?? '';
      if (!names.has(source)) {
        const suggestion = suggest(source, names.sorted);
        const base = { doc: d, path: [...r.path, 'name'], needsWholeTree: true };
        out.push(suggestion ? { ...base, messageId: 'missingNear', data: { name, kind, source, suggestion } } : { ...base, messageId: 'missing', data: { name, kind, source } });
        continue;
      }
      // the namespace helm-controller looks in: the reference's, else the HelmRelease's own
      const want = typeof refNs === 'string' && refNs ? refNs : namespaces.of(d);
      if (!want || names.patterns.length) continue;
      const found = sources.filter((s) => s.name === source || s.get(['metadata', 'name']) === source).map((s) => namespaces.of(s));
      if (found.some((ns) => ns === undefined || ns === want)) continue;
      const place = refNs !== undefined ? [...r.path, 'namespace'] : [...r.path, 'name'];
      out.push({ doc: d, path: place, messageId: 'otherNamespace', data: { name, kind, source, namespace: want, found: [...new Set(found)].sort().join(', ') } });
    }
    return out;
  },
});
