/**
 * `talium explain <rule>`: what the rule checks, why it matters, how to fix it, and its sources, from the
 * same rule metadata that `talium rules` and SARIF use; the messages reported at another severity than the default
 * are listed. Prose is wrapped to the terminal (report/wrap.ts). An unknown id gets the few closest ids (typo first,
 * then the rules sharing its words in their ids or descriptions).
 */
import { nearestRules, ruleCatalog, type CatalogEntry } from '../lint/rule-catalog.js';
import { wrapText, wrapWidth } from '../report/wrap.js';
import { EXIT, type CliIo } from './io.js';

export async function run(args: string[], io: CliIo): Promise<number> {
  const ids = args.filter((a) => !a.startsWith('-'));
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout('Usage: talium explain <rule>\n\nPrints what a rule checks, why, how to fix it, and its sources.\n');
    return EXIT.ok;
  }
  if (ids.length !== 1 || args.length !== 1) {
    io.stderr('Usage: talium explain <rule>   (see `talium rules` for the ids)\n');
    return EXIT.usage;
  }
  const id = ids[0]!;
  const catalog = ruleCatalog();
  const rule = catalog.find((r) => r.id === id);
  if (!rule) {
    const near = nearestRules(id, catalog);
    io.stderr(`talium explain: unknown rule "${id}".\n${near.length ? `Did you mean: ${near.join(', ')}?` : 'Run `talium rules` for the list of ids.'}\n`);
    return EXIT.usage;
  }
  io.stdout(explainText(rule, wrapWidth(io.isTTY, io.columns)));
  return EXIT.ok;
}

/** The explanation of one rule, wrapped to `width` columns. */
export function explainText(rule: CatalogEntry, width: number): string {
  const para = (s: string, indent = ''): string[] => wrapText(s, width, indent);
  const section = (title: string, body: string): string[] => [title, ...para(body, '  '), ''];
  const out = [`${rule.id}  (default severity: ${rule.severity})`, '', ...para(rule.description), ''];
  out.push('Severity:', ...severityLines(rule, width), '');
  if (rule.docs) {
    out.push(...section('What it checks:', rule.docs.what), ...section('Why it matters:', rule.docs.why), ...section('How to fix:', rule.docs.fix));
    if (rule.docs.autofix) out.push(...section('Fixed by `talium lint --fix`:', rule.docs.autofix));
  }
  if (rule.supersedes?.length) out.push(...section('Reported instead of:', `${rule.supersedes.join(', ')} at the same place (one finding per mistake; a comment silencing that one is honoured)`));
  out.push(...section('Help:', rule.help));
  // URLs are never broken: one per line
  if (rule.docs?.sources.length) out.push('Sources:', ...rule.docs.sources.map((s) => `  - ${s}`), '');
  // the example changes something: a warning rule's example is not `warning`
  const other = rule.severity === 'warning' ? 'error' : 'warning';
  if (rule.id.startsWith('lint/')) {
    // findings about the suppression comments themselves: a comment cannot silence them (lint/suppressions.ts)
    out.push(...para(`Change its severity in talium.config.yaml (\`rules: { ${rule.id}: ${other} }\`, or off); a talium-disable comment cannot silence it.`));
  } else {
    out.push(...para(`Change its severity in talium.config.yaml (\`rules: { ${rule.id}: ${other} }\`, or off) or suppress one place with`));
    out.push(`  # talium-disable-next-line ${rule.id} -- <reason>`);
  }
  return out.join('\n') + '\n';
}

/**
 * The default severity, then each message reported at another one (RuleMeta.messageSeverities) with its id (as in
 * `--format json`) and its text, placeholders shown as `<name>`.
 */
function severityLines(rule: CatalogEntry, width: number): string[] {
  const out = wrapText(`${rule.severity} by default; a finding may be reported at a lower severity when the repository does not show enough to be sure.`, width, '  ');
  const others = Object.entries(rule.messageSeverities ?? {});
  if (!others.length) return out;
  out.push(...wrapText('These messages are reported at another severity:', width, '  '));
  const items = others.map(([id, sev]) => `- ${sev}: ${id}: ${(rule.messages?.[id] ?? '').replace(/\{\{\s*(\w+)\s*\}\}/g, '<$1>')}`);
  out.push(...wrapText(items.join('\n'), width, '  '));
  return out;
}
