/**
 * Reads cluster.yaml text into one YamlDocument (positions on demand) plus `spec/yaml` findings for
 * syntax errors and extra documents, and `spec/duplicate-key` findings. Pure (text in, data out).
 * A repeated key is reported and reading goes on with the last value winning, as Helm and Go's
 * sigs.k8s.io/yaml read a mapping (and eemeli/yaml's toJS), so the other checks still run.
 */
import { isScalar, parseAllDocuments, visit, type Document } from 'yaml';
import { AstCache, YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import type { SourceFile } from '../core/source.js';

export interface ParsedSpec {
  doc?: YamlDocument;
  value?: unknown;
  findings: Finding[];
}

export function parseSpecText(file: SourceFile): ParsedSpec {
  const findings: Finding[] = [];
  const docs = parseAllDocuments(file.text, { uniqueKeys: true, prettyErrors: false }) as unknown as Document.Parsed[] | { errors: unknown[] };
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [];
  for (const d of list) {
    for (const e of d.errors) {
      const dup = e.code === 'DUPLICATE_KEY';
      findings.push({
        ruleId: dup ? 'spec/duplicate-key' : 'spec/yaml',
        severity: 'error',
        message: e.message.split('\n')[0] ?? e.message,
        help: dup ? 'Remove or rename one of the duplicate keys.' : 'Fix the YAML syntax at this position.',
        file,
        range: file.rangeOf(e.pos[0], e.pos[1]),
        data: dup ? { code: e.code, key: keyAt(d, e.pos[0]) ?? '' } : { code: e.code },
      });
    }
  }
  if (list.length > 1) {
    const second = list[1]!;
    findings.push({
      ruleId: 'spec/yaml',
      messageId: 'multipleDocuments',
      severity: 'error',
      message: `cluster.yaml holds ${list.length} YAML documents; talium reads exactly one.`,
      help: 'Remove the `---` separator and the extra documents.',
      file,
      range: file.rangeOf(second.range[0], second.range[0]),
      data: { documents: list.length },
    });
  }
  const first = list[0];
  // a repeated key is no reason to stop: the value is read last-wins below and every other check runs
  if (findings.some((f) => f.ruleId !== 'spec/duplicate-key') || !first) {
    if (!first) {
      findings.push({ ruleId: 'spec/yaml', messageId: 'empty', severity: 'error', message: 'cluster.yaml is empty.', help: 'Describe the cluster (see schemas/cluster.schema.json).', file, range: file.rangeOf(0, 0) });
    }
    return { findings };
  }
  let value: unknown;
  try {
    value = first.toJS({ maxAliasCount: 100 });
  } catch (err) {
    findings.push({ ruleId: 'spec/yaml', messageId: 'alias', severity: 'error', message: (err as Error).message, help: 'Expand the aliases by hand.', file, range: file.rangeOf(0, 0) });
    return { findings };
  }
  const ast = new AstCache(file);
  (ast as unknown as { docs: Document.Parsed[] }).docs = list;
  const start = first.contents?.range?.[0] ?? first.range[0];
  const doc = new YamlDocument({ file, index: 0, value, docClass: 'cluster-spec', start, end: first.range[1], ast });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    findings.push({ ruleId: 'spec/schema', messageId: 'type', severity: 'error', message: 'cluster.yaml must be a mapping at the top level.', help: 'Start with `versions:`, `gitops:`, `lan:`, `nodes:` and `pools:` keys.', doc, data: { keyword: 'type', path: '(top level)', expected: 'object' } });
    return { findings };
  }
  return { doc, value, findings };
}

/** The text of the mapping key that starts at `offset` (where eemeli/yaml reports a duplicate). */
function keyAt(doc: Document.Parsed, offset: number): string | undefined {
  let key: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        key = String(pair.key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return key;
}
