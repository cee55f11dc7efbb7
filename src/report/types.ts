/**
 * The reporter contract: a pure `(result, options) → string`, chosen from the static table in report/index.ts.
 */
import type { Diagnostic } from '../core/diagnostic.js';

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
}

export interface ReportOptions {
  color: boolean;
}

export interface Reporter {
  name: string;
  description: string;
  render(result: LintResult, opts: ReportOptions): string;
}
