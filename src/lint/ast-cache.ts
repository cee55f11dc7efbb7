/**
 * The lazily parsed eemeli/yaml AST of one file, addressed by the fast parser's document chunks: chunk i maps
 * to the eemeli document that contains the chunk's first content offset. Parsed only when a position is asked.
 */
import type { Document } from 'yaml';
import { AstCache } from '../core/document.js';
import type { SourceFile } from '../core/source.js';
import { parseAllSkippingBoms, skippedBoms } from './bom-skip.js';

/**
 * Files of this thread whose whole text eemeli/yaml parsed for positions (TALIUM_TIMING prints them with the
 * workers'): a file whose findings the fast reader's record places (core/document.ts PlainWords) adds none.
 */
export const astParses = { files: 0 };

export class ChunkAstCache extends AstCache {
  private parsed: Document.Parsed[] | undefined;
  /** `parsed` came from the caller (the fallback parser's reading, with merge keys and maybe Go integers). */
  private readonly given: boolean;
  constructor(
    private readonly source: SourceFile,
    /** Content offset of each chunk (index = YamlDocument.index). */
    private readonly contentOffsets: readonly number[],
    parsed?: Document.Parsed[],
  ) {
    super(source);
    this.parsed = parsed;
    this.given = parsed !== undefined;
  }

  /** The plain reading only: not the fallback parser's list, nor a text read without its BOMs (bom-skip.ts). */
  override wholeFile(): Document.Parsed[] | undefined {
    return this.given || skippedBoms(this.source.text).length ? undefined : this.all();
  }

  all(): Document.Parsed[] {
    if (!this.parsed) {
      astParses.files++;
      // a BOM before a later document's content is skipped as Go skips it (keys found without it)
      this.parsed = parseAllSkippingBoms(this.source.text, { keepSourceTokens: false, uniqueKeys: false, prettyErrors: false });
    }
    return this.parsed;
  }

  override get(index: number): Document.Parsed | undefined {
    const at = this.contentOffsets[index];
    if (at === undefined) return undefined;
    const docs = this.all();
    // documents come in source order: a binary search finds the last one starting at or before `at`, and the one
    // holding it is that one or a neighbour (a file with 60,000 documents with findings took minutes scanning all)
    let lo = 0;
    let hi = docs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (docs[mid]!.range[0] <= at) lo = mid;
      else hi = mid - 1;
    }
    for (let i = Math.max(0, lo - 1); i <= Math.min(docs.length - 1, lo + 1); i++) if (holds(docs[i]!, at)) return docs[i];
    // anything else (not expected: documents do not overlap) as before, in order
    return docs.find((d) => holds(d, at));
  }
}

/** `at` lies in the document, or in its contents. */
function holds(d: Document.Parsed, at: number): boolean {
  const [start, , end] = d.range;
  if (at >= start && at < Math.max(end, start + 1)) return true;
  return !!d.contents?.range && at >= d.contents.range[0] && at <= d.contents.range[2];
}
