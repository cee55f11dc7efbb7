/**
 * The Cilium values sections users set besides the ones talium writes (debug, envoy, prometheus, ingressController,
 * socketLB, bandwidthManager, ...): wrong types are schema/type at the value, whether in a values file, a
 * HelmRelease or through `talium lint`; a plain `on` where the chart wants a boolean is schema/yaml11-boolean (a
 * warning in a values file, which Helm reads as YAML 1.1; no yaml/truthy on a document the schema covers); a complete, correct values file has no finding on
 * any Cilium line; the sections stay open (keys we do not model are not reported).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSchemaValidator } from '../src/schema/validate.js';
import { CILIUM_LINES } from '../src/schema/versions.js';
import { ciliumHelmReleaseText, diagnostics, docsFromText } from '../src/testing/schema-docs.js';
import { runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';
import { lineOf, UPSTREAM_CILIUM } from '../src/testing/schema-upstream.js';

const repos = tempRepos('talium-helm-values-');
after(repos.cleanup);

type Diags = ReturnType<typeof diagnostics>;
const byPosition = (a: string, b: string): number => {
  const [al, ac] = a.split(/[:@ ]/).filter(Boolean).map(Number);
  const [bl, bc] = b.split(/[:@ ]/).filter(Boolean).map(Number);
  return al! - bl! || ac! - bc!;
};
/** rule@line:column, in document order. */
const brief = (ds: Diags) =>
  ds
    .slice()
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column)
    .map((d) => `${d.ruleId}@${d.range.start.line}:${d.range.start.column}`);

function values(text: string, ciliumVersion = '1.18'): Diags {
  const [doc] = docsFromText('cilium/values.yaml', text, 'helm-values');
  return diagnostics(createSchemaValidator({ ciliumVersion }).validate(doc!));
}

test('debug.enabled: 5 is schema/type at the value, with the path and the types', () => {
  const ds = values('kubeProxyReplacement: true\ndebug:\n  enabled: 5\n');
  assert.deepEqual(brief(ds), ['schema/type@3:12']);
  assert.deepEqual(ds[0]!.data, { path: 'debug.enabled', expected: 'boolean', actual: 'integer' });
  assert.equal(ds[0]!.severity, 'error');
});

test('debug.enabled: on in a values file is schema/yaml11-boolean, a warning (helmValuesBoolean): Helm reads values files as YAML 1.1, so true; no yaml/truthy here', () => {
  const ds = values('kubeProxyReplacement: true\ndebug:\n  enabled: on\n');
  assert.deepEqual(brief(ds), ['schema/yaml11-boolean@3:12']);
  assert.equal(ds[0]!.messageId, 'helmValuesBoolean');
  assert.equal(ds[0]!.severity, 'warning');
  assert.deepEqual(ds[0]!.data, { path: 'debug.enabled', actual: 'on', readAs: true, expected: 'boolean' });
  const off = values('kubeProxyReplacement: true\ndebug:\n  enabled: Off\n');
  assert.deepEqual([off[0]!.ruleId, off[0]!.messageId, off[0]!.data?.['readAs']], ['schema/yaml11-boolean', 'helmValuesBoolean', false]);
  // quoted, a string is a string to every reader (Helm too): the type error; a real boolean is fine
  assert.deepEqual(brief(values('kubeProxyReplacement: true\ndebug:\n  enabled: "true"\n')), ['schema/type@3:12']);
  assert.deepEqual(brief(values('kubeProxyReplacement: true\ndebug:\n  enabled: "on"\n')), ['schema/type@3:12']);
  assert.deepEqual(values('kubeProxyReplacement: true\ndebug:\n  enabled: true\n  verbose: datapath\n'), []);
});

test('talium lint: debug.enabled: on in a Cilium values file is a schema/yaml11-boolean warning (fixed to true by --fix); yaml/truthy still reports files no schema covers', async () => {
  const dir = repos.repo({
    'kubernetes/cilium/values.yaml': 'kubeProxyReplacement: true\ndebug:\n  enabled: on\nsocketLB:\n  enabled: 5\n',
    'other/settings.yaml': 'feature: on\n',
  });
  const r = await runCli(['lint', '--format', 'json', '--workers', '0'], { cwd: dir });
  const out = JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; severity: string; messageId?: string; file: string; data?: Record<string, unknown>; range: { start: { line: number; column: number } } }> };
  assert.deepEqual(
    out.diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${d.severity} ${String(d.data?.['path'] ?? '')}`),
    ['kubernetes/cilium/values.yaml:3:12 schema/yaml11-boolean warning debug.enabled', 'kubernetes/cilium/values.yaml:5:12 schema/type error socketLB.enabled', 'other/settings.yaml:1:10 yaml/truthy warning '],
  );
  assert.equal(r.code, 1);
  await runCli(['lint', '--fix', '--workers', '0', '--no-cache'], { cwd: dir });
  assert.equal(readFileSync(join(dir, 'kubernetes/cilium/values.yaml'), 'utf8'), 'kubeProxyReplacement: true\ndebug:\n  enabled: true\nsocketLB:\n  enabled: 5\n');
});

test('new sections: wrong types at their positions (HelmRelease values, newest line)', () => {
  const text = ciliumHelmReleaseText(
    [
      'kubeProxyReplacement: true',
      'envoy:',
      '  enabled: "yes"',
      '  prometheus: {port: 9964}',
      'prometheus:',
      '  enabled: true',
      '  port: "9962"',
      '  serviceMonitor: {enabled: true, trustCRDsExist: 1}',
      'bandwidthManager: {enabled: true, bbr: "true"}',
      'ingressController: {enabled: true, loadbalancerMode: shared, default: "false"}',
      'cluster: {name: home, id: "1"}',
      'MTU: 1500.5',
      'hubble:',
      '  relay: {enabled: true}',
      '  ui: {enabled: true, ingress: {hosts: hubble.example.com}}',
      'operator:',
      '  prometheus: {serviceMonitor: {enabled: "on"}}',
      'tolerations: {operator: Exists}',
    ],
  );
  const [doc] = docsFromText('cilium/helmrelease.yaml', text);
  const ds = diagnostics(createSchemaValidator({ ciliumVersion: '1.20' }).validate(doc!));
  // data.path is relative to the values; the position is the value's in the HelmRelease
  assert.deepEqual(
    ds.map((d) => `${d.range.start.line}:${d.range.start.column} ${String(d.data?.['path'])} ${String(d.data?.['expected'])}`).sort(byPosition),
    [
      '10:16 envoy.enabled null|boolean',
      '11:26 envoy.prometheus.port string',
      '14:13 prometheus.port integer',
      '15:55 prometheus.serviceMonitor.trustCRDsExist boolean',
      '16:44 bandwidthManager.bbr boolean',
      '17:75 ingressController.default boolean',
      '18:31 cluster.id integer',
      '19:10 MTU integer',
      '22:44 hubble.ui.ingress.hosts array',
      '24:46 operator.prometheus.serviceMonitor.enabled boolean',
      '25:18 tolerations array',
    ],
  );
  assert.ok(ds.every((d) => d.ruleId === 'schema/type'));
});

test('the new sections are open: keys we do not model (or that a line lacks) are not reported', () => {
  const text = 'kubeProxyReplacement: true\nenvoy:\n  xdsMode: split\n  log: {format: json}\nprometheus:\n  metricsService: true\nsocketLB:\n  hostNamespaceOnly: "true"\nbgp:\n  announce: {loadbalancerIP: true}\n';
  for (const line of CILIUM_LINES) assert.deepEqual(brief(values(text, line)), [], line);
});

test('version-specific keys: localRedirectPolicies from 1.18, hostPort.enabled through 1.17, nodePort.enabled through 1.18', () => {
  const lrp = 'kubeProxyReplacement: true\nlocalRedirectPolicies:\n  enabled: "true"\n';
  assert.deepEqual(brief(values(lrp, '1.17')), []);
  assert.deepEqual(brief(values(lrp, '1.18')), ['schema/type@3:12']);
  const hostPort = 'kubeProxyReplacement: true\nhostPort:\n  enabled: "false"\nnodePort:\n  enabled: "false"\n';
  assert.deepEqual(brief(values(hostPort, '1.17')), ['schema/type@3:12', 'schema/type@5:12']);
  assert.deepEqual(brief(values(hostPort, '1.18')), ['schema/type@5:12']);
  assert.deepEqual(brief(values(hostPort, '1.19')), []);
  // enableIPv4Masquerade defaults to null (unset) from chart 1.18; a null in the values deletes the key anyway
  const masq = 'kubeProxyReplacement: true\nenableIPv4Masquerade: null\n';
  assert.deepEqual(brief(values(masq, '1.17')), []);
  assert.deepEqual(brief(values(masq, '1.18')), []);
  assert.deepEqual(brief(values('kubeProxyReplacement: true\nenableIPv4Masquerade: "no"\n', '1.17')), ['schema/type@2:23']);
});

test('a complete, correct values file (the agreement sample) has no finding on any Cilium line', () => {
  const text = readFileSync(join(process.cwd(), 'test/fixtures/schema/helm/cilium-values.yaml'), 'utf8');
  for (const line of CILIUM_LINES) assert.deepEqual(brief(values(text, line)), [], line);
});
test('talium lint: a plain yes in a HelmRelease boolean field is schema/yaml11-boolean, messageId booleanField (kustomize, behind Flux and Argo CD, keeps it the string "yes"; kubectl apply -f reads true)', async () => {
  const hr = ciliumHelmReleaseText(
    ['kubeProxyReplacement: true', 'rollOutCiliumPods: true', 'operator: {rollOutPods: true}', 'l2announcements:', '  enabled: yes', '  leaseDuration: "15s"'],
    '1.18.1',
  );
  const dir = repos.repo({ 'kubernetes/cilium/helmrelease.yaml': hr });
  const r = await runCli(['lint', '--format', 'json', '--workers', '0', '--no-cache'], { cwd: dir });
  const out = JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; messageId?: string; severity: string; data?: Record<string, unknown>; range: { start: { line: number; column: number } } }> };
  const hits = out.diagnostics.filter((d) => d.ruleId === 'yaml/truthy' || d.ruleId.startsWith('schema/'));
  assert.deepEqual(
    hits.map((d) => [d.ruleId, d.messageId, d.severity, d.range.start.line, d.range.start.column, d.data?.['path'], d.data?.['actual']]),
    [['schema/yaml11-boolean', 'booleanField', 'error', 12, 16, 'l2announcements.enabled', 'yes']],
  );
  // a quoted "yes" is a string to every reader: the plain type message
  const quoted = repos.repo({ 'kubernetes/cilium/helmrelease.yaml': hr.replace('enabled: yes', 'enabled: "yes"') });
  const q = JSON.parse((await runCli(['lint', '--format', 'json', '--workers', '0', '--no-cache'], { cwd: quoted })).stdout) as typeof out;
  assert.deepEqual(q.diagnostics.filter((d) => d.ruleId === 'schema/type').map((d) => [d.messageId, d.range.start.line]), [[undefined, 12]]);
});

test('null deletes a key in Helm values (the documented way to unset a chart default): never a type error', () => {
  const text = 'kubeProxyReplacement: true\nbpf:\n  ctTcpMax: ~\n  tproxy: null\n  masquerade: true\noperator:\n  tolerations: null\ndebug: ~\nMTU: "1500"\n';
  // only the real mistake is left: MTU as a string
  assert.deepEqual(brief(values(text)), ['schema/type@9:6']);
});

test("the chart's own values.yaml of every upstream Cilium release lints clean (nulls are chart defaults)", (t) => {
  if (!existsSync(UPSTREAM_CILIUM)) {
    t.skip('../shared not present: upstream chart values not available');
    return;
  }
  const folders = readdirSync(UPSTREAM_CILIUM).filter((v) => existsSync(join(UPSTREAM_CILIUM, v, 'helm/values.yaml')) && Number(lineOf(v).split('.')[1]) >= 16);
  assert.ok(folders.length >= 3, folders.join(','));
  for (const v of folders) {
    const text = readFileSync(join(UPSTREAM_CILIUM, v, 'helm/values.yaml'), 'utf8');
    assert.deepEqual(brief(values(text, lineOf(v))), [], v);
  }
});
