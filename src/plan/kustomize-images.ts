/**
 * The `images` entries of kustomizations that change nothing: kustomize's image tag transformer sets the `image` of
 * every item of a `containers` or `initContainers` list, at any depth of any object (a custom resource's too), whose
 * image name is the entry's `name` (a tag or digest may follow); an image anywhere else (a HelmRelease's values, an
 * Argo CD Application's parameters) is not changed, and an entry matching no container is silently ignored (checked
 * against kubectl kustomize v5.5.0: the build is the same without the entry). Owns that check over the builds
 * plan/kustomize-build.ts records (imageInputs), its parts shared with plan/applier-overrides.ts (Flux `spec.images`,
 * Argo CD `kustomize.images`); no findings (rules/gitops/images-target-missing.ts reports).
 *
 * Lenient where the objects' containers may differ from what is written: not judged when a kustomization of the build
 * patches, replaces or transforms (a patch may add a container), a container's image is templated or not a string,
 * or the entry's name is templated or uses regular-expression syntax beyond `.`; an image another `images` entry of
 * the build renames to (`newName`) counts as used, and so does its name as written (those entries are not followed).
 */
import type { Path, YamlDocument } from '../core/document.js';
import { builtKustomizations, type BuiltObject, type KustomizeBuilder, type PatchInput } from './kustomize-build.js';
import { isObj, TEMPLATED } from './util.js';

/** An `images` entry no container of the build answers to. */
export interface ImagesMiss {
  /** The kustomization (or component) listing the entry. */
  kustomization: YamlDocument;
  /** `['images', 1]`. */
  entry: Path;
  name: string;
  /** The container images the build holds (as written, each once, in build order). */
  held: readonly string[];
}

/** Keys whose kustomizations may change containers in ways not followed here. */
const CHANGING = ['patches', 'patchesStrategicMerge', 'patchesJson6902', 'replacements', 'transformers', 'configurations', 'generators', 'helmCharts', 'helmChartInflationGenerator'];
const DEPTH = 40;

/** Every `image` of an item of a `containers` / `initContainers` list in `v`; undefined when one is not a known string. */
function containerImages(v: unknown, out: string[], depth = 0): boolean {
  if (depth > DEPTH) return false;
  if (Array.isArray(v)) return v.every((x) => containerImages(x, out, depth + 1));
  if (!isObj(v)) return true;
  for (const [key, x] of Object.entries(v)) {
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(x)) {
      for (const c of x) {
        if (!isObj(c) || c['image'] === undefined) continue;
        const image = c['image'];
        if (typeof image !== 'string' || TEMPLATED.test(image)) return false;
        out.push(image);
      }
    }
    if (!containerImages(x, out, depth + 1)) return false;
  }
  return true;
}

/** kustomize's image match (api/image IsImageMatched): the name, then a tag or digest or nothing (`.` any character). */
export function imageNameMatcher(name: string): RegExp | undefined {
  if (/[\\^$*+?()[\]{}|]/.test(name)) return undefined;
  return new RegExp(`^${name}(?:[:@].*)?$`, 's');
}

/** A kustomization of `reached` may change containers in ways not followed here (patches, replacements, transformers...). */
export function changesContainers(reached: Iterable<YamlDocument>): boolean {
  for (const x of reached) if (CHANGING.some((key) => x.get([key]) !== undefined)) return true;
  return false;
}

/** The names the `images` entries of `reached` give images (`newName`): an entry may name what an earlier one renamed an image to. */
export function renamedImages(reached: Iterable<YamlDocument>): string[] {
  const renamed: string[] = [];
  for (const x of reached) {
    const list = x.get(['images']);
    if (Array.isArray(list)) for (const e of list) if (isObj(e) && typeof e['newName'] === 'string') renamed.push(e['newName']);
  }
  return renamed;
}

/** The container images of `objects` (as written, each once, in build order); undefined when one is not known. */
export function heldImages(objects: readonly BuiltObject[]): string[] | undefined {
  const images: string[] = [];
  const seen = new Set<YamlDocument>();
  for (const o of objects) {
    if (seen.has(o.doc)) continue;
    seen.add(o.doc);
    // (as written: kustomize builds before Flux substitutes `${VAR}`)
    if (!containerImages(o.doc.parsed, images)) return undefined;
  }
  return [...new Set(images)];
}

/** Whether an `images` entry named `name` changes an image of `held` or of `renamed`; undefined when not judged (a regular expression). */
export function imageUsed(name: string, held: readonly string[], renamed: readonly string[]): boolean | undefined {
  const re = imageNameMatcher(name);
  if (!re) return undefined;
  return held.some((x) => re.test(x)) || renamed.some((x) => re.test(x));
}

/** The misses of one kustomization's `images` list against the containers its build holds then. */
function check(b: KustomizeBuilder, input: PatchInput, out: ImagesMiss[]): void {
  const k = input.kustomization;
  const reached = b.reachedKustomizations(k);
  if (changesContainers(reached)) return;
  // names other entries of the build give images (an entry may name what an earlier one renamed an image to)
  const renamed = renamedImages(reached);
  const held = heldImages(input.objects);
  if (!held) return;
  const list = k.get(['images']);
  if (!Array.isArray(list)) return;
  list.forEach((e, i) => {
    if (!isObj(e)) return;
    const name = e['name'];
    if (typeof name !== 'string' || name === '' || TEMPLATED.test(name)) return;
    if (imageUsed(name, held, renamed) !== false) return;
    out.push({ kustomization: k, entry: ['images', i], name, held });
  });
}

const MISSES = new WeakMap<readonly YamlDocument[], readonly ImagesMiss[]>();

/** Every `images` entry of `docs` that no container of its build answers to (each build once). */
export function imagesMisses(docs: readonly YamlDocument[], byFile: () => Map<string, YamlDocument[]>): readonly ImagesMiss[] {
  const known = MISSES.get(docs);
  if (known) return known;
  const b = builtKustomizations(docs, byFile);
  const out: ImagesMiss[] = [];
  for (const input of b.imageInputs) if (!input.incomplete) check(b, input, out);
  MISSES.set(docs, out);
  return out;
}
