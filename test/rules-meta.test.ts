/**
 * Meta-test over every rule in RULES: id ↔ file path, one-line description, help ending with '.', complete docs,
 * message placeholders covered by example findings, per-message severities shown by example findings, and examples that behave (valid: none, invalid: ≥1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { RULES } from '../src/rules/index.js';
import { lintRepo } from '../src/testing/rule-tester.js';

const root = process.cwd();

test('RULES is sorted by id and ids are unique', () => {
  const ids = RULES.map((r) => r.meta.id);
  assert.deepEqual(ids, [...ids].sort());
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(ids.length > 0);
});

for (const rule of RULES) {
  const m = rule.meta;
  test(`${m.id}: metadata is complete`, () => {
    assert.match(m.id, /^[a-z0-9]+\/[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(existsSync(path.join(root, 'src', 'rules', `${m.id}.ts`)), `src/rules/${m.id}.ts exists`);
    assert.ok(m.description.length > 0 && !m.description.includes('\n'), 'description is one line');
    assert.ok(m.help.trim().endsWith('.'), 'help ends with a period');
    assert.ok(['error', 'warning', 'info'].includes(m.severity));
    for (const k of ['what', 'why', 'fix'] as const) assert.ok(m.docs[k].trim().length > 10, `docs.${k}`);
    assert.ok(m.docs.sources.length >= 1, 'at least one source');
    for (const s of m.docs.sources) assert.match(s, /^https:\/\//);
    assert.ok(Object.keys(m.messages).length >= 1);
    assert.ok(m.examples.valid.length >= 1, 'a valid example');
    assert.ok(m.examples.invalid.length >= 1, 'an invalid example');
  });

  test(`${m.id}: examples behave and cover every message placeholder`, () => {
    for (const ex of m.examples.valid) {
      const got = lintRepo(ex.files, [rule]).filter((d) => d.ruleId === m.id);
      assert.deepEqual(got.map((d) => `${d.file}:${d.range.start.line} ${d.messageId}`), [], 'valid example gives no finding');
    }
    const data: Record<string, Set<string>> = {};
    const severities: Record<string, Set<string>> = {};
    let fixes = 0;
    for (const ex of m.examples.invalid) {
      const got = lintRepo(ex.files, [rule]).filter((d) => d.ruleId === m.id);
      fixes += got.filter((d) => d.fix).length;
      assert.ok(got.length >= 1, `invalid example ${Object.keys(ex.files).join(',')} gives a finding`);
      for (const d of got) {
        assert.ok(d.messageId && d.messageId in m.messages, `messageId ${d.messageId} is declared`);
        assert.ok(d.range.start.line >= 1 && d.range.start.column >= 1);
        assert.doesNotMatch(d.message, /\{\{/, 'message fully rendered');
        (severities[d.messageId!] ??= new Set()).add(d.severity);
        const set = (data[d.messageId!] ??= new Set());
        for (const k of Object.keys(d.data ?? {})) set.add(k);
      }
    }
    // the docs say `--fix` corrects it exactly when an invalid example's finding carries a correction
    assert.equal(fixes > 0, m.docs.autofix !== undefined, m.docs.autofix ? 'docs.autofix: an invalid example gets a fix' : 'a fix is offered: describe it in docs.autofix');
    // messageSeverities: a declared message, another severity than the default, and an example finding at it
    for (const [id, sev] of Object.entries(m.messageSeverities ?? {})) {
      assert.ok(id in m.messages, `messageSeverities: ${id} is a declared message`);
      assert.notEqual(sev, m.severity, `messageSeverities: ${id} differs from the default severity`);
      assert.ok(severities[id]?.has(sev), `messageSeverities: an invalid example reports ${id} at ${sev} (got ${[...(severities[id] ?? [])].join(', ') || 'no finding'})`);
    }
    const allKeys = new Set(Object.values(data).flatMap((s) => [...s]));
    for (const [id, template] of Object.entries(m.messages)) {
      for (const [, ph] of template.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
        assert.ok((data[id] ?? allKeys).has(ph!) || allKeys.has(ph!), `placeholder {{${ph}}} of message ${id} is provided by an invalid example's finding data`);
      }
    }
  });
}
