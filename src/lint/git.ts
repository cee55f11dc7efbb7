/**
 * The git edge of lint: which files are staged (`git diff --cached`), relative to the working directory (`filter` D
 * lists the staged deletions), so a hook judges the commit. What is untracked is io/untracked.ts (lint and generate).
 * Runs git as a child process without a shell; returns an error string instead of throwing.
 */
import { childProcess } from '../core/builtins.js';
import { gitEnv } from '../io/git-env.js';

export function stagedFiles(cwd: string, filter = 'ACMR'): string[] | string {
  const r = childProcess().spawnSync('git', ['diff', '--cached', '--name-only', '--relative', `--diff-filter=${filter}`, '-z'], {
    cwd,
    env: gitEnv(cwd),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) return `cannot run git: ${r.error.message}`;
  if (r.status !== 0) return `git diff --cached failed: ${(r.stderr || '').trim().split('\n')[0]}`;
  return r.stdout.split('\0').filter(Boolean).sort();
}
