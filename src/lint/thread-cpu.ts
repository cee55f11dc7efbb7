/**
 * The CPU time this thread has used, for TALIUM_TIMING's per-rule and per-phase figures: on a busy host wall time
 * also counts the time other processes held the core. Linux only (/proc/thread-self/schedstat, nanoseconds);
 * undefined elsewhere. Timing output only: nothing a lint reports depends on it.
 */
import { readFileSync } from 'node:fs';

let unavailable = false;

/** Milliseconds of CPU the calling thread has run, or undefined where the kernel does not say. */
export function threadCpuMs(): number | undefined {
  if (unavailable) return undefined;
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6;
  } catch {
    unavailable = true;
    return undefined;
  }
}
