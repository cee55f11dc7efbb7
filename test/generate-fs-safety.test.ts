/**
 * generate never writes outside the repository and never half-writes it: a symbolic link on the way to a generated
 * file stops the run (generate/symlink) and the folder it points to is untouched byte for byte; a link at a generated
 * file's path is a foreign file (refused unless --force, which replaces the link, not its target); a folder at a
 * file's path, a file where a folder is needed and a read-only folder are generate/unwritable, checked before anything
 * is written; parallel runs do not trip over each other's stale-file removal or temp files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN, runCli } from '../src/testing/cli.js';
import { applyPlan, planWrite } from '../src/io/writer.js';
import { changeHomelabSpec as changeSpec, generatedScratch, treeSnapshot as snapshot } from '../src/testing/generate-scratch.js';

const ROOT = process.cwd();
const SPEC = 'clusters/homelab/cluster.yaml';
const VALUES = 'clusters/homelab/generated/kubernetes/cilium/values.yaml';
const POOLS = 'clusters/homelab/generated/kubernetes/cilium-config/pools.yaml';
const CP1 = 'clusters/homelab/generated/talos/nodes/cp-1.yaml';
const BASE = 'clusters/_base/flux/cilium/helmrelease.yaml';

/** A folder outside the repository, with a copy of `from` (or one file) in it. */
function outside(t: { after: (fn: () => void) => void }, from?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'talium-outside-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  if (from) cpSync(from, dir, { recursive: true });
  else writeFileSync(join(dir, 'mine.yaml'), 'not: talium\n');
  return dir;
}

type Diag = { ruleId: string; file: string; data?: Record<string, unknown>; range: { start: { line: number; column: number } } };

async function json(args: string[], cwd: string): Promise<{ code: number; stderr: string; diags: Diag[] }> {
  const r = await runCli([...args, '--format', 'json'], { cwd });
  return { code: r.code, stderr: r.stderr, diags: r.stdout ? (JSON.parse(r.stdout).diagnostics as Diag[]) : [] };
}

for (const folder of ['clusters/homelab/generated/talos', 'clusters/homelab/generated/kubernetes', 'clusters/homelab/generated']) {
  test(`a symlinked ${folder.slice('clusters/homelab/'.length)} folder to outside the repository: generate/symlink, nothing written anywhere`, async (t) => {
    const dir = await generatedScratch(t, 'talium-fssafe-');
    const evil = outside(t, join(dir, folder));
    rmSync(join(dir, folder), { recursive: true });
    symlinkSync(evil, join(dir, folder));
    rmSync(join(dir, BASE)); // first in path order: a half-writing run would re-create it
    // a talium file seen through the link is stale: it would be deleted through it
    cpSync(join(ROOT, CP1), join(evil, 'zz-stale.yaml'));
    changeSpec(dir);
    const repoBefore = snapshot(dir);
    const evilBefore = snapshot(evil);
    for (const args of [['generate'], ['generate', '--force'], ['generate', '--check']]) {
      const r = await json(args, dir);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      const sym = r.diags.filter((d) => d.ruleId === 'generate/symlink');
      assert.deepEqual(
        sym.map((d) => [d.file, d.range.start.line, d.range.start.column, d.data?.['reason'], d.data?.['at'], d.data?.['target']]),
        [[folder, 1, 1, 'symlink', folder, evil]],
        args.join(' '),
      );
      assert.ok((sym[0]!.data?.['blocks'] as number) >= 1);
      assert.deepEqual(snapshot(evil), evilBefore, `${args.join(' ')}: the folder outside the repository is untouched`);
      assert.deepEqual(snapshot(dir), repoBefore, `${args.join(' ')}: nothing written in the repository`);
    }
  });
}

test('a symlinked clusters/<name> folder is refused too (every component below the repository root is checked)', async (t) => {
  const dir = await generatedScratch(t, 'talium-fssafe-');
  const evil = outside(t, join(dir, 'clusters/homelab'));
  rmSync(join(dir, 'clusters/homelab'), { recursive: true });
  symlinkSync(evil, join(dir, 'clusters/homelab'));
  changeSpec(dir);
  const evilBefore = snapshot(evil);
  const r = await json(['generate'], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual([...new Set(r.diags.map((d) => `${d.ruleId} ${d.file}`))], ['generate/symlink clusters/homelab']);
  assert.deepEqual(snapshot(evil), evilBefore);
});

test('a symlink at a generated file path to a foreign file is refused unless --force; --force replaces the link, never its target', async (t) => {
  const dir = await generatedScratch(t, 'talium-fssafe-');
  const evil = outside(t);
  const target = join(evil, 'mine.yaml');
  rmSync(join(dir, CP1));
  symlinkSync(target, join(dir, CP1));
  rmSync(join(dir, POOLS)); // would be re-created by a successful run
  const evilBefore = snapshot(evil);
  const before = snapshot(dir);

  const check = await json(['generate', '--check'], dir);
  assert.equal(check.code, 1);
  assert.deepEqual(
    check.diags.map((d) => [d.ruleId, d.file, d.data?.['change'], d.data?.['reason'], d.data?.['symlink']]),
    [
      ['generate/drift', POOLS, 'create', undefined, undefined],
      ['generate/drift', CP1, 'update', 'foreign', true],
    ],
  );
  const refused = await json(['generate'], dir);
  assert.equal(refused.code, 1);
  assert.deepEqual(
    refused.diags.map((d) => [d.ruleId, d.file, d.range.start.line, d.data?.['reason'], d.data?.['symlink']]),
    [['generate/hand-edited', CP1, 1, 'foreign', true]],
  );
  assert.deepEqual(snapshot(dir), before, 'nothing written');
  assert.deepEqual(snapshot(evil), evilBefore);

  const forced = await json(['generate', '--force'], dir);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(lstatSync(join(dir, CP1)).isFile(), true, 'the link itself was replaced by a regular file');
  assert.equal(readFileSync(join(dir, CP1), 'utf8'), readFileSync(join(ROOT, CP1), 'utf8'));
  assert.deepEqual(snapshot(evil), evilBefore, 'the link target was never written');
  assert.equal(existsSync(join(dir, POOLS)), true);
});

test('a folder at a generated file path, or a file where a folder is needed: generate/unwritable, nothing written, exit 1', async (t) => {
  const dir = await generatedScratch(t, 'talium-fssafe-');
  rmSync(join(dir, CP1));
  mkdirSync(join(dir, CP1, 'inside'), { recursive: true });
  rmSync(join(dir, 'clusters/homelab/generated/bootstrap'), { recursive: true });
  writeFileSync(join(dir, 'clusters/homelab/generated/bootstrap'), 'a file\n');
  rmSync(join(dir, POOLS)); // comes before both in path order: a half-writing run would re-create it
  changeSpec(dir);
  const before = snapshot(dir);
  for (const args of [['generate'], ['generate', '--force'], ['generate', '--check']]) {
    const r = await json(args, dir);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.deepEqual(
      r.diags.filter((d) => d.ruleId === 'generate/unwritable').map((d) => [d.file, d.range.start.line, d.data?.['reason'], d.data?.['at'], d.data?.['path']]),
      [
        ['clusters/homelab/generated/bootstrap', 1, 'not-a-folder', 'clusters/homelab/generated/bootstrap', 'clusters/homelab/generated/bootstrap/cilium.sh'],
        [CP1, 1, 'not-a-file', CP1, CP1],
      ],
      args.join(' '),
    );
    assert.deepEqual(snapshot(dir), before, `${args.join(' ')} wrote nothing`);
  }
});

test('a read-only generated folder (EACCES): generate/unwritable naming it, nothing written, exit 1', async (t) => {
  const dir = await generatedScratch(t, 'talium-fssafe-');
  const ro = 'clusters/homelab/generated/kubernetes/cilium';
  rmSync(join(dir, POOLS));
  changeSpec(dir);
  const root = process.getuid?.() === 0;
  // root may write anywhere: run the CLI as nobody over a tree nobody may read but not write
  if (root) {
    chmodSync(dir, 0o755);
    for (const [p] of snapshot(dir)) if (p.endsWith('/')) chmodSync(join(dir, p), 0o755);
  } else {
    chmodSync(join(dir, ro), 0o555);
    t.after(() => chmodSync(join(dir, ro), 0o755));
  }
  const before = snapshot(dir);
  const launcher = `import(${JSON.stringify('file://' + CLI_MAIN)}).then(async m => { process.exitCode = await m.main(process.argv.slice(1)); })`;
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', launcher, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', HOME: tmpdir(), TALIUM_CACHE_DIR: join(tmpdir(), 'talium-fssafe-nocache') },
      encoding: 'utf8',
      ...(root ? { uid: 65534, gid: 65534 } : {}),
    });
  const probe = cli(['generate', '--help']);
  if (probe.status !== 0) {
    t.skip(`cannot run the CLI as nobody here: ${probe.stderr.slice(0, 200)}`);
    return;
  }
  const r = cli(['generate', '--format', 'json']);
  assert.equal(r.status, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  const diags = JSON.parse(r.stdout).diagnostics as Diag[];
  const unwritable = diags.filter((d) => d.ruleId === 'generate/unwritable');
  assert.ok(unwritable.length >= 1, r.stdout);
  assert.ok(unwritable.every((d) => d.data?.['reason'] === 'not-writable' && d.data?.['code'] === 'EACCES'));
  if (!root) assert.deepEqual(unwritable.map((d) => d.file), [ro]);
  else assert.ok(unwritable.some((d) => d.file === 'clusters/homelab/generated/kubernetes/cilium-config'), 'pools.yaml cannot be re-created');
  assert.deepEqual(snapshot(dir), before, 'nothing written');
});

test('applyPlan: a stale file already removed (by a parallel run) is not an error', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'talium-fssafe-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const plan = planWrite(dir, new Map([['clusters/a/generated/x.yaml', 'x: 1\n']]), ['clusters/a/generated/'], { force: false });
  plan.changes.push({ path: 'clusters/a/generated/gone.yaml', change: 'remove', current: '' });
  assert.deepEqual(applyPlan(plan, ['clusters/a/generated/']), { written: 1, removed: 0 });
});

test('another live run\'s temp file is not stale; ten parallel runs all succeed', async (t) => {
  const dir = await generatedScratch(t, 'talium-fssafe-');
  // a temp file as writeAtomic names it, of a live process (this one): generate must not delete it from under that run
  const temp = `clusters/homelab/generated/talos/nodes/.cp-1.yaml.talium-${process.pid}.tmp`;
  cpSync(join(dir, CP1), join(dir, temp));
  const r = await json(['generate'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(join(dir, temp)), true);
  rmSync(join(dir, temp));

  for (let round = 0; round < 3; round++) {
    // stale files to sweep and changes to write, so the runs race on both
    for (let i = 0; i < 5; i++) cpSync(join(dir, CP1), join(dir, `clusters/homelab/generated/talos/nodes/old-${i}.yaml`));
    mkdirSync(join(dir, 'clusters/homelab/generated/old'), { recursive: true });
    cpSync(join(dir, CP1), join(dir, 'clusters/homelab/generated/old/stale.yaml'));
    rmSync(join(dir, POOLS));
    const runs = await Promise.all(
      Array.from({ length: 10 }, () => {
        const launcher = `import(${JSON.stringify('file://' + CLI_MAIN)}).then(async m => { process.exitCode = await m.main(process.argv.slice(1)); })`;
        const child = spawn(process.execPath, ['--input-type=module', '-e', launcher, 'generate'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
        let stderr = '';
        child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
        return new Promise<{ code: number | null; stderr: string }>((res) => child.on('close', (code) => res({ code, stderr })));
      }),
    );
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const check = await json(['generate', '--check'], dir);
    assert.equal(check.code, 0, `round ${round}: ${check.stderr}`);
    assert.equal(readdirSync(join(dir, 'clusters/homelab/generated/talos/nodes')).filter((e) => e.includes('talium-')).length, 0, 'no temp files left');
  }
});
