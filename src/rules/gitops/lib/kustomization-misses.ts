/**
 * The entries of this cluster group's kustomizations that a whole-repository model found matching nothing (a
 * `replicas` or `images` entry), each once: the models build every kustomization of the repository (kustomize reads
 * files wherever they are), the rules report only the group's own. Shared by gitops/replicas-target-missing and
 * gitops/images-target-missing.
 */
import type { Path, YamlDocument } from '../../../core/document.js';
import type { ClusterGroup } from '../../../plan/types.js';
import { docsByFile } from '../../../plan/util.js';

export interface KustomizationMiss {
  kustomization: YamlDocument;
  /** Path of the entry in the kustomization. */
  entry: Path;
}

/** `model(all, byFile)`'s misses in kustomizations of `cluster`, one per entry. */
export function groupMisses<M extends KustomizationMiss>(
  cluster: ClusterGroup,
  all: readonly YamlDocument[],
  model: (all: readonly YamlDocument[], byFile: () => Map<string, YamlDocument[]>) => readonly M[],
): M[] {
  const kusts = new Set(cluster.docs.filter((d) => d.docClass === 'kustomization'));
  if (!kusts.size) return [];
  const seen = new Set<string>();
  const out: M[] = [];
  for (const m of model(all, () => docsByFile(all))) {
    const k = m.kustomization;
    if (!kusts.has(k)) continue;
    const key = `${k.file.path}#${k.index}#${m.entry.join('/')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  return out;
}
