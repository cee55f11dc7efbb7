/**
 * Every rule's `what` text (policy, engine and schema rules: the whole catalogue `talium explain` and the README
 * show) reads in short blocks: no paragraph or `- ` bullet item longer than MAX_WORDS words. A run-on paragraph of
 * 200 words is split into paragraphs and lists (report/wrap.ts and scripts/docs/rule-reference.ts render both).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleCatalog } from '../src/lint/rule-catalog.js';

/** The longest block allowed (a few existing bullet items are near 100 words; the run-ons split were 90–220). */
const MAX_WORDS = 110;

/** Words of each block of a docs text: paragraphs split at blank lines, `- ` lines starting bullet items (as wrap.ts reads it). */
function blockWords(text: string): number[] {
  const out: number[] = [];
  for (const para of text.trim().split(/\n[ \t]*\n/)) {
    const blocks: string[] = [];
    for (const raw of para.split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      if (line.startsWith('- ') || !blocks.length) blocks.push(line);
      else blocks[blocks.length - 1] += ` ${line}`;
    }
    for (const b of blocks) out.push(b.split(/\s+/).length);
  }
  return out;
}

test('blockWords counts paragraphs and bullet items apart', () => {
  const w = (n: number): string => Array.from({ length: n }, () => 'w').join(' ');
  assert.deepEqual(blockWords(`${w(3)}:\n- ${w(4)};\n- ${w(2)}\n${w(2)}.\n\n${w(5)}`), [3, 5, 5, 5]);
  assert.ok(Math.max(...blockWords(w(MAX_WORDS + 1))) > MAX_WORDS);
});

test(`every rule's docs.what is paragraphs and lists of at most ${MAX_WORDS} words a block`, () => {
  const long = ruleCatalog()
    .filter((e) => e.docs?.what)
    .map((e) => ({ id: e.id, words: Math.max(...blockWords(e.docs!.what)) }))
    .filter((e) => e.words > MAX_WORDS)
    .map((e) => `${e.id} (${e.words} words)`);
  assert.deepEqual(long, []);
});
