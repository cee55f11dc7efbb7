/**
 * A fast reader for the block-YAML subset that nearly every Kubernetes manifest is written in: block mappings and
 * sequences, single-line plain and quoted scalars, literal and folded block scalars, one-line flow collections,
 * comments, anchors and aliases of scalars. For one document chunk it returns exactly the value js-yaml 4 gives
 * with the same schema (scalars are resolved by that schema's own implicit types; the one exception is a js-yaml
 * bug, JSYAML_EMPTY_ITEM_BUG, where this reader follows YAML like eemeli/yaml), or BAIL for anything outside the
 * subset or anything js-yaml might read differently or reject (anchored collections, tags, tabs, CR, escapes,
 * multi-line scalars, duplicate or non-string keys, odd indentation, control characters, ...). The caller then
 * parses the chunk with js-yaml, so a BAIL costs time, never correctness. Differential tests hold it to js-yaml on
 * the corpus, the fixtures and mutated inputs. Pure.
 */

/**
 * js-yaml 4 misreads an empty sequence item (`-` alone on its line) followed by a less indented `-` line: it keeps
 * the later items in the inner sequence (`args:\n  -\n- name: b` makes `b` an arg). YAML (eemeli/yaml, PyYAML,
 * and this reader) ends the inner sequence there; parse.ts sends documents this reader leaves to js-yaml that
 * match to eemeli/yaml instead.
 */
export const JSYAML_EMPTY_ITEM_BUG = /^( *)-[ \t]*(?:#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*(?!\1)[ ]*-(?:[ \t\r]|$)/m;

/** Returned when the chunk is outside the subset: parse it with js-yaml instead. */
export const BAIL: unique symbol = Symbol('bail');

/** One of a js-yaml schema's implicit scalar types (the schema's `compiledImplicit` list). */
export interface ImplicitType {
  tag: string;
  resolve(data: string): boolean;
  construct(data: string): unknown;
}

/** Characters the subset never reads: controls (tab, CR included), NEL, Unicode line separators, BOM, non-characters, surrogates. */
export const UNSAFE_OR_ASTRAL = /[\x00-\x09\x0B-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF\uD800-\uDFFF]/;
/** The same without well-formed surrogate pairs (emoji are fine): checked only when the simple class matched. */
const UNSAFE = /[\x00-\x09\x0B-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;
/**
 * Deepest nesting read here, counting block and flow collections together. js-yaml counts a compact `- key:` as two
 * levels, so 120 here stays under the maxDepth of 256 parse.ts gives js-yaml (deeper documents go to js-yaml, which
 * reports them).
 */
const MAX_DEPTH = 120;

const SP = 32;
const NL = 10;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const DQUOTE = 34;
const SQUOTE = 39;

/**
 * First characters a plain scalar may resolve from (null, bool, int, float, merge); anything else is a string.
 * 1: ask the schema's resolvers; 2: a letter, where only the null/bool words can resolve (WORDS).
 */
const RESOLVABLE = new Uint8Array(128);
for (const ch of '~+-.0123456789<') RESOLVABLE[ch.charCodeAt(0)] = 1;
for (const ch of 'nNtTfF') RESOLVABLE[ch.charCodeAt(0)] = 2;
/** Letter-initial words a YAML 1.2 core schema may resolve (what they resolve to is asked of the schema once). */
const CANDIDATE_WORDS = ['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE'];
/** Characters that may not start a plain scalar or key here (YAML indicators; `-`, `?`, `:` handled apart). */
const INDICATOR = new Uint8Array(128);
for (const ch of ',[]{}#&*!|>\'"%@`?:') INDICATOR[ch.charCodeAt(0)] = 1;

class Bail {}
const BAILED = new Bail();

/** What a read noticed besides the value. */
export interface ReadInfo {
  /** Some plain scalar value (not a key) is one of the watched words. */
  watchedWord: boolean;
  /**
   * When `watchedWord`: where each of those plain values is, as a flat list of (container, key, start, end): the
   * mapping or sequence of the returned value holding it, its key or index, and its offsets in the text. Undefined
   * when the reader cannot vouch for the list (an anchor was read), so positions come from the AST as before.
   */
  words?: unknown[] | undefined;
}

class Reader {
  /** Start of the next content line (or `end`), and its indentation (-1 at the end of the document). */
  pos = 0;
  indent = -1;
  /** End of the line at `pos` once asked (lineEnd), -1 before. */
  private le = -1;
  depth = 0;
  watchedWord = false;
  /** Offsets of the last plain watched word read (-1: none since the caller reset it). */
  private wordStart = -1;
  private wordEnd = -1;
  /** (container, key, start, end) of every plain watched word value (made for the first); null once an anchor makes it unsure. */
  wordList: unknown[] | undefined | null;
  /** Scalars anchored so far in this document (`&name`), for `*name`. */
  private anchors: Map<string, unknown> | undefined;

  constructor(
    private readonly s: string,
    private readonly end: number,
    private readonly implicit: readonly ImplicitType[],
    private readonly words: Map<string, unknown>,
    private readonly watch: ReadonlySet<string> | undefined,
    /** Length of the longest watched word (longer plain values are not looked up). */
    private readonly watchMax: number,
  ) {}

  /** A plain scalar value (not a key): resolved, and checked against the watched words. */
  private plainValue(start: number, end: number): unknown {
    const text = this.s.slice(start, end);
    if (this.watch !== undefined && text.length <= this.watchMax && this.watch.has(text)) {
      this.watchedWord = true;
      this.wordStart = start;
      this.wordEnd = end;
    }
    return this.resolve(text);
  }

  /** `container[key]` was just read as `v`: when that was a plain watched word, note where (wordStart was reset before). */
  private noteWord(container: object, key: string | number, v: unknown): void {
    if (this.wordStart === -1 || (v !== null && typeof v === 'object')) return;
    // the first entry as a literal (4 slots): `[]` grown by push keeps 16 (a file of 150,000 documents with one
    // word each held ~21 MB of empty slots)
    if (this.wordList === undefined) this.wordList = [container, key, this.wordStart, this.wordEnd];
    else if (this.wordList !== null) this.wordList.push(container, key, this.wordStart, this.wordEnd);
    this.wordStart = -1;
  }

  /** Moves to the first line at or after `p` (a line start) that is neither blank nor a comment. */
  advance(p: number): void {
    const s = this.s;
    const end = this.end;
    while (p < end) {
      let i = p;
      while (i < end && s.charCodeAt(i) === SP) i++;
      if (i >= end) break;
      const c = s.charCodeAt(i);
      if (c === NL) {
        p = i + 1;
        continue;
      }
      if (c === HASH) {
        const nl = s.indexOf('\n', i);
        p = nl === -1 || nl >= end ? end : nl + 1;
        continue;
      }
      if (i === p && (c === DASH || c === 46) && this.isMarker(p)) {
        // `...` ends the document; js-yaml reads anything after it on the line as the next one
        const after = this.skipSpaces(p + 3);
        if (!this.atEol(after) && s.charCodeAt(after) !== HASH) throw BAILED;
        break;
      }
      this.pos = p;
      this.indent = i - p;
      this.le = -1;
      return;
    }
    this.pos = end;
    this.indent = -1;
    this.le = -1;
  }

  /** `---` or `...` at a line start followed by a separator. */
  private isMarker(p: number): boolean {
    const s = this.s;
    const c = s.charCodeAt(p);
    if (s.charCodeAt(p + 1) !== c || s.charCodeAt(p + 2) !== c) return false;
    const after = p + 3 < this.end ? s.charCodeAt(p + 3) : NL;
    return after === SP || after === NL;
  }

  /**
   * The end of the current content line (`pos`): what eol gives for any offset on it, found once per line (a `key: value`
   * line asked for it three times: the key, the value, the move to the next line).
   */
  private lineEnd(): number {
    let e = this.le;
    if (e === -1) {
      const nl = this.s.indexOf('\n', this.pos);
      e = this.le = nl === -1 || nl >= this.end ? this.end : nl;
    }
    return e;
  }

  /** Offset of the end of the line holding `i` (its `\n`, or the end). */
  private eol(i: number): number {
    const nl = this.s.indexOf('\n', i);
    return nl === -1 || nl >= this.end ? this.end : nl;
  }

  private atEol(i: number): boolean {
    return i >= this.end || this.s.charCodeAt(i) === NL;
  }

  /** Skips spaces from `i`; a comment counts as the end of the line. Returns the next significant offset. */
  private skipSpaces(i: number): number {
    const s = this.s;
    while (i < this.end && s.charCodeAt(i) === SP) i++;
    return i;
  }

  /** After a scalar ending at `i`: the rest of the line must be blank or a comment, and no continuation line may follow. */
  private finishScalar(i: number, parentIndent: number): void {
    const s = this.s;
    const j = this.skipSpaces(i);
    if (!this.atEol(j)) {
      if (s.charCodeAt(j) !== HASH || j === i) throw BAILED;
    }
    this.advance(this.lineEnd() + 1);
    if (this.indent > parentIndent) throw BAILED;
  }

  /** The block node whose first line is the current content line (indentation `this.indent`). */
  node(): unknown {
    const n = this.indent;
    const p = this.pos + n;
    if (++this.depth > MAX_DEPTH) throw BAILED;
    const s = this.s;
    const v = s.charCodeAt(p) === DASH && this.isBlankAfter(p + 1) ? this.sequence(n) : this.mapping(n, p);
    this.depth--;
    return v;
  }

  /** The character at `i` is a space or the line ends there. */
  private isBlankAfter(i: number): boolean {
    return this.atEol(i) || this.s.charCodeAt(i) === SP;
  }

  /** A block sequence at indentation `n`; the current line starts with its first `-`. */
  private sequence(n: number): unknown[] {
    const s = this.s;
    const arr: unknown[] = [];
    const mark = this.wordList ? this.wordList.length : 0;
    for (;;) {
      const lineStart = this.pos;
      const t = this.skipSpaces(lineStart + n + 1);
      this.wordStart = -1;
      const v = this.item(t, n, lineStart);
      arr.push(v);
      if (this.wordStart !== -1) this.noteWord(arr, arr.length - 1, v);
      if (this.indent !== n) {
        if (this.indent > n) throw BAILED;
        return this.exact(arr, mark);
      }
      const p = this.pos + n;
      if (!(s.charCodeAt(p) === DASH && this.isBlankAfter(p + 1))) return this.exact(arr, mark);
    }
  }

  /**
   * An exactly sized copy of a sequence grown by push (which keeps at least 16 slots: a `ports:` list of one item held
   * 144 bytes of slots where 24 do, for the whole run), the word list's entries moved to it (those from `mark` on).
   */
  private exact(arr: unknown[], mark: number): unknown[] {
    const copy = arr.slice();
    const list = this.wordList;
    if (list) for (let i = mark; i < list.length; i += 4) if (list[i] === arr) list[i] = copy;
    return copy;
  }

  /** One sequence item whose content starts at `t` on the line starting at `lineStart`. */
  private item(t: number, n: number, lineStart: number): unknown {
    const s = this.s;
    if (this.atEol(t) || s.charCodeAt(t) === HASH) return this.nested(t, n, false);
    const c = s.charCodeAt(t);
    if (c === DASH && this.isBlankAfter(t + 1)) throw BAILED; // `- - a`
    if (this.keyEnd(t) !== -1) {
      if (++this.depth > MAX_DEPTH) throw BAILED;
      const m = this.mapping(t - lineStart, t);
      this.depth--;
      return m;
    }
    return this.value(t, n);
  }

  /**
   * The value after a key's `:` or an item's `-` when nothing follows on the line (a comment may): a block node on
   * the following lines indented deeper than `n`, a sequence at `n` itself (under a mapping key), or null.
   */
  private nested(t: number, n: number, underKey: boolean): unknown {
    const s = this.s;
    this.advance(this.lineEnd() + 1);
    if (this.indent > n) return this.node();
    if (underKey && this.indent === n) {
      const p = this.pos + n;
      if (s.charCodeAt(p) === DASH && this.isBlankAfter(p + 1)) {
        if (++this.depth > MAX_DEPTH) throw BAILED;
        const seq = this.sequence(n);
        this.depth--;
        return seq;
      }
    }
    return null;
  }

  /**
   * If a mapping key starts at `t` (plain or quoted, followed by `:` and a space or the line end), the offset of
   * that `:`; otherwise -1. Throws BAIL on keys outside the subset.
   */
  private keyEnd(t: number): number {
    const s = this.s;
    const c = s.charCodeAt(t);
    if (c === DQUOTE || c === SQUOTE) {
      const close = this.quoteEnd(t);
      if (close === -1) throw BAILED;
      const after = close + 1;
      if (s.charCodeAt(after) === COLON && this.isBlankAfter(after + 1)) return after;
      return -1;
    }
    const end = this.lineEnd();
    for (let i = t; i < end; i++) {
      const ch = s.charCodeAt(i);
      if (ch === COLON) {
        if (i + 1 >= end || s.charCodeAt(i + 1) === SP) return i;
      } else if (ch === HASH && s.charCodeAt(i - 1) === SP) {
        return -1;
      }
    }
    return -1;
  }

  /** Offset of the closing quote of the quoted scalar opening at `t` on the same line, or -1 (escapes: -1). */
  private quoteEnd(t: number): number {
    const s = this.s;
    const q = s.charCodeAt(t);
    const end = this.lineEnd();
    for (let i = t + 1; i < end; i++) {
      const ch = s.charCodeAt(i);
      if (q === DQUOTE) {
        if (ch === 92 /* \ */) return -1;
        if (ch === DQUOTE) return i;
      } else if (ch === SQUOTE) {
        if (s.charCodeAt(i + 1) === SQUOTE && i + 1 < end) {
          i++;
          continue;
        }
        return i;
      }
    }
    return -1;
  }

  private quoted(t: number, close: number): string {
    const raw = this.s.slice(t + 1, close);
    return this.s.charCodeAt(t) === SQUOTE && raw.includes("''") ? raw.replace(/''/g, "'") : raw;
  }

  /** A block mapping at indentation `n` whose first key starts at `p` on the current line. */
  private mapping(n: number, p: number): Record<string, unknown> {
    const s = this.s;
    const obj: Record<string, unknown> = {};
    for (;;) {
      const colon = this.keyEnd(p);
      if (colon === -1) throw BAILED;
      const key = this.key(p, colon);
      if (Object.prototype.hasOwnProperty.call(obj, key)) throw BAILED;
      const t = this.skipSpaces(colon + 1);
      this.wordStart = -1;
      const v = this.atEol(t) || s.charCodeAt(t) === HASH ? this.nested(t, n, true) : this.value(t, n);
      obj[key] = v;
      if (this.wordStart !== -1) this.noteWord(obj, key, v);
      if (this.indent !== n) {
        if (this.indent > n) throw BAILED;
        return obj;
      }
      p = this.pos + n;
      if (s.charCodeAt(p) === DASH && this.isBlankAfter(p + 1)) throw BAILED;
    }
  }

  /** The key text from `p` to its `:`; keys that resolve to anything but a string are BAIL. */
  private key(p: number, colon: number): string {
    const s = this.s;
    const c = s.charCodeAt(p);
    if (c === DQUOTE || c === SQUOTE) {
      const quoted = this.quoted(p, colon - 1);
      if (quoted === '__proto__') throw BAILED;
      return quoted;
    }
    if (c >= 128 ? false : INDICATOR[c] === 1 || (c === DASH && this.isBlankAfter(p + 1))) throw BAILED;
    if (s.charCodeAt(colon - 1) === SP) throw BAILED;
    const key = s.slice(p, colon);
    if (key === '__proto__') throw BAILED;
    if (this.isTyped(key)) throw BAILED;
    return key;
  }

  /**
   * A plain key some implicit type matches (null, bool, numbers, and `<<`, whose merge js-yaml performs): keys like
   * these go to js-yaml.
   */
  private isTyped(text: string): boolean {
    const c = text.charCodeAt(0);
    if (c >= 128 || RESOLVABLE[c] === 0) return false;
    if (RESOLVABLE[c] === 2) return this.words.has(text);
    return this.implicit.some((t) => t.resolve(text));
  }

  /** A plain scalar's value under the schema's implicit types. */
  private resolve(text: string): unknown {
    const c = text.charCodeAt(0);
    if (c >= 128) return text;
    const kind = RESOLVABLE[c];
    if (kind === 0) return text;
    if (kind === 2) return text.length > 5 ? text : this.words.has(text) ? this.words.get(text) : text;
    const implicit = this.implicit;
    for (let i = 0; i < implicit.length; i++) {
      const type = implicit[i]!;
      if (type.resolve(text)) return type.construct(text);
    }
    return text;
  }

  /** A value starting at `t` (not blank, not a comment) of a node whose parent has indentation `n`. */
  private value(t: number, n: number): unknown {
    const s = this.s;
    const c = s.charCodeAt(t);
    if (c === DQUOTE || c === SQUOTE) {
      const close = this.quoteEnd(t);
      if (close === -1) throw BAILED;
      const v = this.quoted(t, close);
      this.finishScalar(close + 1, n);
      return v;
    }
    if (c === 124 /* | */ || c === 62 /* > */) return this.blockScalar(t, n);
    if (c === 91 /* [ */ || c === 123 /* { */) return this.flowCollection(t, n);
    if (c === 38 /* & */) return this.anchored(t, n);
    if (c === 42 /* * */) {
      const end = this.anchorNameEnd(t + 1);
      const name = s.slice(t + 1, end);
      if (this.anchors === undefined || !this.anchors.has(name)) throw BAILED;
      this.finishScalar(end, n);
      return this.anchors.get(name);
    }
    if (c < 128 && INDICATOR[c] === 1) throw BAILED;
    if (c === DASH && this.isBlankAfter(t + 1)) throw BAILED;
    // a plain scalar: up to a comment or the line end; `: ` inside is a key where none may be
    const end = this.lineEnd();
    let stop = end;
    for (let i = t + 1; i < end; i++) {
      const ch = s.charCodeAt(i);
      if (ch === COLON) {
        if (i + 1 >= end || s.charCodeAt(i + 1) === SP) throw BAILED;
      } else if (ch === HASH && s.charCodeAt(i - 1) === SP) {
        stop = i;
        break;
      }
    }
    let last = stop;
    while (last > t && s.charCodeAt(last - 1) === SP) last--;
    const v = this.plainValue(t, last);
    this.finishScalar(last, n);
    return v;
  }

  /** End of an anchor or alias name starting at `i` (js-yaml: up to a space, a line end or a flow indicator); BAIL when empty. */
  private anchorNameEnd(i: number): number {
    const s = this.s;
    let j = i;
    for (; j < this.end; j++) {
      const ch = s.charCodeAt(j);
      if (ch === SP || ch === NL || ch === 44 || ch === 91 || ch === 93 || ch === 123 || ch === 125) break;
    }
    if (j === i) throw BAILED;
    return j;
  }

  /**
   * `&name scalar`: the scalar, remembered for later `*name` aliases. Anchors on collections, on keys, or next to
   * tags go to js-yaml (so aliases only ever repeat a scalar: no alias bomb can get through here).
   */
  private anchored(t: number, n: number): unknown {
    const s = this.s;
    const end = this.anchorNameEnd(t + 1);
    if (s.charCodeAt(end) !== SP) throw BAILED;
    const v = this.skipSpaces(end);
    if (this.atEol(v)) throw BAILED;
    const c = s.charCodeAt(v);
    if (c === HASH || c === 38 || c === 42 || c === 33 /* ! */ || c === 124 || c === 62 || c === 91 || c === 123) throw BAILED;
    if (this.keyEnd(v) !== -1) throw BAILED;
    const value = this.value(v, n);
    // an anchored or aliased word: eemeli/yaml's node and range differ from a plain scalar's; the AST decides
    this.wordList = null;
    (this.anchors ??= new Map()).set(s.slice(t + 1, end), value);
    return value;
  }

  /** A flow collection written on one line (`[a, "b", 1]`, `{ drop: ["ALL"] }`), then the rest of the line. */
  private flowCollection(t: number, n: number): unknown {
    const at = { i: t };
    const v = this.flowNode(at, this.lineEnd(), this.depth + 1);
    this.finishScalar(at.i, n);
    return v;
  }

  /**
   * One flow node at `at.i` (advanced past it): a collection, a quoted or a plain scalar, all on the line ending at
   * `end`. Plain scalars here stop at `,`, `]`, `}`; any `:`, `#` or bracket inside one, empty entries, trailing
   * commas and single-pair mappings inside sequences go to js-yaml.
   */
  private flowNode(at: { i: number }, end: number, depth: number): unknown {
    const s = this.s;
    if (depth > MAX_DEPTH) throw BAILED;
    const i = this.skipSpaces(at.i);
    if (i >= end) throw BAILED;
    const c = s.charCodeAt(i);
    if (c === 91 /* [ */ || c === 123 /* { */) {
      const isMap = c === 123;
      const close = isMap ? 125 : 93;
      const seq: unknown[] = [];
      const map: Record<string, unknown> = {};
      const mark = this.wordList ? this.wordList.length : 0;
      let j = this.skipSpaces(i + 1);
      if (s.charCodeAt(j) === close) {
        at.i = j + 1;
        return isMap ? map : seq;
      }
      for (;;) {
        if (isMap) {
          const k = this.skipSpaces(j);
          const key = this.flowKey(k, end);
          if (Object.prototype.hasOwnProperty.call(map, key.text)) throw BAILED;
          at.i = key.next;
          this.wordStart = -1;
          const v = this.flowNode(at, end, depth + 1);
          map[key.text] = v;
          if (this.wordStart !== -1) this.noteWord(map, key.text, v);
        } else {
          at.i = j;
          this.wordStart = -1;
          const v = this.flowNode(at, end, depth + 1);
          seq.push(v);
          if (this.wordStart !== -1) this.noteWord(seq, seq.length - 1, v);
        }
        j = this.skipSpaces(at.i);
        const sep = s.charCodeAt(j);
        if (j >= end) throw BAILED;
        if (sep === close) {
          at.i = j + 1;
          return isMap ? map : this.exact(seq, mark);
        }
        if (sep !== 44 /* , */) throw BAILED;
        j = this.skipSpaces(j + 1);
        const after = s.charCodeAt(j);
        if (j >= end || after === close || after === 44) throw BAILED;
      }
    }
    if (c === DQUOTE || c === SQUOTE) {
      const close = this.quoteEnd(i);
      if (close === -1) throw BAILED;
      at.i = close + 1;
      return this.quoted(i, close);
    }
    const stop = this.flowPlainEnd(i, end);
    let last = stop;
    while (last > i && s.charCodeAt(last - 1) === SP) last--;
    at.i = stop;
    return this.plainValue(i, last);
  }

  /** End of a flow plain scalar starting at `i` (at `,`, `]` or `}`); BAIL on anything this reader does not mirror. */
  private flowPlainEnd(i: number, end: number): number {
    const s = this.s;
    const c = s.charCodeAt(i);
    if (c < 128 && INDICATOR[c] === 1) throw BAILED;
    // js-yaml will not start a plain scalar with `-` or `?` before a space, a line end or a flow indicator
    if (c === DASH || c === 63) {
      const next = s.charCodeAt(i + 1);
      if (this.isBlankAfter(i + 1) || next === 44 || next === 91 || next === 93 || next === 123 || next === 125) throw BAILED;
    }
    let j = i;
    for (; j < end; j++) {
      const ch = s.charCodeAt(j);
      if (ch === 44 || ch === 93 || ch === 125) break;
      if (ch === COLON || ch === HASH || ch === 91 || ch === 123) throw BAILED;
    }
    return j;
  }

  /** A flow mapping key at `k` and its `: `: the key text (a string, as `key()` requires) and where its value starts. */
  private flowKey(k: number, end: number): { text: string; next: number } {
    const s = this.s;
    const c = s.charCodeAt(k);
    let text: string;
    let colon: number;
    if (c === DQUOTE || c === SQUOTE) {
      const close = this.quoteEnd(k);
      if (close === -1) throw BAILED;
      text = this.quoted(k, close);
      if (text === '__proto__') throw BAILED;
      colon = close + 1;
    } else {
      if (c < 128 && INDICATOR[c] === 1) throw BAILED;
      const next = s.charCodeAt(k + 1);
      if (c === DASH && (this.isBlankAfter(k + 1) || next === 44 || next === 91 || next === 93 || next === 123 || next === 125)) throw BAILED;
      colon = k;
      while (colon < end && s.charCodeAt(colon) !== COLON) {
        const ch = s.charCodeAt(colon);
        if (ch === 44 || ch === 91 || ch === 93 || ch === 123 || ch === 125 || ch === HASH) throw BAILED;
        colon++;
      }
      if (colon === k || s.charCodeAt(colon - 1) === SP) throw BAILED;
      text = s.slice(k, colon);
      if (text === '__proto__' || this.isTyped(text)) throw BAILED;
    }
    if (s.charCodeAt(colon) !== COLON || s.charCodeAt(colon + 1) !== SP) throw BAILED;
    return { text, next: colon + 1 };
  }

  /** A literal (`|`) or folded (`>`) block scalar whose indicator is at `t`; mirrors js-yaml's readBlockScalar. */
  private blockScalar(t: number, n: number): string {
    const s = this.s;
    const end = this.end;
    const folding = s.charCodeAt(t) === 62;
    let chomp = 0; // 0 clip, 1 keep, -1 strip
    let i = t + 1;
    const h = s.charCodeAt(i);
    if (h === 43 /* + */ || h === DASH) {
      chomp = h === 43 ? 1 : -1;
      i++;
    }
    // an explicit indentation digit, or anything else glued to the indicator, goes to js-yaml
    if (!this.atEol(i)) {
      if (s.charCodeAt(i) !== SP) throw BAILED;
      i = this.skipSpaces(i);
      if (!this.atEol(i) && s.charCodeAt(i) !== HASH) throw BAILED;
    }
    let p = this.lineEnd() + 1;
    let textIndent = n + 1;
    let detected = false;
    let didRead = false;
    let atMore = false;
    let empty = 0;
    // the pieces, joined once at the end: `out +=` made a tree of cons strings (about six per ConfigMap value) kept
    // for the whole run
    const out: string[] = [];
    for (;;) {
      if (p >= end) break;
      let k = 0;
      let j = p;
      while ((!detected || k < textIndent) && j < end && s.charCodeAt(j) === SP) {
        k++;
        j++;
      }
      if (!detected && k > textIndent) textIndent = k;
      if (j >= end || s.charCodeAt(j) === NL) {
        empty++;
        p = j + 1;
        continue;
      }
      if (k < textIndent) break;
      if (folding) {
        if (s.charCodeAt(j) === SP) {
          atMore = true;
          newlines(out, didRead ? 1 + empty : empty);
        } else if (atMore) {
          atMore = false;
          newlines(out, empty + 1);
        } else if (empty === 0) {
          if (didRead) out.push(' ');
        } else {
          newlines(out, empty);
        }
      } else {
        newlines(out, didRead ? 1 + empty : empty);
      }
      didRead = true;
      detected = true;
      empty = 0;
      const e = this.eol(j);
      out.push(s.slice(j, e));
      p = e + 1;
    }
    if (chomp === 1) newlines(out, didRead ? 1 + empty : empty);
    else if (chomp === 0 && didRead) out.push('\n');
    this.advance(Math.min(p, end));
    if (this.indent > n) throw BAILED;
    return out.length === 1 ? out[0]! : out.join('');
  }
}

/** `count` line feeds onto `out` (none: nothing). */
function newlines(out: string[], count: number): void {
  if (count > 0) out.push(count === 1 ? '\n' : '\n'.repeat(count));
}

const WATCH_MAX = new WeakMap<ReadonlySet<string>, number>();
let lastWatched: ReadonlySet<string> | undefined;
let lastWatchMax = 0;
let lastImplicit: readonly ImplicitType[] | undefined;
let lastWords: Map<string, unknown> | null | undefined;
const WORDS = new WeakMap<readonly ImplicitType[], Map<string, unknown> | null>();
/** The implicit types whose letter-initial matches are only CANDIDATE_WORDS (YAML 1.2 core schema, plus merge). */
const KNOWN_TAGS = new Set(['null', 'bool', 'int', 'float', 'merge'].map((t) => `tag:yaml.org,2002:${t}`));

/**
 * What the schema makes of each candidate word (a word it does not resolve is left out: it stays a string); null
 * when the schema has implicit types beyond the core ones (timestamps...): then every chunk goes to js-yaml.
 */
function resolvedWords(implicit: readonly ImplicitType[]): Map<string, unknown> | null {
  if (!implicit.every((t) => KNOWN_TAGS.has(t.tag))) return null;
  const words = new Map<string, unknown>();
  for (const w of CANDIDATE_WORDS) {
    const type = implicit.find((t) => t.resolve(w));
    if (type) words.set(w, type.construct(w));
  }
  return words;
}

/**
 * The value of the document in `s` that starts at `from`, whose content starts at `content` (as splitDocuments
 * gives them) and which ends at `to`, exactly as js-yaml reads it with a schema whose implicit types are `implicit`; BAIL when unsure.
 * `watch`: after a successful read, `info.watchedWord` tells whether a plain scalar value is one of `words`.
 */
export function fastLoad(
  s: string,
  from: number,
  content: number,
  to: number,
  implicit: readonly ImplicitType[],
  watch?: { words: ReadonlySet<string>; info: ReadInfo },
  /** The caller knows `s` holds none of UNSAFE_OR_ASTRAL (guard.ts TextScan): the check below is skipped. */
  clean = false,
): unknown {
  // (the last schema's words asked for again without a WeakMap lookup: every chunk of a run asks with one or two)
  let words = implicit === lastImplicit ? lastWords : WORDS.get(implicit);
  if (words === undefined) WORDS.set(implicit, (words = resolvedWords(implicit)));
  lastImplicit = implicit;
  lastWords = words;
  if (words === null) return BAIL;
  if (content >= to) return BAIL;
  // a directive (`%YAML`, `%TAG`) before the document: js-yaml checks it, and may refuse it
  if (s.charCodeAt(from) === 37) return BAIL;
  for (let i = s.indexOf('\n', from); i !== -1 && i + 1 < content; i = s.indexOf('\n', i + 1)) if (s.charCodeAt(i + 1) === 37) return BAIL;
  let lineStart = content;
  while (lineStart > 0 && s.charCodeAt(lineStart - 1) === SP) lineStart--;
  if (lineStart > 0 && s.charCodeAt(lineStart - 1) !== NL) return BAIL; // content on the `---` line
  // js-yaml reads `---x` at a document's start as a marker and `x`
  if (s.startsWith('---', content) || s.startsWith('...', content)) return BAIL;
  // from the chunk's start: a CR in a comment above the content is a line break to js-yaml
  if (!clean) {
    const body = from === 0 && to === s.length ? s : s.slice(from, to);
    if (UNSAFE_OR_ASTRAL.test(body) && UNSAFE.test(body)) return BAIL;
  }
  let watchMax = 0;
  if (watch) {
    watchMax = watch.words === lastWatched ? lastWatchMax : (WATCH_MAX.get(watch.words) ?? -1);
    if (watchMax < 0) WATCH_MAX.set(watch.words, (watchMax = Math.max(0, ...[...watch.words].map((w) => w.length))));
    lastWatched = watch.words;
    lastWatchMax = watchMax;
  }
  const r = new Reader(s, to, implicit, words, watch?.words, watchMax);
  try {
    r.advance(lineStart);
    if (r.indent === -1) return BAIL;
    const value = r.node();
    if (r.indent !== -1) return BAIL;
    if (watch) {
      watch.info.watchedWord = r.watchedWord;
      watch.info.words = r.watchedWord ? (r.wordList ?? undefined) : undefined;
    }
    return value;
  } catch (err) {
    if (err === BAILED) return BAIL;
    throw err;
  }
}
