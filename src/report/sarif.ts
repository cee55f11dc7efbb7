/**
 * `sarif`: SARIF 2.1.0 for GitHub code scanning: driver rules with help text, results with real regions
 * (UTF-16 columns, end exclusive), related locations, and the `--fix` corrections as SARIF fixes. Validated against the
 * OASIS schema in tests. Pure.
 */
import type { Diagnostic, Range } from '../core/diagnostic.js';
import { Each, jsonPieces } from './chunks.js';
import { reporter, type Reporter, type RuleInfo } from './types.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

function uri(file: string): string {
  return file
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

function region(r: Range): Record<string, number> {
  return { startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: r.end.column };
}

function location(file: string, r: Range): Record<string, unknown> {
  return { physicalLocation: { artifactLocation: { uri: uri(file), uriBaseId: '%SRCROOT%' }, region: region(r) } };
}

function ruleEntry(r: RuleInfo): Record<string, unknown> {
  const e: Record<string, unknown> = {
    id: r.id,
    name: r.id.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()),
    shortDescription: { text: r.description },
    fullDescription: { text: r.description },
    help: { text: r.help, markdown: r.docsUrl ? `${r.help}\n\nSee ${r.docsUrl}` : r.help },
    defaultConfiguration: { level: LEVEL[r.severity] },
  };
  if (r.docsUrl) e['helpUri'] = r.docsUrl;
  return e;
}

export const sarif: Reporter = reporter({
  name: 'sarif',
  description: 'SARIF 2.1.0 (GitHub code scanning).',
  *chunks(result) {
    const rules = [...result.rules];
    const index = new Map(rules.map((r, i) => [r.id, i]));
    // diagnostics whose rule is not catalogued still need a rule entry (ruleIndex must resolve)
    for (const d of result.diagnostics) {
      if (!index.has(d.ruleId)) {
        index.set(d.ruleId, rules.length);
        rules.push({ id: d.ruleId, description: d.ruleId, severity: d.severity, help: d.help });
      }
    }
    // made one at a time as they are written
    const results = new Each(result.diagnostics, (d: Diagnostic) => {
      const r: Record<string, unknown> = {
        ruleId: d.ruleId,
        ruleIndex: index.get(d.ruleId)!,
        level: LEVEL[d.severity],
        message: { text: d.help ? `${d.message} ${d.help}` : d.message },
        locations: [location(d.file, d.range)],
      };
      if (d.related?.length) {
        r['relatedLocations'] = d.related.map((x, i) => ({ id: i + 1, ...location(x.file, x.range), message: { text: x.message } }));
      }
      if (d.data) r['properties'] = { data: Object.fromEntries(Object.keys(d.data).sort().map((k) => [k, d.data![k]])) };
      if (d.fix) {
        r['fixes'] = [
          {
            description: { text: `Replace ${d.fix.expect} by ${d.fix.text} (talium lint --fix).` },
            artifactChanges: [{ artifactLocation: { uri: uri(d.file), uriBaseId: '%SRCROOT%' }, replacements: [{ deletedRegion: region(d.fix.range), insertedContent: { text: d.fix.text } }] }],
          },
        ];
      }
      return r;
    });
    const doc = {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: result.tool.name, version: result.tool.version, semanticVersion: result.tool.version, rules: rules.map(ruleEntry) } },
          columnKind: 'utf16CodeUnits',
          results,
        },
      ],
    };
    yield* jsonPieces(doc);
    yield '\n';
  },
});
