/**
 * Parses one source file into YamlDocuments plus `yaml/*` findings. Fast path: js-yaml 4 per document chunk
 * (Go-YAML-like schema: no timestamps, merge keys); on any js-yaml error the whole file is re-parsed with
 * eemeli/yaml, whose errors (with exact positions) become the findings. Positions are computed only on demand.
 * Integers are Go's (what Kubernetes reads), except in talium's own files, read as YAML 1.2 (YAML12_SCHEMA).
 * A List document comes back as its items (list-items.ts).
 */
import jsyaml from 'js-yaml';
import { parseDocument, visit, type Document, type SchemaOptions, type Tags } from 'yaml';
import { duplicateKeyAt, markDuplicateKeys } from '../core/duplicate-key.js';
import { BAIL, fastLoad, JSYAML_EMPTY_ITEM_BUG, type ImplicitType, type ReadInfo } from './fast-yaml.js';
import { YAML11_WORDS } from '../schema/yaml11.js';
import { IMPLICIT_KEY_CODES, overIndentedKey } from './indent-hint.js';
import { YamlDocument, type PlainWords, type YamlDocumentInit } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import { SourceFile } from '../core/source.js';
import { ChunkAstCache } from './ast-cache.js';
import { classify, isConfigFileName, specClusterName } from './classify.js';
import { expandLists } from './list-items.js';
import { checkDepth, MAX_NESTING_DEPTH, type GuardProblem, type TextScan } from './guard.js';
import { GO_INT_TAG, GO_INT_TYPE } from '../core/go-int.js';
import { splitDocuments, type Chunk } from './split.js';
import { parseAllSkippingBoms } from './bom-skip.js';
import { goTabFindings, mayHaveGoTabLines } from './go-tabs.js';
import { afterEndFinding, blankSeparatorComments, secondBomFindings, separatorFindings } from './go-stream.js';
import { pushAll } from '../core/arrays.js';

export interface ParsedFile {
  docs: YamlDocument[];
  findings: Finding[];
  /** The file was not linted because it is a template (a `yaml/templated` info finding says so). */
  skipped?: boolean;
}

/**
 * The parsers' own limit (js-yaml's maxDepth; eemeli/yaml's syntax tree is cut there: bom-skip.ts), a little above
 * MAX_NESTING_DEPTH, which talium checks before parsing (guard.ts checkDepth): a last word for what the estimate does
 * not see (eemeli/yaml nesting a broken document deeper than its text), never stack-bound.
 */
export const MAX_PARSE_DEPTH = MAX_NESTING_DEPTH + 16;

/**
 * Go YAML (sigs.k8s.io/yaml) reads timestamps as strings for Kubernetes objects and supports `<<` merge keys;
 * js-yaml's CORE schema + merge matches that (DEFAULT would turn dates into Date objects). Its integers are Go's
 * (core/go-int.ts: `1_000` is 1000, `017` is 15, `0X1F` is 31), not YAML 1.2 core's.
 */
export const GO_LIKE_SCHEMA = jsyaml.CORE_SCHEMA.extend({
  implicit: [GO_INT_TYPE, (jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge],
});
/** eemeli/yaml options reading integers as Go does (the fallback parse of values). */
const GO_INTS = { customTags: (tags: Tags) => [GO_INT_TAG, ...tags] };
/** The schema's implicit scalar types, in js-yaml's order: the fast reader resolves plain scalars with them. */
export const GO_LIKE_IMPLICIT = (GO_LIKE_SCHEMA as unknown as { compiledImplicit: ImplicitType[] }).compiledImplicit;

/**
 * talium's own files (talium.config.yaml, .talium.yaml, a --config file, clusters/<name>/cluster.yaml) are read by
 * talium alone, as YAML 1.2 core, integers included (`017` is 17, `1_000` a string): as `talium generate` reads
 * cluster.yaml and as an editor validating them against talium's JSON Schemas (yaml-language-server) reads them.
 */
export const YAML12_SCHEMA = jsyaml.CORE_SCHEMA.extend({ implicit: [(jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge] });
const YAML12_IMPLICIT = (YAML12_SCHEMA as unknown as { compiledImplicit: ImplicitType[] }).compiledImplicit;

export interface ParseOptions {
  /**
   * Read integers as YAML 1.2 core does, not as Go (default: talium's own files: its config file names by name, a
   * cluster spec once known, at clusters/<name>/cluster.yaml read so at once: again()).
   */
  yaml12?: boolean;
}

/** Largest document sent to eemeli/yaml instead of js-yaml for js-yaml's empty-item bug (bounded time on huge files). */
const EEMELI_MAX_CHUNK = 1_000_000;

/** Any templating or substitution syntax (marks documents `templated`; substitution tells what is still one). */
export const TEMPLATE_RE = /\{\{|\{%|#\{|#%|\$\{[A-Za-z_]/;
/** Syntax that makes a file a template whose YAML reading is meaningless (Jinja blocks, makejinja markers). */
const ALWAYS_TEMPLATE_RE = /\{%-?\s|#%|#\{[^\n]*\}#/;
/** Go/Jinja expressions: a template when the file also fails to parse or sits in a Helm chart's templates/. */
const EXPR_RE = /\{\{/;
const HELM_TEMPLATES_DIR = /(^|\/)templates\//;

function templatedFinding(file: SourceFile, why: string): Finding {
  return {
    ruleId: 'yaml/templated',
    severity: 'info',
    message: `File contains template syntax (${why}) and was not linted.`,
    help: 'Lint the rendered output instead, or exclude the template folder.',
    file,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
    data: { reason: why },
  };
}

/** Expanded node count of a value with shared references (js-yaml aliases), stopping past `limit`. */
export function expandedSize(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (++count > limit) return count;
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push(v[i]);
      else for (const k in v as Record<string, unknown>) stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return count;
}

/** The outcome of reading YAML text held in a string (Argo CD `helm.values`, a ConfigMap's values file). */
export type ValuesText = { ok: true; value: unknown } | { ok: false; line: number; column: number; reason: string; code: string };

/**
 * Read YAML text held in a string the way Go YAML would (js-yaml, linear time; eemeli/yaml is quadratic on huge
 * mappings). `unique`: duplicate keys are an error (Helm refuses them) rather than last-wins. Alias bombs and
 * too-deep nesting are errors, never a hang or a crash.
 */
export function parseValuesText(text: string, opts: { unique: boolean }): ValuesText {
  try {
    const value = jsyaml.load(text, { schema: GO_LIKE_SCHEMA, json: !opts.unique });
    const limit = Math.max(100_000, text.length);
    if (/[&*]/.test(text) && expandedSize(value, limit) > limit) {
      return { ok: false, line: 1, column: 1, reason: 'aliases expand to too many nodes', code: 'ALIAS_BOMB' };
    }
    return { ok: true, value };
  } catch (err) {
    if (err instanceof RangeError) return { ok: false, line: 1, column: 1, reason: 'nested too deeply', code: 'TOO_DEEP' };
    const e = err as { mark?: { line: number; column: number }; reason?: string; message?: string };
    const reason = (e.reason ?? e.message ?? 'invalid YAML').split('\n')[0]!;
    const code = /duplicated mapping key/.test(reason) ? 'DUPLICATE_KEY' : reason.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '');
    return { ok: false, line: (e.mark?.line ?? 0) + 1, column: (e.mark?.column ?? 0) + 1, reason, code };
  }
}

function aliasBomb(file: SourceFile, offset: number, detail: string): Finding {
  return {
    ruleId: 'yaml/alias-bomb',
    severity: 'error',
    message: `Document expands to too many nodes through aliases (${detail}).`,
    help: 'Expand the aliases by hand or reduce their nesting.',
    file,
    range: file.rangeOf(offset, offset),
  };
}

/**
 * Where flow collections (`[`, `{`) first nest deeper than MAX_PARSE_DEPTH in text[from, to) (double-quoted
 * strings skipped), else `from`: a position for yaml/too-deep that does not depend on the parser's stack. At the
 * MAX_PARSE_DEPTH-th bracket, where js-yaml's maxDepth stops (whether the root is a block or a flow collection).
 */
export function flowTooDeepAt(text: string, from: number, to: number): number {
  let depth = 1;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < to && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > MAX_PARSE_DEPTH) return i;
    } else if ((c === 0x5d /* ] */ || c === 0x7d /* } */) && depth > 1) depth--;
  }
  return from;
}

function tooDeep(file: SourceFile, offset: number): Finding {
  return {
    ruleId: 'yaml/too-deep',
    severity: 'error',
    message: `Nesting is deeper than ${MAX_NESTING_DEPTH} levels.`,
    help: 'Flatten the structure; no Kubernetes object nests this deep.',
    file,
    range: file.rangeOf(offset, offset),
    data: { limit: MAX_NESTING_DEPTH },
  };
}

/**
 * A file nested past MAX_NESTING_DEPTH (checkDepth's `deep`): one yaml/too-deep finding there, after the findings of
 * the text before (read alone, up to the line the deep part starts on: earlier documents' syntax errors stay
 * reported). Its documents are not linted.
 */
function tooDeepFile(file: SourceFile, deep: GuardProblem, opts: ParseOptions): ParsedFile {
  const findings: Finding[] = [];
  const cut = deep.lineStart ?? 0;
  // a text starting with a BOM would lose it again in SourceFile (its offsets would shift): not read
  if (cut > 0 && file.text.charCodeAt(0) !== 0xfeff) {
    const head = parseSource(new SourceFile(file.path, file.text.slice(0, cut)), opts);
    // what the cut itself breaks (an unclosed collection, a missing value) is reported at or after it: left out
    const cutLine = file.rangeOf(cut, cut).start.line;
    for (const f of head.findings) if (f.range && f.range.start.line < cutLine) findings.push({ ...f, file });
  }
  findings.push({ ruleId: deep.ruleId, severity: 'error', message: deep.message, help: 'Flatten the structure; no Kubernetes object nests this deep.', file, range: { start: deep.position, end: deep.position }, data: deep.data });
  return { docs: [], findings };
}

interface JsYamlError {
  message?: string;
  reason?: string;
  mark?: { position: number };
}

export function parseSource(file: SourceFile, opts: ParseOptions = {}): ParsedFile {
  // where talium keeps a cluster's spec, the file is read as YAML 1.2 at once (once, when it is one: again() below)
  const specPlace = opts.yaml12 === undefined && specClusterName(file.path) !== undefined;
  const yaml12 = opts.yaml12 ?? (isConfigFileName(file.path) || specPlace);
  const schema = yaml12 ? YAML12_SCHEMA : GO_LIKE_SCHEMA;
  const ints = yaml12 ? {} : GO_INTS;
  const text = file.text;
  const templated = TEMPLATE_RE.test(text);
  if (templated) {
    if (ALWAYS_TEMPLATE_RE.test(text)) return { docs: [], findings: [templatedFinding(file, 'jinja/makejinja block')], skipped: true };
    if (EXPR_RE.test(text) && HELM_TEMPLATES_DIR.test(file.path)) {
      return { docs: [], findings: [templatedFinding(file, 'helm template')], skipped: true };
    }
  }
  const scan: TextScan = { oddChars: true };
  const deep = checkDepth(text, undefined, scan);
  if (deep) return tooDeepFile(file, deep, opts);
  const findings: Finding[] = [];
  const chunks = splitDocuments(text);
  const values: Array<{ index: number; value: unknown; chunk: (typeof chunks)[number]; noYaml11Words?: boolean; plainWords?: PlainWords | undefined }> = [];
  const info: ReadInfo = { watchedWord: false };
  const watch = { words: YAML11_WORDS, info };
  const mayAlias = text.includes('*');
  // `---#comment` separator lines are read as `---` (go-stream.ts): the same length, so offsets hold
  const sepText = blankSeparatorComments(text);
  let failure: { error: JsYamlError; offset: number } | undefined;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    if (c.content >= c.to) continue;
    if (c.afterEnd && !yaml12) {
      findings.push(afterEndFinding(file, c.content));
      continue;
    }
    let value: unknown = fastLoad(text, c.from, c.content, c.to, yaml12 ? YAML12_IMPLICIT : GO_LIKE_IMPLICIT, watch, !scan.oddChars);
    if (value !== BAIL) {
      if (value !== null) values.push({ index: i, value, chunk: c, noYaml11Words: !info.watchedWord, plainWords: info.words?.length ? { root: value, watched: YAML11_WORDS, entries: info.words } : undefined });
      continue;
    }
    // the BOMs Go skips before the content are left out (js-yaml would make them part of the key)
    const boms = c.boms;
    const chunkText = boms ? sepText.slice(c.from, boms[0]) + sepText.slice(boms[boms.length - 1]! + 1, c.to) : c.from === 0 && c.to === text.length ? sepText : sepText.slice(c.from, c.to);
    // js-yaml drops a BOM that starts its input; Go reads one left after the BOMs it skips as content (a third at
    // the file's start): a leading line break keeps it content (and is taken off the offsets)
    const lead = chunkText.charCodeAt(0) === 0xfeff ? '\n' : '';
    /** The text offset of an offset into chunkText. */
    const textOffset = (at: number) => {
      const pos = Math.max(0, at - lead.length);
      return c.from + pos + (boms && c.from + pos >= boms[0]! ? boms.length : 0);
    };
    if (chunkText.length <= EEMELI_MAX_CHUNK && JSYAML_EMPTY_ITEM_BUG.test(chunkText)) {
      // js-yaml would misread this document: eemeli/yaml reads it (and reports it when it is invalid); not for huge
      // documents, where eemeli/yaml's cost on big mappings would be the bigger harm
      const d = parseDocument(chunkText, { uniqueKeys: false, prettyErrors: false, merge: true, ...ints });
      markDuplicateKeys(d);
      if (d.errors.length === 0) {
        try {
          value = d.toJS({ maxAliasCount: 1000 });
          if (value !== null && value !== undefined) values.push({ index: i, value, chunk: c });
          continue;
        } catch {
          /* alias trouble: the fallback reports it */
        }
      }
      failure = { error: { reason: 'an empty sequence item before a less indented one' }, offset: c.content };
      break;
    }
    try {
      value = jsyaml.load(lead + chunkText, {
        schema,
        maxDepth: MAX_PARSE_DEPTH,
      } as jsyaml.LoadOptions);
    } catch (err) {
      const e = err as JsYamlError;
      const offset = textOffset(e.mark?.position ?? 0);
      const reason = e.reason ?? e.message ?? '';
      if (/maxDepth/.test(reason)) {
        findings.push(tooDeep(file, offset));
        continue;
      }
      if (/merge keys/i.test(reason)) {
        findings.push(aliasBomb(file, c.content, 'merge keys'));
        continue;
      }
      // js-yaml reports an unknown tag after its node: point at the tag itself
      const tag = /unknown tag !<([^>]+)>/.exec(reason)?.[1];
      const short = tag?.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice(18)}` : tag;
      const at = short ? text.indexOf(short, c.from) : -1;
      failure = { error: e, offset: at !== -1 && at < c.to ? at : offset };
      break;
    }
    if (value === null || value === undefined) continue;
    if (mayAlias && expandedSize(value, Math.max(100_000, text.length)) > Math.max(100_000, text.length)) {
      findings.push(aliasBomb(file, c.content, `more than ${Math.max(100_000, text.length)} nodes`));
      continue;
    }
    values.push({ index: i, value, chunk: c });
  }
  if (failure) return again(file, yaml12, specPlace, fallback(file, failure, templated, ints, !yaml12));
  const ast = new ChunkAstCache(file, chunks.map((c) => c.content));
  const docs = values.map(({ index, value, chunk, noYaml11Words, plainWords }) => {
    // (no conditional spread: one object per document, six thousand of them in a 2,000-file tree)
    const init: YamlDocumentInit = { file, index, value, docClass: classify(value, file.path), start: chunk.content, end: chunk.to, ast, templated: templated && TEMPLATE_RE.test(text.slice(chunk.content, chunk.to)), noYaml11Words };
    if (plainWords) init.plainWords = plainWords;
    return new YamlDocument(init);
  });
  if (!yaml12) goReading(file, findings, docs, chunks);
  return again(file, yaml12, specPlace, { docs: expandLists(docs), findings });
}

/**
 * Adds what Go's reading refuses or misreads and the parsers accept: a second BOM, separator lines with content (go-stream.ts; a parser's
 * syntax error on such a line gives way to it) and tabs on blank and comment lines (go-tabs.ts) where the parser
 * reported no error on the line already. Content after `---` that a YAML parser reads (`--- !!map`, `--- text`) is
 * refused only by the Kubernetes stream splitters, so it is reported only in a file that holds a Kubernetes object or
 * kustomization (or nothing readable): in a Taskfile, playbook or workflow go-yaml and PyYAML read it.
 */
function goReading(file: SourceFile, findings: Finding[], docs: readonly YamlDocument[], chunks?: readonly Chunk[]): void {
  pushAll(findings, secondBomFindings(file, chunks));
  const splitByKubernetesTools = !docs.length || docs.some((d) => d.docClass === 'k8s' || d.docClass === 'kustomization');
  const separators = separatorFindings(file, splitByKubernetesTools);
  if (separators.length) {
    const lines = new Set(separators.map((f) => f.range!.start.line));
    for (let i = findings.length - 1; i >= 0; i--) {
      const f = findings[i]!;
      if (f.ruleId === 'yaml/syntax' && f.range && lines.has(f.range.start.line)) findings.splice(i, 1);
    }
    pushAll(findings, separators);
  }
  if (!mayHaveGoTabLines(file.text)) return;
  const taken = new Set<number>();
  for (const f of findings) if (f.severity === 'error' && f.range) taken.add(f.range.start.line);
  pushAll(findings, goTabFindings(file, taken));
}

/**
 * A cluster spec (known only once read) is talium's own file, read as YAML 1.2 (YAML12_SCHEMA); any other document is
 * read as Go reads it. A file read as Go with a spec in it is read again as YAML 1.2 (a cluster.yaml elsewhere), and
 * one read as YAML 1.2 for its place (`specPlace`, clusters/<name>/cluster.yaml) without a spec is read again as Go
 * (a Kubernetes object kept there): either reading is kept only where it is right.
 */
function again(file: SourceFile, yaml12: boolean, specPlace: boolean, parsed: ParsedFile): ParsedFile {
  const spec = parsed.docs.some((d) => d.docClass === 'cluster-spec');
  if (specPlace) return spec || !parsed.docs.length ? parsed : parseSource(file, { yaml12: false });
  return !yaml12 && spec ? parseSource(file, { yaml12: true }) : parsed;
}

const CODE_RULE: Record<string, string> = {
  DUPLICATE_KEY: 'yaml/duplicate-key',
  TAB_AS_INDENT: 'yaml/tabs',
  RESOURCE_EXHAUSTION: 'yaml/too-deep',
};
const CODE_HELP: Record<string, string> = {
  'yaml/duplicate-key': 'Remove or rename one of the two keys: kustomize (and so Flux and Argo CD builds) refuses the document, and readers that accept it keep only one of the values.',
  'yaml/tabs': 'Indent with spaces; YAML forbids tabs in indentation.',
  'yaml/too-deep': 'Flatten the structure; no Kubernetes object nests this deep.',
  'yaml/syntax': 'Fix the YAML syntax at this position.',
};

/** The first alias in `d` whose anchor is not defined before it, with its offsets. */
function unresolvedAlias(d: Document.Parsed): { name: string; at: [number, number] } | undefined {
  let found: { name: string; at: [number, number] } | undefined;
  visit(d, {
    Alias(_, node) {
      if (node.resolve(d) === undefined) {
        const r = node.range ?? [0, 0];
        found = { name: node.source, at: [r[0], r[1]] };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * js-yaml's refusal of an application's own local tag (`!vault`, `!secret`, `!include`, `!Ref`, `!reference`): in
 * tool configs (Ansible, Home Assistant, CloudFormation, GitLab CI) that is the tool's syntax, not a parser quirk, so
 * it is reported only in documents Go readers decode (Kubernetes objects, Talos configs...), which drop the tag.
 */
const LOCAL_TAG_RE = /^unknown tag !<![^!>]/;

/**
 * The authoritative (slower) parse with eemeli/yaml: exact error positions, and values where it succeeds. `go`: the
 * file is read by Go tools (not talium's own, YAML 1.2 file): their reading of the stream applies (goReading).
 */
function fallback(file: SourceFile, failure: { error: JsYamlError; offset: number }, templated: boolean, ints: Pick<SchemaOptions, 'customTags'>, go: boolean): ParsedFile {
  const findings: Finding[] = [];
  // duplicate keys are found by markDuplicateKeys (linear; eemeli/yaml's uniqueKeys compares every pair)
  // a BOM before a later document's content (concatenated files) is skipped as Go skips it, offsets kept
  // nesting past the parsers' limit is cut from the syntax tree (bom-skip.ts): one yaml/too-deep where it starts
  const deepAt: number[] = [];
  const list = parseAllSkippingBoms(file.text, { uniqueKeys: false, prettyErrors: false, merge: true, ...ints }, undefined, MAX_PARSE_DEPTH, deepAt);
  for (const d of list) markDuplicateKeys(d);
  // documents after `...` that no `---` opens: Kubernetes tools drop them unread (split.ts Chunk.afterEnd)
  const dropped = go && file.text.includes('\n...') ? splitDocuments(file.text).filter((c) => c.afterEnd && c.content < c.to) : [];
  const isDropped = (d: Document.Parsed): boolean => {
    const at = d.contents?.range?.[0] ?? d.range[0];
    return dropped.some((c) => c.from <= at && at < c.to);
  };
  for (const c of dropped) findings.push(afterEndFinding(file, c.content));
  const hasErrors = list.some((d) => d.errors.length > 0);
  if (hasErrors && templated && EXPR_RE.test(file.text)) {
    return { docs: [], findings: [templatedFinding(file, 'go/jinja expressions')], skipped: true };
  }
  // an alias without an anchor: both parsers refuse it (eemeli/yaml when building the value), reported per document
  let disagreement: Finding | undefined;
  if (!hasErrors && !list.some((d) => unresolvedAlias(d))) {
    disagreement = {
      ruleId: 'yaml/parser-disagreement',
      severity: 'info',
      message: `js-yaml rejects this document ("${(failure.error.reason ?? failure.error.message ?? '').split('\n')[0]}") but eemeli/yaml accepts it.`,
      help: 'Check the construct at this position; other YAML readers may read it differently.',
      file,
      range: file.rangeOf(failure.offset, failure.offset),
    };
  }
  const ast = new ChunkAstCache(
    file,
    list.map((d) => d.contents?.range?.[0] ?? d.range[0]),
    list,
  );
  const docs: YamlDocument[] = [];
  list.forEach((d, index) => {
    if (dropped.length && isDropped(d)) return;
    let fatal = false;
    const explained = new Set<number>();
    let deep = false;
    // out of stack: what eemeli/yaml composed before it ran out depends on the stack left (JIT frame sizes differ
    // from run to run), so its errors at or past the point js-yaml stops at (flowTooDeepAt: a flow's deep bracket,
    // else the document's start) are dropped: the same findings on every run
    let cut = d.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION') ? flowTooDeepAt(file.text, d.range[0], d.range[2]) : Infinity;
    // its tree cut past MAX_PARSE_DEPTH (the same on every run, whatever the stack): its errors from there on are the cut's
    const treeCut = deepAt.reduce((min, at) => (at >= d.range[0] && at < d.range[2] && at < min ? at : min), Infinity);
    if (treeCut !== Infinity) {
      cut = Math.min(cut, treeCut);
      fatal = true;
      deep = true;
    }
    for (const e of d.errors) {
      const ruleId = CODE_RULE[e.code] ?? 'yaml/syntax';
      // eemeli/yaml ran out of stack (one error per node it could not compose, at a place that depends on the
      // stack left): one yaml/too-deep finding, where js-yaml would report it, the same on every run
      if (e.code === 'RESOURCE_EXHAUSTION') {
        fatal = true;
        if (!deep) findings.push(tooDeep(file, flowTooDeepAt(file.text, d.range[0], d.range[2])));
        deep = true;
        continue;
      }
      if (e.pos[0] >= cut) {
        fatal = true;
        continue;
      }
      if (ruleId !== 'yaml/duplicate-key') fatal = true;
      // a key indented deeper than the one above: one finding at that key instead of two at the value above it
      const hint = IMPLICIT_KEY_CODES.has(e.code) ? overIndentedKey(file.text, e.pos[0]) : undefined;
      if (hint) {
        if (!explained.has(e.pos[0])) {
          explained.add(e.pos[0]);
          findings.push({
            ruleId,
            messageId: 'overIndented',
            severity: 'error',
            message: hint.message,
            help: `Indent "${hint.key}:" like "${hint.above}:", or nest it under a key that takes a mapping.`,
            file,
            range: file.rangeOf(hint.start, hint.end),
            data: { code: 'BAD_INDENT', key: hint.key, above: hint.above },
          });
        }
        continue;
      }
      const dup = ruleId === 'yaml/duplicate-key' ? duplicateKeyAt(d, e.pos[0]) : undefined;
      if (dup) {
        findings.push({
          ruleId,
          severity: 'error',
          message: `Key "${dup.key}" appears twice in the same mapping.`,
          help: CODE_HELP[ruleId]!,
          file,
          range: file.rangeOf(dup.at[0], dup.at[1]),
          data: { code: e.code, key: dup.key },
          ...(dup.first ? { related: [{ file, range: file.rangeOf(dup.first[0], dup.first[1]), message: `first "${dup.key}" here` }] } : {}),
        });
        continue;
      }
      findings.push({
        ruleId,
        severity: 'error',
        message: e.message.split('\n')[0] ?? e.message,
        help: CODE_HELP[ruleId]!,
        file,
        range: file.rangeOf(e.pos[0], e.pos[1]),
        data: { code: e.code },
      });
    }
    if (treeCut !== Infinity) findings.push(tooDeep(file, cut));
    if (fatal) return;
    let value: unknown;
    const unresolved = unresolvedAlias(d);
    if (unresolved) {
      findings.push({
        ruleId: 'yaml/syntax',
        severity: 'error',
        message: `Alias "*${unresolved.name}" refers to no anchor "&${unresolved.name}" above it in this document.`,
        help: `Define "&${unresolved.name}" on a value before this alias, or fix the alias name.`,
        file,
        range: file.rangeOf(unresolved.at[0], unresolved.at[1]),
        data: { code: 'UNRESOLVED_ALIAS', alias: unresolved.name },
      });
      return;
    }
    try {
      value = d.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      findings.push(aliasBomb(file, d.range[0], (err as Error).message.split('\n')[0] ?? 'alias count'));
      return;
    }
    if (value === null || value === undefined) return;
    const start = d.contents?.range?.[0] ?? d.range[0];
    docs.push(new YamlDocument({ file, index, value, docClass: classify(value, file.path), start, end: d.range[2], ast, templated: templated && TEMPLATE_RE.test(file.text.slice(start, d.range[2])) }));
  });
  if (go) goReading(file, findings, docs);
  if (disagreement && !(LOCAL_TAG_RE.test(failure.error.reason ?? '') && docs.some((d) => d.docClass === 'other' && d.start <= failure.offset && failure.offset < d.end))) {
    findings.unshift(disagreement);
  }
  return { docs: expandLists(docs), findings };
}
