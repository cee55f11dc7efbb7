/**
 * Test helpers that run the real `kubectl kustomize` (kustomize as Flux and Argo CD embed it) as the oracle for
 * talium's kustomize model: whether a build fails with a given error, and the objects a build renders. Callers skip
 * when kubectl is absent (`hasKubectl`). Lives in src/ so node --test skips it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { tempRepos } from './temp-repos.js';

/** The skip message of a test that compares talium's verdicts with kubectl's on stored layouts. */
export const KUBECTL_ABSENT = 'kubectl is not installed: the layouts are checked against talium only (their expectations were taken from kubectl kustomize v5.5.0)';

/** kubectl is on the PATH. */
export const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

/**
 * Whether `kubectl kustomize dir` fails with an error matching `error`; a failure for any other reason fails the
 * test (`label` names the layout), so a layout that is broken for another reason cannot pass as "builds".
 */
export function kustomizeFailsWith(dir: string, error: RegExp, label: string, args: readonly string[] = []): boolean {
  const r = spawnSync('kubectl', ['kustomize', ...args, dir], { encoding: 'utf8', timeout: 60_000 });
  const fails = r.status !== 0 && error.test(r.stderr);
  assert.ok(r.status === 0 || fails, `${label}: kubectl kustomize fails for another reason: ${r.stderr}`);
  return fails;
}

/** The objects `kubectl kustomize dir` renders; the build must succeed. */
export function kustomizeBuild<T = Record<string, unknown>>(dir: string): T[] {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `kubectl kustomize ${dir}: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as T);
}

/** A layout for agreesWithKubectl: files of a throw-away repository, and whether kustomize fails building `app/`. */
export interface KustomizeLayout {
  name: string;
  fails: boolean;
  files: Record<string, string>;
}

/**
 * The oracle comparison of the kustomize-failure rules: for each layout, talium reports a finding (`lint` of its
 * files) exactly when the layout is expected to fail, and, where kubectl is installed, `kubectl kustomize app` fails
 * with `error` exactly then too (any other failure fails the test). The caller skips with KUBECTL_ABSENT when
 * kubectl is missing; the talium half still runs.
 */
export function agreesWithKubectl(layouts: readonly KustomizeLayout[], lint: (files: Record<string, string>) => ReadonlyArray<{ messageId?: string | undefined }>, error: RegExp, root = 'app'): void {
  const repos = tempRepos('talium-kubectl-oracle-');
  try {
    for (const l of layouts) {
      const got = lint(l.files);
      assert.equal(got.length > 0, l.fails, `${l.name}: talium ${got.length ? `reports ${got.map((d) => d.messageId).join(', ')}` : 'reports nothing'}`);
      if (!hasKubectl) continue;
      const dir = repos.repo(l.files);
      const kubectlFails = kustomizeFailsWith(join(dir, root), error, l.name);
      assert.equal(kubectlFails, l.fails, `${l.name}: kubectl kustomize ${kubectlFails ? 'fails' : 'builds'}`);
    }
  } finally {
    repos.cleanup();
  }
}
