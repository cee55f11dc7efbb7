import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineStartOffsets, SourceFile } from '../src/core/source.js';
import { AstCache, YamlDocument } from '../src/core/document.js';

test('positions are 1-based, BOM-stripped and CRLF-safe', () => {
  const f = new SourceFile('a.yaml', '\uFEFFa: 1\r\nb:\r\n  c: x\r\n');
  assert.equal(f.hadBom, true);
  assert.deepEqual(f.positionAt(0), { line: 1, column: 1 });
  const off = f.text.indexOf('c:');
  assert.deepEqual(f.positionAt(off), { line: 3, column: 3 });
  assert.equal(f.lineText(2), 'b:');
});

test('locate finds values, keys and the parent of a missing key', () => {
  const text = 'apiVersion: v1\nkind: Service\nspec:\n  ports:\n    - port: 80\n      name: http\n';
  const f = new SourceFile('s.yaml', text);
  const doc = new YamlDocument({ file: f, index: 0, value: {}, docClass: 'k8s', start: 0, end: text.length, ast: new AstCache(f) });
  assert.deepEqual(doc.locate(['spec', 'ports', 0, 'name']).start, { line: 6, column: 13 });
  assert.deepEqual(doc.locate(['spec', 'ports', 0, 'name'], { key: true }).start, { line: 6, column: 7 });
  assert.deepEqual(doc.locate(['spec', 'ports', 0, 'missing']).start, { line: 5, column: 7 });
  assert.deepEqual(doc.locate(['kind']).end, { line: 2, column: 14 });
});

test('line starts: one exactly sized entry per line, past the last line and offsets clamped as before', () => {
  assert.deepEqual([...lineStartOffsets('')], [0]);
  assert.deepEqual([...lineStartOffsets('a')], [0]);
  assert.deepEqual([...lineStartOffsets('a\nbc\r\n\nd\n')], [0, 2, 6, 7, 9]);
  const f = new SourceFile('a.yaml', 'a\nbc\r\n\nd\n');
  assert.equal(f.lineCount, 5);
  assert.deepEqual(f.positionAt(99), { line: 5, column: 1 });
  assert.deepEqual(f.positionAt(-3), { line: 1, column: 1 });
  assert.deepEqual(f.positionAt(4), { line: 2, column: 3 });
  assert.equal(f.lineText(2), 'bc');
  assert.equal(f.lineText(6), '');
  assert.equal(f.lineText(0), '');
  assert.equal(f.offsetAt({ line: 4, column: 1 }), 7);
  assert.equal(f.offsetAt({ line: 6, column: 1 }), undefined);
  assert.equal(f.offsetAt({ line: 0, column: 1 }), undefined);
});
