/**
 * cilium/l2-policy-interfaces: L2 policy `interfaces` are valid RE2, anchored, match the nodes' real link names
 * (VLAN `<nic>.50`, Talos's hashed names for long parents) and are among Cilium's `devices` when those are set.
 */
import { MAX_LINK_NAME_LENGTH, vlanLinkName } from '../../data/talos.js';
import { factRelated } from '../../plan/lb.js';
import type { RelatedFinding } from '../types.js';
import { defineRule, type RuleFinding } from '../types.js';
import { isTemplated, l2Policies } from './lib/objects.js';
import { anchored, anchoring, compileRe2, devicesMatcher, escapeDots, literalName, unescapedDots } from './lib/re2.js';
import { SRC } from './lib/sources.js';
import { dedupe, isSet, placeOf, releases, valueOf } from './lib/values.js';

const policy = (patterns: string[]) =>
  `apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  loadBalancerIPs: true\n  interfaces:\n${patterns.map((p) => `    - '${p}'\n`).join('')}`;
/** A literal name `<parent>.<vlanId>` that is not the name Talos gives that VLAN link (a long parent: nethelpers.VLANLinkName). */
function renamedVlan(lit: string): { parent: string; vlanId: number; link: string } | undefined {
  const m = /^(.+)\.(\d{1,4})$/.exec(lit);
  if (!m) return undefined;
  const vlanId = Number(m[2]);
  if (vlanId < 1 || vlanId > 4094) return undefined;
  const link = vlanLinkName(m[1]!, vlanId);
  return link === lit ? undefined : { parent: m[1]!, vlanId, link };
}

/** `name` as an anchored pattern with its dots escaped (`enx7f8ca75.50` → `^enx7f8ca75\.50$`). */
const anchoredLiteral = (name: string): string => `^${name.replace(/[.\\^$*+?()[\]{}|]/g, '\\$&')}$`;

const values = (devices: string) => `kubeProxyReplacement: true\nl2announcements:\n  enabled: true\ndevices: ${devices}\n`;

export default defineRule({
  meta: {
    id: 'cilium/l2-policy-interfaces',
    description: 'L2 policy `interfaces` must be valid anchored RE2 patterns that match real node links and Cilium devices.',
    severity: 'error',
    messageSeverities: { unanchored: 'warning', unescapedDot: 'warning', noLink: 'warning', nodeNoLink: 'warning' },
    messages: {
      invalid: 'Interface pattern "{{pattern}}" of L2 policy "{{name}}" is not a valid Go RE2 expression ({{reason}}); Cilium marks the policy "bad-interface-regex".',
      unanchored: 'Interface pattern "{{pattern}}" of L2 policy "{{name}}" is not anchored at the {{missing}}; Cilium matches it anywhere in a link name, so it also selects {{alsoSelects}}. Anchored, it reads "{{suggestion}}".',
      unescapedDot: 'Interface pattern "{{pattern}}" of L2 policy "{{name}}" has an unescaped "." between name characters, which matches any character, not only a dot (a VLAN link "<nic>.<id>"); write "{{suggestion}}" for a literal dot.',
      talosVlanName: 'Interface pattern "{{pattern}}" of L2 policy "{{name}}" names VLAN link "{{literal}}", which Talos never creates: its name for VLAN {{vlanId}} on "{{parent}}" is "{{link}}" (a parent name longer than 10 bytes is shortened to fit 15); write "{{suggestion}}".',
      noLink: 'No interface pattern of L2 policy "{{name}}" matches a node link the LAN addresses sit on ({{links}}).',
      nodeNoLink: 'L2 policy "{{name}}" selects every node, but none of its interface patterns matches a LAN link of node "{{node}}" ({{links}}); that node cannot answer ARP for the addresses it would announce.',
      notDevice: 'Interface pattern "{{pattern}}" of L2 policy "{{name}}" selects "{{link}}", which is not among Cilium devices "{{devices}}"; only Cilium devices can announce.',
    },
    help: 'Use anchored patterns naming the real links, e.g. `^enp1s0\\.50$`, and include those links in Cilium `devices` when you set it.',
    docs: {
      what: 'Checks each `spec.interfaces` entry of every L2 announcement policy:\n' +
        '- it compiles as Go RE2 (lookaround, backreferences and unknown escapes are refused) and is anchored `^...$`;\n' +
        '- no unescaped `.` between name characters (`^vlan.2`, `enp1s0.50`: it matches any character, so `vlanX2` matches too; `.*`, `.+` and other quantified dots are left alone);\n' +
        '- no VLAN link `<nic>.<id>` of a NIC name longer than 10 bytes, which Talos names `<4 chars><6 hex>.<id>` instead (reported always when the name is longer than 15 bytes, which no Linux link can have; otherwise when the nodes\' links show Talos\'s name, since a VLANConfig may choose the name);\n' +
        '- when the network plan knows the nodes\' link names (VLAN links are `<nic>.<vlan>`, or Talos\'s hashed `<4 chars><6 hex>.<vlan>` for parents longer than 10 characters): some pattern matches one of them, and the matched links are in Cilium\'s `devices`.',
      why: 'Cilium matches the patterns unanchored and only against its own devices: a pattern for the wrong NIC name (e.g. `^eth` on a Talos node with `enp1s0`), or one outside `devices`, leaves LB IPs assigned but never answered by ARP. An invalid pattern disables the policy.',
      fix: 'Write the exact link name anchored (`^enp1s0\\.50$`); on long NIC names compute the Talos VLAN link name; add it to `devices` (or leave `devices` unset).',
      sources: [SRC.l2, SRC.talosVlan],
    },
    examples: {
      valid: [{ files: { 'cilium/l2.yaml': policy(['^enp1s0\\.50$']), 'cilium/values.yaml': values('enp1s0.50') } }],
      invalid: [
        { files: { 'cilium/l2.yaml': policy(['(?=eth)eth0']) } },
        { files: { 'cilium/l2.yaml': policy(['enp1s0']) } },
        { files: { 'cilium/l2.yaml': policy(['^enp2s0$']), 'cilium/values.yaml': values('enp1s0') } },
        {
          note: 'Talos names the VLAN 50 link of the long USB NIC enx12545f8c99cd `enx1ee6413.50`',
          files: {
            'talos/talconfig.yaml': 'clusterName: home\ntalosVersion: v1.13.9\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n    networkInterfaces:\n      - interface: enx12545f8c99cd\n        vlans:\n          - vlanId: 50\n            addresses: [10.50.0.11/24]\n',
            'cilium/l2.yaml': policy(['^enx12545f8c99cd\\.50$']),
          },
        },
        { files: { 'cilium/l2.yaml': policy(['^vlan.2$']) }, note: 'the unescaped dot also matches `vlanX2`' },
        { files: { 'cilium/l2.yaml': policy(['^enx78e7d1ea46da\\.50$']) }, note: 'no link has this 18-byte name: Talos calls the VLAN 50 link of enx78e7d1ea46da `enx7f8ca75.50`' },
        {
          note: 'one node\'s link is named, the other node\'s (the hashed VLAN link of a long NIC name) is not',
          files: {
            'talos/talconfig.yaml': 'clusterName: home\ntalosVersion: v1.13.9\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n    networkInterfaces:\n      - interface: enp1s0\n        vlans:\n          - vlanId: 50\n            addresses: [10.50.0.11/24]\n  - hostname: cp2\n    ipAddress: 10.50.0.12\n    controlPlane: true\n    networkInterfaces:\n      - interface: enx12545f8c99cd\n        vlans:\n          - vlanId: 50\n            addresses: [10.50.0.12/24]\n',
            'cilium/l2.yaml': policy(['^enp1s0\\.50$', '^enx12545f8c99cd\\.50$']),
          },
        },
      ],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    const links = cluster.plan.nodes.flatMap((n) => n.links);
    // Linux link names are at most 15 bytes; longer strings are not links (and bound regex backtracking)
    const linkNames = [...new Set(links.map((l) => l.value))].filter((l) => l.length <= MAX_LINK_NAME_LENGTH).sort();
    const deviceSources = releases(cluster)
      .filter((r) => isSet(r, ['devices']) && !isTemplated(valueOf(r, ['devices'])))
      .map((r) => ({ r, value: valueOf(r, ['devices']), match: devicesMatcher(valueOf(r, ['devices'])) }))
      .filter((d) => d.match);
    for (const doc of l2Policies(cluster.docs)) {
      const list = doc.get(['spec', 'interfaces']);
      if (!Array.isArray(list) || list.length === 0) continue;
      const name = doc.name ?? '';
      const compiled: RegExp[] = [];
      let allKnown = true;
      list.forEach((p, i) => {
        if (typeof p !== 'string' || isTemplated(p)) { allKnown = false; return; }
        const path = ['spec', 'interfaces', i];
        const r = compileRe2(p);
        if (r.kind === 'invalid') { out.push({ doc, path, messageId: 'invalid', data: { name, pattern: p, reason: r.reason } }); allKnown = false; return; }
        if (r.kind === 'unknown') { allKnown = false; return; }
        compiled.push(r.regexp);
        const a = anchoring(p);
        const dots = unescapedDots(p);
        if (!a.start || !a.end) {
          const missing = !a.start && !a.end ? 'start and end' : !a.start ? 'start' : 'end';
          // what else it selects depends on the open end: a start-anchored `^ens[0-9]+` cannot match "veth…"
          const alsoSelects = !a.start && !a.end ? 'longer names on either side (a VLAN link "<nic>.<id>", "veth0" for "eth0")' : !a.end ? 'longer names that start with it (a VLAN link "<nic>.<id>")' : 'names with a prefix ("veth0" for "eth0")';
          out.push({ doc, path, messageId: 'unanchored', data: { name, pattern: p, missing, alsoSelects, suggestion: anchored(dots.length ? escapeDots(p, dots) : p) }, severity: 'warning' });
        }
        if (dots.length) out.push({ doc, path, messageId: 'unescapedDot', data: { name, pattern: p, suggestion: escapeDots(p, dots) }, severity: 'warning' });
        // a VLAN link of a long NIC named `<nic>.<id>`: Talos names it otherwise. Past 15 bytes no Linux link has the
        // name; a shorter one a VLANConfig may choose itself, so only when the nodes' links show Talos's name instead
        let lit = literalName(p);
        const tooLong = !!lit && Buffer.byteLength(lit) > MAX_LINK_NAME_LENGTH;
        const vlan = lit ? renamedVlan(lit) : undefined;
        if (lit && vlan && (tooLong || (linkNames.includes(vlan.link) && !linkNames.includes(lit)))) {
          const data = { name, pattern: p, literal: lit, parent: vlan.parent, vlanId: vlan.vlanId, link: vlan.link, suggestion: anchoredLiteral(vlan.link) };
          out.push({ doc, path, messageId: 'talosVlanName', data, severity: tooLong ? 'error' : 'warning' });
          lit = undefined;
        }
        // a literal no node can have is no link the pattern selects
        if (tooLong) lit = undefined;
        // devices: concrete names this pattern selects (known links it matches, or the literal name it spells)
        const candidates = [...new Set([...linkNames.filter((l) => r.regexp.test(l)), ...(lit ? [lit] : [])])].sort();
        if (!candidates.length) return;
        for (const d of deviceSources) {
          if (candidates.some((c) => d.match!(c))) continue;
          const place = placeOf(d.r, ['devices']);
          const related: RelatedFinding[] = [{ doc: place.doc, path: place.path, message: 'Cilium devices are set here.' }];
          out.push({ doc, path, messageId: 'notDevice', data: { name, pattern: p, link: candidates[0]!, devices: Array.isArray(d.value) ? d.value.join(',') : String(d.value) }, related, severity: lit ? 'error' : 'warning' });
          break;
        }
      });
      if (allKnown && compiled.length && linkNames.length && !linkNames.some((l) => compiled.some((re) => re.test(l)))) {
        const related: RelatedFinding[] = links.flatMap((l) => factRelated(l, `Node link "${l.value}".`)).slice(0, 5);
        out.push({ doc, path: ['spec', 'interfaces'], key: true, messageId: 'noLink', data: { name, links: linkNames.join(', ') }, related, severity: 'warning' });
      } else if (allKnown && compiled.length && doc.get(['spec', 'nodeSelector']) === undefined) {
        // some node matches, but a policy without nodeSelector also selects the nodes whose links no pattern names
        for (const n of cluster.plan.nodes) {
          const own = n.links.filter((l) => l.value.length <= MAX_LINK_NAME_LENGTH);
          if (!own.length || own.some((l) => compiled.some((re) => re.test(l.value)))) continue;
          const related: RelatedFinding[] = own.flatMap((l) => factRelated(l, `Link "${l.value}" of node "${n.name}".`)).slice(0, 3);
          out.push({ doc, path: ['spec', 'interfaces'], key: true, messageId: 'nodeNoLink', data: { name, node: n.name, links: own.map((l) => l.value).join(', ') }, related, severity: 'warning' });
        }
      }
    }
    return dedupe(out);
  },
});
