/**
 * The two files the hook tests commit (native git hook and pre-commit framework): a Talos patch that tells talium
 * the LAN (node 10.50.0.11/24, gateway 10.50.0.1), and an LB pool from `start` to `stop` (bad when it holds them).
 * Lives in src/ so `node --test dist/test/` does not count it as a test file.
 */
export const LAN_TALOS_PATCH = `machine:
  network:
    interfaces:
      - interface: eth0
        addresses:
          - 10.50.0.11/24
        routes:
          - network: 0.0.0.0/0
            gateway: 10.50.0.1
`;

export const poolYaml = (start: string, stop: string): string => `apiVersion: cilium.io/v2
kind: CiliumLoadBalancerIPPool
metadata:
  name: default
spec:
  blocks:
    - start: ${start}
      stop: ${stop}
`;
