/**
 * `talium lint --fix`: writes the corrections diagnostics carry (Diagnostic.fix) into the files, one write per file.
 * A fix is applied only when the file still holds the text the lint read and its token still reads what the finding
 * saw (bare or quoted, on one line); of overlapping fixes the first wins and the others wait for the next pass. The
 * BOM, line endings, file mode and a symlink's target are kept; each file is replaced atomically (temp + rename).
 */
import { chmodSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Diagnostic, Fix, Position } from '../core/diagnostic.js';

export interface FixOutcome {
  /** Fixes written. */
  fixed: number;
  /** Files rewritten (relative paths, sorted). */
  files: string[];
  /** Files whose fixes were not written, with why (changed since the lint read it, not writable). */
  skipped: Array<{ file: string; reason: string }>;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 0-based offset of a 1-based line/column (UTF-16 columns), or undefined outside the text. */
function offsetOf(starts: readonly number[], text: string, p: Position): number | undefined {
  const lineStart = starts[p.line - 1];
  if (lineStart === undefined || p.column < 1) return undefined;
  const at = lineStart + p.column - 1;
  const lineEnd = p.line < starts.length ? starts[p.line]! - 1 : text.length;
  return at <= lineEnd ? at : undefined;
}

/** The token still reads `expect`, bare or in quotes, and sits on one line. */
function stillReads(token: string, expect: string): boolean {
  if (token.includes('\n')) return false;
  return token === expect || token === `"${expect}"` || token === `'${expect}'`;
}

/** `text` with `fixes` applied (those whose token still reads as expected; the first of overlapping ones). */
export function applyToText(text: string, fixes: readonly Fix[]): { text: string; applied: number } {
  const starts = lineStarts(text);
  const spans: Array<{ from: number; to: number; text: string }> = [];
  for (const f of fixes) {
    const from = offsetOf(starts, text, f.range.start);
    const to = offsetOf(starts, text, f.range.end);
    if (from === undefined || to === undefined || to < from || !stillReads(text.slice(from, to), f.expect)) continue;
    spans.push({ from, to, text: f.text });
  }
  spans.sort((a, b) => a.from - b.from || a.to - b.to);
  const kept: typeof spans = [];
  for (const s of spans) {
    const last = kept[kept.length - 1];
    if (last && s.from < last.to) continue;
    if (last && s.from === last.from && s.to === last.to) continue;
    kept.push(s);
  }
  let out = text;
  for (let i = kept.length - 1; i >= 0; i--) out = out.slice(0, kept[i]!.from) + kept[i]!.text + out.slice(kept[i]!.to);
  return { text: out, applied: kept.length };
}

/** Replace `file` by `content` atomically, keeping its mode; a symlink's target is what changes. */
function replaceFile(file: string, content: string): void {
  const target = realpathSync(file);
  const mode = statSync(target).mode & 0o7777;
  const tmp = join(dirname(target), `.${basename(target)}.talium-fix-${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content, { mode });
    chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* not created */
    }
    throw err;
  }
}

/**
 * Apply the fixes of `diagnostics` (in files `fixable` allows) under `cwd`. `sources` holds the text each file had
 * when it was linted (BOM removed): a file that differs now is skipped.
 */
export function applyFixes(cwd: string, diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, fixable: (file: string) => boolean = () => true): FixOutcome {
  const byFile = new Map<string, Fix[]>();
  for (const d of diagnostics) {
    if (!d.fix || !d.file || d.file === '.' || !fixable(d.file)) continue;
    const list = byFile.get(d.file);
    if (list) list.push(d.fix);
    else byFile.set(d.file, [d.fix]);
  }
  const outcome: FixOutcome = { fixed: 0, files: [], skipped: [] };
  for (const [file, fixes] of [...byFile].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const abs = resolve(cwd, file);
    let raw: string;
    try {
      raw = readFileSync(abs, 'utf8');
    } catch (err) {
      outcome.skipped.push({ file, reason: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'EIO'})` });
      continue;
    }
    const bom = raw.charCodeAt(0) === 0xfeff;
    const text = bom ? raw.slice(1) : raw;
    if (sources.get(file) !== text) {
      outcome.skipped.push({ file, reason: 'changed since it was linted' });
      continue;
    }
    const r = applyToText(text, fixes);
    if (!r.applied) continue;
    try {
      replaceFile(abs, (bom ? '\ufeff' : '') + r.text);
    } catch (err) {
      outcome.skipped.push({ file, reason: `cannot be written (${(err as NodeJS.ErrnoException).code ?? 'EIO'})` });
      continue;
    }
    outcome.fixed += r.applied;
    outcome.files.push(file);
  }
  return outcome;
}
