/**
 * Metadata and examples of the cilium/talos/gitops rules: ids match files and domains, help ends with '.', docs
 * cite URLs, every valid example is clean and every invalid example fires with all placeholders filled.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CILIUM_RULES } from '../src/rules/cilium/index.js';
import { GITOPS_RULES } from '../src/rules/gitops/index.js';
import { TALOS_RULES } from '../src/rules/talos/index.js';
import { lintRepo } from '../src/testing/rule-tester.js';

const DOMAINS = { cilium: CILIUM_RULES, talos: TALOS_RULES, gitops: GITOPS_RULES } as const;

for (const [domain, rules] of Object.entries(DOMAINS)) {
  test(`${domain} rules: sorted, ids equal file paths, complete metadata`, () => {
    const ids = rules.map((r) => r.meta.id);
    assert.deepEqual(ids, [...ids].sort(), 'sorted by id');
    assert.equal(new Set(ids).size, ids.length, 'unique ids');
    for (const r of rules) {
      const { id, help, description, docs, messages } = r.meta;
      assert.match(id, new RegExp(`^${domain}/[a-z0-9]+(-[a-z0-9]+)*$`));
      assert.ok(existsSync(path.join(process.cwd(), 'src/rules', `${id}.ts`)), `${id}: file src/rules/${id}.ts`);
      assert.ok(help.endsWith('.'), `${id}: help ends with '.'`);
      assert.ok(description && !description.includes('\n'), `${id}: one-line description`);
      assert.ok(docs.what && docs.why && docs.fix, `${id}: docs what/why/fix`);
      assert.ok(docs.sources.length > 0 && docs.sources.every((s) => /^https:\/\//.test(s)), `${id}: source URLs`);
      assert.ok(Object.keys(messages).length > 0, `${id}: messages`);
      assert.ok(r.meta.examples.valid.length > 0 && r.meta.examples.invalid.length > 0, `${id}: examples`);
    }
  });

  test(`${domain} rules: examples behave`, () => {
    for (const r of rules) {
      r.meta.examples.valid.forEach((ex, i) => {
        assert.deepEqual(lintRepo(ex.files, [r]).map((d) => `${d.file}:${d.range.start.line} ${d.messageId}`), [], `${r.meta.id} valid example ${i}`);
      });
      r.meta.examples.invalid.forEach((ex, i) => {
        const got = lintRepo(ex.files, [r]);
        assert.ok(got.length > 0, `${r.meta.id} invalid example ${i} fires`);
        for (const d of got) {
          assert.equal(d.ruleId, r.meta.id);
          assert.ok(d.messageId && d.messageId in r.meta.messages, `${r.meta.id}: known messageId ${d.messageId}`);
          assert.doesNotMatch(d.message, /\{\{/, `${r.meta.id}: placeholders filled in "${d.message}"`);
          assert.ok(d.range.start.line >= 1 && d.range.start.column >= 1);
        }
      });
    }
  });
}
