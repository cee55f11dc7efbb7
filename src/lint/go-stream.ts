/**
 * How Kubernetes tools cut a YAML stream into documents where that differs from a YAML parser's reading: the
 * findings for separator lines they refuse and for text they silently drop, and the parser's view of `---#` lines.
 * Pure; split.ts owns the offsets of the cuts.
 *
 * The splitters, each followed by a fresh go-yaml decoder per piece that reads its first document only:
 * - kubectl apply, Argo CD (plain directories), Flux's applier: k8s.io/apimachinery pkg/util/yaml YAMLReader.Read
 *   (kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/yaml/decoder.go @046d201c): a line is a
 *   separator when it starts with `---`; the rest, trimmed, must be empty or start with `#`, else the stream fails
 *   ("invalid Yaml document separator"). A separator line that opens a piece (the file's first line, a line right
 *   after a cut) is left in it.
 * - kustomize (so Flux and Argo CD builds): kubernetes-sigs/kustomize kyaml/kio/byteio_reader.go splitDocuments,
 *   regexp `\n---.*\n` with the same check ("invalid document separator"); the first line is never cut, nor a line
 *   right after a cut (matches do not overlap).
 * Both were run (a Go program with gopkg.in/yaml.v2 2.4.0 and yaml.v3 3.0.1) on each case tested in
 * test/lint-go-stream.test.ts.
 */
import type { Finding } from '../core/finding.js';
import type { SourceFile } from '../core/source.js';
import { goCutScanner, splitDocuments, type Chunk } from './split.js';

/** `---` at a line start followed by something that is neither blank nor a comment. */
const BAD_SEPARATOR = /^---[ \t]*([^ \t\r\n#][^\r\n]*)/gm;
/** A byte-order mark after a line's leading spaces. */
const LINE_START_BOM = /^ *\ufeff/gm;
/** A line starting with `---` (every one is a separator line to Kubernetes' splitters). */
const SEPARATOR_LINE = /^---/gm;

/**
 * A key on the separator line (`--- key: value`, `--- "k": v`): go-yaml and PyYAML refuse it ("mapping values are not
 * allowed"), though js-yaml reads it. Other content there (`--- !!map`, `--- text`, `--- |`, `--- {a: 1}`) is a
 * document to every YAML parser.
 */
const KEY_ON_SEPARATOR = /^(?:"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\r\n]|'')*'|[^\s{[\]'"|>!&*#][^\r\n#]*?)[ \t]*:(?:[ \t]|$)/;

/**
 * Separator lines both splitters refuse (`--- key: value`, `--- |`, `---x`, `----`): kubectl and kustomize fail on
 * the whole file, though a YAML parser reads document content there. On the first line kustomize does not cut, so
 * only kubectl and Argo CD's directory reader refuse it (data.kustomize false). `splitByKubernetesTools` false (a
 * Taskfile, playbook, workflow: no Kubernetes object in the file): only what the YAML parsers refuse too, a key on
 * the separator line; a parser's own error on the other lines stays the finding.
 */
export function separatorFindings(file: SourceFile, splitByKubernetesTools = true): Finding[] {
  const text = file.text;
  if (!text.includes('---')) return [];
  const out: Finding[] = [];
  BAD_SEPARATOR.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = BAD_SEPARATOR.exec(text)) !== null) {
    if (m.index > 0 && text.charCodeAt(m.index - 1) !== 10) continue; // `^` after a lone CR or U+2028: no line start to Go
    if (!splitByKubernetesTools && !(/^---[ \t]/.test(m[0]) && KEY_ON_SEPARATOR.test(m[1]!))) continue;
    const at = m.index + m[0].length - m[1]!.length;
    out.push({
      ruleId: 'yaml/syntax',
      messageId: 'separatorContent',
      severity: 'error',
      message: `Text after the document separator "---": kubectl${m.index > 0 ? ', kustomize' : ''} and Argo CD refuse the file ("invalid document separator").`,
      help: 'Put the content on the next line; only a comment may follow "---" on its line.',
      file,
      range: file.rangeOf(at, m.index + m[0].length),
      data: { code: 'INVALID_SEPARATOR', kustomize: m.index > 0 },
    });
  }
  // `---#` where the splitters do not cut (the first line, a line right after a cut: split.ts goCutScanner): YAMLReader
  // keeps it in the piece it opens, kustomize does not cut there, and go-yaml reads `---#...` as content, so both
  // refuse (or misread) what js-yaml reads as a separator
  for (const at of keptHashSeparators(text)) {
    out.push({
      ruleId: 'yaml/syntax',
      messageId: 'separatorComment',
      severity: 'error',
      message: at === 0
        ? 'A comment with no space after the first line\'s "---": go-yaml reads it as content, so kubectl, kustomize and Argo CD refuse the file.'
        : 'A comment with no space after "---" right after another separator line: kubectl and kustomize do not cut there, the line opens the next piece and go-yaml reads it as content, so they refuse the file.',
      help: 'Put a space between "---" and "#".',
      file,
      range: file.rangeOf(at + 3, lineEnd(text, at + 3)),
      data: { code: 'INVALID_SEPARATOR' },
    });
  }
  return out;
}

/** Offsets of the `---`-starting lines, in order (Go's separator lines: a line start after LF, or the text's start). */
function* separatorLines(text: string): Generator<number> {
  SEPARATOR_LINE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SEPARATOR_LINE.exec(text)) !== null) if (m.index === 0 || text.charCodeAt(m.index - 1) === 10) yield m.index;
}

/** Offsets of the `---#...` lines Kubernetes' splitters do not cut at (goCutScanner): go-yaml reads them as content. */
function keptHashSeparators(text: string): number[] {
  if (!text.includes('---#')) return [];
  const out: number[] = [];
  const goCut = goCutScanner(text);
  for (const at of separatorLines(text)) if (!goCut(at) && text.charCodeAt(at + 3) === 35) out.push(at);
  return out;
}

/** A document after `...` that no `---` opens: kubectl and kustomize read the piece's first document only. */
export function afterEndFinding(file: SourceFile, content: number): Finding {
  return {
    ruleId: 'yaml/syntax',
    messageId: 'afterDocumentEnd',
    severity: 'error',
    message: 'Content after the document end marker "..." with no "---" before it: kubectl, kustomize, Flux and Argo CD drop it unread (go-yaml alone refuses it).',
    help: 'Start the document with a "---" line, or remove the "..." line.',
    file,
    range: file.rangeOf(content, lineEnd(file.text, content)),
    data: { code: 'CONTENT_AFTER_DOCUMENT_END' },
  };
}

/** The end of the line holding offset `at`, before its terminator (a CRLF's CR is no part of the line's text). */
function lineEnd(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  if (nl === -1) return text.length;
  return nl > at && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
}

/**
 * `text` with the comment of every `---#...` line Kubernetes' splitters cut at (split.ts goCutScanner: not the first
 * line, nor one right after a cut) blanked (same length: offsets hold), so a YAML parser sees the separator they see.
 * Give it the whole file: where a line sits decides whether it is cut.
 */
export function blankSeparatorComments(text: string): string {
  if (!text.includes('\n---#')) return text;
  const goCut = goCutScanner(text);
  let out = '';
  let from = 0;
  for (const at of separatorLines(text)) {
    if (!goCut(at) || text.charCodeAt(at + 3) !== 35) continue;
    const end = lineEnd(text, at);
    out += text.slice(from, at) + '---' + ' '.repeat(end - at - 3);
    from = end;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * A second byte-order mark where a piece starts (the file's start, or right after a separator line: split.ts
 * Chunk.boms): go-yaml's reader skips the first, its scanner skips the second at column 0 (scannerc.go
 * yaml_parser_scan_to_next_token, whose `skip` counts the mark as a column) but then loses the first character of the
 * next line (`kind:` is read as `ind:`, `- a\n- b` as "a - b"): found with gopkg.in/yaml.v2 2.4.0
 * and yaml.v3 3.0.1 alike. talium reads the document without both; the finding says that Go does not.
 */
export function secondBomFindings(file: SourceFile, split?: readonly Chunk[]): Finding[] {
  const text = file.text;
  if (!text.includes('\ufeff')) return [];
  const out: Finding[] = [];
  // the caller's split of this text when it has one (parse.ts), else one here
  const chunks = split ?? splitDocuments(text);
  const skipped = new Set(chunks.flatMap((c) => c.boms ?? []));
  // a BOM at a line's start that no decoder skips (after a blank or comment line, after the first line's `---`):
  // Go reads it as content, the first character of a key ("\ufeffkind": kubectl finds no kind)
  LINE_START_BOM.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = LINE_START_BOM.exec(text)) !== null) {
    const at = m.index + m[0].length - 1;
    if (skipped.has(at) || (m.index > 0 && text.charCodeAt(m.index - 1) !== 10)) continue;
    if (chunks.some((c) => c.boms?.length && at === c.boms[c.boms.length - 1]! + 1)) continue; // one run, one finding
    out.push(bomFinding(file, at, 'bomInContent', 'A byte-order mark inside the file, where no YAML decoder skips it: Go reads it as part of the text that follows (a key "\\ufeffkind" is no "kind").', 'Remove the byte-order mark (U+FEFF): it is left from joining files.', 'BOM_IN_CONTENT'));
  }
  for (const c of chunks) {
    if (!c.boms) continue;
    // at the file's start SourceFile has stripped the first BOM already: one here is the second
    const second = c.from === 0 ? c.boms[0] : c.boms[1];
    if (second === undefined) continue;
    out.push(bomFinding(file, second, 'secondBom', 'A second byte-order mark starts this document: go-yaml (kubectl, kustomize, Flux, Argo CD) then drops the first character of the next line.', 'Remove the extra byte-order mark (U+FEFF).', 'SECOND_BOM'));
    // a third and more: go-yaml skips two, the rest begins the content (a key "\ufeffkind"), as talium reads it
    const next = second + 1;
    if (text.charCodeAt(next) === 0xfeff) out.push(bomFinding(file, next, 'bomInContent', 'A third byte-order mark starts this document: go-yaml skips two, and reads the rest as part of the text that follows (a key "\\ufeffkind" is no "kind").', 'Remove the extra byte-order marks (U+FEFF).', 'BOM_IN_CONTENT'));
  }
  return out;
}

/** A `yaml/encoding` error at the BOM at offset `at`. */
function bomFinding(file: SourceFile, at: number, messageId: string, message: string, help: string, code: string): Finding {
  return { ruleId: 'yaml/encoding', messageId, severity: 'error', message, help, file, range: file.rangeOf(at, at + 1), data: { code } };
}
