/**
 * One result out of the runs of several repository roots (`talium lint` or pre-commit's file list over talium
 * projects side by side in one git repository): diagnostics, files, rules, sources, suppressions and `--fix`
 * reports joined, in the order one run would give them. File names are already relative to the working directory.
 */
import { uniqueSorted } from '../core/diagnostic.js';
import type { LintOutcome } from '../lint/engine.js';
import type { LintResult, RuleInfo } from '../report/types.js';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function mergeOutcomes(outcomes: readonly LintOutcome[]): LintOutcome {
  const results = outcomes.map((o) => o.result);
  const rules = new Map<string, RuleInfo>();
  for (const r of results) for (const info of r.rules) if (!rules.has(info.id)) rules.set(info.id, info);
  const result: LintResult = {
    diagnostics: uniqueSorted(results.flatMap((r) => r.diagnostics)),
    rules: [...rules.values()],
    files: [...new Set(results.flatMap((r) => r.files))].sort(byString),
    sources: new Map(results.flatMap((r) => [...r.sources])),
    tool: results[0]!.tool,
  };
  if (results.some((r) => r.suppressed)) result.suppressed = uniqueSorted(results.flatMap((r) => r.suppressed ?? []));
  if (results.some((r) => r.fix)) {
    result.fix = { applied: results.flatMap((r) => r.fix?.applied ?? []), skipped: results.flatMap((r) => r.fix?.skipped ?? []) };
  }
  return {
    result,
    missing: outcomes.flatMap((o) => o.missing),
    internalErrors: outcomes.reduce((n, o) => n + o.internalErrors, 0),
    ...(outcomes.every((o) => o.replayed) ? { replayed: true } : {}),
  };
}
