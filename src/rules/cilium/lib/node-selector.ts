/**
 * Which planned nodes a Kubernetes label selector (`matchLabels` + `matchExpressions`, as in an L2 policy's
 * `nodeSelector`) certainly leaves out, from the labels a node is known to carry: `kubernetes.io/os: linux` on every
 * Talos node, and `node-role.kubernetes.io/control-plane: ""` on control planes only. Any other label may be set on
 * a running node (kubectl, an operator), so a requirement on it never rules a node out. Pure reads.
 */
import type { PlanNode } from '../../../plan/types.js';
import { isObject, isTemplated } from './objects.js';

export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

/** One selector requirement, `matchLabels` entries as `In [value]`. */
export interface Requirement {
  key: string;
  operator: string;
  values: readonly unknown[];
  /** Where it is written, under the selector (`['matchLabels', key]`, `['matchExpressions', i]`). */
  path: readonly (string | number)[];
}

/** The selector's requirements; undefined when it cannot be read (templated, not a mapping, malformed). */
export function requirements(selector: unknown): Requirement[] | undefined {
  if (!isObject(selector)) return undefined;
  const out: Requirement[] = [];
  const labels = selector['matchLabels'];
  if (labels !== undefined && labels !== null) {
    if (!isObject(labels)) return undefined;
    for (const [key, value] of Object.entries(labels)) {
      if (isTemplated(key) || isTemplated(value)) return undefined;
      out.push({ key, operator: 'In', values: [value], path: ['matchLabels', key] });
    }
  }
  const exprs = selector['matchExpressions'];
  if (exprs !== undefined && exprs !== null) {
    if (!Array.isArray(exprs)) return undefined;
    for (const [i, e] of exprs.entries()) {
      if (!isObject(e) || typeof e['key'] !== 'string' || typeof e['operator'] !== 'string' || isTemplated(e['key'])) return undefined;
      const values = e['values'] ?? [];
      if (!Array.isArray(values) || values.some(isTemplated)) return undefined;
      out.push({ key: e['key'], operator: e['operator'], values, path: ['matchExpressions', i] });
    }
  }
  return out;
}

/** The value a node certainly has for `key` (a string), null when it certainly lacks it, undefined when unknown. */
function knownLabel(node: PlanNode, key: string): string | null | undefined {
  if (key === 'kubernetes.io/os') return 'linux';
  if (key === CONTROL_PLANE_LABEL) return node.role === 'controlplane' ? '' : node.role === 'worker' ? null : undefined;
  return undefined;
}

/** True when `node` certainly fails the requirement (an unknown operator or label never does). */
export function certainlyFails(node: PlanNode, req: Requirement): boolean {
  const label = knownLabel(node, req.key);
  if (label === undefined) return false;
  // label values are strings; a YAML null or number in `values` compares as Kubernetes reads it (a string)
  const listed = req.values.some((v) => (v === null ? '' : String(v)) === label);
  switch (req.operator) {
    case 'In':
      return label === null || !listed;
    case 'NotIn':
      return label !== null && listed;
    case 'Exists':
      return label === null;
    case 'DoesNotExist':
      return label !== null;
    default:
      return false;
  }
}
