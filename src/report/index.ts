/**
 * The static table of reporters. (Initial minimal version; lint engine work replaces the bodies.)
 */
import { summarize } from '../core/diagnostic.js';
import type { Reporter } from './types.js';

const stylish: Reporter = {
  name: 'stylish',
  description: 'Human-readable, grouped by file.',
  render(result) {
    const out: string[] = [];
    for (const d of result.diagnostics) {
      out.push(`${d.file}:${d.range.start.line}:${d.range.start.column}  ${d.severity}  ${d.message}  ${d.ruleId}`);
    }
    const s = summarize(result.diagnostics);
    if (result.diagnostics.length) out.push(`${result.diagnostics.length} problems (${s.errors} errors, ${s.warnings} warnings)`);
    return out.length ? out.join('\n') + '\n' : '';
  },
};

const json: Reporter = {
  name: 'json',
  description: 'Machine-readable JSON (version 1 contract).',
  render(result) {
    return JSON.stringify({ version: 1, diagnostics: result.diagnostics, summary: summarize(result.diagnostics) }, null, 2) + '\n';
  },
};

export const REPORTERS: Record<string, Reporter> = { stylish, json };
