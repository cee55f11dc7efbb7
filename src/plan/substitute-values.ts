/**
 * Placeholder substitution in a document's value, shared by the Flux and talhelper front-ends: `${VAR}` forms
 * (fluxcd/pkg envsubst and a8m/envsubst agree on these), YAML typing of a whole-value placeholder, and the record
 * of what was replaced where. Which variables apply is the caller's business.
 */
import type { Path, Substitution } from '../core/document.js';
import { TEMPLATE_RE as TEMPLATE } from '../lint/parse.js';
import { isObj } from './util.js';

/** A variable's value and where it is defined. */
export interface VarDef {
  value: string;
  from: NonNullable<Substitution['from']>;
}

/** A variable's definition; null: it may be defined where talium cannot see (a Secret, an encrypted file). */
export type Lookup = (name: string) => VarDef | null | undefined;

/**
 * One `${...}` expression: the variable and, for the default forms (`${VAR:=d}`, `${VAR=d}`, `${VAR:-d}`, and
 * `${VAR:?d}` / `${VAR:+d}`, which fluxcd/pkg envsubst treats alike), the default. Other operators (case, slices,
 * pattern removal and replacement) are not modelled: such a placeholder stays as written.
 */
export interface Expr {
  name: string;
  fallback?: string;
}

function parseExpr(body: string): Expr | undefined {
  const m = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(=|:=|:-|:\?|:\+)(.*))?$/s.exec(body);
  if (!m) return undefined;
  return m[2] === undefined ? { name: m[1]! } : { name: m[1]!, fallback: m[3]! };
}

/** Longest `${...}` body looked at; a longer one is kept as written. */
const MAX_EXPR = 512;

/** The `${...}` expressions of `text` as fluxcd/pkg envsubst reads them (`$$` escapes a `$`), in order; unmodelled ones left out. */
export function placeholders(text: string): Expr[] {
  const out: Expr[] = [];
  for (let i = text.indexOf('$'); i !== -1 && i < text.length; i = text.indexOf('$', i)) {
    if (text[i + 1] === '$') {
      i += 2;
      continue;
    }
    if (text[i + 1] !== '{') {
      i += 1;
      continue;
    }
    const close = text.indexOf('}', i + 2);
    const expr = close === -1 || close - i - 2 > MAX_EXPR ? undefined : parseExpr(text.slice(i + 2, close));
    if (expr) out.push(expr);
    i = expr ? close + 1 : i + 2;
  }
  return out;
}

/**
 * `text` with its `${...}` placeholders replaced, as fluxcd/pkg envsubst does: `$$` is an escaped `$`; a default
 * applies when the variable is unset or empty. A placeholder whose variable the repository cannot tell (or an
 * expression not modelled) is kept as written: Flux would substitute an empty string or fail, talium cannot know.
 */
export function substituteText(text: string, lookup: Lookup, used: Array<{ name: string; value: string; def?: VarDef }>): string {
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
    // an expression is short: look for its `}` within a bounded window (a text full of unclosed `${` stays linear)
    let close = -1;
    for (let j = at + 2, end = Math.min(text.length, at + 2 + MAX_EXPR); j < end; j++) {
      if (text.charCodeAt(j) === 125) {
        close = j;
        break;
      }
    }
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

export const PLACEHOLDER = /\$\{[_a-zA-Z]/;
export { TEMPLATE };

/** Substitutes one value tree; returns undefined when nothing changed. */
export function substituteValue(value: unknown, lookup: Lookup, subs: Substitution[]): { value: unknown; templated: boolean } | undefined {
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

