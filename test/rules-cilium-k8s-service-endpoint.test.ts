/**
 * cilium/k8s-service-endpoint, `notApi`: a k8sServiceHost IP that is none of the addresses the repository serves the
 * API on (VIP, node addresses, control-plane endpoint, certSANs) is an error; the VIP itself, an endpoint or a certSAN
 * stays the softer "bypasses KubePrism" warning; nothing known to compare with: the warning too.
 */
import { test } from 'node:test';
import rule from '../src/rules/cilium/k8s-service-endpoint.js';
import { ruleTester } from '../src/testing/rule-tester.js';

const CP = (extra = '') =>
  `machine:\n  type: controlplane\n  network:\n    hostname: cp1\n    interfaces:\n      - interface: enp1s0\n        addresses:\n          - 10.50.0.11/24\n        vip:\n          ip: 10.50.0.10\ncluster:\n  proxy:\n    disabled: true\n  network:\n    cni:\n      name: none\n${extra}`;
const NO_VIP = 'machine:\n  type: controlplane\ncluster:\n  proxy:\n    disabled: true\n  network:\n    cni:\n      name: none\n';
const VALUES = (host: string) => `kubeProxyReplacement: true\nk8sServiceHost: ${host}\nk8sServicePort: 6443\n`;

test('cilium/k8s-service-endpoint: a host that serves no API', () => {
  ruleTester(rule, {
    valid: [{ 'talos/cp1.yaml': CP(), 'cilium/values.yaml': 'kubeProxyReplacement: true\nk8sServiceHost: localhost\nk8sServicePort: 7445\n' }],
    invalid: [
      // a typo'd address: an error naming what the API is served on
      {
        files: { 'talos/cp1.yaml': CP(), 'cilium/values.yaml': VALUES('10.50.0.100') },
        errors: [{ messageId: 'notApi', file: 'cilium/values.yaml', line: 2, column: 17, data: { host: '10.50.0.100', known: 'VIP 10.50.0.10, node cp1 10.50.0.11' } }],
      },
      // an address in another subnet, with an endpoint and certSANs stated
      {
        files: { 'talos/cp1.yaml': CP('  controlPlane:\n    endpoint: https://k8s.home.arpa:6443\n  apiServer:\n    certSANs:\n      - 10.50.0.5\n'), 'cilium/values.yaml': VALUES('192.168.20.30') },
        errors: [{ messageId: 'notApi', line: 2, column: 17, data: { known: 'VIP 10.50.0.10, node cp1 10.50.0.11, endpoint k8s.home.arpa, certSAN 10.50.0.5' } }],
      },
      // the VIP, a node, a certSAN (an external load balancer): served there, only KubePrism is bypassed
      { files: { 'talos/cp1.yaml': CP(), 'cilium/values.yaml': VALUES('10.50.0.10') }, errors: [{ messageId: 'notLocal', line: 2, column: 17 }] },
      { files: { 'talos/cp1.yaml': CP(), 'cilium/values.yaml': VALUES('10.50.0.11') }, errors: [{ messageId: 'notLocal', line: 2, column: 17 }] },
      { files: { 'talos/cp1.yaml': CP('  apiServer:\n    certSANs: [10.50.0.5]\n'), 'cilium/values.yaml': VALUES('10.50.0.5') }, errors: [{ messageId: 'notLocal', line: 2, column: 17 }] },
      // a host name is not judged; nothing to compare with (no VIP, no endpoint): the warning
      { files: { 'talos/cp1.yaml': CP(), 'cilium/values.yaml': VALUES('api.home.arpa') }, errors: [{ messageId: 'notLocal', line: 2, column: 17 }] },
      { files: { 'talos/cp1.yaml': NO_VIP, 'cilium/values.yaml': VALUES('10.50.0.100') }, errors: [{ messageId: 'notLocal', line: 2, column: 17 }] },
    ],
  });
});
