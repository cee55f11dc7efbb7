/**
 * lint/read-bytes.ts: the lint's file reads give readFileSync's bytes and errors, stop one byte past the cap (the
 * size then from fstat), and read files larger than the shared buffer whole. loadFile with a parse cache (the size
 * known from its stat: the one-call UTF-8 read) finds what it finds without one.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadFile } from '../src/lint/load-file.js';
import { ParseCache } from '../src/lint/parse-cache.js';
import { readBytes } from '../src/lint/read-bytes.js';

const root = mkdtempSync(join(tmpdir(), 'talium-read-bytes-'));
after(() => rmSync(root, { recursive: true, force: true }));

function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as NodeJS.ErrnoException).code;
  }
  return undefined;
}

describe('readBytes', () => {
  it('gives the bytes readFileSync gives, for small, empty and large files (past the shared buffer)', () => {
    const cases: Array<[string, Buffer]> = [
      ['small.yaml', Buffer.from('a: 1\nb: [x, y]\n')],
      ['empty.yaml', Buffer.alloc(0)],
      // 600 KB of varied bytes: more than the 256 KB shared buffer, and not a multiple of it
      ['large.yaml', Buffer.from(Array.from({ length: 30_001 }, (_, i) => `key${i}: value-${i % 97}\n`).join(''))],
    ];
    for (const [name, bytes] of cases) {
      const file = join(root, name);
      writeFileSync(file, bytes);
      const r = readBytes(file, 32 * 1024 * 1024);
      assert.equal(r.size, bytes.length, name);
      assert.ok(r.bytes.equals(readFileSync(file)), name);
    }
  });

  it('stops one byte past the cap, and takes the size of the whole file from fstat', () => {
    const file = join(root, 'over.yaml');
    writeFileSync(file, 'k: ' + 'x'.repeat(5000) + '\n');
    const r = readBytes(file, 1024);
    assert.equal(r.bytes.length, 1025);
    assert.equal(r.size, 5004);
    // exactly at the cap: read whole, not over it
    const at = readBytes(file, 5004);
    assert.equal(at.bytes.length, 5004);
    assert.equal(at.size, 5004);
  });

  it('throws the errors readFileSync throws', () => {
    const missing = join(root, 'missing.yaml');
    const dir = join(root, 'dir.yaml');
    mkdirSync(dir);
    assert.equal(errorCode(() => readBytes(missing, 1024)), errorCode(() => readFileSync(missing)));
    assert.equal(errorCode(() => readBytes(dir, 1024)), 'EISDIR');
    assert.equal(errorCode(() => readFileSync(dir)), 'EISDIR');
  });

  it('loadFile reads a file larger than the shared buffer, then a small one, each as written', () => {
    const big = join(root, 'big.yaml');
    const items = Array.from({ length: 12_000 }, (_, i) => `  - name: item-${i}\n    value: "${i}"\n`).join('');
    writeFileSync(big, `apiVersion: v1\nkind: List\nitems:\n${items}`);
    const small = join(root, 'small2.yaml');
    writeFileSync(small, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
    const a = loadFile(big, 'big.yaml', 32 * 1024 * 1024);
    const b = loadFile(small, 'small2.yaml', 32 * 1024 * 1024);
    assert.equal(a.source?.text, readFileSync(big, 'utf8'));
    assert.equal(b.source?.text, readFileSync(small, 'utf8'));
    assert.deepEqual(b.docs.map((d) => [d.kind, d.name]), [['ConfigMap', 'a']]);
  });

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
