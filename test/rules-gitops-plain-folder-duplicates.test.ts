/**
 * gitops/duplicate-object on folders applied without a kustomization: a Flux Kustomization's generated kustomization
 * (every manifest below the folder; the build fails on a repeated id, checked against the real `kubectl kustomize` on
 * the kustomization kustomize-controller would write) and an Argo CD plain directory (RepeatedResourceWarning: a warning).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import duplicateObject from '../src/rules/gitops/duplicate-object.js';
import { sourceIgnored } from '../src/plan/source-ignore.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';
import { hasKubectl, KUBECTL_ABSENT, kustomizeFailsWith } from '../src/testing/kubectl-kustomize.js';

const CM = (name: string, ns = '', kind = 'ConfigMap', apiVersion = 'v1') => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}`;
const K = (...entries: string[]) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${entries.map((e) => `  - ${e}\n`).join('')}`;
const KS = (name: string, p: string, extra = '') =>
  `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ${p}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${extra}`;
const APP = (name: string, p: string, extra = '') =>
  `---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/me/home-ops.git\n    targetRevision: main\n    path: ${p}\n${extra}  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n`;

/** Flux layouts: the folder `apps/web` applied by a Flux Kustomization, and whether kustomize fails on a repeated id. */
const FLUX: Array<{ name: string; dup: boolean; files: Record<string, string> }> = [
  { name: 'two files, one id', dup: true, files: { 'apps/web/a.yaml': CM('a'), 'apps/web/b.yaml': CM('a') } },
  { name: 'a copy in a subfolder', dup: true, files: { 'apps/web/a.yaml': CM('a'), 'apps/web/old/a.yaml': CM('a') } },
  { name: 'no namespace is default', dup: true, files: { 'apps/web/a.yaml': CM('a', 'default'), 'apps/web/b.yaml': CM('a') } },
  { name: 'a subfolder kustomization that lists a file the folder also holds', dup: true, files: { 'apps/web/a.yaml': CM('a'), 'apps/web/sub/kustomization.yaml': K('../a.yaml') } },
  { name: 'a subfolder kustomization renames its copy', dup: false, files: { 'apps/web/a.yaml': CM('a'), 'apps/web/sub/kustomization.yaml': `${K('a.yaml')}namePrefix: x-\n`, 'apps/web/sub/a.yaml': CM('a') } },
  { name: 'other namespaces', dup: false, files: { 'apps/web/a.yaml': CM('a', 'x'), 'apps/web/b.yaml': CM('a', 'y') } },
  { name: 'other kinds', dup: false, files: { 'apps/web/a.yaml': CM('a'), 'apps/web/b.yaml': CM('a', '', 'Secret') } },
];

/** The kustomization kustomize-controller generates for `dir` (fluxcd/pkg kustomize_generator.go generateKustomization). */
function fluxGenerated(dir: string): string {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) {
        if (['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((k) => readdirSync(p).includes(k))) out.push(p);
        else walk(p);
      } else if (/\.ya?ml$/.test(name)) out.push(p);
    }
  };
  walk(dir);
  return K(...out.map((p) => `./${path.relative(dir, p)}`));
}

test('gitops/duplicate-object: a folder Flux applies without a kustomization, as kubectl kustomize builds what Flux generates', (t) => {
  if (!hasKubectl) t.skip(KUBECTL_ABSENT);
  const repos = tempRepos('talium-flux-gen-');
  try {
    for (const l of FLUX) {
      const files = { 'flux/ks.yaml': KS('web', './apps/web'), ...l.files };
      const got = lintRepo(files, [duplicateObject]);
      assert.equal(got.length > 0, l.dup, `${l.name}: talium ${got.length ? 'reports' : 'does not report'} a duplicate`);
      assert.ok(got.every((d) => d.ruleId === 'gitops/duplicate-object' && d.severity === 'error' && d.data?.['applier'] === 'Flux Kustomization flux-system/web'), l.name);
      if (!hasKubectl) continue;
      const dir = repos.repo(l.files);
      const web = path.join(dir, 'apps/web');
      writeFileSync(path.join(web, 'kustomization.yaml'), fluxGenerated(web));
      const kubectlDup = kustomizeFailsWith(web, /already registered id/, l.name, ['--load-restrictor', 'LoadRestrictionsNone']);
      assert.equal(kubectlDup, l.dup, `${l.name}: kubectl kustomize ${kubectlDup ? 'fails with a duplicate id' : 'builds'}`);
    }
  } finally {
    repos.cleanup();
  }
});

test('gitops/duplicate-object: positions, data and severity of plain-folder duplicates', () => {
  ruleTester(duplicateObject, {
    valid: [
      // not applied by anything: no generated kustomization
      { 'apps/web/a.yaml': CM('a'), 'apps/web/b.yaml': CM('a') },
      // templated names are substituted after the build
      { 'flux/ks.yaml': KS('web', './apps/web'), 'apps/web/a.yaml': CM('${APP}'), 'apps/web/b.yaml': CM('${APP}') },
      // Argo CD without recurse reads the folder's own files only
      { 'argocd/web.yaml': APP('web', 'apps/web'), 'apps/web/a.yaml': CM('a'), 'apps/web/old/a.yaml': CM('a') },
      // Argo CD: another namespace
      { 'argocd/web.yaml': APP('web', 'apps/web'), 'apps/web/a.yaml': CM('a', 'x'), 'apps/web/b.yaml': CM('a') },
    ],
    invalid: [
      {
        files: { 'flux/ks.yaml': KS('web', './apps/web'), 'apps/web/b.yaml': CM('a'), 'apps/web/a.yaml': CM('a') },
        errors: [{ messageId: 'generated', file: 'apps/web/b.yaml', line: 4, column: 9, data: { object: 'ConfigMap a', folder: './apps/web', applier: 'Flux Kustomization flux-system/web', kind: 'ConfigMap', name: 'a' } }],
      },
      // Argo CD keeps the later copy: a warning on it; without a namespace it is the destination's
      {
        files: { 'argocd/web.yaml': APP('web', 'apps/web'), 'apps/web/a.yaml': CM('a', 'web'), 'apps/web/b.yaml': CM('a') },
        errors: [{ messageId: 'directory', file: 'apps/web/b.yaml', line: 4, column: 9, data: { folder: 'apps/web', applier: 'Argo CD Application argocd/web' } }],
      },
      // with recurse, and Argo CD's key has no version
      {
        files: { 'argocd/web.yaml': APP('web', 'apps/web', '    directory:\n      recurse: true\n'), 'apps/web/a.yaml': CM('a', 'web', 'Deployment', 'apps/v1'), 'apps/web/z/a.yaml': CM('a', 'web', 'Deployment', 'apps/v1beta1') },
        errors: [{ messageId: 'directory', file: 'apps/web/z/a.yaml', line: 4, column: 9 }],
      },
    ],
  });
});

test('gitops/duplicate-object: a plain-folder duplicate names the first copy and the applier', () => {
  const [d] = lintRepo({ 'flux/ks.yaml': KS('web', './apps/web'), 'apps/web/a.yaml': CM('a'), 'apps/web/b.yaml': CM('a') }, [duplicateObject]);
  assert.deepEqual(
    d!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`),
    ['apps/web/a.yaml:4:9', 'flux/ks.yaml:9:9'],
  );
});

test('gitops/duplicate-object: an Argo CD directory duplicate is a warning, a Flux one an error', () => {
  const argo = lintRepo({ 'argocd/web.yaml': APP('web', 'apps/web'), 'apps/web/a.yaml': CM('a'), 'apps/web/b.yaml': CM('a') }, [duplicateObject]);
  assert.deepEqual(argo.map((d) => `${d.file}:${d.range.start.line} ${d.severity} ${d.messageId}`), ['apps/web/b.yaml:4 warning directory']);
  const flux = lintRepo({ 'flux/ks.yaml': KS('web', './apps/web'), 'apps/web/a.yaml': CM('a'), 'apps/web/b.yaml': CM('a') }, [duplicateObject]);
  assert.deepEqual(flux.map((d) => `${d.file}:${d.range.start.line} ${d.severity} ${d.messageId}`), ['apps/web/b.yaml:4 error generated']);
});

test('gitops/duplicate-object: Flux never sees what its GitRepository leaves out of the artifact (.sourceignore, spec.ignore)', () => {
  const files = { 'flux/ks.yaml': KS('web', './apps/web'), 'apps/web/a.yaml': CM('a'), 'apps/web/old/a.yaml': CM('a'), 'apps/web/old/b.yaml': CM('b'), 'apps/web/b.yaml': CM('b') };
  const found = (extra: Record<string, string>): string[] => lintRepo({ ...files, ...extra }, [duplicateObject]).map((d) => `${d.file}:${d.range.start.line} ${d.messageId}`);
  assert.deepEqual(found({}), ['apps/web/old/a.yaml:4 generated', 'apps/web/old/b.yaml:4 generated']);
  // a root .sourceignore naming the folder, one in the app folder naming a file, one that re-includes it
  assert.deepEqual(found({ '.sourceignore': 'apps/web/old/\n' }), []);
  assert.deepEqual(found({ 'apps/web/.sourceignore': 'old/a.yaml\n' }), ['apps/web/old/b.yaml:4 generated']);
  assert.deepEqual(found({ '.sourceignore': '**/old/*.yaml\n', 'apps/web/old/.sourceignore': '!a.yaml\n' }), ['apps/web/old/a.yaml:4 generated']);
  // the GitRepository's spec.ignore
  const repo = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: https://github.com/me/home-ops\n  ignore: |\n    /apps/web/old/b.yaml\n';
  assert.deepEqual(found({ 'flux/repo.yaml': repo }), ['apps/web/old/a.yaml:4 generated']);
  // Argo CD does not read .sourceignore
  const argo = { 'argocd/web.yaml': APP('web', 'apps/web', '    directory:\n      recurse: true\n'), 'apps/web/a.yaml': CM('a'), 'apps/web/old/a.yaml': CM('a'), '.sourceignore': 'apps/web/old/\n' };
  assert.deepEqual(lintRepo(argo, [duplicateObject]).map((d) => `${d.file}:${d.range.start.line} ${d.messageId}`), ['apps/web/old/a.yaml:4 directory']);
});

test('sourceIgnored: gitignore patterns per folder, deeper and later ones winning', () => {
  const m = sourceIgnored([{ dir: '', text: '*.md\nold/\n' }, { dir: 'apps', text: '!keep/old/\nx.yaml\n' }], '/secret.yaml\n');
  assert.deepEqual(
    ['a.md', 'old/a.yaml', 'apps/old/a.yaml', 'apps/keep/old/a.yaml', 'apps/x.yaml', 'x.yaml', 'secret.yaml', 'apps/secret.yaml'].map((p) => `${p} ${m(p)}`),
    ['a.md true', 'old/a.yaml true', 'apps/old/a.yaml true', 'apps/keep/old/a.yaml false', 'apps/x.yaml true', 'x.yaml false', 'secret.yaml true', 'apps/secret.yaml false'],
  );
});

test('talium lint reads .sourceignore files (discovery), and a run cached before one changed is not replayed', async () => {
  const repos = tempRepos('talium-sourceignore-');
  const cache = mkdtempSync(path.join(tmpdir(), 'talium-sourceignore-cache-'));
  try {
    const root = repos.repo({ 'LICENSE': 'x\n', 'flux/ks.yaml': KS('web', './apps/web'), 'apps/web/a.yaml': CM('a'), 'apps/web/old/a.yaml': CM('a'), '.sourceignore': '# old copies\napps/web/old/\n' });
    const run = async (): Promise<string[]> => {
      const r = await runCli(['lint', '--format', 'json', '--workers', '0'], { cwd: root, env: { TALIUM_CACHE_DIR: cache } });
      return (JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; file: string; messageId?: string }> }).diagnostics.filter((d) => d.ruleId === 'gitops/duplicate-object').map((d) => `${d.file} ${d.messageId}`);
    };
    assert.deepEqual(await run(), []);
    writeFileSync(path.join(root, '.sourceignore'), '# nothing left out\n');
    assert.deepEqual(await run(), ['apps/web/old/a.yaml generated']);
  } finally {
    repos.cleanup();
    rmSync(cache, { recursive: true, force: true });
  }
});
