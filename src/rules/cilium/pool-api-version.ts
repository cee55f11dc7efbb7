/** cilium/pool-api-version: the CiliumLoadBalancerIPPool apiVersion the target Cilium serves (v2 from 1.18; v2alpha1 deprecated from 1.19). */
import { atLeast } from '../../data/versions.js';
import { defineRule, type RuleFinding } from '../types.js';
import { ciliumVersion, pools } from './lib/objects.js';
import { SRC } from './lib/sources.js';

const POOL_V2 = (v: string) => `apiVersion: cilium.io/${v}\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - start: 10.50.0.200\n      stop: 10.50.0.220\n`;
const release = (version: string) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  chart:\n    spec:\n      chart: cilium\n      version: ${version}\n      sourceRef:\n        kind: HelmRepository\n        name: cilium\n  values:\n    kubeProxyReplacement: true\n`;

export default defineRule({
  meta: {
    id: 'cilium/pool-api-version',
    description: 'CiliumLoadBalancerIPPool apiVersion must be served by the target Cilium version.',
    severity: 'error',
    messageSeverities: { deprecated: 'warning' },
    // the CRD check says the same at the same token (schema/not-served): one finding, the one that names the Cilium line
    supersedes: ['schema/not-served'],
    messages: {
      notServed: 'CiliumLoadBalancerIPPool "{{name}}" uses "{{apiVersion}}", which Cilium {{version}} does not serve (cilium.io/v2 arrived in 1.18).',
      deprecated: 'CiliumLoadBalancerIPPool "{{name}}" uses "{{apiVersion}}", deprecated since Cilium 1.19 (target {{version}}); use "cilium.io/v2".',
    },
    help: 'Use apiVersion cilium.io/v2 on Cilium 1.18 or newer and cilium.io/v2alpha1 before 1.18.',
    docs: {
      what: 'Compares the apiVersion of each CiliumLoadBalancerIPPool with the Cilium version the cluster runs: cilium.io/v2 is only served from 1.18 on, and cilium.io/v2alpha1 is deprecated from 1.19 (its removal date is not established).',
      why: 'An apiVersion the API server does not serve fails to apply ("no matches for kind"); a deprecated one prints warnings and will stop applying after a future upgrade.',
      fix: 'Switch the pool to cilium.io/v2 when Cilium is 1.18+; keep cilium.io/v2alpha1 on older versions. The schema is identical.',
      sources: [SRC.upgrade, SRC.poolV2Pr, SRC.lbIpam],
      autofix: 'Writes the apiVersion the Cilium version serves: `cilium.io/v2alpha1` → `cilium.io/v2` from 1.19, `cilium.io/v2` → `cilium.io/v2alpha1` before 1.18 (not in a document cluster groups of different versions share).',
    },
    examples: {
      valid: [{ files: { 'cilium/helmrelease.yaml': release('1.19.6'), 'cilium/pool.yaml': POOL_V2('v2') } }],
      invalid: [
        { files: { 'cilium/helmrelease.yaml': release('1.17.18'), 'cilium/pool.yaml': POOL_V2('v2') } },
        { files: { 'cilium/helmrelease.yaml': release('1.19.6'), 'cilium/pool.yaml': POOL_V2('v2alpha1') } },
      ],
    },
  },
  check({ cluster }) {
    const version = ciliumVersion(cluster);
    if (!version) return [];
    const out: RuleFinding[] = [];
    for (const doc of pools(cluster.docs)) {
      const apiVersion = doc.apiVersion ?? '';
      const data = { name: doc.name ?? '', apiVersion, version };
      if (apiVersion === 'cilium.io/v2' && !atLeast(version, '1.18')) out.push({ doc, path: ['apiVersion'], messageId: 'notServed', data, fix: { text: 'cilium.io/v2alpha1', expect: apiVersion } });
      else if (apiVersion === 'cilium.io/v2alpha1' && atLeast(version, '1.19'))
        out.push({ doc, path: ['apiVersion'], messageId: 'deprecated', data, severity: 'warning', fix: { text: 'cilium.io/v2', expect: apiVersion } });
    }
    return out;
  },
});
