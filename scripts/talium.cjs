#!/usr/bin/env node
// Launcher for the `talium` bin: runs the compiled CLI (built by `npm ci` through the `prepare` script). CommonJS on
// purpose: an ES module entry costs every run ~4.5 ms of start-up (the ESM loader's set-up), and a pre-commit run
// is mostly start-up. scripts/talium.js, for those who run that file, only loads this one.
// Fastest route: the single-file CommonJS bundle (dist/src/bundle/talium.cjs) compiled through node:vm with a V8
// code cache beside it, so a pre-commit run skips parsing and compiling ~0.7 MB of JavaScript (Node 20 has no
// module.enableCompileCache). The cache is written by the build's warm-up run, or by the first run that finds it
// missing or rejected (another Node version or V8 flags). Fallbacks: the ESM bundle, then the plain tsc output.
// TALIUM_UNBUNDLED=1 forces the tsc output; TALIUM_CODE_CACHE=off skips the code cache; =write rewrites it;
// TALIUM_CODE_CACHE_DIR keeps the caches in another folder. Installed in a folder this user cannot write (a global
// prefix owned by root), the caches go to the user's cache folder (~/.cache/talium/code-cache), or nowhere when
// that cannot be written either; the output is the same.
'use strict';
const { accessSync, constants, existsSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { dirname, join, sep } = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const root = dirname(__dirname);
const bundleDir = join(root, 'dist', 'src', 'bundle');
const plain = join(root, 'dist', 'src', 'cli', 'main.js');
const bundled = join(bundleDir, 'main.js');
const single = join(bundleDir, 'talium.cjs');
const cacheMode = process.env.TALIUM_CODE_CACHE ?? '';

let cryptoModule;
function sha1(data) {
  return (cryptoModule ??= require('node:crypto')).createHash('sha1').update(data).digest('base64');
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
  return (cryptoModule ??= require('node:crypto')).createHash('sha256').update(source).digest('hex').slice(0, 32);
}

// ---------- import.meta.resolve for the bundle ----------
// The bundle resolves the kubernetes-models packages and their validators' imports (`kubernetes-models/_schemas/X`,
// `@kubernetes-models/apimachinery/_schemas/Y`) as an ES module would: those packages export only under the `import`
// condition, so require.resolve fails on them, and a CommonJS file has no import.meta.resolve. This is Node's ESM
// resolution of a bare specifier (node_modules lookup, package `exports` with subpath patterns and conditions, the
// `main` fallback, the real path of the result), held to import.meta.resolve by test/launcher-resolve.test.ts over
// every specifier the model validators import.

/** The conditions Node's ESM resolver matches, in the order it knows them (`module-sync` where require(esm) is on). */
const CONDITIONS = new Set(['node', 'import', ...(process.features?.require_module ? ['module-sync'] : []), 'node-addons', 'default']);

function resolveFailure(spec, code = 'ERR_MODULE_NOT_FOUND') {
  return Object.assign(new Error(`talium: cannot resolve ${spec}`), { code });
}

/** package.json of a package folder, parsed once per run (kubernetes-models' is 17 KB of exports), or undefined. */
const packageJsons = new Map();
function packageJson(pkgDir) {
  if (!packageJsons.has(pkgDir)) {
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    } catch {
      pkg = undefined;
    }
    packageJsons.set(pkgDir, pkg);
  }
  return packageJsons.get(pkgDir);
}

/** A package's `exports` target for `subpath` ('.' or './x'), or undefined; patternMatch fills a `*`. */
function resolveTarget(pkgDir, target, patternMatch) {
  if (typeof target === 'string') {
    if (!target.startsWith('./')) return undefined;
    const rel = patternMatch === undefined ? target : target.split('*').join(patternMatch);
    return join(pkgDir, rel);
  }
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = resolveTarget(pkgDir, t, patternMatch);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (target !== null && typeof target === 'object') {
    for (const key of Object.keys(target)) {
      if (key === 'default' || CONDITIONS.has(key)) {
        const r = resolveTarget(pkgDir, target[key], patternMatch);
        if (r !== undefined) return r;
      }
    }
  }
  return undefined;
}

/** PACKAGE_EXPORTS_RESOLVE: the file `subpath` names through `exports`, or undefined. */
function resolveExports(pkgDir, exports, subpath) {
  const sugar = typeof exports === 'string' || Array.isArray(exports) || (exports !== null && typeof exports === 'object' && !Object.keys(exports).some((k) => k.startsWith('.')));
  const map = sugar ? { '.': exports } : exports;
  if (map === null || typeof map !== 'object') return undefined;
  if (Object.prototype.hasOwnProperty.call(map, subpath) && !subpath.includes('*')) return resolveTarget(pkgDir, map[subpath], undefined);
  // the longest pattern key whose prefix and suffix match (PATTERN_KEY_COMPARE)
  let best;
  let match;
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*');
    if (star === -1 || key.indexOf('*', star + 1) !== -1) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (!subpath.startsWith(prefix) || subpath === prefix || subpath.length < key.length || (suffix && !subpath.endsWith(suffix))) continue;
    if (best === undefined || patternKeyCompare(best, key) > 0) {
      best = key;
      match = subpath.slice(prefix.length, subpath.length - suffix.length);
    }
  }
  return best === undefined ? undefined : resolveTarget(pkgDir, map[best], match);
}

function patternKeyCompare(a, b) {
  const aStar = a.indexOf('*');
  const bStar = b.indexOf('*');
  const baseA = aStar === -1 ? a.length : aStar + 1;
  const baseB = bStar === -1 ? b.length : bStar + 1;
  if (baseA > baseB) return -1;
  if (baseB > baseA) return 1;
  if (aStar === -1) return 1;
  if (bStar === -1) return -1;
  if (a.length > b.length) return -1;
  if (b.length > a.length) return 1;
  return 0;
}

/** LEGACY_MAIN_RESOLVE: a package without `exports` imported by its name. */
function legacyMain(pkgDir, main) {
  const tries = typeof main === 'string' && main ? [main, `${main}.js`, `${main}.json`, `${main}.node`, `${main}/index.js`, `${main}/index.json`, `${main}/index.node`] : [];
  for (const t of [...tries, 'index.js', 'index.json', 'index.node']) {
    const f = join(pkgDir, t);
    if (isFile(f)) return f;
  }
  return undefined;
}

function isFile(f) {
  try {
    return statSync(f).isFile();
  } catch {
    return false;
  }
}

/** The file URL import.meta.resolve(spec) gives from `fromDir` for a bare specifier; throws when there is none. */
function resolveImport(spec, fromDir = bundleDir) {
  if (spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/') || spec.startsWith('node:') || /^[a-z][a-z0-9+.-]*:/i.test(spec)) throw resolveFailure(spec);
  const segs = spec.split('/');
  const nameLength = spec.startsWith('@') ? 2 : 1;
  if (segs.length < nameLength || segs.slice(0, nameLength).some((s) => !s)) throw resolveFailure(spec);
  const name = segs.slice(0, nameLength).join('/');
  const subpath = segs.length > nameLength ? `./${segs.slice(nameLength).join('/')}` : '.';
  for (let dir = fromDir; ; ) {
    if (!dir.endsWith(`${sep}node_modules`)) {
      const pkgDir = join(dir, 'node_modules', name);
      let isDir = false;
      try {
        isDir = statSync(pkgDir).isDirectory();
      } catch {
        /* not here */
      }
      if (isDir) {
        const pkg = packageJson(pkgDir);
        let file;
        const exported = pkg && pkg.exports !== undefined && pkg.exports !== null;
        if (exported) file = resolveExports(pkgDir, pkg.exports, subpath);
        else if (subpath === '.') file = legacyMain(pkgDir, pkg?.main);
        else file = join(pkgDir, subpath);
        if (file === undefined) throw resolveFailure(spec, exported ? 'ERR_PACKAGE_PATH_NOT_EXPORTED' : 'ERR_MODULE_NOT_FOUND');
        // a file: its real path; a missing file or a folder: the path as is (import.meta.resolve answers so too;
        // loading it then fails)
        return pathToFileURL(isFile(file) ? realpathSync(file) : file).href;
      }
    }
    const up = dirname(dir);
    if (up === dir) throw resolveFailure(spec);
    dir = up;
  }
}

// ---------- the code caches ----------

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
  // import.meta.resolve for the bundle, from the bundle's folder (the same node_modules as this launcher's)
  script.runInThisContext()(module.exports, require('node:module').createRequire(single), module, single, bundleDir, (spec) => resolveImport(spec, bundleDir));
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

/** Runs the CLI with this process's arguments (or the build's warm-up commands) and exits. */
async function run() {
  const args = process.argv.slice(2);
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
  for (const r of runs) {
    if (r.cwd) process.chdir(r.cwd);
    process.exitCode = await main(r.args);
  }
  await saveCache();
  // Exit now rather than tearing the whole heap down (~10 ms), unless output is still queued (an asynchronous pipe).
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
}

// (run directly or through the npm bin link: run; required (scripts/talium.js, tests): export)
if (require.main === module) run();
else module.exports = { run, resolveImport };
