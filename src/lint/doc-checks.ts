/**
 * Per-document checks that need no other document: schema validation (one validator per cluster group, as its
 * versions differ), `yaml/truthy` where no schema covers the document, and the `spec/*` checks of talium's own
 * clusters/<name>/cluster.yaml (the ones `generate` runs, so a spec `generate` rejects never lints clean). Returns positioned diagnostics, so it
 * runs the same on the main thread or in a worker (in parallel with the policy rules).
 * Files only talium reads (talium.config.yaml and its other names, cluster.yaml specs) get no `yaml/truthy`: talium
 * reads them as YAML 1.2, so `off` is the string "off" there (a severity), and a string where the schema wants a
 * boolean is a config/invalid or spec schema error at that value. The exception is cluster.yaml's `cilium.values`,
 * which talium writes into the Helm values as the strings it read: a plain `on` there becomes "on" for Helm.
 */
import { relative, sep } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import type { YamlDocument } from '../core/document.js';
import { toDiagnostic } from '../core/finding.js';
import { validateCiliumValuesText, type SchemaOptions } from '../schema/validate.js';
import { valuesFromTexts } from '../schema/values-text.js';
import { loadClusterSpec } from '../spec/load.js';
import { internalError } from './internal-error.js';
import type { LoadedFile } from './load-file.js';
import { loadSchemaModule, type SchemaValidatorLike } from './schema-hook.js';
import { mayHaveTruthy, specValuesTruthy, truthyFindings } from './yaml-truthy.js';
import { pushAll } from '../core/arrays.js';

/** One cluster group's share: its schema options (without crdDocs) and its documents to check. */
export interface GroupCheck {
  name: string;
  opts: Omit<SchemaOptions, 'crdDocs'>;
  docs: YamlDocument[];
  /** Every document's results came from the cache: build the validator only for its schema folder problems. */
  configOnly?: boolean;
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
    if (!g.docs.length && !(g.configOnly && g.opts.extraSchemaDirs?.length)) continue;
    let validator: SchemaValidatorLike;
    try {
      validator = await schema.createValidator({ ...g.opts, crdDocs: g.docs.length ? crdDocs : [] }, g.docs);
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
        // relative to the linted folder, as every other diagnostic's file (the validator reads absolute paths)
        file: g.opts.cwd ? relative(g.opts.cwd, e.file).split(sep).join('/') || '.' : e.file,
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
    const name = specName(f);
    if (!name || !f.docs.some((d) => checked.has(d))) continue;
    try {
      const spec = loadClusterSpec(f.source!.text, { name, displayPath: f.path });
      // YAML syntax and duplicate keys are the lint parser's findings already
      for (const x of spec.findings) if (x.ruleId !== 'spec/yaml' && x.ruleId !== 'spec/duplicate-key') out.push(toDiagnostic(x));
    } catch (err) {
      out.push(internalError(f.path, `checking the cluster spec ${f.path}`, err));
    }
  }
  for (const f of files) {
    if (!f.source || !f.docs.length) continue;
    // the fast reader saw every plain value of every document, and none is a YAML 1.1 boolean word
    if (f.docs.every((d) => d.noYaml11Words === true)) continue;
    if (!(f.truthyCandidate ?? mayHaveTruthy(f.source.text))) continue;
    // cluster.yaml is read by talium (YAML 1.2) except `cilium.values`, which goes to Helm as written
    const spec = specName(f) !== undefined;
    for (const d of f.docs) {
      if (!checked.has(d) || (covered.has(d) && !spec) || d.docClass === 'talium-config') continue;
      try {
        // the spec's schema/type findings are in `out` already (talium generate reports the same: cli/generate.ts)
        if (spec) pushAll(out, specValuesTruthy(d, out));
        else for (const t of truthyFindings(d)) out.push(toDiagnostic(t));
      } catch (err) {
        out.push(internalError(d.file.path, `checking YAML 1.1 booleans in ${d.file.path}`, err));
      }
    }
  }
  return out;
}

/**
 * Cilium values files in ConfigMaps/Secrets that a Flux HelmRelease of the cilium chart takes through
 * `spec.valuesFrom` (schema/values-text.ts), checked with the Cilium line of the group (the one its inline values
 * get). Whether a ConfigMap holds Cilium values depends on another file (the HelmRelease), so these results are
 * never stored with the ConfigMap's per-file check results (check-cache.ts): they are made on every run (few
 * documents, on the main thread). `groups[i].docs` are the whole group; only `reported` files get findings.
 */
export function checkValuesFrom(groups: ReadonlyArray<{ name: string; docs: readonly YamlDocument[]; ciliumVersion: string | undefined }>, reported: (file: string) => boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const g of groups) {
    let places: ReturnType<typeof valuesFromTexts>;
    try {
      places = valuesFromTexts(g.docs);
    } catch (err) {
      out.push(internalError('.', `finding the valuesFrom values of cluster "${g.name}"`, err));
      continue;
    }
    for (const p of places) {
      if (!reported(p.doc.file.path)) continue;
      try {
        for (const f of validateCiliumValuesText(p.doc, p.path, p.text, g.ciliumVersion)) out.push(toDiagnostic(f));
      } catch (err) {
        out.push(internalError(p.doc.file.path, `validating the Cilium values in ${p.doc.file.path}`, err));
      }
    }
  }
  return out;
}

const SPEC_PATH = /(?:^|\/)clusters\/([^/]+)\/cluster\.ya?ml$/;

/**
 * The cluster name when a file is talium's cluster.yaml: under clusters/<name>/, one document, and recognised as a
 * spec (or a mapping with the spec's schema modeline or its `lan:` key, so a spec with wrong types is still checked).
 */
function specName(f: LoadedFile): string | undefined {
  const m = SPEC_PATH.exec(f.path);
  if (!m || !f.source || f.docs.length !== 1) return undefined;
  const d = f.docs[0]!;
  if (d.docClass === 'cluster-spec') return m[1];
  const v = d.value;
  if (d.docClass !== 'other' || !v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  return f.source.text.includes('cluster.schema.json') || 'lan' in v ? m[1] : undefined;
}
