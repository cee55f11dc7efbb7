/**
 * A small GitOps tree with findings of several origins, for the cache tests (parse cache, run cache): the bench
 * corpus generator's files plus a YAML syntax error (parser), a LoadBalancer Service whose requested address a
 * second one may share (rule, with a related location), and a YAML 1.1 boolean (check on the text). Also ages a
 * tree (modification times an hour back) and waits out the two "racy" seconds. Lives in src/ so `node --test
 * dist/test/` does not count it as a test file.
 */
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCorpus } from '../../scripts/bench-corpus.js';

/** A LoadBalancer Service asking Cilium LB IPAM for `ip`. */
export const lbService = (name: string, ip: string): string =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: other\n  annotations:\n    lbipam.cilium.io/ips: "${ip}"\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n`;

/** `<root>/<name>/repo` with the corpus and the files with findings; `<root>/<name>/cache` for TALIUM_CACHE_DIR. */
export function cacheTestRepo(root: string, name: string, files = 30): { repo: string; cache: string } {
  const repo = join(root, name, 'repo');
  const cache = join(root, name, 'cache');
  mkdirSync(repo, { recursive: true });
  generateCorpus(repo, files);
  writeFileSync(join(repo, 'apps', 'broken.yaml'), 'a: [1,\n');
  writeFileSync(join(repo, 'apps', 'settings.yaml'), 'feature: on\n');
  writeFileSync(join(repo, 'apps', 'dup-ip.yaml'), lbService('dup', '10.50.10.20'));
  return { repo, cache };
}

/** Every file under `dir`, its modification time set an hour back (its change time becomes now). */
export function ageTree(dir: string): void {
  const t = Date.now() / 1000 - 3600;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) utimesSync(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name), t, t);
}

/** Wait until files changed now are more than two seconds old (the caches' "racy" window). */
export function waitPastRacy(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
}
