/**
 * The reporter contract: a pure `(result, options) → text`, given as pieces (`chunks`, which the CLI writes as they
 * come) and whole (`render`, their concatenation), chosen from the static table in report/index.ts.
 */
import type { AppliedFix, Diagnostic, SuppressedDiagnostic } from '../core/diagnostic.js';

export interface RuleInfo {
  id: string;
  description: string;
  severity: 'error' | 'warning' | 'info';
  help: string;
  docsUrl?: string;
}

export interface LintResult {
  /** Sorted (core/diagnostic.ts compareDiagnostics). */
  diagnostics: Diagnostic[];
  /** Rules that ran (SARIF driver.rules). */
  rules: RuleInfo[];
  /** Files checked, relative, `/` separators. */
  files: string[];
  /** path → text, for code frames (may be partial). */
  sources: ReadonlyMap<string, string>;
  tool: { name: string; version: string };
  /** Findings a `talium-disable` comment or the bulk suppressions file silenced (sorted as diagnostics). */
  suppressed?: SuppressedDiagnostic[];
  /** What `--fix` wrote and left alone (absent without --fix). */
  fix?: FixReport;
}

/** `--fix` in a result: the corrections written (range as linted, before the write) and the files left alone. */
export interface FixReport {
  applied: AppliedFix[];
  skipped: Array<{ file: string; reason: string; code?: string }>;
}

export interface ReportOptions {
  color: boolean;
  /** The command that applies the fixable findings, as the user would type it (default `talium lint --fix`). */
  fixCommand?: string;
}

export interface Reporter {
  name: string;
  description: string;
  /** The output in pieces, in order (a lint with many findings is written without building it whole). */
  chunks(result: LintResult, opts: ReportOptions): Iterable<string>;
  /** The whole output: the pieces joined. */
  render(result: LintResult, opts: ReportOptions): string;
}

/** A Reporter from its pieces; `render` joins them. */
export function reporter(r: Omit<Reporter, 'render'>): Reporter {
  return { ...r, render: (result, opts) => [...r.chunks(result, opts)].join('') };
}
