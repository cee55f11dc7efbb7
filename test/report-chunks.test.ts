/**
 * Reporter output in pieces (report/chunks.ts, report/emit.ts): the pieces join to exactly what one
 * JSON.stringify(doc, null, 2) gave (seeded random documents), and a file of thousands of findings lints to the same
 * bytes as before the output was streamed: JSON and SARIF equal their own re-stringified value, stdout equals the
 * `--format NAME=FILE` file, and stylish and github equal the sha256 of the output of the build before streaming.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { batched, Each, jsonPieces } from '../src/report/chunks.js';
import { runCli } from '../src/testing/cli.js';

/** A small seeded generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random JSON value and the same value with some arrays as Each (mapped through an identity-like function). */
function randomValue(r: () => number, depth: number): [plain: unknown, wrapped: unknown] {
  const pick = r();
  if (depth > 4 || pick < 0.3) {
    const leaves = [0, -1.5, 1e21, 42, true, false, null, '', 'a "quoted"\nline', 'tab\there', 'ünïcode ✓ 🎉', '\u2028\u0001'];
    const v = leaves[Math.floor(r() * leaves.length)];
    return [v, v];
  }
  const n = Math.floor(r() * 4);
  if (pick < 0.65) {
    const pairs = Array.from({ length: n }, () => randomValue(r, depth + 1));
    const plain = pairs.map((p) => p[0]);
    const wrapped = pairs.map((p) => p[1]);
    // half the arrays are written element by element, their elements (whole values, holding no Each) made by a map
    return [plain, r() < 0.5 ? new Each(plain, (x) => structuredClone(x)) : wrapped];
  }
  const plain: Record<string, unknown> = {};
  const wrapped: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const [p, w] = randomValue(r, depth + 1);
    const key = ['a', 'b c', 'é', '"q"', `k${i}`][Math.floor(r() * 5)]!;
    plain[key] = p;
    wrapped[key] = w;
  }
  return [plain, wrapped];
}

describe('jsonPieces', () => {
  it('joins to JSON.stringify(value, null, 2) on seeded random documents', () => {
    const r = rng(20261129);
    for (let i = 0; i < 2000; i++) {
      const [plain, wrapped] = randomValue(r, 0);
      assert.equal([...jsonPieces(wrapped)].join(''), JSON.stringify(plain, null, 2), `document ${i}`);
      assert.equal(
        [...jsonPieces({ top: wrapped, runs: [{ list: new Each([plain, plain], (x) => x), empty: new Each([], (x) => x) }] })].join(''),
        JSON.stringify({ top: plain, runs: [{ list: [plain, plain], empty: [] }] }, null, 2),
        `document ${i} nested`,
      );
    }
  });
  it('maps an Each element only when it is written', () => {
    let made = 0;
    const pieces = jsonPieces({ list: new Each([1, 2, 3], (x) => ({ x, n: ++made })) });
    assert.equal(made, 0);
    pieces.next();
    pieces.next();
    pieces.next();
    assert.ok(made <= 1);
    assert.equal([...pieces].length > 0, true);
    assert.equal(made, 3);
  });
});

describe('batched', () => {
  it('joins pieces into writes of at least the size, in order', () => {
    const pieces = Array.from({ length: 1000 }, (_, i) => `${i},`);
    const out = [...batched(pieces, 100)];
    assert.equal(out.join(''), pieces.join(''));
    for (const b of out.slice(0, -1)) assert.ok(b.length >= 100);
    assert.deepEqual([...batched([], 100)], []);
  });
});

/**
 * `count` ConfigMaps, each with schema/yaml11-boolean findings: block values, a flow mapping, List items, quoted
 * words (no finding) and a comment after a word.
 */
function manyFindings(count: number): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 10 === 3) docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f${i}}\ndata: {a: on, b: "off", c: x}\n`);
    else if (i % 10 === 7) docs.push(`apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: l${i}\n    data:\n      a: No   # a comment\n      b: 'yes'\n`);
    else docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  b: yes\n  q: "no"\n`);
  }
  return docs.map((d) => `---\n${d}`).join('');
}

/** sha256 of each format's output for manyFindings(3000) from the build before streaming (stylish, github carry no version). */
const BEFORE: Record<string, string> = {
  stylish: 'f5c29450f6b4d2fa52679a34c8fcb3e5ade51cdf7209cd42c23c7029e7ee0cea',
  github: '6041cf7e1973cb3359bccf04a8145c1a63e2a52aa114d056111e3dd983022ee5',
};

describe('a file of thousands of findings', () => {
  it('lints to the same bytes, streamed or whole, in every format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'talium-many-findings-'));
    try {
      writeFileSync(join(dir, 'big.yaml'), manyFindings(3000));
      const text = readFileSync(join(dir, 'big.yaml'), 'utf8');
      for (const format of ['json', 'sarif', 'github', 'stylish']) {
        const r = await runCli(['lint', '.', '--no-cache', '--format', format, '--format', `${format}=out.${format}`], { cwd: dir });
        assert.equal(r.code, 1, r.stderr);
        assert.equal(r.stdout, readFileSync(join(dir, `out.${format}`), 'utf8'), `${format}: stdout and file`);
        const sha = createHash('sha256').update(r.stdout).digest('hex');
        if (format === 'json' || format === 'sarif') {
          assert.equal(r.stdout, JSON.stringify(JSON.parse(r.stdout), null, 2) + '\n', `${format}: JSON.stringify's bytes`);
        } else {
          assert.equal(sha, BEFORE[format], `${format}: the output before streaming`);
        }
        if (format !== 'json') continue;
        const out = JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; range: { start: { line: number; column: number }; end: { line: number; column: number } }; fix?: { text: string } }> };
        // one finding per plain word: 8 of 10 documents one each, the flow mapping one, the List item one
        assert.equal(out.diagnostics.length, 3000);
        assert.ok(out.diagnostics.every((d) => d.ruleId === 'schema/yaml11-boolean'));
        // every range is the plain word itself, and its fix quotes it
        const lines = text.split('\n');
        for (const d of out.diagnostics) {
          const { start, end } = d.range;
          assert.equal(start.line, end.line);
          const word = lines[start.line - 1]!.slice(start.column - 1, end.column - 1);
          assert.match(word, /^(yes|on|No)$/);
          assert.equal(d.fix?.text, `"${word}"`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('through a pipe: all of it to a reader that takes it slowly, the findings exit code to one that stops early', () => {
    const dir = mkdtempSync(join(tmpdir(), 'talium-many-findings-'));
    const bin = join(process.cwd(), 'scripts', 'talium.cjs');
    try {
      writeFileSync(join(dir, 'big.yaml'), manyFindings(3000));
      const sh = (cmd: string) => spawnSync('bash', ['-c', `set -o pipefail; ${cmd}`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_WORKSPACE: '' } });
      // ~5 MB of SARIF: the bin waits for the pipe (64 KB) to take each piece
      const slow = sh(`"${process.execPath}" "${bin}" lint . --no-cache --format sarif | (sleep 0.5; cat) > out.sarif`);
      assert.equal(slow.status, 1, slow.stderr);
      const whole = sh(`"${process.execPath}" "${bin}" lint . --no-cache --format sarif=whole.sarif`);
      assert.equal(whole.status, 1, whole.stderr);
      assert.equal(readFileSync(join(dir, 'out.sarif'), 'utf8'), readFileSync(join(dir, 'whole.sarif'), 'utf8'));
      // the reader stops while the bin waits: the exit code is still the findings' one, with no EPIPE trace
      const early = sh(`"${process.execPath}" "${bin}" lint . --no-cache --format sarif | head -c 100 > /dev/null`);
      assert.equal(early.status, 1, early.stderr);
      assert.doesNotMatch(early.stderr, /EPIPE|at .*\(node:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
