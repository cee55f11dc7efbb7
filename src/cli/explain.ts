/**
 * `talium explain <rule>`: what the rule checks, why it matters, how to fix it, and its sources, from the
 * same rule metadata that `talium rules` and SARIF use. An unknown id gets the few closest ids (typo first, then
 * the rules sharing its words in their ids or descriptions).
 */
import { nearestRules, ruleCatalog } from '../lint/rule-catalog.js';
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
  const out = [`${rule.id}  (default severity: ${rule.severity}; one finding may be reported at another severity, lower when the repository does not show enough to be sure)`, '', rule.description, ''];
  if (rule.docs) {
    out.push('What it checks:', indent(rule.docs.what), '', 'Why it matters:', indent(rule.docs.why), '', 'How to fix:', indent(rule.docs.fix), '');
    if (rule.docs.autofix) out.push('Fixed by `talium lint --fix`:', indent(rule.docs.autofix), '');
  }
  if (rule.supersedes?.length) out.push('Reported instead of:', indent(`${rule.supersedes.join(', ')} at the same place (one finding per mistake; a comment silencing that one is honoured)`), '');
  out.push('Help:', indent(rule.help), '');
  if (rule.docs?.sources.length) out.push('Sources:', ...rule.docs.sources.map((s) => `  - ${s}`), '');
  // the example changes something: a warning rule's example is not `warning`
  const other = rule.severity === 'warning' ? 'error' : 'warning';
  if (rule.id.startsWith('lint/')) {
    // findings about the suppression comments themselves: a comment cannot silence them (lint/suppressions.ts)
    out.push(`Change its severity in talium.config.yaml (rules: { ${rule.id}: ${other} }, or off); a talium-disable comment cannot silence it.`);
  } else {
    out.push(`Change its severity in talium.config.yaml (rules: { ${rule.id}: ${other} }, or off) or suppress one place with`);
    out.push(`  # talium-disable-next-line ${rule.id} -- <reason>`);
  }
  io.stdout(out.join('\n') + '\n');
  return EXIT.ok;
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
