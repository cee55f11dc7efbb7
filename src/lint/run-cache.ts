/**
 * The run cache: the final diagnostics of a whole lint, replayed when nothing it read has changed since. A second
 * `talium lint` over an untouched tree (lint, then commit; an editor or a watch loop re-running it) then costs
 * discovery and one stat per file instead of loading, checking and running the rules again.
 *
 * A run's results depend on (1) the files discovery found, each identified as the parse cache identifies it
 * (size, modification and change times, inode; a file recorded within two seconds of its last modification is
 * trusted only after comparing a sha1 of its text: parse-cache.ts), and (2) everything else the run is given: the
 * code, schemas and packages that check (checkCodeStamp) and the Node that runs them, the working folder, the
 * paths and reporting options, the loaded configuration, the configuration file's text (its positions appear in
 * findings), the configuration's own diagnostics, discovery's notes and the schema folders the configuration
 * names, the YAML templates discovery found (rules name them), the `.sourceignore` files' texts. (2) is hashed into one key; (1) is the recorded file list, compared entry by entry. Anything else changed
 * (a file added, removed or edited, another config) is a miss, and the run goes through the whole pipeline. A run
 * is recorded only when every file it read has a parse cache entry (so files the parse cache does not keep, binary
 * or over 2 MB, disable it), with no internal error and no missing path.
 *
 * One small file per linted folder beside the parse cache (`<folder>.run`), first line {format, key, sum} (the
 * key holds talium's code stamp; another key is a miss without reading further; a damaged or hand-edited body is
 * ignored), replaced atomically, removed with its parse cache.
 * Off with the parse cache (`--no-cache`, TALIUM_CACHE=off), or alone with TALIUM_RUN_CACHE=off.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { sha1 } from '../core/builtins.js';
import { makeDirs } from '../io/make-dirs.js';
import type { Diagnostic, SuppressedDiagnostic } from '../core/diagnostic.js';
import { SourceFile } from '../core/source.js';
import type { LintConfig } from '../config/types.js';
import { checkCodeStamp, folderStamp } from './check-cache.js';
import type { DiscoveredFile } from './discover.js';
import { plainJson, runCacheFile, statKey, type FileIdentity } from './parse-cache.js';

const FORMAT = 4;

/** What the run was given besides the files: hashed into the key (undefined when something cannot be keyed). */
export interface RunInputs {
  cwd: string;
  paths: readonly string[];
  only?: ReadonlySet<string>;
  crossObjectAll?: boolean;
  config: LintConfig;
  configDiagnostics?: readonly Diagnostic[];
  /** Discovery's own notes (links not followed, templates only): they change without the file list changing. */
  notes: readonly Diagnostic[];
  /** The date suppressions' `until` dates are compared with: a replay from another day could hide an expiry. */
  today: string;
  /** What the configured excludes left out (Discovery.excluded): rules read the folders they show. */
  excluded?: readonly string[];
  /** The YAML templates discovery found and did not read (Discovery.templates): network/plan-unknown names them. */
  templates?: readonly string[];
  /** The `.sourceignore` files discovery found, with their text (Discovery.sourceIgnores): what Flux applies depends on them (plan/appliers.ts). */
  sourceIgnores?: ReadonlyArray<{ dir: string; text: string }>;
}

interface Stored {
  /**
   * Every discovered file in discovery order, as one string of NUL-separated fields, FILE_FIELDS per file: path,
   * size, mtime (ns), ctime (ns), inode, sha1 of the text, racy ('1' or ''). One string decodes far faster than an
   * array per file (10,000 files), and a miss usually stops at the first changed file.
   */
  files: string;
  diagnostics: Diagnostic[];
  /** Paths of the files the result lists as linted. */
  linted: string[];
  suppressed: SuppressedDiagnostic[];
}

const FILE_FIELDS = 7;

/** The `files` string of a run (paths cannot hold NUL). */
export function fileList(files: ReadonlyArray<readonly [string, FileIdentity]>): string {
  const parts: string[] = [];
  for (const [path, id] of files) parts.push(path, String(id.st[0]), id.st[1], id.st[2], id.st[3], id.h, id.racy ? '1' : '');
  return parts.join('\0');
}

export interface Replay {
  diagnostics: Diagnostic[];
  linted: string[];
  sources: Map<string, string>;
  suppressed: SuppressedDiagnostic[];
}

/** The key of everything but the files; undefined when a schema folder is too big to stamp. */
export function runKey(inputs: RunInputs): string | undefined {
  const { config } = inputs;
  const dirs: string[] = [];
  for (const d of config.schemaDirs) {
    const s = folderStamp(resolve(inputs.cwd, d), (n) => n.endsWith('.json'));
    if (s === undefined) return undefined;
    dirs.push(s);
  }
  // the text the configuration was loaded from (loadConfig's hash: the file read again now may already hold a
  // newer text than the one the plan's positions come from)
  let configText = config.fileSha1 ?? '';
  if (config.file && !config.fileSha1) {
    try {
      configText = sha1(readFileSync(resolve(inputs.cwd, config.file), 'utf8'));
    } catch {
      return undefined;
    }
  }
  // the plan's document is the configuration file (its text is keyed above); the rest is plain data
  const plainConfig = { ...config, plan: config.plan ? { values: config.plan.values } : null };
  return sha1(
    JSON.stringify([
      FORMAT,
      checkCodeStamp(),
      process.version,
      inputs.cwd,
      inputs.paths,
      inputs.only ? [...inputs.only].sort() : null,
      inputs.crossObjectAll === true,
      plainConfig,
      configText,
      inputs.configDiagnostics ?? [],
      inputs.notes,
      inputs.today,
      inputs.excluded ?? [],
      inputs.templates ?? [],
      inputs.sourceIgnores ?? [],
      dirs,
    ]),
  );
}

function wellFormed(s: Stored): boolean {
  return typeof s === 'object' && s !== null && typeof s.files === 'string' && Array.isArray(s.diagnostics) && Array.isArray(s.linted) && Array.isArray(s.suppressed);
}

/** The file as it is now matches its recorded identity (stat first; the text's sha1 too for a racy record). */
function unchanged(abs: string | Buffer, f: readonly string[], i: number): boolean {
  let key: FileIdentity['st'];
  try {
    key = statKey(statSync(abs, { bigint: true }));
  } catch {
    return false;
  }
  if (String(key[0]) !== f[i + 1] || key[1] !== f[i + 2] || key[2] !== f[i + 3] || key[3] !== f[i + 4]) return false;
  if (f[i + 6] !== '1') return true;
  try {
    // the bytes, not their decoding (invalid UTF-8 decodes to U+FFFD, as a valid U+FFFD does): the recorded sha1,
    // of a text that was valid UTF-8, is the sha1 of its bytes
    return sha1(readFileSync(abs)) === f[i + 5];
  } catch {
    return false;
  }
}

export class RunCache {
  private constructor(private readonly file: string) {}

  /** The run cache of the folder `cwd` (absolute). */
  static open(cwd: string): RunCache {
    return new RunCache(runCacheFile(cwd));
  }

  /** The recorded result, when the key matches and every discovered file is the one recorded. */
  replay(key: string, files: readonly DiscoveredFile[]): Replay | undefined {
    let stored: Stored;
    try {
      const raw = readFileSync(this.file);
      const nl = raw.indexOf(0x0a);
      if (nl < 0) return undefined;
      const head = JSON.parse(raw.subarray(0, nl).toString('utf8')) as { format?: unknown; key?: unknown; sum?: unknown };
      // another key (other options, config, build): no need to read further
      if (!head || head.format !== FORMAT || head.key !== key) return undefined;
      const body = raw.subarray(nl + 1);
      if (head.sum !== sha1(body)) return undefined;
      stored = JSON.parse(body.toString('utf8')) as Stored;
    } catch {
      return undefined;
    }
    if (!wellFormed(stored)) return undefined;
    const f = stored.files === '' ? [] : stored.files.split('\0');
    if (f.length !== files.length * FILE_FIELDS) return undefined;
    for (let i = 0; i < files.length; i++) {
      const at = i * FILE_FIELDS;
      if (f[at] !== files[i]!.path || !unchanged(files[i]!.abs, f, at)) return undefined;
    }
    // the texts of files with findings, for code frames (unchanged, as just proven)
    const absOf = new Map(files.map((f) => [f.path, f.abs]));
    const sources = new Map<string, string>();
    for (const d of stored.diagnostics) {
      const abs = absOf.get(d.file);
      if (!abs || sources.has(d.file)) continue;
      try {
        const text = readFileSync(abs, 'utf8');
        sources.set(d.file, new SourceFile(d.file, text).text);
      } catch {
        return undefined;
      }
    }
    return { diagnostics: stored.diagnostics, linted: stored.linted, sources, suppressed: stored.suppressed };
  }

  /** Record a run (best effort: a read-only cache folder simply runs without one). */
  record(key: string, files: ReadonlyArray<readonly [string, FileIdentity]>, diagnostics: readonly Diagnostic[], linted: readonly string[], suppressed: readonly SuppressedDiagnostic[]): void {
    const stored: Stored = { files: fileList(files), diagnostics: [...diagnostics], linted: [...linted], suppressed: [...suppressed] };
    try {
      // diagnostics JSON would change (a non-finite number, a Date in their data) are not recorded
      if (!plainJson(stored.diagnostics, { undefinedProps: true }) || !plainJson(stored.suppressed, { undefinedProps: true })) return;
      const body = Buffer.from(JSON.stringify(stored));
      makeDirs(dirname(this.file));
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify({ format: FORMAT, key, sum: sha1(body) })}\n`), body]));
      renameSync(tmp, this.file);
    } catch {
      /* no run cache this time */
    }
  }
}
