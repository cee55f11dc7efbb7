/**
 * io/disk-state.ts `inspect`: what a path holds when another process changes it between the looks (the parallel
 * generate runs race here): a file removed between its lstat and its read is gone, not a special file.
 */
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import fs, { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from '../src/io/disk-state.js';

test('inspect: a file removed between lstat and read is none; an unreadable one stays other', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'talium-inspect-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'old-0.yaml');
  writeFileSync(file, 'a: 1\n');
  assert.equal(inspect(file).kind, 'file');
  // the read fails as if a parallel run unlinked the file right after the lstat
  const fail = (code: string) => {
    const m = mock.method(fs, 'readFileSync', () => {
      throw Object.assign(new Error(code), { code });
    });
    syncBuiltinESMExports();
    return () => {
      m.mock.restore();
      syncBuiltinESMExports();
    };
  };
  let restore = fail('ENOENT');
  try {
    assert.deepEqual(inspect(file), { kind: 'none' });
  } finally {
    restore();
  }
  restore = fail('EIO');
  try {
    assert.equal(inspect(file).kind, 'other');
  } finally {
    restore();
  }
  assert.equal(inspect(file).kind, 'file');
});
