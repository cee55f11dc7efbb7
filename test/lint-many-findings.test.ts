/**
 * Many documents with findings in one file: each finding at its own document's position (the AST lookup by offset
 * is a binary search over the file's documents; the time is measured by `npm run bench`, not here).
 * Appending lists of findings never spreads them into call arguments (`pushAll`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pushAll } from '../src/core/arrays.js';
import { lineOf } from '../src/report/frame.js';
import { spawnCli } from '../src/testing/cli.js';

test('3,000 documents of one file, with empty documents and comments between them: every finding at its own line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'talium-many-findings-'));
  try {
    let text = '';
    const want: number[] = [];
    let line = 1;
    for (let i = 0; i < 3000; i++) {
      const doc = `---\n${i % 7 === 0 ? '# a comment\n' : ''}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  b: yes\n${i % 11 === 0 ? '---\n' : ''}`;
      const lines = doc.split('\n');
      want.push(line + lines.findIndex((l) => l === '  b: yes'));
      line += lines.length - 1;
      text += doc;
    }
    writeFileSync(join(dir, '.talium.yaml'), 'rules: {}\n');
    writeFileSync(join(dir, 'big.yaml'), text);
    const r = spawnCli(['lint', '--no-cache', '--format', 'json', 'big.yaml'], { cwd: dir });
    const ds = (JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; range: { start: { line: number; column: number } }; object?: { name?: string } }> }).diagnostics.filter((d) => d.ruleId === 'schema/yaml11-boolean');
    assert.deepEqual(ds.map((d) => d.range.start.line), want);
    assert.ok(ds.every((d) => d.range.start.column === 6));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pushAll appends any number of elements, in order, where a spread push overflows the stack', () => {
  const many = Array.from({ length: 500_000 }, (_, i) => i);
  // what lint did with a file of 200,000 findings (exit 2, "Maximum call stack size exceeded")
  assert.throws(() => [].push(...(many as never[])), RangeError);
  const into = [-1];
  assert.equal(pushAll(into, many), into);
  assert.equal(into.length, 500_001);
  assert.equal(into[0], -1);
  assert.equal(into[1], 0);
  assert.equal(into[500_000], 499_999);
});

test('lineOf: a line of each of two texts, asked in turn, as scanning from the top gave it', () => {
  const a = 'one\r\ntwo\n\nfour';
  const b = 'x\ny\n';
  assert.deepEqual([1, 2, 3, 4, 5, 0].map((l) => lineOf(a, l)), ['one', 'two', '', 'four', undefined, 'one']);
  assert.deepEqual([1, 2, 3, 4].map((l) => lineOf(b, l)), ['x', 'y', '', undefined]);
  assert.equal(lineOf(a, 2), 'two');
});
