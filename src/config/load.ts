/**
 * Loads and validates talium.config.yaml (and the `lint:` sections of clusters/<name>/cluster.yaml) against
 * schemas/talium.config.schema.json. Problems become `config/*` diagnostics with positions; never throws on bad input.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { sha1 } from '../core/builtins.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { Path, YamlDocument } from '../core/document.js';
import { resolvePlace, toDiagnostic, type Finding } from '../core/finding.js';
import { SourceFile } from '../core/source.js';
import { DEFAULT_MAX_FILE_SIZE } from '../lint/guard.js';
import { parseSource } from '../lint/parse.js';
import type { PlanOverrides } from '../plan/types.js';
import { precompiledValidator } from '../schema/precompiled.js';
import { suggest as nearestName } from '../core/suggest.js';
import { checkPlanFacts } from './check-plan.js';
import { foldForms, formsText } from './schema-forms.js';
import type { ExcludeSite, LintConfig, RuleSetting, ScopedLint } from './types.js';

/** Names of the repository config, in lookup order (the dotfile form keeps a repository's top level clean). */
export const CONFIG_NAMES = ['talium.config.yaml', 'talium.config.yml', '.talium.yaml', '.talium.yml'];

/** The JSON Schema file shipped with the package (dist/src/config → repo root; also works from other outDirs). */
export function configSchemaPath(): string {
  const candidates = ['../../../schemas/talium.config.schema.json', '../../schemas/talium.config.schema.json'];
  const paths = candidates.map((c) => fileURLToPath(new URL(c, import.meta.url)));
  return paths.find((p) => existsSync(p)) ?? paths[0]!;
}

export interface ConfigLoad {
  config: LintConfig;
  diagnostics: Diagnostic[];
  /** A fatal problem (config file named on the command line missing): usage error. */
  fatal?: string;
}

/** The ajv options of the config validators (the build precompiles them with the same: scripts/precompile-schemas.ts). */
export const CONFIG_AJV_OPTIONS = { allErrors: true, strict: false } as const;
/** Their keys among the precompiled validators: the whole file, and a cluster.yaml `lint:` section. */
export const CONFIG_VALIDATOR_KEYS = { root: 'config|root', cluster: 'config|cluster' } as const;

/** Both validators from one ajv instance: the config file's schema and its `lint:` section definition. */
export function compileConfigValidators(ajv: Ajv, schema: Record<string, unknown>): { root: ValidateFunction; cluster: ValidateFunction } {
  ajv.addSchema(schema, 'talium.config');
  return { root: ajv.getSchema('talium.config')!, cluster: ajv.compile({ $ref: 'talium.config#/definitions/clusterLint' }) };
}

let compiled: { root: ValidateFunction; cluster: ValidateFunction } | undefined;
/** Compiled by the build when they can be (saves compiling the schema and ajv's meta-schema on every run), else here. */
function validators(): { root: ValidateFunction; cluster: ValidateFunction } {
  if (!compiled) {
    const root = precompiledValidator(CONFIG_VALIDATOR_KEYS.root);
    const cluster = precompiledValidator(CONFIG_VALIDATOR_KEYS.cluster);
    compiled = root && cluster ? { root, cluster } : compileConfigValidators(new Ajv({ ...CONFIG_AJV_OPTIONS }), JSON.parse(readFileSync(configSchemaPath(), 'utf8')) as Record<string, unknown>);
  }
  return compiled;
}

export function defaultConfig(): LintConfig {
  return { rules: {}, exclude: [], maxFileSize: DEFAULT_MAX_FILE_SIZE, schemaDirs: [], scoped: [] };
}

const UNITS: Record<string, number> = { B: 1, KB: 1e3, KIB: 1024, MB: 1e6, MIB: 1024 ** 2, GB: 1e9, GIB: 1024 ** 3 };
export function parseSize(v: number | string): number {
  if (typeof v === 'number') return v;
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)$/.exec(v.trim());
  if (!m) return NaN;
  return Math.round(Number(m[1]) * (UNITS[(m[2] || 'B').toUpperCase()] ?? NaN));
}

/** JSON pointer → path segments. */
function pointerPath(ptr: string): Path {
  if (!ptr) return [];
  return ptr
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

type JsonSchemaNode = { $ref?: string; properties?: Record<string, JsonSchemaNode>; items?: JsonSchemaNode; oneOf?: JsonSchemaNode[]; anyOf?: JsonSchemaNode[] };
let configSchema: { definitions?: Record<string, JsonSchemaNode> } & JsonSchemaNode | undefined;

/** schemas/talium.config.schema.json, read once when a finding needs it (undefined when it cannot be read). */
function readConfigSchema(): typeof configSchema {
  try {
    configSchema ??= JSON.parse(readFileSync(configSchemaPath(), 'utf8')) as typeof configSchema;
  } catch {
    return undefined;
  }
  return configSchema;
}

/**
 * The keys the configuration schema allows at `path` below `root` (the file's schema, or a cluster.yaml `lint:`
 * section's definition), following local `$ref`s, list items and `oneOf`/`anyOf` branches: the candidates of an
 * unknown key's "did you mean". Read from schemas/talium.config.schema.json only when a key is unknown.
 */
function allowedKeys(root: 'root' | 'cluster', path: Path): string[] {
  const schema = readConfigSchema();
  if (!schema) return [];
  const deref = (n: JsonSchemaNode | undefined): JsonSchemaNode | undefined => {
    for (let i = 0; n?.$ref && i < 8; i++) n = schema.definitions?.[n.$ref.replace(/^#\/definitions\//, '')];
    return n;
  };
  let nodes: JsonSchemaNode[] = [deref(root === 'root' ? schema : { $ref: '#/definitions/clusterLint' })!].filter(Boolean);
  const expand = (list: JsonSchemaNode[]): JsonSchemaNode[] => list.flatMap((n) => [n, ...expand([...(n.oneOf ?? []), ...(n.anyOf ?? [])].map(deref).filter((x): x is JsonSchemaNode => !!x))]);
  for (const seg of path) {
    nodes = expand(nodes)
      .map((n) => deref(typeof seg === 'number' ? n.items : n.properties?.[seg]))
      .filter((x): x is JsonSchemaNode => !!x);
  }
  return [...new Set(expand(nodes).flatMap((n) => Object.keys(n.properties ?? {})))].sort();
}

function schemaFindings(doc: YamlDocument, errors: readonly ErrorObject[] | null | undefined, base: Path, root: 'root' | 'cluster' = 'root'): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  // a value that fails every branch of a oneOf/anyOf is one finding naming the accepted forms, not one per branch
  const folded = foldForms(errors ?? [], readConfigSchema(), doc.get(base));
  for (const f of folded.failures) {
    const path = [...base, ...pointerPath(f.instancePath)];
    const where = path.join('.') || '(root)';
    const value = doc.get(path);
    const got = value === undefined || (typeof value === 'object' && value !== null) ? (Array.isArray(value) ? ' (got a list)' : value ? ' (got a mapping)' : '') : ` (got ${JSON.stringify(value)})`;
    seen.add(`${where}|${f.keyword}`);
    out.push({
      ruleId: 'config/invalid',
      severity: 'error',
      message: `${where}: must be ${formsText(f.forms)}${got}.`,
      help: `Write ${where} in one of the accepted forms: ${f.forms.join('; ')}.`,
      doc,
      path,
      data: { path: where, keyword: f.keyword, forms: f.forms.join(' | ') },
    });
  }
  for (const e of folded.errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
    let path = [...base, ...pointerPath(e.instancePath)];
    let key = false;
    let what = e.message ?? 'is invalid';
    const p = e.params as Record<string, unknown>;
    let suggestion: string | undefined;
    if (e.keyword === 'additionalProperties' && typeof p['additionalProperty'] === 'string') {
      path = [...path, p['additionalProperty']];
      key = true;
      suggestion = nearestName(p['additionalProperty'], allowedKeys(root, pointerPath(e.instancePath)), { transpositions: true });
      what = `unknown key "${p['additionalProperty']}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`;
    } else if (e.keyword === 'propertyNames' || e.propertyName !== undefined) {
      // a property name's own failure (ajv puts the name on the error): reported once, at the key, below
      continue;
    } else if (e.keyword === 'enum') {
      what = `must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const where = path.join('.') || '(root)';
    const sig = `${where}|${what}`;
    if (seen.has(sig)) continue;
    seen.add(sig);
    out.push({
      ruleId: 'config/invalid',
      severity: 'error',
      message: `${where}: ${what}${what.endsWith('?') ? '' : '.'}`,
      help: suggestion ? `Write "${suggestion}", or remove the key.` : 'Fix the configuration value as the message says; schemas/talium.config.schema.json documents every key.',
      doc,
      path,
      key,
      data: suggestion ? { path: where, keyword: e.keyword, suggestion } : { path: where, keyword: e.keyword },
    });
  }
  // propertyNames failures: report the bad key itself
  for (const e of errors ?? []) {
    const p = e.params as Record<string, unknown>;
    if (e.keyword !== 'propertyNames') continue;
    const name = String(p['propertyName']);
    const path = [...base, ...pointerPath(e.instancePath), name];
    out.push({
      ruleId: 'config/invalid',
      severity: 'error',
      message: `${path.join('.')}: "${name}" is not a rule id (<domain>/<name>).`,
      help: 'Use an id listed by `talium rules`.',
      doc,
      path,
      key: true,
      data: { path: path.join('.'), keyword: 'propertyNames' },
    });
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownRules(doc: YamlDocument, rules: Record<string, unknown>, base: Path, known: (id: string) => boolean, suggest?: (id: string) => string | undefined): Finding[] {
  return Object.keys(rules)
    .filter((id) => /^[a-z0-9-]+\/[a-z0-9-]+$/.test(id) && !known(id))
    .map((id): Finding => {
      const near = suggest?.(id);
      return {
        ruleId: 'config/unknown-rule',
        severity: 'warning' as const,
        message: near ? `Rule "${id}" does not exist; did you mean "${near}"?` : `Rule "${id}" does not exist.`,
        help: near ? `Write "${near}", or remove the entry.` : 'Use an id listed by `talium rules`, or remove the entry.',
        doc,
        path: [...base, 'rules', id],
        key: true,
        data: near ? { rule: id, suggestion: near } : { rule: id },
      };
    });
}

/** The positions of the `count` patterns of the exclude list at `path`. */
function excludeSites(doc: YamlDocument, path: Path, count: number): ExcludeSite[] {
  return Array.from({ length: count }, (_, i) => resolvePlace({ doc, path: [...path, i] }));
}

function readDoc(abs: string, relPath: string): { doc?: YamlDocument; findings: Finding[]; text: string } {
  const text = readFileSync(abs, 'utf8');
  // talium's configuration whatever its name (--config ci/lint.yaml): read as YAML 1.2, its plan facts written facts
  const parsed = parseSource(new SourceFile(relPath, text), { yaml12: true });
  for (const d of parsed.docs) d.docClass = 'talium-config';
  const findings = [...parsed.findings];
  // talium reads the first document only: a second one (a stray `---`) would be silently ignored
  for (const extra of parsed.docs.slice(1)) {
    findings.push({
      ruleId: 'config/invalid',
      severity: 'error',
      message: 'The configuration is one YAML document; talium ignores this one.',
      help: 'Merge its keys into the first document and remove the `---` line.',
      doc: extra,
      path: [],
      data: { path: '(document)', keyword: 'documents' },
    });
  }
  return { doc: parsed.docs[0], findings, text };
}

/**
 * Load the repository config (`explicit` = --config path) and the cluster.yaml `lint:` sections under
 * `clusters/`. `known` tells whether a rule id exists; `suggest` gives the nearest one for a misspelt id.
 */
export function loadConfig(
  cwd: string,
  explicit: string | undefined,
  known: (id: string) => boolean,
  suggest?: (id: string) => string | undefined,
  /** Files that will not be in the commit (--ignore-untracked): a configuration or cluster.yaml so is not read. */
  untracked?: (abs: string) => boolean,
): ConfigLoad {
  const config = defaultConfig();
  const findings: Finding[] = [];
  let abs: string | undefined;
  if (explicit) {
    abs = resolve(cwd, explicit);
    if (!existsSync(abs)) return { config, diagnostics: [], fatal: `config file "${explicit}" not found` };
  } else {
    // (a --config file is read even when untracked, as a file named on the command line is)
    abs = CONFIG_NAMES.map((n) => join(cwd, n)).find((p) => existsSync(p) && !untracked?.(p));
  }
  if (abs) {
    const relPath = relative(cwd, abs).split('\\').join('/');
    if (statSync(abs).isDirectory()) return { config, diagnostics: [], fatal: `config file "${explicit ?? relPath}" is a folder` };
    config.file = relPath;
    const { doc, findings: yamlFindings, text } = readDoc(abs, relPath);
    config.fileSha1 = sha1(text);
    findings.push(...yamlFindings);
    if (doc) {
      const v = validators().root;
      if (!v(doc.value)) {
        const bad = schemaFindings(doc, v.errors, []);
        findings.push(...bad);
        // what the schema cannot say is still checked, so one mistake does not hide the next (a misspelt key and a
        // /33 LAN in one run): unknown rule ids, and plan facts where the schema found nothing wrong at that key
        const c: Record<string, unknown> = isPlainObject(doc.value) ? doc.value : {};
        if (isPlainObject(c['rules'])) findings.push(...unknownRules(doc, c['rules'], [], known, suggest));
        if (isPlainObject(c['plan'])) {
          const badAt = bad.map((f) => (f.path ?? []).join('\u0000'));
          const under = (p: Path): boolean => badAt.some((b) => { const q = p.join('\u0000'); return q === b || q.startsWith(b + '\u0000') || b.startsWith(q + '\u0000'); });
          findings.push(...checkPlanFacts(doc, c['plan']).filter((f) => !under(f.path ?? [])));
        }
      } else {
        const c = doc.value as {
          rules?: Record<string, RuleSetting>;
          exclude?: string[];
          maxFileSize?: number | string;
          plan?: PlanOverrides;
          schemas?: { dirs?: string[]; unknownKind?: RuleSetting };
        };
        config.rules = { ...(c.rules ?? {}) };
        config.exclude = [...(c.exclude ?? [])];
        if (c.exclude?.length) config.excludeSites = excludeSites(doc, ['exclude'], c.exclude.length);
        if (c.maxFileSize !== undefined) {
          const size = parseSize(c.maxFileSize);
          if (Number.isFinite(size) && size > 0) config.maxFileSize = size;
          else
            findings.push({
              ruleId: 'config/invalid',
              severity: 'error',
              message: `maxFileSize: "${c.maxFileSize}" is not a size.`,
              help: 'Write a number of bytes or a size such as "32MiB".',
              doc,
              path: ['maxFileSize'],
              data: { path: 'maxFileSize', keyword: 'format' },
            });
        }
        if (c.plan) {
          config.plan = { values: c.plan, doc };
          findings.push(...checkPlanFacts(doc, c.plan as unknown as Record<string, unknown>));
        }
        config.schemaDirs = schemaDirs(cwd, doc, c.schemas?.dirs ?? [], findings);
        if (c.schemas?.unknownKind) config.unknownKindSeverity = c.schemas.unknownKind;
        // two settings of one severity: `rules:` wins (it applies to every rule's findings), so a different
        // schemas.unknownKind would silently do nothing
        const ruleSetting = c.rules?.['schema/unknown-kind'];
        if (c.schemas?.unknownKind && ruleSetting && ruleSetting !== c.schemas.unknownKind)
          findings.push({
            ruleId: 'config/invalid',
            severity: 'warning',
            message: `schemas.unknownKind: "${c.schemas.unknownKind}" has no effect: rules: schema/unknown-kind: "${ruleSetting}" sets the same severity and wins.`,
            help: 'Keep one of the two settings: rules: { schema/unknown-kind: ... } or schemas.unknownKind.',
            doc,
            path: ['schemas', 'unknownKind'],
            data: { path: 'schemas.unknownKind', keyword: 'conflict', value: c.schemas.unknownKind, rule: ruleSetting },
          });
        findings.push(...unknownRules(doc, c.rules ?? {}, [], known, suggest));
      }
    }
  }
  const scoped = loadClusterSections(cwd, known, findings, suggest, untracked);
  config.scoped = scoped;
  return { config, diagnostics: findings.map(toDiagnostic) };
}

/**
 * The `schemas.dirs` entries that are folders. One that is missing or not a folder is a config/invalid error at the
 * entry itself (the configuration's line and column), not at the folder's path, and is left out of the schema folders.
 * Relative entries are relative to `cwd` (the repository root), as the schema validator reads them.
 */
function schemaDirs(cwd: string, doc: YamlDocument, dirs: readonly string[], findings: Finding[]): string[] {
  const out: string[] = [];
  dirs.forEach((dir, i) => {
    let problem: 'missing' | 'not-a-folder' | undefined;
    try {
      if (!statSync(resolve(cwd, dir)).isDirectory()) problem = 'not-a-folder';
    } catch {
      problem = 'missing';
    }
    if (!problem) {
      out.push(dir);
      return;
    }
    findings.push({
      ruleId: 'config/invalid',
      severity: 'error',
      message: problem === 'missing' ? `schemas.dirs: folder "${dir}" does not exist.` : `schemas.dirs: "${dir}" is not a folder.`,
      help: 'Write the path of a folder of JSON schemas (relative to the repository root), or remove the entry.',
      doc,
      path: ['schemas', 'dirs', i],
      data: { path: `schemas.dirs[${i}]`, keyword: 'folder', folder: dir, problem },
    });
  });
  return out;
}

/** `lint:` sections of clusters/<name>/cluster.yaml. */
function loadClusterSections(cwd: string, known: (id: string) => boolean, findings: Finding[], suggest?: (id: string) => string | undefined, untracked?: (abs: string) => boolean): ScopedLint[] {
  const out: ScopedLint[] = [];
  let names: string[];
  try {
    names = readdirSync(join(cwd, 'clusters')).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const abs = join(cwd, 'clusters', name, 'cluster.yaml');
    if (!existsSync(abs) || untracked?.(abs)) continue;
    const relPath = `clusters/${name}/cluster.yaml`;
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch {
      continue;
    }
    if (!/^lint:/m.test(text)) continue;
    const parsed = parseSource(new SourceFile(relPath, text), { yaml12: true });
    const doc = parsed.docs[0];
    const section = doc?.get(['lint']);
    if (!doc || section === undefined) continue;
    const v = validators().cluster;
    if (!v(section)) {
      findings.push(...schemaFindings(doc, v.errors, ['lint'], 'cluster'));
      // unknown rule ids are still said, so one mistake does not hide the next
      const r = (section as { rules?: unknown } | null)?.rules;
      if (isPlainObject(r)) findings.push(...unknownRules(doc, r, ['lint'], known, suggest));
      continue;
    }
    const s = section as { rules?: Record<string, RuleSetting>; exclude?: string[] };
    findings.push(...unknownRules(doc, s.rules ?? {}, ['lint'], known, suggest));
    const scope: ScopedLint = { dir: `clusters/${name}`, rules: { ...(s.rules ?? {}) }, exclude: [...(s.exclude ?? [])] };
    if (s.exclude?.length) scope.excludeSites = excludeSites(doc, ['lint', 'exclude'], s.exclude.length);
    out.push(scope);
  }
  return out;
}
