/**
 * Discovery: the `*.yaml`/`*.yml` files under the given paths, sorted, `.gitignore` files honoured (per folder),
 * configured excludes applied, `.git`/`node_modules` skipped, symlinks followed only inside the tree and never
 * into a loop (each refusal is an info diagnostic, never a silent skip: `lint/symlink-skipped` with the reason,
 * e.g. `dangling link`, `link loop`; a link also named on the command line gets none, it is linted as named). When no YAML file is found but templates
 * named like YAML are (`*.yaml.j2`, `*.yaml.tmpl`...), one `lint/templates-only` note says they were not linted, so
 * a template repository does not pass as "no YAML files to check". The only module that lists folders; the patterns
 * come normalised (excludes.ts).
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isUtf8 } from 'node:buffer';
import ignore, { type Ignore } from 'ignore';
import type { Diagnostic } from '../core/diagnostic.js';
import { firstInvalidUtf8 } from './guard.js';

export interface DiscoverOptions {
  /** Absolute working directory: paths in output are relative to it. */
  cwd: string;
  /** Files or folders as given on the command line (default `.`). */
  paths: string[];
  /** gitignore-style patterns, relative to cwd. */
  exclude: readonly string[];
  /**
   * Paths git reports as untracked (io/untracked.ts UntrackedFiles.under), relative to cwd: files, folders with a trailing `/`,
   * `./` for cwd itself. Left out as if .gitignore listed them (a hook judges the commit, not scratch files);
   * a path named on the command line is still read. An untracked `.gitignore` listed here is not honoured.
   */
  untracked?: ReadonlySet<string>;
  /**
   * `paths` are git's staged files (`lint --staged`): a YAML file among them that is not in the working tree (staged,
   * then deleted there) gets a `lint/staged-file-missing` finding, not a missing-path usage error (the staged content
   * is what would be committed, and the run reads the working tree).
   */
  staged?: boolean;
}

export interface DiscoveredFile {
  /** Relative to cwd, `/` separators; a name that is not valid UTF-8 is shown escaped (`bad\xFF.yaml`). */
  path: string;
  /** The file's path for fs calls: a Buffer for a name that is not valid UTF-8 (no string reaches that file). */
  abs: string | Buffer;
}

export interface Discovery {
  files: DiscoveredFile[];
  notes: Diagnostic[];
  /** Paths given that do not exist. */
  missing: string[];
  /** Folders named on the command line that hold no YAML file to lint, none left out by an exclude and no template (a usage error, as ESLint's "no files matching"). */
  empty: string[];
  /**
   * What the configured excludes (not .gitignore) left out, relative to cwd: YAML files, and folders with a
   * trailing `/` (not walked, so what they hold is unknown). They are still in the repository Flux or Argo CD syncs.
   */
  excluded: string[];
  /** The YAML templates (`*.yaml.j2`...) the configured excludes left out, relative to cwd (config/unused-exclude). */
  excludedTemplates: string[];
  /** The YAML templates (`*.yaml.j2`...) found and not read, relative to cwd, sorted (`talium plan` names them). */
  templates: string[];
  /** The `.sourceignore` files found (Flux's artifact exclusions): their folder relative to cwd ('' for cwd) and text, by folder. */
  sourceIgnores?: Array<{ dir: string; text: string }>;
  /**
   * Every folder inside cwd the walk listed (not ignored by .gitignore or an exclude), whatever files it holds,
   * relative to cwd without the trailing `/` ('' for cwd), sorted: the folders the checkout has.
   */
  folders: string[];
}

const SKIP_DIRS = new Set(['.git', 'node_modules']);
const YAML_EXT = /\.ya?ml$/i;
/**
 * Templates that render to YAML: `x.yaml.j2`, `x.yml.j2`, `x.yaml.tmpl`, `x.yaml.tpl`, `x.yaml.gotmpl`, Terraform's
 * `templatefile()` input `x.yaml.tftpl` (Talos machine configs and Cilium values of Terraform-built clusters), chained
 * (`x.yaml.tpl.j2`).
 */
export const TEMPLATE_EXT = /\.ya?ml(?:\.(?:j2|tmpl|tpl|gotmpl|tftpl))+$/i;

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** `join(dir, name)` for a normalised absolute folder and a directory entry's name (no separator, never `.`/`..`): a concatenation (path.join normalises the whole path again, ~10 ms per 2,000 files). */
function child(dir: string, name: string): string {
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

function within(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

interface Scope {
  dir: string;
  /** The folder relative to cwd with `/` and a trailing slash ('' = cwd), when inside cwd. */
  prefix?: string;
  ig: Ignore;
}

export function discover(opts: DiscoverOptions): Discovery {
  const cwd = resolve(opts.cwd);
  const cwdReal = safeReal(cwd) ?? cwd;
  const excl = opts.exclude.length ? ignore().add([...opts.exclude]) : undefined;
  const untracked = opts.untracked?.size ? opts.untracked : undefined;
  /**
   * The YAML files met, in walk order, with their real paths. Deduplicated by real path (first wins) at the end, and
   * only when a symbolic link was followed or several paths were given: a single walk without links meets each file
   * once (no Set or Map of 2,000 path strings, each hashed, on every run).
   */
  const metFiles: DiscoveredFile[] = [];
  const metReal: string[] = [];
  let linked = opts.paths.length > 1;
  const notes: Diagnostic[] = [];
  const missing: string[] = [];
  const empty: string[] = [];
  const templates: string[] = [];
  /** The folders walked (relative, with their trailing `/`), deduplicated when sorted. */
  const walked: string[] = [];
  const excludedPaths: string[] = [];
  const excludedTemplates: string[] = [];
  const sourceIgnores: Array<{ dir: string; text: string }> = [];

  const rel = (abs: string) => toPosix(relative(cwd, abs)) || '.';
  /** `r` = path relative to cwd (posix), '' for cwd itself; undefined when outside cwd. */
  const excluded = (r: string | undefined, isDir: boolean): boolean => {
    if (!excl || !r) return false;
    const out = excl.ignores(isDir ? r + '/' : r);
    if (out && (isDir || YAML_EXT.test(r))) excludedPaths.push(isDir ? r + '/' : r);
    else if (out && TEMPLATE_EXT.test(r)) excludedTemplates.push(r);
    return out;
  };
  /** Links already noted (the walk and a named path may meet the same one). */
  const notedLinks = new Set<string>();
  const note = (relPath: string, reason: string, target: string) =>
    !notedLinks.has(relPath) &&
    notedLinks.add(relPath) &&
    notes.push({
      ruleId: 'lint/symlink-skipped',
      severity: 'info',
      message: `Symbolic link not followed: ${reason} ("${target}").`,
      help: 'Lint the link target directly, or exclude the link in talium.config.yaml.',
      file: relPath,
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
      data: { reason, target },
    });

  /** A named pipe, socket or device named like YAML: never opened (reading a pipe could block forever). */
  const special = (relPath: string, st: Stats) => {
    const what = st.isFIFO() ? 'named pipe' : st.isSocket() ? 'socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'device' : 'special file';
    met++;
    notes.push({
      ruleId: 'lint/not-a-file',
      severity: 'info',
      message: `Not a regular file (${what}); it was not read.`,
      help: 'Lint a regular file: write its content to a .yaml file, or exclude the path in talium.config.yaml.',
      file: relPath,
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
      data: { kind: what },
    });
  };

  /**
   * An entry whose name is not valid UTF-8 (a Latin-1 name written on Linux): a YAML file is read through its raw
   * name (a Buffer path) and shown with the bad bytes escaped; a folder or link gets a `lint/unreadable-file` error.
   */
  const badName = (dir: string, relDir: string | undefined, raw: Buffer, e: Dirent) => {
    const shown = escapeName(raw);
    const relPath = relDir === undefined ? rel(child(dir, shown)) : relDir + shown;
    if (e.isFile()) {
      if (!YAML_EXT.test(shown)) return;
      addFile(Buffer.concat([Buffer.from(dir.endsWith(sep) ? dir : dir + sep), raw]), relPath, child(dir, shown));
      return;
    }
    if (!e.isDirectory() && !(e.isSymbolicLink() && YAML_EXT.test(shown))) return;
    met++;
    const folder = e.isDirectory();
    notes.push({
      ruleId: 'lint/unreadable-file',
      severity: 'error',
      message: `${folder ? 'Folder' : 'Symbolic link'} name is not valid UTF-8 ("${shown}"); ${folder ? 'the YAML files in it were' : 'it was'} not linted.`,
      help: 'Rename it to a UTF-8 name (convmv -f latin1 -t utf8), or exclude it in talium.config.yaml.',
      file: folder ? relPath + '/' : relPath,
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
      data: { code: 'EILSEQ', ...(folder ? { folder: true } : {}), name: shown },
    });
  };

  /** YAML files met so far, also those an earlier path already found (a folder given twice is not empty). */
  let met = 0;
  const addFile = (abs: string | Buffer, relPath: string, real: string) => {
    met++;
    metFiles.push({ path: relPath, abs });
    metReal.push(real);
  };

  /** relDir: `dir` relative to cwd with `/` and a trailing slash ('' for cwd), or undefined outside cwd. */
  const walk = (dir: string, relDir: string | undefined, dirReal: string, treeRoot: string, scopes: Scope[], chain: string[]) => {
    if (relDir !== undefined) walked.push(relDir);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      // a folder talium may not list (permissions): its files go unchecked, so say so at the folder
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      met++;
      notes.push({
        ruleId: 'lint/unreadable-file',
        severity: 'error',
        message: `Folder could not be read (${code}); the YAML files in it were not linted.`,
        help: 'Check the folder permissions, or exclude the folder in talium.config.yaml.',
        file: relDir === undefined ? rel(dir) + '/' : relDir || './',
        range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
        data: { code, folder: true },
      });
      return;
    }
    let local = scopes;
    for (const e of entries) {
      // an untracked .gitignore is not part of the commit: CI's checkout lints what it hides, so the hook does too
      if (e.name === '.gitignore' && !e.isDirectory() && !(untracked && relDir !== undefined && untracked.has(`${relDir}.gitignore`))) {
        try {
          const scope: Scope = { dir, ig: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) };
          if (relDir !== undefined) scope.prefix = relDir;
          local = [...scopes, scope];
        } catch {
          /* unreadable .gitignore: ignore it */
        }
        break;
      }
    }
    const ignored = (abs: string, name: string, isDir: boolean) => {
      // an untracked symbolic link to a folder is listed by git without the slash
      if (untracked && relDir !== undefined && (untracked.has(relDir + name) || (isDir && untracked.has(`${relDir}${name}/`)))) return true;
      for (const s of local) {
        const r = s.dir === dir ? name : relDir !== undefined && s.prefix !== undefined ? (relDir + name).slice(s.prefix.length) : toPosix(relative(s.dir, abs));
        if (r && s.ig.ignores(isDir ? r + '/' : r)) return true;
      }
      return excluded(relDir === undefined ? undefined : relDir + name, isDir);
    };
    const relOf = (name: string) => (relDir === undefined ? rel(child(dir, name)) : relDir + name);
    /** The raw names of entries whose name is not valid UTF-8 (readdir decodes them with U+FFFD), by decoded name. */
    let rawNames: Map<string, Buffer[]> | undefined;
    const rawName = (name: string): Buffer | undefined => {
      if (!rawNames) {
        rawNames = new Map();
        try {
          for (const b of readdirSync(dir, { encoding: 'buffer' })) {
            if (isUtf8(b)) continue;
            const k = b.toString('utf8');
            rawNames.set(k, [...(rawNames.get(k) ?? []), b]);
          }
        } catch {
          /* gone since the first listing */
        }
      }
      // (two names that decode alike come in readdir's order both times)
      return rawNames.get(name)?.shift();
    };
    for (const e of entries) {
      const name = e.name;
      const raw = name.includes('\ufffd') ? rawName(name) : undefined;
      if (raw) {
        const shown = escapeName(raw);
        if (!ignored(child(dir, shown), shown, e.isDirectory())) badName(dir, relDir, raw, e);
        continue;
      }
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(name)) continue;
        const abs = child(dir, name);
        if (ignored(abs, name, true)) continue;
        const real = child(dirReal, name);
        chain.push(real);
        walk(abs, relDir === undefined ? undefined : relDir + name + '/', real, treeRoot, local, chain);
        chain.pop();
      } else if (e.isFile()) {
        if (name === '.sourceignore') {
          // what source-controller leaves out of a Flux artifact (plan/source-ignore.ts)
          try {
            sourceIgnores.push({ dir: relOf('x').slice(0, -2).replace(/^\.$/, ''), text: readFileSync(child(dir, name), 'utf8') });
          } catch {
            /* unreadable: as if absent */
          }
          continue;
        }
        const yaml = YAML_EXT.test(name);
        if (!yaml && !TEMPLATE_EXT.test(name)) continue;
        const abs = child(dir, name);
        if (ignored(abs, name, false)) continue;
        if (yaml) addFile(abs, relOf(name), child(dirReal, name));
        else templates.push(relOf(name));
      } else if (!e.isSymbolicLink()) {
        if (!YAML_EXT.test(name)) continue;
        const abs = child(dir, name);
        if (ignored(abs, name, false)) continue;
        try {
          special(relOf(name), lstatSync(abs));
        } catch {
          /* gone since readdir */
        }
      } else {
        linked = true;
        const abs = child(dir, name);
        const real = safeReal(abs);
        if (!real) {
          if (YAML_EXT.test(name) && !ignored(abs, name, false)) note(relOf(name), unresolvedReason(abs), safeReadlink(abs));
          continue;
        }
        let st;
        try {
          st = statSync(real);
        } catch {
          continue;
        }
        const isDir = st.isDirectory();
        if (isDir ? SKIP_DIRS.has(name) : !YAML_EXT.test(name)) continue;
        if (ignored(abs, name, isDir)) continue;
        if (!within(treeRoot, real)) {
          // a link also named on the command line is linted there (an explicit path is read wherever it leads)
          if (!named.has(abs)) note(relOf(name), 'target is outside the linted tree', toPosix(relative(cwd, real)));
          continue;
        }
        if (isDir) {
          if (chain.includes(real) || within(real, dirReal)) {
            note(relOf(name), 'link loops back to an ancestor folder', toPosix(relative(cwd, real)) || '.');
            continue;
          }
          chain.push(real);
          walk(abs, relDir === undefined ? undefined : relDir + name + '/', real, treeRoot, local, chain);
          chain.pop();
        } else if (st.isFile()) {
          addFile(abs, relOf(name), real);
        } else {
          special(relOf(name), st);
        }
      }
    }
  };

  /** The paths named on the command line (absolute, links not followed). */
  const named = new Set(opts.paths.map((p) => resolve(cwd, p)));
  for (const given of opts.paths.length ? opts.paths : ['.']) {
    const abs = resolve(cwd, given);
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      if (opts.staged && YAML_EXT.test(abs)) {
        const r = toPosix(relative(cwd, abs));
        const relPath = r.startsWith('..') || isAbsolute(r) ? undefined : r;
        if (!excluded(relPath, false)) notes.push(stagedMissing(relPath ?? rel(abs)));
        met++;
      } else missing.push(given);
      continue;
    }
    const r = toPosix(relative(cwd, abs));
    const relPath = r.startsWith('..') || isAbsolute(r) ? undefined : r;
    const real = safeReal(abs);
    if (!real) {
      // a named link that leads nowhere (a file list's staged link): the walk's finding, not a missing path; the
      // CLI refuses such a path typed on the command line before (lint-scope.ts)
      if (st.isSymbolicLink() && YAML_EXT.test(abs)) {
        const relLink = relPath ?? rel(abs);
        if (!excluded(relPath, false)) note(relLink, unresolvedReason(abs), safeReadlink(abs));
        met++;
      } else missing.push(given);
      continue;
    }
    const target = statSync(real);
    if (target.isDirectory()) {
      const treeRoot = within(cwdReal, real) ? cwdReal : real;
      const scopes: Scope[] = [];
      // .gitignore files of the folders between cwd and the given folder apply too
      if (relPath) {
        let d = cwd;
        const tracked = (dir: string) => !untracked?.has(`${toPosix(relative(cwd, join(dir, '.gitignore')))}`);
        for (const part of relative(cwd, abs).split(sep).slice(0, -1)) {
          if (tracked(d)) addScope(scopes, d);
          d = join(d, part);
        }
        if (tracked(d)) addScope(scopes, d);
        if (excluded(relPath, true)) continue;
      } else if (relPath === '' && untracked?.has('./')) {
        // the whole working folder is untracked: only what was named is read
        continue;
      }
      const seen = () => met + excludedPaths.length + templates.length + excludedTemplates.length;
      const before = seen();
      walk(abs, relPath === undefined ? undefined : relPath ? relPath + '/' : '', real, treeRoot, scopes, [real]);
      if (opts.paths.length && seen() === before) empty.push(given);
    } else if (!excluded(relPath, false)) {
      // an explicit file is linted whatever its name or .gitignore says; configured excludes still apply
      if (target.isFile()) addFile(abs, relPath ?? rel(abs), real);
      else special(relPath ?? rel(abs), target);
    }
  }
  const files = (linked ? firstByReal(metFiles, metReal) : metFiles).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (!files.length && templates.length) notes.push(templatesNote(templates));
  const out: Discovery = { files, notes, missing, empty, excluded: [...new Set(excludedPaths)].sort(), excludedTemplates: [...new Set(excludedTemplates)].sort(), templates: [...new Set(templates)].sort(), folders: sortedFolders(walked) };
  if (sourceIgnores.length) out.sourceIgnores = sourceIgnores.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  return out;
}

/** The files whose real path no earlier file had (a file met again through a link, or under two given paths, counts once). */
function firstByReal(files: DiscoveredFile[], reals: string[]): DiscoveredFile[] {
  const seen = new Set<string>();
  const byPath = new Map<string, DiscoveredFile>();
  for (let i = 0; i < files.length; i++) {
    if (seen.has(reals[i]!)) continue;
    seen.add(reals[i]!);
    byPath.set(files[i]!.path, files[i]!);
  }
  return [...byPath.values()];
}

/** The walked folders without their trailing `/`, sorted, each once (sorting first: no Set of every folder). */
function sortedFolders(walked: string[]): string[] {
  const all = walked.map((r) => (r.endsWith('/') ? r.slice(0, -1) : r)).sort();
  return all.filter((r, i) => i === 0 || r !== all[i - 1]);
}

/** The one note for a tree of YAML templates and no YAML, at the first template (by path). */
function templatesNote(templates: string[]): Diagnostic {
  const sorted = [...new Set(templates)].sort();
  const first = sorted[0]!;
  const count = sorted.length;
  return {
    ruleId: 'lint/templates-only',
    severity: 'info',
    message: `No YAML file to lint, only ${count === 1 ? 'this YAML template' : `${count} YAML templates (this one and ${count - 1} more)`}; templates are not linted.`,
    help: 'Render the templates into a folder (makejinja or `task configure`, gomplate, `helm template --output-dir`) and run `talium lint <that folder>`.',
    file: first,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
    data: { count, first },
  };
}

function addScope(scopes: Scope[], dir: string): void {
  try {
    scopes.push({ dir, ig: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) });
    // (prefix left unset: these scopes compute paths with path.relative)
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

/** Why a symlink resolves to nothing: it loops (ELOOP: a -> a, a -> b -> a), or its target is missing. */
function unresolvedReason(p: string): 'link loop' | 'dangling link' {
  try {
    statSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') return 'link loop';
  }
  return 'dangling link';
}

/** A file name's bytes as text: valid UTF-8 as it is, each byte that breaks it as `\xHH`. */
export function escapeName(raw: Uint8Array): string {
  let out = '';
  let rest = Buffer.from(raw.buffer, raw.byteOffset, raw.length);
  while (rest.length) {
    const bad = firstInvalidUtf8(rest);
    out += rest.subarray(0, bad).toString('utf8');
    if (bad >= rest.length) break;
    out += `\\x${rest[bad]!.toString(16).toUpperCase().padStart(2, '0')}`;
    rest = rest.subarray(bad + 1);
  }
  return out;
}

function safeReadlink(p: string): string {
  try {
    return toPosix(readlinkSync(p));
  } catch {
    return '?';
  }
}

const STAGED_MISSING_HELP = 'Restore the file in the working tree (`git checkout -- <file>`) and lint again, or unstage it (`git rm --cached <file>`).';

/** A staged file the working tree no longer has (`git add f; rm f`): its staged content, which a commit takes, went unlinted. */
function stagedMissing(file: string): Diagnostic {
  return {
    ruleId: 'lint/staged-file-missing',
    severity: 'error',
    message: 'This file is staged but missing from the working tree, so its staged content (what a commit takes) was not linted.',
    help: STAGED_MISSING_HELP,
    file,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
  };
}
