/**
 * `cilium.values` of cluster.yaml against the Cilium Helm values schema of the pinned chart line (the same check
 * `talium lint` runs on values files), plus `--set`-style dotted keys, which Helm takes literally. Reported at the
 * key in cluster.yaml, so a typo is refused before anything is generated rather than found in generated output.
 */
import type { YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import { nestedHelmKey } from '../data/cilium.js';
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
  const dotted = (v: Record<string, unknown>, path: string[]): void => {
    for (const [k, child] of Object.entries(v)) {
      if (k.includes('.') && !k.includes('/')) {
        const nested = nestedHelmKey(k);
        out.push({
          doc,
          path: ['cilium', 'values', ...path, k],
          key: true,
          ruleId: 'spec/dotted-helm-key',
          severity: 'error',
          message: `cilium.values key "${[...path, k].join('.')}" contains dots; Helm takes it as one literal key and ignores it.`,
          help: `Write it nested: \`${nested}\`.`,
          data: { key: [...path, k].join('.') },
        });
      } else if (isObj(child) && path.length < 16) dotted(child, [...path, k]);
    }
  };
  dotted(values, []);
  const versions = isObj(root['versions']) ? root['versions'] : {};
  const line = typeof versions['cilium'] === 'string' ? versions['cilium'] : undefined;
  const validator = createSchemaValidator(line ? { ciliumVersion: line } : {});
  for (const f of validator.validateCiliumValues(doc, ['cilium', 'values'])) {
    // dotted keys are reported above, once
    if (f.ruleId === 'schema/unknown-field' && String(f.data?.['field'] ?? '').includes('.')) continue;
    out.push(f);
  }
  return out;
}
