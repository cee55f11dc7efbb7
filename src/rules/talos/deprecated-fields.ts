/**
 * talos/deprecated-fields: v1alpha1 fields the pinned Talos version deprecates in favour of multi-document kinds
 * (`.machine.network.*` from 1.12; `.cluster.network`/`proxy`/`inlineManifests`/`extraManifests`/
 * `extraManifestHeaders`, `.machine.features.kubePrism` and `.cluster.allowSchedulingOnControlPlanes` from 1.14).
 * Still supported, so only a notice. Omni cluster template inline patches are judged like patch files.
 */
import { get, type Path, type YamlDocument } from '../../core/document.js';
import { DEPRECATED_FIELDS, type DeprecatedTalosField } from '../../data/talos.js';
import { atLeast } from '../../data/versions.js';
import { pinnedMinor } from '../cilium/lib/objects.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { omniInlinePatches } from '../../plan/omni-patches.js';
import { bodyKind } from '../../plan/talos-body.js';
import { talhelperPatchFiles } from '../../plan/talhelper-patches.js';
import { talosDocs } from './lib/talos-docs.js';

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A value that really sets something: not absent, null, '', {} or [], and not a `$patch: delete` of the field. */
function sets(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObj(v)) return Object.keys(v).length > 0 && v['$patch'] !== 'delete';
  return true;
}

/** Replacement kinds in the order domain-facts lists them (§3.5). */
const NETWORK_ORDER = ['LinkConfig', 'LinkAliasConfig', 'BondConfig', 'BridgeConfig', 'DHCPv4Config', 'DHCPv6Config', 'VLANConfig', 'WireGuardConfig', 'DummyLinkConfig', 'Layer2VIPConfig'];

/** The documents that take over what a list of legacy interfaces configures. */
function interfaceKinds(interfaces: unknown): string[] {
  if (!Array.isArray(interfaces)) return [];
  const kinds = new Set<string>();
  const dhcp = (o: Record<string, unknown>) => {
    if (o['dhcp'] !== true) return;
    const opts = isObj(o['dhcpOptions']) ? o['dhcpOptions'] : {};
    if (opts['ipv4'] !== false) kinds.add('DHCPv4Config');
    if (opts['ipv6'] === true) kinds.add('DHCPv6Config');
  };
  for (const itf of interfaces) {
    if (!isObj(itf)) continue;
    if (isObj(itf['bond'])) kinds.add('BondConfig');
    else if (isObj(itf['bridge'])) kinds.add('BridgeConfig');
    else if (isObj(itf['wireguard'])) kinds.add('WireGuardConfig');
    else if (itf['dummy'] === true) kinds.add('DummyLinkConfig');
    else kinds.add('LinkConfig');
    if (isObj(itf['deviceSelector'])) kinds.add('LinkAliasConfig');
    if (isObj(itf['vip'])) kinds.add('Layer2VIPConfig');
    dhcp(itf);
    const vlans = itf['vlans'];
    if (Array.isArray(vlans) && vlans.length) {
      kinds.add('VLANConfig');
      for (const v of vlans) {
        if (!isObj(v)) continue;
        if (isObj(v['vip'])) kinds.add('Layer2VIPConfig');
        dhcp(v);
      }
    }
  }
  return NETWORK_ORDER.filter((k) => kinds.has(k));
}

/** The replacement kinds for `field` given what it holds (undefined = content unknown). */
function replacementFor(field: DeprecatedTalosField, value: unknown): string {
  const key = field.path.join('.');
  if (key === 'machine.network.interfaces') {
    const kinds = interfaceKinds(value);
    if (kinds.length) return kinds.join(', ');
  }
  if (key === 'cluster.network' && isObj(value)) {
    const kinds: string[] = [];
    if (['podSubnets', 'serviceSubnets', 'dnsDomain'].some((k) => k in value)) kinds.push('KubeNetworkConfig');
    if ('cni' in value) kinds.push('KubeFlannelCNIConfig');
    if (kinds.length) return kinds.join(', ');
  }
  return field.replacement.join(', ');
}

const startsWith = (a: readonly string[], b: readonly string[]) => b.length <= a.length && b.every((s, i) => a[i] === s);

/** RFC 6901 pointer → segments. */
function pointer(p: string): string[] | undefined {
  if (!p.startsWith('/')) return undefined;
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface Hit {
  field: DeprecatedTalosField;
  path: Path;
  replacement: string;
}

/** Deprecated fields a strategic-merge config/patch (`value`) sets, at their keys. */
function inConfig(value: unknown, fields: readonly DeprecatedTalosField[]): Hit[] {
  const out: Hit[] = [];
  for (const f of fields) {
    const v = get(value, f.path);
    if (sets(v)) out.push({ field: f, path: f.path, replacement: replacementFor(f, v) });
  }
  return out;
}

/** Deprecated fields an RFC 6902 patch adds or replaces: at the op's `path` key, or at the key inside its `value`. */
function inJsonPatch(value: unknown, fields: readonly DeprecatedTalosField[]): Hit[] {
  const out: Hit[] = [];
  const seen = new Set<DeprecatedTalosField>();
  const ops = Array.isArray(value) ? value : [];
  ops.forEach((op, i) => {
    if (!isObj(op) || (op['op'] !== 'add' && op['op'] !== 'replace') || typeof op['path'] !== 'string') return;
    const segs = pointer(op['path']);
    if (!segs) return;
    for (const f of fields) {
      if (seen.has(f)) continue;
      if (startsWith(segs, f.path)) {
        if (!sets(op['value'])) continue;
        const whole = segs.length === f.path.length;
        const itemOfList = segs.length === f.path.length + 1 && (segs[f.path.length] === '-' || /^\d+$/.test(segs[f.path.length]!));
        const content = whole ? op['value'] : itemOfList ? [op['value']] : undefined;
        seen.add(f);
        out.push({ field: f, path: [i, 'path'], replacement: content === undefined ? f.replacement.join(', ') : replacementFor(f, content) });
      } else if (startsWith(f.path, segs)) {
        const rest = f.path.slice(segs.length);
        const v = rest.reduce<unknown>((acc, k) => (isObj(acc) ? acc[k] : undefined), op['value']);
        if (!sets(v)) continue;
        seen.add(f);
        out.push({ field: f, path: [i, 'value', ...rest], replacement: replacementFor(f, v) });
      }
    }
  });
  return out;
}

/**
 * Files that talhelper `talconfig.yaml`s pull in as patches (`"@./patches/x.yaml"`): talhelper input, not judged
 * (talhelper may or may not carry multi-document patches, depending on its version; see docs.why).
 */
function talhelperPatchFileSet(docs: readonly YamlDocument[]): Set<string> {
  return new Set(docs.flatMap((d) => talhelperPatchFiles(d)).filter((f): f is string => f !== undefined));
}

const VERSION = (v: string) => `plan:\n  versions:\n    talos: ${v}\n`;
const NODE = 'machine:\n  network:\n    hostname: cp1\n    interfaces:\n      - interface: enp1s0\n        vlans:\n          - vlanId: 50\n            addresses: [10.50.0.11/24]\n            vip:\n              ip: 10.50.0.10\n';
const NODE_DOCS = 'apiVersion: v1alpha1\nkind: HostnameConfig\nauto: "off"\nhostname: cp1\n---\napiVersion: v1alpha1\nkind: VLANConfig\nname: enp1s0.50\nparent: enp1s0\nvlanID: 50\naddresses:\n  - address: 10.50.0.11/24\n---\napiVersion: v1alpha1\nkind: Layer2VIPConfig\nname: 10.50.0.10\nlink: enp1s0.50\n';

export default defineRule({
  meta: {
    id: 'talos/deprecated-fields',
    description: 'A v1alpha1 field the pinned Talos version deprecates in favour of a multi-document config kind.',
    severity: 'info',
    messages: {
      deprecated: 'Talos {{since}} deprecates "{{field}}" (still supported; this cluster runs Talos {{version}}); it moves to {{replacement}}.',
    },
    help: 'Move the setting into the multi-document kind(s) the message names (Talos ≥ 1.12: `LinkConfig`, `VLANConfig`, `Layer2VIPConfig`, `HostnameConfig`, `ResolverConfig`, ... for `.machine.network`; Talos ≥ 1.14: `KubeNetworkConfig`/`KubeFlannelCNIConfig`, `KubeProxyConfig`, `KubeInlineManifestConfig`, `KubeExternalManifestConfig`, `KubePrismConfig`, `KubeNodeConfig`) and drop the legacy field.',
    docs: {
      what:
        'When the cluster\'s Talos version is pinned to a minor (talhelper `talosVersion`, the installer image tag, `cluster.yaml` or `talium.config.yaml` `plan.versions.talos`), reports each deprecated v1alpha1 field a Talos machine config, strategic-merge patch or JSON6902 patch sets, once per field and document, at its key.\n' +
        '\n' +
        'The `inline:` patches of a Sidero Omni cluster template count as patches (Omni applies them as written), reported at the key inside the patch, inside the string when it is a literal block.\n' +
        '\n' +
        'Talos 1.12+: `.machine.network.interfaces` (its `vlans`, `vip`, bonds, bridges and DHCP settings are named in the replacement), `hostname`, `nameservers`, `searchDomains`, `disableSearchDomain`, `extraHostEntries` (KubeSpan is not deprecated).\n' +
        '\n' +
        'Talos 1.14+: `.cluster.network`, `.cluster.proxy`, `.cluster.inlineManifests`, `.cluster.extraManifests`, `.cluster.extraManifestHeaders`, `.machine.features.kubePrism`, `.cluster.allowSchedulingOnControlPlanes` (KubeNodeConfig: the control-plane taint is listed there, and Talos refuses the legacy field in a config that has a KubeNodeConfig document, as `talosctl gen config` of 1.14 writes).\n' +
        '\n' +
        'An unknown or open version range (`>=1.12`) gives no finding.\n' +
        '\n' +
        'talhelper input is not judged: neither `talconfig.yaml` (talhelper, not the user, decides whether `networkInterfaces`, `nameservers` or its inline patches become legacy fields or documents) nor the patch files it references with `@`, because whether a talhelper version carries multi-document patches is not established (older versions drop them silently).',
      why: 'Nothing breaks: Talos deprecates these fields but still supports them. The multi-document kinds are the form Talos documents from these versions on (`talosctl gen config` of 1.14 already writes them), and a config that sets one thing in both forms is hard to review; the notice lets you migrate on your own schedule. When the field is removed is not established, so this stays an info. (On Talos 1.14 a bare `cluster.network.cni.name: none` is also a warning of talos/cni-not-none, because Flannel is a document there.)',
      fix: 'Write the same settings as the named documents (`apiVersion: v1alpha1`, `kind: ...`) in the same patch file, and remove the legacy field; `talium generate` emits that form for Talos 1.12+ (network) and 1.14+ (Kubernetes settings).',
      sources: [SRC.talosNew112, SRC.talosNew114],
    },
    examples: {
      valid: [
        { files: { 'talos/nodes/cp1.yaml': NODE, 'talium.config.yaml': VERSION('1.11.5') } },
        { files: { 'talos/nodes/cp1.yaml': NODE_DOCS, 'talium.config.yaml': VERSION('1.14.1') } },
      ],
      invalid: [{ files: { 'talos/nodes/cp1.yaml': NODE, 'talium.config.yaml': VERSION('1.12.3') } }],
    },
  },
  check({ cluster }) {
    const version = pinnedMinor(cluster.plan.versions.talos?.value);
    if (!version) return [];
    const fields = DEPRECATED_FIELDS.filter((f) => atLeast(version, f.since));
    if (!fields.length) return [];
    const docs = talosDocs(cluster);
    const skip = talhelperPatchFileSet(docs);
    const out: RuleFinding[] = [];
    for (const d of docs) {
      if (skip.has(d.file.path)) continue;
      const data = (h: Hit) => ({ field: `.${h.field.path.join('.')}`, since: h.field.since, replacement: h.replacement, version });
      if (d.docClass === 'omni-template') {
        // Omni applies inline patches as written: judged like patch files, at the key inside the patch
        for (const { body } of omniInlinePatches(d)) {
          const hits = Array.isArray(body.value) ? inJsonPatch(body.value, fields) : bodyKind(body) === undefined ? inConfig(body.value, fields) : [];
          for (const h of hits) {
            const range = body.inString ? d.locateInString(body.at, h.path, { key: true, ...(body.inString.of > 1 ? { doc: body.inString.index } : {}) }) : undefined;
            out.push({ doc: d, path: body.inString ? body.at : [...body.at, ...h.path], key: !body.inString, ...(range ? { range } : {}), messageId: 'deprecated', data: data(h) });
          }
        }
        continue;
      }
      const hits = d.docClass === 'talos-config' ? inConfig(d.value, fields) : d.docClass === 'talos-json6902' ? inJsonPatch(d.value, fields) : [];
      for (const h of hits) out.push({ doc: d, path: h.path, key: true, messageId: 'deprecated', data: data(h) });
    }
    return out;
  },
});
