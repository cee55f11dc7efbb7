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

test('every talium.config.yaml example in the README loads without config findings', async () => {
  const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { parse } = await import('yaml');
  const { loadConfig } = await import('../src/config/load.js');
  const { knownRule, ruleCatalog } = await import('../src/lint/rule-catalog.js');
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const blocks: Array<{ line: number; text: string }> = [];
  lines.forEach((l, i) => {
    if (l !== '```yaml') return;
    const end = lines.indexOf('```', i + 1);
    // a config example: the lines leading into it name talium.config.yaml, or it carries the config schema modeline
    const lead = lines.slice(Math.max(0, i - 4), i).some((p) => p.includes('talium.config.yaml'));
    if (!lead && !lines[i + 1]?.includes('talium.config.schema.json')) return;
    blocks.push({ line: i + 1, text: lines.slice(i + 1, end).join('\n') + '\n' });
  });
  assert.ok(blocks.length >= 3, `found ${blocks.length} config examples`);
  for (const b of blocks) {
    const dir = mkdtempSync(join(tmpdir(), 'talium-doc-config-'));
    try {
      writeFileSync(join(dir, 'talium.config.yaml'), b.text);
      // the schema folders an example names exist in a repository that uses it (a missing one is a config/invalid)
      const dirs = ((parse(b.text) as { schemas?: { dirs?: unknown } } | null)?.schemas?.dirs ?? []) as unknown[];
      for (const d of dirs) if (typeof d === 'string') mkdirSync(join(dir, d), { recursive: true });
      const load = loadConfig(dir, undefined, knownRule(ruleCatalog()));
      assert.deepEqual(load.diagnostics.map((d) => `${d.ruleId} ${d.range.start.line}:${d.range.start.column}`), [], `README.md:${b.line}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('every rule id the README mentions exists (examples show real rules), and the count matches `talium rules`', async () => {
  const { ruleCatalog } = await import('../src/lint/rule-catalog.js');
  const catalog = ruleCatalog();
  const ids = new Set(catalog.map((e) => e.id));
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const domains = [...new Set([...ids].map((id) => id.slice(0, id.indexOf('/'))))].join('|');
  // rule ids as the README shows them: in backticks (not a misspelling shown before its correction, `a` → `b`), as
  // a JSON ruleId, or ending a stylish output line
  const id = `(?:${domains})/[a-z0-9]+(?:-[a-z0-9]+)*`;
  const mentioned = new Set<string>();
  for (const re of [new RegExp(`\`(${id})\`(?! →)`, 'g'), new RegExp(`"ruleId": "(${id})"`, 'g'), new RegExp(`^\\s+\\d+:\\d+\\s+(?:error|warning|info)\\s.*\\s(${id})$`, 'gm')]) {
    for (const m of readme.matchAll(re)) mentioned.add(m[1]!);
  }
  const unknown = [...mentioned].filter((x) => !ids.has(x));
  assert.ok(mentioned.size > 20);
  assert.deepEqual(unknown, []);
  assert.match(readme, new RegExp(`^${catalog.length} rules\\.`, 'm'));
});
