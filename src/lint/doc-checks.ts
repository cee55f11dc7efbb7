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
import { validateCiliumValuesText, type SchemaOptions, type ValidateOptions } from '../schema/validate.js';
import { valuesFromTexts } from '../schema/values-text.js';
import { loadClusterSpec } from '../spec/load.js';
import { CLUSTER_SCHEMA } from '../spec/schema.js';
import { internalError } from './internal-error.js';
import { specClusterName } from './classify.js';
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
  // whether a schema covers a document matters only to yaml/truthy, which looks only at files that may hold a YAML
  // 1.1 boolean word (truthyFiles): the others' documents are not asked
  const truthy = truthyFiles(files);
  const covered = new Set<YamlDocument>();
  const configSeen = new Set<string>();
  const whole: ValidateOptions = {};
  const partial: ValidateOptions = { partial: true };
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
    const docs = g.docs;
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i]!;
      try {
        const found = validator.validate(d, partialFiles.size && partialFiles.has(d.file.path) ? partial : whole);
        for (let k = 0; k < found.length; k++) out.push(toDiagnostic(found[k]!));
        if (truthy.docs.has(d) && validator.covers(d)) covered.add(d);
      } catch (err) {
        out.push(internalError(d.file.path, `validating ${d.file.path} against its schema`, err));
      }
    }
  }
  // the documents some group checked (a 6,400-entry set at 2,000 files: made only when a cluster spec or a file
  // yaml/truthy looks at asks)
  let checkedSet: Set<YamlDocument> | undefined;
  const checked = (d: YamlDocument): boolean => (checkedSet ??= new Set<YamlDocument>(groups.flatMap((g) => g.docs))).has(d);
  for (const f of files) {
    const name = specName(f);
    if (!name || !f.docs.some(checked)) continue;
    try {
      // the linted reading is handed on: the spec loader reads the file's AST (the one lint's positions come from,
      // parsed once) instead of parsing the text again
      const parsed = f.docs[0]?.fileAst();
      const spec = loadClusterSpec(f.source!, { name, displayPath: f.path, ...(parsed ? { parsed } : {}) });
      // YAML syntax and duplicate keys are the lint parser's findings already (when it found any: where it accepts
      // what talium's spec reader rejects, spec/yaml says so); several documents are no parser finding
      const parserSaid = f.diagnostics.some((d) => d.severity === 'error');
      for (const x of spec.findings) {
        if (x.ruleId === 'spec/duplicate-key' || (x.ruleId === 'spec/yaml' && x.messageId !== 'multipleDocuments' && parserSaid)) continue;
        out.push(toDiagnostic(x));
      }
    } catch (err) {
      out.push(internalError(f.path, `checking the cluster spec ${f.path}`, err));
    }
  }
  for (const f of files) {
    if (!truthy.files.has(f)) continue;
    // cluster.yaml is read by talium (YAML 1.2) except `cilium.values`, which goes to Helm as written
    const spec = specName(f) !== undefined;
    for (const d of f.docs) {
      if (!checked(d) || (covered.has(d) && !spec) || d.docClass === 'talium-config') continue;
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
 * The files yaml/truthy looks at: those with documents and a source where some plain value may be a YAML 1.1 boolean
 * word (the fast reader saw every plain value of a document it read, and notes when none is one).
 */
function truthyFiles(files: readonly LoadedFile[]): { files: Set<LoadedFile>; docs: Set<YamlDocument> } {
  const out = { files: new Set<LoadedFile>(), docs: new Set<YamlDocument>() };
  for (const f of files) {
    if (!f.source || !f.docs.length) continue;
    if (f.docs.every((d) => d.noYaml11Words === true)) continue;
    if (!(f.truthyCandidate ?? mayHaveTruthy(f.source.text))) continue;
    out.files.add(f);
    for (const d of f.docs) out.docs.add(d);
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

/** Top-level keys of talium's cluster.yaml (spec/schema.ts) that other tools' cluster.yaml files (RKE's `nodes:`) lack. */
const SPEC_KEYS = ['lan', 'gitops', 'pools'];
/** Every top-level key talium's cluster.yaml may have (spec/schema.ts CLUSTER_SCHEMA), and its modeline's `$schema`. */
const ALL_SPEC_KEYS = new Set([...Object.keys(CLUSTER_SCHEMA.properties), '$schema']);
/** Of those, the keys no other tool's cluster.yaml has at the top (RKE's has `nodes`, `cluster_name`, `network`...). */
const OWN_KEYS = ['versions', 'cilium'];

/**
 * The cluster name when a file is talium's cluster.yaml: under clusters/<name>/, one document, and recognised as a
 * spec; or a mapping with the spec's schema modeline or one of its own top-level keys (`lan:`, `gitops:`, `pools:`), or a
 * document that is no mapping at all (a scalar, a list), so a spec with wrong types or a broken top level is still
 * checked (`generate` reads every clusters/<name>/cluster.yaml as a spec and rejects these). A spec begun without
 * those keys (`versions:` and `nodes:` only, a new cluster) is talium's too when every top-level key is one of the
 * spec's and `versions:` or `cilium:` is among them: `generate` reads it, so lint checks it as generate would.
 */
function specName(f: LoadedFile): string | undefined {
  const name = specClusterName(f.path);
  if (name === undefined || !f.source || !f.docs.length) return undefined;
  // a stray `---` makes several documents (spec/yaml multipleDocuments) when one of them is the spec
  if (f.docs.length > 1) return f.docs.some((d) => d.docClass === 'cluster-spec' || (d.docClass === 'other' && specShaped(d.value))) ? name : undefined;
  const d = f.docs[0]!;
  if (d.docClass === 'cluster-spec') return name;
  const v = d.value;
  if (d.docClass !== 'other') return undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return name;
  return f.source.text.includes('cluster.schema.json') || specShaped(v) ? name : undefined;
}

const specShaped = (v: unknown): boolean => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  if (SPEC_KEYS.some((k) => k in v)) return true;
  const keys = Object.keys(v);
  return OWN_KEYS.some((k) => k in v) && keys.every((k) => ALL_SPEC_KEYS.has(k));
};

/**
 * What lint reports for a clusters/<name>/cluster.yaml the per-document checks never see, in place of the file's own
 * parser findings; undefined for every other file. Two cases, both rejected by `generate`: a file with no document at
 * all (empty, only comments: spec/yaml "empty"), and a spec the lint parser set aside as a template (`{{ }}`, `{% %}`
 * with a YAML error): talium reads cluster.yaml itself and renders no template, so it is checked as it is (spec/yaml
 * at the syntax error). Runs on the main thread: such a file has no document to give a worker.
 */
export function specFileDiagnostics(f: LoadedFile): Diagnostic[] | undefined {
  const name = specClusterName(f.path);
  if (name === undefined || !f.source || f.docs.length) return undefined;
  const templated = f.skipped && f.diagnostics.length > 0 && f.diagnostics.every((d) => d.ruleId === 'yaml/templated');
  if (templated ? !(f.source.text.includes('cluster.schema.json') || /^(?:lan|gitops|pools):/m.test(f.source.text)) : f.skipped || f.diagnostics.some((d) => d.severity === 'error')) return undefined;
  try {
    const findings = loadClusterSpec(f.source, { name, displayPath: f.path }).findings.map(toDiagnostic);
    return templated ? findings : [...f.diagnostics, ...findings];
  } catch (err) {
    return [...f.diagnostics, internalError(f.path, `checking the cluster spec ${f.path}`, err)];
  }
}
