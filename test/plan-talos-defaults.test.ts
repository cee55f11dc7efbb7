/**
 * The Talos defaults in the plan (plan/talos-defaults.ts): KubePrism on at 7445 when the Talos version is known and
 * ≥ 1.6 and nothing sets it (a defaulted fact pointing at the version); off for a full ≥ 1.14 machine config without
 * a KubePrismConfig document; nothing otherwise. And what the KubePrism rules and `talium plan` make of each.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { RULES } from '../src/rules/index.js';
import { runCli } from '../src/testing/cli.js';
import { lintRepo } from '../src/testing/rule-tester.js';
import { factAt, firstPlan } from '../src/testing/plan-facts.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const plan = firstPlan;
const at = factAt;
const prismRules = RULES.filter((r) => r.meta.id === 'talos/kubeprism' || r.meta.id === 'cilium/k8s-service-endpoint');
const findings = (files: Record<string, string>) =>
  lintRepo(files, prismRules).map((d) => `${d.ruleId}/${d.messageId} ${d.severity} ${d.file}:${d.range.start.line}:${d.range.start.column} ${JSON.stringify(d.data)}`);

const TALCONFIG = (version: string, patch = '') => `clusterName: home\ntalosVersion: ${version}\nnodes:\n  - hostname: cp1\n    ipAddress: 10.0.0.11\n    controlPlane: true\n${patch}`;
const VALUES = (port: number) => `kubeProxyReplacement: true\nk8sServiceHost: localhost\nk8sServicePort: ${port}\n`;
const FULL = (version: string, extra = '') => `version: v1alpha1\nmachine:\n  type: controlplane\n  token: abcdef.0123456789abcdef\n  ca:\n    crt: LS0t\n  install:\n    image: ghcr.io/siderolabs/installer:${version}\ncluster:\n  proxy:\n    disabled: true\n${extra}`;

test('a known Talos ≥ 1.6 without a KubePrism setting: on, port 7445, marked as the default and placed at the version', () => {
  const p = plan({ 'talos/talconfig.yaml': TALCONFIG('v1.13.9') });
  assert.deepEqual(p.talos.kubePrism?.value, { enabled: true, port: 7445 });
  assert.equal(p.talos.kubePrism?.from.defaulted, 'Talos 1.13 default');
  assert.equal(p.talos.kubePrism?.from.note, 'Talos default since 1.6');
  assert.equal(at(p.talos.kubePrism), 'talos/talconfig.yaml:2:15');
});

test('no default before Talos 1.6, without a version, or for an unparsable one', () => {
  assert.equal(plan({ 'talos/talconfig.yaml': TALCONFIG('v1.5.5') }).talos.kubePrism, undefined);
  assert.equal(plan({ 'talos/talconfig.yaml': 'clusterName: home\nnodes: []\n' }).talos.kubePrism, undefined);
  assert.equal(plan({ 'talos/talconfig.yaml': TALCONFIG('latest') }).talos.kubePrism, undefined);
});

test('a setting in the repository wins over the default and is not marked', () => {
  const p = plan({ 'talos/talconfig.yaml': TALCONFIG('v1.13.9'), 'talos/patches/prism.yaml': 'machine:\n  features:\n    kubePrism:\n      enabled: true\n      port: 7446\n' });
  assert.deepEqual(p.talos.kubePrism?.value, { enabled: true, port: 7446 });
  assert.equal(p.talos.kubePrism?.from.defaulted, undefined);
  assert.equal(at(p.talos.kubePrism), 'talos/patches/prism.yaml:4:7');
});

test('a full Talos 1.14 machine config without KubePrismConfig: off, at the config; with the document: on; before 1.14: unknown', () => {
  const off = plan({ 'talos/controlplane.yaml': FULL('v1.14.0') }).talos.kubePrism;
  assert.deepEqual(off?.value, { enabled: false, port: 7445 });
  assert.equal(off?.from.missing, 'KubePrismConfig');
  assert.equal(off?.from.defaulted, undefined);
  assert.equal(at(off), 'talos/controlplane.yaml:1:1');
  const on = plan({ 'talos/controlplane.yaml': FULL('v1.14.0', '---\napiVersion: v1alpha1\nkind: KubePrismConfig\nport: 7445\n') }).talos.kubePrism;
  assert.deepEqual(on?.value, { enabled: true, port: 7445 });
  assert.equal(on?.from.missing, undefined);
  // before 1.14 the default is what `talosctl gen config` writes: a full config without it is not defaulted
  assert.equal(plan({ 'talos/controlplane.yaml': FULL('v1.13.9') }).talos.kubePrism, undefined);
});

test('rules: a default is compared by cilium/k8s-service-endpoint, which says so; talos/kubeprism judges settings and a missing KubePrismConfig', () => {
  // defaulted fact: the port finding is at the Cilium value, naming the default it rests on
  assert.deepEqual(findings({ 'talos/talconfig.yaml': TALCONFIG('v1.13.9'), 'cilium/values.yaml': VALUES(7446) }), [
    'cilium/k8s-service-endpoint/port error cilium/values.yaml:3:17 {"value":"7446","port":7445,"host":"localhost","portSource":"Talos 1.13 default"}',
  ]);
  // no version: the same finding, resting on the default alone
  assert.deepEqual(findings({ 'talos/talconfig.yaml': 'clusterName: home\nnodes: []\n', 'cilium/values.yaml': VALUES(7446) }), [
    'cilium/k8s-service-endpoint/port error cilium/values.yaml:3:17 {"value":"7446","port":7445,"host":"localhost","portSource":"Talos default"}',
  ]);
  assert.deepEqual(findings({ 'talos/talconfig.yaml': TALCONFIG('v1.13.9'), 'cilium/values.yaml': VALUES(7445) }), []);
  // a stated port: talos/kubeprism at the setting, cilium/k8s-service-endpoint silent
  assert.deepEqual(findings({ 'talos/talconfig.yaml': TALCONFIG('v1.13.9'), 'talos/patches/prism.yaml': 'machine:\n  features:\n    kubePrism:\n      enabled: true\n      port: 7446\n', 'cilium/values.yaml': VALUES(7445) }), [
    'talos/kubeprism/port error talos/patches/prism.yaml:5:13 {"port":7446,"ciliumPort":7445,"host":"localhost"}',
  ]);
  // full 1.14 config without KubePrismConfig
  assert.deepEqual(findings({ 'talos/controlplane.yaml': FULL('v1.14.0'), 'cilium/values.yaml': VALUES(7445) }), [
    'talos/kubeprism/missing error talos/controlplane.yaml:1:1 {"host":"localhost","ciliumPort":7445,"version":"1.14.0"}',
  ]);
});

const repos = tempRepos('talium-prism-');
after(repos.cleanup);

test('talium plan prints the default with its Talos version, and JSON marks it', async () => {
  const dir = repos.repo({ 'talos/talconfig.yaml': TALCONFIG('v1.13.9') });
  const text = await runCli(['plan'], { cwd: dir });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^ {2}KubePrism +on, port 7445 \(Talos 1\.13 default\) +talos\/talconfig\.yaml:2:15$/m);
  const json = await runCli(['plan', '--format', 'json'], { cwd: dir });
  assert.deepEqual(JSON.parse(json.stdout)[0].talos.kubePrism, { value: { enabled: true, port: 7445 }, from: { file: 'talos/talconfig.yaml', line: 2, column: 15, note: 'Talos default since 1.6' }, defaulted: 'Talos 1.13 default' });
  const full = await runCli(['plan'], { cwd: repos.repo({ 'talos/controlplane.yaml': FULL('v1.14.0') }) });
  assert.match(full.stdout, /^ {2}KubePrism +off \(no KubePrismConfig document\) +talos\/controlplane\.yaml:1:1$/m);
});

test('a config patch that starts with version: v1alpha1 (Terraform config_patches) is no full config: KubePrism stays the default', () => {
  // as nasenov__homelab's terraform/talos/resources/machineconfig.yaml, with the installer pinned: no machine token or
  // CA, which every generated config has; before: "full Talos 1.14.0 machine config ... KubePrism is off" (an error)
  const patch = 'version: v1alpha1\nmachine:\n  install:\n    image: factory.talos.dev/installer/376567988ad3:v1.14.0\n    diskSelector:\n      size: "256060514304"\ncluster:\n  network:\n    cni:\n      name: none\n  proxy:\n    disabled: true\n';
  const p = plan({ 'terraform/talos/resources/machineconfig.yaml': patch });
  assert.deepEqual(p.talos.kubePrism?.value, { enabled: true, port: 7445 });
  assert.equal(p.talos.kubePrism?.from.defaulted, 'Talos 1.14 default');
  assert.equal(p.talos.kubePrism?.from.missing, undefined);
  assert.deepEqual(findings({ 'terraform/talos/resources/machineconfig.yaml': patch, 'cilium/values.yaml': VALUES(7445) }), []);
});
