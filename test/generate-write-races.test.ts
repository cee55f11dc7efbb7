/**
 * What changes under a running `talium generate`, and the failures a write can meet: a symbolic link planted at the
 * temp file's name or on the way to a target between generate's checks and its writes, a generated file edited (or
 * replaced by a folder) by the user meanwhile, a full disk (ENOSPC), a file made read-only, and the temp files an
 * interrupted run left. The moments are hit in-process by wrapping node:fs (syncBuiltinESMExports): the first time
 * generate opens or renames one of its temp files, the test changes the tree. Each case: a diagnostic with file,
 * rule id and data, the exit code the README's exit-codes section gives, no stack trace, nothing written (or what was
 * written named), nothing written outside the repository, no temp file left.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import fs, { appendFileSync, chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/testing/cli.js';
import { changeHomelabSpec as changeSpec, generatedScratch, treeSnapshot as snapshot } from '../src/testing/generate-scratch.js';

const SPEC = 'clusters/homelab/cluster.yaml';
const CP1 = 'clusters/homelab/generated/talos/nodes/cp-1.yaml';
const TALOS = 'clusters/homelab/generated/talos';
const BOOTSTRAP = 'clusters/homelab/generated/bootstrap';

type Tt = { after: (fn: () => void) => void };
type Diag = { ruleId: string; file: string; data?: Record<string, unknown>; range: { start: { line: number; column: number } } };

function outside(t: Tt): string {
  const dir = mkdtempSync(join(tmpdir(), 'talium-races-outside-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const temps = (dir: string) => [...snapshot(dir).keys()].filter((p) => p.includes('.talium-'));

async function json(args: string[], cwd: string): Promise<{ code: number; stderr: string; diags: Diag[] }> {
  const r = await runCli([...args, '--format', 'json'], { cwd });
  return { code: r.code, stderr: r.stderr, diags: r.stdout ? (JSON.parse(r.stdout).diagnostics as Diag[]) : [] };
}

const real = { openSync: fs.openSync, renameSync: fs.renameSync, writeSync: fs.writeSync, writeFileSync: fs.writeFileSync, accessSync: fs.accessSync };
afterEach(() => {
  Object.assign(fs, real);
  syncBuiltinESMExports();
});

/**
 * Run `act` once, the first time generate opens (`open`) or renames (`rename`) one of its temp files
 * (`.<name>.talium-<pid>.tmp`), before the call goes ahead.
 */
function onFirstTemp(at: 'open' | 'rename', act: () => void): void {
  let fired = false;
  const fire = (p: unknown) => {
    if (!fired && typeof p === 'string' && p.includes('.talium-')) {
      fired = true;
      act();
    }
  };
  if (at === 'open') {
    fs.openSync = ((p: fs.PathLike, ...rest: unknown[]) => (fire(p), (real.openSync as (...a: unknown[]) => number)(p, ...rest))) as typeof fs.openSync;
    // how a temp file used to be written (before it was created with O_EXCL): the same moment
    fs.writeFileSync = ((p: fs.PathOrFileDescriptor, ...rest: unknown[]) => (fire(p), (real.writeFileSync as (...a: unknown[]) => void)(p, ...rest))) as typeof fs.writeFileSync;
  } else fs.renameSync = ((a: fs.PathLike, b: fs.PathLike) => (fire(a), real.renameSync(a, b))) as typeof fs.renameSync;
  syncBuiltinESMExports();
}

/** Move the repository's talos folder outside and leave a link to it in its place (what an attacker would plant). */
function swapForLink(dir: string, away: string): string {
  const moved = join(away, 'talos');
  renameSync(join(dir, TALOS), moved);
  symlinkSync(moved, join(dir, TALOS));
  return moved;
}

for (const at of ['open', 'rename'] as const) {
  test(`a folder swapped for a symbolic link at the first temp ${at}: nothing is written through it (generate/symlink, exit 1)`, async (t) => {
    const dir = await generatedScratch(t, 'talium-races-');
    const away = outside(t);
    changeSpec(dir);
    const talosBefore = snapshot(join(dir, TALOS));
    const repoBefore = snapshot(dir);
    let moved = '';
    onFirstTemp(at, () => (moved = swapForLink(dir, away)));
    const r = await json(['generate'], dir);
    assert.ok(moved, 'the link was planted');
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    const sym = r.diags.filter((d) => d.ruleId === 'generate/symlink');
    assert.deepEqual(
      sym.map((d) => [d.file, d.range.start.line, d.range.start.column, d.data?.['reason'], d.data?.['at'], d.data?.['target']]),
      [[TALOS, 1, 1, 'symlink', TALOS, moved]],
    );
    assert.deepEqual(snapshot(moved), talosBefore, 'the folder the link leads to is untouched (no file written through the link, no temp left)');
    const now = snapshot(dir);
    if (at === 'open') {
      // found before anything was replaced: the repository is as before, but for the planted link
      for (const [p, v] of repoBefore) if (!p.startsWith(TALOS)) assert.equal(now.get(p), v, p);
      assert.equal(sym[0]!.data?.['written'], undefined);
    } else {
      // found just before the first talos file: the files before it in path order were written, and say so
      assert.ok((sym[0]!.data?.['written'] as number) >= 1, JSON.stringify(sym[0]!.data));
    }
    assert.deepEqual(temps(dir), []);
  });
}

test('a symbolic link planted at the temp file name is never written through (O_EXCL): another name is used', async (t) => {
  const dir = await generatedScratch(t, 'talium-races-');
  const away = outside(t);
  writeFileSync(join(away, 'victim.txt'), 'precious\n');
  changeSpec(dir);
  // the name writeAtomic used to write through: .<name>.talium-<pid>.tmp of this very process (runCli is in-process)
  const planted = join(dir, `${CP1.replace(/cp-1\.yaml$/, '')}.cp-1.yaml.talium-${process.pid}.tmp`);
  symlinkSync(join(away, 'victim.txt'), planted);
  const r = await json(['generate'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(away, 'victim.txt'), 'utf8'), 'precious\n', 'the link target was not written');
  assert.equal(lstatSync(join(dir, CP1)).isFile(), true, 'the target is a regular file, not the planted link');
  assert.match(readFileSync(join(dir, CP1), 'utf8'), /enp2s0/);
  assert.equal(lstatSync(planted).isSymbolicLink(), true, 'the planted link is left alone');
});

test('a generated file edited by the user after generate read it: generate/changed-during-run, the edit kept, nothing written, exit 1', async (t) => {
  const dir = await generatedScratch(t, 'talium-races-');
  changeSpec(dir);
  const before = snapshot(dir);
  onFirstTemp('open', () => appendFileSync(join(dir, CP1), '# my note\n'));
  const r = await json(['generate'], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(
    r.diags.filter((d) => d.ruleId.startsWith('generate/')).map((d) => [d.ruleId, d.file, d.range.start.line, d.range.start.column, d.data?.['reason'], d.data?.['now'], d.data?.['path']]),
    [['generate/changed-during-run', CP1, 1, 1, 'changed', 'file', CP1]],
  );
  assert.match(readFileSync(join(dir, CP1), 'utf8'), /# my note\n$/, 'the edit is kept');
  const now = snapshot(dir);
  for (const [p, v] of before) if (p !== CP1) assert.equal(now.get(p), v, `${p}: nothing written`);
  assert.deepEqual(temps(dir), []);
  // the next run reads the edit and refuses it as a hand edit
  const again = await json(['generate'], dir);
  assert.deepEqual(again.diags.map((d) => [d.ruleId, d.file]), [['generate/hand-edited', CP1]]);
});

test('a folder made at a generated file\'s path, or the file removed, meanwhile: generate/changed-during-run with data.now', async (t) => {
  for (const [now, act] of [
    ['folder', (dir: string) => (rmSync(join(dir, CP1)), mkdirSync(join(dir, CP1)))],
    ['none', (dir: string) => rmSync(join(dir, CP1))],
  ] as const) {
    const dir = await generatedScratch(t, 'talium-races-');
    changeSpec(dir);
    onFirstTemp('open', () => act(dir));
    const r = await json(['generate'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      r.diags.map((d) => [d.ruleId, d.file, d.data?.['now']]),
      [['generate/changed-during-run', CP1, now]],
      now,
    );
    assert.deepEqual(temps(dir), []);
    Object.assign(fs, real);
    syncBuiltinESMExports();
  }
});

test('a full disk (ENOSPC) while staging: generate/write-failed at the file, exit 2, nothing written, no temp file or new folder left', async (t) => {
  const dir = await generatedScratch(t, 'talium-races-');
  rmSync(join(dir, BOOTSTRAP), { recursive: true }); // first in path order: its folder is made again, then taken away
  changeSpec(dir);
  const before = snapshot(dir);
  const tempFds = new Set<number>();
  let writes = 0;
  fs.openSync = ((p: fs.PathLike, ...rest: unknown[]) => {
    const fd = (real.openSync as (...a: unknown[]) => number)(p, ...rest);
    if (typeof p === 'string' && p.includes('.talium-')) tempFds.add(fd);
    return fd;
  }) as typeof fs.openSync;
  fs.writeSync = ((fd: number, ...rest: unknown[]) => {
    if (tempFds.has(fd) && ++writes === 3) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    return (real.writeSync as (...a: unknown[]) => number)(fd, ...rest);
  }) as typeof fs.writeSync;
  syncBuiltinESMExports();
  const r = await json(['generate'], dir);
  Object.assign(fs, real);
  syncBuiltinESMExports();
  assert.equal(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  const failed = r.diags.filter((d) => d.ruleId === 'generate/write-failed');
  assert.equal(failed.length, 1, JSON.stringify(r.diags));
  assert.deepEqual([failed[0]!.range.start.line, failed[0]!.range.start.column, failed[0]!.data?.['code'], failed[0]!.data?.['written']], [1, 1, 'ENOSPC', 0]);
  assert.equal(failed[0]!.file, failed[0]!.data?.['path']);
  assert.deepEqual(snapshot(dir), before, 'nothing written, no temp file, the folder made for the staging removed');
  assert.equal(existsSync(join(dir, BOOTSTRAP)), false);
  // with space again the run completes
  assert.equal((await json(['generate'], dir)).code, 0);
  assert.equal((await json(['generate', '--check'], dir)).code, 0);
});

test('a generated file made read-only: generate/unwritable (reason read-only), also with --force and --check; nothing written, exit 1', async (t) => {
  const dir = await generatedScratch(t, 'talium-races-');
  changeSpec(dir);
  chmodSync(join(dir, CP1), 0o444); // a read-only file in a writable folder: rename could replace it, talium does not
  const before = snapshot(dir);
  for (const args of [['generate'], ['generate', '--force'], ['generate', '--check']]) {
    const r = await json(args, dir);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      r.diags.filter((d) => d.ruleId === 'generate/unwritable').map((d) => [d.file, d.range.start.line, d.data?.['reason'], d.data?.['at'], d.data?.['code']]),
      [[CP1, 1, 'read-only', CP1, 'EACCES']],
      args.join(' '),
    );
    assert.deepEqual(snapshot(dir), before, `${args.join(' ')}: nothing written`);
  }
  chmodSync(join(dir, CP1), 0o644);
  assert.equal((await json(['generate'], dir)).code, 0);
});

test('temp files an interrupted run left: --check reports them (data.temp), generate removes them whatever they hold; a live run\'s stays', async (t) => {
  const dir = await generatedScratch(t, 'talium-races-');
  const dead = spawnSync(process.execPath, ['-e', '']).pid!; // a process that has exited
  const nodes = 'clusters/homelab/generated/talos/nodes';
  const half = readFileSync(join(dir, CP1), 'utf8').slice(0, 100); // half a file: its talium hash does not match
  const leftovers = [`${nodes}/.cp-1.yaml.talium-${dead}.tmp`, `${nodes}/.cp-1.yaml.talium-${dead}-2.tmp`, `${nodes}/.w-1.yaml.talium-${process.pid}.tmp`];
  for (const p of leftovers) writeFileSync(join(dir, p), half);
  // this process lives, but a temp file an hour old is no live run's (its pid was reused)
  const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
  utimesSync(join(dir, leftovers[2]!), old, old);
  const live = `${nodes}/.cp-2.yaml.talium-${process.pid}.tmp`;
  writeFileSync(join(dir, live), half);

  const check = await json(['generate', '--check'], dir);
  assert.equal(check.code, 1, check.stderr);
  assert.deepEqual(
    check.diags.map((d) => [d.ruleId, d.file, d.range.start.line, d.data?.['change'], d.data?.['temp']]),
    [...leftovers].sort().map((p) => ['generate/drift', p, 1, 'remove', true]),
  );
  const r = await json(['generate'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.diags, [], 'never refused as a hand edit');
  for (const p of leftovers) assert.equal(existsSync(join(dir, p)), false, p);
  assert.equal(existsSync(join(dir, live)), true, 'a live run\'s temp file is not touched');
  rmSync(join(dir, live));
  assert.equal((await json(['generate', '--check'], dir)).code, 0);
});

test('a stale file another run sweeps between generate reading it and checking it: not read-only, the run succeeds', async (t) => {
  const dir = await generatedScratch(t, 'talium-races-');
  const stale = 'clusters/homelab/generated/talos/nodes/old-0.yaml';
  cpSync(join(dir, CP1), join(dir, stale));
  let swept = false;
  fs.accessSync = ((p: fs.PathLike, mode?: number) => {
    if (!swept && String(p).endsWith(stale)) {
      swept = true;
      rmSync(String(p)); // the other run's removal lands right here
    }
    return real.accessSync(p, mode);
  }) as typeof fs.accessSync;
  syncBuiltinESMExports();
  const r = await json(['generate'], dir);
  assert.ok(swept, 'the file was swept at the check');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.diags.map((d) => [d.ruleId, d.file, d.data?.['reason']]), []);
  assert.equal(existsSync(join(dir, stale)), false);
});
