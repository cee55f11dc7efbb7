/**
 * Renders the rule reference (every id `talium rules` lists: policy, engine, schema and generate rules) as Markdown: one table per domain and a
 * collapsible what / why / fix / sources block per rule. Pure: rule metadata in, text out.
 */
import type { Severity } from '../../src/core/diagnostic.js';
import type { RuleDocs } from '../../src/rules/types.js';

export interface RuleDoc {
  id: string;
  description: string;
  severity: Severity;
  help: string;
  /** What / why / fix / sources (generate's spec/* ids have none: their table row is all there is). */
  docs?: RuleDocs;
  /** Generic rules whose finding at the same place this one replaces. */
  supersedes?: readonly string[];
}

function cell(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();
}

/**
 * A docs text as Markdown blocks: its paragraphs (split at blank lines) apart, and its `- ` lines as a bullet list
 * after a blank line (the same structure `talium explain` wraps: report/wrap.ts); other line breaks are spaces.
 */
function prose(s: string): string {
  return s
    .trim()
    .split(/\n[ \t]*\n/)
    .map((para) => {
      const blocks: string[] = [];
      for (const raw of para.split('\n')) {
        const line = raw.trim();
        if (!line) continue;
        if (line.startsWith('- ')) blocks.push(line);
        else if (blocks.length) blocks[blocks.length - 1] += ` ${line}`;
        else blocks.push(line);
      }
      const [first, ...items] = blocks.map(cell);
      if (first === undefined) return '';
      if (first.startsWith('- ')) return [first, ...items].join('\n');
      return items.length ? `${first}\n\n${items.join('\n')}` : first;
    })
    .filter(Boolean)
    .join('\n\n');
}

function domainOf(id: string): string {
  const i = id.indexOf('/');
  return i === -1 ? id : id.slice(0, i);
}

/** Sorted by id, duplicates (same id twice) keep the first. */
export function normalizeRules(rules: readonly RuleDoc[]): RuleDoc[] {
  const byId = new Map<string, RuleDoc>();
  for (const r of rules) if (!byId.has(r.id)) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function renderRuleReference(rules: readonly RuleDoc[]): string {
  const sorted = normalizeRules(rules);
  if (sorted.length === 0) return '_No rules are registered yet._';
  const domains = [...new Set(sorted.map((r) => domainOf(r.id)))];
  const out: string[] = [
    `${sorted.length} rules. \`talium rules\` lists them, \`talium explain <rule>\` prints one in full. ` +
      'Severities are defaults; change them in `talium.config.yaml` (see Configuration).',
  ];
  for (const domain of domains) {
    const list = sorted.filter((r) => domainOf(r.id) === domain);
    out.push('', `### \`${domain}/\``, '', '| Rule | Default | Checks | Fix |', '| --- | --- | --- | --- |');
    for (const r of list) out.push(`| \`${r.id}\` | ${r.severity} | ${cell(r.description)} | ${cell(r.help)} |`);
    for (const r of list) {
      if (!r.docs) continue;
      out.push('', `<details><summary><code>${r.id}</code>: what, why, how to fix</summary>`, '');
      out.push(`**What.** ${prose(r.docs.what)}`, '');
      out.push(`**Why.** ${prose(r.docs.why)}`, '');
      out.push(`**Fix.** ${prose(r.docs.fix)}`, '');
      if (r.docs.autofix) out.push(`**\`talium lint --fix\`.** ${prose(r.docs.autofix)}`, '');
      if (r.supersedes?.length) out.push(`**Reported instead of** ${r.supersedes.map((s) => `\`${s}\``).join(', ')} at the same place (one finding per mistake).`, '');
      if (r.docs.sources.length) out.push(`**Sources.** ${r.docs.sources.map((s) => `<${s}>`).join(', ')}`, '');
      out.push('</details>');
    }
  }
  return out.join('\n');
}
