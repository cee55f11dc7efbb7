/**
 * gitops/kustomization-missing-file: a kustomization (or component) entry naming a file or folder of this repository
 * that is not there: `resources`, `bases`, `components`, `transformers`/`generators`/`validators`, patch files
 * (`patches[].path`, `patchesStrategicMerge`, `patchesJson6902[].path`), and YAML inputs of generators and Helm
 * charts. kustomize fails the whole build ("no such file or directory"), and so do Flux and Argo CD; a listed folder
 * without a kustomization file fails it too ("unable to find one of 'kustomization.yaml'..."). Judged from discovery's
 * view of the tree (TreeFacts: every YAML file and every walked folder), so only over the whole tree.
 */
import { posix } from 'node:path';
import type { YamlDocument } from '../../core/document.js';
import { suggest } from '../../core/suggest.js';
import { KUSTOMIZATION_FILES } from '../../plan/applied.js';
import { REMOTE } from '../../plan/kustomize-build.js';
import { dirOf, isObj, normalizePath, TEMPLATED } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RelatedFinding, type RuleContext, type RuleFinding, type TreeFacts } from '../types.js';
import { nearestFolder, relatedIn } from './lib/folders.js';
import { under } from './lib/flux.js';

const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const CM = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n`;

const KUSTOMIZE_LOADER = 'https://github.com/kubernetes-sigs/kustomize/blob/master/api/internal/target/kusttarget.go';
const KUSTOMIZE_PATCH_TRANSFORMER = 'https://github.com/kubernetes-sigs/kustomize/blob/master/plugin/builtin/patchtransformer/PatchTransformer.go';

/** What an entry may name: a file or a folder with a kustomization (`any`), a folder only, a file only, or a YAML input. */
type Expect = 'any' | 'folder' | 'file' | 'yaml';

/** An entry to judge: where it is in the kustomization, its text, and what it may name. */
interface Entry {
  path: (string | number)[];
  text: string;
  key: string;
  expect: Expect;
}

const YAML_FILE = /\.ya?ml$/i;

/** Lists of paths (or, for the plugin lists and patchesStrategicMerge, inline YAML, which is skipped). */
const LIST_KEYS: ReadonlyArray<[string, Expect]> = [
  ['resources', 'any'],
  ['bases', 'any'],
  ['components', 'folder'],
  ['transformers', 'any'],
  ['generators', 'any'],
  ['validators', 'any'],
  ['patchesStrategicMerge', 'file'],
  ['crds', 'file'],
];

/** The entries of one kustomization that name a local path. */
function entries(k: YamlDocument): Entry[] {
  const out: Entry[] = [];
  const add = (path: (string | number)[], v: unknown, key: string, expect: Expect) => {
    if (typeof v !== 'string' || !v || v.includes('\n') || TEMPLATED.test(v) || REMOTE.test(v)) return;
    // an inline patch or plugin configuration written on one line (`{...}`, `kind: X`) is no path
    if (/^[{[]|:\s/.test(v)) return;
    out.push({ path, text: v, key, expect });
  };
  for (const [key, expect] of LIST_KEYS) {
    const list = k.get([key]);
    if (Array.isArray(list)) list.forEach((v, i) => add([key, i], v, key, expect));
  }
  for (const key of ['patches', 'patchesJson6902']) {
    const list = k.get([key]);
    if (Array.isArray(list)) list.forEach((p, i) => isObj(p) && add([key, i, 'path'], p['path'], `${key}[].path`, 'file'));
  }
  for (const key of ['configMapGenerator', 'secretGenerator']) {
    const list = k.get([key]);
    if (!Array.isArray(list)) continue;
    list.forEach((g, i) => {
      if (!isObj(g)) return;
      for (const field of ['files', 'envs']) {
        const files = g[field];
        // `key=path`: the file is after the first `=`
        if (Array.isArray(files)) files.forEach((f, j) => typeof f === 'string' && add([key, i, field, j], f.slice(f.indexOf('=') + 1), `${key}[].${field}`, 'yaml'));
      }
      if (typeof g['env'] === 'string') add([key, i, 'env'], g['env'], `${key}[].env`, 'yaml');
    });
  }
  const charts = k.get(['helmCharts']);
  if (Array.isArray(charts)) {
    charts.forEach((c, i) => {
      if (!isObj(c)) return;
      add([`helmCharts`, i, 'valuesFile'], c['valuesFile'], 'helmCharts[].valuesFile', 'yaml');
      const more = c['additionalValuesFiles'];
      if (Array.isArray(more)) more.forEach((f, j) => add(['helmCharts', i, 'additionalValuesFiles', j], f, 'helmCharts[].additionalValuesFiles', 'yaml'));
    });
  }
  return out;
}

/** What the tree says of a path: there, missing (a YAML file, or nothing at all), a folder without a kustomization, or unknown. */
type State = 'ok' | 'unknown' | 'missingFile' | 'missingPath' | 'noKustomization';

function stateOf(p: string, expect: Expect, trailingSlash: boolean, tree: TreeFacts, files: ReadonlySet<string>): State {
  if (files.has(p)) return 'ok';
  const walked = tree.walked ?? tree.folders;
  const templated = (prefix: string) => (tree.templates ?? []).some((t) => t.startsWith(prefix));
  if (tree.folders.has(p) || walked.has(p)) {
    // a folder: kustomize builds it with its own kustomization (a file entry or a YAML input naming a folder is odd: not judged)
    if (expect === 'file' || expect === 'yaml') return 'unknown';
    if (KUSTOMIZATION_FILES.some((n) => files.has(`${p}/${n}`))) return 'ok';
    // rendered before use (makejinja, Jinja, Go templates): the kustomization may be there after rendering
    return KUSTOMIZATION_FILES.some((n) => templated(`${p}/${n}.`)) ? 'unknown' : 'noKustomization';
  }
  if (templated(`${p}.`)) return 'unknown';
  if (YAML_FILE.test(p)) return 'missingFile';
  if (expect === 'yaml') return 'unknown';
  // no YAML name and no folder: a file of another kind (`.json`, no extension) may sit in an existing folder,
  // unless the entry is written as a folder or a folder of that parent is a typo away
  if (walked.has(dirOf(p)) && expect !== 'folder' && !trailingSlash && !nearestFolder(p, tree.folders)) return 'unknown';
  return 'missingPath';
}

/** The YAML files of each folder (basename lists), for "did you mean". */
function filesByFolder(files: ReadonlySet<string>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const f of files) {
    const d = dirOf(f);
    const name = f.slice(d ? d.length + 1 : 0);
    const list = m.get(d);
    if (list) list.push(name);
    else m.set(d, [name]);
  }
  return m;
}

/** A document of `file`, as the related location of a suggestion. */
function relatedFile(file: string, all: RuleContext['all']): RelatedFinding[] {
  const doc = all.find((d) => d.file.path === file);
  return doc ? [{ doc, path: [], message: 'the file of this folder with the nearest name' }] : [];
}

export default defineRule({
  meta: {
    id: 'gitops/kustomization-missing-file',
    description: 'A kustomization lists a file or folder of the repository that is not there (or a folder without a kustomization); kustomize fails the whole build.',
    severity: 'error',
    messages: {
      missingFile: 'This `{{key}}` entry names {{path}}, which is not in the repository; kustomize (and Flux, Argo CD) fails the whole build ("no such file or directory"), so nothing of it is applied.',
      missingFileNear: 'This `{{key}}` entry names {{path}}, which is not in the repository (did you mean "{{suggestion}}"?); kustomize (and Flux, Argo CD) fails the whole build ("no such file or directory"), so nothing of it is applied.',
      missingPath: 'This `{{key}}` entry names {{path}}, and the repository has no such file or folder; kustomize (and Flux, Argo CD) fails the whole build ("no such file or directory"), so nothing of it is applied.',
      missingPathNear: 'This `{{key}}` entry names {{path}}, and the repository has no such file or folder (did you mean "{{suggestion}}"?); kustomize (and Flux, Argo CD) fails the whole build ("no such file or directory"), so nothing of it is applied.',
      noKustomization: 'This `{{key}}` entry names the folder {{path}}, which holds no kustomization.yaml, kustomization.yml or Kustomization; kustomize (and Flux, Argo CD) fails the whole build ("unable to find one of \'kustomization.yaml\', \'kustomization.yml\' or \'Kustomization\'"), so nothing of it is applied.',
    },
    help: 'Correct the path (relative to the kustomization\'s folder), add the missing file, or remove the entry; a folder listed as a resource needs a kustomization.yaml of its own that lists its files.',
    docs: {
      what: 'Checks every entry of a kustomization (and of a kustomize Component) that names a path of this repository: `resources`, `bases`, `components`, `transformers`, `generators`, `validators`, `crds`, `patchesStrategicMerge`, the `path` of `patches` and `patchesJson6902` entries, and the YAML files of `configMapGenerator`/`secretGenerator` (`files`, `envs`, `env`; the part after `key=`) and `helmCharts` (`valuesFile`, `additionalValuesFiles`). Reports:\n' +
        '- `missingFile`: a `.yaml`/`.yml` path that is no file of the repository;\n' +
        '- `missingPath`: a path that is neither a file nor a folder, in a folder the repository does not have;\n' +
        '- `noKustomization`: a folder listed as a resource, base, component or plugin that holds no kustomization file (kustomize builds a listed folder with its own kustomization; only a Flux Kustomization\'s `spec.path` gets one generated).\n' +
        'With "did you mean" when a file of the same folder, or a folder, is a typo away.\n' +
        '\n' +
        'Not judged: remote resources (URLs, `github.com/...?ref=`), templated entries (`${VAR}`, `{{ }}`), inline patches and plugin configurations, paths above the folder talium was started in, paths into folders the configuration excludes, paths a template would render (`x.yaml.j2`), files of other types (`.json`, `.env`) in existing folders, and runs over part of the tree. The repository is what discovery walked: a `.gitignore`d file is not in it (nor in the clone Flux or Argo CD build from).',
      why: 'kustomize loads every listed path before it builds anything; one missing file (renamed, moved, deleted, a typo) fails the whole kustomization. Flux then stops that Kustomization and everything that `dependsOn` it, Argo CD shows the app as Unknown with a ComparisonError, and nothing of the build (not even its unrelated objects) is applied or updated, while the repository looks fine until the next reconcile.',
      fix: 'Make the entry name the file or folder as it is in the repository (paths are relative to the kustomization\'s folder), or remove it. A folder listed under `resources` needs its own kustomization.yaml listing its files; to include every file of a folder without one, list the files instead.',
      sources: [SRC.kustomizeResources, KUSTOMIZE_LOADER, KUSTOMIZE_PATCH_TRANSFORMER, SRC.fluxKustomization],
    },
    examples: {
      valid: [{ files: { 'apps/echo/kustomization.yaml': K('resources:\n  - config.yaml\n  - ../base\n'), 'apps/echo/config.yaml': CM('echo'), 'apps/base/kustomization.yaml': K('resources:\n  - cm.yaml\n'), 'apps/base/cm.yaml': CM('base') } }],
      invalid: [
        { files: { 'apps/echo/kustomization.yaml': K('resources:\n  - configmap.yaml\n'), 'apps/echo/config.yaml': CM('echo') }, note: 'the file was renamed' },
        { files: { 'apps/echo/kustomization.yaml': K('resources:\n  - config.yaml\n  - service.yaml\n'), 'apps/echo/config.yaml': CM('echo') }, note: 'nothing close enough to suggest' },
        { files: { 'apps/echo/kustomization.yaml': K('resources:\n  - config.yaml\n  - ../../components/common\n'), 'apps/echo/config.yaml': CM('echo') }, note: 'a folder the repository does not have' },
        { files: { 'apps/echo/kustomization.yaml': K('resources:\n  - config.yaml\n  - ../bse\n'), 'apps/echo/config.yaml': CM('echo'), 'apps/base/kustomization.yaml': K('resources:\n  - cm.yaml\n'), 'apps/base/cm.yaml': CM('base') }, note: 'a misspelt folder' },
        { files: { 'apps/echo/kustomization.yaml': K('resources:\n  - config.yaml\n  - extra\n'), 'apps/echo/config.yaml': CM('echo'), 'apps/echo/extra/cm.yaml': CM('extra') }, note: 'a folder without a kustomization of its own' },
      ],
    },
    needsWholeTree: ['missingFile', 'missingFileNear', 'missingPath', 'missingPathNear', 'noKustomization'],
  },
  check({ cluster, all, tree }) {
    if (!tree?.files) return [];
    const files = tree.files;
    const out: RuleFinding[] = [];
    let byFolder: Map<string, string[]> | undefined;
    for (const k of cluster.docs) {
      if (k.docClass !== 'kustomization' || k.templated) continue;
      const dir = dirOf(k.file.path);
      for (const e of entries(k)) {
        const p = normalizePath(dir ? `${dir}/${e.text}` : e.text);
        // outside the folder talium was started in (or repository-absolute above it): not known here
        if (p === undefined || p === '' || p === '..' || p.startsWith('../') || e.text.startsWith('/')) continue;
        if (tree.excludedFolders.some((x) => under(p, x))) continue;
        const state = stateOf(p, e.expect, e.text.endsWith('/'), tree, files);
        if (state === 'ok' || state === 'unknown') continue;
        const data: Record<string, string> = { key: e.key, path: p };
        if (state === 'noKustomization') {
          out.push({ doc: k, path: e.path, messageId: state, data });
          continue;
        }
        // the suggestion as the entry would be written (relative to the kustomization's folder)
        let suggestion: string | undefined;
        let related: RelatedFinding[] = [];
        if (state === 'missingFile') {
          byFolder ??= filesByFolder(files);
          const d = dirOf(p);
          // compared without the extension: `cmm.yaml` → `cm.yaml`, not `ptch.yaml` → `cm.yaml`
          const stem = (n: string) => n.replace(YAML_FILE, '');
          const candidates = (byFolder.get(d) ?? []).filter((n) => YAML_FILE.test(n));
          const wanted = stem(p.slice(d ? d.length + 1 : 0));
          const nearStem = suggest(wanted, candidates.map(stem), { maxDistance: (n) => (n.length <= 2 ? 0 : Math.max(1, Math.floor(n.length / 3))) });
          const near = nearStem === undefined ? undefined : candidates.find((n) => stem(n) === nearStem);
          if (near) {
            suggestion = `${e.text.slice(0, e.text.lastIndexOf('/') + 1)}${near}`;
            related = relatedFile(d ? `${d}/${near}` : near, all);
          }
        } else {
          const near = nearestFolder(p, tree.folders);
          if (near) {
            suggestion = posix.relative(dir, near) || '.';
            related = relatedIn(near, all);
          }
        }
        if (suggestion) data['suggestion'] = suggestion;
        out.push({ doc: k, path: e.path, messageId: suggestion ? `${state}Near` : state, data, ...(related.length ? { related } : {}) });
      }
    }
    return out;
  },
});
