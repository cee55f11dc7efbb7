/**
 * Go RE2 → JavaScript pattern translation (never dropped) and the string formats as Go/Kubernetes read them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRe2, translateRe2 } from '../src/schema/re2.js';
import { isBgpCommunity, isBgpLargeCommunity, isCidr, isDuration, isIp, isIpZoned, isQuantity } from '../src/schema/formats.js';
import { createAjv } from '../src/schema/ajv.js';

test('RE2 inline flags, \\A / \\z anchors, named groups, POSIX classes, \\Q..\\E', () => {
  assert.deepEqual(translateRe2('(?i)^abc$'), { source: '^abc$', flags: 'i' });
  assert.ok(compileRe2('(?i)^enp[0-9]+$').test('ENP1'));
  // after a leading ^ (prometheus-operator's partial_response_strategy); (?m) there would change that ^, so it stays
  assert.deepEqual(translateRe2('^(?i)(abort|warn)?$'), { source: '^(abort|warn)?$', flags: 'i' });
  assert.ok(compileRe2('^(?i)(abort|warn)?$').test('Warn') && !compileRe2('^(?i)(abort|warn)?$').test('fail'));
  assert.deepEqual(translateRe2('^(?m)a').flags, '');
  // inside the pattern (prometheus-operator's weekday ranges): hoisted, accepting a little more, never less
  const day = compileRe2('^((?i)sun|mon|tues)day(?:((:(sun|mon|tues)day)$)|$)');
  assert.ok(day.test('Monday') && day.test('monday:tuesday') && !day.test('funday'));
  assert.ok(compileRe2('\\Aeth0\\z').test('eth0'));
  assert.ok(!compileRe2('\\Aeth0\\z').test('eth0\n'));
  assert.ok(!compileRe2('\\Aeth0\\z').test('xeth0'));
  assert.ok(compileRe2('^(?P<nic>en[a-z]+)\\d$').test('enp1'));
  assert.equal(compileRe2('^(?P<nic>en[a-z]+)\\d$').exec('eno1')?.groups?.['nic'], 'eno');
  assert.ok(compileRe2('^[[:alpha:]]+[[:digit:]]$').test('eth0'));
  assert.ok(!compileRe2('^[[:alpha:]]+$').test('eth0'));
  assert.ok(compileRe2('^\\Qa.b\\E$').test('a.b'));
  assert.ok(!compileRe2('^\\Qa.b\\E$').test('axb'));
  assert.ok(compileRe2('^\\pL+$').test('abc'));
  assert.ok(compileRe2('^\\PC*$').test('web-egress'));
  assert.ok(!compileRe2('^\\PC*$').test('a\u0007b'));
  assert.ok(compileRe2('^(?i:ab)c$').test('ABc'));
  // a pattern valid in both stays as written
  assert.equal(compileRe2('^enp1s0\\.50$').source, '^enp1s0\\.50$');
});

test('ajv uses the RE2 translation for schema patterns', () => {
  const ajv = createAjv();
  const v = ajv.compile({ type: 'string', pattern: '(?i)^yes\\z' });
  assert.equal(v('YES'), true);
  assert.equal(v('no'), false);
});

test('formats: CIDR as Go net.ParseCIDR, IPs, durations, quantities, BGP communities', () => {
  for (const ok of ['10.0.0.0/8', '10.50.0.200/28', '0.0.0.0/0', '2001:db8::/32', 'fd00::1/128']) assert.ok(isCidr(ok), ok);
  for (const bad of ['10.0.0.0/33', '10.0.0.0', '010.0.0.0/8', '10.0.0.0/8 ', '::/129', 'x/8', '10.0.0/8', '']) assert.ok(!isCidr(bad), bad);
  assert.ok(isIp('192.168.1.1') && isIp('::1') && !isIp('192.168.1.256') && !isIp('1.2.3'));
  assert.ok(isIpZoned('fe80::1%eth0') && !isIpZoned('10.0.0.1%eth0') && isIpZoned('10.0.0.1'));
  for (const ok of ['15s', '200ms', '1h30m', '0', '1.5h', '-2s', '300us']) assert.ok(isDuration(ok), ok);
  for (const bad of ['15', 's', '1d', '10 s', '']) assert.ok(!isDuration(bad), bad);
  for (const ok of ['100m', '1Gi', '0.5', '1e3', '2', '+1Ki', '128974848']) assert.ok(isQuantity(ok), ok);
  for (const bad of ['lots', '1GB', '1 Gi', '', 'Gi']) assert.ok(!isQuantity(bad), bad);
  assert.ok(isBgpCommunity('65000:100') && isBgpCommunity('4294967295') && !isBgpCommunity('65536:1') && !isBgpCommunity('4294967296') && !isBgpCommunity('01:1'));
  assert.ok(isBgpLargeCommunity('65000:1:2') && !isBgpLargeCommunity('1:2') && !isBgpLargeCommunity('4294967296:1:1'));
});
