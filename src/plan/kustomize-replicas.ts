/**
 * The `replicas` entries of kustomizations that fail their build: kustomize's replica count transformer
 * (plugin/builtin/replicacounttransformer) looks for objects whose name, current or earlier (before a namePrefix /
 * nameSuffix: resmap GetMatchingResourcesByAnyId), equals the entry's `name` among the kinds of its field specs
 * (Deployment, ReplicationController, ReplicaSet, StatefulSet of any group: api/internal/konfig/builtinpluginconsts
 * replicas.go), and fails the build when none is ("resource with name X does not match a config with the following
 * GVK [...]"; checked against kubectl kustomize v5.5.0). Owns that check over the builds plan/kustomize-build.ts
 * records (replicaInputs); no findings (rules/gitops/replicas-target-missing.ts reports).
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

/** The misses of one kustomization's `replicas` list against what its build holds then. */
function check(input: PatchInput, out: ReplicasMiss[]): void {
  const k = input.kustomization;
  // own field specs (`configurations`) may add kinds: not judged
  const conf = k.get(['configurations']);
  if (Array.isArray(conf) ? conf.length > 0 : conf !== undefined && conf !== null) return;
  const objects = input.objects.filter((o) => REPLICA_KINDS.has(o.kind));
  // an object whose id a transformer talium does not follow may change: it may answer to any name
  if (objects.some((o) => o.uncertain)) return;
  const names = new Set(objects.flatMap(namesOf));
  const list = k.get(['replicas']);
  if (!Array.isArray(list)) return;
  list.forEach((r, i) => {
    if (!isObj(r)) return;
    const name = r['name'];
    if (typeof name !== 'string' || name === '' || TEMPLATED.test(name) || names.has(name)) return;
    out.push({ kustomization: k, entry: ['replicas', i], name, held: objects });
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
