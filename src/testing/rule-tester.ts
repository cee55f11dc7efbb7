/**
 * Rule tests on in-memory repositories: parse + classify + plan + rules, then assert rule ids, message ids,
 * files and positions (never prose). Used by every rule test and by the meta-test on rule examples.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pushAll } from '../core/arrays.js';
import { uniqueSorted, type Diagnostic } from '../core/diagnostic.js';
import type { YamlDocument } from '../core/document.js';
import { toDiagnostic } from '../core/finding.js';
import { SourceFile } from '../core/source.js';
import { TEMPLATE_EXT } from '../lint/discover.js';
import { parseSource } from '../lint/parse.js';
import { runRules, treeFacts } from '../lint/run-rules.js';
import { buildClusterGroups } from '../plan/index.js';
import type { Rule } from '../rules/types.js';

/** Strip a common leading indent so fixtures can be written inline. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length);
  const min = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(min)).join('\n').replace(/\s*$/, '\n');
}

/** The files of a folder as `{ relative/posix/path: text }` (what parseRepo and lintRepo take); `only` filters names. */
export function readTree(dir: string, only: RegExp = /./): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (only.test(e.name)) files[path.relative(dir, p).split(path.sep).join('/')] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return files;
}

const SOURCE_IGNORE = /(^|\/)\.sourceignore$/;

export function parseRepo(files: Record<string, string>): YamlDocument[] {
  const docs: YamlDocument[] = [];
  for (const path of Object.keys(files).sort()) {
    pushAll(docs, parseSource(new SourceFile(path, files[path]!)).docs);
  }
  return docs;
}

/** Run the given rules on an in-memory repository; diagnostics sorted. `partialTree`: as a run over some paths only. */
export function lintRepo(files: Record<string, string>, rules: readonly Rule[], opts: { partialTree?: boolean } = {}): Diagnostic[] {
  // YAML templates (`*.yaml.j2`...) are found, not read, as discovery does
  const templates = Object.keys(files).filter((p) => TEMPLATE_EXT.test(p)).sort();
  // `.sourceignore` files are found, not parsed, as discovery does
  const ignores = Object.keys(files).filter((p) => SOURCE_IGNORE.test(p)).sort();
  const yamlFiles = templates.length || ignores.length ? Object.fromEntries(Object.entries(files).filter(([p]) => !TEMPLATE_EXT.test(p) && !SOURCE_IGNORE.test(p))) : files;
  const docs = parseRepo(yamlFiles);
  const groups = buildClusterGroups(docs);
  const tree = treeFacts(Object.keys(files).filter((p) => !SOURCE_IGNORE.test(p)), [], templates);
  if (ignores.length) tree.sourceIgnores = ignores.map((p) => ({ dir: p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '', text: files[p]! }));
  // as the engine reports them: the same finding from two cluster groups (a shared base) once
  return uniqueSorted(runRules(rules, groups, docs, {}, { tree, ...(opts.partialTree ? { partialTree: true } : {}) }).map(toDiagnostic));
}

export interface ExpectedError {
  messageId?: string;
  file?: string;
  line: number;
  column: number;
  data?: Record<string, string | number | boolean>;
}

export interface RuleCases {
  valid: Array<Record<string, string>>;
  invalid: Array<{ files: Record<string, string>; errors: ExpectedError[] }>;
}

/** ESLint-style table test for one rule: valid repos give nothing; invalid repos give exactly `errors`. */
export function ruleTester(rule: Rule, cases: RuleCases): void {
  for (const files of cases.valid) {
    const got = lintRepo(files, [rule]);
    assert.deepEqual(got.map(brief), [], `${rule.meta.id}: expected no findings for ${Object.keys(files).join(', ')}`);
  }
  for (const c of cases.invalid) {
    const got = lintRepo(c.files, [rule]);
    assert.equal(got.length, c.errors.length, `${rule.meta.id}: expected ${c.errors.length} findings, got ${JSON.stringify(got.map(brief))}`);
    c.errors.forEach((e, i) => {
      const d = got[i]!;
      assert.equal(d.ruleId, rule.meta.id);
      if (e.messageId) assert.equal(d.messageId, e.messageId);
      if (e.file) assert.equal(d.file, e.file);
      assert.deepEqual([d.range.start.line, d.range.start.column], [e.line, e.column], `${rule.meta.id} finding ${i} position`);
      if (e.data) for (const [k, v] of Object.entries(e.data)) assert.equal(d.data?.[k], v, `${rule.meta.id} data.${k}`);
    });
  }
}

function brief(d: Diagnostic): string {
  return `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}/${d.messageId ?? ''}`;
}
