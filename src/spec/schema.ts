/**
 * The JSON Schema of clusters/<name>/cluster.yaml: the single source. `schemas/cluster.schema.json` is written
 * from it by `talium generate` (and a test proves the committed file is current). Descriptions document defaults.
 */
import { DEFAULT_POD_SUBNET, DEFAULT_SERVICE_SUBNET, KUBEPRISM_DEFAULT_PORT } from '../data/talos.js';
import { LEASE_DEFAULTS } from '../data/cilium.js';

export const SCHEMA_ID = 'https://github.com/talium/talium/schemas/cluster.schema.json';
/** Repository-relative path of the written schema. */
export const SCHEMA_PATH = 'schemas/cluster.schema.json';

const version = (what: string, example: string) => ({
  type: 'string',
  pattern: '^v?[0-9]+\\.[0-9]+\\.[0-9]+$',
  description: `${what} version, full \`major.minor.patch\` (e.g. \`${example}\`; a leading \`v\` is accepted). Quote it if your editor turns it into a number.`,
});
const ip = (description: string) => ({ type: 'string', minLength: 1, description });
const duration = (description: string) => ({ type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$', description });
/** RFC 1123 label: node and pool names (Kubernetes object and host names). */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
const dnsLabel = { type: 'string', pattern: DNS_LABEL_PATTERN };
/** A physical NIC's link name as cluster.yaml accepts it (see `nodes[].nic`). */
export const NIC_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$';

export const CLUSTER_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: SCHEMA_ID,
  title: 'talium cluster spec (clusters/<name>/cluster.yaml)',
  description: 'A secret-free description of one bare-metal Talos Linux + Cilium cluster. The cluster name is the folder name.',
  type: 'object',
  additionalProperties: false,
  required: ['versions', 'gitops', 'lan', 'nodes', 'pools'],
  properties: {
    versions: {
      type: 'object',
      description: 'Pinned versions. Supported: Talos 1.10–1.14, Cilium 1.16–1.20; Kubernetes must be in the Talos support matrix.',
      additionalProperties: false,
      required: ['talos', 'kubernetes', 'cilium'],
      properties: {
        talos: version('Talos Linux', '1.14.1'),
        kubernetes: version('Kubernetes', '1.36.3'),
        cilium: version('Cilium (Helm chart)', '1.20.1'),
      },
    },
    gitops: {
      type: 'object',
      description: 'The GitOps engine and the Git repository it syncs from. Switching `engine` switches every generated GitOps object.',
      additionalProperties: false,
      required: ['engine', 'repository'],
      properties: {
        engine: { type: 'string', enum: ['flux', 'argocd'], description: '`flux` (HelmRelease + Flux Kustomizations) or `argocd` (app-of-apps Applications).' },
        repository: {
          type: 'string',
          minLength: 1,
          pattern: '^\\S+$',
          description: 'Git URL of this repository, as the engine reaches it (e.g. `https://github.com/me/homelab.git`; Flux takes `ssh://`, `https://` and `http://` URLs, not the scp-like `git@host:path`).',
        },
        branch: { type: 'string', minLength: 1, pattern: '^(?![-/])(?!.*(\\.\\.|//|@\\{|\\.lock$|[/.]$))[^\\s~^:?*\\[\\\\]+$', default: 'main', description: 'Branch to sync (a git branch name: no spaces, `~ ^ : ? * [ \\`, `..`, `//` or `@{`; not starting with `-` or `/`, not ending with `/`, `.` or `.lock`). Default: `main`.' },
      },
    },
    lan: {
      type: 'object',
      description: 'The home LAN the nodes sit on (VLAN 50 in the reference design). LoadBalancer pools must be inside it: L2 announcements only answer ARP on-link.',
      additionalProperties: false,
      required: ['cidr', 'gateway'],
      properties: {
        vlan: { type: 'integer', minimum: 1, maximum: 4094, default: 50, description: 'VLAN id of the LAN (used for the sub-interface of nodes with `vlan: tagged`). Default: `50`.' },
        cidr: { type: 'string', minLength: 1, description: 'The LAN network, e.g. `10.50.0.0/24` (no host bits).' },
        gateway: ip('Default gateway (router) address inside the LAN.'),
        dhcp: { type: 'string', minLength: 1, description: 'The router\'s DHCP pool as `first-last` (e.g. `10.50.0.100-10.50.0.199`) or a CIDR; kept clear of nodes, VIP and pools.' },
        reserved: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Other addresses in use (printers, NAS, switches): single addresses, `first-last` ranges or CIDRs. Default: none.' },
        nameservers: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'DNS servers for the nodes. Default: none (Talos defaults apply).' },
      },
    },
    cluster: {
      type: 'object',
      description: 'Kubernetes-level settings. Every field has a default.',
      additionalProperties: false,
      properties: {
        podCidr: { type: 'string', minLength: 1, default: DEFAULT_POD_SUBNET, description: `Pod network. Default: \`${DEFAULT_POD_SUBNET}\` (Talos default).` },
        serviceCidr: { type: 'string', minLength: 1, default: DEFAULT_SERVICE_SUBNET, description: `Service network. Default: \`${DEFAULT_SERVICE_SUBNET}\` (Talos default).` },
        vip: ip('Shared virtual IP for the Kubernetes API, held by one control plane at a time (Talos Layer 2 VIP). Inside the LAN, outside DHCP and pools. Default: none.'),
        endpoint: {
          type: 'string',
          pattern: '^https://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?/?$',
          description: 'Kubernetes API endpoint for `talosctl gen config`, `https://<host>[:<port>]`. Default: `https://<vip>:6443`, else the first control plane\'s address.' },
        schedulableControlPlanes: { type: 'boolean', default: false, description: 'Let workloads run on control planes (Talos before 1.14: `cluster.allowSchedulingOnControlPlanes`; from 1.14: the control-plane taint deleted in `KubeNodeConfig`). Default: `false`.' },
        kubePrismPort: { type: 'integer', minimum: 1, maximum: 65535, default: KUBEPRISM_DEFAULT_PORT, description: `KubePrism port; Cilium's \`k8sServicePort\` follows it. Default: \`${KUBEPRISM_DEFAULT_PORT}\`.` },
      },
    },
    nodes: {
      type: 'array',
      minItems: 1,
      description: 'The machines. At least one control plane; an odd number of control planes keeps etcd quorum.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'role', 'address', 'nic'],
        properties: {
          name: { ...dnsLabel, description: 'Hostname (a DNS label, unique).' },
          role: { type: 'string', enum: ['controlplane', 'worker'], description: '`controlplane` or `worker`.' },
          address: ip('The node\'s LAN address (no prefix; the prefix comes from `lan.cidr`).'),
          // a Linux link name: at most 15 bytes (IFNAMSIZ 16 with the NUL), no '/' or whitespace, and no ':' (the
          // kernel's alias syntax, `eth0:1`, is an address label, not a link Talos can configure)
          nic: { type: 'string', pattern: NIC_NAME_PATTERN, description: 'The Talos link name of the physical NIC (e.g. `enp1s0`, `eno1`, `enx78e7d1ea46da`): at most 15 characters, letters, digits, `_`, `.` and `-`.' },
          vlan: { type: 'string', enum: ['tagged', 'native'], default: 'native', description: '`native`: the LAN is untagged on the NIC. `tagged`: the LAN VLAN is tagged; talium creates the `<nic>.<vlan>` sub-interface (Talos hashes NIC names longer than 10 characters). Default: `native`.' },
        },
      },
    },
    cilium: {
      type: 'object',
      description: 'Cilium options. Every field has a default.',
      additionalProperties: false,
      properties: {
        hubble: { type: 'boolean', default: true, description: 'Enable Hubble with Relay and UI. Default: `true`.' },
        operatorReplicas: { type: 'integer', minimum: 1, description: 'Cilium operator replicas; at most the number of nodes (one per host). Default: `min(2, nodes)`.' },
        l2: {
          type: 'object',
          description: 'L2 announcement lease timing and sizing.',
          additionalProperties: false,
          properties: {
            services: { type: 'integer', minimum: 1, default: 10, description: 'Expected number of L2-announced services; sizes `k8sClientRateLimit` (qps = ceil(services / leaseRenewDeadline)). Default: `10`.' },
            leaseDuration: { ...duration(`Lease duration (Go duration). Default: \`${LEASE_DEFAULTS.leaseDuration}s\`. Must exceed 1s and leaseRenewDeadline.`), default: `${LEASE_DEFAULTS.leaseDuration}s` },
            leaseRenewDeadline: { ...duration(`Lease renew deadline. Default: \`${LEASE_DEFAULTS.leaseRenewDeadline}s\`. Must be at least 1.2 × leaseRetryPeriod.`), default: `${LEASE_DEFAULTS.leaseRenewDeadline}s` },
            leaseRetryPeriod: { ...duration(`Lease retry period. Default: \`${LEASE_DEFAULTS.leaseRetryPeriod}s\`.`), default: `${LEASE_DEFAULTS.leaseRetryPeriod}s` },
          },
        },
        values: { type: 'object', description: 'Extra Helm values merged into the generated values file. Keys talium owns (ipam, kubeProxyReplacement, k8sService*, cgroup, capabilities, l2announcements, the client rate limit, operator.replicas, hubble.enabled), the agent options they render to when set in `extraConfig` (e.g. `kube-proxy-replacement`, `ipam`, `enable-l2-announcements`), and keys the chart removed are refused. Default: none.' },
      },
    },
    pools: {
      type: 'array',
      minItems: 1,
      description: 'LoadBalancer IP pools (one CiliumLoadBalancerIPPool each). Inside the LAN, disjoint from each other and from gateway, nodes, VIP, DHCP and reserved ranges.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'blocks'],
        properties: {
          name: { ...dnsLabel, description: 'Pool name (a DNS label, unique).' },
          blocks: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'Address blocks: CIDRs (`10.50.0.240/29`) or `first-last` ranges (`10.50.0.200-10.50.0.239`).' },
          serviceSelector: {
            type: 'object',
            description: 'Only services matching this label selector get addresses from the pool. Default: every service.',
            additionalProperties: false,
            properties: {
              matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
              matchExpressions: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['key', 'operator'],
                  properties: {
                    key: { type: 'string' },
                    operator: { type: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
                    values: { type: 'array', items: { type: 'string' } },
                  },
                },
              },
            },
          },
          allowFirstLastIPs: { type: 'boolean', default: true, description: 'Allow handing out the first and last address of CIDR blocks (written as the quoted string `"Yes"`/`"No"`, only for pools with a CIDR block larger than /31, where it has an effect). Default: `true`.' },
        },
      },
    },
    lint: {
      type: 'object',
      description: 'Lint settings for this cluster\'s folder (read by `talium lint`, ignored by `generate`); same meaning as in `talium.config.yaml`.',
      additionalProperties: false,
      properties: {
        rules: {
          type: 'object',
          description: 'Rule id → severity (`error`, `warning`, `info`) or `off`. Ids as listed by `talium rules`.',
          propertyNames: { pattern: '^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$' },
          additionalProperties: { type: 'string', enum: ['error', 'warning', 'info', 'off'] },
        },
        exclude: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'gitignore-style patterns, relative to the cluster folder, of files not to lint.' },
      },
    },
  },
} as const;

/** The schema file's exact text (2-space JSON, trailing newline). */
export function schemaFileText(): string {
  return JSON.stringify(CLUSTER_SCHEMA, null, 2) + '\n';
}
