/**
 * gitops/unreferenced-file: a YAML file of Kubernetes objects in a folder with a kustomization that no
 * kustomization names (plan/applied.ts decides): Kustomize, Flux and Argo CD never apply it, so talium's other
 * rules leave its objects out. Reports once per file, at its first line.
 */
import { FILE_START } from '../../core/diagnostic.js';
import type { YamlDocument } from '../../core/document.js';
import { argoFilterOf, argoSkipped, isKustomizationFile } from '../../plan/applied.js';
import { dirOf } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RuleFinding } from '../types.js';

const KUST = (...files: string[]) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${files.map((f) => `  - ${f}\n`).join('')}`;
const POOL = (name: string, cidr: string) => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ${name}\nspec:\n  blocks:\n    - cidr: ${cidr}\n`;

export default defineRule({
  meta: {
    id: 'gitops/unreferenced-file',
    description: 'A file of Kubernetes objects beside a kustomization that no kustomization lists is never applied.',
    severity: 'info',
    messages: {
      unreferenced: '"{{file}}" is not listed by {{kustomization}} or any other kustomization, so its objects are never applied (talium checks only its syntax and schema).',
    },
    help: 'List the file under the kustomization\'s `resources` if it should be applied, or delete it if it is left over.',
    docs: {
      what: 'In a folder with a kustomization file (`kustomization.yaml`, `kustomization.yml`, `Kustomization`), reports each YAML file of Kubernetes objects that no kustomization of the repository names: not as a resource, base or component (directly, or through the kustomization of a listed folder), patch, generator input, or input of a generator/transformer configuration (ksops). Only Kubernetes objects count (not Helm values or Talos patches).\n' +
        '\n' +
        'Silent:\n' +
        '- for folders without a kustomization (Flux generates one of every file; Argo CD applies a plain directory);\n' +
        '- for a folder whose kustomization has a templated `resources` entry, does not read as a kustomization, or that an Argo CD source applies with `directory` or a plugin;\n' +
        '- for a file an Argo CD directory source leaves out with `directory.include` / `directory.exclude` (its objects are left out of the other rules too, when nothing else applies the folder), and for objects annotated `argocd.argoproj.io/hook: Skip`, which Argo CD never applies (left out of the other rules too, in a repository with Argo CD Applications);\n' +
        '- when only part of the tree is linted.\n' +
        '\n' +
        'Such objects are left out of every other talium rule (pool overlaps, requested IPs, L2 policies...), while YAML and schema checks still read them.',
      why: 'A kustomization decides what its folder applies; a file it does not list (a pool left behind after it was removed from `resources`, a commented-out entry) is never applied by Kustomize, by Flux (which builds the folder with its kustomization) or by Argo CD (which detects the kustomization and runs Kustomize). Judging its objects as live reports conflicts that do not exist; forgetting to list a new file silently leaves it out of the cluster.',
      fix: 'Add the file to the kustomization\'s `resources` (or to the kustomization of a folder that lists this one), or delete the file.',
      sources: [SRC.kustomizeResources, SRC.fluxKustomization, SRC.argoToolDetection, SRC.argoResourceHooks],
    },
    examples: {
      valid: [{ files: { 'infra/lb/kustomization.yaml': KUST('pool.yaml'), 'infra/lb/pool.yaml': POOL('lan', '10.50.0.224/28') } }],
      invalid: [{ files: { 'infra/lb/kustomization.yaml': KUST('pool.yaml'), 'infra/lb/pool.yaml': POOL('lan', '10.50.0.224/28'), 'infra/lb/pool-old.yaml': POOL('old', '10.50.0.192/27') }, note: 'pool-old.yaml was removed from resources but left in the folder' }],
    },
    // another kustomization, outside the linted paths, may list the file
    needsWholeTree: ['unreferenced'],
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    const kusts = new Map<string, YamlDocument>();
    for (const d of cluster.docs) if (d.docClass === 'kustomization' && isKustomizationFile(d.file.path)) kusts.set(dirOf(d.file.path), d);
    for (const doc of cluster.unapplied ?? []) {
      // left out by an Argo CD source's directory include/exclude or a Skip hook: deliberate, and no kustomization to list it in
      if (seen.has(doc.file.path) || argoFilterOf(doc) || argoSkipped(doc)) continue;
      seen.add(doc.file.path);
      const kust = kusts.get(dirOf(doc.file.path));
      const finding: RuleFinding = {
        doc,
        path: [],
        range: FILE_START,
        messageId: 'unreferenced',
        data: { file: doc.file.path.slice(doc.file.path.lastIndexOf('/') + 1), kustomization: kust ? kust.file.path : 'the kustomization of its folder' },
        // every group sees the same files unapplied: one finding for a file groups share
        everyGroup: true,
      };
      if (kust) finding.related = [{ doc: kust, path: kust.get(['resources']) === undefined ? [] : ['resources'], key: kust.get(['resources']) !== undefined, message: 'the kustomization of this folder' }];
      out.push(finding);
    }
    return out;
  },
});
