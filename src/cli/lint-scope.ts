/**
 * What tree a `talium lint` run reads and which part of it it reports (no I/O beyond `stat` and listing
 * `clusters/`): the repository root found by walking up from the named paths (findRepositoryRoot) is read whole, so
 * cross-file rules see everything; the paths (or the working directory) are the reported scope (planScope).
 */
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CONFIG_NAMES } from '../config/load.js';

/** What made a folder the root: talium's configuration, a `clusters/<name>/cluster.yaml`, git, a bare `clusters/`. */
export type RootMarker = 'config' | 'cluster-spec' | 'license' | 'git' | 'clusters' | 'given';

export interface RepositoryRoot {
  dir: string;
  marker: RootMarker;
}

const toPosix = (p: string): string => (sep === '/' ? p : p.split(sep).join('/'));

/** `rel` (from path.relative) leaves the folder it is relative to. */
const outside = (rel: string): boolean => rel === '..' || rel.startsWith('../') || rel.startsWith('..\\') || isAbsolute(rel);

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A repository's own top folder holds its licence: a checkout copied into a folder of several repositories (a
 * collection of home-ops repositories in one git repository, a vendored project with its own LICENSE) is a root of
 * its own, not a subfolder of the git repository around it, so linting it does not read its neighbours.
 */
const LICENSE_NAMES: readonly string[] = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'LICENCE', 'LICENCE.md', 'COPYING'];

/** `d/clusters/<name>/cluster.yaml` exists for some name (talium's own layout), one `untracked` left out. */
function hasClusterSpec(d: string, untracked?: (abs: string) => boolean): boolean {
  let names: string[];
  try {
    names = readdirSync(join(d, 'clusters'));
  } catch {
    return false;
  }
  return names.some((n) => existsSync(join(d, 'clusters', n, 'cluster.yaml')) && !untracked?.(join(d, 'clusters', n, 'cluster.yaml')));
}

/**
 * The repository root above `start` (itself included): the nearest folder holding talium's configuration
 * (talium.config.yaml, .talium.yaml...) or a `clusters/<name>/cluster.yaml`, not above the git root; else the
 * outermost folder below the git root holding a LICENSE (LICENSE_NAMES; not a Helm chart's), or the nearest one in no git
 * repository; else the git root
 * (`.git`, a folder or a work tree's file); else, in no git repository, the nearest folder with a `clusters/` folder
 * (Flux's layout). Undefined when there is none up to the filesystem root. `untracked` (--ignore-untracked): a
 * configuration or cluster.yaml that will not be in the commit marks no root (CI's checkout has none there).
 */
export function findRepositoryRoot(start: string, untracked?: (abs: string) => boolean): RepositoryRoot | undefined {
  let clusters: string | undefined;
  /** The nearest and the outermost folder with a LICENSE seen so far (Helm charts left out). */
  let nearestLicense: string | undefined;
  let outermostLicense: string | undefined;
  for (let d = resolve(start); ; d = dirname(d)) {
    if (CONFIG_NAMES.some((n) => existsSync(join(d, n)) && !untracked?.(join(d, n)))) return { dir: d, marker: 'config' };
    if (hasClusterSpec(d, untracked)) return { dir: d, marker: 'cluster-spec' };
    // in git: the outermost licensed folder below the top (a repository's own LICENSE beats one of a folder it
    // vendors, e.g. omni/LICENSE or terraform/modules/x/LICENSE next to the repository's)
    if (existsSync(join(d, '.git'))) return outermostLicense === undefined ? { dir: d, marker: 'git' } : { dir: outermostLicense, marker: 'license' };
    if (hasLicense(d)) {
      nearestLicense ??= d;
      outermostLicense = d;
    }
    if (clusters === undefined && isDir(join(d, 'clusters'))) clusters = d;
    if (dirname(d) === d) break;
  }
  // outside git the walk is not bounded by a top, so the nearest licence (a LICENSE far up would read a huge tree)
  if (nearestLicense !== undefined) return { dir: nearestLicense, marker: 'license' };
  return clusters === undefined ? undefined : { dir: clusters, marker: 'clusters' };
}

/** `d` holds a LICENSE and is not a Helm chart (a vendored chart ships its licence but is part of the repository). */
function hasLicense(d: string): boolean {
  return LICENSE_NAMES.some((n) => existsSync(join(d, n))) && !existsSync(join(d, 'Chart.yaml'));
}

/** `dir` or a folder above it is a repository root (findRepositoryRoot). */
export function inRepository(dir: string): boolean {
  return findRepositoryRoot(dir) !== undefined;
}

/** `root` (--root) as the root of `abs` when `abs` is that folder or inside it. */
function givenRoot(root: string, abs: string): RepositoryRoot | undefined {
  const rel = relative(root, abs);
  return rel === '' || !outside(rel) ? { dir: root, marker: 'given' } : undefined;
}

export interface LintScope {
  /** The folder the run reads (the engine's working directory); reported file names are relative to it. */
  root: string;
  /** Paths for discovery, relative to `root` (or as given, in a run over the paths only); [] = the whole root. */
  paths: string[];
  /**
   * What is reported, relative to `root`: files, and folders written with a trailing `/`; undefined = everything
   * read. The rest of the tree is read for context only.
   */
  only?: Set<string>;
  /** A path of `paths` → the path as typed (messages about missing or empty paths name what the user wrote). */
  given: Map<string, string>;
  /** Paths that do not exist, as typed (a usage error). */
  missing: string[];
  /** Why the run reads only the named paths (no root, or paths in several roots): a note for stderr. */
  note?: string;
  /** The run reads the whole root and reports all of it (--suppress-all and --prune-suppressions need one). */
  whole: boolean;
  /**
   * The paths lie in several repository roots: one scope per root (sorted by root), each run on its own and the
   * results merged; the fields above then hold only `missing`.
   */
  parts?: LintScope[];
}

export interface ScopeOptions {
  /** The paths are a file list to report (--only-files, --staged, pre-commit): non-YAML entries are dropped. */
  onlyFiles?: boolean;
  /** The repository root (--root, absolute): used instead of the walk up, for paths inside it. */
  root?: string;
  /** Files that will not be in the commit (--ignore-untracked, io/untracked.ts): they mark no root. */
  untracked?: (abs: string) => boolean;
  /**
   * The file list is git's staged files (--staged): one missing from the working tree (staged, then deleted) is kept
   * as a file of the list, for discovery's lint/staged-file-missing finding, not a usage error.
   */
  staged?: boolean;
}

const YAML = /\.ya?ml$/i;
const MARKERS_TEXT = 'a .git, talium.config.yaml/.talium.yaml or clusters/<name>/cluster.yaml';

interface Entry {
  typed: string;
  abs: string;
  dir: boolean;
  implicit?: boolean;
}

/** The scope of the entries inside one repository root: the root read whole, the entries reported. */
function rootScope(root: string, entries: readonly Entry[], missing: string[]): LintScope {
  const given = new Map<string, string>();
  const only = new Set<string>();
  const paths: string[] = [];
  let whole = false;
  for (const e of entries) {
    const rel = toPosix(relative(root, e.abs));
    if (rel === '') {
      whole = true;
      continue;
    }
    only.add(e.dir ? `${rel}/` : rel);
    // a folder named on purpose is walked again (its .gitignore scopes, "no YAML files" when empty); a named file
    // is linted whatever .gitignore says
    if (!e.implicit && !paths.includes(rel)) {
      paths.push(rel);
      given.set(rel, e.typed);
    }
  }
  if (whole) return { root, paths: paths.length ? ['.', ...paths] : [], given, missing, whole: !paths.length };
  return { root, paths: ['.', ...paths], only, given, missing, whole: false };
}

/**
 * The scope of `talium lint [paths]` run in `cwd`. With a repository root above every path (findRepositoryRoot of each
 * path's folder, one root for all), the run reads that root whole and reports the paths (folders with all they
 * hold; the working directory when no path is given). Paths under several roots give one such scope per root
 * (`parts`). Without a root for some path: one folder that is the working directory,
 * above or outside it is linted as a whole from there; a file list (`onlyFiles`) reads the working directory;
 * anything else reads only the paths, with a note saying so (cross-file rules see only what was named).
 */
export function planScope(cwd: string, positionals: readonly string[], opts: ScopeOptions = {}): LintScope {
  const given = new Map<string, string>();
  const missing: string[] = [];
  const named = opts.onlyFiles ? positionals.filter((p) => YAML.test(p)) : positionals;
  const entries: Entry[] = [];
  if (!named.length && !opts.onlyFiles) entries.push({ typed: '.', abs: resolve(cwd), dir: true, implicit: true });
  for (const p of named) {
    const abs = resolve(cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      // in a file list (git's staged files, pre-commit's), a dangling or looping link is a file like any other:
      // discovery gives it the lint/symlink-skipped finding the walk gives, as it gives a typed path's usage error;
      // so is a staged file the working tree lacks (lint/staged-file-missing)
      if (opts.onlyFiles && (isLink(abs) || opts.staged)) entries.push({ typed: p, abs, dir: false });
      else missing.push(p);
      continue;
    }
    entries.push({ typed: p, abs, dir: st.isDirectory() });
  }
  if (missing.length || !entries.length) return { root: cwd, paths: opts.onlyFiles ? [] : [...positionals], given, missing, whole: false, ...(opts.onlyFiles ? { only: new Set() } : {}) };

  const byRoot = new Map<string, Entry[]>();
  let rootless: string | undefined;
  for (const e of entries) {
    const r = opts.root !== undefined ? givenRoot(opts.root, e.abs) : findRepositoryRoot(e.dir ? e.abs : dirname(e.abs), opts.untracked);
    if (r) byRoot.set(r.dir, [...(byRoot.get(r.dir) ?? []), e]);
    else rootless ??= e.typed;
  }
  if (rootless === undefined && byRoot.size === 1) {
    const [root, rooted] = [...byRoot][0]!;
    return rootScope(root, rooted, missing);
  }
  if (rootless === undefined) {
    // paths in several repositories (talium projects side by side in one git repository, pre-commit's file list
    // across them): each repository is read whole with its own configuration and reported for its paths
    const parts = [...byRoot].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([root, rooted]) => rootScope(root, rooted, []));
    return { root: cwd, paths: [], given, missing, whole: false, parts };
  }

  // no root for some path
  if (opts.onlyFiles) {
    // a file list (pre-commit) still reads the working directory, as --only-files always did
    const only = new Set(entries.map((e) => toPosix(relative(cwd, e.abs))));
    for (const e of entries) given.set(toPosix(relative(cwd, e.abs)), e.typed);
    return { root: cwd, paths: ['.', ...only], only, given, missing, whole: false };
  }
  if (entries.length === 1 && entries[0]!.dir) {
    const rel = relative(cwd, entries[0]!.abs);
    // the working directory, a folder above it or outside it: that folder is the tree
    if (rel === '' || outside(rel)) return { root: entries[0]!.abs, paths: [], given, missing, whole: true };
  }
  const note = `no repository root above "${rootless}" (${MARKERS_TEXT}); only the named paths were read, so rules that compare files (pools and nodes, Kustomization paths, overlays) saw nothing else. Run talium lint in the repository, or add a .talium.yaml at its top.`;
  for (const p of named) given.set(p, p);
  return { root: cwd, paths: [...named], given, missing, note, whole: false };
}
