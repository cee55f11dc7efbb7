/**
 * cilium/feature-off (and the rules sharing offInEveryRelease) against the ways a repository sets Cilium values:
 * Kustomize overlays of a HelmRelease, bootstrap installs kept by Flux `upgrade.preserveValues`, values sources
 * the repository does not show (helmfile secrets, a chart's valuesFiles, a Talos `cilium install --values`), the
 * agent's own keys in extraConfig, and a document several clusters share.
 */
import { anchoredMatch } from '../src/plan/util.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import featureOff from '../src/rules/cilium/feature-off.js';
import l2PolicyWithoutL2 from '../src/rules/cilium/l2-policy-without-l2.js';
import { lintRepo } from '../src/testing/rule-tester.js';
import { ciliumHelmReleaseText, EGRESS_GATEWAY_POLICY_TEXT } from '../src/testing/schema-docs.js';
import { cpuMsSince, cpuStart } from '../src/testing/cpu-time.js';

const EGW = EGRESS_GATEWAY_POLICY_TEXT;
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

test('an overlay patch whose target name pattern JavaScript would backtrack on exponentially: values unknown, at once', () => {
  const longName = `${'a'.repeat(31)}-x`;
  const patch = (name: string) => `resources: [../../base]\npatches:\n  - target: {kind: HelmRelease, name: "${name}"}\n    patch: |\n      - op: add\n        path: /spec/values/egressGateway\n        value: {enabled: true}\n`;
  const files = (name: string) => ({
    'cilium/base/kustomization.yaml': 'resources: [helmrelease.yaml, egw.yaml]\n',
    'cilium/base/helmrelease.yaml': hr(['kubeProxyReplacement: true', 'egressGateway: {enabled: false}']).replace('metadata: {name: cilium,', `metadata: {name: ${longName},`),
    'cilium/base/egw.yaml': EGW,
    'cilium/overlays/alpha/kustomization.yaml': patch(name),
    'cilium/overlays/lab/kustomization.yaml': patch(name),
  });
  // a pattern that selects nothing: the base's own values, off
  assert.deepEqual(brief(files('grafana')), ['cilium/feature-off/off error cilium/base/egw.yaml:2']);
  const t0 = cpuStart();
  assert.deepEqual(brief(files('(a|a)*')), []);
  assert.ok(cpuMsSince(t0) < 5000, 'a hostile target pattern is not run');
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

test('unseen values are narrowed to what they can reach: Flux Kustomization patches, Argo CD fileParameters, additionalValuesFiles, inline install Jobs', () => {
  const ks = (name: string, path: string, patches: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ${path}\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}\n${patches}`;
  const valuesPatch = (target: string) => `  patches:\n    - target: ${target}\n      patch: |\n        - op: add\n          path: /spec/values/egressGateway\n          value: {enabled: true}\n`;
  const base = { 'infra/cilium/hr.yaml': ciliumHelmReleaseText(['kubeProxyReplacement: true', 'egressGateway: {enabled: false}'], '1.18.8'), 'infra/cilium/egw.yaml': EGW };
  const off = ['cilium/feature-off/off error infra/cilium/egw.yaml:2'];
  // the Kustomization applying the Cilium folder patches the cilium HelmRelease's values: not shown
  assert.deepEqual(brief({ ...base, 'flux/infra.yaml': ks('infra', './infra', valuesPatch('{kind: HelmRelease, name: "cil.*"}')) }), []);
  // one patching another HelmRelease, or applying another folder, does not reach Cilium's values
  assert.deepEqual(brief({ ...base, 'flux/infra.yaml': ks('infra', './infra', valuesPatch('{kind: HelmRelease, name: grafana}')) }), off);
  assert.deepEqual(brief({ ...base, 'flux/apps.yaml': ks('apps', './apps', valuesPatch('{kind: HelmRelease}')) }), off);
  // target kinds are patterns too: `Helm.*` reaches the HelmRelease, `Helm` (anchored) does not
  assert.deepEqual(brief({ ...base, 'flux/infra.yaml': ks('infra', './infra', valuesPatch('{kind: "Helm.*", name: cilium}')) }), []);
  assert.deepEqual(brief({ ...base, 'flux/infra.yaml': ks('infra', './infra', valuesPatch('{kind: Helm, name: cilium}')) }), off);
  // a target name pattern JavaScript would backtrack on exponentially (Go's RE2 is linear): taken to match, at once
  const longName = `${'a'.repeat(31)}-x`;
  const named = { 'infra/cilium/hr.yaml': base['infra/cilium/hr.yaml'].replace('metadata: {name: cilium,', `metadata: {name: ${longName},`), 'infra/cilium/egw.yaml': EGW };
  assert.deepEqual(brief({ ...named, 'flux/infra.yaml': ks('infra', './infra', valuesPatch('{kind: HelmRelease, name: "grafana"}')) }), off);
  const t0 = cpuStart();
  assert.deepEqual(brief({ ...named, 'flux/infra.yaml': ks('infra', './infra', valuesPatch('{kind: HelmRelease, name: "(a|a)*"}')) }), []);
  assert.ok(cpuMsSince(t0) < 5000, 'a hostile target pattern is not run');
  // Argo CD fileParameters hide only the keys they name
  const app = (fp: string) => `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination: {server: https://kubernetes.default.svc, namespace: kube-system}\n  source:\n    repoURL: https://helm.cilium.io\n    chart: cilium\n    targetRevision: 1.18.8\n    helm:\n      valuesObject:\n        kubeProxyReplacement: true\n        egressGateway: {enabled: false}\n      fileParameters:\n        - {name: ${fp}, path: files/x}\n`;
  assert.deepEqual(brief({ 'argo/cilium.yaml': app('hubble.tls.ca.cert'), 'egw.yaml': EGW }), ['cilium/feature-off/off error egw.yaml:2']);
  assert.deepEqual(brief({ 'argo/cilium.yaml': app('egressGateway'), 'egw.yaml': EGW }), []);
  // Kustomize helmCharts: one of two additional values files missing
  const helmCharts = (files: string) => `helmCharts:\n  - name: cilium\n    repo: https://helm.cilium.io\n    version: 1.18.4\n    releaseName: cilium\n    namespace: kube-system\n    additionalValuesFiles: [${files}]\nresources: [egw.yaml]\n`;
  const kz = (files: string) => ({ 'cilium/kustomization.yaml': helmCharts(files), 'cilium/values.yaml': 'kubeProxyReplacement: true\n', 'cilium/egw.yaml': EGW });
  assert.deepEqual(brief(kz('values.yaml')), ['cilium/feature-off/unset warning cilium/egw.yaml:2']);
  assert.deepEqual(brief(kz('values.yaml, missing.yaml')), []);
  // Kustomize helmCharts: a valuesFile the repository does not show (a URL, a file outside it) ranks below valuesInline
  const valuesFile = (file: string, inline: string, merge = '') => ({
    'cilium/kustomization.yaml': `helmCharts:\n  - name: cilium\n    repo: https://helm.cilium.io\n    version: 1.18.4\n    releaseName: cilium\n    namespace: kube-system\n    valuesFile: ${file}\n${merge}    valuesInline:\n      kubeProxyReplacement: true\n${inline}resources: [egw.yaml]\n`,
    'cilium/values.yaml': 'rollOutCiliumPods: true\n',
    'cilium/egw.yaml': EGW,
  });
  assert.deepEqual(brief(valuesFile('values.yaml', '')), ['cilium/feature-off/unset warning cilium/egw.yaml:2']);
  assert.deepEqual(brief(valuesFile('https://example.com/cilium-values.yaml', '')), []);
  assert.deepEqual(brief(valuesFile('../../outside/values.yaml', '')), []);
  assert.deepEqual(brief(valuesFile('https://example.com/cilium-values.yaml', '      egressGateway: {enabled: false}\n')), ['cilium/feature-off/off error cilium/egw.yaml:2']);
  // valuesMerge: merge lets the file win over the inline values
  assert.deepEqual(brief(valuesFile('https://example.com/cilium-values.yaml', '      egressGateway: {enabled: false}\n', '    valuesMerge: merge\n')), []);
  // a Talos inline manifest whose install Job reads a values file
  const talos = (args: string) => `version: v1alpha1\nmachine:\n  type: controlplane\ncluster:\n  network:\n    cni: {name: none}\n  proxy: {disabled: true}\n  inlineManifests:\n    - name: cilium-install\n      contents: |\n        apiVersion: batch/v1\n        kind: Job\n        metadata: {name: cilium-install, namespace: kube-system}\n        spec:\n          template:\n            spec:\n              containers:\n                - name: install\n                  image: quay.io/cilium/cilium-cli:v0.16.0\n                  args: [cilium, install, --version, "1.18.4", --set, kubeProxyReplacement=true${args}]\n`;
  assert.deepEqual(brief({ 'talos/controlplane.yaml': talos(''), 'egw.yaml': EGW }), ['cilium/feature-off/unset warning egw.yaml:2']);
  assert.deepEqual(brief({ 'talos/controlplane.yaml': talos(', --values, /values/values.yaml'), 'egw.yaml': EGW }), []);
});

test('a shared document under a configured severity keeps the most severe cluster verdict (off, with its location)', async () => {
  const { runCli } = await import('../src/testing/cli.js');
  const { tempRepos } = await import('../src/testing/temp-repos.js');
  const repos = tempRepos('talium-feature-off-');
  try {
    const rel = (egw: string) => ciliumHelmReleaseText(['kubeProxyReplacement: true', ...(egw ? [`egressGateway: {enabled: ${egw}}`] : [])], '1.18.8');
    const dir = repos.repo({ 'talium.config.yaml': 'rules:\n  cilium/feature-off: warning\n', 'clusters/a/cilium.yaml': rel(''), 'clusters/b/cilium.yaml': rel('false'), 'apps/egw.yaml': EGW });
    const r = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: dir });
    const got = (JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; messageId?: string; severity: string; related?: Array<{ file: string }> }> }).diagnostics.filter((d) => d.ruleId === 'cilium/feature-off');
    assert.deepEqual(got.map((d) => [d.messageId, d.severity, (d.related ?? []).map((x) => x.file)]), [['off', 'warning', ['clusters/b/cilium.yaml']]]);
  } finally {
    repos.cleanup();
  }
});

test('a run over some paths does not judge a feature off: an overlay or values file not read may turn it on', async () => {
  const { runCli } = await import('../src/testing/cli.js');
  const { tempRepos } = await import('../src/testing/temp-repos.js');
  const repos = tempRepos('talium-feature-off-partial-');
  try {
    const dir = repos.repo({ 'cilium/hr.yaml': ciliumHelmReleaseText(['kubeProxyReplacement: true', 'egressGateway: {enabled: false}'], '1.18.8'), 'cilium/egw.yaml': EGW });
    const ids = async (args: string[]) => (JSON.parse((await runCli(['lint', ...args, '--format', 'json', '--no-cache'], { cwd: dir })).stdout) as { diagnostics: Array<{ ruleId: string }> }).diagnostics.map((d) => d.ruleId).filter((id) => id === 'cilium/feature-off');
    assert.deepEqual(await ids([]), ['cilium/feature-off']);
    assert.deepEqual(await ids(['cilium']), []);
    // --only-files reads the whole tree and reports on the named file
    assert.deepEqual(await ids(['--only-files', 'cilium/egw.yaml']), ['cilium/feature-off']);
  } finally {
    repos.cleanup();
  }
});

test('Envoy configs: every value that may set enable-envoy-config must be shown, but only envoyConfig.enabled turns it off', () => {
  const cec = 'apiVersion: cilium.io/v2\nkind: CiliumEnvoyConfig\nmetadata:\n  name: echo-l7\n  namespace: default\nspec:\n  resources:\n    - "@type": type.googleapis.com/envoy.config.listener.v3.Listener\n      name: echo-listener\n';
  const switchesOff = ['kubeProxyReplacement: true', 'envoyConfig: {enabled: false}', 'ingressController: {enabled: false}', 'gatewayAPI: {enabled: false}'];
  // a Flux valuesFrom the repository does not show ranks below spec.values: what spec.values sets stands
  const valuesFrom = '  valuesFrom:\n    - {kind: ConfigMap, name: cilium-values}\n';
  const related = (files: Record<string, string>) => lintRepo(files, rules).map((d) => [`${d.ruleId}/${d.messageId}`, d.severity, (d.related ?? []).map((r) => `${r.file}:${r.range.start.line}`)]);
  const off = [['cilium/feature-off/off', 'error', ['cilium/hr.yaml:9']]];
  // all four shown: off, pointing at envoyConfig.enabled only (not at the L7 backend's default or the other features)
  assert.deepEqual(related({ 'cilium/hr.yaml': hr([...switchesOff, 'loadBalancer: {l7: {backend: disabled}}'], valuesFrom), 'cec.yaml': cec }), off);
  // the L7 backend unset, so the unseen ConfigMap may set it to envoy
  assert.deepEqual(related({ 'cilium/hr.yaml': hr(switchesOff, valuesFrom), 'cec.yaml': cec }), []);
  // the ingress controller unset likewise
  const noIngress = switchesOff.filter((l) => !l.startsWith('ingressController'));
  assert.deepEqual(related({ 'cilium/hr.yaml': hr([...noIngress, 'loadBalancer: {l7: {backend: disabled}}'], valuesFrom), 'cec.yaml': cec }), []);
  // without unseen values an unset L7 backend is its default
  assert.deepEqual(related({ 'cilium/hr.yaml': hr(switchesOff), 'cec.yaml': cec }), off);
  // an Argo CD file parameter sets the L7 backend from a file the plan does not read
  const app = (fp: string) => `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination: {server: https://kubernetes.default.svc, namespace: kube-system}\n  source:\n    repoURL: https://helm.cilium.io\n    chart: cilium\n    targetRevision: 1.18.8\n    helm:\n      valuesObject:\n        kubeProxyReplacement: true\n        envoyConfig: {enabled: false}\n      fileParameters:\n        - {name: ${fp}, path: files/x}\n`;
  assert.deepEqual(brief({ 'argo/cilium.yaml': app('hubble.tls.ca.cert'), 'cec.yaml': cec }), ['cilium/feature-off/off error cec.yaml:2']);
  assert.deepEqual(brief({ 'argo/cilium.yaml': app('loadBalancer.l7.backend'), 'cec.yaml': cec }), []);
});

test('a kustomize patch file of a policy is a partial copy: the finding is on the base object only', () => {
  const patch = 'apiVersion: cilium.io/v2\nkind: CiliumEgressGatewayPolicy\nmetadata:\n  name: egw\nspec:\n  destinationCIDRs: [198.51.100.0/24]\n';
  const files = {
    'cilium/hr.yaml': hr(['kubeProxyReplacement: true', 'egressGateway: {enabled: false}']),
    'egress/base/egw.yaml': EGW,
    'egress/base/kustomization.yaml': 'resources: [egw.yaml]\n',
    'egress/lab/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: egw-patch.yaml\n',
    'egress/lab/egw-patch.yaml': patch,
  };
  assert.deepEqual(brief(files), ['cilium/feature-off/off error egress/base/egw.yaml:2']);
});

test('anchoredMatch: alternations in sequence (exponential in JavaScript) are not run; ordinary patterns are', () => {
  const name = 'a'.repeat(253);
  const t0 = cpuStart();
  assert.equal(anchoredMatch('(a|aa)'.repeat(26) + 'b', name), undefined);
  assert.equal(anchoredMatch('(?:.|a)'.repeat(26) + 'x', name), undefined);
  assert.ok(cpuMsSince(t0) < 500, 'not run');
  assert.equal(anchoredMatch('(cilium|hubble)-(agent|operator)', 'cilium-operator'), true);
  assert.equal(anchoredMatch('cilium|hubble|envoy', 'envoy'), true);
  assert.equal(anchoredMatch('ci.*', 'cilium'), true);
  assert.equal(anchoredMatch('[a|b]x', '|x'), true);
  assert.equal(anchoredMatch('Helm.*', 'HelmRelease'), true);
});

test('anchoredMatch: a `]` first in a class is a literal, as in Go RE2 (JavaScript reads `[]` as empty and `[^]` as any character)', () => {
  // `[^](a|aa)...b]` is one negated class in RE2: the guard sees no alternation, so JavaScript must read it the same way
  const t0 = cpuStart();
  assert.equal(anchoredMatch('[^]' + '(a|aa)'.repeat(26) + 'b]', 'x' + 'a'.repeat(60)), false);
  assert.ok(cpuMsSince(t0) < 500, 'read as one class, not run as 26 alternations');
  assert.equal(anchoredMatch('[]a]x', ']x'), true);
  assert.equal(anchoredMatch('[^]a]x', 'bx'), true);
  assert.equal(anchoredMatch('[^]a]x', ']x'), false);
});
