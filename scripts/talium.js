#!/usr/bin/env node
// Launcher for the `talium` bin: runs the compiled CLI (built by `npm ci` through the `prepare` script).
// Fastest route: the single-file CommonJS bundle (dist/src/bundle/talium.cjs) compiled through node:vm with a V8
// code cache beside it, so a pre-commit run skips parsing and compiling ~0.7 MB of JavaScript (Node 20 has no
// module.enableCompileCache). The cache is written by the build's warm-up run, or by the first run that finds it
// missing or rejected (another Node version or V8 flags). Fallbacks: the ESM bundle, then the plain tsc output.
// TALIUM_UNBUNDLED=1 forces the tsc output; TALIUM_CODE_CACHE=off skips the code cache; =write rewrites it;
// TALIUM_CODE_CACHE_DIR keeps the caches in another folder. Installed in a folder this user cannot write (a global
// prefix owned by root), the caches go to the user's cache folder (~/.cache/talium/code-cache), or nowhere when
// that cannot be written either; the output is the same.
import { accessSync, constants, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
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

/** The comment scripts/bundle.ts puts first in talium.cjs: `talium-build:` and a sha256 prefix of the rest. */
const BUILD_ID_PREFIX = '/*talium-build:';

/**
 * What identifies the bundle's content: its build id, or (a bundle built otherwise) a hash of its text. Not its
 * modification time: npm gives every file of a package the same one, so two builds of one size would look alike.
 */
function buildId(source) {
  const end = source.startsWith(BUILD_ID_PREFIX) ? source.indexOf('*/', BUILD_ID_PREFIX.length) : -1;
  const id = end > 0 && end < 100 ? source.slice(BUILD_ID_PREFIX.length, end) : '';
  // (part of a file name: hex digits only)
  if (/^[0-9a-f]{16,64}$/.test(id)) return id;
  return createHash('sha256').update(source).digest('hex').slice(0, 32);
}

/** Bundle caches kept in the user's cache folder (one per build and Node version; the least recent go first). */
const MAX_USER_CACHES = 4;

/**
 * The user's code-cache folder: code-cache/ in $TALIUM_CACHE_DIR, else $XDG_CACHE_HOME/talium, else ~/.cache/talium
 * (src/io/cache-dir.ts, repeated here: this runs before anything of dist/ loads).
 */
function userCodeCacheDir() {
  const env = process.env;
  return join(env.TALIUM_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'talium'), 'code-cache');
}

/**
 * Where the bundle cache is looked for, in this order, and written (the first folder this user can write):
 * TALIUM_CODE_CACHE_DIR alone; else beside the bundle when this user can write there; else the user's cache folder,
 * then beside the bundle (a cache made before the install became read-only). As src/core/code-cache.ts does.
 */
function cacheDirs() {
  if (process.env.TALIUM_CODE_CACHE_DIR) return [process.env.TALIUM_CODE_CACHE_DIR];
  try {
    accessSync(bundleDir, constants.W_OK);
    return [bundleDir];
  } catch {
    return [userCodeCacheDir(), bundleDir];
  }
}

/** Removes the least recently written bundle caches of the user's cache folder but MAX_USER_CACHES. */
function pruneUserCaches(dir) {
  const caches = readdirSync(dir)
    .filter((f) => f.startsWith('talium.cjs.') && f.endsWith('.cache'))
    .map((f) => ({ f: join(dir, f), t: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of caches.slice(MAX_USER_CACHES)) rmSync(f, { force: true });
}

/** The CommonJS bundle's exports, compiled with the code cache when it matches this Node and these flags. */
function loadSingle() {
  // scripts/bundle.ts writes talium.cjs in ASCII and starts it with the build id: such a file reads as latin1 (a
  // plain copy into a one-byte string, ~0.8 ms less than UTF-8 decoding 1.2 MB); a bundle built otherwise as UTF-8
  let source = readFileSync(single, 'latin1');
  if (!source.startsWith(BUILD_ID_PREFIX)) source = readFileSync(single, 'utf8');
  // V8 checks a cache against the source's length, not its bytes: the name carries the bundle's build id too
  const cacheName = `talium.cjs.${process.version}-${process.arch}-${source.length}-${buildId(source)}.cache`;
  const dirs = cacheDirs();
  // the file: sha1 of the cache data (base64, 28 bytes), then the data. Release builds of V8 check a cache's
  // header, not its bytes, and damaged bytes can crash the process: a cache whose sha1 differs is not used.
  let cachedData;
  let damaged = false;
  if (cacheMode !== 'write') {
    for (const dir of dirs) {
      try {
        const file = readFileSync(join(dir, cacheName));
        const data = file.subarray(28);
        if (file.subarray(0, 28).toString('latin1') === sha1(data)) {
          cachedData = data;
          break;
        }
        damaged = true;
      } catch {
        /* no cache here */
      }
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
      ? async () => {
          try {
            // src/io/make-dirs.ts (the tsc output of the same build), loaded only here: an import on every run
            // would cost start-up time, and a build that made the bundle made it too
            const { makeDirs } = await import(pathToFileURL(join(root, 'dist', 'src', 'io', 'make-dirs.js')).href);
            for (const dir of dirs) {
              try {
                makeDirs(dir);
                // do not serialise what cannot be written
                accessSync(dir, constants.W_OK);
              } catch {
                continue;
              }
              const file = join(dir, cacheName);
              const tmp = `${file}.${process.pid}.tmp`;
              const data = script.createCachedData();
              writeFileSync(tmp, Buffer.concat([Buffer.from(sha1(data), 'latin1'), data]));
              renameSync(tmp, file);
              if (dir !== bundleDir && !process.env.TALIUM_CODE_CACHE_DIR) pruneUserCaches(dir);
              return;
            }
          } catch {
            /* a full disk, a folder made read-only meanwhile: run without a cache */
          }
        }
      : async () => {},
  };
}

let main;
let saveCache = async () => {};
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
await saveCache();
// Exit now rather than tearing the whole heap down (~10 ms), unless output is still queued (an asynchronous pipe).
if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
