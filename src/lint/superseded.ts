/**
 * One finding per mistake: a policy rule that explains a mistake better than a generic check (RuleMeta.supersedes)
 * replaces that check's finding at the same file and position (cilium/kpr-value's "kubeProxyReplacement disabled is
 * rejected from 1.16, use false" over schema/enum's "must be one of true, false"), keeping the
 * higher of the two severities, so the exit code does not change. The engine applies it last, to what the settings
 * and suppression comments left: a rule turned off supersedes nothing, and a comment that silences the generic
 * finding is used and hands no severity on. Pure.
 */
import type { Diagnostic, Severity } from '../core/diagnostic.js';
import type { Rule } from '../rules/types.js';

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Rule id → the generic rule ids it is reported instead of (RuleMeta.supersedes), for the rules that have some. */
export function supersedesMap(rules: readonly Rule[]): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const r of rules) if (r.meta.supersedes?.length) out.set(r.meta.id, r.meta.supersedes);
  return out;
}

export function dropSuperseded(diagnostics: readonly Diagnostic[], rules: readonly Rule[]): Diagnostic[] {
  const supersedes = supersedesMap(rules);
  if (!supersedes.size) return [...diagnostics];
  const at = (d: Diagnostic) => `${d.file}\0${d.range.start.line}\0${d.range.start.column}`;
  /** superseded rule id + place → the severity it had */
  const superseded = new Set([...supersedes.values()].flat());
  const candidates = new Map<string, Severity>();
  for (const d of diagnostics) if (superseded.has(d.ruleId)) candidates.set(`${d.ruleId}\0${at(d)}`, d.severity);
  if (!candidates.size) return [...diagnostics];
  const beaten = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    let severity = d.severity;
    for (const id of supersedes.get(d.ruleId) ?? []) {
      const key = `${id}\0${at(d)}`;
      const s = candidates.get(key);
      if (s === undefined) continue;
      beaten.add(key);
      if (RANK[s] > RANK[severity]) severity = s;
    }
    out.push(severity === d.severity ? d : { ...d, severity });
  }
  // only a superseded rule's finding can be beaten: no key string for the others (a file may hold 150,000 findings)
  if (!beaten.size) return out;
  return out.filter((d) => !superseded.has(d.ruleId) || !beaten.has(`${d.ruleId}\0${at(d)}`));
}
