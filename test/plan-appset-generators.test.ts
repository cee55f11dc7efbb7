/**
 * ApplicationSet generators talium expands (plan/appset-generators.ts, appset-clusters.ts, appset-selector.ts): the
 * `clusters` generator (the in-cluster one, the repository's cluster Secrets), `merge`, a generator-level `selector`,
 * `values` and `template`, `**` in a git directories path; the parameters each Application gets, and the Applications
 * judged by gitops/object-applied-twice with positions inside the ApplicationSet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import objectAppliedTwice from '../src/rules/gitops/object-applied-twice.js';
import { generatedApps } from '../src/plan/appset-generators.js';
import { docsByFile, foldersOf, isObj } from '../src/plan/util.js';
import { lintRepo, parseRepo, ruleTester } from '../src/testing/rule-tester.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** An ApplicationSet named envs: `gen` are the YAML lines under `generators:`; `tmpl` its template's name, server, path. */
const SET = (go: boolean, gen: string, name: string, server: string, path: string, more = '') =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: envs\n  namespace: argocd\nspec:\n${go ? '  goTemplate: true\n' : ''}${more}  generators:\n${gen}  template:\n    metadata:\n      name: '${name}'\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/me/home-ops.git\n        targetRevision: HEAD\n        path: '${path}'\n      destination:\n        server: '${server}'\n        namespace: web\n`;
/** An Argo CD cluster Secret (`data` base64-encoded unless `plain`: stringData). */
const CLUSTER = (name: string, server: string, labels: Record<string, string> = {}, plain = true) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-${name.toLowerCase()}\n  namespace: argocd\n  labels:\n    argocd.argoproj.io/secret-type: cluster\n${Object.entries(labels).map(([k, v]) => `    ${k}: ${v}\n`).join('')}type: Opaque\n${plain ? `stringData:\n  name: ${name}\n  server: ${server}\n` : `data:\n  name: ${b64(name)}\n  server: ${b64(server)}\n`}`;
const LIST = (indent: string, elements: string[], extra = '') => `${indent}- list:\n${indent}    elements:\n${elements.map((e) => `${indent}      - ${e}\n`).join('')}${extra}`;
const MERGE = (keys: string[], ...children: string[]) => `    - merge:\n        mergeKeys: [${keys.join(', ')}]\n        generators:\n${children.join('')}`;
const CHILD = '          ';

/** name, destination server and source path of each Application the ApplicationSet in `files` makes, and where its spec is. */
function apps(files: Record<string, string>): string[] {
  const docs = parseRepo(files);
  const byFile = docsByFile(docs);
  const set = docs.find((d) => d.kind === 'ApplicationSet')!;
  return generatedApps(set, foldersOf(byFile.keys()), byFile).map((a) => {
    const spec = isObj(a.spec) ? a.spec : {};
    const dest = isObj(spec['destination']) ? spec['destination'] : {};
    const src = isObj(spec['source']) ? spec['source'] : {};
    return `${a.name} ${String(dest['server'])} ${String(src['path'])} @${a.at.join('.')}`;
  });
}
const AT = '@spec.template.spec';
const IN = 'https://kubernetes.default.svc';

test('clusters generator: the in-cluster one, and the repository\'s cluster Secrets', () => {
  // clusters: {} in a repository without cluster Secrets: in-cluster (goTemplate and fasttemplate)
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, '    - clusters: {}\n', '{{.name}}-web', '{{.server}}', 'apps/{{.nameNormalized}}') }), [`in-cluster-web ${IN} apps/in-cluster ${AT}`]);
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(false, '    - clusters: {}\n', '{{name}}-web{{project}}', '{{server}}', 'apps/web') }), [`in-cluster-web ${IN} apps/web ${AT}`]);
  // a cluster Secret (stringData or base64 data) adds its cluster; nameNormalized is utils.SanitizeName
  const lab = CLUSTER('Lab_One', 'https://10.0.0.5:6443', { env: 'lab' });
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(false, '    - clusters: {}\n', '{{nameNormalized}}-web', '{{server}}', 'apps/web'), 'argocd/lab.yaml': lab }), [
    `in-cluster-web ${IN} apps/web ${AT}`,
    `lab-one-web https://10.0.0.5:6443 apps/web ${AT}`,
  ]);
  // a Secret for https://kubernetes.default.svc stands for the in-cluster one (with its own name)
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, '    - clusters: {}\n', '{{.name}}-web', '{{.server}}', 'apps/web'), 'argocd/home.yaml': CLUSTER('home', IN, {}, false) }), [`home-web ${IN} apps/web ${AT}`]);
  // a selector leaves the in-cluster one out; metadata.labels and values (rendered with the cluster's parameters)
  const sel = '    - clusters:\n        selector:\n          matchLabels:\n            env: lab\n        values:\n          dir: "{{metadata.labels.env}}-apps"\n';
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(false, sel, '{{name}}', '{{server}}', '{{values.dir}}'), 'argocd/lab.yaml': lab, 'argocd/prod.yaml': CLUSTER('prod', 'https://10.0.0.6:6443', { env: 'prod' }) }), [`Lab_One https://10.0.0.5:6443 lab-apps ${AT}`]);
  const goSel = '    - clusters:\n        selector:\n          matchExpressions:\n            - { key: env, operator: In, values: [lab, prod] }\n        values:\n          dir: "{{.metadata.labels.env}}-apps"\n';
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, goSel, '{{.name}}', '{{.server}}', '{{.values.dir}}'), 'argocd/lab.yaml': lab, 'argocd/prod.yaml': CLUSTER('prod', 'https://10.0.0.6:6443', { env: 'prod' }) }), [
    `Lab_One https://10.0.0.5:6443 lab-apps ${AT}`,
    `prod https://10.0.0.6:6443 prod-apps ${AT}`,
  ]);
});

test('clusters generator: clusters talium cannot know make no Application', () => {
  const set = SET(true, '    - clusters: {}\n', '{{.name}}-web', '{{.server}}', 'apps/web');
  // a SOPS-encrypted cluster Secret, one an ExternalSecret makes, the argo-cd chart's clusterCredentials, flatList
  const sops = `${CLUSTER('lab', 'ENC[AES256_GCM,data:abc,type:str]')}sops:\n  version: 3.8.1\n`;
  const external = 'apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: lab\nspec:\n  target:\n    template:\n      metadata:\n        labels:\n          argocd.argoproj.io/secret-type: cluster\n';
  assert.deepEqual(apps({ 'argocd/set.yaml': set, 'argocd/lab.yaml': sops }), []);
  assert.deepEqual(apps({ 'argocd/set.yaml': set, 'argocd/lab.yaml': external }), []);
  assert.deepEqual(apps({ 'argocd/set.yaml': set, 'argocd/values.yaml': 'configs:\n  clusterCredentials:\n    lab:\n      server: https://10.0.0.5:6443\n' }), []);
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, '    - clusters:\n        flatList: true\n', '{{.name}}-web', IN, 'apps/web') }), []);
  // a repository-credentials Secret is no cluster; an ApplicationSet naming the label in a selector makes none
  const repo = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: repo\n  labels:\n    argocd.argoproj.io/secret-type: repository\nstringData:\n  url: https://github.com/me/home-ops.git\n';
  assert.deepEqual(apps({ 'argocd/set.yaml': set, 'argocd/repo.yaml': repo }), [`in-cluster-web ${IN} apps/web ${AT}`]);
  // the in-cluster one has no labels: a template reading one is not known
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(false, '    - clusters: {}\n', '{{name}}-{{metadata.labels.env}}', '{{server}}', 'apps/web') }), []);
});

test('merge generator: later children override the first\'s sets with the same merge keys', () => {
  const base = LIST(CHILD, ['{ app: web, dir: web }', '{ app: db, dir: db }']);
  const over = LIST(CHILD, ['{ app: web, dir: web2 }', '{ app: cache, dir: cache }']);
  // goTemplate and fasttemplate: web takes web2, db keeps its own, cache (in no base set) is dropped
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, MERGE(['app'], base, over), '{{.app}}', IN, 'apps/{{.dir}}') }), [`web ${IN} apps/web2 ${AT}`, `db ${IN} apps/db ${AT}`]);
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(false, MERGE(['app'], base, over), '{{app}}', IN, 'apps/{{dir}}') }), [`web ${IN} apps/web2 ${AT}`, `db ${IN} apps/db ${AT}`]);
  // three children: the last wins
  const last = LIST(CHILD, ['{ app: web, dir: web3 }']);
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, MERGE(['app'], base, over, last), '{{.app}}', IN, 'apps/{{.dir}}') }), [`web ${IN} apps/web3 ${AT}`, `db ${IN} apps/db ${AT}`]);
  // goTemplate: nested maps merge key by key
  const nested = SET(true, MERGE(['app'], LIST(CHILD, ['{ app: web, v: { dir: web, ns: a } }']), LIST(CHILD, ['{ app: web, v: { ns: b } }'])), '{{.app}}-{{.v.ns}}', IN, 'apps/{{.v.dir}}');
  assert.deepEqual(apps({ 'argocd/set.yaml': nested }), [`web-b ${IN} apps/web ${AT}`]);
  // the documented pattern: clusters as the base, a list overriding the in-cluster one
  const clusters = `${CHILD}- clusters:\n${CHILD}    values:\n${CHILD}      dir: default\n`;
  const byName = LIST(CHILD, ['{ name: in-cluster, values: { dir: home } }']);
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(false, MERGE(['name'], clusters, byName), '{{name}}', '{{server}}', 'apps/{{values.dir}}') }), [`in-cluster ${IN} apps/home ${AT}`]);
  // failures: one child, no merge keys, two sets of one child with the same key, a child with no set
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, MERGE(['app'], base), '{{.app}}', IN, 'apps/{{.dir}}') }), []);
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, MERGE([], base, over), '{{.app}}', IN, 'apps/{{.dir}}') }), []);
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, MERGE(['app'], LIST(CHILD, ['{ app: web, dir: a }', '{ app: web, dir: b }']), over), '{{.app}}', IN, 'apps/{{.dir}}') }), []);
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, MERGE(['dir'], base, LIST(CHILD, [])), '{{.app}}', IN, 'apps/{{.dir}}') }), []);
  // goTemplate: an empty override value over a set one (mergo's answer not followed)
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, MERGE(['app'], base, LIST(CHILD, ['{ app: web, dir: "" }'])), '{{.app}}', IN, 'apps/{{.dir}}') }), []);
});

test('generator-level selector, values and template; ** in a git directories path', () => {
  const els = ['{ app: web, tier: front }', '{ app: db, tier: back }', '{ app: cache }'];
  const withSel = (sel: string) => `${LIST('    ', els)}      selector:\n${sel}`;
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, withSel('        matchLabels:\n          tier: front\n'), '{{.app}}', IN, 'apps/{{.app}}') }), [`web ${IN} apps/web ${AT}`]);
  // NotIn matches a set without the key
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(false, withSel('        matchExpressions:\n          - { key: tier, operator: NotIn, values: [front] }\n'), '{{app}}', IN, 'apps/{{app}}') }), [`db ${IN} apps/db ${AT}`, `cache ${IN} apps/cache ${AT}`]);
  // an invalid selector (In without values) fails the generator; a Go []string (path.segments) is not read
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, withSel('        matchExpressions:\n          - { key: tier, operator: In, values: [] }\n'), '{{.app}}', IN, 'apps/{{.app}}') }), []);
  const dirs = (glob: string, more = '') => `    - git:\n        repoURL: https://github.com/me/home-ops.git\n        revision: HEAD\n        directories:\n          - path: ${glob}\n${more}`;
  const tree = { 'apps/web/svc.yaml': 'a: 1\n', 'apps/db/svc.yaml': 'a: 1\n', 'apps/db/x/svc.yaml': 'a: 1\n' };
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, dirs('apps/*', '      selector:\n        matchLabels:\n          path.segments.1: web\n'), '{{.path.basename}}', IN, '{{.path.path}}'), ...tree }), []);
  // selector on a flattened path parameter (goTemplate: path.basename)
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, dirs('apps/*', '      selector:\n        matchLabels:\n          path.basename: web\n'), '{{.path.basename}}', IN, '{{.path.path}}'), ...tree }), [`web ${IN} apps/web ${AT}`]);
  // git values rendered with the path parameters; `**` is Go path.Match's `*` (one segment)
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, dirs('apps/**', '        values:\n          app: "{{.path.basename}}-app"\n'), '{{.values.app}}', IN, '{{.path.path}}'), ...tree }), [`db-app ${IN} apps/db ${AT}`, `web-app ${IN} apps/web ${AT}`]);
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(false, dirs('apps/*', '        values:\n          app: "{{path.basename}}-app"\n'), '{{values.app}}', IN, '{{path}}'), ...tree }), [`db-app ${IN} apps/db ${AT}`, `web-app ${IN} apps/web ${AT}`]);
  // path.Match on the repo-server's folder list (`apps/web`, no folder below a `.` name): a leading `./` or `/` or a
  // trailing `/` matches nothing; `*` does not match `.github`
  for (const glob of ['./apps/*', '/apps/*', 'apps/web/']) assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, dirs(glob), '{{.path.basename}}', IN, '{{.path.path}}'), ...tree }), [], glob);
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, dirs("'*'"), '{{.path.basename}}', IN, '{{.path.path}}'), ...tree, '.github/ci.yaml': 'a: 1\n' }), [`apps ${IN} apps ${AT}`, `argocd ${IN} argocd ${AT}`]);
  // a files path with a leading `./` (git ls-files or the new globbing: not known)
  const files = '    - git:\n        repoURL: https://github.com/me/home-ops.git\n        revision: HEAD\n        files:\n          - path: ./envs/*.yaml\n';
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, files, '{{.app}}', IN, 'apps/{{.app}}'), 'envs/web.yaml': 'app: web\n' }), []);
  // a generator's own template wins over the ApplicationSet's, which fills what it leaves out
  const own = `${LIST('    ', ['{ app: web }'])}        template:\n          metadata: {}\n          spec:\n            project: default\n            source:\n              repoURL: https://github.com/me/home-ops.git\n              targetRevision: HEAD\n              path: 'own/{{.app}}'\n            destination:\n              server: https://lab:6443\n              namespace: web\n`;
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, own, '{{.app}}', IN, 'apps/{{.app}}') }), ['web https://lab:6443 own/web @spec.generators.0.list.template.spec']);
  const ownName = `${LIST('    ', ['{ app: web }'])}        template:\n          metadata:\n            name: 'x-{{.app}}'\n          spec:\n            project: ''\n`;
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, ownName, '{{.app}}', IN, 'apps/{{.app}}') }), [`x-web ${IN} apps/web ${AT}`]);
  // a matrix child's template is ignored (matrix.go getParams keeps its parameters only)
  const childTmpl = `    - matrix:\n        generators:\n${LIST(CHILD, ['{ app: web }'], `${CHILD}    template:\n${CHILD}      metadata:\n${CHILD}        name: ignored\n`)}${LIST(CHILD, ['{ env: prod }'])}`;
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, childTmpl, '{{.app}}-{{.env}}', IN, 'apps/{{.app}}') }), [`web-prod ${IN} apps/web ${AT}`]);
  // matrix, goTemplate: the first set merged over the second (mergo WithOverride); an empty first value over a set one is not followed
  const matrix = (a: string, b: string) => `    - matrix:\n        generators:\n${LIST(CHILD, [a])}${LIST(CHILD, [b])}`;
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, matrix('{ app: web, v: { a: x } }', '{ app: db, env: prod, v: { a: y, b: z } }'), '{{.app}}-{{.env}}-{{.v.a}}{{.v.b}}', IN, 'apps/{{.app}}') }), [`web-prod-xz ${IN} apps/web ${AT}`]);
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, matrix('{ app: web, env: "" }', '{ env: prod }'), '{{.app}}-{{.env}}', IN, 'apps/{{.app}}') }), []);
  // a merge child's selector: applied with applyNestedSelectors, not known without (Argo CD 2 drops it, 3 applies it)
  const nested = MERGE(['app'], `${LIST(CHILD, ['{ app: web, dir: web }', '{ app: db, dir: db }'])}${CHILD}  selector:\n${CHILD}    matchLabels:\n${CHILD}      app: web\n`, LIST(CHILD, ['{ app: web, dir: web2 }']));
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, nested, '{{.app}}', IN, 'apps/{{.dir}}', '  applyNestedSelectors: true\n') }), [`web ${IN} apps/web2 ${AT}`]);
  assert.deepEqual(apps({ 'argocd/set.yaml': SET(true, nested, '{{.app}}', IN, 'apps/{{.dir}}') }), []);
});

const CM = (name: string, ns: string, kind = 'Service') => `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n`;
const APP = (name: string, p: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/me/home-ops.git\n    targetRevision: main\n    path: ${p}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n`;
const WEB_APP = { 'argocd/web.yaml': APP('web-app', 'apps/web'), 'apps/web/svc.yaml': CM('web', 'web'), 'apps/db/svc.yaml': CM('db', 'db') };
const TWICE = (second: string) => [{ messageId: 'twice', file: 'apps/web/svc.yaml', line: 4, column: 9, data: { first: 'Argo CD Application argocd/web-app', second: `Argo CD Application ${second} (of ApplicationSet argocd/envs)` } }];

test('gitops/object-applied-twice judges the Applications of clusters, merge, selector, values and template generators', () => {
  const lab = CLUSTER('lab', 'https://10.0.0.5:6443', { env: 'lab' });
  const labOnly = '    - clusters:\n        selector:\n          matchLabels:\n            env: lab\n';
  ruleTester(objectAppliedTwice, {
    valid: [
      // the selected cluster is another one than the Application's: other objects
      { 'argocd/envs.yaml': SET(true, labOnly, '{{.name}}-web', '{{.server}}', 'apps/web'), 'argocd/lab.yaml': lab, ...WEB_APP },
      // the selector leaves the set naming apps/web out
      { 'argocd/envs.yaml': SET(true, `${LIST('    ', ['{ app: web }', '{ app: db }'])}      selector:\n        matchLabels:\n          app: db\n`, '{{.app}}', IN, 'apps/{{.app}}'), ...WEB_APP },
      // the merge override points web elsewhere
      { 'argocd/envs.yaml': SET(false, MERGE(['app'], LIST(CHILD, ['{ app: web, dir: web }']), LIST(CHILD, ['{ app: web, dir: db }'])), '{{app}}', IN, 'apps/{{dir}}'), ...WEB_APP },
    ],
    invalid: [
      // clusters: {} is the in-cluster one, where web-app applies apps/web too
      { files: { 'argocd/envs.yaml': SET(true, '    - clusters: {}\n', '{{.name}}-web', '{{.server}}', 'apps/web'), ...WEB_APP }, errors: TWICE('in-cluster-web') },
      { files: { 'argocd/envs.yaml': SET(false, '    - clusters: {}\n', '{{name}}-web', '{{server}}', 'apps/web'), 'argocd/lab.yaml': lab, ...WEB_APP }, errors: TWICE('in-cluster-web') },
      // merge: the override names apps/web
      { files: { 'argocd/envs.yaml': SET(true, MERGE(['app'], LIST(CHILD, ['{ app: web, dir: db }']), LIST(CHILD, ['{ app: web, dir: web }'])), '{{.app}}', IN, 'apps/{{.dir}}'), ...WEB_APP }, errors: TWICE('web') },
      // a selector keeping the web set; git values naming the folder
      { files: { 'argocd/envs.yaml': SET(true, `${LIST('    ', ['{ app: web }', '{ app: db }'])}      selector:\n        matchExpressions:\n          - { key: app, operator: In, values: [web] }\n`, '{{.app}}', IN, 'apps/{{.app}}'), ...WEB_APP }, errors: TWICE('web') },
    ],
  });
});

test('gitops/object-applied-twice: the related location of a generated Application is its source path in the ApplicationSet', () => {
  const own = `${LIST('    ', ['{ app: web }'])}        template:\n          metadata: {}\n          spec:\n            source:\n              repoURL: https://github.com/me/home-ops.git\n              targetRevision: HEAD\n              path: 'apps/{{.app}}'\n`;
  const files = { 'argocd/envs.yaml': SET(true, own, '{{.app}}', IN, 'other/{{.app}}'), ...WEB_APP };
  const [d] = lintRepo(files, [objectAppliedTwice]);
  assert.equal(d?.data?.['second'], 'Argo CD Application web (of ApplicationSet argocd/envs)');
  // the generator's own template path (line 18), not the ApplicationSet template's (line 27)
  assert.deepEqual(
    d!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`),
    ['argocd/web.yaml:11:11', 'argocd/envs.yaml:18:21'],
  );
  const clusters = lintRepo({ 'argocd/envs.yaml': SET(true, '    - clusters: {}\n', '{{.name}}-web', '{{.server}}', 'apps/web'), ...WEB_APP }, [objectAppliedTwice]);
  assert.deepEqual(clusters[0]!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`), ['argocd/web.yaml:11:11', 'argocd/envs.yaml:18:15']);
});
