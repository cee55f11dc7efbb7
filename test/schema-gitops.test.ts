/**
 * Flux and Argo CD kinds (kubernetes-models packages, made strict about unknown fields), Kustomize's
 * kustomization.yaml (agreement with `kubectl kustomize`), placeholders, and no false findings on the corpus.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createSchemaValidator } from '../src/schema/validate.js';
import { diagnostics, docsFromText } from '../src/testing/schema-docs.js';
import { mutations } from '../src/testing/schema-mutate.js';
import { corpusDocs, sharedPresent } from '../src/testing/schema-upstream.js';

const FLUX_ARGO = readFileSync(join(process.cwd(), 'test/fixtures/schema/gitops/flux-argo.yaml'), 'utf8');

test('Flux v2 (HelmRelease v2, OCIRepository/HelmRepository/GitRepository v1, Kustomization v1) and Argo CD kinds validate', () => {
  const v = createSchemaValidator({});
  const docs = docsFromText('flux-argo.yaml', FLUX_ARGO);
  assert.equal(docs.length, 7);
  for (const d of docs) {
    assert.equal(v.covers(d), true, `${d.apiVersion} ${d.kind} is covered`);
    assert.deepEqual(diagnostics(v.validate(d)), [], `${d.kind}`);
  }
});

test('Flux/Argo typos are unknown fields at the key; HelmRelease values stay open', () => {
  const text = FLUX_ARGO.replace('  prune: true\n  wait: true', '  prune: true\n  wiat: true').replace('    syncOptions:', '    syncOption:');
  const v = createSchemaValidator({});
  const ds = diagnostics(docsFromText('flux-argo.yaml', text).flatMap((d) => v.validate(d)));
  assert.deepEqual(
    ds.map((d) => [d.ruleId, d.data?.['field'], d.data?.['suggestion'], d.range.start.line, d.range.start.column]),
    [
      ['schema/unknown-field', 'wiat', 'wait', 36, 3],
      ['schema/unknown-field', 'syncOption', 'syncOptions', 66, 5],
    ],
  );
});

test('older Flux API versions still shipped by the package validate; unknown versions are not-served', () => {
  const v = createSchemaValidator({});
  const [hr] = docsFromText('hr.yaml', 'apiVersion: helm.toolkit.fluxcd.io/v2beta9\nkind: HelmRelease\nmetadata: {name: x}\n');
  const ds = diagnostics(v.validate(hr!));
  assert.equal(ds[0]?.ruleId, 'schema/not-served');
  assert.match(String(ds[0]?.data?.['served']), /helm\.toolkit\.fluxcd\.io\/v2\b/);
  // removed Kubernetes APIs (still shipped by kubernetes-models) are not-served from their removal on
  const [ing] = docsFromText('i.yaml', 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: x}\n');
  const removed = diagnostics(v.validate(ing!));
  assert.deepEqual([removed[0]?.ruleId, removed[0]?.data?.['served']], ['schema/not-served', 'networking.k8s.io/v1']);
  assert.deepEqual(diagnostics(createSchemaValidator({ kubernetesVersion: '1.21' }).validate(ing!)), []);
  const [cj] = docsFromText('c.yaml', 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: x}\n');
  assert.equal(diagnostics(createSchemaValidator({ kubernetesVersion: 'v1.33.1' }).validate(cj!))[0]?.data?.['served'], 'batch/v1');
});

test('Flux ${VAR} substitutions and templates never cause type/format errors', () => {
  const text = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: {name: p}\nspec:\n  blocks:\n    - cidr: "${LB_CIDR}"\n  disabled: ${POOL_DISABLED}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: "${PORT}"}]\n';
  const v = createSchemaValidator({});
  assert.deepEqual(diagnostics(docsFromText('t.yaml', text).flatMap((d) => v.validate(d))), []);
});

const KUSTOMIZATION = {
  apiVersion: 'kustomize.config.k8s.io/v1beta1',
  kind: 'Kustomization',
  namespace: 'kube-system',
  resources: ['cm.yaml'],
  namePrefix: 'x-',
  commonLabels: { app: 'cilium' },
  labels: [{ pairs: { team: 'net' }, includeSelectors: false }],
  images: [{ name: 'nginx', newTag: '1.27' }],
  patches: [{ target: { kind: 'ConfigMap', name: 'a' }, patch: '- op: add\n  path: /data/b\n  value: c\n' }],
  configMapGenerator: [{ name: 'gen', literals: ['a=b'], options: { disableNameSuffixHash: true } }],
  generatorOptions: { labels: { gen: 'generated' } },
  replicas: [{ name: 'web', count: 2 }],
};

function kustomizeAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 20_000 }).status === 0;
}

test('kustomization.yaml: verdicts agree with `kubectl kustomize` on mutations', (t) => {
  if (!kustomizeAvailable()) {
    t.skip('kubectl not installed: kustomize agreement cannot run');
    return;
  }
  const v = createSchemaValidator({});
  const dir = mkdtempSync(join(tmpdir(), 'talium-kustomize-'));
  try {
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n');
    const all = mutations(KUSTOMIZATION).filter((m) => !/^(apiVersion|kind)/.test(m.name));
    // a deterministic sample: every fourth mutation (kubectl costs ~0.3 s per run)
    const sample = [{ name: 'base', value: KUSTOMIZATION as unknown }, ...all.filter((_, i) => i % 4 === 0)];
    let compared = 0;
    let skipped = 0;
    const diffs: string[] = [];
    for (const m of sample) {
      const text = stringify(m.value);
      writeFileSync(join(dir, 'kustomization.yaml'), text);
      const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 30_000 });
      const theirsValid = r.status === 0;
      if (!theirsValid && !/invalid Kustomization|unknown field|cannot unmarshal/.test(r.stderr)) {
        skipped++; // failed for a reason a schema cannot see (missing file, bad patch target...)
        continue;
      }
      const [doc] = docsFromText('kustomization.yaml', text, 'kustomization');
      const ours = diagnostics(v.validate(doc!)).filter((d) => d.severity === 'error').length === 0;
      compared++;
      // we may be stricter (enums kustomize checks later, e.g. buildMetadata), never looser
      if (ours && !theirsValid) diffs.push(`${m.name}: kustomize rejects (${r.stderr.trim().split('\n').pop()}), we accept`);
      if (!ours && theirsValid && !/behavior|valuesMerge|buildMetadata|count=-1/.test(m.name)) diffs.push(`${m.name}: kustomize accepts, we reject`);
    }
    t.diagnostic(`kustomize agreement: ${compared} compared, ${skipped} skipped (non-schema failures)`);
    assert.deepEqual(diffs, []);
    assert.ok(compared >= 15, `compared ${compared}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kustomization.yaml: an unquoted yes is a YAML 1.1 boolean to kustomize (kubectl agrees)', (t) => {
  const text = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ngeneratorOptions:\n  labels:\n    gen: yes\n';
  const [doc] = docsFromText('kustomization.yaml', text, 'kustomization');
  const ds = diagnostics(createSchemaValidator({}).validate(doc!));
  assert.deepEqual(ds.map((d) => [d.ruleId, d.range.start.line, d.range.start.column]), [['schema/yaml11-boolean', 5, 10]]);
  if (!kustomizeAvailable()) {
    t.skip('kubectl not installed: cannot confirm with kustomize');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'talium-kustomize-'));
  try {
    writeFileSync(join(dir, 'kustomization.yaml'), text);
    const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 30_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /cannot unmarshal bool/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('corpus: no false schema findings on kustomizations, Flux/Argo objects and Talos configs', (t) => {
  if (!sharedPresent()) {
    t.skip('../shared not present: corpus check cannot run');
    return;
  }
  const v = createSchemaValidator({ talosVersion: '1.12', ciliumVersion: '1.18' });
  const files = [...new Set(corpusDocs().docs.map((d) => d.file))];
  const counts: Record<string, number> = {};
  const bad: string[] = [];
  for (const f of files) {
    let docs;
    try {
      docs = docsFromText(f.replace(/^.*\/corpus\//, ''), readFileSync(f, 'utf8'));
    } catch {
      continue;
    }
    for (const d of docs) {
      if (d.templated) continue;
      const flux = /fluxcd\.io|argoproj\.io/.test(d.apiVersion ?? '');
      if (!(d.docClass === 'kustomization' || d.docClass === 'talos-config' || d.docClass === 'talos-document' || flux)) continue;
      counts[d.docClass + (flux ? ':gitops' : '')] = (counts[d.docClass + (flux ? ':gitops' : '')] ?? 0) + 1;
      for (const x of diagnostics(v.validate(d))) {
        // Cilium values inline in a HelmRelease/Application are the chart's values: real typos there are listed,
        // with verdicts, in the corpus triage (test/fixtures/corpus-triage.json)
        if (x.data?.['consumer'] === 'helm') continue;
        if (x.ruleId === 'schema/internal' || x.ruleId === 'schema/unknown-field' || x.ruleId === 'schema/type' || x.ruleId === 'schema/format' || x.ruleId === 'schema/enum') bad.push(`${x.file}:${x.range.start.line}:${x.range.start.column} ${x.ruleId} ${x.message}`);
      }
    }
  }
  t.diagnostic(`corpus documents checked: ${JSON.stringify(counts)}`);
  assert.deepEqual(bad, []);
  assert.ok((counts['kustomization'] ?? 0) > 10 && (counts['talos-config'] ?? 0) > 10);
});

test('kubectl is the real tool used above (sanity: its kustomize rejects an unknown field)', (t) => {
  if (!kustomizeAvailable()) {
    t.skip('kubectl not installed');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'talium-kustomize-'));
  try {
    writeFileSync(join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefx: x-\n');
    assert.throws(() => execFileSync('kubectl', ['kustomize', dir], { stdio: 'pipe' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
