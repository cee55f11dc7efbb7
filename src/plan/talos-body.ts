/**
 * A Talos configuration body (a machine config or strategic-merge patch, a multi-document kind, an RFC 6902 op list)
 * and where it is written: a whole document, a mapping or list inside one (an Omni template `inline:`), or one YAML
 * document of a string inside one (a talhelper `patches: - |`). Plan readers go through it, so every fact carries the
 * place of its value, inside the string when that is a literal block (Provenance.inner). No findings, no I/O.
 */
import { parseAllDocuments } from 'yaml';
import { get, type Path, type YamlDocument } from '../core/document.js';
import type { Range } from '../core/diagnostic.js';
import type { Provenance } from './types.js';

export interface TalosBody {
  /** The document the body is written in. */
  doc: YamlDocument;
  value: unknown;
  /** Path in `doc` of the body (a mapping or list) or, with `inString`, of the string that holds it. */
  at: Path;
  /** The body is YAML document `index` (0-based) of the string at `at`, which holds `of` documents. */
  inString?: { index: number; of: number };
}

/** A whole document as a body. */
export function documentBody(doc: YamlDocument): TalosBody {
  return { doc, value: doc.value, at: [] };
}

/** The value at `path` of the body. */
export function bodyGet(b: TalosBody, path: Path): unknown {
  return path.length ? get(b.value, path) : b.value;
}

/** Where the value at `path` of the body is written. */
export function bodyFrom(b: TalosBody, path: Path): Provenance {
  if (!b.inString) return { doc: b.doc, path: [...b.at, ...path] };
  return { doc: b.doc, path: b.at, inner: path, ...(b.inString.of > 1 ? { innerDoc: b.inString.index } : {}) };
}

/**
 * Where the value (or, with `key`, the key) at `path` of the body is, as a finding's place: its path in the
 * document, and inside a patch string the exact range when the string can be mapped (else the string itself).
 */
export function bodyPlace(b: TalosBody, path: Path, key = false): { doc: YamlDocument; path: Path; key?: boolean; range?: Range } {
  if (!b.inString) return { doc: b.doc, path: [...b.at, ...path], ...(key ? { key } : {}) };
  const range = b.doc.locateInString(b.at, path, { key, ...(b.inString.of > 1 ? { doc: b.inString.index } : {}) });
  return range ? { doc: b.doc, path: b.at, range } : { doc: b.doc, path: b.at };
}

/** The body's `kind` (a multi-document Talos kind such as `Layer2VIPConfig`), if it has one. */
export function bodyKind(b: TalosBody): string | undefined {
  const v = b.value;
  const k = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)['kind'] : undefined;
  return typeof k === 'string' ? k : undefined;
}

/**
 * The bodies of a patch string (`text`, the value at `at` in `doc`): one per YAML document that parses and is not
 * empty, each with its index in the stream. Nothing for a string that is not YAML.
 */
export function stringBodies(doc: YamlDocument, at: Path, text: string): TalosBody[] {
  const out: TalosBody[] = [];
  try {
    const all = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
    if (!Array.isArray(all)) return out;
    all.forEach((d, index) => {
      if (d.errors.length) return;
      const value = d.toJS({ maxAliasCount: 100 }) as unknown;
      if (value !== null && value !== undefined) out.push({ doc, value, at, inString: { index, of: all.length } });
    });
  } catch {
    // a patch that is not YAML is its tool's error (talhelper, omnictl), not a plan fact
  }
  return out;
}
