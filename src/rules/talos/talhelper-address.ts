/**
 * talos/talhelper-address: an address in talhelper's talconfig.yaml (a node's `ipAddress`, interface and VLAN
 * `addresses`, a `vip.ip`) that is written as a dotted quad but is no IPv4 address (`10.0.5.300`), after talenv.yaml
 * values are substituted. talhelper passes it on and the node's config is broken; talium's plan leaves the node or
 * VIP out.
 */
import { parseCidr, parseIp } from '../../net/ip.js';
import { isObj } from '../../plan/util.js';
import type { Path } from '../../core/document.js';
import { defineRule, type RuleFinding } from '../types.js';

/** Written as an IPv4 address (four dot-separated numbers, an optional /prefix), which a typo can break. */
const DOTTED = /^\d+\.\d+\.\d+\.\d+(?:\/\d+)?$/;

const TALCONFIG = (ip: string, addr: string) =>
  `clusterName: home\ntalosVersion: v1.12.4\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: ${ip}\n    controlPlane: true\n    networkInterfaces:\n      - interface: enp1s0\n        addresses: [${addr}]\n        vip:\n          ip: 10.50.0.10\n`;

export default defineRule({
  meta: {
    id: 'talos/talhelper-address',
    description: 'An address in talhelper\'s talconfig.yaml is written as IPv4 but is not a valid address.',
    severity: 'error',
    messages: {
      invalid: 'talhelper node "{{node}}" {{field}} "{{value}}" is not a valid IPv4 {{what}}; the generated machine config is broken and the node is left out of the network plan.',
    },
    help: 'Fix the address (each of the four numbers 0-255, a prefix 0-32); when it comes from talenv.yaml, fix it there.',
    docs: {
      what: 'In talhelper `talconfig.yaml` (with talenv.yaml values substituted), checks each node\'s `ipAddress`, `networkInterfaces[].addresses`, `networkInterfaces[].vip.ip` and the same under `vlans[]`: a value written as four dot-separated numbers must be an IPv4 address (or CIDR for `addresses`). Host names are not judged.',
      why: 'talhelper copies these values into the machine configs it generates; Talos rejects a bad address at apply time, and until then talium cannot place the node or the VIP (a pool colliding with it goes unreported).',
      fix: 'Correct the address in talconfig.yaml or in the talenv.yaml variable it comes from.',
      sources: ['https://budimanjojo.github.io/talhelper/latest/reference/configuration/'],
    },
    examples: {
      valid: [{ files: { 'talos/talconfig.yaml': TALCONFIG('10.50.0.11', '10.50.0.11/24') } }],
      invalid: [{ files: { 'talos/talconfig.yaml': TALCONFIG('10.50.0.311', '10.50.0.11/24') } }, { files: { 'talos/talconfig.yaml': TALCONFIG('10.50.0.11', '10.50.0.11/33') } }],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const d of cluster.docs) {
      if (d.docClass !== 'talhelper') continue;
      const nodes = d.get(['nodes']);
      if (!Array.isArray(nodes)) continue;
      nodes.forEach((n, i) => {
        if (!isObj(n)) return;
        const node = typeof n['hostname'] === 'string' ? n['hostname'] : `#${i + 1}`;
        const check = (v: unknown, path: Path, field: string, cidr: boolean) => {
          if (typeof v !== 'string' || !DOTTED.test(v.trim())) return;
          const t = v.trim();
          const ok = t.includes('/') ? cidr && parseCidr(t) !== undefined : parseIp(t)?.family === 4;
          if (!ok) out.push({ doc: d, path, messageId: 'invalid', data: { node, field, value: t, what: t.includes('/') ? 'CIDR' : 'address' } });
        };
        const base: Path = ['nodes', i];
        check(n['ipAddress'], [...base, 'ipAddress'], 'ipAddress', false);
        const ifaces = n['networkInterfaces'];
        if (!Array.isArray(ifaces)) return;
        ifaces.forEach((iface, j) => {
          if (!isObj(iface)) return;
          const links: Array<[Record<string, unknown>, Path]> = [[iface, [...base, 'networkInterfaces', j]]];
          const vlans = iface['vlans'];
          if (Array.isArray(vlans)) vlans.forEach((vl, k) => isObj(vl) && links.push([vl, [...base, 'networkInterfaces', j, 'vlans', k]]));
          for (const [l, p] of links) {
            const addrs = l['addresses'];
            if (Array.isArray(addrs)) addrs.forEach((a, m) => check(a, [...p, 'addresses', m], 'address', true));
            const vip = l['vip'];
            if (isObj(vip)) check(vip['ip'], [...p, 'vip', 'ip'], 'vip.ip', false);
          }
        });
      });
    }
    return out;
  },
});
