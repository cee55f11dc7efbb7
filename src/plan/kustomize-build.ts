/**
 * The object ids a kustomize build outputs, and the ids it accumulates twice. As kustomize 5 builds a kustomization
 * (api/internal/target/kusttarget.go): `resources` (then legacy `bases`) in order, a folder entry built whole with its
 * own kustomization, then `components` (each adds its resources to what is accumulated and transforms all of it),
 * then `$patch: delete` patches, `namespace` and `namePrefix`/`nameSuffix`. An id (group, version, kind, effective
 * namespace, name: api/resid/resid.go) accumulated a second time fails the build ("may not add resource with an
 * already registered id"), as do two ids `namespace` makes one ("namespace transformation produces ID conflict").
 * Also what a Flux Kustomization or an Argo CD source builds from its folder (appliedObjects), the way each object of
 * a build came (traced: the kustomizations and entries from the build down to its file), and what each kustomization's
 * patches run against (patchInputs: with generated ConfigMaps/Secrets, every earlier id of an object, and whether the
 * build is known at all; patchBase: what patches a Flux Kustomization or Argo CD source appends run against), and the
 * ids a Flux `targetNamespace` / Argo CD `kustomize.namespace` makes one (namespaceOverrideConflicts). Owns that model only, with kustomize's naming rules (prefix order, kinds not renamed,
 * namespace precedence, cluster-scoped kinds): no findings (rules/gitops/duplicate-object.ts and object-applied-twice.ts
 * report; plan/renamed-copies.ts finds the objects one build renders under several names; plan/kustomize-patch-targets.ts
 * matches patches). Each kustomization is built once per document list; linear in the documents its builds reach.
 */
import type { Path, YamlDocument } from '../core/document.js';
import { KUSTOMIZATION_FILES } from './applied.js';
import { dirOf, isObj, normalizePath, patchBodies, resolveRepoPath, TEMPLATED } from './util.js';

/** One object of a build's output, with its id after the build's transformers. */
export interface BuiltObject {
  doc: YamlDocument;
  group: string;
  version: string;
  kind: string;
  name: string;
  /** As the build leaves it ('' when none). */
  namespace: string;
  /**
   * The id may differ from what is shown: templated (`${VAR}`, `{{ }}`), or a transformer not modelled ran
   * (`transformers`, `replacements` of metadata, a JSON6902 patch of metadata, a patch that may rename or delete
   * it). Never compared.
   */
  uncertain: boolean;
  /** objectKey, once computed (a renamed copy starts without). */
  key?: string;
  /** The object before a transformer gave it this id (kustomize keeps every earlier id: a patch may name any). */
  prev?: BuiltObject;
  /** A generated ConfigMap/Secret: its `configMapGenerator` / `secretGenerator` entry in `doc` (['configMapGenerator', 0]). */
  generator?: Path;
}

/** A kustomization on an object's way from a build to the object's file, and the entry it follows (`['resources', 1]`). */
export interface BuildHop {
  kustomization: YamlDocument;
  entry: Path;
}

/** A build's output, and the way each object came (undefined: through a component, or not followed). */
export interface TracedBuild {
  objects: readonly BuiltObject[];
  /** The way of `objects[i]`, from the build down to the kustomization that lists its file (computed on demand). */
  hops(i: number): readonly BuildHop[] | undefined;
}

/** An id one kustomization accumulates twice (the build fails). */
export interface DuplicateId {
  kustomization: YamlDocument;
  /** The `resources` / `bases` / `components` entry that brought in the second copy. */
  entry: Path;
  /** The entry that brought in the first copy (equal to `entry`: one file with two documents of the id). */
  firstEntry: Path;
  first: BuiltObject;
  second: BuiltObject;
  /**
   * 'namespace': the two objects differed by namespace only, and `namespace:` of `kustomization` made them one id
   * ("namespace transformation produces ID conflict"); `entry` and `firstEntry` are the entries that brought them in.
   * 'generator': a `configMapGenerator` / `secretGenerator` entry of `kustomization` (`entry`, e.g.
   * ['configMapGenerator', 1]) without `behavior: merge|replace` makes an object whose id one accumulated before
   * has, as it is or was ("merging from generator ...: id ... exists; behavior must be merge or replace"); `first` is
   * that object (an earlier generator's: `first.generator` is its entry; a resource: `firstEntry` is []).
   */
  cause?: 'namespace' | 'generator';
}

/** What one kustomization's patches run against (recorded by the builds that record duplicate ids). */
export interface PatchInput {
  /** The kustomization (or component) whose `patches` / `patchesStrategicMerge` run. */
  kustomization: YamlDocument;
  /** The objects accumulated when they run: resources, components, generated ConfigMaps and Secrets, before its own namespace and name transformers. */
  objects: readonly BuiltObject[];
  /** Something the build accumulates is not known (a remote, templated or unread entry, helmCharts, generator plugins). */
  incomplete: boolean;
}

/** Kinds kustomize takes as cluster-scoped (api/resid/gvk.go notNamespaceableKinds): their namespace is no part of the id. */
const CLUSTER_SCOPED = new Set([
  'APIService', 'CSIDriver', 'CSINode', 'CertificateSigningRequest', 'ClusterRole', 'ClusterRoleBinding', 'ComponentStatus',
  'CustomResourceDefinition', 'IngressClass', 'MutatingWebhookConfiguration', 'Namespace', 'Node', 'PersistentVolume', 'PodSecurityPolicy',
  'PriorityClass', 'RuntimeClass', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'StorageClass', 'SubjectAccessReview',
  'TokenReview', 'ValidatingWebhookConfiguration', 'VolumeAttachment',
]);

/** A remote resource (a URL, `github.com/org/repo//path?ref=`): not a file of the repository. */
export const REMOTE = /^[a-z0-9.-]+\.[a-z]{2,}\/|\?ref=|^[a-z]+:\/\//i;

export const isClusterScoped = (kind: string): boolean => CLUSTER_SCOPED.has(kind);

/** kustomize's id of an object (ResId.Equals: group, version, kind, name, effective namespace). */
export function objectKey(o: BuiltObject): string {
  return (o.key ??= resIdKey(o.group, o.version, o.kind, o.namespace, o.name));
}

/** The key of kustomize's id with these fields (objectKey of such an object). */
export function resIdKey(group: string, version: string, kind: string, namespace: string, name: string): string {
  const ns = CLUSTER_SCOPED.has(kind) ? '' : namespace || 'default';
  return `${group}\u0000${version}\u0000${kind}\u0000${ns}\u0000${name}`;
}

/** The namespace / namePrefix / nameSuffix a kustomization sets (a Flux Kustomization or Argo CD source replaces them). */
export interface IdOverrides {
  namespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  /** The Flux Kustomization or Argo CD source adds patches or components of its own: every id is uncertain. */
  uncertain?: boolean;
}

/**
 * What one build has accumulated: objects, the entry each came through, each object as it was added (before this
 * build's transformers: an object of the entry's output) and the certain ids (parallel arrays).
 */
class Acc {
  list: BuiltObject[] = [];
  entries: Path[] = [];
  /** ConfigMaps and Secrets the generators of the kustomizations built so far make (only patches look at them). */
  generated: BuiltObject[] = [];
  /** Something accumulated is not known (PatchInput.incomplete). */
  incomplete = false;
  /** The objects as added, once a transformer changed some (before: `list`). */
  private added?: BuiltObject[];
  /** Index of each object as added (traced builds only). */
  index?: Map<BuiltObject, number>;
  private readonly keys = new Map<string, number>();
  constructor(
    readonly owner: YamlDocument | undefined,
    private readonly dups: DuplicateId[] | undefined,
  ) {}

  /** Duplicate ids are recorded (the kustomization's own build, not a build with ids replaced). */
  get recording(): boolean {
    return this.owner !== undefined && this.dups !== undefined;
  }

  add(o: BuiltObject, entry: Path): void {
    if (!o.uncertain) {
      const key = objectKey(o);
      const first = this.keys.get(key);
      if (first !== undefined) {
        // kustomize stops here; the build's output keeps one copy (a parent reports nothing more about it)
        if (this.owner && this.dups) this.dups.push({ kustomization: this.owner, entry, firstEntry: this.entries[first]!, first: this.list[first]!, second: o });
        return;
      }
      this.keys.set(key, this.list.length);
    }
    this.list.push(o);
    this.entries.push(entry);
    this.added?.push(o);
  }

  /** Object `i` as it was added (an object of its entry's output). */
  addedAt(i: number): BuiltObject {
    return (this.added ?? this.list)[i]!;
  }

  /**
   * Every object through `k`'s transformer (undefined: deleted); the ids are the new ones, entries kept. Two ids made
   * one (only `namespace:` can: names change alike within a kind) fail kustomize ("namespace transformation produces
   * ID conflict"): recorded by a recording build, which keeps the first (a parent reports nothing more about it).
   */
  map(f: (o: BuiltObject) => BuiltObject | undefined, k: YamlDocument | undefined): void {
    if (this.generated.length) this.generated = this.generated.map(f).filter((o): o is BuiltObject => o !== undefined);
    const list: BuiltObject[] = [];
    const entries: Path[] = [];
    const added: BuiltObject[] = [];
    const before = this.added ?? this.list;
    let changed = false;
    for (let i = 0; i < this.list.length; i++) {
      const o = f(this.list[i]!);
      if (o !== this.list[i]) changed = true;
      if (o) {
        list.push(o);
        entries.push(this.entries[i]!);
        added.push(before[i]!);
      }
    }
    if (!changed) return;
    this.list = [];
    this.entries = [];
    this.added = [];
    this.keys.clear();
    for (let i = 0; i < list.length; i++) {
      const o = list[i]!;
      if (!o.uncertain) {
        const key = objectKey(o);
        const first = this.keys.get(key);
        if (first === undefined) this.keys.set(key, this.list.length);
        else if (k && this.recording) {
          this.dups!.push({ kustomization: k, entry: entries[i]!, firstEntry: this.entries[first]!, first: this.list[first]!, second: o, cause: 'namespace' });
          continue;
        }
      }
      this.list.push(o);
      this.entries.push(entries[i]!);
      this.added.push(added[i]!);
    }
  }
}

/** Builds kustomizations of one document list (memoized). */
export class KustomizeBuilder {
  private readonly memo = new Map<YamlDocument, Acc>();
  private readonly visiting = new Set<YamlDocument>();
  private readonly fileMemo = new Map<string, BuiltObject[]>();
  private readonly components = new Set<YamlDocument>();
  /** Resource files holding a document that is no named Kubernetes object (or whose objects are not all known). */
  private readonly unknownFiles = new Set<string>();
  readonly duplicates: DuplicateId[] = [];
  /** What each kustomization's target-less strategic-merge patches run against (plan/kustomize-patch-targets.ts). */
  readonly patchInputs: PatchInput[] = [];
  /** What each kustomization's `replicas` entries run against (plan/kustomize-replicas.ts): after its patches, namespace and names. */
  readonly replicaInputs: PatchInput[] = [];
  /** What each kustomization's `images` entries run against (plan/kustomize-images.ts): the same objects. */
  readonly imageInputs: PatchInput[] = [];

  /** What each kustomization built whole holds when its patches run (before its own transformers). */
  private readonly bases = new Map<YamlDocument, { list: readonly BuiltObject[]; generated: readonly BuiltObject[]; incomplete: boolean }>();

  constructor(readonly byFile: Map<string, YamlDocument[]>) {}

  /**
   * What `k`'s patches run against (its resources, components and generated ConfigMaps/Secrets, before its own
   * patches and transformers): also what patches a Flux Kustomization or Argo CD source appends to `k` run after.
   */
  patchBase(k: YamlDocument): PatchInput | undefined {
    this.build(k);
    const b = this.bases.get(k);
    return b && { kustomization: k, objects: b.generated.length ? b.list.concat(b.generated) : b.list, incomplete: b.incomplete };
  }

  /**
   * The pairs of objects `ids.namespace` makes one id in `k`'s build when it replaces `k`'s own `namespace` (a Flux
   * `targetNamespace`, an Argo CD `kustomize.namespace`): kustomize fails ("namespace transformation produces ID
   * conflict"). Pairs `k`'s own namespace makes one already are left out (reported at `k`).
   */
  namespaceOverrideConflicts(k: YamlDocument, ids: IdOverrides): NamespaceConflict[] {
    if (ids.namespace === undefined) return [];
    this.build(k);
    const b = this.bases.get(k);
    if (!b) return [];
    const before = b.list;
    const own = new Set(namespaceMerges(before, before.map(transformer(k, this.byFile, undefined))).map((c) => c.second));
    return namespaceMerges(before, before.map(transformer(k, this.byFile, { namespace: ids.namespace, ...(ids.uncertain ? { uncertain: true } : {}) }))).filter((c) => !own.has(c.second));
  }

  /** A resource file holds a document that is no named Kubernetes object (its objects are not all known). */
  fileIncomplete(file: string): boolean {
    this.fileObjects(file);
    return this.unknownFiles.has(file);
  }

  /** Something `k`'s build accumulates is not known (a remote, templated or unread entry, helmCharts...). */
  buildIncomplete(k: YamlDocument): boolean {
    this.build(k);
    return this.memo.get(k)?.incomplete ?? true;
  }

  /** The objects kustomization `k` outputs (a cycle: nothing, kustomize refuses it). */
  build(k: YamlDocument): readonly BuiltObject[] {
    const known = this.memo.get(k);
    if (known) return known.list;
    if (this.visiting.has(k)) return [];
    const acc = new Acc(k, this.duplicates);
    this.visiting.add(k);
    try {
      this.accumulate(k, acc, undefined, undefined);
    } finally {
      this.visiting.delete(k);
    }
    this.memo.set(k, acc);
    return acc.list;
  }

  /** `k` built with a Flux Kustomization's or Argo CD source's namespace / namePrefix / nameSuffix replacing its own. */
  buildWith(k: YamlDocument, ids: IdOverrides): readonly BuiltObject[] {
    if (ids.namespace === undefined && ids.namePrefix === undefined && ids.nameSuffix === undefined && !ids.uncertain) return this.build(k);
    // its resources as the kustomization's own build accumulates them (and reports their duplicates)
    this.build(k);
    if (this.visiting.has(k)) return [];
    const acc = new Acc(undefined, undefined);
    this.visiting.add(k);
    try {
      this.accumulate(k, acc, undefined, ids);
    } finally {
      this.visiting.delete(k);
    }
    return acc.list;
  }

  /**
   * `k`'s build (with `ids` replacing its own namespace / namePrefix / nameSuffix when given), and the way of each
   * object. Records no duplicate ids: build the list's kustomizations first (builtKustomizations) for those.
   */
  traced(k: YamlDocument, ids?: IdOverrides): TracedBuild {
    let acc = ids ? undefined : this.memo.get(k);
    if (!acc) {
      if (this.visiting.has(k)) return { objects: [], hops: () => undefined };
      acc = new Acc(undefined, undefined);
      this.visiting.add(k);
      try {
        this.accumulate(k, acc, undefined, ids);
      } finally {
        this.visiting.delete(k);
      }
    }
    const a = acc;
    return { objects: a.list, hops: (i) => this.hopsOf(k, a, i) };
  }

  /** The way object `i` of `k`'s build `acc` came (undefined: through a component, or a build not kept). */
  private hopsOf(k: YamlDocument, acc: Acc, i: number): BuildHop[] | undefined {
    const entry = acc.entries[i]!;
    if (entry[0] === 'components') return undefined;
    const r = this.resolve(dirOf(k.file.path), k.get(entry));
    if (!r) return undefined;
    const hop: BuildHop = { kustomization: k, entry };
    if (!r.kust) return [hop];
    const child = this.memo.get(r.kust);
    if (!child) return undefined;
    if (!child.index) {
      child.index = new Map();
      child.list.forEach((o, j) => child.index!.set(o, j));
    }
    const j = child.index.get(acc.addedAt(i));
    const rest = j === undefined ? undefined : this.hopsOf(r.kust, child, j);
    return rest && [hop, ...rest];
  }

  /** The kustomizations `k` lists as `resources` / `bases` entries (folders it builds whole). */
  listedKustomizations(k: YamlDocument): YamlDocument[] {
    const out: YamlDocument[] = [];
    const dir = dirOf(k.file.path);
    for (const key of ['resources', 'bases']) {
      const list = k.get([key]);
      if (!Array.isArray(list)) continue;
      for (const rel of list) {
        const r = this.resolve(dir, rel);
        if (r?.kust) out.push(r.kust);
      }
    }
    return out;
  }

  /** The objects of one resource file (k8s documents; a List's items). */
  fileObjects(file: string): readonly BuiltObject[] {
    const known = this.fileMemo.get(file);
    if (known) return known;
    const out: BuiltObject[] = [];
    for (const d of this.byFile.get(file) ?? []) {
      if (d.docClass !== 'k8s') {
        if (d.value !== null && d.value !== undefined) this.unknownFiles.add(file);
        continue;
      }
      const av = d.apiVersion ?? '';
      // as written: kustomize builds before Flux substitutes `${VAR}`
      const v = d.parsed;
      const meta = isObj(v) && isObj(v['metadata']) ? v['metadata'] : {};
      const name = meta['name'];
      const ns = meta['namespace'];
      // kustomize fails on an object without a name: nothing to compare
      if (typeof name !== 'string' || name === '') {
        this.unknownFiles.add(file);
        continue;
      }
      const i = av.indexOf('/');
      out.push({
        doc: d,
        group: i === -1 ? '' : av.slice(0, i),
        version: i === -1 ? av : av.slice(i + 1),
        kind: d.kind ?? '',
        name,
        namespace: typeof ns === 'string' ? ns : '',
        uncertain: TEMPLATED.test(av) || TEMPLATED.test(d.kind ?? '') || TEMPLATED.test(name) || (typeof ns === 'string' && TEMPLATED.test(ns)),
      });
    }
    this.fileMemo.set(file, out);
    return out;
  }

  /** The kustomization file of folder `dir`, if it holds one that reads as a kustomization. */
  kustomizationAt(dir: string): YamlDocument | undefined {
    for (const f of KUSTOMIZATION_FILES) {
      const k = this.byFile.get(dir ? `${dir}/${f}` : f)?.find((d) => d.docClass === 'kustomization');
      if (k) return k;
    }
    return undefined;
  }

  /** The kustomization of each folder that has one (kustomizationAt), built on first use. */
  private kustDirs?: Map<string, YamlDocument>;

  /** An entry of `k`'s resources or components: a file of the tree, or a folder's kustomization. */
  private resolve(dir: string, rel: unknown): { file?: string; kust?: YamlDocument } | undefined {
    if (typeof rel !== 'string' || TEMPLATED.test(rel) || REMOTE.test(rel)) return undefined;
    // most entries are plain relative paths: joined without normalizing
    const plain = !rel.startsWith('/') && !rel.startsWith('.') && !rel.includes('/.') && !rel.includes('//');
    const joined = rel.startsWith('/') ? rel : dir ? `${dir}/${rel}` : rel;
    const p = plain ? (joined.endsWith('/') ? joined.slice(0, -1) : joined) : normalizePath(joined);
    if (p === undefined) return undefined;
    if (this.byFile.has(p)) return KUSTOMIZATION_FILES.includes(p.slice(p.lastIndexOf('/') + 1)) ? undefined : { file: p };
    if (!this.kustDirs) {
      // kustomize looks for the names in this order (the first found is the folder's kustomization)
      const rank = new Map<string, number>();
      this.kustDirs = new Map();
      for (const [file, docs] of this.byFile) {
        const r = KUSTOMIZATION_FILES.indexOf(file.slice(file.lastIndexOf('/') + 1));
        if (r === -1) continue;
        const k = docs.find((d) => d.docClass === 'kustomization');
        const d = dirOf(file);
        if (k && r < (rank.get(d) ?? Infinity)) {
          rank.set(d, r);
          this.kustDirs.set(d, k);
        }
      }
    }
    const kust = this.kustDirs.get(p);
    return kust ? { kust } : undefined;
  }

  /**
   * `k`'s resources and components into `acc` (for a component, the including kustomization's), then its
   * transformers over everything accumulated. `via`: the including kustomization's `components` entry.
   */
  private accumulate(k: YamlDocument, acc: Acc, via: Path | undefined, ids: IdOverrides | undefined): void {
    const dir = dirOf(k.file.path);
    for (const key of ['resources', 'bases']) {
      const list = k.get([key]);
      if (!Array.isArray(list)) continue;
      list.forEach((rel, i) => {
        const r = this.resolve(dir, rel);
        if (!r) {
          acc.incomplete = true;
          return;
        }
        let objs: readonly BuiltObject[];
        if (r.kust) {
          objs = this.build(r.kust);
          const child = this.memo.get(r.kust);
          if (!child) acc.incomplete = true;
          else {
            acc.incomplete ||= child.incomplete;
            for (const g of child.generated) acc.generated.push(g);
          }
        } else {
          objs = this.fileObjects(r.file!);
          acc.incomplete ||= this.unknownFiles.has(r.file!);
        }
        const entry = via ?? [key, i];
        for (const o of objs) acc.add(o, entry);
      });
    }
    const comps = k.get(['components']);
    if (Array.isArray(comps)) {
      comps.forEach((rel, i) => {
        const r = this.resolve(dir, rel);
        if (!r?.kust || this.components.has(r.kust) || this.visiting.has(r.kust)) {
          acc.incomplete = true;
          return;
        }
        this.components.add(r.kust);
        try {
          this.accumulate(r.kust, acc, via ?? ['components', i], undefined);
        } finally {
          this.components.delete(r.kust);
        }
      });
    }
    const own = acc.recording && acc.owner === k;
    // most kustomizations only list resources: nothing generated, patched or renamed
    if (!ids && onlyAccumulates(k)) {
      if (own) this.bases.set(k, { list: acc.list, generated: acc.generated, incomplete: acc.incomplete });
      if (acc.recording && nonEmpty(k.get(['images']))) this.imageInputs.push({ kustomization: k, objects: acc.list.slice(), incomplete: acc.incomplete });
      return;
    }
    generate(k, acc, this.duplicates);
    // (the lists as they are now: the transformer below replaces them, it does not change them)
    if (own) this.bases.set(k, { list: acc.list, generated: acc.generated, incomplete: acc.incomplete });
    if (acc.recording && hasTargetlessPatches(k)) this.patchInputs.push({ kustomization: k, objects: acc.list.concat(acc.generated), incomplete: acc.incomplete });
    const f = transformer(k, this.byFile, ids);
    if (f !== IDENTITY) acc.map(f, k);
    // the replica count transformer runs after patches, namespace and prefix/suffix (kusttarget.go
    // configureBuiltinTransformers); a copy, as components after this one add to the list
    if (acc.recording && nonEmpty(k.get(['replicas']))) this.replicaInputs.push({ kustomization: k, objects: acc.list.slice(), incomplete: acc.incomplete });
    if (acc.recording && nonEmpty(k.get(['images']))) this.imageInputs.push({ kustomization: k, objects: acc.list.slice(), incomplete: acc.incomplete });
  }

  /** The kustomizations `k`'s build runs (`k`, the folders its resources build whole, its components), transitively. */
  reachedKustomizations(k: YamlDocument): Set<YamlDocument> {
    const out = new Set<YamlDocument>();
    const walk = (x: YamlDocument): void => {
      if (out.has(x)) return;
      out.add(x);
      const dir = dirOf(x.file.path);
      for (const key of ['resources', 'bases', 'components']) {
        const list = x.get([key]);
        if (!Array.isArray(list)) continue;
        for (const rel of list) {
          const r = this.resolve(dir, rel);
          if (r?.kust) walk(r.kust);
        }
      }
    };
    walk(k);
    return out;
  }
}

/** The keys of a kustomization that only accumulates (no generator, patch or transformer). */
const ACCUMULATING_KEYS = new Set(['apiVersion', 'kind', 'metadata', 'resources', 'bases', 'components', 'commonLabels', 'labels', 'commonAnnotations', 'images', 'sortOptions', 'buildMetadata']);

/** `k` has no key that generates, patches or changes ids. */
function onlyAccumulates(k: YamlDocument): boolean {
  const v = k.value;
  if (!isObj(v)) return true;
  for (const key in v) if (!ACCUMULATING_KEYS.has(key)) return false;
  return true;
}

const IDENTITY = (o: BuiltObject): BuiltObject => o;

/** A `patches` entry without a target, or any `patchesStrategicMerge` entry: kustomize needs the object it names. */
function hasTargetlessPatches(k: YamlDocument): boolean {
  const psm = k.get(['patchesStrategicMerge']);
  if (Array.isArray(psm) && psm.length) return true;
  const patches = k.get(['patches']);
  return Array.isArray(patches) && patches.some((p) => isObj(p) && (p['target'] === undefined || p['target'] === null));
}

/**
 * The object accumulated so far (a resource or a generated ConfigMap/Secret) that a generated object of this kind,
 * name and namespace meets: kustomize merges a generator's output by its id against every id an object has had
 * (resmap GetMatchingResourcesByAnyId: a base's `cfg` renamed `a-cfg` or moved to namespace `x` still matches an
 * overlay's `cfg`). Objects whose id is uncertain are not compared.
 */
function generatedMatch(acc: Acc, kind: string, name: string, namespace: string): BuiltObject | undefined {
  const key = resIdKey('', 'v1', kind, namespace, name);
  for (const list of [acc.list, acc.generated]) {
    for (const o of list) {
      if (o.uncertain || o.kind !== kind || o.group !== '') continue;
      for (let v: BuiltObject | undefined = o; v; v = v.prev) if (objectKey(v) === key) return o;
    }
  }
  return undefined;
}

/**
 * The ConfigMaps and Secrets `k`'s generators make (kustomize runs generators after resources and components, before
 * transformers, so patches see them; an entry with `behavior: merge` or `replace` changes one already there).
 * helmCharts and generator plugins make objects not known, as does a generator whose name is not a plain string. An
 * entry without merge/replace whose id an object accumulated before has (an earlier entry, a base's generator or
 * resource) fails the build: recorded (cause 'generator') by a recording build, and not added.
 */
function generate(k: YamlDocument, acc: Acc, dups: DuplicateId[] | undefined): void {
  if (nonEmpty(k.get(['helmCharts'])) || nonEmpty(k.get(['helmChartInflationGenerator'])) || nonEmpty(k.get(['generators']))) acc.incomplete = true;
  for (const [key, kind] of [['configMapGenerator', 'ConfigMap'], ['secretGenerator', 'Secret']] as const) {
    const list = k.get([key]);
    if (!Array.isArray(list)) continue;
    list.forEach((g, i) => {
      if (!isObj(g) || (g['behavior'] !== undefined && g['behavior'] !== 'create')) return;
      const { name, namespace } = g;
      if (typeof name !== 'string' || name === '' || TEMPLATED.test(name) || (namespace !== undefined && (typeof namespace !== 'string' || TEMPLATED.test(namespace)))) {
        acc.incomplete = true;
        return;
      }
      const ns = typeof namespace === 'string' ? namespace : '';
      const first = generatedMatch(acc, kind, name, ns);
      const made: BuiltObject = { doc: k, group: '', version: 'v1', kind, name, namespace: ns, uncertain: false, generator: [key, i] };
      if (first) {
        if (dups && acc.recording) dups.push({ kustomization: k, entry: [key, i], firstEntry: first.generator ?? [], first, second: made, cause: 'generator' });
        return;
      }
      acc.generated.push(made);
    });
  }
}

/**
 * `k`'s transformers as far as they change ids: `$patch: delete` patches remove objects; `namespace` sets every
 * namespaced object's namespace (and renames Namespace objects to it; run after the included kustomizations', so the
 * outermost wins, and a Flux `targetNamespace` or Argo CD `kustomize.namespace` in `ids` replaces `k`'s own);
 * `namePrefix`/`nameSuffix` rename every object but CustomResourceDefinitions, apiregistration.k8s.io APIServices and
 * Namespaces (kustomize's prefixSuffixFieldSpecsToSkip; applied after the included kustomizations', so the outer prefix
 * comes first and the outer suffix last). Whatever may change ids in ways not modelled makes them uncertain.
 */
function transformer(k: YamlDocument | undefined, byFile: Map<string, YamlDocument[]>, ids: IdOverrides | undefined): (o: BuiltObject) => BuiltObject | undefined {
  const effects: Effects = k ? patchEffects(k, byFile) : { deletes: [], uncertain: false };
  const unsure = effects.uncertain || !!ids?.uncertain || (k !== undefined && (nonEmpty(k.get(['transformers'])) || replacesMetadata(k.get(['replacements']))));
  const str = (key: 'namespace' | 'namePrefix' | 'nameSuffix'): string | undefined => {
    if (ids?.[key] !== undefined) return ids[key];
    const v = k?.get([key]);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const ns = str('namespace');
  const pre = str('namePrefix') ?? '';
  const suf = str('nameSuffix') ?? '';
  const nsUnknown = ns !== undefined && TEMPLATED.test(ns);
  const nameUnknown = TEMPLATED.test(pre + suf);
  if (!effects.deletes.length && !unsure && ns === undefined && !pre && !suf) return IDENTITY;
  return (o) => {
    if (effects.deletes.some((del) => del(o))) return undefined;
    let { name, namespace, uncertain } = o;
    uncertain ||= unsure;
    if (ns !== undefined) {
      if (o.kind === 'Namespace' && o.group === '') [name, uncertain] = [ns, uncertain || nsUnknown];
      else if (!CLUSTER_SCOPED.has(o.kind)) [namespace, uncertain] = [ns, uncertain || nsUnknown];
    }
    if ((pre || suf) && !(o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace' || (o.kind === 'APIService' && o.group === 'apiregistration.k8s.io'))) {
      [name, uncertain] = [`${pre}${name}${suf}`, uncertain || nameUnknown];
    }
    if (name === o.name && namespace === o.namespace && uncertain === o.uncertain) return o;
    const { key: _key, ...rest } = o;
    return { ...rest, name, namespace, uncertain, prev: o };
  };
}

/** Two objects of different ids that a namespace transformer made one id (the second is the one kustomize refuses). */
export interface NamespaceConflict {
  first: BuiltObject;
  second: BuiltObject;
  /** The id both got (`second` after the transformer). */
  merged: BuiltObject;
}

/**
 * The objects `after` (`before` through one transformer, undefined: deleted) holds twice that `before` held under
 * different ids; objects `before` holds twice already (another finding) and uncertain ids are left out.
 */
export function namespaceMerges(before: readonly BuiltObject[], after: ReadonlyArray<BuiltObject | undefined>): NamespaceConflict[] {
  const out: NamespaceConflict[] = [];
  const seenBefore = new Set<string>();
  const firstAfter = new Map<string, number>();
  for (let i = 0; i < before.length; i++) {
    const b = before[i]!;
    const a = after[i];
    if (b.uncertain) continue;
    const kb = objectKey(b);
    const repeated = seenBefore.has(kb);
    seenBefore.add(kb);
    if (!a || a.uncertain || repeated) continue;
    const ka = objectKey(a);
    const j = firstAfter.get(ka);
    if (j === undefined) firstAfter.set(ka, i);
    else out.push({ first: before[j]!, second: b, merged: a });
  }
  return out;
}

/** Objects of a kustomization Flux generates (no kustomization of its own) with a Flux Kustomization's ids applied. */
export function withIds(list: readonly BuiltObject[], ids: IdOverrides): BuiltObject[] {
  const f = transformer(undefined, new Map(), ids);
  return list.map((o) => f(o)!);
}

const nonEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null);

/** `replacements` that write a name, namespace or kind (or sit in files not read). */
function replacesMetadata(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  return v.some((r) => !isObj(r) || typeof r['path'] === 'string' || /"(?:metadata\.(?:name|namespace)|kind|apiVersion)"/.test(JSON.stringify(r['targets'] ?? null)));
}

/** `k`'s own patches may rename objects or delete ones talium cannot tell (what patches after them see is not known). */
export function patchesMayRename(k: YamlDocument, byFile: Map<string, YamlDocument[]>): boolean {
  return patchEffects(k, byFile).uncertain;
}

interface Effects {
  deletes: Array<(o: BuiltObject) => boolean>;
  uncertain: boolean;
}

const REGEX = /[\\^$.*+?()[\]{}|]/;

/**
 * What `k`'s patches do to ids: strategic-merge `$patch: delete` bodies delete (without a target: the object with the
 * body's kind, name and namespace; with a literal target: the objects it selects); a delete that cannot be told
 * exactly (a pattern, a label selector, a templated body), a rename (`options.allowNameChange`/`allowKindChange`, a
 * JSON6902 operation on metadata, kind or apiVersion) or a patch that does not parse makes every id uncertain.
 */
function patchEffects(k: YamlDocument, byFile: Map<string, YamlDocument[]>): Effects {
  const out: Effects = { deletes: [], uncertain: false };
  const dir = dirOf(k.file.path);
  const bodiesOf = (text: unknown, path: unknown): unknown[] | undefined => {
    if (typeof text === 'string') return patchBodies(text);
    if (typeof path !== 'string' || TEMPLATED.test(path)) return undefined;
    const file = resolveRepoPath(byFile, dir, path);
    // a patch file not in the tree (not read, or not copied): taken as not deleting or renaming
    if (file === undefined) return [];
    return (byFile.get(file) ?? []).map((d) => d.value);
  };
  const one = (body: unknown, target: unknown, json: boolean): void => {
    if (Array.isArray(body) || json) {
      const ops = Array.isArray(body) ? body : [];
      if (ops.some((op) => !isObj(op) || typeof op['path'] !== 'string' || /^\/(?:metadata(?:\/(?:name|namespace))?|kind|apiVersion)?$/.test(op['path']))) out.uncertain = true;
      return;
    }
    if (!isObj(body) || body['$patch'] !== 'delete') return;
    if (isObj(target)) {
      const t = target;
      const fields = ['group', 'version', 'kind', 'name', 'namespace'].filter((f) => t[f] !== undefined);
      if (t['labelSelector'] !== undefined || t['annotationSelector'] !== undefined || fields.some((f) => typeof t[f] !== 'string' || REGEX.test(t[f] as string) || TEMPLATED.test(t[f] as string))) {
        out.uncertain = true;
        return;
      }
      out.deletes.push((o) => fields.every((f) => t[f] === (f === 'group' ? o.group : f === 'version' ? o.version : f === 'kind' ? o.kind : f === 'name' ? o.name : o.namespace)));
      return;
    }
    const meta = isObj(body['metadata']) ? body['metadata'] : {};
    const av = typeof body['apiVersion'] === 'string' ? body['apiVersion'] : '';
    const group = av.includes('/') ? av.slice(0, av.indexOf('/')) : '';
    const { kind } = body;
    const { name, namespace } = meta;
    if (typeof kind !== 'string' || typeof name !== 'string' || TEMPLATED.test(`${kind} ${name} ${String(namespace ?? '')}`)) {
      out.uncertain = true;
      return;
    }
    out.deletes.push((o) => o.kind === kind && o.group === group && o.name === name && (typeof namespace !== 'string' || (o.namespace || 'default') === (namespace || 'default')));
  };
  const psm = k.get(['patchesStrategicMerge']);
  if (Array.isArray(psm)) {
    for (const p of psm) {
      const inline = typeof p === 'string' && (p.includes('\n') || /^\s*(apiVersion|kind)\s*:/m.test(p));
      const bodies = inline ? patchBodies(p) : bodiesOf(undefined, p);
      if (!bodies) out.uncertain = true;
      else for (const b of bodies) one(b, undefined, false);
    }
  }
  for (const key of ['patches', 'patchesJson6902']) {
    const list = k.get([key]);
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      if (!isObj(p)) continue;
      const opts = isObj(p['options']) ? p['options'] : {};
      if (opts['allowNameChange'] === true || opts['allowKindChange'] === true) out.uncertain = true;
      const bodies = bodiesOf(p['patch'], p['path']);
      if (!bodies) out.uncertain = true;
      else for (const b of bodies) one(b, p['target'], key === 'patchesJson6902');
    }
  }
  return out;
}

const BUILDERS = new WeakMap<readonly YamlDocument[], KustomizeBuilder>();

/** The builder of a document list (one per list), and every kustomization of the list built. */
export function kustomizeBuilder(docs: readonly YamlDocument[], byFile: () => Map<string, YamlDocument[]>): KustomizeBuilder {
  let b = BUILDERS.get(docs);
  if (!b) {
    b = new KustomizeBuilder(byFile());
    BUILDERS.set(docs, b);
  }
  return b;
}

/** A kustomization file that is a Kustomization (not a Component: a component is built only inside another). */
export function isBuildable(k: YamlDocument): boolean {
  return k.docClass === 'kustomization' && KUSTOMIZATION_FILES.includes(k.file.path.slice(k.file.path.lastIndexOf('/') + 1)) && k.get(['kind']) !== 'Component';
}

/** The builder of `docs` with every kustomization of the list built (in list order: duplicates in one order). */
export function builtKustomizations(docs: readonly YamlDocument[], byFile: () => Map<string, YamlDocument[]>): KustomizeBuilder {
  const b = kustomizeBuilder(docs, byFile);
  for (const d of docs) if (isBuildable(d)) b.build(d);
  return b;
}

/** Every id some kustomization of `docs` accumulates twice (each kustomization built once). */
export function duplicateIds(docs: readonly YamlDocument[], byFile: () => Map<string, YamlDocument[]>): readonly DuplicateId[] {
  return builtKustomizations(docs, byFile).duplicates;
}

/** `dir` and `path` name one entry (a path), for related locations. */
export const samePath = (a: Path, b: Path): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
