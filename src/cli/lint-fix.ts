/**
 * `talium lint --fix` in the CLI: apply the corrections of a lint result (lint/fix.ts), lint again, and say on stderr
 * what was fixed and which files were left alone.
 */
import { inScope, lint, type LintOptions, type LintOutcome } from '../lint/engine.js';
import { applyFixes, SKIP_REASON_TEXT } from '../lint/fix.js';
import type { FixReport } from '../report/types.js';
import type { CliIo } from './io.js';
import { pushAll } from '../core/arrays.js';

/** Passes of --fix: a pass can leave an overlapping fix for the next one (ESLint stops after 10). */
const FIX_PASSES = 3;

/**
 * `--fix`: write the corrections of the reported files (lint/fix.ts), lint again, repeat while a pass fixed
 * something; the last lint is what gets reported. Files left alone are named on stderr.
 */
export async function fixAndRelint(first: LintOutcome, opts: LintOptions, only: ReadonlySet<string> | undefined, io: CliIo, shown: (file: string) => string = (f) => f): Promise<LintOutcome> {
  let outcome = first;
  const report: FixReport = { applied: [], skipped: [] };
  const files = new Set<string>();
  const told = new Set<string>();
  const history = new Map<string, Set<string>>();
  for (let pass = 0; pass < FIX_PASSES; pass++) {
    const r = applyFixes(opts.cwd, outcome.result.diagnostics, outcome.result.sources, only ? inScope(only) : undefined, history);
    for (const s of r.skipped) {
      if (told.has(s.file)) continue;
      told.add(s.file);
      report.skipped.push(s);
      io.stderr(`talium lint: --fix left ${shown(s.file)} alone: it ${SKIP_REASON_TEXT[s.reason]}${s.code ? ` (${s.code})` : ''}\n`);
    }
    if (!r.applied.length) break;
    pushAll(report.applied, r.applied);
    for (const f of r.files) files.add(f);
    outcome = await lint(opts);
  }
  const fixed = report.applied.length;
  if (fixed) io.stderr(`talium lint: fixed ${fixed} problem${fixed === 1 ? '' : 's'} in ${files.size} file${files.size === 1 ? '' : 's'}\n`);
  return { ...outcome, result: { ...outcome.result, fix: report } };
}
