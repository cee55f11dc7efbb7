/** network/cluster-cidr-overlaps-lan: a pod or service CIDR that overlaps the LAN. */
import { formatInterval, intersection } from '../../net/ip.js';
import { factRelated } from '../../plan/lb.js';
import { factPlace } from '../../plan/util.js';
import { defineRule, type RuleFinding } from '../types.js';

const talos = (pod: string): string => `cluster:\n  network:\n    podSubnets:\n      - ${pod}\n    serviceSubnets:\n      - 10.96.0.0/12\n`;

export default defineRule({
  meta: {
    id: 'network/cluster-cidr-overlaps-lan',
    description: 'A pod or service CIDR overlaps the LAN.',
    severity: 'error',
    messages: {
      overlap: 'The {{what}} CIDR {{cidr}} overlaps the LAN {{lan}} ({{overlap}}).',
    },
    help: 'Choose pod and service CIDRs from private ranges that no LAN uses (Talos defaults: 10.244.0.0/16 and 10.96.0.0/12).',
    docs: {
      what: 'Compares Talos `podSubnets`/`serviceSubnets` (or talhelper clusterPodNets/clusterSvcNets, cluster.yaml, talium.config.yaml) with the LAN.',
      why: 'Pod and service addresses are routed inside the cluster: when they overlap the LAN, nodes route LAN traffic into the cluster (or the reverse) and hosts on the LAN become unreachable.',
      fix: 'Move the pod or service CIDR to a range that does not intersect the LAN.',
      sources: ['https://docs.siderolabs.com/talos/v1.14/reference/configuration/kubernetes/kubenetworkconfig'],
    },
    examples: {
      valid: [{ files: { 'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n', 'talos/patch.yaml': talos('10.244.0.0/16') } }],
      invalid: [{ files: { 'talium.config.yaml': 'plan:\n  lan: 10.50.0.0/24\n', 'talos/patch.yaml': talos('10.50.0.0/16') } }],
    },
  },
  check({ cluster }) {
    const lan = cluster.plan.lan;
    if (!lan) return [];
    const out: RuleFinding[] = [];
    for (const [what, list] of [['pod', cluster.plan.podCidrs], ['service', cluster.plan.serviceCidrs]] as const) {
      for (const c of list) {
        const ov = intersection(c.value, lan.value);
        const place = factPlace(c.from);
        if (!ov || !place) continue;
        out.push({ ...place, messageId: 'overlap', data: { what, cidr: c.value.canonical, lan: lan.value.canonical, overlap: formatInterval(ov) }, related: factRelated(lan, `LAN ${lan.value.canonical}`) });
      }
    }
    return out;
  },
});
