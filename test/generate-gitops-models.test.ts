/**
 * The rendered Flux and Argo CD objects (kubectl kustomize output of every generated kustomization) validate with
 * the kubernetes-models schemas of their API versions (HelmRelease v2, HelmRepository v1, Kustomization v1,
 * Application v1alpha1). Skips when kubectl is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { HelmRelease } from '@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2';
import { HelmRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { readFileSync } from 'node:fs';

const ROOT = process.cwd();
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'helm.toolkit.fluxcd.io/v2/HelmRelease': HelmRelease as any,
  'source.toolkit.fluxcd.io/v1/HelmRepository': HelmRepository as any,
  'kustomize.toolkit.fluxcd.io/v1/Kustomization': Kustomization as any,
  'argoproj.io/v1alpha1/Application': Application as any,
};

function validate(doc: Record<string, any>, where: string): boolean {
  const Model = MODELS[`${doc['apiVersion']}/${doc['kind']}`];
  if (!Model) return false;
  assert.doesNotThrow(() => new Model(doc).validate(), `${where}: ${doc['kind']}/${doc['metadata']?.['name']}`);
  return true;
}

test('rendered Flux and Argo CD objects validate against their API schemas', (t) => {
  if (!hasKubectl) return t.skip('kubectl not installed: cannot run kubectl kustomize');
  let n = 0;
  for (const dir of ['clusters/homelab/generated/kubernetes', 'clusters/homelab/generated/kubernetes/cilium', 'clusters/lab/generated/kubernetes']) {
    const r = spawnSync('kubectl', ['kustomize', join(ROOT, dir)], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    for (const d of parseAllDocuments(r.stdout)) if (validate(d.toJS(), dir)) n++;
  }
  for (const f of ['clusters/homelab/generated/flux/talium.yaml', 'clusters/lab/generated/argocd/root-app.yaml']) {
    for (const d of parseAllDocuments(readFileSync(join(ROOT, f), 'utf8'))) if (validate(d.toJS(), f)) n++;
  }
  assert.equal(n, 8, 'objects validated: 2 Flux Kustomizations, HelmRelease, HelmRepository, 2 Applications, 2 entry points');
});

test('the model check rejects a broken object', () => {
  assert.throws(() => new (MODELS['helm.toolkit.fluxcd.io/v2/HelmRelease']!)({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'x' }, spec: { interval: 5 } }).validate());
});
