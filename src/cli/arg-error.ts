/**
 * The message for a command line node:util parseArgs refused: an unknown option names the nearest known one
 * (`--max-warning` → did you mean --max-warnings?) and every message ends with where the options are listed.
 * Owns the wording only; the commands parse and exit themselves.
 */
import { suggest } from '../core/suggest.js';

export function argError(command: string, err: unknown, known: readonly string[]): string {
  const e = err as { code?: unknown; message?: unknown };
  const text = typeof e?.message === 'string' ? e.message : String(err);
  const more = `Run \`talium ${command} --help\` for the options.\n`;
  if (e?.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `talium ${command}: ${text}\n${more}`;
  const given = /'([^']*)'/.exec(text)?.[1] ?? text;
  const near = given.startsWith('--') ? suggest(given.slice(2), known) : undefined;
  return `talium ${command}: unknown option "${given}"${near ? `; did you mean --${near}?` : '.'}\n${more}`;
}
