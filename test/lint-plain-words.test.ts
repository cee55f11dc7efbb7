/**
 * The fast reader's record of plain YAML 1.1 boolean words (core/document.ts PlainWords): `isPlainScalar` and
 * `locate` answer from it without parsing eemeli/yaml's AST, and must give the AST's answers: held to eemeli/yaml on
 * crafted documents (block and flow collections, quoted and block scalars, comments, List items, anchors) and on
 * every corpus document with its booleans written as words (skipped when ../shared/corpus is absent). The record
 * crosses JSON (the parse cache, worker threads) with the same answers; a lint after either parses no AST for it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Path, YamlDocument } from '../src/core/document.js';
import { SourceFile } from '../src/core/source.js';
import { fromWire, toWire, type WireFile } from '../src/lint/load-file.js';
import { parseSource } from '../src/lint/parse.js';
import { YAML11_WORDS } from '../src/schema/yaml11.js';
import { spawnCli } from '../src/testing/cli.js';

const CORPUS = resolve(process.cwd(), '../shared/corpus');

/** Paths of every string value of `v` that is a watched word. */
function wordPaths(v: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (typeof v === 'string' && YAML11_WORDS.has(v) && path.length) out.push(path);
  else if (Array.isArray(v)) v.forEach((x, i) => wordPaths(x, [...path, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) wordPaths(x, [...path, k], out);
  return out;
}

/** eemeli/yaml's node at `path` (last pair of a repeated key, as core/document.ts reads it). */
function astNode(doc: Document.Parsed, path: Path): Node | null {
  let cur = doc.contents as Node | null;
  for (const seg of path) {
    if (isMap(cur)) {
      const pair = [...cur.items].reverse().find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      cur = (pair?.value as Node | null) ?? null;
    } else if (isSeq(cur) && typeof seg === 'number') cur = (cur.items[seg] as Node | null) ?? null;
    else return null;
  }
  return cur;
}

/**
 * The documents of `text` as the fast reader read them, or (`wire`) after the trip a parse cache entry or a worker
 * thread's answer takes: toWire, JSON, fromWire.
 */
function documents(file: SourceFile, wire: boolean): YamlDocument[] {
  const parsed = parseSource(file);
  if (!wire) return parsed.docs;
  const json = JSON.stringify(toWire({ path: file.path, source: file, docs: parsed.docs, diagnostics: [], suppressions: [], skipped: false }));
  const docs = fromWire(JSON.parse(json) as WireFile).docs;
  assert.equal(docs.length, parsed.docs.length);
  docs.forEach((d, i) => {
    const o = parsed.docs[i]!;
    assert.equal(d.noYaml11Words, o.noYaml11Words, `${file.path} #${i}: noYaml11Words crosses`);
    assert.equal(recordOf(d) !== undefined, recordOf(o) !== undefined, `${file.path} #${i}: the record crosses`);
  });
  return docs;
}

function recordOf(doc: YamlDocument): unknown {
  return (doc as unknown as { plainWords?: unknown }).plainWords;
}

/** Checks every watched word of every document of `text`; returns how many the record answered. */
function check(text: string, name: string, noAst: boolean, wire = false): number {
  const file = new SourceFile(name, text);
  const parsed = { docs: documents(file, wire) };
  const asts = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false }) as Document.Parsed[];
  let answered = 0;
  for (const doc of parsed.docs) {
    const top: YamlDocument = doc.list ?? doc;
    const ast = asts.find((d) => d.contents?.range && d.contents.range[0] <= top.start && top.start <= d.contents.range[2]);
    assert.ok(ast, `${name}: an AST document at ${top.start}`);
    const record = recordOf(doc);
    for (const p of wordPaths(doc.parsed)) {
      const n = astNode(ast, [...doc.base, ...p]);
      const plain = !!n && isScalar(n) && (n.type === 'PLAIN' || n.type === undefined);
      if (noAst && record) {
        // the record alone answers: no AST is parsed for it
        const saved = doc.ast.bind(doc);
        doc.ast = () => assert.fail(`${name}: AST parsed for ${p.join('.')}`);
        try {
          assert.equal(doc.isPlainScalar(p), plain, `${name} ${p.join('.')}: plain`);
          if (plain) assert.deepEqual(doc.locate(p), file.rangeOf(n!.range![0], n!.range![1]), `${name} ${p.join('.')}: range`);
        } finally {
          doc.ast = saved;
        }
      }
      assert.equal(doc.isPlainScalar(p), plain, `${name} ${p.join('.')}: plain`);
      if (n?.range) assert.deepEqual(doc.locate(p), file.rangeOf(n.range[0], n.range[1]), `${name} ${p.join('.')}: range`);
      if (record) answered++;
    }
  }
  return answered;
}

describe('plain YAML 1.1 words recorded by the fast reader', () => {
  it('answer as the AST does, without it', () => {
    const text = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  a: yes\n  b: "no"\n  c: \'on\'\n  d: off   # comment\n  e: |\n    yes\n  f: >-\n    no\n  g: Y\n  h: yes-no\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, labels: {x: on, "y": "off"}}\ndata: { k: NO, l: "Yes" }\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: c\nspec:\n  template:\n    spec:\n      containers:\n        - name: x\n          args: [yes, "no", on]\n          command:\n            - n\n            - "y"\n            -   off\n',
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: d\n    data:\n      a: on\n      b: "off"\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: e\n    data: {a: yes}\n',
      'a:\n  b:\n    - - no\n      - {c: yes}\n  d:\n    yes\n',
    ].join('---\n');
    assert.ok(check(text, 'crafted.yaml', true) >= 15);
    assert.ok(check(text, 'crafted.yaml', true, true) >= 15, 'after the parse cache or a worker thread');
  });

  it('anchors and aliases leave the answer to the AST', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  a: &w yes\n  b: *w\n  c: on\n';
    const doc = parseSource(new SourceFile('anchors.yaml', text)).docs[0]!;
    assert.equal((doc as unknown as { plainWords?: unknown }).plainWords, undefined);
    check(text, 'anchors.yaml', false);
  });

  it('a document with many words (indexed record)', () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: many', 'data:'];
    for (let i = 0; i < 300; i++) lines.push(i % 3 === 0 ? `  k${i}: "yes"` : `  k${i}: ${['on', 'No', 'y'][i % 3]}`);
    assert.equal(check(lines.join('\n') + '\n', 'many.yaml', true), 300);
    assert.equal(check(lines.join('\n') + '\n', 'many.yaml', true, true), 300);
  });

  it('every corpus document, booleans written as words', (t) => {
    if (!existsSync(CORPUS)) return t.skip('../shared/corpus is absent');
    let answered = 0;
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir)) {
        if (e === '.git') continue;
        const p = join(dir, e);
        const s = statSync(p);
        if (s.isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e) && s.size < 2_000_000) {
          // the corpus writes true/false: as yes/off (plain, quoted, in flow collections) they are watched words
          const text = readFileSync(p, 'utf8')
            .replace(/: true(?=\s|,|\}|$)/gm, ': yes')
            .replace(/: false(?=\s|,|\}|$)/gm, ': "off"')
            .replace(/- true$/gm, '- on');
          if (text.includes('\0')) continue;
          try {
            answered += check(text, p, true);
            check(text, p, true, true);
          } catch (err) {
            if (err instanceof assert.AssertionError) throw err;
          }
        }
      }
    };
    walk(CORPUS);
    assert.ok(answered > 0, 'some corpus words were answered by the record');
  });
});

describe('the record after the parse cache and in worker threads', () => {
  it('a warm run whose checks are not cached, and a worker run, give the cold output and parse no AST', () => {
    const dir = mkdtempSync(join(tmpdir(), 'talium-plain-words-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'talium-plain-words-cache-'));
    try {
      const docs: string[] = [];
      for (let i = 0; i < 300; i++) docs.push(`---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  labels: {on: ${i % 2 ? 'off' : '"off"'}}\ndata:\n  b: yes\n  c: "no"\n`);
      writeFileSync(join(dir, 'big.yaml'), docs.join(''));
      const crd = (extra: string) =>
        `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: foos.example.com\nspec:\n  group: example.com\n  names: {kind: Foo, plural: foos}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n${extra}`;
      writeFileSync(join(dir, 'crd.yaml'), crd(''));
      const env = { TALIUM_CACHE_DIR: cacheDir, TALIUM_TIMING: '1' };
      const run = (...extra: string[]) => {
        const r = spawnCli(['lint', '--format', 'json', ...extra], { cwd: dir, env });
        assert.equal(r.code, 1, r.stderr);
        const parses = /files parsed with eemeli\/yaml for positions: (\d+)(?: \(workers: (\d+)\))?/.exec(r.stderr);
        assert.ok(parses, r.stderr);
        return { out: r.stdout, parses: Number(parses[1]) + Number(parses[2] ?? 0), stderr: r.stderr };
      };
      const cold = run('--no-cache');
      assert.equal(cold.parses, 0);
      assert.equal((JSON.parse(cold.out) as { diagnostics: Array<{ ruleId: string }> }).diagnostics.filter((d) => d.ruleId === 'schema/yaml11-boolean').length, 450);
      assert.equal(run().out, cold.out);
      // the repository's CRDs are part of every file's check key: big.yaml comes from the parse cache, unchecked
      writeFileSync(join(dir, 'crd.yaml'), crd('            x-kubernetes-preserve-unknown-fields: true\n'));
      const warm = run();
      assert.match(warm.stderr, /parse cache 1 hits/);
      assert.match(warm.stderr, /\(0 files' results cached\)/);
      assert.equal(warm.parses, 0, 'the record came back with the cached documents');
      const coldAgain = run('--no-cache');
      assert.equal(warm.out, coldAgain.out);
      const workers = run('--no-cache', '--workers', '2');
      assert.equal(workers.parses, 0);
      assert.equal(workers.out, coldAgain.out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
