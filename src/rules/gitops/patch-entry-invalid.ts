/**
 * gitops/patch-entry-invalid: a kustomize `patches` entry that kustomize's PatchTransformer rejects as written, in a
 * kustomization, a Flux Kustomization (`spec.patches`, Flux 2) or an Argo CD source (`kustomize.patches`): both
 * `patch` and `path`, neither, a JSON6902 patch (a list of operations) without `target`, or several strategic-merge
 * documents in one entry with a `target`. kustomize fails the whole build, and so do Flux and Argo CD.
 */
import type { Path, YamlDocument } from '../../core/document.js';
import { docsOf } from '../../core/kind-index.js';
import { fluxTargetless } from '../../data/flux.js';
import { fluxVersion } from '../../plan/flux-version.js';
import { argoSourcePaths, isObj, patchBodies, TEMPLATED } from '../../plan/util.js';
import { defineRule, type RuleFinding } from '../types.js';

const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n${body}`;
const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  a: "1"\n';
const JSON_OPS = '      - op: replace\n        path: /data/a\n        value: "2"\n';
const SMP = (key: string) => `      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: web\n      data:\n        ${key}: "2"\n`;

const KUSTOMIZE_PATCH_TRANSFORMER = 'https://github.com/kubernetes-sigs/kustomize/blob/master/plugin/builtin/patchtransformer/PatchTransformer.go';
const KUSTOMIZE_PATCHES = 'https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/patches/';
const FLUX_PATCHES = 'https://fluxcd.io/flux/components/kustomize/kustomizations/#patches';
const ARGO_PATCHES = 'https://argo-cd.readthedocs.io/en/stable/user-guide/kustomize/#patches';

/** A `patches` entry and where it is: the document and the path of the list holding it. */
interface Holder {
  doc: YamlDocument;
  list: Path;
}

/** The `patches` lists of kustomizations, Flux 2 Kustomizations and Argo CD sources. */
function holders(docs: readonly YamlDocument[]): Holder[] {
  const out: Holder[] = [];
  let flux: { minor: string | undefined } | undefined;
  for (const d of docsOf(docs, { classes: ['kustomization'], kinds: ['Kustomization', 'Application', 'ApplicationSet'] })) {
    if (d.templated) continue;
    if (d.docClass === 'kustomization') out.push({ doc: d, list: ['patches'] });
    else if (d.kind === 'Kustomization' && d.group === 'kustomize.toolkit.fluxcd.io') {
      // Flux 0.x gave a target-less patch `target: {}` (data/flux.ts): judged only where kustomize-controller passes none
      flux ??= { minor: fluxVersion(docs) };
      const version = (d.apiVersion ?? '').slice(d.apiVersion!.indexOf('/') + 1);
      if (fluxTargetless(version, flux.minor) === 'none') out.push({ doc: d, list: ['spec', 'patches'] });
    } else if ((d.kind === 'Application' || d.kind === 'ApplicationSet') && d.group === 'argoproj.io') {
      for (const sp of argoSourcePaths(d)) out.push({ doc: d, list: [...sp, 'kustomize', 'patches'] });
    }
  }
  return out;
}

/** What kustomize's PatchTransformer.Config and Transform reject in one entry, and where to point. */
function problem(entry: Record<string, unknown>): { messageId: string; at: string; data?: Record<string, string> } | undefined {
  const patch = typeof entry['patch'] === 'string' ? entry['patch'].trim() : entry['patch'];
  const path = entry['path'];
  const hasPatch = patch !== undefined && patch !== null && patch !== '';
  const hasPath = path !== undefined && path !== null && path !== '';
  if (hasPatch && hasPath) return { messageId: 'patchAndPath', at: 'path' };
  if (!hasPatch && !hasPath) return { messageId: 'noPatch', at: '' };
  if (!hasPatch || typeof patch !== 'string' || TEMPLATED.test(patch)) return undefined;
  const bodies = patchBodies(patch);
  if (!bodies || !bodies.length) return undefined;
  const target = entry['target'];
  const hasTarget = target !== undefined && target !== null;
  // kustomize reads a body that is a list as JSON6902 operations (jsonPatchFromBytes), a mapping as strategic merge
  if (bodies.length === 1 && Array.isArray(bodies[0]) && !hasTarget) return { messageId: 'jsonWithoutTarget', at: 'patch' };
  if (bodies.length > 1 && bodies.every(isObj) && hasTarget) return { messageId: 'manySmpWithTarget', at: 'target', data: { count: String(bodies.length) } };
  return undefined;
}

export default defineRule({
  meta: {
    id: 'gitops/patch-entry-invalid',
    description: 'A kustomize `patches` entry (kustomization, Flux Kustomization, Argo CD source) that kustomize rejects as written: both `patch` and `path`, neither, a JSON6902 patch without `target`, or several strategic-merge patches with a `target`.',
    severity: 'error',
    messages: {
      patchAndPath: 'This patch entry has both `patch` and `path`; kustomize (and Flux, Argo CD) fails the whole build ("patch and path can\'t be set at the same time"), so nothing of it is applied.',
      noPatch: 'This patch entry has neither a `patch` nor a `path` (or an empty patch); kustomize (and Flux, Argo CD) fails the whole build ("must specify one of patch and path"), so nothing of it is applied.',
      jsonWithoutTarget: 'This patch is a list of JSON6902 operations without a `target`; kustomize (and Flux, Argo CD) fails the whole build ("must specify a target for JSON patch"): unlike a strategic-merge patch, a JSON6902 patch does not name the object it changes.',
      manySmpWithTarget: 'This patch entry holds {{count}} strategic-merge patches and a `target`; kustomize (and Flux, Argo CD) fails the whole build ("Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field").',
    },
    help: 'Give each entry exactly one of `patch` (inline) or `path` (a file); give a JSON6902 patch a `target` (kind, name...) naming the object it changes; split several strategic-merge patches that need a `target` into one entry each.',
    docs: {
      what: 'Checks every entry of a kustomization\'s `patches`, of a Flux Kustomization\'s `spec.patches` (where kustomize-controller passes a missing `target` on as none: the `v1` API or a repository stating Flux 2; Flux 0.x gave such an entry `target: {}`, see gitops/patch-target-missing) and of an Argo CD source\'s `kustomize.patches`, as kustomize\'s PatchTransformer reads it:\n' +
        '- `patchAndPath`: both an inline `patch` and a `path` file;\n' +
        '- `noPatch`: neither, or an empty `patch` (a `target` alone patches nothing);\n' +
        '- `jsonWithoutTarget`: an inline patch whose body is a list (JSON6902 operations, in YAML or JSON) without `target`;\n' +
        '- `manySmpWithTarget`: an inline patch of several strategic-merge documents (`---`) with a `target`.\n' +
        'Templated patches (`${VAR}`, `{{ }}`) and the bodies of `path` files are not read.',
      why: 'kustomize configures every patch before it builds: one malformed entry fails the whole kustomization, so Flux stops that Kustomization (and whatever `dependsOn` it) and Argo CD reports a ComparisonError; nothing of the build is applied or updated. A JSON6902 patch names no object (only paths inside one), so it needs a `target`; a strategic-merge patch names its object, and several of them cannot share one `target`.',
      fix: 'Keep one of `patch` or `path`. Add `target: {kind: ..., name: ...}` to a JSON6902 patch. Split a multi-document strategic-merge patch into one entry per document (each may keep the `target`), or drop the `target` and let each document name its object.',
      sources: [KUSTOMIZE_PATCH_TRANSFORMER, KUSTOMIZE_PATCHES, FLUX_PATCHES, ARGO_PATCHES],
    },
    examples: {
      valid: [
        { files: { 'app/kustomization.yaml': K(`patches:\n  - patch: |\n${JSON_OPS}    target:\n      kind: ConfigMap\n      name: web\n`), 'app/cm.yaml': CM } },
        { files: { 'app/kustomization.yaml': K(`patches:\n  - patch: |\n${SMP('a')}`), 'app/cm.yaml': CM } },
      ],
      invalid: [
        { files: { 'app/kustomization.yaml': K(`patches:\n  - patch: |\n${JSON_OPS}`), 'app/cm.yaml': CM }, note: 'a JSON6902 patch without target' },
        { files: { 'app/kustomization.yaml': K(`patches:\n  - patch: |\n${SMP('a')}      ---\n${SMP('b')}    target:\n      kind: ConfigMap\n`), 'app/cm.yaml': CM }, note: 'two strategic-merge patches with one target' },
        { files: { 'app/kustomization.yaml': K(`patches:\n  - path: patch.yaml\n    patch: |\n${SMP('a')}`), 'app/cm.yaml': CM, 'app/patch.yaml': SMP('a').replace(/^ {6}/gm, '') }, note: 'both patch and path' },
        { files: { 'app/kustomization.yaml': K('patches:\n  - target:\n      kind: ConfigMap\n'), 'app/cm.yaml': CM }, note: 'a target without a patch' },
      ],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    for (const h of holders(cluster.docs)) {
      const list = h.doc.get(h.list);
      if (!Array.isArray(list)) continue;
      list.forEach((entry, i) => {
        if (!isObj(entry)) return;
        const p = problem(entry);
        if (!p) return;
        out.push({ doc: h.doc, path: p.at ? [...h.list, i, p.at] : [...h.list, i], messageId: p.messageId, ...(p.data ? { data: p.data } : {}) });
      });
    }
    return out;
  },
});
