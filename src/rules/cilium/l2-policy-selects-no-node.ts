/**
 * cilium/l2-policy-selects-no-node: an L2 announcement policy whose `nodeSelector` certainly leaves out every node
 * of the cluster (typically the Cilium docs' "no control planes" selector on a cluster of control planes only), so
 * no node takes the lease and its addresses are never announced.
 */
import { mayBePatched } from '../../plan/kustomize-patches.js';
import { defineRule, type RuleFinding } from '../types.js';
import { completeNodeList, nodeDeclarations } from './lib/node-list.js';
import { l2Policies } from './lib/objects.js';
import { certainlyFails, requirements, type Requirement } from './lib/node-selector.js';
import { SRC } from './lib/sources.js';

const TALCONFIG = (nodes: Array<[string, boolean]>) =>
  `clusterName: home\ntalosVersion: v1.13.9\nendpoint: https://10.50.0.10:6443\nnodes:\n${nodes.map(([n, cp], i) => `  - hostname: ${n}\n    ipAddress: 10.50.0.${11 + i}\n    controlPlane: ${cp}\n`).join('')}`;
const POLICY = `apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  loadBalancerIPs: true\n  nodeSelector:\n    matchExpressions:\n      - key: node-role.kubernetes.io/control-plane\n        operator: DoesNotExist\n`;

/** How a requirement reads in a message: `key operator [values]`. */
function describe(req: Requirement): string {
  const values = req.operator === 'In' || req.operator === 'NotIn' ? ` [${req.values.map((v) => JSON.stringify(v ?? '')).join(', ')}]` : '';
  return `${req.key} ${req.operator}${values}`;
}

const L2_POLICY = 'CiliumL2AnnouncementPolicy';

export default defineRule({
  meta: {
    id: 'cilium/l2-policy-selects-no-node',
    description: 'An L2 announcement policy whose nodeSelector leaves out every node of the cluster announces nothing.',
    severity: 'error',
    messages: {
      noNode: 'L2 policy "{{name}}" selects none of the {{count}} node(s) ({{nodes}}): "{{requirement}}" leaves out {{first}}{{more}}; no node takes the lease, so the addresses it covers are never announced.',
    },
    help: 'Drop the requirement that leaves every node out (on a cluster of control planes only, do not exclude control planes), or add nodes it selects.',
    docs: {
      what: 'Evaluates each CiliumL2AnnouncementPolicy `nodeSelector` (`matchLabels`, `matchExpressions` with In, NotIn, Exists, DoesNotExist) against the nodes of the network plan using only the labels a Talos node certainly has:\n' +
        '- `kubernetes.io/os: linux`;\n' +
        '- `node-role.kubernetes.io/control-plane: ""` on control planes and not on workers.\n' +
        '\n' +
        'When every node certainly fails some requirement, the policy selects no node.\n' +
        '\n' +
        'Only a list of every node counts (cluster.yaml, talconfig.yaml): nodes read from Talos machine configs and patches may be a shared patch, or miss workers whose configs are not in the repository.\n' +
        '\n' +
        'A requirement on any other label (which kubectl or an operator may set on a running node) never rules a node out, and a node whose role is unknown is never ruled out by the control-plane label.\n' +
        '\n' +
        'Silent when:\n' +
        '- the plan has no nodes;\n' +
        '- the selector is templated;\n' +
        '- a kustomize patch (in a kustomization, a Flux Kustomization or an Argo CD source) may change the policy.',
      why: 'The L2 announcer elects one node per Service among the nodes the policy selects; with none, no node takes the lease and nothing answers ARP for the LoadBalancer IPs, while LB IPAM still assigns them: the Services look fine and are unreachable. The Cilium documentation\'s example policy excludes control planes, which on the common all-control-plane home cluster (one node, or three schedulable control planes) selects nothing (cilium/cilium#38123).',
      fix: 'Remove the `node-role.kubernetes.io/control-plane` exclusion (or the requirement the finding names) when the cluster has no workers, or add worker nodes.',
      sources: [SRC.l2, 'https://github.com/cilium/cilium/issues/38123'],
    },
    examples: {
      valid: [{ files: { 'talos/talconfig.yaml': TALCONFIG([['cp1', true], ['worker1', false]]), 'cilium/l2.yaml': POLICY }, note: 'the worker is selected' }],
      invalid: [{ files: { 'talos/talconfig.yaml': TALCONFIG([['cp1', true], ['cp2', true], ['cp3', true]]), 'cilium/l2.yaml': POLICY }, note: 'three control planes and no worker' }],
    },
    // the plan's nodes may sit in files a partial run does not read
    needsWholeTree: ['noNode'],
  },
  check({ cluster, all }) {
    const nodes = cluster.plan.nodes;
    if (!completeNodeList(nodes)) return [];
    const out: RuleFinding[] = [];
    for (const doc of l2Policies(cluster.docs)) {
      const reqs = requirements(doc.get(['spec', 'nodeSelector']));
      if (!reqs?.length || mayBePatched(all, L2_POLICY, doc.name)) continue;
      const excluding = nodes.map((n) => reqs.find((r) => certainlyFails(n, r)));
      if (excluding.some((r) => r === undefined)) continue;
      // the requirement that leaves out the most nodes names the finding
      const count = new Map<Requirement, number>();
      for (const r of excluding) count.set(r!, (count.get(r!) ?? 0) + 1);
      const [req, n] = [...count].sort((a, b) => b[1] - a[1])[0]!;
      out.push({
        doc,
        path: ['spec', 'nodeSelector', ...req.path],
        key: true,
        messageId: 'noNode',
        everyGroup: true,
        data: { name: doc.name ?? '', count: nodes.length, nodes: nodes.map((x) => x.name).join(', '), requirement: describe(req), first: n === nodes.length ? 'all of them' : `${n} of them`, more: n === nodes.length ? '' : ', the others fail other requirements' },
        related: nodeDeclarations(nodes),
      });
    }
    return out;
  },
});
