/**
 * `json`: the version-1 machine contract (documented in scripts/readme/json-output.md). Keys in a fixed
 * order, `file` relative with `/`, 1-based ranges. Pure.
 */
import { summarize, type Diagnostic, type Fix, type Range, type SuppressedDiagnostic } from '../core/diagnostic.js';
import { Each, jsonPieces } from './chunks.js';
import { reporter, type FixReport, type Reporter } from './types.js';

const rangeJson = (r: Range) => ({ start: { line: r.start.line, column: r.start.column }, end: { line: r.end.line, column: r.end.column } });
const fixJson = (f: Fix) => ({ range: rangeJson(f.range), text: f.text, expect: f.expect });

/** One diagnostic with its keys in contract order (absent optionals omitted); `withFix: false` leaves out `fix`. */
export function diagnosticJson(d: Diagnostic, withFix = true): Record<string, unknown> {
  const o: Record<string, unknown> = { ruleId: d.ruleId, severity: d.severity, message: d.message, help: d.help, file: d.file, range: rangeJson(d.range) };
  if (d.messageId) o['messageId'] = d.messageId;
  if (d.object) o['object'] = d.object;
  if (d.related?.length) o['related'] = d.related.map((r) => ({ file: r.file, range: rangeJson(r.range), message: r.message }));
  if (d.data) o['data'] = Object.fromEntries(Object.keys(d.data).sort().map((k) => [k, d.data![k]]));
  if (d.fix && withFix) o['fix'] = fixJson(d.fix);
  return o;
}

/** A silenced finding: the diagnostic's keys (not `fix`: a silenced finding is not a correction to make), then what silenced it. */
function suppressedJson(d: SuppressedDiagnostic): Record<string, unknown> {
  const s = d.suppression;
  const by = s.kind === 'bulk' ? { kind: s.kind, file: s.file } : { kind: s.kind, directive: s.directive, line: s.line, ...(s.reason ? { reason: s.reason } : {}), ...(s.until ? { until: s.until } : {}) };
  return { ...diagnosticJson(d, false), suppression: by };
}

/** `--fix`'s report in contract order: each correction written (ranges as linted), then the files left alone. */
function fixReportJson(f: FixReport): Record<string, unknown> {
  return {
    applied: f.applied.map((a) => ({ file: a.file, ruleId: a.ruleId, ...fixJson(a) })),
    skipped: f.skipped.map((x) => ({ file: x.file, reason: x.reason, ...(x.code ? { code: x.code } : {}) })),
  };
}

export const json: Reporter = reporter({
  name: 'json',
  description: 'Machine-readable JSON (version 1 contract).',
  *chunks(result) {
    const s = summarize(result.diagnostics);
    // JSON.stringify(doc, null, 2) of the document with its arrays mapped, one diagnostic at a time
    const doc = {
      version: 1,
      tool: { name: result.tool.name, version: result.tool.version },
      diagnostics: new Each(result.diagnostics, (d) => diagnosticJson(d)),
      summary: { errors: s.errors, warnings: s.warnings, infos: s.infos, files: result.files.length },
      ...(result.suppressed?.length ? { suppressed: new Each(result.suppressed, suppressedJson) } : {}),
      ...(result.fix ? { fix: fixReportJson(result.fix) } : {}),
    };
    yield* jsonPieces(doc);
    yield '\n';
  },
});
