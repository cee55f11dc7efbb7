/**
 * Worker threads (opt-in with --workers N). Phase 1: each worker loads its share of the files (dealt by size) and sends
 * them back as JSON (cheaper to decode than structured clone). Phase 2: each worker runs the per-document checks
 * (schemas, yaml/truthy) on its share while the main thread runs the policy rules. Results are merged in
 * discovery order and sorted later, so output never depends on the worker count.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { workerThreads } from '../core/builtins.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { SchemaOptions } from '../schema/validate.js';
import type { DiscoveredFile } from './discover.js';
import { internalError } from './internal-error.js';
import { fromWire, loadFile, type LoadedFile, type WireFile } from './load-file.js';
import type { ParseCache } from './parse-cache.js';

/**
 * Automatic mode stays on the main thread: measured with `npm run bench` (2,000 and 10,000 files, 2 cores),
 * serialising the parsed documents back to the main thread costs more than the parallel parse saves, and the
 * workers' schema checks compete with the main thread's rules for the same cores. `--workers N` opts in.
 */
export function shouldUseWorkers(_files: readonly DiscoveredFile[]): boolean {
  return false;
}

export interface WorkerJob {
  files: Array<{ abs: string | Buffer; path: string }>;
  maxFileSize: number;
}

/** Phase-2 request: per group, the worker's documents (file path + document index) to check. */
export interface CheckRequest {
  /** Files kustomizations use as patches: partial objects (no schema/required). */
  partialFiles: string[];
  type: 'check';
  groups: Array<{ name: string; opts: Omit<SchemaOptions, 'crdDocs'>; members: Array<[string, number]> }>;
  crds: WireFile[];
}

export type WorkerMessage =
  | { type: 'loaded'; json: string; cloned: WireFile[]; order: number[] }
  | { type: 'checked'; diagnostics: Diagnostic[]; astParses: number }
  | { type: 'failed'; error: string };

export function safeLoad(f: { abs: string | Buffer; path: string }, maxFileSize: number, cache?: ParseCache): LoadedFile {
  try {
    return loadFile(f.abs, f.path, maxFileSize, cache);
  } catch (err) {
    return { path: f.path, docs: [], suppressions: [], skipped: true, diagnostics: [internalError(f.path, `parsing ${f.path}`, err)] };
  }
}

export interface WorkerHandle {
  /** Indexes (into the discovered files) this worker loaded. */
  indexes: number[];
  /** Files the worker's checks parsed with eemeli/yaml for positions (ast-cache.ts astParses), once it answered. */
  astParses: number;
  check(req: CheckRequest): Promise<Diagnostic[]>;
  close(): void;
}

function start(job: WorkerJob, indexes: number[]): { loaded: Promise<WireFile[]>; handle: WorkerHandle } {
  const w = new (workerThreads().Worker)(new URL('./parse-worker.js', import.meta.url), { workerData: job });
  let onLoaded: (f: WireFile[]) => void = () => {};
  let onChecked: (d: Diagnostic[]) => void = () => {};
  let onError: (e: Error) => void = () => {};
  const loaded = new Promise<WireFile[]>((res, rej) => {
    onLoaded = res;
    onError = rej;
  });
  w.on('message', (m: WorkerMessage) => {
    if (m.type === 'loaded') {
      const fromJson = JSON.parse(m.json) as WireFile[];
      const files: WireFile[] = new Array<WireFile>(fromJson.length + m.cloned.length);
      let j = 0;
      let c = 0;
      for (let k = 0; k < files.length; k++) files[k] = m.order.includes(k) ? m.cloned[c++]! : fromJson[j++]!;
      onLoaded(files);
    } else if (m.type === 'checked') {
      handle.astParses = m.astParses;
      onChecked(m.diagnostics);
    }
    else onError(new Error(m.error));
  });
  w.on('error', (e) => onError(e));
  w.on('exit', (code) => onError(new Error(`worker exited with code ${code}`)));
  const handle: WorkerHandle = {
    indexes,
    astParses: 0,
    check(req) {
      return new Promise<Diagnostic[]>((res, rej) => {
        onChecked = res;
        onError = rej;
        w.postMessage(req);
      });
    },
    close() {
      w.removeAllListeners('exit');
      void w.terminate();
    },
  };
  return { loaded, handle };
}

/**
 * Load `files` on `threads` workers (default: one per core). Returns the loaded files in discovery order and the
 * live workers (for phase 2); a worker that fails is replaced by in-process work, so nothing is skipped.
 */
export async function loadFilesInWorkers(
  files: readonly DiscoveredFile[],
  maxFileSize: number,
  threads?: number,
): Promise<{ loaded: LoadedFile[]; workers: WorkerHandle[] }> {
  const n = Math.max(1, threads ?? availableParallelism());
  const sizes = files.map((f) => {
    try {
      return statSync(f.abs).size;
    } catch {
      return 0;
    }
  });
  const order = files.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  const load = new Array<number>(n).fill(0);
  const buckets: number[][] = Array.from({ length: n }, () => []);
  for (const i of order) {
    let best = 0;
    for (let b = 1; b < n; b++) if (load[b]! < load[best]!) best = b;
    buckets[best]!.push(i);
    load[best]! += sizes[i]! + 512;
  }
  for (const b of buckets) b.sort((x, y) => x - y);
  const started = buckets.map((idx) => start({ files: idx.map((i) => ({ abs: files[i]!.abs, path: files[i]!.path })), maxFileSize }, idx));
  const results = new Array<LoadedFile | undefined>(files.length);
  const workers: WorkerHandle[] = [];
  const settled = await Promise.allSettled(started.map((s) => s.loaded));
  settled.forEach((s, b) => {
    const idx = buckets[b]!;
    if (s.status === 'fulfilled') {
      s.value.forEach((w, k) => (results[idx[k]!] = fromWire(w)));
      workers.push(started[b]!.handle);
    } else {
      started[b]!.handle.close();
      for (const i of idx) results[i] = safeLoad(files[i]!, maxFileSize);
    }
  });
  return { loaded: results.map((r, i) => r ?? safeLoad(files[i]!, maxFileSize)), workers };
}
