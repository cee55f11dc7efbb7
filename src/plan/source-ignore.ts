/**
 * What Flux's source-controller leaves out of a source artifact (so kustomize-controller never sees it): the patterns
 * of every `.sourceignore` file of the tree, each for the paths below its folder, then the source's `spec.ignore`
 * (root patterns), after Flux's own exclusions (version-control files always; its default list only when neither gives
 * a pattern). gitignore syntax as go-git's matcher reads it: the last pattern that matches the file's path decides (a
 * `!` pattern re-includes, also a file of a folder left out). Owns that question only; plan/appliers.ts builds what
 * each Flux Kustomization applies without the files left out.
 *
 * Source: fluxcd/pkg sourceignore/sourceignore.go (ExcludeVCS, ExcludeExt, ExcludeCI, ExcludeExtra, NewDefaultMatcher,
 * LoadIgnorePatterns), sourceignore/gitignore (pattern.go, matcher.go: go-git's) and artifact/storage (SourceIgnoreFilter: the default matcher when the pattern list is empty,
 * else the VCS patterns then the list); source-controller internal/controller/gitrepository_controller.go
 * reconcileArtifact (the `.sourceignore` patterns, then `spec.ignore` appended).
 */
import type { YamlDocument } from '../core/document.js';

/** Whether a repository path (relative to the root) is outside the Flux artifact. */
export type SourceIgnored = (path: string) => boolean;

/** A `.sourceignore` file of the tree: its folder relative to the root ('' for the root) and its text. */
export interface SourceIgnoreFile {
  dir: string;
  text: string;
}

/** Always left out: fluxcd/pkg sourceignore ExcludeVCS. */
export const FLUX_EXCLUDE_VCS: readonly string[] = ['.git/', '.gitignore', '.gitmodules', '.gitattributes'];

/**
 * Left out when no `.sourceignore` file nor `spec.ignore` gives a pattern: fluxcd/pkg sourceignore ExcludeExt,
 * ExcludeCI and ExcludeExtra (CI configuration such as `.github/` workflows, `cloudbuild.yaml`, `.gitlab-ci.yml`,
 * and `.sops.yaml`: YAML files that are no manifests).
 */
export const FLUX_EXCLUDE_DEFAULT: readonly string[] = [
  '*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip',
  '.github/', '.circleci/', '.travis.yml', '.gitlab-ci.yml', 'appveyor.yml', '.drone.yml', 'cloudbuild.yaml', 'codeship-services.yml', 'codeship-steps.yml',
  '**/.goreleaser.yml', '**/.sops.yaml', '**/.flux.yaml',
];

/**
 * The matcher of `.sourceignore` files and `spec.ignore` text. The files' patterns come in the order
 * LoadIgnorePatterns reads them (a folder's before its subfolders', subfolders by name), each file's scoped to its
 * folder; `spec.ignore` comes after them, so it wins where both match.
 */
export function sourceIgnored(files: readonly SourceIgnoreFile[] = [], specIgnore?: string): SourceIgnored {
  const own: Pattern[] = [];
  for (const f of [...files].sort((a, b) => walkOrder(a.dir, b.dir))) {
    const domain = f.dir.replace(/\/+$/, '').split('/').filter((x) => x !== '');
    for (const line of patterns(f.text)) own.push(parsePattern(line, domain));
  }
  if (specIgnore !== undefined) for (const line of patterns(specIgnore)) own.push(parsePattern(line, []));
  const list = [...FLUX_EXCLUDE_VCS.map((p) => parsePattern(p, [])), ...(own.length ? own : FLUX_EXCLUDE_DEFAULT.map((p) => parsePattern(p, [])))];
  return (path) => {
    // (a path outside the tree, `../x`, is no path of the artifact)
    if (path === '' || path.startsWith('../') || path.startsWith('/')) return false;
    const parts = path.split('/');
    // the last pattern that matches decides (gitignore Matcher.Match), over the whole path: source-controller
    // matches each file, not its folders first, so a `!` pattern re-includes a file of a folder left out
    for (let i = list.length - 1; i >= 0; i--) {
      const m = matchPattern(list[i]!, parts);
      if (m !== 'none') return m === 'exclude';
    }
    return false;
  };
}

/** One gitignore pattern as go-git's gitignore package (vendored in fluxcd/pkg sourceignore/gitignore) parses it. */
interface Pattern {
  /** The folder the pattern is scoped to (its `.sourceignore` file's), as path segments. */
  domain: readonly string[];
  /** The pattern split at `/` (a leading `/` gives a first empty segment: anchored). */
  segments: readonly string[];
  include: boolean;
  dirOnly: boolean;
  /** Holds a `/`: matched segment by segment from the domain; else by any one segment of the path. */
  glob: boolean;
}

function parsePattern(text: string, domain: readonly string[]): Pattern {
  let p = text;
  const include = p.startsWith('!');
  if (include) p = p.slice(1);
  if (!p.endsWith('\\ ')) p = p.replace(/ +$/, '');
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  return { domain, segments: p.split('/'), include, dirOnly, glob: p.includes('/') };
}

/** Whether pattern `p` matches the file at `path` (segments), and how. */
function matchPattern(p: Pattern, path: readonly string[]): 'none' | 'exclude' | 'include' {
  if (path.length <= p.domain.length || p.domain.some((d, i) => path[i] !== d)) return 'none';
  const rest = path.slice(p.domain.length);
  const hit = p.glob ? globMatch(p, rest) : nameMatch(p, rest);
  return hit ? (p.include ? 'include' : 'exclude') : 'none';
}

/** A pattern without `/`: any segment; a folder-only pattern not by the file's own name (the last segment). */
function nameMatch(p: Pattern, path: readonly string[]): boolean {
  for (let i = 0; i < path.length; i++) {
    if (!segmentMatch(p.segments[0]!, path[i]!)) continue;
    return !(p.dirOnly && i === path.length - 1);
  }
  return false;
}

/**
 * A pattern with `/`: its segments in turn from the domain, `**` letting the next one match any later segment; the
 * path may go on below what the segments match (a folder's files). A trailing `**` matches what is left.
 */
function globMatch(p: Pattern, path: readonly string[]): boolean {
  let matched = false;
  let traverse = false;
  let at = 0;
  for (let i = 0; i < p.segments.length; i++) {
    const seg = p.segments[i]!;
    if (seg === '') {
      traverse = false;
      continue;
    }
    if (seg === '**') {
      if (i === p.segments.length - 1) break;
      traverse = true;
      continue;
    }
    if (seg.includes('**') || at >= path.length) return false;
    if (traverse) {
      traverse = false;
      matched = false;
      while (at < path.length) if (segmentMatch(seg, path[at++]!)) {
        matched = true;
        break;
      }
    } else {
      if (!segmentMatch(seg, path[at]!)) return false;
      matched = true;
      at++;
    }
  }
  return matched && !(p.dirOnly && at === path.length);
}

const SEGMENT_RE = new Map<string, RegExp | null>();

/** Go's filepath.Match of one path segment (`*`, `?`, `[...]` with `^` negation, `\\` escapes); a malformed pattern matches nothing. */
function segmentMatch(pattern: string, name: string): boolean {
  let re = SEGMENT_RE.get(pattern);
  if (re === undefined) SEGMENT_RE.set(pattern, (re = segmentRegex(pattern)));
  return re !== null && re.test(name);
}

function segmentRegex(pattern: string): RegExp | null {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '\\') {
      if (i + 1 >= pattern.length) return null;
      out += escapeRe(pattern[++i]!);
    } else if (c === '[') {
      let j = i + 1;
      let cls = '';
      if (pattern[j] === '^') {
        cls += '^';
        j++;
      }
      const open = cls.length;
      for (; j < pattern.length && pattern[j] !== ']'; j++) {
        let ch = pattern[j]!;
        if (ch === '\\') {
          if (j + 1 >= pattern.length) return null;
          ch = pattern[++j]!;
        } else if (ch === '-' && cls.length > open && pattern[j + 1] !== ']') {
          // a range (lo-hi)
          cls += '-';
          continue;
        }
        cls += escapeRe(ch);
      }
      if (j >= pattern.length || cls === '' || cls === '^') return null;
      out += `[${cls}]`;
      i = j;
    } else out += escapeRe(c);
  }
  return new RegExp(`^${out}$`, 's');
}

const escapeRe = (c: string): string => (/[\\^$.*+?()[\]{}|\/-]/.test(c) ? `\\${c}` : c);

/** The `spec.ignore` of a Flux source (`GitRepository/<namespace>/<name>`) among `docs`, if one sets it. */
export function specIgnore(docs: readonly YamlDocument[], source: string | undefined): string | undefined {
  if (!source) return undefined;
  const [kind, ns, name] = source.split('/');
  const d = docs.find((x) => x.kind === kind && x.group === 'source.toolkit.fluxcd.io' && x.name === name && (x.namespace ?? 'flux-system') === ns);
  const v = d?.get(['spec', 'ignore']);
  return typeof v === 'string' ? v : undefined;
}

/** The pattern lines of a text (sourceignore ReadPatterns: not a comment, not blank; parsePattern trims them). */
function patterns(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => !line.startsWith('#') && line.trim() !== '');
}

/** Folders in the order a walk of entries sorted by name visits them (a folder before its subfolders). */
function walkOrder(a: string, b: string): number {
  const x = a ? a.split('/') : [];
  const y = b ? b.split('/') : [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}
