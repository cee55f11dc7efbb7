/**
 * The reusable composite action (action.yml): metadata structure (every input used, every output set by a
 * step), and its lint step run for real with bash against the compiled CLI (outputs, SARIF, fail-level).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { CLI_MAIN, spawnCli } from '../src/testing/cli.js';

const ROOT = process.cwd();
const ACTION_TEXT = readFileSync(join(ROOT, 'action.yml'), 'utf8');

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'working-directory'?: string;
}
interface ActionMeta {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}
const action = parse(ACTION_TEXT) as ActionMeta;

test('action.yml has the required metadata and is a composite action', () => {
  assert.equal(typeof action.name, 'string');
  assert.equal(typeof action.description, 'string');
  assert.equal(action.runs.using, 'composite');
  assert.ok(action.runs.steps.length >= 2);
  for (const s of action.runs.steps) if (s.run) assert.equal(s.shell, 'bash', `step ${s.name}: composite run steps need shell`);
  for (const [name, spec] of Object.entries(action.inputs)) {
    assert.ok(spec.description, `input ${name} has a description`);
    assert.ok(spec.required === true || spec.default !== undefined, `input ${name}: required or defaulted`);
  }
  for (const name of ['paths', 'config', 'formats', 'sarif-file', 'fail-level', 'max-warnings', 'working-directory']) {
    assert.ok(name in action.inputs, `input ${name}`);
  }
});

test('every input is used by the steps, and only through expressions outside run scripts', () => {
  const steps = JSON.stringify(action.runs.steps);
  for (const name of Object.keys(action.inputs)) {
    assert.ok(steps.includes(`inputs.${name}`), `input ${name} is used`);
  }
  for (const s of action.runs.steps) {
    assert.ok(!/\$\{\{/.test(s.run ?? ''), `step ${s.name}: no \${{ }} inside run (script injection); use env`);
  }
});

test('every output is set by a step that writes it to GITHUB_OUTPUT', () => {
  assert.deepEqual(Object.keys(action.outputs).sort(), ['errors', 'exit-code', 'infos', 'sarif-file', 'warnings']);
  for (const [name, out] of Object.entries(action.outputs)) {
    const m = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(out.value);
    assert.ok(m, `output ${name}: value is a step output`);
    const step = action.runs.steps.find((s) => s.id === m[1]);
    assert.ok(step?.run, `output ${name}: step ${m[1]} exists and runs a script`);
    assert.ok(step.run.includes(`echo "${m[2]}=`), `output ${name}: step ${m[1]} writes ${m[2]}=`);
    assert.match(step.run, /GITHUB_OUTPUT/);
  }
});

// ---- The lint step, run for real ----------------------------------------------------------------------------

const lintStep = action.runs.steps.find((s) => s.id === 'lint')!;

function inputEnv(overrides: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, expr] of Object.entries(lintStep.env ?? {})) {
    const m = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(expr);
    assert.ok(m, `env ${key} maps one input`);
    const name = m[1]!;
    env[key] = overrides[name] ?? action.inputs[name]?.default ?? '';
  }
  return env;
}

interface StepRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
}

function runLintStep(workDir: string, inputs: Record<string, string>): StepRun {
  const actionPath = mkdtempSync(join(tmpdir(), 'talium-action-'));
  const tmp = mkdtempSync(join(tmpdir(), 'talium-runner-'));
  try {
    // A stand-in for $GITHUB_ACTION_PATH/scripts/talium.cjs that runs the CLI compiled next to this test.
    mkdirSync(join(actionPath, 'scripts'));
    writeFileSync(
      join(actionPath, 'scripts', 'talium.cjs'),
      `import(${JSON.stringify(pathToFileURL(CLI_MAIN).href)}).then(async (m) => {\n  process.exitCode = await m.main(process.argv.slice(2));\n});\n`,
    );
    writeFileSync(join(actionPath, 'package.json'), '{"type":"module"}\n');
    const outFile = join(tmp, 'github-output');
    writeFileSync(outFile, '');
    const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', lintStep.run!], {
      cwd: workDir,
      env: { ...process.env, NO_COLOR: '1', ...inputEnv(inputs), GITHUB_ACTION_PATH: actionPath, GITHUB_OUTPUT: outFile, RUNNER_TEMP: tmp },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const outputs: Record<string, string> = {};
    for (const line of readFileSync(outFile, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return { code: r.status ?? -1, stdout: r.stdout, outputs };
  } finally {
    rmSync(actionPath, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
}

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'talium-action-repo-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

/** Malformed YAML at 5:7 (a nested mapping in a compact mapping). */
const BAD = { 'manifests/bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: a: b\n' };
const GOOD = { 'manifests/ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  namespace: default\ndata:\n  a: b\n' };

test('lint step: findings → counts match talium --format json, SARIF written, annotations printed, step fails', () => {
  const dir = repo({ ...BAD, ...GOOD });
  try {
    const direct = spawnCli(['lint', '--format', 'json'], { cwd: dir });
    const summary = (JSON.parse(direct.stdout) as { summary: { errors: number; warnings: number; infos: number } }).summary;
    assert.ok(summary.errors >= 1, 'the malformed file is an error');
    const r = runLintStep(dir, {});
    assert.equal(r.code, 1);
    assert.equal(r.outputs['errors'], String(summary.errors));
    assert.equal(r.outputs['warnings'], String(summary.warnings));
    assert.equal(r.outputs['infos'], String(summary.infos));
    assert.equal(r.outputs['exit-code'], '1');
    assert.equal(r.outputs['sarif-file'], 'talium.sarif');
    const sarif = JSON.parse(readFileSync(join(dir, 'talium.sarif'), 'utf8')) as { version: string };
    assert.equal(sarif.version, '2.1.0');
    assert.match(r.stdout, /^::error file=manifests\/bad\.yaml,line=5,col=7,.*title=yaml\/syntax::/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lint step: fail-level none reports the counts but passes; paths and sarif-file are honoured', () => {
  const dir = repo({ ...BAD, ...GOOD });
  try {
    const r = runLintStep(dir, { 'fail-level': 'none', paths: 'manifests/bad.yaml', 'sarif-file': 'out/t.sarif' });
    assert.equal(r.code, 0);
    assert.equal(r.outputs['exit-code'], '1');
    assert.ok(Number(r.outputs['errors']) >= 1);
    assert.equal(r.outputs['sarif-file'], 'out/t.sarif');
    assert.ok(existsSync(join(dir, 'out/t.sarif')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lint step: a path that starts with "-" is linted as a path, not taken as an option', () => {
  const dir = repo({ '-c.yaml': BAD['manifests/bad.yaml'], ...GOOD });
  try {
    const r = runLintStep(dir, { paths: '-c.yaml', 'sarif-file': '' });
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.outputs['exit-code'], '1');
    assert.match(r.stdout, /^::error file=-c\.yaml,line=5,col=7,.*title=yaml\/syntax::/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lint step: a clean tree passes with zero counts; no SARIF when sarif-file is empty', () => {
  const dir = repo(GOOD);
  try {
    const r = runLintStep(dir, { 'sarif-file': '' });
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.outputs['errors'], '0');
    assert.equal(r.outputs['exit-code'], '0');
    assert.equal(r.outputs['sarif-file'], '');
    assert.ok(!existsSync(join(dir, 'talium.sarif')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lint step: an invalid fail-level is a usage error (exit 2)', () => {
  const dir = repo(GOOD);
  try {
    const r = runLintStep(dir, { 'fail-level': 'sometimes' });
    assert.equal(r.code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
