/** Unit tests for the RE2 judge behind cilium/l2-policy-interfaces: translation, refusal, anchoring, literals, devices. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anchoring, compileRe2, devicesMatcher, escapeDots, literalName, unescapedDots } from '../src/rules/cilium/lib/re2.js';

const matches = (src: string, name: string) => {
  const r = compileRe2(src);
  assert.equal(r.kind, 'ok', `${src} should compile`);
  return r.kind === 'ok' && r.regexp.test(name);
};

test('RE2 syntax JavaScript lacks is translated', () => {
  assert.equal(matches('(?i)^ENP1S0$', 'enp1s0'), true);
  assert.equal(matches('\\Aeth0\\z', 'eth0'), true);
  assert.equal(matches('\\Aeth0\\z', 'eth0.50'), false);
  assert.equal(matches('^(?P<nic>enp[0-9]+s0)\\.50$', 'enp3s0.50'), true);
  assert.equal(matches('^[[:alpha:]]+[[:digit:]]$', 'eth0'), true);
  assert.equal(matches('^\\Qenp1s0.50\\E$', 'enp1s0.50'), true);
  assert.equal(matches('^\\Qenp1s0.50\\E$', 'enp1s0x50'), false);
  assert.equal(matches('^[]a]+$', ']a'), true);
});

test('RE2 refuses what JavaScript would accept', () => {
  for (const [src, reason] of [
    ['(?=eth)eth0', 'lookaround is not supported by RE2'],
    ['(?<!v)eth0', 'lookaround is not supported by RE2'],
    ['(eth)\\1', 'backreferences are not supported by RE2'],
    ['eth\\e', 'invalid escape sequence "\\e"'],
    ['(?>eth)', 'atomic groups are not supported by RE2'],
    ['[[:foo:]]', 'character class [:foo:]'],
    ['eth[0', 'missing closing ]'],
  ] as const) {
    const r = compileRe2(src);
    assert.equal(r.kind, 'invalid', src);
    assert.equal(r.kind === 'invalid' && r.reason, reason, src);
  }
  assert.equal(compileRe2('^eth(0$').kind, 'invalid');
  assert.equal(compileRe2('*eth').kind, 'invalid');
});

test('constructs that cannot be translated are not judged', () => {
  for (const src of ['^\\pL+$', '(?U)eth.+', '^(?i:ETH)0$', '\\x{65}th0', '\\0']) assert.equal(compileRe2(src).kind, 'unknown', src);
});

test('anchoring per top-level alternative', () => {
  assert.deepEqual(anchoring('^enp1s0\\.50$'), { start: true, end: true });
  assert.deepEqual(anchoring('^(eth|ens)\\d+$'), { start: true, end: true });
  assert.deepEqual(anchoring('(^eth0$)'), { start: true, end: true });
  assert.deepEqual(anchoring('^eth0$|^ens1$'), { start: true, end: true });
  assert.deepEqual(anchoring('^eth0|ens1$'), { start: false, end: false });
  assert.deepEqual(anchoring('^eth[0-9]+'), { start: true, end: false });
  assert.deepEqual(anchoring('eth0\\$'), { start: false, end: false });
  assert.deepEqual(anchoring('(?i)^eth0$'), { start: true, end: true });
});

test('literal names and Cilium devices', () => {
  assert.equal(literalName('^enp1s0\\.50$'), 'enp1s0.50');
  assert.equal(literalName('bond0'), 'bond0');
  assert.equal(literalName('^eth[0-9]+$'), undefined);
  assert.equal(literalName('^vlan.2'), undefined);
  const m = devicesMatcher('bond+,enp1s0.50,!bond9')!;
  assert.equal(m('bond0'), true);
  assert.equal(m('bond9'), false);
  assert.equal(m('enp1s0.50'), true);
  assert.equal(m('enp1s0'), false);
  assert.equal(devicesMatcher(['eth0', 'eth1'])!('eth1'), true);
  assert.equal(devicesMatcher(''), undefined);
  assert.equal(devicesMatcher(7), undefined);
});

test('dots between name characters read as meant literally; quantified and escaped dots do not', () => {
  const fix = (src: string): string => escapeDots(src, unescapedDots(src));
  assert.deepEqual(unescapedDots('^vlan.2'), [5]);
  assert.equal(fix('^vlan.2'), '^vlan\\.2');
  assert.equal(fix('^enp1s0.50$'), '^enp1s0\\.50$');
  assert.equal(fix('br-lan.100|^bond0.5$'), 'br-lan\\.100|^bond0\\.5$');
  for (const src of ['^eth.*', '^en.+', '^en.?0$', '^e.{2}0$', '^enp1s0\\.50$', 'eth[.]0', '^\\d.5$', '^.np1s0$', '^eth0.$', '\\Qenp1s0.50\\E', '(eth0).5']) {
    assert.deepEqual(unescapedDots(src), [], src);
  }
});

test('a catastrophic pattern on link-length names stays fast', () => {
  const r = compileRe2('^(a+)+$');
  assert.equal(r.kind, 'ok');
  const started = process.hrtime.bigint();
  if (r.kind === 'ok') assert.equal(r.regexp.test('aaaaaaaaaaaaaa!'), false);
  assert.ok(process.hrtime.bigint() - started < 2_000_000_000n, 'under 2s for a 15-character name');
});
