/**
 * Reads cluster.yaml text into one YamlDocument (positions on demand) plus `spec/yaml` findings for
 * syntax errors and extra documents, and `spec/duplicate-key` findings. Pure (text in, data out): the text is parsed
 * here unless the caller has its eemeli/yaml reading already (lint's AST of the file, the same options), which is
 * read and never changed.
 * A repeated key is reported and reading goes on with the last value winning, as Helm and Go's
 * sigs.k8s.io/yaml read a mapping (and eemeli/yaml's toJS), so the other checks still run.
 */
import type { Document } from 'yaml';
import { parseAllSkippingBoms } from '../lint/bom-skip.js';
import { secondBomFindings } from '../lint/go-stream.js';
import { duplicateKeyAt, markDuplicateKeys } from '../core/duplicate-key.js';
import { AstCache, YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import type { SourceFile } from '../core/source.js';

export interface ParsedSpec {
  doc?: YamlDocument;
  value?: unknown;
  findings: Finding[];
}

export function parseSpecText(file: SourceFile, parsed?: Document.Parsed[]): ParsedSpec {
  const findings: Finding[] = [];
  // duplicate keys: found in one pass (eemeli/yaml's uniqueKeys compares every pair of keys), after the parser's
  // errors. Lint hands over the AST it parsed (`parsed`); else the text is parsed here. A byte-order mark that
  // starts a later document (files concatenated) or follows the first `---` is skipped as the lint parser skips it
  // (lint/bom-skip.ts), so it is no key and no syntax error: a second document is the multipleDocuments finding
  // below, whatever it starts with
  const list: Document.Parsed[] = parsed ?? parseAllSkippingBoms(file.text, { uniqueKeys: false, prettyErrors: false });
  // any other BOM (a second one, one after a comment line or after the first line's `---`) is a stray character in
  // the text: said at its place, not as the odd key or scalar it would make
  for (const b of secondBomFindings(file)) {
    findings.push({ ...b, ruleId: 'spec/yaml', messageId: 'bom', message: 'A byte-order mark (U+FEFF) inside cluster.yaml, left from joining files: talium reads it as text.', help: 'Remove the byte-order mark.' });
  }
  const errors = list.map((d) => {
    const all = [...d.errors];
    markDuplicateKeys(d, 100, all);
    return all;
  });
  for (const [i, d] of list.entries()) {
    for (const e of errors[i]!) {
      const dup = e.code === 'DUPLICATE_KEY' ? duplicateKeyAt(d, e.pos[0]) : undefined;
      if (e.code === 'DUPLICATE_KEY') {
        findings.push({
          ruleId: 'spec/duplicate-key',
          severity: 'error',
          message: dup ? `Key "${dup.key}" appears twice in the same mapping.` : (e.message.split('\n')[0] ?? e.message),
          help: 'Remove or rename one of the two keys; talium reads the last one.',
          file,
          range: dup ? file.rangeOf(dup.at[0], dup.at[1]) : file.rangeOf(e.pos[0], e.pos[1]),
          data: { code: e.code, key: dup?.key ?? '' },
          ...(dup?.first ? { related: [{ file, range: file.rangeOf(dup.first[0], dup.first[1]), message: `first "${dup.key}" here` }] } : {}),
        });
        continue;
      }
      findings.push({
        ruleId: 'spec/yaml',
        severity: 'error',
        message: e.message.split('\n')[0] ?? e.message,
        help: 'Fix the YAML syntax at this position.',
        file,
        range: file.rangeOf(e.pos[0], e.pos[1]),
        data: { code: e.code },
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
  const ast = new AstCache(file, list);
  const start = first.contents?.range?.[0] ?? first.range[0];
  const doc = new YamlDocument({ file, index: 0, value, docClass: 'cluster-spec', start, end: first.range[1], ast });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    findings.push({ ruleId: 'spec/schema', messageId: 'type', severity: 'error', message: 'cluster.yaml must be a mapping at the top level.', help: 'Start with `versions:`, `gitops:`, `lan:`, `nodes:` and `pools:` keys.', doc, data: { keyword: 'type', path: '(top level)', expected: 'object' } });
    return { findings };
  }
  return { doc, value, findings };
}
