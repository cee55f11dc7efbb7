/**
 * `talium explain` output for the terminal: prose wrapped to the width (report/wrap.ts) with code spans and URLs
 * whole, the per-message severities listed, and golden files of one rule at 60 and 80 columns
 * (UPDATE_GOLDEN=1 rewrites them).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { wrapText, wrapWidth } from '../src/report/wrap.js';
import { runCli } from '../src/testing/cli.js';
import { assertGolden } from '../src/testing/golden.js';

const GOLDEN = path.join(process.cwd(), 'test', 'fixtures', 'explain');
const RULE = 'cilium/l2-policy-interfaces';
/** A line may pass the width only when it holds one word (a URL, a code span) after its indent and bullet. */
const oneWord = (line: string): boolean => (line.trim().replace(/^- /, '').match(/(?:`[^`]*`|[^\s`]+|`)+/g) ?? []).length <= 1;

test('wrap width: the terminal columns when a TTY, 80 otherwise, never above 100', () => {
  assert.equal(wrapWidth(false, 120), 80);
  assert.equal(wrapWidth(false, undefined), 80);
  assert.equal(wrapWidth(true, undefined), 80);
  assert.equal(wrapWidth(true, 72), 72);
  assert.equal(wrapWidth(true, 160), 100);
  assert.equal(wrapWidth(true, 10), 30);
});

test('wrapText: breaks at spaces only, keeps code spans and URLs whole, hangs bullets, keeps paragraphs apart', () => {
  const text = 'Set `k8sServiceHost: localhost` and see https://docs.cilium.io/en/stable/network/l2-announcements/ for more words here.\n\nChecks:\n- one `a b c` item that is long enough to wrap around\n- two';
  const lines = wrapText(text, 30, '  ');
  assert.deepEqual(lines, [
    '  Set',
    '  `k8sServiceHost: localhost`',
    '  and see',
    '  https://docs.cilium.io/en/stable/network/l2-announcements/',
    '  for more words here.',
    '',
    '  Checks:',
    '  - one `a b c` item that is',
    '    long enough to wrap around',
    '  - two',
  ]);
  // only a single word longer than the width may overflow
  for (const l of lines) assert.ok(l.length <= 30 || oneWord(l), l);
  // an unclosed backtick is a character, not a span swallowing the rest
  assert.deepEqual(wrapText('a `b c d e f g', 8), ['a `b c d', 'e f g']);
});

test('explain wraps to the terminal width and lists the messages reported at another severity', async () => {
  const at = async (columns: number | undefined) => (await runCli(['explain', RULE], { cwd: process.cwd(), isTTY: columns !== undefined, ...(columns ? { columns } : {}) })).stdout;
  const w60 = await at(60);
  const w80 = await at(80);
  // not a terminal: 80 columns; a wide terminal: at most 100
  assert.equal(await at(undefined), w80);
  for (const [text, width] of [[w60, 60], [w80, 80], [await at(200), 100]] as const) {
    for (const line of text.split('\n')) assert.ok(line.length <= width || oneWord(line) || /^ {2}# talium-disable/.test(line), `${width}: ${line}`);
  }
  assert.match(w80, /^ {2}These messages are reported at another severity:\n {2}- warning: unanchored: Interface pattern "<pattern>"/m);
  assert.match(w80, /^ {2}- warning: nodeNoLink: /m);
  assertGolden(new Map([[`${RULE.replace('/', '__')}.w60.txt`, w60], [`${RULE.replace('/', '__')}.w80.txt`, w80]]), GOLDEN);
});
