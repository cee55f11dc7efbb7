/**
 * "Did you mean" (src/core/suggest.ts): edit distances with and without transpositions, the early stop, the allowance;
 * ids related by shared words; and the rule-id suggestions built on them (src/lint/rule-catalog.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editDistance, related, suggest, wordStems } from '../src/core/suggest.js';
import { nearestRules, ruleCatalog, suggestRuleId } from '../src/lint/rule-catalog.js';

test('editDistance: Levenshtein, case-insensitive; transpositions count once when asked', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('MTU', 'mtu'), 0);
  assert.equal(editDistance('l2anouncements', 'l2announcements'), 1);
  assert.equal(editDistance('ipma', 'ipam'), 2);
  assert.equal(editDistance('ipma', 'ipam', { transpositions: true }), 1);
});

test('editDistance with a limit: exact within it, limit + 1 beyond it, for every pair of a sample', () => {
  const words = ['', 'a', 'ab', 'ba', 'abc', 'acb', 'operator', 'oeprator', 'hubble', 'bubble', 'k8sServiceHost', 'k8sServicePort', 'key119999', 'agent'];
  for (const a of words) {
    for (const b of words) {
      for (const transpositions of [false, true]) {
        const exact = editDistance(a, b, { transpositions });
        for (const limit of [0, 1, 2, 3]) {
          assert.equal(editDistance(a, b, { transpositions, limit }), exact <= limit ? exact : limit + 1, `${a}/${b}/${transpositions}/${limit}`);
        }
      }
    }
  }
});

test('suggest: nearest within the allowance (ties alphabetical); a negative allowance rules a candidate out', () => {
  assert.equal(suggest('replica', ['replicas', 'resources']), 'replicas');
  assert.equal(suggest('xyz', ['replicas']), undefined);
  assert.equal(suggest('ab', ['ac', 'aa']), 'aa');
  assert.equal(suggest('ipv5', ['ipv4', 'ipv6'], { maxDistance: () => -1 }), undefined);
  assert.equal(suggest('oeprator', ['operator'], { transpositions: true, maxDistance: () => 1 }), 'operator');
  assert.equal(suggest('oeprator', ['operator'], { maxDistance: () => 1 }), undefined);
});

test('related: shared words in names and descriptions, rare words weigh more, a guessed first word counts less', () => {
  const rules = [
    { name: 'net/pool-overlap', text: 'Two pools have overlapping blocks.' },
    { name: 'net/pool-reserved-address', text: 'A pool block holds the gateway or a node address.' },
    { name: 'net/pool-host-bits', text: 'A pool CIDR has host bits set.' },
    { name: 'net/cidr-overlaps-lan', text: 'A pod CIDR overlaps the LAN.' },
    { name: 'cil/bpf-masquerade', text: 'Masquerading with BPF.' },
    { name: 'cil/kpr-value', text: 'kubeProxyReplacement takes true or false.' },
  ];
  // "gateway" is rarer than "overlap": only the description of pool-reserved-address has it
  assert.deepEqual(related('cil/pool-overlaps-gateway', rules, { firstWordWeight: 0.5 }), ['net/pool-reserved-address', 'net/pool-overlap']);
  // a candidate sharing only the (down-weighted) first word is no suggestion
  assert.deepEqual(related('cil/nothing', rules, { firstWordWeight: 0.5 }), []);
  // camelCase in descriptions is split into words
  assert.deepEqual(related('x/kube-proxy', rules), ['cil/kpr-value']);
  // weights and the cap apply
  assert.deepEqual(related('pool', rules, { max: 2, weight: (c) => (c.name.endsWith('bits') ? 1.5 : 1) }), ['net/pool-host-bits', 'net/pool-overlap']);
});

test('wordStems: lower-case stems without short or filler words', () => {
  assert.deepEqual(wordStems('Two LB-IPAM pools have overlapping blocks'), ['ipam', 'pool', 'overlapp', 'block']);
  assert.deepEqual(wordStems('kubeProxyReplacement'), ['kube', 'proxy', 'replacement']);
});

test('rule ids: suggestRuleId fixes typos (a guessed domain costs 2), nearestRules adds the ids sharing words', () => {
  const catalog = ruleCatalog();
  assert.equal(suggestRuleId('cilium/l2-policy-interface', catalog), 'cilium/l2-policy-interfaces');
  assert.equal(suggestRuleId('yaml/truthey', catalog), 'yaml/truthy');
  // the same name exists as network/ and spec/: a lint domain guess prefers the lint rule
  assert.equal(suggestRuleId('cilium/pool-overlap', catalog), 'network/pool-overlap');
  assert.equal(suggestRuleId('cilium/pool-overlaps-dhcp', catalog), undefined);
  // "dhcp" is rarer in the catalog than "overlap"
  const near = nearestRules('cilium/pool-overlaps-dhcp', catalog);
  assert.equal(near[0], 'network/pool-reserved-address');
  assert.ok(near.length <= 5);
  assert.deepEqual(nearestRules('cilium/l2-policy-interface', catalog).slice(0, 1), ['cilium/l2-policy-interfaces']);
  assert.deepEqual(nearestRules('yaml/nope', catalog), []);
});
