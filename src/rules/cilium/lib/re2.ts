/**
 * Go RE2 regular expressions (CiliumL2AnnouncementPolicy `interfaces`) judged with JavaScript: translates the
 * RE2 syntax JS lacks, refuses what RE2 refuses (lookaround, backreferences, unknown escapes), and reports
 * "unknown" rather than guessing when a construct cannot be translated. Also: anchoring, literal names and dots
 * meant literally.
 */

export type Re2Result =
  | { kind: 'ok'; regexp: RegExp }
  | { kind: 'invalid'; reason: string }
  | { kind: 'unknown'; reason: string };

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

/** Escapes Go's regexp/syntax accepts after a backslash (letters only; punctuation is always fine). */
const GO_LETTER_ESCAPES = new Set(['a', 'f', 't', 'n', 'r', 'v', 'x', 'd', 'D', 's', 'S', 'w', 'W', 'b', 'B', 'p', 'P', 'Q', 'E', 'z', 'A', 'C']);

/** Compile a Go RE2 pattern as a JS RegExp with the same meaning for link names. Never throws. */
export function compileRe2(src: string): Re2Result {
  let flags = '';
  let i = 0;
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'i' || f === 'm' || f === 's') flags += flags.includes(f) ? '' : f;
      else if (f === 'U') return { kind: 'unknown', reason: 'ungreedy flag (?U)' };
      else return { kind: 'invalid', reason: `unknown flag "${f}"` };
    }
    i = lead[0].length;
  }
  let out = '';
  let inClass = false;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return { kind: 'invalid', reason: 'trailing backslash' };
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = end === -1 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end === -1 ? src.length : end + 2;
        continue;
      }
      if (/[1-9]/.test(n)) return { kind: 'invalid', reason: 'backreferences are not supported by RE2' };
      if (n === '0') return { kind: 'unknown', reason: 'octal escape' };
      if (/[A-Za-z]/.test(n) && !GO_LETTER_ESCAPES.has(n)) return { kind: 'invalid', reason: `invalid escape sequence "\\${n}"` };
      if (n === 'p' || n === 'P' || n === 'C') return { kind: 'unknown', reason: `\\${n} class` };
      if (n === 'E') { i += 2; continue; }
      if (n === 'x' && src[i + 2] === '{') return { kind: 'unknown', reason: '\\x{...} escape' };
      if (n === 'z' || n === 'A') {
        if (inClass) return { kind: 'invalid', reason: `\\${n} inside a character class` };
        if (flags.includes('m')) return { kind: 'unknown', reason: `\\${n} with the m flag` };
        out += n === 'z' ? '$' : '^';
        i += 2;
        continue;
      }
      out += c + n;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i));
        if (m) {
          if (m[1] || !POSIX[m[2]!]) return { kind: m[1] ? 'unknown' : 'invalid', reason: `character class [:${m[1]}${m[2]}:]` };
          out += POSIX[m[2]!];
          i += m[0].length;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c === '/' ? '\\/' : c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      // a leading `]` (or `^]`) is a literal in RE2
      if (src[i] === '^') { out += '^'; i++; }
      if (src[i] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (rest.startsWith(':')) { out += '(?:'; i += 3; continue; }
      if (rest.startsWith('P<')) { out += '(?<'; i += 4; continue; }
      if (/^<[A-Za-z_]/.test(rest)) { out += '(?<'; i += 3; continue; }
      if (/^(=|!|<=|<!)/.test(rest)) return { kind: 'invalid', reason: 'lookaround is not supported by RE2' };
      if (rest.startsWith('>')) return { kind: 'invalid', reason: 'atomic groups are not supported by RE2' };
      if (/^[a-zA-Z-]+[:)]/.test(rest)) return { kind: 'unknown', reason: 'inline flag group' };
      return { kind: 'invalid', reason: 'invalid or unsupported group syntax' };
    }
    out += c;
    i++;
  }
  if (inClass) return { kind: 'invalid', reason: 'missing closing ]' };
  try {
    return { kind: 'ok', regexp: new RegExp(out, flags) };
  } catch (e) {
    return { kind: 'invalid', reason: ((e as Error).message.split(': ').pop() ?? 'invalid regular expression').trim() };
  }
}

/** Split a pattern at top-level `|` (outside groups and classes). */
function topLevelBranches(src: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; if (src[i + 1] === '^') i++; if (src[i + 1] === ']') i++; continue; }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) { out.push(src.slice(start, i)); start = i + 1; }
  }
  out.push(src.slice(start));
  return out;
}

/** True when the whole pattern is one group `( ... )` / `(?: ... )`; returns its body. */
function unwrapGroup(src: string): string | undefined {
  const m = /^\((\?:|\?P?<[A-Za-z_][A-Za-z0-9_]*>)?/.exec(src);
  if (!m || !src.endsWith(')') || src.endsWith('\\)')) return undefined;
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; continue; }
    if (c === '(') depth++;
    else if (c === ')') { depth--; if (depth === 0 && i !== src.length - 1) return undefined; }
  }
  return src.slice(m[0].length, -1);
}

function endsWithDollar(b: string): boolean {
  if (b.endsWith('\\z')) return !b.endsWith('\\\\z');
  if (!b.endsWith('$')) return false;
  let n = 0;
  for (let i = b.length - 2; i >= 0 && b[i] === '\\'; i--) n++;
  return n % 2 === 0;
}

/** Which ends of the pattern are anchored (`^...$`, `\A...\z`), for every top-level alternative. */
export function anchoring(src: string): { start: boolean; end: boolean } {
  const body = src.replace(/^\(\?[a-zA-Z]+\)/, '');
  const branches = topLevelBranches(body);
  if (branches.length === 1) {
    const b = branches[0]!;
    const inner = unwrapGroup(b);
    if (inner !== undefined) return anchoring(inner);
    return { start: b.startsWith('^') || b.startsWith('\\A'), end: endsWithDollar(b) };
  }
  const each = branches.map((b) => anchoring(b));
  return { start: each.every((e) => e.start), end: each.every((e) => e.end) };
}

/**
 * The pattern anchored at both ends with as little change as can be, for a fix hint: `^eth[0-9]+` → `^eth[0-9]+$`,
 * `enp1s0` → `^enp1s0$`; several top-level alternatives (or one group) are wrapped: `eth0|eth1` → `^(?:eth0|eth1)$`.
 * A leading flag group stays first (`(?i)eth0` → `(?i)^eth0$`).
 */
export function anchored(src: string): string {
  const flags = /^\(\?[a-zA-Z]+\)/.exec(src)?.[0] ?? '';
  const body = src.slice(flags.length);
  if (topLevelBranches(body).length > 1 || unwrapGroup(body) !== undefined) return `${flags}^(?:${body})$`;
  const a = anchoring(body);
  return `${flags}${a.start ? '' : '^'}${body}${a.end ? '' : '$'}`;
}

/** The link name a pattern names literally (`^enp1s0\.50$` → `enp1s0.50`, `eth0` → `eth0`), else undefined. */
export function literalName(src: string): string | undefined {
  let b = src;
  if (b.startsWith('\\A')) b = b.slice(2);
  else if (b.startsWith('^')) b = b.slice(1);
  if (b.endsWith('\\z')) b = b.slice(0, -2);
  else if (endsWithDollar(b)) b = b.slice(0, -1);
  let out = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === '\\') {
      const n = b[i + 1];
      if (n === undefined || /[A-Za-z0-9]/.test(n)) return undefined;
      out += n;
      i++;
      continue;
    }
    if ('.[](){}*+?|^$'.includes(c)) return undefined;
    out += c;
  }
  return out || undefined;
}

/** Characters of a link name (`enp1s0`, `br-lan`, `vlan_50`): a `.` between two of them reads as a meant literal dot. */
const NAME_CHAR = /[A-Za-z0-9_-]/;

/**
 * Offsets of each unescaped `.` outside a character class that sits between two name characters (`^vlan.2`,
 * `enp1s0.50`): it matches any character where a literal dot (a VLAN link `<nic>.<id>`) is meant. A `.` with a
 * quantifier after it (`^eth.*`, `^en.+`, `.?`, `.{2}`) or next to other syntax is taken as meant.
 */
export function unescapedDots(src: string): number[] {
  const out: number[] = [];
  let inClass = false;
  // the previous token was a name character written as itself (not an escape such as `\d`)
  let prevName = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      if (src[i + 1] === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        i = end === -1 ? src.length : end + 1;
      } else i++;
      prevName = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (src[i + 1] === '^') i++;
      if (src[i + 1] === ']') i++;
      prevName = false;
      continue;
    }
    if (c === '.' && prevName && NAME_CHAR.test(src[i + 1] ?? '')) out.push(i);
    prevName = NAME_CHAR.test(c);
  }
  return out;
}

/** `src` with a backslash before the dots at `offsets` (unescapedDots). */
export function escapeDots(src: string, offsets: readonly number[]): string {
  let out = '';
  let from = 0;
  for (const i of offsets) {
    out += src.slice(from, i) + '\\.';
    from = i + 1;
  }
  return out + src.slice(from);
}

/** Cilium `devices` entries (comma-separated string or list) → matcher: `eth+` is a prefix, `!x` excludes. */
export function devicesMatcher(devices: unknown): ((name: string) => boolean) | undefined {
  let list: string[];
  if (typeof devices === 'string') list = devices.split(/[,\s]+/);
  else if (Array.isArray(devices) && devices.every((d) => typeof d === 'string')) list = devices as string[];
  else return undefined;
  list = list.map((s) => s.trim()).filter(Boolean);
  if (!list.length) return undefined;
  const include = list.filter((s) => !s.startsWith('!'));
  const exclude = list.filter((s) => s.startsWith('!')).map((s) => s.slice(1));
  const m = (p: string, n: string) => (p.endsWith('+') ? n.startsWith(p.slice(0, -1)) : n === p);
  return (name) => !exclude.some((p) => m(p, name)) && (include.length === 0 || include.some((p) => m(p, name)));
}
