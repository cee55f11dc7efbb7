/**
 * Where generated files live. Per cluster: `clusters/<name>/generated/**`; shared Kustomize bases:
 * `clusters/_base/<engine>/**`; the cluster schema: `schemas/cluster.schema.json`. The writer only ever
 * creates, replaces or removes files under these roots.
 */
import type { Cluster, GitopsEngine } from '../spec/types.js';

export const CLUSTERS_DIR = 'clusters';
export const BASE_DIR = `${CLUSTERS_DIR}/_base`;

export function generatedDir(c: Pick<Cluster, 'name'>): string {
  return `${CLUSTERS_DIR}/${c.name}/generated`;
}
export function baseDir(engine: GitopsEngine): string {
  return `${BASE_DIR}/${engine}`;
}
/** The GitOps overlay of a cluster (what Flux/Argo CD sync). */
export function overlayDir(c: Pick<Cluster, 'name'>): string {
  return `${generatedDir(c)}/kubernetes`;
}
/** The one Cilium values file, shared by the GitOps release and the bootstrap. */
export function valuesPath(c: Pick<Cluster, 'name'>): string {
  return `${overlayDir(c)}/cilium/values.yaml`;
}

/** A repository-relative path as Flux / Argo CD name it: from the Git root (Cluster.repoPrefix + path). */
export function gitPath(c: Pick<Cluster, 'repoPrefix'>, path: string): string {
  return `${c.repoPrefix}${path}`;
}

/** Relative path from directory `fromDir` to `to` (both repository-relative, posix). */
export function relativePath(fromDir: string, to: string): string {
  const a = fromDir.split('/').filter(Boolean);
  const b = to.split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const up = a.slice(i).map(() => '..');
  return [...up, ...b.slice(i)].join('/') || '.';
}
