/**
 * gitops/appset-not-expanded (info): an Argo CD ApplicationSet whose Applications talium does not compute (a generator
 * it does not expand, several generators, a templatePatch, a template it cannot render for every parameter set), so
 * the Argo CD rules, which judge generated Applications too, say nothing about them. A note, so the silence is not
 * taken for a clean bill (plan/appset-generators.ts says what is expanded).
 */
import { docsOfKind } from '../../core/kind-index.js';
import { appsetExpansion } from '../../plan/appset-generators.js';
import { docsByFile, foldersOf } from '../../plan/util.js';
import { defineRule, type RuleFinding } from '../types.js';

const APPSET = (generators: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\n  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n${generators}  template:\n    metadata:\n      name: '{{.path.basename}}'\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/me/home.git\n        path: '{{.path.path}}'\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: '{{.path.basename}}'\n`;
const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n';

export default defineRule({
  meta: {
    id: 'gitops/appset-not-expanded',
    description: 'An Argo CD ApplicationSet whose Applications talium does not compute, so its Applications are not judged.',
    severity: 'info',
    messages: {
      notExpanded: 'talium does not know the Applications ApplicationSet "{{name}}" makes ({{reason}}), so the Argo CD rules (source paths, value files, sync waves, objects applied twice...) do not judge them.',
    },
    help: 'Nothing to fix in the repository. Where the generated Applications matter, check them with `argocd appset generate <file>` (or `argocd appset create --dry-run` on older Argo CD); turn this note off with `gitops/appset-not-expanded: off` under `rules:` in talium.config.yaml.',
    docs: {
      what: 'Reports, at `spec.generators`, each ApplicationSet talium cannot expand into the Applications Argo CD makes: generators other than git `directories`/`files`, `list`, `clusters`, a `matrix` of two and a `merge` (SCM provider, pull request, plugin, cluster decision resource...), more than one top-level generator, a `templatePatch`, a parameter set it cannot know (a templated path, a cluster Secret it cannot read, a nested selector without `applyNestedSelectors`), or a template that does not render for every set (Go template functions, `range`). When a template renders for some sets only, those Applications are judged and the note says the rest are not.',
      why: 'talium judges the Applications an ApplicationSet generates like any other (their source paths, Helm value files, sync waves, objects applied twice); where it cannot compute them it leaves them out rather than guess, and a lint that says nothing would read as "checked and clean".',
      fix: 'Nothing is wrong; the note tells what talium did not check. Simplify the generator where that is possible (a git directories generator is expanded), or check the generated Applications with Argo CD itself.',
      sources: ['https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators/', 'https://github.com/argoproj/argo-cd/tree/master/applicationset/generators', 'https://argo-cd.readthedocs.io/en/latest/user-guide/commands/argocd_appset_generate/'],
    },
    examples: {
      valid: [{ files: { 'argocd/apps.yaml': APPSET("    - git:\n        repoURL: https://github.com/me/home.git\n        revision: HEAD\n        directories:\n          - path: apps/*\n"), 'apps/web/svc.yaml': SVC } }],
      invalid: [{ files: { 'argocd/apps.yaml': APPSET('    - scmProvider:\n        github:\n          organization: me\n'), 'apps/web/svc.yaml': SVC }, note: 'an SCM provider generator lists repositories on GitHub' }],
    },
  },
  check({ cluster, all }) {
    const sets = docsOfKind(cluster.docs, 'ApplicationSet').filter((d) => d.group === 'argoproj.io');
    if (!sets.length) return [];
    const byFile = docsByFile(all);
    const folders = foldersOf(byFile.keys());
    const out: RuleFinding[] = [];
    for (const d of sets) {
      const e = appsetExpansion(d, folders, byFile);
      if (e.unknown === undefined) continue;
      const at = d.get(['spec', 'generators']) === undefined ? ['spec'] : ['spec', 'generators'];
      out.push({ doc: d, path: at, messageId: 'notExpanded', data: { name: d.name ?? '', reason: e.unknown } });
    }
    return out;
  },
});
