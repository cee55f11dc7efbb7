/**
 * Node built-ins that most runs never touch, loaded on first use instead of at start-up: a lint that imports
 * child_process also loads net, dgram and the stream stack, crypto loads its ~15 internal modules. Together
 * ~10 ms of every pre-commit run.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const childProcess = (): typeof import('node:child_process') => load('node:child_process') as typeof import('node:child_process');
export const crypto = (): typeof import('node:crypto') => load('node:crypto') as typeof import('node:crypto');
/** sha1 of text or bytes, base64: the caches' content checks. */
export function sha1(data: string | Uint8Array): string {
  return crypto().createHash('sha1').update(data).digest('base64');
}

export const workerThreads = (): typeof import('node:worker_threads') => load('node:worker_threads') as typeof import('node:worker_threads');
