/**
 * cilium/node-ipam-no-node: a LoadBalancer Service that Cilium Node IPAM serves (lib/node-ipam.ts) on a cluster whose
 * every node is a Talos ≥1.8 control plane still labelled node.kubernetes.io/exclude-from-external-load-balancers
 * (talos/lib/exclude-lb-label.ts): Node IPAM skips every node, so the Service never gets an address. Whether Node
 * IPAM is on at all is cilium/feature-off's.
 */
import { EXCLUDE_FROM_LB_LABEL } from '../../data/talos.js';
import { NODE_IPAM_SINCE } from '../../data/cilium.js';
import { kustomizePatchFiles } from '../../plan/kustomize-patches.js';
import { factRelated } from '../../plan/lb.js';
import { controlPlanesExcludedFromLb } from '../talos/lib/exclude-lb-label.js';
import { defineRule, type RuleFinding } from '../types.js';
import { nodeIpamServices } from './lib/node-ipam.js';
import { completeNodeList, nodeDeclarations } from './lib/node-list.js';
import { SRC } from './lib/sources.js';
import { everyReleaseBefore } from './lib/values.js';

const TALCONFIG = (version: string, nodes: Array<[string, boolean]>, extra = '') =>
  `clusterName: home\ntalosVersion: ${version}\nendpoint: https://10.50.0.10:6443\nnodes:\n${nodes.map(([n, cp], i) => `  - hostname: ${n}\n    ipAddress: 10.50.0.${11 + i}\n    controlPlane: ${cp}\n`).join('')}${extra}`;
const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: ingress\n  namespace: ingress\nspec:\n  type: LoadBalancer\n  loadBalancerClass: io.cilium/node\n  selector:\n    app: ingress\n  ports:\n    - port: 443\n';
const VALUES = 'kubeProxyReplacement: true\nnodeIPAM:\n  enabled: true\n';
const CPS: Array<[string, boolean]> = [['cp1', true], ['cp2', true], ['cp3', true]];
const DELETE_LABEL = `controlPlane:\n  patches:\n    - |-\n      machine:\n        nodeLabels:\n          ${EXCLUDE_FROM_LB_LABEL}:\n            $patch: delete\n`;

export default defineRule({
  meta: {
    id: 'cilium/node-ipam-no-node',
    description: 'A Node IPAM LoadBalancer Service on a cluster of Talos control planes only, which carry the label Node IPAM skips, never gets an address.',
    severity: 'warning',
    messages: {
      noNode: `Service "{{name}}" gets its address from Cilium Node IPAM, which skips nodes labelled ${EXCLUDE_FROM_LB_LABEL}; Talos {{talos}} puts that label on control planes, and all {{count}} node(s) ({{nodes}}) are control planes, so no node serves the Service and it stays pending.`,
    },
    help: `Delete the label on the control planes with a Talos patch (machine.nodeLabels: {${EXCLUDE_FROM_LB_LABEL}: {$patch: delete}}; Talos 1.14 keeps node labels in the KubeNodeConfig document), or add a worker node.`,
    docs: {
      what: `For each LoadBalancer Service that Cilium Node IPAM serves (class \`io.cilium/node\`, or no class when every governing Cilium release sets \`defaultLBServiceIPAM: nodeipam\`), checks the cluster's node list: Node IPAM has no node to take the address from when\n` +
        `- it names every node (cluster.yaml, talconfig.yaml);\n` +
        `- all of them are control planes;\n` +
        `- the pinned Talos version is 1.8 or later;\n` +
        `- no visible Talos document removes \`${EXCLUDE_FROM_LB_LABEL}\` (a \`$patch: delete\` on it, a replaced \`nodeLabels\` mapping, a JSON6902 op on \`/machine/nodeLabels\`, a KubeNodeConfig deleted or patched on its labels, a control-plane config as \`talosctl gen config\` writes it (machine token and CA) without it, in machine configs, patches and talhelper inline patches). A patch that starts like a whole config (\`version: v1alpha1\` with \`machine\` and \`cluster\`, as Terraform \`config_patches\` often do) but has no token and CA is merged into a generated config that carries the label: node labels it lists leave the label in place.\n` +
        `\n` +
        `Silent when:\n` +
        `- the node list is not complete (nodes read from machine configs);\n` +
        `- a node is a worker or of unknown role;\n` +
        `- the Talos version is unknown or older than 1.8;\n` +
        `- a talhelper control-plane patch file was not read;\n` +
        `- every Cilium release is pinned before 1.16 (no Node IPAM at all: cilium/feature-off).\n` +
        `\n` +
        `Whether Node IPAM is turned on is cilium/feature-off's; this rule reports the Service either way.`,
      why: `Node IPAM publishes the addresses of the nodes it selects and skips nodes carrying \`${EXCLUDE_FROM_LB_LABEL}\` (also nodes being deleted or tainted by the cluster autoscaler). Talos 1.8 and later add that label to every generated control-plane config, also when control planes take workloads (\`allowSchedulingOnControlPlanes: true\`), so on a cluster of control planes only (the common one- or three-node home cluster) the Service keeps \`<pending>\` as its external IP, and nothing in Cilium's default logging says why.`,
      fix: `Delete the label on the control planes with a Talos machine-config patch applied to them (\`machine: {nodeLabels: {${EXCLUDE_FROM_LB_LABEL}: {$patch: delete}}}\`; from Talos 1.14 node labels live in the KubeNodeConfig document), or add worker nodes, which do not carry it.`,
      sources: [SRC.nodeIpam, 'https://github.com/cilium/cilium/issues/38793', 'https://github.com/siderolabs/talos/issues/9960', 'https://docs.siderolabs.com/talos/latest/deploy-and-manage-workloads/workers-on-controlplane'],
    },
    examples: {
      valid: [
        { files: { 'talos/talconfig.yaml': TALCONFIG('v1.10.5', [['cp1', true], ['w1', false]]), 'cilium/values.yaml': VALUES, 'ingress/svc.yaml': SVC }, note: 'a worker does not carry the label' },
        { files: { 'talos/talconfig.yaml': TALCONFIG('v1.10.5', CPS, DELETE_LABEL), 'cilium/values.yaml': VALUES, 'ingress/svc.yaml': SVC }, note: 'a control-plane patch deletes the label' },
      ],
      invalid: [{ files: { 'talos/talconfig.yaml': TALCONFIG('v1.10.5', CPS), 'cilium/values.yaml': VALUES, 'ingress/svc.yaml': SVC }, note: 'three control planes and no worker' }],
    },
    // the node list, a patch deleting the label and a newer Cilium release may sit in files a partial run does not read
    needsWholeTree: ['noNode'],
  },
  check({ cluster, all }) {
    const nodes = cluster.plan.nodes;
    if (!completeNodeList(nodes) || nodes.some((n) => n.role !== 'controlplane')) return [];
    // every release pinned before Node IPAM: there is no Node IPAM to skip nodes (cilium/feature-off says so)
    if (everyReleaseBefore(cluster, NODE_IPAM_SINCE)) return [];
    const patchFiles = kustomizePatchFiles(all);
    const services = nodeIpamServices(cluster).filter((s) => !patchFiles.has(s.doc.file.path));
    if (!services.length) return [];
    const talos = controlPlanesExcludedFromLb(cluster);
    if (!talos) return [];
    const related = [...factRelated(talos, `Talos ${talos.value} labels control planes ${EXCLUDE_FROM_LB_LABEL}.`), ...nodeDeclarations(nodes)];
    return services.map(({ doc, path }): RuleFinding => ({
      doc,
      path,
      messageId: 'noNode',
      everyGroup: true,
      data: { name: doc.name ?? '', talos: talos.value, count: nodes.length, nodes: nodes.map((n) => n.name).join(', ') },
      related,
    }));
  },
});
