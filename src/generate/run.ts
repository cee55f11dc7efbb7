/**
 * Runs every generator for a set of clusters and serializes the result: cluster files under
 * `clusters/<name>/generated/`, the shared Kustomize bases under `clusters/_base/<engine>/` and the cluster schema.
 * Checks ownership (each path inside its generator's root, never produced twice). Pure: no fs, clock or env.
 */
import { SCHEMA_PATH, CLUSTER_SCHEMA } from '../spec/schema.js';
import type { Cluster, GitopsEngine } from '../spec/types.js';
import { argocdBaseFiles, argocdOverlayFiles } from './argocd/argocd.js';
import { generateBootstrap } from './cilium/bootstrap.js';
import { fluxBaseFiles, fluxOverlayFiles } from './flux/flux.js';
import { baseDir, generatedDir } from './paths.js';
import { serializeFile } from './serialize.js';
import { generateTalosCommands } from './talos/commands.js';
import { generateTalosPatches } from './talos/patches.js';
import type { GeneratedFile } from './types.js';

/** Everything talium writes for one cluster (pure). */
export function clusterFiles(c: Cluster): GeneratedFile[] {
  return [
    ...generateTalosPatches(c),
    generateTalosCommands(c),
    generateBootstrap(c),
    ...(c.gitops.engine === 'flux' ? fluxOverlayFiles(c) : argocdOverlayFiles(c)),
  ];
}

export function baseFiles(engine: GitopsEngine): GeneratedFile[] {
  return engine === 'flux' ? fluxBaseFiles() : argocdBaseFiles();
}

export function schemaFile(): GeneratedFile {
  return { path: SCHEMA_PATH, source: 'src/spec/schema.ts', content: { json: CLUSTER_SCHEMA as unknown as Record<string, unknown> } };
}

export interface GenerationOutput {
  /** Path → exact bytes, sorted by path. */
  files: Map<string, string>;
  /**
   * Roots whose talium-owned files not in `files` are stale. A root ending in `/` is a folder; otherwise a file.
   */
  roots: string[];
}

/**
 * Generate for `clusters`. `all` = every cluster of the repository was loaded: then the shared bases of unused
 * engines are stale too; with a subset (`--cluster`), only that subset's folders are swept. `schema`: also write
 * schemas/cluster.schema.json (talium's own repository only; default true for the library API and tests).
 */
export function generate(clusters: readonly Cluster[], opts: { all: boolean; schema?: boolean }): GenerationOutput {
  const out: GeneratedFile[] = [];
  const roots: string[] = [];
  const owner = new Map<string, string>();
  const add = (f: GeneratedFile, root: string) => {
    if (!(root.endsWith('/') ? f.path.startsWith(root) : f.path === root)) throw new Error(`generator wrote ${f.path} outside its root ${root}`);
    const prev = owner.get(f.path);
    if (prev) throw new Error(`${f.path} produced twice (${prev} and ${root})`);
    owner.set(f.path, root);
    out.push(f);
  };
  const sorted = [...clusters].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const c of sorted) {
    const root = `${generatedDir(c)}/`;
    roots.push(root);
    for (const f of clusterFiles(c)) add(f, root);
  }
  const engines = new Set(sorted.map((c) => c.gitops.engine));
  for (const engine of ['argocd', 'flux'] as const) {
    const root = `${baseDir(engine)}/`;
    if (engines.has(engine)) {
      roots.push(root);
      for (const f of baseFiles(engine)) add(f, root);
    } else if (opts.all) roots.push(root);
  }
  // the published cluster schema lives in talium's own repository; a user's repository uses the package's copy
  if (opts.schema ?? true) {
    add(schemaFile(), SCHEMA_PATH);
    roots.push(SCHEMA_PATH);
  }
  const files = new Map<string, string>();
  for (const f of out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) files.set(f.path, serializeFile(f));
  return { files, roots: roots.sort() };
}
