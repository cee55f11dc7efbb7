/**
 * Property test: whatever cluster.yaml holds (random leaves swapped into a valid spec, random YAML text), loading
 * never throws, every finding has a position and rule id, and a spec that loads without errors always generates;
 * lint's reading of the file handed to the loader gives exactly the findings of the loader's own parse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { toDiagnostic } from '../src/core/finding.js';
import { generate } from '../src/generate/run.js';
import { loadText } from '../src/lint/load-file.js';
import { loadClusterSpec } from '../src/spec/load.js';

const BASE = parse(readFileSync(join(process.cwd(), 'clusters/homelab/cluster.yaml'), 'utf8')) as Record<string, unknown>;

type Leaf = { path: (string | number)[] };
function leaves(v: unknown, path: (string | number)[] = []): Leaf[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, [...path, i]));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]));
  return [{ path }];
}
const LEAVES = leaves(BASE);

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string, unknown>;
  let cur: any = copy;
  for (const seg of path.slice(0, -1)) cur = cur[seg];
  cur[path[path.length - 1]!] = value;
  return copy;
}

const addressLike = fc.oneof(
  fc.ipV4(),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([a, p]) => `${a}/${p}`),
  fc.tuple(fc.ipV4(), fc.ipV4()).map(([a, b]) => `${a}-${b}`),
  fc.ipV6(),
  fc.constantFrom('10.50.0.11', '10.50.0.0/24', '10.50.0.255', '10.50.0.200-10.50.0.239', '1.20', 'v1.14.1', 'tagged', 'worker', 'argocd', '5s', '0s'),
);
const anyLeaf = fc.oneof(addressLike, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }));

function loadAndGenerate(text: string): void {
  const r = loadClusterSpec(text, { name: 'prop', displayPath: 'prop.yaml' });
  for (const f of r.findings) {
    const d = toDiagnostic(f);
    assert.match(d.ruleId, /^spec\/[a-z0-9-]+$/);
    assert.ok(d.range.start.line >= 1 && d.range.start.column >= 1);
    assert.ok(d.message.length > 0 && d.help.endsWith('.'));
  }
  if (r.cluster) assert.ok(generate([r.cluster], { all: true }).files.size > 10);
  else assert.ok(r.findings.some((f) => f.severity === 'error'));
}

test('random leaf replacements never crash the loader or the generators', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: LEAVES.length - 1 }), anyLeaf), { minLength: 1, maxLength: 4 }), (edits) => {
      let spec: unknown = BASE;
      for (const [i, v] of edits) spec = setAt(spec, LEAVES[i]!.path, v);
      loadAndGenerate(stringify(spec));
    }),
    { numRuns: 300, seed: 20261126 },
  );
});

test('random text never crashes the loader', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (text) => loadAndGenerate(text)),
    { numRuns: 300, seed: 7 },
  );
});

test('a cluster.yaml with lone CR line endings (old Mac) loads as its LF form does, findings at the same positions', () => {
  const lf = readFileSync(join(process.cwd(), 'clusters/homelab/cluster.yaml'), 'utf8').replace(/\r\n/g, '\n');
  const brief = (text: string) => loadClusterSpec(text, { name: 'homelab', displayPath: 'cluster.yaml' }).findings.map(toDiagnostic).map((d) => `${d.range.start.line}:${d.range.start.column} ${d.ruleId}`);
  assert.deepEqual(brief(lf.replace(/\n/g, '\r')), brief(lf));
  const broken = lf.replace(/\n/, '\n  bad: [\n');
  assert.ok(brief(broken).length > 0);
  assert.deepEqual(brief(broken.replace(/\n/g, '\r')), brief(broken));
});

test('lint hands its reading of cluster.yaml to the spec loader: its AST, not parsed again, and the findings of the loader\'s own parse', () => {
  const path = 'clusters/prop/cluster.yaml';
  let handed = 0;
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: LEAVES.length - 1 }), anyLeaf), { maxLength: 3 }), (edits) => {
      let spec: unknown = BASE;
      for (const [i, v] of edits) spec = setAt(spec, LEAVES[i]!.path, v);
      const text = stringify(spec);
      const f = loadText(path, text);
      const parsed = f.docs[0]?.fileAst();
      // the fast reader read it (no fallback parse, no BOM skipped): lint's AST is the loader's plain reading
      if (!parsed) return;
      handed++;
      const errors = parsed.map((d) => d.errors.length);
      const fromLint = loadClusterSpec(f.source!, { name: 'prop', displayPath: path, parsed });
      assert.equal(fromLint.doc?.ast(), f.docs[0]!.ast(), 'the very document lint positions its findings with');
      assert.deepEqual(parsed.map((d) => d.errors.length), errors, 'lint\'s AST is left as it was');
      const own = loadClusterSpec(text, { name: 'prop', displayPath: path });
      assert.deepEqual(fromLint.findings.map(toDiagnostic), own.findings.map(toDiagnostic));
      assert.equal(fromLint.cluster === undefined, own.cluster === undefined);
    }),
    { numRuns: 150, seed: 20261129 },
  );
  assert.ok(handed > 100, `${handed} of 150 texts were handed over`);
  // a text the fast reader refused (a repeated key) is parsed by the fallback with other options: nothing is handed over
  assert.equal(loadText(path, 'lan: {}\nlan: {}\nnodes: []\n').docs[0]?.fileAst(), undefined);
});
