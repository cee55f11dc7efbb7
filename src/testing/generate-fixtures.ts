/**
 * Test helpers for generator tests: load a fixture or repository cluster.yaml into the resolved model (failing
 * loudly on findings) and generate its files keyed by fixture-relative paths. Lives in src/ so node --test skips it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../generate/run.js';
import { loadClusterSpec } from '../spec/load.js';
import type { Cluster } from '../spec/types.js';

export function loadFixtureCluster(file: string, name: string): Cluster {
  const r = loadClusterSpec(readFileSync(file, 'utf8'), { name, displayPath: file });
  if (!r.cluster) throw new Error(`${file}: ${r.findings.map((f) => `${f.ruleId} ${f.message}`).join('; ')}`);
  return r.cluster;
}

export function loadRepoCluster(repoRoot: string, name: string): Cluster {
  return loadFixtureCluster(join(repoRoot, 'clusters', name, 'cluster.yaml'), name);
}

/** Generated files of one cluster, keyed `generated/...` and `_base/...` (the schema file is left out). */
export function fixtureOutput(c: Cluster): Map<string, string> {
  const out = new Map<string, string>();
  for (const [p, text] of generate([c], { all: true }).files) {
    if (p.startsWith(`clusters/${c.name}/generated/`)) out.set(p.slice(`clusters/${c.name}/`.length), text);
    else if (p.startsWith('clusters/_base/')) out.set(p.slice('clusters/'.length), text);
  }
  return out;
}
