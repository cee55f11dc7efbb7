/** Tests for the version/fact tables in src/data (parser, matrices, Cilium/Talos helpers, VLAN link names). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atLeast, ciliumTestsKubernetes, compareVersions, parseVersion, talosSupportsKubernetes, inMinorRange, SUPPORTED } from '../src/data/versions.js';
import { allowFirstLastIPsDefault, formatGoDuration, kprAcceptedValues, leaseViolations, parseGoDuration, poolApiVersion, removedHelmKeys, requiredQps, sizeRateLimit, TALOS_AGENT_CAPABILITIES, TALOS_CLEAN_STATE_CAPABILITIES } from '../src/data/cilium.js';
import { talosConfigForm, vlanLinkName } from '../src/data/talos.js';

test('parseVersion accepts the usual spellings and never throws', () => {
  assert.deepEqual(pick(parseVersion('1.20')), [1, 20, undefined, '']);
  assert.deepEqual(pick(parseVersion('v1.20.1')), [1, 20, 1, '']);
  assert.deepEqual(pick(parseVersion('1.18.*')), [1, 18, undefined, '']);
  assert.deepEqual(pick(parseVersion('1.18.x')), [1, 18, undefined, '']);
  assert.deepEqual(pick(parseVersion('>=1.19.0')), [1, 19, 0, '>=']);
  assert.deepEqual(pick(parseVersion('>=1.19.0 <1.20.0')), [1, 19, 0, '>=']);
  assert.deepEqual(pick(parseVersion('~1.18.0')), [1, 18, 0, '~']);
  assert.equal(parseVersion('1.14.0-rc.1')?.prerelease, 'rc.1');
  for (const bad of ['', 'latest', 'v1', '1', '1.x.3', null, undefined, {}, [], NaN, '1.2.3.4']) {
    assert.equal(parseVersion(bad), undefined, String(bad));
  }
});

test('compareVersions orders patch and prerelease', () => {
  const v = (s: string) => parseVersion(s)!;
  assert.ok(compareVersions(v('1.14.0-rc.1'), v('1.14.0')) < 0);
  assert.ok(compareVersions(v('1.9.9'), v('1.10.0')) < 0);
  assert.equal(compareVersions(v('v1.18'), v('1.18.0')), 0);
  assert.ok(atLeast('1.17.6', '1.17.6'));
  assert.ok(!atLeast('1.17.5', '1.17.6'));
  assert.ok(atLeast('1.18.0', '1.17.6'));
  assert.ok(!atLeast('garbage', '1.0'));
});

test('supported ranges and matrices', () => {
  assert.ok(inMinorRange('1.10.0', SUPPORTED.talos) && inMinorRange('1.14.1', SUPPORTED.talos));
  assert.ok(!inMinorRange('1.9.5', SUPPORTED.talos) && !inMinorRange('1.15.0', SUPPORTED.talos));
  assert.ok(!inMinorRange('1.15.19', SUPPORTED.cilium) && inMinorRange('1.20.0', SUPPORTED.cilium));
  assert.equal(talosSupportsKubernetes('1.14.1', '1.33.0'), true);
  assert.equal(talosSupportsKubernetes('1.14.1', '1.32.9'), false);
  assert.equal(talosSupportsKubernetes('1.11.3', '1.34.1'), true);
  assert.equal(talosSupportsKubernetes('1.11.3', '1.35.0'), false);
  assert.equal(talosSupportsKubernetes('1.9.0', '1.30.0'), undefined);
  assert.equal(ciliumTestsKubernetes('1.18.12', '1.33.4'), true);
  assert.equal(ciliumTestsKubernetes('1.18.12', '1.34.0'), false);
  assert.equal(ciliumTestsKubernetes('1.17.18', '1.32.0'), undefined, 'NOT ESTABLISHED must be undefined');
  assert.equal(ciliumTestsKubernetes('1.20.1', '1.37.0'), false);
});

test('Cilium facts per version', () => {
  assert.equal(poolApiVersion('1.17.18'), 'cilium.io/v2alpha1');
  assert.equal(poolApiVersion('1.18.0'), 'cilium.io/v2');
  assert.equal(poolApiVersion('1.20.1'), 'cilium.io/v2');
  assert.equal(allowFirstLastIPsDefault('1.15.19'), 'No');
  assert.equal(allowFirstLastIPsDefault('1.16.0'), 'Yes');
  assert.ok(!kprAcceptedValues('1.16.0').accepted.includes('strict'));
  assert.ok(kprAcceptedValues('1.15.0').deprecated.includes('strict'));
  const keys = (v: string) => [...new Set(removedHelmKeys(v).map((k) => k.key))].sort();
  assert.deepEqual(keys('1.16.19'), ['externalIPs.enabled', 'remoteNodeIdentity', 'tunnel']);
  assert.ok(keys('1.18.0').includes('hostPort.enabled'));
  assert.ok(!keys('1.17.18').includes('hostPort.enabled'));
  assert.ok(keys('1.20.0').includes('nodePort.enabled'));
  assert.ok(!removedHelmKeys('1.16.0', false).some((k) => k.key === 'externalIPs.enabled'));
  assert.equal(requiredQps(65, 2), 33);
  assert.equal(requiredQps(0, 5), 0);
  assert.deepEqual(sizeRateLimit(65, 2, '1.20.0'), { qps: 33, burst: 66 });
  assert.deepEqual(sizeRateLimit(10, 5, '1.17.0'), { qps: 10, burst: 20 });
  assert.deepEqual(leaseViolations({ leaseDuration: 15, leaseRenewDeadline: 5, leaseRetryPeriod: 2 }), []);
  assert.deepEqual(leaseViolations({ leaseDuration: 3, leaseRenewDeadline: 1, leaseRetryPeriod: 0.2 }), []);
  assert.deepEqual(leaseViolations({ leaseDuration: 1, leaseRenewDeadline: 2, leaseRetryPeriod: 2 }).sort(), ['duration-gt-renew', 'duration-min', 'renew-gt-retry']);
  assert.equal(parseGoDuration('200ms'), 0.2);
  assert.equal(parseGoDuration('1m30s'), 90);
  assert.equal(parseGoDuration('15'), undefined);
  assert.equal(parseGoDuration('s'), undefined);
  assert.equal(formatGoDuration(0.2), '200ms');
  assert.equal(formatGoDuration(15), '15s');
  assert.equal(formatGoDuration(90), '1m30s');
  assert.ok(![...TALOS_AGENT_CAPABILITIES, ...TALOS_CLEAN_STATE_CAPABILITIES].includes('SYS_MODULE' as never));
});

test('Talos config form per version', () => {
  assert.deepEqual(talosConfigForm('1.11.5'), { kubeDocuments: false, networkDocuments: false });
  assert.deepEqual(talosConfigForm('1.12.0'), { kubeDocuments: false, networkDocuments: true });
  assert.deepEqual(talosConfigForm('1.14.0'), { kubeDocuments: true, networkDocuments: true });
});

test('vlanLinkName matches the upstream Talos test vectors (nethelpers/vlan_test.go)', () => {
  assert.equal(vlanLinkName('eth0', 1), 'eth0.1');
  assert.equal(vlanLinkName('en9s0', 4095), 'en9s0.4095');
  assert.equal(vlanLinkName('0123456789', 4095), '0123456789.4095');
  assert.equal(vlanLinkName('enx12545f8c99cd', 25), 'enx1ee6413.25');
  assert.equal(vlanLinkName('enx12545f8c99cd', 4095), 'enx1ee6413.4095');
  assert.equal(vlanLinkName('enx12545f8c99ce', 4095), 'enx1ef972f.4095');
  assert.equal(vlanLinkName('enp1s0', 50), 'enp1s0.50');
});

function pick(v: ReturnType<typeof parseVersion>): unknown[] {
  return v ? [v.major, v.minor, v.patch, v.operator] : [];
}
