/**
 * Bulk suppressions (ESLint's `eslint-suppressions.json`, for adopting talium in a repository that already has
 * findings): `talium-suppressions.json` records, per file and rule, how many errors and warnings there were. A run
 * suppresses a file's findings of a rule while there are no more than recorded; once there are more, all of them
 * are reported (which one is new cannot be told). Infos and internal errors are never suppressed. Paths are relative
 * to the folder talium runs in, as in all its output. Only a run over the whole folder may judge an entry stale or
 * rewrite entries: a run over some paths sees cross-file findings only partly. The file is written with sorted
 * keys, so the same findings give the same bytes.
 */
import type { Diagnostic, SuppressedDiagnostic } from '../core/diagnostic.js';
import { SourceFile } from '../core/source.js';

export const SUPPRESSIONS_FILE = 'talium-suppressions.json';
const FORMAT = 1;

/** file → rule id → recorded count. */
export type BulkSuppressions = Map<string, Map<string, number>>;

const counted = (d: Diagnostic): boolean => d.severity !== 'info' && d.ruleId !== 'lint/internal-error';

/**
 * Read a suppressions file's text; a problem (not JSON, wrong shape) is returned as a message that starts with its
 * `line:column: ` in the file (a merge conflict left in it, a hand edit), so the user can go straight there.
 */
export function parseSuppressions(text: string): BulkSuppressions | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    // V8: "... in JSON at position N" (Node 20), "... (line L column C)" (newer)
    const lc = /line (\d+) column (\d+)/.exec(message);
    const at = /at position (\d+)/.exec(message);
    const where = lc ? `${lc[1]}:${lc[2]}` : lineColumn(text, at ? Number(at[1]) : 0);
    return `${where}: not valid JSON (${message})`;
  }
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(doc) || doc['version'] !== FORMAT || !isObj(doc['suppressions'])) return `1:1: expected {"version": ${FORMAT}, "suppressions": {<file>: {<rule>: {"count": N}}}}`;
  const out: BulkSuppressions = new Map();
  for (const [key, rules] of Object.entries(doc['suppressions'])) {
    if (!isObj(rules)) return `${keyAt(text, key)}: "${key}": expected {<rule>: {"count": N}}`;
    // as talium reports paths: `/` separators, no leading ./
    const file = key.split('\\').join('/').replace(/^(\.\/)+/, '');
    const m = new Map<string, number>();
    for (const [rule, entry] of Object.entries(rules)) {
      const n = isObj(entry) ? entry['count'] : undefined;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) return `${keyAt(text, key, rule)}: "${file}" "${rule}": expected {"count": N} with N a whole number of at least 1`;
      m.set(rule, n);
    }
    if (!m.size) continue;
    const had = out.get(file);
    if (had) for (const [rule, n] of m) had.set(rule, (had.get(rule) ?? 0) + n);
    else out.set(file, m);
  }
  return out;
}

/** `line:column` of an offset in `text` (1-based, as every finding counts them: core/source.ts). */
function lineColumn(text: string, offset: number): string {
  const p = new SourceFile('', text).positionAt(offset);
  return `${p.line}:${p.column}`;
}

/** `line:column` of the key `keys[0]` as written (JSON-quoted), then of each next key after it; 1:1 when not found. */
function keyAt(text: string, ...keys: string[]): string {
  let at = 0;
  for (const k of keys) {
    const i = text.indexOf(JSON.stringify(k), at);
    if (i < 0) break;
    at = i;
  }
  return lineColumn(text, at);
}

/** The file's text for `entries` (sorted keys, two-space indent, final newline). */
export function formatSuppressions(entries: BulkSuppressions): string {
  const suppressions: Record<string, Record<string, { count: number }>> = {};
  for (const file of [...entries.keys()].sort()) {
    const rules = entries.get(file)!;
    const o: Record<string, { count: number }> = {};
    for (const rule of [...rules.keys()].sort()) o[rule] = { count: rules.get(rule)! };
    if (Object.keys(o).length) suppressions[file] = o;
  }
  return JSON.stringify({ version: FORMAT, suppressions }, null, 2) + '\n';
}

/** Current counts: file → rule → number of errors and warnings. */
function countsOf(diagnostics: readonly Diagnostic[]): BulkSuppressions {
  const out: BulkSuppressions = new Map();
  for (const d of diagnostics) {
    if (!counted(d)) continue;
    const m = out.get(d.file) ?? new Map<string, number>();
    out.set(d.file, m);
    m.set(d.ruleId, (m.get(d.ruleId) ?? 0) + 1);
  }
  return out;
}

/**
 * New entries after a run over the whole folder that linted `linted` files: `all` records every current count,
 * `prune` lowers each entry to the current count (and drops what no longer occurs). Entries of files the run did
 * not lint (deleted, renamed, excluded since) are dropped in both.
 */
export function updateSuppressions(existing: BulkSuppressions, diagnostics: readonly Diagnostic[], linted: ReadonlySet<string>, mode: 'all' | 'prune'): BulkSuppressions {
  const now = countsOf(diagnostics);
  const out: BulkSuppressions = new Map();
  const files = new Set([...existing.keys(), ...now.keys()].filter((f) => linted.has(f)));
  for (const file of files) {
    const current = now.get(file) ?? new Map<string, number>();
    const m = new Map<string, number>();
    if (mode === 'all') for (const [rule, n] of current) m.set(rule, n);
    else for (const [rule, n] of existing.get(file) ?? []) {
      const c = Math.min(n, current.get(rule) ?? 0);
      if (c > 0) m.set(rule, c);
    }
    if (m.size) out.set(file, m);
  }
  return out;
}

export interface Applied {
  kept: Diagnostic[];
  /** The diagnostics the file's entries silenced. */
  suppressed: SuppressedDiagnostic[];
  /**
   * With `linted` (a run over the whole folder): entries recorded higher than what occurs now, and entries of files
   * the run did not lint (now 0); `--prune-suppressions` removes the slack.
   */
  stale: Array<{ file: string; ruleId: string; recorded: number; now: number }>;
}

/**
 * Drop the findings `entries` cover; a file's rule with more findings than recorded keeps all of them. `linted`: the
 * files of a run over the whole folder (undefined for a run over some paths, which cannot judge staleness).
 */
export function applyBulkSuppressions(diagnostics: readonly Diagnostic[], entries: BulkSuppressions, linted: ReadonlySet<string> | undefined, shownAs: string): Applied {
  const now = countsOf(diagnostics);
  const kept: Diagnostic[] = [];
  const suppressed: SuppressedDiagnostic[] = [];
  for (const d of diagnostics) {
    const recorded = counted(d) ? entries.get(d.file)?.get(d.ruleId) : undefined;
    if (recorded !== undefined && (now.get(d.file)?.get(d.ruleId) ?? 0) <= recorded) suppressed.push({ ...d, suppression: { kind: 'bulk', file: shownAs } });
    else kept.push(d);
  }
  const stale: Applied['stale'] = [];
  for (const [file, rules] of entries) {
    if (!linted) break;
    for (const [ruleId, recorded] of rules) {
      const n = now.get(file)?.get(ruleId) ?? 0;
      if (n < recorded) stale.push({ file, ruleId, recorded, now: n });
    }
  }
  return { kept, suppressed, stale };
}
