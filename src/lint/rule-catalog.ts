/**
 * One catalogue of every rule id talium can report: policy rules (src/rules), the engine's own ids (engine-rules.ts),
 * schema validation's (schema/rules.ts) and generate's (spec/rules.ts). Feeds `rules`, `explain`, SARIF, config checks,
 * and the "did you mean" for an unknown id (a typo of an id, or the ids sharing its words).
 */
import type { Severity } from '../core/diagnostic.js';
import { editDistance, related } from '../core/suggest.js';
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
  /** Message templates and the severities of those reported at another severity than `severity` (RuleMeta.messageSeverities). */
  messages?: Readonly<Record<string, string>>;
  messageSeverities?: Readonly<Record<string, Severity>>;
  /** Generic rules whose finding at the same place this one replaces (RuleMeta.supersedes). */
  supersedes?: readonly string[];
  origin: 'policy' | 'engine' | 'schema' | 'generate';
}

export function ruleCatalog(): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  for (const r of RULES) out.push({ id: r.meta.id, description: r.meta.description, severity: r.meta.severity, help: r.meta.help, docs: r.meta.docs, messages: r.meta.messages, ...(r.meta.messageSeverities ? { messageSeverities: r.meta.messageSeverities } : {}), ...(r.meta.supersedes?.length ? { supersedes: r.meta.supersedes } : {}), origin: 'policy' });
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

const domainOf = (id: string): string => (id.includes('/') ? id.slice(0, id.indexOf('/')) : '');
const nameOf = (id: string): string => id.slice(id.indexOf('/') + 1);
/** generate's own checks (spec/*, generate/*) are far from an id in another domain. */
const farFamily = (id: string, e: CatalogEntry): boolean => e.origin === 'generate' && domainOf(id) !== 'spec' && domainOf(id) !== 'generate';

/**
 * The id `id` is most likely a typo of: the fewest edits of the part after the slash (a swap of two letters is one),
 * plus 2 for another domain (a guessed `cilium/` for `network/pool-overlap`) and 1 more for generate's checks
 * when `id` is not one of them; at most max(2, a third of that part's length). Ties: alphabetical.
 */
export function suggestRuleId(id: string, catalog: readonly CatalogEntry[]): string | undefined {
  const name = nameOf(id);
  const allowed = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestCost = Infinity;
  for (const e of catalog) {
    const extra = (domainOf(e.id) === domainOf(id) ? 0 : 2) + (farFamily(id, e) ? 1 : 0);
    if (extra > allowed) continue;
    const cost = editDistance(name, nameOf(e.id), { transpositions: true, limit: allowed - extra }) + extra;
    if (cost <= allowed && (cost < bestCost || (cost === bestCost && best !== undefined && e.id < best))) {
      best = e.id;
      bestCost = cost;
    }
  }
  return best === id ? undefined : best;
}

/**
 * At most `max` ids close to an unknown `id`: its typo match first, then the ids sharing its words in their ids or
 * descriptions (`related`), where a guessed domain word counts half and generate's checks count half unless
 * `id` is one of them.
 */
export function nearestRules(id: string, catalog: readonly CatalogEntry[], max = 5): string[] {
  const byId = new Map(catalog.map((e) => [e.id, e]));
  const typo = suggestRuleId(id, catalog);
  const words = related(
    id,
    catalog.map((e) => ({ name: e.id, text: e.description })),
    { max, firstWordWeight: 0.5, weight: (c) => (farFamily(id, byId.get(c.name)!) ? 0.5 : 1) },
  );
  return (typo ? [typo, ...words.filter((w) => w !== typo)] : words).slice(0, max);
}
