/**
 * One CiliumLoadBalancerIPPool per spec pool: `cilium.io/v2` from Cilium 1.18, `v2alpha1` before; `blocks` as
 * `cidr` or `start`/`stop`; `allowFirstLastIPs` as the quoted string "Yes"/"No".
 */
import { POOL_KIND, poolApiVersion } from '../../data/cilium.js';
import { formatIp } from '../../net/ip.js';
import type { Cluster, ClusterPool } from '../../spec/types.js';
import { ciliumObjectAnnotations } from '../gitops-annotations.js';

export function poolBlocks(p: ClusterPool): Array<Record<string, string>> {
  return p.blocks.map((b): Record<string, string> => {
    if (b.cidr) return { cidr: b.cidr.canonical };
    const { family, first, last } = b.interval;
    if (first === last) return { cidr: `${formatIp(family, first)}/${family === 4 ? 32 : 128}` };
    return { start: formatIp(family, first), stop: formatIp(family, last) };
  });
}

/**
 * `allowFirstLastIPs` only matters for CIDR blocks larger than /31 (ranges reserve nothing; /31 and /32 are
 * exempt [POOL-CRD]), so it is written only when such a block exists: never a setting that does nothing.
 */
export function needsAllowFirstLast(p: ClusterPool): boolean {
  return p.blocks.some((b) => b.cidr !== undefined && b.cidr.prefix < (b.cidr.family === 4 ? 31 : 127));
}

export function poolObject(c: Cluster, p: ClusterPool): Record<string, unknown> {
  const spec: Record<string, unknown> = { blocks: poolBlocks(p) };
  if (needsAllowFirstLast(p)) spec['allowFirstLastIPs'] = p.allowFirstLastIPs ? 'Yes' : 'No';
  if (p.serviceSelector) spec['serviceSelector'] = p.serviceSelector;
  const metadata: Record<string, unknown> = { name: p.name, labels: { 'app.kubernetes.io/managed-by': 'talium' } };
  const annotations = ciliumObjectAnnotations(c);
  if (annotations) metadata['annotations'] = annotations;
  return { apiVersion: poolApiVersion(c.versions.cilium), kind: POOL_KIND, metadata, spec };
}

export function poolObjects(c: Cluster): Record<string, unknown>[] {
  return c.pools.map((p) => poolObject(c, p));
}
