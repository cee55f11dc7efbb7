/**
 * CustomResourceDefinition → strict JSON Schemas (one per served version), as the API server with strict field
 * validation sees them: unknown fields rejected unless `x-kubernetes-preserve-unknown-fields`, int-or-string,
 * nullable, embedded resources. Used for CRDs found in a linted repo and by `talium schemas import`.
 */

export interface CrdVersionSchema {
  group: string;
  version: string;
  kind: string;
  served: boolean;
  deprecated: boolean;
  scope: string;
  /** draft-07 JSON Schema of the whole object. */
  schema: Record<string, unknown>;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const META_KEYS = [
  'name', 'generateName', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences', 'uid',
  'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds',
  'managedFields', 'selfLink',
];

/** ObjectMeta as a manifest carries it (keys only; the API server validates the rest). */
export function objectMetaSchema(): Obj {
  const properties: Obj = {};
  for (const k of META_KEYS) properties[k] = {};
  properties['name'] = { type: 'string' };
  properties['namespace'] = { type: 'string' };
  properties['labels'] = { type: 'object', additionalProperties: { type: 'string' } };
  properties['annotations'] = { type: 'object', additionalProperties: { type: 'string' } };
  return { type: 'object', additionalProperties: false, properties };
}

/** Convert one OpenAPI v3 (structural) schema node to a strict draft-07 node. */
export function strictify(node: unknown, atRoot = false, branch = false): unknown {
  if (Array.isArray(node)) return node.map((n) => strictify(n, false, branch));
  if (!isObj(node)) return node;
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' && isObj(v)) {
      const props: Obj = {};
      for (const [pk, pv] of Object.entries(v)) props[pk] = strictify(pv, false, branch);
      out[k] = props;
    } else if (k === 'items' || k === 'additionalProperties') {
      out[k] = typeof v === 'boolean' ? v : strictify(v, false, branch);
    } else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf' || k === 'not') {
      // structural schemas: these branches only add value validations, they never define (or close) fields
      out[k] = k === 'not' ? strictify(v, false, true) : (v as unknown[]).map((n) => strictify(n, false, true));
    } else if (k === 'x-kubernetes-validations' || k === 'description') {
      continue;
    } else {
      out[k] = v;
    }
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    delete out['type'];
    out['type'] = ['integer', 'string'];
  }
  if (node['nullable'] === true && typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  delete out['nullable'];
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node['x-kubernetes-embedded-resource'] === true) {
    const props = (out['properties'] as Obj | undefined) ?? {};
    props['apiVersion'] ??= { type: 'string' };
    props['kind'] ??= { type: 'string' };
    props['metadata'] ??= { type: 'object' };
    out['properties'] = props;
  }
  if (atRoot) {
    const props = (out['properties'] as Obj | undefined) ?? {};
    props['apiVersion'] = { type: 'string' };
    props['kind'] = { type: 'string' };
    props['metadata'] = objectMetaSchema();
    out['properties'] = props;
    out['type'] = 'object';
  }
  const isObjectType = out['type'] === 'object' || (out['properties'] !== undefined && out['type'] === undefined);
  if (!branch && isObjectType && !preserve && out['additionalProperties'] === undefined) out['additionalProperties'] = false;
  return out;
}

/** The served versions of a CRD object (any shape errors → empty list; the caller reports). */
export function crdToSchemas(crd: unknown): CrdVersionSchema[] {
  if (!isObj(crd) || crd['kind'] !== 'CustomResourceDefinition') return [];
  const spec = crd['spec'];
  if (!isObj(spec)) return [];
  const group = typeof spec['group'] === 'string' ? spec['group'] : '';
  const names = isObj(spec['names']) ? spec['names'] : {};
  const kind = typeof names['kind'] === 'string' ? names['kind'] : '';
  const scope = typeof spec['scope'] === 'string' ? spec['scope'] : 'Namespaced';
  if (!group || !kind) return [];
  const out: CrdVersionSchema[] = [];
  const versions = Array.isArray(spec['versions']) ? spec['versions'] : [];
  // apiextensions.k8s.io/v1beta1 had one top-level validation for all versions
  const shared = isObj(spec['validation']) ? spec['validation']['openAPIV3Schema'] : undefined;
  for (const v of versions) {
    if (!isObj(v) || typeof v['name'] !== 'string') continue;
    const raw = isObj(v['schema']) ? v['schema']['openAPIV3Schema'] : shared;
    const schema = isObj(raw)
      ? (strictify(raw, true) as Obj)
      : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    out.push({
      group,
      version: v['name'],
      kind,
      served: v['served'] !== false,
      deprecated: v['deprecated'] === true,
      scope,
      schema: { $schema: 'http://json-schema.org/draft-07/schema#', title: `${kind} (${group}/${v['name']})`, ...schema },
    });
  }
  return out;
}
