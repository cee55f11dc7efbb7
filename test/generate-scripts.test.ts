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
import { fixtureOutput, loadFixtureCluster } from '../src/testing/generate-fixtures.js';

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

test('the scripts pass spec values as single words: a branch with shell syntax, an endpoint, a plain-HTTP repository', () => {
  const dir = mkdtempSync(join(tmpdir(), 'talium-script-words-'));
  try {
    const spec = readFileSync(join(ROOT, 'test', 'fixtures', 'spec', 'valid.yaml'), 'utf8')
      .replace('repository: https://example.com/repo.git', `repository: http://gitea.lan:3000/me/homelab.git\n  branch: "feat/$(touch\${IFS}pwned)'x;y"`)
      .concat('cluster:\n  schedulableControlPlanes: true\n  endpoint: https://k8s.lab.example:6443\n');
    writeFileSync(join(dir, 'cluster.yaml'), spec);
    const files = fixtureOutput(loadFixtureCluster(join(dir, 'cluster.yaml'), 'lab'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    // the stubs print one argument per line: word splitting or a command substitution would show
    for (const tool of ['flux', 'talosctl']) {
      writeFileSync(join(bin, tool), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
      chmodSync(join(bin, tool), 0o755);
    }
    const run = (script: string): string[] => {
      writeFileSync(join(dir, 'script.sh'), files.get(script)!);
      const r = spawnSync('sh', [join(dir, 'script.sh')], { cwd: dir, encoding: 'utf8', env: { PATH: `${bin}:${process.env['PATH']}`, HOME: dir, TALOS_OUT: join(dir, 'out') } });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('\n');
    };
    const flux = run('generated/flux/bootstrap.sh');
    assert.deepEqual(flux.slice(0, 6), ['bootstrap', 'git', '--url=http://gitea.lan:3000/me/homelab.git', '--allow-insecure-http=true', "--branch=feat/$(touch${IFS}pwned)'x;y", '--path=clusters/lab/generated/flux']);
    assert.equal(existsSync(join(dir, 'pwned')), false);
    const talos = run('generated/talos/gen-config.sh');
    assert.deepEqual(talos.slice(0, 4), ['gen', 'config', 'lab', 'https://k8s.lab.example:6443']);
    // an https repository gets no --allow-insecure-http
    writeFileSync(join(dir, 'cluster.yaml'), readFileSync(join(ROOT, 'test', 'fixtures', 'spec', 'valid.yaml'), 'utf8'));
    assert.doesNotMatch(fixtureOutput(loadFixtureCluster(join(dir, 'cluster.yaml'), 'lab')).get('generated/flux/bootstrap.sh')!, /allow-insecure-http/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
