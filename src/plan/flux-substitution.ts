/**
 * Flux post-build variable substitution, as far as the repository shows it: the `${VAR}` placeholders in the
 * documents a Flux Kustomization applies are replaced with the values of its `spec.postBuild.substitute` and of
 * the ConfigMaps its `substituteFrom` names, so rules check the addresses the cluster really gets (a pool
 * `cidr: ${LAN_CIDR}`, an LB IP `${PLEX_IP}`). Of a Secret only the key names are read (SOPS leaves them in plain
 * text): the names it may override; its values must not reach a report.
 * Only `value` changes; `parsed` keeps the text's own value for schema validation. Nothing is resolved by guess:
 * a variable defined with two different values where it applies stays a placeholder.
 */
import { get as getPath, type Substitution, type YamlDocument } from '../core/document.js';
import { groupsOf } from '../core/kind-index.js';
import { isSopsDocument, isSopsValue } from '../core/sops.js';
import { fluxKustomizations, ksAllFor, type FluxKs } from './flux-kustomizations.js';
import { substituteValue, TEMPLATE, type VarDef } from './substitute-values.js';
import { isObj } from './util.js';

/** The annotation (or label) with value `disabled` that turns substitution off for one object. */
export const SUBSTITUTE_OPT_OUT = 'kustomize.toolkit.fluxcd.io/substitute';

const VAR_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

type Vars = Map<string, VarDef | null>;

/**
 * A ConfigMap's `data` entries that can be variables (name syntax, scalar values), read from the text as written
 * (never from another substitution's result). SOPS-encrypted or templated values are unknown (null): Flux
 * decrypts or would substitute them first.
 */
function configMapVars(cm: YamlDocument, into: Vars): void {
  const data = getPath(cm.parsed, ['data']);
  if (!isObj(data)) return;
  const sops = isSopsDocument(cm.parsed);
  const source = `ConfigMap ${cm.name ?? ''}`;
  for (const [k, v] of Object.entries(data)) {
    if (!VAR_NAME.test(k) || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) continue;
    if (sops || (typeof v === 'string' && (TEMPLATE.test(v) || isSopsValue(v)))) into.set(k, null);
    else into.set(k, { value: String(v).replaceAll('\n', ''), from: { doc: cm, path: ['data', k], source, by: 'Flux' } });
  }
}

/**
 * The names a Secret the repository holds gives a Kustomization (`data` and `stringData` keys, which SOPS leaves in
 * plain text), each unknown (null): a later `substituteFrom` entry overrides only these, not every name before it.
 */
function secretVars(secret: YamlDocument, into: Vars): void {
  for (const field of ['data', 'stringData']) {
    const data = getPath(secret.parsed, [field]);
    if (isObj(data)) for (const k of Object.keys(data)) into.set(k, null);
  }
}

/** Adds `def` under `name` unless the same name already has another value there (then it is ambiguous: null). */
function addUnambiguous(vars: Vars, name: string, def: VarDef | null): void {
  if (!vars.has(name)) vars.set(name, def);
  else {
    const had = vars.get(name);
    if (had == null || def === null || had.value !== def.value) vars.set(name, null);
  }
}

interface Sources {
  /** ConfigMaps by name. */
  configMaps: Map<string, YamlDocument[]>;
  /** Secrets by name (only their key names are read). */
  secrets: Map<string, YamlDocument[]>;
  /** Names referenced by some `substituteFrom` (any Kustomization in the repository). */
  referenced: Set<string>;
  /** Some Kustomization in the repository references variables from a ConfigMap or Secret. */
  anyReference: boolean;
  /** Some Kustomization takes variables from a Secret: an unseen name may be defined there (no defaults then). */
  secretReferenced: boolean;
}

function collectSources(docs: readonly YamlDocument[], kss: readonly FluxKs[]): Sources {
  const configMaps = new Map<string, YamlDocument[]>();
  const secrets = new Map<string, YamlDocument[]>();
  for (const d of docs) {
    if ((d.kind !== 'ConfigMap' && d.kind !== 'Secret') || d.apiVersion !== 'v1' || !d.name) continue;
    const byName = d.kind === 'ConfigMap' ? configMaps : secrets;
    const list = byName.get(d.name);
    if (list) list.push(d);
    else byName.set(d.name, [d]);
  }
  const referenced = new Set<string>();
  let anyReference = false;
  let secretReferenced = false;
  for (const k of kss) {
    const from = getPath(k.doc.parsed, ['spec', 'postBuild', 'substituteFrom']);
    if (!Array.isArray(from)) continue;
    for (const ref of from) {
      if (!isObj(ref) || typeof ref['name'] !== 'string') continue;
      anyReference = true;
      if (ref['kind'] === 'ConfigMap') referenced.add(ref['name']);
      else secretReferenced = true;
    }
  }
  return { configMaps, secrets, referenced, anyReference, secretReferenced };
}

/**
 * The ConfigMap (or Secret) a `substituteFrom` entry of `k` names (Flux looks in the Kustomization's namespace): the only one
 * of that name, else the only one in its namespace, else the one nearest to the Kustomization's file (another
 * cluster's `cluster-settings` in a multi-cluster repository); undefined when that still leaves a choice.
 */
function pickSource(list: readonly YamlDocument[] | undefined, k: FluxKs): YamlDocument | undefined {
  if (!list?.length) return undefined;
  if (list.length === 1) return list[0];
  const same = list.filter((c) => c.namespace === undefined || c.namespace === k.namespace);
  if (same.length === 1) return same[0];
  const shared = (c: YamlDocument): number => {
    const a = c.file.path.split('/');
    const b = k.doc.file.path.split('/');
    let n = 0;
    while (n < a.length - 1 && n < b.length - 1 && a[n] === b[n]) n++;
    return n;
  };
  const ranked = (same.length ? same : list).map((c) => [shared(c), c] as const).sort((x, y) => y[0] - x[0]);
  return ranked.length > 1 && ranked[0]![0] === ranked[1]![0] ? undefined : ranked[0]![1];
}

/** A Flux Kustomization's own variables, and whether a name it does not define could still come from it. */
interface OwnVars {
  vars: Vars;
  /** A source talium cannot read (a Secret or ConfigMap not in the tree or not unique): any other name may be there. */
  opaque: boolean;
  /** Only inline `substitute`: a parent may patch `substituteFrom` in (the onedr0p layout), so other names fall back. */
  inlineOnly: boolean;
}

/**
 * The variables of one Flux Kustomization, as kustomize-controller loads them: `substituteFrom` entries in order (a
 * later one overrides an earlier one, so a Secret after a ConfigMap makes the names it has unknown, and every name
 * when the repository does not hold it), then `substitute`, which overrides them all.
 */
function kustomizationVars(k: FluxKs, src: Sources): OwnVars | undefined {
  const post = getPath(k.doc.parsed, ['spec', 'postBuild']);
  if (!isObj(post)) return undefined;
  const own: OwnVars = { vars: new Map(), opaque: false, inlineOnly: true };
  const from = post['substituteFrom'];
  if (Array.isArray(from)) {
    for (const ref of from) {
      if (!isObj(ref) || typeof ref['name'] !== 'string') continue;
      own.inlineOnly = false;
      const secret = ref['kind'] === 'Secret';
      const source = pickSource((secret ? src.secrets : src.configMaps).get(ref['name']), k);
      if (source && secret) secretVars(source, own.vars);
      else if (source) configMapVars(source, own.vars);
      else {
        // a Secret or ConfigMap talium cannot pin down (not in the tree, several): it may define or override any name
        own.opaque = true;
        for (const name of own.vars.keys()) own.vars.set(name, null);
      }
    }
  }
  const inline = post['substitute'];
  if (isObj(inline)) {
    for (const [name, v] of Object.entries(inline)) {
      if (!VAR_NAME.test(name) || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) continue;
      own.vars.set(name, { value: String(v).replaceAll('\n', ''), from: { doc: k.doc, path: ['spec', 'postBuild', 'substitute', name], source: `Flux Kustomization ${k.name} postBuild.substitute`, by: 'Flux' } });
    }
  }
  return own;
}

/**
 * Repository-wide variables, for documents whose own Kustomization does not define a name (a parent that patches
 * `postBuild` into its children, a repository copied in part): the ConfigMaps some `substituteFrom` references,
 * or, when no Kustomization in the repository references any, every ConfigMap whose keys all look like variables
 * (`cluster-settings`). Names with two different values stay unresolved.
 */
function fallbackVars(src: Sources): Vars {
  const vars: Vars = new Map();
  for (const [name, list] of src.configMaps) {
    if (src.anyReference ? !src.referenced.has(name) : !list.every(looksLikeVariables)) continue;
    for (const cm of list) {
      const mine: Vars = new Map();
      configMapVars(cm, mine);
      for (const [k, def] of mine) addUnambiguous(vars, k, def);
    }
  }
  return vars;
}

function looksLikeVariables(cm: YamlDocument): boolean {
  const data = getPath(cm.parsed, ['data']);
  if (!isObj(data)) return false;
  const keys = Object.keys(data);
  return keys.length > 0 && keys.every((k) => /^[A-Z_][A-Z0-9_]*$/.test(k));
}

function optedOut(d: YamlDocument): boolean {
  for (const where of ['annotations', 'labels']) {
    const m = getPath(d.parsed, ['metadata', where]);
    if (isObj(m) && m[SUBSTITUTE_OPT_OUT] === 'disabled') return true;
  }
  return false;
}

/** Whether any document of `docs` is of a Flux apiVersion group (`*.toolkit.fluxcd.io`). */
function hasFluxGroup(docs: readonly YamlDocument[]): boolean {
  for (const g of groupsOf(docs)) if (g.endsWith('.toolkit.fluxcd.io')) return true;
  return false;
}

/**
 * Applies Flux post-build substitution to every templated document a Flux Kustomization (or, failing that, the
 * repository's variable ConfigMaps) gives values for, in repositories with Flux objects. Documents are changed in
 * place (YamlDocument.substitute).
 */
export function applyFluxSubstitution(docs: readonly YamlDocument[]): void {
  // what kustomize-controller applies: Kubernetes objects and the values files kustomize turns into ConfigMaps
  // (not Talos configs, talhelper files or tool configs, which other programs read with their own variables)
  // (the groups from the kind index first: a repository without Flux objects is not scanned)
  if (!hasFluxGroup(docs)) return;
  const candidates = docs.filter((d) => d.templated && (d.docClass === 'k8s' || d.docClass === 'helm-values'));
  if (!candidates.length) return;
  const kss = fluxKustomizations(docs);
  const src = collectSources(docs, kss);
  const withPostBuild = kss.filter((k) => isObj(getPath(k.doc.parsed, ['spec', 'postBuild'])));
  const scoped = new Map<FluxKs, OwnVars | undefined>();
  let fallback: Vars | undefined;
  const fromRepository = (name: string): VarDef | null | undefined => {
    fallback ??= fallbackVars(src);
    // not defined where the repository can see: its default applies, unless a Secret may define it
    return fallback.has(name) ? fallback.get(name) : src.secretReferenced ? null : undefined;
  };
  for (const d of candidates) {
    // a Secret is substituted by Flux too, but what it would hold is no business of a report
    if (optedOut(d) || d.kind === 'Secret') continue;
    // several Kustomizations applying this folder (one per cluster, each with its own variables): the one
    // document stands for every rendering, so a name resolves only where they all agree
    const owns = ksAllFor(d.file.path, withPostBuild).map((k) => {
      if (!scoped.has(k)) scoped.set(k, kustomizationVars(k, src));
      return scoped.get(k);
    });
    const lookupIn = (own: OwnVars | undefined, name: string): VarDef | null | undefined => {
      if (!own) return fromRepository(name);
      if (own.vars.has(name)) return own.vars.get(name);
      if (own.opaque) return null;
      // every source in view and none defines it: Flux uses the default (or an empty string: kept as written)
      return own.inlineOnly ? fromRepository(name) : undefined;
    };
    const lookup = (name: string): VarDef | null | undefined => {
      if (!owns.length) return lookupIn(undefined, name);
      const [first, ...rest] = owns.map((own) => lookupIn(own, name));
      return rest.every((x) => x === first || (x && first && x.value === first.value)) ? first : null;
    };
    const subs: Substitution[] = [];
    // from the value as written, so the result never depends on which documents were substituted first
    const r = substituteValue(d.parsed, lookup, subs);
    if (!r) continue;
    d.substitute(r.value, subs, r.templated);
  }
}

/** The variables a Flux Kustomization defines for what it applies, as far as the repository shows them. */
export interface KustomizationVariables {
  /** Names its `substitute` and the `substituteFrom` ConfigMaps/Secrets the repository holds define. */
  names: ReadonlySet<string>;
  /** A `substituteFrom` source talium cannot read (not in the tree, several of that name): any name may be defined. */
  opaque: boolean;
}

/**
 * For each Flux Kustomization with `spec.postBuild`, the variables it defines (kustomizationVars, the model the
 * substitution uses); undefined for one without `postBuild` (Flux substitutes nothing there).
 */
export function kustomizationVariables(docs: readonly YamlDocument[]): (k: FluxKs) => KustomizationVariables | undefined {
  const kss = fluxKustomizations(docs);
  const src = collectSources(docs, kss);
  const memo = new Map<FluxKs, KustomizationVariables | undefined>();
  return (k) => {
    if (!memo.has(k)) {
      const own = kustomizationVars(k, src);
      memo.set(k, own && { names: new Set(own.vars.keys()), opaque: own.opaque });
    }
    return memo.get(k);
  };
}
