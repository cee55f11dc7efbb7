/**
 * talos/link-name-length: a link Talos creates (VLANConfig, BondConfig, BridgeConfig, DummyLinkConfig, or a legacy
 * bond/bridge interface) must have a name of at most 15 bytes, the Linux limit (IFNAMSIZ 16 with the NUL).
 */
import type { Path, YamlDocument } from '../../core/document.js';
import { MAX_LINK_NAME_LENGTH, vlanLinkName } from '../../data/talos.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { talosDocs } from './lib/talos-docs.js';

const CREATED_KINDS = new Set(['VLANConfig', 'BondConfig', 'BridgeConfig', 'DummyLinkConfig']);

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Names of links the document creates, with where they are written. */
function createdNames(d: YamlDocument): Array<{ name: string; path: Path; parent?: string; vlanId?: number }> {
  const v = d.value;
  if (!isObj(v)) return [];
  if (d.docClass === 'talos-document') {
    if (!d.kind || !CREATED_KINDS.has(d.kind) || typeof v['name'] !== 'string') return [];
    const vlan = d.kind === 'VLANConfig' && typeof v['parent'] === 'string' && typeof v['vlanID'] === 'number' ? { parent: v['parent'], vlanId: v['vlanID'] } : {};
    return [{ name: v['name'], path: ['name'], ...vlan }];
  }
  const out: Array<{ name: string; path: Path }> = [];
  const itfs = d.get(['machine', 'network', 'interfaces']);
  if (Array.isArray(itfs)) {
    itfs.forEach((itf, i) => {
      if (isObj(itf) && typeof itf['interface'] === 'string' && (isObj(itf['bond']) || isObj(itf['bridge']))) out.push({ name: itf['interface'], path: ['machine', 'network', 'interfaces', i, 'interface'] });
    });
  }
  return out;
}

const VLAN = (name: string) => `apiVersion: v1alpha1\nkind: VLANConfig\nname: ${name}\nvlanID: 50\nparent: enx78e7d1ea46da\naddresses:\n  - address: 10.50.0.11/24\n`;

export default defineRule({
  meta: {
    id: 'talos/link-name-length',
    description: 'A link Talos creates (VLAN, bond, bridge, dummy) needs a name of at most 15 bytes.',
    severity: 'error',
    messages: {
      tooLong: 'Link name "{{name}}" is {{length}} bytes; Linux link names are at most 15, so the link is never created and its addresses and VIP are missing.',
      tooLongVlan: 'VLAN link name "{{name}}" is {{length}} bytes; Linux link names are at most 15, so the link is never created. The name Talos generates for this VLAN (legacy `vlans:`) is "{{suggestion}}".',
    },
    help: 'Use a name of at most 15 bytes (for a VLAN of a long NIC name, the name Talos generates: first 4 bytes of the parent, a short hash, `.<vlanID>`), and match the same name in Cilium L2 policies.',
    docs: {
      what: 'Checks the `name` of Talos VLANConfig, BondConfig, BridgeConfig and DummyLinkConfig documents and the `interface` of legacy bond/bridge interfaces.',
      why: 'The kernel refuses link names longer than 15 bytes (IFNAMSIZ is 16 with the terminating NUL). Talos does not check the length when it validates the config, so the node boots without the link: the LAN address, the VIP and L2 announcements on it are gone. Talos shortens the VLAN names it generates for this reason (`nethelpers.VLANLinkName`).',
      fix: 'Pick a shorter name; for VLANs the message suggests the name Talos itself would generate.',
      sources: [SRC.talosVlan],
    },
    examples: { valid: [{ files: { 'talos/n1.yaml': VLAN('enx1ee6413.50') } }], invalid: [{ files: { 'talos/n1.yaml': VLAN('enx78e7d1ea46da.50') } }] },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const d of talosDocs(cluster)) {
      for (const c of createdNames(d)) {
        const length = Buffer.byteLength(c.name, 'utf8');
        if (length <= MAX_LINK_NAME_LENGTH || c.name.includes('${') || c.name.includes('{{')) continue;
        if (c.parent !== undefined && c.vlanId !== undefined) out.push({ doc: d, path: c.path, messageId: 'tooLongVlan', data: { name: c.name, length, suggestion: vlanLinkName(c.parent, c.vlanId) } });
        else out.push({ doc: d, path: c.path, messageId: 'tooLong', data: { name: c.name, length } });
      }
    }
    return out;
  },
});
