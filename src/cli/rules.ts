/**
 * `talium rules`: lists every rule id (policy rules, schema checks, the engine's yaml/lint/config ids) with
 * its default severity, whether `lint --fix` corrects some of its findings, and its description; `--format json` for
 * tools.
 */
import { parseArgs } from 'node:util';
import { ruleCatalog } from '../lint/rule-catalog.js';
import { columns } from '../report/columns.js';
import { EXIT, type CliIo } from './io.js';

export async function run(args: string[], io: CliIo): Promise<number> {
  let values;
  try {
    values = parseArgs({ args, strict: true, options: { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (err) {
    io.stderr(`talium rules: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout('Usage: talium rules [--format text|json]\n\nLists the rules; `talium explain <rule>` explains one.\n');
    return EXIT.ok;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    io.stderr(`talium rules: unknown format "${format}" (known: json, text)\n`);
    return EXIT.usage;
  }
  const catalog = ruleCatalog();
  if (format === 'json') {
    const list = catalog.map((r) => ({ id: r.id, severity: r.severity, description: r.description, help: r.help, origin: r.origin, fixable: r.docs?.autofix !== undefined, ...(r.supersedes ? { supersedes: r.supersedes } : {}), ...(r.docs ? { sources: r.docs.sources } : {}) }));
    io.stdout(JSON.stringify({ version: 1, rules: list }, null, 2) + '\n');
    return EXIT.ok;
  }
  const lines = columns([['RULE', 'SEVERITY', 'FIX', 'DESCRIPTION'], ...catalog.map((r) => [r.id, r.severity, r.docs?.autofix ? 'yes' : '', r.description])]);
  lines.push('', `${catalog.length} rules; FIX: \`talium lint --fix\` corrects some findings. Run \`talium explain <rule>\` for details.`);
  io.stdout(lines.join('\n') + '\n');
  return EXIT.ok;
}
