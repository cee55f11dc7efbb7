/**
 * Word-wrapping prose for the terminal (`talium explain`): paragraphs (separated by a blank line) and `- ` bullet
 * items filled to a width at spaces only, so a code span (`a b`) and a URL are never broken; a word longer than the
 * width stands alone on its line. Also the width to wrap to: the terminal's, 80 when not a terminal, at most 100.
 */

/** Widest text `talium explain` writes, even on a wider terminal (long lines read badly). */
export const MAX_WRAP = 100;
/** Width when stdout is not a terminal (a pipe, a file, a test). */
export const DEFAULT_WRAP = 80;
/** Narrowest width wrapped to: below it every word would get its own line. */
const MIN_WRAP = 30;

/** The width to wrap to: a terminal's column count (80 when not a terminal or unknown), within [30, 100]. */
export function wrapWidth(isTTY: boolean, columns: number | undefined): number {
  const w = isTTY && columns && columns > 0 ? columns : DEFAULT_WRAP;
  return Math.max(MIN_WRAP, Math.min(MAX_WRAP, w));
}

/** Words of a text: runs without spaces, a code span (`...`, spaces and all) glued to what touches it; an unclosed backtick is a character. */
function words(text: string): string[] {
  return text.match(/(?:`[^`]*`|[^\s`]+|`)+/g) ?? [];
}

/** Fills `ws` into lines of at most `width` characters (prefixes included): `first` before line 1, `rest` before the others. */
function fill(ws: readonly string[], width: number, first: string, rest: string): string[] {
  const out: string[] = [];
  let line = '';
  let prefix = first;
  for (const w of ws) {
    const clean = w.replace(/\s+/g, ' ');
    if (line && prefix.length + line.length + 1 + clean.length > width) {
      out.push(prefix + line);
      prefix = rest;
      line = clean;
    } else line = line ? `${line} ${clean}` : clean;
  }
  if (line || !out.length) out.push((prefix + line).trimEnd());
  return out;
}

/**
 * `text` wrapped to `width` with `indent` before each line: paragraphs split at blank lines and separated by an empty
 * line; a line starting with `- ` starts a bullet item (continued by the lines that follow it up to the next item),
 * hung under its text. Other single line breaks are spaces.
 */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  for (const para of text.trim().split(/\n[ \t]*\n/)) {
    if (out.length) out.push('');
    const blocks: Array<{ bullet: boolean; text: string }> = [];
    for (const raw of para.split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      if (line.startsWith('- ')) blocks.push({ bullet: true, text: line.slice(2) });
      else if (blocks.length) blocks[blocks.length - 1]!.text += ` ${line}`;
      else blocks.push({ bullet: false, text: line });
    }
    for (const b of blocks) out.push(...(b.bullet ? fill(words(b.text), width, `${indent}- `, `${indent}  `) : fill(words(b.text), width, indent, indent)));
  }
  return out;
}
