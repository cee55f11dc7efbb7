/**
 * Each schema rule id on a small YAML fixture, with the exact line and column it points at: unknown field →
 * the key, wrong type/enum/format/pattern/limit → the value, missing property → the parent mapping's key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSchemaValidator, SCHEMA_RULES } from '../src/schema/validate.js';
import { diagnostics, docsFromText } from '../src/testing/schema-docs.js';
import type { Diagnostic } from '../src/core/diagnostic.js';

const FIX = join(process.cwd(), 'test/fixtures/schema/positions');

function lint(file: string, opts: Parameters<typeof createSchemaValidator>[0] = {}): Diagnostic[] {
  const text = readFileSync(join(FIX, file), 'utf8');
  const v = createSchemaValidator(opts);
  return diagnostics(docsFromText(`positions/${file}`, text).flatMap((d) => v.validate(d)));
}

function at(list: Diagnostic[], ruleId: string, line: number, column: number): Diagnostic {
  const d = list.find((x) => x.ruleId === ruleId && x.range.start.line === line && x.range.start.column === column);
  assert.ok(d, `expected ${ruleId} at ${line}:${column}, got ${list.map((x) => `${x.ruleId}@${x.range.start.line}:${x.range.start.column}`).join(', ')}`);
  assert.ok(d.help.endsWith('.'), `help ends with a period: ${d.help}`);
  assert.ok(d.message.length > 0);
  return d;
}

test('pool: unknown field at the key, type/enum at the value, YAML 1.1 boolean at the value', () => {
  const ds = lint('pool-errors.yaml', { ciliumVersion: '1.17' });
  const unknown = at(ds, 'schema/unknown-field', 7, 3);
  assert.equal(unknown.data?.['field'], 'blokcs');
  assert.equal(unknown.data?.['suggestion'], 'blocks');
  assert.equal(unknown.range.end.column, 9);
  const type = at(ds, 'schema/type', 9, 13);
  assert.deepEqual([type.data?.['expected'], type.data?.['actual']], ['boolean', 'string']);
  const en = at(ds, 'schema/enum', 13, 19);
  assert.equal(en.data?.['actual'], 'Within');
  assert.match(String(en.data?.['allowed']), /DoesNotExist/);
  const y = at(ds, 'schema/yaml11-boolean', 6, 22);
  assert.deepEqual([y.data?.['actual'], y.data?.['readAs']], ['No', false]);
  assert.equal(ds.length, 4, ds.map((d) => d.ruleId).join());
  for (const d of ds) assert.equal(d.object?.kind, 'CiliumLoadBalancerIPPool');
});

test('quoted "No" is fine; an unquoted No on a boolean field is not a string problem', () => {
  const v = createSchemaValidator({});
  const docs = docsFromText('q.yaml', 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: {name: p}\nspec:\n  allowFirstLastIPs: "No"\n  blocks: [{cidr: 10.0.0.0/24}]\n');
  assert.deepEqual(diagnostics(v.validate(docs[0]!)), []);
});

test('an unquoted on/yes/off in a boolean field of a Kubernetes object is schema/yaml11-boolean (booleanField), not schema/type', () => {
  // Go: sigs.k8s.io/yaml (go-yaml v2: kubectl apply -f, Argo CD directory apps) reads `disabled: on` as true,
  // kyaml (go-yaml v3: kustomize, so Flux and Argo CD kustomize apps) as the string "on"
  const v = createSchemaValidator({});
  const pool = (value: string) => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: {name: p}\nspec:\n  disabled: ${value}\n  blocks: [{cidr: 10.0.0.0/24}]\n`;
  const brief = (value: string) =>
    diagnostics(v.validate(docsFromText('p.yaml', pool(value))[0]!)).map((d) => [d.ruleId, d.messageId, d.severity, `${d.range.start.line}:${d.range.start.column}`, d.data, d.fix?.text]);
  assert.deepEqual(brief('on'), [['schema/yaml11-boolean', 'booleanField', 'error', '5:13', { path: 'spec.disabled', actual: 'on', readAs: true, expected: 'boolean' }, 'true']]);
  assert.deepEqual(brief('No'), [['schema/yaml11-boolean', 'booleanField', 'error', '5:13', { path: 'spec.disabled', actual: 'No', readAs: false, expected: 'boolean' }, 'false']]);
  // quoted, it is a string to every reader: a plain type error
  assert.deepEqual(brief('"on"').map((d) => [d[0], d[1]]), [['schema/type', undefined]]);
  assert.deepEqual(brief('true'), []);
});

test('L2 policy: list given as a string, label value pattern', () => {
  const ds = lint('l2-errors.yaml');
  const t = at(ds, 'schema/type', 7, 15);
  assert.equal(t.data?.['expected'], 'array');
  const p = at(ds, 'schema/pattern', 10, 13);
  assert.equal(p.data?.['path'], 'spec.nodeSelector.matchLabels.role');
});

test('BGP cluster config: limit at the value, format at the value, required at the parent item', () => {
  const ds = lint('bgp-errors.yaml', { ciliumVersion: '1.19' });
  const lim = at(ds, 'schema/limit', 8, 17);
  assert.equal(lim.data?.['keyword'], 'maximum');
  const f = at(ds, 'schema/format', 11, 24);
  assert.equal(f.data?.['format'], 'ip-zoned');
  const r = at(ds, 'schema/required', 12, 11);
  assert.equal(r.data?.['field'], 'name');
});

test('CNP: both endpointSelector and nodeSelector is a one-of error on the spec key', () => {
  const ds = lint('cnp-errors.yaml', { ciliumVersion: '1.19' });
  const d = at(ds, 'schema/one-of', 5, 1);
  assert.equal(d.data?.['path'], 'spec');
});

test('not-served points at the apiVersion value; unknown-kind at the kind value', () => {
  const text = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: {name: p}\nspec:\n  blocks: [{cidr: 10.0.0.0/24}]\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n';
  const docs = docsFromText('ns.yaml', text);
  const v = createSchemaValidator({ ciliumVersion: '1.17.3' });
  const ds = diagnostics(docs.flatMap((d) => v.validate(d)));
  const ns = at(ds, 'schema/not-served', 1, 13);
  assert.equal(ns.data?.['served'], 'cilium.io/v2alpha1');
  assert.equal(ns.severity, 'error');
  const uk = at(ds, 'schema/unknown-kind', 8, 7);
  assert.equal(uk.severity, 'warning');
  assert.equal(uk.data?.['kind'], 'Widget');
  const off = createSchemaValidator({ unknownKindSeverity: 'off' });
  assert.deepEqual(off.validate(docs[1]!), []);
  const err = createSchemaValidator({ unknownKindSeverity: 'error' });
  assert.equal(err.validate(docs[1]!)[0]?.severity, 'error');
});

test('Kubernetes core kinds: unknown fields are errors (strict field validation), at the key', () => {
  const text = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    '  lables: {app: web}',
    'spec:',
    '  replicas: "2"',
    '  selector: {matchLabels: {app: web}}',
    '  template:',
    '    metadata: {labels: {app: web}}',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: nginx',
    '          imagePullPolicy: Sometimes',
    '          resources: {limits: {cpu: lots}}',
    '          ports: [{containerPort: 80, protocl: TCP}]',
    '',
  ].join('\n');
  const v = createSchemaValidator({});
  const ds = diagnostics(docsFromText('dep.yaml', text).flatMap((d) => v.validate(d)));
  assert.equal(at(ds, 'schema/unknown-field', 5, 3).data?.['suggestion'], 'labels');
  assert.equal(at(ds, 'schema/unknown-field', 5, 3).data?.['consumer'], 'kubernetes');
  assert.equal(at(ds, 'schema/unknown-field', 17, 39).data?.['suggestion'], 'protocol');
  at(ds, 'schema/type', 7, 13);
  at(ds, 'schema/enum', 15, 28);
  assert.equal(at(ds, 'schema/format', 16, 37).data?.['format'], 'quantity');
  assert.equal(ds.length, 5, ds.map((d) => `${d.ruleId}@${d.range.start.line}`).join());
});

test('every rule id the validator can report is listed with metadata', () => {
  const ids = SCHEMA_RULES.map((r) => r.id);
  for (const id of ['schema/unknown-field', 'schema/type', 'schema/enum', 'schema/format', 'schema/required', 'schema/unknown-kind', 'schema/not-served', 'schema/yaml11-boolean', 'schema/limit', 'schema/pattern', 'schema/one-of', 'schema/invalid', 'schema/internal']) {
    assert.ok(ids.includes(id), id);
  }
  assert.deepEqual([...ids].sort(), ids, 'sorted');
  for (const r of SCHEMA_RULES) assert.ok(r.help.endsWith('.') && r.docs.what && r.docs.fix, r.id);
});
