/**
 * What is on disk, read without following links and without writing: the folders on the way to a generated path
 * (PathChecker), what sits at a path (inspect: a file with its bytes and sha1, a link, a folder, ...), and whether a
 * temp file of createTemp belongs to a live run (tempState), the files under a root folder and the temp files an
 * interrupted run left (listFiles, deadTempsIn). The writer (writer.ts) plans with it and checks again
 * with it before it replaces anything.
 */
import { accessSync, constants, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha1 } from '../core/builtins.js';
import { TEMP_NAME } from './atomic-write.js';
import type { Blocked } from './writer.js';

/** A run takes seconds: a temp file older than this belongs to no live run, whatever process now has its pid. */
const TEMP_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * A temp file of createTemp (atomic-write.ts TEMP_NAME): another run's while that process lives (and the file is
 * recent) is not stale; one whose process is gone was left by an interrupted run.
 */
export function tempState(name: string, mtimeMs: number): 'live' | 'dead' | undefined {
  const m = TEMP_NAME.exec(name);
  if (!m) return undefined;
  if (Date.now() - mtimeMs > TEMP_MAX_AGE_MS) return 'dead';
  try {
    process.kill(Number(m[1]), 0);
    return 'live';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? 'live' : 'dead';
  }
}

/** What blocks a path (a Blocked without its path and change), or undefined. */
export type Check = Omit<Blocked, 'path' | 'change'> | undefined;

/**
 * Checks the folders on the way to repository-relative paths, from the repository root down, with lstat (cached per
 * folder): a symbolic link or a non-folder is blocked; the deepest existing folder must be writable when `write`.
 */
export class PathChecker {
  private readonly dirs = new Map<string, Check>();
  private readonly writable = new Map<string, Check>();
  constructor(private readonly repoRoot: string) {}

  /** The folder `dir` (repository-relative, '' or '.' for the root) and every folder above it up to the root. */
  folder(dir: string, write: boolean): Check {
    const found = this.walk(dir);
    if (found || !write) return found;
    return this.canWrite(this.deepestExisting(dir));
  }

  private walk(dir: string): Check {
    if (!dir || dir === '.') return undefined;
    if (this.dirs.has(dir)) return this.dirs.get(dir);
    let res: Check = this.walk(dirname(dir));
    if (!res) {
      try {
        const st = lstatSync(join(this.repoRoot, dir));
        if (st.isSymbolicLink()) res = { reason: 'symlink', at: dir, target: linkTarget(join(this.repoRoot, dir)) };
        else if (!st.isDirectory()) res = { reason: 'not-a-folder', at: dir };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // missing: created by the write (the deepest existing folder must be writable); anything else is a finding
        if (code !== 'ENOENT') res = { reason: 'not-writable', at: dir, code: code ?? 'EIO' };
      }
    }
    this.dirs.set(dir, res);
    return res;
  }

  private deepestExisting(dir: string): string {
    let d = dir && dir !== '.' ? dir : '.';
    while (d !== '.') {
      try {
        lstatSync(join(this.repoRoot, d));
        return d;
      } catch {
        d = dirname(d);
      }
    }
    return d;
  }

  private canWrite(dir: string): Check {
    if (this.writable.has(dir)) return this.writable.get(dir);
    let res: Check;
    try {
      accessSync(join(this.repoRoot, dir), constants.W_OK | constants.X_OK);
    } catch (err) {
      res = { reason: 'not-writable', at: dir, code: (err as NodeJS.ErrnoException).code ?? 'EACCES' };
    }
    this.writable.set(dir, res);
    return res;
  }
}

function linkTarget(abs: string): string | undefined {
  try {
    return readlinkSync(abs);
  } catch {
    return undefined;
  }
}

export type Found =
  | { kind: 'file'; text: string; stamp: string; readOnly: boolean }
  | { kind: 'symlink'; target?: string }
  | { kind: 'folder' }
  | { kind: 'other' }
  | { kind: 'none' };

/**
 * What is at a repository path: a regular file (its bytes, their sha1, whether this user may not write it), a
 * symlink, a folder, another kind of entry, or nothing. Never follows a link at the path itself.
 */
export function inspect(abs: string): Found {
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    return { kind: 'none' };
  }
  if (st.isSymbolicLink()) {
    const target = linkTarget(abs);
    return target === undefined ? { kind: 'symlink' } : { kind: 'symlink', target };
  }
  if (st.isDirectory()) return { kind: 'folder' };
  if (!st.isFile()) return { kind: 'other' };
  try {
    const bytes = readFileSync(abs);
    return { kind: 'file', text: bytes.toString('utf8'), stamp: sha1(bytes), readOnly: (st.mode & 0o222) === 0 || !writable(abs) };
  } catch (err) {
    // removed between the lstat and the read (a parallel generate run swept it): it is gone, not a special file
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'none' } : { kind: 'other' };
  }
}

/**
 * Whether this user may write the file: false only when the system refuses it for want of permission. A file that
 * vanished since it was read (another generate run swept it) is not read-only: what happens to it is decided later.
 */
function writable(abs: string): boolean {
  try {
    accessSync(abs, constants.W_OK);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== 'EACCES' && code !== 'EPERM';
  }
}

/**
 * Regular files under a folder (repository-relative), not following symlinks; sorted. Temp files of a live run are
 * left out; those an interrupted run left go to `deadTemps`.
 */
export function listFiles(repoRoot: string, dir: string, deadTemps: Set<string>): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    let entries: string[];
    try {
      entries = readdirSync(join(repoRoot, rel)).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      const r = `${rel}/${e}`;
      let st;
      try {
        st = lstatSync(join(repoRoot, r));
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(r);
      else if (st.isFile()) {
        const temp = tempState(e, st.mtimeMs);
        if (temp === 'dead') deadTemps.add(r);
        else if (!temp) out.push(r);
      }
    }
  };
  walk(dir.replace(/\/$/, ''));
  return out;
}

/** Dead temp files of the generated files in the folder `dir` (repository-relative), not in a root folder. */
export function deadTempsIn(repoRoot: string, dir: string, files: ReadonlyMap<string, string>): string[] {
  let names: string[];
  try {
    names = readdirSync(join(repoRoot, dir));
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m) continue;
    const path = dir === '.' ? name : `${dir}/${name}`;
    // only a temp of a file talium generates here (`.<name>.talium-...`): other tools' files are not ours
    const of = name.slice(1, name.lastIndexOf('.talium-'));
    if (!files.has(dir === '.' ? of : `${dir}/${of}`)) continue;
    try {
      const st = lstatSync(join(repoRoot, path));
      if (st.isFile() && tempState(name, st.mtimeMs) === 'dead') out.push(path);
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}
