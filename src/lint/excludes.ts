/**
 * The configured `exclude:` patterns as discovery applies them: normalised (`./x` and `.\x\` as written by hand or
 * on Windows), scoped (a cluster.yaml `lint:` section's patterns are relative to its folder), and the
 * `config/unused-exclude` warning for a pattern that left out nothing. Pure: discovery does the walking.
 */
import ignore from 'ignore';
import type { ExcludeSite, LintConfig } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostic.js';

/** A backslash that is a Windows separator, not a gitignore escape: `.\x`, `..\x`, or before a name character or the end. */
const WINDOWS_SEPARATOR = /^\.{1,2}\\|\\(?=[A-Za-z0-9._-]|$)/;

/**
 * One pattern as the `ignore` package (gitignore semantics) reads it, relative to the folder it is written for:
 * Windows separators become `/` (a backslash escaping `#`, `!`, `*`, `?`, `[` or a space stays an escape), and a
 * leading `./` anchors the pattern there as a leading `/` does (gitignore itself would match nothing: paths never
 * start with `./`); `/./` and `//` inside collapse. A trailing `/` keeps meaning "a folder".
 */
export function normaliseExclude(raw: string): string {
  const neg = raw.startsWith('!');
  let p = neg ? raw.slice(1) : raw;
  if (WINDOWS_SEPARATOR.test(p)) p = p.replace(/\\/g, '/');
  p = p.replace(/\/(?:\.\/)+/g, '/').replace(/\/{2,}/g, '/');
  if (/^\.\/./.test(p)) p = p.replace(/^(?:\.\/)+/, '/');
  return neg ? `!${p}` : p;
}

/** A normalised pattern of the cluster folder `dir` → the same pattern relative to the root. */
export function scopePattern(dir: string, pattern: string): string {
  const neg = pattern.startsWith('!');
  const p = neg ? pattern.slice(1) : pattern;
  const anchored = p.replace(/\/$/, '').includes('/');
  const out = anchored ? `${dir}/${p.replace(/^\//, '')}` : `${dir}/**/${p}`;
  return neg ? `!${out}` : out;
}

export interface ExcludeEntry {
  /** As written. */
  raw: string;
  /** Relative to the root, normalised: what discovery applies. */
  pattern: string;
  site?: ExcludeSite;
}

/** Every configured pattern, repository-wide first, then each cluster folder's. */
export function excludeEntries(config: LintConfig): ExcludeEntry[] {
  const out: ExcludeEntry[] = [];
  const add = (raw: string, pattern: string, site: ExcludeSite | undefined) => out.push(site ? { raw, pattern, site } : { raw, pattern });
  config.exclude.forEach((raw, i) => add(raw, normaliseExclude(raw), config.excludeSites?.[i]));
  for (const s of config.scoped) s.exclude.forEach((raw, i) => add(raw, scopePattern(s.dir, normaliseExclude(raw)), s.excludeSites?.[i]));
  return out;
}

/**
 * `config/unused-exclude` for each pattern (not a `!` re-include) that matches none of what the excludes left out
 * (`hits`: YAML files, templates and folders, relative to the root, folders with a trailing `/`). Only meaningful
 * for a run over the whole tree: a run over some paths never meets most of what the patterns name.
 */
export function unusedExcludes(entries: readonly ExcludeEntry[], hits: readonly string[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of entries) {
    if (!e.site || e.pattern.startsWith('!')) continue;
    const ig = ignore().add(e.pattern);
    if (hits.some((h) => ig.ignores(h))) continue;
    out.push({
      ruleId: 'config/unused-exclude',
      severity: 'warning',
      message: `The exclude pattern "${e.raw}" leaves out no YAML file, template or folder that talium would otherwise read.`,
      help: 'Correct the pattern (it is gitignore-style, relative to the repository root or the cluster folder), or remove it.',
      file: e.site.file,
      range: e.site.range,
      data: { pattern: e.raw },
    });
  }
  return out;
}
