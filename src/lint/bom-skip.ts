/**
 * eemeli/yaml's parse of a whole file with Go's reading of the byte-order marks that start a document (split.ts
 * Chunk.boms: files that each start with a BOM, concatenated with `---`): the go-yaml decoder Kubernetes tools run on
 * each piece skips them, eemeli/yaml skips one only between documents, and otherwise reads it as content (a key
 * "\ufeffkind", or a BOM before a comment as a plain scalar: a spurious syntax error). The BOMs are left out of the parsed text and every
 * offset of the result (node ranges, error positions) is mapped back to the file text. A `---#comment` line is read
 * as the separator Kubernetes' splitters take it for (go-stream.ts). A BOM Go reads as content stays content (a
 * third at a piece's start, one after a comment line), also where eemeli/yaml would skip it. Collections nested past
 * a limit are cut from the syntax tree before composing (eemeli/yaml composes recursively: where it ran out of stack
 * depended on the caller), and where is said (`deepAt`). Pure.
 */
import { Composer, isNode, Parser, visit, type CST, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { splitDocuments } from './split.js';
import { blankSeparatorComments } from './go-stream.js';

type Options = ParseOptions & DocumentOptions & SchemaOptions;

/** Offsets of the BOMs Go YAML skips before documents' content (ascending). */
export function skippedBoms(text: string): number[] {
  if (!text.includes('\ufeff')) return [];
  const out: number[] = [];
  for (const c of splitDocuments(text)) if (c.boms) out.push(...c.boms);
  return out;
}

/** A document's syntax tree cut at `limit` nested collections: each deeper one becomes an empty scalar at its offset. */
export type DeepCuts = number[];

/**
 * parseAllDocuments(text), reading `text` without the BOMs at `boms` (skippedBoms) and with offsets into `text`;
 * collections nested deeper than `maxDepth` are left out and their offsets (into `text`) pushed to `deepAt`.
 */
export function parseAllSkippingBoms(source: string, opts: Options, boms: readonly number[] = skippedBoms(source), maxDepth = Infinity, deepAt: DeepCuts = []): Document.Parsed[] {
  // a `---#comment` line is the separator Kubernetes tools cut at (go-stream.ts); blanking its comment keeps offsets
  const text = blankSeparatorComments(source);
  // eemeli/yaml takes a BOM before the first document's content for a byte-order mark (its stream state), Go for
  // content (a third BOM at the start, one after a comment line): an opening `---` line (offsets mapped back) keeps it
  const lead = bomOpensContent(text, boms) ? '---\n' : '';
  if (boms.length === 0 && !lead) return parseBounded(text, opts, maxDepth, deepAt);
  let stripped = lead;
  let from = 0;
  for (const b of boms) {
    stripped += text.slice(from, b);
    from = b + 1;
  }
  stripped += text.slice(from);
  // BOM i sits at text offset boms[i], i.e. stripped offset boms[i] - i; stripped offsets from there on move by i + 1
  const cuts = boms.map((b, i) => b - i);
  const toText = (at: number): number => {
    const x = Math.max(0, at - lead.length);
    let lo = 0;
    let hi = cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cuts[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return x + lo;
  };
  const cutsAt: DeepCuts = [];
  const list = parseBounded(stripped, opts, maxDepth, cutsAt);
  for (const at of cutsAt) deepAt.push(toText(at));
  const seen = new Set<unknown>();
  const remap = (r: number[] | undefined | null) => {
    if (!r || seen.has(r)) return;
    seen.add(r);
    for (let i = 0; i < r.length; i++) r[i] = toText(r[i]!);
  };
  for (const d of list) {
    remap(d.range);
    for (const e of [...d.errors, ...d.warnings]) remap(e.pos);
    visit(d, (_, node) => {
      if (isNode(node)) remap(node.range);
    });
  }
  return list;
}

/** The first document's content starts with a BOM Go reads as content (not one of `boms`) and no `---` line precedes it. */
function bomOpensContent(text: string, boms: readonly number[]): boolean {
  if (!text.includes('\ufeff')) return false;
  const first = splitDocuments(text)[0];
  if (!first || text.charCodeAt(first.content) !== 0xfeff || boms.includes(first.content)) return false;
  return !/(?:^|\n)---/.test(text.slice(0, first.content));
}

/** parseAllDocuments(text, opts) (no pretty errors), each document's syntax tree cut at `maxDepth` first. */
function parseBounded(text: string, opts: Options, maxDepth: number, deepAt: DeepCuts): Document.Parsed[] {
  const tokens = new Parser().parse(text);
  const cut = function* (): Generator<CST.Token> {
    for (const t of tokens) {
      if (t.type === 'document' && maxDepth !== Infinity) cutDeep(t, maxDepth, deepAt);
      yield t;
    }
  };
  return Array.from(new Composer(opts).compose(cut())) as Document.Parsed[];
}

type Slot = { key?: CST.Token | null; value?: CST.Token };

/** Replaces every collection nested deeper than `limit` in `doc` by an empty scalar, pushing its offset. Iterative. */
function cutDeep(doc: CST.Document, limit: number, deepAt: DeepCuts): void {
  const stack: Array<[CST.Token, number, Slot, 'key' | 'value']> = [];
  if (doc.value) stack.push([doc.value, 0, doc as Slot, 'value']);
  while (stack.length) {
    const [t, depth, slot, field] = stack.pop()!;
    if (t.type !== 'block-map' && t.type !== 'block-seq' && t.type !== 'flow-collection') continue;
    if (depth + 1 > limit) {
      slot[field] = { type: 'scalar', offset: t.offset, indent: t.indent, source: '' };
      deepAt.push(t.offset);
      continue;
    }
    for (const item of t.items as Slot[]) {
      if (item.key) stack.push([item.key, depth + 1, item, 'key']);
      if (item.value) stack.push([item.value, depth + 1, item, 'value']);
    }
  }
}
