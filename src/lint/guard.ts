/**
 * Checks on a file's raw bytes and text BEFORE any YAML parser sees it: size cap, NUL bytes (binary), UTF-16/32
 * byte-order marks and invalid UTF-8 (with the byte position), and a cheap nesting-depth estimate. Pure.
 */
import { isUtf8 } from 'node:buffer';
import type { Position } from '../core/diagnostic.js';

export interface GuardProblem {
  ruleId: 'yaml/too-large' | 'yaml/binary' | 'yaml/encoding' | 'yaml/too-deep';
  message: string;
  position: Position;
  data: Record<string, string | number | boolean>;
  /** yaml/too-deep: the offset of the line the limit is passed on (what comes before it can still be read). */
  lineStart?: number;
}

/** Default cap on one file's size (bytes). The 12 MB / 120,000-object file must still be linted. */
export const DEFAULT_MAX_FILE_SIZE = 32 * 1024 * 1024;
/**
 * The nesting depth talium reads: past it (by checkDepth's estimate, an upper bound of the parsers' depth but for a
 * few levels) a document is yaml/too-deep and not parsed. Far below where eemeli/yaml or js-yaml run out of stack
 * (about 900 levels with a deep caller, measured), so whether they do never depends on the stack left; parse.ts
 * gives both parsers a limit a little above it as the last word (PARSER_MAX_DEPTH). No real file nests past ~30.
 */
export const MAX_NESTING_DEPTH = 256;

/**
 * 1-based line and UTF-16 column of a byte offset; lines end at LF, CRLF or a lone CR (old Mac), as the parser's. A
 * leading UTF-8 byte-order mark is no column (SourceFile strips it: columns match editors and the file's findings).
 */
export function bytePosition(buf: Uint8Array, offset: number): Position {
  let line = 1;
  let lineStart = offset >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  for (let i = 0; i < offset; i++) {
    if (buf[i] === 0x0a || (buf[i] === 0x0d && buf[i + 1] !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  const prefix = Buffer.from(buf.buffer, buf.byteOffset + lineStart, offset - lineStart).toString('utf8');
  return { line, column: prefix.length + 1 };
}

/** Offset of the first byte that breaks UTF-8 (the input is known to be invalid). */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) (need = 1), (min = 0x80);
    else if (b >= 0xe0 && b <= 0xef) (need = 2), (min = 0x800);
    else if (b >= 0xf0 && b <= 0xf4) (need = 3), (min = 0x10000);
    else return i;
    if (i + need > n - 1) return i;
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return n;
}

/**
 * The UTF-16 or UTF-32 byte-order mark the bytes start with, if any. UTF-32 first: its little-endian mark
 * (FF FE 00 00) begins with UTF-16's (FF FE), and its big-endian one (00 00 FE FF) would pass for a NUL byte.
 */
function utf16or32Bom(buf: Uint8Array): { name: 'UTF-16' | 'UTF-32'; encoding: string; little: boolean } | undefined {
  const [b0, b1, b2, b3] = [buf[0], buf[1], buf[2], buf[3]];
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return { name: 'UTF-32', encoding: 'utf-32le', little: true };
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return { name: 'UTF-32', encoding: 'utf-32be', little: false };
  if (b0 === 0xff && b1 === 0xfe) return { name: 'UTF-16', encoding: 'utf-16le', little: true };
  if (b0 === 0xfe && b1 === 0xff) return { name: 'UTF-16', encoding: 'utf-16be', little: false };
  return undefined;
}

/** Byte checks: size, binary, encoding. Returns the decoded text when the bytes are acceptable. */
export function checkBytes(buf: Uint8Array, maxFileSize: number): { text: string } | { problem: GuardProblem } {
  if (buf.length > maxFileSize) {
    return {
      problem: {
        ruleId: 'yaml/too-large',
        message: `File is ${buf.length} bytes, above the ${maxFileSize}-byte cap; it was not parsed.`,
        position: { line: 1, column: 1 },
        data: { size: buf.length, maxFileSize },
      },
    };
  }
  const bom = utf16or32Bom(buf);
  if (bom) {
    return {
      problem: {
        ruleId: 'yaml/encoding',
        message: `File starts with a ${bom.name} byte-order mark (${bom.little ? 'little' : 'big'}-endian); talium reads UTF-8 only.`,
        position: { line: 1, column: 1 },
        data: { encoding: bom.encoding, byteOffset: 0 },
      },
    };
  }
  const nul = buf.indexOf(0);
  if (nul !== -1) {
    return {
      problem: {
        ruleId: 'yaml/binary',
        message: `File contains a NUL byte at byte ${nul}: it is binary, not YAML.`,
        position: bytePosition(buf, nul),
        data: { byteOffset: nul },
      },
    };
  }
  if (!isUtf8(buf)) {
    const at = firstInvalidUtf8(buf);
    const byte = buf[at];
    return {
      problem: {
        ruleId: 'yaml/encoding',
        message: `Invalid UTF-8 byte 0x${(byte ?? 0).toString(16).padStart(2, '0')} at byte ${at}.`,
        position: bytePosition(buf, at),
        data: { byteOffset: at, byte: byte ?? 0 },
      },
    };
  }
  return { text: Buffer.from(buf.buffer, buf.byteOffset, buf.length).toString('utf8') };
}

/**
 * Upper-bound estimate of the nesting depth: per line, indentation columns plus leading `- `/`? ` indicators; in a
 * flow collection, those of the line the outermost one opened on plus the flow-bracket depth (a `---` line closes
 * what a string's stray bracket left open). The lines of a block scalar (`key: |`, `- >-`) nest nothing: a line
 * indented past the header line's first key or value column, or blank, is its content and not counted (ASCII art, an
 * indented script, brackets in text); that column is never less than the indentation YAML requires, so no line of
 * structure is skipped. Linear; allocates only a header line's text. Returns the first place it passes `limit`, if any.
 */
export function checkDepth(text: string, limit = MAX_NESTING_DEPTH, scan?: TextScan): GuardProblem | undefined {
  let flow = 0;
  let odd = false;
  let line = 1;
  let lineStart = 0;
  let atLineStart = true;
  let indent = 0;
  let inComment = false;
  /** Where the line the outermost open flow collection started on starts, and its indentation estimate. */
  let flowLine = 0;
  let flowBase = 0;
  /** In a block scalar: lines with more leading spaces than this are its content (-1: not in one). */
  let blockAbove = -1;
  /** This line's column of its first character after the indentation and indicators; whether it holds `|` or `>`. */
  let lineColumn = 0;
  let headerChar = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    // most characters change nothing here: skipped in a tight loop (in a comment or block scalar line, printable
    // ASCII; in a line's content after its indentation, printable ASCII but `#`, brackets, `|` and `>`)
    if (inComment || !atLineStart) {
      const quiet = inComment ? QUIET_IN_COMMENT : QUIET_IN_CONTENT;
      while (c < 128 && quiet[c] === 1) {
        if (++i === n) break;
        c = text.charCodeAt(i);
      }
      if (i === n) break;
    }
    let lineBreak = c === 10;
    if (c < 32 ? !lineBreak : c >= 0x7f && isOdd(c)) {
      odd = true;
      // a CR no LF follows breaks the line too (YAML, Go YAML; old Mac files)
      if (c === 13 && text.charCodeAt(i + 1) !== 10) lineBreak = true;
    }
    if (lineBreak) {
      if (headerChar && flow === 0 && blockAbove < 0 && BLOCK_SCALAR_HEADER.test(text.slice(lineStart, i))) blockAbove = lineColumn;
      line++;
      lineStart = i + 1;
      // a document marker ends any flow collection (brackets left open in a string above stop counting there)
      if (flow > 0 && text.charCodeAt(i + 1) === 45 && text.startsWith('---', i + 1)) flow = 0;
      atLineStart = true;
      indent = 0;
      inComment = false;
      headerChar = false;
      continue;
    }
    if (inComment) continue;
    if (atLineStart) {
      if (c === 32) {
        indent++;
        // past the block scalar header's column: content, whatever follows (blank lines keep the scalar open)
        if (blockAbove >= 0 && indent > blockAbove) {
          inComment = true;
          continue;
        }
      } else {
        blockAbove = -1; // anything at or left of the header's column ends the block scalar
        if ((c === 45 || c === 63) && (text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 10)) {
          indent++; // a block indicator nests one level more
        } else {
          atLineStart = false;
          lineColumn = i - lineStart;
        }
      }
      if (indent > limit) return deep(line, i - lineStart + 1, indent, limit, flow > 0 ? flowLine : lineStart);
      if (atLineStart) continue;
    }
    if (c === 124 || c === 62) headerChar = true;
    if (c === 35 /* # */ && (i === 0 || text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) {
      inComment = true;
    } else if (c === 91 || c === 123) {
      // inside a flow collection indentation nests nothing: the line the outermost one opened on counts
      if (flow === 0) (flowLine = lineStart), (flowBase = indent);
      // past the limit: what is read stops before that line
      if (flowBase + ++flow > limit) return deep(line, i - lineStart + 1, flowBase + flow, limit, flowLine);
    } else if (c === 93 || c === 125) {
      if (flow > 0) flow--;
    }
  }
  if (scan) scan.oddChars = odd;
  return undefined;
}

/**
 * A line that opens a block scalar: `|` or `>` (with chomping/indentation indicators, then only a comment) after the
 * line's indentation and indicators, a `key:`, `---`, a tag or an anchor. `key: a |` is a plain scalar, not a header.
 */
const BLOCK_SCALAR_HEADER = /(?:^[ \t]*(?:[-?][ \t]+)*|:[ \t]+|^---[ \t]+)(?:[!&][^ \t]*[ \t]+)*[|>][-+1-9]{0,2}[ \t]*(?:#.*)?\r?$/;

/** Characters checkDepth passes over in a comment or block scalar line (1): printable ASCII. */
const QUIET_IN_COMMENT = new Uint8Array(128);
for (let c = 32; c < 127; c++) QUIET_IN_COMMENT[c] = 1;
/** ...and in a line's content after its indentation: printable ASCII but `#`, `[`, `]`, `{`, `}`, `|`, `>`. */
const QUIET_IN_CONTENT = QUIET_IN_COMMENT.slice();
for (const ch of '#[]{}|>') QUIET_IN_CONTENT[ch.charCodeAt(0)] = 0;

/** What checkDepth's pass over a text also learns (so no other pass over the whole text is needed). */
export interface TextScan {
  /**
   * The text holds a character the fast reader never reads (fast-yaml.ts): a control other than line feed (tab and
   * CR included), DEL/C1, U+2028/2029, a BOM, U+FFFE/FFFF, or a surrogate (astral characters too).
   */
  oddChars: boolean;
}

/** From U+007F up: the characters of TextScan.oddChars. */
function isOdd(c: number): boolean {
  return c <= 0x9f || c === 0x2028 || c === 0x2029 || c === 0xfeff || c >= 0xfffe || (c >= 0xd800 && c <= 0xdfff);
}

function deep(line: number, column: number, depth: number, limit: number, lineStart: number): GuardProblem {
  return {
    ruleId: 'yaml/too-deep',
    message: `Nesting depth exceeds ${limit} (estimated ${depth} here); the file was not read from this line on.`,
    position: { line, column },
    data: { limit },
    lineStart,
  };
}
