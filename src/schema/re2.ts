/**
 * Go RE2 → JavaScript RegExp translation for JSON Schema `pattern`s written for Go (CRDs, Talos): inline flags
 * `(?i)`/`(?s)`/`(?m)` (leading, or right after a leading `^`), `\A`, `\z`, `(?P<name>`, POSIX classes `[[:alpha:]]`, `\Q...\E`, one-letter Unicode classes
 * `\pL`/`\PC`. Patterns stay checked.
 */

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

export interface TranslatedRegExp {
  source: string;
  flags: string;
}

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** Translate an RE2 pattern to a JS source + flags. Pure string rewriting; throws nothing. */
export function translateRe2(pattern: string): TranslatedRegExp {
  let flags = '';
  let src = pattern;
  // leading inline flag group (?i) / (?is) / (?m) ..., also right after a leading ^ (`^(?i)(abort|warn)$`), where
  // moving it before the anchor changes nothing unless it is (?m), which would make that first ^ multi-line
  const lead = /^(\^?)\(\?([imsU]+)\)/.exec(src);
  if (lead && !(lead[1] && lead[2]!.includes('m'))) {
    for (const f of lead[2]!) if (f !== 'U' && !flags.includes(f)) flags += f;
    src = lead[1] + src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) {
        out += '\\\\';
        break;
      }
      if (!inClass && n === 'A') {
        out += '^';
        i++;
        continue;
      }
      if (!inClass && n === 'z') {
        out += '$(?![\\s\\S])';
        i++;
        continue;
      }
      if ((n === 'p' || n === 'P') && /[A-Za-z]/.test(src[i + 2] ?? '')) {
        // one-letter Unicode class: \pL → \p{L}
        out += `\\${n}{${src[i + 2]}}`;
        i += 2;
        continue;
      }
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = end === -1 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += escapeLiteral(lit);
        i = end === -1 ? src.length : end + 1;
        continue;
      }
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const name = end === -1 ? '' : src.slice(i + 2, end);
        const neg = name.startsWith('^');
        const cls = POSIX[neg ? name.slice(1) : name];
        if (cls !== undefined && !neg) {
          out += cls;
          i = end + 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const scoped = c === '(' ? /^\(\?([imsU-]+)([:)])/.exec(src.slice(i)) : null;
    if (scoped) {
      // scoped flags (`(?i:...)`, or `(?i)` inside the pattern, which holds to the end of its group in RE2) are not
      // expressible in JS: case-insensitivity is hoisted to the whole pattern (accepting a little more than Go's,
      // never less), the other flags dropped
      if (scoped[1]!.split('-')[0]!.includes('i') && !flags.includes('i')) flags += 'i';
      if (scoped[2] === ':') out += '(?:';
      i += scoped[0].length - 1;
      continue;
    }
    out += c;
  }
  return { source: out, flags };
}

/** Compile a Go pattern to a RegExp: as written when JS accepts it, else translated (unicode mode). */
export function compileRe2(pattern: string, extraFlags = 'u'): RegExp {
  try {
    return new RegExp(pattern, extraFlags);
  } catch {
    const t = translateRe2(pattern);
    try {
      return new RegExp(t.source, extraFlags + t.flags);
    } catch {
      return new RegExp(t.source, t.flags);
    }
  }
}
