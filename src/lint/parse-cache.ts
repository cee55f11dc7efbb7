/**
 * The parse cache: what loadText makes of a file (its documents' values, classes and offsets, where their plain
 * YAML 1.1 boolean words are (load-file.ts WireFile), the positioned `yaml/*` diagnostics, the suppression comments)
 * kept between runs, so an unchanged file is read back as JSON
 * (about eight times faster than parsing the YAML again; most of a pre-commit run on a big repository is
 * re-reading files nobody touched). The per-document check results of a file are kept in its entry too, under a
 * key of everything else they depend on (check-cache.ts); the policy rules always run (their results depend on
 * other files).
 *
 * An entry is used for the same path whose size, modification and change times and inode are those recorded, and
 * then the file is not even opened: its text is read only if a finding needs a position. As in git's "racy clean"
 * rule, an entry recorded less than two seconds after the file's last modification (a second write within the
 * file system's time resolution could keep the same times) is trusted only after comparing a sha1 of the text.
 *
 * One file per linted folder, outside the repository: $TALIUM_CACHE_DIR, else $XDG_CACHE_HOME/talium, else
 * ~/.cache/talium (at most 32 folders' caches, the least recently written removed first). Its first line carries
 * the format, a stamp of the code that made it (another talium build never reads it) and a sha1 of the entries
 * (a damaged or hand-edited cache is ignored as a whole); the entries JSON follows. Files whose values JSON cannot
 * carry (non-finite numbers, `__proto__` keys, the fallback parser's Date/Buffer/Set values) and files over 2 MB are
 * not cached. The file is replaced atomically (temp file + rename); a missing, unreadable or foreign cache is ignored
 * and rewritten. A run that changed a few entries (files edited since) appends them instead, as one line of a
 * journal beside the file (`<file>.journal`: the line's sha1, then {the sum of the cache file it extends, the
 * entries set, the paths removed}); reading applies the lines that extend the file as read, in order, skipping
 * damaged ones and ones that extend another file (a run that read the cache before another rewrote it can append
 * such a line first; stopping there would lose every later line). Once the journal would pass a quarter of the
 * file's size, the next save rewrites the file and drops the journal: rewriting a 16 MB cache (10,000 files) to
 * record one edit cost more than parsing the edited file. Turned off with `--no-cache` or TALIUM_CACHE=off.
 */
import { appendFileSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crypto, sha1 } from '../core/builtins.js';
import { fileStamp } from '../core/code-cache.js';
import { userCacheDir } from '../io/cache-dir.js';
import { makeDirs } from '../io/make-dirs.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { Suppression } from './suppressions.js';
import { fromWire, toWire, type LoadedFile, type WireFile } from './load-file.js';
import { mayHaveTruthy } from './yaml-truthy.js';

export type FileStat = { size: bigint; mtimeNs: bigint; ctimeNs: bigint; ino: bigint; mtimeMs: bigint; ctimeMs: bigint };

export function statKey(st: FileStat): Entry['st'] {
  return [Number(st.size), String(st.mtimeNs), String(st.ctimeNs), String(st.ino)];
}

/** What identifies a file's text as a run read it (the run cache keeps these for every file of a run). */
export interface FileIdentity {
  st: Entry['st'];
  h: string;
  racy: boolean;
}

/** Modified less than this before the entry was recorded: the times alone do not prove the text unchanged. */
const RACY_MS = 2000;

const FORMAT = 3;

/** A cached file: its WireFile without the text (which stays on disk), and what identifies that text. */
interface Entry {
  /** sha1 of the text as read (BOM included). */
  h: string;
  /** size, mtime (ns), ctime (ns) and inode when the text was read. */
  st: [number, string, string, string];
  /** Recorded within two seconds of the file's modification: verify the hash before use. */
  racy: boolean;
  /** The text may hold YAML 1.1 booleans (yaml-truthy.ts mayHaveTruthy), so `yaml/truthy` reads it. */
  truthy: boolean;
  docs: WireFile['docs'];
  contentOffsets: number[];
  diagnostics: Diagnostic[];
  suppressions: Suppression[];
  skipped: boolean;
  /** The file's per-document check results (check-cache.ts) and the key they were made under. */
  c?: { k: string; d: Diagnostic[] };
}

/** Files larger than this are parsed every time (their entry would cost about what it saves, and disk). */
const MAX_CACHED_TEXT = 2 * 1024 * 1024;

/**
 * True when JSON.parse(JSON.stringify(v)) gives `v` back: finite numbers, strings, booleans, null, arrays, plain
 * objects (`undefinedProps`: and properties set to undefined, which JSON leaves out).
 */
export function plainJson(v: unknown, opts: { undefinedProps?: boolean } = {}): boolean {
  const stack: unknown[] = [v];
  while (stack.length) {
    const x = stack.pop();
    if (x === null || typeof x === 'string' || typeof x === 'boolean') continue;
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) return false;
      continue;
    }
    if (typeof x !== 'object') return false;
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) stack.push(x[i]);
      continue;
    }
    if (Object.getPrototypeOf(x) !== Object.prototype) return false;
    for (const k in x as Record<string, unknown>) {
      const p = (x as Record<string, unknown>)[k];
      // JSON drops a property whose value is undefined, as every reporter ignores it
      if (p !== undefined || !opts.undefinedProps) stack.push(p);
    }
  }
  return true;
}

/** Text whose parsed values would not survive JSON (non-finite numbers, `__proto__` keys). */
const NOT_JSON_SAFE = /\.(?:inf|Inf|INF|nan|NaN|NAN)\b|__proto__/;

/**
 * Stamp of the code that turns text into documents: the bundle file, or the compiled modules of the parser and
 * its helpers (tsc output).
 */
function codeStamp(): string {
  const here = fileURLToPath(import.meta.url);
  const dir = dirname(here);
  const files = here.endsWith('.cjs')
    ? [here]
    : [here, ...['parse.js', 'classify.js', 'suppressions.js', 'comments.js', 'split.js', 'load-file.js', 'guard.js', '../core/document.js', '../core/source.js'].map((f) => join(dir, f))];
  return files.map(fileStamp).join(',');
}

/** The shape this code writes (a cache file edited by hand or by another program is not trusted blindly). */
function wellFormed(e: Entry): boolean {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.h === 'string' &&
    Array.isArray(e.st) &&
    e.st.length === 4 &&
    Array.isArray(e.docs) &&
    Array.isArray(e.contentOffsets) &&
    Array.isArray(e.diagnostics) &&
    Array.isArray(e.suppressions) &&
    typeof e.skipped === 'boolean' &&
    typeof e.racy === 'boolean' &&
    typeof e.truthy === 'boolean'
  );
}

/** The cache files of the folder `cwd` (absolute), without extension: one name per linted folder. */
function folderCacheBase(cwd: string): string {
  return join(userCacheDir(), 'lint', crypto().createHash('sha1').update(cwd).digest('hex').slice(0, 16));
}

/** The run cache file (run-cache.ts) of the folder `cwd`, beside its parse cache (and pruned with it). */
export function runCacheFile(cwd: string): string {
  return `${folderCacheBase(cwd)}.run`;
}

export class ParseCache {
  private readonly fresh = new Map<string, Entry>();
  private readonly seen = new Set<string>();
  /** Files this run found unchanged or recorded: the only entries whose check results may be used or stored. */
  private readonly current = new Set<string>();
  private changed = false;
  /** Paths whose stored entry this run removed or replaced (a journal line carries exactly these). */
  private readonly dirty = new Set<string>();
  hits = 0;
  misses = 0;
  /** Hits whose text had to be read and hashed (racy entries). */
  verified = 0;
  /** Trusted hits whose text was read later anyway (a position, a text check): each one a wasted open + read. */
  textsRead = 0;
  /** Files whose check results came from the cache. */
  checkHits = 0;

  private constructor(
    private readonly file: string,
    private readonly code: string,
    /** Drop entries of files this run did not read (the run covered the whole folder). */
    private readonly prune: boolean,
    private readonly entries: Record<string, Entry>,
    /** The cache file as read (absent: none, or not usable), which a journal line may extend. */
    private readonly base: Base | undefined,
  ) {}

  /** The cache of the folder `cwd` (absolute); `prune` when the run reads the whole folder. */
  static open(cwd: string, prune: boolean): ParseCache {
    const file = `${folderCacheBase(cwd)}.json`;
    const code = codeStamp();
    let entries: Record<string, Entry> = {};
    let base: Base | undefined;
    try {
      // first line: {format, code, sum}; the rest: the entries, whose sha1 must be `sum` (a damaged or hand-edited
      // cache is ignored as a whole rather than trusted entry by entry). Hashed as bytes: hashing the decoded
      // string would encode it again (several times slower on a big cache).
      const raw = readFileSync(file);
      const nl = raw.indexOf(0x0a);
      const head = JSON.parse(raw.subarray(0, nl).toString('utf8')) as { format?: unknown; code?: unknown; sum?: unknown };
      const body = raw.subarray(nl + 1);
      if (nl > 0 && head && head.format === FORMAT && head.code === code && typeof head.sum === 'string' && head.sum === sha1(body)) {
        const parsed = JSON.parse(body.toString('utf8')) as unknown;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          entries = parsed as Record<string, Entry>;
          base = { sum: head.sum, size: raw.length, journal: applyJournal(`${file}.${JOURNAL}`, head.sum, entries) };
        }
      }
    } catch {
      /* none yet, unreadable or foreign: start empty */
    }
    return new ParseCache(file, code, prune, entries, base);
  }

  /**
   * What loadText made of the file at `path` in an earlier run, when `st` (taken before any read) shows it
   * unchanged. `read` gives the text as read (decoded the way loadFile does); a trusted entry never calls it
   * unless a position is asked for. `readBytes` (undefined when the file cannot be read) verifies a racy entry.
   */
  get(path: string, st: FileStat, read: () => string, readBytes?: () => Buffer | undefined): LoadedFile | undefined {
    this.seen.add(path);
    const e = Object.prototype.hasOwnProperty.call(this.entries, path) ? this.entries[path] : undefined;
    const key = statKey(st);
    if (!e || !wellFormed(e) || e.st.some((v, i) => v !== key[i])) {
      this.miss(path);
      return undefined;
    }
    let text: string | (() => string) = () => {
      this.textsRead++;
      return read();
    };
    if (e.racy) {
      // the bytes are compared, not their decoding: invalid UTF-8 decodes to U+FFFD, as a valid U+FFFD does (the
      // sha1 of a valid text is the sha1 of its UTF-8 bytes)
      const bytes = readBytes?.();
      text = bytes ? bytes.toString('utf8') : read();
      this.verified++;
      if (e.h !== (bytes ? sha1(bytes) : sha1(text)) || (readBytes && !bytes)) {
        this.miss(path);
        return undefined;
      }
    }
    let loaded: LoadedFile;
    try {
      loaded = fromWire({ path, text, docs: e.docs, contentOffsets: e.contentOffsets, diagnostics: e.diagnostics, suppressions: e.suppressions, skipped: e.skipped });
    } catch {
      this.miss(path);
      return undefined;
    }
    this.hits++;
    this.current.add(path);
    loaded.truthyCandidate = e.truthy;
    // a verified racy entry is recorded again once the times alone prove it (until then it stays as it is, and
    // is verified again: recording it again would only write the same entry)
    if (e.racy && typeof text === 'string' && Date.now() - Math.max(Number(st.mtimeMs), Number(st.ctimeMs)) >= RACY_MS) {
      this.put(path, text, loaded, st);
      // same bytes: the check results stay valid too
      const f = this.fresh.get(path);
      if (f && e.c) f.c = e.c;
    }
    return loaded;
  }

  /** Remember what loadText made of `text`, read after `st` was taken (unless JSON cannot carry its values). */
  put(path: string, text: string, loaded: LoadedFile, st: FileStat): void {
    this.seen.add(path);
    if (text.length > MAX_CACHED_TEXT || NOT_JSON_SAFE.test(text)) return;
    const w = toWire(loaded);
    // the eemeli/yaml fallback can yield what JSON would change (1e999 as Infinity; with %YAML 1.1, Date, Buffer,
    // Set, Map): such a file is parsed every time
    if (!w.docs.every((d) => plainJson(d.value))) return;
    this.current.add(path);
    this.fresh.set(path, {
      h: sha1(text),
      st: statKey(st),
      // the later of the two times: `touch -d` or `tar x` can set an mtime in the past, never a ctime
      racy: Date.now() - Math.max(Number(st.mtimeMs), Number(st.ctimeMs)) < RACY_MS,
      truthy: loaded.docs.every((d) => d.noYaml11Words === true) ? false : mayHaveTruthy(text),
      docs: w.docs,
      contentOffsets: w.contentOffsets,
      diagnostics: w.diagnostics,
      suppressions: w.suppressions,
      skipped: w.skipped,
    });
    this.dirty.add(path);
    this.changed = true;
  }

  /**
   * The file changed (or its entry is unusable): its old entry goes, so nothing of it (check results included)
   * outlives this run, even when the new text is not recorded (too big, values JSON cannot carry).
   */
  private miss(path: string): void {
    this.misses++;
    if (Object.prototype.hasOwnProperty.call(this.entries, path)) {
      delete this.entries[path];
      this.dirty.add(path);
      this.changed = true;
    }
  }

  /** The entry of a file this run found unchanged (a hit) or recorded (a miss it could cache), if any. */
  private entry(path: string): Entry | undefined {
    if (!this.current.has(path)) return undefined;
    return this.fresh.get(path) ?? (Object.prototype.hasOwnProperty.call(this.entries, path) ? this.entries[path] : undefined);
  }

  /** The identity of a file this run found unchanged or recorded (for the run cache), if it has an entry. */
  identity(path: string): FileIdentity | undefined {
    const e = this.entry(path);
    return e ? { st: e.st, h: e.h, racy: e.racy } : undefined;
  }

  /**
   * The check results stored for the file at `path` under `key` (check-cache.ts), when this run found the file
   * unchanged (a hit) or recorded it (a miss).
   */
  checks(path: string, key: string): Diagnostic[] | undefined {
    const c = this.entry(path)?.c;
    if (!c || typeof c !== 'object' || c.k !== key || !Array.isArray(c.d)) return undefined;
    this.checkHits++;
    return c.d;
  }

  /** Store the check results of a file this run read (ignored for files without an entry, or values JSON changes). */
  putChecks(path: string, key: string, diagnostics: Diagnostic[]): void {
    const e = this.entry(path);
    if (!e || !plainJson(diagnostics, { undefinedProps: true })) return;
    e.c = { k: key, d: diagnostics };
    this.dirty.add(path);
    this.changed = true;
  }

  /**
   * Write what this run changed (best effort: a read-only home simply runs without one): as one line appended to
   * the journal when the cache file it read is still there and the journal stays small next to it (a run that
   * re-read a few edited files writes a few entries, not the whole cache), else by rewriting the cache file.
   */
  save(): void {
    const dropped: string[] = [];
    if (this.prune) for (const path of Object.keys(this.entries)) if (!this.seen.has(path) && !this.fresh.has(path)) dropped.push(path);
    if (!this.changed && !dropped.length) return;
    try {
      makeDirs(dirname(this.file));
      if (this.base && this.appendJournal(dropped)) return;
      const entries: Record<string, Entry> = {};
      const gone = new Set(dropped);
      for (const [path, e] of Object.entries(this.entries)) if (!this.fresh.has(path) && !gone.has(path)) entries[path] = e;
      for (const [path, e] of this.fresh) entries[path] = e;
      const tmp = `${this.file}.${process.pid}.tmp`;
      const body = Buffer.from(JSON.stringify(entries));
      writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify({ format: FORMAT, code: this.code, sum: sha1(body) })}\n`), body]));
      renameSync(tmp, this.file);
      // the old journal extends the old file: gone with it (a line written since by another run names the old
      // file's sum, so it would be ignored anyway)
      rmSync(`${this.file}.${JOURNAL}`, { force: true });
      pruneFolder(dirname(this.file), this.file);
    } catch {
      /* no cache this time */
    }
  }

  /** Append this run's changes as one journal line; false when the journal would grow too big (rewrite instead). */
  private appendJournal(dropped: string[]): boolean {
    const base = this.base!;
    const set: Record<string, Entry> = {};
    const del: string[] = [...dropped];
    for (const path of this.dirty) {
      const e = this.fresh.get(path) ?? (Object.prototype.hasOwnProperty.call(this.entries, path) ? this.entries[path] : undefined);
      if (e) set[path] = e;
      else del.push(path);
    }
    const json = JSON.stringify({ base: base.sum, set, del });
    const line = `${sha1(json)} ${json}\n`;
    if (base.journal + line.length > base.size * JOURNAL_SHARE) return false;
    appendFileSync(`${this.file}.${JOURNAL}`, line);
    return true;
  }
}

/** The cache file's journal: `<file>.journal`, one line per run that changed a few entries. */
const JOURNAL = 'journal';
/** A journal may grow to this share of its cache file's size before the cache is rewritten. */
const JOURNAL_SHARE = 0.25;

/** The cache file a journal extends: its sum, its size, and the journal's size so far. */
interface Base {
  sum: string;
  size: number;
  journal: number;
}

/**
 * Apply the journal lines that extend the cache file whose sum is `sum`, in order, to `entries`, skipping lines
 * that are damaged (a torn append) or extend another file (every entry is checked against its file before use,
 * so a skipped line costs only its files' parsing). Returns the journal's size (0 when there is none).
 */
function applyJournal(file: string, sum: string, entries: Record<string, Entry>): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    const sp = line.indexOf(' ');
    const json = line.slice(sp + 1);
    if (sp !== 28 || line.slice(0, sp) !== sha1(json)) continue;
    let step: { base?: unknown; set?: unknown; del?: unknown };
    try {
      step = JSON.parse(json) as typeof step;
    } catch {
      continue;
    }
    if (!step || step.base !== sum || typeof step.set !== 'object' || step.set === null || !Array.isArray(step.del)) continue;
    for (const path of step.del) if (typeof path === 'string') delete entries[path];
    for (const [path, e] of Object.entries(step.set as Record<string, Entry>)) if (path !== '__proto__') entries[path] = e;
  }
  return text.length;
}

/** At most this many linted folders keep a cache; the least recently written go first. */
export const MAX_CACHED_FOLDERS = 32;

/** Keep the cache folder bounded: one file per linted folder, the MAX_CACHED_FOLDERS most recent. */
function pruneFolder(dir: string, keep: string): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(dir, f));
  if (files.length <= MAX_CACHED_FOLDERS) return;
  const byAge = files
    .filter((f) => f !== keep)
    .map((f) => {
      try {
        return { f, t: statSync(f).mtimeMs };
      } catch {
        return { f, t: 0 };
      }
    })
    .sort((a, b) => a.t - b.t || (a.f < b.f ? -1 : 1));
  for (const { f } of byAge.slice(0, files.length - MAX_CACHED_FOLDERS)) {
    for (const gone of [f, `${f}.${JOURNAL}`, f.replace(/\.json$/, '.run')]) {
      try {
        unlinkSync(gone);
      } catch {
        /* another run removed it, or there was none */
      }
    }
  }
}
