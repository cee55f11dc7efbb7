/**
 * The environment talium runs git with. git exports GIT_DIR to the hooks of a linked work tree (`git worktree add`)
 * and of some submodule setups; with GIT_DIR set and no GIT_WORK_TREE, git takes the folder it runs in for the top
 * of the work tree, so a hook that changes into a subfolder (`cd infra && talium ...`, `--root infra`) would see a
 * wrong prefix, an index whose every path lies outside that "tree" and every file as untracked. When the `.git`
 * (folder, or file naming its git dir) that git would find from the folder is that same GIT_DIR, it is dropped, so
 * git finds the real top itself; a GIT_DIR of another place (a `core.worktree` setup, a dotfiles repository) stays.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The nearest folder at or above `dir` holding `.git` (a folder, or a work tree's or submodule's file), if any. */
export function workTreeTop(dir: string): string | undefined {
  for (let d = dir; ; ) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** The git dir a `.git` entry stands for: the folder itself, or the `gitdir:` a `.git` file names. */
function gitDirOf(dotGit: string): string | undefined {
  try {
    if (statSync(dotGit).isDirectory()) return realpathSync(dotGit);
    const m = /^gitdir:\s*(.*?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
    return m ? realpathSync(resolve(dirname(dotGit), m[1]!)) : undefined;
  } catch {
    return undefined;
  }
}

/** process.env for a git run in `cwd`, without a GIT_DIR that git's own discovery from `cwd` would find anyway. */
export function gitEnv(cwd: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const gitDir = env['GIT_DIR'];
  if (!gitDir || env['GIT_WORK_TREE']) return env;
  const top = workTreeTop(cwd);
  if (top === undefined) return env;
  let wanted: string;
  try {
    // a relative GIT_DIR is relative to the folder the hook started in (the top), as git set it
    wanted = realpathSync(resolve(gitDir));
  } catch {
    return env;
  }
  if (gitDirOf(join(top, '.git')) !== wanted) return env;
  const out = { ...env };
  delete out['GIT_DIR'];
  return out;
}
