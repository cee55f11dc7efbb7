/**
 * What Flux's source-controller leaves out of a Git artifact (so kustomize-controller never sees it): the patterns of
 * every `.sourceignore` file of the tree, each for the paths below its folder, and the GitRepository's `spec.ignore`
 * (root patterns; without it Flux's default list, which holds no Kubernetes manifests: .github/, *.zip, .sops.yaml...).
 * gitignore syntax, later and deeper patterns winning (a `!` pattern re-includes). Owns that question only.
 */
import ignore, { type Ignore } from 'ignore';

/** Whether a repository path (relative to the root) is outside the Flux artifact. */
export type SourceIgnored = (path: string) => boolean;

const NONE: SourceIgnored = () => false;

/**
 * The matcher of `.sourceignore` files (`dir` relative to the root, '' for it) and `spec.ignore` text. Shallow folders
 * first (fluxcd/pkg sourceignore LoadIgnorePatterns walks down from the root, each file's patterns scoped to its
 * folder), all in one list where the last pattern that matches decides, as git does.
 */
export function sourceIgnored(files: ReadonlyArray<{ dir: string; text: string }> = [], specIgnore?: string): SourceIgnored {
  if (!files.length && specIgnore === undefined) return NONE;
  const ig: Ignore = ignore();
  if (specIgnore !== undefined) ig.add(specIgnore);
  const sorted = [...files].sort((a, b) => depth(a.dir) - depth(b.dir));
  for (const f of sorted) ig.add(scoped(f.text, f.dir.replace(/\/+$/, '')));
  // (a path outside the tree, `../x`, is no path of the artifact: `ignore` refuses it)
  return (path) => path !== '' && !path.startsWith('../') && !path.startsWith('/') && ig.ignores(path);
}

/** The patterns of a `.sourceignore` in folder `dir` as patterns of the root: anchored ones below `dir`, others at any depth below it. */
function scoped(text: string, dir: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(?<!\\)\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    if (!dir) {
      out.push(line);
      continue;
    }
    const neg = line.startsWith('!');
    const body = neg ? line.slice(1) : line;
    const anchored = body.replace(/\/$/, '').includes('/');
    const p = body.startsWith('/') ? `${dir}${body}` : anchored ? `${dir}/${body}` : `${dir}/**/${body}`;
    out.push(neg ? `!${p}` : p);
  }
  return out;
}

const depth = (dir: string): number => (dir ? dir.split('/').length : 0);
