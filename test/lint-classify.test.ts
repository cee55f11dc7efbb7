/** What a document is decides which checks run: the class of typical and borderline documents. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../src/lint/classify.js';

const cases: Array<[string, unknown, string, string]> = [
  ['Kubernetes object', { apiVersion: 'v1', kind: 'Service' }, 'apps/svc.yaml', 'k8s'],
  ['kustomization without kind', { resources: ['a.yaml'] }, 'apps/kustomization.yaml', 'kustomization'],
  ['Talos multi-document kind', { apiVersion: 'v1alpha1', kind: 'KubePrismConfig' }, 'talos/p.yaml', 'talos-document'],
  ['Talos config', { version: 'v1alpha1', machine: { type: 'controlplane' }, cluster: { clusterName: 'c' } }, 'talos/cp.yaml', 'talos-config'],
  ['Talos patch of the cluster section', { cluster: { proxy: { disabled: true } } }, 'talos/patches/proxy.yaml', 'talos-config'],
  ['Talos patch of the machine section', { machine: { network: {} } }, 'talos/patches/net.yaml', 'talos-config'],
  ['Cilium values with cluster.name and other keys', { cluster: { name: 'home', id: 1 }, kubeProxyReplacement: true }, 'cilium/values.yaml', 'helm-values'],
  ['Cilium values with only cluster.name', { cluster: { name: 'home' } }, 'cilium/values.yaml', 'helm-values'],
  ['Cilium values not named values', { cluster: { name: 'home', id: 1 }, ipam: { mode: 'kubernetes' } }, 'cilium/cilium.yaml', 'other'],
  ['SOPS-encrypted Talos config', { version: 'v1alpha1', machine: { type: 'controlplane', token: 'ENC[AES256_GCM,data:x,type:str]' }, sops: { mac: 'ENC[...]', version: '3.9.4' } }, 'talos/cp.sops.yaml', 'talos-config'],
  ['talhelper', { clusterName: 'c', nodes: [] }, 'talos/talconfig.yaml', 'talhelper'],
  ['JSON 6902 patch', [{ op: 'add', path: '/machine/x', value: 1 }], 'talos/p.yaml', 'talos-json6902'],
  ['top-level list', [1, 2], 'x.yaml', 'other'],
  ['talium config', { exclude: [] }, 'talium.config.yaml', 'talium-config'],
];

for (const [name, value, file, want] of cases) {
  test(`classify: ${name} → ${want}`, () => {
    assert.equal(classify(value, file), want);
  });
}
