/**
 * Plain words for the commonest YAML indentation slip: a key indented deeper than the key above it
 * (`type: LoadBalancer` then `    selector:`). eemeli/yaml reads the deeper line as part of the value above and
 * reports two errors at that value ("Implicit keys need to be on a single line", "Nested mappings are not allowed
 * in compact mappings"); this turns them into one finding at the line that is actually wrong. Pure.
 */

/** eemeli/yaml error codes this explains. */
export const IMPLICIT_KEY_CODES: ReadonlySet<string> = new Set(['MULTILINE_IMPLICIT_KEY', 'BLOCK_AS_IMPLICIT_KEY']);

export interface IndentHint {
  /** Offsets of the over-indented key on its line. */
  start: number;
  end: number;
  key: string;
  /** The key of the line above, whose value swallowed the line. */
  above: string;
  message: string;
}

const KEY_LINE = /^([ ]*)(?:- )?([^\s#:'"][^:#]*?|'[^']*'|"[^"]*"):(?:\s|$)/;

/**
 * `offset`: where eemeli/yaml reports the error (the value after `key:` on the line above the slip). Undefined when
 * the text does not show that shape (then the parser's own message stands).
 */
export function overIndentedKey(text: string, offset: number): IndentHint | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  if (lineEnd === -1) return undefined;
  const above = KEY_LINE.exec(text.slice(lineStart, lineEnd));
  if (!above) return undefined;
  const aboveIndent = above[1]!.length + (above[0].trimStart().startsWith('- ') ? 2 : 0);
  // the next line with content (blank lines and comments do not count)
  let at = lineEnd + 1;
  for (let guard = 0; at < text.length && guard < 1000; guard++) {
    const end = text.indexOf('\n', at);
    const line = text.slice(at, end === -1 ? text.length : end);
    if (line.trim() !== '' && !line.trimStart().startsWith('#')) {
      const m = KEY_LINE.exec(line);
      if (!m || m[1]!.length <= aboveIndent) return undefined;
      const keyStart = at + m[1]!.length + (m[0].slice(m[1]!.length).startsWith('- ') ? 2 : 0);
      const key = m[2]!;
      return {
        start: keyStart,
        end: keyStart + key.length,
        key,
        above: above[2]!,
        message: `"${key}:" is indented deeper than "${above[2]}:" on the line above, so YAML reads it as part of that value.`,
      };
    }
    if (end === -1) break;
    at = end + 1;
  }
  return undefined;
}
