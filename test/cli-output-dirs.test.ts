/**
 * Output folders talium cannot create (below /proc, where Node 20's recursive mkdirSync spins forever): `lint
 * --format NAME=FILE`, `init --root`, `schemas import --out` fail at once with exit 2 and the path, never hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../src/testing/cli.js';

const CRD = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ws.example.com\nspec:\n  group: example.com\n  names: {kind: W, plural: ws}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema: {type: object}\n';

test('an output folder that cannot be created is exit 2 naming it, within seconds (no endless mkdir)', (t) => {
  if (!existsSync('/proc/self')) return t.skip('no /proc on this system');
  const dir = mkdtempSync(join(tmpdir(), 'talium-outdirs-'));
  try {
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
    writeFileSync(join(dir, 'crd.yaml'), CRD);
    const runs = {
      lint: spawnCli(['lint', '--no-cache', '--format', 'json=/proc/talium-test/x.json'], { cwd: dir, timeoutMs: 30_000 }),
      init: spawnCli(['init', 'z', '--root', '/proc', '--repository', 'https://git.example/x.git'], { cwd: dir, timeoutMs: 30_000 }),
      schemas: spawnCli(['schemas', 'import', 'crd.yaml', '--out', '/proc/talium-test'], { cwd: dir, timeoutMs: 30_000 }),
    };
    for (const [name, r] of Object.entries(runs)) {
      // a run killed by the timeout has no status (spawnCli reports 2) and no message: the message proves it ended
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      assert.match(r.stderr, /cannot write .*proc/, name);
      assert.doesNotMatch(r.stderr, /internal error/, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
