/**
 * Where a YAML comment starts on one line of text, without parsing the document: the first `#` at the start of
 * the line or after a space or tab, outside a quoted scalar that opens on that line. Lines inside block scalars
 * and multi-line quoted scalars are read as if they were plain lines (as suppression comments always were). Pure.
 */

/** Index of the `#` that starts a comment on `line`, or -1. */
export function commentStart(line: string): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (quote === "'" && c === "'" && line[i + 1] === "'") i++;
      else if (c === quote) quote = '';
      continue;
    }
    const prev = i === 0 ? ' ' : line[i - 1]!;
    if (c === '#' && (prev === ' ' || prev === '\t')) return i;
    // a quote opens a scalar only where one can start (not the apostrophe in `it's`)
    if ((c === '"' || c === "'") && (prev === ' ' || prev === '\t' || prev === '[' || prev === '{' || prev === ',')) quote = c;
  }
  return -1;
}
