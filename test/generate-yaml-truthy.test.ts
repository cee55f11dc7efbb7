/**
 * Plain yes/no/on/off in cluster.yaml's `cilium.values`: talium reads them as strings (YAML 1.2) and writes them
 * quoted into the Helm values file, where a user writing `on` may have meant true. `talium generate` warns
 * (yaml/truthy, at the cluster.yaml position, the same findings `talium lint` reports there) and still generates
 * with exit 0; a quoted value, or a plain `on` elsewhere in cluster.yaml (which only talium reads), gives nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/testing/cli.js';

const ROOT = process.cwd();
const SPEC = 'clusters/homelab/cluster.yaml';
const VALUES = 'clusters/homelab/generated/kubernetes/cilium/values.yaml';

interface Diag {
  ruleId: string;
  messageId?: string;
  file: string;
  severity: string;
  data?: Record<string, unknown>;
  range: { start: { line: number; column: number }; end: { line: number; column: number } };
}

/** The homelab spec with `lines` inserted after `after`, and the 1-based line number of the first inserted line. */
function spec(after: string, lines: string[]): { text: string; first: number } {
  const all = readFileSync(join(ROOT, SPEC), 'utf8').split('\n');
  const at = all.indexOf(after) + 1;
  assert.ok(at > 0, `the example spec has the line ${JSON.stringify(after)}`);
  all.splice(at, 0, ...lines);
  return { text: all.join('\n'), first: at + 1 };
}

/** A scratch repository holding only `text` as the homelab cluster.yaml. */
function scratch(t: { after: (fn: () => void) => void }, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'talium-generate-truthy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'clusters', 'homelab'), { recursive: true });
  writeFileSync(join(dir, SPEC), text);
  return dir;
}

async function run(args: string[], cwd: string): Promise<{ code: number; diags: Diag[]; stderr: string; stdout: string }> {
  const r = await runCli([...args, '--format', 'json'], { cwd });
  return { code: r.code, diags: r.stdout ? (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics : [], stderr: r.stderr, stdout: r.stdout };
}

const brief = (ds: Diag[]) => ds.map((d) => [d.file, d.range.start.line, d.range.start.column, d.range.end.column, d.ruleId, d.severity, d.data]);

test('generate: a plain `on` in cilium.values is a yaml/truthy warning at its cluster.yaml position; exit 0, the file is written', async (t) => {
  const { text, first } = spec('  hubble: true', ['  values:', '    someKey: on']);
  const dir = scratch(t, text);
  const r = await run(['generate'], dir);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.deepEqual(brief(r.diags), [[SPEC, first + 1, 14, 16, 'yaml/truthy', 'warning', { value: 'on', yaml11: true }]]);
  // what reaches Helm: the string talium read, quoted so that no YAML 1.1 reader takes it for true
  assert.match(readFileSync(join(dir, VALUES), 'utf8'), /^someKey: "on"$/m);
  // the drift gate: nothing to change, the warning again, still exit 0
  const check = await run(['generate', '--check'], dir);
  assert.equal(check.code, 0, check.stderr);
  assert.deepEqual(brief(check.diags), brief(r.diags));
  // the same finding `talium lint` reports there
  const lint = await run(['lint', SPEC], dir);
  assert.equal(lint.code, 0);
  assert.deepEqual(brief(lint.diags), brief(r.diags));
});

test('generate: every plain yes/no/on/off/y/n below cilium.values, nested and in lists, one warning each', async (t) => {
  const { text, first } = spec('  hubble: true', ['  values:', '    extraArgs:', '      - off', '      - "yes"', '    hubble:', '      tls:', '        auto:', '          method: Y']);
  const dir = scratch(t, text);
  const r = await run(['generate'], dir);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.deepEqual(brief(r.diags), [
    [SPEC, first + 2, 9, 12, 'yaml/truthy', 'warning', { value: 'off', yaml11: false }],
    [SPEC, first + 7, 19, 20, 'yaml/truthy', 'warning', { value: 'Y', yaml11: true }],
  ]);
});

test('generate: a quoted "on" in cilium.values gives nothing', async (t) => {
  const { text } = spec('  hubble: true', ['  values:', '    someKey: "on"', "    other: 'off'"]);
  const dir = scratch(t, text);
  const r = await run(['generate'], dir);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.deepEqual(brief(r.diags), []);
  assert.match(readFileSync(join(dir, VALUES), 'utf8'), /^someKey: "on"$/m);
});

test('generate: a plain `on` outside cilium.values (a pool label value, read by talium only) gives nothing', async (t) => {
  const { text } = spec('        talium.dev/pool: dns', ['        power: on']);
  const dir = scratch(t, text);
  const r = await run(['generate'], dir);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.deepEqual(brief(r.diags), []);
  // talium wrote the string it read, quoted
  const pools = readFileSync(join(dir, 'clusters/homelab/generated/kubernetes/cilium-config/pools.yaml'), 'utf8');
  assert.match(pools, /^ {6}power: "on"$/m);
  const lint = await run(['lint', SPEC], dir);
  assert.deepEqual(brief(lint.diags), []);
});

test('generate: a plain `off` where the chart wants a boolean is the schema/type error alone, as in lint', async (t) => {
  const { text, first } = spec('  hubble: true', ['  values:', '    bpf:', '      masquerade: off']);
  const dir = scratch(t, text);
  const r = await run(['generate'], dir);
  assert.equal(r.code, 1);
  // messageId yaml12Spec: talium itself reads cluster.yaml as YAML 1.2 (the message says so)
  assert.deepEqual(
    r.diags.map((d) => [d.file, d.range.start.line, d.range.start.column, d.ruleId, d.messageId, d.data?.['value']]),
    [[SPEC, first + 2, 19, 'schema/type', 'yaml12Spec', 'off']],
  );
  const lint = await run(['lint', SPEC], dir);
  assert.deepEqual(
    lint.diags.map((d) => [d.file, d.range.start.line, d.range.start.column, d.ruleId, d.messageId]),
    [[SPEC, first + 2, 19, 'schema/type', 'yaml12Spec']],
  );
});

test('generate: the warning in the default (stylish) output and in SARIF, whose driver lists yaml/truthy', async (t) => {
  const { text, first } = spec('  hubble: true', ['  values:', '    someKey: on']);
  const dir = scratch(t, text);
  const stylish = await runCli(['generate'], { cwd: dir });
  assert.equal(stylish.code, 0, stylish.stderr);
  assert.match(stylish.stdout, new RegExp(`^clusters/homelab/cluster\\.yaml\\n {2}${first + 1}:14 +warning .* yaml/truthy$`, 'm'));
  const sarif = await runCli(['generate', '--format', 'sarif'], { cwd: dir });
  const run0 = (JSON.parse(sarif.stdout) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; ruleIndex: number; level: string }> }> }).runs[0]!;
  assert.deepEqual(run0.results.map((x) => [x.ruleId, x.level, run0.tool.driver.rules[x.ruleIndex]!.id]), [['yaml/truthy', 'warning', 'yaml/truthy']]);
});
