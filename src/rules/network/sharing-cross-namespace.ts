/**
 * network/sharing-cross-namespace: cross-namespace IP sharing lists with spaces, declared on one side only, or on a
 * Cilium that has no cross-namespace sharing.
 */
import { LBIPAM_ANNOTATIONS } from '../../data/cilium.js';
import { atLeast } from '../../data/versions.js';
import { annotationPlace, ciliumVersion, helmServiceIpRequests, requestLabel, requestObject, sameAddressPairs, serviceIpRequests, type IpRequest } from '../../plan/lb.js';
import { defineRule, type RuleFinding } from '../types.js';

const CROSS = LBIPAM_ANNOTATIONS.sharingCrossNamespace;
const KEYS = [CROSS.key, CROSS.legacy];
const svc = (name: string, ns: string, cross: string): string =>
  `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  annotations:\n    lbipam.cilium.io/ips: "10.50.0.230"\n    lbipam.cilium.io/sharing-key: "dns"\n${cross ? `    lbipam.cilium.io/sharing-cross-namespace: "${cross}"\n` : ''}spec:\n  type: LoadBalancer\n`;

export default defineRule({
  meta: {
    id: 'network/sharing-cross-namespace',
    description: 'A cross-namespace sharing list has spaces, or only one of the Services sharing an IP allows the other namespace.',
    severity: 'warning',
    messages: {
      spaces: 'The sharing-cross-namespace list "{{value}}" contains spaces; Cilium before the fix in PR #48868 does not trim them and sharing fails silently.',
      oneSided: 'Service "{{service}}" ({{namespace}}) shares key "{{sharingKey}}" with Service "{{other}}" ({{otherNamespace}}), but "{{missing}}" does not allow namespace "{{allow}}" in sharing-cross-namespace.',
      unsupported: 'Annotation "{{key}}" has no effect on Cilium {{version}}: cross-namespace IP sharing is in no release before {{since}}, so Services in different namespaces never share an IP.',
    },
    help: 'List namespaces without spaces (`ns-a,ns-b`) and put the sharing-cross-namespace annotation on every Service that shares the IP.',
    docs: {
      what: 'Checks `lbipam.cilium.io/sharing-cross-namespace` (and the io.cilium/ alias):\n' +
        '- the list has no spaces;\n' +
        '- Services in different namespaces that share a sharing key and an IP each allow the other\'s namespace (or `*`).\n' +
        '\n' +
        'Services a bjw-s app-template release renders count too (their `service.<id>` annotations from the values sources network/service-ip-not-in-pool reads, in the release namespace when the release states it; not an ApplicationSet\'s), reported where the annotation is written.\n' +
        '\n' +
        'On a Cilium older than 1.16 (cross-namespace sharing came with cilium PR #30055, in 1.16 or 1.17), either key is reported as having no effect instead (this replaces network/lbipam-annotation-prefix\'s finding on the new key).',
      why: 'Cross-namespace sharing is off by default and must be allowed on both sides; a space in the list made sharing fail silently until cilium PR #48868.',
      fix: 'Write `ns-a,ns-b` without spaces and add the annotation to both Services.',
      sources: ['https://docs.cilium.io/en/stable/network/lb-ipam/', 'https://github.com/cilium/cilium/pull/48868', 'https://github.com/cilium/cilium/pull/30055'],
    },
    examples: {
      valid: [{ files: { 'svc.yaml': svc('a', 'dns', 'web') + svc('b', 'web', 'dns') } }],
      invalid: [
        { files: { 'svc.yaml': svc('a', 'dns', 'web, media') + svc('b', 'web', '') } },
        { files: { 'talium.config.yaml': 'plan:\n  versions:\n    cilium: "1.15.6"\n', 'svc.yaml': svc('a', 'dns', 'web') + svc('b', 'web', 'dns') }, note: 'Cilium 1.15 has no cross-namespace sharing' },
      ],
    },
    supersedes: ['network/lbipam-annotation-prefix'],
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    // Services and the Services Helm releases render (app-template; not an ApplicationSet's: how many Applications it
    // generates, and for which cluster, is not shown)
    const reqs = [...serviceIpRequests(cluster.docs), ...helmServiceIpRequests(cluster.docs).filter((r) => !r.helm!.generated)];
    const version = ciliumVersion(cluster);
    if (version && !atLeast(version, CROSS.since)) {
      // no cross-namespace sharing at all: neither key does anything, whatever its list says
      const seen = new Map<object, Set<string>>();
      for (const r of reqs) {
        for (const k of KEYS) {
          const keys = seen.get(requestObject(r)) ?? new Set<string>();
          seen.set(requestObject(r), keys);
          if (r.annotations[k] === undefined || keys.has(k)) continue;
          keys.add(k);
          out.push({ ...annotationPlace(r, k, true), messageId: 'unsupported', data: { key: k, version, since: CROSS.since } });
        }
      }
      return out;
    }
    const cross = (r: IpRequest): { key: string; value: string } | undefined => {
      for (const k of KEYS) if (typeof r.annotations[k] === 'string') return { key: k, value: r.annotations[k] as string };
      return undefined;
    };
    const seenObjects = new Set<object>();
    for (const r of reqs) {
      const c = cross(r);
      if (!c || seenObjects.has(requestObject(r))) continue;
      seenObjects.add(requestObject(r));
      if (/\s/.test(c.value.trim()) || c.value !== c.value.trim()) out.push({ ...annotationPlace(r, c.key), messageId: 'spaces', data: { value: c.value } });
    }
    const allows = (r: IpRequest, ns: string): boolean => {
      const c = cross(r);
      return !!c && c.value.split(',').map((s) => s.trim()).some((s) => s === '*' || s === ns);
    };
    const reported = new Set<object>();
    for (const [a, b] of sameAddressPairs(reqs)) {
      if (a.sharingKey === undefined || a.sharingKey !== b.sharingKey) continue;
      if (!a.namespace || !b.namespace || a.namespace === b.namespace) continue;
      if (!cross(a) && !cross(b)) continue; // neither tries cross-namespace sharing: service-ip-conflict territory
      for (const [x, y] of [[a, b], [b, a]] as const) {
        if (allows(x, y.namespace!)) continue;
        if (reported.has(requestObject(x))) continue;
        reported.add(requestObject(x));
        out.push({
          ...annotationPlace(x),
          messageId: 'oneSided',
          data: { service: requestLabel(x), namespace: x.namespace!, sharingKey: x.sharingKey!, other: requestLabel(y), otherNamespace: y.namespace!, missing: requestLabel(x), allow: y.namespace! },
          related: [{ ...annotationPlace(y), message: `Service "${requestLabel(y)}" in ${y.namespace}` }],
        });
      }
    }
    return out;
  },
});
