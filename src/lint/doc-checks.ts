/**
 * Per-document checks that need no other document: schema validation (one validator per cluster group, as its
 * versions differ) and `yaml/truthy` where no schema covers the document. Returns positioned diagnostics, so it
 * runs the same on the main thread or in a worker (in parallel with the policy rules).
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { YamlDocument } from '../core/document.js';
import { toDiagnostic } from '../core/finding.js';
import type { SchemaOptions } from '../schema/validate.js';
import { internalError } from './internal-error.js';
import type { LoadedFile } from './load-file.js';
import { loadSchemaModule, type SchemaValidatorLike } from './schema-hook.js';
import { mayHaveTruthy, truthyFindings } from './yaml-truthy.js';

/** One cluster group's share: its schema options (without crdDocs) and its documents to check. */
export interface GroupCheck {
  name: string;
  opts: Omit<SchemaOptions, 'crdDocs'>;
  docs: YamlDocument[];
}

/** `partialFiles`: files kustomizations use as patches; they are partial objects, so no `schema/required`. */
export async function checkDocuments(
  groups: readonly GroupCheck[],
  files: readonly LoadedFile[],
  crdDocs: readonly YamlDocument[],
  partialFiles: ReadonlySet<string> = new Set(),
): Promise<Diagnostic[]> {
  const schema = await loadSchemaModule();
  const out: Diagnostic[] = [];
  const covered = new Set<YamlDocument>();
  const configSeen = new Set<string>();
  for (const g of groups) {
    if (!g.docs.length) continue;
    let validator: SchemaValidatorLike;
    try {
      validator = await schema.createValidator({ ...g.opts, crdDocs }, g.docs);
    } catch (err) {
      out.push(internalError('.', `creating the schema validator for cluster "${g.name}"`, err));
      continue;
    }
    for (const e of validator.configErrors) {
      const key = `${e.file}|${e.message}`;
      if (configSeen.has(key)) continue;
      configSeen.add(key);
      out.push({
        ruleId: 'config/invalid',
        severity: 'error',
        message: `Schema folder: ${e.message}`,
        help: 'Fix or remove the schema file; `talium schemas import` writes valid ones.',
        file: e.file,
        range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
      });
    }
    for (const d of g.docs) {
      try {
        for (const f of validator.validate(d, { partial: partialFiles.has(d.file.path) })) out.push(toDiagnostic(f));
        if (validator.covers(d)) covered.add(d);
      } catch (err) {
        out.push(internalError(d.file.path, `validating ${d.file.path} against its schema`, err));
      }
    }
  }
  const checked = new Set<YamlDocument>(groups.flatMap((g) => g.docs));
  for (const f of files) {
    if (!f.source || !f.docs.length || !mayHaveTruthy(f.source.text)) continue;
    for (const d of f.docs) {
      if (!checked.has(d) || covered.has(d)) continue;
      try {
        for (const t of truthyFindings(d)) out.push(toDiagnostic(t));
      } catch (err) {
        out.push(internalError(d.file.path, `checking YAML 1.1 booleans in ${d.file.path}`, err));
      }
    }
  }
  return out;
}
