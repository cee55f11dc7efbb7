/**
 * Bulk suppressions (src/lint/bulk-suppressions.ts and `talium lint --suppress-all / --prune-suppressions`):
 * counts per file and rule, more findings than recorded report them all, infos and internal errors never counted,
 * stale entries, pruning, byte-stable file, malformed files (exit 2), and the CLI end to end.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Diagnostic, Severity } from '../src/core/diagnostic.js';
import { applyBulkSuppressions, formatSuppressions, parseSuppressions, updateSuppressions, type BulkSuppressions } from '../src/lint/bulk-suppressions.js';
import { runCli, spawnCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-bulk-');
after(repos.cleanup);

const diag = (file: string, ruleId: string, line: number, severity: Severity = 'error'): Diagnostic => ({ ruleId, severity, message: 'm', help: 'h.', file, range: { start: { line, column: 1 }, end: { line, column: 2 } } });
const entries = (o: Record<string, Record<string, number>>): BulkSuppressions => new Map(Object.entries(o).map(([f, r]) => [f, new Map(Object.entries(r))]));
const where = (list: readonly Diagnostic[]): string[] => list.map((d) => `${d.file}:${d.range.start.line} ${d.ruleId}`);

describe('bulk suppressions (unit)', () => {
  const now = [diag('a.yaml', 'x/one', 1), diag('a.yaml', 'x/one', 2), diag('a.yaml', 'x/two', 3, 'warning'), diag('b.yaml', 'x/one', 1), diag('b.yaml', 'x/info', 2, 'info'), diag('b.yaml', 'lint/internal-error', 3)];
  const linted = new Set(['a.yaml', 'b.yaml', 'c.yaml']);

  it('suppresses a file\'s findings of a rule up to the recorded count; beyond it, all of them are reported', () => {
    const r = applyBulkSuppressions(now, entries({ 'a.yaml': { 'x/one': 2, 'x/two': 1 }, 'b.yaml': { 'x/one': 1, 'x/info': 1, 'lint/internal-error': 1 } }), linted, 'bulk.json');
    assert.deepEqual(where(r.kept), ['b.yaml:2 x/info', 'b.yaml:3 lint/internal-error']);
    assert.deepEqual(where(r.suppressed), ['a.yaml:1 x/one', 'a.yaml:2 x/one', 'a.yaml:3 x/two', 'b.yaml:1 x/one']);
    assert.ok(r.suppressed.every((d) => d.suppression.kind === 'bulk' && d.suppression.file === 'bulk.json'));
    const over = applyBulkSuppressions(now, entries({ 'a.yaml': { 'x/one': 1 } }), linted, 'bulk.json');
    assert.deepEqual(where(over.kept).filter((w) => w.startsWith('a.yaml')), ['a.yaml:1 x/one', 'a.yaml:2 x/one', 'a.yaml:3 x/two']);
  });

  it('a run over the whole folder names entries recorded higher than what occurs now (a file gone counts 0); a run over some paths judges none', () => {
    const list = entries({ 'a.yaml': { 'x/one': 3 }, 'c.yaml': { 'x/one': 1 }, 'gone.yaml': { 'x/one': 5 } });
    assert.deepEqual(applyBulkSuppressions(now, list, linted, 'bulk.json').stale, [
      { file: 'a.yaml', ruleId: 'x/one', recorded: 3, now: 2 },
      { file: 'c.yaml', ruleId: 'x/one', recorded: 1, now: 0 },
      { file: 'gone.yaml', ruleId: 'x/one', recorded: 5, now: 0 },
    ]);
    assert.deepEqual(applyBulkSuppressions(now, list, undefined, 'bulk.json').stale, []);
  });

  it('--suppress-all records current counts (errors and warnings); --prune lowers and drops; files gone are dropped by both', () => {
    const old = entries({ 'a.yaml': { 'x/one': 5, 'x/gone': 1 }, 'c.yaml': { 'x/one': 1 }, 'gone.yaml': { 'x/one': 5 } });
    assert.equal(formatSuppressions(updateSuppressions(old, now, linted, 'all')), formatSuppressions(entries({ 'a.yaml': { 'x/one': 2, 'x/two': 1 }, 'b.yaml': { 'x/one': 1 } })));
    assert.equal(formatSuppressions(updateSuppressions(old, now, linted, 'prune')), formatSuppressions(entries({ 'a.yaml': { 'x/one': 2 } })));
  });

  it('the file: sorted keys whatever the insertion order, read back the same; malformed ones are named', () => {
    const text = formatSuppressions(entries({ 'z.yaml': { 'b/r': 1, 'a/r': 2 }, 'a.yaml': { 'c/r': 3 } }));
    assert.equal(text, '{\n  "version": 1,\n  "suppressions": {\n    "a.yaml": {\n      "c/r": {\n        "count": 3\n      }\n    },\n    "z.yaml": {\n      "a/r": {\n        "count": 2\n      },\n      "b/r": {\n        "count": 1\n      }\n    }\n  }\n}\n');
    assert.equal(formatSuppressions(parseSuppressions(text) as BulkSuppressions), text);
    // keys as a hand might write them: ./ and backslashes read as talium reports paths
    const hand = parseSuppressions('{"version": 1, "suppressions": {"./apps/a.yaml": {"x/y": {"count": 1}}, "apps\\\\a.yaml": {"x/y": {"count": 2}}}}') as BulkSuppressions;
    assert.deepEqual([...hand.entries()].map(([f, m]) => [f, [...m]]), [['apps/a.yaml', [['x/y', 3]]]]);
    for (const bad of ['{', '[]', '{"version": 2, "suppressions": {}}', '{"version": 1, "suppressions": {"a.yaml": []}}', '{"version": 1, "suppressions": {"a.yaml": {"x/y": {"count": 0}}}}', '{"version": 1, "suppressions": {"a.yaml": {"x/y": {"count": 1.5}}}}']) {
      assert.equal(typeof parseSuppressions(bad), 'string', bad);
    }
    // each problem starts with its line:column in the file
    const at = (t: string) => /^(\d+):(\d+): /.exec(parseSuppressions(t) as string)?.slice(1).map(Number);
    assert.deepEqual(at('{\n  "version": 1,\n<<<<<<< HEAD\n}'), [3, 1]);
    assert.deepEqual(at('{"version": 1,\n "suppressions": {\n  "a.yaml": {"x/y": {"count": 0}}}}'), [3, 14]);
    assert.deepEqual(at('{"version": 1,\n "suppressions": {\n\n   "b.yaml": []}}'), [4, 4]);
    assert.deepEqual(at('[]'), [1, 1]);
  });
});

interface Out {
  diagnostics: Array<{ ruleId: string; file: string; range: { start: { line: number } } }>;
  suppressed?: Array<{ ruleId: string; file: string; range: { start: { line: number } }; suppression: Record<string, unknown> }>;
}

const places = (list: Out['diagnostics']): string[] => list.map((d) => `${d.file}:${d.range.start.line} ${d.ruleId}`);

const POOL = (name: string, block: string): string => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ${name}\nspec:\n  blocks:\n    - cidr: ${block}\n`;
const BAD = 'a: 1\nb: [1, 2\n';

async function lint(dir: string, args: string[] = []): Promise<{ code: number; out: Out; stderr: string }> {
  const r = await runCli(['lint', '--format', 'json', '--no-cache', ...args], { cwd: dir });
  return { code: r.code, out: r.stdout ? (JSON.parse(r.stdout) as Out) : { diagnostics: [] }, stderr: r.stderr };
}

describe('talium lint --suppress-all / --prune-suppressions (CLI)', () => {
  it('adopts a repository with findings, then fails only on what goes beyond them', async () => {
    // two overlapping pools (an error on the later one) and a syntax error
    const dir = repos.repo({ 'pools.yaml': `${POOL('a', '10.50.0.0/28')}---\n${POOL('b', '10.50.0.8/29')}`, 'broken.yaml': BAD });
    const before = await lint(dir);
    assert.equal(before.code, 1);
    const adopted = await lint(dir, ['--suppress-all']);
    assert.equal(adopted.code, 0);
    assert.deepEqual(adopted.out.diagnostics, []);
    const file = readFileSync(join(dir, 'talium-suppressions.json'), 'utf8');
    assert.deepEqual(Object.keys((JSON.parse(file) as { suppressions: object }).suppressions), ['broken.yaml', 'pools.yaml']);
    // the recording run says what it wrote (not only "suppressed by", as any later run does), and a second one that
    // it changed nothing
    const recorded = Object.values((JSON.parse(file) as { suppressions: Record<string, Record<string, { count: number }>> }).suppressions).flatMap((r) => Object.values(r)).reduce((n, e) => n + e.count, 0);
    assert.equal(recorded, before.out.diagnostics.length);
    assert.match(adopted.stderr, new RegExp(`^talium lint: wrote talium-suppressions\\.json: ${recorded} problems in 2 files recorded; commit it$`, 'm'));
    assert.match((await lint(dir, ['--suppress-all'])).stderr, new RegExp(`^talium lint: talium-suppressions\\.json is up to date \\(${recorded} problems in 2 files recorded\\)$`, 'm'));
    const quiet = await lint(dir);
    assert.equal(quiet.code, 0);
    // JSON still shows them, as suppressed, and by what
    assert.deepEqual(places(quiet.out.suppressed ?? []), places(before.out.diagnostics));
    assert.ok(quiet.out.suppressed?.every((d) => d.suppression['kind'] === 'bulk' && d.suppression['file'] === 'talium-suppressions.json'));
    // one more overlap in the same file: every finding of that rule in that file is reported again
    writeFileSync(join(dir, 'pools.yaml'), `${POOL('a', '10.50.0.0/28')}---\n${POOL('b', '10.50.0.8/29')}---\n${POOL('c', '10.50.0.4/30')}`);
    const more = await lint(dir);
    assert.equal(more.code, 1);
    const overlaps = more.out.diagnostics.filter((d) => d.file === 'pools.yaml');
    assert.ok(overlaps.length >= 2, JSON.stringify(more.out.diagnostics));
    // fixing things leaves slack: named on stderr, and --prune-suppressions takes it away
    writeFileSync(join(dir, 'pools.yaml'), POOL('a', '10.50.0.0/28'));
    writeFileSync(join(dir, 'broken.yaml'), 'a: 1\n');
    const slack = await lint(dir);
    assert.equal(slack.code, 0);
    assert.match(slack.stderr, /--prune-suppressions/);
    const pruned = await lint(dir, ['--prune-suppressions']);
    assert.equal(pruned.code, 0);
    assert.match(pruned.stderr, /^talium lint: updated talium-suppressions\.json: 0 problems in 0 files recorded$/m);
    assert.equal(readFileSync(join(dir, 'talium-suppressions.json'), 'utf8'), '{\n  "version": 1,\n  "suppressions": {}\n}\n');
    assert.doesNotMatch((await lint(dir)).stderr, /prune/);
  });

  it('--suppress-all over a clean repository writes no file and says so; --prune-suppressions without a file says there is none', async () => {
    const dir = repos.repo({ 'pools.yaml': POOL('a', '10.50.0.0/28') });
    const all = await lint(dir, ['--suppress-all']);
    assert.equal(all.code, 0);
    assert.equal(existsSync(join(dir, 'talium-suppressions.json')), false);
    assert.match(all.stderr, /^talium lint: no errors or warnings to record; talium-suppressions\.json not written$/m);
    const prune = await lint(dir, ['--prune-suppressions']);
    assert.equal(prune.code, 0);
    assert.equal(existsSync(join(dir, 'talium-suppressions.json')), false);
    assert.match(prune.stderr, /^talium lint: no talium-suppressions\.json to prune$/m);
  });

  it('JSON lists every silenced finding with its comment or the bulk file, the same when the run cache replays', async () => {
    const dir = repos.repo({
      'pools.yaml': `${POOL('a', '10.50.0.0/28')}---\n${POOL('b', '10.50.0.8/29')}`,
      'flags.yaml': 'a: yes # talium-disable-line yaml/truthy -- read by a YAML 1.1 tool on purpose\nb: no\n',
      'talium-suppressions.json': '{"version": 1, "suppressions": {"pools.yaml": {"network/pool-overlap": {"count": 1}}}}\n',
    });
    const runs = [];
    for (let i = 0; i < 2; i++) runs.push(await runCli(['lint', '--format', 'json'], { cwd: dir }));
    runs.push(spawnCli(['lint', '--format', 'json'], { cwd: dir, env: { TALIUM_TIMING: '1' } }));
    assert.match(runs[2]!.stderr, /run cache hit/);
    const outs = runs.map((r) => JSON.parse(r.stdout) as Out);
    assert.deepEqual(
      outs[0]!.suppressed?.map((d) => [d.file, d.range.start.line, d.ruleId, d.suppression]),
      [
        ['flags.yaml', 1, 'yaml/truthy', { kind: 'directive', directive: 'talium-disable-line', line: 1, reason: 'read by a YAML 1.1 tool on purpose' }],
        ['pools.yaml', 15, 'network/pool-overlap', { kind: 'bulk', file: 'talium-suppressions.json' }],
      ],
    );
    assert.deepEqual(places(outs[0]!.diagnostics), ['flags.yaml:2 yaml/truthy']);
    // the later runs replay the first (nothing changed): the same output, suppressed list included
    assert.equal(runs[2]!.stdout, runs[0]!.stdout);
  });

  it('a malformed or missing named file is a usage error; bad combinations too', async () => {
    const dir = repos.repo({ 'broken.yaml': BAD, 'talium-suppressions.json': '{"version": 1, "suppressions": {"broken.yaml": {"yaml/syntax": {"count": -1}}}}' });
    const r = await lint(dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /talium-suppressions\.json/);
    assert.equal((await lint(repos.repo({ 'a.yaml': 'a: 1\n' }), ['--suppressions-location', 'nope.json'])).code, 2);
    assert.equal((await lint(dir, ['--suppress-all', '--prune-suppressions'])).code, 2);
    assert.equal((await lint(dir, ['--suppress-all', '--only-files', 'broken.yaml'])).code, 2);
  });

  it('a malformed file stops --fix before it writes anything (before: the fix was written, then exit 2)', async () => {
    const talos = 'machine:\n  features:\n    kubePrism:\n      enabled: yes\n      port: 7445\n';
    // a merge conflict left in the file
    const dir = repos.repo({ 'talos/patch.yaml': talos, 'talium-suppressions.json': '<<<<<<< HEAD\n{"version": 1, "suppressions": {}}\n' });
    const r = await lint(dir, ['--fix']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /talium-suppressions\.json:1:1: /);
    assert.equal(readFileSync(join(dir, 'talos/patch.yaml'), 'utf8'), talos);
    // the same file with a usable suppressions file is fixed
    writeFileSync(join(dir, 'talium-suppressions.json'), '{"version": 1, "suppressions": {}}\n');
    assert.notEqual((await lint(dir, ['--fix'])).code, 2);
    assert.equal(readFileSync(join(dir, 'talos/patch.yaml'), 'utf8'), talos.replace('enabled: yes', 'enabled: true'));
  });

  it('a run over some paths neither records nor calls entries stale (it sees cross-file findings only partly)', async () => {
    const dir = repos.repo({ 'other/p1.yaml': POOL('p1', '10.60.0.0/28'), 'sub/p2.yaml': POOL('p2', '10.60.0.8/29') });
    assert.equal((await lint(dir, ['--suppress-all'])).code, 0);
    const recorded = readFileSync(join(dir, 'talium-suppressions.json'), 'utf8');
    assert.match(recorded, /sub\/p2\.yaml/);
    const part = await lint(dir, ['sub']);
    assert.equal(part.code, 0);
    assert.doesNotMatch(part.stderr, /prune/);
    assert.equal((await lint(dir, ['sub', '--prune-suppressions'])).code, 2);
    assert.equal((await lint(dir, ['sub', '--suppress-all'])).code, 2);
    assert.equal(readFileSync(join(dir, 'talium-suppressions.json'), 'utf8'), recorded);
  });

  it('a renamed file: its old entry is named, and pruned; the file is rewritten only when its text changes, keeping mode and symlink', async () => {
    const dir = repos.repo({ 'ci/known.json': '', 'broken.yaml': BAD });
    rmSync(join(dir, 'ci/known.json'));
    assert.equal((await lint(dir, ['--suppress-all', '--suppressions-location', 'ci/known.json'])).code, 0);
    symlinkSync('ci/known.json', join(dir, 'talium-suppressions.json'));
    chmodSync(join(dir, 'ci/known.json'), 0o664);
    renameSync(join(dir, 'broken.yaml'), join(dir, 'renamed.yaml'));
    const moved = await lint(dir);
    assert.equal(moved.code, 1);
    assert.match(moved.stderr, /broken\.yaml yaml\/\S+, 1 recorded, 0 now/);
    assert.equal((await lint(dir, ['--suppress-all'])).code, 0);
    const text = readFileSync(join(dir, 'ci/known.json'), 'utf8');
    assert.doesNotMatch(text, /broken\.yaml/);
    assert.match(text, /renamed\.yaml/);
    assert.ok(lstatSync(join(dir, 'talium-suppressions.json')).isSymbolicLink());
    assert.equal(statSync(join(dir, 'ci/known.json')).mode & 0o777, 0o664);
    const before = statSync(join(dir, 'ci/known.json'), { bigint: true });
    assert.equal((await lint(dir, ['--prune-suppressions'])).code, 0);
    const after = statSync(join(dir, 'ci/known.json'), { bigint: true });
    assert.deepEqual([after.ino, after.mtimeNs], [before.ino, before.mtimeNs]);
  });

  it('--suppress-all on a clean repository writes no file', async () => {
    const dir = repos.repo({ 'ok.yaml': 'a: 1\n' });
    assert.equal((await lint(dir, ['--suppress-all'])).code, 0);
    assert.ok(!existsSync(join(dir, 'talium-suppressions.json')));
  });

  it('--suppressions-location writes and reads another file', async () => {
    const dir = repos.repo({ 'broken.yaml': BAD });
    assert.equal((await lint(dir, ['--suppress-all', '--suppressions-location', 'known.json'])).code, 0);
    assert.ok(existsSync(join(dir, 'known.json')));
    assert.ok(!existsSync(join(dir, 'talium-suppressions.json')));
    assert.equal((await lint(dir)).code, 1);
    assert.equal((await lint(dir, ['--suppressions-location', 'known.json'])).code, 0);
  });
});
