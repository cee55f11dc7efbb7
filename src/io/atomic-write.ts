/**
 * Writing a file in one step: a temp file in the same folder, renamed over the target, so a reader (or a crash)
 * never sees half a file. Used by the generate writer, `lint --fix` and the bulk-suppressions file.
 */
import { chmodSync, chownSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
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

/** Replace an existing `file` in one step, keeping its mode and (where allowed) owner; a symlink's target changes. */
export function replaceAtomic(file: string, text: string): void {
  const target = realpathSync(file);
  const st = statSync(target);
  writeAtomic(target, text, { mode: st.mode & 0o7777, owner: { uid: st.uid, gid: st.gid } });
}
