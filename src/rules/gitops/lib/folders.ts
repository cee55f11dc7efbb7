/**
 * The folders of the linted tree as GitOps path rules see them (gitops/flux-kustomization-path,
 * gitops/argocd-application-path): the set of folders holding YAML, the nearest existing folder to a misspelt one,
 * and a file there to point at. Pure.
 */
import { editDistance, suggest } from '../../../core/suggest.js';
import { foldersOf } from '../../../plan/util.js';
import type { RelatedFinding, RuleContext } from '../../types.js';
import { dirOf } from './flux.js';

/** Every folder (and its ancestors, '' for the root) holding a YAML file: discovery's view when known, else the documents'. */
export function yamlFolders(all: RuleContext['all'], tree: RuleContext['tree']): ReadonlySet<string> {
  return tree ? new Set(tree.folders) : foldersOf(all.map((d) => d.file.path)).add('');
}

/** An existing folder at the same depth a typo away (a few edits, scaled to the last folder name), if any. */
export function nearestFolder(dir: string, dirs: ReadonlySet<string>): string | undefined {
  const depth = dir.split('/').length;
  const last = dir.slice(dir.lastIndexOf('/') + 1);
  const best = suggest(dir, [...dirs].filter((x) => x && x.split('/').length === depth));
  return best && editDistance(best, dir) <= Math.max(2, Math.floor(last.length / 3)) ? best : undefined;
}

/** A document in the suggested folder (the first, by path), as the related location of a suggestion. */
export function relatedIn(folder: string, all: RuleContext['all']): RelatedFinding[] {
  let best: (typeof all)[number] | undefined;
  for (const d of all) if (dirOf(d.file.path) === folder && (!best || d.file.path < best.file.path)) best = d;
  return best ? [{ doc: best, path: [], message: `a file of ./${folder}` }] : [];
}
