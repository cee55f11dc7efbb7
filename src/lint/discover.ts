/**
 * Discovery: the `*.yaml`/`*.yml` files under the given paths, sorted, `.gitignore` files honoured (per folder),
 * configured excludes applied, `.git`/`node_modules` skipped, symlinks followed only inside the tree and never
 * into a loop (each refusal is an info diagnostic, never a silent skip). The only module that lists folders.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Diagnostic } from '../core/diagnostic.js';

export interface DiscoverOptions {
  /** Absolute working directory: paths in output are relative to it. */
  cwd: string;
  /** Files or folders as given on the command line (default `.`). */
  paths: string[];
  /** gitignore-style patterns, relative to cwd. */
  exclude: readonly string[];
}

export interface DiscoveredFile {
  /** Relative to cwd, `/` separators. */
  path: string;
  abs: string;
}

export interface Discovery {
  files: DiscoveredFile[];
  notes: Diagnostic[];
  /** Paths given that do not exist. */
  missing: string[];
}

const SKIP_DIRS = new Set(['.git', 'node_modules']);
const YAML_EXT = /\.ya?ml$/i;

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function within(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

interface Scope {
  dir: string;
  ig: Ignore;
}

export function discover(opts: DiscoverOptions): Discovery {
  const cwd = resolve(opts.cwd);
  const cwdReal = safeReal(cwd) ?? cwd;
  const excl = ignore().add([...opts.exclude]);
  const found = new Map<string, DiscoveredFile>();
  const seenReal = new Set<string>();
  const notes: Diagnostic[] = [];
  const missing: string[] = [];

  const rel = (abs: string) => toPosix(relative(cwd, abs)) || '.';
  const excluded = (abs: string, isDir: boolean): boolean => {
    const r = toPosix(relative(cwd, abs));
    if (!r || r.startsWith('..') || isAbsolute(r)) return false;
    return excl.ignores(isDir ? r + '/' : r);
  };
  const note = (abs: string, reason: string, target: string) =>
    notes.push({
      ruleId: 'lint/symlink-skipped',
      severity: 'info',
      message: `Symbolic link not followed: ${reason} ("${target}").`,
      help: 'Lint the link target directly, or exclude the link in talium.config.yaml.',
      file: rel(abs),
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
      data: { reason, target },
    });

  const addFile = (abs: string, real: string) => {
    if (seenReal.has(real)) return;
    seenReal.add(real);
    const path = rel(abs);
    found.set(path, { path, abs });
  };

  const walk = (dir: string, dirReal: string, treeRoot: string, scopes: Scope[], chain: Set<string>) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    let local = scopes;
    if (entries.some((e) => e.name === '.gitignore' && !e.isDirectory())) {
      try {
        local = [...scopes, { dir, ig: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) }];
      } catch {
        /* unreadable .gitignore: ignore it */
      }
    }
    const ignored = (abs: string, isDir: boolean) => {
      for (const s of local) {
        const r = toPosix(relative(s.dir, abs));
        if (r && s.ig.ignores(isDir ? r + '/' : r)) return true;
      }
      return excluded(abs, isDir);
    };
    for (const e of entries) {
      const abs = join(dir, e.name);
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name) || ignored(abs, true)) continue;
        const real = join(dirReal, e.name);
        walk(abs, real, treeRoot, local, new Set([...chain, real]));
      } else if (e.isFile()) {
        if (YAML_EXT.test(e.name) && !ignored(abs, false)) addFile(abs, join(dirReal, e.name));
      } else if (e.isSymbolicLink()) {
        const real = safeReal(abs);
        if (!real) {
          if (YAML_EXT.test(e.name) && !ignored(abs, false)) note(abs, 'dangling link', safeReadlink(abs));
          continue;
        }
        let st;
        try {
          st = statSync(real);
        } catch {
          continue;
        }
        const isDir = st.isDirectory();
        if (isDir ? SKIP_DIRS.has(e.name) : !YAML_EXT.test(e.name)) continue;
        if (ignored(abs, isDir)) continue;
        if (!within(treeRoot, real)) {
          note(abs, 'target is outside the linted tree', toPosix(relative(cwd, real)));
          continue;
        }
        if (isDir) {
          if (chain.has(real) || within(real, dirReal)) {
            note(abs, 'link loops back to an ancestor folder', toPosix(relative(cwd, real)) || '.');
            continue;
          }
          walk(abs, real, treeRoot, local, new Set([...chain, real]));
        } else if (st.isFile()) {
          addFile(abs, real);
        }
      }
    }
  };

  for (const given of opts.paths.length ? opts.paths : ['.']) {
    const abs = resolve(cwd, given);
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      missing.push(given);
      continue;
    }
    const real = safeReal(abs);
    if (!real) {
      missing.push(given);
      continue;
    }
    if (statSync(real).isDirectory()) {
      const treeRoot = within(cwdReal, real) ? cwdReal : real;
      const scopes: Scope[] = [];
      // .gitignore files of the folders between cwd and the given folder apply too
      if (within(cwd, abs) && abs !== cwd) {
        let d = cwd;
        for (const part of relative(cwd, abs).split(sep).slice(0, -1)) {
          addScope(scopes, d);
          d = join(d, part);
        }
        addScope(scopes, d);
      }
      if (excluded(abs, true) && abs !== cwd) continue;
      walk(abs, real, treeRoot, scopes, new Set([real]));
    } else if (st.isFile() || st.isSymbolicLink()) {
      // an explicit file is linted whatever its name or .gitignore says; configured excludes still apply
      if (!excluded(abs, false)) addFile(abs, real);
    }
  }
  const files = [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, notes, missing };
}

function addScope(scopes: Scope[], dir: string): void {
  try {
    scopes.push({ dir, ig: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) });
  } catch {
    /* no .gitignore there */
  }
}

function safeReal(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function safeReadlink(p: string): string {
  try {
    return toPosix(readlinkSync(p));
  } catch {
    return '?';
  }
}
