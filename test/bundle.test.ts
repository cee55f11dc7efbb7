/**
 * The bin runs the esbuild bundle (dist/src/bundle) when the build made one: it must say exactly what the plain tsc
 * output says, on the test fixtures and (where ../shared is present) on the real-repository corpus, and find its
 * files (schemas, package.json, the worker entry) from its own location.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = process.cwd();
const BIN = path.join(ROOT, 'scripts', 'talium.cjs');
const BUNDLE = path.join(ROOT, 'dist', 'src', 'bundle', 'main.js');
const CORPUS = path.resolve(ROOT, '../shared/corpus');

function run(args: string[], cwd: string, unbundled: boolean): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  if (unbundled) env['TALIUM_UNBUNDLED'] = '1';
  else delete env['TALIUM_UNBUNDLED'];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('npm run build produced the bundle', () => {
  assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: is esbuild installed?`);
  assert.ok(existsSync(path.join(ROOT, 'dist', 'src', 'bundle', 'parse-worker.js')), 'the worker entry is bundled next to main.js');
});

for (const [name, cwd, extra] of [
  ['test fixtures', path.join(ROOT, 'test', 'fixtures'), []],
  ['test fixtures with worker threads', path.join(ROOT, 'test', 'fixtures'), ['--workers', '2']],
  ['the corpus', CORPUS, []],
] as Array<[string, string, string[]]>) {
  test(`bundled and unbundled lint agree on ${name}`, (t) => {
    if (!existsSync(cwd)) {
      t.skip(`${cwd} not present`);
      return;
    }
    const a = run(['lint', '--format', 'json', ...extra], cwd, false);
    const b = run(['lint', '--format', 'json', ...extra], cwd, true);
    assert.equal(a.stderr, '', a.stderr);
    assert.equal(a.code, b.code);
    const da = JSON.parse(a.stdout) as { diagnostics: unknown[]; summary: { files: number } };
    assert.ok(da.summary.files > 10, 'the tree was read');
    assert.ok(da.diagnostics.length > 0, 'the fixtures have findings to compare');
    assert.equal(a.stdout, b.stdout);
  });
}

test('bundled: version, generate --check and schemas are found from the bundle location', () => {
  const v = run(['--version'], ROOT, false);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^talium \d+\.\d+\.\d+/);
  const g = run(['generate', '--check'], ROOT, false);
  assert.equal(g.code, 0, g.stdout + g.stderr);
  // a Cilium pool typo is a schema finding only when the bundled code found schemas/
  const s = run(['lint', '--format', 'json'], path.join(ROOT, 'test', 'fixtures', 'schema'), false);
  assert.ok((JSON.parse(s.stdout) as { diagnostics: Array<{ ruleId: string }> }).diagnostics.some((d) => d.ruleId === 'schema/unknown-field'));
});

test('scripts/talium.js, kept for those who run it directly, runs the same CLI as the bin (scripts/talium.cjs)', () => {
  const alias = (args: string[], cwd: string) => spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'talium.js'), ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const fixtures = path.join(ROOT, 'test', 'fixtures');
  const a = alias(['lint', '--format', 'json', '--no-cache'], fixtures);
  const b = run(['lint', '--format', 'json', '--no-cache'], fixtures, false);
  assert.equal(a.stderr, '', a.stderr);
  assert.equal(a.status, b.code);
  assert.ok((JSON.parse(a.stdout) as { diagnostics: unknown[] }).diagnostics.length > 0);
  assert.equal(a.stdout, b.stdout);
  const v = alias(['--version'], ROOT);
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^talium \d+\.\d+\.\d+/);
  // a failing command's exit code passes through
  assert.equal(alias(['lint', 'no-such-path-talium'], ROOT).status, run(['lint', 'no-such-path-talium'], ROOT, false).code);
});
