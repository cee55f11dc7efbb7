/**
 * The Diagnostic: the one result type every pipeline (spec loading, generate --check, schema validation,
 * lint rules) ends in, and every reporter renders. Pure data; no I/O, no formatting.
 */

export type Severity = 'error' | 'warning' | 'info';

/** 1-based line and column (column counts UTF-16 code units, as editors and GitHub do). */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** The Kubernetes-ish object a diagnostic concerns, when there is one. */
export interface ObjectRef {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

/** Another place involved in a finding (the node address a pool collides with, in another file). */
export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

/**
 * A safe textual correction (`talium lint --fix`): replace the text at `range` (the diagnostic's own token, quotes
 * included) by `text`. Applied only while that token still reads `expect` (bare or quoted), so a file edited since,
 * or a value that came from a Flux variable, is left alone.
 */
export interface Fix {
  range: Range;
  text: string;
  expect: string;
}

export interface Diagnostic {
  /** `<domain>/<name>`, e.g. `network/pool-reserved-address`. */
  ruleId: string;
  /** Which of the rule's messages (camelCase), when the rule has several. */
  messageId?: string;
  severity: Severity;
  /** One sentence: the fact, with the values quoted. */
  message: string;
  /** What to do about it; ends with a period. */
  help: string;
  /** Path relative to the working directory, `/` separators. */
  file: string;
  range: Range;
  object?: ObjectRef;
  related?: RelatedLocation[];
  /** Structured data behind the message (what tests assert instead of prose). */
  data?: Record<string, string | number | boolean>;
  /** The correction `--fix` applies, when one is safe. */
  fix?: Fix;
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 2, warning: 1, info: 0 };

/** A correction `--fix` wrote: where (the range as linted, before the write), what, and for which rule. */
export interface AppliedFix extends Fix {
  file: string;
  ruleId: string;
}

/** How a finding was silenced: a `talium-disable` comment (its directive, reason and line) or the bulk suppressions file. */
export type Suppression = { kind: 'directive'; directive: string; reason?: string; until?: string; line: number } | { kind: 'bulk'; file: string };

/** A finding a suppression silenced (JSON `suppressed`: what is hidden, and by what). */
export interface SuppressedDiagnostic extends Diagnostic {
  suppression: Suppression;
}

/** Deterministic order: file, line, column, rule id, message. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.range.start.line !== b.range.start.line) return a.range.start.line - b.range.start.line;
  if (a.range.start.column !== b.range.start.column) return a.range.start.column - b.range.start.column;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/**
 * Sorted list without repeats: a document shared by several cluster groups (a common base) is checked once per
 * group, and the same finding at the same place must be reported once (lint/run-rules.ts mergeAcrossGroups has
 * already merged what each group's finding says beyond its message: data and related locations).
 */
export function uniqueSorted<T extends Diagnostic>(list: readonly T[]): T[] {
  const sorted = [...list].sort(compareDiagnostics);
  const out: T[] = [];
  // a repeat (same file, range, rule, severity and message) sorts among the diagnostics equal to it (same file, start,
  // rule and message): only that run of kept ones is searched, with no key string per diagnostic (150,000 findings
  // made 150,000 keys of their whole message)
  let run = 0;
  for (const d of sorted) {
    if (out.length && compareDiagnostics(out[out.length - 1]!, d) !== 0) run = out.length;
    let repeat = false;
    for (let i = run; i < out.length && !repeat; i++) {
      const o = out[i]!;
      repeat = o.severity === d.severity && o.range.end.line === d.range.end.line && o.range.end.column === d.range.end.column;
    }
    if (!repeat) out.push(d);
  }
  return out;
}

export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort(compareDiagnostics);
}

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
}

export function summarize(list: readonly Diagnostic[]): Summary {
  const s: Summary = { errors: 0, warnings: 0, infos: 0 };
  for (const d of list) {
    if (d.severity === 'error') s.errors++;
    else if (d.severity === 'warning') s.warnings++;
    else s.infos++;
  }
  return s;
}

/** Whole-file range (line 1, column 1), for findings about a file rather than a place in it. */
export const FILE_START: Range = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** Fill `{{name}}` placeholders from data; unknown placeholders are left visible. */
export function renderTemplate(template: string, data: Record<string, unknown> | undefined): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) =>
    data && data[k] !== undefined ? String(data[k]) : m,
  );
}
