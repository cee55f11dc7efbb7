/**
 * gitops/argocd-application-path: an Argo CD Application (or ApplicationSet template) source of this repository
 * must name a folder of it in `path`. A misspelt folder makes Argo CD report "app path does not exist" and sync
 * nothing from that source, while the intended folder's objects are never applied.
 */
import type { Path, YamlDocument } from '../../core/document.js';
import { docsOfKinds } from '../../core/kind-index.js';
import { resolveSourcePath } from '../../plan/flux-kustomizations.js';
import { repoKey } from '../../plan/helm-layers.js';
import { argoSourcePaths, isObj } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { nearestFolder, relatedIn, yamlFolders } from './lib/folders.js';
import { thisRepository } from './lib/argo-repo.js';
import { ARGO_APP_KINDS, under } from './lib/flux.js';
import { ownTemplated } from '../../plan/templated.js';
import { globRegex } from '../../plan/appset-generators.js';

const APP = (path: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: whoami\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/me/home-ops.git\n    targetRevision: main\n    path: ${path}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: whoami\n`;
const APP2 = APP('kubernetes/apps/whoami').replace(/whoami/g, 'echo');
const APPSET = (glob: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\n  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n    - git:\n        repoURL: https://github.com/me/home-ops.git\n        revision: main\n        directories:\n          - path: ${glob}\n  template:\n    metadata:\n      name: '{{.path.basename}}'\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/me/home-ops.git\n        targetRevision: main\n        path: '{{.path.path}}'\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: '{{.path.basename}}'\n`;
const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: whoami\nspec:\n  ports:\n    - port: 80\n';

interface ArgoPathSource {
  doc: YamlDocument;
  at: Path;
  repo: string;
  path: string;
  dir: string;
}

export default defineRule({
  meta: {
    id: 'gitops/argocd-application-path',
    description: 'An Argo CD Application source `path` names a folder that is not in the repository.',
    severity: 'warning',
    messages: {
      missing:
        'Argo CD {{kind}} "{{name}}" renders "{{path}}" of this repository, but the repository has no such folder; Argo CD reports "app path does not exist" and syncs nothing from this source.',
      missingNear:
        'Argo CD {{kind}} "{{name}}" renders "{{path}}" of this repository, but the repository has no such folder with YAML in it (did you mean "{{suggestion}}"?); Argo CD reports "app path does not exist" and syncs nothing from this source.',
      generatorNoMatch:
        'The git directories generator of ApplicationSet "{{name}}" includes "{{path}}", which matches no folder of this repository{{hint}}; it generates no Application from it (with the default applicationsSync policy, the controller deletes the ones it generated from it before).',
    },
    help: 'Fix the source `path` (relative to the repository root) so it names the folder that holds the manifests.',
    docs: {
      what: 'For the sources of Argo CD Applications and ApplicationSet templates that render a folder of this repository (a `repoURL` equal, as Argo CD compares repositories, to a talium cluster.yaml `gitops.repository`, to the `repoURL` of another source whose `path` is an existing folder, or to that of a multi-source `ref:` whose `$ref/...` value files are in an existing folder), reports:\n' +
        '- a `path` that is no folder of the linted tree holding YAML when an existing folder at the same depth is a typo away (related location: a file there);\n' +
        '- a `path` the checkout has no folder for at all, not even one of Jsonnet, JSON or other files (gitignored folders count as absent, since Argo CD clones the repository);\n' +
        '- an include `path` glob of an ApplicationSet git `directories` generator (top level, or inside a `matrix` or `merge`) on this repository that matches no folder of the checkout (`app/*` for `apps/*`: message `generatorNoMatch`, with `data.suggestion` when the folder before the glob is a typo away).\n' +
        '\n' +
        'Not judged:\n' +
        '- Helm chart sources (`chart`);\n' +
        '- plugin sources;\n' +
        '- templated paths and values (`{{...}}`, `${...}`), and generator globs with `**`;\n' +
        '- paths above the repository root;\n' +
        '- folders the configuration excludes;\n' +
        '- a folder that exists but holds no YAML (Argo CD also renders folders of Jsonnet or JSON, which talium does not read).',
      why: 'Argo CD resolves `path` inside the repository checkout; a misspelt folder leaves the Application with the condition "app path does not exist" (ComparisonError), nothing from that source is synced, and the intended folder\'s objects are silently never applied. talium would otherwise judge them as deployed.',
      fix: 'Correct the path; paths are relative to the repository root (`kubernetes/apps/...`). A source of another repository needs that repository\'s `repoURL`.',
      sources: [SRC.argoApplicationSpec, SRC.argoToolDetection],
    },
    examples: {
      valid: [{ files: { 'argocd/whoami.yaml': APP('kubernetes/apps/whoami'), 'kubernetes/apps/whoami/service.yaml': SVC } }],
      invalid: [
        { files: { 'argocd/whoami.yaml': APP('kubernetes/app/whoami'), 'argocd/echo.yaml': APP2, 'kubernetes/apps/whoami/service.yaml': SVC, 'kubernetes/apps/echo/service.yaml': SVC } },
        { files: { 'argocd/apps.yaml': APPSET('kubernetes/app/*'), 'argocd/echo.yaml': APP2, 'kubernetes/apps/whoami/service.yaml': SVC, 'kubernetes/apps/echo/service.yaml': SVC } },
      ],
    },
    needsWholeTree: ['missing', 'missingNear'],
  },
  check({ cluster, all, tree }) {
    // an ApplicationSet is Go-templated by design: its templated values (repoURL, path) are skipped one by one
    const apps = docsOfKinds(cluster.docs, ARGO_APP_KINDS).filter((d) => d.group === 'argoproj.io' && (!ownTemplated(d) || d.kind === 'ApplicationSet'));
    if (!apps.length) return [];
    const dirs = yamlFolders(all, tree);
    const sources: ArgoPathSource[] = [];
    for (const doc of apps) {
      for (const at of argoSourcePaths(doc)) {
        const s = doc.get(at);
        if (!isObj(s) || s['chart'] !== undefined || s['plugin'] !== undefined) continue;
        const repo = repoKey(s['repoURL']);
        const r = typeof s['path'] === 'string' ? resolveSourcePath(s['path']) : undefined;
        if (!repo || !r || r.escapes) continue;
        sources.push({ doc, at, repo, path: s['path'] as string, dir: r.dir });
      }
    }
    // this repository: the one a talium cluster.yaml names, one another source resolves into an existing folder, or
    // one a multi-source `ref:` names whose `$ref/...` value files sit in an existing folder
    const local = thisRepository(apps, [...cluster.docs, ...all], dirs);
    const excluded = tree?.excludedFolders ?? [];
    const out: RuleFinding[] = [];
    for (const s of sources) {
      if (!local.has(s.repo) || dirs.has(s.dir) || excluded.some((x) => under(s.dir, x))) continue;
      // Argo CD also renders Jsonnet and JSON folders, which talium does not read: without a typo of an existing
      // folder, only a folder the checkout does not have at all (discovery walked every folder, whatever it holds)
      const suggestion = nearestFolder(s.dir, dirs);
      if (!suggestion) {
        if (tree?.walked && !tree.walked.has(s.dir)) out.push({ doc: s.doc, path: [...s.at, 'path'], messageId: 'missing', data: { kind: s.doc.kind ?? 'Application', name: s.doc.name ?? '', path: s.path } });
        continue;
      }
      const related = relatedIn(suggestion, all);
      out.push({ doc: s.doc, path: [...s.at, 'path'], messageId: 'missingNear', data: { kind: s.doc.kind ?? 'Application', name: s.doc.name ?? '', path: s.path, suggestion }, ...(related.length ? { related } : {}) });
    }
    out.push(...generatorDirs(apps, local, tree?.walked, excluded, dirs));
    return out;
  },
});

/**
 * The git `directories` generators of ApplicationSets (top level, or one level down in a `matrix` / `merge`) on this
 * repository: an include `path` glob (Go's path.Match: `*`, `?`, `[...]` within a segment) that matches no folder
 * the discovery walked (when the walk is unknown: none holding YAML, and the folder before the glob is a typo of one
 * that does). Templated globs, `**` and globs an excluded folder could satisfy are not judged.
 */
function generatorDirs(apps: readonly YamlDocument[], local: ReadonlySet<string>, walked: ReadonlySet<string> | undefined, excluded: readonly string[], dirs: ReadonlySet<string>): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const doc of apps) {
    if (doc.kind !== 'ApplicationSet') continue;
    const gens = doc.get(['spec', 'generators']);
    if (!Array.isArray(gens)) continue;
    const gitPaths: Path[] = [];
    gens.forEach((g, i) => {
      if (!isObj(g)) return;
      if (isObj(g['git'])) gitPaths.push(['spec', 'generators', i, 'git']);
      for (const combo of ['matrix', 'merge']) {
        const inner = isObj(g[combo]) ? g[combo]['generators'] : undefined;
        if (Array.isArray(inner)) inner.forEach((x, j) => isObj(x) && isObj(x['git']) && gitPaths.push(['spec', 'generators', i, combo, 'generators', j, 'git']));
      }
    });
    for (const gp of gitPaths) {
      const git = doc.get(gp) as Record<string, unknown>;
      const repo = repoKey(git['repoURL']);
      if (!repo || !local.has(repo) || !Array.isArray(git['directories'])) continue;
      git['directories'].forEach((e, k) => {
        if (!isObj(e) || e['exclude'] === true || typeof e['path'] !== 'string') return;
        const glob = e['path'].replace(/^\.?\/+/, '').replace(/\/+$/, '');
        if (!glob || /\{\{|\$\{|\*\*/.test(glob)) return;
        const re = globRegex(glob);
        if (!re || [...(walked ?? dirs)].some((f) => re.test(f))) return;
        // the literal folders before the first glob segment: an excluded folder there may hold the matches
        const segs = glob.split('/');
        const lit = segs.slice(0, segs.findIndex((x) => /[*?[]/.test(x)) === -1 ? segs.length : segs.findIndex((x) => /[*?[]/.test(x))).join('/');
        if (excluded.some((x) => under(x, lit) || under(lit, x))) return;
        const near = lit && !(walked ?? dirs).has(lit) ? nearestFolder(lit, dirs) : undefined;
        const suggestion = near ? near + glob.slice(lit.length) : undefined;
        // without the walk of the checkout only the folders holding YAML are known: only a typo of one is certain
        if (!suggestion && !walked) return;
        out.push({ doc, path: [...gp, 'directories', k, 'path'], messageId: 'generatorNoMatch', data: { name: doc.name ?? '', path: e['path'], hint: suggestion ? ` (did you mean "${suggestion}"?)` : '', ...(suggestion ? { suggestion } : {}) } });
      });
    }
  }
  return out;
}
