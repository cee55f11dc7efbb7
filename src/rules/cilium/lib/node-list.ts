/**
 * The network plan's node list as rules about "which node can do this" read it: whether it names every node of the
 * cluster, and related locations pointing at where nodes are declared. Pure reads; no findings here.
 */
import type { PlanNode } from '../../../plan/types.js';
import type { RelatedFinding } from '../../types.js';

/**
 * A node list that names every node of the cluster (cluster.yaml, talhelper). Nodes read from Talos machine configs
 * may not: a shared control-plane patch with the VIP reads as one node, and a worker patch without addresses as none.
 */
export function completeNodeList(nodes: readonly PlanNode[]): boolean {
  return nodes.length > 0 && nodes.every((n) => n.from?.doc?.docClass === 'cluster-spec' || n.from?.doc?.docClass === 'talhelper');
}

/**
 * How many nodes the plan's list stands for, when it can be counted: undefined when a node was read from an Omni
 * cluster template, where a ControlPlane or Workers set with a static address in its patch reads as one node but is
 * `machineClass.size` (possibly unlimited) or `machines` machines, and the other sets of the template are not listed.
 */
export function nodeCount(nodes: readonly PlanNode[]): number | undefined {
  return nodes.some((n) => n.from?.doc?.docClass === 'omni-template') ? undefined : nodes.length;
}

/** Where the first nodes are declared (at most three), for related locations. */
export function nodeDeclarations(nodes: readonly PlanNode[]): RelatedFinding[] {
  return nodes
    .filter((n) => n.from?.doc)
    .slice(0, 3)
    .map((n) => ({ doc: n.from!.doc!, path: n.from!.path ?? [], message: `Node "${n.name}" (${n.role === 'controlplane' ? 'control plane' : n.role === 'worker' ? 'worker' : 'role unknown'}).` }));
}
