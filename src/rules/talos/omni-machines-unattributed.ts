/**
 * talos/omni-machines-unattributed: with templates of several Omni clusters, a machine set or Machine whose file
 * holds no single `kind: Cluster` belongs to no known cluster, so its machines are no node of any plan (info).
 * Reads plan/infer.ts readOmni's TalosFacts.omniUnattributed; no findings of its own making.
 */
import { defineRule, type RuleFinding } from '../types.js';

const OMNI_TEMPLATES = 'https://docs.siderolabs.com/omni/reference/cluster-templates';
const CLUSTER = (name: string) => `kind: Cluster\nname: ${name}\nkubernetes:\n  version: v1.35.2\ntalos:\n  version: v1.12.3\n`;
const WORKERS = 'kind: Workers\nname: edge\nmachineClass:\n  name: edge\n  size: 1\npatches:\n  - name: net\n    inline:\n      machine:\n        network:\n          interfaces:\n            - deviceSelector: {physical: true}\n              addresses: [10.60.0.21/24]\n';

export default defineRule({
  meta: {
    id: 'talos/omni-machines-unattributed',
    description: 'Machines of an Omni template file without a single Cluster cannot be attributed to one of the clusters.',
    severity: 'info',
    messages: {
      unattributed: 'The Omni {{kind}} "{{name}}" configures machines, but its file holds no single `kind: Cluster` and the repository describes several Omni clusters ({{clusters}}); talium cannot tell which cluster they belong to, so they are no nodes of its plan (no LAN, VIP or address checks from them).',
    },
    help: 'Keep each Omni cluster template whole in one file (one `kind: Cluster` with its ControlPlane, Workers and Machine documents), as `omnictl cluster template sync` reads it.',
    docs: {
      what: 'With templates of several Omni clusters in a cluster group, reports each machine set (ControlPlane, Workers) or Machine with network settings whose template file holds no `kind: Cluster` or more than one. Machines in a file with one Cluster belong to it: they are the plan\'s nodes when that cluster is named like the group (`clusters/<name>`), else listed with their cluster in `talium plan`.',
      why: 'An Omni cluster template holds exactly one Cluster; its machine sets belong to it. Machines talium cannot attribute are left out of the network plan, so their addresses, VIPs and gateways are not checked against pools and Services: silence about them is no all-clear.',
      fix: 'Put the documents into the template file of their cluster, or name the cluster group after the Omni cluster (`clusters/<cluster name>/`).',
      sources: [OMNI_TEMPLATES, 'https://github.com/siderolabs/omni/blob/main/client/pkg/template/internal/models/models.go'],
    },
    examples: {
      valid: [{ files: { 'omni/lab.yaml': CLUSTER('lab'), 'omni/edge.yaml': `${CLUSTER('edge')}---\n${WORKERS}` } }],
      invalid: [{ files: { 'omni/lab.yaml': CLUSTER('lab'), 'omni/edge.yaml': CLUSTER('edge'), 'omni/edge-workers.yaml': WORKERS }, note: 'the Workers file holds no Cluster' }],
    },
  },
  check({ cluster }) {
    const docs = cluster.plan.talos.omniUnattributed;
    if (!docs?.length) return [];
    const names = new Set<string>();
    for (const d of cluster.docs) if (d.docClass === 'omni-template' && d.kind === 'Cluster') names.add(typeof d.get(['name']) === 'string' ? String(d.get(['name'])) : d.file.path);
    const clusters = [...names].sort().join(', ');
    const out: RuleFinding[] = [];
    for (const d of docs) {
      const name = typeof d.get(['name']) === 'string' ? String(d.get(['name'])) : d.kind === 'ControlPlane' ? 'control-planes' : 'workers';
      out.push({ doc: d, path: ['kind'], messageId: 'unattributed', data: { kind: d.kind ?? '', name, clusters } });
    }
    return out;
  },
});
