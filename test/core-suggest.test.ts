/** "Did you mean" (src/core/suggest.ts): edit distances with and without transpositions, the early stop, the allowance. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editDistance, suggest } from '../src/core/suggest.js';

test('editDistance: Levenshtein, case-insensitive; transpositions count once when asked', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('MTU', 'mtu'), 0);
  assert.equal(editDistance('l2anouncements', 'l2announcements'), 1);
  assert.equal(editDistance('ipma', 'ipam'), 2);
  assert.equal(editDistance('ipma', 'ipam', { transpositions: true }), 1);
});

test('editDistance with a limit: exact within it, limit + 1 beyond it, for every pair of a sample', () => {
  const words = ['', 'a', 'ab', 'ba', 'abc', 'acb', 'operator', 'oeprator', 'hubble', 'bubble', 'k8sServiceHost', 'k8sServicePort', 'key119999', 'agent'];
  for (const a of words) {
    for (const b of words) {
      for (const transpositions of [false, true]) {
        const exact = editDistance(a, b, { transpositions });
        for (const limit of [0, 1, 2, 3]) {
          assert.equal(editDistance(a, b, { transpositions, limit }), exact <= limit ? exact : limit + 1, `${a}/${b}/${transpositions}/${limit}`);
        }
      }
    }
  }
});

test('suggest: nearest within the allowance (ties alphabetical); a negative allowance rules a candidate out', () => {
  assert.equal(suggest('replica', ['replicas', 'resources']), 'replicas');
  assert.equal(suggest('xyz', ['replicas']), undefined);
  assert.equal(suggest('ab', ['ac', 'aa']), 'aa');
  assert.equal(suggest('ipv5', ['ipv4', 'ipv6'], { maxDistance: () => -1 }), undefined);
  assert.equal(suggest('oeprator', ['operator'], { transpositions: true, maxDistance: () => 1 }), 'operator');
  assert.equal(suggest('oeprator', ['operator'], { maxDistance: () => 1 }), undefined);
});
