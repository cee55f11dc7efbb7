/**
 * Bulk suppressions in the CLI (`talium-suppressions.json`; the counting is lint/bulk-suppressions.ts): read the
 * file, record or prune it when asked, drop what it covers from a lint result, and say so on stderr.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { replaceAtomic, writeAtomic } from '../io/atomic-write.js';
import { applyBulkSuppressions, formatSuppressions, parseSuppressions, SUPPRESSIONS_FILE, updateSuppressions, type BulkSuppressions } from '../lint/bulk-suppressions.js';
import { uniqueSorted } from '../core/diagnostic.js';
import type { LintOutcome } from '../lint/engine.js';
import { EXIT, type CliIo } from './io.js';

/**
 * Write `text` to `file` unless it already holds it (a file that does not exist is created only when `create`),
 * in one step, keeping an existing file's mode and a symlink. Returns what happened, for the message on stderr.
 */
function writeIfChanged(file: string, text: string, create: boolean): 'created' | 'updated' | 'unchanged' | 'none' {
  if (!existsSync(file)) {
    if (!create) return 'none';
    writeAtomic(file, text, { mode: 0o644 });
    return 'created';
  }
  if (readFileSync(file, 'utf8') === text) return 'unchanged';
  replaceAtomic(file, text);
  return 'updated';
}

/** `12 problems in 3 files` for what the entries record. */
function recordedText(entries: BulkSuppressions): string {
  let n = 0;
  for (const rules of entries.values()) for (const count of rules.values()) n += count;
  return `${n} problem${n === 1 ? '' : 's'} in ${entries.size} file${entries.size === 1 ? '' : 's'}`;
}

/**
 * Bulk suppressions (lint/bulk-suppressions.ts): record them (`mode`), then drop what they cover from the result.
 * Returns the exit code of a usage problem (an unreadable or malformed suppressions file).
 */
/** The suppressions file and its name for messages, relative to the working directory. */
function suppressionsFile(cwd: string, location: string | undefined, io: CliIo): { file: string; shown: string } {
  const file = location !== undefined ? resolve(io.cwd, location) : resolve(cwd, SUPPRESSIONS_FILE);
  return { file, shown: relative(io.cwd, file).split('\\').join('/') || file };
}

/**
 * The recorded suppressions (none when there is no file), or the exit code of an unreadable or malformed file (said
 * on stderr). Read once, before the run, so a usage error never comes after `--fix` has written files; the entries
 * go to bulkSuppress.
 */
export function readSuppressions(cwd: string, location: string | undefined, mode: 'all' | 'prune' | undefined, io: CliIo): BulkSuppressions | number {
  const { file, shown } = suppressionsFile(cwd, location, io);
  if (existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      io.stderr(`talium lint: ${shown}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'EIO'})\n`);
      return EXIT.usage;
    }
    const parsed = parseSuppressions(text);
    if (typeof parsed === 'string') {
      // parsed: "line:column: problem", so file:line:column like every other finding
      io.stderr(`talium lint: ${shown}:${parsed}\n`);
      return EXIT.usage;
    }
    return parsed;
  }
  if (location !== undefined && !mode) {
    io.stderr(`talium lint: no such suppressions file: ${shown}\n`);
    return EXIT.usage;
  }
  return new Map();
}

export function bulkSuppress(outcome: LintOutcome, recorded: BulkSuppressions, cwd: string, location: string | undefined, mode: 'all' | 'prune' | undefined, whole: boolean, io: CliIo): LintOutcome | number {
  // `cwd` is the linted folder (its file names key the entries); a --suppressions-location and every message are
  // relative to the working directory (they differ for `talium lint ../repo`)
  const { file, shown } = suppressionsFile(cwd, location, io);
  let entries: BulkSuppressions = recorded;
  // a run over the whole folder speaks for every file (those it linted, and any other it reported on); a run over
  // some paths sees cross-file findings only partly, so it neither records nor calls an entry stale
  const linted = whole ? new Set([...outcome.result.files, ...outcome.result.diagnostics.map((d) => d.file)]) : undefined;
  if (mode && linted) {
    entries = updateSuppressions(entries, outcome.result.diagnostics, linted, mode);
    let wrote: ReturnType<typeof writeIfChanged>;
    try {
      wrote = writeIfChanged(file, formatSuppressions(entries), entries.size > 0);
    } catch (err) {
      io.stderr(`talium lint: cannot write ${shown}: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
    // say what the recording did: a first --suppress-all must not look like an ordinary run
    if (wrote === 'none') io.stderr(mode === 'prune' ? `talium lint: no ${shown} to prune\n` : `talium lint: no errors or warnings to record; ${shown} not written\n`);
    else if (wrote === 'unchanged') io.stderr(`talium lint: ${shown} is up to date (${recordedText(entries)} recorded)\n`);
    else io.stderr(`talium lint: ${wrote === 'created' ? 'wrote' : 'updated'} ${shown}: ${recordedText(entries)} recorded${wrote === 'created' ? '; commit it' : ''}\n`);
  }
  if (!entries.size) return outcome;
  const r = applyBulkSuppressions(outcome.result.diagnostics, entries, linted, shown);
  const n = r.suppressed.length;
  if (n) io.stderr(`talium lint: ${n} problem${n === 1 ? '' : 's'} suppressed by ${shown}\n`);
  if (r.stale.length) io.stderr(`talium lint: ${shown} allows more than occurs now for ${r.stale.length} file/rule pair${r.stale.length === 1 ? '' : 's'} (first: ${relative(io.cwd, resolve(cwd, r.stale[0]!.file)).split('\\').join('/')} ${r.stale[0]!.ruleId}, ${r.stale[0]!.recorded} recorded, ${r.stale[0]!.now} now); run with --prune-suppressions to tighten it\n`);
  return { ...outcome, result: { ...outcome.result, diagnostics: r.kept, suppressed: uniqueSorted([...(outcome.result.suppressed ?? []), ...r.suppressed]) } };
}

