/**
 * What git reports as untracked, for lint --ignore-untracked / --staged and generate --check --ignore-untracked
 * (the pre-commit hook judges the commit, not scratch files beside it): one `git ls-files --others` per work tree,
 * taken at its top, so every question about a file in it costs nothing more. Runs git without a shell and with
 * git-env.ts's environment (a hook of a linked work tree); never throws (an error string instead).
 */
import { dirname, join, resolve, sep } from 'node:path';
import { childProcess } from '../core/builtins.js';
import { gitEnv, workTreeTop } from './git-env.js';

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
   * `./` when `cwd` itself is untracked: what `git ls-files --others --directory` run there prints (ignored files
   * too). `undefined` outside a git work tree; an error string when git failed.
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

  /**
   * Whether the repository-relative `path` under `root` is untracked: how generate --ignore-untracked asks (the
   * same listing, so a run that asks both ways costs one git call).
   */
  relative(root: string): (path: string) => boolean {
    return (path) => this.isUntracked(join(root, ...path.split('/')));
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
    const r = childProcess().spawnSync('git', args, { cwd: at, env: gitEnv(at), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
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

const toSlash = (p: string): string => (sep === '/' ? p : p.split(sep).join('/'));
