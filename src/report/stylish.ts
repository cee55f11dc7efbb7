/**
 * `stylish`: human output grouped by file: `line:col  severity  message  rule`, a help line (once per rule and
 * help text), a one-line code frame, and a summary. Colour only when asked (the CLI decides: TTY and no NO_COLOR). Pure.
 */
import { summarize, type Severity } from '../core/diagnostic.js';
import { codeFrame, lineOf, printable } from './frame.js';
import { reporter, type Reporter } from './types.js';

/** One line of output. */
const nl = (s: string) => `${s}\n`;

const SGR = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1, underline: 4 } as const;

export const stylish: Reporter = reporter({
  name: 'stylish',
  description: 'Human-readable, grouped by file, with code frames and a summary.',
  *chunks(result, opts) {
    const paint = (code: keyof typeof SGR, s: string) => (opts.color ? `\u001b[${SGR[code]}m${s}\u001b[0m` : s);
    const sev = (s: Severity) => (s === 'error' ? paint('red', 'error  ') : s === 'warning' ? paint('yellow', 'warning') : paint('cyan', 'info   '));
    let file: string | undefined;
    // a rule's help is printed once: twenty unknown-kind warnings need one "import its schema" line
    const helped = new Set<string>();
    for (const d of result.diagnostics) {
      if (d.file !== file) {
        if (file !== undefined) yield nl('');
        file = d.file;
        yield nl(paint('underline', printable(d.file) || '.'));
      }
      const pos = `${d.range.start.line}:${d.range.start.column}`;
      yield nl(`  ${pos.padEnd(8)} ${sev(d.severity)}  ${printable(d.message)}  ${paint('dim', d.ruleId)}`);
      if (d.help && !helped.has(`${d.ruleId}\0${d.help}`)) {
        helped.add(`${d.ruleId}\0${d.help}`);
        yield nl(`  ${' '.repeat(8)} ${paint('dim', 'help:')} ${printable(d.help)}`);
      }
      for (const r of d.related ?? []) yield nl(`  ${' '.repeat(8)} ${paint('dim', 'see:')} ${printable(r.file)}:${r.range.start.line}:${r.range.start.column} ${printable(r.message)}`);
      const text = result.sources.get(d.file);
      if (text !== undefined) {
        const frame = codeFrame(lineOf(text, d.range.start.line), d.range, '           ');
        if (frame) yield nl(frame.replace(/\n$/, ''));
      }
    }
    const s = summarize(result.diagnostics);
    const total = result.diagnostics.length;
    // ESLint-style "in 2 of 120 files": files with a shown diagnostic, of the files checked. A diagnostic can sit in
    // a file outside `files` (the lint/templates-only note on a template, a cross-file finding in an unstaged file,
    // generate's cluster.yaml next to the generated files): such files count in both numbers, so the first is never
    // larger than the second. A diagnostic about no file (reported under `.`) counts in neither.
    const withProblems = new Set(result.diagnostics.map((d) => d.file).filter((f) => f && f !== '.'));
    const checked = new Set(result.files);
    for (const f of withProblems) checked.add(f);
    const files = checked.size;
    if (total) {
      yield nl('');
      const mark = s.errors ? paint('red', '✖') : s.warnings ? paint('yellow', '⚠') : paint('cyan', 'ℹ');
      yield nl(
        paint('bold', `${mark} ${total} problem${total === 1 ? '' : 's'} (${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}, ${s.infos} info${s.infos === 1 ? '' : 's'}) in ${withProblems.size} of ${files} file${files === 1 ? '' : 's'}`),
      );
      const fixable = result.diagnostics.filter((d) => d.fix).length;
      if (fixable) yield nl(`  ${fixable} of them fixable with \`${opts.fixCommand ?? 'talium lint --fix'}\``);
    } else if (files === 0) {
      yield nl('✔ no YAML files to check');
    } else {
      yield nl(`✔ no problems in ${files} file${files === 1 ? '' : 's'}`);
    }
  },
});
