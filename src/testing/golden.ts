/**
 * Golden-file comparison for generator output: `assertGolden(files, dir)` checks that `dir` holds exactly these
 * files with exactly these bytes; with UPDATE_GOLDEN=1 it rewrites `dir` instead. Test helper (not a test).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function listTree(dir: string, prefix = ''): string[] {
  let entries: string[];
  try {
    entries = readdirSync(join(dir, prefix)).sort();
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e}` : e;
    if (statSync(join(dir, rel)).isDirectory()) out.push(...listTree(dir, rel));
    else out.push(rel);
  }
  return out;
}

export function assertGolden(files: ReadonlyMap<string, string>, dir: string): void {
  if (process.env['UPDATE_GOLDEN'] === '1') {
    rmSync(dir, { recursive: true, force: true });
    for (const [p, text] of files) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    return;
  }
  assert.deepEqual([...files.keys()].sort(), listTree(dir).sort(), `golden file list in ${dir} (UPDATE_GOLDEN=1 to refresh)`);
  for (const [p, text] of files) assert.equal(text, readFileSync(join(dir, p), 'utf8'), `golden ${dir}/${p}`);
}
