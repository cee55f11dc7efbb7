/**
 * Cilium kube-proxy replacement off while Talos disables kube-proxy: cilium/kpr-off-without-kube-proxy (`false`)
 * and cilium/kpr-value (`disabled`/`partial`: asks for `true`, no fix), end to end with `lint --fix`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import kprOffWithoutKubeProxy from '../src/rules/cilium/kpr-off-without-kube-proxy.js';
import kprValue from '../src/rules/cilium/kpr-value.js';
import { ciliumHelmReleaseOf } from '../src/rules/cilium/lib/examples.js';
import { runCli } from '../src/testing/cli.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-kpr-talos-');
after(repos.cleanup);

/** A Flux HelmRelease; values start on line 15. */
const hr = ciliumHelmReleaseOf;
/** kube-proxy disabled on line 5 (column 15). */
const TALOS_OFF = 'machine:\n  type: controlplane\ncluster:\n  proxy:\n    disabled: true\n  network:\n    cni:\n      name: none\n';
const TALOS_KEEPS = TALOS_OFF.replace('disabled: true', 'disabled: false');
/** Talos 1.14 documents: kube-proxy disabled on line 3 (column 10). */
const KUBE_PROXY_CONFIG = 'apiVersion: v1alpha1\nkind: KubeProxyConfig\nenabled: false\n';
const tc = (lists: string) => `clusterName: home\ntalosVersion: v1.12.3\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n  - hostname: w1\n    ipAddress: 10.50.0.21\n${lists}`;

test('cilium/kpr-off-without-kube-proxy', () => {
  ruleTester(kprOffWithoutKubeProxy, {
    valid: [
      { 'talos/cp.yaml': TALOS_OFF, 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n') },
      // kube-proxy stays, or no Talos config in view: false is what the Talos guide says then
      { 'talos/cp.yaml': TALOS_KEEPS, 'cilium/hr.yaml': hr('kubeProxyReplacement: false\n') },
      { 'cilium/hr.yaml': hr('kubeProxyReplacement: false\n') },
      // the replacement parts turned on one by one (the docs' kube-proxy-free setup on false), templated, or as agent options
      { 'talos/cp.yaml': TALOS_OFF, 'cilium/hr.yaml': hr('kubeProxyReplacement: false\nnodePort:\n  enabled: true\n') },
      { 'talos/cp.yaml': TALOS_OFF, 'cilium/hr.yaml': hr('kubeProxyReplacement: false\nsocketLB:\n  enabled: true\n') },
      { 'talos/cp.yaml': TALOS_OFF, 'cilium/hr.yaml': hr('kubeProxyReplacement: false\nnodePort:\n  enabled: ${NODEPORT}\n') },
      { 'talos/cp.yaml': TALOS_OFF, 'cilium/hr.yaml': hr('kubeProxyReplacement: false\nextraConfig:\n  enable-node-port: "true"\n') },
      // unset (chart default false) and templated are not judged
      { 'talos/cp.yaml': TALOS_OFF, 'cilium/hr.yaml': hr('ipam:\n  mode: kubernetes\n') },
      { 'talos/cp.yaml': TALOS_OFF, 'cilium/hr.yaml': hr('kubeProxyReplacement: ${KPR}\n') },
      // values the repository does not show may turn a part on
      { 'talos/cp.yaml': TALOS_OFF, 'cilium/hr.yaml': hr('kubeProxyReplacement: false\n', '1.19.6', '  valuesFrom:\n    - kind: ConfigMap\n      name: cilium-values\n') },
      // kube-proxy disabled only in a patch workers read: Talos keeps it (talos/kube-proxy-enabled's case)
      { 'talos/talconfig.yaml': tc('worker:\n  patches:\n    - "@./patches/kp.yaml"\n'), 'talos/patches/kp.yaml': 'cluster:\n  proxy:\n    disabled: true\n', 'cilium/values.yaml': 'kubeProxyReplacement: false\n' },
    ],
    invalid: [
      {
        files: { 'talos/cp.yaml': TALOS_OFF, 'cilium/hr.yaml': hr('kubeProxyReplacement: false\nnodePort:\n  enabled: false\n') },
        errors: [{ messageId: 'off', file: 'cilium/hr.yaml', line: 15, column: 27, data: { value: 'false', cluster: 'default' } }],
      },
      { files: { 'talos/cp.yaml': TALOS_OFF, 'cilium/values.yaml': 'kubeProxyReplacement: "false"\n' }, errors: [{ messageId: 'off', file: 'cilium/values.yaml', line: 1, column: 23, data: { value: 'false' } }] },
      { files: { 'talos/kube-proxy.yaml': KUBE_PROXY_CONFIG, 'cilium/values.yaml': 'kubeProxyReplacement: false\n' }, errors: [{ messageId: 'off', line: 1, column: 23 }] },
      {
        files: { 'talos/talconfig.yaml': tc('controlPlane:\n  patches:\n    - "@./patches/kp.yaml"\n'), 'talos/patches/kp.yaml': 'cluster:\n  proxy:\n    disabled: true\n', 'cilium/values.yaml': 'kubeProxyReplacement: false\n' },
        errors: [{ messageId: 'off', line: 1, column: 23 }],
      },
    ],
  });
  // the Talos setting is the related location
  const [d] = lintRepo({ 'talos/cp.yaml': TALOS_OFF, 'cilium/values.yaml': 'kubeProxyReplacement: false\n' }, [kprOffWithoutKubeProxy]);
  assert.deepEqual(d?.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`), ['talos/cp.yaml:5:15']);
  const [k] = lintRepo({ 'talos/kube-proxy.yaml': KUBE_PROXY_CONFIG, 'cilium/values.yaml': 'kubeProxyReplacement: false\n' }, [kprOffWithoutKubeProxy]);
  assert.deepEqual(k?.related?.map((r) => `${r.file}:${r.range.start.line}`), ['talos/kube-proxy.yaml:3']);
});

test('cilium/kpr-value: disabled/partial where Talos disables kube-proxy asks for true, without a fix', () => {
  const brief = (files: Record<string, string>) =>
    lintRepo(files, [kprValue]).map((d) => [d.messageId, d.severity, d.range.start.line, d.range.start.column, d.data?.['replacement'], d.fix?.text, (d.related ?? []).map((r) => `${r.file}:${r.range.start.line}`)]);
  // pinned 1.16+: rejected by the chart, and false would leave Services unserved
  assert.deepEqual(brief({ 'talos/cp.yaml': TALOS_OFF, 'cilium/hr.yaml': hr('kubeProxyReplacement: disabled\n', '1.18.4') }), [['rejectedNoKubeProxy', 'error', 15, 27, 'true', undefined, ['talos/cp.yaml:5']]]);
  // version unknown (or 1.14/1.15): a legacy value, an error here rather than the deprecation warning
  assert.deepEqual(brief({ 'talos/cp.yaml': TALOS_OFF, 'cilium/values.yaml': 'kubeProxyReplacement: partial\n' }), [['legacyNoKubeProxy', 'error', 1, 23, 'true', undefined, ['talos/cp.yaml:5']]]);
  // before 1.14 `true` did not exist: strict
  assert.deepEqual(brief({ 'talos/cp.yaml': TALOS_OFF, 'cilium/hr.yaml': hr('kubeProxyReplacement: disabled\n', '1.13.4') }).map((f) => [f[0], f[4], f[5]]), [['legacyNoKubeProxy', 'strict', undefined]]);
  // strict keeps its fix; disabled keeps `false` when kube-proxy stays or the values turn a replacement part on
  assert.deepEqual(brief({ 'talos/cp.yaml': TALOS_OFF, 'cilium/hr.yaml': hr('kubeProxyReplacement: strict\n', '1.18.4') }).map((f) => [f[0], f[5]]), [['rejected', 'true']]);
  assert.deepEqual(brief({ 'talos/cp.yaml': TALOS_KEEPS, 'cilium/hr.yaml': hr('kubeProxyReplacement: disabled\n', '1.18.4') }).map((f) => [f[0], f[5]]), [['rejected', 'false']]);
  assert.deepEqual(brief({ 'talos/cp.yaml': TALOS_OFF, 'cilium/hr.yaml': hr('kubeProxyReplacement: partial\nnodePort:\n  enabled: true\nsocketLB:\n  enabled: true\n', '1.18.4') }).map((f) => [f[0], f[5]]), [['rejected', 'false']]);
});

test('lint --fix leaves disabled where Talos disables kube-proxy; what it writes elsewhere the new rule does not flag', async () => {
  const fix = async (files: Record<string, string>) => {
    const dir = repos.repo(files);
    const r = await runCli(['lint', '--fix', '--format', 'json', '--no-cache', '--workers', '0'], { cwd: dir });
    const out = JSON.parse(r.stdout) as { diagnostics: { ruleId: string; messageId?: string }[] };
    return { text: readFileSync(join(dir, 'cilium/values.yaml'), 'utf8'), left: out.diagnostics.filter((d) => d.ruleId.startsWith('cilium/kpr')).map((d) => `${d.ruleId}/${d.messageId}`) };
  };
  const VALUES = 'kubeProxyReplacement: disabled\nk8sServiceHost: localhost\nk8sServicePort: 7445\n';
  assert.deepEqual(await fix({ 'talos/cp.yaml': TALOS_OFF, 'cilium/values.yaml': VALUES }), { text: VALUES, left: ['cilium/kpr-value/legacyNoKubeProxy'] });
  assert.deepEqual(await fix({ 'talos/cp.yaml': TALOS_KEEPS, 'cilium/values.yaml': VALUES }), { text: VALUES.replace('disabled', 'false'), left: [] });
  // with the replacement parts on, false is the kube-proxy-free setup: fixed, and not reported after
  const parts = VALUES + 'socketLB:\n  enabled: true\nnodePort:\n  enabled: true\n';
  assert.deepEqual(await fix({ 'talos/cp.yaml': TALOS_OFF, 'cilium/values.yaml': parts }), { text: parts.replace('disabled', 'false'), left: [] });
});
