/**
 * gitops/flux-depends-on: every `spec.dependsOn` entry of a Flux Kustomization must name a Flux Kustomization the
 * repository applies. A misspelt or renamed dependency blocks the Kustomization for good ("dependency ... not
 * found") and nothing in it is applied. Owns that name check only, not the order of what the dependencies apply.
 */
import { suggest } from '../../core/suggest.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { fluxKustomizations } from './lib/flux.js';
import { TEMPLATED, namePattern, namesMayChange } from './lib/flux-names.js';

/** The name Flux bootstrap (and the Flux Operator's FluxInstance) creates outside the repository's own files. */
const BOOTSTRAP = 'flux-system';

const KS = (name: string, dependsOn = '') =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./kubernetes/apps/${name}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${dependsOn}`;
const DEPENDS = (name: string) => `  dependsOn:\n    - name: ${name}\n`;

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export default defineRule({
  meta: {
    id: 'gitops/flux-depends-on',
    description: 'A Flux Kustomization `dependsOn` names a Kustomization the repository does not have.',
    severity: 'warning',
    messages: {
      missing: 'Flux Kustomization "{{name}}" depends on "{{dependency}}", but the repository applies no Flux Kustomization of that name; kustomize-controller waits for it ("dependency not found") and never applies "{{name}}".',
      missingNear: 'Flux Kustomization "{{name}}" depends on "{{dependency}}", but the repository applies no Flux Kustomization of that name (did you mean "{{suggestion}}"?); kustomize-controller waits for it ("dependency not found") and never applies "{{name}}".',
    },
    help: 'Name an existing Flux Kustomization in `dependsOn` (its `metadata.name`), or remove the entry.',
    docs: {
      what: 'For each Flux Kustomization, checks that every `spec.dependsOn[].name` is the `metadata.name` of a Flux Kustomization among the documents the repository applies (in any namespace: the namespace a Kustomization lands in is often set by a parent kustomization), and suggests the nearest existing name.\n' +
        '\n' +
        'Not judged: `flux-system` (Flux bootstrap and the Flux Operator create it), a templated dependency (`${APP}-app`), a name a templated Kustomization name could become (`${APP}` matches anything), repositories where kustomize renames objects (`namePrefix`/`nameSuffix`) or the Flux Operator generates Kustomizations (ResourceSet), and runs that read only part of the repository.',
      why: 'kustomize-controller checks each dependency before it builds a Kustomization: when one does not exist it reports "dependency \'<namespace>/<name>\' not found" and retries forever, so the Kustomization (and everything that depends on it) is never applied. A rename of the dependency, or a typo, does exactly that, and nothing else fails.',
      fix: 'Correct the name in `dependsOn`, or rename the dependency back.',
      sources: [SRC.fluxKustomization, 'https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies'],
    },
    examples: {
      valid: [{ files: { 'clusters/home/apps.yaml': KS('cilium') + '---\n' + KS('cilium-config', DEPENDS('cilium')) } }],
      invalid: [
        { files: { 'clusters/home/apps.yaml': KS('cilium') + '---\n' + KS('cilium-config', DEPENDS('cillium')) } },
        { files: { 'clusters/home/apps.yaml': KS('cilium') + '---\n' + KS('echo', DEPENDS('storage')) }, note: 'nothing close enough to suggest' },
      ],
    },
    needsWholeTree: ['missing', 'missingNear'],
  },
  check({ cluster, all }) {
    const mine = fluxKustomizations(cluster.docs).filter((k) => !k.doc.templated && Array.isArray(k.doc.get(['spec', 'dependsOn'])));
    if (!mine.length) return [];
    // names kustomize or the Flux Operator may produce are not in the files as written
    if (namesMayChange(all)) return [];
    const names = new Set<string>();
    const patterns: RegExp[] = [];
    for (const d of all) {
      if (d.kind !== 'Kustomization' || d.group !== 'kustomize.toolkit.fluxcd.io') continue;
      // the name as written, and as Flux substitutes it when talium knows the variables (`${APP}` → `echo`)
      const written = d.name;
      const value = d.get(['metadata', 'name']);
      if (typeof written === 'string') {
        if (TEMPLATED.test(written)) patterns.push(namePattern(written));
        else names.add(written);
      }
      if (typeof value === 'string' && !TEMPLATED.test(value)) names.add(value);
    }
    const known = [...names].sort();
    const out: RuleFinding[] = [];
    for (const k of mine) {
      const list = k.doc.get(['spec', 'dependsOn']) as unknown[];
      list.forEach((entry, i) => {
        if (!isObj(entry)) return;
        const dependency = entry['name'];
        if (typeof dependency !== 'string' || !dependency || TEMPLATED.test(dependency) || dependency === BOOTSTRAP) return;
        if (names.has(dependency) || patterns.some((p) => p.test(dependency))) return;
        const suggestion = suggest(dependency, known.filter((n) => n !== k.name));
        const base = { doc: k.doc, path: ['spec', 'dependsOn', i, 'name'] };
        out.push(suggestion ? { ...base, messageId: 'missingNear', data: { name: k.name, dependency, suggestion } } : { ...base, messageId: 'missing', data: { name: k.name, dependency } });
      });
    }
    return out;
  },
});
