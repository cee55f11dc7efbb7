/**
 * gitops/patch-target-missing: a strategic-merge patch without a `target` (in `patches` or `patchesStrategicMerge`,
 * `$patch: delete` included) naming an object the build does not hold, or holds twice; kustomize fails the build
 * ("no matches for Id" / "multiple matches for Id"; "failed to find unique target for patch"), and so do Flux and
 * Argo CD; also such a patch a Flux Kustomization (`spec.patches`) or Argo CD source (`kustomize.patches`) adds, at its
 * entry there. The check is plan/kustomize-patch-targets.ts (plan/applier-patch-targets.ts for those) over the build
 * model of plan/kustomize-build.ts.
 */
import { applierPatchMisses } from '../../plan/applier-patch-targets.js';
import { applierLabel } from '../../plan/appliers.js';
import type { BuiltObject } from '../../plan/kustomize-build.js';
import { patchTargetMisses } from '../../plan/kustomize-patch-targets.js';
import { docsByFile } from '../../plan/util.js';
import { SRC } from '../cilium/lib/sources.js';
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';

const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const POOL = (name: string) => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ${name}\nspec:\n  blocks:\n    - cidr: 10.50.0.224/28\n`;
const PATCH = (name: string, extra = '') => `patches:\n  - patch: |\n      apiVersion: cilium.io/v2\n      kind: CiliumLoadBalancerIPPool\n      metadata:\n        name: ${name}\n${extra}      spec:\n        allowFirstLastIPs: "No"\n`;

const KUSTOMIZE_PATCHES = 'https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/patches/';
const KUSTOMIZE_GETBYID = 'https://github.com/kubernetes-sigs/kustomize/blob/master/api/resmap/reswrangler.go';
const FLUX_GENERATOR = 'https://github.com/fluxcd/pkg/blob/main/kustomize/kustomize_generator.go';
const ARGO_KUSTOMIZE = 'https://github.com/argoproj/argo-cd/blob/master/util/kustomize/kustomize.go';
const KUSTOMIZE_PATCH_TRANSFORMER = 'https://github.com/kubernetes-sigs/kustomize/blob/master/plugin/builtin/patchtransformer/PatchTransformer.go';

/** At most this many objects are named in the hint. */
const HELD_SHOWN = 5;

const shown = (o: BuiltObject): string => `${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

function heldText(held: readonly BuiltObject[]): string {
  if (!held.length) return 'none';
  const names = held.slice(0, HELD_SHOWN).map(shown).join(', ');
  return held.length > HELD_SHOWN ? `${names} and ${held.length - HELD_SHOWN} more` : names;
}

export default defineRule({
  meta: {
    id: 'gitops/patch-target-missing',
    description: 'A strategic-merge patch without a target (in a kustomization, a Flux Kustomization or an Argo CD source) names an object the kustomize build does not hold (or holds twice); kustomize fails the build.',
    severity: 'error',
    messages: {
      missing: 'This patch names {{object}} ({{apiVersion}}), which the build does not hold when its patches run; kustomize (and Flux, Argo CD) fails with "no matches for Id", so nothing of this build is applied. {{kind}} objects it holds: {{held}}.',
      ambiguous: 'This patch names {{object}} ({{apiVersion}}), which {{count}} objects of the build had as their id ({{held}}); kustomize (and Flux, Argo CD) fails with "multiple matches for Id", so nothing of this build is applied.',
    },
    needsWholeTree: ['missing'],
    help: 'Make the patch name an object the build holds (kind, apiVersion, name, and namespace as the object has it before this kustomization\'s own `namespace:`), or give it a `target:` selector, or remove it.',
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
        'Not reported (kubectl kustomize v5.5 builds these):\n' +
        '- a patch with a `target:` selector, and `patchesJson6902`: a target that selects nothing is accepted;\n' +
        '- a patch naming a templated id (`${VAR}`, `{{ }}`).\n' +
        '\n' +
        'Not judged (the build is not known): a build reaching a remote, templated or unread resource or component, `helmCharts` or generator plugins, a file talium does not read as Kubernetes objects; a patch of a kind whose objects a transformer talium does not follow may rename.',
      why: 'kustomize looks up the object of a target-less strategic-merge patch by id and stops when it finds none or several ("no resource matches strategic merge patch …: no matches for Id …; failed to find unique target for patch …"). The whole build fails, so kustomize-controller marks the Flux Kustomization not ready and Argo CD reports a ComparisonError: nothing under that kustomization is applied or updated, not only the object the patch meant. It happens when a base renames or drops an object its overlays still patch.',
      fix: 'Correct the patch\'s kind, apiVersion, name or namespace to the object\'s (as the message lists them), give it a `target:` (which may select nothing), or remove it when the object is gone.',
      sources: [KUSTOMIZE_PATCHES, KUSTOMIZE_GETBYID, KUSTOMIZE_PATCH_TRANSFORMER, SRC.kustomizeResources, FLUX_GENERATOR, ARGO_KUSTOMIZE],
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
      ],
    },
  },
  check({ cluster, all }) {
    const kusts = new Set(cluster.docs.filter((d) => d.docClass === 'kustomization'));
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    // patches a Flux Kustomization or an Argo CD source adds to the kustomization it builds
    for (const m of applierPatchMisses(cluster.docs, all)) {
      const a = m.applier;
      const object = `${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`;
      const key = `${a.doc.file.path}#${a.doc.index}#${m.entry.join('/')}#${m.patchDoc?.index ?? ''}#${object}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const data = { object, kind: m.kind, name: m.name, namespace: m.namespace, apiVersion: m.group ? `${m.group}/${m.version}` : m.version || '(none)', applier: applierLabel(a) };
      const related: RelatedFinding[] = [];
      if (m.patchDoc) related.push({ doc: m.patchDoc, path: ['metadata', 'name'], message: 'the patch' });
      const k = a.patchBase?.kustomization;
      if (k) related.push({ doc: k, path: [], message: `the kustomization ${applierLabel(a)} adds the patch to` });
      if (m.matches.length) {
        for (const o of m.matches.filter((x) => x.doc.docClass !== 'kustomization').slice(0, HELD_SHOWN)) related.push({ doc: o.doc, path: ['metadata', 'name'], message: `one of the objects (${shown(o)})` });
        out.push({ doc: a.doc, path: m.entry, messageId: 'ambiguous', data: { ...data, count: m.matches.length, held: heldText(m.matches) }, related });
      } else {
        for (const o of m.held.filter((x) => x.doc.docClass !== 'kustomization').slice(0, HELD_SHOWN)) related.push({ doc: o.doc, path: ['metadata', 'name'], message: `a ${m.kind} the build holds (${shown(o)})` });
        out.push({ doc: a.doc, path: m.entry, messageId: 'missing', data: { ...data, held: heldText(m.held) }, related });
      }
    }
    if (!kusts.size) return out;
    for (const m of patchTargetMisses(all, () => docsByFile(all))) {
      const k = m.kustomization;
      if (!kusts.has(k)) continue;
      const object = `${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`;
      const key = `${k.file.path}#${k.index}#${m.entry.join('/')}#${m.patchDoc?.index ?? ''}#${object}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const data = { object, kind: m.kind, name: m.name, namespace: m.namespace, apiVersion: m.group ? `${m.group}/${m.version}` : m.version || '(none)' };
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
