/**
 * The `images` and `replicas` overrides a Flux Kustomization (`spec.images`) or an Argo CD source (`kustomize.images`,
 * `kustomize.replicas`) adds to the kustomization it builds, that match nothing of that build. kustomize-controller
 * writes `spec.images` into the `images` of the kustomization at `spec.path` (the one it generates for a folder without
 * one), replacing an entry of the same name (fluxcd/pkg kustomize/kustomize_generator.go); Flux has no replicas
 * override. Argo CD runs `kustomize edit set image <arg>...` and `kustomize edit set replicas <name>=<count>...` in the
 * source's folder before `kustomize build` (util/kustomize/kustomize.go), which writes them into that folder's
 * kustomization the same way. So they are judged as that kustomization's own entries are (plan/kustomize-images.ts,
 * plan/kustomize-replicas.ts) against the build the applier runs (plan/appliers.ts: with its namespace and name
 * overrides). Owns that question and the reading of an Argo CD image argument; no findings
 * (rules/gitops/images-target-missing.ts, replicas-target-missing.ts report).
 */
import type { Path, YamlDocument } from '../core/document.js';
import { appliers, type Applier } from './appliers.js';
import type { BuiltObject } from './kustomize-build.js';
import { changesContainers, heldImages, imageUsed, renamedImages } from './kustomize-images.js';
import { generatedResources } from './kustomize-overlays.js';
import { hasOwnFieldSpecs, replicaEntryName, replicaTargets } from './kustomize-replicas.js';
import type { SourceIgnoreFile } from './source-ignore.js';
import { dirOf, isObj, TEMPLATED } from './util.js';

/** An override entry of an applier that matches nothing of its build. */
export interface ApplierOverrideMiss<H> {
  applier: Applier;
  /** Where the finding sits: the entry's `name` (an Argo CD image: the whole argument). */
  at: Path;
  /** The image or workload name the entry gives. */
  name: string;
  /** What the build holds (container images, or the objects of the replica kinds). */
  held: readonly H[];
}

/** What an applier builds, when it is known: its objects and the kustomizations the build runs. */
interface AppliedBuild {
  objects: readonly BuiltObject[];
  /** The kustomization it builds (undefined: the one Flux generates). */
  root?: YamlDocument;
  reached: Set<YamlDocument>;
}

/** The kustomization edit tag pattern (kustomize/commands/edit/set/setimage.go `pattern`). */
const EDIT_TAG = /^(.*):([a-zA-Z0-9._-]*|\*)$/s;

/** Argo CD substitutes its build environment (`$ARGOCD_APP_NAME`, `${ARGOCD_APP_REVISION}`) into image arguments. */
const ARGO_ENV = /\$[A-Za-z_{]/;

/**
 * The image name and new name of an Argo CD `kustomize.images` argument as `kustomize edit set image` reads it
 * (setimage.go parse: `<name>=<newName>[:<tag>|@<digest>]`, `<name>:<tag>`, `<name>@<digest>`); undefined when the
 * command refuses it (`nginx`, `=x`, `a=b=c`: "invalid format of image") or the name is not certain (templated, or
 * `<name>:<tag>@<digest>`, which kustomize versions read differently).
 */
export function argoImageArgument(arg: string): { name: string; newName?: string } | undefined {
  if (arg === '' || TEMPLATED.test(arg) || ARGO_ENV.test(arg)) return undefined;
  const parts = arg.split('=');
  if (parts.length === 2) {
    const [name, rhs] = parts as [string, string];
    if (!name || !rhs) return undefined;
    const at = rhs.split('@');
    const newName = at.length > 1 ? at[0]! : (EDIT_TAG.exec(rhs)?.[1] ?? rhs);
    // `*` keeps the kustomization's own newName; an empty one sets none
    return newName && newName !== '*' ? { name, newName } : { name };
  }
  if (parts.length > 2) return undefined;
  const at = arg.split('@');
  if (at.length > 1) return at[0] && !EDIT_TAG.test(at[0]) ? { name: at[0] } : undefined;
  const m = EDIT_TAG.exec(arg);
  return m?.[1] ? { name: m[1] } : undefined;
}

/** The build `a` runs, when talium knows it: a kustomization it builds (Argo CD needs one), or the one Flux generates. */
function appliedBuild(a: Applier): AppliedBuild | undefined {
  if (!a.patchBase || a.patchBase.incomplete) return undefined;
  if (a.engine === 'argocd' && !a.build) return undefined;
  const root = a.build?.kustomization;
  if (root) return { objects: a.objects, root, reached: a.builder.reachedKustomizations(root) };
  // Flux's generated kustomization: the folders below that have a kustomization are built whole
  const reached = new Set<YamlDocument>();
  for (const node of generatedResources(a.dir, a.builder.byFile)) {
    const k = a.builder.kustomizationAt(dirOf(node));
    if (k && k.file.path === node) for (const x of a.builder.reachedKustomizations(k)) reached.add(x);
  }
  return { objects: a.objects, reached };
}

/** Where `a`'s kustomize overrides are: Flux `spec`, an Argo CD source's `kustomize`. */
const overridesAt = (a: Applier): Path => (a.engine === 'flux' ? a.overrideAt : [...a.overrideAt, 'kustomize']);

const nonEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null);

/** The appliers of `docs` (built over the repository's documents `all`) with a non-empty list at `key` of their overrides. */
function withOverride(docs: readonly YamlDocument[], all: readonly YamlDocument[], key: string, ignores?: readonly SourceIgnoreFile[]): Array<{ a: Applier; at: Path; list: unknown[] }> {
  const mine = new Set(docs.filter((d) => d.kind === 'Kustomization' || d.kind === 'Application' || d.kind === 'ApplicationSet'));
  if (!mine.size) return [];
  const out: Array<{ a: Applier; at: Path; list: unknown[] }> = [];
  for (const a of appliers(all, all, ignores)) {
    if (!mine.has(a.doc)) continue;
    const at = [...overridesAt(a), key];
    const list = a.doc.get(at);
    if (Array.isArray(list) && list.length) out.push({ a, at, list });
  }
  return out;
}

/**
 * The `kustomize.replicas` entries of the Argo CD Applications (and ApplicationSets) of `docs` that name no workload of
 * the build: kustomize fails it ("resource with name X does not match a config with the following GVK"). Not judged:
 * a build not known, a kustomization with `configurations`, a source with `kustomize.patches` or `components` (ids
 * uncertain), a templated name.
 */
export function applierReplicasMisses(docs: readonly YamlDocument[], all: readonly YamlDocument[], ignores?: readonly SourceIgnoreFile[]): Array<ApplierOverrideMiss<BuiltObject>> {
  const out: Array<ApplierOverrideMiss<BuiltObject>> = [];
  for (const { a, at, list } of withOverride(docs, all, 'replicas', ignores)) {
    if (a.engine !== 'argocd') continue;
    const b = appliedBuild(a);
    if (!b || (b.root && hasOwnFieldSpecs(b.root))) continue;
    const t = replicaTargets(b.objects);
    if (!t) continue;
    list.forEach((r, i) => {
      const name = replicaEntryName(r);
      // (`kustomize edit set replicas` refuses a name holding `=`)
      if (name !== undefined && !name.includes('=') && !t.names.has(name)) out.push({ applier: a, at: [...at, i, 'name'], name, held: t.held });
    });
  }
  return out;
}

/**
 * The `images` entries of the Flux Kustomizations (`spec.images`) and Argo CD sources (`kustomize.images`) of `docs`
 * that no container of the build answers to: kustomize ignores them. Not judged, as for a kustomization's own entries:
 * a build not known or changing containers in ways not followed (its kustomizations' or the applier's own patches,
 * components), a templated container image or entry, a name using regular-expression syntax, an Argo CD argument
 * `kustomize edit set image` refuses. Names any `images` entry of the build (or of the applier) renames to count as used.
 */
export function applierImagesMisses(docs: readonly YamlDocument[], all: readonly YamlDocument[], ignores?: readonly SourceIgnoreFile[]): Array<ApplierOverrideMiss<string>> {
  const out: Array<ApplierOverrideMiss<string>> = [];
  for (const { a, at, list } of withOverride(docs, all, 'images', ignores)) {
    const own = overridesAt(a);
    if (['patches', 'patchesStrategicMerge', 'patchesJson6902', 'components'].some((key) => nonEmpty(a.doc.get([...own, key])))) continue;
    const b = appliedBuild(a);
    if (!b || changesContainers(b.reached)) continue;
    const held = heldImages(b.objects);
    if (!held) continue;
    // the entries as the controller reads them: a name, and the name it gives the image
    const entries = list.map((e, i): { name: string; newName?: string; at: Path } | undefined => {
      if (a.engine === 'argocd') {
        const arg = typeof e === 'string' ? argoImageArgument(e) : undefined;
        return arg && { ...arg, at: [...at, i] };
      }
      if (!isObj(e) || typeof e['name'] !== 'string' || e['name'] === '' || TEMPLATED.test(e['name'])) return undefined;
      return { name: e['name'], ...(typeof e['newName'] === 'string' ? { newName: e['newName'] } : {}), at: [...at, i, 'name'] };
    });
    const renamed = renamedImages(b.reached);
    for (const e of entries) if (e?.newName !== undefined) renamed.push(e.newName);
    for (const e of entries) {
      if (e && imageUsed(e.name, held, renamed) === false) out.push({ applier: a, at: e.at, name: e.name, held });
    }
  }
  return out;
}
