/**
 * cilium/client-rate-limit: with L2 announcements, `k8sClientRateLimit.qps` ≥ ceil(L2 services / leaseRenewDeadline)
 * (services counted from the repo's LoadBalancer Services an L2 policy selects: a lower bound), burst above qps,
 * both integers. Chart defaults per version apply when unset.
 */
import { LEASE_DEFAULTS, parseGoDuration, rateLimitDefaults, requiredQps } from '../../data/cilium.js';
import { defineRule, type RuleFinding } from '../types.js';
import { l2Policies } from './lib/objects.js';
import { announcedBy, loadBalancerServices } from './lib/selectors.js';
import { SRC } from './lib/sources.js';
import { dedupe, incomplete, isSet, l2On, layerSetting, placeOf, releasePlace, releaseVersion, releases, unknowable, valueOf } from './lib/values.js';
import { atLeast } from '../../data/versions.js';

const svc = (i: number) => `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\n  namespace: apps\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n`;
const POLICY = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  loadBalancerIPs: true\n';

export default defineRule({
  meta: {
    id: 'cilium/client-rate-limit',
    description: 'k8sClientRateLimit must cover the L2 lease renewals (qps ≥ services / leaseRenewDeadline), with integer qps and burst above qps.',
    severity: 'warning',
    messageSeverities: { notInteger: 'error' },
    messages: {
      tooLow: 'k8sClientRateLimit.qps is {{qps}}{{defaulted}} but {{services}} L2-announced services renewing every {{renew}}s need at least {{required}}; leases will be throttled and lost.',
      burst: 'k8sClientRateLimit.burst {{burst}} is not above qps {{qps}}; leave headroom for the agent\'s other API calls.',
      notInteger: 'k8sClientRateLimit.{{key}} is "{{value}}"; the chart schema wants an integer (from Cilium 1.16 Helm refuses to render the quoted number).',
    },
    help: 'Set k8sClientRateLimit.qps to at least ceil(L2 services / leaseRenewDeadline in seconds) and burst higher than qps (e.g. 2 × qps).',
    docs: {
      what: 'When L2 announcements are on, counts the LoadBalancer Services in the repository that an L2 policy selects (a lower bound: charts create more) and compares the documented worst case, services / leaseRenewDeadline, with the agent client QPS (chart default per version when unset). Also checks burst > qps and integer values.',
      why: 'Every announced service holds a Lease renewed through the agent\'s shared client rate limit; when renewals are throttled, leases expire and the announcing node flaps or stops answering ARP.',
      fix: 'Raise `k8sClientRateLimit.qps` (and `burst`) or lengthen `l2announcements.leaseRenewDeadline`; narrow the policy `serviceSelector`.',
      sources: [SRC.l2],
    },
    examples: {
      valid: [{ files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nl2announcements:\n  enabled: true\nk8sClientRateLimit:\n  qps: 20\n  burst: 40\n', 'cilium/l2.yaml': POLICY, 'apps/svc.yaml': svc(1) } }],
      invalid: [
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nl2announcements:\n  enabled: true\n  leaseRenewDeadline: 1s\nk8sClientRateLimit:\n  qps: 2\n  burst: 10\n', 'cilium/l2.yaml': POLICY, 'apps/svc.yaml': [1, 2, 3].map(svc).join('') } },
        { files: { 'cilium/values.yaml': 'kubeProxyReplacement: true\nl2announcements:\n  enabled: true\nk8sClientRateLimit:\n  qps: 20\n  burst: 20\n', 'cilium/l2.yaml': POLICY } },
        {
          note: 'values in an Argo CD helm.values string (YAML files and objects get schema/type instead)',
          files: {
            'argocd/cilium.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n  source:\n    repoURL: https://helm.cilium.io/\n    chart: cilium\n    targetRevision: 1.18.4\n    helm:\n      values: |\n        kubeProxyReplacement: true\n        l2announcements:\n          enabled: true\n        k8sClientRateLimit:\n          qps: "50"\n',
            'cilium/l2.yaml': POLICY,
          },
        },
      ],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    const l2Releases = releases(cluster).filter((r) => l2On(r) === true);
    if (!l2Releases.length) return out;
    const lbs = loadBalancerServices(cluster.docs);
    const announced = new Set(l2Policies(cluster.docs).flatMap((p) => announcedBy(p, lbs)));
    for (const r of l2Releases) {
      const qpsRaw = valueOf(r, ['k8sClientRateLimit', 'qps']);
      const burstRaw = valueOf(r, ['k8sClientRateLimit', 'burst']);
      if (unknowable(qpsRaw) || unknowable(burstRaw)) continue;
      let bad = false;
      for (const [key, v] of [['qps', qpsRaw], ['burst', burstRaw]] as const) {
        if (v === undefined || v === null) continue;
        if (typeof v !== 'number' || !Number.isInteger(v)) {
          bad = true;
          // values written as YAML (files, HelmRelease values, valuesObject, valuesInline) get schema/type from the
          // chart's values schema; values inside a string (Argo CD helm.values, a ConfigMap) only get this finding
          if (!layerSetting(r, ['k8sClientRateLimit', key])?.inString) continue;
          const version = releaseVersion(cluster, r);
          // the chart's values schema rejects it from 1.16 on: Helm (and Argo CD, helm-controller) refuse to render
          out.push({ ...placeOf(r, ['k8sClientRateLimit', key]), messageId: 'notInteger', data: { key, value: String(v) }, ...(version && !atLeast(version, '1.16') ? {} : { severity: 'error' as const }) });
        }
      }
      if (bad) continue;
      const d = rateLimitDefaults(releaseVersion(cluster, r) ?? '1.17', cluster.plan.versions.kubernetes?.value);
      const qps = typeof qpsRaw === 'number' ? qpsRaw : d.qps;
      const burst = typeof burstRaw === 'number' ? burstRaw : d.burst;
      if (typeof burstRaw === 'number' && burst <= qps) out.push({ ...placeOf(r, ['k8sClientRateLimit', 'burst']), messageId: 'burst', data: { burst, qps } });
      const renewRaw = valueOf(r, ['l2announcements', 'leaseRenewDeadline']);
      const renew = renewRaw === undefined ? LEASE_DEFAULTS.leaseRenewDeadline : parseGoDuration(renewRaw);
      if (renew === undefined || !(renew > 0) || announced.size === 0) continue;
      if (!isSet(r, ['k8sClientRateLimit', 'qps']) && incomplete(r, cluster.docs)) continue;
      const required = requiredQps(announced.size, renew);
      if (qps < required) {
        const place = isSet(r, ['k8sClientRateLimit', 'qps']) ? placeOf(r, ['k8sClientRateLimit', 'qps']) : releasePlace(r);
        out.push({ ...place, messageId: 'tooLow', data: { qps, defaulted: isSet(r, ['k8sClientRateLimit', 'qps']) ? '' : ' (chart default)', services: announced.size, renew, required } });
      }
    }
    return dedupe(out);
  },
});
