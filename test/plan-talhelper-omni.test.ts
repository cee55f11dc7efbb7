/**
 * Talos patches written inline as plan sources: talhelper `patches:` items (plan/talhelper-patches.ts) and Sidero Omni
 * cluster templates (plan/omni-patches.ts, docClass `omni-template`). Facts and their places inside patch strings,
 * the rules that read them, and the corpus repositories that have them (skipped without ../shared).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { classify } from '../src/lint/classify.js';
import { buildClusterGroups } from '../src/plan/index.js';
import type { Fact, NetworkPlan } from '../src/plan/types.js';
import { factPlace } from '../src/plan/util.js';
import cniNotNone from '../src/rules/talos/cni-not-none.js';
import kubeProxyEnabled from '../src/rules/talos/kube-proxy-enabled.js';
import noKubeProxy from '../src/rules/k8s/no-kube-proxy.js';
import deprecatedFields from '../src/rules/talos/deprecated-fields.js';
import operatorReplicas from '../src/rules/cilium/operator-replicas.js';
import vipPlacement from '../src/rules/talos/vip-placement.js';
import omniMachinesUnattributed from '../src/rules/talos/omni-machines-unattributed.js';
import { kernelArgLists } from '../src/rules/talos/lib/kernel-args.js';
import { controlPlanesExcludedFromLb } from '../src/rules/talos/lib/exclude-lb-label.js';
import { lintRepo, parseRepo, readTree, ruleTester } from '../src/testing/rule-tester.js';
import { runCli } from '../src/testing/cli.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/plan');
const CORPUS = path.resolve(process.cwd(), '../shared/corpus');

const groupsOf = (files: Record<string, string>) => buildClusterGroups(parseRepo(files));
const planOf = (files: Record<string, string>): NetworkPlan => groupsOf(files)[0]!.plan;

/** `file:line:column` of a fact, inside the patch string when it is a literal block. */
const at = (f: Fact<unknown> | undefined): string => {
  const p = f ? factPlace(f.from) : undefined;
  if (!p) return '';
  const r = p.range ?? p.doc.locate(p.path);
  return `${p.doc.file.path}:${r.start.line}:${r.start.column}`;
};

test('talhelper inline patches: per-node, shared, multi-document and JSON6902 strings give plan facts placed inside the strings', () => {
  const p = planOf(readTree(path.join(FIXTURES, 'talhelper-inline')));
  const T = 'talos/talconfig.yaml';
  // node cp1: its interfaces come from its own patch string
  assert.deepEqual(p.nodes.map((n) => [n.name, n.role, n.address?.value.text, n.links.map((l) => l.value), n.dhcp ?? false]), [
    ['cp1', 'controlplane', '10.50.0.11', ['enp1s0'], false],
    ['w1', 'worker', '10.50.0.21', ['eno1'], false],
  ]);
  assert.equal(at(p.nodes[0]!.address), `${T}:16:29`);
  // w1: a JSON6902 op list written as a YAML string
  assert.equal(at(p.nodes[1]!.address), `${T}:30:19`);
  assert.equal(p.lan?.value.canonical, '10.50.0.0/24');
  assert.equal(at(p.lan), `${T}:16:29`);
  assert.equal(at(p.gateway), `${T}:19:30`);
  // controlPlane.patches: a Layer2VIPConfig string (`|`, keep chomping)
  assert.equal(p.vip?.value.text, '10.50.0.10');
  assert.equal(at(p.vip), `${T}:46:13`);
  // a multi-document string: document 0 deletes Flannel, document 1 turns kube-proxy off
  assert.equal(p.talos.cni?.value, 'none');
  assert.equal(at(p.talos.cni), `${T}:36:13`);
  assert.deepEqual([p.talos.kubeProxyDisabled?.value, p.talos.kubeProxyDisabled?.from.innerDoc], [true, 1]);
  assert.equal(at(p.talos.kubeProxyDisabled), `${T}:40:14`);
  assert.deepEqual(p.podCidrs.map((c) => [c.value.canonical, at(c)]), [['10.244.0.0/16', `${T}:51:17`]]);
  // a mapping item (not a string) is read in place
  assert.deepEqual(p.talos.kubePrism?.value, { enabled: true, port: 7445 });
  assert.equal(at(p.talos.kubePrism), `${T}:55:13`);
  assert.deepEqual([p.versions.talos?.value, p.versions.kubernetes?.value], ['1.12.3', '1.35.2']);
});

test('a talhelper inline patch wins over talhelper cniConfig; a node without interfaces anywhere stays DHCP', () => {
  const p = planOf({
    'talos/talconfig.yaml': [
      'clusterName: home',
      'cniConfig:',
      '  name: flannel',
      'nodes:',
      '  - hostname: cp1',
      '    ipAddress: 10.50.0.11',
      '    controlPlane: true',
      'patches:',
      '  - |-',
      '    cluster:',
      '      network:',
      '        cni:',
      '          name: none',
      '',
    ].join('\n'),
  });
  assert.equal(p.talos.cni?.value, 'none');
  assert.equal(at(p.talos.cni), 'talos/talconfig.yaml:13:17');
  assert.equal(p.nodes[0]!.dhcp, true);
});

test('a shared talhelper patch gives its VIP and gateway but no node of its own', () => {
  const p = planOf({
    'talos/talconfig.yaml': [
      'clusterName: home',
      'nodes:',
      '  - hostname: cp1',
      '    ipAddress: 10.50.0.11',
      '    controlPlane: true',
      'controlPlane:',
      '  patches:',
      '    - |-',
      '      machine:',
      '        network:',
      '          interfaces:',
      '            - interface: enp1s0',
      '              addresses: [10.50.0.99/24]',
      '              routes:',
      '                - network: 0.0.0.0/0',
      '                  gateway: 10.50.0.1',
      '              vip:',
      '                ip: 10.50.0.10',
      '',
    ].join('\n'),
  });
  assert.deepEqual(p.nodes.map((n) => [n.name, n.address?.value.text]), [['cp1', '10.50.0.11']]);
  assert.deepEqual([p.vip?.value.text, at(p.vip), p.gateway?.value.text, at(p.gateway)], ['10.50.0.10', 'talos/talconfig.yaml:18:21', '10.50.0.1', 'talos/talconfig.yaml:16:28']);
});

test('Omni cluster templates are classified as omni-template (kinds without apiVersion), never as Kubernetes objects', async () => {
  assert.equal(classify({ kind: 'Cluster', name: 'lab', talos: { version: 'v1.12.3' } }, 'omni/t.yaml'), 'omni-template');
  assert.equal(classify({ kind: 'ControlPlane', machineClass: { name: 'cp', size: 3 } }, 'omni/t.yaml'), 'omni-template');
  assert.equal(classify({ kind: 'Workers', name: 'w', machines: ['a'] }, 'omni/t.yaml'), 'omni-template');
  assert.equal(classify({ kind: 'Machine', name: '27c16241' }, 'omni/t.yaml'), 'omni-template');
  // a CloudNativePG or Cluster API `Cluster` has an apiVersion
  assert.equal(classify({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg' } }, 'db/c.yaml'), 'k8s');
  // a bare `kind: Cluster` with nothing Omni has is not claimed
  assert.equal(classify({ kind: 'Cluster', spec: {} }, 'x.yaml'), 'other');
  const files = readTree(path.join(FIXTURES, 'omni-template'));
  const docs = parseRepo(files).filter((d) => d.file.path.endsWith('cluster-template.yaml'));
  assert.deepEqual(docs.map((d) => [d.kind, d.docClass]), [['Cluster', 'omni-template'], ['ControlPlane', 'omni-template'], ['Workers', 'omni-template'], ['Machine', 'omni-template']]);
  // talium lint (schemas included) has nothing to say about a clean template: no schema/unknown-kind
  const r = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: path.join(FIXTURES, 'omni-template'), env: { TALIUM_CACHE_DIR: undefined } });
  assert.deepEqual([r.code, (JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string }> }).diagnostics.map((d) => d.ruleId)], [0, []]);
});

test('Omni templates: inline mappings, lists and multi-document strings give plan facts; versions only when the templates agree', () => {
  const tree = readTree(path.join(FIXTURES, 'omni-template'));
  // the lab template alone (the edge template is another cluster: see the next test)
  const p = planOf(Object.fromEntries(Object.entries(tree).filter(([f]) => !f.endsWith('cluster-template-edge.yaml'))));
  const T = 'omni/cluster-template.yaml';
  assert.deepEqual([p.talos.cni?.value, at(p.talos.cni)], ['none', `${T}:15:19`]);
  assert.deepEqual([p.talos.kubeProxyDisabled?.value, at(p.talos.kubeProxyDisabled)], [true, `${T}:19:21`]);
  assert.deepEqual(p.podCidrs.map((c) => [c.value.canonical, at(c)]), [['10.244.0.0/16', `${T}:17:15`]]);
  // the ControlPlane's `inline: |` string holds a LinkConfig (document 0) and a Layer2VIPConfig (document 1)
  assert.deepEqual(p.nodes.map((n) => [n.name, n.role, n.address?.value.text, n.links.map((l) => l.value)]), [['lab/control-planes', 'controlplane', '10.60.0.11', ['enp1s0']]]);
  assert.equal(at(p.nodes[0]!.address), `${T}:32:20`);
  assert.deepEqual([p.gateway?.value.text, at(p.gateway)], ['10.60.0.1', `${T}:35:20`]);
  assert.deepEqual([p.vip?.value.text, at(p.vip), p.vip?.from.innerDoc], ['10.60.0.10', `${T}:39:13`, 1]);
  assert.equal(p.lan?.value.canonical, '10.60.0.0/24');
  // the Workers' `inline:` list: its second mapping is a KubePrismConfig document
  assert.deepEqual([p.talos.kubePrism?.value, at(p.talos.kubePrism)], [{ enabled: true, port: 7445 }, `${T}:56:15`]);
  assert.equal(p.versions.kubernetes?.value, '1.35.2');
  assert.equal(p.talos.omniClusters, undefined);
  // with the edge template beside it: two Omni clusters, and which one runs the GitOps tree is unknown, so no
  // machine of either is a node (no address, gateway, VIP or LAN from them); cluster-wide settings still count
  const both = planOf(tree);
  assert.deepEqual(both.talos.omniClusters?.map((c) => [c.name, c.doc.file.path]), [['edge', 'omni/cluster-template-edge.yaml'], ['lab', T]]);
  assert.deepEqual([both.nodes.length, both.gateway, both.vip, both.lan], [0, undefined, undefined, undefined]);
  assert.deepEqual([both.talos.cni?.value, both.talos.kubeProxyDisabled?.value], ['none', true]);
  // both templates pin Talos 1.12.3; Kubernetes differs (1.35.2 vs 1.34.4), so it is left unset
  assert.equal(both.versions.talos?.value, '1.12.3');
  assert.equal(both.versions.kubernetes, undefined);
});

test('Omni versions: one template gives both; a templated version is not agreed with a literal one', () => {
  const one = planOf({ 'omni/t.yaml': 'kind: Cluster\nname: a\nkubernetes:\n  version: v1.35.2\ntalos:\n  version: v1.12.3\n' });
  assert.deepEqual([one.versions.talos?.value, at(one.versions.talos), one.versions.kubernetes?.value, at(one.versions.kubernetes)], ['1.12.3', 'omni/t.yaml:6:12', '1.35.2', 'omni/t.yaml:4:12']);
  const two = planOf({
    'omni/a.yaml': 'kind: Cluster\nname: a\nkubernetes:\n  version: v1.35.2\ntalos:\n  version: v1.12.3\n',
    'omni/b.yaml': 'kind: Cluster\nname: b\nkubernetes:\n  version: v1.35.2\ntalos:\n  version: ${TALOS_VERSION}\n',
  });
  assert.deepEqual([two.versions.talos?.value, two.versions.kubernetes?.value], [undefined, '1.35.2']);
});

const VALUES = 'kubeProxyReplacement: true\nk8sServiceHost: localhost\nk8sServicePort: 7445\n';
const TALCONFIG = (patches: string) => `clusterName: home\ntalosVersion: v1.12.3\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\npatches:\n${patches}`;
const OMNI = (inline: string) => `kind: Cluster\nname: lab\nkubernetes:\n  version: v1.35.2\ntalos:\n  version: v1.12.3\npatches:\n  - name: p\n    inline:\n${inline}`;

test('talos/kube-proxy-enabled reads inline patches from the plan and reports inside the patch string', () => {
  ruleTester(kubeProxyEnabled, {
    valid: [
      // the second document of a multi-document string turns kube-proxy off
      { 'talos/talconfig.yaml': TALCONFIG('  - |-\n    apiVersion: v1alpha1\n    kind: KubeFlannelCNIConfig\n    $patch: delete\n    ---\n    apiVersion: v1alpha1\n    kind: KubeProxyConfig\n    enabled: false\n'), 'cilium/values.yaml': VALUES },
      // an Omni Cluster's inline mapping
      { 'omni/t.yaml': OMNI('      cluster:\n        proxy:\n          disabled: true\n'), 'cilium/values.yaml': VALUES },
    ],
    invalid: [
      // KubeProxyConfig enabled: true in document 1 of the string: line 15 `    enabled: true`
      {
        files: { 'talos/talconfig.yaml': TALCONFIG('  - |-\n    apiVersion: v1alpha1\n    kind: KubeFlannelCNIConfig\n    $patch: delete\n    ---\n    apiVersion: v1alpha1\n    kind: KubeProxyConfig\n    enabled: true\n'), 'cilium/values.yaml': VALUES },
        errors: [{ messageId: 'enabled', file: 'talos/talconfig.yaml', line: 15, column: 14 }],
      },
      // an Omni inline string with `disabled: false`
      { files: { 'omni/t.yaml': OMNI('      |\n        cluster:\n          proxy:\n            disabled: false\n'), 'cilium/values.yaml': VALUES }, errors: [{ messageId: 'enabled', file: 'omni/t.yaml', line: 13, column: 23 }] },
      // an Omni template whose patches never mention kube-proxy: Omni generates the config, Talos deploys it
      { files: { 'omni/t.yaml': OMNI('      machine:\n        time:\n          disabled: false\n'), 'cilium/values.yaml': VALUES }, errors: [{ messageId: 'notDisabled', file: 'omni/t.yaml', line: 1, column: 1 }] },
    ],
  });
});

test('talos/cni-not-none reads inline patches from the plan (custom URLs included) and reports inside the patch string', () => {
  ruleTester(cniNotNone, {
    valid: [
      { 'omni/t.yaml': OMNI('      cluster:\n        network:\n          cni:\n            name: none\n'), 'cilium/values.yaml': VALUES },
      { 'talos/talconfig.yaml': TALCONFIG('  - |-\n    cluster:\n      network:\n        cni:\n          name: custom\n          urls:\n            - https://example.org/cilium.yaml\n'), 'cilium/values.yaml': VALUES },
    ],
    invalid: [
      { files: { 'omni/t.yaml': OMNI('      |-\n        cluster:\n          network:\n            cni:\n              name: flannel\n'), 'cilium/values.yaml': VALUES }, errors: [{ messageId: 'other', file: 'omni/t.yaml', line: 14, column: 21, data: { cni: 'flannel' } }] },
      {
        files: { 'talos/talconfig.yaml': TALCONFIG('  - |-\n    cluster:\n      network:\n        cni:\n          name: custom\n          urls:\n            - https://example.org/calico.yaml\n'), 'cilium/values.yaml': VALUES },
        errors: [{ messageId: 'custom', file: 'talos/talconfig.yaml', line: 12, column: 17, data: { urls: 'https://example.org/calico.yaml' } }],
      },
    ],
  });
});

test('a JSON6902 op that adds a parent (`/cluster/proxy: {disabled: true}`, `/cluster/network: {cni: ...}`) sets the fact at the field inside its value', () => {
  const file = planOf({ 'talos/patches/cp.yaml': '- op: add\n  path: /cluster/proxy\n  value:\n    disabled: true\n- op: add\n  path: /cluster/network\n  value:\n    cni:\n      name: none\n' });
  assert.deepEqual([file.talos.kubeProxyDisabled?.value, at(file.talos.kubeProxyDisabled)], [true, 'talos/patches/cp.yaml:4:15']);
  assert.deepEqual([file.talos.cni?.value, at(file.talos.cni)], ['none', 'talos/patches/cp.yaml:9:13']);
  // the same ops as a talhelper inline string, and a `replace` of `/cluster/proxy/disabled` itself
  const inline = planOf({ 'talos/talconfig.yaml': TALCONFIG('  - |-\n    - op: add\n      path: /cluster/proxy\n      value:\n        disabled: true\n') });
  assert.deepEqual([inline.talos.kubeProxyDisabled?.value, at(inline.talos.kubeProxyDisabled)], [true, 'talos/talconfig.yaml:12:19']);
  const str = planOf({ 'talos/patches/cp.yaml': '- op: replace\n  path: /cluster/proxy/disabled\n  value: true\n' });
  assert.deepEqual([str.talos.kubeProxyDisabled?.value, at(str.talos.kubeProxyDisabled)], [true, 'talos/patches/cp.yaml:3:10']);
  // a `remove` op, or an op on another parent, says nothing
  const other = planOf({ 'talos/patches/cp.yaml': '- op: remove\n  path: /cluster/proxy\n- op: add\n  path: /cluster/apiServer\n  value:\n    disabled: true\n' });
  assert.equal(other.talos.kubeProxyDisabled, undefined);
  ruleTester(kubeProxyEnabled, { valid: [{ 'talos/talconfig.yaml': TALCONFIG('  - |-\n    - op: add\n      path: /cluster/proxy\n      value:\n        disabled: true\n'), 'cilium/values.yaml': VALUES }], invalid: [] });
});

test('talos/deprecated-fields judges Omni inline patches (mapping, list, multi-document string, JSON6902) at the key inside them; talhelper inline patches stay unjudged', () => {
  const omni14 = (inline: string) => OMNI(inline).replace('version: v1.12.3', 'version: v1.14.1');
  ruleTester(deprecatedFields, {
    valid: [
      // the multi-document form
      { 'omni/t.yaml': omni14('      |-\n        apiVersion: v1alpha1\n        kind: KubeProxyConfig\n        enabled: false\n') },
      // Talos 1.12: the cluster fields are not deprecated yet
      { 'omni/t.yaml': OMNI('      cluster:\n        proxy:\n          disabled: true\n') },
      // talhelper decides the form its inline patches take
      { 'talos/talconfig.yaml': TALCONFIG('  - |-\n    cluster:\n      proxy:\n        disabled: true\n').replace('v1.12.3', 'v1.14.1') },
    ],
    invalid: [
      // an inline mapping: at the key in the template
      { files: { 'omni/t.yaml': omni14('      cluster:\n        proxy:\n          disabled: true\n') }, errors: [{ messageId: 'deprecated', file: 'omni/t.yaml', line: 11, column: 9, data: { field: '.cluster.proxy', replacement: 'KubeProxyConfig' } }] },
      // document 1 of a literal string: at the key inside the string
      {
        files: { 'omni/t.yaml': omni14('      |-\n        apiVersion: v1alpha1\n        kind: KubePrismConfig\n        port: 7445\n        ---\n        machine:\n          features:\n            kubePrism:\n              enabled: true\n') },
        errors: [{ messageId: 'deprecated', file: 'omni/t.yaml', line: 17, column: 13, data: { field: '.machine.features.kubePrism' } }],
      },
      // an inline list (several documents) and a JSON6902 op list in a string, on a Workers set
      {
        files: {
          'omni/t.yaml':
            omni14('      - machine:\n          time:\n            disabled: false\n      - cluster:\n          allowSchedulingOnControlPlanes: true\n') +
            '---\nkind: Workers\nname: w\nmachines: [m1]\npatches:\n  - name: j\n    inline: |\n      - op: add\n        path: /cluster/proxy\n        value:\n          disabled: true\n',
        },
        errors: [
          { messageId: 'deprecated', file: 'omni/t.yaml', line: 14, column: 11, data: { field: '.cluster.allowSchedulingOnControlPlanes' } },
          { messageId: 'deprecated', file: 'omni/t.yaml', line: 23, column: 9, data: { field: '.cluster.proxy' } },
        ],
      },
    ],
  });
});

test('cilium/operator-replicas does not count Omni machine sets as single nodes', () => {
  const omni = OMNI('      machine:\n        time:\n          disabled: false\n') + '---\nkind: Workers\nname: w\nmachineClass:\n  name: w\n  size: 3\npatches:\n  - name: net\n    inline:\n      machine:\n        network:\n          interfaces:\n            - interface: eno1\n              addresses: [10.50.0.21/24]\n';
  const files = { 'omni/t.yaml': omni, 'cilium/values.yaml': 'operator:\n  replicas: 2\n' };
  assert.deepEqual(groupsOf(files)[0]!.plan.nodes.map((n) => n.name), ['lab/w']);
  assert.deepEqual(lintRepo(files, [operatorReplicas]), []);
});

test('kernel arguments and the exclude-from-LB label read Omni inline patches and control-plane patch files', () => {
  const omni = OMNI('      |-\n        machine:\n          install:\n            extraKernelArgs: [enforcing=1]\n') + '---\nkind: ControlPlane\nmachines: [m1]\npatches:\n  - file: patches/cp.yaml\n';
  const g = groupsOf({ 'omni/t.yaml': omni, 'omni/patches/cp.yaml': 'machine:\n  time:\n    disabled: false\n' })[0]!;
  assert.deepEqual(kernelArgLists(g).map((l) => [l.doc.file.path, l.path.join('.'), l.args, l.inString ?? false]), [['omni/t.yaml', 'patches.0.inline', ['enforcing=1'], true]]);
  // Talos 1.12 control planes carry the label; every control-plane patch file was read
  assert.equal(controlPlanesExcludedFromLb(g)?.value, '1.12.3');
  // a control-plane patch file that was not read leaves it unknown
  assert.equal(controlPlanesExcludedFromLb(groupsOf({ 'omni/t.yaml': omni })[0]!), undefined);
  // an inline patch that removes the label
  const removes = OMNI('      machine:\n        nodeLabels:\n          node.kubernetes.io/exclude-from-external-load-balancers:\n            $patch: delete\n');
  assert.equal(controlPlanesExcludedFromLb(groupsOf({ 'omni/t.yaml': removes })[0]!), undefined);
});

test('corpus: talconfig inline patches and Omni templates feed the plan', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CORPUS)) {
    t.skip('../shared not present: corpus check skipped');
    return;
  }
  const load = (repo: string) => buildClusterGroups(parseRepo(readTree(path.join(CORPUS, repo), /\.ya?ml$/)));
  // budimanjojo: kube-proxy is disabled only in a controlPlane.patches string
  const budi = load('budimanjojo__home-cluster')[0]!.plan;
  assert.deepEqual([budi.talos.kubeProxyDisabled?.value, at(budi.talos.kubeProxyDisabled)], [true, 'talos/talconfig.yaml:115:21']);
  assert.deepEqual([budi.talos.cni?.value, at(budi.talos.cni)], ['none', 'talos/talconfig.yaml:8:9']);
  // axeII: every fact is in talconfig's own fields (its patches are @files): unchanged
  const axe = load('axeII__home-ops')[0]!.plan;
  assert.deepEqual([axe.lan?.value.canonical, at(axe.lan), axe.vip?.value.text], ['192.168.69.0/24', 'talos/talconfig.yaml:32:13', '192.168.69.254']);
  // mitchross: two Omni templates (kind Cluster/ControlPlane/Workers), Talos 1.13.7 in both, Kubernetes 1.36.4 vs 1.36.3
  const mitch = load('mitchross__talos-argocd-proxmox');
  const omniDocs = mitch[0]!.docs.filter((d) => d.file.path.startsWith('omni/') && d.docClass === 'omni-template');
  assert.deepEqual([...new Set(omniDocs.map((d) => d.kind))].sort(), ['Cluster', 'ControlPlane', 'Workers']);
  const mp = mitch[0]!.plan;
  assert.deepEqual([mp.versions.talos?.value, mp.versions.kubernetes], ['1.13.7', undefined]);
  assert.equal(mp.talos.cni?.value, 'none');
  assert.equal(mp.talos.kubeProxyDisabled?.value, true);
  // two clusters (talos-prod-cluster and talos-threadripper-gpu-workers): the GPU cluster's Dell worker (an inline
  // static address) is no node of this tree's plan, and gives it no LAN or gateway
  assert.deepEqual(mp.talos.omniClusters?.map((c) => c.name), ['talos-prod-cluster', 'talos-threadripper-gpu-workers']);
  assert.deepEqual([mp.lan, mp.gateway, mp.nodes.length], [undefined, undefined, 0]);
  // that inline patch writes the legacy interfaces list: Talos 1.13 deprecates it, reported at the key in the template
  const mfiles = readTree(path.join(CORPUS, 'mitchross__talos-argocd-proxmox'), /\.ya?ml$/);
  const dep = lintRepo(mfiles, [deprecatedFields]);
  assert.deepEqual(dep.map((d) => [d.file, d.range?.start.line, d.range?.start.column, d.data?.['field']]), [['omni/cluster-template/cluster-template-threadripper-gpu-workers.yaml', 145, 9, '.machine.network.interfaces']]);
});

test('a patch file talhelper or Omni names in a control-plane or worker list takes that role (plan nodes, vip-placement, exclude-LB label)', () => {
  const TC = 'clusterName: home\ntalosVersion: v1.12.3\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n  - hostname: w1\n    ipAddress: 10.50.0.21\n    patches:\n      - "@./patches/w1-net.yaml"\ncontrolPlane:\n  patches:\n    - "@./patches/worker-vip.yaml"\nworker:\n  patches:\n    - "@./patches/net.yaml"\n';
  const NET = (vip: boolean) => `machine:\n  network:\n    interfaces:\n      - interface: eno1\n        addresses: [10.50.0.30/24]\n${vip ? '        vip:\n          ip: 10.50.0.10\n' : ''}`;
  const files = { 'talos/talconfig.yaml': TC, 'talos/patches/net.yaml': NET(true), 'talos/patches/worker-vip.yaml': NET(true), 'talos/patches/w1-net.yaml': NET(false).replace('eno1', 'eno2') };
  // a node's own file describes that node (w1, at the file's address); files of shared lists make no node
  const nodes = groupsOf(files)[0]!.plan.nodes.map((n) => [n.name, n.role, n.address?.value.text, at(n.address)]);
  assert.deepEqual(nodes, [['cp1', 'controlplane', '10.50.0.11', 'talos/talconfig.yaml:6:16'], ['w1', 'worker', '10.50.0.30', 'talos/patches/w1-net.yaml:5:21']]);
  // net.yaml is a worker patch: error at its vip, the talconfig item related; worker-vip.yaml (control planes, despite its name) is silent
  const got = lintRepo(files, [vipPlacement]);
  assert.deepEqual(
    got.map((d) => [d.ruleId, d.severity, d.file, d.range?.start.line, d.range?.start.column, d.data?.['what'], d.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`)]),
    [['talos/vip-placement', 'error', 'talos/patches/net.yaml', 6, 9, 'patch (named by worker.patches in talos/talconfig.yaml)', ['talos/talconfig.yaml:17:7']]],
  );
  // Omni: a Workers set's file (a Layer2VIPConfig) is a worker patch; the same file named by the Cluster too has no role
  const omni = 'kind: Cluster\nname: lab\nkubernetes:\n  version: v1.35.2\ntalos:\n  version: v1.12.3\n---\nkind: Workers\nname: w\nmachines: [m1]\npatches:\n  - file: patches/vip.yaml\n';
  const L2 = 'apiVersion: v1alpha1\nkind: Layer2VIPConfig\nname: 10.50.0.10\nlink: eno1\n';
  assert.deepEqual(
    lintRepo({ 'omni/t.yaml': omni, 'omni/patches/vip.yaml': L2 }, [vipPlacement]).map((d) => [d.file, d.range?.start.line, d.range?.start.column, d.data?.['what']]),
    [['omni/patches/vip.yaml', 2, 7, 'patch (named by the Omni Workers document of omni/t.yaml)']],
  );
  assert.deepEqual(lintRepo({ 'omni/t.yaml': omni.replace('name: lab\n', 'name: lab\npatches:\n  - file: patches/vip.yaml\n'), 'omni/patches/vip.yaml': L2 }, [vipPlacement]), []);
  // exclude-LB label: a worker-only patch file that deletes the label leaves control planes labelled
  const removes = 'machine:\n  nodeLabels:\n    node.kubernetes.io/exclude-from-external-load-balancers:\n      $patch: delete\n';
  const tc = TC;
  assert.equal(controlPlanesExcludedFromLb(groupsOf({ ...files, 'talos/talconfig.yaml': tc, 'talos/patches/net.yaml': removes })[0]!)?.value, '1.12.3');
  // the same file named by the top-level list (every machine) may remove it
  assert.equal(controlPlanesExcludedFromLb(groupsOf({ ...files, 'talos/talconfig.yaml': tc + 'patches:\n  - "@./patches/net.yaml"\n', 'talos/patches/net.yaml': removes })[0]!), undefined);
});

test('a talhelper node\'s own patch file describes that node; files the shared lists name give VIPs, gateways and cluster settings but no node', () => {
  const p = planOf(readTree(path.join(FIXTURES, 'talhelper-patch-files')));
  // cp1-net.yaml (a LinkConfig + Layer2VIPConfig) and w1-net.yaml are cp1's and w1's; controlplane.yaml (a static
  // address every control plane would get) and worker.yaml name no node
  assert.deepEqual(p.nodes.map((n) => [n.name, n.role, n.address?.value.text, at(n.address), n.links.map((l) => [l.value, at(l)]), n.dhcp ?? false, at(n.from && { value: 0, from: n.from })]), [
    ['cp1', 'controlplane', '10.50.0.11', 'talos/patches/cp1-net.yaml:5:14', [['enp1s0', 'talos/patches/cp1-net.yaml:1:1']], false, 'talos/talconfig.yaml:8:5'],
    ['w1', 'worker', '10.50.0.21', 'talos/patches/w1-net.yaml:5:21', [['eno1', 'talos/patches/w1-net.yaml:4:9']], false, 'talos/talconfig.yaml:13:5'],
  ]);
  assert.deepEqual([p.lan?.value.canonical, at(p.lan)], ['10.50.0.0/24', 'talos/patches/cp1-net.yaml:5:14']);
  assert.deepEqual([p.vip?.value.text, at(p.vip)], ['10.50.0.10', 'talos/patches/cp1-net.yaml:9:7']);
  // the gateway of the shared control-plane file counts
  assert.deepEqual([p.gateway?.value.text, at(p.gateway)], ['10.50.0.1', 'talos/patches/controlplane.yaml:12:22']);
  assert.deepEqual([p.talos.cni?.value, at(p.talos.cni)], ['none', 'talos/patches/controlplane.yaml:4:13']);
  assert.deepEqual(p.podCidrs.map((c) => [c.value.canonical, at(c)]), [['10.244.0.0/16', 'talos/patches/all.yaml:3:18']]);
});

test('an Omni Machine\'s patch file describes that machine (its hostname names it); the Cluster\'s and a machine set\'s files make no node of their own', () => {
  const p = planOf(readTree(path.join(FIXTURES, 'omni-patch-files')));
  const P = 'omni/patches';
  // 4c4c4544-w001: an inline LinkConfig (storage, item 0) then w1-net.yaml (item 1); the LAN address is the one of the default route's subnet
  assert.deepEqual(p.nodes.map((n) => [n.name, n.role, n.address?.value.text, at(n.address), n.links.map((l) => l.value), at(n.from && { value: 0, from: n.from })]), [
    ['4c4c4544-w001', 'worker', '10.60.0.21', `${P}/w1-net.yaml:5:21`, ['enp2s0', 'eno1'], 'omni/cluster-template.yaml:30:1'],
    ['cp1', 'controlplane', '10.60.0.11', `${P}/cp1-net.yaml:9:14`, ['enp1s0'], `${P}/cp1-net.yaml:3:11`],
  ]);
  assert.deepEqual([p.lan?.value.canonical, at(p.vip), at(p.gateway), at(p.talos.cni)], ['10.60.0.0/24', `${P}/vip.yaml:3:7`, `${P}/workers.yaml:9:14`, `${P}/cluster.yaml:4:13`]);
  assert.deepEqual(p.podCidrs.map((c) => at(c)), [`${P}/cluster.yaml:5:18`]);
});

test('patch files: one named by several nodes or also by a shared list is shared; an Omni machine set\'s file joins the set like its inline patches', () => {
  const NET = 'machine:\n  network:\n    interfaces:\n      - interface: eno1\n        addresses: [10.50.0.30/24]\n';
  const tc = (w1: string, w2: string, top = '') => `clusterName: home\nnodes:\n  - hostname: w1\n    ipAddress: 10.50.0.21\n    patches:\n${w1}  - hostname: w2\n    ipAddress: 10.50.0.22\n    patches:\n${w2}${top}`;
  const item = '      - "@./patches/net.yaml"\n';
  const nodes = (files: Record<string, string>) => planOf(files).nodes.map((n) => [n.name, n.address?.value.text, at(n.address)]);
  // w1 alone names it: w1 sits at the file's address
  assert.deepEqual(nodes({ 'talos/talconfig.yaml': tc(item, '      - "@./patches/other.yaml"\n'), 'talos/patches/net.yaml': NET }), [['w1', '10.50.0.30', 'talos/patches/net.yaml:5:21'], ['w2', '10.50.0.22', 'talos/talconfig.yaml:8:16']]);
  // both nodes name it, or the top-level list does too: every reader gets that address, so it is no node's
  assert.deepEqual(nodes({ 'talos/talconfig.yaml': tc(item, item), 'talos/patches/net.yaml': NET }), [['w1', '10.50.0.21', 'talos/talconfig.yaml:4:16'], ['w2', '10.50.0.22', 'talos/talconfig.yaml:8:16']]);
  assert.deepEqual(nodes({ 'talos/talconfig.yaml': tc(item, '      - "@./patches/other.yaml"\n', 'patches:\n  - "@./patches/net.yaml"\n'), 'talos/patches/net.yaml': NET }).map((n) => n[0]), ['w1', 'w2']);
  // Omni: a ControlPlane's file is read as its inline patches are (the machine set's node), a Machine's file without a hostname keeps the machine ID
  const omni = 'kind: Cluster\nname: lab\nkubernetes:\n  version: v1.35.2\ntalos:\n  version: v1.12.3\n---\nkind: ControlPlane\nmachines: [m1]\npatches:\n  - file: patches/cp.yaml\n---\nkind: Machine\nname: m2\npatches:\n  - file: patches/m2.yaml\n';
  assert.deepEqual(nodes({ 'omni/t.yaml': omni, 'omni/patches/cp.yaml': NET, 'omni/patches/m2.yaml': NET.replace('10.50.0.30', '10.50.0.32') }), [['lab/control-planes', '10.50.0.30', 'omni/patches/cp.yaml:5:21'], ['m2', '10.50.0.32', 'omni/patches/m2.yaml:5:21']]);
});

test('kube-proxy disabled only in a patch workers read does not count (Talos takes cluster.* from control planes); kube-proxy-enabled points at it', () => {
  // the fixtures: talhelper worker.patches file, Omni Workers file
  const tp = planOf(readTree(path.join(FIXTURES, 'talhelper-patch-files')));
  assert.deepEqual([tp.talos.kubeProxyDisabled, tp.talos.kubeProxyDisabledOnWorkers?.value, at(tp.talos.kubeProxyDisabledOnWorkers)], [undefined, true, 'talos/patches/worker.yaml:3:15']);
  const op = planOf(readTree(path.join(FIXTURES, 'omni-patch-files')));
  assert.deepEqual([op.talos.kubeProxyDisabled, at(op.talos.kubeProxyDisabledOnWorkers)], [undefined, 'omni/patches/workers.yaml:3:15']);
  const tc = (lists: string) => `clusterName: home\ntalosVersion: v1.12.3\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n  - hostname: w1\n    ipAddress: 10.50.0.21\n${lists}`;
  const KP = '      - |-\n        apiVersion: v1alpha1\n        kind: KubeProxyConfig\n        enabled: false\n';
  // a worker node's inline KubeProxyConfig; a control-plane node's counts
  const w1 = planOf({ 'talos/talconfig.yaml': tc(`    patches:\n${KP}`) });
  assert.deepEqual([w1.talos.kubeProxyDisabled, at(w1.talos.kubeProxyDisabledOnWorkers)], [undefined, 'talos/talconfig.yaml:13:18']);
  const cp1 = planOf({ 'talos/talconfig.yaml': tc('').replace('controlPlane: true\n', `controlPlane: true\n    patches:\n${KP}`) });
  assert.deepEqual([cp1.talos.kubeProxyDisabled?.value, at(cp1.talos.kubeProxyDisabled), cp1.talos.kubeProxyDisabledOnWorkers], [true, 'talos/talconfig.yaml:11:18', undefined]);
  // an Omni Workers set's JSON6902 op list
  const omni = OMNI('      machine:\n        time:\n          disabled: false\n') + '---\nkind: Workers\nname: w\npatches:\n  - name: j\n    inline: |\n      - op: add\n        path: /cluster/proxy\n        value:\n          disabled: true\n';
  const o = planOf({ 'omni/t.yaml': omni });
  assert.deepEqual([o.talos.kubeProxyDisabled, at(o.talos.kubeProxyDisabledOnWorkers)], [undefined, 'omni/t.yaml:22:21']);
  // a file only worker.patches names, and the same file also named by the control planes
  const worker = 'worker:\n  patches:\n    - "@./patches/kp.yaml"\n';
  const KPF = 'cluster:\n  proxy:\n    disabled: true\n';
  ruleTester(kubeProxyEnabled, {
    valid: [
      { 'talos/talconfig.yaml': tc(worker + 'controlPlane:\n  patches:\n    - "@./patches/kp.yaml"\n'), 'talos/patches/kp.yaml': KPF, 'cilium/values.yaml': VALUES },
      { 'talos/talconfig.yaml': tc(worker.replace('worker:', 'controlPlane:')), 'talos/patches/kp.yaml': KPF, 'cilium/values.yaml': VALUES },
    ],
    invalid: [
      {
        files: { 'talos/talconfig.yaml': tc(worker), 'talos/patches/kp.yaml': KPF, 'cilium/values.yaml': VALUES },
        errors: [{ messageId: 'notDisabled', file: 'talos/talconfig.yaml', line: 1, column: 1 }],
      },
      { files: { 'omni/t.yaml': omni, 'cilium/values.yaml': VALUES }, errors: [{ messageId: 'notDisabled', file: 'omni/t.yaml', line: 1, column: 1 }] },
    ],
  });
  // the finding names the ignored setting as a related location
  const got = lintRepo({ 'talos/talconfig.yaml': tc(worker), 'talos/patches/kp.yaml': KPF, 'cilium/values.yaml': VALUES }, [kubeProxyEnabled]);
  assert.deepEqual(got[0]!.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`), ['cilium/values.yaml:1:23', 'talos/patches/kp.yaml:3:15']);
  // k8s/no-kube-proxy: a committed kube-proxy DaemonSet is fine while only workers "disable" it
  const DS = 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\nspec:\n  template:\n    spec:\n      containers:\n        - name: kube-proxy\n          image: registry.k8s.io/kube-proxy:v1.33.0\n';
  assert.deepEqual(lintRepo({ 'talos/talconfig.yaml': tc(worker), 'talos/patches/kp.yaml': KPF, 'k8s/kube-proxy.yaml': DS }, [noKubeProxy]), []);
  assert.deepEqual(lintRepo({ 'talos/talconfig.yaml': tc(worker.replace('worker:', 'controlPlane:')), 'talos/patches/kp.yaml': KPF, 'k8s/kube-proxy.yaml': DS }, [noKubeProxy]).map((d) => [d.ruleId, d.file, d.related?.[0]?.file]), [['k8s/no-kube-proxy', 'k8s/kube-proxy.yaml', 'talos/patches/kp.yaml']]);
});

test('a CNI setting only workers read does not count (the CNI manifests are the control planes\' bootstrap manifests)', () => {
  const tc = (lists: string) => `clusterName: home\ntalosVersion: v1.12.3\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n  - hostname: w1\n    ipAddress: 10.50.0.21\n${lists}`;
  const CNI = 'cluster:\n  network:\n    cni:\n      name: none\n';
  const FLANNEL = 'apiVersion: v1alpha1\nkind: KubeFlannelCNIConfig\n$patch: delete\n';
  for (const file of [CNI, FLANNEL]) {
    const onWorkers = planOf({ 'talos/talconfig.yaml': tc('worker:\n  patches:\n    - "@./patches/cni.yaml"\n'), 'talos/patches/cni.yaml': file });
    assert.equal(onWorkers.talos.cni, undefined);
    const onCp = planOf({ 'talos/talconfig.yaml': tc('controlPlane:\n  patches:\n    - "@./patches/cni.yaml"\n'), 'talos/patches/cni.yaml': file });
    assert.deepEqual([onCp.talos.cni?.value, at(onCp.talos.cni)], ['none', file === CNI ? 'talos/patches/cni.yaml:4:13' : 'talos/patches/cni.yaml:3:9']);
  }
  // a JSON6902 op list in a worker node's inline patch
  const op = '    patches:\n      - |-\n        - op: add\n          path: /cluster/network/cni\n          value:\n            name: none\n';
  assert.equal(planOf({ 'talos/talconfig.yaml': tc(op) }).talos.cni, undefined);
  assert.equal(planOf({ 'talos/talconfig.yaml': tc('').replace('controlPlane: true\n', `controlPlane: true\n${op}`) }).talos.cni?.value, 'none');
});

test('a worker machine config (machine.type: worker) no list names for the control planes is read by workers only', () => {
  const WORKER = 'machine:\n  type: worker\ncluster:\n  proxy:\n    disabled: true\n  network:\n    cni:\n      name: none\n';
  const w = planOf({ 'talos/worker.yaml': WORKER });
  assert.deepEqual([w.talos.kubeProxyDisabled, at(w.talos.kubeProxyDisabledOnWorkers), w.talos.cni], [undefined, 'talos/worker.yaml:5:15', undefined]);
  // the same settings in a control plane's config count
  const cp = planOf({ 'talos/controlplane.yaml': WORKER.replace('type: worker', 'type: controlplane') });
  assert.deepEqual([cp.talos.kubeProxyDisabled?.value, at(cp.talos.kubeProxyDisabled), cp.talos.cni?.value], [true, 'talos/controlplane.yaml:5:15', 'none']);
});

test('Omni templates of several clusters: each machine set belongs to the Cluster of its file (listed with it); the cluster named like the group makes that group\'s nodes', () => {
  const cluster = (name: string, k8s = 'v1.35.2') => `kind: Cluster\nname: ${name}\nkubernetes:\n  version: ${k8s}\ntalos:\n  version: v1.12.3\n`;
  const workers = (name: string, address: string) => `kind: Workers\nname: ${name}\nmachineClass:\n  name: ${name}\n  size: 1\npatches:\n  - name: net\n    inline:\n      machine:\n        network:\n          interfaces:\n            - deviceSelector: {physical: true}\n              addresses: [${address}/24]\n`;
  const files = { 'omni/lab.yaml': `${cluster('lab')}---\n${workers('lab-workers', '10.50.0.21')}`, 'omni/edge.yaml': `${cluster('edge', 'v1.34.4')}---\n${workers('edge-workers', '10.60.0.21')}` };
  // one group (default): which cluster runs the tree is unknown; no node, but every machine listed with its cluster
  const p = planOf(files);
  assert.equal(p.nodes.length, 0);
  assert.deepEqual(p.talos.omniClusters?.map((c) => [c.name, c.nodes.map((n) => `${n.name} ${n.role} ${n.address?.value.text}`)]), [['edge', ['edge/edge-workers worker 10.60.0.21']], ['lab', ['lab/lab-workers worker 10.50.0.21']]]);
  assert.equal(p.talos.omniUnattributed, undefined);
  assert.deepEqual(lintRepo(files, [omniMachinesUnattributed]), []);
  // groups named after the Omni clusters (clusters/lab, clusters/edge): each group's nodes are its cluster's
  const named = { ...files, 'clusters/lab/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n', 'clusters/edge/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' };
  const byName = Object.fromEntries(groupsOf(named).map((g) => [g.name, g.plan]));
  assert.deepEqual(Object.keys(byName).sort(), ['edge', 'lab']);
  for (const [name, ip, k8s] of [['lab', '10.50.0.21', '1.35.2'], ['edge', '10.60.0.21', '1.34.4']] as const) {
    const gp = byName[name]!;
    assert.deepEqual(gp.nodes.map((n) => `${n.name} ${n.address?.value.text}`), [`${name}/${name}-workers ${ip}`], name);
    assert.equal(gp.talos.omniClusters, undefined, name);
    assert.equal(gp.versions.kubernetes?.value, k8s, name);
    assert.equal(gp.lan?.value.canonical, `${ip.split('.').slice(0, 3).join('.')}.0/24`, name);
  }
});

test('talos/omni-machines-unattributed: with several Omni clusters, a machine set in a file without a single Cluster is reported (info) and is no node', () => {
  const cluster = (name: string) => `kind: Cluster\nname: ${name}\nkubernetes:\n  version: v1.35.2\ntalos:\n  version: v1.12.3\n`;
  const WORKERS = 'kind: Workers\nname: edge\nmachineClass:\n  name: edge\n  size: 1\npatches:\n  - name: net\n    inline:\n      machine:\n        network:\n          interfaces:\n            - deviceSelector: {physical: true}\n              addresses: [10.60.0.21/24]\n';
  ruleTester(omniMachinesUnattributed, {
    valid: [
      // attributable: the Workers are in the edge template
      { 'omni/lab.yaml': cluster('lab'), 'omni/edge.yaml': `${cluster('edge')}---\n${WORKERS}` },
      // one cluster only: a split template is that cluster's
      { 'omni/edge.yaml': cluster('edge'), 'omni/edge-workers.yaml': WORKERS },
      // two template files of one cluster name (edge and its GPU machines) beside another cluster: both are edge's
      { 'omni/lab.yaml': cluster('lab'), 'omni/edge-gpu.yaml': `${cluster('edge')}---\n${WORKERS}`, 'omni/edge.yaml': cluster('edge') },
      // no network facts: nothing a node would be made of
      { 'omni/lab.yaml': cluster('lab'), 'omni/edge.yaml': cluster('edge'), 'omni/edge-workers.yaml': 'kind: Workers\nname: edge\nmachineClass:\n  name: edge\n  size: 1\n' },
    ],
    invalid: [
      { files: { 'omni/lab.yaml': cluster('lab'), 'omni/edge.yaml': cluster('edge'), 'omni/edge-workers.yaml': WORKERS }, errors: [{ messageId: 'unattributed', file: 'omni/edge-workers.yaml', line: 1, column: 7, data: { kind: 'Workers', name: 'edge', clusters: 'edge, lab' } }] },
      // a file with two Clusters attributes nothing
      { files: { 'omni/both.yaml': `${cluster('lab')}---\n${cluster('edge')}---\n${WORKERS}` }, errors: [{ messageId: 'unattributed', file: 'omni/both.yaml', line: 15, column: 7 }] },
    ],
  });
  const p = planOf({ 'omni/lab.yaml': cluster('lab'), 'omni/edge.yaml': cluster('edge'), 'omni/edge-workers.yaml': WORKERS });
  assert.deepEqual([p.nodes.length, p.talos.omniUnattributed?.map((d) => d.file.path), p.talos.omniClusters?.map((c) => c.nodes.length)], [0, ['omni/edge-workers.yaml'], [0, 0]]);
  // with a group named after one cluster, an unattributable machine set is still no node of it
  const g = groupsOf({ 'omni/lab.yaml': cluster('lab'), 'omni/edge.yaml': cluster('edge'), 'omni/edge-workers.yaml': WORKERS, 'clusters/lab/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n', 'clusters/edge/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
  for (const x of g) assert.deepEqual([x.name, x.plan.nodes.length, x.plan.talos.omniUnattributed?.length], [x.name, 0, 1]);
});
