/**
 * gitops/flux-sops-decryption: a Flux Kustomization that applies SOPS-encrypted objects (a top-level `sops:`
 * mapping) without `spec.decryption.provider: sops`. kustomize-controller decrypts only when a Kustomization asks
 * for it (it is not inherited from the Kustomization that applies this one); otherwise it applies the objects as
 * written and the server-side dry-run fails (".sops: field not declared in schema", fluxcd/flux2#3367, #797), so
 * nothing of that Kustomization is applied. Decryption added by a patch is honoured, conservatively: a `patches` entry
 * mentioning `decryption` in a Flux Kustomization that applies this one, or in a kustomization whose folder holds it.
 */
import type { YamlDocument } from '../../core/document.js';
import { isSopsDocument } from '../../core/sops.js';
import { appliers, type Applier } from '../../plan/appliers.js';
import { kustomizePatchEntries } from '../../plan/kustomize-patches.js';
import { dirOf, docsByFile, isObj, normalizePath } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';
import { under } from './lib/flux.js';

const KS = (name: string, path: string, decryption = '') =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n${decryption}  interval: 1h\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
const DECRYPTION = '  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n';
const SECRET =
  'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secret\nstringData:\n  password: ENC[AES256_GCM,data:c2VjcmV0,iv:aXY=,tag:dGFn,type:str]\nsops:\n  age:\n    - recipient: age1qqqq\n      enc: |\n        -----BEGIN AGE ENCRYPTED FILE-----\n        -----END AGE ENCRYPTED FILE-----\n  lastmodified: "2026-01-01T00:00:00Z"\n  mac: ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]\n  version: 3.9.0\n';

const FLUX_SOPS = 'https://fluxcd.io/flux/guides/mozilla-sops/';
const FLUX_DECRYPTION = 'https://fluxcd.io/flux/components/kustomize/kustomizations/#decryption';
const FLUX_ISSUE = 'https://github.com/fluxcd/flux2/issues/3367';

/** `spec.decryption.provider: sops` on the Kustomization itself. */
const decrypts = (d: YamlDocument): boolean => {
  const dec = d.get(['spec', 'decryption']);
  return isObj(dec) && dec['provider'] === 'sops';
};

/** Whether a patch entry's text (inline, or the file its `path` names) mentions `decryption`. */
function mentionsDecryption(entry: unknown, dir: string | undefined, texts: (path: string) => string | undefined): boolean {
  if (typeof entry === 'string') return entry.includes('decryption') || (dir !== undefined && !entry.includes('\n') && (texts(normalizePath(`${dir}/${entry}`) ?? '') ?? '').includes('decryption'));
  if (!isObj(entry)) return false;
  if (typeof entry['patch'] === 'string' && entry['patch'].includes('decryption')) return true;
  if (typeof entry['path'] === 'string' && dir !== undefined) return (texts(normalizePath(`${dir}/${entry['path']}`) ?? '') ?? '').includes('decryption');
  return false;
}

export default defineRule({
  meta: {
    id: 'gitops/flux-sops-decryption',
    description: 'A Flux Kustomization applies SOPS-encrypted objects but has no `spec.decryption` (provider: sops); kustomize-controller applies them encrypted and the reconcile fails.',
    severity: 'error',
    messages: {
      noDecryption: 'Flux Kustomization "{{name}}" applies {{count}} SOPS-encrypted object(s) ({{first}}) but has no `spec.decryption` with `provider: sops`; kustomize-controller does not decrypt them (decryption is not inherited from the Kustomization that applies this one) and the reconcile fails (".sops: field not declared in schema"), so nothing of it is applied.',
    },
    help: 'Add `decryption: {provider: sops, secretRef: {name: sops-age}}` (the Secret holding the age or GPG key) to this Kustomization\'s spec, or a patch in the Kustomization that applies it that adds it to every Kustomization.',
    docs: {
      what: 'For every Flux Kustomization of this repository, looks at the objects its build applies (its `spec.path`, as kustomize-controller builds it) and reports it when one of them is SOPS-encrypted (a document with a top-level `sops:` mapping) while the Kustomization has no `spec.decryption.provider: sops`.\n' +
        '\n' +
        'Decryption added by a patch counts, conservatively: a `patches` (or `patchesStrategicMerge`) entry whose text mentions `decryption` in a Flux Kustomization that applies this one (the cluster-template pattern: `cluster-apps` patches every Kustomization it applies), or in a kustomization whose folder holds this Kustomization\'s file (a `flux-system/kustomization.yaml` patching gotk-sync). SOPS-encrypted generator inputs (`*.sops.env`) are not read.',
      why: 'kustomize-controller decrypts SOPS data only for a Kustomization that sets `spec.decryption`; the setting is per Kustomization, not inherited. Without it the encrypted manifest reaches the API server as written, the server-side dry-run rejects its `sops` field, and the whole Kustomization fails (and everything that `dependsOn` it waits). A new app folder copied from one whose ks.yaml had the decryption block (or moved out from under the Kustomization that patched it in) is the usual way in.',
      fix: 'Add `spec.decryption` with `provider: sops` and the `secretRef` of the key Secret (usually `sops-age` in flux-system) to the Kustomization, or have the Kustomization that applies it patch it in for all its children.',
      sources: [FLUX_DECRYPTION, FLUX_SOPS, FLUX_ISSUE, SRC.fluxKustomization],
    },
    examples: {
      valid: [{ files: { 'clusters/home/app.yaml': KS('app', './apps/app', DECRYPTION), 'apps/app/secret.sops.yaml': SECRET } }],
      invalid: [{ files: { 'clusters/home/app.yaml': KS('app', './apps/app'), 'apps/app/secret.sops.yaml': SECRET }, note: 'the decryption block was forgotten' }],
    },
  },
  check({ cluster, all, tree }) {
    const flux = appliers(cluster.docs, all, tree?.sourceIgnores).filter((a) => a.engine === 'flux' && !a.generated);
    if (!flux.length) return [];
    const encrypted = (a: Applier) => a.objects.filter((o) => isSopsDocument(o.doc.parsed));
    const judged = flux.map((a) => ({ a, enc: decrypts(a.doc) ? [] : encrypted(a) })).filter((x) => x.enc.length);
    if (!judged.length) return [];
    // where patches add decryption: the Flux Kustomizations they apply to, the folders whose kustomization patches
    let byFile: Map<string, YamlDocument[]> | undefined;
    const texts = (p: string): string | undefined => (byFile ??= docsByFile(all)).get(p)?.[0]?.file.text;
    const patchedBy = new Set<YamlDocument>();
    const patchedFolders: string[] = [];
    for (const e of kustomizePatchEntries(all)) {
      if (!mentionsDecryption(e.entry, e.dir, texts)) continue;
      if (e.doc.docClass === 'kustomization') patchedFolders.push(dirOf(e.doc.file.path));
      else patchedBy.add(e.doc);
    }
    const coveredByParent = (d: YamlDocument): boolean => flux.some((p) => patchedBy.has(p.doc) && p.objects.some((o) => o.doc === d));
    const out: RuleFinding[] = [];
    for (const { a, enc } of judged) {
      if (coveredByParent(a.doc) || patchedFolders.some((f) => under(dirOf(a.doc.file.path), f))) continue;
      const first = enc[0]!;
      out.push({
        doc: a.doc,
        path: ['spec', 'path'],
        messageId: 'noDecryption',
        data: { name: a.name, count: String(new Set(enc.map((o) => o.doc)).size), first: `${first.kind} ${first.name} in ${first.doc.file.path}` },
        related: [{ doc: first.doc, path: ['sops'], message: 'a SOPS-encrypted object it applies' }],
      });
    }
    return out;
  },
});
