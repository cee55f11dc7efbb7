/**
 * gitops/duplicate-object: a kustomization whose `resources` (or `components`) reach one object id twice. kustomize
 * fails the build ("may not add resource with an already registered id"), and so do Flux and Argo CD; also a folder
 * without a kustomization that a Flux Kustomization (generated kustomization: fails) or an Argo CD plain directory
 * (keeps the later copy, RepeatedResourceWarning) applies holding one object twice. The build model
 * (ids after namespace / namePrefix / nameSuffix, `$patch: delete`) is plan/kustomize-build.ts; a Flux `targetNamespace`
 * or Argo CD `kustomize.namespace` making two ids one is reported at that key (plan/appliers.ts nsConflicts).
 */
import type { Path, YamlDocument } from '../../core/document.js';
import { applierLabel, appliers } from '../../plan/appliers.js';
import { duplicateIds, objectKey, samePath, type BuiltObject } from '../../plan/kustomize-build.js';
import { docsByFile } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';

const KUST = (...entries: string[]) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${entries.map((f) => `  - ${f}\n`).join('')}`;
const POOL = (name: string, cidr: string) => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ${name}\nspec:\n  blocks:\n    - cidr: ${cidr}\n`;

const KUSTOMIZE_APPEND = 'https://github.com/kubernetes-sigs/kustomize/blob/master/api/resmap/reswrangler.go';
const KUSTOMIZE_RESID = 'https://github.com/kubernetes-sigs/kustomize/blob/master/api/resid/resid.go';
const FLUX_GENERATOR = 'https://github.com/fluxcd/pkg/blob/main/kustomize/kustomize_generator.go';
const ARGO_KUSTOMIZE = 'https://github.com/argoproj/argo-cd/blob/master/util/kustomize/kustomize.go';
const ARGO_REPEATED = 'https://github.com/argoproj/argo-cd/blob/master/controller/state.go';
const FLUX_KS = (path: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: lb\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;

/** `Kind namespace/name` as users read it (kustomize's own id is in the error message). */
function data(o: BuiltObject, extra: Record<string, string>): Record<string, string> {
  return { kind: o.kind, name: o.name, namespace: o.namespace, apiVersion: o.group ? `${o.group}/${o.version}` : o.version, object: `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`, ...extra };
}

const entryText = (k: YamlDocument, p: Path): string => String(k.get(p));

/** The object as this kustomization received it (before the transformer that made the ids one). */
const original = (o: BuiltObject): BuiltObject => o.prev ?? o;

const shown = (o: BuiltObject): string => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

export default defineRule({
  meta: {
    id: 'gitops/duplicate-object',
    description: 'A kustomization, or a folder Flux or Argo CD applies without one, reaches the same object (group, version, kind, namespace, name) twice; kustomize fails the build (an Argo CD directory applies one copy).',
    severity: 'error',
    messages: {
      entries: '{{object}} reaches this kustomization twice, through "{{entry}}" and, before it, "{{first}}"; kustomize (and Flux, Argo CD) fails with "may not add resource with an already registered id", so nothing of this build is applied.',
      namespace: '`{{key}}: {{setTo}}` makes {{first}} and {{second}} one object, {{object}}; kustomize (and Flux, Argo CD) fails with "namespace transformation produces ID conflict", so nothing of this build is applied.',
      documents: '{{object}} is defined twice in what "{{entry}}" brings in; kustomize (and Flux, Argo CD) fails with "may not add resource with an already registered id", so nothing of this build is applied.',
      generated: '{{object}} is defined twice in folder "{{folder}}", which {{applier}} applies without a kustomization; the kustomization Flux generates lists every manifest below it, and its build fails with "may not add resource with an already registered id", so nothing of this Kustomization is applied.',
      directory: '{{object}} is defined twice in folder "{{folder}}", which {{applier}} applies as a plain directory; Argo CD applies only this later copy and reports a RepeatedResourceWarning, so the earlier one is silently ignored.',
    },
    help: 'List each file or folder once: drop the entry that brings the object in again, or give one copy another name (a namePrefix/nameSuffix in its overlay) or namespace.',
    docs: {
      what: 'Builds every kustomization of the repository as kustomize 5 accumulates it: its `resources` (and legacy `bases`) in order, a folder entry built with its own kustomization (that kustomization\'s namespace, namePrefix, nameSuffix and `$patch: delete` patches applied), then its `components` (each adding its resources).\n' +
        '\n' +
        'Reports an object id (group, version, kind, namespace, name; a missing namespace is `default`, and the namespace of a kind kustomize takes as cluster-scoped is ignored) reached a second time:\n' +
        '- the same file listed twice through two paths;\n' +
        '- a folder and one of its files both listed;\n' +
        '- two overlays of one base with the same namePrefix both listed;\n' +
        '- a component that adds an object already there;\n' +
        '- one file with two documents of the same id;\n' +
        '- a folder without a kustomization that a Flux Kustomization applies (kustomize-controller generates a kustomization listing every `.yaml`/`.yml` file below it, and a subfolder with a kustomization as one entry) holding two documents of one id: the build fails too;\n' +
        '- a plain directory an Argo CD Application applies (`directory.recurse`: with its subfolders) holding two objects of one group, kind, namespace (an object without one gets the destination namespace) and name: Argo CD keeps the later one (files in path order) and sets a RepeatedResourceWarning condition (a warning);\n' +
        '- two objects that differ only by namespace, which the kustomization\'s `namespace:` (or a component\'s) sets to one ("namespace transformation produces ID conflict"; reported at `namespace`, with both objects as related locations). Two Namespace objects are one too: `namespace:` renames them.\n' +
        '- the same for a Flux Kustomization\'s `targetNamespace` or an Argo CD source\'s `kustomize.namespace`: kustomize-controller sets it as the `namespace` of the kustomization it builds (or generates), Argo CD runs `kustomize edit set namespace`, so kustomize\'s namespace transformer fails alike; reported at that key, unless the kustomization\'s own `namespace:` makes the two one already.\n' +
        '\n' +
        'The finding is on the entry that brings the second copy in (`resources`, `bases` or `components` of the kustomization that fails), where the fix is made, with the first copy and its entry as related locations; when both copies come through one entry (one file), or a folder without a kustomization holds both, on the second document\'s `metadata.name`. Reported once, at the innermost kustomization whose build fails.\n' +
        '\n' +
        'Not judged:\n' +
        '- ids that are templated (`${VAR}`, `{{ }}`), or that a transformer talium does not follow may change (`transformers`, `replacements` of metadata, JSON6902 patches of metadata, delete patches by pattern or label);\n' +
        '- remote and templated entries;\n' +
        '- generators and `helmCharts`;\n' +
        '- for a Flux folder, files its source leaves out of the artifact (`.sourceignore` files, `spec.ignore`, and without either Flux\'s default exclusions such as `.github/`, `cloudbuild.yaml`, `.sops.yaml`).',
      why: 'kustomize refuses to accumulate a resource whose id it already holds ("may not add resource with an already registered id"). The whole build fails, so kustomize-controller marks the Flux Kustomization not ready and Argo CD reports a ComparisonError: nothing under that kustomization is applied or updated until the duplicate is removed, not only the duplicated object. An Argo CD plain directory is not built by kustomize: Argo CD applies the later copy only, so edits to the earlier file silently do nothing.',
      fix: 'Remove the second entry (or the file from the folder whose kustomization already lists it), or rename one copy (namePrefix/nameSuffix in its overlay, another namespace). To change an object a base already holds, patch it instead of listing another copy.',
      sources: [SRC.kustomizeResources, KUSTOMIZE_APPEND, KUSTOMIZE_RESID, FLUX_GENERATOR, ARGO_REPEATED, ARGO_KUSTOMIZE],
    },
    examples: {
      valid: [{ files: { 'infra/lb/kustomization.yaml': KUST('pool.yaml', 'pool-dmz.yaml'), 'infra/lb/pool.yaml': POOL('lan', '10.50.0.224/28'), 'infra/lb/pool-dmz.yaml': POOL('dmz', '10.60.0.224/28') } }],
      invalid: [
        { files: { 'infra/lb/kustomization.yaml': KUST('pool.yaml', './pool.yaml'), 'infra/lb/pool.yaml': POOL('lan', '10.50.0.224/28') }, note: 'the same file listed twice' },
        { files: { 'infra/lb/kustomization.yaml': KUST('pool.yaml', 'pool-new.yaml'), 'infra/lb/pool.yaml': POOL('lan', '10.50.0.224/28'), 'infra/lb/pool-new.yaml': POOL('lan', '10.50.0.192/27') }, note: 'a new file that kept the old name' },
        { files: { 'infra/lb/kustomization.yaml': KUST('pools.yaml'), 'infra/lb/pools.yaml': `${POOL('lan', '10.50.0.224/28')}---\n${POOL('lan', '10.50.0.192/27')}` }, note: 'one file, two documents of one id' },
        { files: { 'clusters/home/lb.yaml': FLUX_KS('./infra/lb'), 'infra/lb/pool.yaml': POOL('lan', '10.50.0.224/28'), 'infra/lb/new/pool.yaml': POOL('lan', '10.50.0.192/27') }, note: 'a folder Flux applies without a kustomization: a copy left in a subfolder' },
        {
          files: { 'infra/lb/kustomization.yaml': `namespace: network\n${KUST('pool-a.yaml', 'pool-b.yaml')}`, 'infra/lb/pool-a.yaml': POOL('lan', '10.50.0.224/28').replace('  name: lan\n', '  name: lan\n  namespace: a\n'), 'infra/lb/pool-b.yaml': POOL('lan', '10.50.0.192/27').replace('  name: lan\n', '  name: lan\n  namespace: b\n') },
          note: 'two copies that differ only by namespace, which `namespace:` makes one (kustomize takes a custom kind as namespaced)',
        },
        {
          files: { 'clusters/home/lb.yaml': `${FLUX_KS('./infra/lb')}  targetNamespace: network\n`, 'infra/lb/kustomization.yaml': KUST('pool-a.yaml', 'pool-b.yaml'), 'infra/lb/pool-a.yaml': POOL('lan', '10.50.0.224/28').replace('  name: lan\n', '  name: lan\n  namespace: a\n'), 'infra/lb/pool-b.yaml': POOL('lan', '10.50.0.192/27').replace('  name: lan\n', '  name: lan\n  namespace: b\n') },
          note: 'the same, by the targetNamespace of the Flux Kustomization that builds the folder',
        },
      ],
    },
  },
  check({ cluster, all, tree }) {
    const out: RuleFinding[] = [];
    // folders without a kustomization that a Flux Kustomization or an Argo CD source applies (plan/appliers.ts); Flux
    // never sees what its source leaves out of the artifact (.sourceignore files, spec.ignore, Flux's defaults)
    const ignores = tree?.sourceIgnores;
    for (const a of appliers(cluster.docs, all, ignores)) {
      const flux = a.engine === 'flux';
      for (const r of a.repeated ?? []) {
        const copies = r.copies;
        const folder = String(a.doc.get(a.at) ?? '');
        for (const second of copies.slice(1)) {
          const first = copies[0]!;
          const applier = { doc: a.doc, path: a.at, message: `${applierLabel(a)} applies the folder` };
          if (!flux) {
            // Argo CD keeps the later copy and drops the earlier one: the two copies are not equal parties
            out.push({
              doc: second.doc,
              path: ['metadata', 'name'],
              messageId: 'directory',
              severity: 'warning',
              data: data(second, { folder, applier: applierLabel(a) }),
              related: [{ doc: first.doc, path: ['metadata', 'name'], message: 'an earlier copy, which Argo CD leaves out' }, applier],
            });
            continue;
          }
          // Flux's generated kustomization fails on either copy alike: told from the first copy's side in a run that
          // reports only its file (RuleFinding.mirror)
          const generated = (at: BuiltObject, other: BuiltObject, message: string): RuleFinding => ({
            doc: at.doc,
            path: ['metadata', 'name'],
            messageId: 'generated',
            data: data(at, { folder, applier: applierLabel(a) }),
            related: [{ doc: other.doc, path: ['metadata', 'name'], message }, applier],
          });
          const f = generated(second, first, 'the first copy');
          f.mirror = () => generated(first, second, 'the other copy');
          out.push(f);
        }
      }
    }
    // a Flux targetNamespace or Argo CD kustomize.namespace replaces the built kustomization's namespace
    const seenOverride = new Set<string>();
    const inGroup = new Set(cluster.docs);
    // (built from the repository's documents: kustomize reads files whatever cluster talium groups them in)
    for (const a of appliers(all, all, ignores)) {
      if (!a.nsConflicts || !inGroup.has(a.doc)) continue;
      const key = a.engine === 'flux' ? 'targetNamespace' : 'namespace';
      const at: Path = a.engine === 'flux' ? [...a.overrideAt, key] : [...a.overrideAt, 'kustomize', key];
      for (const c of a.nsConflicts ?? []) {
        const id = `${a.doc.file.path}#${a.doc.index}#${at.join('/')}#${objectKey(c.merged)}`;
        if (seenOverride.has(id)) continue;
        seenOverride.add(id);
        out.push({
          doc: a.doc,
          path: at,
          messageId: 'namespace',
          data: data(c.merged, { key, setTo: String(a.doc.get(at)), first: shown(c.first), second: shown(c.second), applier: applierLabel(a), ...(a.patchBase?.kustomization ? { kustomization: a.patchBase.kustomization.file.path } : {}) }),
          related: [{ doc: c.first.doc, path: ['metadata', 'name'], message: 'the first object' }, { doc: c.second.doc, path: ['metadata', 'name'], message: 'the second object' }],
        });
      }
    }
    const kusts = new Set(cluster.docs.filter((d) => d.docClass === 'kustomization'));
    if (!kusts.size) return out;
    const seen = new Set<string>();
    for (const dup of duplicateIds(all, () => docsByFile(all))) {
      const k = dup.kustomization;
      if (!kusts.has(k)) continue;
      if (dup.cause === 'namespace') {
        const key = `${k.file.path}#${k.index}#namespace#${objectKey(dup.second)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const [a, b] = [original(dup.first), original(dup.second)];
        out.push({
          doc: k,
          path: ['namespace'],
          messageId: 'namespace',
          data: data(dup.second, { key: 'namespace', setTo: String(k.get(['namespace'])), first: shown(a), second: shown(b), kustomization: k.file.path }),
          related: [{ doc: a.doc, path: ['metadata', 'name'], message: 'the first object' }, { doc: b.doc, path: ['metadata', 'name'], message: 'the second object' }],
        });
        continue;
      }
      const same = samePath(dup.entry, dup.firstEntry);
      const key = `${k.file.path}#${k.index}#${same ? `${dup.second.doc.file.path}#${dup.second.doc.index}` : dup.entry.join('/')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const related: RelatedFinding[] = [{ doc: dup.first.doc, path: ['metadata', 'name'], message: 'the first copy' }];
      if (same) {
        out.push({ doc: dup.second.doc, path: ['metadata', 'name'], messageId: 'documents', data: data(dup.second, { entry: entryText(k, dup.entry), kustomization: k.file.path }), related: [...related, { doc: k, path: dup.entry, message: 'the entry that brings both in' }] });
      } else {
        related.push({ doc: k, path: dup.firstEntry, message: 'the entry that brings the first copy in' });
        out.push({ doc: k, path: dup.entry, messageId: 'entries', data: data(dup.second, { entry: entryText(k, dup.entry), first: entryText(k, dup.firstEntry), kustomization: k.file.path }), related });
      }
    }
    return out;
  },
});
