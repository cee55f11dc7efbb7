/**
 * Tabs in the leading whitespace of blank and comment lines that go-yaml refuses and js-yaml / eemeli/yaml accept
 * (`a: 1\n\t\nb: 2` fails `kubectl apply`, kustomize, Flux, Argo CD and Helm). Owns that one check; it never changes
 * how a document is read. Pure.
 *
 * go-yaml's scanner (gopkg.in/yaml.v2 2.4.0 and yaml.v3 3.0.1, whose forks sigs.k8s.io/yaml goyaml.v2 and kyaml read
 * Kubernetes manifests; scannerc.go), established against both with a Go program, in block context:
 * - between tokens (yaml_parser_scan_to_next_token) a line start allows a simple key, so a tab there is not eaten
 *   as whitespace: "found character that cannot start any token";
 * - right after a plain scalar (yaml_parser_scan_plain_scalar reads the blank lines that may continue it) a tab at
 *   a column left of the enclosing block collection's column + 1: "found a tab character that violates indentation";
 * - in a block scalar (yaml_parser_scan_block_scalar_breaks) a tab left of the scalar's indentation, or on a blank
 *   line before its first text line: "found a tab character where an indentation space is expected";
 * - inside a flow collection or a quoted scalar tabs are whitespace.
 * PyYAML (Ansible, yamllint) refuses every such line too, and more (a tab at a line start in
 * flow context, a tab in a plain scalar's continuation): held to it by a test where python3-yaml is installed.
 */
import { isMap, isScalar, isSeq, Scalar, visit } from 'yaml';
import type { Finding } from '../core/finding.js';
import type { SourceFile } from '../core/source.js';
import { parseAllSkippingBoms } from './bom-skip.js';

/** A line of spaces and tabs, a tab among its leading blanks, and nothing else but a comment. */
const TAB_BLANK_LINE = /^ *\t[ \t]*(?:#[^\r\n]*)?\r?$/gm;

/** Cheap test: the text may hold a line this module reports. */
export function mayHaveGoTabLines(text: string): boolean {
  if (!text.includes('\t')) return false;
  TAB_BLANK_LINE.lastIndex = 0;
  return TAB_BLANK_LINE.test(text);
}

type GoError = 'cannot-start-token' | 'violates-indentation' | 'indentation-space-expected';

interface Plain {
  start: number;
  end: number;
  /** go-yaml's `indent` for the scalar: the enclosing block collection's column + 1 (0 at the top level). */
  indent: number;
}

/**
 * One yaml/tabs finding per blank or comment line whose leading tab go-yaml refuses. Lines that already carry an
 * error in `taken` (1-based line numbers) are left alone: the parser's finding there says it already. Lines in a
 * document eemeli/yaml cannot read are not judged.
 */
export function goTabFindings(file: SourceFile, taken: ReadonlySet<number>): Finding[] {
  const text = file.text;
  if (!mayHaveGoTabLines(text)) return [];
  const lines: Array<{ start: number; tab: number }> = [];
  TAB_BLANK_LINE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TAB_BLANK_LINE.exec(text)) !== null) {
    lines.push({ start: m.index, tab: m.index + m[0].indexOf('\t') });
    if (m[0].length === 0) TAB_BLANK_LINE.lastIndex++;
  }
  // the structure around the lines, read with their tabs as spaces (eemeli/yaml misreads some tab-only lines that
  // js-yaml reads as blank; the lines' tabs change no token, only go-yaml's verdict)
  let view = '';
  let from = 0;
  for (const { start } of lines) {
    const end = text.indexOf('\n', start);
    view += text.slice(from, start) + text.slice(start, end === -1 ? text.length : end).replace(/\t/g, ' ');
    from = end === -1 ? text.length : end;
  }
  view += text.slice(from);
  const list = parseAllSkippingBoms(view, { uniqueKeys: false, prettyErrors: false, keepSourceTokens: false });
  const flows: Array<[number, number]> = [];
  const quoted: Array<[number, number]> = [];
  const blocks: Array<{ start: number; parentColumn: number }> = [];
  const plains: Plain[] = [];
  /** Documents eemeli/yaml could not read: their structure is unknown, so no line in them is judged. */
  const unread: Array<[number, number]> = [];
  const column = (at: number): number => at - (text.lastIndexOf('\n', at - 1) + 1);
  for (const d of list) {
    if (d.errors.length > 0) {
      unread.push([d.range[0], d.range[2]]);
      continue;
    }
    visit(d, (_, node, path) => {
      if ((isMap(node) || isSeq(node)) && node.flow && node.range) flows.push([node.range[0], node.range[1]]);
      if (!isScalar(node) || !node.range) return;
      let parent: { range?: [number, number, number] | null | undefined; flow?: boolean } | undefined;
      for (let i = path.length - 1; i >= 0; i--) {
        const p = path[i];
        if (isMap(p) || isSeq(p)) {
          parent = p;
          break;
        }
      }
      if (parent?.flow) return;
      const parentColumn = parent?.range ? column(parent.range[0]) : -1;
      if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) quoted.push([node.range[0], node.range[1]]);
      else if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) blocks.push({ start: node.range[0], parentColumn });
      else if (node.type === Scalar.PLAIN && node.range[1] > node.range[0]) plains.push({ start: node.range[0], end: node.range[1], indent: parentColumn + 1 });
    });
  }
  // sorted once, so each line is judged by binary searches and each block body scanned once (lines come in order)
  const inUnread = spans(unread, true);
  const inFlow = spans(flows, false);
  const inQuoted = spans(quoted, false);
  blocks.sort((a, b) => a.start - b.start);
  plains.sort((a, b) => a.start - b.start);
  const bodies = new Map<number, BlockBody>();
  const around: Around = {
    inFlowOrQuoted: (at) => inFlow(at) || inQuoted(at),
    block: (at) => {
      const b = blocks[lastBefore(blocks, at)];
      if (!b) return undefined;
      let body = bodies.get(b.start);
      if (!body) bodies.set(b.start, (body = new BlockBody(text, b.start, b.parentColumn)));
      return body;
    },
    plain: (at) => plains[lastBefore(plains, at)],
  };
  const out: Finding[] = [];
  for (const { start, tab } of lines) {
    if (inUnread(start)) continue;
    const why = goError(text, start, tab - start, around);
    if (!why) continue;
    const range = file.rangeOf(tab, tab + 1);
    if (taken.has(range.start.line)) continue;
    const eol = text.indexOf('\n', start);
    const kind = text.slice(start, eol === -1 ? text.length : eol).includes('#') ? 'comment' : 'blank';
    out.push({
      ruleId: 'yaml/tabs',
      messageId: 'blankLineTab',
      severity: 'error',
      message: `A tab in the indentation of a ${kind} line: go-yaml (kubectl, kustomize, Flux, Argo CD, Helm) and PyYAML (Ansible, yamllint) refuse the document.`,
      help: 'Remove the tab: leave the line empty, or indent it with spaces.',
      file,
      range,
      data: { code: 'TAB_AS_INDENT', goError: why },
    });
  }
  return out;
}

/** What a line's verdict depends on, found for it (goTabFindings). */
interface Around {
  /** The offset is inside a flow collection or a quoted scalar. */
  inFlowOrQuoted(at: number): boolean;
  /** The body of the last block scalar whose header is before the offset. */
  block(at: number): BlockBody | undefined;
  /** The last plain scalar that starts before the offset. */
  plain(at: number): Plain | undefined;
}

function goError(text: string, start: number, tabColumn: number, around: Around): GoError | undefined {
  if (around.inFlowOrQuoted(start)) return undefined;
  // the last block scalar header before the line, when the line lies in its body
  const indent = around.block(start)?.indentAt(start);
  if (indent !== undefined && indent !== false) return indent === 0 || tabColumn < indent ? 'indentation-space-expected' : undefined;
  // the plain scalar the line continues, or whose trailing blank lines it is among: only the last one before the line
  // can be (plain scalars do not overlap, and any later one stands between an earlier one and the line)
  const p = around.plain(start);
  if (p && (start < p.end || /^[ \t\r\n]*$/.test(text.slice(p.end, start)))) return tabColumn < p.indent ? 'violates-indentation' : undefined;
  return 'cannot-start-token';
}

/** The index of the last item of `sorted` (by start) that starts before `at`; -1 when none does. */
function lastBefore(sorted: ReadonlyArray<{ start: number }>, at: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.start < at) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * A test whether an offset lies in one of `ranges` ([a, b): a <= x < b when `fromStart`, else a < x < b), the
 * ranges merged into disjoint sorted ones first (flow collections nest).
 */
function spans(ranges: ReadonlyArray<[number, number]>, fromStart: boolean): (at: number) => boolean {
  const merged: Array<{ start: number; end: number }> = [];
  for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) {
    const last = merged[merged.length - 1];
    if (last && a < last.end) last.end = Math.max(last.end, b);
    else merged.push({ start: a, end: b });
  }
  return (at) => {
    const r = merged[lastBefore(merged, fromStart ? at + 1 : at)];
    return r !== undefined && at < r.end;
  };
}

/**
 * The body of the block scalar whose header is at `header`, scanned forward as lines are asked about in order: for a
 * line, its indentation (0 while no text line has fixed it), or false when the body ended before the line. An
 * explicit indentation indicator is read as the body's indentation relative to the parent.
 */
class BlockBody {
  private p: number;
  private indent: number;
  private ended: boolean;

  constructor(
    private readonly text: string,
    header: number,
    private readonly parentColumn: number,
  ) {
    const headerEnd = text.indexOf('\n', header);
    const explicit = headerEnd === -1 ? null : /^[|>][+-]?([1-9])|^[|>]([1-9])/.exec(text.slice(header, headerEnd));
    this.indent = explicit ? Math.max(parentColumn, 0) + Number(explicit[1] ?? explicit[2]) : 0;
    this.ended = headerEnd === -1;
    this.p = headerEnd + 1;
  }

  /** The body's indentation at the line starting at `line` (after the header; never before a line asked already). */
  indentAt(line: number): number | false {
    const text = this.text;
    if (line < this.p) return this.ended ? false : this.indent;
    while (!this.ended && this.p < line) {
      const p = this.p;
      let i = p;
      while (text.charCodeAt(i) === 32) i++;
      const nl = text.indexOf('\n', p);
      const end = nl === -1 ? text.length : nl;
      const rest = text.slice(i, end).replace(/\r$/, '');
      if (rest !== '' && !/^\t[ \t]*$/.test(rest)) {
        const n = i - p;
        if (this.indent === 0) {
          if (n <= this.parentColumn || n === 0) this.ended = true;
          else this.indent = n;
        } else if (n < this.indent) this.ended = true;
      }
      if (this.ended) break;
      if (nl === -1) this.ended = true;
      else this.p = nl + 1;
    }
    return this.ended ? false : this.indent;
  }
}
