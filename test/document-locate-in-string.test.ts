/**
 * YamlDocument.locateInString: positions of keys inside a YAML string (Argo CD `helm.values: |`, a Talos or kustomize
 * patch string) in the file, for literal, folded, double- and single-quoted strings.
 */
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

/** Line:column of `needle`'s `nth` occurrence (0-based) in `text`, 1-based as diagnostics give them. */
function where(text: string, needle: string, nth = 0): string {
  let at = -1;
  for (let k = 0; k <= nth; k++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} in the text`);
  const before = text.slice(0, at);
  return `${before.split('\n').length}:${at - before.lastIndexOf('\n')}`;
}

test('a folded block (`>`): keys on more-indented lines, after a blank line and in a folded line map to where they are written', () => {
  const text = [
    'spec:',
    '  source:',
    '    helm:',
    '      values: >',
    '        securityContext:',
    '          capabilities:',
    '            ciliumAgent: [CHOWN, SYS_MODULE]',
    '',
    '        kubeProxyReplacement: strict',
    '',
    '        k8sServiceHost:',
    '        10.0.0.10',
    '',
  ].join('\n');
  const [doc] = docsFromText('argocd/app.yaml', text);
  const base = ['spec', 'source', 'helm', 'values'];
  assert.equal(at(doc!.locateInString(base, ['securityContext', 'capabilities', 'ciliumAgent', 1])), where(text, 'SYS_MODULE'));
  assert.equal(at(doc!.locateInString(base, ['kubeProxyReplacement'])), where(text, 'strict'));
  assert.equal(at(doc!.locateInString(base, ['kubeProxyReplacement'], { key: true })), where(text, 'kubeProxyReplacement'));
  // `k8sServiceHost:` and the next line fold into one line of the value: the value is on the next line of the file
  assert.equal(at(doc!.locateInString(base, ['k8sServiceHost'])), where(text, '10.0.0.10'));
});

test('block indentation indicators and chomping (`|2-`, `>1+`, `|-2`) map like plain literal blocks', () => {
  const literal = 'spec:\n  values: |2-\n      a: 1\n      b: [x, y]\n  other: 1\n';
  const [l] = docsFromText('a.yaml', literal);
  assert.equal(at(l!.locateInString(['spec', 'values'], ['b', 1])), where(literal, 'y]'));
  const swapped = 'spec:\n  values: |-2\n      a: 1\n      b: [x, y]\n';
  assert.equal(at(docsFromText('a.yaml', swapped)[0]!.locateInString(['spec', 'values'], ['b', 1])), where(swapped, 'y]'));
  // in a list item the parent indentation is the list's
  const item = 'values:\n  - |2\n     a: 1\n     b: 2\n';
  assert.equal(at(docsFromText('a.yaml', item)[0]!.locateInString(['values', 0], ['b'])), where(item, '2\n', 1));
  const folded = 'spec:\n  values: >1+\n     a: 1\n     b: 2\n\n';
  assert.equal(at(docsFromText('a.yaml', folded)[0]!.locateInString(['spec', 'values'], ['b'])), where(folded, '2\n'));
  // a header comment
  const commented = 'spec:\n  values: |  # Cilium values\n    a: 1\n    b: 2\n';
  assert.equal(at(docsFromText('a.yaml', commented)[0]!.locateInString(['spec', 'values'], ['b'], { key: true })), where(commented, 'b:'));
});

test('a double-quoted string: escapes (\\n, \\", \\t, \\u, \\x), escaped and folded line breaks', () => {
  const text = [
    'spec:',
    '  values: "kubeProxyReplacement: \\"strict\\"\\nname: \\u00e9t\\xe9\\nk8sServicePort: 6443\\n\\',
    '    devices: [eth0, \\tbond0]\\n',
    '',
    '    ipam: {mode: kubernetes}"',
    '',
  ].join('\n');
  const [doc] = docsFromText('a.yaml', text);
  const base = ['spec', 'values'];
  assert.equal(doc!.get(base), 'kubeProxyReplacement: "strict"\nname: été\nk8sServicePort: 6443\ndevices: [eth0, \tbond0]\n\nipam: {mode: kubernetes}');
  // a value written with escaped quotes starts at its first escape
  assert.equal(at(doc!.locateInString(base, ['kubeProxyReplacement'])), where(text, '\\"strict'));
  assert.equal(at(doc!.locateInString(base, ['name'])), where(text, '\\u00e9'));
  assert.equal(at(doc!.locateInString(base, ['k8sServicePort'])), where(text, '6443'));
  assert.equal(at(doc!.locateInString(base, ['k8sServicePort'], { key: true })), where(text, 'k8sServicePort'));
  // after an escaped line break (`\` at the end of the line), a key on the next line of the file
  assert.equal(at(doc!.locateInString(base, ['devices', 1])), where(text, 'bond0'));
  // after a folded blank line
  assert.equal(at(doc!.locateInString(base, ['ipam', 'mode'])), where(text, 'kubernetes'));
  const r = doc!.locateInString(base, ['kubeProxyReplacement'])!;
  // the range covers the whole written value, escapes included
  assert.equal(r.end.column - r.start.column, '\\"strict\\"'.length);
});

test("a single-quoted string: '' is one quote, line breaks fold", () => {
  const text = "spec:\n  values: 'name: ''it''''s''\n\n    port: 6443\n\n    host:\n    api'\n";
  const [doc] = docsFromText('a.yaml', text);
  const base = ['spec', 'values'];
  assert.equal(doc!.get(base), "name: 'it''s'\nport: 6443\nhost: api");
  assert.equal(at(doc!.locateInString(base, ['name'])), where(text, "''it"));
  assert.equal(at(doc!.locateInString(base, ['port'], { key: true })), where(text, 'port'));
  // `host:` and `api` fold into one line of the value
  assert.equal(at(doc!.locateInString(base, ['host'])), where(text, 'api'));
});

test('a CRLF file: literal and quoted strings', () => {
  const crlf = 'spec:\r\n  values: |\r\n    a: 1\r\n    b: 2\r\n';
  assert.equal(at(docsFromText('a.yaml', crlf)[0]!.locateInString(['spec', 'values'], ['b'])), where(crlf, '2\r'));
  const quoted = 'spec:\r\n  values: "a: 1\r\n\r\n    b: 2"\r\n';
  assert.equal(at(docsFromText('a.yaml', quoted)[0]!.locateInString(['spec', 'values'], ['b'])), where(quoted, '2"'));
});

test('locateInStringAt (a parse error inside the string) maps through folding and escapes too', () => {
  const text = 'spec:\n  values: "a: 1\\nb: [1\\nc: 3"\n';
  const [doc] = docsFromText('a.yaml', text);
  // line 2, column 4 of the value is the `[`
  assert.equal(at(doc!.locateInStringAt(['spec', 'values'], 2, 4)), where(text, '[1'));
});

test('broken YAML in a string and a string the map cannot follow give no range', () => {
  const broken = docsFromText('a.yaml', 'spec:\n  values: |\n    a: [1\n')[0]!;
  assert.equal(broken.locateInString(['spec', 'values'], ['a']), undefined);
  const notString = docsFromText('a.yaml', 'spec:\n  values: {a: 1}\n')[0]!;
  assert.equal(notString.locateInString(['spec', 'values'], ['a']), undefined);
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
  // a quoted string inside the patch is mapped into too: the `1` of "x: 1"
  assert.equal(at(doc!.locateInString(patch, ['spec', 'source', 'helm', 'parameters', 0, 'value', 'x'])), '12:38');
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
