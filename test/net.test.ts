import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contains, formatInterval, formatIp, intersection, ipNumCidrBounds, overlaps, parseCidr, parseIp, parseIpOrCidr } from '../src/net/ip.js';

test('parseCidr reports host bits and the canonical network', () => {
  const c = parseCidr('10.50.0.200/28');
  assert.ok(c);
  assert.equal(c.hostBitsSet, true);
  assert.equal(c.canonical, '10.50.0.192/28');
  assert.equal(formatInterval(c), '10.50.0.192-10.50.0.207');
  assert.equal(parseCidr('10.50.0.0/24')?.hostBitsSet, false);
  assert.equal(parseCidr('10.50.0.0/33'), undefined);
  assert.equal(parseCidr('10.50.0/24'), undefined);
  assert.equal(parseCidr('fd00::1/64')?.canonical, 'fd00::/64');
});

test('our CIDR bounds agree with ip-num for canonical CIDRs', () => {
  for (const t of ['10.0.0.0/8', '192.168.1.0/24', '10.50.0.192/28', '10.1.2.3/32', 'fd00::/64']) {
    const c = parseCidr(t)!;
    const b = ipNumCidrBounds(t)!;
    assert.equal(parseIp(b[0])!.value, c.first);
    assert.equal(parseIp(b[1])!.value, c.last);
  }
});

test('contains / overlaps / intersection respect families', () => {
  const lan = parseCidr('10.50.0.0/24')!;
  const a = parseIpOrCidr('10.50.0.10')!;
  assert.equal(contains(lan, a), true);
  assert.equal(contains(lan, parseIpOrCidr('10.51.0.10')!), false);
  assert.equal(overlaps(lan, parseCidr('10.50.0.128/25')!), true);
  assert.equal(overlaps(lan, parseCidr('fd00::/8')!), false);
  const i = intersection(parseCidr('10.50.0.0/25')!, parseCidr('10.50.0.100/30')!)!;
  assert.equal(formatInterval(i), '10.50.0.100-10.50.0.103');
  assert.equal(parseIp('010.0.0.1'), undefined);
});

test('dotted quads read without ip-num say what ip-num says (parse and format)', async () => {
  const ipnum = await import('ip-num');
  const samples = ['0.0.0.0', '255.255.255.255', '10.50.0.1', '192.168.1.255', '1.2.3.4', '100.64.0.0', '172.16.254.3'];
  let x = 12345;
  for (let i = 0; i < 2000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const v = (x * 2) % 4294967296;
    samples.push(`${Math.floor(v / 16777216)}.${Math.floor(v / 65536) % 256}.${Math.floor(v / 256) % 256}.${v % 256}`);
  }
  for (const s of samples) {
    const ours = parseIp(s);
    assert.equal(ours?.family, 4, s);
    assert.equal(ours?.value, ipnum.IPv4.fromString(s).getValue(), s);
    assert.equal(formatIp(4, ours!.value), ipnum.IPv4.fromNumber(ours!.value).toString(), s);
  }
  // what is not a plain dotted quad still goes to ip-num, which decides
  for (const s of ['01.2.3.4', '256.1.1.1', '1.2.3', '1.2.3.4.5', '+1.2.3.4', '1.2.3.-1', '1.2.3.4/24', '::ffff:1.2.3.4', 'fd00::1']) {
    const valid4 = ipnum.Validator.isValidIPv4String(s)[0];
    const valid6 = ipnum.Validator.isValidIPv6String(s)[0];
    assert.equal(parseIp(s)?.family, valid4 ? 4 : valid6 ? 6 : undefined, s);
  }
  // words without a colon that are not digits and dots are no address in ip-num either (answered without it)
  for (const s of ['localhost', 'cp1', 'eth0', 'enp1s0.50', '1.2.3.4a', ' ', '', '1e3', 'x.1.2.3', '0x7f.0.0.1', '１.２.３.４']) {
    assert.equal(ipnum.Validator.isValidIPv4String(s)[0] || ipnum.Validator.isValidIPv6String(s)[0], false, s);
    assert.equal(parseIp(s), undefined, s);
  }
});
