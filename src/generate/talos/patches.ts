/**
 * Talos machine-config patches (strategic merge, secret-free): cluster-wide (CNI off, kube-proxy off, KubePrism,
 * pod/service subnets), control-plane (scheduling: v1alpha1 field, or the KubeNodeConfig taint from 1.14), and one network patch per node (address on the right link,
 * VLAN sub-interface when tagged, default route, VIP on control planes only). Legacy v1alpha1 fields or the
 * multi-document kinds, as the pinned Talos version wants (src/data/talos.ts).
 */
import { CONTROL_PLANE_TAINT, NODE_DOCUMENT_KIND, TALOS_DOCUMENT_API_VERSION, talosConfigForm } from '../../data/talos.js';
import type { Cluster, ClusterNode } from '../../spec/types.js';
import { generatedDir } from '../paths.js';
import type { GeneratedFile } from '../types.js';

const doc = (kind: string, fields: Record<string, unknown>) => ({ apiVersion: TALOS_DOCUMENT_API_VERSION, kind, ...fields });

export function talosDir(c: Cluster): string {
  return `${generatedDir(c)}/talos`;
}

/** Applies to every machine (`--config-patch`). */
export function clusterPatch(c: Cluster): unknown[] {
  if (talosConfigForm(c.versions.talos).kubeDocuments) {
    return [
      doc('KubeFlannelCNIConfig', { $patch: 'delete' }),
      doc('KubeProxyConfig', { enabled: false }),
      doc('KubePrismConfig', { port: c.kubePrismPort }),
      doc('KubeNetworkConfig', { podSubnets: [c.podCidr], serviceSubnets: [c.serviceCidr] }),
    ];
  }
  return [
    {
      machine: { features: { kubePrism: { enabled: true, port: c.kubePrismPort } } },
      cluster: {
        network: { cni: { name: 'none' }, podSubnets: [c.podCidr], serviceSubnets: [c.serviceCidr] },
        proxy: { disabled: true },
      },
    },
  ];
}

/**
 * Applies to control planes only (`--config-patch-control-plane`), and only when they take workloads (`false` is
 * Talos's default). Up to Talos 1.13 the v1alpha1 `allowSchedulingOnControlPlanes: true`; from 1.14 `gen config`
 * writes the control-plane taint into KubeNodeConfig and refuses that v1alpha1 field next to it, so the patch
 * deletes the taint there (src/data/talos.ts).
 */
export function controlPlanePatch(c: Cluster): unknown[] | undefined {
  if (!c.schedulableControlPlanes) return undefined;
  if (talosConfigForm(c.versions.talos).kubeDocuments) return [doc(NODE_DOCUMENT_KIND, { taints: { [CONTROL_PLANE_TAINT]: { $patch: 'delete' } } })];
  return [{ cluster: { allowSchedulingOnControlPlanes: true } }];
}

/** The per-node network patch. */
export function nodePatch(c: Cluster, n: ClusterNode): unknown[] {
  const address = `${n.address.text}/${c.lan.cidr.prefix}`;
  const vip = n.role === 'controlplane' ? c.vip : undefined;
  const gateway = c.lan.gateway.text;
  if (talosConfigForm(c.versions.talos).networkDocuments) {
    const docs: unknown[] = [doc('HostnameConfig', { auto: 'off', hostname: n.name })];
    const onLink = { up: true, addresses: [{ address }], routes: [{ gateway }] };
    if (n.vlan === 'tagged') {
      docs.push(doc('LinkConfig', { name: n.nic, up: true }));
      docs.push(doc('VLANConfig', { name: n.link, parent: n.nic, vlanID: c.lan.vlan, ...onLink }));
    } else {
      docs.push(doc('LinkConfig', { name: n.nic, ...onLink }));
    }
    if (vip) docs.push(doc('Layer2VIPConfig', { name: vip.text, link: n.link }));
    if (c.lan.nameservers.length) docs.push(doc('ResolverConfig', { nameservers: c.lan.nameservers.map((a) => ({ address: a })) }));
    return docs;
  }
  const onLink: Record<string, unknown> = { addresses: [address], routes: [{ network: '0.0.0.0/0', gateway }] };
  if (vip) onLink['vip'] = { ip: vip.text };
  const iface = n.vlan === 'tagged' ? { interface: n.nic, vlans: [{ vlanId: c.lan.vlan, ...onLink }] } : { interface: n.nic, ...onLink };
  const network: Record<string, unknown> = { hostname: n.name, interfaces: [iface] };
  if (c.lan.nameservers.length) network['nameservers'] = [...c.lan.nameservers];
  return [{ machine: { network } }];
}

export function generateTalosPatches(c: Cluster): GeneratedFile[] {
  const dir = talosDir(c);
  const source = c.specPath;
  const cp = controlPlanePatch(c);
  return [
    { path: `${dir}/patches/cluster.yaml`, source, content: { yaml: clusterPatch(c) } },
    ...(cp ? [{ path: `${dir}/patches/controlplane.yaml`, source, content: { yaml: cp } }] : []),
    ...c.nodes.map((n) => ({ path: `${dir}/nodes/${n.name}.yaml`, source, content: { yaml: nodePatch(c, n) } })),
    // the script's default places for the secrets bundle and the machine configs must never be committed
    { path: `${dir}/.gitignore`, source, content: { text: 'secrets.yaml\n_out/\n' } },
  ];
}
