/**
 * Writing a file in one step: a temp file in the same folder, renamed over the target, so a reader (or a crash)
 * never sees half a file. The temp file is created new (O_CREAT|O_EXCL|O_NOFOLLOW): a link or file planted at its
 * predictable name is never written through, another name is taken instead. Used by the generate writer (which
 * stages every temp file first: createTemp), `lint --fix` and the bulk-suppressions file.
 */
import { chmodSync, chownSync, closeSync, constants, fchmodSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The names createTemp gives (`.<name>.talium-<pid>.tmp`, `-<n>` before `.tmp` when that name was taken): group 1 is the pid. */
export const TEMP_NAME = /^\..*\.talium-(\d+)(?:-\d+)?\.tmp$/;

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/**
 * Write `text` to a new temp file beside `abs` (mode `mode`, whatever the umask) and return its path. Never
 * follows or replaces anything at the temp name; on an error nothing of it is left.
 */
export function createTemp(abs: string, text: string, mode: number): string {
  const dir = dirname(abs);
  const name = basename(abs);
  for (let n = 0; ; n++) {
    const tmp = join(dir, `.${name}.talium-${process.pid}${n ? `-${n}` : ''}.tmp`);
    let fd: number;
    try {
      fd = openSync(tmp, CREATE_NEW, mode);
    } catch (err) {
      // taken (a link planted at the name, or a leftover): try the next name, a few times
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && n < 20) continue;
      throw err;
    }
    try {
      const bytes = Buffer.from(text, 'utf8');
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      // the umask narrows `mode` at creation; the target's mode is what the file keeps
      fchmodSync(fd, mode);
      closeSync(fd);
    } catch (err) {
      try {
        closeSync(fd);
      } catch {
        /* closed already */
      }
      removeQuietly(tmp);
      throw err;
    }
    return tmp;
  }
}

/** Unlink a file of ours, ignoring that it is gone. */
export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* not created, or already gone */
  }
}

export function writeAtomic(abs: string, text: string, opts: { mode: number; owner?: { uid: number; gid: number } }): void {
  const tmp = createTemp(abs, text, opts.mode);
  try {
    if (opts.owner) {
      try {
        chownSync(tmp, opts.owner.uid, opts.owner.gid);
        chmodSync(tmp, opts.mode); // chown clears set-id bits
      } catch {
        /* only root may give a file away; the group stays ours then */
      }
    }
    renameSync(tmp, abs);
  } catch (err) {
    removeQuietly(tmp);
    throw err;
  }
}

/** Replace an existing `file` in one step, keeping its mode and (where allowed) owner; a symlink's target changes. */
export function replaceAtomic(file: string, text: string): void {
  const target = realpathSync(file);
  const st = statSync(target);
  writeAtomic(target, text, { mode: st.mode & 0o7777, owner: { uid: st.uid, gid: st.gid } });
}
