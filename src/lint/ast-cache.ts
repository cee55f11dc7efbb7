/**
 * The lazily parsed eemeli/yaml AST of one file, addressed by the fast parser's document chunks: chunk i maps
 * to the eemeli document that contains the chunk's first content offset. Parsed only when a position is asked.
 */
import { parseAllDocuments, type Document } from 'yaml';
import { AstCache } from '../core/document.js';
import type { SourceFile } from '../core/source.js';

export class ChunkAstCache extends AstCache {
  private parsed: Document.Parsed[] | undefined;
  constructor(
    private readonly source: SourceFile,
    /** Content offset of each chunk (index = YamlDocument.index). */
    private readonly contentOffsets: readonly number[],
    parsed?: Document.Parsed[],
  ) {
    super(source);
    this.parsed = parsed;
  }

  all(): Document.Parsed[] {
    if (!this.parsed) {
      const docs = parseAllDocuments(this.source.text, { keepSourceTokens: false, uniqueKeys: false, prettyErrors: false });
      this.parsed = Array.isArray(docs) ? (docs as Document.Parsed[]) : [];
    }
    return this.parsed;
  }

  override get(index: number): Document.Parsed | undefined {
    const at = this.contentOffsets[index];
    if (at === undefined) return undefined;
    for (const d of this.all()) {
      const [start, , end] = d.range;
      if (at >= start && at < Math.max(end, start + 1)) return d;
      if (d.contents?.range && at >= d.contents.range[0] && at <= d.contents.range[2]) return d;
    }
    return undefined;
  }
}
