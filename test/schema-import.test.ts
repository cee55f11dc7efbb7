/**
 * `talium schemas import`: upstream CRDs (../shared/upstream) → JSON Schemas in a temporary folder, then objects
 * validated through extraSchemaDirs with the imported schemas; CLI usage errors; CRDs found in a repo.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../src/testing/cli.js';
import { widgetCrd } from '../src/testing/crd-fixtures.js';
import { createSchemaValidator } from '../src/schema/validate.js';
import { diagnostics, docsFromText } from '../src/testing/schema-docs.js';
import { importCrdText } from '../src/schema/import.js';
import { sharedPresent, UPSTREAM_CILIUM } from '../src/testing/schema-upstream.js';

const WIDGET_CRD = widgetCrd(
  '              required: [size]\n              properties:\n                size: {type: integer, minimum: 1}\n                port: {x-kubernetes-int-or-string: true}\n                note: {type: string, nullable: true}\n                extra: {type: object, x-kubernetes-preserve-unknown-fields: true}\n',
  '    - name: v1beta1\n      served: false\n      storage: false\n      schema:\n        openAPIV3Schema: {type: object}\n',
);

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'talium-schema-'));
}

test('import the upstream Cilium 1.19 CRDs, then validate with them through extraSchemaDirs', async (t) => {
  if (!sharedPresent()) {
    t.skip('../shared not present: cannot import upstream CRDs');
    return;
  }
  const out = tmp();
  try {
    const r = await runCli(['schemas', 'import', join(UPSTREAM_CILIUM, 'v1.19.2'), '--out', out], { cwd: process.cwd() });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(out, 'cilium.io/v2/CiliumLoadBalancerIPPool.json')));
    assert.ok(existsSync(join(out, 'cilium.io/v2alpha1/CiliumLoadBalancerIPPool.json')));
    assert.ok(existsSync(join(out, 'cilium.io/v2/CiliumEnvoyConfig.json')));
    assert.equal(readdirSync(join(out, 'cilium.io/v2')).length >= 15, true);
    const envoy = JSON.parse(readFileSync(join(out, 'cilium.io/v2/CiliumEnvoyConfig.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(envoy['x-talium-gvk'], { group: 'cilium.io', version: 'v2', kind: 'CiliumEnvoyConfig' });
    // deterministic: a second run writes the same bytes
    const first = readFileSync(join(out, 'cilium.io/v2/CiliumNetworkPolicy.json'), 'utf8');
    await runCli(['schemas', 'import', join(UPSTREAM_CILIUM, 'v1.19.2'), '--out', out], { cwd: process.cwd() });
    assert.equal(readFileSync(join(out, 'cilium.io/v2/CiliumNetworkPolicy.json'), 'utf8'), first);

    // a kind talium has no schema for (CiliumIdentity: written by the operator, never modelled) is validated by
    // the imported one
    const text = [
      'apiVersion: cilium.io/v2',
      'kind: CiliumIdentity',
      'metadata: {name: "12345"}',
      'security-labels:',
      '  k8s:io.kubernetes.pod.namespace: kube-system',
      '  k8s:k8s-app: node-local-dns',
      '  k8s:io.cilium.k8s.policy.cluster: default',
      '  k8s:io.cilium.k8s.policy.serviceaccount: node-local-dns',
      '  k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name: kube-system',
      '  k8s:app.kubernetes.io/name: node-local-dns',
      '  bogus: "1"',
      'bogus: 1',
      '',
    ].join('\n');
    const docs = docsFromText('identity.yaml', text);
    const without = diagnostics(createSchemaValidator({}).validate(docs[0]!));
    assert.deepEqual(without.map((d) => d.ruleId), ['schema/unknown-kind']);
    const v = createSchemaValidator({ extraSchemaDirs: [out] });
    assert.deepEqual(v.configErrors, []);
    const ds = diagnostics(v.validate(docs[0]!));
    assert.deepEqual(ds.map((d) => [d.ruleId, d.data?.['field'], d.range.start.line, d.range.start.column]), [['schema/unknown-field', 'bogus', 12, 1]]);
    // extra folders win over talium's own schemas, and can be given relative to cwd
    const pool = docsFromText('p.yaml', 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: {name: p}\nspec:\n  blocks: [{cidr: 10.0.0.0/24}]\n  extra: 1\n')[0]!;
    const rel = createSchemaValidator({ extraSchemaDirs: [out.slice(tmpdir().length + 1)], cwd: tmpdir() });
    assert.deepEqual(diagnostics(rel.validate(pool)).map((d) => d.ruleId), ['schema/unknown-field']);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('import converts structural schemas strictly: int-or-string, nullable, preserve-unknown-fields, served only', () => {
  const r = importCrdText(WIDGET_CRD, 'widget.yaml');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.schemas.map((s) => s.path), ['example.com/v1/Widget.json']);
  const dir = tmp();
  try {
    for (const s of r.schemas) {
      const p = join(dir, s.path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, s.json);
    }
    const v = createSchemaValidator({ extraSchemaDirs: [dir] });
    const ok = docsFromText('w.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  size: 2\n  port: http\n  note: null\n  extra: {anything: [1, 2]}\n')[0]!;
    assert.deepEqual(diagnostics(v.validate(ok)), []);
    const bad = docsFromText('w.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, labelz: {}}\nspec:\n  port: 1.5\n  sise: 2\n')[0]!;
    const ds = diagnostics(v.validate(bad)).map((d) => `${d.ruleId}:${String(d.data?.['field'] ?? d.data?.['path'])}@${d.range.start.line}:${d.range.start.column}`).sort();
    assert.deepEqual(ds, ['schema/required:size@4:1', 'schema/type:spec.port@5:9', 'schema/unknown-field:labelz@3:21', 'schema/unknown-field:sise@6:3']);
    const v1beta1 = docsFromText('w.yaml', 'apiVersion: example.com/v1beta1\nkind: Widget\nmetadata: {name: w}\n')[0]!;
    assert.equal(diagnostics(v.validate(v1beta1))[0]?.ruleId, 'schema/unknown-kind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});


test('CRDs found in the linted repository become schemas (served and not-served versions)', () => {
  const crdDocs = docsFromText('crds/widget.yaml', WIDGET_CRD);
  const v = createSchemaValidator({ crdDocs });
  const [w, old] = docsFromText('w.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 0}\n---\napiVersion: example.com/v1beta1\nkind: Widget\nmetadata: {name: w}\n');
  assert.deepEqual(diagnostics(v.validate(w!)).map((d) => [d.ruleId, d.data?.['keyword']]), [['schema/limit', 'minimum']]);
  const ns = diagnostics(v.validate(old!));
  assert.deepEqual(ns.map((d) => [d.ruleId, d.data?.['served']]), [['schema/not-served', 'example.com/v1']]);
});

test('schemas import: usage errors exit 2 with a message, no stack trace', async () => {
  const noOut = await runCli(['schemas', 'import', 'x.yaml'], { cwd: process.cwd() });
  assert.equal(noOut.code, 2);
  assert.match(noOut.stderr, /--out/);
  const missing = await runCli(['schemas', 'import', 'does-not-exist.yaml', '--out', tmpdir()], { cwd: process.cwd() });
  assert.equal(missing.code, 2);
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
  const sub = await runCli(['schemas', 'export'], { cwd: process.cwd() });
  assert.equal(sub.code, 2);
  const help = await runCli(['schemas', '--help'], { cwd: process.cwd() });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /talium schemas import/);
});

test('schemas import: an unreachable URL exits 2 and says it needs network', async () => {
  // port 9 (discard) on the loopback address: refused at once, no traffic leaves the machine
  const r = await runCli(['schemas', 'import', 'http://127.0.0.1:9/crd.yaml', '--out', tmpdir()], { cwd: process.cwd() });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /network/);
});

test('schemas import: a file without CRDs exits 1', async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'x.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    const r = await runCli(['schemas', 'import', join(dir, 'x.yaml'), '--out', join(dir, 'out')], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no CustomResourceDefinition/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
