/**
 * The writer through the CLI on a scratch copy of the example clusters: hand-edited files refused and untouched,
 * --force, stale removal of owned files only, --check writes nothing and exits 1, subsets, usage errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, spawnCli } from '../src/testing/cli.js';
import { listTree } from '../src/testing/golden.js';

const ROOT = process.cwd();

/** A scratch repository with the two example cluster.yaml files, generated once. */
async function scratch(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'talium-writer-'));
  for (const c of ['homelab', 'lab']) {
    mkdirSync(join(dir, 'clusters', c), { recursive: true });
    cpSync(join(ROOT, 'clusters', c, 'cluster.yaml'), join(dir, 'clusters', c, 'cluster.yaml'));
  }
  const r = await runCli(['generate'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return dir;
}

function snapshot(dir: string): Map<string, string> {
  return new Map(listTree(dir).map((p) => [p, readFileSync(join(dir, p), 'utf8')]));
}

async function json(args: string[], cwd: string): Promise<{ code: number; diags: Array<{ ruleId: string; file: string; data?: Record<string, unknown>; range: { start: { line: number } } }> }> {
  const r = await runCli([...args, '--format', 'json'], { cwd });
  return { code: r.code, diags: r.stdout ? JSON.parse(r.stdout).diagnostics : [] };
}

const VALUES = 'clusters/homelab/generated/kubernetes/cilium/values.yaml';
const POOLS = 'clusters/lab/generated/kubernetes/cilium-config/pools.yaml';

test('a fresh scratch repository generates the same bytes as the committed clusters', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [p, text] of snapshot(dir)) {
    if (p.startsWith('clusters/') && !p.endsWith('cluster.yaml')) assert.equal(text, readFileSync(join(ROOT, p), 'utf8'), p);
  }
  assert.equal(existsSync(join(dir, 'schemas/cluster.schema.json')), false, 'a user repository gets no schema copy');
});

test('--check writes nothing and reports one generate/drift per changed, missing and stale file', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal((await json(['generate', '--check'], dir)).code, 0);
  writeFileSync(join(dir, VALUES), readFileSync(join(dir, VALUES), 'utf8').replace('qps: 10', 'qps: 11'));
  rmSync(join(dir, POOLS));
  cpSync(join(dir, 'clusters/lab/generated/talos/nodes/lab-worker-1.yaml'), join(dir, 'clusters/lab/generated/talos/nodes/old-node.yaml'));
  const before = snapshot(dir);
  const r = await json(['generate', '--check'], dir);
  assert.equal(r.code, 1);
  assert.deepEqual(
    r.diags.map((d) => [d.ruleId, d.file, d.data?.['change']]),
    [
      ['generate/drift', 'clusters/homelab/generated/kubernetes/cilium/values.yaml', 'update'],
      ['generate/drift', 'clusters/lab/generated/kubernetes/cilium-config/pools.yaml', 'create'],
      ['generate/drift', 'clusters/lab/generated/talos/nodes/old-node.yaml', 'remove'],
    ],
  );
  const line = r.diags[0]!.range.start.line;
  assert.equal(readFileSync(join(dir, VALUES), 'utf8').split('\n')[line - 1], '  qps: 11', 'drift points at the first changed line');
  // the edited file is one `talium generate` would refuse: the drift says why (data.reason); the others have none
  assert.deepEqual(r.diags.map((d) => d.data?.['reason']), ['edited', undefined, undefined]);
  assert.deepEqual(snapshot(dir), before, '--check wrote nothing');
});

test('a hand-edited generated file is refused, left untouched, and nothing else is written', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const edited = readFileSync(join(dir, VALUES), 'utf8').replace('rollOutCiliumPods: true', 'rollOutCiliumPods: false');
  writeFileSync(join(dir, VALUES), edited);
  rmSync(join(dir, POOLS)); // would be re-created by a successful run
  const r = await json(['generate'], dir);
  assert.equal(r.code, 1);
  assert.deepEqual(r.diags.map((d) => [d.ruleId, d.file, d.data?.['reason']]), [['generate/hand-edited', VALUES, 'edited']]);
  const line = r.diags[0]!.range.start.line;
  assert.equal(edited.split('\n')[line - 1], 'rollOutCiliumPods: false', 'the finding points at the edited line');
  // the spec changed too: the new bytes differ for both reasons, so no line can be blamed on the edit
  const spec = join(dir, 'clusters/homelab/cluster.yaml');
  const specText = readFileSync(spec, 'utf8');
  writeFileSync(spec, specText.replace('services: 24', 'services: 200'));
  assert.deepEqual((await json(['generate'], dir)).diags.map((d) => [d.ruleId, d.range.start.line]), [['generate/hand-edited', 1]]);
  writeFileSync(spec, specText);
  assert.equal(readFileSync(join(dir, VALUES), 'utf8'), edited, 'hand edit kept');
  assert.ok(!existsSync(join(dir, POOLS)), 'nothing written when a file is refused');
  const forced = await json(['generate', '--force'], dir);
  assert.equal(forced.code, 0);
  assert.equal(readFileSync(join(dir, VALUES), 'utf8'), readFileSync(join(ROOT, VALUES), 'utf8'), '--force restores the generated bytes');
  assert.ok(existsSync(join(dir, POOLS)));
});

test('a file talium did not write at a generated path is refused too', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, VALUES), 'ipam:\n  mode: cluster-pool\n');
  const r = await json(['generate'], dir);
  assert.equal(r.code, 1);
  assert.deepEqual(r.diags.map((d) => [d.ruleId, d.data?.['reason']]), [['generate/hand-edited', 'foreign']]);
  assert.equal(readFileSync(join(dir, VALUES), 'utf8'), 'ipam:\n  mode: cluster-pool\n');
});

test('stale owned files are removed; foreign files and files outside the roots are not touched', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const stale = 'clusters/homelab/generated/talos/nodes/retired.yaml';
  cpSync(join(dir, 'clusters/homelab/generated/talos/nodes/cp-1.yaml'), join(dir, stale));
  const foreign = 'clusters/homelab/generated/talos/nodes/notes.txt';
  writeFileSync(join(dir, foreign), 'my notes\n');
  const fluxSystem = 'clusters/homelab/generated/flux/flux-system/gotk-sync.yaml';
  mkdirSync(join(dir, 'clusters/homelab/generated/flux/flux-system'), { recursive: true });
  writeFileSync(join(dir, fluxSystem), 'kind: Kustomization\n');
  const outside = 'clusters/homelab/extra.yaml';
  cpSync(join(dir, 'clusters/homelab/generated/talos/nodes/cp-2.yaml'), join(dir, outside));
  const r = await json(['generate'], dir);
  assert.equal(r.code, 0);
  assert.ok(!existsSync(join(dir, stale)), 'stale owned file removed');
  assert.equal(readFileSync(join(dir, foreign), 'utf8'), 'my notes\n');
  assert.equal(readFileSync(join(dir, fluxSystem), 'utf8'), 'kind: Kustomization\n');
  assert.ok(existsSync(join(dir, outside)), 'outside the generated roots: untouched even with a talium header');
});

test('a stale file edited by hand is refused unless --force; removing a node removes its patch', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = join(dir, 'clusters/lab/cluster.yaml');
  writeFileSync(spec, readFileSync(spec, 'utf8').replace(/  - name: lab-worker-2\n(    .*\n){3}/, ''));
  const patch = 'clusters/lab/generated/talos/nodes/lab-worker-2.yaml';
  writeFileSync(join(dir, patch), readFileSync(join(dir, patch), 'utf8') + '# my change\n');
  const r = await json(['generate'], dir);
  assert.equal(r.code, 1);
  assert.deepEqual(r.diags.map((d) => [d.ruleId, d.file, d.data?.['change']]), [['generate/hand-edited', patch, 'remove']]);
  assert.ok(existsSync(join(dir, patch)));
  assert.equal((await json(['generate', '--force'], dir)).code, 0);
  assert.ok(!existsSync(join(dir, patch)));
  assert.ok(!readFileSync(join(dir, 'clusters/lab/generated/kubernetes/cilium-config/l2-policy.yaml'), 'utf8').includes('eno1'), 'L2 policy follows the nodes');
});

test('--cluster limits the run and never sweeps other clusters or unused bases', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const before = snapshot(dir);
  const r = await json(['generate', '--cluster', 'lab'], dir);
  assert.equal(r.code, 0);
  assert.deepEqual(snapshot(dir), before);
  rmSync(join(dir, 'clusters/homelab/cluster.yaml'));
  writeFileSync(join(dir, 'clusters/homelab/generated/mine.txt'), 'kept\n');
  assert.equal((await json(['generate'], dir)).code, 0);
  assert.ok(!existsSync(join(dir, 'clusters/_base/flux')), 'the flux base goes once no cluster uses flux');
  assert.deepEqual(listTree(join(dir, 'clusters/homelab')), ['generated/mine.txt'], 'an orphaned generated/ folder is swept, foreign files kept');
  assert.ok(existsSync(join(dir, 'clusters/_base/argocd/kustomization.yaml')));
});

test('removing every cluster.yaml sweeps the generated output like removing one does; hand edits and foreign files stay', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  rmSync(join(dir, 'clusters/homelab/cluster.yaml'));
  rmSync(join(dir, 'clusters/lab/cluster.yaml'));
  writeFileSync(join(dir, 'clusters/homelab/generated/mine.txt'), 'kept\n');
  const edited = 'clusters/lab/generated/talos/nodes/lab-worker-1.yaml';
  writeFileSync(join(dir, edited), readFileSync(join(dir, edited), 'utf8') + '# my change\n');
  // --check names every stale file and writes nothing
  const before = snapshot(dir);
  const check = await json(['generate', '--check'], dir);
  assert.equal(check.code, 1);
  assert.ok(check.diags.length > 10 && check.diags.every((d) => d.ruleId === 'generate/drift' && d.data?.['change'] === 'remove'));
  assert.ok(check.diags.some((d) => d.file === 'clusters/_base/flux/cilium/helmrelease.yaml'));
  assert.ok(!check.diags.some((d) => d.file === 'clusters/homelab/generated/mine.txt'), 'foreign files are no drift');
  assert.deepEqual(snapshot(dir), before);
  // a hand-edited stale file is refused, and then nothing is removed
  const refused = await json(['generate'], dir);
  assert.equal(refused.code, 1);
  assert.deepEqual(refused.diags.map((d) => [d.ruleId, d.file, d.data?.['change']]), [['generate/hand-edited', edited, 'remove']]);
  assert.deepEqual(snapshot(dir), before);
  rmSync(join(dir, edited));
  const r = await json(['generate'], dir);
  assert.equal(r.code, 0);
  assert.deepEqual(listTree(join(dir, 'clusters')), ['homelab/generated/mine.txt'], 'only the foreign file is left');
  // no cluster.yaml and nothing of talium's left to sweep: a usage error, as before (most likely the wrong folder)
  for (const args of [['generate'], ['generate', '--check']]) {
    const again = await runCli(args, { cwd: dir });
    assert.equal(again.code, 2, again.stderr);
    assert.match(again.stderr, /no clusters\/<name>\/cluster\.yaml/);
  }
});

test('--cluster given twice is still a subset: the other cluster and its engine\'s base are not swept', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const before = snapshot(dir);
  // two clusters in the repository, `--cluster lab` twice: once counted as "every cluster", this removed the flux base
  const r = await json(['generate', '--cluster', 'lab', '--cluster', 'lab'], dir);
  assert.equal(r.code, 0);
  assert.deepEqual(snapshot(dir), before);
  assert.equal((await json(['generate', '--check', '--cluster', 'lab', '--cluster', 'lab'], dir)).code, 0);
});

test('a CRLF checkout (core.autocrlf) is neither drift for --check nor rewritten by generate', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const generated = [...snapshot(dir).keys()].filter((p) => p.includes('/generated/') || p.startsWith('clusters/_base/'));
  for (const p of generated) writeFileSync(join(dir, p), readFileSync(join(dir, p), 'utf8').replace(/\n/g, '\r\n'));
  const before = snapshot(dir);
  const check = await json(['generate', '--check'], dir);
  assert.deepEqual(check.diags.map((d) => [d.ruleId, d.file]), []);
  assert.equal(check.code, 0);
  const r = await runCli(['generate'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, / 0 written, 0 removed, \d+ unchanged/);
  assert.deepEqual(snapshot(dir), before);
  // a real edit in a CRLF file is still drift, and still a hand edit
  writeFileSync(join(dir, VALUES), readFileSync(join(dir, VALUES), 'utf8').replace('qps: 10', 'qps: 11'));
  assert.deepEqual((await json(['generate', '--check'], dir)).diags.map((d) => [d.ruleId, d.file, d.data?.['change']]), [['generate/drift', VALUES, 'update']]);
  assert.deepEqual((await json(['generate'], dir)).diags.map((d) => [d.ruleId, d.file, d.data?.['reason']]), [['generate/hand-edited', VALUES, 'edited']]);
});

test('spec errors: exit 1, diagnostics, nothing written', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = join(dir, 'clusters/homelab/cluster.yaml');
  writeFileSync(spec, readFileSync(spec, 'utf8').replace('gateway: 10.50.0.1', 'gateway: 10.50.0.11'));
  rmSync(join(dir, POOLS));
  const r = await json(['generate'], dir);
  assert.equal(r.code, 1);
  assert.deepEqual(r.diags.map((d) => [d.ruleId, d.file]), [['spec/overlap', 'clusters/homelab/cluster.yaml']]);
  assert.ok(!existsSync(join(dir, POOLS)), 'no cluster is written while any spec has errors');
});

test('usage: --help 0, unknown option / unknown cluster / no clusters folder 2, --root and cwd relative paths', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const help = await runCli(['generate', '--help'], { cwd: dir });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--check/);
  assert.equal((await runCli(['generate', '--bogus'], { cwd: dir })).code, 2);
  assert.equal((await runCli(['generate', '--cluster', 'nope'], { cwd: dir })).code, 2);
  assert.equal((await runCli(['generate', '--format', 'nope'], { cwd: dir })).code, 2);
  const empty = mkdtempSync(join(tmpdir(), 'talium-empty-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  const none = await runCli(['generate'], { cwd: empty });
  assert.equal(none.code, 2);
  assert.ok(!none.stderr.includes('    at '), 'no stack trace');
  // From a subfolder: finds clusters/ above, prints paths relative to the working directory.
  writeFileSync(join(dir, VALUES), readFileSync(join(dir, VALUES), 'utf8') + '# x\n');
  const sub = await json(['generate', '--check'], join(dir, 'clusters/homelab'));
  assert.deepEqual(sub.diags.map((d) => d.file), ['generated/kubernetes/cilium/values.yaml']);
  const viaRoot = await json(['generate', '--check', '--root', dir], empty);
  assert.equal(viaRoot.code, 1);
  assert.equal(viaRoot.diags.length, 1);
});

test('as a real process: exit codes 0 / 1 / 2 and never a stack trace', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(spawnCli(['generate', '--check'], { cwd: dir }).code, 0);
  writeFileSync(join(dir, VALUES), readFileSync(join(dir, VALUES), 'utf8') + '# edited\n');
  const drift = spawnCli(['generate', '--check', '--format', 'github'], { cwd: dir });
  assert.equal(drift.code, 1);
  assert.match(drift.stdout, /generate\/drift/);
  const bad = spawnCli(['generate', '--cluster'], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.ok(!/\n\s+at /.test(bad.stderr), bad.stderr);
});

test('a user repository: generate never writes or claims schemas/cluster.schema.json (only talium\'s own repository publishes it)', async () => {
  const dir = await scratch();
  try {
    assert.equal(existsSync(join(dir, 'schemas')), false, 'no schemas/ in a user repository');
    mkdirSync(join(dir, 'schemas'));
    writeFileSync(join(dir, 'schemas', 'cluster.schema.json'), '{"$comment":"the user\'s own schema"}\n');
    const r = await json(['generate', '--check'], dir);
    assert.deepEqual(r.diags.map((d) => d.ruleId), []);
    assert.equal(r.code, 0);
    // talium's own repository keeps it current
    writeFileSync(join(dir, 'package.json'), '{"name":"talium"}\n');
    rmSync(join(dir, 'schemas'), { recursive: true });
    assert.equal((await runCli(['generate'], { cwd: dir })).code, 0);
    assert.equal(readFileSync(join(dir, 'schemas', 'cluster.schema.json'), 'utf8'), readFileSync(join(ROOT, 'schemas', 'cluster.schema.json'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a hand edit of an Argo CD Application talium writes points to a kustomization of your own; a values edit does not', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const BASE = 'clusters/_base/argocd/applications.yaml';
  const ROOT_APP = 'clusters/lab/generated/argocd/root-app.yaml';
  writeFileSync(join(dir, BASE), readFileSync(join(dir, BASE), 'utf8').replace('  name: cilium\n', '  name: cilium\n  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n'));
  writeFileSync(join(dir, ROOT_APP), readFileSync(join(dir, ROOT_APP), 'utf8').replace('project: default', 'project: infra'));
  writeFileSync(join(dir, VALUES), readFileSync(join(dir, VALUES), 'utf8').replace('rollOutCiliumPods: true', 'rollOutCiliumPods: false'));
  const r = await json(['generate'], dir);
  assert.equal(r.code, 1);
  assert.deepEqual(
    r.diags.map((d) => [d.ruleId, d.file, d.data?.['keepIn']]),
    [
      ['generate/hand-edited', BASE, 'overlay'],
      ['generate/hand-edited', VALUES, undefined],
      ['generate/hand-edited', ROOT_APP, 'overlay'],
    ],
  );
  const check = await json(['generate', '--check'], dir);
  assert.deepEqual(
    check.diags.map((d) => [d.ruleId, d.file, d.data?.['keepIn']]),
    [
      ['generate/drift', BASE, 'overlay'],
      ['generate/drift', VALUES, undefined],
      ['generate/drift', ROOT_APP, 'overlay'],
    ],
  );
});
