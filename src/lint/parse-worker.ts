/**
 * Worker-thread entry: loads the files it is given (read, guards, parse) and posts them back in clone-safe
 * form. No other work happens here; rules and reporting stay on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toWire, type WireFile } from './load-file.js';
import { safeLoad, type WorkerJob } from './pool.js';

const job = workerData as WorkerJob;
try {
  const files: WireFile[] = job.files.map((f) => toWire(safeLoad(f, job.maxFileSize)));
  parentPort?.postMessage({ ok: true, files });
} catch (err) {
  parentPort?.postMessage({ ok: false, error: (err as Error)?.message ?? String(err) });
}
