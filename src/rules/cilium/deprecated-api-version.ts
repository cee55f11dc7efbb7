/**
 * cilium/deprecated-api-version: a Cilium custom resource on an apiVersion the target Cilium still serves but has
 * marked deprecated (BGP control plane v2alpha1 and CiliumCIDRGroup v2alpha1 from 1.18, CiliumNodeConfig v2alpha1
 * from 1.16, BGPv1's CiliumBGPPeeringPolicy in 1.18). The served table is the schemas' own (src/schema/versions.ts),
 * so the rule and `schema/not-served` never disagree. CiliumLoadBalancerIPPool has its own rule (cilium/pool-api-version).
 */
import { docsOfKind } from '../../core/kind-index.js';
import { CILIUM_GROUP } from '../../data/cilium.js';
import { CILIUM_SERVED, ciliumLine, ciliumServed, lineAtLeast } from '../../schema/versions.js';
import { defineRule, type RuleFinding } from '../types.js';
import { ciliumVersion } from './lib/objects.js';
import { SRC } from './lib/sources.js';

/** Kinds with a deprecated apiVersion somewhere in the table (the pool excepted: cilium/pool-api-version). */
const KINDS = Object.entries(CILIUM_SERVED)
  .filter(([kind, served]) => kind !== 'CiliumLoadBalancerIPPool' && Object.values(served).some((r) => r.deprecatedSince !== undefined))
  .map(([kind]) => kind);

/**
 * Kinds whose deprecated and current apiVersions have one shape (their schema file has no `x-api` branch; a test
 * holds this list to the schema files): switching the apiVersion cannot change what the object means, so --fix may.
 */
export const SAME_SHAPE_KINDS: ReadonlySet<string> = new Set(['CiliumCIDRGroup', 'CiliumNodeConfig']);

/** What replaces a kind that has no newer apiVersion (BGPv1 → the BGP control plane v2 kinds). */
const SUCCESSOR: Record<string, string> = {
  CiliumBGPPeeringPolicy: 'the BGP control plane v2 kinds (CiliumBGPClusterConfig, CiliumBGPPeerConfig, CiliumBGPAdvertisement)',
};

const release = (version: string) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: ${version}\n      sourceRef:\n        kind: HelmRepository\n        name: cilium\n  values:\n    kubeProxyReplacement: true\n`;
const group = (v: string) => `apiVersion: cilium.io/${v}\nkind: CiliumCIDRGroup\nmetadata:\n  name: office\nspec:\n  externalCIDRs:\n    - 192.0.2.0/24\n`;
const peering = `apiVersion: cilium.io/v2alpha1\nkind: CiliumBGPPeeringPolicy\nmetadata:\n  name: tor\nspec:\n  virtualRouters:\n    - localASN: 64512\n      neighbors:\n        - peerAddress: 10.50.0.1/32\n          peerASN: 64513\n`;
const peer = (v: string) => `apiVersion: cilium.io/${v}\nkind: CiliumBGPPeerConfig\nmetadata:\n  name: router\nspec:\n  timers:\n    holdTimeSeconds: 9\n`;

export default defineRule({
  meta: {
    id: 'cilium/deprecated-api-version',
    description: 'Cilium custom resources should not use an apiVersion the target Cilium has deprecated.',
    severity: 'warning',
    messages: {
      deprecated: '{{kind}} "{{name}}" uses "{{apiVersion}}", deprecated since Cilium {{since}} (target {{version}}); use "{{replacement}}".',
      deprecatedKind: '{{kind}} "{{name}}" uses "{{apiVersion}}", deprecated since Cilium {{since}} (target {{version}}) with no newer version of this kind; move to {{successor}}.',
    },
    help: 'Switch the manifest to the apiVersion the Cilium version serves without deprecation (check the upgrade notes for fields that changed), or move off a deprecated kind.',
    docs: {
      what: 'For every Cilium custom resource except the LB-IPAM pool (its own rule), compares the apiVersion with the versions the cluster\'s Cilium line serves and flags one that line marks deprecated:\n' +
        '- the BGP control plane v2 kinds and CiliumCIDRGroup on cilium.io/v2alpha1 from 1.18;\n' +
        '- CiliumNodeConfig on cilium.io/v2alpha1 from 1.16;\n' +
        '- BGPv1\'s CiliumBGPPeeringPolicy on 1.18 (not served from 1.19: `schema/not-served`).\n' +
        '\n' +
        'Silent when the Cilium version is unknown or not pinned to a minor line. A document several clusters share is reported once, and only when the Cilium of every one of them deprecates its apiVersion (an older cluster may not serve the newer version yet).',
      why: 'The API server prints a deprecation warning on every apply, and a deprecated version is the next one to stop being served: the manifest then fails with "no matches for kind" after a Cilium upgrade.',
      fix: 'Change `apiVersion` to the version named in the finding. The BGP v2 kinds changed a few fields between v2alpha1 and v2 (schema validation on the new version shows which); BGPv1 users migrate to the BGP control plane v2 kinds.',
      sources: [SRC.upgrade, 'https://docs.cilium.io/en/stable/network/bgp-control-plane/bgp-control-plane-v2/'],
      autofix: 'For kinds whose two versions have the same schema (CiliumCIDRGroup, CiliumNodeConfig): `cilium.io/v2alpha1` → `cilium.io/v2`. BGP kinds changed fields between the versions and are left to you.',
    },
    examples: {
      valid: [{ files: { 'cilium/helmrelease.yaml': release('1.18.8'), 'cilium/bgp.yaml': peer('v2'), 'cilium/cidr-group.yaml': group('v2') } }, { files: { 'cilium/helmrelease.yaml': release('1.17.14'), 'cilium/bgp.yaml': peer('v2alpha1') } }],
      invalid: [
        { files: { 'cilium/helmrelease.yaml': release('1.18.8'), 'cilium/bgp.yaml': peer('v2alpha1') } },
        { files: { 'cilium/helmrelease.yaml': release('1.18.8'), 'cilium/cidr-group.yaml': group('v2alpha1') }, note: 'one schema for both versions: --fix writes cilium.io/v2' },
        { files: { 'cilium/helmrelease.yaml': release('1.18.8'), 'cilium/bgp.yaml': peering } },
      ],
    },
  },
  check({ cluster }) {
    const version = ciliumVersion(cluster);
    if (!version) return [];
    const line = ciliumLine(version);
    const out: RuleFinding[] = [];
    for (const kind of KINDS) {
      const served = CILIUM_SERVED[kind]!;
      const servedHere = ciliumServed(kind, line);
      const deprecatedHere = (av: string) => served[av]?.deprecatedSince !== undefined && lineAtLeast(line, served[av]!.deprecatedSince!);
      // everyGroup: a document several clusters share can move to the newer apiVersion only once every cluster's
      // Cilium deprecates the old one (an older cluster may not serve the new one yet); reported once then
      for (const doc of docsOfKind(cluster.docs, kind)) {
        if (doc.group !== CILIUM_GROUP) continue;
        const apiVersion = doc.apiVersion ?? '';
        // not served at all on this line is schema/not-served; never deprecated, or not yet, is fine
        if (!servedHere.includes(apiVersion) || !deprecatedHere(apiVersion)) continue;
        const replacement = servedHere.find((av) => av !== apiVersion && !deprecatedHere(av));
        const data = { kind, name: doc.name ?? '', apiVersion, since: served[apiVersion]!.deprecatedSince!, version };
        const fix = replacement && SAME_SHAPE_KINDS.has(kind) ? { fix: { text: replacement, expect: apiVersion } } : {};
        if (replacement) out.push({ doc, path: ['apiVersion'], messageId: 'deprecated', everyGroup: true, data: { ...data, replacement }, ...fix });
        else out.push({ doc, path: ['apiVersion'], messageId: 'deprecatedKind', everyGroup: true, data: { ...data, successor: SUCCESSOR[kind] ?? 'the replacement named in the Cilium upgrade notes' } });
      }
    }
    return out;
  },
});
