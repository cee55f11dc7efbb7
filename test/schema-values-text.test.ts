/**
 * Cilium values written as YAML text (schema/values-text.ts): an Argo CD `helm.values: |` string of the cilium
 * chart and the ConfigMap/Secret values file a Flux HelmRelease of the cilium chart names in `valuesFrom` get the
 * Cilium values schema, with the rule ids and data of the same values inline, placed inside the literal block
 * (else at the string); text that does not parse gets no schema finding.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runCli, spawnCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-values-text-');
after(repos.cleanup);

interface Diag {
  ruleId: string;
  file: string;
  range: { start: { line: number; column: number } };
  data?: Record<string, unknown>;
}

/** What the JSON report also says of a diagnostic. */
interface Full extends Diag {
  severity: string;
  messageId?: string;
  fix?: { text: string };
}

const line = (d: Diag) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${JSON.stringify(d.data ?? {})}`;

async function lint(files: Record<string, string>, args: string[] = []): Promise<Diag[]> {
  const r = await runCli(['lint', '--format', 'json', '--no-cache', ...args], { cwd: repos.repo(files) });
  assert.ok(r.code !== 2, r.stdout + r.stderr);
  return (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics;
}

const schema = (ds: Diag[]) => ds.filter((d) => d.ruleId.startsWith('schema/')).map(line);
const indent = (text: string, pad: string) => text.replace(/^(?=.)/gm, pad);

const APP_HEAD = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n';
/** spec.source.helm.values: line 16 is `values:`, the block starts on line 17 at column 9. */
const APP = (valuesLine: string, version = '1.18.4') => `${APP_HEAD}  source:\n    repoURL: https://helm.cilium.io/\n    chart: cilium\n    targetRevision: ${version}\n    helm:\n      ${valuesLine}`;
/** spec.sources[0].helm.values: line 16 is `values: |`, the block starts on line 17 at column 11. */
const APP_SOURCES = (block: string) => `${APP_HEAD}  sources:\n    - repoURL: https://helm.cilium.io/\n      chart: cilium\n      targetRevision: 1.18.4\n      helm:\n        values: |\n${indent(block, '          ')}    - repoURL: https://github.com/me/repo\n      path: apps\n`;

const HR = (opts: { chart?: string; version?: string; valuesFrom?: string } = {}) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: ${opts.chart ?? 'cilium'}\n      version: ${opts.version ?? '1.18.4'}\n      sourceRef: {kind: HelmRepository, name: cilium}\n  valuesFrom:\n${opts.valuesFrom ?? '    - kind: ConfigMap\n      name: cilium-values\n'}`;
/** data.values.yaml: line 7 is `values.yaml: |`, the block starts on line 8 at column 5 (`    enabled: 5` on line 10: value at 10:16). */
const CM = (block: string, opts: { name?: string; namespace?: string; key?: string } = {}) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${opts.name ?? 'cilium-values'}\n  namespace: ${opts.namespace ?? 'kube-system'}\ndata:\n  ${opts.key ?? 'values.yaml'}: |\n${indent(block, '    ')}`;

describe('Cilium values in an Argo CD helm.values string', () => {
  it('a wrong type inside the literal block is schema/type at its value, with the data it has inline', async () => {
    const got = schema(await lint({ 'argocd/cilium.yaml': APP(`values: |\n${indent('kubeProxyReplacement: true\nMTU: "abc"\n', '        ')}`) }));
    assert.deepEqual(got, ['argocd/cilium.yaml:18:14 schema/type {"actual":"string","expected":"integer","path":"MTU"}']);
  });

  it('the same values inline (valuesObject) give the same rule ids and data', async () => {
    const values = indent('MTU: "abc"\ncgroup:\n  automount:\n    enabled: false\n', '        ');
    const text = async (field: string) => schema(await lint({ 'argocd/cilium.yaml': APP(`${field}\n${values}`) })).map((l) => l.replace(/^\S+ /, ''));
    const object = await text('valuesObject:');
    assert.deepEqual(await text('values: |'), object);
    assert.equal(object.length, 2);
  });

  it('an unknown field points at its key inside the block', async () => {
    const got = schema(await lint({ 'argocd/cilium.yaml': APP(`values: |\n${indent('kubeProxyReplacement: true\ncgroup:\n  automount:\n    enabled: false\n', '        ')}`) }));
    assert.deepEqual(got.map((l) => l.split(' {')[0]), ['argocd/cilium.yaml:19:11 schema/unknown-field']);
  });

  it('spec.sources[].helm.values', async () => {
    const got = schema(await lint({ 'argocd/cilium.yaml': APP_SOURCES('kubeProxyReplacement: true\nMTU: "abc"\n') }));
    assert.deepEqual(got, ['argocd/cilium.yaml:18:16 schema/type {"actual":"string","expected":"integer","path":"MTU"}']);
  });

  it('the Cilium line is the release\'s: loadBalancer.serviceTopology takes only a boolean from 1.19 on', async () => {
    const block = `values: |\n${indent('kubeProxyReplacement: true\nloadBalancer:\n  serviceTopology: "yes"\n', '        ')}`;
    const newer = schema(await lint({ 'argocd/cilium.yaml': APP(block, '1.19.6') }));
    assert.deepEqual(newer.map((l) => l.split(' {')[0]), ['argocd/cilium.yaml:19:28 schema/type']);
    assert.deepEqual(schema(await lint({ 'argocd/cilium.yaml': APP(block, '1.18.4') })), []);
  });

  it('a quoted one-line or folded string: the finding is at the value inside it', async () => {
    const quoted = schema(await lint({ 'argocd/cilium.yaml': APP('values: "MTU: abc\\nkubeProxyReplacement: true\\n"\n') }));
    assert.deepEqual(quoted, ['argocd/cilium.yaml:16:21 schema/type {"actual":"string","expected":"integer","path":"MTU"}']);
    const folded = schema(await lint({ 'argocd/cilium.yaml': APP(`values: >\n${indent('MTU: abc\n\nkubeProxyReplacement: true\n', '        ')}`) }));
    assert.deepEqual(folded, ['argocd/cilium.yaml:17:14 schema/type {"actual":"string","expected":"integer","path":"MTU"}']);
  });

  it('YAML 1.1 words are read as Helm reads them: the helmValuesBoolean warning a values file gets in a boolean field (at the word, fixable), schema/yaml11-boolean error in a string field', async () => {
    const ds = await lint({ 'argocd/cilium.yaml': APP(`values: |\n${indent('debug:\n  enabled: yes\ncluster:\n  name: on\n', '        ')}`) });
    const got = ds.filter((d) => d.ruleId.startsWith('schema/')).map((d) => [line(d), (d as Full).severity, (d as Full).messageId, (d as Full).fix?.text]);
    assert.deepEqual(got, [
      ['argocd/cilium.yaml:18:20 schema/yaml11-boolean {"actual":"yes","expected":"boolean","path":"debug.enabled","readAs":true}', 'warning', 'helmValuesBoolean', 'true'],
      ['argocd/cilium.yaml:20:17 schema/yaml11-boolean {"actual":"on","expected":"string","path":"cluster.name","readAs":true}', 'error', undefined, undefined],
    ]);
  });

  it('the same word in a values file, inline (valuesObject) and in the string: the text gets the values file\'s answer', async () => {
    const said = (d: Diag) => [d.ruleId, (d as Full).severity, (d as Full).messageId, JSON.stringify(d.data)];
    const text = await lint({ 'argocd/cilium.yaml': APP(`values: |\n${indent('debug:\n  enabled: off\n', '        ')}`) });
    assert.deepEqual(schema(text), ['argocd/cilium.yaml:18:20 schema/yaml11-boolean {"actual":"off","expected":"boolean","path":"debug.enabled","readAs":false}']);
    const file = await lint({ 'kubernetes/cilium/values.yaml': 'kubeProxyReplacement: true\ndebug:\n  enabled: off\n' });
    assert.deepEqual(text.filter((d) => d.ruleId.startsWith('schema/')).map(said), file.filter((d) => d.ruleId.startsWith('schema/')).map(said));
    const inline = await lint({ 'argocd/cilium.yaml': APP(`valuesObject:\n${indent('debug:\n  enabled: off\n', '        ')}`) });
    assert.deepEqual(inline.filter((d) => d.ruleId.startsWith('schema/')).map((d) => (d as Full).messageId), ['booleanField']);
  });

  it('--fix writes the boolean inside the literal block and only there; a quoted one-line string gets the warning at the word too', async () => {
    const dir = repos.repo({ 'argocd/cilium.yaml': APP(`values: |\n${indent('debug:\n  enabled: on\n', '        ')}`) });
    const r = await runCli(['lint', '--fix', '--format', 'json', '--no-cache'], { cwd: dir });
    assert.ok(r.code !== 2, r.stdout + r.stderr);
    const { readFileSync } = await import('node:fs');
    assert.equal(readFileSync(`${dir}/argocd/cilium.yaml`, 'utf8'), APP(`values: |\n${indent('debug:\n  enabled: true\n', '        ')}`));
    const quoted = schema(await lint({ 'argocd/cilium.yaml': APP('values: "debug:\\n  enabled: on\\n"\n') }));
    assert.deepEqual(quoted.map((l) => l.split(' {')[0]), ['argocd/cilium.yaml:16:35 schema/yaml11-boolean']);
  });

  it('valid values: nothing; unparsable values: only gitops/argocd-helm-values-yaml, no schema finding', async () => {
    assert.deepEqual(schema(await lint({ 'argocd/cilium.yaml': APP(`values: |\n${indent('kubeProxyReplacement: true\nMTU: 1450\ndebug:\n  enabled: true\n', '        ')}`) })), []);
    const broken = await lint({ 'argocd/cilium.yaml': APP(`values: |\n${indent('MTU: "abc"\ndebug:\n  enabled: true\n   verbose: [x\n', '        ')}`) });
    assert.deepEqual(schema(broken), []);
    assert.deepEqual(broken.filter((d) => d.ruleId === 'gitops/argocd-helm-values-yaml').length, 1);
  });

  it('valuesObject set: Argo CD ignores the string, so it is not checked', async () => {
    const app = APP(`valuesObject: {MTU: 1450}\n      values: |\n${indent('MTU: "abc"\n', '        ')}`);
    assert.deepEqual(schema(await lint({ 'argocd/cilium.yaml': app })), []);
  });

  it('worker threads say the same', () => {
    const dir = repos.repo({ 'argocd/cilium.yaml': APP(`values: |\n${indent('MTU: "abc"\n', '        ')}`), 'flux/hr.yaml': HR(), 'flux/cm.yaml': CM('debug:\n  enabled: 5\n') });
    const runs = ['0', '2'].map((w) => spawnCli(['lint', '--format', 'json', '--no-cache', '--workers', w], { cwd: dir }).stdout);
    assert.equal(runs[0], runs[1]);
    assert.equal(schema((JSON.parse(runs[0]!) as { diagnostics: Diag[] }).diagnostics).length, 2);
  });
});

describe('Cilium values in a ConfigMap a Flux HelmRelease takes through valuesFrom', () => {
  it('a wrong type is schema/type in the ConfigMap file, inside the block', async () => {
    const got = schema(await lint({ 'flux/hr.yaml': HR(), 'flux/cm.yaml': CM('kubeProxyReplacement: true\ndebug:\n  enabled: 5\n') }));
    assert.deepEqual(got, ['flux/cm.yaml:10:16 schema/type {"actual":"integer","expected":"boolean","path":"debug.enabled"}']);
  });

  it('valuesKey, a Secret\'s stringData and base64 data', async () => {
    const vf = '    - kind: ConfigMap\n      name: cilium-values\n      valuesKey: cilium.yaml\n    - kind: Secret\n      name: cilium-secret\n    - kind: Secret\n      name: cilium-encoded\n';
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cilium-secret\n  namespace: kube-system\nstringData:\n  values.yaml: |\n    MTU: "abc"\n';
    const encoded = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cilium-encoded\n  namespace: kube-system\ndata:\n  values.yaml: ${Buffer.from('debug:\n  enabled: 5\n').toString('base64')}\n`;
    const got = schema(await lint({ 'flux/hr.yaml': HR({ valuesFrom: vf }), 'flux/cm.yaml': CM('debug:\n  enabled: 5\n', { key: 'cilium.yaml' }), 'flux/secret.yaml': secret, 'flux/encoded.yaml': encoded }));
    assert.deepEqual(got, [
      'flux/cm.yaml:9:16 schema/type {"actual":"integer","expected":"boolean","path":"debug.enabled"}',
      'flux/encoded.yaml:7:16 schema/type {"actual":"integer","expected":"boolean","path":"debug.enabled"}',
      'flux/secret.yaml:8:10 schema/type {"actual":"string","expected":"integer","path":"MTU"}',
    ]);
  });

  it('a plain on in a boolean field of the ConfigMap file is the helmValuesBoolean warning at the word (helm-controller reads it with chartutil.ReadValues: true); base64 data: at the string, no fix', async () => {
    const encoded = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cilium-encoded\n  namespace: kube-system\ndata:\n  values.yaml: ${Buffer.from('debug:\n  enabled: on\n').toString('base64')}\n`;
    const vf = '    - kind: ConfigMap\n      name: cilium-values\n    - kind: Secret\n      name: cilium-encoded\n';
    const ds = await lint({ 'flux/hr.yaml': HR({ valuesFrom: vf }), 'flux/cm.yaml': CM('kubeProxyReplacement: true\ndebug:\n  enabled: on\n'), 'flux/encoded.yaml': encoded });
    const got = ds.filter((d) => d.ruleId.startsWith('schema/')).map((d) => [line(d), (d as Full).severity, (d as Full).messageId, (d as Full).fix?.text]);
    assert.deepEqual(got, [
      ['flux/cm.yaml:10:16 schema/yaml11-boolean {"actual":"on","expected":"boolean","path":"debug.enabled","readAs":true}', 'warning', 'helmValuesBoolean', 'true'],
      ['flux/encoded.yaml:7:16 schema/yaml11-boolean {"actual":"on","expected":"boolean","path":"debug.enabled","readAs":true}', 'warning', 'helmValuesBoolean', undefined],
    ]);
  });

  it('one finding when two releases take the same ConfigMap', async () => {
    const hr2 = HR().replace('name: cilium\n  namespace', 'name: cilium-2\n  namespace');
    const got = schema(await lint({ 'flux/hr.yaml': HR(), 'flux/hr2.yaml': hr2, 'flux/cm.yaml': CM('debug:\n  enabled: 5\n') }));
    assert.deepEqual(got.map((l) => l.split(' {')[0]), ['flux/cm.yaml:9:16 schema/type']);
  });

  it('not for another chart, another namespace, another name, or a ConfigMap no release names', async () => {
    const cm = CM('debug:\n  enabled: 5\n');
    assert.deepEqual(schema(await lint({ 'flux/hr.yaml': HR({ chart: 'other' }), 'flux/cm.yaml': cm })), []);
    assert.deepEqual(schema(await lint({ 'flux/hr.yaml': HR(), 'flux/cm.yaml': CM('debug:\n  enabled: 5\n', { namespace: 'other' }) })), []);
    assert.deepEqual(schema(await lint({ 'flux/hr.yaml': HR(), 'flux/cm.yaml': CM('debug:\n  enabled: 5\n', { name: 'other' }) })), []);
    assert.deepEqual(schema(await lint({ 'flux/cm.yaml': cm })), []);
  });

  it('valid values: nothing; unparsable values: no schema finding and no crash', async () => {
    assert.deepEqual(schema(await lint({ 'flux/hr.yaml': HR(), 'flux/cm.yaml': CM('kubeProxyReplacement: true\ndebug:\n  enabled: true\n') })), []);
    const broken = await lint({ 'flux/hr.yaml': HR(), 'flux/cm.yaml': CM('debug:\n  enabled: 5\n   x: [1\n') });
    assert.deepEqual(schema(broken), []);
    assert.ok(!broken.some((d) => d.ruleId === 'lint/internal-error'));
  });
});
