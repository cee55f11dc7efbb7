/**
 * Small helpers for plan inference: value guards, repo-relative path resolution, documents by file, Argo CD sources,
 * where a fact's provenance points.
 */
import { parseAllDocuments } from 'yaml';
import { yaml11Boolean } from '../schema/yaml11.js';
import type { Path, YamlDocument } from '../core/document.js';
import type { Range } from '../core/diagnostic.js';
import type { ClusterGroup, Provenance } from './types.js';

/** A value holding Flux `${VAR}` or Go/Helm `{{ }}` templating: not known until substituted or rendered. */
export const TEMPLATED = /\$\{|\{\{/;

/**
 * Where a fact written in a document is, as a finding's place: its path, and inside an inline patch string
 * (Provenance.inner) the value's own range when the string can be mapped (literal, folded or quoted: locateInString).
 * Undefined for a fact without a document.
 */
export function factPlace(from: Provenance): { doc: YamlDocument; path: Path; range?: Range } | undefined {
  if (!from.doc) return undefined;
  const path = from.path ?? [];
  const range = from.inner ? from.doc.locateInString(path, from.inner, from.innerDoc === undefined ? {} : { doc: from.innerDoc }) : undefined;
  return range ? { doc: from.doc, path, range } : { doc: from.doc, path };
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `/spec/values/a~1b/0` → ['spec', 'values', 'a/b', '0'] (RFC 6901: `~1` = `/`, `~0` = `~`); undefined when it is not a JSON pointer. */
export function jsonPointer(p: unknown): string[] | undefined {
  if (typeof p !== 'string' || (p !== '' && !p.startsWith('/'))) return undefined;
  return p === '' ? [] : p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Every body of an inline kustomize patch text (one per YAML document, empty ones left out); undefined when it does not parse. */
export function patchBodies(text: string): unknown[] | undefined {
  try {
    const parsed = parseAllDocuments(text);
    if (!Array.isArray(parsed) || parsed.some((d) => d.errors.length)) return undefined;
    return parsed.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown).filter((b) => b !== null && b !== undefined);
  } catch {
    return undefined;
  }
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `a/b/c.yaml` → `a/b`; `c.yaml` → ``. */
export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

/** Every folder (with its ancestors, not the root '') that holds one of `files`. */
export function foldersOf(files: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const f of files) for (let d = dirOf(f); d && !out.has(d); d = dirOf(d)) out.add(d);
  return out;
}

/**
 * Normalise `a/./b/../c` → `a/c`. Paths are relative to the working directory, and a linted folder outside it
 * starts with `../`: leading `..` segments stay (`../../r/a/../b` → `../../r/b`), so references between its files
 * resolve as they do from inside. A leading `/` (repository-absolute) is dropped; such a path climbing above the
 * root is undefined.
 */
export function normalizePath(path: string): string | undefined {
  const out: string[] = [];
  const absolute = path.startsWith('/');
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (absolute) return undefined;
      else out.push('..');
    } else out.push(seg);
  }
  return out.join('/');
}

export function docsByFile(docs: readonly YamlDocument[]): Map<string, YamlDocument[]> {
  const m = new Map<string, YamlDocument[]>();
  // a file's documents usually follow each other (the run's lists are built file by file): no lookup for those
  let file: unknown;
  let list: YamlDocument[] | undefined;
  for (const d of docs) {
    if (d.file !== file || !list) {
      file = d.file;
      list = m.get(d.file.path);
      if (!list) m.set(d.file.path, (list = []));
    }
    list.push(d);
  }
  return m;
}

/**
 * Resolve `rel` against `dir` to a file path that exists in `byFile`. With `suffix`, also accept any file whose
 * path ends with `/rel` (for references relative to an unknown root: helmfile `{{ env }}/...`, Argo `$values/...`),
 * but only when exactly one file matches. Undefined when not found.
 */
export function resolveRepoPath(byFile: Map<string, unknown>, dir: string, rel: string, suffix = false): string | undefined {
  if (/^[a-z]+:\/\//i.test(rel) || rel.includes('{{')) return undefined;
  const joined = normalizePath(rel.startsWith('/') ? rel : dir ? `${dir}/${rel}` : rel);
  if (joined !== undefined && byFile.has(joined)) return joined;
  if (!suffix) return undefined;
  const tail = normalizePath(rel);
  if (!tail) return undefined;
  const hits = [...byFile.keys()].filter((p) => p === tail || p.endsWith(`/${tail}`));
  return hits.length === 1 ? hits[0] : undefined;
}

/**
 * An Argo CD Helm `valueFiles` entry that names the chart's own values.yaml (`values.yaml`, `./values.yaml`): a path
 * without `$ref/` is relative to the chart, and that file holds the chart's defaults, so it adds nothing.
 */
export function chartOwnValuesFile(f: unknown): boolean {
  return typeof f === 'string' && /^(?:\.\/)*values\.yaml$/.test(f);
}

/** Where an Argo CD Application's spec is: `spec`, or an ApplicationSet's `spec.template.spec`. */
export function argoSpecPath(doc: YamlDocument): Path {
  return doc.kind === 'ApplicationSet' ? ['spec', 'template', 'spec'] : ['spec'];
}

/**
 * The sources an Argo CD Application (or ApplicationSet template) renders, as paths into the document: every
 * `sources[]` entry, or else `source` (with `sources` set, Argo CD ignores `source`).
 */
export function argoSourcePaths(doc: YamlDocument): Path[] {
  const base = argoSpecPath(doc);
  const list = doc.get([...base, 'sources']);
  if (Array.isArray(list) && list.length) return list.map((_, i) => [...base, 'sources', i]);
  return isObj(doc.get([...base, 'source'])) ? [[...base, 'source']] : [];
}

/**
 * A boolean as Talos decodes it: go-yaml v3 reads true/false, and also yes/no/on/off/y/n when the field is a typed
 * bool (https://github.com/go-yaml/yaml/tree/v3#compatibility). Undefined for anything else.
 */
export function talosBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  return typeof v === 'string' ? yaml11Boolean(v) : undefined;
}

/** A group fact several rules ask for, computed once per group (groups do not change once the rules run). */
export function perGroup<T>(memo: WeakMap<ClusterGroup, T>, g: ClusterGroup, compute: () => T): T {
  if (memo.has(g)) return memo.get(g)!;
  const v = compute();
  memo.set(g, v);
  return v;
}

/**
 * The pattern with a `]` that opens a character class (`[]a]`, `[^]a]`) escaped: Go RE2 reads it as a literal, as
 * `alternatives` does, while JavaScript reads `[]` as an empty class and `[^]` as any character, so the rest of the
 * class would run as pattern (unguarded alternations).
 */
function re2Classes(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      out += pattern.slice(i, i + 2);
      i++;
    } else if (c === '[') {
      out += '[';
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      // up to the closing `]` (kept for the outer loop), an escape with the character it escapes
      while (i + 1 < pattern.length && pattern[i + 1] !== ']') {
        const step = pattern[i + 1] === '\\' ? 2 : 1;
        out += pattern.slice(i + 1, i + 1 + step);
        i += step;
      }
    } else out += c;
  }
  return out;
}

/** How many ways a pattern's alternations combine: the product of each group's (and the top level's) branches. */
function alternatives(pattern: string): number {
  const bars: number[] = [0];
  let product = 1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') {
      // a character class: `]` first is literal, escapes skip a character
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
    } else if (c === '(') bars.push(0);
    else if (c === ')' && bars.length > 1) product *= bars.pop()! + 1;
    else if (c === '|') bars[bars.length - 1]!++;
  }
  for (const b of bars) product *= b + 1;
  return product;
}

/**
 * Whether a kustomize selector pattern (Go RE2, anchored: target `name`, `namespace`) selects `value`: an empty pattern
 * selects everything, a literal compares as text, an invalid pattern selects nothing. Undefined for a pattern JavaScript's backtracking could take
 * exponential time on (a quantified group, many quantifiers, many alternations in sequence), which Go's RE2 runs in linear time: not run.
 */
export function anchoredMatch(pattern: string, value: string): boolean | undefined {
  // an empty selector field selects everything in kustomize (checked with kubectl kustomize)
  if (pattern === '') return true;
  if (!/[\\^$.*+?()[\]{}|]/.test(pattern)) return pattern === value;
  const quantifiers = pattern.match(/[*+?{]/g)?.length ?? 0;
  if (/\)[*+?{]/.test(pattern) || quantifiers > 3) return undefined;
  // alternations in sequence multiply the ways to try (`(a|aa)(a|aa)...`), each run with the quantifiers' n^q work
  if (alternatives(pattern) * (value.length + 1) ** quantifiers > 2e7) return undefined;
  try {
    return new RegExp(`^(?:${re2Classes(pattern)})$`).test(value);
  } catch {
    return false;
  }
}
