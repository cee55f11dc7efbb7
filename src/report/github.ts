/**
 * `github`: GitHub Actions workflow commands (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=RULE::msg`)
 * with GitHub's escaping (data: % CR LF; properties also : and ,). info → notice. The message is followed by the
 * help and a `see: file:line:column message` line per related location. Pure.
 */
import { reporter, type Reporter } from './types.js';

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export const github: Reporter = reporter({
  name: 'github',
  description: 'GitHub Actions annotations (workflow commands).',
  *chunks(result) {
    for (const d of result.diagnostics) {
      const level = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
      const props = [
        `file=${escapeProperty(d.file)}`,
        `line=${d.range.start.line}`,
        `col=${d.range.start.column}`,
        `endLine=${d.range.end.line}`,
        `endColumn=${d.range.end.column}`,
        `title=${escapeProperty(d.ruleId)}`,
      ].join(',');
      // the other side of a cross-file finding (the pool a requested IP is missing from, the Cilium value a Talos
      // setting disagrees with): an annotation shows only its own file, so the related locations are named in it
      const see = (d.related ?? []).map((r) => `\nsee: ${r.file}:${r.range.start.line}:${r.range.start.column} ${r.message}`).join('');
      const text = `${d.help ? `${d.message}\n${d.help}` : d.message}${see}`;
      yield `::${level} ${props}::${escapeData(text)}\n`;
    }
  },
});
