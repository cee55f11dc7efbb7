/**
 * Real Kustomize: `kubectl kustomize` builds every generated kustomization (overlays over the shared bases) and
 * renders exactly the expected kinds and names. Skips with a message when kubectl is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { listTree } from '../src/testing/golden.js';

const ROOT = process.cwd();
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

function build(dir: string): Array<Record<string, any>> {
  const r = spawnSync('kubectl', ['kustomize', join(ROOT, dir)], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `kubectl kustomize ${dir}: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, any>);
}
const ids = (docs: Array<Record<string, any>>) => docs.map((d) => `${d['kind']}/${d['metadata']?.['namespace'] ? d['metadata']['namespace'] + '/' : ''}${d['metadata']?.['name']}`).sort();

const EXPECTED: Record<string, string[]> = {
  'clusters/homelab/generated/kubernetes': ['Kustomization/flux-system/cilium', 'Kustomization/flux-system/cilium-config'],
  'clusters/homelab/generated/kubernetes/cilium': ['ConfigMap/kube-system/cilium-values', 'HelmRelease/kube-system/cilium', 'HelmRepository/kube-system/cilium'],
  'clusters/homelab/generated/kubernetes/cilium-config': ['CiliumL2AnnouncementPolicy/lan-vlan50', 'CiliumLoadBalancerIPPool/default', 'CiliumLoadBalancerIPPool/dns'],
  'clusters/lab/generated/kubernetes': ['Application/argocd/cilium', 'Application/argocd/cilium-config'],
  'clusters/lab/generated/kubernetes/cilium-config': ['CiliumL2AnnouncementPolicy/lan-vlan50', 'CiliumLoadBalancerIPPool/default'],
  'clusters/_base/flux/cilium': ['HelmRelease/kube-system/cilium', 'HelmRepository/kube-system/cilium'],
  'clusters/_base/flux/stages': ['Kustomization/flux-system/cilium', 'Kustomization/flux-system/cilium-config'],
  'clusters/_base/argocd': ['Application/argocd/cilium', 'Application/argocd/cilium-config'],
};

test('every generated kustomization is listed here', () => {
  const dirs = listTree(join(ROOT, 'clusters'))
    .filter((p) => p.endsWith('/kustomization.yaml'))
    .map((p) => `clusters/${p.slice(0, -'/kustomization.yaml'.length)}`)
    .sort();
  assert.deepEqual(dirs, Object.keys(EXPECTED).sort());
});

for (const [dir, expected] of Object.entries(EXPECTED)) {
  test(`kubectl kustomize ${dir}`, (t) => {
    if (!hasKubectl) return t.skip('kubectl not installed: cannot run kubectl kustomize');
    assert.deepEqual(ids(build(dir)), [...expected].sort());
  });
}

test('overlays carry what differs: paths, chart version, values, dependsOn', (t) => {
  if (!hasKubectl) return t.skip('kubectl not installed: cannot run kubectl kustomize');
  const stages = build('clusters/homelab/generated/kubernetes');
  const config = stages.find((d) => d['metadata']['name'] === 'cilium-config')!;
  assert.deepEqual(config['spec']['dependsOn'], [{ name: 'cilium' }]);
  assert.equal(config['spec']['path'], './clusters/homelab/generated/kubernetes/cilium-config');
  const cilium = build('clusters/homelab/generated/kubernetes/cilium');
  const hr = cilium.find((d) => d['kind'] === 'HelmRelease')!;
  assert.equal(hr['apiVersion'], 'helm.toolkit.fluxcd.io/v2');
  assert.equal(hr['spec']['chart']['spec']['version'], '1.20.1');
  const cm = cilium.find((d) => d['kind'] === 'ConfigMap')!;
  assert.equal(hr['spec']['valuesFrom'][0]['name'], cm['metadata']['name'], 'valuesFrom names the generated ConfigMap (no hash suffix)');
  const values = (parseAllDocuments(cm['data']['values.yaml'])[0]!.toJS() as Record<string, any>);
  assert.equal(values['kubeProxyReplacement'], true);
  const apps = build('clusters/lab/generated/kubernetes');
  const app = apps.find((d) => d['metadata']['name'] === 'cilium')!;
  assert.equal(app['spec']['sources'][0]['targetRevision'], '1.17.18');
  assert.deepEqual(app['spec']['sources'][0]['helm']['valueFiles'], ['$values/clusters/lab/generated/kubernetes/cilium/values.yaml']);
  assert.ok(app['spec']['ignoreDifferences'].some((d: any) => d.name === 'hubble-server-certs'));
  const cfg = apps.find((d) => d['metadata']['name'] === 'cilium-config')!;
  assert.ok(cfg['spec']['syncPolicy']['syncOptions'].includes('SkipDryRunOnMissingResource=true'));
  assert.ok(Number(app['metadata']['annotations']['argocd.argoproj.io/sync-wave']) < Number(cfg['metadata']['annotations']['argocd.argoproj.io/sync-wave']));
});
