/**
 * One catalogue of every rule id talium can report: policy rules (src/rules), the engine's own ids (engine-rules.ts),
 * schema validation's (schema/rules.ts) and generate's (spec/rules.ts). Feeds `rules`, `explain`, SARIF, config checks.
 */
import type { Severity } from '../core/diagnostic.js';
import type { RuleInfo } from '../report/types.js';
import { RULES } from '../rules/index.js';
import type { RuleDocs } from '../rules/types.js';
import { ENGINE_RULES } from './engine-rules.js';
import { SCHEMA_RULES } from '../schema/rules.js';
import { GENERATE_RULES } from '../spec/rules.js';

export interface CatalogEntry {
  id: string;
  description: string;
  severity: Severity;
  help: string;
  docs?: RuleDocs;
  origin: 'policy' | 'engine' | 'schema' | 'generate';
}

export function ruleCatalog(): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  for (const r of RULES) out.push({ id: r.meta.id, description: r.meta.description, severity: r.meta.severity, help: r.meta.help, docs: r.meta.docs, origin: 'policy' });
  for (const r of ENGINE_RULES) out.push({ ...r, origin: 'engine' });
  for (const r of SCHEMA_RULES) out.push({ id: r.id, description: r.description, severity: r.severity, help: r.help, docs: r.docs, origin: 'schema' });
  for (const r of GENERATE_RULES) out.push({ id: r.id, description: r.description, severity: r.severity, help: r.help, origin: 'generate' });
  const seen = new Set<string>();
  return out
    .filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Whether an id names a rule talium can report. */
export function knownRule(catalog: readonly CatalogEntry[]): (id: string) => boolean {
  const ids = new Set(catalog.map((e) => e.id));
  return (id) => ids.has(id);
}

export function toRuleInfo(e: CatalogEntry): RuleInfo {
  const info: RuleInfo = { id: e.id, description: e.description, severity: e.severity, help: e.help };
  const url = e.docs?.sources[0];
  if (url) info.docsUrl = url;
  return info;
}
