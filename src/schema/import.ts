/**
 * `talium schemas import`: CustomResourceDefinition YAML (a file, a folder, or a fetched URL body) → one strict
 * JSON Schema per served kind+version, `<group>/<version>/<Kind>.json`, loadable through extraSchemaDirs.
 * Pure conversion here; reading and writing files is the CLI's job.
 */
import { parseAllDocuments } from 'yaml';
import { crdToSchemas } from './crd.js';

export interface ImportedSchema {
  /** `<group>/<version>/<Kind>.json`. */
  path: string;
  json: string;
}

export interface ImportResult {
  schemas: ImportedSchema[];
  /** Documents that were not CRDs (counted, not errors) and problems per source. */
  skipped: number;
  problems: string[];
}

/** Convert the CRDs in one YAML text. `source` names it in problems. */
export function importCrdText(text: string, source: string): ImportResult {
  const out: ImportResult = { schemas: [], skipped: 0, problems: [] };
  let docs;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false });
  } catch (e) {
    out.problems.push(`${source}: not YAML (${(e as Error).message})`);
    return out;
  }
  if (!Array.isArray(docs)) {
    out.problems.push(`${source}: not YAML`);
    return out;
  }
  for (const d of docs) {
    if (d.errors.length) {
      out.problems.push(`${source}: YAML error: ${d.errors[0]!.message.split('\n')[0]}`);
      continue;
    }
    const v = d.toJS({ maxAliasCount: 100 }) as unknown;
    const list = crdToSchemas(v);
    if (!list.length) {
      out.skipped++;
      continue;
    }
    for (const s of list) {
      if (!s.served) continue;
      const schema = { ...s.schema, 'x-talium-gvk': { group: s.group, version: s.version, kind: s.kind } };
      out.schemas.push({ path: `${s.group}/${s.version}/${s.kind}.json`, json: `${JSON.stringify(sortKeys(schema), null, 2)}\n` });
    }
  }
  return out;
}

/** Deterministic output: object keys sorted (arrays keep their order). */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v as Record<string, unknown>).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
  return out;
}
