/**
 * `json`: the version-1 machine contract (documented in scripts/readme/json-output.md). Keys in a fixed
 * order, `file` relative with `/`, 1-based ranges. Pure.
 */
import { summarize, type Diagnostic, type SuppressedDiagnostic } from '../core/diagnostic.js';
import type { FixReport, Reporter } from './types.js';

/** One diagnostic with its keys in contract order (absent optionals omitted). */
export function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  const o: Record<string, unknown> = {
    ruleId: d.ruleId,
    severity: d.severity,
    message: d.message,
    help: d.help,
    file: d.file,
    range: { start: { line: d.range.start.line, column: d.range.start.column }, end: { line: d.range.end.line, column: d.range.end.column } },
  };
  if (d.messageId) o['messageId'] = d.messageId;
  if (d.object) o['object'] = d.object;
  if (d.related?.length) o['related'] = d.related.map((r) => ({ file: r.file, range: r.range, message: r.message }));
  if (d.data) o['data'] = Object.fromEntries(Object.keys(d.data).sort().map((k) => [k, d.data![k]]));
  if (d.fix) o['fix'] = { range: { start: { ...d.fix.range.start }, end: { ...d.fix.range.end } }, text: d.fix.text, expect: d.fix.expect };
  return o;
}

/** A silenced finding: the diagnostic's keys (not `fix`: a silenced finding is not a correction to make), then what silenced it. */
function suppressedJson(d: SuppressedDiagnostic): Record<string, unknown> {
  const s = d.suppression;
  const by = s.kind === 'bulk' ? { kind: s.kind, file: s.file } : { kind: s.kind, directive: s.directive, line: s.line, ...(s.reason ? { reason: s.reason } : {}) };
  const { fix: _fix, ...rest } = diagnosticJson(d);
  return { ...rest, suppression: by };
}

/** `--fix`'s report in contract order: each correction written (ranges as linted), then the files left alone. */
function fixJson(f: FixReport): Record<string, unknown> {
  return {
    applied: f.applied.map((a) => ({
      file: a.file,
      ruleId: a.ruleId,
      range: { start: { line: a.range.start.line, column: a.range.start.column }, end: { line: a.range.end.line, column: a.range.end.column } },
      text: a.text,
      expect: a.expect,
    })),
    skipped: f.skipped.map((x) => ({ file: x.file, reason: x.reason, ...(x.code ? { code: x.code } : {}) })),
  };
}

export const json: Reporter = {
  name: 'json',
  description: 'Machine-readable JSON (version 1 contract).',
  render(result) {
    const s = summarize(result.diagnostics);
    const doc = {
      version: 1,
      tool: { name: result.tool.name, version: result.tool.version },
      diagnostics: result.diagnostics.map(diagnosticJson),
      summary: { errors: s.errors, warnings: s.warnings, infos: s.infos, files: result.files.length },
      ...(result.suppressed?.length ? { suppressed: result.suppressed.map(suppressedJson) } : {}),
      ...(result.fix ? { fix: fixJson(result.fix) } : {}),
    };
    return JSON.stringify(doc, null, 2) + '\n';
  },
};
