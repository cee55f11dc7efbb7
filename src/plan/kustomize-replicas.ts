/**
 * The `replicas` entries of kustomizations that fail their build: kustomize's replica count transformer
 * (plugin/builtin/replicacounttransformer) looks for objects whose name, current or earlier (before a namePrefix /
 * nameSuffix: resmap GetMatchingResourcesByAnyId), equals the entry's `name` among the kinds of its field specs
 * (Deployment, ReplicationController, ReplicaSet, StatefulSet of any group: api/internal/konfig/builtinpluginconsts
 * replicas.go), and fails the build when none is ("resource with name X does not match a config with the following
 * GVK [...]"; checked against kubectl kustomize v5.5.0). Owns that check over the builds plan/kustomize-build.ts
 * records (replicaInputs), its parts shared with plan/applier-overrides.ts (an Argo CD source's `kustomize.replicas`);
 * no findings (rules/gitops/replicas-target-missing.ts reports).
 */
import type { Path, YamlDocument } from '../core/document.js';
import { builtKustomizations, type BuiltObject, type PatchInput } from './kustomize-build.js';
import { isObj, TEMPLATED } from './util.js';

/** The kinds whose `spec/replicas` kustomize's default replica field specs name. */
export const REPLICA_KINDS: ReadonlySet<string> = new Set(['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet']);

/** A `replicas` entry no object of the build answers to. */
export interface ReplicasMiss {
  /** The kustomization (or component) listing the entry. */
  kustomization: YamlDocument;
  /** `['replicas', 1]`. */
  entry: Path;
  name: string;
  /** The objects of the replica kinds the build holds when the entry runs (their current names). */
  held: readonly BuiltObject[];
}


/** `o`'s name and every earlier name it had in the build. */
function namesOf(o: BuiltObject): string[] {
  const out: string[] = [];
  for (let x: BuiltObject | undefined = o; x; x = x.prev) out.push(x.name);
  return out;
}

/** `k` has its own field specs (`configurations`), which may add kinds to the replica count transformer's. */
export function hasOwnFieldSpecs(k: YamlDocument): boolean {
  const conf = k.get(['configurations']);
  return Array.isArray(conf) ? conf.length > 0 : conf !== undefined && conf !== null;
}

/**
 * The objects of the replica kinds among `objects` and every name (current or earlier) a `replicas` entry may give;
 * undefined when one of them has an id a transformer talium does not follow may change (it may answer to any name).
 */
export function replicaTargets(objects: readonly BuiltObject[]): { held: readonly BuiltObject[]; names: ReadonlySet<string> } | undefined {
  const held = objects.filter((o) => REPLICA_KINDS.has(o.kind));
  if (held.some((o) => o.uncertain)) return undefined;
  return { held, names: new Set(held.flatMap(namesOf)) };
}

/** A `replicas` entry's `name` when it is judged: a non-empty string, not templated. */
export function replicaEntryName(r: unknown): string | undefined {
  if (!isObj(r)) return undefined;
  const name = r['name'];
  return typeof name !== 'string' || name === '' || TEMPLATED.test(name) ? undefined : name;
}

/** The misses of one kustomization's `replicas` list against what its build holds then. */
function check(input: PatchInput, out: ReplicasMiss[]): void {
  const k = input.kustomization;
  // own field specs (`configurations`) may add kinds: not judged
  if (hasOwnFieldSpecs(k)) return;
  const t = replicaTargets(input.objects);
  if (!t) return;
  const list = k.get(['replicas']);
  if (!Array.isArray(list)) return;
  list.forEach((r, i) => {
    const name = replicaEntryName(r);
    if (name === undefined || t.names.has(name)) return;
    out.push({ kustomization: k, entry: ['replicas', i], name, held: t.held });
  });
}

const MISSES = new WeakMap<readonly YamlDocument[], readonly ReplicasMiss[]>();

/** Every `replicas` entry of `docs` that no object of its build answers to (each build once). */
export function replicasMisses(docs: readonly YamlDocument[], byFile: () => Map<string, YamlDocument[]>): readonly ReplicasMiss[] {
  const known = MISSES.get(docs);
  if (known) return known;
  const b = builtKustomizations(docs, byFile);
  const out: ReplicasMiss[] = [];
  for (const input of b.replicaInputs) if (!input.incomplete) check(input, out);
  MISSES.set(docs, out);
  return out;
}
