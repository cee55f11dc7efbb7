/**
 * Check results in the parse cache (src/lint/check-cache.ts): a warm run takes every unchanged file's schema,
 * yaml/truthy and spec results from the cache and says what a run without it says; results are made again when
 * what they depend on changes outside the file (Kubernetes version, a CRD in another file, a kustomization that
 * starts using the file as a patch, a schema folder's files).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateCorpus } from '../scripts/bench-corpus.js';
import { folderStamp } from '../src/lint/check-cache.js';
import { spawnCli, type CliRun } from '../src/testing/cli.js';
import { widgetCrd } from '../src/testing/crd-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'talium-check-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));

type Run = CliRun & { files: number; cached: number };

function setup(name: string, files: Record<string, string>): { write: (rel: string, text: string) => void; run: (args?: string[]) => Run } {
  const repo = join(root, name, 'repo');
  const cache = join(root, name, 'cache');
  mkdirSync(repo, { recursive: true });
  generateCorpus(repo, 10);
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(repo, rel)), { recursive: true });
    writeFileSync(join(repo, rel), text);
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  const run = (args: string[] = []) => {
    const r = spawnCli(['lint', '--format', 'json', ...args], { cwd: repo, env: { TALIUM_CACHE_DIR: cache, TALIUM_TIMING: '1', TALIUM_CACHE: undefined, TALIUM_RUN_CACHE: 'off' } });
    const d = /discover \((\d+) files\)/.exec(r.stderr);
    const c = /\((\d+) files' results cached\)/.exec(r.stderr);
    return { ...r, files: d ? Number(d[1]) : -1, cached: c ? Number(c[1]) : -1 };
  };
  return { write, run };
}

const ids = (r: CliRun) => (JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; file: string }> }).diagnostics.map((d) => `${d.file} ${d.ruleId}`);

/** A warm run (check results cached) and a run without the cache say the same; returns the warm run. */
function same(run: (args?: string[]) => Run): Run {
  const warm = run();
  const plain = run(['--no-cache']);
  assert.equal(warm.code, plain.code);
  assert.equal(warm.stdout, plain.stdout);
  return warm;
}

const PDB = 'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: web}\nspec:\n  minAvailable: 1\n  selector: {matchLabels: {app: web}}\n';

const crd = (sizeType: string) => widgetCrd(`              properties:\n                size: {type: ${sizeType}}\n`);
const WIDGET = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: web}\nspec:\n  size: 3\n';

describe('check results in the parse cache', () => {
  it('a warm run takes every file\'s check results from the cache and says what a run without it says', () => {
    const { run } = setup('warm', {
      'apps/bad-deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad, namespace: web}\nspec:\n  replicas: "two"\n  selector: {matchLabels: {app: bad}}\n  template:\n    metadata: {labels: {app: bad}}\n    spec:\n      containers: [{name: c, image: nginx}]\n',
      'apps/settings.yaml': 'feature: on\n',
      'clusters/lab/cluster.yaml': 'lan:\n  vlan: fifty\n',
    });
    const first = run();
    assert.equal(first.cached, 0);
    const warm = same(run);
    assert.ok(warm.files > 10);
    assert.equal(warm.cached, warm.files, `${warm.cached} of ${warm.files} files' results cached`);
    const got = ids(warm);
    for (const want of ['apps/bad-deploy.yaml schema/type', 'apps/settings.yaml yaml/truthy']) assert.ok(got.includes(want), got.join('\n'));
    assert.ok(got.some((x) => x.startsWith('clusters/lab/cluster.yaml spec/')), got.join('\n'));
  });

  it('the Kubernetes version changes: an unchanged file is checked again', () => {
    const cfg = (v: string) => `plan:\n  versions:\n    kubernetes: "${v}"\n`;
    const { write, run } = setup('k8s', { 'apps/pdb.yaml': PDB, 'talium.config.yaml': cfg('1.24') });
    run();
    const before = same(run);
    assert.ok(!ids(before).some((x) => x.startsWith('apps/pdb.yaml schema/')), ids(before).join('\n'));
    write('talium.config.yaml', cfg('1.25'));
    const after = same(run);
    assert.ok(after.cached < after.files, `${after.cached} of ${after.files}`);
    assert.ok(ids(after).some((x) => x.startsWith('apps/pdb.yaml schema/')), ids(after).join('\n'));
  });

  it('a CRD in another file changes: the unchanged custom resource is checked again', () => {
    const { write, run } = setup('crd', { 'crds/widget.yaml': crd('integer'), 'apps/widget.yaml': WIDGET });
    run();
    assert.ok(!ids(same(run)).some((x) => x.startsWith('apps/widget.yaml schema/')));
    write('crds/widget.yaml', crd('string'));
    const after = same(run);
    assert.ok(ids(after).includes('apps/widget.yaml schema/type'), ids(after).join('\n'));
  });

  it('a kustomization starts using an unchanged file as a patch: no schema/required for it any more', () => {
    const patch = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: web}\nspec:\n  replicas: 3\n';
    const { write, run } = setup('patch', { 'overlay/patch.yaml': patch });
    run();
    assert.ok(ids(same(run)).includes('overlay/patch.yaml schema/required'));
    write('overlay/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../apps]\npatches:\n  - path: patch.yaml\n');
    const after = same(run);
    assert.ok(!ids(after).includes('overlay/patch.yaml schema/required'), ids(after).join('\n'));
  });

  it('a schema folder\'s file changes or breaks: unchanged objects are checked again and the problem is reported', () => {
    const gadget = (type: string) => JSON.stringify({ 'x-talium-gvk': { group: 'example.com', version: 'v1', kind: 'Gadget' }, type: 'object', properties: { spec: { type: 'object', properties: { size: { type } } } } });
    const { write, run } = setup('dirs', {
      'talium.config.yaml': 'schemas:\n  dirs: [extra-schemas]\n',
      'extra-schemas/example.com/v1/Gadget.json': gadget('integer'),
      'apps/gadget.yaml': 'apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g, namespace: web}\nspec:\n  size: 3\n',
    });
    run();
    assert.ok(!ids(same(run)).some((x) => x.startsWith('apps/gadget.yaml schema/')));
    write('extra-schemas/example.com/v1/Gadget.json', gadget('string'));
    const changed = same(run);
    assert.ok(ids(changed).includes('apps/gadget.yaml schema/type'), ids(changed).join('\n'));
    // a broken schema file: reported on every run, also when every object's results come from the cache
    write('extra-schemas/example.com/v1/Broken.json', '{not json');
    run();
    const broken = same(run);
    // (every file but talium.config.yaml, which is the configuration and no document to check)
    assert.equal(broken.cached, broken.files - 1);
    assert.ok(ids(broken).some((x) => x.endsWith(' config/invalid')), ids(broken).join('\n'));
  });

  it('an edit that makes a file uncacheable (a `.inf` hostname) never leaves its old results behind', () => {
    const deploy = (replicas: string, image: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: web}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: c, image: "${image}"}]\n`;
    const { write, run } = setup('uncacheable', { 'apps/web.yaml': deploy('2', 'nginx:1.27') });
    run();
    assert.ok(!ids(same(run)).some((x) => x.startsWith('apps/web.yaml schema/')));
    write('apps/web.yaml', deploy('"2"', 'registry.inf.example.com/nginx:1.27'));
    run();
    const after = same(run);
    assert.equal(after.code, 1);
    assert.ok(ids(after).includes('apps/web.yaml schema/type'), ids(after).join('\n'));
  });

  it('a CRD whose values JSON cannot carry (.inf against -.inf) turns the check cache off, so a change is seen', () => {
    const crdMax = (max: string) => crd('integer').replace('size: {type: integer}', `size: {type: integer, maximum: ${max}}`);
    const { write, run } = setup('crd-inf', { 'crds/widget.yaml': crdMax('.inf'), 'apps/widget.yaml': WIDGET });
    run();
    const before = same(run);
    assert.equal(before.cached, 0);
    assert.ok(!ids(before).some((x) => x.startsWith('apps/widget.yaml schema/')));
    write('crds/widget.yaml', crdMax('-.inf'));
    run();
    assert.ok(ids(same(run)).some((x) => x.startsWith('apps/widget.yaml schema/')));
  });

  it('two user schemas sharing an $id both validate, whatever order files are checked in', () => {
    const schema = (kind: string) => JSON.stringify({ $id: 'https://example.com/common.json', 'x-talium-gvk': { group: 'example.com', version: 'v1', kind }, type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } });
    const obj = (kind: string, name: string, size: string) => `apiVersion: example.com/v1\nkind: ${kind}\nmetadata: {name: ${name}, namespace: web}\nspec:\n  size: ${size}\n`;
    const { write, run } = setup('same-id', {
      'talium.config.yaml': 'schemas:\n  dirs: [schemas]\n',
      'schemas/example.com/v1/Widget.json': schema('Widget'),
      'schemas/example.com/v1/Gadget.json': schema('Gadget'),
      'apps/a.yaml': obj('Widget', 'a', '"big"'),
      'apps/b.yaml': obj('Gadget', 'b', '"x"'),
    });
    run();
    const first = same(run);
    for (const f of ['apps/a.yaml', 'apps/b.yaml']) assert.ok(ids(first).includes(`${f} schema/type`), ids(first).join('\n'));
    write('apps/b.yaml', obj('Gadget', 'b', '"y"'));
    const edited = same(run);
    for (const f of ['apps/a.yaml', 'apps/b.yaml']) assert.ok(ids(edited).includes(`${f} schema/type`), ids(edited).join('\n'));
  });

  it('an object shared through a YAML alias does not change what counts as an unknown field elsewhere', () => {
    const a = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a, namespace: web}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n      securityContext: &sc {runAsUser: 1000}\n      containers:\n        - name: c\n          image: nginx:1.0\n          securityContext: *sc\n';
    const b = (extra: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b, namespace: web}\nspec:\n  selector: {matchLabels: {app: b}}\n  template:\n    metadata: {labels: {app: b}}\n    spec:\n      securityContext: {runAsUser: 1000}\n      containers:\n        - name: c\n          image: nginx:1.0\n          securityContext: {runAsUser: 1000, fsGroup: 1}${extra}\n`;
    const { write, run } = setup('alias', { 'apps/a.yaml': a, 'apps/b.yaml': b('') });
    run();
    const first = same(run);
    // fsGroup is a pod securityContext field, not a container one
    assert.ok(ids(first).includes('apps/b.yaml schema/unknown-field'), ids(first).join('\n'));
    write('apps/b.yaml', b('\n# edited'));
    assert.ok(ids(same(run)).includes('apps/b.yaml schema/unknown-field'));
  });

  it('a HelmRelease in another file changes: the Cilium values of the ConfigMap its valuesFrom names follow', () => {
    const hr = (chart: string, version: string, name = 'cilium-values') =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: cilium, namespace: kube-system}\nspec:\n  interval: 1h\n  chart:\n    spec: {chart: ${chart}, version: ${version}, sourceRef: {kind: HelmRepository, name: cilium}}\n  valuesFrom:\n    - {kind: ConfigMap, name: ${name}}\n`;
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cilium-values, namespace: kube-system}\ndata:\n  values.yaml: |\n    kubeProxyReplacement: true\n    loadBalancer:\n      serviceTopology: "yes"\n    debug:\n      enabled: true\n';
    const { write, run } = setup('values-from', { 'cilium/hr.yaml': hr('cilium', '1.18.4'), 'cilium/cm.yaml': cm });
    const cmSchema = (r: CliRun) => ids(r).filter((x) => x.startsWith('cilium/cm.yaml schema/'));
    run();
    const old = same(run);
    assert.equal(old.cached, old.files);
    assert.deepEqual(cmSchema(old), []);
    // from Cilium 1.19 serviceTopology is a boolean
    write('cilium/hr.yaml', hr('cilium', '1.19.6'));
    run();
    const newer = same(run);
    assert.deepEqual(cmSchema(newer), ['cilium/cm.yaml schema/type']);
    // the ConfigMap file is unchanged and its per-file results cached: what it holds still follows the release
    write('cilium/hr.yaml', hr('cilium', '1.19.6', 'other-values'));
    run();
    const renamed = same(run);
    assert.ok(renamed.cached > 0);
    assert.deepEqual(cmSchema(renamed), []);
    write('cilium/hr.yaml', hr('cilium', '1.19.6'));
    run();
    assert.deepEqual(cmSchema(same(run)), ['cilium/cm.yaml schema/type']);
    write('cilium/hr.yaml', hr('other', '1.19.6'));
    run();
    assert.deepEqual(cmSchema(same(run)), []);
  });

  it('a folder too big to stamp gives no stamp (nothing depending on it is cached)', () => {
    const dir = join(root, 'stamp');
    mkdirSync(join(dir, 'a'), { recursive: true });
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'a', `${i}.json`), '{}');
    assert.equal(typeof folderStamp(dir, undefined, 100), 'string');
    assert.equal(folderStamp(dir, undefined, 3), undefined);
    assert.notEqual(folderStamp(join(dir, 'a')), folderStamp(dir));
  });
});
