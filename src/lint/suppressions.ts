/**
 * Comment suppressions: `# talium-disable-next-line <rule>[, <rule>] -- <reason>` (applies to the next line that
 * is not blank or a comment) and `# talium-disable-file <rule>[, ...] -- <reason>`. Parses them from text and
 * applies them to diagnostics, reporting missing reasons and unused or unknown rules. Pure.
 */
import type { Diagnostic, Range } from '../core/diagnostic.js';

export interface Suppression {
  kind: 'next-line' | 'file';
  rules: string[];
  reason?: string;
  /** Position of the directive in its comment. */
  range: Range;
  /** For next-line: the line it applies to (0 when none follows). */
  targetLine: number;
}

const DIRECTIVE = /^([ \t]*#[ \t]*)talium-disable-(next-line|file)\b(.*)$/;

export function parseSuppressions(text: string): Suppression[] {
  if (!text.includes('talium-disable-')) return [];
  const lines = text.split('\n');
  const out: Suppression[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    const m = DIRECTIVE.exec(raw);
    if (!m) continue;
    const rest = m[3]!;
    const sep = rest.indexOf(' --');
    const ruleText = sep === -1 ? rest : rest.slice(0, sep);
    const reason = sep === -1 ? '' : rest.slice(sep + 3).trim();
    const rules = ruleText
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter(Boolean);
    let target = 0;
    if (m[2] === 'next-line') {
      for (let j = i + 1; j < lines.length; j++) {
        const t = lines[j]!.trim();
        if (t === '' || t.startsWith('#')) continue;
        target = j + 1;
        break;
      }
    }
    const col = m[1]!.length + 1;
    const s: Suppression = {
      kind: m[2] === 'file' ? 'file' : 'next-line',
      rules,
      range: { start: { line: i + 1, column: col }, end: { line: i + 1, column: raw.length + 1 } },
      targetLine: target,
    };
    if (reason) s.reason = reason;
    out.push(s);
  }
  return out;
}

export interface SuppressionOutcome {
  kept: Diagnostic[];
  /** lint/* findings about the suppressions themselves. */
  problems: Diagnostic[];
  suppressed: number;
}

/**
 * Apply one file's suppressions to its diagnostics. `known(ruleId)` says whether a rule id exists; unknown ids
 * are reported as unused (`unknownRule`).
 */
export function applySuppressions(
  file: string,
  list: readonly Suppression[],
  diagnostics: readonly Diagnostic[],
  known: (ruleId: string) => boolean,
): SuppressionOutcome {
  if (!list.length) return { kept: [...diagnostics], problems: [], suppressed: 0 };
  const used = list.map(() => new Set<string>());
  const kept: Diagnostic[] = [];
  let suppressed = 0;
  for (const d of diagnostics) {
    let hit = -1;
    if (!d.ruleId.startsWith('lint/')) {
      hit = list.findIndex((s) => s.rules.includes(d.ruleId) && (s.kind === 'file' || s.targetLine === d.range.start.line));
    }
    if (hit === -1) kept.push(d);
    else {
      used[hit]!.add(d.ruleId);
      suppressed++;
    }
  }
  const problems: Diagnostic[] = [];
  list.forEach((s, i) => {
    const directive = `talium-disable-${s.kind}`;
    if (!s.rules.length) {
      problems.push({
        ruleId: 'lint/invalid-suppression',
        severity: 'error',
        message: `"${directive}" names no rule.`,
        help: 'Write `# talium-disable-next-line <rule>[, <rule>] -- <reason>`.',
        file,
        range: s.range,
        data: { directive },
      });
      return;
    }
    if (!s.reason) {
      problems.push({
        ruleId: 'lint/suppression-without-reason',
        severity: 'error',
        message: `"${directive} ${s.rules.join(', ')}" has no reason.`,
        help: 'Append ` -- <why this is fine>` to the comment.',
        file,
        range: s.range,
        data: { directive, rules: s.rules.join(',') },
      });
    }
    for (const rule of s.rules) {
      if (used[i]!.has(rule)) continue;
      const unknown = !known(rule);
      problems.push({
        ruleId: 'lint/unused-suppression',
        messageId: unknown ? 'unknownRule' : 'unused',
        severity: 'warning',
        message: unknown ? `"${directive}" names unknown rule "${rule}".` : `"${directive}" for "${rule}" suppresses nothing.`,
        help: 'Remove the comment, or fix the rule id it names.',
        file,
        range: s.range,
        data: { rule, directive },
      });
    }
  });
  return { kept, problems, suppressed };
}
