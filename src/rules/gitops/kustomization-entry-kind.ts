/**
 * gitops/kustomization-entry-kind: a kustomization entry naming something of the wrong kind for its list. A
 * `resources`/`bases` file with a document that is no Kubernetes object (no `kind` or no `metadata.name`: Helm values,
 * a Talos patch, a half-written object), a component folder listed under `resources`, a kustomization folder listed
 * under `components`. kustomize fails the whole build on each ("missing metadata.name in object", "expected kind !=
 * 'Component'", "expected kind 'Component'"), and so do Flux and Argo CD. (A path that is not there at all is
 * gitops/kustomization-missing-file.)
 */
import type { YamlDocument } from '../../core/document.js';
import { KUSTOMIZATION_FILES } from '../../plan/applied.js';
import { REMOTE } from '../../plan/kustomize-build.js';
import { dirOf, docsByFile, isObj, normalizePath, TEMPLATED } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';

const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const COMPONENT = (body: string) => `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${body}`;
const CM = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n`;

const KUSTOMIZE_ACCUMULATE = 'https://github.com/kubernetes-sigs/kustomize/blob/master/api/internal/target/kusttarget.go';
const KUSTOMIZE_COMPONENTS = 'https://kubectl.docs.kubernetes.io/guides/config_management/components/';
const KUSTOMIZE_RESOURCE = 'https://github.com/kubernetes-sigs/kustomize/blob/master/api/resource/factory.go';

/** Why a document cannot be a kustomize resource: the field it lacks, if any (an empty document, a List, a templated one: none). */
function missingField(d: YamlDocument): 'kind' | 'metadata.name' | undefined {
  const v = d.value;
  if (v === null || v === undefined || d.templated) return undefined;
  if (!isObj(v)) return 'kind';
  if (typeof v['kind'] !== 'string' || !v['kind']) return 'kind';
  if (v['kind'] === 'List' || v['kind'].endsWith('List')) return undefined;
  const meta = v['metadata'];
  return isObj(meta) && typeof meta['name'] === 'string' && meta['name'] ? undefined : 'metadata.name';
}

export default defineRule({
  meta: {
    id: 'gitops/kustomization-entry-kind',
    description: 'A kustomization lists something of the wrong kind: a resource file that holds no Kubernetes object (Helm values, a Talos patch, an object without kind or name), a component under `resources`, or a kustomization under `components`; kustomize fails the whole build.',
    severity: 'error',
    messages: {
      notObject: 'This `{{key}}` entry names {{path}}, whose document {{document}} has no `{{field}}`, so it is no Kubernetes object (Helm values, a Talos patch, or a half-written object); kustomize (and Flux, Argo CD) fails the whole build ("missing {{field}} in object"), so nothing of it is applied.',
      kustomizationFile: 'This `{{key}}` entry names the kustomization file {{path}}, not its folder; kustomize reads the file as Kubernetes objects and fails the whole build ("missing Resource metadata"): list the folder ("{{folder}}") instead.',
      componentAsResource: 'This `{{key}}` entry names {{path}}, whose kustomization is a Component; kustomize (and Flux, Argo CD) fails the whole build ("expected kind != \'Component\'"): a component is listed under `components`.',
      kustomizationAsComponent: 'This `components` entry names {{path}}, whose kustomization is a {{kind}}, not a Component; kustomize (and Flux, Argo CD) fails the whole build ("expected kind \'Component\' ... but got \'{{kind}}\'"): a kustomization is listed under `resources`.',
    },
    help: 'List Kubernetes objects and kustomizations under `resources` and components (kind: Component) under `components`; Helm values go to a HelmRelease, a `configMapGenerator` or `helmCharts[].valuesFile`, not to `resources`.',
    docs: {
      what: 'Checks the local entries of every kustomization and component:\n' +
        '- `notObject`: a `resources`/`bases` entry naming a YAML file of which a document has no `kind` or no `metadata.name` (empty documents, `List`s and templated documents are not judged); the related location is that document;\n' +
        '- `kustomizationFile`: a `resources`/`bases` entry naming a kustomization file (`../base/kustomization.yaml`) instead of its folder;\n' +
        '- `componentAsResource`: a `resources`/`bases` entry naming a folder whose kustomization has `kind: Component`;\n' +
        '- `kustomizationAsComponent`: a `components` entry naming a folder whose kustomization is a Kustomization (also when it states no kind).\n' +
        'Remote and templated entries and templated kustomizations are not judged; missing paths are gitops/kustomization-missing-file\'s.',
      why: 'kustomize reads every resource file as Kubernetes objects and every listed folder with its kustomization before it builds anything: a Helm values file moved into `resources`, an object whose name comes from a generator that is not there, or a component put in the wrong list fails the whole kustomization, so Flux stops it (and what `dependsOn` it) and Argo CD reports a ComparisonError.',
      fix: 'Move the entry to the right list (`components` for a Component), give the object its `kind` and `metadata.name`, or take the file out of `resources` (a values file belongs to the HelmRelease or chart that reads it).',
      sources: [KUSTOMIZE_ACCUMULATE, KUSTOMIZE_RESOURCE, KUSTOMIZE_COMPONENTS, SRC.kustomizeResources],
    },
    examples: {
      valid: [{ files: { 'app/kustomization.yaml': K('resources:\n  - cm.yaml\ncomponents:\n  - ../comp\n'), 'app/cm.yaml': CM('web'), 'comp/kustomization.yaml': COMPONENT('labels:\n  - pairs:\n      team: a\n') } }],
      invalid: [
        { files: { 'app/kustomization.yaml': K('resources:\n  - cm.yaml\n  - values.yaml\n'), 'app/cm.yaml': CM('web'), 'app/values.yaml': 'replicaCount: 2\n' }, note: 'Helm values listed as a resource' },
        { files: { 'app/kustomization.yaml': K('resources:\n  - cm.yaml\n  - ../comp\n'), 'app/cm.yaml': CM('web'), 'comp/kustomization.yaml': COMPONENT('labels:\n  - pairs:\n      team: a\n') }, note: 'a component listed as a resource' },
        { files: { 'app/kustomization.yaml': K('resources:\n  - cm.yaml\ncomponents:\n  - ../base\n'), 'app/cm.yaml': CM('web'), 'base/kustomization.yaml': K('resources:\n  - cm.yaml\n'), 'base/cm.yaml': CM('base') }, note: 'a kustomization listed as a component' },
        { files: { 'app/kustomization.yaml': K('resources:\n  - cm.yaml\n  - sub/kustomization.yaml\n'), 'app/cm.yaml': CM('web'), 'app/sub/kustomization.yaml': K('resources:\n  - cm.yaml\n'), 'app/sub/cm.yaml': CM('sub') }, note: 'the kustomization file instead of its folder' },
      ],
    },
  },
  check({ cluster, all }) {
    const out: RuleFinding[] = [];
    let byFile: Map<string, YamlDocument[]> | undefined;
    const docsOfFile = (p: string): YamlDocument[] | undefined => (byFile ??= docsByFile(all)).get(p);
    /** The kustomization of folder `p` (kustomize's file-name order), if the repository has one. */
    const kustomizationOf = (p: string): YamlDocument | undefined => {
      for (const n of KUSTOMIZATION_FILES) {
        const k = docsOfFile(`${p}/${n}`)?.find((d) => d.docClass === 'kustomization');
        if (k) return k;
      }
      return undefined;
    };
    for (const k of cluster.docs) {
      if (k.docClass !== 'kustomization' || k.templated) continue;
      const dir = dirOf(k.file.path);
      for (const key of ['resources', 'bases', 'components']) {
        const list = k.get([key]);
        if (!Array.isArray(list)) continue;
        list.forEach((rel, i) => {
          if (typeof rel !== 'string' || !rel || TEMPLATED.test(rel) || REMOTE.test(rel)) return;
          const p = normalizePath(dir ? `${dir}/${rel}` : rel);
          if (p === undefined || p === '') return;
          const isKustFile = KUSTOMIZATION_FILES.includes(p.slice(p.lastIndexOf('/') + 1));
          if (isKustFile && key !== 'components' && docsOfFile(p)?.some((d) => d.docClass === 'kustomization')) {
            const folder = rel.slice(0, rel.lastIndexOf('/') + 1) || './';
            out.push({ doc: k, path: [key, i], messageId: 'kustomizationFile', data: { key, path: p, folder } });
            return;
          }
          const folderKust = isKustFile ? undefined : kustomizationOf(p);
          if (key === 'components') {
            if (!folderKust || folderKust.templated) return;
            const kind = folderKust.get(['kind']);
            if (kind !== 'Component') out.push({ doc: k, path: [key, i], messageId: 'kustomizationAsComponent', data: { path: p, kind: typeof kind === 'string' && kind ? kind : 'Kustomization' }, related: [{ doc: folderKust, path: typeof kind === 'string' ? ['kind'] : [], message: 'its kustomization' }] });
            return;
          }
          if (folderKust) {
            if (!folderKust.templated && folderKust.get(['kind']) === 'Component') out.push({ doc: k, path: [key, i], messageId: 'componentAsResource', data: { key, path: p }, related: [{ doc: folderKust, path: ['kind'], message: 'its kustomization' }] });
            return;
          }
          const docs = docsOfFile(p);
          if (!docs || docs.some((d) => d.templated)) return;
          for (const d of docs) {
            // a List's items are judged with the List (kustomize expands them)
            if (d.list) continue;
            const field = missingField(d);
            if (!field) continue;
            out.push({ doc: k, path: [key, i], messageId: 'notObject', data: { key, path: p, field, document: String(d.index + 1) }, related: [{ doc: d, path: [], message: `document ${d.index + 1} of ${p}` }] });
            break;
          }
        });
      }
    }
    return out;
  },
});
