/**
 * Discovery's bookkeeping (src/lint/discover.ts): a file met twice (through a link to a folder inside the tree, or
 * under two given paths) counts once; the walked folders come back sorted as names without their trailing `/` and
 * each once. A single walk without links skips the real-path bookkeeping; these hold both routes to one answer.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { discover } from '../src/lint/discover.js';

const root = mkdtempSync(join(tmpdir(), 'talium-discover-'));
after(() => rmSync(root, { recursive: true, force: true }));

function tree(name: string, files: string[]): string {
  const dir = join(root, name);
  for (const f of files) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), 'a: 1\n');
  }
  return dir;
}

test('folders: sorted by name without the trailing slash (a before a-b before a.b before a/c), each once', () => {
  const dir = tree('order', ['a/c/x.yaml', 'a-b/y.yaml', 'a.b/z.yaml', 'top.yaml']);
  const found = discover({ cwd: dir, paths: ['.'], exclude: [] });
  assert.deepEqual(found.folders, ['', 'a', 'a-b', 'a.b', 'a/c']);
  assert.deepEqual(
    found.files.map((f) => f.path),
    ['a-b/y.yaml', 'a.b/z.yaml', 'a/c/x.yaml', 'top.yaml'],
  );
  // a folder given twice is walked twice and listed once; its file counts once
  const twice = discover({ cwd: dir, paths: ['a', 'a'], exclude: [] });
  assert.deepEqual(twice.folders, ['a', 'a/c']);
  assert.deepEqual(twice.files.map((f) => f.path), ['a/c/x.yaml']);
});

test('a file reached directly and through a link to its folder counts once', () => {
  const dir = tree('linked', ['apps/one/app.yaml', 'other/b.yaml']);
  symlinkSync('apps', join(dir, 'alias'));
  const found = discover({ cwd: dir, paths: ['.'], exclude: [] });
  const reals = found.files.map((f) => realpathSync(f.abs as string));
  assert.equal(found.files.length, 2, found.files.map((f) => f.path).join(', '));
  assert.equal(new Set(reals).size, 2);
  assert.ok(reals.includes(realpathSync(join(dir, 'apps/one/app.yaml'))));
  assert.ok(found.files.some((f) => f.path === 'other/b.yaml'));
  // both routes to the folder are listed (the checkout has both)
  assert.ok(found.folders.includes('alias') && found.folders.includes('apps'));
  assert.equal(new Set(found.folders).size, found.folders.length);
});

test('overlapping given paths: the file under both counts once, by its first path', () => {
  const dir = tree('overlap', ['apps/one/app.yaml', 'apps/two.yaml']);
  const found = discover({ cwd: dir, paths: ['apps/one/app.yaml', 'apps'], exclude: [] });
  assert.deepEqual(found.files.map((f) => f.path), ['apps/one/app.yaml', 'apps/two.yaml']);
  assert.deepEqual(found.folders, ['apps', 'apps/one']);
});
