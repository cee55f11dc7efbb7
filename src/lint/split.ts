/**
 * Splits a YAML stream into its documents by the `---` / `...` markers at column 0 (the YAML spec forbids them
 * inside content, so this is exact), as Kubernetes tools cut it (go-stream.ts): `---#comment` after the first line
 * is a separator too, and text after `...` that no `---` opens is marked as the text they drop. Gives each document
 * its offsets without parsing. Pure.
 */

export interface Chunk {
  /** Offset of the chunk (its `---` line, or 0). */
  from: number;
  /** Offset just past the chunk. */
  to: number;
  /** Offset of the first content character (after the marker, blank lines and comments); `to` when none. */
  content: number;
  /**
   * Offsets of the byte-order marks Go skips before the content (a file made by concatenating files that start with
   * one; or a file's second BOM): the parsers must not read them as part of a key. kubectl and kustomize decode each
   * piece they cut with a fresh go-yaml decoder, which skips a BOM at the piece's first byte (reader encoding
   * detection) and one more after it (the scanner, at column 0): so up to two right after a separator line, and one
   * at the text's start (SourceFile strips the file's first). A BOM after a blank or comment line, or after a first
   * line `---` (YAMLReader leaves it in the piece), is read as content by Go too, and so here.
   */
  boms?: number[];
  /**
   * The chunk follows a `...` line and no `---` opens it: kubectl and kustomize hand the text from the last `---`
   * to one go-yaml decode, which reads the first document only, so this one is dropped unread (go-stream.ts).
   */
  afterEnd?: true;
}

const MARKER = /^(?:---(?=[ \t\r\n#]|$)|\.\.\.(?=[ \t\r\n]|$))/gm;

/**
 * The `---` lines Kubernetes' splitters cut at, for a scan calling it on every `---` line start in order: any but the
 * text's first line and a line right after a cut (apimachinery YAMLReader.Read keeps a separator line that arrives
 * with an empty buffer in the piece it opens; kyaml's `\n---.*\n` matches do not overlap, so the newline ending a cut
 * line cannot start the next match). Checked with both (go-stream.ts): `a\n---\n---#c\n` hands go-yaml `---#c`.
 */
export function goCutScanner(text: string): (at: number) => boolean {
  let afterCut = -1;
  return (at) => {
    if (at === 0 || text.charCodeAt(at - 1) !== 10 || at === afterCut) return false;
    const nl = text.indexOf('\n', at);
    afterCut = nl === -1 ? text.length + 1 : nl + 1;
    return true;
  };
}

export function splitDocuments(text: string): Chunk[] {
  const cuts: number[] = [0];
  MARKER.lastIndex = 0;
  let m: RegExpExecArray | null;
  let endedAt = -1;
  // made at the first `...` (nearly no file has one): a `---` before it is never where a `...` ended a document
  let endsAt: Set<number> | undefined;
  let opened: Set<number> | undefined;
  /** `---` lines the parser cuts at where Kubernetes' splitters do not (right after a cut): no piece starts there. */
  let kept: Set<number> | undefined;
  const goCut = goCutScanner(text);
  while ((m = MARKER.exec(text)) !== null) {
    const cut = m[0] === '---' && goCut(m.index);
    // `---#`: a separator to Kubernetes' splitters where they cut (not on the first line, nor right after a cut line:
    // there the line opens the piece and go-yaml reads it as content)
    if (m[0] === '---' && text.charCodeAt(m.index + 3) === 35 && !cut) continue;
    if (m[0] === '---') {
      if (!cut && m.index !== 0) (kept ??= new Set()).add(m.index);
      opened?.add(m.index);
      // a `---` right after a `...` (or at the start) opens the document already cut there
      if (m.index !== 0 && m.index !== endedAt) cuts.push(m.index);
      endedAt = -1;
    } else {
      // `...` ends the document; the next one starts after this line
      const nl = text.indexOf('\n', m.index);
      endedAt = nl === -1 ? text.length : nl + 1;
      cuts.push(endedAt);
      (endsAt ??= new Set()).add(endedAt);
      opened ??= new Set();
    }
  }
  const chunks: Chunk[] = [];
  for (let i = 0; i < cuts.length; i++) {
    const from = cuts[i]!;
    const to = i + 1 < cuts.length ? cuts[i + 1]! : text.length;
    if (from === to && i > 0) continue;
    const content = contentStart(text, from, to, !kept?.has(from));
    const chunk: Chunk = { from, to, content: content.at };
    if (content.boms.length) chunk.boms = content.boms;
    if (i > 0 && endsAt?.has(from) && !opened!.has(from) && text.charCodeAt(from - 1) === 10) chunk.afterEnd = true;
    chunks.push(chunk);
  }
  return chunks;
}

/** First offset in [from, to) that is neither a marker, whitespace, a directive nor a comment line; Go's BOMs skipped. */
function contentStart(text: string, from: number, to: number, goPiece: boolean): { at: number; boms: number[] } {
  let i = from;
  const boms: number[] = [];
  // where go-yaml's decoder starts reading the piece, and how many BOMs it skips there
  let pieceStart = from === 0 ? 0 : -1;
  let max = from === 0 ? 1 : 0;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 10) {
      i++;
    } else if (c === 0xfeff && i === pieceStart + boms.length && boms.length < max) {
      boms.push(i++);
    } else if (c === 35 /* # */ || (c === 37 /* % */ && (i === 0 || text.charCodeAt(i - 1) === 10))) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 || nl >= to ? to : nl + 1;
    } else if (c === 45 && text.startsWith('---', i) && (i === 0 || text.charCodeAt(i - 1) === 10) && (isSep(text.charCodeAt(i + 3)) || (text.charCodeAt(i + 3) === 35 && i === from && i > 0))) {
      if (i === from && i > 0 && goPiece) {
        // the separator line Kubernetes' splitters cut at: the piece starts on the next line
        const nl = text.indexOf('\n', i);
        pieceStart = nl === -1 ? to : nl + 1;
        max = 2;
      }
      i += 3;
    } else if (c === 46 && text.startsWith('...', i) && (i === 0 || text.charCodeAt(i - 1) === 10) && isSep(text.charCodeAt(i + 3))) {
      i += 3;
    } else {
      return { at: i, boms };
    }
  }
  return { at: to, boms };
}

function isSep(c: number): boolean {
  return Number.isNaN(c) || c === 32 || c === 9 || c === 10 || c === 13;
}
