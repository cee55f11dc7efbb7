/** IntervalIndex agrees with comparing every pair / every interval (random intervals, both families). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IntervalIndex } from '../src/net/interval-index.js';
import type { IpInterval } from '../src/net/ip.js';

const interval = fc
  .tuple(fc.constantFrom<4 | 6>(4, 6), fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: 40n }))
  .map(([family, first, len]): IpInterval => ({ family, first, last: first + len }));

test('holding(): the intervals that contain an address, in insertion order', () => {
  fc.assert(
    fc.property(fc.array(interval, { maxLength: 40 }), fc.constantFrom<4 | 6>(4, 6), fc.bigInt({ min: 0n, max: 360n }), (list, family, value) => {
      const index = new IntervalIndex(list.map((iv, n) => ({ interval: iv, label: n })));
      const brute = list.flatMap((iv, n) => (iv.family === family && iv.first <= value && value <= iv.last ? [n] : []));
      assert.deepEqual(index.holding(family, value), brute);
    }),
    { numRuns: 300 },
  );
});

test('overlappingPairs(): every overlapping pair once, [earlier, later], ordered by later then earlier', () => {
  fc.assert(
    fc.property(fc.array(interval, { maxLength: 40 }), (list) => {
      const index = new IntervalIndex(list.map((iv, n) => ({ interval: iv, label: n })));
      const brute: Array<[number, number]> = [];
      for (let j = 0; j < list.length; j++)
        for (let i = 0; i < j; i++) {
          const a = list[i]!;
          const b = list[j]!;
          if (a.family === b.family && a.first <= b.last && b.first <= a.last) brute.push([i, j]);
        }
      assert.deepEqual(index.overlappingPairs(), brute);
    }),
    { numRuns: 300 },
  );
});
