/**
 * Reads the bytes of one file to lint: open, read into a buffer shared by every call, close. `readFileSync` also
 * takes an `fstat` of each file and a new Buffer for it (outside the JS heap, so 2,000 of them also push V8 towards
 * garbage collections); this does neither for a file that fits the shared buffer. The bytes returned are valid
 * until the next call: callers decode them first. A file is read up to one byte past `limit` only (a file above
 * the size cap is not read whole); its whole size then comes from one `fstat`.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Files up to this size are read into the kept buffer; a larger one gets a buffer of its own, not kept. */
const KEPT_SIZE = 256 * 1024;

let kept: Buffer | undefined;

export interface ReadBytes {
  /** The bytes read (at most `limit + 1`); a view of a shared buffer, valid until the next call. */
  bytes: Buffer;
  /** The file's size: the bytes read, or from `fstat` when the file is longer than `limit`. */
  size: number;
}

/** Reads `path` (up to `limit + 1` bytes); throws as `readFileSync` does (ENOENT, EACCES, EISDIR...). */
export function readBytes(path: string | Buffer, limit: number): ReadBytes {
  const fd = openSync(path, 'r');
  try {
    kept ??= Buffer.allocUnsafeSlow(KEPT_SIZE);
    let buf = kept;
    let n = 0;
    const cap = limit + 1;
    for (;;) {
      if (n === buf.length) {
        if (n >= cap) break;
        const bigger = Buffer.allocUnsafeSlow(Math.min(cap, buf.length * 2));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = readSync(fd, buf, n, Math.min(buf.length, cap) - n, null);
      if (got === 0) break;
      n += got;
      if (n >= cap) break;
    }
    return { bytes: buf.subarray(0, n), size: n > limit ? Math.max(n, fstatSync(fd).size) : n };
  } finally {
    closeSync(fd);
  }
}
