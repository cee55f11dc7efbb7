/**
 * The entries of this cluster group's kustomizations that a whole-repository model found matching nothing (a
 * `replicas` or `images` entry), each once: the models build every kustomization of the repository (kustomize reads
 * files wherever they are), the rules report only the group's own; and the entries appliers add that match nothing,
 * each once. Shared by gitops/replicas-target-missing and gitops/images-target-missing.
 */
import type { Path, YamlDocument } from '../../../core/document.js';
import { applierLabel, type Applier } from '../../../plan/appliers.js';
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

/** An override entry an applier adds (Flux `spec.images`, Argo CD `kustomize.images` / `replicas`) that matches nothing. */
interface ApplierMiss {
  applier: Applier;
  /** Path of the entry in the applier's document. */
  at: Path;
  name: string;
}

/** Applier misses, each entry once (an applier's entry can come back through several cluster groups' appliers). */
export function uniqueApplierMisses<M extends ApplierMiss>(misses: Iterable<M>): M[] {
  const seen = new Set<string>();
  const out: M[] = [];
  for (const m of misses) {
    const key = `${m.applier.doc.file.path}#${m.applier.doc.index}#${m.at.join('/')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  return out;
}

/** The message data of an `applierMissing` finding: the entry's name, what the build holds, the applier and its folder. */
export function applierMissData(m: ApplierMiss, held: string): Record<string, string> {
  return { name: m.name, held, applier: applierLabel(m.applier), dir: m.applier.dir || '.' };
}

/** At most this many of what a build holds are named in a message (and given as related locations). */
export const HELD_SHOWN = 5;

/** `a, b, c, d, e and 3 more` of what a build holds, or `none`. */
export function heldList(labels: readonly string[]): string {
  if (!labels.length) return 'none';
  const names = labels.slice(0, HELD_SHOWN).join(', ');
  return labels.length > HELD_SHOWN ? `${names} and ${labels.length - HELD_SHOWN} more` : names;
}
