/**
 * Tests for gitops/duplicate-object's `generator` message: a configMapGenerator / secretGenerator entry without
 * `behavior: merge|replace` making a ConfigMap or Secret the build already holds (an earlier entry, a base's or a
 * component's generator, a resource). Each layout is compared with the real `kubectl kustomize` where installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import duplicateObject from '../src/rules/gitops/duplicate-object.js';
import { lintRepo } from '../src/testing/rule-tester.js';
import { agreesWithKubectl, hasKubectl, KUBECTL_ABSENT, type KustomizeLayout } from '../src/testing/kubectl-kustomize.js';

const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const COMPONENT = (body: string) => `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${body}`;
/** A generator list (`key`) of entries `[name, extra lines]`; the first entry's name is on the line after `key:`. */
const GEN = (key: string, ...entries: Array<[string, string?]>) => `${key}:\n${entries.map(([n, extra]) => `  - name: ${n}\n${extra ?? ''}    literals: [k=${n}]\n`).join('')}`;
const CMG = (...entries: Array<[string, string?]>) => GEN('configMapGenerator', ...entries);
const CM = (name: string, ns = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}`;
const BASE = { 'base/kustomization.yaml': K(CMG(['cfg'])) };
const OVERLAY = (gen: string) => K(`resources:\n  - ../base\n${gen}`);

const LAYOUTS: KustomizeLayout[] = [
  { name: 'two entries of one name', fails: true, files: { 'app/kustomization.yaml': K(CMG(['cfg'], ['cfg'])) } },
  { name: 'two secretGenerator entries of one name', fails: true, files: { 'app/kustomization.yaml': K(GEN('secretGenerator', ['s'], ['s'])) } },
  { name: 'the second entry merges', fails: false, files: { 'app/kustomization.yaml': K(CMG(['cfg'], ['cfg', '    behavior: merge\n'])) } },
  { name: 'the second entry in another namespace', fails: false, files: { 'app/kustomization.yaml': K(CMG(['cfg'], ['cfg', '    namespace: other\n'])) } },
  { name: 'no namespace is default', fails: true, files: { 'app/kustomization.yaml': K(CMG(['cfg'], ['cfg', '    namespace: default\n'])) } },
  { name: 'a ConfigMap and a Secret of one name', fails: false, files: { 'app/kustomization.yaml': K(CMG(['cfg']) + GEN('secretGenerator', ['cfg'])) } },
  { name: 'a generator of a resource\'s name', fails: true, files: { 'app/kustomization.yaml': K(`resources:\n  - cm.yaml\n${CMG(['cfg'])}`), 'app/cm.yaml': CM('cfg') } },
  { name: 'a generator of the name of a resource in another namespace', fails: false, files: { 'app/kustomization.yaml': K(`resources:\n  - cm.yaml\n${CMG(['cfg'])}`), 'app/cm.yaml': CM('cfg', 'other') } },
  { name: 'an overlay generates a base\'s name without behavior', fails: true, files: { ...BASE, 'app/kustomization.yaml': OVERLAY(CMG(['cfg'])) } },
  { name: 'an overlay generates a base\'s name with behavior: create', fails: true, files: { ...BASE, 'app/kustomization.yaml': OVERLAY(CMG(['cfg', '    behavior: create\n'])) } },
  { name: 'an overlay merges into a base\'s generator', fails: false, files: { ...BASE, 'app/kustomization.yaml': OVERLAY(CMG(['cfg', '    behavior: merge\n'])) } },
  { name: 'an overlay replaces a base\'s generator', fails: false, files: { ...BASE, 'app/kustomization.yaml': OVERLAY(CMG(['cfg', '    behavior: replace\n'])) } },
  { name: 'an overlay generates another name', fails: false, files: { ...BASE, 'app/kustomization.yaml': OVERLAY(CMG(['cfg2'])) } },
  { name: 'a base with namePrefix: the overlay\'s name meets the base\'s earlier one', fails: true, files: { 'base/kustomization.yaml': K(`namePrefix: a-\n${CMG(['cfg'])}`), 'app/kustomization.yaml': OVERLAY(CMG(['cfg'])) } },
  { name: 'a base with namespace: x: the overlay\'s default namespace meets the base\'s earlier one', fails: true, files: { 'base/kustomization.yaml': K(`namespace: x\n${CMG(['cfg'])}`), 'app/kustomization.yaml': OVERLAY(CMG(['cfg'])) } },
  { name: 'a base with namespace: x, the overlay\'s entry in namespace other', fails: false, files: { 'base/kustomization.yaml': K(`namespace: x\n${CMG(['cfg'])}`), 'app/kustomization.yaml': OVERLAY(CMG(['cfg', '    namespace: other\n'])) } },
  { name: 'a component generates a base\'s name', fails: true, files: { ...BASE, 'comp/kustomization.yaml': COMPONENT(CMG(['cfg'])), 'app/kustomization.yaml': K('resources:\n  - ../base\ncomponents:\n  - ../comp\n') } },
  { name: 'a component merges into a base\'s generator', fails: false, files: { ...BASE, 'comp/kustomization.yaml': COMPONENT(CMG(['cfg', '    behavior: merge\n'])), 'app/kustomization.yaml': K('resources:\n  - ../base\ncomponents:\n  - ../comp\n') } },
];

const GENERATOR_ERROR = /exists; behavior must be merge or replace/;

test('gitops/duplicate-object (generator): talium agrees with kubectl kustomize on every layout', (t) => {
  if (!hasKubectl) t.skip(KUBECTL_ABSENT);
  agreesWithKubectl(LAYOUTS, (files) => lintRepo(files, [duplicateObject]).filter((d) => d.messageId === 'generator'), GENERATOR_ERROR);
  // nothing else of duplicate-object on these layouts
  for (const l of LAYOUTS) assert.deepEqual(lintRepo(l.files, [duplicateObject]).filter((d) => d.messageId !== 'generator').map((d) => d.messageId), [], l.name);
});

test('gitops/duplicate-object (generator): where the finding sits, and what it says', () => {
  const at = (files: Record<string, string>) =>
    lintRepo(files, [duplicateObject]).map((d) => ({ at: `${d.file}:${d.range.start.line}:${d.range.start.column}`, messageId: d.messageId, severity: d.severity, data: d.data, related: d.related?.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column}`) }));
  // the second entry's name (line 6), the first entry's name related (line 4)
  assert.deepEqual(at({ 'app/kustomization.yaml': K(CMG(['cfg'], ['cfg'])) }), [
    { at: 'app/kustomization.yaml:6:11', messageId: 'generator', severity: 'error', data: { kind: 'ConfigMap', name: 'cfg', namespace: '', apiVersion: 'v1', object: 'ConfigMap cfg', generator: 'configMapGenerator', first: 'its `configMapGenerator` entry 1', kustomization: 'app/kustomization.yaml' }, related: ['app/kustomization.yaml:4:11'] },
  ]);
  // an overlay's entry (its name on line 6), the base's generator related; once, though the base is prefixed
  const overlay = at({ 'base/kustomization.yaml': K(`namePrefix: a-\n${CMG(['cfg'])}`), 'app/kustomization.yaml': OVERLAY(CMG(['cfg'])) });
  assert.deepEqual(overlay.map((f) => [f.at, f.data?.['first'], f.related]), [['app/kustomization.yaml:6:11', 'the `configMapGenerator` of base/kustomization.yaml', ['base/kustomization.yaml:5:11']]]);
  // a resource of the name: the resource's metadata.name related
  const res = at({ 'app/kustomization.yaml': K(`resources:\n  - cm.yaml\n${CMG(['cfg'])}`), 'app/cm.yaml': CM('cfg') });
  assert.deepEqual(res.map((f) => [f.at, f.data?.['first'], f.related]), [['app/kustomization.yaml:6:11', 'the resource in app/cm.yaml', ['app/cm.yaml:4:9']]]);
  // a component's entry, reported at the component (its name on line 4), once however many kustomizations include it
  const comp = at({ ...BASE, 'comp/kustomization.yaml': COMPONENT(CMG(['cfg'])), 'app/kustomization.yaml': K('resources:\n  - ../base\ncomponents:\n  - ../comp\n'), 'app2/kustomization.yaml': K('resources:\n  - ../base\ncomponents:\n  - ../comp\n') });
  assert.deepEqual(comp.map((f) => f.at), ['comp/kustomization.yaml:4:11']);
  // a templated generator name is not judged
  assert.deepEqual(at({ 'app/kustomization.yaml': K(CMG(['cfg'], ['${NAME}'])) }), []);
});
