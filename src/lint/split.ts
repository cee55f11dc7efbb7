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
   * Offset of a byte-order mark at the start of a line before the content (a file made by concatenating files that
   * start with one; or a file's second BOM), which Go YAML skips: the parsers must not read it as part of a key.
   */
  bom?: number;
  /**
   * The chunk follows a `...` line and no `---` opens it: kubectl and kustomize hand the text from the last `---`
   * to one go-yaml decode, which reads the first document only, so this one is dropped unread (go-stream.ts).
   */
  afterEnd?: true;
}

const MARKER = /^(?:---(?=[ \t\r\n#]|$)|\.\.\.(?=[ \t\r\n]|$))/gm;

export function splitDocuments(text: string): Chunk[] {
  const cuts: number[] = [0];
  MARKER.lastIndex = 0;
  let m: RegExpExecArray | null;
  let endedAt = -1;
  const endsAt = new Set<number>();
  const opened = new Set<number>();
  while ((m = MARKER.exec(text)) !== null) {
    // `---#`: a separator to Kubernetes' splitters on a later line only (on the first, go-yaml reads it as content)
    if (m[0] === '---' && text.charCodeAt(m.index + 3) === 35 && (m.index === 0 || text.charCodeAt(m.index - 1) !== 10)) continue;
    if (m[0] === '---') {
      opened.add(m.index);
      // a `---` right after a `...` (or at the start) opens the document already cut there
      if (m.index !== 0 && m.index !== endedAt) cuts.push(m.index);
      endedAt = -1;
    } else {
      // `...` ends the document; the next one starts after this line
      const nl = text.indexOf('\n', m.index);
      endedAt = nl === -1 ? text.length : nl + 1;
      cuts.push(endedAt);
      endsAt.add(endedAt);
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
    if (i > 0 && !opened.has(from) && text.charCodeAt(from - 1) === 10 && endsAt.has(from)) chunk.afterEnd = true;
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
    } else if (c === 45 && text.startsWith('---', i) && (i === 0 || text.charCodeAt(i - 1) === 10) && (isSep(text.charCodeAt(i + 3)) || (text.charCodeAt(i + 3) === 35 && i === from && i > 0))) {
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
