/**
 * The fast YAML reader (src/lint/fast-yaml.ts) against js-yaml, its oracle: for every document it either gives
 * js-yaml's exact value or BAILs. Held on a table of constructs (the common ones must not bail), on YAML js-yaml
 * rejects (must bail), on seeded mutations of the fixtures and the shared corpus, on seeded js-yaml dumps of random
 * values, on every corpus document and on the bench corpus (which it must read without a single bail).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fg from 'fast-glob';
import jsyaml from 'js-yaml';
import { generateCorpus } from '../scripts/bench-corpus.js';
import { parse as parseYaml } from 'yaml';
import { BAIL, fastLoad, JSYAML_EMPTY_ITEM_BUG, UNSAFE_OR_ASTRAL, type ImplicitType, type ReadInfo } from '../src/lint/fast-yaml.js';
import { checkDepth, type TextScan } from '../src/lint/guard.js';
import { splitDocuments } from '../src/lint/split.js';
import { GO_LIKE_IMPLICIT, GO_LIKE_SCHEMA, MAX_PARSE_DEPTH } from '../src/lint/parse.js';

// the lint path's schema (Go's integers: go-int.ts)
const SCHEMA = GO_LIKE_SCHEMA;
const IMPLICIT: readonly ImplicitType[] = GO_LIKE_IMPLICIT;
const CORPUS = resolve(process.cwd(), '../shared/corpus');

type Verdict = { kind: 'read'; value: unknown } | { kind: 'bail' } | { kind: 'wrong'; detail: string };

/** One document chunk: the fast reader's value checked against js-yaml's. */
function judge(text: string, c: { from: number; content: number; to: number }): Verdict {
  const fast = fastLoad(text, c.from, c.content, c.to, IMPLICIT);
  // the lint path skips the reader's character check when the depth pass found no odd character: same verdict
  const scan: TextScan = { oddChars: true };
  if (!checkDepth(text, undefined, scan)) {
    const viaScan = fastLoad(text, c.from, c.content, c.to, IMPLICIT, undefined, !scan.oddChars);
    if (viaScan === BAIL ? fast !== BAIL : fast === BAIL || !isDeepStrictEqual(viaScan, fast)) return { kind: 'wrong', detail: `with the depth pass's character scan: ${String(viaScan === BAIL ? 'bail' : JSON.stringify(viaScan))}` };
  }
  if (fast === BAIL) return { kind: 'bail' };
  let expected: unknown;
  try {
    const chunk = text.slice(c.from, c.to);
    // where js-yaml has its known bug the reader follows YAML: eemeli/yaml is the oracle there
    expected = JSYAML_EMPTY_ITEM_BUG.test(chunk) ? parseYaml(chunk, { uniqueKeys: true, merge: true }) : jsyaml.load(chunk, { schema: SCHEMA, maxDepth: MAX_PARSE_DEPTH } as jsyaml.LoadOptions);
  } catch (err) {
    return { kind: 'wrong', detail: `js-yaml rejects it (${(err as { reason?: string }).reason}) but the fast reader read ${JSON.stringify(fast)}` };
  }
  if (!isDeepStrictEqual(fast, expected)) return { kind: 'wrong', detail: `fast ${JSON.stringify(fast)} != js-yaml ${JSON.stringify(expected)}` };
  return { kind: 'read', value: fast };
}

/** Judges every non-empty document of a text; returns counts and the first disagreements. */
function judgeAll(text: string, tally: { read: number; bail: number; wrong: string[] }): void {
  for (const c of splitDocuments(text)) {
    if (c.content >= c.to) continue;
    const v = judge(text, c);
    if (v.kind === 'read') tally.read++;
    else if (v.kind === 'bail') tally.bail++;
    else if (tally.wrong.length < 5) tally.wrong.push(`${JSON.stringify(text)}: ${v.detail}`);
  }
}

function one(text: string): Verdict {
  const chunks = splitDocuments(text).filter((c) => c.content < c.to);
  assert.equal(chunks.length, 1, 'one document');
  return judge(text, chunks[0]!);
}

/** Constructs real manifests use: each must be read (not bailed on) and equal js-yaml's value. */
const COMMON: Array<[string, unknown]> = [
  ['apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } }],
  ['a:\n  - 1\n  - two\n  - 3.5\n', { a: [1, 'two', 3.5] }],
  ['a:\n- x\n- y\nb: 1\n', { a: ['x', 'y'], b: 1 }],
  ['- name: a\n  value: b\n- name: c\n', [{ name: 'a', value: 'b' }, { name: 'c' }]],
  ['-   name: a\n    value: b\n', [{ name: 'a', value: 'b' }]],
  ['a: "quoted: yes # not a comment"\nb: \'it\'\'s\'\n', { a: 'quoted: yes # not a comment', b: "it's" }],
  ['"quoted key": 1\n\'other\': 2\n', { 'quoted key': 1, other: 2 }],
  ['a: plain # comment\n# full line\nb: c#d\n', { a: 'plain', b: 'c#d' }],
  ['a: ~\nb: null\nc:\nd: true\ne: False\nf: yes\ng: on\n', { a: null, b: null, c: null, d: true, e: false, f: 'yes', g: 'on' }],
  // integers as Go YAML reads them (go-int.ts): a leading 0 is octal, `_` is dropped, upper-case prefixes count
  ['a: 0x1F\nb: 0o17\nc: 1e3\nd: -0.5\ne: .inf\nf: 012\ng: +3\n', { a: 31, b: 15, c: 1000, d: -0.5, e: Infinity, f: 10, g: 3 }],
  ['a: 1_000\nb: 0X1F\nc: 0O17\nd: 0B11\ne: 08\nf: 0_8\ng: 1_000.5\nh: 0x1FFFFFFFFFFFFFFFF\n', { a: 1000, b: 31, c: 15, d: 3, e: 8, f: 8, g: 1000.5, h: '0x1FFFFFFFFFFFFFFFF' }],
  ['a: 2024-01-01\nb: 10.50.0.1\nc: 1.2.3\n', { a: '2024-01-01', b: '10.50.0.1', c: '1.2.3' }],
  ['url: http://x:80/y\nk: a:b\n', { url: 'http://x:80/y', k: 'a:b' }],
  ['a: |\n  line 1\n  line 2\nb: x\n', { a: 'line 1\nline 2\n', b: 'x' }],
  ['a: |-\n  x\n\n  y\n\n\nb: 1\n', { a: 'x\n\ny', b: 1 }],
  ['a: |+\n  x\n\n\nb: 1\n', { a: 'x\n\n\n', b: 1 }],
  ['a: >\n  folded\n  text\n\n  para\n    more\n  back\n', { a: 'folded text\npara\n  more\nback\n' }],
  ['a: >-\n  x\n  y\n', { a: 'x y' }],
  ['a: | # comment\n  #!/bin/sh\n  echo "$X"   \n', { a: '#!/bin/sh\necho "$X"   \n' }],
  ['- |\n  item\n- >\n  f\n', ['item\n', 'f\n']],
  ['a: []\nb: {}\nc: [x, "y z", 1, true]\nd: [ a , b ]\n', { a: [], b: {}, c: ['x', 'y z', 1, true], d: ['a', 'b'] }],
  ['up: { enabled: true }\ncaps: { drop: ["ALL"], add: [] } # c\nm: {a: 1, "b c": [x, {d: e}], f: { }}\n', { up: { enabled: true }, caps: { drop: ['ALL'], add: [] }, m: { a: 1, 'b c': ['x', { d: 'e' }], f: {} } }],
  ['args:\n  - --flag=1\n  - -v\n  - "-"\n', { args: ['--flag=1', '-v', '-'] }],
  ['a:\n  b:\n    c:\n      d: 1\n  e: 2\n', { a: { b: { c: { d: 1 } }, e: 2 } }],
  ['---\n# c\na: 1\n...\n', { a: 1 }],
  ['a:   spaced   \nb:\n\n  c: 1\n', { a: 'spaced', b: { c: 1 } }],
  ['é: ünïcode 😀\n', { é: 'ünïcode 😀' }],
  ['a: -1\nb: -x\n', { a: -1, b: '-x' }],
  ['  a: 1\n  b: 2\n', { a: 1, b: 2 }],
  ['- [x]\n', [['x']]],
  ['a: ---b\nd: ...\n---c: 1\n', { a: '---b', d: '...', '---c': 1 }],
  ['a: <<\nb: "<<"\n', { a: '<<', b: '<<' }],
  ['app: &app plex\nname: *app\nlist:\n  - *app # c\n  - &n 1\nn: *n\nq: &q "x y"\nr: *q\napp2: &app other\ns: *app\n', { app: 'plex', name: 'plex', list: ['plex', 1], n: 1, q: 'x y', r: 'x y', app2: 'other', s: 'other' }],
  ['c:\n  - name: app\n    args:\n      -\n  - name: sidecar\n', { c: [{ name: 'app', args: [null] }, { name: 'sidecar' }] }],
  ['config.yaml: |\n  server:\n    port: 8080\n  ---\n  x: 1\n', { 'config.yaml': 'server:\n  port: 8080\n---\nx: 1\n' }],
];

/** YAML js-yaml refuses: the fast reader must never return a value for these. */
const INVALID = [
  'a: b: c\n',
  'a: 1\na: 2\n',
  'a: 1\n  b: 2\n',
  'a:\n  - x\n  y: 1\n',
  'a: "open\n',
  'a: [x, y\n',
  'a: 1\n- b\n',
  'key: value:\n',
  'a:\n    b: 1\n  c: 2\n',
  'a: "x" y\n',
  ': x\n',
  '---x:\n  y: 1\n',
  'a: *missing\n',
  'a: [-]\n',
  'a: [-, b]\n',
  'a: [b, -]\n',
  'a: {b: -}\n',
  'a: {b: -, c: d}\n',
  'a: & x\n',
  'a: *\n',
  'a: b #c\n  d\n',
];

/** Valid YAML outside the subset: bail (js-yaml reads it) or agree. */
const OUTSIDE = [
  'a: &x 1\nb: *x\n',
  'a: &x\n  b: 1\nc: *x\n',
  'a: &x b: 1\n',
  '- &x a: 1\n- *x\n',
  'a: &x !!str 1\nb: *x\n',
  'a: [*x]\n',
  'a: *x]\n',
  'a: !!str 1\n',
  'a: "esc\\n"\n',
  'a:\tb\n',
  'a: 1\r\nb: 2\r\n',
  'a: plain\n  continued\n',
  'a: "multi\n  line"\n',
  '? complex\n: key\n',
  'a: {b: 1}\n',
  '1: one\ntrue: t\nnull: n\n',
  '<<: {a: 1}\nb: 2\n',
  '<<:\n  a: 1\nb: 2\n',
  'x:\n  <<: {a: 1}\n',
  'x: {<<: {a: 1}, b: 2}\n',
  'a: |2\n   x\n',
  '__proto__: 1\n',
  '"__proto__": {a: 1}\n',
  'x: {"__proto__": 1}\n',
  'a: {b: [1, {c: d}], "e": \'f\', g: }\n',
  'a: {b, c}\n',
  'a: {b: 1,}\n',
  'a: [b: 1]\n',
  'a: {b:1}\n',
  'a: [\n  b\n]\n',
  '%YAML 1.2\n---\na: 1\n',
  '--- a: 1\n',
  'plain scalar document\n',
  'a: 1\n# \u0085\n',
  'a: 1\n... b: 2\n',
];

describe('fast YAML reader: constructs', () => {
  for (const [text, expected] of COMMON) {
    it(`reads ${JSON.stringify(text).slice(0, 60)}`, () => {
      const v = one(text);
      assert.equal(v.kind, 'read', v.kind === 'wrong' ? v.detail : 'bailed on a common construct');
      assert.deepEqual((v as { value: unknown }).value, expected);
    });
  }
  it('bails on every document js-yaml rejects', () => {
    for (const text of INVALID) {
      let threw = false;
      try {
        jsyaml.loadAll(text, undefined, { schema: SCHEMA });
      } catch {
        threw = true;
      }
      assert.ok(threw, `js-yaml accepts ${JSON.stringify(text)}: not an invalid case`);
      const chunks = splitDocuments(text).filter((c) => c.content < c.to);
      for (const c of chunks) {
        const fast = fastLoad(text, c.from, c.content, c.to, IMPLICIT);
        if (chunks.length === 1) assert.equal(fast, BAIL, `read invalid ${JSON.stringify(text)} as ${JSON.stringify(fast)}`);
        else assert.notEqual(judge(text, c).kind, 'wrong', JSON.stringify(text));
      }
    }
  });
  it('agrees with js-yaml or bails outside the subset', () => {
    for (const text of OUTSIDE) {
      for (const c of splitDocuments(text).filter((ch) => ch.content < ch.to)) {
        const v = judge(text, c);
        assert.notEqual(v.kind, 'wrong', v.kind === 'wrong' ? v.detail : '');
      }
    }
  });
  it('nesting: block and flow levels count together, and deep documents go to js-yaml (which reports them)', () => {
    const deepMixed = Array.from({ length: 128 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + `\n${' '.repeat(128)}b: ${'['.repeat(128)}${']'.repeat(128)}\n`;
    assert.equal(fastLoad(deepMixed, 0, 0, deepMixed.length, IMPLICIT), BAIL);
    const compact = Array.from({ length: 130 }, (_, i) => `${' '.repeat(2 * i)}- a:`).join('\n') + '\n';
    assert.equal(fastLoad(compact, 0, 0, compact.length, IMPLICIT), BAIL);
    const shallow = Array.from({ length: 50 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + `\n${' '.repeat(50)}b: [[1]]\n`;
    assert.notEqual(judge(shallow, { from: 0, content: 0, to: shallow.length }).kind, 'bail');
  });
  it('bails on a schema with implicit types it does not know (timestamps)', () => {
    const implicit = (jsyaml.DEFAULT_SCHEMA as unknown as { compiledImplicit: ImplicitType[] }).compiledImplicit;
    assert.equal(fastLoad('a: 1\n', 0, 0, 5, implicit), BAIL);
  });
  it('tells whether a plain value (not a key, not a quoted value) is a watched word', () => {
    const words = new Set(['on', 'no']);
    const seen = (text: string): boolean => {
      const info: ReadInfo = { watchedWord: false };
      assert.notEqual(fastLoad(text, 0, 0, text.length, IMPLICIT, { words, info }), BAIL, text);
      return info.watchedWord;
    };
    assert.equal(seen('a: on\n'), true);
    assert.equal(seen('a:\n  - x\n  - no # c\n'), true);
    assert.equal(seen('a: [x, on]\n'), true);
    assert.equal(seen('on: push\nno: 1\n'), false);
    assert.equal(seen('a: "on"\nb: \'no\'\nc: [\'on\']\n'), false);
    assert.equal(seen('a: one\nb: |\n  on\n'), false);
  });
  it('resolves words with the schema it is given', () => {
    const failsafe = (jsyaml.FAILSAFE_SCHEMA as unknown as { compiledImplicit: ImplicitType[] }).compiledImplicit;
    assert.deepEqual(fastLoad('a: true\nb: 1\n', 0, 0, 13, failsafe), { a: 'true', b: '1' });
  });
});

/** A small deterministic generator (the tests must give the same cases on every run). */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

function seedDocuments(): string[] {
  const roots = [resolve(process.cwd(), 'test/fixtures'), resolve(process.cwd(), 'clusters')];
  if (existsSync(CORPUS)) roots.push(CORPUS);
  const docs: string[] = [];
  for (const root of roots) {
    for (const f of fg.sync(['**/*.yaml', '**/*.yml'], { cwd: root, absolute: true, followSymbolicLinks: false })) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      if (text.length > 200_000) continue;
      for (const c of splitDocuments(text)) if (c.content < c.to && c.to - c.from < 3000) docs.push(text.slice(c.from, c.to));
    }
  }
  return docs;
}

describe('fast YAML reader: the character scan of the depth pass', () => {
  it('flags exactly the characters the reader refuses, for every UTF-16 code unit', () => {
    const wrong: number[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const text = `a: b${String.fromCharCode(c)}c\n`;
      const scan: TextScan = { oddChars: false };
      checkDepth(text, undefined, scan);
      if (scan.oddChars !== UNSAFE_OR_ASTRAL.test(text)) wrong.push(c);
    }
    assert.deepEqual(wrong, []);
  });
});

describe('fast YAML reader: seeded fuzzing against js-yaml', () => {
  it('mutations of real documents: never a different value, never a value js-yaml refuses', () => {
    const seeds = seedDocuments();
    assert.ok(seeds.length > 100, `${seeds.length} seed documents`);
    const tokens = [': ', ':', '- ', '-', '#', ' #', '"', "'", '|', '|-', '|+', '>', '>-', '[', ']', '{', '}', ',', '\n', ' ', '  ', '&a ', '*a', '!x ', '? ', '~', 'null', 'true', '0x1F', '1e3', '.5', '-1', '012', '<<', '\\', '%', '...', '---', '\t', '\r', ': |\n', '\n- ', '\n  ', '\n\n', ' \n', 'é', '😀', '<<: ', '\n<<:\n  ', '{a: ', '}', ', b: 1'];
    const rnd = prng(7);
    const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
    const tally = { read: 0, bail: 0, wrong: [] as string[] };
    for (let k = 0; k < 8000; k++) {
      let t = pick(seeds);
      for (let e = 1 + Math.floor(rnd() * 3); e > 0; e--) {
        const r = rnd();
        const lines = t.split('\n');
        const at = Math.floor(rnd() * (t.length + 1));
        const line = Math.floor(rnd() * lines.length);
        if (r < 0.5) t = t.slice(0, at) + pick(tokens) + t.slice(at);
        else if (r < 0.65) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rnd() * 3));
        else if (r < 0.8) (lines[line] = rnd() < 0.5 ? lines[line]!.replace(/^ /, '') : `  ${lines[line]}`), (t = lines.join('\n'));
        else if (r < 0.9) lines.splice(line, 0, pick(lines)), (t = lines.join('\n'));
        else lines.splice(line, 1), (t = lines.join('\n'));
      }
      judgeAll(t, tally);
    }
    assert.deepEqual(tally.wrong, []);
    assert.ok(tally.read > 2000, `read ${tally.read}, bailed ${tally.bail}: the mutations must exercise the reader`);
  });

  it('js-yaml dumps of random values in every style: the same value back', () => {
    const rnd = prng(11);
    const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
    const atoms = ['a', 'b c', 'x: y', 'a #b', ' lead', 'trail ', 'multi\nline', 'l1\n\nl3\n\n', '  indented\nnext', 'x\n  more\nback', '', '-', '- a', 'null', 'true', 'yes', '1', '0x1F', '1e3', '012', '~', '<<', '[a]', "it's", 'say "hi"', 'é', '😀', 'http://x:80/y', '@at', '%p', '!bang', '&amp', '*star', '|pipe', 'long '.repeat(30), 'a\n b\n  c\n', '\n\nlead newlines', 'end with spaces  \n'];
    const keys = ['a', 'name', 'key with space', 'x-y', 'null', 'true', '1', 'é', 'a:b', '-dash', "it's", 'k#', '<<', '__proto__'];
    const gen = (d: number): unknown => {
      const r = rnd();
      if (d > 4 || r < 0.35) {
        const q = rnd();
        return q < 0.6 ? pick(atoms) : q < 0.75 ? Math.floor(rnd() * 1e6) * (rnd() < 0.3 ? -1 : 1) : q < 0.85 ? rnd() * 100 : q < 0.9 ? rnd() < 0.5 : null;
      }
      if (r < 0.65) {
        const o: Record<string, unknown> = {};
        for (let i = Math.floor(rnd() * 5); i > 0; i--) o[pick(keys) + (rnd() < 0.5 ? i : '')] = gen(d + 1);
        return o;
      }
      return Array.from({ length: Math.floor(rnd() * 5) }, () => gen(d + 1));
    };
    const tally = { read: 0, bail: 0, wrong: [] as string[] };
    for (let k = 0; k < 6000; k++) {
      const text = jsyaml.dump(
        { root: gen(0), other: gen(1) },
        { indent: 1 + Math.floor(rnd() * 4), noArrayIndent: rnd() < 0.5, flowLevel: rnd() < 0.2 ? Math.floor(rnd() * 4) : -1, lineWidth: rnd() < 0.5 ? 40 : 80, quotingType: rnd() < 0.5 ? '"' : "'", forceQuotes: rnd() < 0.1 },
      );
      judgeAll(rnd() < 0.3 ? text.replace(/\n/g, (m) => (rnd() < 0.1 ? '\n# c\n' : m)) : text, tally);
    }
    assert.deepEqual(tally.wrong, []);
    assert.ok(tally.read > 1500, `read ${tally.read}, bailed ${tally.bail}`);
  });
});

describe('fast YAML reader: real repositories', () => {
  it('every corpus document: js-yaml value or bail, and most are read', (t) => {
    if (!existsSync(CORPUS)) {
      t.skip('../shared not present: corpus agreement skipped');
      return;
    }
    const tally = { read: 0, bail: 0, wrong: [] as string[] };
    for (const f of fg.sync(['**/*.yaml', '**/*.yml'], { cwd: CORPUS, absolute: true, followSymbolicLinks: false })) {
      let text = readFileSync(f, 'utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      judgeAll(text, tally);
    }
    assert.deepEqual(tally.wrong, []);
    assert.ok(tally.read > 0.9 * (tally.read + tally.bail), `read ${tally.read}, bailed ${tally.bail}`);
  });
  it('the bench corpus is read without a single bail (its speed depends on it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'talium-fast-yaml-'));
    try {
      generateCorpus(dir, 60);
      const tally = { read: 0, bail: 0, wrong: [] as string[] };
      for (const f of fg.sync('**/*.yaml', { cwd: dir, absolute: true })) judgeAll(readFileSync(f, 'utf8'), tally);
      assert.deepEqual(tally.wrong, []);
      assert.equal(tally.bail, 0);
      assert.ok(tally.read >= 180, `${tally.read} documents`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
