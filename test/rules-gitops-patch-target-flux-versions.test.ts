/**
 * gitops/patch-target-missing on a Flux Kustomization's `spec.patches` entry without `target`, by the
 * kustomize-controller that runs it (data/flux.ts): from v1 (Flux 2, the `kustomize.toolkit.fluxcd.io/v1` API) kustomize
 * gets no target and fails on a patch naming no object; before v1 (Flux 0.x) it gets `target: {}` and patches every
 * object of the build; not known (v1beta2, no Flux version stated): a warning naming both. The `target: {}` layouts are
 * also built with the real `kubectl kustomize` on the kustomization Flux 0.x writes (the patches appended with `target: {}`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { fluxTargetless } from '../src/data/flux.js';
import patchTargetMissing from '../src/rules/gitops/patch-target-missing.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { hasKubectl, KUBECTL_ABSENT, kustomizeBuild } from '../src/testing/kubectl-kustomize.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const CM = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const indent = (text: string, n: number) => text.replace(/^(?=.)/gm, ' '.repeat(n));
const DATA = 'data:\n  y: "1"\n';
const DELETE = '$patch: delete\n';
/** A patch body that labels what it is applied to (so kubectl's output shows which objects it hit). */
const LABEL = '  labels:\n    patched: "yes"\n';

interface Patch {
  patch: string;
  target?: Record<string, string>;
}
const P = (patch: string, target?: Record<string, string>): Patch => ({ patch, ...(target ? { target } : {}) });

/** A Flux Kustomization of `./app` at this API version with these patches. */
function flux(apiVersion: string, patches: readonly Patch[]): string {
  const list = patches.map((p) => `    - ${p.target ? `target:\n${indent(stringify(p.target), 8)}      ` : ''}patch: |\n${indent(p.patch, 8)}`).join('');
  return `apiVersion: kustomize.toolkit.fluxcd.io/${apiVersion}\nkind: Kustomization\nmetadata:\n  name: app\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./app\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  patches:\n${list}`;
}
/** The header `flux bootstrap` writes into gotk-components.yaml. */
const GOTK = (version: string) => ({ 'clusters/home/flux-system/gotk-components.yaml': `# Flux Version: ${version}\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n` });
const INSTANCE = (version: string) => ({
  'clusters/home/flux-system/instance.yaml': `apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\nspec:\n  distribution:\n    version: "${version}"\n    registry: ghcr.io/fluxcd\n`,
});
/** The folder the Kustomization builds: two ConfigMaps. */
const APP = { 'app/kustomization.yaml': K('resources:\n  - a.yaml\n'), 'app/a.yaml': `${CM('a')}---\n${CM('b')}` };
/** A repository: the folder, the Flux Kustomization, and what states the Flux version. */
const repo = (apiVersion: string, patches: readonly Patch[], version: Record<string, string> = {}, files: Record<string, string> = APP) => ({
  ...files,
  ...version,
  'clusters/home/app.yaml': flux(apiVersion, patches),
});

test('data/flux.ts: the target kustomize-controller gives a target-less patch, by API version and Flux version', () => {
  // the v1 API is served by kustomize-controller v1 only, whatever version a file states
  assert.equal(fluxTargetless('v1', undefined), 'none');
  assert.equal(fluxTargetless('v1', '0.41'), 'none');
  assert.equal(fluxTargetless('v1beta2', '2.0'), 'none');
  assert.equal(fluxTargetless('v1beta2', '2.7'), 'none');
  assert.equal(fluxTargetless('v1beta2', '0.41'), 'empty');
  assert.equal(fluxTargetless('v1beta1', '0.18'), 'empty');
  assert.equal(fluxTargetless('v1beta2', undefined), 'unknown');
  // legacy Flux (v1) has no kustomize-controller
  assert.equal(fluxTargetless('v1beta2', '1.25'), 'unknown');
});

test('gitops/patch-target-missing: a Flux patch without target, by kustomize-controller version', () => {
  ruleTester(patchTargetMissing, {
    valid: [
      // not known which controller runs it, and the patch names its object: fine on v1, so nothing is claimed
      repo('v1beta2', [P(CM('a') + DATA)]),
      // Flux 0.x, several documents in one entry: what its kustomize v4 does is not established
      repo('v1beta2', [P(`${CM('a')}${DATA}---\n${CM('b')}${DATA}`)], GOTK('v0.41.2')),
      // Flux 0.x, a patch with a target: it selects what it says
      repo('v1beta2', [P(CM('a') + DATA, { kind: 'ConfigMap', name: 'a' })], GOTK('v0.41.2')),
      // a JSON6902 body without target: not judged on Flux 0.x
      repo('v1beta2', [P('- op: add\n  path: /data/y\n  value: "1"\n')], GOTK('v0.41.2')),
    ],
    invalid: [
      // Flux 0.41: `target: {}` selects both ConfigMaps, not only the one the patch names
      {
        files: repo('v1beta2', [P(CM('a') + DATA)], GOTK('v0.41.2')),
        errors: [{ messageId: 'everyObject', file: 'clusters/home/app.yaml', line: 14, column: 7, data: { flux: '0.41', count: 2, held: 'ConfigMap a, ConfigMap b', object: 'ConfigMap a', apiVersion: 'v1', applier: 'Flux Kustomization flux-system/app' } }],
      },
      // ... and a patch naming no object does not fail there: it too hits every object
      { files: repo('v1beta2', [P(CM('c') + DATA)], GOTK('v0.41.2')), errors: [{ messageId: 'everyObject', line: 14, column: 7, data: { object: 'ConfigMap c', count: 2 } }] },
      // a delete deletes them all; the patch after it is not judged (nothing is left)
      { files: repo('v1beta2', [P(CM('b') + DELETE), P(CM('a') + DATA)], GOTK('v0.41.2')), errors: [{ messageId: 'everyObjectDelete', line: 14, column: 7, data: { object: 'ConfigMap b', count: 2, held: 'ConfigMap a, ConfigMap b' } }] },
      // a patch with a target keeps it; the target-less one after it is reported
      { files: repo('v1beta2', [P(CM('a') + DATA, { kind: 'ConfigMap', name: 'a' }), P(CM('b') + DATA)], GOTK('v0.41.2')), errors: [{ messageId: 'everyObject', line: 24, column: 7, data: { object: 'ConfigMap b' } }] },
      // the objects it hits are those left after the kustomization's own patches
      {
        files: repo('v1beta2', [P(CM('a') + DATA)], GOTK('v0.41.2'), { ...APP, 'app/kustomization.yaml': K(`resources:\n  - a.yaml\npatches:\n  - patch: |\n${indent(CM('b') + DELETE, 6)}`) }),
        errors: [{ messageId: 'everyObject', line: 14, column: 7, data: { count: 1, held: 'ConfigMap a' } }],
      },
      // the v1 API: kustomize-controller v1, which passes no target, whatever a file states
      { files: repo('v1', [P(CM('c') + DATA)], GOTK('v0.41.2')), errors: [{ messageId: 'missing', line: 14, column: 7, data: { object: 'ConfigMap c', held: 'a, b' } }] },
      // Flux 2 stated (bootstrap header, FluxInstance): no target
      { files: repo('v1beta2', [P(CM('c') + DATA)], GOTK('v2.3.0')), errors: [{ messageId: 'missing', line: 14, column: 7 }] },
      { files: repo('v1beta2', [P(CM('c') + DATA)], INSTANCE('2.4.x')), errors: [{ messageId: 'missing', line: 14, column: 7 }] },
      // not known: both outcomes, as a warning
      {
        files: repo('v1beta2', [P(CM('c') + DATA)]),
        errors: [{ messageId: 'missingFluxUnknown', file: 'clusters/home/app.yaml', line: 14, column: 7, data: { object: 'ConfigMap c', ksApiVersion: 'kustomize.toolkit.fluxcd.io/v1beta2', applier: 'Flux Kustomization flux-system/app', held: 'a, b' } }],
      },
    ],
  });
});

test('gitops/patch-target-missing: the severities of the Flux-version findings', () => {
  const sev = (files: Record<string, string>) => lintRepo(files, [patchTargetMissing]).map((d) => `${d.messageId}:${d.severity}`);
  assert.deepEqual(sev(repo('v1beta2', [P(CM('c') + DATA)])), ['missingFluxUnknown:warning']);
  assert.deepEqual(sev(repo('v1beta2', [P(CM('a') + DATA)], GOTK('v0.41.2'))), ['everyObject:error']);
  assert.deepEqual(sev(repo('v1beta2', [P(CM('a') + DELETE)], GOTK('v0.41.2'))), ['everyObjectDelete:error']);
  assert.deepEqual(sev(repo('v1', [P(CM('c') + DATA)])), ['missing:error']);
});

/** Flux 0.x layouts: the patches, and the own kustomization when not APP's. */
const EMPTY_TARGET: Array<{ name: string; patches: Patch[]; files?: Record<string, string> }> = [
  { name: 'a patch naming one of two objects', patches: [P(CM('a') + LABEL)] },
  { name: 'a patch naming no object', patches: [P(CM('c') + LABEL)] },
  { name: 'a $patch: delete', patches: [P(CM('b') + DELETE)] },
  { name: 'after the kustomization\'s own delete', patches: [P(CM('a') + LABEL)], files: { ...APP, 'app/kustomization.yaml': K(`resources:\n  - a.yaml\npatches:\n  - patch: |\n${indent(CM('b') + DELETE, 6)}`) } },
];

test('gitops/patch-target-missing: on Flux 0.x, the objects talium says a patch hits are those kubectl kustomize patches with target: {}', (t) => {
  if (!hasKubectl) t.skip(KUBECTL_ABSENT);
  const repos = tempRepos('talium-empty-target-');
  try {
    for (const l of EMPTY_TARGET) {
      const files = l.files ?? APP;
      const [d, ...more] = lintRepo(repo('v1beta2', l.patches, GOTK('v0.41.2'), files), [patchTargetMissing]);
      assert.equal(more.length, 0, l.name);
      const del = l.patches[0]!.patch.includes(DELETE);
      assert.equal(d?.messageId, del ? 'everyObjectDelete' : 'everyObject', l.name);
      if (!hasKubectl) continue;
      // the kustomization Flux 0.x builds: its own, the Kustomization's patches appended with `target: {}`
      const dir = repos.repo(files);
      const k = parse(files['app/kustomization.yaml']!) as Record<string, unknown>;
      k['patches'] = [...((k['patches'] as unknown[] | undefined) ?? []), ...l.patches.map((p) => ({ patch: p.patch, target: {} }))];
      writeFileSync(path.join(dir, 'app', 'kustomization.yaml'), stringify(k));
      const built = kustomizeBuild<{ metadata?: { name?: string; labels?: Record<string, string> } }>(path.join(dir, 'app'));
      if (del) {
        assert.equal(built.length, 0, `${l.name}: kubectl kustomize deletes every object`);
      } else {
        const hit = built.filter((o) => o.metadata?.labels?.['patched'] === 'yes').map((o) => `ConfigMap ${o.metadata?.name}`);
        assert.equal(hit.length, built.length, `${l.name}: kubectl kustomize patches every object`);
        assert.equal(d?.data?.['held'], hit.join(', '), `${l.name}: the objects talium names`);
      }
      assert.equal(d?.data?.['count'], del ? 2 : built.length, `${l.name}: the number of objects`);
    }
  } finally {
    repos.cleanup();
  }
});
