/**
 * Which files an Argo CD directory source reads: `directory.include` / `directory.exclude` globs matched, as the repo
 * server does (reposerver findManifests: util/glob.Match over gobwas/glob without separators), against each file's
 * path relative to the source `path`; `recurse` for subfolders. Owns the glob translation; no findings, no I/O.
 */
import type { Path, YamlDocument } from '../core/document.js';
import { normDir, under } from './flux-kustomizations.js';
import { argoSourcePaths, dirOf, isObj, TEMPLATED } from './util.js';


/**
 * A gobwas/glob pattern compiled without separators as a RegExp over the whole text: `*` (and `**`) any run of
 * characters, `/` included; `?` one character; `[abc]`, `[a-z]`, `[!abc]` a class; `{a,b}` alternatives (nesting);
 * `\x` the character x. Undefined for a pattern gobwas refuses to compile (an unclosed `[` or `{`, a trailing `\`),
 * which Argo CD logs and then treats as matching nothing.
 */
export function argoGlob(pattern: string): RegExp | undefined {
  let i = 0;
  const esc = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  // parse until one of `stops` (inside braces: `,` and `}`); returns undefined on a syntax error
  const parse = (inBraces: boolean): string | undefined => {
    let out = '';
    while (i < pattern.length) {
      const c = pattern[i]!;
      if (inBraces && (c === ',' || c === '}')) return out;
      i++;
      if (c === '\\') {
        if (i >= pattern.length) return undefined;
        out += esc(pattern[i++]!);
      } else if (c === '*') out += '[\\s\\S]*';
      else if (c === '?') out += '[\\s\\S]';
      else if (c === '[') {
        const close = pattern.indexOf(']', i);
        if (close === -1) return undefined;
        let body = pattern.slice(i, close);
        i = close + 1;
        const negated = body.startsWith('!');
        if (negated) body = body.slice(1);
        if (!body) return undefined;
        const parts = body.replace(/[\\\]^]/g, '\\$&');
        out += negated ? `[^${parts}]` : `[${parts}]`;
      } else if (c === '{') {
        const alts: string[] = [];
        for (;;) {
          const alt = parse(true);
          if (alt === undefined || i >= pattern.length) return undefined;
          alts.push(alt);
          const sep = pattern[i++];
          if (sep === '}') break;
        }
        out += `(?:${alts.join('|')})`;
      } else out += esc(c);
    }
    return inBraces ? undefined : out;
  };
  const body = parse(false);
  if (body === undefined) return undefined;
  try {
    return new RegExp(`^${body}$`);
  } catch {
    return undefined;
  }
}

/** One Argo CD source that applies a folder as a plain directory with an include and/or exclude glob. */
export interface ArgoDirectoryFilter {
  app: YamlDocument;
  /** The source (`spec.source`, `spec.sources[i]`, or the ApplicationSet template's). */
  at: Path;
  /** The folder, relative to the repository root ('' for the root). */
  dir: string;
  recurse: boolean;
  include?: RegExp;
  exclude?: RegExp;
}

/**
 * The directory sources of `apps` (Applications and ApplicationSet templates of argoproj.io) with a plain-string,
 * untemplated `include` or `exclude` that compiles; the others read every manifest of their folder (or none can be
 * told). `undefined` when a source's path is templated, since that source may be any folder, read unfiltered.
 */
export function argoDirectoryFilters(apps: readonly YamlDocument[]): ArgoDirectoryFilter[] | undefined {
  const out: ArgoDirectoryFilter[] = [];
  for (const app of apps) {
    if (app.group !== 'argoproj.io' || (app.kind !== 'Application' && app.kind !== 'ApplicationSet')) continue;
    for (const at of argoSourcePaths(app)) {
      const s = app.get(at);
      if (!isObj(s) || s['chart'] !== undefined) continue;
      const dir = normDir(s['path']);
      if (dir === undefined) {
        if (s['path'] === undefined || s['ref'] !== undefined) continue;
        return undefined;
      }
      const d = s['directory'];
      if (!isObj(d)) continue;
      const inc = d['include'];
      const exc = d['exclude'];
      if ((typeof inc !== 'string' || inc === '') && (typeof exc !== 'string' || exc === '')) continue;
      if ((typeof inc === 'string' && TEMPLATED.test(inc)) || (typeof exc === 'string' && TEMPLATED.test(exc))) continue;
      const include = typeof inc === 'string' && inc !== '' ? argoGlob(inc) : undefined;
      const exclude = typeof exc === 'string' && exc !== '' ? argoGlob(exc) : undefined;
      // a pattern gobwas cannot compile: Argo CD logs it; not modelled (the source counts as reading everything)
      if ((typeof inc === 'string' && inc !== '' && !include) || (typeof exc === 'string' && exc !== '' && !exclude)) continue;
      const f: ArgoDirectoryFilter = { app, at, dir, recurse: d['recurse'] === true };
      if (include) f.include = include;
      if (exclude) f.exclude = exclude;
      out.push(f);
    }
  }
  return out;
}

/** The source's folder holds `file` (directly, or below with `recurse`). */
export function inDirectoryScope(f: ArgoDirectoryFilter, file: string): boolean {
  const d = dirOf(file);
  return f.recurse ? under(d, f.dir) : d === f.dir;
}

/** The source reads `file` (inside its scope): not excluded, and included when it has an include. */
export function directoryReads(f: ArgoDirectoryFilter, file: string): boolean {
  const rel = f.dir === '' ? file : file.slice(f.dir.length + 1);
  if (f.exclude?.test(rel)) return false;
  return !f.include || f.include.test(rel);
}
