/**
 * lint/load-file.ts: with a parse cache (the size known from its stat), a file is read with Node's one-call UTF-8
 * read, and its bytes only when the text may hold a problem; the findings are those of the byte path without a cache.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadFile } from '../src/lint/load-file.js';
import { ParseCache } from '../src/lint/parse-cache.js';

const root = mkdtempSync(join(tmpdir(), 'talium-load-text-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('loadFile text read', () => {
  it('loadFile with a parse cache (UTF-8 read when clean) gives what the byte path gives, for clean and problem files', () => {
    const dir = join(root, 'cached');
    mkdirSync(dir);
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const cases: Array<[string, Buffer]> = [
      ['clean.yaml', Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: "é ✓ 😀"\n')],
      ['bom.yaml', Buffer.concat([bom, Buffer.from('a: 1\n')])],
      ['fffd.yaml', Buffer.from('note: "broken \ufffd glyph"\n')],
      ['nul.yaml', Buffer.from('a: 1\nb: \u0000\n')],
      ['latin1.yaml', Buffer.concat([Buffer.from('a: caf'), Buffer.from([0xe9]), Buffer.from('\n')])],
      ['utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: 1\n', 'utf16le')])],
      ['utf32.yaml', Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), Buffer.from('a')])],
      ['wide.yaml', Buffer.from('k: ' + '\u00e9'.repeat(600) + '\n')],
      ['narrow.yaml', Buffer.from('k: ' + '\u00e9'.repeat(500) + '\n')],
    ];
    const shape = (l: ReturnType<typeof loadFile>) => ({
      text: l.source?.text,
      skipped: l.skipped,
      diagnostics: l.diagnostics.map((d) => [d.ruleId, d.range.start.line, d.range.start.column, d.data]),
      docs: l.docs.map((d) => d.value),
    });
    for (const [name, bytes] of cases) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const plain = loadFile(file, name, 1024);
      const cached = loadFile(file, name, 1024, ParseCache.open(join(dir, 'cache-' + name), false));
      assert.deepEqual(shape(cached), shape(plain), name);
    }
    // the problems are there (so the comparison above compares findings, not two empty lists)
    const rules = (name: string) => loadFile(join(dir, name), name, 1024, ParseCache.open(join(dir, 'cache2-' + name), false)).diagnostics.map((d) => d.ruleId);
    assert.deepEqual(rules('nul.yaml'), ['yaml/binary']);
    assert.deepEqual(rules('latin1.yaml'), ['yaml/encoding']);
    assert.deepEqual(rules('utf16.yaml'), ['yaml/encoding']);
    assert.deepEqual(rules('utf32.yaml'), ['yaml/encoding']);
    assert.deepEqual(rules('wide.yaml'), ['yaml/too-large']);
    assert.deepEqual(rules('fffd.yaml'), []);
    assert.deepEqual(rules('narrow.yaml'), []);
  });
});
