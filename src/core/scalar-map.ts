/**
 * Where each character of a YAML string scalar's value comes from in the text that holds it: block scalars (literal
 * `|` and folded `>`, chomping and indentation indicators such as `|2-`), double-quoted (escapes, escaped and folded
 * line breaks) and single-quoted (`''`, folded line breaks). Pure; knows no YAML library:
 * the caller compares the value decoded here with its parser's and trusts the map only when they are equal.
 */

/** A scalar's value and, per value character i, the holder text's characters [from[i], to[i]) it comes from. */
export interface ScalarMap {
  value: string;
  from: number[];
  to: number[];
}

/** The styles a string holding YAML is written in (a plain scalar cannot hold a mapping: `a: 1` is a mapping itself). */
export type ScalarStyle = 'BLOCK_LITERAL' | 'BLOCK_FOLDED' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';

class Out {
  value = '';
  readonly from: number[] = [];
  readonly to: number[] = [];
  push(s: string, from: number, to: number): void {
    for (let k = 0; k < s.length; k++) {
      this.from.push(from);
      this.to.push(to);
    }
    this.value += s;
  }
  done(): ScalarMap {
    return { value: this.value, from: this.from, to: this.to };
  }
}

/**
 * The map of the scalar written in `text` from `start` (its first character: the indicator or the opening quote) to
 * `end` (exclusive: the end of its value as the parser reports it; the closing quote ends a quoted one). Undefined when
 * the text does not have the shape of that style. Block scalars with an indentation indicator depend on the parent's
 * indentation, which the text alone does not give: `expected` (the parser's value) picks the reading that matches.
 */
export function mapScalar(text: string, style: ScalarStyle, start: number, end: number, expected?: string): ScalarMap | undefined {
  switch (style) {
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED':
      return mapBlock(text, style === 'BLOCK_FOLDED', start, expected);
    case 'QUOTE_DOUBLE':
      return text[start] === '"' ? mapFlow(text, start + 1, end, '"') : undefined;
    case 'QUOTE_SINGLE':
      return text[start] === "'" ? mapFlow(text, start + 1, end, "'") : undefined;
  }
}

const HEADER = /^([|>])(?:([1-9])([+-])?|([+-])([1-9])?)?[ \t]*(?:#[^\n]*)?\r?(?:\n|$)/;

interface Line {
  /** Offset of the line's first character and of its end (before `\r\n` / `\n`; the text's end for the last). */
  start: number;
  end: number;
  /** Offset after the line break, or -1 when the text ends on this line. */
  next: number;
}

function lineAt(text: string, start: number): Line {
  const nl = text.indexOf('\n', start);
  if (nl === -1) return { start, end: text.length, next: -1 };
  return { start, end: nl > start && text[nl - 1] === '\r' ? nl - 1 : nl, next: nl + 1 };
}

function spacesAt(text: string, line: Line): number {
  let k = line.start;
  while (k < line.end && text[k] === ' ') k++;
  return k - line.start;
}

function mapBlock(text: string, folded: boolean, start: number, expected: string | undefined): ScalarMap | undefined {
  const header = HEADER.exec(text.slice(start, text.indexOf('\n', start) === -1 ? text.length : text.indexOf('\n', start) + 1));
  if (!header) return undefined;
  const indicator = Number(header[2] ?? header[5] ?? 0);
  const chomp = header[3] ?? header[4] ?? '';
  const first = lineAt(text, start);
  if (first.next === -1) return { value: '', from: [], to: [] };
  if (!indicator) return blockWith(text, folded, first.next, autoIndent(text, first.next), chomp);
  // the content is indented by the indicator beyond the parent node's indentation, at most the header's column
  const column = start - (text.lastIndexOf('\n', start - 1) + 1);
  let fallback: ScalarMap | undefined;
  for (let parent = 0; parent <= column; parent++) {
    const m = blockWith(text, folded, first.next, parent + indicator, chomp);
    if (m && (expected === undefined || m.value === expected)) return m;
    fallback ??= m;
  }
  return expected === undefined ? fallback : undefined;
}

/** The indentation of the first non-empty line after `from` (a block scalar without an indentation indicator). */
function autoIndent(text: string, from: number): number {
  for (let at = from; at !== -1; ) {
    const line = lineAt(text, at);
    const n = spacesAt(text, line);
    if (n < line.end - line.start) return n;
    at = line.next;
  }
  return 0;
}

function blockWith(text: string, folded: boolean, from: number, indent: number, chomp: string): ScalarMap | undefined {
  // the scalar's lines: content (indented at least `indent`, something after it) or empty; a less indented line ends it
  const lines: Array<{ line: Line; content: boolean }> = [];
  for (let at = from; at !== -1 && at <= text.length; ) {
    const line = lineAt(text, at);
    const n = spacesAt(text, line);
    const len = line.end - line.start;
    if (n >= indent && len > indent) lines.push({ line, content: true });
    else if (n === len) lines.push({ line, content: false });
    else break;
    if (line.next === -1) break;
    at = line.next;
  }
  let last = -1;
  lines.forEach((l, i) => {
    if (l.content) last = i;
  });
  const out = new Out();
  const breakOf = (l: Line): [number, number] => [l.end, l.next === -1 ? l.end : l.next];
  const content = (l: Line) => {
    for (let k = l.start + indent; k < l.end; k++) out.push(text[k]!, k, k + 1);
  };
  let prev: { line: Line; spaced: boolean } | undefined;
  let empties: Line[] = [];
  for (let i = 0; i <= last; i++) {
    const { line, content: isContent } = lines[i]!;
    if (!isContent) {
      if (!folded) out.push('\n', ...breakOf(line));
      else empties.push(line);
      continue;
    }
    const spaced = text[line.start + indent] === ' ' || text[line.start + indent] === '\t';
    if (folded) {
      if (prev && !prev.spaced && !spaced && !empties.length) out.push(' ', ...breakOf(prev.line));
      else if (prev && (prev.spaced || spaced)) out.push('\n', ...breakOf(prev.line));
      for (const e of empties) out.push('\n', ...breakOf(e));
      empties = [];
    }
    content(line);
    if (!folded && i < last) out.push('\n', ...breakOf(line));
    prev = { line, spaced };
  }
  // chomping: strip keeps no final line break, clip one, keep every trailing one
  if (last >= 0 && chomp !== '-' && lines[last]!.line.next !== -1) out.push('\n', ...breakOf(lines[last]!.line));
  if (chomp === '+') {
    for (let i = last + 1; i < lines.length; i++) if (lines[i]!.line.next !== -1) out.push('\n', ...breakOf(lines[i]!.line));
  }
  return out.done();
}

const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ',
  '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};
const HEX_DIGITS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/**
 * A quoted scalar from `from` (after the opening quote) to its closing `quote`, which must come before `end`: line
 * breaks fold to a space (empty lines to line feeds), the white space around them goes, escapes and `''` are decoded.
 */
function mapFlow(text: string, from: number, end: number, quote: '"' | "'"): ScalarMap | undefined {
  const out = new Out();
  let pending: number[] = [];
  const flush = () => {
    for (const p of pending) out.push(text[p]!, p, p + 1);
    pending = [];
  };
  /** After a line break at `at` (its first character): the empty lines that follow (line feeds); returns where the text goes on. */
  const fold = (at: number, escaped: boolean): number => {
    let k = text[at] === '\r' ? at + 2 : at + 1;
    let folded = false;
    for (;;) {
      while (text[k] === ' ' || text[k] === '\t') k++;
      if (text[k] === '\n' || (text[k] === '\r' && text[k + 1] === '\n')) {
        out.push('\n', k, k + 1);
        folded = true;
        k += text[k] === '\r' ? 2 : 1;
        continue;
      }
      break;
    }
    if (!folded && !escaped) out.push(' ', at, at + 1);
    return k;
  };
  let i = from;
  const stop = Math.min(end, text.length);
  while (i < stop) {
    const c = text[i]!;
    if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") {
        flush();
        out.push("'", i, i + 2);
        i += 2;
        continue;
      }
      flush();
      return out.done();
    }
    if (c === ' ' || c === '\t') {
      pending.push(i++);
      continue;
    }
    if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      pending = [];
      i = fold(i, false);
      continue;
    }
    if (quote === '"' && c === '\\') {
      flush();
      const e = text[i + 1];
      if (e === undefined) return undefined;
      if (e === '\n' || (e === '\r' && text[i + 2] === '\n')) {
        i = fold(i + 1, true);
        continue;
      }
      const digits = HEX_DIGITS[e];
      if (digits) {
        const hex = text.slice(i + 2, i + 2 + digits);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) return undefined;
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) return undefined;
        out.push(String.fromCodePoint(code), i, i + 2 + digits);
        i += 2 + digits;
        continue;
      }
      const decoded = ESCAPES[e];
      if (decoded === undefined) return undefined;
      out.push(decoded, i, i + 2);
      i += 2;
      continue;
    }
    flush();
    out.push(c, i, i + 1);
    i++;
  }
  return undefined;
}
