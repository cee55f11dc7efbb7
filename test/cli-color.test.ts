/**
 * When stylish output is coloured: a terminal, FORCE_COLOR (CI logs that render ANSI), never NO_COLOR.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { wantsColor } from '../src/cli/io.js';
import { runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const ESC = '\u001b[';
const repos = tempRepos('talium-color-');
after(repos.cleanup);

describe('wantsColor', () => {
  const cases: Array<[Record<string, string | undefined>, boolean, boolean]> = [
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '3' }, false, true],
    [{ FORCE_COLOR: 'true' }, false, true],
    [{ FORCE_COLOR: '' }, false, false],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: 'false' }, true, false],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, true, false],
  ];
  for (const [env, isTTY, want] of cases) {
    it(`${JSON.stringify(env)} on ${isTTY ? 'a terminal' : 'a pipe'}: ${want}`, () => assert.equal(wantsColor({ env, isTTY }), want));
  }
});

describe('stylish output and the colour variables (in-process CLI)', () => {
  const dir = repos.repo({ 'bad.yaml': 'a: 1\nb: [1, 2\n' });
  it('FORCE_COLOR colours a pipe, NO_COLOR wins over it, a pipe alone has none', async () => {
    const forced = await runCli(['lint'], { cwd: dir, env: { FORCE_COLOR: '1' }, isTTY: false });
    assert.equal(forced.code, 1);
    assert.ok(forced.stdout.includes(ESC));
    const both = await runCli(['lint'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' }, isTTY: true });
    assert.equal(both.code, 1);
    assert.ok(!both.stdout.includes(ESC));
    const plain = await runCli(['lint'], { cwd: dir, env: {}, isTTY: false });
    assert.ok(!plain.stdout.includes(ESC));
    // the same findings either way
    assert.equal(forced.stdout.replace(/\u001b\[[0-9;]*m/g, ''), plain.stdout);
  });
});
