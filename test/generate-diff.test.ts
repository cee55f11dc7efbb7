/**
 * `talium generate --diff`: writes nothing, prints what generate would change as a unified diff that the real
 * `git apply` turns into exactly the tree `talium generate` writes (updated, created and deleted files), findings on
 * stderr, exit codes as --check.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../src/testing/cli.js';
import { changeHomelabSpec, generatedScratch, HOMELAB_SPEC, treeSnapshot } from '../src/testing/generate-scratch.js';

const hasGit = spawnSync('git', ['--version']).status === 0;

test('generate --diff on a current tree: exit 0, an empty diff', async (t) => {
  const dir = await generatedScratch(t, 'talium-diff-clean-');
  const r = await runCli(['generate', '--diff'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
});

test('generate --diff: a patch git apply turns into what generate writes; nothing written; findings on stderr', { skip: hasGit ? false : 'git is not installed' }, async (t) => {
  const dir = await generatedScratch(t, 'talium-diff-');
  // an update (a NIC, Hubble), a deleted node (its file goes), a generated file removed by hand (created again)
  changeHomelabSpec(dir);
  const spec = readFileSync(join(dir, HOMELAB_SPEC), 'utf8');
  const withoutWorker = spec.replace(/ {2}- name: worker-1\n(?: {4}.*\n)+/, '');
  assert.notEqual(withoutWorker, spec);
  writeFileSync(join(dir, HOMELAB_SPEC), withoutWorker);
  unlinkSync(join(dir, 'clusters/homelab/generated/talos/gen-config.sh'));
  const before = treeSnapshot(dir);

  const r = await runCli(['generate', '--diff', '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.deepEqual(treeSnapshot(dir), before, 'generate --diff wrote nothing');
  assert.doesNotMatch(r.stdout, /\u001b\[/);
  const heads = [...r.stdout.matchAll(/^diff --git a\/(\S+) b\/\S+\n(new file mode|deleted file mode)?/gm)].map((m) => `${m[2] ?? 'changed'} ${m[1]}`);
  assert.ok(heads.includes('new file mode clusters/homelab/generated/talos/gen-config.sh'), heads.join('\n'));
  assert.ok(heads.some((h) => h.startsWith('deleted file mode clusters/homelab/generated/talos/nodes/worker-1')), heads.join('\n'));
  assert.ok(heads.some((h) => h.startsWith('changed clusters/homelab/generated/')), heads.join('\n'));
  // the findings: JSON on stderr (after the summary line), one generate/drift per file of the diff
  const json = JSON.parse(r.stderr.slice(r.stderr.indexOf('{'))) as { diagnostics: Array<{ ruleId: string; data?: { path?: string } }> };
  const drift = json.diagnostics.filter((d) => d.ruleId === 'generate/drift').map((d) => d.data?.path).sort();
  assert.deepEqual(drift, heads.map((h) => h.split(' ').pop()).sort());

  // git apply on a copy gives the tree generate writes
  const copy = mkdtempSync(join(tmpdir(), 'talium-diff-copy-'));
  t.after(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(dir, copy, { recursive: true });
  writeFileSync(join(copy, 'change.patch'), r.stdout);
  const applied = spawnSync('git', ['apply', '--whitespace=nowarn', 'change.patch'], { cwd: copy, encoding: 'utf8' });
  assert.equal(applied.status, 0, applied.stderr);
  unlinkSync(join(copy, 'change.patch'));
  const written = await runCli(['generate'], { cwd: dir });
  assert.equal(written.code, 0, written.stderr + written.stdout);
  const want = treeSnapshot(dir);
  const got = treeSnapshot(copy);
  // (git apply creates files with the mode of the patch: compare bytes, not modes)
  const bytes = (m: Map<string, string>) => new Map([...m].filter(([k]) => !k.endsWith('/')).map(([k, v]) => [k, v.split(' ').pop()]));
  assert.deepEqual(bytes(got), bytes(want));

  // colour only when asked
  changeHomelabSpec2(dir);
  const coloured = await runCli(['generate', '--diff'], { cwd: dir, env: { FORCE_COLOR: '1' } });
  assert.equal(coloured.code, 1);
  assert.match(coloured.stdout, /\u001b\[32m\+/);
});

/** Another edit after the tree was regenerated (Hubble back on). */
function changeHomelabSpec2(dir: string): void {
  const text = readFileSync(join(dir, HOMELAB_SPEC), 'utf8');
  const changed = text.replace('hubble: false', 'hubble: true');
  assert.notEqual(changed, text);
  writeFileSync(join(dir, HOMELAB_SPEC), changed);
}

test('generate --diff with --ignore-untracked is accepted; --ignore-untracked alone is still a usage error', async (t) => {
  const dir = await generatedScratch(t, 'talium-diff-usage-');
  const alone = await runCli(['generate', '--ignore-untracked'], { cwd: dir });
  assert.equal(alone.code, 2);
  const withDiff = await runCli(['generate', '--diff', '--ignore-untracked'], { cwd: dir });
  assert.equal(withDiff.code, 0, withDiff.stderr);
});
