/**
 * Whether one document's own text holds templating, whatever Flux substitution made of its value (`templated` of a
 * substituted document says whether placeholders are left): the appliers (plan/appliers.ts) and the Argo CD rules
 * ask about the text as written. (The parser marks each document by its own text too, since 2026-11-29.)
 */
import type { YamlDocument } from '../core/document.js';
import { TEMPLATE_RE } from '../lint/parse.js';

/** The document's own text holds templating or substitution syntax (also within a comment: lenient). */
export function ownTemplated(doc: YamlDocument): boolean {
  if (!doc.templated) return false;
  const top = doc.list ?? doc;
  return TEMPLATE_RE.test(doc.file.text.slice(top.start, top.end));
}
