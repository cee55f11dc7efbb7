/**
 * The YAML reading paths under a seeded fuzzer (src/testing/fuzz-reading.ts; long runs: scripts/fuzz-reading.ts),
 * a fixed seed and a small budget, and the minimal cases of what it found, each pinned by rule id and position.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { SourceFile } from '../src/core/source.js';
import { checkBytes } from '../src/lint/guard.js';
import { goTabFindings } from '../src/lint/go-tabs.js';
import { parseSource } from '../src/lint/parse.js';
import { runCli } from '../src/testing/cli.js';
import { fuzz, loadSamples, makeCase, rng } from '../src/testing/fuzz-reading.js';
import { cpuMsSince, cpuStart } from '../src/testing/cpu-time.js';

const root = mkdtempSync(join(tmpdir(), 'talium-fuzz-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

const at = (text: string): string[] =>
  parseSource(new SourceFile('x.yaml', text)).findings.map((f) => `${f.ruleId} ${String(f.data?.['code'] ?? '')} ${f.range!.start.line}:${f.range!.start.column}-${f.range!.end.line}:${f.range!.end.column}`);

async function lintDir(files: Record<string, string | Buffer>): Promise<string[]> {
  const dir = mkdtempSync(join(root, 'r-'));
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), body);
  }
  const r = await runCli(['lint', '.', '--format', 'json', '--no-cache'], { cwd: dir });
  const out = JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; file: string; range: { start: { line: number; column: number }; end: { line: number; column: number } } }> };
  return out.diagnostics.map((d) => `${d.file} ${d.ruleId} ${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column}`);
}

describe('fuzz-found: positions the same whatever the line ends', () => {
  it('text after `...` with CRLF ends at the line text, not on its CR', () => {
    const want = ['yaml/syntax CONTENT_AFTER_DOCUMENT_END 3:1-3:5'];
    assert.deepEqual(at('a: 1\n...\nb: 2\n'), want);
    assert.deepEqual(at('a: 1\r\n...\r\nb: 2\r\n'), want);
    assert.deepEqual(at('a: 1\r...\rb: 2\r'), want);
  });

  it('`---#c` on the first line with CRLF: the finding ends at the comment end', () => {
    assert.deepEqual(at('---#c\na: 1\n'), ['yaml/syntax INVALID_SEPARATOR 1:4-1:6']);
    assert.deepEqual(at('---#c\r\na: 1\r\n'), ['yaml/syntax INVALID_SEPARATOR 1:4-1:6']);
  });

  it("a parser error on a line's break covers the whole CRLF, as it covers the LF (ends at the next line's start)", () => {
    const want = ['yaml/tabs TAB_AS_INDENT 3:1-3:4', 'yaml/syntax BLOCK_AS_IMPLICIT_KEY 2:5-3:1', 'yaml/syntax MULTILINE_IMPLICIT_KEY 3:4-3:5', 'yaml/syntax MISSING_CHAR 3:4-4:1'];
    assert.deepEqual(at('x:\n  a:\n\t  - b\n'), want);
    assert.deepEqual(at('x:\r\n  a:\r\n\t  - b\r\n'), want);
    const f = new SourceFile('x.yaml', 'ab\r\ncd');
    assert.deepEqual(f.rangeOf(2, 3), { start: { line: 1, column: 3 }, end: { line: 2, column: 1 } });
    assert.deepEqual(f.rangeOf(0, 2), { start: { line: 1, column: 1 }, end: { line: 1, column: 3 } });
  });
});

describe('fuzz-found: a leading byte-order mark is no column in byte findings', () => {
  it('a NUL byte after a BOM is placed where it is without the BOM (SourceFile strips it)', async () => {
    for (const body of [Buffer.from('a: \0\n'), Buffer.from('\ufeffa: \0\n')]) {
      const p = checkBytes(body, 1 << 20) as { problem: { ruleId: string; position: unknown } };
      assert.deepEqual([p.problem.ruleId, p.problem.position], ['yaml/binary', { line: 1, column: 4 }]);
    }
    assert.deepEqual(await lintDir({ 'talos/p.yaml': '\ufeffa: \0\n' }), ['talos/p.yaml yaml/binary 1:4-1:4']);
  });

  it('invalid UTF-8 after a BOM, and on a later line (the BOM counts on line 1 only)', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const cases: Array<[Buffer, { line: number; column: number }]> = [
      [Buffer.concat([bom, Buffer.from('a: '), Buffer.from([0xff])]), { line: 1, column: 4 }],
      [Buffer.concat([bom, Buffer.from('a: 1\nb: '), Buffer.from([0xc3])]), { line: 2, column: 4 }],
      [Buffer.concat([bom, Buffer.from([0xff])]), { line: 1, column: 1 }],
    ];
    for (const [body, position] of cases) {
      const p = checkBytes(body, 1 << 20) as { problem: { ruleId: string; position: unknown } };
      assert.deepEqual([p.problem.ruleId, p.problem.position], ['yaml/encoding', position]);
    }
  });
});

describe('fuzzing the reading paths (fixed seed, small budget)', () => {
  const samples = loadSamples(resolve('../shared/corpus'), process.cwd());

  it('cases are reproducible from their seed', () => {
    const a = makeCase(samples, rng(77));
    const b = makeCase(samples, rng(77));
    assert.deepEqual(a, b);
    assert.ok(samples.some((s) => s.role === 'cluster') && samples.some((s) => s.role === 'talos') && samples.some((s) => s.role === 'app'));
  });

  it('no internal error, exception or slow file; every range inside its file; cache, workers, line-end variants and --fix agree', async (t) => {
    if (!samples.some((s) => s.origin.startsWith('corpus:'))) t.diagnostic('../shared/corpus is absent: built-in samples only');
    const report = await fuzz({ seed: 424242, cases: 48, root: join(root, 'fuzz'), samples, compareEvery: 12, fixEvery: 6, variantEvery: 3, msPerFile: 4000 });
    assert.equal(report.cases, 48);
    assert.deepEqual(
      report.failures.map((f) => ({ seed: f.seed, files: f.files.map((x) => `${x.path} ← ${x.origin} [${x.applied.join(', ')}]`), failures: f.failures })),
      [],
    );
  });
});

describe('fuzz-found: yaml/tabs in linear time', () => {
  // each tab line looked through every scalar, and re-read a block scalar's body from its header: 16,000 tab lines
  // after 16,000 scalars took 15 s, inside one literal block far longer; now a lookup each
  for (const [name, head, line, first, goError] of [
    ['after plain scalars', '', (i: number) => `k${i}: v\n\t\n`, 2, 'violates-indentation'],
    ['in one literal block', 'k: |\n  text\n', (i: number) => `  line ${i}\n\t\n`, 4, 'indentation-space-expected'],
  ] as const) {
    it(name, () => {
      const text = head + Array.from({ length: 16_000 }, (_, i) => line(i)).join('');
      const t0 = cpuStart();
      const found = goTabFindings(new SourceFile('x.yaml', text), new Set());
      const ms = cpuMsSince(t0);
      assert.equal(found.length, 16_000);
      for (const [k, f] of [[0, found[0]!], [15_999, found[15_999]!]] as const) {
        assert.deepEqual([f.ruleId, f.range!.start, f.data], ['yaml/tabs', { line: first + 2 * k, column: 1 }, { code: 'TAB_AS_INDENT', goError }]);
      }
      assert.ok(ms < 2000, `${Math.round(ms)} ms`);
    });
  }
});

describe('fuzz-found: a cluster.yaml with a pool repeated a thousand times', () => {
  it('no internal error (a spread of 700,000 pair findings overflowed the stack); pairs capped per block', async () => {
    const pool = '  - name: default\n    blocks:\n      - 192.168.50.224/28\n';
    const text = 'versions: {talos: 1.11.5, kubernetes: 1.32.9, cilium: 1.17.18}\ngitops: {engine: flux, repository: https://github.com/example/homelab.git}\nlan: {cidr: 192.168.50.0/24, gateway: 192.168.50.1}\ncluster: {endpoint: "https://192.168.50.20:6443"}\nnodes:\n  - {name: cp-1, role: controlplane, address: 192.168.50.20, nic: enp2s0}\npools:\n' + pool.repeat(1200);
    const dir = mkdtempSync(join(root, 'pools-'));
    mkdirSync(join(dir, 'clusters', 'x'), { recursive: true });
    writeFileSync(join(dir, 'clusters', 'x', 'cluster.yaml'), text);
    const r = await runCli(['lint', '.', '--format', 'json', '--no-cache'], { cwd: dir });
    const out = JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; range: { start: { line: number } }; data?: Record<string, unknown> }> };
    assert.equal(out.diagnostics.filter((d) => d.ruleId === 'lint/internal-error').length, 0);
    const pairs = out.diagnostics.filter((d) => d.ruleId === 'spec/pool-overlap');
    // pools[k] overlaps k earlier ones: min(k, 6) findings each
    assert.equal(pairs.length, 1 + 2 + 3 + 4 + 5 + 6 * (1199 - 5));
    const of7 = pairs.filter((d) => d.data?.['second'] === 'pools[7].blocks[0]');
    assert.deepEqual(of7.map((d) => [d.range.start.line, d.data?.['first'], d.data?.['more']]), [
      [8 + 7 * 3 + 2, 'pools[0].blocks[0]', undefined],
      [8 + 7 * 3 + 2, 'pools[1].blocks[0]', undefined],
      [8 + 7 * 3 + 2, 'pools[2].blocks[0]', undefined],
      [8 + 7 * 3 + 2, 'pools[3].blocks[0]', undefined],
      [8 + 7 * 3 + 2, 'pools[4].blocks[0]', undefined],
      [8 + 7 * 3 + 2, 'pools[5].blocks[0]', 1],
    ]);
    assert.equal(pairs.find((d) => d.data?.['second'] === 'pools[1199].blocks[0]' && d.data?.['more'])?.data?.['more'], 1193);
  });
});

describe('fuzz-found: a document eemeli/yaml runs out of stack on gives the same findings on every run', () => {
  it('tab-indented keys that eemeli/yaml nests 6,000 deep: the same findings on every run and from any call depth, cut at the parsers\' limit', () => {
    // before: 2,757 / 2,910 / 3,420 ... findings in five runs of one process (where the stack ran out varied); the
    // text nests two levels, eemeli/yaml's reading of it thousands: its syntax tree is cut at MAX_PARSE_DEPTH
    const text = 'kind: A\nspec:\n' + '\texternalIPs: true\n  loadBalancerIPs: true\n\n'.repeat(6000);
    const first = at(text);
    assert.deepEqual(first.filter((f) => f.startsWith('yaml/too-deep')), ['yaml/too-deep  816:15-816:15']);
    assert.ok(first.length < 1000, `${first.length} findings`);
    assert.deepEqual(first.at(-1), 'yaml/too-deep  816:15-816:15');
    for (let i = 0; i < 3; i++) assert.deepEqual(at(text), first);
    const burn = (n: number): string[] => (n === 0 ? at(text) : burn(n - 1));
    assert.deepEqual(burn(3000), first);
  });
});
