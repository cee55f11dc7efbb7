/**
 * Builds the resolved `Cluster` model from a schema-valid, check-clean cluster.yaml value: defaults applied,
 * addresses parsed, nodes and pools sorted by name, Talos link names computed. Pure.
 */
import { parseCidr, parseIp } from '../net/ip.js';
import { DEFAULT_API_PORT, DEFAULT_POD_SUBNET, DEFAULT_SERVICE_SUBNET, KUBEPRISM_DEFAULT_PORT, vlanLinkName } from '../data/talos.js';
import { LEASE_DEFAULTS } from '../data/cilium.js';
import { parseBlock } from './addresses.js';
import type { Addr, Cluster, ClusterNode, ClusterPool, ClusterSpecInput } from './types.js';

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function addr(text: string, path: Addr['path']): Addr {
  const ip = parseIp(text);
  if (!ip) throw new Error(`resolve: unparsable address ${text} (checks should have caught it)`);
  return { text: text.trim(), value: ip.value, path };
}

/** Strip a leading `v` so every consumer sees `1.14.1`. */
const bare = (v: string) => v.trim().replace(/^v/, '');

export function resolveCluster(input: ClusterSpecInput, name: string, specPath: string, dir: string, repoPrefix = ''): Cluster {
  const lanCidr = parseCidr(input.lan.cidr)!;
  const vlan = input.lan.vlan ?? 50;
  const nodes: ClusterNode[] = input.nodes
    .map((n, i) => {
      const mode = n.vlan ?? 'native';
      return {
        name: n.name,
        role: n.role,
        address: addr(n.address, ['nodes', i, 'address']),
        nic: n.nic,
        vlan: mode,
        link: mode === 'tagged' ? vlanLinkName(n.nic, vlan) : n.nic,
      };
    })
    .sort(byName);
  const pools: ClusterPool[] = input.pools
    .map((p, i) => ({
      name: p.name,
      blocks: p.blocks.map((text, j) => {
        const b = parseBlock(text);
        if (typeof b === 'string') throw new Error(`resolve: unparsable block ${text}`);
        const block: ClusterPool['blocks'][number] = { text: text.trim(), interval: b.interval, path: ['pools', i, 'blocks', j] };
        if (b.kind === 'cidr') block.cidr = b.cidr;
        return block;
      }),
      ...(p.serviceSelector ? { serviceSelector: p.serviceSelector } : {}),
      allowFirstLastIPs: p.allowFirstLastIPs ?? true,
    }))
    .sort(byName);
  const c = input.cluster ?? {};
  const vip = c.vip !== undefined ? addr(c.vip, ['cluster', 'vip']) : undefined;
  const firstCp = nodes.find((n) => n.role === 'controlplane');
  const endpoint = c.endpoint ?? `https://${vip?.text ?? firstCp?.address.text ?? lanCidr.canonical}:${DEFAULT_API_PORT}`;
  const l2 = input.cilium?.l2 ?? {};
  const dhcp = input.lan.dhcp !== undefined ? parseBlock(input.lan.dhcp) : undefined;
  const cluster: Cluster = {
    name,
    specPath,
    dir,
    repoPrefix,
    versions: { talos: bare(input.versions.talos), kubernetes: bare(input.versions.kubernetes), cilium: bare(input.versions.cilium) },
    gitops: { engine: input.gitops.engine, repository: input.gitops.repository, branch: input.gitops.branch ?? 'main' },
    lan: {
      vlan,
      cidr: lanCidr,
      gateway: addr(input.lan.gateway, ['lan', 'gateway']),
      ...(dhcp && typeof dhcp !== 'string' ? { dhcp: dhcp.interval } : {}),
      nameservers: [...(input.lan.nameservers ?? [])].map((s) => s.trim()),
    },
    podCidr: parseCidr(c.podCidr ?? DEFAULT_POD_SUBNET)!.canonical,
    serviceCidr: parseCidr(c.serviceCidr ?? DEFAULT_SERVICE_SUBNET)!.canonical,
    endpoint,
    schedulableControlPlanes: c.schedulableControlPlanes ?? false,
    kubePrismPort: c.kubePrismPort ?? KUBEPRISM_DEFAULT_PORT,
    nodes,
    cilium: {
      hubble: input.cilium?.hubble ?? true,
      operatorReplicas: input.cilium?.operatorReplicas ?? Math.min(2, nodes.length),
      l2: {
        services: l2.services ?? 10,
        leaseDuration: l2.leaseDuration ?? `${LEASE_DEFAULTS.leaseDuration}s`,
        leaseRenewDeadline: l2.leaseRenewDeadline ?? `${LEASE_DEFAULTS.leaseRenewDeadline}s`,
        leaseRetryPeriod: l2.leaseRetryPeriod ?? `${LEASE_DEFAULTS.leaseRetryPeriod}s`,
      },
      values: input.cilium?.values ?? {},
    },
    pools,
  };
  if (vip) cluster.vip = vip;
  return cluster;
}
