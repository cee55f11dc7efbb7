/**
 * Loads files on worker threads for large inputs: files are dealt round-robin by size to the workers and the
 * main thread, results come back in clone-safe form and are merged in discovery order (deterministic).
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DiscoveredFile } from './discover.js';
import { fromWire, loadFile, type LoadedFile, type WireFile } from './load-file.js';

/** Below this many files, thread start-up costs more than it saves. */
export const WORKER_MIN_FILES = 400;

export function shouldUseWorkers(files: readonly DiscoveredFile[]): boolean {
  return files.length >= WORKER_MIN_FILES && availableParallelism() > 1;
}

export interface WorkerJob {
  files: Array<{ abs: string; path: string }>;
  maxFileSize: number;
}

function runWorker(job: WorkerJob): Promise<WireFile[]> {
  return new Promise((resolvePromise, reject) => {
    const w = new Worker(new URL('./parse-worker.js', import.meta.url), { workerData: job });
    let done = false;
    w.once('message', (m: { ok: true; files: WireFile[] } | { ok: false; error: string }) => {
      done = true;
      if (m.ok) resolvePromise(m.files);
      else reject(new Error(m.error));
      void w.terminate();
    });
    w.once('error', (e) => {
      if (!done) reject(e);
    });
    w.once('exit', (code) => {
      if (!done) reject(new Error(`parse worker exited with code ${code}`));
    });
  });
}

function safeLoad(f: { abs: string; path: string }, maxFileSize: number): LoadedFile {
  try {
    return loadFile(f.abs, f.path, maxFileSize);
  } catch (err) {
    return {
      path: f.path,
      docs: [],
      suppressions: [],
      skipped: true,
      diagnostics: [
        {
          ruleId: 'lint/internal-error',
          severity: 'error',
          message: `Internal error while parsing ${f.path}: ${((err as Error)?.message ?? String(err)).split('\n')[0]}`,
          help: 'Report this with the file that triggers it; run with TALIUM_DEBUG=1 for the stack trace.',
          file: f.path,
          range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
          data: { while: `parsing ${f.path}` },
        },
      ],
    };
  }
}

export { safeLoad };

/**
 * Split `files` over `threads` workers plus the main thread. The main thread takes a smaller share because it
 * also rebuilds the workers' results.
 */
export async function loadFilesInWorkers(files: readonly DiscoveredFile[], maxFileSize: number, threads?: number): Promise<LoadedFile[]> {
  const n = Math.max(1, threads ?? Math.max(1, availableParallelism() - 1));
  const sizes = files.map((f) => {
    try {
      return statSync(f.abs).size;
    } catch {
      return 0;
    }
  });
  // biggest first, each to the least-loaded bucket (main = bucket n, weighted)
  const order = files.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  const load = new Array<number>(n + 1).fill(0);
  const weight = (b: number) => (b === n ? 1.6 : 1);
  const buckets: number[][] = Array.from({ length: n + 1 }, () => []);
  for (const i of order) {
    let best = 0;
    for (let b = 1; b <= n; b++) if (load[b]! * weight(b) < load[best]! * weight(best)) best = b;
    buckets[best]!.push(i);
    load[best]! += sizes[i]! + 512;
  }
  const jobs = buckets.slice(0, n).map((idx) => runWorker({ files: idx.map((i) => ({ abs: files[i]!.abs, path: files[i]!.path })), maxFileSize }));
  const results = new Array<LoadedFile | undefined>(files.length);
  for (const i of buckets[n]!) results[i] = safeLoad(files[i]!, maxFileSize);
  const settled = await Promise.allSettled(jobs);
  settled.forEach((s, b) => {
    const idx = buckets[b]!;
    if (s.status === 'fulfilled') {
      s.value.forEach((w, k) => (results[idx[k]!] = fromWire(w)));
    } else {
      // a worker died (e.g. out of memory): redo its share in-process, so nothing is skipped
      for (const i of idx) results[i] = safeLoad(files[i]!, maxFileSize);
    }
  });
  return results.map((r, i) => r ?? safeLoad(files[i]!, maxFileSize));
}
