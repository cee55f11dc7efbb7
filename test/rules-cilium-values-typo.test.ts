/**
 * The top-level Cilium values keys cilium/values-key-typo knows, against our schema and (where ../shared is
 * present) the upstream chart schemas 1.16–1.20, used as an oracle only: no invented key, no real key is a near
 * miss of another real key (so a real key is never reported), and a one-character slip of a real key is caught.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CILIUM_VALUES_KEYS, valuesKeyNearMiss } from '../src/data/cilium-values-keys.js';
import { readBuiltinSchema } from '../src/schema/schema-files.js';
import { ciliumHelmFolders, lineOf, sharedPresent, upstreamHelmSchema } from '../src/testing/schema-upstream.js';

const folders = ciliumHelmFolders().filter((f) => ['1.16', '1.17', '1.18', '1.19', '1.20'].includes(lineOf(f)));
const upstream = new Set(folders.flatMap((f) => Object.keys((upstreamHelmSchema(f)['properties'] ?? {}) as object)));

/** The one-character slips of a key: each deletion and each swap of two different adjacent characters. */
function slips(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < key.length; i++) out.push(key.slice(0, i) + key.slice(i + 1));
  for (let i = 0; i + 1 < key.length; i++) if (key[i] !== key[i + 1]) out.push(key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2));
  return out;
}

test('values keys: unique, and no known key is a near miss of another', () => {
  assert.equal(new Set(CILIUM_VALUES_KEYS).size, CILIUM_VALUES_KEYS.length, 'no duplicates');
  for (const a of CILIUM_VALUES_KEYS) {
    assert.equal(valuesKeyNearMiss(a), undefined, `${a} is known`);
    for (const b of CILIUM_VALUES_KEYS) if (a !== b) assert.equal(valuesKeyNearMiss(a, [b]), undefined, `${a} is not a near miss of ${b}`);
  }
});

test('values keys: every top-level property of schemas/cilium/helm-values.json is known', () => {
  const props = Object.keys((readBuiltinSchema('cilium/helm-values.json') as { properties: object }).properties);
  assert.ok(props.length > 10);
  assert.deepEqual(props.filter((k) => !CILIUM_VALUES_KEYS.includes(k)), []);
});

test('values keys: near misses', () => {
  const cases: Array<[string, string | undefined]> = [
    ['l2anouncements', 'l2announcements'],
    ['kubeProxyReplacment', 'kubeProxyReplacement'],
    ['externalIps', 'externalIPs'],
    ['K8sServiceHost', 'k8sServiceHost'],
    ['mtu', 'MTU'],
    ['autoDirectNodRoute', 'autoDirectNodeRoutes'], // two edits in a long key
    ['egresGatway', undefined], // but one in a shorter one
    ['lannouncements', 'l2announcements'], // a lost digit
    ['nat64x64Gateway', 'nat46x64Gateway'], // swapped digits
    ['hubbel', 'hubble'], // a transposition is one edit
    ['k8sServicePrt', 'k8sServicePort'],
    ['ipv5', undefined], // another number: another key
    ['cin', undefined], // short keys: only the case may differ
    ['bgpp', undefined],
    ['myCompanySettings', undefined],
    ['kubeProxyReplacement', undefined],
  ];
  for (const [key, want] of cases) assert.equal(valuesKeyNearMiss(key), want, key);
});

test('values keys: upstream chart schemas present', (t) => {
  if (!sharedPresent()) t.skip('../shared not present: values keys cannot be checked against the upstream charts');
  else assert.ok(folders.length >= 5 && upstream.size > 100, `${folders.length} chart versions, ${upstream.size} keys`);
});

test('values keys: every known key is a top-level key of an upstream chart 1.16–1.20 (none invented)', (t) => {
  if (!folders.length) return t.skip('../shared not present');
  assert.deepEqual(CILIUM_VALUES_KEYS.filter((k) => !upstream.has(k)), []);
});

test('values keys: no real upstream key is a near miss of another, nor reported', (t) => {
  if (!folders.length) return t.skip('../shared not present');
  const real = [...upstream].sort();
  const pairs: string[] = [];
  for (const a of real) for (const b of real) if (a !== b && valuesKeyNearMiss(a, [b]) !== undefined) pairs.push(`${a} ~ ${b}`);
  assert.deepEqual(pairs, []);
  assert.deepEqual(real.filter((k) => valuesKeyNearMiss(k) !== undefined), []);
});

test('values keys: a one-character deletion or transposition of a real key is reported with that key', (t) => {
  if (!folders.length) return t.skip('../shared not present');
  // keys of 5 characters and more (shorter keys only tolerate a different case); a slip that is itself a real key is not one
  const sample = [...upstream].filter((k) => k.length >= 5 && CILIUM_VALUES_KEYS.includes(k)).sort();
  assert.ok(sample.length > 100);
  // a slip of two real keys (`ipvNativeRoutingCIDR`) may suggest either
  const from = new Map<string, string[]>();
  for (const key of sample) for (const slip of new Set(slips(key))) from.set(slip, [...(from.get(slip) ?? []), key]);
  const wrong: string[] = [];
  for (const [slip, keys] of from) {
    if (upstream.has(slip)) continue;
    const got = valuesKeyNearMiss(slip);
    if (!got || !keys.includes(got)) wrong.push(`${slip}: ${got ?? 'nothing'} (want ${keys.join(' or ')})`);
  }
  assert.deepEqual(wrong, []);
});
