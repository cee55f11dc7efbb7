/**
 * Where a kubernetes-models validator types a value as a string whatever else the object holds: the values of a
 * few map[string]string fields of the Kubernetes API (a ConfigMap's `data`, a label). A YAML 1.1 boolean word
 * there is a schema/yaml11-boolean finding without validating the object again with the word read as a boolean
 * (validate.ts yaml11). Owns the table and the path test; makes no findings.
 */
import type { Path } from '../core/document.js';
import type { ModelEntry } from './k8s-models.js';

/**
 * The string maps of a kind (Go `map[string]string`, or `map[string][]byte`, a base64 string in JSON), per
 * apiVersion/kind; from k8s.io/api core/v1 types.go, as the kubernetes-models schemas (additionalProperties of
 * type string, reached through plain `properties`, no oneOf/anyOf on the way) have them.
 */
const STRING_MAPS: Readonly<Record<string, readonly string[]>> = {
  'v1/ConfigMap': ['data', 'binaryData'],
  'v1/Secret': ['data', 'stringData'],
};

/** ObjectMeta's string maps (`metadata.labels`, `metadata.annotations`). */
const META_STRING_MAPS: readonly string[] = ['labels', 'annotations'];

/**
 * The kubernetes-models kinds whose `metadata` is ObjectMeta: every top-level kind of the core package except the
 * lists (ListMeta, no labels) and the few kinds without metadata. Held to the validators by a test over every kind
 * of the package (test/schema-string-maps.test.ts).
 */
function hasObjectMeta(m: ModelEntry): boolean {
  return m.source === 'kubernetes-models' && !m.kind.endsWith('List') && !NO_OBJECT_META.has(`${m.apiVersion}/${m.kind}`);
}

/** Top-level kinds of the core package without metadata (found by the test above; kubernetes-models 5.1). */
const NO_OBJECT_META: ReadonlySet<string> = new Set(['apps/v1beta1/DeploymentRollback', 'extensions/v1beta1/DeploymentRollback']);

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A key of a string map: a string, never `__proto__` (which replaceAt cannot put a boolean under). */
function mapKey(k: Path[number] | undefined): k is string {
  return typeof k === 'string' && k !== '__proto__';
}

/**
 * For a kubernetes-models entry: whether the value at `path` of an object `root` of that kind is a value of one
 * of its string maps (so a boolean there fails exactly with a type error expecting a string, at that path). Undefined
 * when the kind has none.
 */
export function stringMapLeaf(m: ModelEntry): ((root: unknown, path: Path) => boolean) | undefined {
  if (m.source !== 'kubernetes-models') return undefined;
  const own = STRING_MAPS[`${m.apiVersion}/${m.kind}`] ?? [];
  const meta = hasObjectMeta(m);
  if (!own.length && !meta) return undefined;
  return (root, path) => {
    if (!isMap(root)) return false;
    if (path.length === 2 && mapKey(path[1])) {
      const field = path[0];
      return typeof field === 'string' && own.includes(field) && isMap(root[field]);
    }
    if (meta && path.length === 3 && path[0] === 'metadata' && mapKey(path[2])) {
      const md = root['metadata'];
      const field = path[1];
      return isMap(md) && typeof field === 'string' && META_STRING_MAPS.includes(field) && isMap(md[field]);
    }
    return false;
  };
}
