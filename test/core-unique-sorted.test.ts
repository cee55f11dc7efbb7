/**
 * uniqueSorted (core/diagnostic.ts) against its definition: sorted, and the first of each (file, range, rule,
 * severity, message) kept, on seeded random lists full of repeats and of near-repeats (another end or severity).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareDiagnostics, uniqueSorted, type Diagnostic, type Severity } from '../src/core/diagnostic.js';

/** The definition: a key per diagnostic, the first one of each key in sorted order. */
function reference(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return [...list].sort(compareDiagnostics).filter((d) => {
    const { start, end } = d.range;
    const key = `${d.file}\0${start.line}:${start.column}-${end.line}:${end.column}\0${d.ruleId}\0${d.severity}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

describe('uniqueSorted', () => {
  it('keeps the first of each repeat, in sorted order', () => {
    let seed = 7;
    const r = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const list: Diagnostic[] = [];
      for (let i = 0; i < 60; i++) {
        const line = 1 + r(3);
        list.push({
          ruleId: ['a/x', 'b/y'][r(2)]!,
          severity: (['error', 'warning', 'info'] as Severity[])[r(3)]!,
          message: ['m', 'n'][r(2)]!,
          help: `h${i}`,
          file: ['f.yaml', 'g.yaml'][r(2)]!,
          range: { start: { line, column: 1 + r(2) }, end: { line: line + r(2), column: 1 + r(3) } },
        });
      }
      const got = uniqueSorted(list);
      const want = reference(list);
      // the same objects (help tells which of the repeats was kept)
      assert.deepEqual(got, want, `round ${round}`);
      assert.ok(got.length < list.length);
    }
  });
});
