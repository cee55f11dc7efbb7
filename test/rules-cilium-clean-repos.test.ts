/**
 * Whole well-configured repositories (test/fixtures/rules/clean-*): every cilium/talos/gitops rule stays silent,
 * and breaking one fact in them makes exactly the expected rule fire (the fixtures really exercise the rules).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { CILIUM_RULES } from '../src/rules/cilium/index.js';
import { GITOPS_RULES } from '../src/rules/gitops/index.js';
import { TALOS_RULES } from '../src/rules/talos/index.js';
import { lintRepo, readTree } from '../src/testing/rule-tester.js';

const RULES = [...CILIUM_RULES, ...TALOS_RULES, ...GITOPS_RULES];
const FIXTURES = path.join(process.cwd(), 'test/fixtures/rules');

const brief = (files: Record<string, string>) => lintRepo(files, RULES).map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}/${d.messageId ?? ''}`);

test('clean Flux + talhelper repository: no findings', () => {
  assert.deepEqual(brief(readTree(path.join(FIXTURES, 'clean-flux-talhelper'))), []);
});

test('clean Argo CD + Talos 1.14 multi-document repository: no findings', () => {
  assert.deepEqual(brief(readTree(path.join(FIXTURES, 'clean-argocd-talos114'))), []);
});

test('one broken fact in a clean repository fires exactly one rule', () => {
  const flux = readTree(path.join(FIXTURES, 'clean-flux-talhelper'));
  const values = 'kubernetes/apps/kube-system/cilium/app/values.yaml';
  const kust = 'kubernetes/apps/kube-system/cilium/app/kustomization.yaml';
  const cases: Array<[string, Record<string, string>, string]> = [
    ['KubePrism port', { [values]: flux[values]!.replace('k8sServicePort: 7445', 'k8sServicePort: 6443') }, `${values}:3:17 cilium/k8s-service-endpoint/port`],
    ['host DNS', { 'talos/patches/host-dns.yaml': flux['talos/patches/host-dns.yaml']!.replace('false', 'true') }, `${values}:15:15 cilium/bpf-masquerade-host-dns/conflict`],
    ['kube-proxy', { 'talos/patches/cluster.yaml': 'cluster:\n  network:\n    cni:\n      name: none\n' }, 'talos/patches/cluster.yaml:1:1 talos/kube-proxy-enabled/notDisabled'],
    ['dependsOn', { 'kubernetes/apps/kube-system/cilium/ks.yaml': flux['kubernetes/apps/kube-system/cilium/ks.yaml']!.replace('  dependsOn:\n    - name: cilium\n', ''), 'bootstrap/helmfile.yaml': '' }, 'kubernetes/apps/kube-system/cilium/ks.yaml:19:9 gitops/cilium-crs-order/fluxNoDepends'],
    ['rollout', { [values]: flux[values]!.replace('rollOutCiliumPods: true', 'rollOutCiliumPods: false') }, `${values}:28:1 cilium/rollout-pods/off`],
    ['devices', { [values]: flux[values]!.replace('devices: enp1s0', 'devices: eno1') }, 'kubernetes/apps/kube-system/cilium/config/lb-ipam.yaml:18:7 cilium/l2-policy-interfaces/notDevice'],
    ['generated values name', { [kust]: flux[kust]!.replace('generatorOptions:\n  disableNameSuffixHash: true\n', '') }, 'kubernetes/apps/kube-system/cilium/app/helmrelease.yaml:12:13 gitops/helmrelease-values-from/hashedName'],
    ['chart source', { 'kubernetes/apps/kube-system/cilium/app/helmrelease.yaml': flux['kubernetes/apps/kube-system/cilium/app/helmrelease.yaml']!.replace('    name: cilium\n', '    name: cillium\n') }, 'kubernetes/apps/kube-system/cilium/app/helmrelease.yaml:9:11 gitops/helmrelease-source-ref/missingNear'],
  ];
  for (const [what, change, expected] of cases) {
    const files = { ...flux, ...change };
    for (const [k, v] of Object.entries(change)) if (v === '') delete files[k];
    assert.deepEqual(brief(files), [expected], what);
  }
});
