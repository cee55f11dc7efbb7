/**
 * Splits a YAML stream into its documents by the `---` / `...` markers at column 0 (the YAML spec forbids them
 * inside content, so this is exact). Gives each document its offsets without parsing. Pure.
 */

export interface Chunk {
  /** Offset of the chunk (its `---` line, or 0). */
  from: number;
  /** Offset just past the chunk. */
  to: number;
  /** Offset of the first content character (after the marker, blank lines and comments); `to` when none. */
  content: number;
  /**
   * Offset of a byte-order mark at the start of a line before the content (a file made by concatenating files that
   * start with one; or a file's second BOM), which Go YAML skips: the parsers must not read it as part of a key.
   */
  bom?: number;
}

const MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;

export function splitDocuments(text: string): Chunk[] {
  const cuts: number[] = [0];
  MARKER.lastIndex = 0;
  let m: RegExpExecArray | null;
  let endedAt = -1;
  while ((m = MARKER.exec(text)) !== null) {
    if (m[0] === '---') {
      // a `---` right after a `...` (or at the start) opens the document already cut there
      if (m.index !== 0 && m.index !== endedAt) cuts.push(m.index);
      endedAt = -1;
    } else {
      // `...` ends the document; the next one starts after this line
      const nl = text.indexOf('\n', m.index);
      endedAt = nl === -1 ? text.length : nl + 1;
      cuts.push(endedAt);
    }
  }
  const chunks: Chunk[] = [];
  for (let i = 0; i < cuts.length; i++) {
    const from = cuts[i]!;
    const to = i + 1 < cuts.length ? cuts[i + 1]! : text.length;
    if (from === to && i > 0) continue;
    const content = contentStart(text, from, to);
    const chunk: Chunk = { from, to, content: content.at };
    if (content.bom !== undefined) chunk.bom = content.bom;
    chunks.push(chunk);
  }
  return chunks;
}

/** First offset in [from, to) that is neither a marker, whitespace, a directive nor a comment line; a BOM skipped. */
function contentStart(text: string, from: number, to: number): { at: number; bom?: number } {
  let i = from;
  let bom: number | undefined;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 10) {
      i++;
    } else if (c === 0xfeff && bom === undefined && (i === 0 || text.charCodeAt(i - 1) === 10)) {
      // a BOM at a line's start (Go YAML's scanner skips it there): a file's second one (SourceFile strips the
      // first), or one that starts a document of concatenated files
      bom = i++;
    } else if (c === 35 /* # */ || (c === 37 /* % */ && (i === 0 || text.charCodeAt(i - 1) === 10))) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 || nl >= to ? to : nl + 1;
    } else if (c === 45 && text.startsWith('---', i) && (i === 0 || text.charCodeAt(i - 1) === 10) && isSep(text.charCodeAt(i + 3))) {
      i += 3;
    } else if (c === 46 && text.startsWith('...', i) && (i === 0 || text.charCodeAt(i - 1) === 10) && isSep(text.charCodeAt(i + 3))) {
      i += 3;
    } else {
      return bom === undefined ? { at: i } : { at: i, bom };
    }
  }
  return { at: to };
}

function isSep(c: number): boolean {
  return Number.isNaN(c) || c === 32 || c === 9 || c === 10 || c === 13;
}
