/**
 * Flux post-build variable substitution, as far as the repository shows it: the `${VAR}` placeholders in the
 * documents a Flux Kustomization applies are replaced with the values of its `spec.postBuild.substitute` and of
 * the ConfigMaps its `substituteFrom` names, so rules check the addresses the cluster really gets (a pool
 * `cidr: ${LAN_CIDR}`, an LB IP `${PLEX_IP}`). Secrets are never read (their values must not reach a report).
 * Only `value` changes; `parsed` keeps the text's own value for schema validation. Nothing is resolved by guess:
 * a variable defined with two different values where it applies stays a placeholder.
 */
import type { Path, Substitution, YamlDocument } from '../core/document.js';
import { fluxKustomizations, ksFor, type FluxKs } from './flux-kustomizations.js';

/** The annotation (or label) with value `disabled` that turns substitution off for one object. */
export const SUBSTITUTE_OPT_OUT = 'kustomize.toolkit.fluxcd.io/substitute';

const VAR_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/** A variable's value and where it is defined. */
interface VarDef {
  value: string;
  from: NonNullable<Substitution['from']>;
}

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
    configMaps.set(d.name, [...(configMaps.get(d.name) ?? []), d]);
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

/**
 * One `${...}` expression: the variable and, for the default forms (`${VAR:=d}`, `${VAR=d}`, `${VAR:-d}`, and
 * `${VAR:?d}` / `${VAR:+d}`, which fluxcd/pkg envsubst treats alike), the default. Other operators (case, slices,
 * pattern removal and replacement) are not modelled: such a placeholder stays as written.
 */
interface Expr {
  name: string;
  fallback?: string;
}

function parseExpr(body: string): Expr | undefined {
  const m = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(=|:=|:-|:\?|:\+)(.*))?$/s.exec(body);
  if (!m) return undefined;
  return m[2] === undefined ? { name: m[1]! } : { name: m[1]!, fallback: m[3]! };
}

/**
 * `text` with its `${...}` placeholders replaced, as fluxcd/pkg envsubst does: `$$` is an escaped `$`; a default
 * applies when the variable is unset or empty. A placeholder whose variable the repository cannot tell (or an
 * expression not modelled) is kept as written: Flux would substitute an empty string or fail, talium cannot know.
 */
export function substituteText(text: string, lookup: (name: string) => VarDef | null | undefined, used: Array<{ name: string; value: string; def?: VarDef }>): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('$', i);
    if (at === -1) break;
    out += text.slice(i, at);
    if (text[at + 1] === '$') {
      out += '$';
      i = at + 2;
      continue;
    }
    if (text[at + 1] !== '{') {
      out += '$';
      i = at + 1;
      continue;
    }
    const close = text.indexOf('}', at + 2);
    const expr = close === -1 ? undefined : parseExpr(text.slice(at + 2, close));
    if (!expr) {
      out += '${';
      i = at + 2;
      continue;
    }
    const def = lookup(expr.name);
    if (def && (def.value !== '' || expr.fallback === undefined)) {
      out += def.value;
      used.push({ name: expr.name, value: def.value, def });
    } else if (def !== null && expr.fallback !== undefined && !expr.fallback.includes('$')) {
      out += expr.fallback;
      used.push({ name: expr.name, value: expr.fallback });
    } else out += text.slice(at, close + 1);
    i = close + 1;
  }
  return out + text.slice(i);
}

/**
 * A whole-string placeholder takes the type its value has when kustomize-controller reads the substituted YAML
 * back (sigs.k8s.io/yaml, YAML 1.1): `port: ${PORT}` with PORT=80 is the number 80, `on` a boolean, '' null.
 */
function typed(original: string, result: string): unknown {
  if (!/^\$\{[^}]*\}$/.test(original)) return result;
  if (/^(?:|null|Null|NULL|~)$/.test(result)) return null;
  if (/^(?:y|Y|yes|Yes|YES|on|On|ON|true|True|TRUE)$/.test(result)) return true;
  if (/^(?:n|N|no|No|NO|off|Off|OFF|false|False|FALSE)$/.test(result)) return false;
  if (/^[-+]?(?:0|[1-9][0-9]*)$/.test(result)) {
    const n = Number(result);
    return Number.isSafeInteger(n) ? n : result;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(result)) return Number(result);
  return result;
}

const PLACEHOLDER = /\$\{[_a-zA-Z]/;
const TEMPLATE = /\{\{|\{%|#\{|\$\{[_a-zA-Z]/;

/** Substitutes one value tree; returns undefined when nothing changed. */
function substituteValue(value: unknown, lookup: (name: string) => VarDef | null | undefined, subs: Substitution[]): { value: unknown; templated: boolean } | undefined {
  let templated = false;
  const walk = (v: unknown, path: Path): unknown => {
    if (typeof v === 'string') {
      if (!PLACEHOLDER.test(v)) {
        if (TEMPLATE.test(v)) templated = true;
        return v;
      }
      const used: Array<{ name: string; value: string; def?: VarDef }> = [];
      const s = substituteText(v, lookup, used);
      if (TEMPLATE.test(s)) templated = true;
      if (!used.length) return v;
      for (const u of used) subs.push({ path, name: u.name, value: u.value, ...(u.def ? { from: u.def.from } : {}) });
      return typed(v, s);
    }
    if (Array.isArray(v)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const n = walk(v[i], [...path, i]);
        if (n !== v[i]) (copy ??= v.slice())[i] = n;
      }
      return copy ?? v;
    }
    if (isObj(v)) {
      let copy: Record<string, unknown> | undefined;
      for (const k of Object.keys(v)) {
        if (TEMPLATE.test(k)) templated = true;
        const n = walk(v[k], [...path, k]);
        if (n !== v[k]) {
          copy ??= { ...v };
          Object.defineProperty(copy, k, { value: n, enumerable: true, writable: true, configurable: true });
        }
      }
      return copy ?? v;
    }
    return v;
  };
  const out = walk(value, []);
  return subs.length ? { value: out, templated } : undefined;
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
