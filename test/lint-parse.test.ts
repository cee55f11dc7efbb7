/**
 * The fast parse path: document splitting, byte guards, depth estimate, offsets/positions of documents after the
 * first, and agreement of js-yaml (fast path) with eemeli/yaml on every document of the shared corpus.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments, parseDocument } from 'yaml';
import { GO_INT_TAG } from '../src/core/go-int.js';
import { SourceFile } from '../src/core/source.js';
import { markDuplicateKeys } from '../src/core/duplicate-key.js';
import { checkBytes, checkDepth, firstInvalidUtf8, MAX_NESTING_DEPTH } from '../src/lint/guard.js';
import { expandedSize, parseSource } from '../src/lint/parse.js';
import { splitDocuments } from '../src/lint/split.js';
import { parseSuppressions } from '../src/lint/suppressions.js';
import { cpuMsSince, cpuStart } from '../src/testing/cpu-time.js';

describe('splitDocuments', () => {
  it('cuts at --- and ... markers at column 0 only', () => {
    const t = 'a: 1\n---\nb: "---"\n  --- not a marker\n...\n# c\n--- |\n  text\n';
    const chunks = splitDocuments(t);
    assert.equal(chunks.length, 4);
    assert.deepEqual(
      chunks.map((c) => (c.content >= c.to ? '' : t.slice(c.content, c.content + 2))),
      ['a:', 'b:', '', '|\n'],
    );
    assert.equal(chunks[2]!.content, chunks[2]!.to, 'comment-only chunk has no content');
  });
  it('CRLF markers', () => {
    assert.equal(splitDocuments('a: 1\r\n---\r\nb: 2\r\n').length, 2);
  });
});

describe('guards', () => {
  it('firstInvalidUtf8 finds truncated and overlong sequences', () => {
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xc3])), 1);
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80])), 1);
    assert.equal(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0); // UTF-16 surrogate
    assert.equal(firstInvalidUtf8(Buffer.from('héllo ✓ 🎉')), Buffer.from('héllo ✓ 🎉').length);
  });
  it('checkBytes: size cap, NUL, valid text', () => {
    assert.equal((checkBytes(Buffer.from('a: 1\n'), 3) as { problem: { ruleId: string } }).problem.ruleId, 'yaml/too-large');
    assert.deepEqual(checkBytes(Buffer.from('a: é\n'), 100), { text: 'a: é\n' });
    // the NUL's line and column with each line ending (before: a lone CR was no line break, line 1 column 12)
    for (const eol of ['\n', '\r\n', '\r']) {
      const bin = checkBytes(Buffer.from(`a: 1${eol}bb: 2${eol}c\u0000`), 100) as { problem: { ruleId: string; position: { line: number; column: number } } };
      assert.deepEqual([bin.problem.ruleId, bin.problem.position], ['yaml/binary', { line: 3, column: 2 }], JSON.stringify(eol));
      const enc = checkBytes(Buffer.concat([Buffer.from(`a: 1${eol}é${eol}`), Buffer.from([0xff])]), 100) as typeof bin;
      assert.deepEqual([enc.problem.ruleId, enc.problem.position], ['yaml/encoding', { line: 3, column: 1 }], JSON.stringify(eol));
    }
  });
  it('SourceFile reads a lone CR as a line break wherever the text comes from (given, read later, after a BOM); CRLF stays', () => {
    const raw = 'a: 1\rbb: 2\r\nc: x\r';
    for (const f of [new SourceFile('f.yaml', raw), new SourceFile('f.yaml', () => raw), new SourceFile('f.yaml', `\ufeff${raw}`)]) {
      assert.equal(f.text, 'a: 1\nbb: 2\r\nc: x\n');
      assert.deepEqual([f.positionAt(5), f.positionAt(12), f.lineCount], [{ line: 2, column: 1 }, { line: 3, column: 1 }, 4]);
      assert.equal(f.lineText(2), 'bb: 2');
    }
    // the parser sees those lines: a finding on the third line of a lone-CR file is at line 3
    const { findings } = parseSource(new SourceFile('d.yaml', 'a: 1\rb: 2\ra: 3\r'));
    assert.deepEqual(findings.map((x) => [x.ruleId, x.range?.start]), [['yaml/duplicate-key', { line: 3, column: 1 }]]);
  });
  it('checkDepth ignores brackets in comments and counts flow depth', () => {
    assert.equal(checkDepth('a: 1 # ' + '['.repeat(5000) + '\n'), undefined);
    assert.equal(checkDepth('a: ' + '{'.repeat(2000))?.ruleId, 'yaml/too-deep');
    assert.equal(checkDepth('a:\n  b:\n    - c\n'), undefined);
  });
  it('checkDepth counts nothing inside a block scalar: deep indentation and brackets there are text', () => {
    const pad = ' '.repeat(300);
    // a ConfigMap line of ASCII art indented 300 columns, and 300 unbalanced brackets, in block scalars
    assert.equal(checkDepth(`data:\n  art: |\n    x\n    ${pad}y\n\n  b: 1\n`), undefined);
    assert.equal(checkDepth(`- k: >-\n      ${'['.repeat(300)}\n- j: 1\n`), undefined);
    assert.equal(checkDepth(`--- |\n  ${pad}x\n`), undefined);
    assert.equal(checkDepth(`a: !!str |2\n  ${pad}x\n`), undefined);
    assert.equal(checkDepth(`a: &x |\n  ${pad}x\n`), undefined);
    // after the scalar, lines at or left of the header's key column are structure again
    assert.equal(checkDepth(`a: |\n  x\nb:\n${' '.repeat(300)}c: 1\n`)?.position.line, 4);
    // `- key: |`: the key's column (2) bounds the content, so a line at that column is structure
    assert.equal(checkDepth(`- k: |\n    x\n  j:\n${' '.repeat(300)}c: 1\n`)?.position.line, 4);
    // not headers: a plain scalar ending in `|`, a `|` in quotes, one in a comment, one inside a flow collection
    for (const head of ['a: b |', 'a: "x |"', "a: 'b: |'", 'a: 1 # |', 'a: [x, |']) {
      assert.equal(checkDepth(`${head}\n${' '.repeat(300)}c: 1\n`)?.ruleId, 'yaml/too-deep', head);
    }
  });
  it('expandedSize stops at the limit', () => {
    const shared: unknown[] = ['x', 'y'];
    let v: unknown[] = shared;
    for (let i = 0; i < 30; i++) v = [v, v];
    assert.ok(expandedSize(v, 1000) > 1000);
    assert.equal(expandedSize({ a: [1, 2] }, 1000), 4);
  });
});

describe('parseSource', () => {
  it('documents after the first keep their offsets: locate() points into the right document', () => {
    const text = 'apiVersion: v1\nkind: A\n---\n# comment\napiVersion: v1\nkind: B\nspec:\n  x: 1\n';
    const { docs, findings } = parseSource(new SourceFile('f.yaml', text));
    assert.deepEqual(findings, []);
    assert.deepEqual(docs.map((d) => d.kind), ['A', 'B']);
    assert.deepEqual(docs[1]!.range().start, { line: 5, column: 1 });
    assert.deepEqual(docs[1]!.locate(['spec', 'x']).start, { line: 8, column: 6 });
    assert.deepEqual(docs[1]!.locate(['kind'], { key: true }).start, { line: 6, column: 1 });
  });
  it('Go-YAML semantics: dates stay strings, merge keys merge, yes stays a string', () => {
    const { docs } = parseSource(new SourceFile('f.yaml', 'd: 2024-01-01\nb: &b {x: 1}\nm:\n  <<: *b\n  y: 2\nq: yes\n'));
    assert.deepEqual(docs[0]!.value, { d: '2024-01-01', b: { x: 1 }, m: { x: 1, y: 2 }, q: 'yes' });
  });
  it('fallback gives eemeli positions for every duplicate key', () => {
    const { findings } = parseSource(new SourceFile('f.yaml', 'a: 1\na: 2\nb:\n  c: 1\n  c: 2\n'));
    assert.deepEqual(findings.map((f) => [f.ruleId, f.range!.start.line, f.range!.start.column]), [
      ['yaml/duplicate-key', 2, 1],
      ['yaml/duplicate-key', 5, 3],
    ]);
  });
  it('a key indented deeper than the key above: one finding at that key, not two parser errors on the line above', () => {
    const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n    selector:\n      app: web\n';
    const { findings } = parseSource(new SourceFile('s.yaml', svc));
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.messageId, `${f.range!.start.line}:${f.range!.start.column}-${f.range!.end.line}:${f.range!.end.column}`, f.data?.['key'], f.data?.['above']]),
      [['yaml/syntax', 'overIndented', '7:5-7:13', 'selector', 'type']],
    );
    // in a list item, after a blank line
    const item = parseSource(new SourceFile('d.yaml', 'containers:\n  - name: a\n    image: b\n\n      ports: []\n')).findings;
    assert.deepEqual(item.map((f) => [f.messageId, f.range!.start.line, f.range!.start.column, f.data?.['above']]), [['overIndented', 5, 7, 'image']]);
    // another shape of the same parser errors keeps the parser's message
    const other = parseSource(new SourceFile('o.yaml', 'a: [1, 2\n')).findings;
    assert.ok(other.every((f) => f.messageId !== 'overIndented'), JSON.stringify(other));
  });
  it('a duplicate key names the key, covers all of it and points at the first one (block and flow mappings)', () => {
    const { findings } = parseSource(new SourceFile('f.yaml', 'data:\n  alpha: "1"\n  beta: 2\n  alpha: "3"\nk: {"q": 1, q: 2}\n'));
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.data?.['key'], `${f.range!.start.line}:${f.range!.start.column}-${f.range!.end.line}:${f.range!.end.column}`, f.related?.map((r) => `${r.range!.start.line}:${r.range!.start.column}`)]),
      [
        ['yaml/duplicate-key', 'alpha', '4:3-4:8', ['2:3']],
        ['yaml/duplicate-key', 'q', '5:13-5:14', ['5:5']],
      ],
    );
  });
  it('suppression comments are parsed with rules, reason and target line', () => {
    const s = parseSuppressions('# talium-disable-next-line a/b, c/d -- why\n\n# other\nx: 1\n');
    assert.deepEqual(s.map((x) => [x.kind, x.rules, x.reason, x.targetLine]), [['next-line', ['a/b', 'c/d'], 'why', 4]]);
  });
});

function* yamlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) yield* yamlFiles(p);
    else if (/\.ya?ml$/.test(name)) yield p;
  }
}

describe('js-yaml fast path agrees with eemeli/yaml', () => {
  it('on every document of the shared corpus', (t) => {
    const corpus = resolve(process.cwd(), '../shared/corpus');
    if (!existsSync(corpus)) {
      t.skip('../shared not present: corpus agreement skipped');
      return;
    }
    let compared = 0;
    for (const file of yamlFiles(corpus)) {
      const text = readFileSync(file, 'utf8');
      const { docs, findings, skipped } = parseSource(new SourceFile(file, text));
      if (skipped || findings.some((f) => f.severity === 'error')) continue;
      // (integers as Go reads them, as the lint parse does: `defaultMode: 0755` is 493)
      const ref = parseAllDocuments(text, { merge: true, customTags: (tags) => [GO_INT_TAG, ...tags] }) as unknown as Array<{ errors: unknown[]; toJS(): unknown }>;
      const refValues = ref.map((d) => d.toJS()).filter((v) => v !== null && v !== undefined);
      assert.equal(docs.length, refValues.length, `${file}: document count`);
      docs.forEach((d, i) => assert.deepEqual(d.value, refValues[i], `${file}: document ${i}`));
      compared += docs.length;
    }
    assert.ok(compared > 100, `compared ${compared} documents`);
  });
});

describe('js-yaml empty-item bug', () => {
  const values = (text: string) => parseSource(new SourceFile('x.yaml', text)).docs.map((d) => d.value);
  const findings = (text: string) => parseSource(new SourceFile('x.yaml', text)).findings.map((f) => f.ruleId);
  it('an empty item before a less indented one ends the inner sequence, LF (fast reader) and CRLF (not) alike', () => {
    const lf = 'c:\n  - name: app\n    args:\n      -\n  - name: sidecar\n';
    const expected = [{ c: [{ name: 'app', args: [null] }, { name: 'sidecar' }] }];
    assert.deepEqual(values(lf), expected);
    assert.deepEqual(values(lf.replace(/\n/g, '\r\n')), expected);
    // a tab in a comment also sends the document past the fast reader
    assert.deepEqual(values(lf.replace('c:\n', 'c: # \there\n')), expected);
  });
  it('where that shape is invalid YAML, a syntax error instead of js-yaml guessing', () => {
    const bad = 'x:\n  -\n- y\r\n';
    assert.deepEqual(values(bad), []);
    assert.ok(findings(bad).includes('yaml/syntax'), findings(bad).join(','));
  });
});

describe('unresolved alias', () => {
  it('is one yaml/syntax error at the alias (not an alias bomb, not a parser disagreement)', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: {other: *missing}\n';
    const f = parseSource(new SourceFile('a.yaml', text)).findings;
    assert.deepEqual(
      f.map((x) => [x.ruleId, x.range?.start.line, x.range?.start.column, x.data?.['code'], x.data?.['alias']]),
      [['yaml/syntax', 5, 19, 'UNRESOLVED_ALIAS', 'missing']],
    );
  });
});

describe('markDuplicateKeys (linear duplicate detection for the eemeli/yaml fallback)', () => {
  const dups = (text: string, limit?: number) => {
    const d = parseDocument(text, { uniqueKeys: false });
    markDuplicateKeys(d, limit);
    return d.errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => e.pos[0]);
  };
  it('flags a repeated scalar key at the repeat, like uniqueKeys: true', () => {
    assert.deepEqual(dups('a: 1\nb: 2\na: 3\n'), [10]);
    assert.deepEqual(dups('m:\n  x: 1\n  x: 2\n'), [12]);
  });
  it('keys equal only as text are not duplicates; merge keys may repeat; at most `limit` errors', () => {
    assert.deepEqual(dups('1: a\n"1": b\n'), []);
    assert.deepEqual(dups('<<: {a: 1}\n<<: {b: 2}\n'), []);
    assert.equal(dups('a: 1\na: 2\na: 3\na: 4\n', 2).length, 2);
  });
  it('agrees with eemeli/yaml uniqueKeys on the same documents', () => {
    for (const text of ['a: 1\nb: 2\na: 3\n', 'm:\n  x: 1\n  y: {x: 1, x: 2}\n', '- {a: 1}\n- a: 1\n  a: 2\n']) {
      const ours = dups(text);
      const theirs = parseDocument(text, { uniqueKeys: true }).errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => e.pos[0]);
      assert.deepEqual(ours.sort(), theirs.sort(), text);
    }
  });
});

describe('a byte-order mark at the start of a document after the first', () => {
  it('is skipped, as Go YAML skips one at a line start: keys read without it, js-yaml error offsets still exact', () => {
    const text = 'a: 1\n---\n\ufeffkind: Deployment\nb: 2\n';
    const chunks = splitDocuments(text);
    assert.deepEqual(chunks.map((c) => [c.content, c.boms]), [[0, undefined], [10, [9]]]);
    assert.deepEqual(parseSource(new SourceFile('x.yaml', text)).docs.map((d) => d.value), [{ a: 1 }, { kind: 'Deployment', b: 2 }]);
    // js-yaml's refusal (an unknown tag, which eemeli/yaml accepts): the disagreement is placed on its text offset
    const bad = 'a: 1\n---\n\ufeffkind: Deployment\nb: !!madeup 2\n';
    const f = parseSource(new SourceFile('x.yaml', bad)).findings;
    assert.deepEqual(f.map((x) => [x.ruleId, x.range?.start.line, x.range?.start.column]), [['yaml/parser-disagreement', 4, 4]]);
  });
  it('is skipped by the eemeli/yaml fallback too: a BOM before a comment is no syntax error, keys read without it', () => {
    // each file starts with a BOM; the first fails js-yaml (a duplicate key), so the whole file goes to eemeli/yaml
    const text = 'a: 1\na: 2\n---\n\ufeff# second file\nkind: Deployment\nb: 2\n---\n\ufeffmetadata:\n  name: x\n';
    const r = parseSource(new SourceFile('x.yaml', text));
    assert.deepEqual(r.findings.map((x) => [x.ruleId, x.range?.start.line, x.range?.start.column, x.data?.['key']]), [['yaml/duplicate-key', 2, 1, 'a']]);
    assert.deepEqual(r.docs.map((d) => d.value), [{ a: 2 }, { kind: 'Deployment', b: 2 }, { metadata: { name: 'x' } }]);
    assert.deepEqual(r.docs.map((d) => d.start), [0, text.indexOf('kind'), text.indexOf('metadata')]);
    const at = r.docs[2]!.locate(['metadata', 'name']);
    assert.deepEqual([at.start.line, at.start.column, at.end.column], [9, 9, 10]);
    assert.deepEqual(r.docs[1]!.locate(['kind'], { key: true }).start, { line: 5, column: 1 });
  });
  it('positions looked up through a BOM-prefixed key are the key\'s, not the document start (fast path)', () => {
    const text = 'a: 1\n---\n\ufeffmetadata:\n  name: x\nkind: K\n';
    const r = parseSource(new SourceFile('x.yaml', text));
    assert.deepEqual(r.findings, []);
    const at = r.docs[1]!.locate(['metadata', 'name']);
    assert.deepEqual([at.start.line, at.start.column, at.end.column], [4, 9, 10]);
    assert.deepEqual(r.docs[1]!.locate(['metadata'], { key: true }).start, { line: 3, column: 2 });
  });
});

describe('nesting depth: a limit talium checks itself (guard.ts MAX_NESTING_DEPTH), not where a parser runs out of stack', () => {
  const read = (text: string): string[] => parseSource(new SourceFile('x.yaml', text)).findings.map((f) => `${f.ruleId} ${f.range!.start.line}:${f.range!.start.column}`);
  /** `f()` called `n` frames deeper than here (talium parses from about a dozen frames deep). */
  const burn = <T>(n: number, f: () => T): T => (n === 0 ? f() : burn(n - 1, f));
  /**
   * `n` levels after a document with a syntax error (so the eemeli/yaml fallback reads the whole file), with the
   * estimate (indentation columns plus flow depth) each shape gives: compact sequences take two columns a level.
   */
  const shapes = (n: number): Record<string, [string, number]> => ({
    flow: ['c: : d\n---\nkey: ' + '['.repeat(n) + ']'.repeat(n) + '\n', n],
    flowMap: ['c: : d\n---\nkey: ' + '{a: '.repeat(n) + '1' + '}'.repeat(n) + '\n', n],
    block: ['c: : d\n---\n' + Array.from({ length: n }, (_, i) => ' '.repeat(i) + `k${i}:`).join('\n') + '\n', n - 1],
    seqs: ['c: : d\n---\n' + '- '.repeat(n) + 'x\n', 2 * n],
  });

  it('the same findings from a shallow and a deep call stack, below, at and past the limit', () => {
    for (const n of [120, 250, 256, 257, 300, 600, 990]) {
      for (const [name, [text, estimate]] of Object.entries(shapes(n))) {
        const shallow = read(text);
        assert.deepEqual(burn(3000, () => read(text)), shallow, `${name} ${n}`);
        // the earlier document's syntax error is always kept; past the limit one yaml/too-deep follows it
        assert.equal(shallow[0], 'yaml/syntax 1:4', `${name} ${n}`);
        assert.deepEqual(shallow.filter((f) => f.startsWith('yaml/too-deep')).length, estimate > MAX_NESTING_DEPTH ? 1 : 0, `${name} ${n}: ${shallow.join(', ')}`);
      }
    }
  });

  it('syntax errors before the deep part are reported, in the same document too; the deep part is one finding', () => {
    assert.deepEqual(read('a: b\nc: : d\nkey: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n'), ['yaml/syntax 2:4', 'yaml/too-deep 3:262']);
    let nested = 'a: "x\\q"\nb:\n';
    for (let i = 1; i <= 300; i++) nested += ' '.repeat(i) + `k${i}:\n`;
    assert.deepEqual(read(nested), ['yaml/syntax 1:6', 'yaml/too-deep 259:257']);
  });

  it('the estimate: a flow collection counts from the line it opens on; a `---` line closes what a string left open', () => {
    const indented = (n: number) => Array.from({ length: n }, (_, i) => ' '.repeat(i) + `k${i}:`).join('\n') + '\n';
    // 200 columns of indentation and 100 brackets on the same line: 300 levels (each alone is under the limit)
    assert.deepEqual(checkDepth(' '.repeat(200) + 'k: ' + '['.repeat(100))?.position, { line: 1, column: 200 + 'k: '.length + 57 });
    // inside a flow collection, its lines' indentation adds nothing to the bracket depth (pretty-printed JSON)
    assert.equal(checkDepth('k: [\n' + Array.from({ length: 100 }, (_, i) => ' '.repeat(2 * i + 2) + '[').join('\n') + '\n'), undefined);
    // brackets a quoted string leaves open do not hide the next document's indentation
    assert.equal(checkDepth('a: "[[["\n---\n' + indented(300))?.position.line, 3 + 257);
    assert.equal(checkDepth('a: "[[["\n' + indented(300))?.position.line, 2 + 257);
    // 3 open brackets then 254 on the deep line: past the limit there (the stray ones counted) ...
    assert.equal(checkDepth('a: "[[["\nb: ' + '['.repeat(254))?.position.line, 2);
    // ... but not after a document marker
    assert.equal(checkDepth('a: "[[["\n---\nb: ' + '['.repeat(254)), undefined);
  });

  it('20,000 deep (flow, compact sequences, indentation) stays bounded in time', () => {
    const start = cpuStart();
    for (const text of ['a: ' + '['.repeat(20_000) + ']'.repeat(20_000), '- '.repeat(20_000) + 'x\n', 'c: : d\n---\n' + '{a: '.repeat(20_000) + '1' + '}'.repeat(20_000)]) {
      assert.equal(read(text).filter((f) => f.startsWith('yaml/too-deep')).length, 1);
    }
    assert.ok(cpuMsSince(start) < 5_000, `${cpuMsSince(start)} ms of CPU`);
  });
});
