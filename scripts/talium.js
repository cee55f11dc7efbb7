#!/usr/bin/env node
// Launcher for the `talium` bin: runs the compiled CLI (built by `npm ci` through the `prepare` script).
// Fastest route: the single-file CommonJS bundle (dist/src/bundle/talium.cjs) compiled through node:vm with a V8
// code cache beside it, so a pre-commit run skips parsing and compiling ~0.7 MB of JavaScript (Node 20 has no
// module.enableCompileCache). The cache is written by the build's warm-up run, or by the first run that finds it
// missing or rejected (another Node version or V8 flags). Fallbacks: the ESM bundle, then the plain tsc output.
// TALIUM_UNBUNDLED=1 forces the tsc output; TALIUM_CODE_CACHE=off skips the code cache; =write rewrites it;
// TALIUM_CODE_CACHE_DIR keeps the caches in another folder.
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bundleDir = join(root, 'dist', 'src', 'bundle');
const plain = join(root, 'dist', 'src', 'cli', 'main.js');
const bundled = join(bundleDir, 'main.js');
const single = join(bundleDir, 'talium.cjs');
const cacheMode = process.env.TALIUM_CODE_CACHE ?? '';
const args = process.argv.slice(2);

function sha1(data) {
  return createHash('sha1').update(data).digest('base64');
}

/** `mkdir -p` one level at a time (Node's recursive mkdirSync can spin forever under /proc). */
function ensureDir(dir) {
  const missing = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const m of missing.reverse()) mkdirSync(m);
}

/** The CommonJS bundle's exports, compiled with the code cache when it matches this Node and these flags. */
function loadSingle() {
  // V8 checks a cache against the source's length, not its bytes: the name carries the bundle's size and time too
  const st = statSync(single);
  const cacheDir = process.env.TALIUM_CODE_CACHE_DIR || bundleDir;
  const cacheFile = join(cacheDir, `talium.cjs.${process.version}-${process.arch}-${st.size}-${Math.trunc(st.mtimeMs)}.cache`);
  const source = readFileSync(single, 'utf8');
  // the file: sha1 of the cache data (base64, 28 bytes), then the data. Release builds of V8 check a cache's
  // header, not its bytes, and damaged bytes can crash the process: a cache whose sha1 differs is not used.
  let cachedData;
  let damaged = false;
  if (cacheMode !== 'write') {
    try {
      const file = readFileSync(cacheFile);
      const data = file.subarray(28);
      if (file.subarray(0, 28).toString('latin1') === sha1(data)) cachedData = data;
      else damaged = true;
    } catch {
      /* no cache yet */
    }
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname, __taliumResolve) {${source}\n})`;
  const script = new vm.Script(wrapper, {
    filename: single,
    cachedData,
    // the bundle imports kubernetes-models validators by path at run time
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  // import.meta.resolve for the bundle: this launcher resolves from the same package, so the same node_modules
  script.runInThisContext()(module.exports, createRequire(single), module, single, bundleDir, (spec) => import.meta.resolve(spec));
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  if (process.env.TALIUM_TIMING) process.stderr.write(`talium timing: bundle code cache ${damaged ? 'rejected' : cachedData === undefined ? 'missing' : stale ? 'rejected' : 'accepted'}\n`);
  return {
    main: module.exports.main,
    // after the run, so the cache holds the functions this run compiled
    saveCache: stale
      ? () => {
          try {
            // a read-only install: do not serialise what cannot be written
            ensureDir(cacheDir);
            accessSync(cacheDir, constants.W_OK);
            const tmp = `${cacheFile}.${process.pid}.tmp`;
            const data = script.createCachedData();
            writeFileSync(tmp, Buffer.concat([Buffer.from(sha1(data), 'latin1'), data]));
            renameSync(tmp, cacheFile);
          } catch {
            /* read-only install: run without a cache */
          }
        }
      : () => {},
  };
}

let main;
let saveCache = () => {};
if (!process.env.TALIUM_UNBUNDLED && cacheMode !== 'off' && vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER && existsSync(single)) {
  ({ main, saveCache } = loadSingle());
} else {
  const entry = !process.env.TALIUM_UNBUNDLED && existsSync(bundled) ? bundled : plain;
  if (!existsSync(entry)) {
    process.stderr.write(`talium: not built yet (${entry} is missing). Run "npm run build" in ${root}.\n`);
    process.exit(2);
  }
  ({ main } = await import(pathToFileURL(entry).href));
}
// The build's warm-up (scripts/bundle.ts) runs several commands in this one process, so the cache it writes holds
// the functions each of them compiles.
const runs = cacheMode === 'write' && process.env.TALIUM_WARMUP ? JSON.parse(process.env.TALIUM_WARMUP) : [{ args }];
for (const run of runs) {
  if (run.cwd) process.chdir(run.cwd);
  process.exitCode = await main(run.args);
}
saveCache();
// Exit now rather than tearing the whole heap down (~10 ms), unless output is still queued (an asynchronous pipe).
if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
