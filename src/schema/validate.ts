/**
 * The schema validation contract the lint engine calls: `createSchemaValidator(opts)` → `validate(doc)` per
 * document (k8s objects, kustomizations, Talos configs/documents, Cilium Helm values), findings under `schema/`.
 * Kind lookup first, validators compiled lazily per (schema, version) and cached; positions resolved later.
 */
import { isSopsDocument, isSopsValue } from '../core/sops.js';
import { argoSourcePaths, isObj } from '../plan/util.js';
import { resolve } from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { Severity } from '../core/diagnostic.js';
import { get as getPath, type Path, type YamlDocument } from '../core/document.js';
import type { Finding, FindingFix } from '../core/finding.js';
import { ajvIssues, pathText, toFinding, unknownFieldHelp, unknownFieldIssue, type Consumer, type RawIssue } from './errors.js';
import { SchemaRegistry, type UserSchema } from './registry.js';
import { StrictShapes } from './strict-keys.js';
import { isCrdModelGroup, type ModelEntry } from './k8s-models.js';
import { CILIUM_GROUP, CILIUM_MANAGED_KINDS } from '../data/cilium.js';
import { CILIUM_LINES, ciliumLine, ciliumLines, k8sRemovedIn, parseMinor, talosLine, HELM_VALUES_FILE, KUSTOMIZATION_FILE, TALOS_CONFIG_FILE, TALOS_DOCS_FILE, type CiliumLine, type TalosLine } from './versions.js';
import { crdToSchemas } from './crd.js';
import { readSchemaFolder } from './schema-files.js';
import { replaceAt, yaml11Boolean, yaml11Candidates } from './yaml11.js';
import { stringMapLeaf } from './string-maps.js';
import { TALOS_DOCUMENT_KINDS, TALOS_KNOWN_UNMODELED } from './talos-kinds.js';
import { checkValuesText, ciliumValuesTextPaths, isCiliumFluxRelease } from './values-text.js';
import { lineAwareValuesCheck } from './values-lines.js';
import { pushAll } from '../core/arrays.js';

export { SCHEMA_RULES } from './rules.js';

export interface SchemaOptions {
  /** Cilium version in force for this cluster group ('1.20', '1.18.4'; undefined = newest). */
  ciliumVersion?: string;
  talosVersion?: string;
  kubernetesVersion?: string;
  /** User folders of JSON Schemas (e.g. produced by `talium schemas import`). */
  extraSchemaDirs?: readonly string[];
  /** CustomResourceDefinition documents found in the linted repo → schemas. */
  crdDocs?: readonly YamlDocument[];
  /** Severity of `schema/unknown-kind` (default 'warning'). */
  unknownKindSeverity?: Severity | 'off';
  /** Base folder for relative extraSchemaDirs (default: the process cwd). */
  cwd?: string;
}

export interface SchemaConfigError {
  file: string;
  message: string;
}

export interface ValidateOptions {
  /**
   * The document is a partial object (a kustomize strategic-merge patch, a Talos patch target): missing
   * required fields are not reported.
   */
  partial?: boolean;
}

export interface SchemaValidator {
  validate(doc: YamlDocument, opts?: ValidateOptions): Finding[];
  /** Cilium Helm values at `valuesPath` of `doc` (HelmRelease spec.values, Argo valuesObject, a values file: []). */
  validateCiliumValues(doc: YamlDocument, valuesPath: Path): Finding[];
  /**
   * Cilium Helm values written as YAML text: the string at `path` of `doc` (an Argo CD `helm.values`, a
   * ConfigMap's values file); `text` when it differs from the string (a Secret's base64 `data`). values-text.ts.
   */
  validateCiliumValuesText(doc: YamlDocument, path: Path, text?: string): Finding[];
  /**
   * Optional warm-up: load the precompiled validators (kubernetes-models, Flux, Argo CD) these documents need.
   * `validate` loads them synchronously on first use anyway; this only moves the cost earlier.
   */
  preload(docs: Iterable<YamlDocument>): Promise<void>;
  /** True when a schema covers the document (its findings are complete; yaml/truthy can stay quiet). */
  covers(doc: YamlDocument): boolean;
  /** Problems with extra schema folders (unreadable files, files without a kind). */
  readonly configErrors: readonly SchemaConfigError[];
}


/**
 * A validation of a value; `stringLeaf`, when the schema is known to type the value at a path as a string whatever
 * else the object holds (string-maps.ts): then a boolean there fails with a type error expecting a string, there.
 */
type Check = ((value: unknown) => RawIssue[]) & { stringLeaf?: (root: unknown, path: Path) => boolean };

/** One apiVersion/kind as a validator judges it, resolved on its first document (Validator.plan). */
interface KindPlan {
  /** A schema covers the kind: its findings are complete (covers()). */
  covers: boolean;
  /** The kind may carry Cilium Helm values (a Flux HelmRelease, an Argo CD Application or ApplicationSet). */
  values: boolean;
  /** The model package's entry when the kind goes to kubernetes-models (for preload). */
  model?: ModelEntry | undefined;
  /** Findings for one document of the kind; made on first use. */
  validate?: (doc: YamlDocument) => Finding[];
}

/** A check's answer when it found nothing (shared: callers read it, never add to it). */
const NO_ISSUES: RawIssue[] = Object.freeze([]) as unknown as RawIssue[];

function hasPlaceholder(v: unknown): boolean {
  return typeof v === 'string' && (v.includes('${') || v.includes('{{'));
}

/** SOPS metadata is not the object's own content: the `sops` key is dropped before validation. */
function withoutSops(v: Record<string, unknown>): Record<string, unknown> {
  const { sops: _sops, ...rest } = v;
  return rest;
}

/**
 * Where a document writes Cilium Helm values inline (as written, before substitution): a Flux HelmRelease of the
 * `cilium` chart (`spec.values`), an Argo CD Application / ApplicationSet template whose source is the `cilium`
 * chart (`helm.valuesObject`), a kustomization's `helmCharts` entry named `cilium` (`valuesInline`). Values in
 * strings (Argo `helm.values`, ConfigMaps a HelmRelease's valuesFrom names) are values-text.ts's.
 */
export function ciliumValuesPaths(doc: YamlDocument): Path[] {
  const v = doc.parsed;
  if (!isObj(v)) return [];
  const out: Path[] = [];
  const at = (path: Path) => isObj(valueAt(v, path)) && out.push(path);
  if (doc.docClass === 'kustomization') {
    const charts = v['helmCharts'];
    if (Array.isArray(charts)) charts.forEach((c, i) => isObj(c) && c['name'] === 'cilium' && at(['helmCharts', i, 'valuesInline']));
    return out;
  }
  const spec = v['spec'];
  if (!isObj(spec)) return out;
  if (doc.kind === 'HelmRelease' && doc.group === 'helm.toolkit.fluxcd.io') {
    if (isCiliumFluxRelease(doc)) at(['spec', 'values']);
    return out;
  }
  if ((doc.kind === 'Application' || doc.kind === 'ApplicationSet') && doc.group === 'argoproj.io') {
    // the sources Argo CD renders: `sources[]`, or `source` when there is none (gitops/argocd-source-ignored)
    for (const sp of argoSourcePaths(doc)) {
      const src = valueAt(v, sp);
      if (isObj(src) && src['chart'] === 'cilium') at([...sp, 'helm', 'valuesObject']);
    }
  }
  return out;
}

const valueAt = getPath;

/**
 * Go reads these documents with YAML 1.1 booleans (sigs.k8s.io/yaml: kubectl, kustomize, Flux, Argo CD, Helm
 * values); Talos (yaml.v3) does not. Checked with `kubectl kustomize`: `labels: {gen: yes}` → "cannot unmarshal bool".
 */
const YAML11_CLASSES = new Set(['k8s', 'kustomization', 'helm-values']);
/** Documents Talos itself decodes (go-yaml v3 into typed structs). */
const TALOS_CLASSES = new Set(['talos-config', 'talos-document']);

/**
 * talium's own schemas and the model validators do not depend on the options: one registry per process (per
 * worker), shared by every validator (the engine makes one per cluster group), so each schema compiles once.
 */
let sharedRegistry: SchemaRegistry | undefined;
const sharedShapes = new Map<string, StrictShapes>();

class Validator implements SchemaValidator {
  readonly registry: SchemaRegistry = (sharedRegistry ??= new SchemaRegistry());
  /** User folders and repo CRDs (differ per validator). */
  private readonly user = new SchemaRegistry();
  readonly configErrors: SchemaConfigError[] = [];
  private readonly cilium: CiliumLine;
  private readonly talos: TalosLine;
  private readonly ciliumRange: CiliumLine[];
  /** Whether the repository says which Cilium it runs (a version or range); otherwise any line is possible. */
  private readonly ciliumPinned: boolean;
  private readonly unknownKindSeverity: Severity | 'off';
  private readonly kubernetesVersion: string | undefined;
  private readonly shapes = sharedShapes;

  constructor(opts: SchemaOptions) {
    // a semver range may install any of several lines: the newest governs the values schema, and a Cilium
    // object is judged on the newest line of the range that serves its apiVersion
    this.ciliumRange = ciliumLines(opts.ciliumVersion);
    this.ciliumPinned = parseMinor(opts.ciliumVersion) !== undefined;
    this.cilium = this.ciliumRange[this.ciliumRange.length - 1] ?? ciliumLine(opts.ciliumVersion);
    this.talos = talosLine(opts.talosVersion);
    this.unknownKindSeverity = opts.unknownKindSeverity ?? 'warning';
    this.kubernetesVersion = opts.kubernetesVersion;
    for (const dir of opts.extraSchemaDirs ?? []) this.loadFolder(resolve(opts.cwd ?? process.cwd(), dir));
    for (const d of opts.crdDocs ?? []) {
      for (const s of crdToSchemas(d.value)) {
        this.user.addUserSchema({
          apiVersion: `${s.group}/${s.version}`,
          kind: s.kind,
          schema: s.schema,
          origin: `crd:${d.file.path}#${d.index}`,
          served: s.served,
        });
      }
    }
  }

  private loadFolder(dir: string): void {
    const { files, errors } = readSchemaFolder(dir);
    this.configErrors.push(...errors);
    for (const f of files) {
      const gvk = gvkOfSchemaFile(f.rel, f.schema);
      if (!gvk) {
        this.configErrors.push({ file: f.abs, message: 'cannot tell which apiVersion/kind this schema is for (expected <group>/<version>/<Kind>.json or "x-talium-gvk")' });
        continue;
      }
      this.user.addUserSchema({ ...gvk, schema: f.schema as Record<string, unknown>, origin: f.abs, served: true });
    }
  }

  async preload(docs: Iterable<YamlDocument>): Promise<void> {
    const pending = new Map<string, ModelEntry>();
    for (const d of docs) {
      if (d.docClass !== 'k8s') continue;
      const av = d.apiVersion;
      const k = d.kind;
      if (!av || !k) continue;
      const e = this.plan(av, k).model;
      if (e && !this.registry.models.isLoaded(e)) pending.set(e.module, e);
    }
    for (const e of [...pending.values()].sort((a, b) => (a.module < b.module ? -1 : 1))) {
      if (!this.registry.models.validator(e)) await this.registry.models.load(e);
    }
  }

  covers(doc: YamlDocument): boolean {
    switch (doc.docClass) {
      case 'kustomization':
      case 'talos-config':
        return true;
      case 'helm-values':
        return looksLikeCiliumValues(doc.parsed);
      case 'talos-document':
        return !!doc.kind && TALOS_DOCUMENT_KINDS[doc.kind] !== undefined;
      case 'k8s': {
        const av = doc.apiVersion;
        const k = doc.kind;
        return !!av && !!k && this.plan(av, k).covers;
      }
      default:
        return false;
    }
  }

  /** Per-kind plans (apiVersion → kind → plan): the registry lookups run once per kind, not once per document. */
  private readonly plans = new Map<string, Map<string, KindPlan>>();

  /** Which schema judges `av`/`kind` (user folders and repo CRDs, talium's Cilium schemas, the model packages). */
  private plan(av: string, kind: string): KindPlan {
    let byKind = this.plans.get(av);
    if (!byKind) this.plans.set(av, (byKind = new Map()));
    let p = byKind.get(kind);
    if (p) return p;
    const values = kind === 'HelmRelease' || kind === 'Application' || kind === 'ApplicationSet';
    if (this.user.userSchema(av, kind)) p = { covers: true, values };
    else {
      const c = this.ciliumEntry(av, kind);
      if (c) p = { covers: c.ok, values };
      else {
        const model = this.registry.model(av, kind);
        p = { covers: model !== undefined, values, model };
      }
    }
    byKind.set(kind, p);
    return p;
  }

  validate(doc: YamlDocument, opts: ValidateOptions = {}): Finding[] {
    const out = this.validateAny(doc);
    return opts.partial ? out.filter((f) => !patchSyntax(f)) : out;
  }

  private validateAny(doc: YamlDocument): Finding[] {
    switch (doc.docClass) {
      case 'k8s': {
        const av = doc.apiVersion;
        const kind = doc.kind;
        if (!av || !kind) return this.validateK8s(doc);
        const p = this.plan(av, kind);
        const own = (p.validate ??= this.kindValidation(av, kind))(doc);
        // only these kinds carry Cilium values (ciliumValuesPaths, ciliumValuesTextPaths)
        if (!p.values) return own;
        const values = ciliumValuesPaths(doc);
        const texts = ciliumValuesTextPaths(doc);
        if (!values.length && !texts.length) return own;
        return [...own, ...values.flatMap((p) => this.validateCiliumValues(doc, p)), ...texts.flatMap((p) => this.validateCiliumValuesText(doc, p))];
      }
      case 'kustomization': {
        const own = this.run(doc, [], this.builtinCheck(KUSTOMIZATION_FILE, { line: '0.0' }), 'kustomize');
        const values = ciliumValuesPaths(doc);
        return values.length ? [...own, ...values.flatMap((p) => this.validateCiliumValues(doc, p))] : own;
      }
      case 'talos-config':
        // Cilium values carry a `cluster:` section too; a Talos config never has Cilium's top-level keys
        if (isCiliumNotTalos(doc.parsed)) return this.validateCiliumValues(doc, []);
        return this.run(doc, [], this.builtinCheck(TALOS_CONFIG_FILE, { line: this.talos }), 'talos');
      case 'talos-document':
        return this.validateTalosDocument(doc);
      case 'helm-values':
        // values of other charts may share key names (ipam, operator...): only Cilium-looking values
        return looksLikeCiliumValues(doc.parsed) ? this.validateCiliumValues(doc, []) : [];
      default:
        return [];
    }
  }

  validateCiliumValues(doc: YamlDocument, valuesPath: Path): Finding[] {
    return this.run(doc, valuesPath, this.ciliumValuesCheck(), 'helm');
  }

  validateCiliumValuesText(doc: YamlDocument, path: Path, text?: string): Finding[] {
    const s = text ?? getPath(doc.parsed, path);
    const check = this.ciliumValuesCheck();
    if (typeof s !== 'string' || !check) return [];
    // Helm deletes a key set to null in the values it is given (as for inline values: run)
    return checkValuesText(doc, path, s, (v) => check(withoutHelmNulls(v)));
  }

  /**
   * The Cilium values check of the judged line; a key only other lines' charts define is reported as such (a warning
   * when the cluster may run one of those lines: the version unknown, or a range that allows them).
   */
  private ciliumValuesCheck(): Check | undefined {
    const check = this.builtinCheck(HELM_VALUES_FILE, { line: this.cilium });
    if (!check) return undefined;
    const possible = this.ciliumPinned ? this.ciliumRange : CILIUM_LINES;
    return lineAwareValuesCheck(check, this.cilium, possible, (line) => this.builtinCheck(HELM_VALUES_FILE, { line }));
  }

  private builtinCheck(rel: string, ctx: { line: string; apiVersion?: string }): Check | undefined {
    const v = this.registry.builtin(rel, ctx);
    return v ? ajvCheck(v) : undefined;
  }

  private validateTalosDocument(doc: YamlDocument): Finding[] {
    const kind = doc.kind;
    if (!kind) return [];
    const since = TALOS_DOCUMENT_KINDS[kind];
    if (since === undefined) {
      if (TALOS_KNOWN_UNMODELED.includes(kind)) return [];
      return this.unknownKind(doc, 'talos');
    }
    if (!lineAtLeastLoose(this.talos, since)) {
      return [
        toFinding(doc, {
          ruleId: 'schema/not-served',
          path: ['kind'],
          message: `Talos ${this.talos} has no "${kind}" document (it arrived in Talos ${since}).`,
          help: `Use the legacy machine config fields for Talos ${this.talos}, or raise the Talos version.`,
          data: { kind, talosVersion: this.talos, since },
        }),
      ];
    }
    return this.run(doc, [], this.builtinCheck(`${TALOS_DOCS_FILE}#/$defs/${kind}`, { line: this.talos }), 'talos');
  }

  private validateK8s(doc: YamlDocument): Finding[] {
    const av = doc.apiVersion;
    const kind = doc.kind;
    if (!av || !kind) {
      const field = !av ? 'apiVersion' : 'kind';
      return [toFinding(doc, { ruleId: 'schema/required', path: [], message: `The object is missing "${field}".`, help: `Add "${field}".`, data: { field, path: '(root)' } })];
    }
    const p = this.plan(av, kind);
    return (p.validate ??= this.kindValidation(av, kind))(doc);
  }

  /** How documents of `av`/`kind` are validated, made on the first one (user schemas compile, models load then). */
  private kindValidation(av: string, kind: string): (doc: YamlDocument) => Finding[] {
    const checked = (check: Check | undefined) => (check ? (doc: YamlDocument) => this.run(doc, [], check) : () => []);
    // 1. user folders and repo CRDs
    const user = this.user.userSchema(av, kind);
    if (user) {
      if (!user.served) {
        const served = this.user.userVersions(kind, groupOf(av));
        return (doc) => [this.notServed(doc, av, kind, served, user.origin)];
      }
      const v = this.user.compileUser(user);
      return checked(v ? ajvCheck(v) : undefined);
    }
    // 2. talium's own Cilium schemas, per Cilium line
    const c = this.ciliumEntry(av, kind);
    if (c) {
      if (!c.ok) {
        const where = this.ciliumRange.length > 1 ? `Cilium ${this.ciliumRange[0]}-${this.cilium}` : `Cilium ${this.cilium}`;
        return (doc) => [this.notServed(doc, av, kind, c.served, where)];
      }
      return checked(c.validate ? ajvCheck(c.validate) : undefined);
    }
    // 3. kubernetes-models (core, Flux, Argo CD)
    const m = this.registry.model(av, kind);
    const removedIn = m && m.source === 'kubernetes-models' ? k8sRemovedIn(av, kind, this.kubernetesVersion) : undefined;
    if (m && removedIn) {
      const served = this.registry.models.versionsWithKind(av, kind).filter((x) => x !== av && !k8sRemovedIn(x, kind, this.kubernetesVersion));
      const where = `Kubernetes ${this.kubernetesVersion ?? 'current releases'} (removed in ${removedIn})`;
      return (doc) => [this.notServed(doc, av, kind, served, where)];
    }
    if (m) {
      const fn = this.registry.models.validator(m);
      if (!fn) return (doc) => this.unknownKind(doc, 'model-load-failed');
      let shapes = this.shapes.get(m.module);
      if (!shapes) {
        shapes = new StrictShapes();
        this.shapes.set(m.module, shapes);
      }
      const s = shapes;
      const check: Check = (value) => {
        const issues = fn(value) ? NO_ISSUES : ajvIssues(fn.errors, value);
        const unknown = s.unknownKeys(value, fn);
        if (!unknown.length) return issues;
        const out = issues === NO_ISSUES ? [] : issues;
        for (let i = 0; i < unknown.length; i++) out.push(unknownFieldIssue(unknown[i]!.path, unknown[i]!.field, unknown[i]!.allowed));
        return out;
      };
      const leaf = stringMapLeaf(m);
      if (leaf) check.stringLeaf = leaf;
      return checked(check);
    }
    const others = this.registry.models.versionsWithKind(av, kind).filter((x) => x !== av);
    // a CRD family's package models one release: another release may serve a version it lacks
    if (others.length) return isCrdModelGroup(groupOf(av)) ? (doc) => this.unknownKind(doc, 'version-not-bundled', others) : (doc) => [this.notServed(doc, av, kind, others, 'kubernetes-models')];
    if (groupOf(av) !== CILIUM_GROUP) return (doc) => this.unknownKind(doc, 'unknown');
    const reason = CILIUM_MANAGED_KINDS.has(kind) ? 'cilium-managed' : 'cilium-unvendored';
    return (doc) => this.unknownKind(doc, reason);
  }

  /** The registry's Cilium entry on the newest line of the version range that serves `av` (else the newest line's). */
  private ciliumEntry(av: string, kind: string): ReturnType<SchemaRegistry['cilium']> {
    let newest: ReturnType<SchemaRegistry['cilium']>;
    for (let i = this.ciliumRange.length - 1; i >= 0; i--) {
      const c = this.registry.cilium(av, kind, this.ciliumRange[i]!);
      if (!c || c.ok) return c;
      newest ??= c;
    }
    return newest;
  }

  private notServed(doc: YamlDocument, av: string, kind: string, served: string[], where: string): Finding {
    return toFinding(doc, {
      ruleId: 'schema/not-served',
      path: ['apiVersion'],
      message: `"${av}" ${kind} is not served by ${where}; served: ${served.length ? served.map((s) => `"${s}"`).join(', ') : 'none'}.`,
      help: served.length ? `Change apiVersion to "${served[served.length - 1]}".` : `Remove the object or change the version in force.`,
      data: { apiVersion: av, kind, served: served.join(', '), source: where },
    });
  }

  /** No schema for the document's kind; `bundled`: the versions of the kind a bundled CRD model has (not this one). */
  private unknownKind(doc: YamlDocument, reason: string, bundled?: readonly string[]): Finding[] {
    if (this.unknownKindSeverity === 'off') return [];
    const av = doc.apiVersion ?? '';
    const kind = doc.kind ?? '';
    const importHelp = 'add its CustomResourceDefinition to the repository, or import its schema with `talium schemas import` and list the folder under `schemas.dirs` in talium.config.yaml.';
    return [
      toFinding(
        doc,
        {
          ruleId: 'schema/unknown-kind',
          path: ['kind'],
          message: bundled
            ? `No schema for "${av}" "${kind}"; the bundled models have ${bundled.map((b) => `"${b}"`).join(', ')}. It was not validated.`
            : reason === 'cilium-managed'
              ? `No schema for "${av}" "${kind}": Cilium's agent or operator writes these objects itself; it was not validated.`
              : `No schema for "${av}" "${kind}"; it was not validated.`,
          help: bundled
            ? `Check the apiVersion (newest bundled: "${bundled[bundled.length - 1]}"); for a release that serves "${av}", ${importHelp}`
            : reason === 'cilium-managed'
              ? `A ${kind} in Git is usually an export (\`kubectl get -o yaml\`) that fights what Cilium maintains: remove it, or write what it derives from (e.g. CiliumBGPClusterConfig for CiliumBGPNodeConfig).`
              : `A${importHelp.slice(1)}`,
          data: bundled ? { apiVersion: av, kind, reason, bundled: bundled.join(', ') } : { apiVersion: av, kind, reason },
        },
        this.unknownKindSeverity,
      ),
    ];
  }

  /** Run a check on the value at `base`, drop placeholder noise, add YAML 1.1 boolean findings. */
  private run(doc: YamlDocument, base: Path, check: Check | undefined, consumer: Consumer = 'kubernetes'): Finding[] {
    if (!check) return [];
    // the value as written: Flux placeholders stay placeholders here (validated the same way in worker threads)
    const sops = isSopsDocument(doc.parsed);
    const raw = base.length ? getPath(doc.parsed, base) : doc.parsed;
    if (raw === undefined) return [];
    const unsopsed = sops && !base.length ? withoutSops(raw as Record<string, unknown>) : raw;
    // Helm deletes a key set to null in the values it is given (the documented way to unset a chart default)
    const root = consumer === 'helm' ? withoutHelmNulls(unsopsed) : unsopsed;
    let issues: RawIssue[];
    try {
      issues = check(root);
    } catch (e) {
      return [toFinding(doc, { ruleId: 'schema/internal', path: base, message: `Schema validation failed: ${(e as Error).message}.`, help: 'This is a talium bug; please report it with the file.', data: { error: String((e as Error).message) } })];
    }
    const out: Finding[] = [];
    for (let n = 0; n < issues.length; n++) {
      const i = issues[n]!;
      if (i.ruleId !== 'schema/unknown-field' && i.ruleId !== 'schema/required' && hasPlaceholder(valueAt(root, i.path))) continue;
      if (i.ruleId === 'schema/unknown-field' && hasPlaceholder(i.data['field'])) continue;
      if (sops && i.ruleId !== 'schema/unknown-field' && isSopsValue(valueAt(root, i.path))) continue;
      if (i.ruleId === 'schema/unknown-field') {
        // what an unknown field costs depends on who reads it (API server, Helm, Talos, kustomize)
        const help = i.messageId ? i.help : unknownFieldHelp(i.data['suggestion'] as string | undefined, consumer);
        out.push(toFinding(doc, { ...i, help, data: { ...i.data, consumer }, path: [...base, ...i.path] }));
      } else {
        const path = [...base, ...i.path];
        const word =
          i.ruleId !== 'schema/type'
            ? undefined
            : YAML11_CLASSES.has(doc.docClass) || doc.docClass === 'cluster-spec'
              ? this.yaml11Word(doc, path, i, valueAt(root, i.path))
              : TALOS_CLASSES.has(doc.docClass)
                ? this.talosBooleanWord(doc, path, i, valueAt(root, i.path))
                : undefined;
        out.push(word ?? toFinding(doc, { ...i, path }));
      }
    }
    // (the fast reader saw every plain value: when none is a YAML 1.1 boolean word, yaml11 has nothing to walk for)
    if (doc.noYaml11Words !== true && YAML11_CLASSES.has(doc.docClass)) pushAll(out, this.yaml11(doc, base, root, check));
    return out;
  }

  /**
   * A plain yes/no/on/off where a boolean belongs: which reader sees what differs (kustomize, behind Flux and Argo
   * CD, and other YAML 1.2 readers keep the string; kubectl apply's YAML 1.1 reads a boolean), so the type error
   * says so (messageId yaml11Word); the fix is the same for every reader. In a Kubernetes object it is
   * schema/yaml11-boolean instead (booleanField), in a Helm values file schema/yaml11-boolean as a warning
   * (helmValuesBoolean: Helm reads the file as YAML 1.1).
   */
  private yaml11Word(doc: YamlDocument, path: Path, i: RawIssue, v: unknown): Finding | undefined {
    const b = plainBooleanWord(doc, path, i, v);
    if (b === undefined || typeof v !== 'string') return undefined;
    if (doc.docClass === 'k8s') return booleanFieldWord(doc, path, i, v, b);
    if (doc.docClass === 'helm-values') return helmValuesWord(doc, path, i, v, b);
    // talium's own cluster.yaml: talium is the reader (YAML 1.2), and it hands Helm the string it read
    const spec = doc.docClass === 'cluster-spec';
    const f = toFinding(doc, {
      ...i,
      path,
      message: spec
        ? `"${i.data['path']}" must be boolean, not the string "${v}": talium reads cluster.yaml as YAML 1.2, where a plain ${v} is a string, and would hand Helm the string "${v}".`
        : `"${i.data['path']}" must be boolean, not the string "${v}": a plain ${v} stays a string for kustomize (Flux, Argo CD) and other YAML 1.2 readers; only YAML 1.1 readers such as kubectl apply read ${b}.`,
      help: `Write ${b}.`,
      data: { ...i.data, value: v },
    });
    f.messageId = spec ? 'yaml12Spec' : 'yaml11Word';
    return f;
  }

  /**
   * Talos decodes its configuration with go-yaml v3 into typed fields, and go-yaml v3 reads a plain yes/no/on/off
   * as the boolean when the field is a bool: Talos accepts it. Other tools reading the file (YAML 1.2) see a string,
   * so it is the yaml/truthy warning (messageId talosBoolean), not a type error.
   */
  private talosBooleanWord(doc: YamlDocument, path: Path, i: RawIssue, v: unknown): Finding | undefined {
    const b = plainBooleanWord(doc, path, i, v);
    if (b === undefined || typeof v !== 'string') return undefined;
    const f = toFinding(
      doc,
      {
        ruleId: 'yaml/truthy',
        path,
        message: `"${i.data['path']}" is written as plain ${v}: Talos (go-yaml v3) reads it as ${b} in this boolean field, YAML 1.2 tools (editors, yq, talium) as the string "${v}".`,
        help: `Write ${b}.`,
        data: { value: v, yaml11: b, path: String(i.data['path']), expected: 'boolean' },
      },
      'warning',
    );
    f.messageId = 'talosBoolean';
    f.fix = { text: String(b), expect: v };
    return f;
  }

  /**
   * What a schema/yaml11-boolean finding says about `word` at `path`: made once per path and word (frozen, shared by
   * the findings): a file of 150,000 ConfigMaps with the same `b: yes` held 150,000 copies of one message.
   */
  private readonly yaml11Text = new Map<string, { message: string; help: string; data: Readonly<Record<string, string | boolean>>; fix: FindingFix }>();

  private yaml11Said(path: string, word: string, bool: boolean): { message: string; help: string; data: Record<string, string | boolean>; fix: FindingFix } {
    const key = `${path}\u0000${word}`;
    let said = this.yaml11Text.get(key);
    if (!said) {
      if (this.yaml11Text.size >= 10_000) this.yaml11Text.clear();
      said = Object.freeze({
        message: `"${path}" is written as unquoted ${word}, which Kubernetes tools (YAML 1.1) read as the boolean ${String(bool)}, but the field is a string.`,
        help: `Quote it: "${word}".`,
        data: Object.freeze({ path, actual: word, readAs: bool, expected: 'string' }),
        fix: Object.freeze({ text: `"${word}"`, expect: word }),
      });
      this.yaml11Text.set(key, said);
    }
    return said as { message: string; help: string; data: Record<string, string | boolean>; fix: FindingFix };
  }

  private yaml11(doc: YamlDocument, base: Path, root: unknown, check: Check): Finding[] {
    const out: Finding[] = [];
    // the fast reader saw every plain value: none is a YAML 1.1 boolean word, so there is nothing to walk for
    if (doc.noYaml11Words === true) return out;
    for (const c of yaml11Candidates(root)) {
      // a value of a string map (a ConfigMap's data): read as the boolean Go reads, it fails there, and validating
      // the object again would only say so (a file of 150,000 such ConfigMaps spent ~0.5 s on it)
      if (!check.stringLeaf?.(root, c.path)) {
        const asGo = replaceAt(root, c.path, c.bool);
        const issues = check(asGo);
        const hit = issues.find((i) => i.ruleId === 'schema/type' && i.path.length === c.path.length && i.path.every((s, k) => s === c.path[k]));
        if (!hit || !String(hit.data['expected']).includes('string')) continue;
      }
      const full = [...base, ...c.path];
      if (!doc.isPlainScalar(full)) continue;
      const said = this.yaml11Said(pathText(c.path), c.text, c.bool);
      const f = toFinding(doc, { ruleId: 'schema/yaml11-boolean', path: full, message: said.message, help: said.help, data: said.data });
      f.fix = said.fix;
      out.push(f);
    }
    return out;
  }
}

/**
 * A plain yes/no/on/off in a boolean field of a Kubernetes object: what is true depends on the applier, so it is
 * schema/yaml11-boolean (messageId booleanField) rather than a type error. kubectl apply -f and Argo CD's directory
 * apps read the file with apimachinery's YAMLReader and sigs.k8s.io/yaml (go-yaml v2, YAML 1.1): the boolean.
 * kustomize reads it with kyaml (go-yaml v3, YAML 1.2) and keeps the string, and so does everything built with it:
 * kubectl apply -k, Flux (kustomize-controller builds every Kustomization, kustomization.yaml or not) and Argo CD's
 * kustomize apps; the API server (or Helm's values schema, for a HelmRelease's values) then refuses the string.
 * Checked with go-yaml v2 2.4.0 and v3 3.0.1 (`enabled: on`: true and "on").
 */
function booleanFieldWord(doc: YamlDocument, path: Path, i: RawIssue, word: string, b: boolean): Finding {
  const at = String(i.data['path']);
  const f = toFinding(doc, {
    ruleId: 'schema/yaml11-boolean',
    path,
    message: `"${at}" is a boolean field written as unquoted ${word}: kubectl apply -f and Argo CD directory apps (YAML 1.1) read ${b}, but kustomize (kubectl apply -k, Flux, Argo CD kustomize apps) keeps the string "${word}", which is refused there.`,
    help: `Write ${b}: every reader agrees on it.`,
    data: { path: at, actual: word, readAs: b, expected: 'boolean' },
  });
  f.messageId = 'booleanField';
  f.fix = { text: String(b), expect: word };
  return f;
}

/**
 * A plain yes/no/on/off in a boolean field of a Helm values file (values.yaml, an Argo CD `valueFiles` entry, the
 * file a kustomize configMapGenerator turns into a Flux `valuesFrom` ConfigMap): Helm reads the text itself with
 * sigs.k8s.io/yaml (go-yaml v2, YAML 1.1): chartutil.ReadValues for `helm -f`, the `--values` files Argo CD's
 * repo-server hands `helm template`, and helm-controller's valuesFrom (chartutil.ReadValues of the ConfigMap key), so
 * the chart gets the boolean (go-yaml v2: `enabled: on` is true). Not an error: schema/yaml11-boolean as a warning
 * (messageId helmValuesBoolean), since YAML 1.2 tools (editors, yq, talium) read the string. Inline values
 * (a HelmRelease's `spec.values`, Argo CD's `valuesObject`) are part of a Kubernetes object: booleanField. Values
 * written as text (Argo CD `helm.values`, a Flux `valuesFrom` key) are a values file to Helm: values-text.ts gives
 * them this warning, at the word inside the string.
 */
function helmValuesWord(doc: YamlDocument, path: Path, i: RawIssue, word: string, b: boolean): Finding {
  const at = String(i.data['path']);
  const f = toFinding(
    doc,
    {
      ruleId: 'schema/yaml11-boolean',
      path,
      message: `"${at}" is a boolean field written as unquoted ${word}: Helm reads values files as YAML 1.1 and gets ${b}, but YAML 1.2 tools (editors, yq, talium) read the string "${word}".`,
      help: `Write ${b}: every reader agrees on it.`,
      data: { path: at, actual: word, readAs: b, expected: 'boolean' },
    },
    'warning',
  );
  f.messageId = 'helmValuesBoolean';
  f.fix = { text: String(b), expect: word };
  return f;
}

/** The boolean a plain yes/no/on/off would be, when a type issue says a boolean belongs there; else undefined. */
function plainBooleanWord(doc: YamlDocument, path: Path, i: RawIssue, v: unknown): boolean | undefined {
  if (typeof v !== 'string' || !String(i.data['expected']).split(/\W+/).includes('boolean')) return undefined;
  const b = yaml11Boolean(v);
  return b !== undefined && doc.isPlainScalar(path) ? b : undefined;
}

/**
 * Values as Helm merges them: a map key whose value is null is deleted (along map chains; lists are taken whole,
 * nulls inside them stay). https://helm.sh/docs/chart_template_guide/values_files/#deleting-a-default-key
 * Copies only the maps that change.
 */
export function withoutHelmNulls(value: unknown): unknown {
  if (!isObj(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(value)) {
    const v = value[k];
    const w = v === null ? undefined : withoutHelmNulls(v);
    if (w !== v) {
      out ??= { ...value };
      if (w === undefined) delete out[k];
      else out[k] = w;
    }
  }
  return out ?? value;
}

/**
 * What a partial document (a kustomize strategic-merge patch) may say that a whole object may not: leave required
 * fields out, delete a field with null, and carry the directive `$patch` (`delete` a list item or a map, `replace` a
 * map). kubectl kustomize leaves `$retainKeys` and `$setElementOrder/...` in its output: those stay findings.
 */
function patchSyntax(f: Finding): boolean {
  if (f.ruleId === 'schema/required') return true;
  if (f.ruleId === 'schema/type') return f.data?.['actual'] === 'null';
  if (f.ruleId === 'schema/unknown-field') return f.data?.['field'] === '$patch';
  return false;
}

/** Keys only the Cilium chart has (at least one must be present for a values file to be taken as Cilium's). */
const CILIUM_ONLY_KEYS = ['kubeProxyReplacement', 'l2announcements', 'k8sServiceHost', 'k8sClientRateLimit', 'routingMode', 'tunnelProtocol', 'ipv4NativeRoutingCIDR', 'autoDirectNodeRoutes', 'enableLBIPAM', 'defaultLBServiceIPAM', 'l2podAnnouncements', 'bpf', 'hubble', 'rollOutCiliumPods', 'cgroup'];

export function looksLikeCiliumValues(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return CILIUM_ONLY_KEYS.some((k) => k in v);
}

function isCiliumNotTalos(value: unknown): boolean {
  return looksLikeCiliumValues(value) && !('machine' in (value as Record<string, unknown>));
}

function lineAtLeastLoose(line: string, since: string): boolean {
  const [a, b] = line.split('.').map(Number);
  const [c, d] = since.split('.').map(Number);
  return a! !== c! ? a! > c! : b! >= d!;
}

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i === -1 ? '' : apiVersion.slice(0, i);
}

function ajvCheck(v: ValidateFunction): Check {
  return (value) => (v(value) ? [] : ajvIssues(v.errors, value));
}

/** apiVersion/kind of a user schema file: `x-talium-gvk`, `<group>/<version>/<Kind>.json`, or enums. */
export function gvkOfSchemaFile(rel: string, schema: unknown): Pick<UserSchema, 'apiVersion' | 'kind'> | undefined {
  const s = schema as Record<string, unknown> | null;
  if (!s || typeof s !== 'object') return undefined;
  const x = s['x-talium-gvk'] as { group?: string; version?: string; kind?: string } | undefined;
  if (x && x.version && x.kind) return { apiVersion: x.group ? `${x.group}/${x.version}` : x.version, kind: x.kind };
  const parts = rel.replace(/\.json$/, '').split('/');
  if (parts.length >= 3) {
    const [group, version, kind] = parts.slice(-3) as [string, string, string];
    if (/^v\d/.test(version) && /^[A-Z]/.test(kind)) return { apiVersion: group === 'core' ? version : `${group}/${version}`, kind };
  }
  const props = s['properties'] as Record<string, { enum?: unknown[] }> | undefined;
  const av = props?.['apiVersion']?.enum?.[0];
  const k = props?.['kind']?.enum?.[0];
  if (typeof av === 'string' && typeof k === 'string') return { apiVersion: av, kind: k };
  return undefined;
}

export function createSchemaValidator(opts: SchemaOptions): SchemaValidator {
  return new Validator(opts);
}

/** createSchemaValidator + preload of the documents' model validators. */
export async function loadSchemaValidator(opts: SchemaOptions, docs: Iterable<YamlDocument>): Promise<SchemaValidator> {
  const v = new Validator(opts);
  await v.preload(docs);
  return v;
}

const shared = new Map<string, Validator>();

/** Cilium Helm values of `doc` at `valuesPath`, for the given Cilium version (validators cached per line). */
export function validateCiliumValues(doc: YamlDocument, valuesPath: Path, ciliumVersion: string | undefined): Finding[] {
  return valuesValidator(ciliumVersion).validateCiliumValues(doc, valuesPath);
}

/** One validator per Cilium line; a version range is judged on its newest line (what the range installs). */
function valuesValidator(ciliumVersion: string | undefined): Validator {
  const lines = ciliumLines(ciliumVersion);
  // keyed by what the version allows: the lines of a range, or none when no version is known
  const key = parseMinor(ciliumVersion) === undefined ? '' : lines.join(',');
  let v = shared.get(key);
  if (!v) {
    v = new Validator({ ciliumVersion: key === '' ? undefined : lines.length > 1 ? `>=${lines[0]} <=${lines.at(-1)}` : lines[0] });
    shared.set(key, v);
  }
  return v;
}

/** Cilium Helm values text (the string at `path` of `doc`, or `text`) for the given Cilium version. */
export function validateCiliumValuesText(doc: YamlDocument, path: Path, text: string | undefined, ciliumVersion: string | undefined): Finding[] {
  return valuesValidator(ciliumVersion).validateCiliumValuesText(doc, path, text);
}
