/**
 * Which LoadBalancer Services of a cluster group Cilium Node IPAM serves, as far as the repository shows: those of
 * class `io.cilium/node`, and, when every release that governs the running Cilium (1.17 or later, or an unknown
 * version) certainly sets `defaultLBServiceIPAM: nodeipam`, those without a class. Where a finding about such a
 * Service points, and where the default is set. Pure reads; no findings here.
 */
import type { Path, YamlDocument } from '../../../core/document.js';
import { placeKey } from '../../../core/finding.js';
import { docsOfKind } from '../../../core/kind-index.js';
import { DEFAULT_LB_SERVICE_IPAM_NODE, DEFAULT_LB_SERVICE_IPAM_SINCE, NODE_IPAM_CLASS } from '../../../data/cilium.js';
import { isLoadBalancerService } from '../../../plan/lb.js';
import type { ClusterGroup } from '../../../plan/types.js';
import { governingReleases, placeOf, releaseBefore, unseenMaySet, valueOf, type Place } from './values.js';

export const DEFAULT_LB_SERVICE_IPAM = ['defaultLBServiceIPAM'] as const;

/** A Service Node IPAM serves: the Service, the field that hands it to Node IPAM, and (class-less) where the default is set. */
export interface NodeIpamService {
  doc: YamlDocument;
  /** `spec.loadBalancerClass`, or `spec.type` for a Service without a class. */
  path: Path;
  /** Only for a Service without a class: the places that set `defaultLBServiceIPAM: nodeipam`. */
  defaultAt?: Place[];
}

/**
 * The places that set `defaultLBServiceIPAM: nodeipam` when every governing release certainly does (the value
 * itself, on a chart that reads it, and no values source the repository does not show may set it otherwise);
 * undefined otherwise (no release, another value, templated, a chart before 1.17 that has no such value).
 */
export function nodeIpamDefaultAt(cluster: ClusterGroup): Place[] | undefined {
  const rels = governingReleases(cluster);
  if (!rels.length) return undefined;
  const places = new Map<string, Place>();
  for (const r of rels) {
    if (valueOf(r, DEFAULT_LB_SERVICE_IPAM) !== DEFAULT_LB_SERVICE_IPAM_NODE || unseenMaySet(r, DEFAULT_LB_SERVICE_IPAM, cluster.docs)) return undefined;
    if (releaseBefore(cluster, r, DEFAULT_LB_SERVICE_IPAM_SINCE)) return undefined;
    const p = placeOf(r, DEFAULT_LB_SERVICE_IPAM);
    places.set(placeKey(p), p);
  }
  return [...places.values()];
}

/** The LoadBalancer Services of the group that Node IPAM serves (module header). */
export function nodeIpamServices(cluster: ClusterGroup): NodeIpamService[] {
  const out: NodeIpamService[] = [];
  let defaultAt: Place[] | undefined | null = null;
  for (const doc of docsOfKind(cluster.docs, 'Service')) {
    if (!isLoadBalancerService(doc)) continue;
    const cls = doc.get(['spec', 'loadBalancerClass']);
    if (cls === NODE_IPAM_CLASS) {
      out.push({ doc, path: ['spec', 'loadBalancerClass'] });
      continue;
    }
    if (cls !== undefined && cls !== null) continue;
    if (defaultAt === null) defaultAt = nodeIpamDefaultAt(cluster);
    if (defaultAt) out.push({ doc, path: ['spec', 'type'], defaultAt });
  }
  return out;
}
