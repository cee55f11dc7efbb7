/**
 * Plain-text tables for terminal output (`talium plan`, `talium rules`): each column as wide as its widest cell,
 * two spaces between columns, the last column never padded. Long values push the columns right instead of
 * running into the next one.
 */
export function columns(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((r) => indent + r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}
