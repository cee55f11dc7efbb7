/**
 * Text read from a repository (keys in messages, file names, source lines in code frames) reaches the terminal:
 * stylish shows control characters as visible escapes, so no line of its output starts a GitHub Actions workflow
 * command (`::error ...`) and no escape sequence reaches the terminal; frames keep the caret under the column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LintResult } from '../src/report/types.js';
import { stylish } from '../src/report/stylish.js';
import { printable } from '../src/report/frame.js';

test('stylish escapes control characters in file names, messages, help, related locations and code frames', () => {
  const file = 'apps/e\u001b]0;title\u0007vil.yaml';
  const source = 'x: "\u001b[2J"\nbad: 1\n';
  const result: LintResult = {
    diagnostics: [
      {
        ruleId: 'schema/unknown-field',
        severity: 'error',
        message: 'Unknown field "bad\n::error file=evil.yaml,line=1::pwn".',
        help: 'Remove\rit.',
        file,
        range: { start: { line: 1, column: 6 }, end: { line: 1, column: 9 } },
        related: [{ file: 'b\nc.yaml', range: { start: { line: 2, column: 1 }, end: { line: 2, column: 2 } }, message: 'see\u001b[31m here' }],
      },
    ],
    rules: [],
    files: [file],
    sources: new Map([[file, source]]),
    tool: { name: 'talium', version: '0' },
  };
  const out = stylish.render(result, { color: false });
  // nothing but newline separators: no ESC, BEL, CR or other control character in the output
  assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  for (const line of out.split('\n')) assert.ok(!line.startsWith('::'), line);
  assert.ok(out.includes('apps/e\\x1b]0;title\\x07vil.yaml'), out);
  assert.ok(out.includes('Unknown field "bad\\n::error file=evil.yaml,line=1::pwn".'), out);
  assert.ok(out.includes('see: b\\nc.yaml:2:1 see\\x1b[31m here'), out);
  // the frame: one replacement character per control character, the caret still under column 6
  const frame = out.split('\n').filter((l) => l.includes(' | '));
  assert.deepEqual(frame.map((l) => l.trim()), ['1 | x: "\ufffd[2J"', '|      ^^^']);
  assert.equal(printable('a\tb\u0000'), 'a\\tb\\x00');
});
