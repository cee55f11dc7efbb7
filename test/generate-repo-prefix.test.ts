/**
 * clusters/ below the top of the Git repository (`kubernetes/clusters/...` in a monorepo): every Git path talium
 * writes (Flux Kustomization paths, flux bootstrap --path, Argo CD source paths and `$values/` files) is relative to
 * the repository root, so it must carry that prefix and name a real folder or file of the checkout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../src/testing/cli.js';

const ROOT = process.cwd();

function gitRepoWithSubfolder(t: { after(fn: () => void): void; skip(msg: string): void }): string | undefined {
  if (spawnSync('git', ['--version']).status !== 0) {
    t.skip('git is not installed');
    return undefined;
  }
  const top = mkdtempSync(join(tmpdir(), 'talium-prefix-'));
  t.after(() => rmSync(top, { recursive: true, force: true }));
  assert.equal(spawnSync('git', ['init', '-q'], { cwd: top }).status, 0);
  for (const c of ['homelab', 'lab']) {
    mkdirSync(join(top, 'kubernetes/clusters', c), { recursive: true });
    cpSync(join(ROOT, 'clusters', c, 'cluster.yaml'), join(top, 'kubernetes/clusters', c, 'cluster.yaml'));
  }
  return top;
}

const docs = (file: string) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, any>);
/** Inline patches of a generated kustomization.yaml, parsed. */
const patches = (file: string) => (docs(file)[0]!['patches'] as Array<{ patch: string }>).map((p) => parseAllDocuments(p.patch)[0]!.toJS() as Record<string, any>);

test('Git paths carry the folder that holds clusters/ inside the repository, and name what is there', async (t) => {
  const top = gitRepoWithSubfolder(t);
  if (!top) return;
  const r = await runCli(['generate'], { cwd: join(top, 'kubernetes') });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const gen = (c: string, p: string) => join(top, 'kubernetes/clusters', c, 'generated', p);
  const atTop = (p: string) => existsSync(join(top, p.replace(/^\.\//, '')));

  // Flux: the entry Kustomization, the two stages, flux bootstrap --path
  const entry = docs(gen('homelab', 'flux/talium.yaml'))[0]!;
  assert.equal(entry['spec']['path'], './kubernetes/clusters/homelab/generated/kubernetes');
  const stages = patches(gen('homelab', 'kubernetes/kustomization.yaml')).map((p) => [p['metadata']['name'], p['spec']['path']]);
  assert.deepEqual(stages, [
    ['cilium', './kubernetes/clusters/homelab/generated/kubernetes/cilium'],
    ['cilium-config', './kubernetes/clusters/homelab/generated/kubernetes/cilium-config'],
  ]);
  for (const p of [entry['spec']['path'], ...stages.map((s) => s[1])]) assert.ok(atTop(String(p)), `${p} exists from the repository root`);
  assert.match(readFileSync(gen('homelab', 'flux/bootstrap.sh'), 'utf8'), /--path=kubernetes\/clusters\/homelab\/generated\/flux \\/);

  // Argo CD: root app, cilium-config source, the values file of the cilium app
  const root = docs(gen('lab', 'argocd/root-app.yaml'))[0]!;
  assert.equal(root['spec']['source']['path'], 'kubernetes/clusters/lab/generated/kubernetes');
  const [cilium, config] = patches(gen('lab', 'kubernetes/kustomization.yaml'));
  const valueFile = String(cilium!['spec']['sources'][0]['helm']['valueFiles'][0]);
  assert.equal(valueFile, '$values/kubernetes/clusters/lab/generated/kubernetes/cilium/values.yaml');
  assert.equal(config!['spec']['source']['path'], 'kubernetes/clusters/lab/generated/kubernetes/cilium-config');
  for (const p of [root['spec']['source']['path'], config!['spec']['source']['path'], valueFile.replace('$values/', '')]) assert.ok(atTop(p), `${p} exists from the repository root`);

  // the prefix is part of the output: --check agrees, and the files talium writes are still under kubernetes/clusters
  assert.equal((await runCli(['generate', '--check'], { cwd: join(top, 'kubernetes') })).code, 0);
  assert.ok(!existsSync(join(top, 'clusters')));
});
