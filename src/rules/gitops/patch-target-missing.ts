/**
 * gitops/patch-target-missing: a strategic-merge patch without a `target` (in `patches` or `patchesStrategicMerge`,
 * `$patch: delete` included) naming an object the build does not hold, or holds twice; kustomize fails the build
 * ("no matches for Id" / "multiple matches for Id"; "failed to find unique target for patch"), and so do Flux and
 * Argo CD; also such a patch a Flux Kustomization (`spec.patches`) or Argo CD source (`kustomize.patches`) adds, at its
 * entry there. On Flux 0.x, whose kustomize-controller gave such a patch `target: {}` (data/flux.ts), every target-less
 * `spec.patches` entry instead, for the objects it hits; when the Flux version is not known, a warning naming both. The
 * check is plan/kustomize-patch-targets.ts (plan/applier-patch-targets.ts for those) over the build model of
 * plan/kustomize-build.ts.
 */
import { FLUX_TARGETLESS_PATCH } from '../../data/flux.js';
import { applierEveryObjectPatches, applierPatchMisses } from '../../plan/applier-patch-targets.js';
import { applierLabel } from '../../plan/appliers.js';
import type { BuiltObject } from '../../plan/kustomize-build.js';
import { fluxVersion } from '../../plan/flux-version.js';
import { patchTargetMisses } from '../../plan/kustomize-patch-targets.js';
import { docsByFile } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { HELD_SHOWN, heldList } from './lib/kustomization-misses.js';
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';

const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const POOL = (name: string) => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ${name}\nspec:\n  blocks:\n    - cidr: 10.50.0.224/28\n`;
const PATCH = (name: string, extra = '') => `patches:\n  - patch: |\n      apiVersion: cilium.io/v2\n      kind: CiliumLoadBalancerIPPool\n      metadata:\n        name: ${name}\n${extra}      spec:\n        allowFirstLastIPs: "No"\n`;

const KUSTOMIZE_PATCHES = 'https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/patches/';
const KUSTOMIZE_GETBYID = 'https://github.com/kubernetes-sigs/kustomize/blob/master/api/resmap/reswrangler.go';
const FLUX_GENERATOR = 'https://github.com/fluxcd/pkg/blob/main/kustomize/kustomize_generator.go';
const ARGO_KUSTOMIZE = 'https://github.com/argoproj/argo-cd/blob/master/util/kustomize/kustomize.go';
const KUSTOMIZE_PATCH_TRANSFORMER = 'https://github.com/kubernetes-sigs/kustomize/blob/master/plugin/builtin/patchtransformer/PatchTransformer.go';

const shown = (o: BuiltObject): string => `${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
const heldText = (held: readonly BuiltObject[], label: (o: BuiltObject) => string = shown): string => heldList(held.map(label));

/** The apiVersion a patch names: `cilium.io/v2`, `v1`, `(none)`. */
const apiVersionOf = (group: string, version: string): string => (group ? `${group}/${version}` : version || '(none)');

/** `ConfigMap app/settings`: objects of several kinds. */
const withKind = (o: BuiltObject): string => `${o.kind} ${shown(o)}`;

const FLUX_KS = (apiVersion: string, patches: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/${apiVersion}\nkind: Kustomization\nmetadata:\n  name: lb\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./infra/lb\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  ${patches.replace(/\n(?=.)/g, '\n  ')}`;
/** The header `flux bootstrap` writes into gotk-components.yaml. */
const GOTK = (version: string) => `# Flux Version: ${version}\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n`;

export default defineRule({
  meta: {
    id: 'gitops/patch-target-missing',
    description: 'A strategic-merge patch without a target (in a kustomization, a Flux Kustomization or an Argo CD source) names an object the kustomize build does not hold (or holds twice); kustomize fails the build. On Flux 0.x such a patch of a Flux Kustomization hits every object of the build.',
    severity: 'error',
    messageSeverities: { missingFluxUnknown: 'warning', ambiguousFluxUnknown: 'warning' },
    messages: {
      missing: 'This patch names {{object}} ({{apiVersion}}), which the build does not hold when its patches run; kustomize (and Flux, Argo CD) fails with "no matches for Id", so nothing of this build is applied. {{kind}} objects it holds: {{held}}.',
      ambiguous: 'This patch names {{object}} ({{apiVersion}}), which {{count}} objects of the build had as their id ({{held}}); kustomize (and Flux, Argo CD) fails with "multiple matches for Id", so nothing of this build is applied.',
      missingFluxUnknown: 'This patch names {{object}} ({{apiVersion}}), which the build does not hold when its patches run. Which kustomize-controller runs {{applier}} is not known ({{ksApiVersion}}, no Flux version stated): from v1 (Flux 2) the build fails with "no matches for Id", so nothing of it is applied; before v1 (Flux 0.x) the patch gets `target: {}` and kustomize applies it to every object of the build instead. {{kind}} objects it holds: {{held}}.',
      ambiguousFluxUnknown: 'This patch names {{object}} ({{apiVersion}}), which {{count}} objects of the build had as their id ({{held}}). Which kustomize-controller runs {{applier}} is not known ({{ksApiVersion}}, no Flux version stated): from v1 (Flux 2) the build fails with "multiple matches for Id"; before v1 (Flux 0.x) the patch gets `target: {}` and kustomize applies it to every object of the build instead.',
      everyObject: 'Flux {{flux}} (kustomize-controller before v1) gives this patch without `target` an empty one (`target: {}`): kustomize merges it into every object of the build of {{applier}} ({{count}}: {{held}}), whatever their kind and name, not only into {{object}} ({{apiVersion}}).',
      everyObjectDelete: 'Flux {{flux}} (kustomize-controller before v1) gives this `$patch: delete` without `target` an empty one (`target: {}`): kustomize deletes every object of the build of {{applier}} ({{count}}: {{held}}), not only {{object}} ({{apiVersion}}), so none of them is applied.',
    },
    needsWholeTree: ['missing', 'missingFluxUnknown'],
    help: 'Make the patch name an object the build holds (kind, apiVersion, name, and namespace as the object has it before this kustomization\'s own `namespace:`), or give it a `target:` selector, or remove it. On Flux 0.x give every `spec.patches` entry a `target:` that selects only its object (one entry per document).',
    docs: {
      what: 'Builds every kustomization of the repository as kustomize 5 does (plan of gitops/duplicate-object) and looks at its strategic-merge patches that have no `target:` (entries of `patches` with an inline `patch` or a `path`, and every document of `patchesStrategicMerge`; `$patch: delete` ones too). kustomize applies each to the one object whose id (group, version, kind, namespace, name) equals the one the patch names: its current id, or any id it had before a base\'s or component\'s `namespace`/`namePrefix`/`nameSuffix`.\n' +
        '\n' +
        'The objects are those accumulated when the kustomization\'s patches run: its resources, components and generated ConfigMaps and Secrets, after the patches before it (a `$patch: delete` removes its object), and before its own `namespace`, `namePrefix` and `nameSuffix`.\n' +
        '\n' +
        'A Flux Kustomization\'s `spec.patches` and an Argo CD source\'s `kustomize.patches` are judged the same way: kustomize-controller and Argo CD append them to the `patches` of the kustomization they build (Flux generates one for a folder without; Argo CD only builds a folder with one), so they run after that kustomization\'s own patches and before its `namespace` (and the `targetNamespace` / `kustomize.namespace` that replaces it). Reported at the entry in the Flux Kustomization or Application; patches after one that may rename objects (`allowNameChange`, a JSON6902 operation on metadata, a targeted delete), and appliers adding `components`, are not judged.\n' +
        '\n' +
        'Reports, at the patch entry:\n' +
        '- `missing`: no object has the id. Common causes: a typo or a renamed object, a patch written with the namespace of the kustomization\'s own `namespace:` for an object whose file has none (or another one), a prefixed name where the prefix comes from the same kustomization, an apiVersion that is not the object\'s (or none), a patch of an object the base no longer holds. The message lists the objects of that kind the build holds.\n' +
        '- `ambiguous`: two or more objects had the id (two overlays of one base with different prefixes, patched by the base\'s name).\n' +
        '\n' +
        'A Flux Kustomization\'s target-less patch depends on the kustomize-controller that runs it. talium takes it from the Kustomization\'s apiVersion (`v1` is served from kustomize-controller v1 on) or the Flux version the repository states (`# Flux Version:` in gotk-components.yaml, a FluxInstance\'s `distribution.version`):\n' +
        '- v1 (Flux 2): the patch reaches kustomize without a target and is judged as above.\n' +
        '- before v1 (Flux 0.x): kustomize-controller gave every `spec.patches` entry without `target` an empty one, `target: {}`, which selects every object of the build. talium reports each such entry instead (`everyObject`, `everyObjectDelete`): the patch is merged into every object of the build, whatever kind and name, and a `$patch: delete` deletes them all; the message lists them.\n' +
        '- neither tells (a `v1beta1`/`v1beta2` Kustomization, no Flux version stated): a patch naming no object (or several) is a warning naming both outcomes (`missingFluxUnknown`, `ambiguousFluxUnknown`); one naming its object is not reported, though on Flux 0.x it would hit every object too.\n' +
        '\n' +
        'Not established, so not judged:\n' +
        '- the exact kustomize-controller release that first passed no target. Read: fluxcd/pkg PR #517 making `Patch.Target` a pointer, merged after its 2023-03-27 review, between kustomize-controller v0.35.1 (2023-03-20) and v1.0.0-rc.1 (2023-04-03), its author saying it ships as apis/kustomize v1 with the Kustomization v1 API. Not read: kustomize-controller\'s go.mod at those tags.\n' +
        '- on Flux 0.x, an entry with several documents or a JSON6902 body without `target`, and the entries after one: what the kustomize v4 of those controllers does with them (one kustomize version reads a single document per entry, a later one applies each to every selected object; kustomize v5 refuses a `target` on an entry of several documents).\n' +
        '\n' +
        'Not reported (kubectl kustomize v5.5 builds these):\n' +
        '- a patch with a `target:` selector, and `patchesJson6902`: a target that selects nothing is accepted;\n' +
        '- a patch naming a templated id (`${VAR}`, `{{ }}`).\n' +
        '\n' +
        'Not judged (the build is not known): a build reaching a remote, templated or unread resource or component, `helmCharts` or generator plugins, a file talium does not read as Kubernetes objects; a patch of a kind whose objects a transformer talium does not follow may rename.',
      why: 'kustomize looks up the object of a target-less strategic-merge patch by id and stops when it finds none or several ("no resource matches strategic merge patch …: no matches for Id …; failed to find unique target for patch …"). The whole build fails, so kustomize-controller marks the Flux Kustomization not ready and Argo CD reports a ComparisonError: nothing under that kustomization is applied or updated, not only the object the patch meant. It happens when a base renames or drops an object its overlays still patch.\n' +
        '\n' +
        'On Flux 0.x the same patch does not fail: kustomize selects every object with the empty target and merges the patch into each, setting the patch\'s kind and name aside (kubectl kustomize v5.5 labels a ConfigMap with a Namespace patch); a `$patch: delete` deletes every object of the build (fluxcd/kustomize-controller#464, Flux 0.18.3). Objects the patch never named change or vanish from what Flux applies; with `prune: true` Flux would then garbage-collect what it applied before (inferred from prune, not tried).',
      fix: 'Correct the patch\'s kind, apiVersion, name or namespace to the object\'s (as the message lists them), give it a `target:` (which may select nothing), or remove it when the object is gone. On Flux 0.x, give each `spec.patches` entry a `target:` selecting only its object (kind and name), one entry per document: that works on every Flux version.',
      sources: [KUSTOMIZE_PATCHES, KUSTOMIZE_GETBYID, KUSTOMIZE_PATCH_TRANSFORMER, SRC.kustomizeResources, FLUX_GENERATOR, ARGO_KUSTOMIZE, ...FLUX_TARGETLESS_PATCH.sources],
    },
    examples: {
      valid: [{ files: { 'infra/lb/kustomization.yaml': K(`resources:\n  - pool.yaml\n${PATCH('lan')}`), 'infra/lb/pool.yaml': POOL('lan') } }],
      invalid: [
        { files: { 'infra/lb/kustomization.yaml': K(`resources:\n  - pool.yaml\n${PATCH('lan-pool')}`), 'infra/lb/pool.yaml': POOL('lan') }, note: 'the pool is called lan' },
        {
          files: { 'infra/lb/kustomization.yaml': K(`namespace: network\nresources:\n  - pool.yaml\n${PATCH('lan', '        namespace: network\n')}`), 'infra/lb/pool.yaml': POOL('lan') },
          note: 'the patch runs before this kustomization\'s own namespace is set (kustomize takes a custom kind as namespaced)',
        },
        {
          files: {
            'infra/lb/kustomization.yaml': K(`resources:\n  - lan\n  - dmz\n${PATCH('pool')}`),
            'infra/lb/lan/kustomization.yaml': K('namePrefix: lan-\nresources:\n  - ../base\n'),
            'infra/lb/dmz/kustomization.yaml': K('namePrefix: dmz-\nresources:\n  - ../base\n'),
            'infra/lb/base/kustomization.yaml': K('resources:\n  - pool.yaml\n'),
            'infra/lb/base/pool.yaml': POOL('pool'),
          },
          note: 'two prefixed copies of one base, both once called pool',
        },
        {
          files: {
            'clusters/home/lb.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: lb\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./infra/lb\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  ${PATCH('lan-pool').replace(/\n(?=.)/g, '\n  ')}`,
            'infra/lb/kustomization.yaml': K('resources:\n  - pool.yaml\n'),
            'infra/lb/pool.yaml': POOL('lan'),
          },
          note: 'a patch the Flux Kustomization adds to the build (reported there)',
        },
        {
          files: {
            'clusters/home/flux-system/gotk-components.yaml': GOTK('v0.41.2'),
            'clusters/home/lb.yaml': FLUX_KS('v1beta2', PATCH('lan')),
            'infra/lb/kustomization.yaml': K('resources:\n  - pool.yaml\n'),
            'infra/lb/pool.yaml': `${POOL('lan')}---\n${POOL('dmz')}`,
          },
          note: 'Flux 0.41: the patch gets `target: {}` and changes the dmz pool too',
        },
        {
          files: {
            'clusters/home/flux-system/gotk-components.yaml': GOTK('v0.41.2'),
            'clusters/home/lb.yaml': FLUX_KS('v1beta2', PATCH('dmz', '      $patch: delete\n')),
            'infra/lb/kustomization.yaml': K('resources:\n  - pool.yaml\n'),
            'infra/lb/pool.yaml': `${POOL('lan')}---\n${POOL('dmz')}`,
          },
          note: 'Flux 0.41: the delete of the dmz pool deletes the lan pool too',
        },
        {
          files: { 'clusters/home/lb.yaml': FLUX_KS('v1beta2', PATCH('lan-pool')), 'infra/lb/kustomization.yaml': K('resources:\n  - pool.yaml\n'), 'infra/lb/pool.yaml': POOL('lan') },
          note: 'a v1beta2 Kustomization and no Flux version: it fails, or patches every object (warning)',
        },
        {
          files: {
            'clusters/home/lb.yaml': FLUX_KS('v1beta2', PATCH('pool')),
            'infra/lb/kustomization.yaml': K('resources:\n  - lan\n  - dmz\n'),
            'infra/lb/lan/kustomization.yaml': K('namePrefix: lan-\nresources:\n  - ../base\n'),
            'infra/lb/dmz/kustomization.yaml': K('namePrefix: dmz-\nresources:\n  - ../base\n'),
            'infra/lb/base/kustomization.yaml': K('resources:\n  - pool.yaml\n'),
            'infra/lb/base/pool.yaml': POOL('pool'),
          },
          note: 'two copies named by the base\'s name, the Flux version unknown (warning)',
        },
      ],
    },
  },
  check({ cluster, all, tree }) {
    const kusts = new Set(cluster.docs.filter((d) => d.docClass === 'kustomization'));
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    // patches a Flux Kustomization or an Argo CD source adds to the kustomization it builds
    // the Flux version the repository states: read (from file texts) only when a Kustomization's apiVersion does not tell
    let stated: { v: string | undefined } | undefined;
    const flux = (): string | undefined => (stated ??= { v: fluxVersion(cluster.docs) }).v;
    for (const m of applierPatchMisses(cluster.docs, all, flux, tree?.sourceIgnores)) {
      const a = m.applier;
      const object = `${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`;
      const key = `${a.doc.file.path}#${a.doc.index}#${m.entry.join('/')}#${m.patchDoc?.index ?? ''}#${object}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const data = { object, kind: m.kind, name: m.name, namespace: m.namespace, apiVersion: apiVersionOf(m.group, m.version), applier: applierLabel(a) };
      const related: RelatedFinding[] = [];
      if (m.patchDoc) related.push({ doc: m.patchDoc, path: ['metadata', 'name'], message: 'the patch' });
      const k = a.patchBase?.kustomization;
      if (k) related.push({ doc: k, path: [], message: `the kustomization ${applierLabel(a)} adds the patch to` });
      // the controller is not known: it fails (v1) or patches every object (before v1)
      const unknown = m.targetless === 'unknown' ? { severity: 'warning' as const, extra: { ksApiVersion: a.doc.apiVersion ?? '' }, suffix: 'FluxUnknown' } : undefined;
      if (m.matches.length) {
        for (const o of m.matches.filter((x) => x.doc.docClass !== 'kustomization').slice(0, HELD_SHOWN)) related.push({ doc: o.doc, path: ['metadata', 'name'], message: `one of the objects (${shown(o)})` });
        out.push({ doc: a.doc, path: m.entry, messageId: `ambiguous${unknown?.suffix ?? ''}`, data: { ...data, ...unknown?.extra, count: m.matches.length, held: heldText(m.matches) }, related, ...(unknown ? { severity: unknown.severity } : {}) });
      } else {
        for (const o of m.held.filter((x) => x.doc.docClass !== 'kustomization').slice(0, HELD_SHOWN)) related.push({ doc: o.doc, path: ['metadata', 'name'], message: `a ${m.kind} the build holds (${shown(o)})` });
        out.push({ doc: a.doc, path: m.entry, messageId: `missing${unknown?.suffix ?? ''}`, data: { ...data, ...unknown?.extra, held: heldText(m.held) }, related, ...(unknown ? { severity: unknown.severity } : {}) });
      }
    }
    // Flux 0.x: its target-less patches get `target: {}` and hit every object of the build
    for (const e of applierEveryObjectPatches(cluster.docs, all, flux, tree?.sourceIgnores)) {
      const a = e.applier;
      const object = `${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}`;
      const related: RelatedFinding[] = [];
      const k = a.patchBase?.kustomization;
      if (k) related.push({ doc: k, path: [], message: `the kustomization ${applierLabel(a)} adds the patch to` });
      for (const o of e.objects.filter((x) => x.doc.docClass !== 'kustomization').slice(0, HELD_SHOWN)) related.push({ doc: o.doc, path: ['metadata', 'name'], message: `an object the patch ${e.delete ? 'deletes' : 'changes'} (${withKind(o)})` });
      const data = { object, kind: e.kind, name: e.name, namespace: e.namespace, apiVersion: apiVersionOf(e.group, e.version), applier: applierLabel(a), flux: flux() ?? '', count: e.objects.length, held: heldText(e.objects, withKind) };
      out.push({ doc: a.doc, path: e.entry, messageId: e.delete ? 'everyObjectDelete' : 'everyObject', data, related });
    }
    if (!kusts.size) return out;
    for (const m of patchTargetMisses(all, () => docsByFile(all))) {
      const k = m.kustomization;
      if (!kusts.has(k)) continue;
      const object = `${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`;
      const key = `${k.file.path}#${k.index}#${m.entry.join('/')}#${m.patchDoc?.index ?? ''}#${object}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const data = { object, kind: m.kind, name: m.name, namespace: m.namespace, apiVersion: apiVersionOf(m.group, m.version) };
      const related: RelatedFinding[] = [];
      if (m.patchDoc) related.push({ doc: m.patchDoc, path: ['metadata', 'name'], message: 'the patch' });
      if (m.matches.length) {
        for (const o of m.matches.filter((x) => x.doc.docClass !== 'kustomization').slice(0, HELD_SHOWN)) related.push({ doc: o.doc, path: ['metadata', 'name'], message: `one of the objects (${shown(o)})` });
        out.push({ doc: k, path: m.entry, messageId: 'ambiguous', data: { ...data, count: m.matches.length, held: heldText(m.matches) }, related });
      } else {
        for (const o of m.held.filter((x) => x.doc.docClass !== 'kustomization').slice(0, HELD_SHOWN)) related.push({ doc: o.doc, path: ['metadata', 'name'], message: `a ${m.kind} the build holds (${shown(o)})` });
        out.push({ doc: k, path: m.entry, messageId: 'missing', data: { ...data, held: heldText(m.held) }, related });
      }
    }
    return out;
  },
});
