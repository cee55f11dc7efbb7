/**
 * A small GitOps tree with findings of several origins, for the cache tests (parse cache, run cache): the bench
 * corpus generator's files plus a YAML syntax error (parser), a LoadBalancer Service whose requested address a
 * second one may share (rule, with a related location), and a YAML 1.1 boolean (check on the text). Also ages a
 * tree (modification times an hour back) and waits out the two "racy" seconds. Lives in src/ so `node --test
 * dist/test/` does not count it as a test file.
 */
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
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

/**
 * Runs `body` on `<dir>/a.yaml` holding invalid UTF-8 (a cut 4-byte sequence) that decodes to `text`, the same
 * string a valid U+FFFD gives, with TALIUM_CACHE_DIR pointed at `<dir>/cache` meanwhile.
 */
export async function withReplacementCharLookalike(dir: string, body: (file: string, text: string) => void | Promise<void>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'a.yaml');
  writeFileSync(file, Buffer.from([0x61, 0x3a, 0x20, 0xf0, 0x90, 0x80, 0x0a]));
  const text = 'a: \ufffd\n';
  if (readFileSync(file, 'utf8') !== text) throw new Error('this Node decodes a cut UTF-8 sequence differently');
  const saved = process.env['TALIUM_CACHE_DIR'];
  process.env['TALIUM_CACHE_DIR'] = join(dir, 'cache');
  try {
    await body(file, text);
  } finally {
    if (saved === undefined) delete process.env['TALIUM_CACHE_DIR'];
    else process.env['TALIUM_CACHE_DIR'] = saved;
  }
}
