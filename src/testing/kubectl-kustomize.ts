/**
 * Test helpers that run the real `kubectl kustomize` (kustomize as Flux and Argo CD embed it) as the oracle for
 * talium's kustomize model: whether a build fails with a given error, and the objects a build renders. Callers skip
 * when kubectl is absent (`hasKubectl`). Lives in src/ so node --test skips it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

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
