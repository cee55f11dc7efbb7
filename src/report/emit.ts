/**
 * `--format NAME[=FILE]` handling shared by every command: parse the option values, render each reporter,
 * write to stdout or to the named file. The only place reporters' output leaves the process.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CliIo } from '../cli/io.js';
import { REPORTERS } from './index.js';
import type { LintResult } from './types.js';

export interface FormatSpec {
  name: string;
  /** Output file (relative to cwd), or undefined for stdout. */
  file?: string;
}

/** Parse `--format` values; returns an error string for unknown names or two formats on stdout. */
export function parseFormats(values: string[]): FormatSpec[] | string {
  const specs: FormatSpec[] = [];
  for (const v of values.length ? values : ['stylish']) {
    const eq = v.indexOf('=');
    const name = eq === -1 ? v : v.slice(0, eq);
    const file = eq === -1 ? undefined : v.slice(eq + 1);
    if (!REPORTERS[name]) return `unknown format "${name}" (known: ${Object.keys(REPORTERS).sort().join(', ')})`;
    if (file === '') return `--format ${name}= needs a file name`;
    specs.push(file === undefined ? { name } : { name, file });
  }
  if (specs.filter((s) => !s.file).length > 1) return 'at most one --format may write to stdout; give the others =FILE';
  return specs;
}

export function emit(result: LintResult, specs: FormatSpec[], io: CliIo): void {
  const color = io.isTTY && !io.env['NO_COLOR'];
  for (const spec of specs) {
    const reporter = REPORTERS[spec.name]!;
    const text = reporter.render(result, { color: spec.file ? false : color });
    if (spec.file) {
      const path = resolve(io.cwd, spec.file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    } else {
      io.stdout(text);
    }
  }
}
