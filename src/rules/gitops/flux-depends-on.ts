/**
 * gitops/flux-depends-on: every `spec.dependsOn` entry of a Flux Kustomization must name a Flux Kustomization the
 * repository applies, and the dependencies must not go round in a cycle. A misspelt or renamed dependency blocks the
 * Kustomization for good ("dependency ... not found"); a cycle blocks every Kustomization on it ("dependency ... is
 * not ready", forever). Owns those checks only, not the order of what the dependencies apply.
 */
import { suggest } from '../../core/suggest.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import type { YamlDocument } from '../../core/document.js';
import { fluxKustomizations, type FluxKs } from './lib/flux.js';
import { TEMPLATED, namePattern, namesMayChange } from './lib/flux-names.js';
import { dependsOnCycles, dependsOnEntries, dependsOnName, namesKind } from './lib/depends-cycles.js';
import { isObj } from '../../plan/util.js';

/** The name Flux bootstrap (and the Flux Operator's FluxInstance) creates outside the repository's own files. */
const BOOTSTRAP = 'flux-system';

const KS = (name: string, dependsOn = '') =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./kubernetes/apps/${name}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${dependsOn}`;
const DEPENDS = (name: string) => `  dependsOn:\n    - name: ${name}\n`;


const FLUX_KS_GROUP = 'kustomize.toolkit.fluxcd.io';
const ksName = dependsOnName;
const dependencies = (d: YamlDocument): Array<[number, string]> => dependsOnEntries(d, 'Kustomization', FLUX_KS_GROUP);

/**
 * Cycles of `dependsOn` among the repository's Flux Kustomizations whose names are used once (by name: the namespace
 * often comes from a parent kustomization); one finding per Kustomization of `mine` on a cycle, at its entry that
 * leads into it, with the cycle through it (lib/depends-cycles.ts).
 */
function dependencyCycles(all: readonly YamlDocument[], mine: readonly FluxKs[]): RuleFinding[] {
  const nodes = fluxKustomizations(all).filter((k) => !k.doc.templated).map((k) => k.doc);
  return dependsOnCycles(nodes, ksName, dependencies, mine.map((k) => k.doc)).map((h) => ({
    doc: h.doc,
    path: ['spec', 'dependsOn', h.index, 'name'],
    messageId: 'cycle',
    severity: 'error' as const,
    data: { name: ksName(h.doc) ?? '', dependency: h.dependency, cycle: h.cycle },
  }));
}

export default defineRule({
  meta: {
    id: 'gitops/flux-depends-on',
    description: 'A Flux Kustomization `dependsOn` names a Kustomization the repository does not have, or the dependencies form a cycle.',
    severity: 'warning',
    messageSeverities: { cycle: 'error' },
    messages: {
      cycle: 'Flux Kustomization "{{name}}" depends on "{{dependency}}", which depends back on it ({{cycle}}); kustomize-controller applies a Kustomization only once its dependencies are ready, so none of them is ever applied ("dependency ... is not ready").',
      missing: 'Flux Kustomization "{{name}}" depends on "{{dependency}}", but the repository applies no Flux Kustomization of that name; kustomize-controller waits for it ("dependency not found") and never applies "{{name}}".',
      missingNear: 'Flux Kustomization "{{name}}" depends on "{{dependency}}", but the repository applies no Flux Kustomization of that name (did you mean "{{suggestion}}"?); kustomize-controller waits for it ("dependency not found") and never applies "{{name}}".',
    },
    help: 'Name an existing Flux Kustomization in `dependsOn` (its `metadata.name`), or remove the entry; break a cycle by removing the dependency that points back to a Kustomization that (indirectly) depends on this one.',
    docs: {
      what: 'For each Flux Kustomization, checks that every `spec.dependsOn[].name` is the `metadata.name` of a Flux Kustomization among the documents the repository applies (in any namespace: the namespace a Kustomization lands in is often set by a parent kustomization), and suggests the nearest existing name. `cycle` (an error): the dependencies of Kustomizations with names the repository uses once go round back to where they started (`a` → `b` → `a`, or `a` on itself), reported at the entry of each Kustomization on the cycle that leads into it.\n' +
        '\n' +
        'Not judged: `flux-system` (Flux bootstrap and the Flux Operator create it), an entry naming another kind (`kind: HelmRelease`, which newer Flux allows), a templated dependency (`${APP}-app`), a name a templated Kustomization name could become (`${APP}` matches anything), repositories where kustomize renames objects (`namePrefix`/`nameSuffix`) or the Flux Operator generates Kustomizations (ResourceSet), and runs that read only part of the repository.',
      why: 'kustomize-controller checks each dependency before it builds a Kustomization: when one does not exist it reports "dependency \'<namespace>/<name>\' not found" and retries forever, so the Kustomization (and everything that depends on it) is never applied. A rename of the dependency, or a typo, does exactly that, and nothing else fails.',
      fix: 'Correct the name in `dependsOn`, or rename the dependency back.',
      sources: [SRC.fluxKustomization, 'https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies'],
    },
    examples: {
      valid: [{ files: { 'clusters/home/apps.yaml': KS('cilium') + '---\n' + KS('cilium-config', DEPENDS('cilium')) } }],
      invalid: [
        { files: { 'clusters/home/apps.yaml': KS('cilium') + '---\n' + KS('cilium-config', DEPENDS('cillium')) } },
        { files: { 'clusters/home/apps.yaml': KS('cilium') + '---\n' + KS('echo', DEPENDS('storage')) }, note: 'nothing close enough to suggest' },
        { files: { 'clusters/home/apps.yaml': KS('cilium', DEPENDS('cilium-config')) + '---\n' + KS('cilium-config', DEPENDS('cilium')) }, note: 'a cycle: neither is ever applied' },
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
    const out: RuleFinding[] = [...dependencyCycles(all, mine)];
    for (const k of mine) {
      const list = k.doc.get(['spec', 'dependsOn']) as unknown[];
      list.forEach((entry, i) => {
        if (!isObj(entry) || !namesKind(entry, 'Kustomization', FLUX_KS_GROUP)) return;
        const dependency = entry['name'];
        if (typeof dependency !== 'string' || !dependency || TEMPLATED.test(dependency) || dependency === BOOTSTRAP) return;
        // named by the value (a substituted `${APP}` too); a cycle is reported above
        if (names.has(dependency) || patterns.some((p) => p.test(dependency))) return;
        const suggestion = suggest(dependency, known.filter((n) => n !== k.name));
        const base = { doc: k.doc, path: ['spec', 'dependsOn', i, 'name'] };
        out.push(suggestion ? { ...base, messageId: 'missingNear', data: { name: k.name, dependency, suggestion } } : { ...base, messageId: 'missing', data: { name: k.name, dependency } });
      });
    }
    return out;
  },
});
