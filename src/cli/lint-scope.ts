/**
 * What tree a `talium lint` run reads for the paths it was given (no I/O beyond `stat`): one folder that is the
 * working directory, above it or outside it is linted as a whole from there (lintRoot); explicit YAML files inside
 * a repository's working directory are judged with the whole tree read, like `--only-files` (contextFiles).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CONFIG_NAMES } from '../config/load.js';

/** `rel` (from path.relative) leaves the folder it is relative to. */
const outside = (rel: string): boolean => rel === '..' || rel.startsWith('../') || rel.startsWith('..\\') || isAbsolute(rel);

/**
 * The folder one path names when it is the working directory, a folder above it or one outside it (absolute, or
 * `../repo`): such a run lints that folder as a whole. A folder inside the working directory stays a partial run.
 */
export function lintRoot(cwd: string, paths: readonly string[]): string | undefined {
  if (paths.length !== 1) return undefined;
  const dir = resolve(cwd, paths[0]!);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    return undefined;
  }
  if (!isDir) return undefined;
  const rel = relative(cwd, dir);
  return rel === '' || outside(rel) ? dir : undefined;
}

/** What makes a folder a repository talium lints: its configuration, talium's or Flux's clusters/ folder, git. */
const ROOT_MARKERS: readonly string[] = [...CONFIG_NAMES, 'clusters', '.git'];

/** `dir` or a folder above it holds a root marker (a git work tree's `.git` may be a file). */
export function inRepository(dir: string): boolean {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (ROOT_MARKERS.some((m) => existsSync(join(d, m)))) return true;
    if (dirname(d) === d) return false;
  }
}

/**
 * True when the paths are explicit YAML files (`*.yaml`/`*.yml`, not folders, not templates) that all lie inside
 * the working directory, and that directory is (in) a repository: the run then reads the whole working directory and
 * reports the files (`--only-files`), so cross-object rules see the pools, nodes and releases defined elsewhere and
 * `talium lint a.yaml` reports for a.yaml what `talium lint` does. Anything else (a folder among the paths, a file
 * outside the working directory or in no repository, a missing file) keeps a run over the given paths only.
 */
export function contextFiles(cwd: string, paths: readonly string[]): boolean {
  if (!paths.length) return false;
  for (const p of paths) {
    if (!/\.ya?ml$/i.test(p)) return false;
    const abs = resolve(cwd, p);
    try {
      if (!statSync(abs).isFile()) return false;
    } catch {
      return false;
    }
    if (outside(relative(cwd, abs))) return false;
  }
  return inRepository(cwd);
}
