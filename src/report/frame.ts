/**
 * A one-line code frame for the stylish reporter: the source line of a diagnostic with a caret underline.
 * Long lines are cut to a window around the column, so an 8 MB single line prints a short frame.
 */
import type { Range } from '../core/diagnostic.js';
import { lineStartOffsets } from '../core/source.js';

const WINDOW = 120;

/** C0 and C1 control characters and DEL, tab and newline included (a terminal acts on them). */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Text for a terminal: each control character as a visible escape (`\n`, `\x1b`), so a message, a file name or a
 * key read from a repository cannot move the cursor, change the title, or start a line of its own (a line
 * `::error file=...` would be a GitHub Actions workflow command).
 */
export function printable(s: string): string {
  return s.replace(CONTROL, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** `lines` of text; returns '' when the line is not available. */
export function codeFrame(lineText: string | undefined, range: Range, indent: string): string {
  if (lineText === undefined) return '';
  // a control character (ESC, CR, NUL...) would reach the terminal: one replacement character each keeps the caret
  const line = lineText.replace(/\t/g, ' ').replace(CONTROL, '\ufffd');
  const col = Math.max(1, range.start.column);
  const endCol = range.end.line === range.start.line ? Math.max(col + 1, range.end.column) : line.length + 1;
  let from = 0;
  if (line.length > WINDOW) from = Math.max(0, Math.min(col - 1 - WINDOW / 3, line.length - WINDOW));
  const to = Math.min(line.length, from + WINDOW);
  const shown = (from > 0 ? '…' : '') + line.slice(from, to) + (to < line.length ? '…' : '');
  const caretStart = col - 1 - from + (from > 0 ? 1 : 0);
  const width = Math.max(1, Math.min(endCol, to + 1) - col);
  const num = String(range.start.line);
  return `${indent}${num} | ${shown}\n${indent}${' '.repeat(num.length)} | ${' '.repeat(Math.max(0, caretStart))}${'^'.repeat(width)}\n`;
}

/** The text of a 1-based line of `text` (without its terminator), or undefined. */
export function lineOf(text: string, line: number): string | undefined {
  const starts = lineStartsOf(text);
  const i = line > 1 ? line - 1 : 0;
  if (i >= starts.length) return undefined;
  const start = starts[i]!;
  let end = text.indexOf('\n', start);
  if (end === -1) end = text.length;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return text.slice(start, end);
}

// the offsets where the lines of the last text asked about start: a reporter asks for the lines of one file after
// another, and scanning from the top for each (once per finding) was quadratic (400,000 findings in one file: minutes)
let lastText: string | undefined;
let lastStarts: Uint32Array = new Uint32Array(1);
function lineStartsOf(text: string): Uint32Array {
  if (text !== lastText) {
    lastStarts = lineStartOffsets(text);
    lastText = text;
  }
  return lastStarts;
}
