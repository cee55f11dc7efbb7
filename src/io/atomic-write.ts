/**
 * Writing a file in one step: a temp file in the same folder, renamed over the target, so a reader (or a crash)
 * never sees half a file. Used by the generate writer and by `lint --fix`.
 */
import { chmodSync, chownSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeAtomic(abs: string, text: string, opts: { mode: number; owner?: { uid: number; gid: number } }): void {
  const tmp = join(dirname(abs), `.${basename(abs)}.talium-${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text, { encoding: 'utf8', mode: opts.mode });
    // the umask narrows `mode` at creation; the target's mode is what the file keeps
    chmodSync(tmp, opts.mode);
    if (opts.owner) {
      try {
        chownSync(tmp, opts.owner.uid, opts.owner.gid);
      } catch {
        /* only root may give a file away; the group stays ours then */
      }
    }
    renameSync(tmp, abs);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* not created, or already gone */
    }
    throw err;
  }
}
