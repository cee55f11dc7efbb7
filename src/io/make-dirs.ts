/**
 * `mkdir -p` without Node's recursive mkdirSync, which spins forever at 100% CPU on some paths it cannot create
 * (below /proc, Node 20): the missing folders from the top down, each one mkdirSync that throws when it cannot be made.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Returns the folders it made, top first (so a writer that gives up can take them away again). */
export function makeDirs(dir: string): string[] {
  const made: string[] = [];
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
      made.push(m);
    } catch (err) {
      // made meanwhile by another process (parallel generate runs): what we wanted
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return made;
}
