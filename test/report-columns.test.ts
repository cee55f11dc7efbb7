/** The plain-text table helper behind `talium plan` and `talium rules`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columns } from '../src/report/columns.js';

test('columns: each column as wide as its widest cell, two spaces apart, last column unpadded', () => {
  assert.deepEqual(columns([['a', 'bb', 'c'], ['aaaa', 'b', 'cccc']], '  '), ['  a     bb  c', '  aaaa  b   cccc']);
});

test('columns: a short row still widens its columns; empty cells leave no trailing blanks', () => {
  assert.deepEqual(columns([['LAN', '(unknown)'], ['gateway', '10.0.0.1', 'x.yaml:1:1'], ['x', '', '']]), ['LAN      (unknown)', 'gateway  10.0.0.1   x.yaml:1:1', 'x']);
  assert.deepEqual(columns([]), []);
});
