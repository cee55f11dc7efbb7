/**
 * Flux post-build variable substitution, as far as the repository shows it: the `${VAR}` placeholders in the
 * documents a Flux Kustomization applies are replaced with the values of its `spec.postBuild.substitute` and of
 * the ConfigMaps its `substituteFrom` names, so rules check the addresses the cluster really gets (a pool
 * `cidr: ${LAN_CIDR}`, an LB IP `${PLEX_IP}`). Secrets are never read (their values must not reach a report).
 * Only `value` changes; `parsed` keeps the text's own value for schema validation. Nothing is resolved by guess:
 * a variable defined with two different values where it applies stays a placeholder.
 */
import type { Substitution, YamlDocument } from '../core/document.js';
import { fluxKustomizations, ksFor, type FluxKs } from './flux-kustomizations.js';
import { substituteValue, TEMPLATE, type VarDef } from './substitute-values.js';

/** The annotation (or label) with value `disabled` that turns substitution off for one object. */
export const SUBSTITUTE_OPT_OUT = 'kustomize.toolkit.fluxcd.io/substitute';

const VAR_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

type Vars = Map<string, VarDef | null>;

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A ConfigMap's `data` entries that can be variables (name syntax, string values). */
function configMapVars(cm: YamlDocument, into: Vars): void {
  const data = cm.get(['data']);
  if (!isObj(data)) return;
  const source = `ConfigMap ${cm.name ?? ''}`;
  for (const [k, v] of Object.entries(data)) {
    if (!VAR_NAME.test(k) || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) continue;
    // a value that is itself a placeholder or template tells nothing
    if (typeof v === 'string' && TEMPLATE.test(v)) continue;
    into.set(k, { value: String(v).replaceAll('\n', ''), from: { doc: cm, path: ['data', k], source } });
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
  /** Names referenced by some `substituteFrom` (any Kustomization in the repository). */
  referenced: Set<string>;
  /** Some Kustomization in the repository references variables from a ConfigMap or Secret. */
  anyReference: boolean;
  /** Some Kustomization takes variables from a Secret: an unseen name may be defined there (no defaults then). */
  secretReferenced: boolean;
}

function collectSources(docs: readonly YamlDocument[], kss: readonly FluxKs[]): Sources {
  const configMaps = new Map<string, YamlDocument[]>();
  for (const d of docs) {
    if (d.kind !== 'ConfigMap' || d.apiVersion !== 'v1' || !d.name) continue;
    const list = configMaps.get(d.name);
    if (list) list.push(d);
    else configMaps.set(d.name, [d]);
  }
  const referenced = new Set<string>();
  let anyReference = false;
  let secretReferenced = false;
  for (const k of kss) {
    const from = k.doc.get(['spec', 'postBuild', 'substituteFrom']);
    if (!Array.isArray(from)) continue;
    for (const ref of from) {
      if (!isObj(ref) || typeof ref['name'] !== 'string') continue;
      anyReference = true;
      if (ref['kind'] === 'ConfigMap') referenced.add(ref['name']);
      else secretReferenced = true;
    }
  }
  return { configMaps, referenced, anyReference, secretReferenced };
}

/** The ConfigMap a `substituteFrom` entry of `k` names: the one in its namespace, else the only one of that name. */
function pickConfigMap(list: readonly YamlDocument[] | undefined, k: FluxKs): YamlDocument | undefined {
  if (!list?.length) return undefined;
  if (list.length === 1) return list[0];
  const same = list.filter((c) => c.namespace === k.namespace);
  return same.length === 1 ? same[0] : undefined;
}

/**
 * The variables of one Flux Kustomization: `substituteFrom` entries in order (a later one overrides an earlier),
 * then `substitute`, which overrides them all. A Secret's variables are unknown (null): never taken from elsewhere.
 */
function kustomizationVars(k: FluxKs, src: Sources): Vars | undefined {
  const post = k.doc.get(['spec', 'postBuild']);
  if (!isObj(post)) return undefined;
  const vars: Vars = new Map();
  const from = post['substituteFrom'];
  if (Array.isArray(from)) {
    for (const ref of from) {
      if (!isObj(ref) || typeof ref['name'] !== 'string') continue;
      if (ref['kind'] === 'ConfigMap') {
        const cm = pickConfigMap(src.configMaps.get(ref['name']), k);
        if (cm) configMapVars(cm, vars);
      } else if (ref['kind'] === 'Secret') {
        // its keys are unknown (or encrypted): any variable may come from it, so nothing may be resolved from a
        // fallback once a secret is in play for a name the repository cannot see
        vars.set(`\0secret:${ref['name']}`, null);
      }
    }
  }
  const inline = post['substitute'];
  if (isObj(inline)) {
    for (const [name, v] of Object.entries(inline)) {
      if (!VAR_NAME.test(name) || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) continue;
      vars.set(name, { value: String(v).replaceAll('\n', ''), from: { doc: k.doc, path: ['spec', 'postBuild', 'substitute', name], source: `Flux Kustomization ${k.name} postBuild.substitute` } });
    }
  }
  return vars;
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
  const data = cm.get(['data']);
  if (!isObj(data)) return false;
  const keys = Object.keys(data);
  return keys.length > 0 && keys.every((k) => /^[A-Z_][A-Z0-9_]*$/.test(k));
}

function optedOut(d: YamlDocument): boolean {
  for (const where of ['annotations', 'labels']) {
    const m = d.get(['metadata', where]);
    if (isObj(m) && m[SUBSTITUTE_OPT_OUT] === 'disabled') return true;
  }
  return false;
}

export interface SubstitutionSummary {
  /** Documents whose value changed. */
  documents: number;
  /** Placeholders replaced. */
  placeholders: number;
}

/**
 * Applies Flux post-build substitution to every templated document a Flux Kustomization (or, failing that, the
 * repository's variable ConfigMaps) gives values for, in repositories with Flux objects. Documents are changed in
 * place (YamlDocument.substitute).
 */
export function applyFluxSubstitution(docs: readonly YamlDocument[]): SubstitutionSummary {
  const summary: SubstitutionSummary = { documents: 0, placeholders: 0 };
  // what kustomize-controller applies: Kubernetes objects and the values files kustomize turns into ConfigMaps
  // (not Talos configs, talhelper files or tool configs, which other programs read with their own variables)
  const candidates = docs.filter((d) => d.templated && (d.docClass === 'k8s' || d.docClass === 'helm-values'));
  if (!candidates.length || !docs.some((d) => d.group.endsWith('.toolkit.fluxcd.io'))) return summary;
  const kss = fluxKustomizations(docs);
  const src = collectSources(docs, kss);
  const withPostBuild = kss.filter((k) => isObj(k.doc.get(['spec', 'postBuild'])));
  const scoped = new Map<FluxKs, Vars | undefined>();
  let fallback: Vars | undefined;
  for (const d of candidates) {
    if (optedOut(d)) continue;
    const k = ksFor(d.file.path, withPostBuild);
    let own: Vars | undefined;
    if (k) {
      if (!scoped.has(k)) scoped.set(k, kustomizationVars(k, src));
      own = scoped.get(k);
    }
    const hidesSecrets = own ? [...own.keys()].some((n) => n.startsWith('\0secret:')) : false;
    const lookup = (name: string): VarDef | null | undefined => {
      if (own?.has(name)) return own.get(name);
      // a variable the document's Kustomization may take from a Secret: unknown, not guessed from elsewhere
      if (hidesSecrets) return null;
      fallback ??= fallbackVars(src);
      // not defined where the repository can see: its default applies, unless a Secret may define it
      return fallback.has(name) ? fallback.get(name) : src.secretReferenced ? null : undefined;
    };
    const subs: Substitution[] = [];
    const r = substituteValue(d.value, lookup, subs);
    if (!r) continue;
    d.substitute(r.value, subs, r.templated);
    summary.documents++;
    summary.placeholders += subs.length;
  }
  return summary;
}
