/** The cilium rules, sorted by id. */
import type { Rule } from '../types.js';
import bpfMasqueradeHostDns from './bpf-masquerade-host-dns.js';
import clientRateLimit from './client-rate-limit.js';
import deprecatedApiVersion from './deprecated-api-version.js';
import dottedValuesKey from './dotted-values-key.js';
import egressGatewayMasquerade from './egress-gateway-masquerade.js';
import featureOff from './feature-off.js';
import gatewayWithoutGatewayApi from './gateway-without-gateway-api.js';
import hubbleParts from './hubble-parts.js';
import k8sServiceEndpoint from './k8s-service-endpoint.js';
import kprOffWithoutKubeProxy from './kpr-off-without-kube-proxy.js';
import kprValue from './kpr-value.js';
import l2PolicyAnnouncesNothing from './l2-policy-announces-nothing.js';
import l2PolicyApiVersion from './l2-policy-api-version.js';
import l2PolicyInterfaces from './l2-policy-interfaces.js';
import l2PolicyNamespace from './l2-policy-namespace.js';
import l2PolicySelectsNoNode from './l2-policy-selects-no-node.js';
import l2PolicyWithoutL2 from './l2-policy-without-l2.js';
import l2RequiresKpr from './l2-requires-kpr.js';
import l2WithoutPolicy from './l2-without-policy.js';
import leaseTiming from './lease-timing.js';
import nodeIpamNoNode from './node-ipam-no-node.js';
import operatorReplicas from './operator-replicas.js';
import poolAllowFirstLastIps from './pool-allow-first-last-ips.js';
import poolApiVersion from './pool-api-version.js';
import poolBlockShape from './pool-block-shape.js';
import poolLegacyCidrs from './pool-legacy-cidrs.js';
import removedValues from './removed-values.js';
import rolloutPods from './rollout-pods.js';
import talosValues from './talos-values.js';
import valuesKeyTypo from './values-key-typo.js';
import versionDrift from './version-drift.js';

export const CILIUM_RULES: readonly Rule[] = [
  bpfMasqueradeHostDns,
  clientRateLimit,
  deprecatedApiVersion,
  dottedValuesKey,
  egressGatewayMasquerade,
  featureOff,
  gatewayWithoutGatewayApi,
  hubbleParts,
  k8sServiceEndpoint,
  kprOffWithoutKubeProxy,
  kprValue,
  l2PolicyAnnouncesNothing,
  l2PolicyApiVersion,
  l2PolicyInterfaces,
  l2PolicyNamespace,
  l2PolicySelectsNoNode,
  l2PolicyWithoutL2,
  l2RequiresKpr,
  l2WithoutPolicy,
  leaseTiming,
  nodeIpamNoNode,
  operatorReplicas,
  poolAllowFirstLastIps,
  poolApiVersion,
  poolBlockShape,
  poolLegacyCidrs,
  removedValues,
  rolloutPods,
  talosValues,
  valuesKeyTypo,
  versionDrift,
];
