/**
 * gitops/helmrelease-values-from: each `spec.valuesFrom` entry of a Flux HelmRelease must name a ConfigMap or Secret
 * the repository produces under that very name (committed, or made by a kustomize generator without a name hash),
 * holding the `valuesKey`. Owns the reference check only; the values inside are the schema and Cilium rules'.
 */
import type { Path, YamlDocument } from '../../core/document.js';
import { docsOfKind } from '../../core/kind-index.js';
import { suggest } from '../../core/suggest.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { NameSet, TEMPLATED, namesMayChange } from './lib/flux-names.js';
import { isObj } from '../../plan/util.js';


const DEFAULT_KEY = 'values.yaml';
const GENERATORS = { ConfigMap: 'configMapGenerator', Secret: 'secretGenerator' } as const;
type RefKind = keyof typeof GENERATORS;

/** What the repository makes of one kind and name: the keys it holds (undefined: not known) and the hashed generators. */
interface Produced {
  keys: Set<string> | undefined;
  /** Generator entries that append a content hash to the name (kustomize's default). */
  hashed: Array<{ doc: YamlDocument; path: Path }>;
  /** Made under this very name (a committed object, an unhashed generator, another producer). */
  plain: boolean;
}

/** The data keys a generator entry makes: `files` (basename, or `key=path`), `literals` (`key=value`); undefined with env files. */
function generatorKeys(g: Record<string, unknown>): Set<string> | undefined {
  if (g['envs'] !== undefined || g['env'] !== undefined) return undefined;
  const keys = new Set<string>();
  for (const f of Array.isArray(g['files']) ? g['files'] : []) {
    if (typeof f !== 'string' || TEMPLATED.test(f)) return undefined;
    const eq = f.indexOf('=');
    keys.add(eq === -1 ? f.slice(f.replace(/\/+$/, '').lastIndexOf('/') + 1) : f.slice(0, eq));
  }
  for (const l of Array.isArray(g['literals']) ? g['literals'] : []) {
    if (typeof l !== 'string') return undefined;
    keys.add(l.slice(0, l.indexOf('=') === -1 ? l.length : l.indexOf('=')));
  }
  return keys;
}

/** The data keys of a committed ConfigMap (`data`, `binaryData`) or Secret (`data`, `stringData`; SOPS leaves key names readable). */
function objectKeys(d: YamlDocument, kind: RefKind): Set<string> | undefined {
  if (d.templated) return undefined;
  const keys = new Set<string>();
  for (const field of kind === 'ConfigMap' ? ['data', 'binaryData'] : ['data', 'stringData']) {
    const m = d.get([field]);
    if (m === undefined || m === null) continue;
    if (!isObj(m)) return undefined;
    for (const k of Object.keys(m)) keys.add(k);
  }
  return keys;
}

/** Custom resources that make Secrets, with the name they give them (undefined: a producer whose names are not modelled). */
function producedSecretName(d: YamlDocument): string | undefined | null {
  if (d.group === '' || !d.kind) return null;
  if (d.kind === 'ExternalSecret' && d.group === 'external-secrets.io') {
    const t = d.get(['spec', 'target', 'name']);
    return typeof t === 'string' ? t : d.name;
  }
  if (d.kind === 'SealedSecret' && d.group === 'bitnami.com') {
    const t = d.get(['spec', 'template', 'metadata', 'name']);
    return typeof t === 'string' ? t : d.name;
  }
  if (d.kind === 'Certificate' && d.group === 'cert-manager.io') {
    const s = d.get(['spec', 'secretName']);
    return typeof s === 'string' ? s : undefined;
  }
  return /Secret|OnePasswordItem/.test(d.kind) ? undefined : null;
}

/** Everything the repository makes of `kind`, by name; `open`: some producer's names are not known. */
function produced(all: readonly YamlDocument[], kind: RefKind): { byName: Map<string, Produced>; names: NameSet; open: boolean } {
  const byName = new Map<string, Produced>();
  const names = new NameSet();
  let open = false;
  const entry = (name: string): Produced => {
    let p = byName.get(name);
    if (!p) byName.set(name, (p = { keys: new Set(), hashed: [], plain: false }));
    names.add(name);
    return p;
  };
  const addKeys = (p: Produced, keys: Set<string> | undefined) => {
    if (!keys || !p.keys) p.keys = undefined;
    else for (const k of keys) p.keys.add(k);
  };
  for (const d of docsOfKind(all, kind)) {
    if (d.apiVersion !== 'v1' || typeof d.name !== 'string') continue;
    if (TEMPLATED.test(d.name)) {
      names.add(d.name);
      continue;
    }
    const p = entry(d.name);
    p.plain = true;
    addKeys(p, objectKeys(d, kind));
  }
  for (const k of all) {
    if (k.docClass !== 'kustomization') continue;
    const list = k.get([GENERATORS[kind]]);
    if (!Array.isArray(list)) continue;
    // a global disableNameSuffixHash: true wins over an entry's own options (kustomize generatorOptions docs)
    const globalOff = k.get(['generatorOptions', 'disableNameSuffixHash']) === true;
    // `configurations` may add a nameReference for HelmRelease valuesFrom (the Flux guide's kustomizeconfig.yaml)
    const renamesRefs = k.get(['configurations']) !== undefined;
    list.forEach((g, i) => {
      if (!isObj(g) || typeof g['name'] !== 'string') return;
      if (TEMPLATED.test(g['name'])) {
        names.add(g['name']);
        return;
      }
      const p = entry(g['name']);
      addKeys(p, generatorKeys(g));
      const off = globalOff || (isObj(g['options']) && g['options']['disableNameSuffixHash'] === true);
      // `behavior: merge`/`replace` changes an object of that name made elsewhere (an overlay's options: not modelled)
      const changes = g['behavior'] === 'merge' || g['behavior'] === 'replace';
      if (off || renamesRefs || changes) p.plain = true;
      else p.hashed.push({ doc: k, path: [GENERATORS[kind], i, 'name'] });
    });
  }
  if (kind === 'Secret') {
    for (const d of all) {
      const n = producedSecretName(d);
      if (n === null) continue;
      if (n === undefined) open = true;
      else {
        const p = entry(n);
        p.plain = true;
        p.keys = undefined;
      }
    }
  }
  return { byName, names, open };
}

const HR = (valuesFrom: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  interval: 1h\n  chartRef:\n    kind: OCIRepository\n    name: cilium\n  valuesFrom:\n${valuesFrom}`;
const VF = (name: string, key = '') => `    - kind: ConfigMap\n      name: ${name}\n${key ? `      valuesKey: ${key}\n` : ''}`;
const KUST = (opts: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./helmrelease.yaml\nconfigMapGenerator:\n  - name: cilium-values\n    files:\n      - values.yaml=./helm-values.yaml\n${opts}`;
const NO_HASH = 'generatorOptions:\n  disableNameSuffixHash: true\n';

export default defineRule({
  meta: {
    id: 'gitops/helmrelease-values-from',
    description: 'A Flux HelmRelease `valuesFrom` names a ConfigMap/Secret (or key) the repository does not produce under that name.',
    severity: 'error',
    messages: {
      missing: 'HelmRelease "{{name}}" takes values from {{kind}} "{{object}}", which the repository neither holds nor generates; helm-controller fails ("could not resolve {{kind}} chart values reference") and never installs or upgrades the release.',
      missingNear: 'HelmRelease "{{name}}" takes values from {{kind}} "{{object}}", which the repository neither holds nor generates (did you mean "{{suggestion}}"?); helm-controller fails ("could not resolve {{kind}} chart values reference") and never installs or upgrades the release.',
      hashedName: 'HelmRelease "{{name}}" takes values from {{kind}} "{{object}}", but the kustomize generator that makes it appends a content hash to its name ("{{object}}-<hash>") and does not rewrite valuesFrom; helm-controller finds no "{{object}}". Set `generatorOptions.disableNameSuffixHash: true`.',
      missingKey: 'HelmRelease "{{name}}" reads key "{{key}}" of {{kind}} "{{object}}", which has only {{keys}}; helm-controller fails ("key not found") unless the entry is `optional: true`.',
    },
    messageSeverities: { missing: 'warning', missingNear: 'warning' },
    help: 'Name a ConfigMap/Secret the repository makes (with `disableNameSuffixHash: true` on its generator) and a key it holds, or mark the entry `optional: true`.',
    docs: {
      what: 'For each `spec.valuesFrom` entry of a Flux HelmRelease (ConfigMap or Secret), looks for the objects the repository makes of that name: committed ConfigMaps and Secrets (SOPS-encrypted too: their key names are plain), kustomize `configMapGenerator` / `secretGenerator` entries (keys: a file\'s base name, the `key=` of `key=path`, literals), Secrets an ExternalSecret, SealedSecret or cert-manager Certificate makes. Then:\n' +
        '- none at all: a warning (messageId missing), with the nearest name, unless `optional: true`;\n' +
        '- only generators that append a content hash to the name (no `disableNameSuffixHash: true` in `generatorOptions` or the entry\'s `options`, and no `configurations:` that could add a name reference): an error (hashedName);\n' +
        '- the `valuesKey` (default `values.yaml`) is not among the keys: an error (missingKey), unless `optional: true`.\n' +
        '\n' +
        'Not judged: a kind the repository makes none of (its objects are then made elsewhere), templated names, env-file generators\' keys, Secrets when the repository has a Secret-making resource whose names are not modelled, repositories where kustomize renames objects (`namePrefix`/`nameSuffix`) or the Flux Operator makes them (ResourceSet); missing objects in runs over part of the repository.',
      why: 'helm-controller reads every valuesFrom object by name in the HelmRelease\'s namespace before it renders the chart (fluxcd/pkg chartutil ChartValuesFromReferences): an object or key it cannot find fails the release ("could not resolve ConfigMap chart values reference \'ns/name\' with key \'values.yaml\': resource not found" / "key not found"), so the release is never installed or upgraded. kustomize appends a hash of the content to generated names and rewrites references only in fields it knows; HelmRelease `valuesFrom` is not one, so a generated `cilium-values` is applied as `cilium-values-<hash>` and the HelmRelease never finds it (hence `disableNameSuffixHash: true` in home-ops repositories).',
      fix: 'Correct the name or key; add `generatorOptions: {disableNameSuffixHash: true}` to the kustomization that generates it (or a `configurations:` nameReference for `spec/valuesFrom/name`, as the Flux guide shows); mark values that may be absent `optional: true`.',
      sources: [SRC.fluxHelmRelease, 'https://fluxcd.io/flux/components/helm/helmreleases/#values-references', 'https://github.com/fluxcd/pkg/blob/main/chartutil/values.go', 'https://fluxcd.io/flux/guides/helmreleases/#refer-to-values-in-configmaps-generated-with-kustomize', 'https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/generatoroptions/'],
    },
    examples: {
      valid: [{ files: { 'apps/cilium/helmrelease.yaml': HR(VF('cilium-values')), 'apps/cilium/kustomization.yaml': KUST(NO_HASH), 'apps/cilium/helm-values.yaml': 'ipam:\n  mode: kubernetes\n' } }],
      invalid: [
        { files: { 'apps/cilium/helmrelease.yaml': HR(VF('cilium-value')), 'apps/cilium/kustomization.yaml': KUST(NO_HASH), 'apps/cilium/helm-values.yaml': 'ipam:\n  mode: kubernetes\n' } },
        { files: { 'apps/cilium/helmrelease.yaml': HR(VF('cilium-values')), 'apps/cilium/kustomization.yaml': KUST(''), 'apps/cilium/helm-values.yaml': 'ipam:\n  mode: kubernetes\n' }, note: 'the generator hashes the name' },
        { files: { 'apps/cilium/helmrelease.yaml': HR(VF('cilium-values', 'helm-values.yaml')), 'apps/cilium/kustomization.yaml': KUST(NO_HASH), 'apps/cilium/helm-values.yaml': 'ipam:\n  mode: kubernetes\n' }, note: 'the key is values.yaml' },
        { files: { 'apps/cilium/helmrelease.yaml': HR(VF('cilium-settings')), 'apps/cilium/kustomization.yaml': KUST(NO_HASH), 'apps/cilium/helm-values.yaml': 'ipam:\n  mode: kubernetes\n' }, note: 'nothing close enough to suggest' },
      ],
    },
    needsWholeTree: ['missing', 'missingNear'],
  },
  check({ cluster, all }) {
    const hrs = docsOfKind(cluster.docs, 'HelmRelease').filter((d) => d.docClass === 'k8s' && d.group === 'helm.toolkit.fluxcd.io' && !d.templated && Array.isArray(d.get(['spec', 'valuesFrom'])));
    if (!hrs.length || namesMayChange(all)) return [];
    const made = { ConfigMap: produced(all, 'ConfigMap'), Secret: produced(all, 'Secret') };
    const out: RuleFinding[] = [];
    for (const d of hrs) {
      const name = d.name ?? '';
      (d.get(['spec', 'valuesFrom']) as unknown[]).forEach((ref, i) => {
        if (!isObj(ref) || (ref['kind'] !== 'ConfigMap' && ref['kind'] !== 'Secret')) return;
        const kind: RefKind = ref['kind'];
        const object = ref['name'];
        const key = ref['valuesKey'] === undefined ? DEFAULT_KEY : ref['valuesKey'];
        if (typeof object !== 'string' || !object || TEMPLATED.test(object) || typeof key !== 'string' || TEMPLATED.test(key)) return;
        const optional = ref['optional'] === true;
        const at: Path = ['spec', 'valuesFrom', i];
        const m = made[kind];
        const p = m.byName.get(object);
        if (!p) {
          if (optional || m.open || !m.byName.size || m.names.patterns.some((r) => r.test(object))) return;
          const suggestion = suggest(object, m.names.sorted);
          const base = { doc: d, path: [...at, 'name'], severity: 'warning' as const };
          out.push(suggestion ? { ...base, messageId: 'missingNear', data: { name, kind, object, suggestion } } : { ...base, messageId: 'missing', data: { name, kind, object } });
          return;
        }
        if (!p.plain) {
          out.push({ doc: d, path: [...at, 'name'], messageId: 'hashedName', data: { name, kind, object }, related: p.hashed.map((h) => ({ doc: h.doc, path: h.path, message: 'the generator, without disableNameSuffixHash' })) });
          return;
        }
        if (optional || !p.keys || p.keys.has(key)) return;
        const keys = [...p.keys].sort().map((k) => `"${k}"`).join(', ') || 'no keys';
        out.push({ doc: d, path: ref['valuesKey'] === undefined ? [...at, 'name'] : [...at, 'valuesKey'], messageId: 'missingKey', data: { name, kind, object, key, keys } });
      });
    }
    return out;
  },
});
