/** YamlDocument.locateInString: positions of keys inside a YAML string (Argo CD `helm.values: |`) in the file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { docsFromText } from '../src/testing/schema-docs.js';

const APP = [
  'apiVersion: argoproj.io/v1alpha1', // 1
  'kind: Application', // 2
  'spec:', // 3
  '  source:', // 4
  '    helm:', // 5
  '      values: |-', // 6
  '        kubeProxyReplacement: strict', // 7
  '', // 8 (blank line inside the block)
  '        securityContext:', // 9
  '          capabilities:', // 10
  '            ciliumAgent: [CHOWN, SYS_MODULE]', // 11
  '      valuesObject: {}', // 12
  '',
].join('\n');

const at = (r: { start: { line: number; column: number } } | undefined) => (r ? `${r.start.line}:${r.start.column}` : 'none');

test('keys, values and list items inside a literal block map to their own line and column', () => {
  const [doc] = docsFromText('argocd/app.yaml', APP);
  const base = ['spec', 'source', 'helm', 'values'];
  assert.equal(at(doc!.locateInString(base, ['kubeProxyReplacement'])), '7:31');
  assert.equal(at(doc!.locateInString(base, ['kubeProxyReplacement'], { key: true })), '7:9');
  assert.equal(at(doc!.locateInString(base, ['securityContext', 'capabilities', 'ciliumAgent', 1])), '11:34');
});

test('strings that are not literal blocks (quoted, folded) and broken YAML give no range', () => {
  const quoted = docsFromText('a.yaml', 'spec:\n  values: "a: 1"\n')[0]!;
  assert.equal(quoted.locateInString(['spec', 'values'], ['a']), undefined);
  const folded = docsFromText('a.yaml', 'spec:\n  values: >\n    a: 1\n')[0]!;
  assert.equal(folded.locateInString(['spec', 'values'], ['a']), undefined);
  const broken = docsFromText('a.yaml', 'spec:\n  values: |\n    a: [1\n')[0]!;
  assert.equal(broken.locateInString(['spec', 'values'], ['a']), undefined);
});

test('locate: a mapping or list value points at its first key or item, never at an empty range', () => {
  const [doc] = docsFromText('talos/p.yaml', 'machine:\n  features:\n    kubePrism:\n      enabled: true\n      port: 7445\n  list:\n    - a\n  flow: {x: 1}\n');
  const r = (p: (string | number)[]) => { const x = doc!.locate(p); return `${x.start.line}:${x.start.column}-${x.end.line}:${x.end.column}`; };
  assert.equal(r(['machine', 'features', 'kubePrism']), '4:7-4:14');
  assert.equal(r(['machine', 'list']), '7:5-7:6');
  assert.equal(r(['machine', 'flow']), '8:9-8:10');
});

test('a literal block inside the YAML of a literal block (a `values: |` in a kustomize `patch: |`) maps through both', () => {
  const text = [
    'patches:', // 1
    '  - patch: |', // 2
    '      spec:', // 3
    '        source:', // 4
    '          targetRevision: 1.18.2', // 5
    '          helm:', // 6
    '            values: |', // 7
    '              hostPort:', // 8
    '', // 9 (blank line inside both blocks)
    '                enabled: true', // 10
    '            parameters:', // 11
    '              - {name: a, value: "x: 1"}', // 12
    '',
  ].join('\n');
  const [doc] = docsFromText('k/kustomization.yaml', text);
  const patch = ['patches', 0, 'patch'];
  assert.equal(at(doc!.locateInString(patch, ['spec', 'source', 'targetRevision'])), '5:27');
  assert.equal(at(doc!.locateInString(patch, ['spec', 'source', 'helm', 'values', 'hostPort', 'enabled'])), '10:26');
  assert.equal(at(doc!.locateInString(patch, ['spec', 'source', 'helm', 'values', 'hostPort', 'enabled'], { key: true })), '10:17');
  // a quoted string inside the patch is not mapped into: the deepest node found (the string) stands for it
  assert.equal(at(doc!.locateInString(patch, ['spec', 'source', 'helm', 'parameters', 0, 'value', 'x'])), '12:34');
});

test('a string of several YAML documents (a multi-document Talos patch): `doc` picks the document, without it nothing is guessed', () => {
  const text = [
    'patches:', // 1
    '  - |-', // 2
    '    kind: KubeFlannelCNIConfig', // 3
    '    $patch: delete', // 4
    '    ---', // 5
    '    kind: KubeProxyConfig', // 6
    '    enabled: false', // 7
    '',
  ].join('\n');
  const [doc] = docsFromText('talos/talconfig.yaml', text);
  const base = ['patches', 0];
  assert.equal(at(doc!.locateInString(base, ['$patch'], { doc: 0 })), '4:13');
  assert.equal(at(doc!.locateInString(base, ['enabled'], { doc: 1 })), '7:14');
  assert.equal(at(doc!.locateInString(base, ['kind'], { doc: 1, key: true })), '6:5');
  assert.equal(doc!.locateInString(base, ['enabled']), undefined);
  assert.equal(doc!.locateInString(base, ['enabled'], { doc: 2 }), undefined);
});
