/**
 * `npm run build` step 2: bundles the compiled CLI (dist/src/cli/main.js) and its worker entry into
 * dist/src/bundle/ with esbuild. Why: a lint starts by loading ~340 module files (ours, yaml, ajv, ip-num), which
 * costs ~0.2 s of every pre-commit run; the bundle loads a handful. Dependencies that talium resolves at run time
 * by name (the kubernetes-models validators) stay in node_modules. The bundle sits at the same depth as the other
 * dist/src folders, so paths relative to a module (schemas/, package.json) resolve the same. Optional: without
 * esbuild (an unsupported platform) the launcher runs the unbundled CLI.
 */
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
