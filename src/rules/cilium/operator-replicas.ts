/** cilium/operator-replicas: `operator.replicas` (default 2) above the node count leaves replicas Pending (required anti-affinity). */
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';
import { SRC } from './lib/sources.js';
import { nodeCount } from './lib/node-list.js';
import { dedupe, incomplete, isSet, placeOf, releasePlace, releases, unknowable, valueOf } from './lib/values.js';

const TALCONFIG = 'clusterName: home\ntalosVersion: v1.13.9\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n';

export default defineRule({
  meta: {
    id: 'cilium/operator-replicas',
    description: '`operator.replicas` must not exceed the number of nodes (one operator per node by required anti-affinity).',
    severity: 'warning',
    messages: {
      tooMany: 'operator.replicas is {{replicas}}{{defaulted}} but the cluster has {{nodes}} node(s); the operator\'s required per-node anti-affinity leaves {{pending}} replica(s) Pending.',
    },
    help: 'Set `operator.replicas` to at most the node count (1 on a single-node cluster).',
    docs: {
      what: 'Compares `operator.replicas` (chart default 2) with the nodes the network plan knows. Not judged when the nodes come from an Omni cluster template: a machine set there stands for `machineClass.size` machines, and only sets with a static address in their patches are listed.',
      why: 'The chart gives cilium-operator a required pod anti-affinity per hostname, so extra replicas never schedule; rollouts and PodDisruptionBudgets then wait forever.',
      fix: 'Lower `operator.replicas`, or add nodes.',
      sources: [SRC.helmRef],
    },
    examples: {
      valid: [{ files: { 'talos/talconfig.yaml': TALCONFIG, 'cilium/values.yaml': 'operator:\n  replicas: 1\n' } }],
      invalid: [{ files: { 'talos/talconfig.yaml': TALCONFIG, 'cilium/values.yaml': 'operator:\n  replicas: 2\n' } }],
    },
  },
  check({ cluster }) {
    const nodes = nodeCount(cluster.plan.nodes);
    if (!nodes) return [];
    const out: RuleFinding[] = [];
    for (const r of releases(cluster)) {
      const raw = valueOf(r, ['operator', 'replicas']);
      if (unknowable(raw)) continue;
      const set = isSet(r, ['operator', 'replicas']);
      const replicas = set ? Number(raw) : 2;
      if (!Number.isFinite(replicas) || replicas <= nodes || (!set && incomplete(r, cluster.docs))) continue;
      const related: RelatedFinding[] = cluster.plan.nodes
        .filter((n) => n.from?.doc)
        .slice(0, 3)
        .map((n) => ({ doc: n.from!.doc!, path: n.from!.path ?? [], message: `Node "${n.name}".` }));
      out.push({ ...(set ? placeOf(r, ['operator', 'replicas']) : releasePlace(r)), messageId: 'tooMany', data: { replicas, defaulted: set ? '' : ' (chart default)', nodes, pending: replicas - nodes }, ...(related.length ? { related } : {}) });
    }
    return dedupe(out);
  },
});
