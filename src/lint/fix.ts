/**
 * `talium lint --fix`: writes the corrections diagnostics carry (Diagnostic.fix) into the files, one write per file.
 * A fix is applied only when the file still holds the text the lint read and its token still reads what the finding
 * saw (bare or quoted, on one line); of overlapping fixes the first wins and the others wait for the next pass; fixes
 * that disagree about one token, or that would bring back an earlier text, are not applied. Read-only files are left
 * alone. The BOM, line endings, file mode, owner (where allowed) and a symlink's target are kept; each file is
 * replaced atomically (temp + rename).
 */
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { replaceAtomic } from '../io/atomic-write.js';
import type { AppliedFix, Diagnostic, Fix } from '../core/diagnostic.js';
import { tokenReads } from '../core/finding.js';
import { SourceFile } from '../core/source.js';
import { pushAll } from '../core/arrays.js';

export interface FixOutcome {
  /** The fixes written, by file (sorted), then position; each with the rule whose finding carried it. */
  applied: AppliedFix[];
  /** Files rewritten (relative paths, sorted). */
  files: string[];
  /** Files whose fixes were not written, with the reason (and the errno code of a failed read or write). */
  skipped: Array<{ file: string; reason: SkipReason; code?: string }>;
}

/** Why a file's fixes were not written. */
export type SkipReason = 'unreadable' | 'changed' | 'undoes-earlier' | 'breaks-yaml' | 'read-only' | 'not-writable' | 'write-failed';

/** The words the CLI prints for a SkipReason (after "it"). */
export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  unreadable: 'cannot be read',
  changed: 'changed since it was linted',
  'undoes-earlier': 'would get back an earlier text (two corrections undo each other)',
  'breaks-yaml': 'would no longer parse as YAML (a correction inside a quoted string would need escaping)',
  'read-only': 'is read-only',
  'not-writable': 'is not writable',
  'write-failed': 'cannot be written',
};

/**
 * `text` with `fixes` applied: those whose token still reads as expected; of overlapping ones the first; none of
 * those that ask for different texts at one range (a document several cluster groups judge differently).
 */
export function applyToText<T extends Fix>(text: string, fixes: readonly T[]): { text: string; applied: T[] } {
  // positions as lint made them (SourceFile reads a lone CR as a line break, one character for one: offsets are the
  // text's). `text` is the file's without its first BOM: a BOM it still starts with (a second one) is text, as it
  // was for lint, so SourceFile is given one to strip in its place
  const src = new SourceFile('', `\ufeff${text}`);
  const byRange = new Map<string, { from: number; to: number; texts: Set<string>; first: T }>();
  for (const f of fixes) {
    const from = src.offsetAt(f.range.start);
    const to = src.offsetAt(f.range.end);
    if (from === undefined || to === undefined || to < from || !tokenReads(text.slice(from, to), f.expect)) continue;
    const key = `${from}:${to}`;
    const got = byRange.get(key);
    if (got) got.texts.add(f.text);
    else byRange.set(key, { from, to, texts: new Set([f.text]), first: f });
  }
  const spans = [...byRange.values()].filter((s) => s.texts.size === 1).sort((a, b) => a.from - b.from || a.to - b.to);
  const kept: typeof spans = [];
  for (const s of spans) {
    const last = kept[kept.length - 1];
    if (!last || s.from >= last.to) kept.push(s);
  }
  // one pass over the text (a big file with many fixes must not copy itself once per fix)
  const parts: string[] = [];
  let at = 0;
  for (const k of kept) {
    parts.push(text.slice(at, k.from), [...k.texts][0]!);
    at = k.to;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), applied: kept.map((k) => k.first) };
}

/** YAML errors of a text, counted (eemeli/yaml, YAML 1.2 as the other checks read it); files past 4 MB count as clean. */
function yamlErrors(text: string): number {
  if (text.length > 4 << 20) return 0;
  try {
    return parseAllDocuments(text, { uniqueKeys: false, logLevel: 'silent' }).reduce((n, d) => n + d.errors.length, 0);
  } catch {
    return 1;
  }
}

/**
 * The corrected text has YAML errors the file did not have: the safety net for a correction inside a quoted scalar
 * (an Argo CD `helm.values: "..."` string) whose text would need escaping there. Such a file is not written.
 */
function breaksYaml(before: string, after: string): boolean {
  const now = yamlErrors(after);
  return now > 0 && now > yamlErrors(before);
}

/** Why a file must not be rewritten (no write permission bits, or not writable by this user), if so. */
function readOnly(file: string): SkipReason | undefined {
  const target = realpathSync(file);
  if ((statSync(target).mode & 0o222) === 0) return 'read-only';
  try {
    accessSync(target, constants.W_OK);
  } catch {
    return 'not-writable';
  }
  return undefined;
}

/**
 * Apply the fixes of `diagnostics` (in files `fixable` allows) under `cwd`. `sources` holds the text each file had
 * when it was linted (BOM removed): a file that differs now is skipped. `history` (kept across the passes of one
 * `--fix`) holds each file's earlier texts: a pass that would bring one back (two findings undoing each other) is
 * not written.
 */
export function applyFixes(
  cwd: string,
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
  fixable: (file: string) => boolean = () => true,
  history: Map<string, Set<string>> = new Map(),
): FixOutcome {
  const byFile = new Map<string, AppliedFix[]>();
  for (const d of diagnostics) {
    if (!d.fix || !d.file || d.file === '.' || !fixable(d.file)) continue;
    const fix: AppliedFix = { file: d.file, ruleId: d.ruleId, ...d.fix };
    const list = byFile.get(d.file);
    if (list) list.push(fix);
    else byFile.set(d.file, [fix]);
  }
  const outcome: FixOutcome = { applied: [], files: [], skipped: [] };
  for (const [file, fixes] of [...byFile].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const abs = resolve(cwd, file);
    let raw: string;
    try {
      raw = readFileSync(abs, 'utf8');
    } catch (err) {
      outcome.skipped.push({ file, reason: 'unreadable', code: (err as NodeJS.ErrnoException).code ?? 'EIO' });
      continue;
    }
    const bom = raw.charCodeAt(0) === 0xfeff;
    const text = bom ? raw.slice(1) : raw;
    // what lint read is the file's text as SourceFile reads it (lone CRs as line feeds); the raw text keeps them
    if (sources.get(file) !== new SourceFile(file, raw).text) {
      outcome.skipped.push({ file, reason: 'changed' });
      continue;
    }
    const r = applyToText(text, fixes);
    if (!r.applied.length) continue;
    const seen = history.get(file) ?? new Set([text]);
    history.set(file, seen);
    if (seen.has(r.text)) {
      outcome.skipped.push({ file, reason: 'undoes-earlier' });
      continue;
    }
    if (breaksYaml(text, r.text)) {
      outcome.skipped.push({ file, reason: 'breaks-yaml' });
      continue;
    }
    const locked = readOnly(abs);
    if (locked) {
      outcome.skipped.push({ file, reason: locked });
      continue;
    }
    try {
      replaceAtomic(abs, (bom ? '\ufeff' : '') + r.text);
    } catch (err) {
      outcome.skipped.push({ file, reason: 'write-failed', code: (err as NodeJS.ErrnoException).code ?? 'EIO' });
      continue;
    }
    seen.add(r.text);
    pushAll(outcome.applied, r.applied);
    outcome.files.push(file);
  }
  return outcome;
}
