/** cilium/egress-gateway-masquerade: the egress gateway against the masquerading values it needs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import egressGatewayMasquerade from '../src/rules/cilium/egress-gateway-masquerade.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { ciliumHelmReleaseOf } from '../src/rules/cilium/lib/examples.js';

/** A Flux HelmRelease; `values` lines are indented by 4 (inside spec.values) and start on line 15. */
const hr = (values: string, extra = '') => ciliumHelmReleaseOf(values, '1.19.6', extra);
const KPR = 'kubeProxyReplacement: true\n';
const EGW = 'egressGateway:\n  enabled: true\n';
const VALUES_FROM = '  valuesFrom:\n    - kind: ConfigMap\n      name: cilium-values\n';

test('cilium/egress-gateway-masquerade', () => {
  ruleTester(egressGatewayMasquerade, {
    valid: [
      { 'cilium/hr.yaml': hr(KPR + EGW + 'bpf:\n  masquerade: true\n') },
      { 'cilium/hr.yaml': hr(KPR + EGW + 'bpf:\n  masquerade: "true"\nenableIPv4Masquerade: true\n') },
      // the egress gateway is off (explicitly or by default): nothing is required
      { 'cilium/hr.yaml': hr(KPR + 'egressGateway:\n  enabled: false\n') },
      { 'cilium/hr.yaml': hr(KPR) },
      // templated values cannot be judged
      { 'cilium/hr.yaml': hr(KPR + EGW + 'bpf:\n  masquerade: ${BPF_MASQ}\n') },
      { 'cilium/hr.yaml': hr(KPR + 'egressGateway:\n  enabled: ${EGW}\n') },
      // the agent option set directly through extraConfig
      { 'cilium/hr.yaml': hr(KPR + EGW + 'extraConfig:\n  enable-bpf-masquerade: "true"\n') },
      // values the repository does not show may set it
      { 'cilium/hr.yaml': hr(KPR + EGW, VALUES_FROM) },
      // an Argo CD file parameter sets it from a file the plan does not read
      {
        'argo/cilium.yaml':
          'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination: {server: https://kubernetes.default.svc, namespace: kube-system}\n  source:\n    repoURL: https://helm.cilium.io\n    chart: cilium\n    targetRevision: 1.18.8\n    helm:\n      valuesObject:\n        kubeProxyReplacement: true\n        egressGateway: {enabled: true}\n      fileParameters:\n        - {name: bpf.masquerade, path: files/masquerade}\n',
      },
    ],
    invalid: [
      {
        files: { 'cilium/hr.yaml': hr(KPR + EGW) },
        errors: [{ messageId: 'unset', file: 'cilium/hr.yaml', line: 17, column: 16, data: { key: 'bpf.masquerade' } }],
      },
      {
        files: { 'cilium/hr.yaml': hr(KPR + EGW + 'bpf:\n  masquerade: false\n') },
        errors: [{ messageId: 'off', file: 'cilium/hr.yaml', line: 19, column: 19, data: { key: 'bpf.masquerade', value: 'false' } }],
      },
      {
        files: { 'cilium/hr.yaml': hr(KPR + EGW + 'bpf:\n  masquerade: true\nenableIPv4Masquerade: false\n') },
        errors: [{ messageId: 'off', line: 20, column: 27, data: { key: 'enableIPv4Masquerade', value: 'false' } }],
      },
      {
        // the release's own values rank above an unresolved valuesFrom, so an explicit false still stands
        files: { 'cilium/hr.yaml': hr(KPR + EGW + 'bpf:\n  masquerade: false\n', VALUES_FROM) },
        errors: [{ messageId: 'off', line: 22, column: 19, data: { key: 'bpf.masquerade' } }],
      },
      {
        // a plain values file (bootstrap or loose values) is judged as well
        files: { 'cilium/values.yaml': KPR + EGW + 'enableIPv4Masquerade: "false"\n' },
        errors: [
          { messageId: 'unset', file: 'cilium/values.yaml', line: 3, column: 12, data: { key: 'bpf.masquerade' } },
          { messageId: 'off', file: 'cilium/values.yaml', line: 4, column: 23, data: { key: 'enableIPv4Masquerade', value: 'false' } },
        ],
      },
    ],
  });
});

test('cilium/egress-gateway-masquerade: an explicit off points back at the egress gateway switch', () => {
  const got = lintRepo({ 'cilium/hr.yaml': hr(KPR + EGW + 'bpf:\n  masquerade: false\n') }, [egressGatewayMasquerade]);
  assert.deepEqual(
    got.map((d) => [d.severity, (d.related ?? []).map((r) => [r.file, r.range.start.line, r.range.start.column])]),
    [['error', [['cilium/hr.yaml', 17, 16]]]],
  );
});

test('cilium/egress-gateway-masquerade: loose values files may be passed together (helm -f a -f b)', () => {
  const files = { 'cilium/values.yaml': KPR + 'bpf:\n  masquerade: true\n', 'cilium/values-egress.yaml': EGW };
  assert.deepEqual(lintRepo(files, [egressGatewayMasquerade]).map((d) => d.ruleId), []);
  // a release of its own (a HelmRelease) is still judged alone
  const got = lintRepo({ ...files, 'cilium/values-egress.yaml': '', 'cilium/hr.yaml': hr(KPR + EGW) }, [egressGatewayMasquerade]);
  assert.deepEqual(got.map((d) => [d.ruleId, d.file, d.data?.['key']]), [['cilium/egress-gateway-masquerade', 'cilium/hr.yaml', 'bpf.masquerade']]);
});

test('cilium/egress-gateway-masquerade: only a loose values file that may be passed with it (same folder) and sets the key on can complete it', () => {
  const key = (files: Record<string, string>) => lintRepo(files, [egressGatewayMasquerade]).map((d) => [d.ruleId, d.file, d.data?.['key']]);
  // the other file sets it off: helm -f values.yaml -f values-egress.yaml still runs without BPF masquerading
  assert.deepEqual(key({ 'cilium/values.yaml': KPR + 'bpf:\n  masquerade: false\n', 'cilium/values-egress.yaml': EGW }), [['cilium/egress-gateway-masquerade', 'cilium/values-egress.yaml', 'bpf.masquerade']]);
  // a bootstrap values file elsewhere is another install, not a layer of this one
  assert.deepEqual(key({ 'bootstrap/cilium/values.yaml': KPR + 'bpf:\n  masquerade: true\n', 'kubernetes/cilium/values.yaml': KPR + EGW }), [['cilium/egress-gateway-masquerade', 'kubernetes/cilium/values.yaml', 'bpf.masquerade']]);
  // a templated value in the same folder may be on
  assert.deepEqual(key({ 'cilium/values.yaml': KPR + 'bpf:\n  masquerade: ${MASQ}\n', 'cilium/values-egress.yaml': EGW }), []);
});
