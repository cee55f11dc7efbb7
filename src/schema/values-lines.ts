/**
 * Cilium Helm values keys across chart lines: when the values schema of the line a cluster is judged on lacks a
 * key, which other shipped lines' charts define it. A key from another line is no typo: with the Cilium version
 * unknown (judged on the newest line) or a range that may install that line, it is a warning saying so; on a
 * pinned line it stays an error that names the lines whose chart has it (a key renamed or removed since).
 */
import { get, type Path } from '../core/document.js';
import type { RawIssue } from './errors.js';
import { CILIUM_LINES, type CiliumLine } from './versions.js';

export type ValuesCheck = (value: unknown) => RawIssue[];

/** A value holding only `value` at `path` (arrays for index segments), to ask another line's schema about one key. */
function only(path: Path, value: unknown): unknown {
  let out: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i]!;
    if (typeof seg === 'number') {
      const arr: unknown[] = [];
      arr[seg] = out;
      out = arr;
    } else out = { [seg]: out };
  }
  return out;
}


const samePath = (a: Path, b: Path): boolean => a.length === b.length && a.every((s, i) => s === b[i]);

/** `1.16–1.19` for consecutive lines, `1.16, 1.18` otherwise. */
export function formatLines(lines: readonly CiliumLine[]): string {
  const idx = lines.map((l) => CILIUM_LINES.indexOf(l));
  const consecutive = idx.every((v, i) => i === 0 || v === idx[i - 1]! + 1);
  return consecutive && lines.length > 2 ? `${lines[0]}–${lines[lines.length - 1]}` : lines.join(', ');
}

/**
 * `check` (the judged line's values check) with its unknown-field issues annotated: `knownIn` (the other lines whose
 * chart defines the key); a warning (messageId otherLine) when one of them is a line the cluster may run
 * (`possible`), messageId notOnLine otherwise.
 */
export function lineAwareValuesCheck(check: ValuesCheck, judged: CiliumLine, possible: readonly CiliumLine[], checkOf: (line: CiliumLine) => ValuesCheck | undefined): ValuesCheck {
  return (value) => {
    const issues = check(value);
    for (const i of issues) {
      if (i.ruleId !== 'schema/unknown-field') continue;
      const probe = only(i.path, get(value, i.path));
      const known = CILIUM_LINES.filter((line) => {
        if (line === judged) return false;
        const other = checkOf(line);
        return other !== undefined && !other(probe).some((o) => o.ruleId === 'schema/unknown-field' && samePath(o.path, i.path));
      });
      if (!known.length) continue;
      const field = String(i.data['field']);
      const where = i.path.length > 1 ? ` at "${String(i.data['path']).slice(0, -(field.length + 1))}"` : '';
      i.data = { ...i.data, knownIn: known.join(','), judgedLine: judged };
      if (known.some((l) => possible.includes(l))) {
        i.severity = 'warning';
        i.messageId = 'otherLine';
        i.message = `Field "${field}"${where} is not in the Cilium ${judged} chart's values but is in Cilium ${formatLines(known)}'s; talium judged the values on ${judged} because the repository does not pin one Cilium line.`;
        i.help = `Pin the Cilium chart version (the release's chart version, or plan.versions.cilium in talium.config.yaml) so the values are judged for the line you run; on ${judged} the chart ignores this field.`;
      } else {
        i.messageId = 'notOnLine';
        i.message = `Field "${field}"${where} is not in the Cilium ${judged} chart's values (the chart of Cilium ${formatLines(known)} has it).`;
        const newer = known.every((l) => CILIUM_LINES.indexOf(l) > CILIUM_LINES.indexOf(judged));
        i.help = newer
          ? `It arrived with Cilium ${known[0]}: upgrade Cilium to use it, or remove it; Helm ignores values the chart does not define, so on ${judged} this setting has no effect.`
          : `Remove it or use its Cilium ${judged} replacement (see the chart's values.yaml for ${judged}); Helm ignores values the chart does not define, so this setting has no effect.`;
      }
    }
    return issues;
  };
}
