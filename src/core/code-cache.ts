/**
 * Compiles generated JavaScript (the precompiled schema validators, the kubernetes-models validators) through
 * node:vm with a V8 code cache, so a short lint run does not parse and compile the same validators every time
 * (Node 20 has no module.enableCompileCache). All entries live in one pack file per Node version and architecture
 * under dist/code-cache/, read once; a run that compiled something the pack lacked (or V8 rejected) rewrites the
 * pack at exit (temp file + rename, so concurrent runs never see a torn file). An install this user cannot write
 * (a global one owned by root) keeps it in the user's cache folder instead, and runs without it when that cannot
 * be written either. TALIUM_CODE_CACHE=off compiles without the cache; TALIUM_CODE_CACHE_DIR puts it elsewhere.
 */
import { accessSync, closeSync, constants, existsSync, openSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { userCacheDir } from '../io/cache-dir.js';
import { makeDirs } from '../io/make-dirs.js';
import { sha1 } from './builtins.js';

const PACK_NAME = `${process.version}-${process.arch}.pack`;

let dirsMemo: string[] | undefined;

/**
 * Where the pack is looked for, in this order, and written (the first folder this user can write):
 * TALIUM_CODE_CACHE_DIR alone; else dist/code-cache/ (from dist/src/core/ and from the bundle in dist/src/bundle/
 * alike) when this user can write it; else code-cache/ in the user's cache folder, then dist/code-cache/ (a pack
 * made before the install became read-only). Entries are keyed by absolute file name, so installs sharing the
 * user's pack do not mix.
 */
function cacheDirs(): string[] {
  if (dirsMemo) return dirsMemo;
  const env = process.env['TALIUM_CODE_CACHE_DIR'];
  const own = fileURLToPath(new URL('../../code-cache/', import.meta.url));
  dirsMemo = env ? [env] : canWrite(own) ? [own] : [join(userCacheDir(), 'code-cache'), own];
  return dirsMemo;
}

/** This user can write the folder, or make it (its parent exists and can be written). */
function canWrite(dir: string): boolean {
  try {
    accessSync(existsSync(dir) ? dir : dirname(dir), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Pack layout: 4-byte big-endian header length, JSON header { key: [offset, length, sha1] }, then the cache blobs.
 * Release builds of V8 check a cache's header, not its bytes, and a damaged blob can crash the process: each blob's
 * sha1 is checked before V8 sees it.
 */
interface Pack {
  header: Record<string, [number, number, string]>;
  /** Open for reading the blobs a run needs (the pack grows with the kinds linted; a run reads only its own). */
  fd: number;
  /** File offset of the first blob. */
  base: number;
}

/**
 * Entries a pack keeps: a repository needs a few hundred validators; the cap bounds the header every run parses when
 * many folders with their own CRDs (or many builds) have been linted with one install.
 */
export const MAX_PACK_ENTRIES = 1000;

/** The file part of an entry's key (`filename \0 stamp \0 length`). */
const fileOfKey = (key: string): string => key.slice(0, key.indexOf('\u0000'));

let pack: Pack | null | undefined;
/** Entries of this run: reused blobs and fresh scripts (serialised at exit). */
const fresh = new Map<string, vm.Script>();
/** Texts of this run (cachedText): made afresh, or read from the pack (kept when the pack is rewritten). */
const freshTexts = new Map<string, Buffer>();
/** Of those, the ones made afresh: their files' other entries (an older stamp or version) are stale. */
const madeTexts = new Set<string>();
let dirty = false;
/** Compilations served from the pack and compiled afresh (TALIUM_TIMING prints them at exit). */
const stats = { hits: 0, misses: 0 };
if (process.env['TALIUM_TIMING']) process.once('exit', () => process.stderr.write(`talium timing: validator code cache ${stats.hits} hits, ${stats.misses} misses\n`));

function enabled(): boolean {
  return process.env['TALIUM_CODE_CACHE'] !== 'off';
}

function readPack(): Pack | null {
  for (const dir of cacheDirs()) {
    const pack = readPackFile(join(dir, PACK_NAME));
    if (pack) return pack;
  }
  return null;
}

function readPackFile(file: string): Pack | null {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const lenBuf = Buffer.alloc(4);
    if (readSync(fd, lenBuf, 0, 4, 0) !== 4) throw new Error('short pack');
    const len = lenBuf.readUInt32BE(0);
    if (len > 64 * 1024 * 1024) throw new Error('pack header too large');
    const head = Buffer.alloc(len);
    if (readSync(fd, head, 0, len, 4) !== len) throw new Error('short pack');
    const header = JSON.parse(head.toString('utf8')) as Pack['header'];
    if (!header || typeof header !== 'object' || Array.isArray(header)) throw new Error('bad pack header');
    // (stays open for the process: save() at exit may still copy blobs from it)
    return { header, fd, base: 4 + len };
  } catch {
    if (fd !== undefined) closeQuietly(fd);
    return null;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* closed already */
  }
}

function cached(key: string): Buffer | undefined {
  if (pack === undefined) pack = readPack();
  const at = pack && Object.prototype.hasOwnProperty.call(pack.header, key) ? pack.header[key] : undefined;
  if (!pack || !Array.isArray(at) || !Number.isSafeInteger(at[0]) || !Number.isSafeInteger(at[1]) || at[0] < 0 || at[1] <= 0 || at[1] > 256 * 1024 * 1024) return undefined;
  try {
    const data = Buffer.alloc(at[1]);
    if (readSync(pack.fd, data, 0, at[1], pack.base + at[0]) !== at[1]) return undefined;
    return at[2] === sha1(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

function save(): void {
  if (!dirty) return;
  dirty = false;
  // the first folder this user can write (a read-only install: the user's cache folder), else none: do not
  // serialise what cannot be written
  const dir = cacheDirs().find((d) => {
    try {
      makeDirs(d);
      accessSync(d, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (dir === undefined) return;
  try {
    const parts: Buffer[] = [];
    const header: Pack['header'] = {};
    let offset = 0;
    const add = (key: string, data: Buffer) => {
      header[key] = [offset, data.length, sha1(data)];
      parts.push(data);
      offset += data.length;
    };
    if (pack === undefined) pack = readPack();
    // the old entries to keep, newest first (each save appends its fresh ones last), up to the cap; an entry of a
    // file this run compiled again under a new stamp (the file changed) is stale
    const compiledFiles = new Set([...fresh.keys(), ...madeTexts].map(fileOfKey));
    const keep: string[] = [];
    for (const key of pack ? Object.keys(pack.header).reverse() : []) {
      if (keep.length + fresh.size + freshTexts.size >= MAX_PACK_ENTRIES) break;
      if (!fresh.has(key) && !freshTexts.has(key) && !compiledFiles.has(fileOfKey(key))) keep.push(key);
    }
    for (const key of keep.reverse()) {
      const data = cached(key);
      if (data) add(key, data);
    }
    for (const [key, text] of freshTexts) add(key, text);
    for (const [key, script] of fresh) add(key, script.createCachedData());
    const head = Buffer.from(JSON.stringify(header), 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(head.length, 0);
    const file = join(dir, PACK_NAME);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat([len, head, ...parts]));
    renameSync(tmp, file);
  } catch {
    /* a full disk, a folder made read-only meanwhile: no cache */
  }
}

/**
 * `(function (...params) { source })` compiled in this context, from the code cache when it holds this source.
 * `filename` names the code in stack traces; `stamp` identifies the source's content (fileStamp of the file it
 * comes from: hashing megabytes of validators on every run would cost what the cache saves).
 */
export function compileFunction<F extends (...args: never[]) => unknown>(source: string, filename: string, params: readonly string[], stamp: string): F {
  const wrapper = `(function (${params.join(', ')}) {${source}\n})`;
  if (!enabled() || !stamp) return new vm.Script(wrapper, { filename }).runInThisContext() as F;
  const key = `${filename}\u0000${stamp}\u0000${wrapper.length}`;
  const cachedData = cached(key);
  const script = new vm.Script(wrapper, cachedData ? { filename, cachedData } : { filename });
  if (!cachedData || script.cachedDataRejected) {
    stats.misses++;
    fresh.set(key, script);
    markDirty();
  } else stats.hits++;
  return script.runInThisContext() as F;
}

/**
 * A text derived from a file alone (the model loader's rewritten validator module), kept in the pack beside the
 * compiled code under the file's `stamp` and the deriving code's `version` (a pack in the user's cache folder is
 * shared by every talium install of the user): `make()` runs when the pack lacks it (its undefined is not kept).
 */
export function cachedText(file: string, stamp: string, version: string, make: () => string | undefined): string | undefined {
  if (!enabled() || !stamp) return make();
  const key = `${file}\u0000${stamp}\u0000text:${version}`;
  const hit = freshTexts.get(key) ?? cached(key);
  if (hit) {
    // a hit stays in the pack when this run rewrites it (a file compiled again drops its other entries)
    freshTexts.set(key, hit);
    return hit.toString('utf8');
  }
  const text = make();
  if (text !== undefined) {
    freshTexts.set(key, Buffer.from(text, 'utf8'));
    madeTexts.add(key);
    markDirty();
  }
  return text;
}

function markDirty(): void {
  if (!dirty) {
    dirty = true;
    process.once('exit', save);
  }
}

/**
 * Size, modification and change times and inode of a file: the `stamp` of code read from it ('' when it cannot be
 * read). Not size and modification time alone: npm gives every file of a package one fixed modification time, and
 * a package that replaced another of the same size would look unchanged; its files are new inodes, written now.
 */
export function fileStamp(file: string): string {
  try {
    const st = statSync(file, { bigint: true });
    return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
  } catch {
    return '';
  }
}
