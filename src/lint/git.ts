/**
 * The git edge of lint and generate: which files are staged (`git diff --cached`), relative to the working
 * directory (`filter` D lists the staged deletions), and which are untracked (`git ls-files --others`), so a hook
 * judges the commit and not scratch files beside it.
 * Runs git as a child process without a shell; returns an error string instead of throwing.
 */
import { basename, dirname } from 'node:path';
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

/**
 * What git reports as untracked under `cwd` (`git ls-files --others --exclude-standard --directory`), relative to
 * `cwd` with `/`: files, and folders that hold nothing tracked with a trailing `/` (not listed file by file, so a
 * large scratch folder costs one line). `undefined` when `cwd` is in no git work tree (nothing to leave out).
 * Uses the index git uses for the commit (GIT_INDEX_FILE, as hooks get it), so a staged new file is tracked.
 */
export function untrackedPaths(cwd: string, opts: { ignored?: boolean } = {}): Set<string> | undefined | string {
  // `ignored`: ignored files too (without --exclude-standard): nothing untracked is in the commit, whatever an
  // untracked .gitignore or .git/info/exclude says (lint leaves out both the files and an untracked .gitignore)
  const args = ['ls-files', '--others', ...(opts.ignored ? [] : ['--exclude-standard']), '--directory', '--no-empty-directory', '-z'];
  const r = childProcess().spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) return (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : `cannot run git: ${r.error.message}`;
  if (r.status !== 0) {
    const err = (r.stderr || '').trim();
    if (/not a git repository/i.test(err)) return undefined;
    return `git ls-files --others failed: ${err.split('\n')[0]}`;
  }
  return new Set(r.stdout.split('\0').filter(Boolean));
}

/**
 * A predicate telling whether a file is untracked (not in the index git uses for the commit) in its git work tree;
 * false outside git. For the few files that decide how lint reads a tree (talium's configuration, a cluster.yaml):
 * one `git ls-files` per file asked, answers kept.
 */
export function untrackedFileTest(): (abs: string) => boolean {
  const known = new Map<string, boolean>();
  return (abs: string): boolean => {
    let answer = known.get(abs);
    if (answer === undefined) {
      const r = childProcess().spawnSync('git', ['ls-files', '-z', '--', basename(abs)], { cwd: dirname(abs), encoding: 'utf8' });
      // not in a work tree (or no git): nothing is untracked
      answer = !r.error && r.status === 0 && r.stdout === '';
      known.set(abs, answer);
    }
    return answer;
  };
}
