/**
 * `lint/internal-error` diagnostics: an unexpected exception, named by file and activity, never a stack trace
 * (TALIUM_DEBUG=1 prints it on stderr).
 */
import type { Diagnostic } from '../core/diagnostic.js';

export function internalError(file: string, what: string, err: unknown): Diagnostic {
  const e = err as Error;
  if (process.env['TALIUM_DEBUG']) process.stderr.write(`${e?.stack ?? String(err)}\n`);
  return {
    ruleId: 'lint/internal-error',
    severity: 'error',
    message: `Internal error while ${what}: ${(e?.message ?? String(err)).split('\n')[0]}`,
    help: 'Report this with the file that triggers it; run with TALIUM_DEBUG=1 for the stack trace.',
    file,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
    data: { while: what },
  };
}
