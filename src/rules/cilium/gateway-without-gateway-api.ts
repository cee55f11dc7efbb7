/** cilium/gateway-without-gateway-api: Gateways of Cilium's class while every Cilium release leaves Gateway API off. */
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';
import { ciliumGatewayObjects } from './lib/objects.js';
import { SRC } from './lib/sources.js';
import { offInEveryRelease, switchOn } from './lib/values.js';

const GATEWAY = 'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: external\nspec:\n  gatewayClassName: cilium\n  listeners:\n    - {name: http, protocol: HTTP, port: 80}\n';
const KEY = ['gatewayAPI', 'enabled'] as const;

export default defineRule({
  meta: {
    id: 'cilium/gateway-without-gateway-api',
    description: "Gateways and GatewayClasses of Cilium's controller do nothing unless Cilium has `gatewayAPI.enabled: true`.",
    severity: 'error',
    messages: {
      off: '{{kind}} "{{name}}" is for Cilium\'s Gateway API controller, but the Cilium values set gatewayAPI.enabled to false; it is never programmed.',
      unset: '{{kind}} "{{name}}" is for Cilium\'s Gateway API controller, but no Cilium values enable gatewayAPI (default false); it is never programmed.',
    },
    help: 'Set `gatewayAPI.enabled: true` in the Cilium values (with `kubeProxyReplacement: true` and the Gateway API CRDs installed first), or use another class.',
    docs: {
      what: "When the repository has Cilium values and Gateway API objects for Cilium's controller (a GatewayClass with `controllerName: io.cilium/gateway-controller`, a Gateway of such a class, or of the chart's `cilium` class when the repository defines no class of that name), checks that at least one Cilium release turns Gateway API on.",
      why: "Cilium's Gateway API controller is off by default: the class is never accepted, no Envoy listener and no LoadBalancer Service are created, so the Gateway's LB-IPAM address request is never made.",
      fix: 'Enable `gatewayAPI.enabled` in the Cilium Helm values (it needs kube-proxy replacement and the Gateway API CRDs), or point the Gateway at a class another controller runs.',
      sources: [SRC.gatewayApi, SRC.helmRef],
    },
    examples: {
      valid: [{ files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\ngatewayAPI:\n  enabled: true\n', 'gw.yaml': GATEWAY } }],
      invalid: [{ files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\ngatewayAPI:\n  enabled: false\n', 'gw.yaml': GATEWAY } }],
    },
    // both verdicts are about every release of the group: with only some paths read, a values file, an overlay or
    // a Kustomization that turns the feature on may not have been read
    needsWholeTree: ['unset', 'off'],
  },
  check({ cluster }) {
    const { classes, gateways } = ciliumGatewayObjects(cluster.docs);
    if (!classes.length && !gateways.length) return [];
    const off = offInEveryRelease(cluster, (r) => switchOn(r, KEY), [KEY]);
    if (!off) return [];
    const explicit = off.explicit;
    const related: RelatedFinding[] = explicit.map((p) => ({ ...p, message: 'Gateway API is turned off here.' }));
    const at = [...classes.map((doc) => ({ doc, path: ['spec', 'controllerName'] })), ...gateways.map((doc) => ({ doc, path: ['spec', 'gatewayClassName'] }))];
    return at.map(({ doc, path }): RuleFinding => ({
      doc,
      path,
      messageId: explicit.length ? 'off' : 'unset',
      everyGroup: true,
      data: { kind: doc.kind ?? '', name: doc.name ?? '' },
      ...(related.length ? { related } : {}),
      ...(explicit.length ? {} : { severity: 'warning' as const }),
    }));
  },
});
