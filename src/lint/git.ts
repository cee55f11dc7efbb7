/**
 * The git edge of lint and generate: which files are staged (`git diff --cached`), relative to the working
 * directory (`filter` D lists the staged deletions), and which are untracked (`git ls-files --others`), so a hook
 * judges the commit and not scratch files beside it.
 * Runs git as a child process without a shell; returns an error string instead of throwing.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
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
 * What git reports as untracked, one `git ls-files --others` per git work tree, whatever is asked of it (with
 * `--ignore-untracked`: the few files that decide how lint reads a tree, a talium configuration or a cluster.yaml,
 * and the listing of each linted folder). Ignored files count as untracked (nothing untracked is in the commit).
 * A work tree is found as git finds it, by the nearest folder above holding `.git`, and listed at its top, so the
 * listing answers for every file in it (a repository nested in another is its own tree). Where no `.git` is found
 * above (git told where it is by GIT_DIR), the folder asked about is listed with the pathspec `:/` (the whole tree).
 */
export class UntrackedFiles {
  /** Listings by the folder they were taken in: the untracked paths (absolute, folders with a trailing `/`), or why none. */
  private readonly trees = new Map<string, { paths: Set<string>; dirs: string[] } | 'no-git' | string>();
  /** git invocations so far (one per work tree asked about). */
  calls = 0;

  /** Whether the file `abs` is untracked in its git work tree; false outside git (or when git fails). */
  readonly isUntracked = (abs: string): boolean => {
    const t = this.tree(dirname(abs));
    return typeof t === 'object' && (t.paths.has(abs) || t.dirs.some((d) => abs.startsWith(d)));
  };

  /**
   * The untracked paths under the folder `cwd` (absolute), relative to it with `/` and folders with a trailing `/`,
   * `./` when `cwd` itself is untracked: what `git ls-files --others --directory` run there prints (untrackedPaths
   * with `ignored`). `undefined` outside a git work tree; an error string when git failed.
   */
  under(cwd: string): Set<string> | undefined | string {
    const t = this.tree(cwd);
    if (t === 'no-git') return undefined;
    if (typeof t === 'string') return t;
    const out = new Set<string>();
    const base = cwd.endsWith(sep) ? cwd : cwd + sep;
    for (const p of t.paths) {
      if (p.endsWith(sep) && base.startsWith(p)) return new Set(['./']);
      if (p.startsWith(base)) out.add(toSlash(p.slice(base.length)));
    }
    return out;
  }

  private tree(dir: string): { paths: Set<string>; dirs: string[] } | 'no-git' | string {
    const top = workTreeTop(dir);
    const at = top ?? dir;
    let t = this.trees.get(at);
    if (t === undefined) {
      t = this.list(at, top === undefined);
      this.trees.set(at, t);
    }
    return t;
  }

  private list(at: string, wholeTree: boolean): { paths: Set<string>; dirs: string[] } | 'no-git' | string {
    this.calls++;
    const args = ['ls-files', '--others', '--directory', '--no-empty-directory', '-z', ...(wholeTree ? ['--', ':/'] : [])];
    const r = childProcess().spawnSync('git', args, { cwd: at, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.error) return (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no-git' : `cannot run git: ${r.error.message}`;
    if (r.status !== 0) {
      const err = (r.stderr || '').trim();
      return /not a git repository/i.test(err) ? 'no-git' : `git ls-files --others failed: ${err.split('\n')[0]}`;
    }
    const paths = new Set<string>();
    const dirs: string[] = [];
    for (const p of r.stdout.split('\0')) {
      if (!p) continue;
      // relative to `at` (`../x` above it, with `:/`); a folder keeps its trailing separator
      const abs = resolve(at, p) + (p.endsWith('/') ? sep : '');
      paths.add(abs);
      if (p.endsWith('/')) dirs.push(abs);
    }
    return { paths, dirs };
  }
}

/** The nearest folder at or above `dir` holding `.git` (a folder, or a worktree's file), if any. */
function workTreeTop(dir: string): string | undefined {
  for (let d = dir; ; ) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

const toSlash = (p: string): string => (sep === '/' ? p : p.split(sep).join('/'));
