/**
 * A source file's text and its line index: turns offsets (the truth) into 1-based line/column.
 * Handles a leading BOM (stripped, so columns match editors) and CRLF (the CR belongs to the line end). A text
 * that breaks lines with a lone CR (old Mac line endings) is read with each lone CR as a line feed (`loneCr`):
 * YAML counts a lone CR as a line break, as Go YAML does, and one character for one keeps every offset.
 */
import type { Position, Range } from './diagnostic.js';

export class SourceFile {
  /** Path relative to the working directory, with `/` separators. */
  readonly path: string;
  private body: string | undefined;
  private bom = false;
  private reader: (() => string) | undefined;
  private lineStarts: Uint32Array | undefined;
  private crBreaks: boolean;

  /**
   * `text` as read (a leading BOM is stripped here), or a function that reads it when first needed. `loneCr`: the
   * text holds a CR that no LF follows (known from a scan made anyway: guard.ts checkDepth); see breakLoneCr.
   */
  constructor(path: string, text: string | (() => string), opts: { loneCr?: boolean } = {}) {
    this.path = path;
    this.crBreaks = opts.loneCr === true;
    if (typeof text === 'function') this.reader = text;
    else this.setText(text);
  }

  private setText(text: string): void {
    this.bom = text.charCodeAt(0) === 0xfeff;
    this.body = this.bom ? text.slice(1) : text;
    if (this.crBreaks) this.body = crToLf(this.body);
  }

  /**
   * From now on the text reads every lone CR as a line feed (same length: offsets stay those of the file), so the
   * parsers and the line index see the lines Go YAML sees. Called by the parser when its scan met a lone CR.
   */
  breakLoneCr(): void {
    if (this.crBreaks) return;
    this.crBreaks = true;
    if (this.body !== undefined) {
      this.body = crToLf(this.body);
      this.lineStarts = undefined;
    }
  }

  /** The text breaks lines with lone CRs (read as line feeds: breakLoneCr). */
  get loneCr(): boolean {
    return this.crBreaks;
  }

  /** Text with any leading BOM removed. */
  get text(): string {
    if (this.reader) {
      const read = this.reader;
      this.reader = undefined;
      this.setText(read());
    }
    return this.body!;
  }

  get hadBom(): boolean {
    void this.text; // (reads a lazy text first: the BOM is known only then)
    return this.bom;
  }

  private starts(): Uint32Array {
    this.lineStarts ??= lineStartOffsets(this.text);
    return this.lineStarts;
  }

  get lineCount(): number {
    return this.starts().length;
  }

  /** 1-based position of a 0-based offset (clamped to the text). */
  positionAt(offset: number): Position {
    const starts = this.starts();
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - starts[lo]! + 1 };
  }

  /** 0-based offset of a 1-based position, or undefined when it is not inside its line (terminator included). */
  offsetAt(p: Position): number | undefined {
    const starts = this.starts();
    const lineStart = starts[p.line - 1];
    if (lineStart === undefined || p.column < 1) return undefined;
    const at = lineStart + p.column - 1;
    const lineEnd = p.line < starts.length ? starts[p.line]! - 1 : this.text.length;
    return at <= lineEnd ? at : undefined;
  }

  /** The text between two positions, or undefined when either is outside the text. */
  textAt(r: Range): string | undefined {
    const from = this.offsetAt(r.start);
    const to = this.offsetAt(r.end);
    return from === undefined || to === undefined || to < from ? undefined : this.text.slice(from, to);
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(Math.max(start, end)) };
  }

  /** The text of a 1-based line without its line terminator. */
  lineText(line: number): string {
    const starts = this.starts();
    const s = starts[line - 1];
    if (s === undefined) return '';
    const next = starts[line];
    let e = next === undefined ? this.text.length : next - 1;
    if (e > s && this.text.charCodeAt(e - 1) === 13) e--;
    return this.text.slice(s, e);
  }
}

/** Every CR that no LF follows, as a LF (a CRLF stays as it is). */
export function crToLf(text: string): string {
  return text.replace(/\r(?!\n)/g, '\n');
}

/** The text holds a CR that no LF follows (a line break for YAML; a scan: for paths off the lint hot path). */
export function hasLoneCr(text: string): boolean {
  return text.includes('\r') && /\r(?!\n)/.test(text);
}

/**
 * The offsets where the lines of `text` start (0 first), exactly sized: an array grown by push kept up to half as
 * many slots again, 8 bytes each (the 1.2 million lines of a file of 150,000 documents: ~13 MB against 4.8 MB).
 */
export function lineStartOffsets(text: string): Uint32Array {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  const starts = new Uint32Array(n);
  let k = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
  return starts;
}
