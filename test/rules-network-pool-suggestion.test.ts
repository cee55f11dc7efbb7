/**
 * network/pool-reserved-address's suggested blocks (`data.suggestion`): a table of layouts (gateway, DHCP, whole LAN
 * with pinned Service IPs, IPv6, /32, CIDR vs start/stop by allowFirstLastIPs, other pools, selectors), and the pure
 * interval helpers of rules/network/lib/pool-suggestion.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import poolReserved from '../src/rules/network/pool-reserved-address.js';
import { freeRuns, suggestBlocks } from '../src/rules/network/lib/pool-suggestion.js';
import { parseCidr } from '../src/net/ip.js';
import { lintRepo } from '../src/testing/rule-tester.js';

const pool = (name: string, blocks: string[], extra = ''): string =>
  `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ${name}\nspec:\n${extra}  blocks:\n${blocks.map((b) => `    - ${b}\n`).join('')}`;
const cidr = (c: string): string => `cidr: ${c}`;
const range = (a: string, b: string): string => `start: ${a}\n      stop: ${b}`;
/** A LoadBalancer Service asking for `ips` with `how`: the new annotation, the legacy one or spec.loadBalancerIP. */
const svc = (name: string, ips: string, how: 'ips' | 'legacy' | 'spec' = 'ips', labels = ''): string =>
  `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: default\n${labels ? `  labels:\n    ${labels}\n` : ''}` +
  (how === 'spec' ? '' : `  annotations:\n    ${how === 'ips' ? 'lbipam.cilium.io/ips' : 'io.cilium/lb-ipam-ips'}: "${ips}"\n`) +
  `spec:\n  type: LoadBalancer\n${how === 'spec' ? `  loadBalancerIP: ${ips}\n` : ''}  ports:\n    - port: 80\n`;
const config = (lines: string): string => `plan:\n${lines.split('\n').map((l) => `  ${l}`).join('\n')}\n`;
const LAN = 'lan: 10.50.0.0/24\ngateway: 10.50.0.1';

interface Row {
  name: string;
  files: Record<string, string>;
  /** data of each finding of the rule, in order: `suggestion` (undefined: none) and the messageId. */
  want: Array<{ messageId: string; suggestion: string | undefined }>;
}

const ROWS: Row[] = [
  {
    name: 'a CIDR over the gateway: the rest of the block, off the LAN network address',
    files: { 'talium.config.yaml': config(LAN), 'pool.yaml': pool('a', [cidr('10.50.0.0/28')]) },
    want: [{ messageId: 'gateway', suggestion: '[{start: "10.50.0.2", stop: "10.50.0.15"}]' }],
  },
  {
    name: 'a range over the DHCP range: the part above it',
    files: { 'talium.config.yaml': config(`${LAN}\ndhcp: 10.50.0.100-10.50.0.199`), 'pool.yaml': pool('a', [range('10.50.0.150', '10.50.0.210')]) },
    want: [{ messageId: 'dhcp', suggestion: '[{start: "10.50.0.200", stop: "10.50.0.210"}]' }],
  },
  {
    name: 'a Service pinned inside the DHCP range: nothing can keep it, no suggestion',
    files: { 'talium.config.yaml': config(`${LAN}\ndhcp: 10.50.0.100-10.50.0.199`), 'pool.yaml': pool('a', [range('10.50.0.150', '10.50.0.210')]), 'svc.yaml': svc('web', '10.50.0.160') },
    want: [{ messageId: 'dhcp', suggestion: undefined }],
  },
  {
    name: 'whole LAN, no requests: the largest free run',
    files: { 'talium.config.yaml': config('lan: 10.50.0.0/24\ngateway: 10.50.0.100\nvip: 10.50.0.10'), 'pool.yaml': pool('a', [cidr('10.50.0.0/24')]) },
    want: [{ messageId: 'several', suggestion: '[{start: "10.50.0.101", stop: "10.50.0.254"}]' }],
  },
  {
    name: 'whole LAN with Service IPs pinned on both sides of the gateway: one block per side, not the largest run alone',
    files: {
      'talium.config.yaml': config('lan: 10.50.0.0/24\ngateway: 10.50.0.100\nvip: 10.50.0.10'),
      'pool.yaml': pool('a', [cidr('10.50.0.0/24')]),
      'svc.yaml': svc('dns', '10.50.0.53') + svc('web', '10.50.0.200', 'legacy') + svc('old', '10.50.0.230', 'spec'),
    },
    want: [{ messageId: 'several', suggestion: '[{start: "10.50.0.11", stop: "10.50.0.99"}, {start: "10.50.0.101", stop: "10.50.0.254"}]' }],
  },
  {
    name: 'both pinned IPs on one side: one block suffices',
    files: { 'talium.config.yaml': config('lan: 10.50.0.0/24\ngateway: 10.50.0.100\nvip: 10.50.0.10'), 'pool.yaml': pool('a', [cidr('10.50.0.0/24')]), 'svc.yaml': svc('dns', '10.50.0.53,10.50.0.54') },
    want: [{ messageId: 'several', suggestion: '[{start: "10.50.0.11", stop: "10.50.0.99"}]' }],
  },
  {
    name: 'a requested IP is the gateway itself: no suggestion',
    files: { 'talium.config.yaml': config(LAN), 'pool.yaml': pool('a', [cidr('10.50.0.0/28')]), 'svc.yaml': svc('bad', '10.50.0.1') },
    want: [{ messageId: 'gateway', suggestion: undefined }],
  },
  {
    name: 'a Cilium Gateway\'s spec.addresses is a request too (the smaller run that holds it, not the largest)',
    files: {
      'talium.config.yaml': config('lan: 10.50.0.0/24\ngateway: 10.50.0.100'),
      'pool.yaml': pool('a', [cidr('10.50.0.0/24')]),
      'gw.yaml': 'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: internal\n  namespace: net\nspec:\n  gatewayClassName: cilium\n  addresses:\n    - value: 10.50.0.20\n  listeners:\n    - name: http\n      port: 80\n      protocol: HTTP\n',
    },
    want: [{ messageId: 'gateway', suggestion: '[{start: "10.50.0.1", stop: "10.50.0.99"}]' }],
  },
  {
    name: 'a Service the pool does not select keeps nothing here',
    files: {
      'talium.config.yaml': config('lan: 10.50.0.0/24\ngateway: 10.50.0.100'),
      'pool.yaml': pool('a', [cidr('10.50.0.0/24')], '  serviceSelector:\n    matchLabels:\n      pool: a\n'),
      'svc.yaml': svc('other', '10.50.0.53', 'ips', 'pool: b') + svc('mine', '10.50.0.200', 'ips', 'pool: a'),
    },
    want: [{ messageId: 'gateway', suggestion: '[{start: "10.50.0.101", stop: "10.50.0.254"}]' }],
  },
  {
    name: 'a /32 on the VIP, nothing requested: one free address next to it',
    files: { 'talium.config.yaml': config(`${LAN}\nvip: 10.50.0.10`), 'pool.yaml': pool('a', [cidr('10.50.0.10/32')]) },
    want: [{ messageId: 'vip', suggestion: '[{cidr: "10.50.0.9/32"}]' }],
  },
  {
    name: 'a /32 on the VIP that a Service requests: no suggestion',
    files: { 'talium.config.yaml': config(`${LAN}\nvip: 10.50.0.10`), 'pool.yaml': pool('a', [cidr('10.50.0.10/32')]), 'svc.yaml': svc('api', '10.50.0.10') },
    want: [{ messageId: 'vip', suggestion: undefined }],
  },
  {
    name: 'a free run that is exactly a CIDR: cidr when the pool hands out its first and last address (Cilium 1.18 default)',
    files: { 'talium.config.yaml': config('lan: 10.50.0.0/23\nreserved: [10.50.0.192/27]\nversions:\n  cilium: 1.18.4'), 'pool.yaml': pool('a', [cidr('10.50.0.192/26')]) },
    want: [{ messageId: 'reserved', suggestion: '[{cidr: "10.50.0.224/27"}]' }],
  },
  {
    name: 'the same run with allowFirstLastIPs "No": start/stop (a cidr would lose two addresses)',
    files: { 'talium.config.yaml': config('lan: 10.50.0.0/23\nreserved: [10.50.0.192/27]\nversions:\n  cilium: 1.18.4'), 'pool.yaml': pool('a', [cidr('10.50.0.192/26')], '  allowFirstLastIPs: "No"\n') },
    want: [{ messageId: 'reserved', suggestion: '[{start: "10.50.0.224", stop: "10.50.0.255"}]' }],
  },
  {
    name: 'the same run, Cilium version unknown: start/stop',
    files: { 'talium.config.yaml': config('lan: 10.50.0.0/23\nreserved: [10.50.0.192/27]'), 'pool.yaml': pool('a', [cidr('10.50.0.192/26')]) },
    want: [{ messageId: 'reserved', suggestion: '[{start: "10.50.0.224", stop: "10.50.0.255"}]' }],
  },
  {
    name: 'another pool and another block of the pool are not suggested; a request another block holds is not kept here',
    files: {
      'talium.config.yaml': config(LAN),
      'pool.yaml': pool('a', [cidr('10.50.0.0/26'), cidr('10.50.0.16/28')]) + '---\n' + pool('b', [cidr('10.50.0.32/27')]),
      'svc.yaml': svc('web', '10.50.0.20'),
    },
    want: [{ messageId: 'gateway', suggestion: '[{start: "10.50.0.2", stop: "10.50.0.15"}]' }],
  },
  {
    name: 'IPv6: the pinned address keeps its run',
    files: { 'talium.config.yaml': config('lan: 2001:db8:50::/64\ngateway: 2001:db8:50::100'), 'pool.yaml': pool('a', [cidr('2001:db8:50::/120'), cidr('2001:db8:50::100/120')]), 'svc.yaml': svc('web', '2001:db8:50::1ff') },
    want: [{ messageId: 'gateway', suggestion: '[{start: "2001:db8:50::101", stop: "2001:db8:50::1ff"}]' }],
  },
  {
    name: 'LAN unknown, a range in one /24: off its .255',
    files: { 'talium.config.yaml': config('gateway: 10.50.0.230'), 'pool.yaml': pool('a', [range('10.50.0.224', '10.50.0.255')]) },
    want: [{ messageId: 'gateway', suggestion: '[{start: "10.50.0.231", stop: "10.50.0.254"}]' }],
  },
];

test('network/pool-reserved-address suggests blocks that keep the requested IPs', () => {
  for (const row of ROWS) {
    const got = lintRepo(row.files, [poolReserved]).filter((d) => d.ruleId === poolReserved.meta.id);
    assert.deepEqual(
      got.map((d) => ({ messageId: d.messageId, suggestion: d.data?.['suggestion'] })),
      row.want,
      row.name,
    );
    for (const d of got) {
      // the sentence is in the message exactly when there is a suggestion
      const s = d.data?.['suggestion'];
      assert.equal(d.data?.['suggested'] === '', s === undefined, `${row.name}: data.suggested`);
      if (typeof s === 'string') assert.ok(d.message.endsWith(`${s}.`), `${row.name}: ${d.message}`);
    }
  }
});

test('the suggestion keeps every requested IP and holds nothing taken (brute force over small layouts)', () => {
  const lan = parseCidr('10.0.0.0/27')!;
  let seed = 7;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  for (let i = 0; i < 400; i++) {
    const a = BigInt(rnd(32));
    const b = a + BigInt(rnd(32 - Number(a)));
    const span = { family: 4 as const, first: lan.first + a, last: lan.first + b };
    const taken = Array.from({ length: rnd(4) }, () => {
      const x = lan.first + BigInt(rnd(32));
      return { family: 4 as const, first: x, last: x + BigInt(rnd(3)) };
    });
    const requested = Array.from({ length: rnd(3) }, () => span.first + BigInt(rnd(Number(b - a) + 1)));
    const got = suggestBlocks({ span, lan, taken, requested, size: b - a + 1n, cidrAllocatesEdges: () => true });
    const isTaken = (v: bigint): boolean => v === lan.first || v === lan.last || taken.some((t) => t.first <= v && v <= t.last);
    if (!got) {
      // silent only when a request cannot be kept, or nothing in the LAN is free
      assert.ok(requested.some(isTaken) || freeRuns(lan, [...taken, { family: 4, first: lan.first, last: lan.first }, { family: 4, first: lan.last, last: lan.last }]).length === 0, `silent for ${JSON.stringify({ a, b, taken, requested }, (_, v) => (typeof v === 'bigint' ? Number(v) : v))}`);
      continue;
    }
    const held: bigint[] = [];
    for (const blk of got) {
      if ('cidr' in blk) {
        const c = parseCidr(blk.cidr)!;
        for (let v = c.first; v <= c.last; v++) held.push(v);
      } else {
        const s = BigInt(blk.start.split('.').reduce((n, o) => n * 256 + Number(o), 0));
        const e = BigInt(blk.stop.split('.').reduce((n, o) => n * 256 + Number(o), 0));
        for (let v = s; v <= e; v++) held.push(v);
      }
    }
    assert.ok(held.length > 0);
    for (const v of held) assert.ok(!isTaken(v), `suggestion holds a taken address ${v}`);
    for (const r of requested) assert.ok(held.includes(r), `requested ${r} kept`);
    // the fewest blocks: one per distinct free run holding a request
    if (requested.length) assert.ok(got.length <= new Set(requested).size);
  }
});
