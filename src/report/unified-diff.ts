/**
 * The unified diff of what `talium generate` would write (`generate --diff`): one git-style patch per planned change
 * (created files from /dev/null, removed ones to /dev/null), `a/` and `b/` prefixes on the paths as the user's shell
 * sees them, so `git apply` or `patch -p1` in the working directory applies it. Colour (red, green, cyan hunk heads)
 * only when asked. Diffing is jsdiff's (the `diff` package: Myers' algorithm and the unified format). Pure.
 */
import { createTwoFilesPatch } from 'diff';
import type { PlannedChange } from '../io/writer.js';

const SGR = { del: '31', add: '32', hunk: '36', head: '1' } as const;

/** `display`: a repository path as shown to the user (relative to the working directory). */
export function unifiedDiff(changes: readonly PlannedChange[], display: (repoPath: string) => string, color: boolean): string {
  const paint = (code: keyof typeof SGR, s: string) => (color ? `\u001b[${SGR[code]}m${s}\u001b[0m` : s);
  let out = '';
  for (const ch of [...changes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const shown = display(ch.path);
    const before = ch.change === 'create' ? '' : (ch.current ?? '');
    const after = ch.change === 'remove' ? '' : (ch.text ?? '');
    if (before === after) continue;
    const from = ch.change === 'create' ? '/dev/null' : `a/${shown}`;
    const to = ch.change === 'remove' ? '/dev/null' : `b/${shown}`;
    // jsdiff's own header lines (`Index:`, a `===` rule) give way to git's
    const lines = createTwoFilesPatch(from, to, before, after, undefined, undefined, { context: 3 }).split('\n');
    const body = lines.slice(Math.max(0, lines.findIndex((l) => l.startsWith('--- '))));
    const head = [`diff --git a/${shown} b/${shown}`];
    if (ch.change === 'create') head.push('new file mode 100644');
    if (ch.change === 'remove') head.push('deleted file mode 100644');
    out += `${paint('head', head.join('\n'))}\n`;
    for (const line of body) {
      if (line === '') continue;
      if (line.startsWith('---') || line.startsWith('+++')) out += `${paint('head', line.replace(/\t$/, ''))}\n`;
      else if (line.startsWith('@@')) out += `${paint('hunk', line)}\n`;
      else if (line.startsWith('-')) out += `${paint('del', line)}\n`;
      else if (line.startsWith('+')) out += `${paint('add', line)}\n`;
      else out += `${line}\n`;
    }
  }
  return out;
}
