/** cilium/feature-off: egress gateway policies, local redirect policies and pod IP pools against the Cilium values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import featureOff from '../src/rules/cilium/feature-off.js';
import gatewayWithoutGatewayApi from '../src/rules/cilium/gateway-without-gateway-api.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { ciliumHelmReleaseText, EGRESS_GATEWAY_POLICY_TEXT } from '../src/testing/schema-docs.js';

const EGW = EGRESS_GATEWAY_POLICY_TEXT;
const LRP = 'apiVersion: cilium.io/v2\nkind: CiliumLocalRedirectPolicy\nmetadata:\n  name: dns\n  namespace: kube-system\nspec:\n  redirectFrontend:\n    serviceMatcher: {serviceName: kube-dns, namespace: kube-system}\n  redirectBackend:\n    localEndpointSelector: {}\n    toPorts: [{port: "53", protocol: UDP}]\n';
const POOL = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumPodIPPool\nmetadata:\n  name: blue\nspec:\n  ipv4:\n    cidrs: [10.20.0.0/16]\n    maskSize: 24\n';
const KPR = 'kubeProxyReplacement: true\n';
/** A Flux release whose values come from a ConfigMap the repository does not show: incomplete values. */
const UNSEEN = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: 1.18.8\n      sourceRef: {kind: HelmRepository, name: cilium}\n  valuesFrom:\n    - kind: ConfigMap\n      name: cilium-values\n';

test('cilium/feature-off', () => {
  ruleTester(featureOff, {
    valid: [
      { 'cilium/values.yaml': KPR + 'egressGateway:\n  enabled: true\nbpf:\n  masquerade: true\n', 'egw.yaml': EGW },
      { 'cilium/values.yaml': KPR + 'localRedirectPolicies:\n  enabled: true\n', 'lrp.yaml': LRP },
      // the pre-1.18 boolean counts, even next to the newer key set false
      { 'cilium/values.yaml': KPR + 'localRedirectPolicy: true\nlocalRedirectPolicies:\n  enabled: false\n', 'lrp.yaml': LRP },
      { 'cilium/values.yaml': KPR + 'ipam:\n  mode: multi-pool\n', 'pool.yaml': POOL },
      // no Cilium values at all: nothing to judge
      { 'egw.yaml': EGW, 'pool.yaml': POOL },
      // a templated value cannot be judged
      { 'cilium/values.yaml': KPR + 'ipam:\n  mode: ${IPAM_MODE}\n', 'pool.yaml': POOL },
      // values the repository does not show may turn it on
      { 'cilium/helmrelease.yaml': UNSEEN, 'egw.yaml': EGW },
      // no object of these kinds
      { 'cilium/values.yaml': KPR },
      // another group's kind of the same name
      { 'cilium/values.yaml': KPR, 'x.yaml': EGW.replace('cilium.io/v2', 'example.com/v1') },
    ],
    invalid: [
      {
        files: { 'cilium/values.yaml': KPR + 'egressGateway:\n  enabled: false\n', 'egw.yaml': EGW },
        errors: [{ messageId: 'off', file: 'egw.yaml', line: 2, column: 7, data: { kind: 'CiliumEgressGatewayPolicy', name: 'egw', feature: 'the egress gateway' } }],
      },
      {
        // Talos documents ipam.mode kubernetes: a pod IP pool is never used
        files: { 'cilium/values.yaml': KPR + 'ipam:\n  mode: kubernetes\n', 'pool.yaml': POOL },
        errors: [{ messageId: 'off', file: 'pool.yaml', line: 2, column: 7, data: { kind: 'CiliumPodIPPool', name: 'blue', feature: 'multi-pool IPAM' } }],
      },
      {
        files: { 'cilium/values.yaml': KPR, 'lrp.yaml': LRP, 'pool.yaml': POOL },
        errors: [
          { messageId: 'unset', file: 'lrp.yaml', line: 2, column: 7, data: { kind: 'CiliumLocalRedirectPolicy', name: 'dns' } },
          { messageId: 'unset', file: 'pool.yaml', line: 2, column: 7, data: { kind: 'CiliumPodIPPool' } },
        ],
      },
    ],
  });
});

test('cilium/feature-off: severity and related location follow what the values say', () => {
  const off = lintRepo({ 'cilium/values.yaml': KPR + 'egressGateway:\n  enabled: false\n', 'egw.yaml': EGW }, [featureOff]);
  const unset = lintRepo({ 'cilium/values.yaml': KPR, 'egw.yaml': EGW }, [featureOff]);
  const brief = (ds: typeof off) => ds.map((d) => [d.severity, (d.related ?? []).map((r) => [r.file, r.range.start.line, r.range.start.column])]);
  assert.deepEqual(brief(off), [['error', [['cilium/values.yaml', 3, 12]]]]);
  assert.deepEqual(brief(unset), [['warning', []]]);
});

test('cilium/feature-off: one release turning it off does not speak for another whose values are not all shown', () => {
  const offHere = KPR + 'egressGateway:\n  enabled: false\n';
  // a loose values file that turns it off, and a HelmRelease whose values the repository shows in full: the GitOps
  // release governs (it leaves the feature at its default)
  const shown = UNSEEN.replace(/  valuesFrom:[\s\S]*$/, '  values:\n    kubeProxyReplacement: true\n');
  assert.deepEqual(lintRepo({ 'cilium/values.yaml': offHere, 'cilium/helmrelease.yaml': shown, 'egw.yaml': EGW }, [featureOff]).map((d) => [d.messageId, d.severity]), [['unset', 'warning']]);
  // the HelmRelease's valuesFrom ConfigMap is not in the repository: it may turn the egress gateway on there
  assert.deepEqual(lintRepo({ 'cilium/values.yaml': offHere, 'cilium/helmrelease.yaml': UNSEEN, 'egw.yaml': EGW }, [featureOff]), []);
  // spec.values rank above an unseen valuesFrom: a false there is the effective value
  const ownFalse = UNSEEN + '  values:\n    egressGateway:\n      enabled: false\n';
  const got = lintRepo({ 'cilium/helmrelease.yaml': ownFalse, 'egw.yaml': EGW }, [featureOff]);
  assert.deepEqual(got.map((d) => [d.messageId, d.severity, (d.related ?? []).map((r) => [r.file, r.range.start.line])]), [['off', 'error', [['cilium/helmrelease.yaml', 17]]]]);
});

test('cilium/gateway-without-gateway-api still judges every release (shared helper)', () => {
  const gw = 'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: external\nspec:\n  gatewayClassName: cilium\n  listeners:\n    - {name: http, protocol: HTTP, port: 80}\n';
  ruleTester(gatewayWithoutGatewayApi, {
    valid: [{ 'cilium/helmrelease.yaml': UNSEEN, 'gw.yaml': gw }],
    invalid: [{ files: { 'cilium/values.yaml': KPR + 'gatewayAPI:\n  enabled: false\n', 'gw.yaml': gw }, errors: [{ messageId: 'off', file: 'gw.yaml', line: 6, column: 21 }] }],
  });
});

test('cilium/feature-off: bootstrap installs, OR-ed switches per chart line, helmfile set', () => {
  const lrpRelease = (version: string, values: string[], extra = '') => ciliumHelmReleaseText(values, version) + extra;
  const brief = (files: Record<string, string>) => lintRepo(files, [featureOff]).map((d) => [d.messageId, d.severity, d.data?.['setting'], (d.related ?? []).map((r) => `${r.file}:${r.range.start.line}`)]);
  // a helmfile bootstrap whose values the repository does not show does not veto the Flux release's explicit off
  const helmfile = 'releases:\n  - name: cilium\n    namespace: kube-system\n    chart: cilium/cilium\n    version: 1.18.8\n    values: ["templates/values.yaml.gotmpl"]\n';
  assert.deepEqual(brief({ 'bootstrap/helmfile.yaml': helmfile, 'cilium/hr.yaml': lrpRelease('1.18.8', ['kubeProxyReplacement: true', 'egressGateway: {enabled: false}']), 'egw.yaml': EGW }), [['off', 'error', 'egressGateway.enabled: true, with bpf.masquerade: true and kubeProxyReplacement: true', ['cilium/hr.yaml:9']]]);
  // 1.18+: one switch false, the other unset, values the repository does not show: the other may be on
  const valuesFrom = '  valuesFrom:\n    - {kind: ConfigMap, name: cilium-values}\n';
  assert.deepEqual(brief({ 'cilium/hr.yaml': lrpRelease('1.18.8', ['kubeProxyReplacement: true', 'localRedirectPolicy: false'], valuesFrom), 'lrp.yaml': LRP }), []);
  // 1.17 charts have only the boolean: the 1.18 key does nothing there, and the message names the boolean
  assert.deepEqual(brief({ 'cilium/hr.yaml': lrpRelease('1.17.6', ['kubeProxyReplacement: true', 'localRedirectPolicies: {enabled: true}']), 'lrp.yaml': LRP }), [['unset', 'warning', 'localRedirectPolicy: true', []]]);
  assert.deepEqual(brief({ 'cilium/hr.yaml': lrpRelease('1.18.8', ['kubeProxyReplacement: true', 'localRedirectPolicies: {enabled: true}']), 'lrp.yaml': LRP }), []);
  // helmfile `set` ranks above `values` and is not modelled: the feature may be on
  const withSet = 'releases:\n  - name: cilium\n    chart: cilium/cilium\n    version: 1.18.8\n    values:\n      - egressGateway: {enabled: false}\n    set:\n      - {name: egressGateway.enabled, value: true}\n';
  assert.deepEqual(brief({ 'bootstrap/helmfile.yaml': withSet, 'egw.yaml': EGW }), []);
  // the same helmfile without `set`: its own false is the effective value
  assert.deepEqual(brief({ 'bootstrap/helmfile.yaml': withSet.replace(/    set:[\s\S]*$/, ''), 'egw.yaml': EGW }).map((b) => b.slice(0, 2)), [['off', 'error']]);
});

test('cilium/feature-off on a document every cluster shares: reported only when every cluster leaves the feature off', () => {
  const rel = (on: boolean) => ciliumHelmReleaseText(['kubeProxyReplacement: true', `egressGateway: {enabled: ${on}}`], '1.18.8');
  const repo = (a: boolean, b: boolean) => ({ 'clusters/a/cilium.yaml': rel(a), 'clusters/b/cilium.yaml': rel(b), 'infrastructure/egress/egw.yaml': EGW });
  // cluster a may be the only one applying the shared policy: its egress gateway is on
  assert.deepEqual(lintRepo(repo(true, false), [featureOff]), []);
  assert.deepEqual(lintRepo(repo(false, true), [featureOff]), []);
  // off everywhere: one finding
  assert.deepEqual(lintRepo(repo(false, false), [featureOff]).map((d) => [d.file, d.messageId, d.range.start.line]), [['infrastructure/egress/egw.yaml', 'off', 2]]);
  // a policy in a cluster's own folder is judged by that cluster alone
  const own = { 'clusters/a/cilium.yaml': rel(true), 'clusters/b/cilium.yaml': rel(false), 'clusters/b/egw.yaml': EGW };
  assert.deepEqual(lintRepo(own, [featureOff]).map((d) => [d.file, d.messageId]), [['clusters/b/egw.yaml', 'off']]);
});

test('cilium/feature-off: the agent key set through extraConfig or a CiliumNodeConfig keeps the rule silent', () => {
  const values = (extra: string) => ({ 'cilium/values.yaml': KPR + extra, 'egw.yaml': EGW, 'lrp.yaml': LRP });
  assert.deepEqual(lintRepo(values('extraConfig:\n  enable-ipv4-egress-gateway: "true"\n'), [featureOff]).map((d) => d.data?.['kind']), ['CiliumLocalRedirectPolicy']);
  const nodeConfig = 'apiVersion: cilium.io/v2\nkind: CiliumNodeConfig\nmetadata:\n  name: lrp\n  namespace: kube-system\nspec:\n  nodeSelector: {}\n  defaults:\n    enable-local-redirect-policy: "true"\n';
  assert.deepEqual(lintRepo({ ...values(''), 'cnc.yaml': nodeConfig }, [featureOff]).map((d) => d.data?.['kind']), ['CiliumEgressGatewayPolicy']);
});

const CEC = 'apiVersion: cilium.io/v2\nkind: CiliumEnvoyConfig\nmetadata:\n  name: echo-l7\n  namespace: default\nspec:\n  services:\n    - {name: echo, namespace: default}\n  resources:\n    - "@type": type.googleapis.com/envoy.config.listener.v3.Listener\n      name: echo-listener\n';
const CCEC = 'apiVersion: cilium.io/v2\nkind: CiliumClusterwideEnvoyConfig\nmetadata:\n  name: mesh-l7\nspec:\n  resources:\n    - "@type": type.googleapis.com/envoy.config.listener.v3.Listener\n      name: mesh-listener\n';
/** Every feature-off finding as id/messageId, severity, position, kind/name, and its related locations (file:line:column). */
const envoyFindings = (files: Record<string, string>) =>
  lintRepo(files, [featureOff]).map((d) => [`${d.ruleId}/${d.messageId}`, d.severity, `${d.file}:${d.range.start.line}:${d.range.start.column}`, d.data?.['kind'], d.data?.['name'], (d.related ?? []).map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`)]);
const envoyRepo = (values: string, extra: Record<string, string> = {}) => ({ 'cilium/values.yaml': KPR + values, 'envoy/cec.yaml': CEC, 'envoy/ccec.yaml': CCEC, ...extra });

test('cilium/feature-off: Envoy configs without any switch that sets enable-envoy-config', () => {
  const unset = (kind: string, name: string, file: string) => ['cilium/feature-off/unset', 'warning', `${file}:2:7`, kind, name, []];
  const both = [unset('CiliumClusterwideEnvoyConfig', 'mesh-l7', 'envoy/ccec.yaml'), unset('CiliumEnvoyConfig', 'echo-l7', 'envoy/cec.yaml')];
  assert.deepEqual(envoyFindings(envoyRepo('')), both);
  // the L7 backend at its default is no switch turned off: still the warning, no related location at it
  assert.deepEqual(envoyFindings(envoyRepo('loadBalancer:\n  l7:\n    backend: disabled\n')), both);
  // another L7 backend name is not envoy
  assert.deepEqual(envoyFindings(envoyRepo('loadBalancer:\n  l7:\n    backend: none\n')), both);
  // the ingress controller and Gateway API set off are other features left off
  assert.deepEqual(envoyFindings(envoyRepo('ingressController:\n  enabled: false\ngatewayAPI:\n  enabled: false\n')), both);
  // the message names the setting whatever the kind
  const [d] = lintRepo(envoyRepo(''), [featureOff]);
  assert.equal(d?.data?.['setting'], 'envoyConfig.enabled: true, or ingressController.enabled: true, gatewayAPI.enabled: true or loadBalancer.l7.backend: envoy');
});

test('cilium/feature-off: envoyConfig.enabled false turns Envoy configs off (an error, pointing at the switch)', () => {
  const off = (kind: string, name: string, file: string) => ['cilium/feature-off/off', 'error', `${file}:2:7`, kind, name, ['cilium/values.yaml:3:12']];
  const expected = [off('CiliumClusterwideEnvoyConfig', 'mesh-l7', 'envoy/ccec.yaml'), off('CiliumEnvoyConfig', 'echo-l7', 'envoy/cec.yaml')];
  assert.deepEqual(envoyFindings(envoyRepo('envoyConfig:\n  enabled: false\n')), expected);
  // the L7 backend set to its default next to it adds no related location
  assert.deepEqual(envoyFindings(envoyRepo('envoyConfig:\n  enabled: false\nloadBalancer:\n  l7:\n    backend: disabled\n')), expected);
  // a kind of the same name in another group is not Cilium's
  assert.deepEqual(envoyFindings({ 'cilium/values.yaml': KPR, 'x.yaml': CEC.replace('cilium.io/v2', 'example.com/v1') }), []);
});

test('cilium/feature-off: any switch the chart reads for enable-envoy-config keeps Envoy configs quiet', () => {
  const on = [
    'envoyConfig:\n  enabled: true\n',
    'ingressController:\n  enabled: true\n',
    'gatewayAPI:\n  enabled: "true"\n',
    'loadBalancer:\n  l7:\n    backend: envoy\n',
    // another switch on wins over envoyConfig.enabled false: the chart ORs them
    'envoyConfig:\n  enabled: false\ngatewayAPI:\n  enabled: true\n',
    // the agent's own key, set through extraConfig
    'extraConfig:\n  enable-envoy-config: "true"\n',
    'envoyConfig:\n  enabled: false\nextraConfig:\n  enable-envoy-config: true\n',
    // templated values cannot be judged
    'envoyConfig:\n  enabled: ${ENVOY_CONFIG}\n',
    'loadBalancer:\n  l7:\n    backend: "{{ .Values.l7 }}"\n',
  ];
  for (const values of on) assert.deepEqual(envoyFindings(envoyRepo(values)), [], values);
  // extraConfig setting it off, or another key, does not
  assert.equal(envoyFindings(envoyRepo('extraConfig:\n  enable-envoy-config: "false"\n')).length, 2);
  // a CiliumNodeConfig's defaults
  const nodeConfig = 'apiVersion: cilium.io/v2\nkind: CiliumNodeConfig\nmetadata:\n  name: envoy\n  namespace: kube-system\nspec:\n  nodeSelector: {}\n  defaults:\n    enable-envoy-config: "true"\n';
  assert.deepEqual(envoyFindings(envoyRepo('', { 'cnc.yaml': nodeConfig })), []);
  // values the repository does not show (a Flux valuesFrom ConfigMap) may turn it on
  assert.deepEqual(envoyFindings({ 'cilium/helmrelease.yaml': UNSEEN, 'envoy/cec.yaml': CEC, 'envoy/ccec.yaml': CCEC }), []);
});
