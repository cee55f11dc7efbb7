/**
 * schema/string-maps.ts: where it says a value is a string map's (so schema/yaml11-boolean skips validating the object
 * again with the word read as a boolean), the validator must say so too: a boolean there is a type error expecting a
 * string, at that path. Held to the kubernetes-models validators on a probe object of every kind of the core package,
 * on crafted shapes, and on every corpus object of those kinds (skipped when ../shared/corpus is absent).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { Path } from '../src/core/document.js';
import { SourceFile } from '../src/core/source.js';
import { parseSource } from '../src/lint/parse.js';
import { ajvIssues } from '../src/schema/errors.js';
import { ModelIndex, type ModelEntry } from '../src/schema/k8s-models.js';
import { stringMapLeaf } from '../src/schema/string-maps.js';
import { replaceAt } from '../src/schema/yaml11.js';
import { CORPUS, yamlFilesUnder } from '../src/testing/schema-upstream.js';

const models = new ModelIndex();

/** The validator's verdict on `path` of `root` with a boolean there: a type error expecting a string, there. */
function failsAsString(m: ModelEntry, root: unknown, path: Path): boolean {
  const fn = models.validator(m);
  assert.ok(fn, `${m.apiVersion} ${m.kind}: validator`);
  const asGo = replaceAt(root, path, true);
  const issues = fn(asGo) ? [] : ajvIssues(fn.errors, asGo);
  return issues.some((i) => i.ruleId === 'schema/type' && String(i.data['expected']).includes('string') && i.path.length === path.length && i.path.every((s, k) => s === path[k]));
}

/** Every path of a string-map value stringMapLeaf claims in `root` (each string leaf is asked). */
function claimed(leaf: (root: unknown, path: Path) => boolean, root: unknown): Path[] {
  const out: Path[] = [];
  const walk = (v: unknown, path: Path): void => {
    if (typeof v === 'string' && leaf(root, path)) out.push(path);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(root, []);
  return out;
}

function coreKinds(): ModelEntry[] {
  const index = JSON.parse(readFileSync(resolve(process.cwd(), 'dist/schema-validators/model-kinds.json'), 'utf8')) as { kinds: Record<string, Array<[string, string, string]>> };
  const out: ModelEntry[] = [];
  for (const list of Object.values(index.kinds)) {
    for (const [kind, apiVersion] of list) {
      const m = models.find(apiVersion, kind);
      if (m?.source === 'kubernetes-models') out.push(m);
    }
  }
  return out;
}

describe('string maps (schema/yaml11-boolean without a second validation)', () => {
  it('holds on a probe object of every kind of the kubernetes-models package', () => {
    const kinds = coreKinds();
    assert.ok(kinds.length > 100, `core kinds: ${kinds.length}`);
    let claims = 0;
    for (const m of kinds) {
      const leaf = stringMapLeaf(m);
      const root = {
        apiVersion: m.apiVersion,
        kind: m.kind,
        metadata: { name: 'x', labels: { a: 'yes' }, annotations: { 'example.com/b': 'on' } },
        data: { c: 'no' },
        binaryData: { d: 'off' },
        stringData: { e: 'y' },
      };
      const metaPaths: Path[] = [
        ['metadata', 'labels', 'a'],
        ['metadata', 'annotations', 'example.com/b'],
      ];
      for (const p of leaf ? claimed(leaf, root) : []) {
        claims++;
        assert.ok(failsAsString(m, root, p), `${m.apiVersion} ${m.kind} ${p.join('.')}: the validator agrees`);
      }
      // the table leaves out no kind whose ObjectMeta the validator checks (else the exception list is too long)
      for (const p of metaPaths) if (failsAsString(m, root, p)) assert.ok(leaf?.(root, p), `${m.apiVersion} ${m.kind} ${p.join('.')}: claimed`);
    }
    assert.ok(claims > 200, `claims: ${claims}`);
  });

  it('claims only a value of a mapping, under the field itself', () => {
    const cm = models.find('v1', 'ConfigMap')!;
    const leaf = stringMapLeaf(cm)!;
    const yes = (root: unknown, path: Path) => [leaf(root, path), failsAsString(cm, root, path)];
    assert.deepEqual(yes({ data: { a: 'yes' } }, ['data', 'a']), [true, true]);
    assert.deepEqual(yes({ binaryData: { a: 'yes' } }, ['binaryData', 'a']), [true, true]);
    assert.deepEqual(yes({ data: { 'a/b~c': 'yes' } }, ['data', 'a/b~c']), [true, true]);
    assert.deepEqual(yes({ data: { '0': 'yes' } }, ['data', '0']), [true, true]);
    assert.deepEqual(yes({ metadata: { labels: { a: 'on' } } }, ['metadata', 'labels', 'a']), [true, true]);
    // not a map there: the validator stops at the container (a type error expecting an object)
    assert.deepEqual(yes({ data: ['yes'] }, ['data', 0]), [false, false]);
    assert.deepEqual(yes({ metadata: [{ labels: { a: 'on' } }] }, ['metadata', 0, 'labels', 'a']), [false, false]);
    assert.equal(leaf({ data: { a: { b: 'yes' } } }, ['data', 'a', 'b']), false);
    assert.equal(leaf({ stringData: { a: 'yes' } }, ['stringData', 'a']), false, 'a ConfigMap has no stringData');
    assert.equal(leaf({ data: { a: 'yes' } }, ['data']), false);
    // a key replaceAt cannot put a boolean under: left to the validator
    assert.equal(leaf(JSON.parse('{"data":{"__proto__":"yes"}}'), ['data', '__proto__']), false);
    const secret = stringMapLeaf(models.find('v1', 'Secret')!)!;
    assert.equal(secret({ stringData: { a: 'yes' } }, ['stringData', 'a']), true);
    assert.equal(stringMapLeaf({ apiVersion: 'v1', kind: 'ConfigMapList', module: '', source: 'kubernetes-models' }), undefined, 'a list has ListMeta');
    assert.equal(stringMapLeaf(models.find('apps/v1beta1', 'DeploymentRollback')!), undefined, 'no metadata');
    const release = models.find('helm.toolkit.fluxcd.io/v2', 'HelmRelease');
    if (release) assert.equal(stringMapLeaf(release), undefined, 'other packages: their metadata is not known to be ObjectMeta');
  });

  it('holds on every corpus object of the core package, each string-map value read as a boolean', (t) => {
    if (!existsSync(CORPUS)) return t.skip('../shared/corpus is absent');
    let claims = 0;
    const files = yamlFilesUnder(CORPUS);
    for (const f of files) {
      const parsed = parseSource(new SourceFile(f, readFileSync(f, 'utf8')));
      for (const d of parsed.docs) {
        if (d.docClass !== 'k8s' || !d.apiVersion || !d.kind) continue;
        const m = models.find(d.apiVersion, d.kind);
        const leaf = m && stringMapLeaf(m);
        if (!leaf) continue;
        for (const p of claimed(leaf, d.parsed)) {
          claims++;
          assert.ok(failsAsString(m, d.parsed, p), `${f} ${d.kind} ${p.join('.')}: the validator agrees`);
        }
      }
    }
    assert.ok(claims > 50, `corpus claims: ${claims}`);
  });
});
