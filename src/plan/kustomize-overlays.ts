/**
 * Kustomize overlays of Cilium Flux HelmReleases: a kustomization that reaches a Cilium HelmRelease through its
 * `resources` and patches it (`patchesStrategicMerge`, `patches`, `patchesJson6902`) renders another release, whose
 * values layers are the base's followed by one layer per patch. Owns reaching, matching and applying those patches;
 * it neither finds releases nor builds them (plan/cilium-release.ts hands it a lookup and builds the release).
 *
 * Bases: a base release is *replaced* by its overlays when every path to its file from a root (a kustomization no
 * other one lists, or the folder of a Flux Kustomization / Argo CD source) goes through a kustomization that patches
 * its values; otherwise something deploys it unpatched and it stays, next to its overlays. Several overlays share the
 * base's layers, so rules drop repeated findings (rules/cilium/lib/values.ts dedupe, lint/run-rules.ts).
 *
 * Semantics, as kustomize (api/internal/builtins/PatchTransformer.go) applies them:
 * - `patches` entries hold `path` or an inline `patch` string; a body that parses as a list of operations is a
 *   JSON6902 patch (needs a `target`), else a strategic-merge patch; without `target` a strategic-merge patch
 *   applies to the resource with its own id (GetById(patch.OrgId())), with one it applies to every selected one.
 *   Kustomization order: patchesStrategicMerge, patches, namespace/namePrefix/nameSuffix, patchesJson6902
 *   (api/internal/target/kusttarget_configplugin.go configureBuiltinTransformers).
 * - `target` name and namespace are anchored regular expressions; group, version, kind must equal
 *   (kubectl.docs.kubernetes.io/references/kustomize/kustomization/patches).
 * - A strategic-merge patch on a custom resource has no OpenAPI patch strategy, so it works as a JSON merge patch:
 *   maps merge, lists are replaced (kubernetes-sigs/kustomize#306, #749, #3387), `null` deletes the key (#1124;
 *   with a `target`, #5995 reports labels set to "null" instead: values are still deleted here), and the SMP
 *   `$patch: delete` / `$patch: replace` map directives delete / replace a map.
 * - JSON6902 (RFC 6902): add, replace, remove, copy, move and test on `/spec/values/...` (JSON pointer, `~1` = `/`,
 *   `~0` = `~`, `-` appends to a list). An operation that would fail the kustomize build, a templated patch (Flux
 *   `${VAR}` is substituted after the build), or an unreadable one is not applied and marks the overlay `skipped`.
 * Lenient where kustomize is strict (its build fails, which is not a values question): kustomize's ResId.Equals
 * compares group, version, kind, name and effective namespace (api/resid/resid.go); here the patch's apiVersion
 * version is not compared, and its namespace only when it states one.
 */
import { parseAllDocuments } from 'yaml';
import type { Path, YamlDocument } from '../core/document.js';
import { fluxKustomizations, normDir } from './flux-kustomizations.js';
import type { CiliumRelease, Fact, ValuesLayer } from './types.js';
import { argoSourcePaths, dirOf, isObj, resolveRepoPath } from './util.js';

/** One overlay release, for plan/cilium-release.ts to build (layers in Helm merge order). */
export interface OverlaySpec {
  base: CiliumRelease;
  /** The kustomization whose patches made this rendering, and the path of its first such patch entry. */
  kustomization: YamlDocument;
  path: Path;
  layers: ValuesLayer[];
  /** Index in `layers` of the primary layer (the last patch's values, else the base's inline values). */
  primary: number;
  version?: Fact<string>;
  /** Documents holding the applied patches (a patch file's document; the kustomization for an inline patch). */
  patches: YamlDocument[];
  skipped: boolean;
}

export interface Overlays {
  overlays: OverlaySpec[];
  /** Base HelmRelease documents every path to which goes through a patching overlay. */
  replaced: ReadonlySet<YamlDocument>;
  /** Documents applied as strategic-merge patches: partial objects, never releases of their own. */
  patchDocs: ReadonlySet<YamlDocument>;
}

type Selector = Partial<Record<'group' | 'version' | 'kind' | 'name' | 'namespace' | 'labelSelector' | 'annotationSelector', string>>;

/** Where a patch body is: a document (path-file patch) or a string in the kustomization (`stringAt`). */
interface Where {
  doc: YamlDocument;
  /** Path of the body in `doc` (path files: []), or of the string holding it. */
  path: Path;
  inString: boolean;
}

interface Patch {
  type: 'smp' | 'json';
  body: unknown;
  at: Where;
  target?: Selector;
  /** Path of the entry in the kustomization (`['patches', 2]`). */
  entry: Path;
  unusable?: boolean;
}

/** A Cilium HelmRelease as a kustomization renders it. Immutable: patching makes a new one. */
interface Instance {
  hr: YamlDocument;
  base: CiliumRelease;
  names: readonly string[];
  namespaces: readonly string[];
  /** Layers not from spec.values (valuesFrom), then the spec.values layers (base inline, then patches). */
  fixed: readonly ValuesLayer[];
  inline: readonly ValuesLayer[];
  /** The effective spec.values (undefined: unset). */
  current: Record<string, unknown> | undefined;
  version?: Fact<string>;
  patches: readonly YamlDocument[];
  skipped: boolean;
  /** The last kustomization whose patch changed the values or version, with that patch entry's path. */
  at?: { k: YamlDocument; path: Path };
}

const KUST_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const PATCH_KEYS = ['patchesStrategicMerge', 'patches', 'patchesJson6902'];
const TEMPLATED = /\$\{[^}]*\}|\{\{/;

/**
 * Overlay releases rendered by the kustomizations among `docs` (base releases and patch files are looked up in
 * `all`); `release` turns a HelmRelease document into its base release (undefined when it is not Cilium's).
 * Never throws.
 */
export function kustomizeOverlays(docs: readonly YamlDocument[], all: readonly YamlDocument[], byFile: Map<string, YamlDocument[]>, release: (hr: YamlDocument) => CiliumRelease | undefined): Overlays {
  const empty: Overlays = { overlays: [], replaced: new Set(), patchDocs: new Set() };
  const kusts = all.filter((d) => d.docClass === 'kustomization');
  if (!kusts.some((k) => PATCH_KEYS.some((key) => Array.isArray(k.get([key]))))) return empty;
  try {
    return new Renderer(all, byFile, release).run(docs, kusts);
  } catch {
    return empty; // a plan never crashes on a repository's shape
  }
}

class Renderer {
  private readonly memo = new Map<YamlDocument, Instance[]>();
  private readonly visiting = new Set<YamlDocument>();
  /** node (file path) → kustomizations listing it (a kustomization file, or a resource file). */
  private readonly parents = new Map<string, Set<YamlDocument>>();
  /** kustomization → HelmReleases whose values or version its own patches changed. */
  private readonly patched = new Map<YamlDocument, Set<YamlDocument>>();
  private readonly patchDocs = new Set<YamlDocument>();
  private readonly roots: Set<string>;

  constructor(
    all: readonly YamlDocument[],
    private readonly byFile: Map<string, YamlDocument[]>,
    private readonly release: (hr: YamlDocument) => CiliumRelease | undefined,
  ) {
    this.roots = new Set<string>();
    for (const ks of fluxKustomizations(all)) this.roots.add(ks.dir);
    for (const d of all) {
      if (d.group !== 'argoproj.io' || (d.kind !== 'Application' && d.kind !== 'ApplicationSet')) continue;
      for (const sp of argoSourcePaths(d)) {
        const p = normDir(d.get([...sp, 'path']));
        if (p !== undefined) this.roots.add(p);
      }
    }
  }

  run(docs: readonly YamlDocument[], kusts: readonly YamlDocument[]): Overlays {
    for (const k of kusts) this.render(k);
    const overlays: OverlaySpec[] = [];
    for (const k of docs) {
      if (k.docClass !== 'kustomization') continue;
      for (const inst of this.render(k)) {
        if (inst.at?.k !== k || this.covered(k.file.path, true, inst.hr, new Map())) continue;
        overlays.push(spec(inst, k, inst.at.path));
      }
    }
    const replaced = new Set<YamlDocument>();
    for (const set of this.patched.values()) {
      for (const hr of set) if (!replaced.has(hr) && this.covered(hr.file.path, false, hr, new Map())) replaced.add(hr);
    }
    return { overlays, replaced, patchDocs: this.patchDocs };
  }

  /** Every path from a root to `node` goes through a kustomization that patches `hr` (`memo`: per question). */
  private covered(node: string, isKust: boolean, hr: YamlDocument, memo: Map<string, boolean>): boolean {
    const known = memo.get(node);
    if (known !== undefined) return known;
    memo.set(node, false); // a cycle reaches no root: kustomize refuses it, keep the base
    let out = !this.deployedDirectly(node, isKust) && !!this.parents.get(node)?.size;
    for (const p of out ? this.parents.get(node)! : []) {
      if (this.patched.get(p)?.has(hr)) continue;
      if (!this.covered(p.file.path, true, hr, memo)) {
        out = false;
        break;
      }
    }
    memo.set(node, out);
    return out;
  }

  /**
   * A Flux Kustomization or Argo CD source path applies `node` itself: its folder, or an ancestor reached through
   * folders without a kustomization (Flux generates one that takes every manifest below, and every folder with a
   * kustomization as a whole: fluxcd/pkg kustomize generator, scanManifests). A file in a folder with a
   * kustomization is that kustomization's business.
   */
  private deployedDirectly(node: string, isKust: boolean): boolean {
    const hasKust = (dir: string): boolean => KUST_FILES.some((f) => this.byFile.has(dir ? `${dir}/${f}` : f));
    let dir = dirOf(node);
    if (!isKust && hasKust(dir)) return false;
    for (;;) {
      if (this.roots.has(dir)) return true;
      if (dir === '') return false;
      dir = dirOf(dir);
      if (hasKust(dir)) return false;
    }
  }

  private render(k: YamlDocument): Instance[] {
    const done = this.memo.get(k);
    if (done) return done;
    if (this.visiting.has(k)) return []; // a cycle: kustomize refuses it
    this.visiting.add(k);
    let list: Instance[] = [];
    try {
      for (const r of this.resources(k)) {
        const set = this.parents.get(r.node) ?? new Set<YamlDocument>();
        set.add(k);
        this.parents.set(r.node, set);
        if (r.kust) list.push(...this.render(r.kust));
        else for (const d of this.byFile.get(r.node) ?? []) {
          const inst = this.instance(d);
          if (inst) list.push(inst);
        }
      }
      if (list.length) {
        const patches = this.patches(k);
        list = this.applyAll(k, list, patches.filter((p) => p.entry[0] !== 'patchesJson6902'));
        list = renamed(k, list);
        list = this.applyAll(k, list, patches.filter((p) => p.entry[0] === 'patchesJson6902'));
      }
    } finally {
      this.visiting.delete(k);
    }
    this.memo.set(k, list);
    return list;
  }

  private instance(d: YamlDocument): Instance | undefined {
    if (d.kind !== 'HelmRelease' || d.group !== 'helm.toolkit.fluxcd.io') return undefined;
    const base = this.release(d);
    if (!base) return undefined;
    const i = base.layers.findIndex((l) => l.doc === d && !l.inString && l.valuesPath.length === 2 && l.valuesPath[0] === 'spec' && l.valuesPath[1] === 'values');
    const inst: Instance = {
      hr: d,
      base,
      names: d.name ? [d.name] : [],
      namespaces: [d.namespace ?? ''],
      fixed: base.layers.filter((_, j) => j !== i),
      inline: i === -1 ? [] : [base.layers[i]!],
      current: i === -1 ? undefined : base.layers[i]!.values,
      patches: [],
      skipped: false,
    };
    if (base.version) inst.version = base.version;
    return inst;
  }

  /** `resources` (and legacy `bases`) of a kustomization: files of this tree, or folders with a kustomization. */
  private resources(k: YamlDocument): Array<{ node: string; kust?: YamlDocument }> {
    const out: Array<{ node: string; kust?: YamlDocument }> = [];
    const dir = dirOf(k.file.path);
    for (const key of ['resources', 'bases']) {
      const list = k.get([key]);
      if (!Array.isArray(list)) continue;
      for (const rel of list) {
        if (typeof rel !== 'string' || TEMPLATED.test(rel) || /^[a-z0-9.-]+\.[a-z]{2,}\/|\?ref=/i.test(rel)) continue;
        const file = resolveRepoPath(this.byFile, dir, rel);
        if (file !== undefined) {
          if (!KUST_FILES.includes(file.slice(file.lastIndexOf('/') + 1))) out.push({ node: file });
          continue;
        }
        for (const f of KUST_FILES) {
          const path = resolveRepoPath(this.byFile, dir, `${rel.replace(/\/+$/, '')}/${f}`);
          const kust = path === undefined ? undefined : this.byFile.get(path)?.find((d) => d.docClass === 'kustomization');
          if (path !== undefined && kust) {
            out.push({ node: path, kust });
            break;
          }
        }
      }
    }
    return out;
  }

  /** The patches of a kustomization in the order kustomize applies them (JSON6902 ones last). */
  private patches(k: YamlDocument): Patch[] {
    const out: Patch[] = [];
    const dir = dirOf(k.file.path);
    /** An inline patch (the string at `path`): JSON6902 when `json`, else by its shape (a list of operations). */
    const fromText = (text: string, entry: Path, path: Path, target: Selector | undefined, json?: boolean): void => {
      const at: Where = { doc: k, path, inString: true };
      // a templated patch is still read for its kind and name (to know what it would patch), never applied
      const templated = TEMPLATED.test(text);
      let bodies: unknown[];
      try {
        const parsed = parseAllDocuments(text);
        if (!Array.isArray(parsed) || parsed.some((d) => d.errors.length)) throw new Error('unreadable');
        bodies = parsed.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown).filter((b) => b !== null && b !== undefined);
      } catch {
        out.push({ type: 'smp', body: undefined, at, entry, unusable: true, ...(target ? { target } : {}) });
        return;
      }
      for (const body of bodies) out.push({ type: (json ?? Array.isArray(body)) ? 'json' : 'smp', body, at, entry, ...(templated ? { unusable: true } : {}), ...(target ? { target } : {}) });
    };
    const fromFile = (rel: string, entry: Path, target: Selector | undefined): void => {
      const file = TEMPLATED.test(rel) ? undefined : resolveRepoPath(this.byFile, dir, rel);
      const docs = file === undefined ? [] : (this.byFile.get(file) ?? []);
      if (!docs.length) {
        // an unreadable or missing patch file: it may patch anything the target selects
        out.push({ type: 'smp', body: undefined, at: { doc: k, path: entry, inString: false }, entry, unusable: true, ...(target ? { target } : {}) });
        return;
      }
      for (const d of docs) {
        const at: Where = { doc: d, path: [], inString: false };
        out.push({ type: Array.isArray(d.value) ? 'json' : 'smp', body: d.value, at, entry, ...(d.templated ? { unusable: true } : {}), ...(target ? { target } : {}) });
      }
    };
    const psm = k.get(['patchesStrategicMerge']);
    if (Array.isArray(psm)) {
      psm.forEach((p, i) => {
        if (typeof p !== 'string') return;
        // kustomize reads an entry as a file first, else as an inline patch
        if (p.includes('\n') || /^\s*(apiVersion|kind)\s*:/m.test(p)) fromText(p, ['patchesStrategicMerge', i], ['patchesStrategicMerge', i], undefined, false);
        else fromFile(p, ['patchesStrategicMerge', i], undefined);
      });
    }
    for (const key of ['patches', 'patchesJson6902']) {
      const list = k.get([key]);
      if (!Array.isArray(list)) continue;
      list.forEach((p, i) => {
        if (!isObj(p)) return;
        const target = isObj(p['target']) ? selector(p['target']) : undefined;
        const json = key === 'patchesJson6902' ? true : undefined;
        if (typeof p['patch'] === 'string' && p['path'] === undefined) fromText(p['patch'], [key, i], [key, i, 'patch'], target, json);
        else if (typeof p['path'] === 'string' && p['patch'] === undefined) fromFile(p['path'], [key, i], target);
      });
    }
    return out;
  }

  private applyAll(k: YamlDocument, list: Instance[], patches: readonly Patch[]): Instance[] {
    for (const p of patches) {
      const next: Instance[] = [];
      for (const inst of list) {
        if (!matches(p, inst)) {
          next.push(inst);
          continue;
        }
        if (p.unusable) {
          next.push({ ...inst, skipped: true });
          continue;
        }
        const r = p.type === 'json' ? applyJson(inst, p) : applySmp(inst, p);
        if (r === 'deleted') {
          this.mark(k, inst.hr);
          continue;
        }
        if (r !== inst && (r.inline !== inst.inline || r.version !== inst.version)) {
          this.mark(k, inst.hr);
          if (p.type === 'smp' && !p.at.inString) this.patchDocs.add(p.at.doc);
          next.push({ ...r, patches: [...r.patches, p.at.doc], at: inst.at?.k === k ? inst.at : { k, path: p.entry } });
        } else next.push(r);
      }
      list = next;
    }
    return list;
  }

  private mark(k: YamlDocument, hr: YamlDocument): void {
    const set = this.patched.get(k) ?? new Set<YamlDocument>();
    set.add(hr);
    this.patched.set(k, set);
  }
}

function spec(inst: Instance, k: YamlDocument, path: Path): OverlaySpec {
  const layers = [...inst.fixed, ...inst.inline];
  // primary: the last patch layer written as a mapping (where a missing key would be added), else the last layer
  let primary = layers.length - 1;
  for (let i = layers.length - 1; i >= inst.fixed.length; i--) {
    const l = layers[i]!;
    if (!l.root?.length) {
      primary = i;
      break;
    }
  }
  const out: OverlaySpec = { base: inst.base, kustomization: k, path, layers, primary: Math.max(0, primary), patches: [...new Set(inst.patches)], skipped: inst.skipped };
  if (inst.version) out.version = inst.version;
  return out;
}

/** namespace / namePrefix / nameSuffix of a kustomization: later patches may use the new id or the old one. */
function renamed(k: YamlDocument, list: Instance[]): Instance[] {
  const ns = k.get(['namespace']);
  const pre = k.get(['namePrefix']);
  const suf = k.get(['nameSuffix']);
  if (typeof ns !== 'string' && typeof pre !== 'string' && typeof suf !== 'string') return list;
  return list.map((inst) => ({
    ...inst,
    names: typeof pre === 'string' || typeof suf === 'string' ? [...inst.names, ...inst.names.map((n) => `${typeof pre === 'string' ? pre : ''}${n}${typeof suf === 'string' ? suf : ''}`)] : inst.names,
    namespaces: typeof ns === 'string' ? [...inst.namespaces, ns] : inst.namespaces,
  }));
}

// ---------- matching ----------

function selector(t: Record<string, unknown>): Selector {
  const s: Selector = {};
  for (const key of ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    const v = t[key];
    if (typeof v === 'string' && v !== '') s[key] = v;
  }
  return s;
}

const sameNs = (a: string, b: string): boolean => (a || 'default') === (b || 'default');

function anchored(pattern: string, values: readonly string[]): boolean {
  try {
    const re = new RegExp(`^(?:${pattern})$`);
    return values.some((v) => re.test(v));
  } catch {
    return false;
  }
}

function matches(p: Patch, inst: Instance): boolean {
  const d = inst.hr;
  if (p.target) {
    const t = p.target;
    if (TEMPLATED.test(Object.values(t).join(' '))) return false;
    if (t.group !== undefined && t.group !== d.group) return false;
    if (t.version !== undefined && t.version !== (d.apiVersion ?? '').slice((d.apiVersion ?? '').indexOf('/') + 1)) return false;
    if (t.kind !== undefined && t.kind !== d.kind) return false;
    if (t.name !== undefined && !anchored(t.name, inst.names)) return false;
    if (t.namespace !== undefined && !anchored(t.namespace, inst.namespaces)) return false;
    if (t.labelSelector !== undefined && !labelsMatch(t.labelSelector, d.get(['metadata', 'labels']))) return false;
    if (t.annotationSelector !== undefined && !labelsMatch(t.annotationSelector, d.get(['metadata', 'annotations']))) return false;
    return true;
  }
  // no target: a JSON6902 patch applies nowhere (kustomize requires a target); an unreadable one cannot say
  if (p.type === 'json' || !isObj(p.body)) return false;
  const b = p.body;
  const meta = isObj(b['metadata']) ? b['metadata'] : {};
  const av = typeof b['apiVersion'] === 'string' ? b['apiVersion'] : '';
  const group = av.includes('/') ? av.slice(0, av.indexOf('/')) : '';
  if (b['kind'] !== d.kind || group !== d.group || typeof meta['name'] !== 'string' || !inst.names.includes(meta['name'])) return false;
  const ns = meta['namespace'];
  return typeof ns !== 'string' || inst.namespaces.some((n) => sameNs(n, ns));
}

/** Equality-based label selectors (`a=b,c!=d,e`); set-based ones (`in`, `notin`) never match here. */
function labelsMatch(sel: string, labels: unknown): boolean {
  const l = isObj(labels) ? labels : {};
  for (const raw of sel.split(',')) {
    const term = raw.trim();
    if (!term) continue;
    const m = /^(!?)([\w./-]+)\s*(?:(==|=|!=)\s*([\w.-]*))?$/.exec(term);
    if (!m) return false;
    const [, not, key, op, value] = m;
    const has = Object.prototype.hasOwnProperty.call(l, key!);
    if (!op) {
      if (not ? has : !has) return false;
    } else if (op === '!=') {
      if (has && String(l[key!]) === value) return false;
    } else if (!has || String(l[key!]) !== value) return false;
  }
  return true;
}

// ---------- strategic merge ----------

/** Where a patch's values (or a part of them) are, as a layer without values. */
function layerAt(at: Where, inner: Path, root?: readonly string[]): Omit<ValuesLayer, 'values'> {
  const base: Omit<ValuesLayer, 'values'> = at.inString ? { doc: at.doc, valuesPath: at.path, inString: true, stringPath: inner } : { doc: at.doc, valuesPath: [...at.path, ...inner] };
  if (root?.length) base.root = root;
  return base;
}

function applySmp(inst: Instance, p: Patch): Instance | 'deleted' {
  const b = p.body;
  if (!isObj(b)) return { ...inst, skipped: true };
  if (b['$patch'] === 'delete') return 'deleted';
  const specV = b['spec'];
  let out = inst;
  if (isObj(specV)) {
    const chart = specV['chart'];
    const ver = isObj(chart) && isObj(chart['spec']) ? chart['spec']['version'] : undefined;
    if (typeof ver === 'string' || typeof ver === 'number') {
      const path: Path = ['spec', 'chart', 'spec', 'version'];
      out = { ...out, version: { value: String(ver), from: p.at.inString ? { doc: p.at.doc, path: p.at.path } : { doc: p.at.doc, path: [...p.at.path, ...path] } } };
    }
  }
  if (specV !== null && !(isObj(specV) && 'values' in specV)) return out;
  const v = specV === null ? null : specV['values'];
  if (v === null || (isObj(v) && v['$patch'] === 'delete')) return { ...out, inline: [], current: undefined };
  if (!isObj(v)) return { ...out, skipped: true };
  const where = layerAt(p.at, ['spec', 'values']);
  if (v['$patch'] === 'replace') {
    const values = cleaned(v);
    return { ...out, inline: [{ ...where, values }], current: values };
  }
  const cuts: string[][] = [];
  const values = smpValues(v, [], cuts);
  return { ...out, inline: [...out.inline.map((l) => prune(l, cuts)), { ...where, values }], current: mergePatch(out.current ?? {}, v) };
}

const isDirective = (k: string): boolean => k.startsWith('$');

/** The values a merge patch sets (nulls and directives dropped); `cuts` gets every key path it replaces or deletes. */
function smpValues(v: Record<string, unknown>, at: string[], cuts: string[][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (isDirective(k)) continue;
    const path = [...at, k];
    if (x === null || (isObj(x) && x['$patch'] === 'delete')) cuts.push(path);
    else if (isObj(x) && x['$patch'] === 'replace') {
      cuts.push(path);
      out[k] = cleaned(x);
    } else if (isObj(x)) out[k] = smpValues(x, path, cuts);
    else {
      cuts.push(path);
      out[k] = x;
    }
  }
  return out;
}

/** A patch map as a value: directives and nulls dropped (a merge patch never sets null). */
function cleaned(v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (isDirective(k) || x === null || (isObj(x) && x['$patch'] === 'delete')) continue;
    out[k] = isObj(x) ? cleaned(x) : x;
  }
  return out;
}

/** RFC 7386 merge of a patch into a target (maps merge, null deletes, the rest replaces) with the SMP map directives. */
function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  if (patch['$patch'] === 'replace') return cleaned(patch);
  const out: Record<string, unknown> = { ...target };
  for (const [k, x] of Object.entries(patch)) {
    if (isDirective(k)) continue;
    if (x === null || (isObj(x) && x['$patch'] === 'delete')) delete out[k];
    else if (isObj(x)) out[k] = mergePatch(isObj(out[k]) ? out[k] : {}, x);
    else out[k] = x;
  }
  return out;
}

/** A layer without the keys at `cuts` (copied along the way; the base release's layers are shared). */
function prune(l: ValuesLayer, cuts: readonly (readonly string[])[]): ValuesLayer {
  let values = l.values;
  for (const c of cuts) values = removeAt(values, c);
  return values === l.values ? l : { ...l, values };
}

// ---------- JSON6902 ----------

/** `/spec/values/a~1b/0` → ['spec', 'values', 'a/b', '0']; undefined when it is not a JSON pointer. */
function pointer(p: unknown): string[] | undefined {
  if (typeof p !== 'string' || (p !== '' && !p.startsWith('/'))) return undefined;
  return p === '' ? [] : p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const VALUES = ['spec', 'values'];
const VERSION = ['spec', 'chart', 'spec', 'version'];
const startsWith = (a: readonly string[], b: readonly string[]): boolean => b.every((s, i) => a[i] === s);

function applyJson(inst: Instance, p: Patch): Instance {
  const ops = p.body;
  if (!Array.isArray(ops)) return { ...inst, skipped: true };
  let st = inst;
  const fail = (): Instance => ({ ...inst, skipped: true }); // kustomize fails the whole build: nothing applies
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (!isObj(op) || typeof op['op'] !== 'string') return fail();
    const kind = op['op'];
    const path = pointer(op['path']);
    if (!path) return fail();
    const from = kind === 'move' || kind === 'copy' ? pointer(op['from']) : undefined;
    if ((kind === 'move' || kind === 'copy') && !from) return fail();
    if ((kind === 'add' || kind === 'replace') && path.join('/') === VERSION.join('/') && (typeof op['value'] === 'string' || typeof op['value'] === 'number')) {
      st = { ...st, version: { value: String(op['value']), from: p.at.inString ? { doc: p.at.doc, path: p.at.path } : { doc: p.at.doc, path: [...p.at.path, i, 'value'] } } };
      continue;
    }
    const inValues = startsWith(path, VALUES);
    const fromValues = from ? startsWith(from, VALUES) : false;
    if (!inValues && !fromValues) {
      // an operation above spec.values (`/spec`, ``) changes them in a way not followed here
      if (startsWith(VALUES, path) && kind !== 'test') st = { ...st, skipped: true };
      continue;
    }
    if (!inValues) {
      // moved out of the values: they lose the key
      if (kind === 'move') {
        const r = jsonRemove(st, from!.slice(2), layerAt(p.at, [i, 'from']));
        if (!r) return fail();
        st = r;
      }
      continue;
    }
    const rest = path.slice(2);
    let r: Instance | undefined;
    if (kind === 'add' || kind === 'replace') {
      if (!('value' in op)) return fail();
      r = jsonSet(st, rest, op['value'], kind === 'replace', layerAt(p.at, [i, 'value']));
    } else if (kind === 'remove') r = jsonRemove(st, rest, layerAt(p.at, [i, 'path']));
    else if (kind === 'copy' || kind === 'move') {
      if (!fromValues) {
        st = { ...st, skipped: true }; // a value from outside spec.values: not followed
        continue;
      }
      const got = getAt(st.current, from!.slice(2));
      if (!got.ok) return fail();
      const moved = kind === 'move' ? jsonRemove(st, from!.slice(2), layerAt(p.at, [i, 'from'])) : st;
      r = moved ? jsonSet(moved, rest, structuredClone(got.value), false, layerAt(p.at, [i, 'from'])) : undefined;
    } else if (kind === 'test') {
      const got = getAt(st.current, rest);
      if (!got.ok || JSON.stringify(got.value) !== JSON.stringify(op['value'])) return fail();
      r = st;
    } else return fail();
    if (!r) return fail();
    st = r;
  }
  return st;
}

/** JSON patch add (or replace: the target must exist) of `value` at `rest` below spec.values. */
function jsonSet(st: Instance, rest: string[], value: unknown, mustExist: boolean, where: Omit<ValuesLayer, 'values'>): Instance | undefined {
  if (!rest.length) {
    if (mustExist && st.current === undefined) return undefined;
    if (!isObj(value)) return undefined;
    return { ...st, inline: [{ ...where, values: value }], current: value };
  }
  const parentPath = rest.slice(0, -1);
  const last = rest[rest.length - 1]!;
  const parent = getAt(st.current, parentPath);
  if (!parent.ok) return undefined;
  if (Array.isArray(parent.value)) {
    const list = [...(parent.value as unknown[])];
    const idx = last === '-' && !mustExist ? list.length : index(last, mustExist ? list.length - 1 : list.length);
    if (idx === undefined) return undefined;
    list.splice(idx, mustExist ? 1 : 0, value);
    return withList(st, parentPath, list, where);
  }
  if (!isObj(parent.value) || (mustExist && !Object.prototype.hasOwnProperty.call(parent.value, last))) return undefined;
  return {
    ...st,
    inline: [...st.inline.map((l) => prune(l, [rest])), { ...where, root: rest, values: nest(rest, value) }],
    current: setAt(st.current ?? {}, rest, value),
  };
}

function jsonRemove(st: Instance, rest: string[], where: Omit<ValuesLayer, 'values'>): Instance | undefined {
  if (!rest.length) return st.current === undefined ? undefined : { ...st, inline: [], current: undefined };
  const parentPath = rest.slice(0, -1);
  const last = rest[rest.length - 1]!;
  const parent = getAt(st.current, parentPath);
  if (!parent.ok) return undefined;
  if (Array.isArray(parent.value)) {
    const idx = index(last, parent.value.length - 1);
    if (idx === undefined) return undefined;
    const list = [...(parent.value as unknown[])];
    list.splice(idx, 1);
    return withList(st, parentPath, list, where);
  }
  if (!isObj(parent.value) || !Object.prototype.hasOwnProperty.call(parent.value, last)) return undefined;
  return { ...st, inline: st.inline.map((l) => prune(l, [rest])), current: removeAt(st.current ?? {}, rest) };
}

/** A list changed in place: it is one value again, set by this operation. */
function withList(st: Instance, path: string[], list: unknown[], where: Omit<ValuesLayer, 'values'>): Instance {
  const layer: ValuesLayer = { ...where, values: nest(path, list) };
  if (path.length) layer.root = path;
  return { ...st, inline: [...st.inline.map((l) => prune(l, [path])), layer], current: path.length ? setAt(st.current ?? {}, path, list) : st.current };
}

function index(s: string, max: number): number | undefined {
  if (!/^(0|[1-9]\d*)$/.test(s)) return undefined;
  const n = Number(s);
  return n <= max ? n : undefined;
}

// ---------- immutable value helpers ----------

function getAt(v: unknown, path: readonly string[]): { ok: boolean; value?: unknown } {
  let cur = v;
  for (const s of path) {
    if (Array.isArray(cur)) {
      const i = index(s, cur.length - 1);
      if (i === undefined) return { ok: false };
      cur = cur[i];
    } else if (isObj(cur) && Object.prototype.hasOwnProperty.call(cur, s)) cur = cur[s];
    else return { ok: false };
  }
  return cur === undefined ? { ok: false } : { ok: true, value: cur };
}

function nest(path: readonly string[], value: unknown): Record<string, unknown> {
  let out: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) out = { [path[i]!]: out };
  return out as Record<string, unknown>;
}

/** `v` with `value` at `path` (maps only along the way; lists are replaced whole by withList). */
function setAt(v: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [head, ...tail] = path;
  if (head === undefined) return v;
  const child = v[head];
  if (!tail.length) return { ...v, [head]: value };
  if (Array.isArray(child)) {
    const i = index(tail[0]!, child.length - 1);
    if (i === undefined) return v;
    const list = [...(child as unknown[])];
    list[i] = tail.length === 1 ? value : setAt(isObj(list[i]) ? (list[i] as Record<string, unknown>) : {}, tail.slice(1), value);
    return { ...v, [head]: list };
  }
  return { ...v, [head]: setAt(isObj(child) ? child : {}, tail, value) };
}

/** `v` without the key at `path`; the same object when there is nothing to remove. */
function removeAt(v: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  const [head, ...tail] = path;
  if (head === undefined || !Object.prototype.hasOwnProperty.call(v, head)) return v;
  if (!tail.length) {
    const out = { ...v };
    delete out[head];
    return out;
  }
  const child = v[head];
  if (Array.isArray(child)) {
    const i = index(tail[0]!, child.length - 1);
    if (i === undefined) return v;
    const list = [...(child as unknown[])];
    if (tail.length === 1) list.splice(i, 1);
    else if (isObj(list[i])) list[i] = removeAt(list[i] as Record<string, unknown>, tail.slice(1));
    else return v;
    return { ...v, [head]: list };
  }
  if (!isObj(child)) return v;
  const inner = removeAt(child, tail);
  return inner === child ? v : { ...v, [head]: inner };
}

