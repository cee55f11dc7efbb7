/**
 * gitops/argocd-value-file: a Helm `valueFiles` entry `$ref/path` of an Argo CD multi-source Application must name a
 * file of the referenced repository (checked when that repository is this one) and a `ref:` source the Application
 * has. Otherwise the repo server fails to render the chart and nothing of the app syncs.
 */
import type { Path, YamlDocument } from '../../core/document.js';
import { suggest } from '../../core/suggest.js';
import { docsOfKinds } from '../../core/kind-index.js';
import { resolveSourcePath } from '../../plan/flux-kustomizations.js';
import { repoKey } from '../../plan/helm-layers.js';
import { mayBePatched } from '../../plan/kustomize-patches.js';
import { argoSourcePaths, argoSpecPath, isObj, TEMPLATED } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { yamlFolders } from './lib/folders.js';
import { thisRepository } from './lib/argo-repo.js';
import { ARGO_APP_KINDS, dirOf, under } from './lib/flux.js';
import { ownTemplated } from '../../plan/templated.js';

/** Argo CD 3 expands globs in value files; such an entry may match nothing on purpose. */
const GLOB = /[*?[]/;

const APP = (valueFile: string, ref = 'values') =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  sources:\n    - repoURL: https://helm.cilium.io/\n      chart: cilium\n      targetRevision: 1.20.1\n      helm:\n        valueFiles:\n          - ${valueFile}\n    - repoURL: https://github.com/me/home-ops.git\n      targetRevision: main\n      ref: ${ref}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n`;
const VALUES = 'kubeProxyReplacement: true\n';

export default defineRule({
  meta: {
    id: 'gitops/argocd-value-file',
    description: 'An Argo CD Helm value file (`$ref/...`, or relative to a chart folder of this repository) must exist, and `$ref` must name a `ref:` source.',
    severity: 'error',
    messages: {
      missing: 'Argo CD {{kind}} "{{app}}" reads Helm value file "{{file}}" from this repository, but there is no file {{path}}; Argo CD fails to render the chart ("no such file or directory") and syncs nothing of the app.',
      missingNear: 'Argo CD {{kind}} "{{app}}" reads Helm value file "{{file}}" from this repository, but there is no file {{path}} (did you mean "{{suggestion}}"?); Argo CD fails to render the chart ("no such file or directory") and syncs nothing of the app.',
      unknownRef: 'Argo CD {{kind}} "{{app}}" reads Helm value file "{{file}}", but none of its sources has `ref: {{ref}}` ({{refs}}); Argo CD then looks for the file inside the chart, finds nothing and fails to render it.',
    },
    help: 'Fix the path after `$<ref>/` (relative to the root of the repository the `ref:` source names; a value file without `$<ref>/` is relative to the source\'s `path`), or the ref name; set `helm.ignoreMissingValueFiles: true` only for a file that may be absent on purpose.',
    docs: {
      what: 'For Argo CD Applications and ApplicationSet templates with several sources, checks each Helm `valueFiles` entry of the form `$<ref>/<path>`:\n' +
        '- `<ref>` must be the `ref:` of one of the Application\'s sources (`unknownRef`; judged for chart sources from a Helm repository, whose files hold no such path);\n' +
        '- when that source\'s `repoURL` is this repository (as gitops/argocd-application-path decides it), `<path>` must be a file of it (`missing`, with the nearest file of the folder when one is a typo away).\n' +
        '\n' +
        'A `valueFiles` entry without `$<ref>/` (one source or several) of a Git source of this repository that renders a chart folder (`path: charts/whoami`, `valueFiles: [values-home.yaml]`) is read by Argo CD relative to that `path`: it must be a file there too (`missing` / `missingNear`; YAML names only, not URLs).\n' +
        '\n' +
        'Not judged: entries with templates (`{{...}}`), environment variables (`$ARGOCD_APP_NAME`) or globs, paths above the repository root, sources with `ignoreMissingValueFiles: true`, files the configuration excludes, other repositories, Applications a kustomize patch may change the sources of, and runs over part of the tree.',
      why: 'Argo CD resolves a `$ref/` value file in the checkout of the referenced repository and hands it to `helm template`; a missing file (a renamed folder, a typo, a file never committed) makes manifest generation fail, the Application shows ComparisonError and nothing of it syncs. A `$ref` that names no source is read as a path inside the chart and fails the same way. talium would otherwise judge the release as if those values applied.',
      fix: 'Correct the path or the ref name, or commit the file. Keep `ignoreMissingValueFiles: true` for files that are optional by design.',
      sources: [SRC.argoMultipleSources, SRC.argoHelm],
    },
    examples: {
      valid: [{ files: { 'argocd/cilium.yaml': APP('$values/kubernetes/cilium/values.yaml'), 'kubernetes/cilium/values.yaml': VALUES } }],
      invalid: [
        { files: { 'argocd/cilium.yaml': APP('$values/kubernetes/cilium/value.yaml'), 'kubernetes/cilium/values.yaml': VALUES }, note: 'the file is values.yaml' },
        { files: { 'argocd/cilium.yaml': APP('$value/kubernetes/cilium/values.yaml'), 'kubernetes/cilium/values.yaml': VALUES }, note: 'the ref is `values`' },
      ],
    },
    needsWholeTree: ['missing', 'missingNear'],
  },
  check({ cluster, all, tree }) {
    const files = tree?.files;
    if (!files) return [];
    const apps = docsOfKinds(cluster.docs, ARGO_APP_KINDS).filter((d) => d.group === 'argoproj.io' && (!ownTemplated(d) || d.kind === 'ApplicationSet'));
    if (!apps.length) return [];
    const dirs = yamlFolders(all, tree);
    const local = thisRepository(apps, [...cluster.docs, ...all], dirs);
    const excluded = tree.excludedFolders;
    const out: RuleFinding[] = [];
    for (const doc of apps) {
      const sources = argoSourcePaths(doc);
      if (!sources.length || mayBePatched(all, doc.kind ?? '', doc.name, [[...argoSpecPath(doc), sources.length > 1 ? 'sources' : 'source']])) continue;
      const refs = new Map<string, Record<string, unknown>>();
      for (const at of sources) {
        const s = doc.get(at);
        if (isObj(s) && typeof s['ref'] === 'string') refs.set(s['ref'], s);
      }
      for (const at of sources) {
        const s = doc.get(at);
        const helm = isObj(s) ? s['helm'] : undefined;
        if (!isObj(s) || !isObj(helm) || helm['ignoreMissingValueFiles'] === true || !Array.isArray(helm['valueFiles'])) continue;
        helm['valueFiles'].forEach((f, i) => {
          const where = [...at, 'helm', 'valueFiles', i];
          // `$ref/...` only in a multi-source Application; a plain name is relative to the source's own `path`
          const found = typeof f === 'string' && !f.startsWith('$') ? judgeInPath(doc, where, f, s, local, files, excluded) : sources.length > 1 ? judge(doc, where, f, s, refs, local, files, excluded) : undefined;
          if (found) out.push(found);
        });
      }
    }
    return out;
  },
});

/**
 * A value file without `$ref/` of a Git source of this repository that renders a chart at `path`
 * (`path: charts/whoami`, `valueFiles: [values-home.yaml]`): Argo CD reads it relative to that folder. URLs, globs,
 * templated entries, files outside the repository and names that are no YAML file are not judged.
 */
function judgeInPath(doc: YamlDocument, at: Path, f: string, source: Record<string, unknown>, local: ReadonlySet<string>, files: ReadonlySet<string>, excluded: readonly string[]): RuleFinding | undefined {
  if (TEMPLATED.test(f) || GLOB.test(f) || /^[a-z][a-z0-9+.-]*:\/\//i.test(f) || f.includes('$') || !/\.ya?ml$/.test(f)) return undefined;
  const dirPath = source['path'];
  const repo = repoKey(source['repoURL']);
  if (source['chart'] !== undefined || typeof dirPath !== 'string' || TEMPLATED.test(dirPath) || !repo || !local.has(repo)) return undefined;
  const base = resolveSourcePath(dirPath);
  const r = base && !base.escapes ? resolveSourcePath(base.dir ? `${base.dir}/${f}` : f) : undefined;
  if (!r || r.escapes || r.dir === '') return undefined;
  return missingFile(doc, at, f, r.dir, files, excluded);
}

function judge(
  doc: YamlDocument,
  at: Path,
  f: unknown,
  source: Record<string, unknown>,
  refs: ReadonlyMap<string, Record<string, unknown>>,
  local: ReadonlySet<string>,
  files: ReadonlySet<string>,
  excluded: readonly string[],
): RuleFinding | undefined {
  if (typeof f !== 'string' || !f.startsWith('$') || TEMPLATED.test(f) || GLOB.test(f)) return undefined;
  const slash = f.indexOf('/');
  const refName = f.slice(1, slash === -1 ? undefined : slash);
  const rest = slash === -1 ? '' : f.slice(slash + 1);
  // `$$` escapes, `${...}` and a `$VAR` further on are Argo CD's environment substitution
  if (!/^[A-Za-z0-9_-]+$/.test(refName) || rest.includes('$')) return undefined;
  const data = { kind: doc.kind ?? 'Application', app: doc.name ?? '', file: f };
  const ref = refs.get(refName);
  if (!ref) {
    // a chart from a Helm repository holds no such path; in a Git source the path may exist after all
    if (typeof source['chart'] !== 'string') return undefined;
    const names = [...refs.keys()];
    return { doc, path: at, messageId: 'unknownRef', data: { ...data, ref: refName, refs: names.length ? `its refs: ${names.map((n) => `"${n}"`).join(', ')}` : 'it has none' } };
  }
  const repo = repoKey(ref['repoURL']);
  const r = rest ? resolveSourcePath(rest) : undefined;
  if (!repo || !local.has(repo) || !r || r.escapes || r.dir === '') return undefined;
  return missingFile(doc, at, f, r.dir, files, excluded);
}

/** The finding for value file `f` at repository path `path` when the tree has no such file (with a near name of its folder). */
function missingFile(doc: YamlDocument, at: Path, f: string, path: string, files: ReadonlySet<string>, excluded: readonly string[]): RuleFinding | undefined {
  const data = { kind: doc.kind ?? 'Application', app: doc.name ?? '', file: f };
  if (files.has(path) || excluded.some((x) => under(path, x))) return undefined;
  // a typo of a file of the same folder (distance scaled to the file name)
  const dir = dirOf(path);
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  const name = suggest(base(path), [...files].filter((p) => dirOf(p) === dir).map(base));
  const near = name === undefined ? undefined : dir ? `${dir}/${name}` : name;
  return near
    ? { doc, path: at, messageId: 'missingNear', data: { ...data, path, suggestion: near } }
    : { doc, path: at, messageId: 'missing', data: { ...data, path } };
}
