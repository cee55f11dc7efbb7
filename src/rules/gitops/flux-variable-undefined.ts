/**
 * gitops/flux-variable-undefined: a `${VAR}` (no default) in a document a Flux Kustomization substitutes must be
 * defined by that Kustomization's `postBuild.substitute` or the `substituteFrom` ConfigMaps/Secrets it names. Owns the
 * name check; the values are the plan's (plan/flux-substitution.ts), which this rule reads, never re-derives.
 */
import type { Path, YamlDocument } from '../../core/document.js';
import type { Range } from '../../core/diagnostic.js';
import { suggest } from '../../core/suggest.js';
import { fluxKustomizations, ksAllFor } from '../../plan/flux-kustomizations.js';
import { kustomizationVariables, SUBSTITUTE_OPT_OUT } from '../../plan/flux-substitution.js';
import { placeholders } from '../../plan/substitute-values.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { isObj } from '../../plan/util.js';


const FLUX_KS = 'kustomize.toolkit.fluxcd.io';

/** Some document may add `postBuild` to Flux Kustomizations (a parent's `patches`, a patch file): variables as written prove nothing. */
function postBuildPatched(docs: Iterable<YamlDocument>, applying: ReadonlySet<YamlDocument>): boolean {
  for (const d of docs) {
    if (d.kind === 'Kustomization' && d.group === FLUX_KS && applying.has(d)) {
      if (JSON.stringify(d.get(['spec', 'patches']) ?? null).includes('postBuild')) return true;
    } else if (d.docClass !== 'helm-values' && JSON.stringify(d.value ?? null).includes('postBuild')) return true;
  }
  return false;
}

function optedOut(d: YamlDocument): boolean {
  return ['annotations', 'labels'].some((w) => d.get(['metadata', w, SUBSTITUTE_OPT_OUT]) === 'disabled');
}

/** Every string of a value with its path. */
function* strings(v: unknown, path: Path = []): Generator<[string, Path]> {
  if (typeof v === 'string') yield [v, path];
  else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) yield* strings(v[i], [...path, i]);
  else if (isObj(v)) for (const k of Object.keys(v)) yield* strings(v[k], [...path, k]);
}

const KS = (post: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: cilium-config\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./apps/cilium/config\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  postBuild:\n${post}`;
const POOL = (v: string) => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: pool\nspec:\n  blocks:\n    - cidr: ${v}\n`;
const SETTINGS = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-settings\n  namespace: flux-system\ndata:\n  LB_POOL_CIDR: 192.168.50.0/27\n';

export default defineRule({
  meta: {
    id: 'gitops/flux-variable-undefined',
    description: 'A `${VAR}` Flux substitutes is defined neither in `postBuild.substitute` nor in the `substituteFrom` objects.',
    severity: 'warning',
    messages: {
      undefined: '"${{{variable}}}" is defined neither in postBuild.substitute of Flux Kustomization "{{kustomization}}" nor in the ConfigMaps/Secrets its substituteFrom names; Flux replaces it with an empty string (with strict substitution, the reconcile fails).',
      undefinedNear: '"${{{variable}}}" is defined neither in postBuild.substitute of Flux Kustomization "{{kustomization}}" nor in the ConfigMaps/Secrets its substituteFrom names (did you mean "{{suggestion}}"?); Flux replaces it with an empty string (with strict substitution, the reconcile fails).',
    },
    help: 'Define the variable in `postBuild.substitute` or a `substituteFrom` ConfigMap/Secret, correct its name, or give it a default (`${VAR:=value}`).',
    docs: {
      what: 'For each document a Flux Kustomization with `spec.postBuild` applies (not Secrets, not objects opted out with `kustomize.toolkit.fluxcd.io/substitute: disabled`), finds the `${VAR}` placeholders without a default (`${VAR:=d}`, `${VAR:-d}` and the like have one) and checks each variable is defined by every Kustomization applying the document: `postBuild.substitute` or a `substituteFrom` ConfigMap or Secret the repository holds (a Secret\'s key names, which SOPS leaves in plain text). Suggests the nearest defined name.\n' +
        '\n' +
        'Not judged: a Kustomization with a `substituteFrom` source the repository does not hold (optional or not: the variable may be there), repositories where something may add `postBuild` to Kustomizations (a parent\'s `patches`, a patch file, as the onedr0p cluster-template does), runs over part of the repository; `$${VAR}` is an escaped literal.',
      why: 'kustomize-controller substitutes `${VAR}` in everything the Kustomization builds (fluxcd/pkg envsubst). A variable it has no value for becomes an empty string: an empty `cidr`, an address or hostname missing, often an object the API then rejects or, worse, accepts. With kustomize-controller\'s `--feature-gates=StrictPostBuildSubstitutions=true` the reconcile fails instead (a variable without a default missing from the input variables is an error). A typo in the variable name, or a key renamed in cluster-settings, does exactly that.',
      fix: 'Correct the name, add the key to the ConfigMap/Secret or `postBuild.substitute`, or write a default (`${VAR:=value}`).',
      sources: [SRC.fluxKustomization, 'https://fluxcd.io/flux/components/kustomize/kustomizations/#post-build-variable-substitution', 'https://github.com/fluxcd/pkg/tree/main/envsubst', 'https://pkg.go.dev/github.com/fluxcd/kustomize-controller/internal/features'],
    },
    examples: {
      valid: [{ files: { 'clusters/home/cilium.yaml': KS('    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-settings\n'), 'clusters/home/settings.yaml': SETTINGS, 'apps/cilium/config/pool.yaml': POOL('${LB_POOL_CIDR}') } }],
      invalid: [
        { files: { 'clusters/home/cilium.yaml': KS('    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-settings\n'), 'clusters/home/settings.yaml': SETTINGS, 'apps/cilium/config/pool.yaml': POOL('${LB_POOL_CIDRS}') } },
        { files: { 'clusters/home/cilium.yaml': KS('    substitute:\n      APP: cilium\n'), 'apps/cilium/config/pool.yaml': POOL('${CIDR}') }, note: 'nothing close enough to suggest' },
      ],
    },
    needsWholeTree: ['undefined', 'undefinedNear'],
  },
  check({ cluster, all }) {
    const candidates = cluster.docs.filter((d) => d.templated && (d.docClass === 'k8s' || d.docClass === 'helm-values') && d.kind !== 'Secret' && !optedOut(d));
    if (!candidates.length) return [];
    const kss = fluxKustomizations(all).filter((k) => isObj(k.doc.get(['spec', 'postBuild'])));
    if (!kss.length) return [];
    if (all.some((d) => d.kind === 'ResourceSet' && d.group === 'fluxcd.controlplane.io')) return [];
    const applying = new Set(fluxKustomizations(all).map((k) => k.doc));
    if (postBuildPatched(new Set([...all, ...cluster.docs, ...(cluster.unapplied ?? [])]), applying)) return [];
    const varsOf = kustomizationVariables(all);
    const out: RuleFinding[] = [];
    for (const d of candidates) {
      // the deepest Kustomizations applying the file; one without postBuild substitutes nothing
      const owners = ksAllFor(d.file.path, fluxKustomizations(all));
      if (!owners.length || owners.some((k) => !isObj(k.doc.get(['spec', 'postBuild'])))) continue;
      const defs = owners.map((k) => varsOf(k));
      if (defs.some((v) => !v || v.opaque)) continue;
      const defined = [...new Set(defs.flatMap((v) => [...v!.names]))].sort();
      const seen = new Set<string>();
      for (const [text, path] of strings(d.parsed)) {
        if (!text.includes('${')) continue;
        for (const e of placeholders(text)) {
          if (e.fallback !== undefined || seen.has(e.name)) continue;
          // undefined only where no Kustomization applying the document defines it
          if (defs.some((v) => v!.names.has(e.name))) continue;
          seen.add(e.name);
          const suggestion = suggest(e.name, defined);
          const data = { variable: e.name, kustomization: owners[0]!.name, ...(suggestion ? { suggestion } : {}) };
          const range = placeholderRange(d, path, e.name);
          out.push({ doc: d, path, ...(range ? { range } : {}), messageId: suggestion ? 'undefinedNear' : 'undefined', data });
        }
      }
    }
    return out;
  },
});

/**
 * The `${NAME}` itself in the file, when the value holding it sits on one line and holds it once (a plain or quoted
 * scalar); else undefined, and the finding takes the whole value.
 */
function placeholderRange(d: YamlDocument, path: Path, name: string): Range | undefined {
  const r = d.locate(path);
  if (r.start.line !== r.end.line) return undefined;
  const raw = d.file.textAt(r);
  const token = `\${${name}}`;
  const i = raw?.indexOf(token) ?? -1;
  const from = d.file.offsetAt(r.start);
  if (i === -1 || raw!.indexOf(token, i + 1) !== -1 || from === undefined) return undefined;
  return d.file.rangeOf(from + i, from + i + token.length);
}
