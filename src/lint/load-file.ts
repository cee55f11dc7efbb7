/**
 * Reads one file and turns it into documents + positioned `yaml/*` diagnostics + suppressions: byte guards, then
 * the parser. Also the clone-safe form of that result, so worker threads can do it (and its inverse).
 */
import { readFileSync, statSync } from 'node:fs';
import type { Diagnostic } from '../core/diagnostic.js';
import { plainWordsFromWire, YamlDocument, type DocClass, type PlainWordsWire, type YamlDocumentInit } from '../core/document.js';
import { YAML11_WORDS } from '../schema/yaml11.js';
import { toDiagnostic } from '../core/finding.js';
import { SourceFile } from '../core/source.js';
import { ChunkAstCache } from './ast-cache.js';
import { checkBytes } from './guard.js';
import { expandLists, fileDocuments } from './list-items.js';
import type { FileStat, ParseCache } from './parse-cache.js';
import { parseSource } from './parse.js';
import { parseSuppressions, type Suppression } from './suppressions.js';

export interface LoadedFile {
  path: string;
  source?: SourceFile;
  docs: YamlDocument[];
  diagnostics: Diagnostic[];
  suppressions: Suppression[];
  skipped: boolean;
  /** Whether the text may hold YAML 1.1 booleans, when known without reading it (from the parse cache). */
  truthyCandidate?: boolean;
}

const AT_START = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** A cached file's text, read when a position is needed; a file that vanished since gives '' (positions at 1:1). */
function readLater(abs: string | Buffer): string {
  try {
    return readFileSync(abs, 'utf8');
  } catch {
    return '';
  }
}

/** Read and parse one file; with a parse cache, an unchanged file comes from the cache (parse-cache.ts). */
export function loadFile(abs: string | Buffer, path: string, maxFileSize: number, cache?: ParseCache): LoadedFile {
  let stat: FileStat | undefined;
  if (cache) {
    // taken before the read: a file that changes after it is never recorded as unchanged
    try {
      stat = statSync(abs, { bigint: true });
    } catch {
      stat = undefined;
    }
    if (stat && stat.size <= BigInt(maxFileSize)) {
      const hit = cache.get(
        path,
        stat,
        () => readLater(abs),
        () => {
          try {
            return readFileSync(abs);
          } catch {
            return undefined;
          }
        },
      );
      if (hit) return hit;
      // the size is known and under the cap: Node's one-call UTF-8 read, cheaper than reading bytes and decoding
      // them; checkBytes sees the bytes only when the text may hold a problem (readCleanText)
      const text = readCleanText(abs, maxFileSize);
      if (text !== undefined) {
        const loaded = loadText(path, text);
        cache.put(path, text, loaded, stat);
        return loaded;
      }
    }
  }
  let buf: Buffer;
  try {
    buf = readFileSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    return {
      path,
      docs: [],
      suppressions: [],
      skipped: true,
      diagnostics: [
        {
          ruleId: 'lint/unreadable-file',
          severity: 'error',
          message: `File could not be read (${code}).`,
          help: 'Check the file permissions, or exclude the file in talium.config.yaml.',
          file: path,
          range: AT_START,
          data: { code },
        },
      ],
    };
  }
  const checked = checkBytes(buf, maxFileSize);
  if ('problem' in checked) {
    const p = checked.problem;
    const help: Record<string, string> = {
      'yaml/too-large': 'Split the file, exclude it, or raise `maxFileSize` in talium.config.yaml.',
      'yaml/binary': 'Rename the file so it does not end in .yaml/.yml, or exclude it.',
      'yaml/encoding': 'Re-save the file as UTF-8.',
      'yaml/too-deep': 'Flatten the structure; no Kubernetes object nests this deep.',
    };
    return {
      path,
      docs: [],
      suppressions: [],
      skipped: true,
      diagnostics: [{ ruleId: p.ruleId, severity: 'error', message: p.message, help: help[p.ruleId]!, file: path, range: { start: p.position, end: p.position }, data: p.data }],
    };
  }
  const loaded = loadText(path, checked.text);
  if (cache && stat) cache.put(path, checked.text, loaded, stat);
  return loaded;
}

/**
 * The file as text when checkBytes would pass its bytes: no NUL (binary, a UTF-32 byte-order mark), no U+FFFD (what
 * invalid UTF-8 and UTF-16 byte-order marks decode to; a U+FFFD written in UTF-8 also goes the long way, where
 * checkBytes accepts it), at most `maxFileSize` bytes. Undefined otherwise, or when the read fails: the byte path
 * then reads the file again and reports what it finds. Only for a file whose size a stat put under the cap: this
 * reads the whole file.
 */
function readCleanText(abs: string | Buffer, maxFileSize: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
  if (text.includes('\0') || text.includes('\ufffd')) return undefined;
  // (UTF-8 takes at most 3 bytes per UTF-16 unit: count the bytes only when that bound is over the cap)
  if (text.length * 3 > maxFileSize && Buffer.byteLength(text, 'utf8') > maxFileSize) return undefined;
  return text;
}

export function loadText(path: string, text: string): LoadedFile {
  const source = new SourceFile(path, text);
  const parsed = parseSource(source);
  return {
    path,
    source,
    docs: parsed.docs,
    diagnostics: parsed.findings.map(toDiagnostic),
    suppressions: parseSuppressions(source.text),
    skipped: parsed.skipped ?? false,
  };
}

/** Structured-clone-safe form of a LoadedFile (for worker threads). */
export interface WireFile {
  path: string;
  /** Text as read (BOM included), so SourceFile offsets match. */
  text?: string;
  /**
   * `noWords`: the fast reader saw no plain YAML 1.1 boolean word among the values (false: it saw some; absent: not
   * known); `words`: where they are (core/document.ts PlainWordsWire), so positions of schema/yaml11-boolean findings
   * need no eemeli/yaml parse after a trip through the parse cache or from a worker thread.
   */
  docs: Array<{ index: number; value: unknown; start: number; end: number; docClass: DocClass; templated: boolean; noWords?: boolean; words?: PlainWordsWire }>;
  contentOffsets: number[];
  diagnostics: Diagnostic[];
  suppressions: Suppression[];
  skipped: boolean;
}

export function toWire(f: LoadedFile): WireFile {
  const offsets: number[] = [];
  // the file's own documents: List items are made again from their List (fromWire)
  const own = fileDocuments(f.docs);
  for (const d of own) offsets[d.index] = d.start;
  return {
    path: f.path,
    ...(f.source ? { text: (f.source.hadBom ? '\ufeff' : '') + f.source.text } : {}),
    docs: own.map((d) => {
      const w: WireFile['docs'][number] = { index: d.index, value: d.value, start: d.start, end: d.end, docClass: d.docClass, templated: d.templated };
      if (d.noYaml11Words !== undefined) w.noWords = d.noYaml11Words;
      const words = d.value === d.parsed ? d.plainWordsWire() : undefined;
      if (words) w.words = words;
      return w;
    }),
    contentOffsets: Array.from(offsets, (o) => o ?? -1),
    diagnostics: f.diagnostics,
    suppressions: f.suppressions,
    skipped: f.skipped,
  };
}

/** `text` may be a function that reads it (the parse cache: the text stays on disk until a position is needed). */
export function fromWire(w: Omit<WireFile, 'text'> & { text?: string | (() => string) }): LoadedFile {
  if (w.text === undefined) return { path: w.path, docs: [], diagnostics: w.diagnostics, suppressions: w.suppressions, skipped: w.skipped };
  const source = new SourceFile(w.path, w.text);
  const ast = new ChunkAstCache(source, w.contentOffsets);
  const docs = w.docs.map((d) => {
    const init: YamlDocumentInit = { file: source, index: d.index, value: d.value, docClass: d.docClass, start: d.start, end: d.end, ast, templated: d.templated };
    if (typeof d.noWords === 'boolean') init.noYaml11Words = d.noWords;
    const words = d.words === undefined ? undefined : plainWordsFromWire(d.value, d.words, YAML11_WORDS);
    if (words) init.plainWords = words;
    return new YamlDocument(init);
  });
  return { path: w.path, source, docs: expandLists(docs), diagnostics: w.diagnostics, suppressions: w.suppressions, skipped: w.skipped };
}
