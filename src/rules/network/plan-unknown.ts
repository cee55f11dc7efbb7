/**
 * network/plan-unknown: a cluster announces LB-IPAM pools over L2 but talium knows no LAN for it, so the pool rules
 * that compare blocks with the network (pool-outside-lan, pool-network-broadcast, most of pool-reserved-address)
 * have nothing to compare with. Says so once per cluster, at its first pool, instead of passing silently, and names
 * the YAML templates (`*.yaml.j2`...) discovery found and did not read, where the missing facts usually are.
 */
import { groupPools, usesL2 } from '../../plan/lb.js';
import type { NetworkPlan } from '../../plan/types.js';
import { defineRule } from '../types.js';

/** Templates named in the message (all of them are in `data.templates`). */
const MAX_LISTED = 3;

const POLICY = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n';
const POOL = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 10.50.0.224/28\n';

/**
 * The templates of cluster `name`: in a repository of several clusters, those with a folder named like the cluster on
 * their path (`talos/main/cp.yaml.j2` for cluster main) when there are any; otherwise all of them (which cluster a
 * template renders for is not known).
 */
function clusterTemplates(templates: readonly string[], name: string): readonly string[] {
  const own = templates.filter((t) => t.split('/').slice(0, -1).includes(name));
  return own.length ? own : templates;
}

/** The plan facts the pool rules compare blocks with that the group lacks, in the order the message names them. */
function unknownFacts(plan: NetworkPlan): string[] {
  const out = ['lan'];
  if (!plan.gateway) out.push('gateway');
  if (!plan.vip) out.push('vip');
  if (!plan.nodes.some((n) => n.address)) out.push('node addresses');
  return out;
}

export default defineRule({
  meta: {
    id: 'network/plan-unknown',
    description: 'Pools are announced over L2, but the LAN is unknown, so they are not checked against the network.',
    severity: 'info',
    messages: {
      noLan:
        'Cluster "{{cluster}}" announces LB-IPAM pools over L2, but its LAN is unknown ({{unknown}} unknown): nothing checks {{pools}} against the LAN, the gateway, the VIP or the nodes.',
      noLanTemplates:
        'Cluster "{{cluster}}" announces LB-IPAM pools over L2, but its LAN is unknown ({{unknown}} unknown): nothing checks {{pools}} against the network. The facts are likely in YAML templates talium does not read: {{listed}}.',
    },
    help: 'State the network under `plan:` in talium.config.yaml (lan, gateway, vip, dhcp; node addresses under reserved), or commit rendered Talos machine configs or patches with the nodes\' static addresses.',
    docs: {
      what:
        'For a cluster that announces LoadBalancer addresses over L2 (a CiliumL2AnnouncementPolicy, or `l2announcements.enabled` in its Cilium values) and has LB-IPAM pools, reports once, at its first pool, when no LAN is known: neither cluster.yaml, nor talium.config.yaml `plan.lan`, nor the static addresses of the nodes in Talos configs or talconfig.yaml give one.\n' +
        '\n' +
        '`data.unknown` lists the missing facts; `data.templates` the YAML templates (`*.yaml.j2`, `*.yaml.tmpl`...) talium found and did not read, where such repositories keep their Talos configs.\n' +
        '\n' +
        'Not reported when a run reads only some paths, where the facts may sit in a file not read.',
      why:
        'The pool rules that catch the outages of an L2 setup (a pool holding the gateway, a node, the VIP or the DHCP range; a pool outside the LAN) compare pool blocks with the LAN. Without it they pass without a word, and a clean run reads as "the pools are fine".',
      fix: 'Add a `plan:` to talium.config.yaml with `lan`, `gateway`, `vip` and `dhcp` (and node addresses as `reserved` ranges), or keep rendered Talos configs in the repository.',
      sources: ['https://docs.cilium.io/en/stable/network/l2-announcements/', 'https://docs.cilium.io/en/stable/network/lb-ipam/'],
    },
    examples: {
      valid: [{ files: { 'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n', 'l2.yaml': POLICY, 'pool.yaml': POOL } }],
      invalid: [
        { files: { 'l2.yaml': POLICY, 'pool.yaml': POOL } },
        { files: { 'l2.yaml': POLICY, 'pool.yaml': POOL, 'talos/controlplane.yaml.j2': 'machine:\n  network:\n    hostname: {{ name }}\n' }, note: 'the Talos configs are templates talium does not read' },
      ],
    },
    needsWholeTree: ['noLan', 'noLanTemplates'],
  },
  check({ cluster, tree }) {
    if (cluster.plan.lan || !usesL2(cluster)) return [];
    // pools with an address range to compare (a malformed block is network/pool-block-invalid's)
    const pools = groupPools(cluster).filter((p) => !p.disabled && p.blocks.some((b) => b.interval));
    if (!pools.length) return [];
    const first = [...pools].sort((a, b) => (a.doc.file.path < b.doc.file.path ? -1 : a.doc.file.path > b.doc.file.path ? 1 : a.doc.index - b.doc.index))[0]!;
    const templates = clusterTemplates(tree?.templates ?? [], cluster.name);
    const names = [...new Set(pools.map((p) => p.name))];
    const data: Record<string, string | number> = {
      cluster: cluster.name,
      pool: first.name,
      count: names.length,
      pools: names.length === 1 ? `pool "${first.name}"` : `its ${names.length} pools ("${first.name}" and ${names.length - 1} more)`,
      unknown: unknownFacts(cluster.plan).join(', '),
    };
    if (templates.length) {
      data['templates'] = templates.join(', ');
      data['listed'] = templates.slice(0, MAX_LISTED).join(', ') + (templates.length > MAX_LISTED ? ` and ${templates.length - MAX_LISTED} more` : '');
    }
    const path = first.doc.get(['metadata', 'name']) === undefined ? [] : ['metadata', 'name'];
    return [{ doc: first.doc, path, messageId: templates.length ? 'noLanTemplates' : 'noLan', data }];
  },
});
