/**
 * The generated scripts run for real with stub tools: gen-config.sh (a stub talosctl) resolves secrets and output
 * paths from the caller's directory, passes the control-plane patch only when there is one, and git ignores its
 * defaults; flux/bootstrap.sh (a stub flux) bootstraps from the spec's repository and branch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = process.cwd();

/** Runs the committed script with a stub talosctl; TALOS_* from the test's own environment never leak in. */
function runScript(cluster: string, cwd: string, env: Record<string, string>): string[] {
  const bin = mkdtempSync(join(tmpdir(), 'talium-stub-'));
  try {
    writeFileSync(join(bin, 'talosctl'), '#!/bin/sh\necho "talosctl $*"\n');
    chmodSync(join(bin, 'talosctl'), 0o755);
    const r = spawnSync('sh', [join(ROOT, 'clusters', cluster, 'generated', 'talos', 'gen-config.sh')], { cwd, encoding: 'utf8', env: { PATH: `${bin}:${process.env['PATH']}`, HOME: process.env['HOME'] ?? '/tmp', ...env } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split('\n');
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

test('gen-config.sh: relative TALOS_SECRETS/TALOS_OUT resolve from where it is run; defaults sit next to the script', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'talium-caller-'));
  try {
    mkdirSync(join(cwd, 'private'));
    const lines = runScript('lab', cwd, { TALOS_SECRETS: 'private/secrets.yaml', TALOS_OUT: 'out' });
    assert.ok(lines[0]!.includes(`--with-secrets ${join(cwd, 'private', 'secrets.yaml')} `), lines[0]);
    assert.ok(lines[0]!.includes(`--output ${join(cwd, 'out')} `), lines[0]);
    const defaults = runScript('lab', cwd, {});
    const here = join(ROOT, 'clusters', 'lab', 'generated', 'talos');
    assert.ok(defaults[0]!.includes(`--with-secrets ${join(here, 'secrets.yaml')} `), defaults[0]);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('gen-config.sh passes the control-plane patch only for schedulable control planes', () => {
  const lab = runScript('lab', ROOT, {}).join('\n');
  const homelab = runScript('homelab', ROOT, {}).join('\n');
  assert.doesNotMatch(lab, /--config-patch-control-plane/);
  assert.equal(existsSync(join(ROOT, 'clusters', 'lab', 'generated', 'talos', 'patches', 'controlplane.yaml')), false);
  assert.match(homelab, /--config-patch-control-plane @patches\/controlplane\.yaml/);
});

test('git ignores the default secrets file and output folder beside the script', (t) => {
  if (spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: ROOT }).status !== 0) return t.skip('not a git checkout');
  for (const p of ['clusters/lab/generated/talos/secrets.yaml', 'clusters/homelab/generated/talos/_out/controlplane.yaml']) {
    assert.equal(spawnSync('git', ['check-ignore', '-q', p], { cwd: ROOT }).status, 0, `${p} is ignored`);
  }
  assert.notEqual(spawnSync('git', ['check-ignore', '-q', 'clusters/lab/generated/talos/gen-config.sh'], { cwd: ROOT }).status, 0);
});

test('flux/bootstrap.sh bootstraps from gitops.repository and gitops.branch into the generated flux folder', () => {
  const bin = mkdtempSync(join(tmpdir(), 'talium-stub-'));
  try {
    writeFileSync(join(bin, 'flux'), '#!/bin/sh\necho "flux $*"\n');
    chmodSync(join(bin, 'flux'), 0o755);
    const r = spawnSync('sh', [join(ROOT, 'clusters', 'homelab', 'generated', 'flux', 'bootstrap.sh'), '--private-key-file=/k'], { encoding: 'utf8', env: { PATH: `${bin}:${process.env['PATH']}` } });
    assert.equal(r.status, 0, r.stderr);
    const spec = readFileSync(join(ROOT, 'clusters', 'homelab', 'cluster.yaml'), 'utf8');
    const url = /repository:\s*(\S+)/.exec(spec)![1]!;
    const branch = /branch:\s*(\S+)/.exec(spec)![1]!;
    assert.equal(r.stdout.trim(), `flux bootstrap git --url=${url} --branch=${branch} --path=clusters/homelab/generated/flux --private-key-file=/k`);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
