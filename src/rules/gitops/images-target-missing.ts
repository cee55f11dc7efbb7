/**
 * gitops/images-target-missing: an `images` entry of a kustomization (or component) whose `name` no container image of
 * its build has; kustomize ignores it silently, so the tag, digest or name it sets is never applied (a typo, an image
 * a HelmRelease's values set, which kustomize does not touch); also such an entry a Flux Kustomization's `spec.images`
 * or an Argo CD source's `kustomize.images` adds to the kustomization it builds, at the entry there. The check is
 * plan/kustomize-images.ts (plan/applier-overrides.ts for those) over the build model of plan/kustomize-build.ts.
 */
import { applierImagesMisses } from '../../plan/applier-overrides.js';
import { applierLabel } from '../../plan/appliers.js';
import { imagesMisses } from '../../plan/kustomize-images.js';
import { applierMissData, groupMisses, heldList, uniqueApplierMisses } from './lib/kustomization-misses.js';
import { defineRule, type RelatedFinding, type RuleFinding } from '../types.js';

const K = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const DEPLOY = (image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`;
const IMAGES = (name: string, tag = '1.27.3') => `images:\n  - name: ${name}\n    newTag: "${tag}"\n`;
const HR = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: web\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n  values:\n    image:\n      repository: ghcr.io/me/web\n      tag: "1.0"\n';

const KUSTOMIZE_IMAGES = 'https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/';
const KUSTOMIZE_IMAGETAG = 'https://github.com/kubernetes-sigs/kustomize/blob/master/api/filters/imagetag/legacy.go';
const KUSTOMIZE_IMAGE_MATCH = 'https://github.com/kubernetes-sigs/kustomize/blob/master/api/image/image.go';
const KUSTOMIZE_EDIT_IMAGE = 'https://github.com/kubernetes-sigs/kustomize/blob/master/kustomize/commands/edit/set/setimage.go';
const FLUX_GENERATOR = 'https://github.com/fluxcd/pkg/blob/main/kustomize/kustomize_generator.go';
const FLUX_KUSTOMIZATION_IMAGES = 'https://fluxcd.io/flux/components/kustomize/kustomizations/#images';
const ARGO_KUSTOMIZE = 'https://github.com/argoproj/argo-cd/blob/master/util/kustomize/kustomize.go';
const ARGO_KUSTOMIZE_DOCS = 'https://argo-cd.readthedocs.io/en/stable/user-guide/kustomize/';

const FLUX_KS = (images: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./apps/web\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  images:\n${images}`;
const ARGO_APP = (images: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/me/home.git\n    targetRevision: main\n    path: apps/web\n    kustomize:\n      images:\n${images}  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n`;

const heldText = heldList;

export default defineRule({
  meta: {
    id: 'gitops/images-target-missing',
    description: 'An `images` entry of a kustomization (or a Flux Kustomization\'s `spec.images`, an Argo CD source\'s `kustomize.images`) names no container image of its build; kustomize ignores it silently, so the tag or name it sets is never applied.',
    severity: 'warning',
    messages: {
      missing: 'This `images` entry names "{{name}}", which no container of the build uses as its image; kustomize ignores it without a word, so the tag, digest or name it sets is never applied. Container images the build holds: {{held}}.',
      applierMissing: 'This `images` entry of {{applier}} names "{{name}}", which no container of the build of {{dir}} uses as its image; {{applier}} adds it to the `images` of the kustomization it builds, and kustomize ignores it without a word, so the tag, digest or name it sets is never applied. Container images the build holds: {{held}}.',
    },
    needsWholeTree: ['missing', 'applierMissing'],
    help: 'Make `name` the image name a container of the build has (without its tag or digest, registry included as written), or remove the entry; for an image a HelmRelease or Helm chart sets, change it in the values.',
    docs: {
      what: 'Builds every kustomization of the repository as kustomize 5 does (plan of gitops/duplicate-object) and looks at its `images` entries (and a component\'s). kustomize\'s image tag transformer runs over everything accumulated (resources, components, after the kustomization\'s patches) and changes the `image` of every item of a `containers` or `initContainers` list, at any depth of any object (custom resources too), whose image is the entry\'s `name` followed by nothing, a tag or a digest. The name is compared as written: `nginx` does not match `docker.io/library/nginx`.\n' +
        '\n' +
        'Reports, at the entry\'s `name`, an entry no container answers to: a typo, a registry written differently, an image that a HelmRelease\'s values or an Argo CD Application\'s Helm parameters set (kustomize changes only containers of the objects it builds, not values), or an image a base no longer uses. The message lists the container images the build holds.\n' +
        '\n' +
        'Not judged (what the containers are is not known): a build reaching a remote, templated or unread resource, `helmCharts` or generator plugins; a build in which a kustomization has patches, `replacements`, `transformers` or `configurations` (a patch may add a container); a container whose image is templated; an entry whose `name` is templated or uses regular-expression syntax (kustomize reads it as one) beyond `.`. An image that another `images` entry of the build renames to (`newName`) counts as used, and so does the name it had before (what the build\'s other entries did to an image is not followed).\n' +
        '\n' +
        'A Flux Kustomization\'s `spec.images` and an Argo CD source\'s `kustomize.images` are judged the same way (`applierMissing`, at the entry in the Flux Kustomization, Application or ApplicationSet template), against the build the applier runs (with its `targetNamespace` / `kustomize.namespace`, prefixes and suffixes):\n' +
        '- kustomize-controller writes `spec.images` (`name`, `newName`, `newTag`, `digest`) into the `images` of the kustomization at `spec.path`, or of the one it generates for a folder without one, replacing an entry of the same `name`.\n' +
        '- Argo CD runs `kustomize edit set image <entry>...` in the source\'s folder before `kustomize build`, which writes each entry into that folder\'s kustomization the same way. An entry is a string read as `kustomize edit set image` reads it: `<name>=<newName>[:<tag>|@<digest>]`, `<name>:<tag>` or `<name>@<digest>` (the `name` is what is matched). Not judged there: an entry with `$` (Argo CD substitutes `$ARGOCD_APP_REVISION` and the like) or `{{ }}`, `<name>:<tag>@<digest>` (kustomize versions read it differently), an entry the command refuses (`nginx` alone: Argo CD then fails to render the source, which this rule does not report), a source whose folder has no kustomization.\n' +
        '\n' +
        'Not judged either: an applier with patches or components of its own, or one whose build talium does not know (another repository, a remote or unread resource).',
      why: 'kustomize applies an `images` entry to the containers whose image name matches and says nothing when none does (kubectl kustomize v5.5.0 renders the same objects with or without such an entry). The pinned tag or the private-registry name never reaches the cluster, and the workload keeps running the image as written, which is easy to miss until an upgrade that "was done" turns out not to be.',
      fix: 'Correct the entry\'s `name` to the container\'s image name (as the message lists them), or set the image where it is defined (the HelmRelease values), and remove the entry.',
      sources: [KUSTOMIZE_IMAGES, KUSTOMIZE_IMAGETAG, KUSTOMIZE_IMAGE_MATCH, FLUX_GENERATOR, FLUX_KUSTOMIZATION_IMAGES, ARGO_KUSTOMIZE, ARGO_KUSTOMIZE_DOCS, KUSTOMIZE_EDIT_IMAGE],
    },
    examples: {
      valid: [{ files: { 'apps/web/kustomization.yaml': K(`resources:\n  - deployment.yaml\n${IMAGES('nginx')}`), 'apps/web/deployment.yaml': DEPLOY('nginx:1.25') } }],
      invalid: [
        { files: { 'apps/web/kustomization.yaml': K(`resources:\n  - deployment.yaml\n${IMAGES('ngnix')}`), 'apps/web/deployment.yaml': DEPLOY('nginx:1.25') }, note: 'a typo' },
        { files: { 'apps/web/kustomization.yaml': K(`resources:\n  - deployment.yaml\n${IMAGES('nginx')}`), 'apps/web/deployment.yaml': DEPLOY('docker.io/library/nginx:1.25') }, note: 'the container writes the registry; kustomize compares names as written' },
        { files: { 'apps/web/kustomization.yaml': K(`resources:\n  - helmrelease.yaml\n${IMAGES('ghcr.io/me/web', '1.1')}`), 'apps/web/helmrelease.yaml': HR }, note: 'the image is set in HelmRelease values, which kustomize does not change' },
        {
          files: { 'clusters/home/web.yaml': FLUX_KS('    - name: ngnix\n      newTag: "1.27.3"\n'), 'apps/web/kustomization.yaml': K('resources:\n  - deployment.yaml\n'), 'apps/web/deployment.yaml': DEPLOY('nginx:1.25') },
          note: 'a Flux Kustomization\'s `spec.images` with a typo (reported in the Flux Kustomization)',
        },
        {
          files: { 'clusters/home/web.yaml': ARGO_APP('        - ghcr.io/me/web:1.1\n'), 'apps/web/kustomization.yaml': K('resources:\n  - deployment.yaml\n'), 'apps/web/deployment.yaml': DEPLOY('nginx:1.25') },
          note: 'an Argo CD Application\'s `kustomize.images` naming an image the build does not use',
        },
      ],
    },
  },
  check({ cluster, all, tree }) {
    const out: RuleFinding[] = [];
    // entries a Flux Kustomization's `spec.images` or an Argo CD source's `kustomize.images` adds to its build
    for (const m of uniqueApplierMisses(applierImagesMisses(cluster.docs, all, tree?.sourceIgnores))) {
      const a = m.applier;
      const k = a.build?.kustomization;
      const related: RelatedFinding[] = k ? [{ doc: k, path: [], message: `the kustomization ${applierLabel(a)} adds the entry to` }] : [];
      out.push({ doc: a.doc, path: m.at, messageId: 'applierMissing', data: applierMissData(m, heldText(m.held)), related });
    }
    for (const m of groupMisses(cluster, all, imagesMisses)) {
      const k = m.kustomization;
      out.push({ doc: k, path: [...m.entry, 'name'], messageId: 'missing', data: { name: m.name, held: heldText(m.held), kustomization: k.file.path } });
    }
    return out;
  },
});
