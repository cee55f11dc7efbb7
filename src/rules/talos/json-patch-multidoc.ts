/** talos/json-patch-multidoc: RFC 6902 JSON patches are refused on multi-document machine configs (Talos ≥ 1.14 generates those). */
import type { Range } from '../../core/diagnostic.js';
import type { Path, YamlDocument } from '../../core/document.js';
import { omniInlinePatches } from '../../plan/omni-patches.js';
import { talhelperInlinePatches } from '../../plan/talhelper-patches.js';
import { bodyKind, bodyPlace } from '../../plan/talos-body.js';
import { KUBE_DOCUMENT_KINDS_SINCE } from '../../data/talos.js';
import { atLeast } from '../../data/versions.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { talosDocs } from './lib/talos-docs.js';

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
const isOp = (v: unknown) => isObj(v) && typeof v['op'] === 'string' && typeof v['path'] === 'string';

const PATCH = '- op: add\n  path: /machine/network/hostname\n  value: cp1\n';
const TALCONFIG = (v: string) => `clusterName: home\ntalosVersion: ${v}\nendpoint: https://10.50.0.10:6443\nnodes:\n  - hostname: cp1\n    ipAddress: 10.50.0.11\n    controlPlane: true\n`;

export default defineRule({
  meta: {
    id: 'talos/json-patch-multidoc',
    description: 'JSON6902 patches do not apply to multi-document Talos configs (the default from Talos 1.14).',
    severity: 'error',
    messageSeverities: { multidoc: 'warning' },
    messages: {
      version: 'This is an RFC 6902 JSON patch, but Talos {{version}} generates multi-document machine configs and refuses JSON patches on them.',
      multidoc: 'This is an RFC 6902 JSON patch, but the cluster uses multi-document Talos config ({{kind}} in {{file}}); Talos refuses JSON patches on multi-document configs.',
    },
    help: 'Rewrite the patch as a strategic-merge patch (a partial machine config, `$patch: delete` to remove fields).',
    docs: {
      what: 'Finds RFC 6902 patches (lists of op/path/value: files, talhelper inline patches written as YAML or as a string, op lists in an Omni cluster template `inline:` string, reported at the first op inside the string) in repositories whose Talos version is 1.14 or newer, or that already use multi-document config kinds.',
      why: 'Talos\'s patcher rejects them: "JSON6902 patches are not supported for multi-document machine configuration"; from Talos 1.14 `gen config` always emits several documents, so such patches break config generation.',
      fix: 'Convert each operation to a strategic-merge patch.',
      sources: [SRC.talosPatching],
    },
    examples: {
      valid: [{ files: { 'talos/talconfig.yaml': TALCONFIG('v1.13.9'), 'talos/patches/hostname.yaml': PATCH } }],
      invalid: [
        { files: { 'talos/talconfig.yaml': TALCONFIG('v1.14.1'), 'talos/patches/hostname.yaml': PATCH } },
        { files: { 'talos/patches/hostname.yaml': PATCH, 'talos/patches/hostname-doc.yaml': 'apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: cp1\n' } },
      ],
    },
  },
  check({ cluster }) {
    const docs = talosDocs(cluster);
    const patches: Array<{ doc: YamlDocument; path: (string | number)[] }> = [];
    const inString: Array<{ doc: YamlDocument; path: Path; range?: Range }> = [];
    // a multi-document kind written in an inline patch (a Layer2VIPConfig in a talhelper string) is as telling as a file
    let inlineKind: { kind: string; file: string } | undefined;
    for (const d of docs) {
      if (d.docClass === 'talos-json6902') patches.push({ doc: d, path: [0] });
      if (d.docClass === 'talhelper') {
        const scan = (list: unknown, base: (string | number)[]) => {
          if (!Array.isArray(list)) return;
          list.forEach((p, i) => {
            if (isOp(p)) patches.push({ doc: d, path: [...base, i] });
            else if (Array.isArray(p) && p.length && p.every(isOp)) patches.push({ doc: d, path: [...base, i] });
          });
        };
        scan(d.get(['patches']), ['patches']);
        for (const role of ['controlPlane', 'worker']) scan(d.get([role, 'patches']), [role, 'patches']);
        const nodes = d.get(['nodes']);
        if (Array.isArray(nodes)) nodes.forEach((_, i) => scan(d.get(['nodes', i, 'patches']), ['nodes', i, 'patches']));
      }
      // an op list written as a YAML string (talhelper `patches: - |`, an Omni `inline: |`): talhelper and Omni hand
      // the text to Talos's patcher, which detects JSON6902 as for a file; reported at the first op inside the string
      // (an Omni `inline:` YAML list is several strategic-merge documents, never a JSON patch)
      const bodies = d.docClass === 'talhelper' ? talhelperInlinePatches(d).map((p) => p.body) : d.docClass === 'omni-template' ? omniInlinePatches(d).map((p) => p.body) : [];
      for (const b of bodies) {
        const kind = bodyKind(b);
        if (kind && !inlineKind) inlineKind = { kind, file: d.file.path };
        if (!b.inString || !Array.isArray(b.value) || !b.value.some(isOp)) continue;
        const { range } = bodyPlace(b, [b.value.findIndex(isOp)]);
        inString.push({ doc: d, path: b.at, ...(range ? { range } : {}) });
      }
    }
    if (!patches.length && !inString.length) return [];
    // talhelper inline op lists: report the first op of each contiguous list once
    const seen = new Set<string>();
    const firsts: Array<{ doc: YamlDocument; path: Path; range?: Range }> = patches.filter((p) => {
      const parent = `${p.doc.file.path}#${p.doc.index}#${p.path.slice(0, -1).join('.')}`;
      if (p.doc.docClass === 'talhelper' && seen.has(parent)) return false;
      seen.add(parent);
      return true;
    });
    firsts.push(...inString);
    const version = cluster.plan.versions.talos?.value;
    if (version && atLeast(version, KUBE_DOCUMENT_KINDS_SINCE)) {
      return firsts.map((p): RuleFinding => ({ ...p, messageId: 'version', data: { version } }));
    }
    const doc = docs.find((d) => d.docClass === 'talos-document');
    const multi = doc ? { kind: doc.kind ?? '', file: doc.file.path } : inlineKind;
    if (!multi) return [];
    return firsts.map((p): RuleFinding => ({ ...p, messageId: 'multidoc', data: multi, severity: 'warning' }));
  },
});
