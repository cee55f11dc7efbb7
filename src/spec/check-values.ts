/**
 * `cilium.values` of cluster.yaml against the Cilium Helm values schema of the pinned chart line (the same check
 * `talium lint` runs on values files), the chart's top-level key list for misspelt top-level keys (the schema's
 * top level is open), plus `--set`-style dotted keys, which Helm takes literally. Reported at the key in
 * cluster.yaml, so a typo is refused before anything is generated rather than found in generated output.
 */
import type { YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import { REMOVED_HELM_KEYS, dottedHelmKeys, nestedHelmKey } from '../data/cilium.js';
import { valuesKeyNearMiss } from '../data/cilium-values-keys.js';
import { unknownFieldHelp } from '../schema/errors.js';
import { createSchemaValidator } from '../schema/validate.js';

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Top-level keys of one values mapping looked at for near misses (bounded time on hostile input). */
const MAX_TOP_LEVEL_KEYS = 1000;
/** Removed chart keys are spec/removed-helm-key's (for the pinned line), never a "typo" of another key. */
const REMOVED = new Set(REMOVED_HELM_KEYS.map((k) => k.key));

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
  const reported = new Set<string>();
  for (const f of validator.validateCiliumValues(doc, ['cilium', 'values'])) {
    // dotted keys are reported above, once
    if (f.ruleId === 'schema/unknown-field' && dotted.some((p) => p[p.length - 1] === f.data?.['field'])) continue;
    if (f.ruleId === 'schema/unknown-field') reported.add(JSON.stringify(f.path));
    out.push(f);
  }
  out.push(...topLevelTypos(values, doc, reported));
  return out;
}

/**
 * Top-level keys that are no chart value but a near miss of one (`l2anouncements`), as cilium/values-key-typo
 * finds them in values files; reported as schema/unknown-field, the id the schema gives misspelt nested keys.
 */
function topLevelTypos(values: Record<string, unknown>, doc: YamlDocument, reported: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  for (const key of Object.keys(values).slice(0, MAX_TOP_LEVEL_KEYS)) {
    const path = ['cilium', 'values', key];
    if (key.includes('.') || REMOVED.has(key) || reported.has(JSON.stringify(path))) continue;
    const suggestion = valuesKeyNearMiss(key);
    if (!suggestion) continue;
    out.push({
      doc,
      path,
      key: true,
      ruleId: 'schema/unknown-field',
      severity: 'error',
      message: `Unknown field "${key}" in cilium.values: not a value of the Cilium chart (did you mean "${suggestion}"?).`,
      help: unknownFieldHelp(suggestion, 'helm'),
      data: { field: key, path: key, suggestion, consumer: 'helm' },
    });
  }
  return out;
}
