/**
 * cilium/feature-off (and the rules sharing offInEveryRelease) against the ways a repository sets Cilium values:
 * Kustomize overlays of a HelmRelease, bootstrap installs kept by Flux `upgrade.preserveValues`, values sources
 * the repository does not show (helmfile secrets, a chart's valuesFiles, a Talos `cilium install --values`), the
 * agent's own keys in extraConfig, and a document several clusters share.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import featureOff from '../src/rules/cilium/feature-off.js';
import l2PolicyWithoutL2 from '../src/rules/cilium/l2-policy-without-l2.js';
import { lintRepo } from '../src/testing/rule-tester.js';
import { ciliumHelmReleaseText } from '../src/testing/schema-docs.js';

const EGW = 'apiVersion: cilium.io/v2\nkind: CiliumEgressGatewayPolicy\nmetadata:\n  name: egw\nspec:\n  selectors:\n    - podSelector: {}\n  destinationCIDRs: [192.0.2.0/24]\n  egressGateway:\n    nodeSelector: {}\n';
const L2 = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n';
const rules = [featureOff, l2PolicyWithoutL2];
const brief = (files: Record<string, string>) => lintRepo(files, rules).map((d) => `${d.ruleId}/${d.messageId} ${d.severity} ${d.file}:${d.range.start.line}`);
const hr = (values: string[], extra = '') => ciliumHelmReleaseText(values, '1.17.4') + extra;

test('a base HelmRelease deployed through overlays is judged as the overlays render it', () => {
  const files = {
    'cilium/base/kustomization.yaml': 'resources: [helmrelease.yaml, policies.yaml]\n',
    'cilium/base/helmrelease.yaml': hr(['kubeProxyReplacement: true', 'egressGateway: {enabled: false}', 'l2announcements: {enabled: false}']),
    'cilium/base/policies.yaml': `${EGW}---\n${L2}`,
    'cilium/overlays/alpha/kustomization.yaml': 'resources: [../../base]\n',
    'cilium/overlays/lab/kustomization.yaml': 'resources: [../../base]\npatches:\n  - path: values.yaml\n',
    'cilium/overlays/lab/values.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  values:\n    k8sServiceHost: 10.0.0.10\n',
  };
  assert.deepEqual(brief(files), ['cilium/feature-off/off error cilium/base/policies.yaml:2', 'cilium/l2-policy-without-l2/off error cilium/base/policies.yaml:13']);
  // the lab overlay turns both on: the shared base policies are in use there
  const on = { ...files, 'cilium/overlays/lab/values.yaml': files['cilium/overlays/lab/values.yaml'].replace('k8sServiceHost: 10.0.0.10', 'egressGateway: {enabled: true}\n    l2announcements: {enabled: true}') };
  assert.deepEqual(brief(on), []);
});

test('bootstrap installs: judged without a GitOps release, or when Flux keeps their values', () => {
  const helmfile = 'releases:\n  - name: cilium\n    namespace: kube-system\n    chart: cilium/cilium\n    version: 1.17.4\n    values:\n      - kubeProxyReplacement: true\n        egressGateway: {enabled: true}\n';
  const flux = hr(['kubeProxyReplacement: true']);
  // the Flux release governs: it leaves the egress gateway at its default
  assert.deepEqual(brief({ 'bootstrap/helmfile.yaml': helmfile, 'cilium/hr.yaml': flux, 'egw.yaml': EGW }), ['cilium/feature-off/unset warning egw.yaml:2']);
  // upgrade.preserveValues keeps the helmfile's values under the Flux ones
  assert.deepEqual(brief({ 'bootstrap/helmfile.yaml': helmfile, 'cilium/hr.yaml': flux.replace('spec:\n', 'spec:\n  upgrade: {preserveValues: true}\n'), 'egw.yaml': EGW }), []);
  // a loose values file is not a GitOps release: the Talos install job that turns both on governs
  const job = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: cilium-install\n  namespace: kube-system\nspec:\n  template:\n    spec:\n      restartPolicy: OnFailure\n      containers:\n        - name: cilium-install\n          image: quay.io/cilium/cilium-cli:v0.16.0\n          command: [cilium, install, --version, "1.17.4", --set, "kubeProxyReplacement=true,egressGateway.enabled=true,l2announcements.enabled=true"]\n';
  assert.deepEqual(brief({ 'talos/cilium-install.yaml': job, 'infra/cilium/values.yaml': 'kubeProxyReplacement: true\n', 'infra/cilium/policies.yaml': `${EGW}---\n${L2}` }), []);
});

test('values sources the repository does not show keep the rules silent', () => {
  const off = ['kubeProxyReplacement: true', 'egressGateway: {enabled: false}'];
  // helmfile secrets rank above values
  const helmfile = 'releases:\n  - name: cilium\n    chart: cilium/cilium\n    version: 1.17.4\n    values: [values.yaml]\n    secrets: [secrets.sops.yaml]\n';
  assert.deepEqual(brief({ 'cilium/helmfile.yaml': helmfile, 'cilium/values.yaml': off.join('\n') + '\n', 'egw.yaml': EGW }), []);
  assert.deepEqual(brief({ 'cilium/helmfile.yaml': helmfile.replace('    secrets: [secrets.sops.yaml]\n', ''), 'cilium/values.yaml': off.join('\n') + '\n', 'egw.yaml': EGW }), ['cilium/feature-off/off error egw.yaml:2']);
  // a chart's valuesFiles rank below the release's values: an explicit false still stands, an unset key cannot be judged
  const valuesFiles = (values: string[]) => hr(values).replace('sourceRef:', 'valuesFiles: [values-homelab.yaml], sourceRef:');
  assert.deepEqual(brief({ 'cilium/hr.yaml': valuesFiles(off), 'egw.yaml': EGW }), ['cilium/feature-off/off error egw.yaml:2']);
  assert.deepEqual(brief({ 'cilium/hr.yaml': valuesFiles(['kubeProxyReplacement: true']), 'egw.yaml': EGW }), []);
  // a Talos install job reading a values file the plan does not see
  const job = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: cilium-install\nspec:\n  template:\n    spec:\n      containers:\n        - name: install\n          image: quay.io/cilium/cilium-cli:v0.16.0\n          args: [cilium, install, --version, "1.17.4", --values, /values/values.yaml]\n';
  assert.deepEqual(brief({ 'talos/cilium-install.yaml': job, 'egw.yaml': EGW }), []);
});

test("extraConfig: only the agent's own switch, set on, silences the rule", () => {
  const values = (extra: string) => ({ 'cilium/values.yaml': 'kubeProxyReplacement: true\negressGateway:\n  enabled: false\n' + extra, 'egw.yaml': EGW });
  assert.deepEqual(brief(values('extraConfig:\n  egress-gateway-reconciliation-trigger-interval: 2s\n')), ['cilium/feature-off/off error egw.yaml:2']);
  assert.deepEqual(brief(values('extraConfig:\n  enable-ipv4-egress-gateway: "false"\n')), ['cilium/feature-off/off error egw.yaml:2']);
  assert.deepEqual(brief(values('extraConfig:\n  enable-ipv4-egress-gateway: "true"\n')), []);
});

test('a shared document: the most severe cluster verdict, with every cluster\'s related locations', () => {
  const rel = (egw: string) => ciliumHelmReleaseText(['kubeProxyReplacement: true', ...(egw ? [`egressGateway: {enabled: ${egw}}`] : [])], '1.18.8');
  const got = lintRepo({ 'clusters/a/cilium.yaml': rel(''), 'clusters/b/cilium.yaml': rel('false'), 'apps/egw.yaml': EGW }, [featureOff]);
  assert.deepEqual(got.map((d) => [d.messageId, d.severity, (d.related ?? []).map((r) => `${r.file}:${r.range.start.line}`)]), [['off', 'error', ['clusters/b/cilium.yaml:9']]]);
});

test('Argo CD: fileParameters set keys from files the plan does not read', () => {
  const app = (extra: string) => `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination: {server: https://kubernetes.default.svc, namespace: kube-system}\n  source:\n    repoURL: https://helm.cilium.io\n    chart: cilium\n    targetRevision: 1.18.8\n    helm:\n      valuesObject:\n        kubeProxyReplacement: true\n        egressGateway: {enabled: false}\n${extra}`;
  assert.deepEqual(brief({ 'argo/cilium.yaml': app(''), 'egw.yaml': EGW }), ['cilium/feature-off/off error egw.yaml:2']);
  assert.deepEqual(brief({ 'argo/cilium.yaml': app('      fileParameters:\n        - {name: egressGateway.enabled, path: files/egress}\n'), 'egw.yaml': EGW }), []);
});
