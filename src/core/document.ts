/**
 * The document model: one YAML document of a source file, its plain value, what kind of document it is,
 * and positions on demand (`locate`). Nothing here knows Cilium or Talos; classification lives in lint/.
 */
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { FILE_START, type ObjectRef, type Range } from './diagnostic.js';
import type { SourceFile } from './source.js';
import { mapScalar, type ScalarMap, type ScalarStyle } from './scalar-map.js';

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** What a YAML document is, decided by lint/classify.ts. */
export type DocClass =
  | 'k8s' // has apiVersion + kind (Kubernetes object, Flux/Argo/Cilium CR, ...)
  | 'kustomization' // kustomize.config.k8s.io Kustomization (kind may be omitted)
  | 'talos-config' // Talos v1alpha1 machine config or strategic-merge patch (machine:/cluster:)
  | 'talos-document' // Talos multi-document kind (LinkConfig, KubeProxyConfig, ...), apiVersion v1alpha1
  | 'talos-json6902' // Talos RFC 6902 JSON patch (a list of op/path/value)
  | 'talhelper' // talhelper talconfig.yaml
  | 'omni-template' // Sidero Omni cluster template document (kind Cluster/ControlPlane/Workers/Machine, no apiVersion)
  | 'helm-values' // Helm values (a values.yaml, or values referenced by a release)
  | 'cluster-spec' // talium clusters/<name>/cluster.yaml
  | 'talium-config' // talium.config.yaml
  | 'other'; // any other YAML: syntax checks only

/** Lazily parsed eemeli/yaml ASTs for one file, shared by its documents. */
export class AstCache {
  /** `docs`: the file's documents as wholeFile reads them, when the caller has them already. */
  constructor(
    private readonly file: SourceFile,
    private docs?: Document.Parsed[],
  ) {}
  get(index: number): Document.Parsed | undefined {
    return this.parsedAll()[index];
  }

  /**
   * Every document of the file as `parseAllDocuments(text, { uniqueKeys: false })` reads it (YAML 1.2 core, the AST
   * untouched), parsed on first use; undefined when this cache holds another reading (lint/ast-cache.ts).
   */
  wholeFile(): Document.Parsed[] | undefined {
    return this.parsedAll();
  }

  private parsedAll(): Document.Parsed[] {
    if (!this.docs) {
      this.docs = parseAllDocuments(this.file.text, {
        keepSourceTokens: false,
        uniqueKeys: false,
        prettyErrors: false,
      }) as Document.Parsed[];
      if (!Array.isArray(this.docs)) this.docs = [];
    }
    return this.docs;
  }
}

export interface YamlDocumentInit {
  file: SourceFile;
  index: number;
  value: unknown;
  docClass: DocClass;
  /** Offsets of the document in the file text (start of content .. end). */
  start: number;
  end: number;
  ast: AstCache;
  /** Contains Go/Jinja templating or Flux ${VAR} placeholders. */
  templated?: boolean;
  /** The parser saw no plain YAML 1.1 boolean word (yes, no, on, off, y, n...) among the values (undefined: not known). */
  noYaml11Words?: boolean;
  /** Where the parser saw plain YAML 1.1 boolean words among the values (positions without the AST); see PlainWords. */
  plainWords?: PlainWords;
  /** An item of a `kind: List` (or `FooList`) document: that document, and the item's path in it (`['items', 2]`). */
  item?: { list: YamlDocument; path: Path };
}

/**
 * The plain values of a document that are one of `watched` (the YAML 1.1 boolean words), as the fast reader saw them
 * in `root` (its parsed value): a flat list of (container, key, start, end), the mapping or sequence holding the value,
 * its key or index, and its offsets in the file. Every plain watched value of `root` is listed, so a watched string
 * not listed is quoted (or a block scalar). A document with findings on such words (schema/yaml11-boolean) then
 * needs no eemeli/yaml parse for them: a file of 150,000 such findings took seconds parsing its AST.
 */
export interface PlainWords {
  root: unknown;
  watched: ReadonlySet<string>;
  entries: readonly unknown[];
  /** container → key → index into entries, built on the first lookup of a document with many entries. */
  index?: Map<unknown, Map<PathSegment, number>>;
}

/**
 * A PlainWords as JSON carries it (the parse cache, worker threads): per word, the length of its path in the
 * document's value, the path, then its start and end offsets in the file: `[2, 'data', 'b', 95, 98, ...]`.
 */
export type PlainWordsWire = Array<string | number>;

/** `w` as JSON carries it; undefined when a listed container is not found in `w.root` (nothing is guessed). */
export function plainWordsToWire(w: PlainWords): PlainWordsWire | undefined {
  const e = w.entries;
  // the paths of the containers that hold words: the value is walked until every one is found
  const wanted = new Set<unknown>();
  for (let i = 0; i < e.length; i += 4) wanted.add(e[i]);
  const paths = new Map<unknown, PathSegment[]>();
  const stack: Array<[unknown, PathSegment[]]> = [[w.root, []]];
  while (stack.length && paths.size < wanted.size) {
    const [v, path] = stack.pop()!;
    if (wanted.has(v) && !paths.has(v)) paths.set(v, path);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (v[i] !== null && typeof v[i] === 'object') stack.push([v[i], [...path, i]]);
    } else {
      const o = v as Record<string, unknown>;
      for (const k in o) if (o[k] !== null && typeof o[k] === 'object') stack.push([o[k], [...path, k]]);
    }
  }
  const out: PlainWordsWire = [];
  for (let i = 0; i < e.length; i += 4) {
    const path = paths.get(e[i]);
    if (!path) return undefined;
    out.push(path.length + 1);
    for (const seg of path) out.push(seg);
    out.push(e[i + 1] as PathSegment, e[i + 2] as number, e[i + 3] as number);
  }
  return out;
}

/**
 * The PlainWords of `root` (a document's value read back from JSON) that `wire` describes; undefined when `wire`
 * does not fit `root` (a damaged entry: positions then come from the AST).
 */
export function plainWordsFromWire(root: unknown, wire: unknown, watched: ReadonlySet<string>): PlainWords | undefined {
  if (!Array.isArray(wire) || !wire.length) return undefined;
  let entries: unknown[] | undefined;
  for (let i = 0; i < wire.length; ) {
    const n = wire[i] as unknown;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || i + n + 3 > wire.length) return undefined;
    let c = root;
    for (let k = 1; k < n; k++) {
      if (c === null || typeof c !== 'object') return undefined;
      c = (c as Record<string, unknown>)[wire[i + k] as string];
    }
    const key = wire[i + n] as unknown;
    const start = wire[i + n + 1] as unknown;
    const end = wire[i + n + 2] as unknown;
    if (c === null || typeof c !== 'object' || typeof key !== (Array.isArray(c) ? 'number' : 'string') || typeof start !== 'number' || typeof end !== 'number') return undefined;
    // (the first entry as a literal, as the fast reader makes it: `[]` grown by push keeps 16 slots)
    if (entries) entries.push(c, key, start, end);
    else entries = [c, key, start, end];
    i += n + 3;
  }
  return entries && { root, watched, entries };
}

/** Shared empty values of every document that has none of its own (a file may hold 150,000 documents). */
const NO_SUBSTITUTIONS: readonly Substitution[] = Object.freeze([]);
const NO_PATH: Path = Object.freeze([]);

/** Entries of a PlainWords searched linearly below this count. */
const PLAIN_WORDS_SCAN = 32;

/**
 * The offsets of the plain watched word at `path` of `w.root`: [start, end] when it is one, false when the value
 * there is a watched word written otherwise (quoted, block scalar), undefined when the list cannot tell.
 */
function plainWordAt(w: PlainWords, path: Path): readonly [number, number] | false | undefined {
  if (!path.length) return undefined;
  let parent: unknown = w.root;
  for (let i = 0; i < path.length - 1; i++) {
    if (parent === null || typeof parent !== 'object' || (Array.isArray(parent) && typeof path[i] !== 'number')) return undefined;
    parent = (parent as Record<string, unknown>)[path[i] as string];
  }
  if (parent === null || typeof parent !== 'object') return undefined;
  const last = path[path.length - 1]!;
  // eemeli/yaml looks a sequence item up by a number only (as above), a mapping key by its text
  const isArr = Array.isArray(parent);
  if (isArr && typeof last !== 'number') return undefined;
  const key = isArr ? last : String(last);
  const v = (parent as Record<string, unknown>)[key as string];
  if (v === undefined) return undefined;
  const e = w.entries;
  let at = -1;
  if (e.length <= PLAIN_WORDS_SCAN * 4) {
    for (let i = 0; i < e.length; i += 4) {
      if (e[i] === parent && e[i + 1] === key) {
        at = i;
        break;
      }
    }
  } else {
    if (!w.index) {
      w.index = new Map();
      for (let i = 0; i < e.length; i += 4) {
        let m = w.index.get(e[i]);
        if (!m) w.index.set(e[i], (m = new Map()));
        m.set(e[i + 1] as PathSegment, i);
      }
    }
    at = w.index.get(parent)?.get(key) ?? -1;
  }
  if (at !== -1) return [e[at + 2] as number, e[at + 3] as number];
  return typeof v === 'string' && w.watched.has(v) ? false : undefined;
}

/** A `${VAR}` placeholder replaced in a document's value (lint/flux-substitution.ts), with where VAR is defined. */
export interface Substitution {
  /** Path of the string in the document that held the placeholder. */
  path: Path;
  name: string;
  value: string;
  /** The definition (a ConfigMap `data` key, a `postBuild.substitute` key); undefined for a `${VAR:=default}`. */
  from?: { doc: YamlDocument; path: Path; source: string; by: 'Flux' | 'talhelper' };
}

export class YamlDocument {
  readonly file: SourceFile;
  /** Which YAML document of the file (0-based); a List item's is negative (-1, -2... in file order): unique in the file. */
  readonly index: number;
  /** What rules see: the parsed value, or its Flux-substituted form (`parsed` keeps the text's own value). */
  value: unknown;
  docClass: DocClass;
  readonly start: number;
  readonly end: number;
  templated: boolean;
  /** No plain YAML 1.1 boolean word among the parsed values (known from the fast reader; undefined: not known). */
  readonly noYaml11Words: boolean | undefined;
  private readonly astCache: AstCache;
  private readonly plainWords: PlainWords | undefined;
  private parsedValue?: unknown;
  /** Placeholders replaced in `value` (empty unless a Flux Kustomization's variables were applied). */
  substitutions: readonly Substitution[] = NO_SUBSTITUTIONS;
  /**
   * When this document is an item of a List document (lint/list-items.ts): that document. The item is a document of
   * its own (its own `index`, unique in the file), whose paths and positions are relative to the item.
   */
  readonly list: YamlDocument | undefined;
  /** Where the value sits in its YAML document ([] for a whole document, `['items', i]` for a List item). */
  readonly base: Path;

  constructor(init: YamlDocumentInit) {
    this.file = init.file;
    this.index = init.index;
    this.value = init.value;
    this.docClass = init.docClass;
    this.start = init.start;
    this.end = init.end;
    this.templated = init.templated ?? false;
    this.noYaml11Words = init.noYaml11Words;
    this.astCache = init.ast;
    this.plainWords = init.plainWords;
    this.list = init.item?.list;
    this.base = init.item?.path ?? NO_PATH;
  }

  /**
   * A document of its own for the value at `path` of this one (a List item): `index` (negative) unique in the file;
   * paths and positions are the item's, its AST the one of the YAML document holding it.
   */
  item(index: number, path: Path, value: unknown, docClass: DocClass): YamlDocument {
    const init: YamlDocumentInit = { file: this.file, index, value, docClass, start: this.start, end: this.end, ast: this.astCache, templated: this.templated, item: { list: this.list ?? this, path: this.inAst(path) } };
    if (this.noYaml11Words !== undefined) init.noYaml11Words = this.noYaml11Words;
    if (this.plainWords) init.plainWords = this.plainWords;
    return new YamlDocument(init);
  }

  /** The fast reader's word record as JSON carries it (load-file.ts toWire): a document of its own, its value as read. */
  plainWordsWire(): PlainWordsWire | undefined {
    const w = this.plainWords;
    return w && !this.list && this.parsed === w.root ? plainWordsToWire(w) : undefined;
  }

  /** The fast reader's word at `path` of this document (plainWordAt), while the YAML document's value is still the one it read. */
  private wordAt(path: Path): readonly [number, number] | false | undefined {
    const w = this.plainWords;
    if (!w) return undefined;
    const top = this.list ?? this;
    if (top.parsed !== w.root) return undefined;
    return plainWordAt(w, this.inAst(path));
  }

  /** A path of the value → the path in the YAML document's AST. */
  private inAst(path: Path): Path {
    return this.base.length ? [...this.base, ...path] : path;
  }

  /** The value as written (placeholders kept): what schemas validate, in-process and in worker threads alike. */
  get parsed(): unknown {
    return this.substitutions.length ? this.parsedValue : this.value;
  }

  /**
   * Replace the value with its substituted form (same shape: only strings change), keeping the parsed one.
   * Substitute from `parsed`: a second call replaces the first one's result and records.
   */
  substitute(value: unknown, substitutions: readonly Substitution[], templated: boolean): void {
    if (!substitutions.length) return;
    if (!this.substitutions.length) this.parsedValue = this.value;
    this.value = value;
    this.substitutions = substitutions;
    this.templated = templated;
  }

  /** The file's eemeli/yaml documents, when its AST is the plain YAML 1.2 reading (AstCache.wholeFile); parsed on first use. */
  fileAst(): Document.Parsed[] | undefined {
    return this.astCache.wholeFile();
  }

  /** The eemeli/yaml AST of this document, parsed on first use (positions cost nothing until asked for). */
  ast(): Document.Parsed | undefined {
    return this.astCache.get(this.list ? this.list.index : this.index);
  }

  /** The AST node of the value (the document's contents, or the List item). */
  root(): Node | null {
    const doc = this.ast();
    if (!doc) return null;
    return this.base.length ? nodeAt(doc.contents as Node | null, this.base) : (doc.contents as Node | null);
  }

  /** apiVersion, kind, name, namespace, group: read once (rules ask for them thousands of times). */
  private header?: { apiVersion: string | undefined; kind: string | undefined; name: string | undefined; namespace: string | undefined; group: string };

  private head(): NonNullable<YamlDocument['header']> {
    if (this.header) return this.header;
    // from the value as written: a `${APP}` name stays the placeholder, so findings name the same object in-process
    // and in worker threads (which never substitute), and a Flux variable never turns a document into another kind
    const v = this.parsed;
    // direct reads, no path arrays: every document's header is read once per run, most of them only for this
    const o = v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
    const m = o?.['metadata'];
    const meta = m !== null && typeof m === 'object' ? (m as Record<string, unknown>) : undefined;
    const apiVersion = str(o?.['apiVersion']);
    const i = apiVersion === undefined ? -1 : apiVersion.indexOf('/');
    this.header = {
      apiVersion,
      kind: str(o?.['kind']),
      name: str(meta?.['name']) ?? str(o?.['name']),
      namespace: str(meta?.['namespace']),
      group: i === -1 ? '' : apiVersion!.slice(0, i),
    };
    return this.header;
  }

  get apiVersion(): string | undefined {
    return this.head().apiVersion;
  }
  get kind(): string | undefined {
    return this.head().kind;
  }
  get name(): string | undefined {
    return this.head().name;
  }
  get namespace(): string | undefined {
    return this.head().namespace;
  }
  /** `group` part of apiVersion ('' for core). */
  get group(): string {
    return this.head().group;
  }

  ref(): ObjectRef {
    const r: ObjectRef = {};
    if (this.apiVersion) r.apiVersion = this.apiVersion;
    if (this.kind) r.kind = this.kind;
    if (this.name) r.name = this.name;
    if (this.namespace) r.namespace = this.namespace;
    return r;
  }

  /** Value at a path, or undefined. */
  get(path: Path): unknown {
    return get(this.value, path);
  }

  /** Range of the whole document (of a List item: its first key). */
  range(): Range {
    if (this.base.length) {
      const doc = this.ast();
      const r = doc ? locateNode(doc.contents as Node | null, this.base, false) : undefined;
      if (r) return this.file.rangeOf(r[0], r[0]);
    }
    return this.file.rangeOf(this.start, this.start);
  }

  /**
   * Range of the node at `path` (of its key when `key` is set). When the path does not exist, the deepest
   * existing ancestor's key is used (a missing property points at its parent mapping).
   */
  locate(path: Path, opts: { key?: boolean } = {}): Range {
    if (!opts.key) {
      const w = this.wordAt(path);
      if (w) return this.file.rangeOf(w[0], w[1]);
    }
    const doc = this.ast();
    if (!doc) return this.start ? this.range() : FILE_START;
    const r = locateNode(doc.contents as Node | null, this.inAst(path), opts.key ?? false);
    if (!r) return this.range();
    return this.file.rangeOf(r[0], r[1]);
  }

  /** Strings already mapped (and their inner YAML parsed), per path: several findings share one string. */
  private blocks: Map<string, StringBlock | null> | undefined;

  private block(path: Path): StringBlock | null {
    const key = path.join('\u0000');
    this.blocks ??= new Map();
    let b = this.blocks.get(key);
    if (b === undefined) {
      b = blockOf(this.file.text, nodeAt(this.root(), path));
      this.blocks.set(key, b);
    }
    return b;
  }

  /**
   * The range of `inner` (a path inside YAML that is itself the string at `path`, e.g. an Argo CD `helm.values: |`
   * block) in this file: in a literal or folded block (indentation indicators too), a double-quoted string (escapes)
   * or a single-quoted one, each character where it is written (core/scalar-map.ts). `inner` may go on into a string
   * inside that YAML (a `helm.values: |` inside a kustomize `patch: |`). Undefined when the string's YAML does not
   * parse or the string cannot be mapped.
   */
  locateInString(path: Path, inner: Path, opts: { key?: boolean; doc?: number } = {}): Range | undefined {
    const b = this.block(path);
    if (!b) return undefined;
    let cur = b;
    let rest = inner;
    // `doc`: the string holds several YAML documents (a multi-document Talos patch) and `inner` is in that one
    let top: Node | null | undefined = opts.doc === undefined ? undefined : (parsedDocs(b)?.[opts.doc] ?? null);
    for (;;) {
      const root = top === undefined ? parsedBlock(cur) : top;
      if (!root) return undefined;
      const nested = nestedBlock(cur, root, rest, top === undefined ? '' : `${opts.doc}\u0001`);
      if (!nested) {
        const at = locateNode(root, rest, opts.key ?? false);
        return at ? this.rangeInBlock(cur, at[0], Math.max(at[0], at[1])) : undefined;
      }
      cur = nested.block;
      rest = nested.rest;
      top = undefined;
    }
  }

  /** The range of 1-based `line`/`column` of the YAML string at `path` in this file (locateInString's strings). */
  locateInStringAt(path: Path, line: number, column: number): Range | undefined {
    const b = this.block(path);
    if (!b) return undefined;
    let offset = 0;
    for (let l = 1; l < line; l++) {
      const nl = b.value.indexOf('\n', offset);
      if (nl === -1) return undefined;
      offset = nl + 1;
    }
    offset += column - 1;
    return this.rangeInBlock(b, offset, Math.min(b.value.length, offset + 1));
  }

  /** Offsets [start, end) of a string's value → the range of the characters they come from in this file. */
  private rangeInBlock(b: StringBlock, start: number, end: number): Range | undefined {
    let s: number | undefined = start;
    let e: number | undefined = end;
    for (let cur: StringBlock | undefined = b; cur && s !== undefined && e !== undefined; cur = cur.outer) {
      const n = cur.from.length;
      if (!n) return undefined;
      const s0: number = s;
      s = s0 < n ? cur.from[s0] : cur.to[n - 1];
      // an empty range stays empty where it starts; a range's end is the end of its last character
      e = e > s0 ? cur.to[Math.min(e, n) - 1] : s;
    }
    if (s === undefined || e === undefined) return undefined;
    return this.file.rangeOf(s, e);
  }
  /** True when the scalar at `path` is written plain (unquoted, no block style). */
  isPlainScalar(path: Path): boolean {
    const w = this.wordAt(path);
    if (w !== undefined) return w !== false;
    const doc = this.ast();
    if (!doc) return false;
    const n = nodeAt(doc.contents as Node | null, this.inAst(path));
    return !!n && isScalar(n) && (n.type === 'PLAIN' || n.type === undefined);
  }
}

/** A string scalar of the text that holds it (the file, or an outer string's value): its value and where each character is. */
interface StringBlock extends ScalarMap {
  /** The string whose value holds this one (a `values: |` inside a `patch: |`); none: the file holds it. */
  outer?: StringBlock;
  /** The value parsed as YAML (node tree with ranges), null when it does not parse; undefined until asked. */
  inner?: Node | null;
  /** The value parsed as a stream of YAML documents (a multi-document string), null when one does not parse; undefined until asked. */
  docs?: Array<Node | null> | null;
  /** Strings inside the value already mapped, per path. */
  nested?: Map<string, StringBlock | null>;
}

const MAPPED_STYLES: ReadonlySet<string | undefined> = new Set<ScalarStyle>(['BLOCK_LITERAL', 'BLOCK_FOLDED', 'QUOTE_DOUBLE', 'QUOTE_SINGLE']);

/** The string scalar `n` (ranges in `text`) as a StringBlock; null for any other node or one whose value the map does not give. */
function blockOf(text: string, n: Node | null, outer?: StringBlock): StringBlock | null {
  if (!n || !isScalar(n) || !n.range || typeof n.value !== 'string' || !MAPPED_STYLES.has(n.type)) return null;
  const m = mapScalar(text, n.type as ScalarStyle, n.range[0], n.range[1], n.value);
  // the map is trusted only when it gives the parser's own value
  if (!m || m.value !== n.value) return null;
  const b: StringBlock = m;
  if (outer) b.outer = outer;
  return b;
}

/** A block's value parsed as YAML (once; strings past 1 MB are not parsed, so time stays bounded). */
function parsedBlock(b: StringBlock): Node | null {
  if (b.inner === undefined) {
    b.inner = null;
    if (b.value.length <= 1 << 20) {
      try {
        const parsed = parseDocument(b.value, { prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
        if (!parsed.errors.length) b.inner = parsed.contents as Node | null;
      } catch {
        b.inner = null;
      }
    }
  }
  return b.inner;
}

/** A block's value parsed as a stream of YAML documents (once, same bound as parsedBlock); null when any does not parse. */
function parsedDocs(b: StringBlock): Array<Node | null> | null {
  if (b.docs === undefined) {
    b.docs = null;
    if (b.value.length <= 1 << 20) {
      try {
        const all = parseAllDocuments(b.value, { prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
        if (Array.isArray(all) && !all.some((d) => d.errors.length)) b.docs = all.map((d) => d.contents as Node | null);
      } catch {
        b.docs = null;
      }
    }
  }
  return b.docs;
}

/**
 * Where `inner` goes on into a literal block inside `b`'s YAML (`root`): that block and the rest of the path in it.
 * Undefined when no string on the way is a literal block with path left below it.
 */
function nestedBlock(b: StringBlock, root: Node, inner: Path, docKey = ''): { block: StringBlock; rest: Path } | undefined {
  let cur: Node | null = root;
  for (let i = 0; i < inner.length - 1; i++) {
    const seg = inner[i]!;
    if (isMap(cur)) cur = (pairOf(cur.items, seg)?.value as Node | null) ?? null;
    else if (isSeq(cur) && typeof seg === 'number') cur = (cur.items[seg] as Node | null) ?? null;
    else return undefined;
    if (!cur || !isScalar(cur)) continue;
    const key = docKey + inner.slice(0, i + 1).join('\u0000');
    b.nested ??= new Map();
    let n = b.nested.get(key);
    if (n === undefined) {
      n = blockOf(b.value, cur, b);
      b.nested.set(key, n);
    }
    return n ? { block: n, rest: inner.slice(i + 1) } : undefined;
  }
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function get(value: unknown, path: Path): unknown {
  let cur: unknown = value;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg as string];
  }
  return cur;
}

function nodeAt(root: Node | null, path: Path): Node | null {
  let cur: Node | null = root;
  for (const seg of path) {
    if (!cur) return null;
    if (isMap(cur)) {
      const pair = pairOf(cur.items, seg);
      cur = (pair?.value as Node | null) ?? null;
    } else if (isSeq(cur) && typeof seg === 'number') {
      cur = (cur.items[seg] as Node | null) ?? null;
    } else return null;
  }
  return cur;
}

/**
 * The pair of `seg` in a mapping's items: the last one when a key repeats, since the value read (toJS, Helm,
 * Go's sigs.k8s.io/yaml) is the last one's, and positions must point at the value that is used.
 */
function pairOf(items: readonly unknown[], seg: string | number): Pair | undefined {
  const want = String(seg);
  for (let i = items.length - 1; i >= 0; i--) {
    const p = items[i];
    if (isPair(p) && keyString(p.key) === want) return p;
  }
  return undefined;
}

function keyString(k: unknown): string | undefined {
  if (isScalar(k)) return String(k.value);
  return undefined;
}

/** [start, end] offsets for the node (or key) at path; falls back to the deepest existing ancestor. */
function locateNode(root: Node | null, path: Path, wantKey: boolean): [number, number] | undefined {
  let cur: Node | null = root;
  let best: [number, number] | undefined = cur?.range ? [cur.range[0], cur.range[1]] : undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (cur && isMap(cur)) {
      const pair = pairOf(cur.items, seg);
      if (!pair) {
        // missing property: point at the parent mapping's first key (or the map itself)
        const first = cur.items[0];
        const k = first && isScalar(first.key) ? first.key : null;
        if (k?.range) return [k.range[0], k.range[1]];
        return best;
      }
      const keyNode = pair.key as Node | null;
      const valNode = pair.value as Node | null;
      if (last && wantKey && keyNode?.range) return [keyNode.range[0], keyNode.range[1]];
      if (valNode?.range) best = [valNode.range[0], valNode.range[1]];
      else if (keyNode?.range) best = [keyNode.range[0], keyNode.range[1]];
      cur = valNode;
    } else if (cur && isSeq(cur) && typeof seg === 'number') {
      const item = cur.items[seg] as Node | null | undefined;
      if (!item) return best;
      if (item.range) best = [item.range[0], item.range[1]];
      cur = item;
    } else {
      return best;
    }
  }
  if (cur && isScalar(cur) && cur.range) return [cur.range[0], cur.range[1]];
  if (cur && (isMap(cur) || isSeq(cur)) && cur.range) {
    // a collection: point at its first key (or first scalar item) rather than its whole extent, never at nothing
    const first = cur.items[0] as unknown;
    const head = isPair(first) ? (first.key as Node | null) : (first as Node | null);
    if (head && isScalar(head) && head.range && head.range[0] === cur.range[0]) return [head.range[0], head.range[1]];
    return [cur.range[0], cur.range[0] + 1];
  }
  return best;
}
