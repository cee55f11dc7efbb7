/**
 * lint on a talium repository whose generated pools disagree with cluster.yaml: a pool address problem is reported
 * once, at cluster.yaml, while generate refuses the spec; a stale generated file's finding says it is generated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/testing/cli.js';

const ROOT = process.cwd();
const SPEC = 'clusters/lab/cluster.yaml';
const POOLS = 'clusters/lab/generated/kubernetes/cilium-config/pools.yaml';

interface Diag {
  ruleId: string;
  file: string;
  help: string;
  data?: Record<string, unknown>;
  range: { start: { line: number; column: number } };
}

/** A scratch copy of the lab (Argo CD) cluster, generated from its clean spec. */
async function scratch(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'talium-generated-echoes-'));
  mkdirSync(join(dir, 'clusters', 'lab'), { recursive: true });
  cpSync(join(ROOT, SPEC), join(dir, SPEC));
  const r = await runCli(['generate'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return dir;
}

async function lint(cwd: string): Promise<Diag[]> {
  const r = await runCli(['lint', '--format', 'json'], { cwd });
  return (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics;
}

const brief = (ds: Diag[]) => ds.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`);
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('lint: a worker moved into the pool is reported at cluster.yaml only, not again in the generated pools', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = readFileSync(join(dir, SPEC), 'utf8').replace('address: 192.168.50.31', 'address: 192.168.50.230');
  writeFileSync(join(dir, SPEC), spec);
  const diags = await lint(dir);
  assert.deepEqual(brief(diags), [`${SPEC}:${lineOf(spec, '- 192.168.50.224/28')}:9 spec/overlap`]);
  assert.equal(diags[0]!.data?.['secondOwner'] ?? diags[0]!.data?.['firstOwner'], 'pool default');
});

test('lint: a generated pool older than cluster.yaml keeps its finding, which names the cluster.yaml it comes from', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // the worker moves into the old pool range and the pool moves away in the spec, but generate has not run yet
  const spec = readFileSync(join(dir, SPEC), 'utf8').replace('address: 192.168.50.31', 'address: 192.168.50.230').replace('- 192.168.50.224/28', '- 192.168.50.208/28');
  writeFileSync(join(dir, SPEC), spec);
  const diags = await lint(dir);
  const pools = readFileSync(join(dir, POOLS), 'utf8');
  assert.deepEqual(brief(diags), [`${POOLS}:${lineOf(pools, 'cidr: 192.168.50.224/28')}:13 network/pool-reserved-address`]);
  assert.equal(diags[0]!.data?.['generatedFrom'], SPEC);
  assert.match(diags[0]!.help, /talium generate/);
  // once regenerated, nothing
  assert.equal((await runCli(['generate'], { cwd: dir })).code, 0);
  assert.deepEqual(brief(await lint(dir)), []);
});

test('lint: a file of your own beside a generated kustomization is sent to a folder of your own, not into that kustomization', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const MINE = 'clusters/lab/generated/kubernetes/whoami-app.yaml';
  writeFileSync(join(dir, MINE), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: whoami\n');
  const diags = await lint(dir);
  assert.deepEqual(brief(diags), [`${MINE}:1:1 gitops/unreferenced-file`]);
  assert.equal(diags[0]!.data?.['kustomization'], 'clusters/lab/generated/kubernetes/kustomization.yaml');
  assert.equal(diags[0]!.data?.['generatedFrom'], SPEC);
});
