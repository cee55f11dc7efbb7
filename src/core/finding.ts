/**
 * Findings: what producers (rules, schema validation, spec checks) return before positions are resolved.
 * `toDiagnostic` is the one place a finding becomes a positioned Diagnostic.
 */
import type { Diagnostic, Range, Severity } from './diagnostic.js';
import { FILE_START } from './diagnostic.js';
import type { Path, YamlDocument } from './document.js';
import type { SourceFile } from './source.js';

/** A place: a document + path (resolved lazily), or a file + explicit range. */
export interface Place {
  doc?: YamlDocument;
  file?: SourceFile;
  path?: Path;
  /** Point at the key of `path` rather than its value. */
  key?: boolean;
  range?: Range;
}

export interface Finding extends Place {
  ruleId: string;
  messageId?: string;
  severity: Severity;
  message: string;
  help: string;
  data?: Record<string, string | number | boolean>;
  related?: Array<Place & { message: string }>;
}

export function resolvePlace(p: Place): { file: string; range: Range } {
  const file = p.doc?.file.path ?? p.file?.path ?? '';
  if (p.range) return { file, range: p.range };
  if (p.doc) return { file, range: p.path ? p.doc.locate(p.path, { key: p.key ?? false }) : p.doc.range() };
  return { file, range: FILE_START };
}

export function toDiagnostic(f: Finding): Diagnostic {
  const { file, range } = resolvePlace(f);
  const d: Diagnostic = { ruleId: f.ruleId, severity: f.severity, message: f.message, help: f.help, file, range };
  if (f.messageId) d.messageId = f.messageId;
  if (f.doc) {
    const ref = f.doc.ref();
    if (ref.kind || ref.name) d.object = ref;
  }
  if (f.related?.length) {
    d.related = f.related.map((r) => ({ ...resolvePlace(r), message: r.message }));
  }
  if (f.data && Object.keys(f.data).length) d.data = f.data;
  return d;
}
