/**
 * Git for tests: an identity for commits and the user's global/system git config hidden (hooksPath, signing,
 * templates), and `gitOk`, which runs git in a folder and fails the test when git fails. Lives in src/ so
 * node --test skips it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/** The environment tests run git with. */
export const TEST_GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

/** Whether git is on the PATH (tests that need it skip otherwise). */
export const HAS_GIT = spawnSync('git', ['--version']).status === 0;

/** `git args...` in `dir`; the test fails with git's stderr when it exits non-zero. */
export function gitOk(dir: string, ...args: string[]): void {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...TEST_GIT_ENV } });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
}
