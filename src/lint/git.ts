/**
 * The git edge of the lint: which files are staged (`git diff --cached`), relative to the working directory;
 * `filter` D lists the staged deletions.
 * Runs git as a child process without a shell; returns an error string instead of throwing.
 */
import { childProcess } from '../core/builtins.js';

export function stagedFiles(cwd: string, filter = 'ACMR'): string[] | string {
  const r = childProcess().spawnSync('git', ['diff', '--cached', '--name-only', '--relative', `--diff-filter=${filter}`, '-z'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) return `cannot run git: ${r.error.message}`;
  if (r.status !== 0) return `git diff --cached failed: ${(r.stderr || '').trim().split('\n')[0]}`;
  return r.stdout.split('\0').filter(Boolean).sort();
}
