/**
 * Comment suppressions, read from any comment (own-line or after YAML):
 * - `# talium-disable-next-line <rule>[, <rule>] -- <reason>`: the next line that is not blank or a comment;
 * - `<yaml>  # talium-disable-line <rule>[, ...] -- <reason>`: its own line (ESLint's same-line form);
 * - `# talium-disable-file <rule>[, ...] -- <reason>`: the whole file.
 * Each may carry an expiry before the reason, `until YYYY-MM-DD`: from the day after (UTC) it silences nothing and is
 * reported as expired, so a temporary exception cannot outlive its date unnoticed.
 * A comment starting with any other `talium-` word is kept as an `unknown` directive, so it is reported instead
 * of silently doing nothing. Parses them from text and applies them to diagnostics, reporting unknown directives
 * (with the nearest known one), missing reasons, and unused or unknown rules (with a did-you-mean). Pure.
 */
import type { Diagnostic, Range, SuppressedDiagnostic } from '../core/diagnostic.js';
import { suggest } from '../core/suggest.js';
import { commentStart } from './comments.js';

export type DirectiveKind = 'next-line' | 'line' | 'file';

/** The known directives by the word written after `#`. */
export const DIRECTIVES: Readonly<Record<string, DirectiveKind>> = {
  'talium-disable-next-line': 'next-line',
  'talium-disable-line': 'line',
  'talium-disable-file': 'file',
};

export interface Suppression {
  /** `unknown`: a `talium-` word that is no directive (reported; applies to nothing). */
  kind: DirectiveKind | 'unknown';
  /** The directive word as written. */
  directive: string;
  rules: string[];
  reason?: string;
  /** `until YYYY-MM-DD`: the last day (UTC) it applies. */
  until?: string;
  /** An `until` whose date is missing or no calendar date, as written ('' when missing): reported, and the directive applies with no expiry. */
  badUntil?: string;
  /** Position of the directive in its comment. */
  range: Range;
  /** The line it applies to (next-line: the next YAML line; line: its own), 0 when none (and for file). */
  targetLine: number;
}

const WORD = /^#[ \t]*(talium-[A-Za-z0-9_-]*)(.*)$/;

export function parseSuppressions(text: string): Suppression[] {
  if (!text.includes('talium-')) return [];
  const lines = text.split('\n');
  const out: Suppression[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (!raw.includes('talium-')) continue;
    const at = commentStart(raw);
    const m = at === -1 ? null : WORD.exec(raw.slice(at));
    if (!m) continue;
    const directive = m[1]!;
    const kind = Object.hasOwn(DIRECTIVES, directive) ? DIRECTIVES[directive]! : 'unknown';
    const rest = kind === 'unknown' ? '' : m[2]!;
    const sep = rest.indexOf(' --');
    const ruleText = sep === -1 ? rest : rest.slice(0, sep);
    const reason = sep === -1 ? '' : rest.slice(sep + 3).trim();
    const words = ruleText
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter(Boolean);
    const expiry = takeUntil(words);
    const rules = expiry.rest;
    let target = 0;
    if (kind === 'next-line') {
      for (let j = i + 1; j < lines.length; j++) {
        const t = lines[j]!.trim();
        if (t === '' || t.startsWith('#')) continue;
        target = j + 1;
        break;
      }
    } else if (kind === 'line' && raw.slice(0, at).trim() !== '') {
      target = i + 1;
    }
    const col = at + m[0].indexOf(directive) + 1;
    const s: Suppression = {
      kind,
      directive,
      rules,
      range: { start: { line: i + 1, column: col }, end: { line: i + 1, column: raw.length + 1 } },
      targetLine: target,
    };
    if (reason) s.reason = reason;
    if (expiry.until !== undefined) s.until = expiry.until;
    if (expiry.bad !== undefined) s.badUntil = expiry.bad;
    out.push(s);
  }
  return out;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Today's date in UTC, YYYY-MM-DD (what an `until` date is compared with). */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Splits `until DATE` (also `until=DATE`, `until:DATE`) off a directive's words. */
function takeUntil(words: readonly string[]): { rest: string[]; until?: string; bad?: string } {
  const i = words.findIndex((w) => /^until(?:[=:]|$)/i.test(w));
  if (i === -1) return { rest: [...words] };
  const joined = /^until[=:]/i.test(words[i]!);
  const date = joined ? words[i]!.slice(6) : (words[i + 1] ?? '');
  const rest = [...words.slice(0, i), ...words.slice(joined || date === '' ? i + 1 : i + 2)];
  return isCalendarDate(date) ? { rest, until: date } : { rest, bad: date };
}

export interface SuppressionOutcome {
  kept: Diagnostic[];
  /** lint/* findings about the suppressions themselves. */
  problems: Diagnostic[];
  /** The diagnostics a directive silenced, each with the directive. */
  suppressed: SuppressedDiagnostic[];
}

/** Whether suppression `s` covers a finding starting on `line` (`today`: YYYY-MM-DD, UTC). */
const expired = (s: Suppression, today: string): boolean => s.until !== undefined && s.until < today;

function covers(s: Suppression, line: number, today: string): boolean {
  if (expired(s, today)) return false;
  if (s.kind === 'file') return true;
  return (s.kind === 'next-line' || s.kind === 'line') && s.targetLine > 0 && s.targetLine === line;
}

/**
 * Apply one file's suppressions to its diagnostics. `known(ruleId)` says whether a rule id exists; unknown ids
 * are reported as unused (`unknownRule`), with `suggestRule(ruleId)` as the did-you-mean when it gives one.
 * `supersedes(ruleId)`: the generic rules a named rule is reported instead of (RuleMeta.supersedes); a directive
 * naming the specific rule silences those on its line too (one mistake, one name to silence it). `today`
 * (YYYY-MM-DD, UTC) decides which `until` dates have passed.
 */
export function applySuppressions(
  file: string,
  list: readonly Suppression[],
  diagnostics: readonly Diagnostic[],
  known: (ruleId: string) => boolean,
  suggestRule: (ruleId: string) => string | undefined = () => undefined,
  supersedes: (ruleId: string) => readonly string[] = () => [],
  today: string = todayUtc(),
): SuppressionOutcome {
  if (!list.length) return { kept: [...diagnostics], problems: [], suppressed: [] };
  const used = list.map(() => new Set<string>());
  const kept: Diagnostic[] = [];
  const suppressed: SuppressedDiagnostic[] = [];
  /** The rule a directive silences `ruleId` by: that rule itself, or a named rule that supersedes it. */
  const namedFor = (s: Suppression, ruleId: string): string | undefined => (s.rules.includes(ruleId) ? ruleId : s.rules.find((r) => supersedes(r).includes(ruleId)));
  // the directives that can cover a line: the file-wide ones and those aimed at it, each list in directive order (a file
  // of 150,000 findings, each with its disable-line comment, tried every directive for every finding)
  const fileWide: number[] = [];
  const byLine = new Map<number, number[]>();
  list.forEach((s, i) => {
    if (s.kind === 'file') fileWide.push(i);
    else if ((s.kind === 'next-line' || s.kind === 'line') && s.targetLine > 0) {
      const at = byLine.get(s.targetLine);
      if (at) at.push(i);
      else byLine.set(s.targetLine, [i]);
    }
  });
  /** The first directive (in file order, as a scan of the whole list finds it) that covers `d` and names its rule. */
  const firstHit = (d: Diagnostic): { hit: number; by?: string } => {
    const line = d.range.start.line;
    const aimed = byLine.get(line) ?? [];
    let by: string | undefined;
    for (let a = 0, f = 0; a < aimed.length || f < fileWide.length; ) {
      const i = f >= fileWide.length || (a < aimed.length && aimed[a]! < fileWide[f]!) ? aimed[a++]! : fileWide[f++]!;
      if (covers(list[i]!, line, today) && (by = namedFor(list[i]!, d.ruleId)) !== undefined) return { hit: i, by };
    }
    return { hit: -1 };
  };
  for (const d of diagnostics) {
    let hit = -1;
    let by: string | undefined;
    if (!d.ruleId.startsWith('lint/')) ({ hit, by } = firstHit(d));
    if (hit === -1) kept.push(d);
    else {
      used[hit]!.add(by!);
      const s = list[hit]!;
      suppressed.push({ ...d, suppression: { kind: 'directive', directive: s.directive, ...(s.reason ? { reason: s.reason } : {}), ...(s.until ? { until: s.until } : {}), line: s.range.start.line } });
    }
  }
  const problems = list.flatMap((s, i) => problemsOf(file, s, used[i]!, known, suggestRule, expired(s, today)));
  return { kept, problems, suppressed };
}

const KNOWN_HELP =
  'Write `# talium-disable-next-line <rule> -- <reason>` above the line, `<yaml>  # talium-disable-line <rule> -- <reason>` after it, or `# talium-disable-file <rule> -- <reason>` for the whole file.';

/** The known directive an unknown `talium-` word is closest to (a typo, or another tool's spelling of one). */
export function suggestDirective(word: string): string | undefined {
  return suggest(word, Object.keys(DIRECTIVES), { transpositions: true });
}

function problemsOf(file: string, s: Suppression, used: ReadonlySet<string>, known: (ruleId: string) => boolean, suggestRule: (ruleId: string) => string | undefined, isExpired: boolean): Diagnostic[] {
  const { directive, range } = s;
  if (s.kind === 'unknown') {
    const suggestion = suggestDirective(directive);
    return [
      {
        ruleId: 'lint/invalid-suppression',
        messageId: 'unknownDirective',
        severity: 'error',
        message: `"${directive}" is not a talium directive, so this comment suppresses nothing${suggestion ? `; did you mean "${suggestion}"?` : '.'}`,
        help: KNOWN_HELP,
        file,
        range,
        data: { directive, known: Object.keys(DIRECTIVES).join(','), ...(suggestion ? { suggestion } : {}) },
      },
    ];
  }
  if (s.kind === 'line' && !s.targetLine) {
    return [
      {
        ruleId: 'lint/invalid-suppression',
        messageId: 'lineWithoutYaml',
        severity: 'error',
        message: `"${directive}" silences its own line, and this line holds only the comment.`,
        help: 'Put the comment after the YAML it is meant for, or write `talium-disable-next-line` to silence the next line.',
        file,
        range,
        data: { directive, suggestion: 'talium-disable-next-line' },
      },
    ];
  }
  if (!s.rules.length) {
    return [
      {
        ruleId: 'lint/invalid-suppression',
        messageId: 'noRule',
        severity: 'error',
        message: `"${directive}" names no rule.`,
        help: `Write \`# ${directive} <rule>[, <rule>] -- <reason>\`.`,
        file,
        range,
        data: { directive },
      },
    ];
  }
  const out: Diagnostic[] = [];
  if (s.badUntil !== undefined) {
    out.push({
      ruleId: 'lint/invalid-suppression',
      messageId: 'badDate',
      severity: 'error',
      message: s.badUntil ? `"until ${s.badUntil}" is no date written YYYY-MM-DD, so this suppression never expires.` : `"until" is not followed by a date, so this suppression never expires.`,
      help: `Write the last day it should apply as \`until YYYY-MM-DD\`, before the \` -- <reason>\`.`,
      file,
      range,
      data: { directive, until: s.badUntil },
    });
  }
  if (isExpired) {
    out.push({
      ruleId: 'lint/expired-suppression',
      severity: 'warning',
      message: `"${directive} ${s.rules.join(', ')}" expired after ${s.until}; the findings it silenced are reported again.`,
      help: 'Fix what it silenced and remove the comment, or move its `until` date if the exception still holds.',
      file,
      range,
      data: { directive, rules: s.rules.join(','), until: s.until! },
    });
  }
  if (!s.reason) {
    out.push({
      ruleId: 'lint/suppression-without-reason',
      severity: 'error',
      message: `"${directive} ${s.rules.join(', ')}" has no reason.`,
      help: 'Append ` -- <why this is fine>` to the comment.',
      file,
      range,
      data: { directive, rules: s.rules.join(',') },
    });
  }
  for (const rule of s.rules) {
    if (used.has(rule)) continue;
    if (known(rule)) {
      // an expired directive is reported as such, whether or not its rules still find anything
      if (isExpired) continue;
      out.push({
        ruleId: 'lint/unused-suppression',
        messageId: 'unused',
        severity: 'warning',
        message: `"${directive}" for "${rule}" suppresses nothing.`,
        help: 'Remove the comment, or fix the rule id it names.',
        file,
        range,
        data: { rule, directive },
      });
      continue;
    }
    const suggestion = suggestRule(rule);
    out.push({
      ruleId: 'lint/unused-suppression',
      messageId: 'unknownRule',
      severity: 'warning',
      message: `"${directive}" names unknown rule "${rule}"${suggestion ? `; did you mean "${suggestion}"?` : '.'}`,
      help: suggestion ? `Write "${suggestion}", or remove the comment.` : 'Remove the comment, or fix the rule id it names (`talium rules` lists them).',
      file,
      range,
      data: { rule, directive, ...(suggestion ? { suggestion } : {}) },
    });
  }
  return out;
}
