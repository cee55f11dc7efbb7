/**
 * Whether one document (not its file) holds templating: the parser marks every document of a file templated when
 * any part of the file is (an ApplicationSet's `{{ }}` beside a plain Application), so the appliers (plan/appliers.ts)
 * and the rules that skip templated documents ask here about the document's own text.
 */
import type { YamlDocument } from '../core/document.js';
import { TEMPLATE_RE } from '../lint/parse.js';

/** The document's own text holds templating or substitution syntax (also within a comment: lenient). */
export function ownTemplated(doc: YamlDocument): boolean {
  if (!doc.templated) return false;
  const top = doc.list ?? doc;
  return TEMPLATE_RE.test(doc.file.text.slice(top.start, top.end));
}
