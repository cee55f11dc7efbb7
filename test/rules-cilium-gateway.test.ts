/** cilium/gateway-without-gateway-api: which Gateway API objects are Cilium's, and when Gateway API is known to be off. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import gatewayWithoutGatewayApi from '../src/rules/cilium/gateway-without-gateway-api.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';
import { ciliumHelmReleaseOf } from '../src/rules/cilium/lib/examples.js';

/** A Flux HelmRelease of the cilium chart; `values` lines go under spec.values (values start on line 15). */
const hr = (values: string, extra = '') => ciliumHelmReleaseOf(values, '1.18.8', extra);
/** A Gateway of class `cls`: gatewayClassName on line 6, column 21 for `cilium`. */
const gateway = (cls: string, name = 'external') =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\nspec:\n  gatewayClassName: ${cls}\n  listeners:\n    - {name: http, protocol: HTTP, port: 80}\n`;
/** A GatewayClass: controllerName on line 5, column 19. */
const gatewayClass = (name: string, controller: string) =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: ${name}}\nspec:\n  controllerName: ${controller}\n`;

const ON = 'kubeProxyReplacement: true\ngatewayAPI:\n  enabled: true\n';
const OFF = 'kubeProxyReplacement: true\ngatewayAPI:\n  enabled: false\n';
const UNSET = 'kubeProxyReplacement: true\n';

test('cilium/gateway-without-gateway-api: valid repositories', () => {
  ruleTester(gatewayWithoutGatewayApi, {
    valid: [
      { 'cilium/hr.yaml': hr(ON), 'gw.yaml': gateway('cilium') },
      // no Cilium release in the repository: nothing to judge
      { 'gw.yaml': gateway('cilium') },
      // another implementation's class
      { 'cilium/hr.yaml': hr(OFF), 'gw.yaml': gateway('envoy') },
      // a class named `cilium` that another controller runs
      { 'cilium/hr.yaml': hr(OFF), 'gc.yaml': gatewayClass('cilium', 'gateway.envoyproxy.io/gatewayclass-controller'), 'gw.yaml': gateway('cilium') },
      // values the repository does not show may turn it on
      { 'cilium/hr.yaml': hr(UNSET, '  valuesFrom:\n    - kind: ConfigMap\n      name: cilium-values\n'), 'gw.yaml': gateway('cilium') },
      // templated: unknowable
      { 'cilium/hr.yaml': hr('gatewayAPI:\n  enabled: ${GATEWAY_API}\n'), 'gw.yaml': gateway('cilium') },
    ],
    invalid: [
      { files: { 'cilium/hr.yaml': hr(OFF), 'gw.yaml': gateway('cilium') }, errors: [{ messageId: 'off', file: 'gw.yaml', line: 6, column: 21, data: { kind: 'Gateway', name: 'external' } }] },
      { files: { 'cilium/hr.yaml': hr(UNSET), 'gw.yaml': gateway('cilium') }, errors: [{ messageId: 'unset', file: 'gw.yaml', line: 6, column: 21 }] },
      // a class of Cilium's controller under another name, and the Gateways of that class
      {
        files: { 'cilium/hr.yaml': hr(OFF), 'gc.yaml': gatewayClass('internal', 'io.cilium/gateway-controller'), 'gw.yaml': gateway('internal', 'lan') },
        errors: [
          { messageId: 'off', file: 'gc.yaml', line: 5, column: 19, data: { kind: 'GatewayClass', name: 'internal' } },
          { messageId: 'off', file: 'gw.yaml', line: 6, column: 21, data: { kind: 'Gateway', name: 'lan' } },
        ],
      },
    ],
  });
});

test('cilium/gateway-without-gateway-api: explicit off is an error pointing at the value, unset a warning', () => {
  const off = lintRepo({ 'cilium/hr.yaml': hr(OFF), 'gw.yaml': gateway('cilium') }, [gatewayWithoutGatewayApi]);
  assert.deepEqual(off.map((d) => [d.severity, d.related?.map((r) => [r.file, r.range.start.line, r.range.start.column])]), [['error', [['cilium/hr.yaml', 17, 16]]]]);
  const unset = lintRepo({ 'cilium/hr.yaml': hr(UNSET), 'gw.yaml': gateway('cilium') }, [gatewayWithoutGatewayApi]);
  assert.deepEqual(unset.map((d) => [d.severity, d.related]), [['warning', undefined]]);
});
