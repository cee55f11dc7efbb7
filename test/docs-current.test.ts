/**
 * README.md is generated (npm run docs): it must equal what scripts/docs.ts assembles right now, so it cannot go
 * stale; every rule and every fragment the docs table lists must be in it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRuleDocs, renderReadme } from '../scripts/docs.js';

const ROOT = process.cwd();

test('README.md is current (run `npm run docs` after changing a fragment, a schema or a rule)', () => {
  assert.ok(existsSync(join(ROOT, 'README.md')), 'README.md exists');
  const committed = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const fresh = renderReadme(ROOT);
  if (committed !== fresh) {
    const a = committed.split('\n');
    const b = fresh.split('\n');
    const i = a.findIndex((line, n) => line !== b[n]);
    assert.fail(`README.md is stale at line ${(i === -1 ? a.length : i) + 1}: run \`npm run docs\``);
  }
});

test('the README documents every rule id', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const rules = allRuleDocs();
  assert.ok(rules.length > 0);
  for (const r of rules) assert.ok(readme.includes(`| \`${r.id}\` |`), `rule ${r.id} in the rule reference`);
});
