/**
 * network/address-conflict: two owners of the inferred plan on one IP (nodes copied with their address, the VIP on
 * a node or the gateway), reported once per address at the node; cluster.yaml facts stay spec/overlap's.
 */
import { test } from 'node:test';
import addressConflict from '../src/rules/network/address-conflict.js';
import { ruleTester } from '../src/testing/rule-tester.js';

const node = (name: string, address: string, vip = '', gateway = '10.50.0.1') =>
  `machine:\n  network:\n    hostname: ${name}\n    interfaces:\n      - interface: enp1s0\n        addresses:\n          - ${address}/24\n        routes:\n          - network: 0.0.0.0/0\n            gateway: ${gateway}\n` +
  (vip ? `        vip:\n          ip: ${vip}\n` : '');

test('network/address-conflict', () => {
  ruleTester(addressConflict, {
    valid: [
      { 'talos/nodes/cp-1.yaml': node('cp-1', '10.50.0.11', '10.50.0.10'), 'talos/nodes/cp-2.yaml': node('cp-2', '10.50.0.12', '10.50.0.10'), 'talos/nodes/w-1.yaml': node('w-1', '10.50.0.21') },
      // no hostname: the nodes are named after their files, and may be one machine's patches split over two files
      { 'talos/nodes/k8s-1.yaml': node('k8s-1', '10.50.0.11').replace('    hostname: k8s-1\n', ''), 'talos/nodes/k8s-1-disk.yaml': node('k8s-1', '10.50.0.11').replace('    hostname: k8s-1\n', '') },
      // one node file per environment folder: variants of one machine for two clusters, not two machines
      { 'talos/prod/nodes/cp-1.yaml': node('cp-1', '10.50.0.11'), 'talos/staging/nodes/cp-1.yaml': node('cp-1-staging', '10.50.0.11') },
      // one machine's folder per environment, same hostname: variants too
      { 'talos/prod/machine.yaml': node('cp-1', '10.50.0.11'), 'talos/staging/machine.yaml': node('cp-1', '10.50.0.11') },
      // cluster.yaml states the plan: spec/overlap reports its collisions there
      {
        'clusters/home/cluster.yaml':
          'versions: {talos: 1.14.1, kubernetes: 1.36.0, cilium: 1.20.1}\ngitops: {engine: flux, repository: https://example.com/r.git}\nlan: {vlan: 50, cidr: 10.50.0.0/24, gateway: 10.50.0.1}\ncluster: {vip: 10.50.0.11}\nnodes:\n  - {name: cp-1, role: controlplane, address: 10.50.0.11, nic: enp1s0}\npools:\n  - {name: default, blocks: [10.50.0.200-10.50.0.239]}\n',
      },
    ],
    invalid: [
      // one folder per node (sibling folders, same file name), a folder copied with its address unchanged: two
      // machines named by their hostnames, not environment variants of one
      {
        files: { 'talos/cp-1/machine.yaml': node('cp-1', '10.50.0.11', '10.50.0.10'), 'talos/cp-2/machine.yaml': node('cp-2', '10.50.0.11', '10.50.0.10') },
        errors: [{ messageId: 'node', file: 'talos/cp-2/machine.yaml', line: 7, column: 13, data: { node: 'cp-2', address: '10.50.0.11', other: 'node "cp-1"' } }],
      },
      // a node file copied with its address unchanged: reported at the later node, the first is related
      {
        files: { 'talos/nodes/k8s-3.yaml': node('k8s-3', '10.50.0.23', '10.50.0.10'), 'talos/nodes/k8s-4.yaml': node('k8s-4', '10.50.0.23') },
        errors: [{ messageId: 'node', file: 'talos/nodes/k8s-4.yaml', line: 7, column: 13, data: { node: 'k8s-4', address: '10.50.0.23', other: 'node "k8s-3"' } }],
      },
      // the VIP on a node's address
      {
        files: { 'talos/nodes/cp-1.yaml': node('cp-1', '10.50.0.10', '10.50.0.10') },
        errors: [{ messageId: 'node', file: 'talos/nodes/cp-1.yaml', line: 7, column: 13, data: { node: 'cp-1', address: '10.50.0.10', other: 'the control-plane VIP' } }],
      },
      // a node on the gateway's address
      {
        files: { 'talos/nodes/cp-1.yaml': node('cp-1', '10.50.0.11', '10.50.0.10'), 'talos/nodes/w-1.yaml': node('w-1', '10.50.0.1') },
        errors: [{ messageId: 'node', file: 'talos/nodes/w-1.yaml', line: 7, column: 13, data: { node: 'w-1', address: '10.50.0.1', other: 'the LAN gateway' } }],
      },
      // a node named after its file still collides with the VIP
      {
        files: { 'talos/nodes/cp-1.yaml': node('cp-1', '10.50.0.11', '10.50.0.10'), 'talos/nodes/w-1.yaml': node('w-1', '10.50.0.10').replace('    hostname: w-1\n', '') },
        errors: [{ messageId: 'node', file: 'talos/nodes/w-1.yaml', line: 6, column: 13, data: { node: 'w-1', address: '10.50.0.10', other: 'the control-plane VIP' } }],
      },
      // the VIP on the gateway
      {
        files: { 'talos/nodes/cp-1.yaml': node('cp-1', '10.50.0.11', '10.50.0.1') },
        errors: [{ messageId: 'gateway', file: 'talos/nodes/cp-1.yaml', line: 12, column: 15, data: { address: '10.50.0.1' } }],
      },
    ],
  });
});
