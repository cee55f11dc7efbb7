/**
 * `cilium.values` of cluster.yaml against the Cilium Helm values schema of the pinned chart line (the same check
 * `talium lint` runs on values files), plus `--set`-style dotted keys, which Helm takes literally. Reported at the
 * key in cluster.yaml, so a typo is refused before anything is generated rather than found in generated output.
 */
import type { YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import { dottedHelmKeys, nestedHelmKey } from '../data/cilium.js';
import { createSchemaValidator } from '../schema/validate.js';

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function checkCiliumValues(value: unknown, doc: YamlDocument): Finding[] {
  const root = isObj(value) ? value : {};
  const cilium = isObj(root['cilium']) ? root['cilium'] : {};
  const values = cilium['values'];
  if (!isObj(values)) return [];
  const out: Finding[] = [];
  const dotted = dottedHelmKeys(values);
  for (const path of dotted) {
    const key = path.join('.');
    out.push({
      doc,
      path: ['cilium', 'values', ...path],
      key: true,
      ruleId: 'spec/dotted-helm-key',
      severity: 'error',
      message: `cilium.values key "${key}" contains dots; Helm takes it as one literal key and ignores it.`,
      help: `Write it nested: \`${nestedHelmKey(path[path.length - 1]!)}\`.`,
      data: { key },
    });
  }
  const versions = isObj(root['versions']) ? root['versions'] : {};
  const line = typeof versions['cilium'] === 'string' ? versions['cilium'] : undefined;
  const validator = createSchemaValidator(line ? { ciliumVersion: line } : {});
  for (const f of validator.validateCiliumValues(doc, ['cilium', 'values'])) {
    // dotted keys are reported above, once
    if (f.ruleId === 'schema/unknown-field' && dotted.some((p) => p[p.length - 1] === f.data?.['field'])) continue;
    out.push(f);
  }
  return out;
}
