/**
 * Parses one source file into YamlDocuments plus `yaml/*` findings (syntax errors, duplicate keys).
 * (Baseline implementation on eemeli/yaml; the lint engine may add a faster path behind the same signature.)
 */
import { parseAllDocuments, type Document } from 'yaml';
import { AstCache, YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import type { SourceFile } from '../core/source.js';
import { classify } from './classify.js';

export interface ParsedFile {
  docs: YamlDocument[];
  findings: Finding[];
}

const TEMPLATE_RE = /\{\{|\{%|#\{|#%|\$\{[A-Za-z_]/;

export function parseSource(file: SourceFile): ParsedFile {
  const findings: Finding[] = [];
  const parsed = parseAllDocuments(file.text, { uniqueKeys: true, prettyErrors: false }) as unknown as Document.Parsed[] | { errors: unknown[] };
  const list: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  const ast = new AstCache(file);
  (ast as unknown as { docs: Document.Parsed[] }).docs = list;
  const templated = TEMPLATE_RE.test(file.text);
  const docs: YamlDocument[] = [];
  list.forEach((d, index) => {
    for (const e of d.errors) {
      const dup = e.code === 'DUPLICATE_KEY';
      findings.push({
        ruleId: dup ? 'yaml/duplicate-key' : 'yaml/syntax',
        severity: 'error',
        message: e.message.split('\n')[0] ?? e.message,
        help: dup ? 'Remove or rename one of the duplicate keys; Kubernetes keeps only one of them.' : 'Fix the YAML syntax at this position.',
        file,
        range: file.rangeOf(e.pos[0], e.pos[1]),
        data: { code: e.code },
      });
    }
    if (d.errors.length) return;
    let value: unknown;
    try {
      value = d.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      findings.push({
        ruleId: 'yaml/alias-bomb',
        severity: 'error',
        message: (err as Error).message,
        help: 'Expand aliases by hand or reduce their nesting; this document expands to too many nodes.',
        file,
        range: file.rangeOf(d.range[0], d.range[0]),
      });
      return;
    }
    if (value === null || value === undefined) return;
    const start = d.contents?.range?.[0] ?? d.range[0];
    docs.push(new YamlDocument({ file, index, value, docClass: classify(value, file.path), start, end: d.range[1], ast, templated }));
  });
  return { docs, findings };
}
