/**
 * Misspelt Cilium chart keys in cluster.yaml's `cilium.values` (top level and nested): `talium generate` refuses
 * them at their cluster.yaml position and writes nothing; `talium lint` reports each once, at cluster.yaml, even
 * when a values file generated earlier still carries the same keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/testing/cli.js';
import { listTree } from '../src/testing/golden.js';

const ROOT = process.cwd();
const SPEC = 'clusters/homelab/cluster.yaml';
const VALUES = 'clusters/homelab/generated/kubernetes/cilium/values.yaml';
const TYPOS = ['    l2anouncements:', '      enabled: true', '    kubeProxyReplacment: true', '    loadBalancer:', '      algoritm: maglev'];

interface Diag {
  ruleId: string;
  file: string;
  severity: string;
  data?: Record<string, unknown>;
  range: { start: { line: number; column: number } };
}

/** A scratch copy of the homelab cluster, generated from the clean spec. */
async function scratch(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'talium-values-typos-'));
  mkdirSync(join(dir, 'clusters', 'homelab'), { recursive: true });
  cpSync(join(ROOT, SPEC), join(dir, SPEC));
  const r = await runCli(['generate'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return dir;
}

/** The homelab spec with the typos under `cilium.values`, and the line the first typo is on. */
function misspelt(): { text: string; first: number } {
  const lines = readFileSync(join(ROOT, SPEC), 'utf8').split('\n');
  const at = lines.indexOf('  hubble: true') + 1;
  assert.ok(at > 0, 'the example spec sets cilium.hubble');
  lines.splice(at, 0, '  values:', ...TYPOS);
  return { text: lines.join('\n'), first: at + 2 };
}

async function run(args: string[], cwd: string): Promise<{ code: number; diags: Diag[] }> {
  const r = await runCli([...args, '--format', 'json'], { cwd });
  return { code: r.code, diags: r.stdout ? (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics : [] };
}

const brief = (ds: Diag[]) => ds.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${String(d.data?.['path'] ?? d.data?.['key'] ?? '')}`);

test('generate: misspelt cilium.values keys are errors at their cluster.yaml position, nothing is written', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const before = new Map(listTree(dir).map((p) => [p, readFileSync(join(dir, p), 'utf8')]));
  const { text, first } = misspelt();
  writeFileSync(join(dir, SPEC), text);
  const { code, diags } = await run(['generate'], dir);
  assert.equal(code, 1, brief(diags).join('\n'));
  assert.deepEqual(
    diags.map((d) => [d.file, d.range.start.line, d.range.start.column, d.ruleId, d.severity, d.data?.['path'], d.data?.['suggestion']]),
    [
      [SPEC, first, 5, 'schema/unknown-field', 'error', 'l2anouncements', 'l2announcements'],
      [SPEC, first + 2, 5, 'schema/unknown-field', 'error', 'kubeProxyReplacment', 'kubeProxyReplacement'],
      [SPEC, first + 4, 7, 'schema/unknown-field', 'error', 'loadBalancer.algoritm', 'algorithm'],
    ],
  );
  // the values file keeps its content: no misspelt key reached generated output
  for (const [p, content] of before) if (p !== SPEC) assert.equal(readFileSync(join(dir, p), 'utf8'), content, p);
});

test('lint: each misspelt key once, at cluster.yaml, not again in the values file generated earlier', async (t) => {
  const dir = await scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { text, first } = misspelt();
  writeFileSync(join(dir, SPEC), text);
  // what an earlier talium that accepted the typos wrote into the DO-NOT-EDIT values file
  appendFileSync(join(dir, VALUES), 'l2anouncements:\n  enabled: true\nkubeProxyReplacment: true\nloadBalancer:\n  algoritm: maglev\n');
  const { code, diags } = await run(['lint'], dir);
  assert.equal(code, 1);
  const typos = diags.filter((d) => /anounce|Replacment|algoritm/.test(String(d.data?.['path'] ?? d.data?.['key'] ?? '')));
  assert.deepEqual(brief(typos), [
    `${SPEC}:${first}:5 schema/unknown-field l2anouncements`,
    `${SPEC}:${first + 2}:5 schema/unknown-field kubeProxyReplacment`,
    `${SPEC}:${first + 4}:7 schema/unknown-field loadBalancer.algoritm`,
  ]);
  // the generated file's own findings still come through when cluster.yaml does not have the key
  appendFileSync(join(dir, VALUES), 'hubbel: {}\n');
  const again = await run(['lint'], dir);
  assert.deepEqual(
    again.diags.filter((d) => d.file === VALUES).map((d) => [d.ruleId, d.data?.['key']]),
    [['cilium/values-key-typo', 'hubbel']],
  );
});
