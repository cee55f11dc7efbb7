/**
 * The ids `talium generate` reports (spec loading and the writer), with a one-line description, default severity
 * and help: fed to reporters (SARIF driver.rules) and the docs. Sorted by id.
 */
import type { RuleInfo } from '../report/types.js';

export const GENERATE_RULES: readonly RuleInfo[] = [
  { id: 'generate/drift', severity: 'error', description: 'A generated file is missing, out of date or stale (--check).', help: 'Run `talium generate` (`npx talium generate` where talium is a dev dependency) and commit the result.' },
  { id: 'generate/hand-edited', severity: 'error', description: 'A generated file was edited by hand (or is not talium\'s) and would be overwritten or deleted.', help: 'Move the change into cluster.yaml (or cilium.values), or rerun with --force to discard it.' },
  { id: 'spec/cidr-host-bits', severity: 'error', description: 'A CIDR has host bits set.', help: 'Write the network address (data.suggestion).' },
  { id: 'spec/cluster-cidr', severity: 'error', description: 'A pod or service CIDR the generated cluster cannot run with: IPv6, a pod network without a /24 per node, a service network larger than /12.', help: 'Use IPv4 private ranges sized for the nodes and services.' },
  { id: 'spec/cluster-name', severity: 'error', description: 'The cluster folder name is not a DNS label.', help: 'Rename the folder to lowercase letters, digits and dashes.' },
  { id: 'spec/devices-without-lan-link', severity: 'error', description: 'cilium.values.devices leaves out a node\'s LAN link, so L2 announcements are never answered there.', help: 'Add the link to devices, or leave devices unset.' },
  { id: 'spec/dotted-helm-key', severity: 'error', description: 'cilium.values has a `--set`-style dotted key, which Helm takes literally.', help: 'Write the key nested.' },
  { id: 'spec/duplicate-key', severity: 'error', description: 'A mapping repeats a key (reported at each repeat; the other checks run on the last value).', help: 'Remove or rename one of the duplicate keys.' },
  { id: 'spec/duplicate-node', severity: 'error', description: 'Two nodes share a name.', help: 'Give every node a unique hostname.' },
  { id: 'spec/duplicate-pool', severity: 'error', description: 'Two pools share a name.', help: 'Give every pool a unique name.' },
  { id: 'spec/egress-gateway-masquerade', severity: 'error', description: 'cilium.values enables the egress gateway without BPF and IPv4 masquerading: the agent does not start.', help: 'Set bpf.masquerade: true (and keep enableIPv4Masquerade), or turn the egress gateway off.' },
  { id: 'spec/even-control-planes', severity: 'warning', description: 'An even number of control planes (etcd members).', help: 'Run an odd number of control planes.' },
  { id: 'spec/flux-repository-url', severity: 'error', description: 'gitops.repository is a URL flux bootstrap git cannot use (the scp-like git@host:path form, another scheme).', help: 'Use an ssh://, https:// or http:// URL.' },
  { id: 'spec/hubble-parts', severity: 'error', description: 'cilium.values turns Hubble parts on or off in a way the Cilium chart refuses to render (UI without Relay, Relay without Hubble).', help: 'Turn the Hubble UI off with Relay, or keep Relay (and Hubble) on.' },
  { id: 'spec/invalid-address', severity: 'error', description: 'A value that must be one IP address is not.', help: 'Write a single address such as 10.50.0.11.' },
  { id: 'spec/invalid-cidr', severity: 'error', description: 'A value that must be a CIDR is not.', help: 'Write address/prefix, e.g. 10.50.0.0/24.' },
  { id: 'spec/invalid-range', severity: 'error', description: 'An address block is not an address, CIDR or first-last range.', help: 'Write 10.50.0.7, 10.50.0.224/28 or 10.50.0.100-10.50.0.199.' },
  { id: 'spec/kubernetes-version', severity: 'error', description: 'Kubernetes outside the Talos support matrix (error) or outside Cilium\'s tested list (warning).', help: 'Pin a Kubernetes version both support.' },
  { id: 'spec/label-selector', severity: 'error', description: 'A pool serviceSelector is no valid label selector (label key or value syntax, In/NotIn without values, Exists/DoesNotExist with values).', help: 'Write label keys and values Kubernetes accepts, with values exactly for In/NotIn.' },
  { id: 'spec/lan-ipv4', severity: 'error', description: 'The LAN is not IPv4.', help: 'Describe the IPv4 network of the LAN.' },
  { id: 'spec/lease-timing', severity: 'error', description: 'L2 lease timing breaks leaseDuration > leaseRenewDeadline ≥ 1.2 × leaseRetryPeriod.', help: 'Fix the cilium.l2 durations.' },
  { id: 'spec/network-address', severity: 'error', description: 'An owner includes the LAN network or broadcast address.', help: 'Keep the network and broadcast addresses unassigned.' },
  { id: 'spec/no-control-plane', severity: 'error', description: 'No node is a control plane.', help: 'Set role: controlplane on at least one node.' },
  { id: 'spec/no-schedulable-node', severity: 'warning', description: 'Every node is a control plane and none takes workloads (schedulableControlPlanes not true): the GitOps controller and workloads stay Pending.', help: 'Set cluster.schedulableControlPlanes: true, or add a worker.' },
  { id: 'spec/operator-replicas', severity: 'error', description: 'More Cilium operator replicas than nodes.', help: 'Set cilium.operatorReplicas to at most the node count.' },
  { id: 'spec/outside-lan', severity: 'error', description: 'Gateway, node, VIP, DHCP, reserved range or pool outside the LAN.', help: 'Use addresses inside lan.cidr.' },
  { id: 'spec/overlap', severity: 'error', description: 'Owners (gateway, nodes, VIP, DHCP, reserved, pools) share addresses: one finding per owner, listing every owner it collides with.', help: 'Make every owner\'s addresses disjoint.' },
  { id: 'spec/owned-helm-value', severity: 'error', description: 'cilium.values sets a value talium owns, directly or as the agent option it renders to in extraConfig (which the chart lets override it).', help: 'Use the matching cluster.yaml option instead.' },
  { id: 'spec/pod-service-overlap', severity: 'error', description: 'Pod/service CIDRs overlap the LAN or each other.', help: 'Use disjoint private ranges.' },
  { id: 'spec/pool-overlap', severity: 'error', description: 'Two LB pool blocks overlap.', help: 'Give every pool disjoint blocks.' },
  { id: 'spec/removed-helm-key', severity: 'error', description: 'cilium.values uses a key the pinned chart removed or ignores.', help: 'Remove it.' },
  { id: 'spec/schema', severity: 'error', description: 'cluster.yaml does not match schemas/cluster.schema.json (type, enum, pattern, required).', help: 'Fix the value to match the schema.' },
  { id: 'spec/unknown-key', severity: 'error', description: 'cluster.yaml has a key the schema does not know.', help: 'Fix the spelling or remove the key.' },
  { id: 'spec/unsupported-version', severity: 'error', description: 'Talos or Cilium outside the supported lines (Talos 1.10–1.14, Cilium 1.16–1.20).', help: 'Pin a supported version.' },
  { id: 'spec/virtual-nic', severity: 'error', description: 'A node\'s nic is a link talium does not create (bond, bridge, VLAN sub-interface, tunnel), so the node would get no address.', help: 'Name the physical NIC (with vlan: tagged for a tagged LAN).' },
  { id: 'spec/yaml', severity: 'error', description: 'cluster.yaml is not valid YAML (or holds more than one document).', help: 'Fix the YAML syntax.' },
];
