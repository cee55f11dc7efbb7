/**
 * The contract of this repository's CI workflow (.github/workflows/ci.yml): triggers, least-privilege
 * permissions, pinned actions, npm cache, and the steps issue 5 requires.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = process.cwd();

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const ci = parse(readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8')) as Workflow;
const allSteps = Object.values(ci.jobs).flatMap((j) => j.steps);
const runs = allSteps.map((s) => s.run ?? '').join('\n');

test('ci runs on pull requests and on pushes to main', () => {
  assert.ok('pull_request' in ci.on);
  assert.deepEqual((ci.on['push'] as { branches: string[] }).branches, ['main']);
});

test('permissions are least-privilege: read-only at the top, security-events only where SARIF is uploaded', () => {
  assert.deepEqual(ci.permissions, { contents: 'read' });
  for (const [name, job] of Object.entries(ci.jobs)) {
    const uploads = job.steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    const perms: Record<string, string> = job.permissions ?? ci.permissions ?? {};
    assert.equal(perms['security-events'] === 'write', uploads, `job ${name}: security-events: write iff it uploads SARIF`);
    for (const [scope, level] of Object.entries(perms)) {
      if (scope !== 'security-events') assert.equal(level, 'read', `job ${name}: ${scope} must be read`);
    }
  }
});

test('every remote action is pinned to a full commit SHA', () => {
  const remote = allSteps.map((s) => s.uses).filter((u): u is string => !!u && !u.startsWith('./'));
  assert.ok(remote.length >= 3);
  for (const u of remote) assert.match(u, /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/, u);
});

test('the test job installs with npm ci (npm cache on), runs npm test and both drift gates', () => {
  const setupNode = allSteps.filter((s) => s.uses?.startsWith('actions/setup-node@'));
  assert.ok(setupNode.length >= 1);
  for (const s of setupNode) assert.equal(s.with?.['cache'], 'npm');
  assert.match(runs, /^npm ci\b/m);
  assert.match(runs, /^npm test$/m);
  assert.match(runs, /^npm run generate -- --check$/m);
  assert.match(runs, /^npm run docs -- --check$/m);
});

test('lint writes GitHub annotations and SARIF, and the SARIF upload runs even when lint fails', () => {
  const lintJob = Object.values(ci.jobs).find((j) => j.steps.some((s) => s.uses === './'));
  assert.ok(lintJob, 'a job lints through the repository action (uses: ./)');
  const action = lintJob.steps.find((s) => s.uses === './')!;
  assert.match(String(action.with?.['formats']), /\bgithub\b/);
  const sarif = String(action.with?.['sarif-file']);
  assert.match(sarif, /\.sarif$/);
  const upload = lintJob.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
  assert.ok(upload);
  assert.equal(upload.with?.['sarif_file'], sarif);
  assert.match(upload.if ?? '', /always\(\)/);
  // Inputs given to the action exist in action.yml.
  const meta = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };
  for (const key of Object.keys(action.with ?? {})) assert.ok(key in meta.inputs, `action input ${key} is declared`);
});

test('dependabot keeps the pinned actions (workflows and action.yml) and npm current', () => {
  const cfg = parse(readFileSync(join(ROOT, '.github/dependabot.yml'), 'utf8')) as {
    version: number;
    updates: { 'package-ecosystem': string; directory?: string; directories?: string[] }[];
  };
  assert.equal(cfg.version, 2);
  const actions = cfg.updates.find((u) => u['package-ecosystem'] === 'github-actions');
  assert.equal(actions?.directory, '/', '"/" covers .github/workflows and the root action.yml');
  assert.ok(cfg.updates.some((u) => u['package-ecosystem'] === 'npm' && u.directory === '/'));
});
