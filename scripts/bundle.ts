/**
 * `npm run build` step 2: bundles the compiled CLI (dist/src/cli/main.js) and its worker entry into
 * dist/src/bundle/ with esbuild. Why: a lint starts by loading ~340 module files (ours, yaml, ajv, ip-num), which
 * costs ~0.2 s of every pre-commit run; the bundle loads a handful. Dependencies that talium resolves at run time
 * by name (the kubernetes-models validators) stay in node_modules. The bundle sits at the same depth as the other
 * dist/src folders, so paths relative to a module (schemas/, package.json) resolve the same. Optional: without
 * esbuild (an unsupported platform) the launcher runs the unbundled CLI.
 * Two outputs: an ESM build with code splitting (the worker-thread entry, and the launcher's fallback) and one
 * CommonJS file, talium.cjs, that the launcher compiles through node:vm with a V8 code cache (Node 20 has no
 * module.enableCompileCache); a warm-up lint of this repository's clusters/ writes that cache. talium.cjs starts
 * with a comment holding its build id (`talium-build:` and a sha256 prefix of the rest): the launcher keys the code
 * cache by it, as an npm package gives every file one fixed modification time (two builds of one size would share
 * a cache, and V8 checks a cache against the source's length only).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './bench-corpus.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const out = fileURLToPath(new URL('../src/bundle/', import.meta.url));

let esbuild: typeof import('esbuild');
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('talium build: esbuild is not installed; the CLI runs unbundled (slower start).\n');
  process.exit(0);
}
rmSync(out, { recursive: true, force: true });
const entries = [`${src}cli/main.js`, `${src}lint/parse-worker.js`];
for (const e of entries) if (!existsSync(e)) throw new Error(`bundle: ${e} is missing; run tsc first`);
await esbuild.build({
  entryPoints: entries,
  outdir: out,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
  // CommonJS dependencies (ajv, ip-num) call require(); ESM output has none of its own
  banner: { js: "import { createRequire as __taliumRequire } from 'node:module'; const require = __taliumRequire(import.meta.url);" },
});

// One CommonJS file for the launcher's code-cache route. import.meta.url / import.meta.resolve come from the
// launcher's wrapper (scripts/talium.cjs): the file sits in the same folder as main.js, so relative URLs agree.
await esbuild.build({
  entryPoints: [`${src}cli/main.js`],
  outfile: `${out}talium.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
  // ASCII only: V8 keeps an ASCII source as a one-byte string, which reads and hashes twice as fast
  charset: 'ascii',
  // comments go too (some hold non-ASCII text); identifiers stay, so stack traces still name functions
  minifyWhitespace: true,
  // short local names: a third smaller file to read (reading is ~3 ms/MB on these machines); TALIUM_UNBUNDLED=1
  // runs the readable tsc output; TALIUM_READABLE=1 at build time keeps the names (for CPU profiles of the bundle)
  minifyIdentifiers: !process.env['TALIUM_READABLE'],
  define: { 'import.meta.url': '__taliumUrl', 'import.meta.resolve': '__taliumResolve' },
  banner: { js: "const __taliumUrl = require('node:url').pathToFileURL(__filename).href;" },
});
// the build id (scripts/talium.cjs BUILD_ID_PREFIX; the launcher hashes a bundle that lacks one the same way)
const cjs = `${out}talium.cjs`;
const body = readFileSync(cjs, 'utf8');
// the launcher reads a bundle with a build id as latin1: it must be ASCII (charset above)
if (Buffer.byteLength(body) !== body.length) throw new Error('bundle: talium.cjs is not ASCII; the launcher reads it as latin1');
writeFileSync(cjs, `/*talium-build:${createHash('sha256').update(body).digest('hex').slice(0, 32)}*/${body}`);

// Warm-up: one process runs a few typical commands (lint of this repository's clusters/ and of a small
// GitOps-shaped corpus, stylish and JSON; generate --check) and writes the code caches with what they compiled
// (best effort: without them the CLI only starts slower).
const launcher = fileURLToPath(new URL('../../scripts/talium.cjs', import.meta.url));
const repo = fileURLToPath(new URL('../../', import.meta.url));
// (dist/code-cache/, the validators' code cache, starts empty with every build: its sources may have changed)
rmSync(`${repo}dist/code-cache`, { recursive: true, force: true });
if (existsSync(launcher) && existsSync(`${repo}clusters`)) {
  const corpus = mkdtempSync(join(tmpdir(), 'talium-warmup-'));
  try {
    generateCorpus(corpus, 40);
    const runs = [
      { cwd: repo, args: ['lint', 'clusters', '--format', 'json'] },
      { cwd: corpus, args: ['lint', '.', '--format', 'json'] },
      { cwd: corpus, args: ['lint', '.'] },
      { cwd: repo, args: ['generate', '--check'] },
    ];
    // (the parse cache of the warm-up goes to the temporary folder, not the user's cache)
    const env = { ...process.env, NO_COLOR: '1', TALIUM_CODE_CACHE: 'write', TALIUM_WARMUP: JSON.stringify(runs), TALIUM_CACHE_DIR: join(corpus, '.cache') };
    spawnSync(process.execPath, [launcher], { cwd: repo, stdio: 'ignore', env });
  } finally {
    rmSync(corpus, { recursive: true, force: true });
  }
}
