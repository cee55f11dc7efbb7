/**
 * The Applications an Argo CD ApplicationSet makes, when talium can know them all from this repository: its
 * generator's parameter sets (git `directories` and git `files` naming YAML files, with generator-level `values`;
 * `list`; `clusters` (plan/appset-clusters.ts); a `matrix` of two of those; a `merge` of two or more of them), kept
 * by a generator-level `selector` (plan/appset-selector.ts), each rendered into the template (the generator's own
 * `template` over the ApplicationSet's). Owns that question only (plan/appliers.ts turns the Applications into
 * appliers). Anything talium cannot know (other generators, a `templatePatch`, a templated matrix child, a nested
 * selector without `applyNestedSelectors`, a parameter the template uses that no set has) gives no Application rather
 * than a guess: the rules that read appliers then stay silent instead of judging an Application Argo CD does not make.
 *
 * Source: argo-cd applicationset/generators (git.go generateParamsFromApps / generateParamsFromGitFile / filterApps,
 * list.go, cluster.go, matrix.go with utils.CombineStringMaps and mergo.Merge, merge.go, value_interpolation.go
 * appendTemplatedValues, generator_spec_processor.go Transform / mergeGeneratorTemplate) and applicationset/utils
 * (utils.go Render.Replace).
 */
import type { Path, YamlDocument } from '../core/document.js';
import { clusterSecrets, clusterSets, sanitizeName } from './appset-clusters.js';
import { GO_TYPED, selectSets } from './appset-selector.js';
import { isObj, TEMPLATED } from './util.js';

/** One parameter set: with goTemplate the nested map Argo CD passes to text/template; else flat `key → string`. */
type ParamSet = Record<string, unknown>;

/** A generated Application: its name, rendered spec, and where in the ApplicationSet the spec its sources come from is written. */
export interface GeneratedApp {
  name: string;
  spec: unknown;
  at: Path;
}


/**
 * The Applications `d` (an ApplicationSet) makes: one per parameter set of its single generator, the template
 * rendered with it; none when a set cannot be known or a rendered name is not a string. `byFile`: the repository's
 * YAML documents by file (the git `files` generator reads them, the `clusters` one its cluster Secrets), `folders`: its
 * folders (the `directories` one).
 */
export function generatedApps(d: YamlDocument, folders: ReadonlySet<string>, byFile: ReadonlyMap<string, readonly YamlDocument[]>): GeneratedApp[] {
  const e = appsetExpansion(d, folders, byFile);
  // a set whose template does not render is left out; the others are known
  return e.unknown === undefined || e.partial ? e.apps : [];
}

/**
 * generatedApps with the reason talium does not know them all (`unknown`: a phrase such as "its scmProvider
 * generator"; undefined when every Application is known, none included), for gitops/appset-not-expanded.
 */
export function appsetExpansion(d: YamlDocument, folders: ReadonlySet<string>, byFile: ReadonlyMap<string, readonly YamlDocument[]>): { apps: GeneratedApp[]; unknown?: string; partial?: boolean } {
  const gens = d.get(['spec', 'generators']);
  const template = d.get(['spec', 'template']);
  if (!Array.isArray(gens) || !gens.length) return { apps: [], unknown: 'no generator talium reads' };
  if (gens.length !== 1) return { apps: [], unknown: `${gens.length} generators (talium follows an ApplicationSet of one)` };
  if (d.get(['spec', 'templatePatch']) !== undefined) return { apps: [], unknown: 'a templatePatch' };
  if (!isObj(template)) return { apps: [], unknown: 'a template that is not a mapping' };
  const go = d.get(['spec', 'goTemplate']) === true;
  const sets = paramSets(gens[0], { folders, byFile, go, nestedSelectors: d.get(['spec', 'applyNestedSelectors']) === true }, true);
  if (!sets) return { apps: [], unknown: `its ${kindOf(gens[0]) ?? 'unreadable'} generator (not expanded, or a parameter set talium cannot know)` };
  const tmpl = sets.length ? generatorTemplate(gens[0], template) : undefined;
  if (sets.length && !tmpl) return { apps: [], unknown: 'a generator template that is not a mapping' };
  const out: GeneratedApp[] = [];
  let partial = false;
  for (const set of tmpl ? sets : []) {
    const rendered = renderTemplate(tmpl!.template, set, go);
    const name = isObj(rendered) && isObj(rendered['metadata']) ? rendered['metadata']['name'] : undefined;
    if (typeof name !== 'string') {
      partial = true;
      continue;
    }
    out.push({ name, spec: (rendered as Record<string, unknown>)['spec'], at: tmpl!.at });
  }
  return partial ? { apps: out, unknown: 'a template talium cannot render for every parameter set (functions, `range`, or a parameter no set has)', partial } : { apps: out };
}

interface Context {
  folders: ReadonlySet<string>;
  byFile: ReadonlyMap<string, readonly YamlDocument[]>;
  go: boolean;
  /** `spec.applyNestedSelectors`: a matrix or merge child's `selector` is applied (else Argo CD 2 drops it, 3 applies it). */
  nestedSelectors: boolean;
}

/** The generator kind of a generator entry (its one key besides `selector`), or undefined. */
function kindOf(gen: unknown): string | undefined {
  if (!isObj(gen)) return undefined;
  const kinds = Object.keys(gen).filter((k) => k !== 'selector');
  return kinds.length === 1 ? kinds[0] : undefined;
}

/** A generator's parameter sets, or undefined when talium cannot know them. `top`: a matrix or merge is allowed here. */
function paramSets(gen: unknown, ctx: Context, top: boolean): ParamSet[] | undefined {
  const kind = kindOf(gen);
  const g = gen as Record<string, unknown>;
  const body = kind === undefined ? undefined : g[kind];
  if (!isObj(body)) return undefined;
  let sets: ParamSet[] | undefined;
  if (kind === 'git') sets = gitSets(body, ctx);
  else if (kind === 'list') sets = listSets(body, ctx.go);
  else if (kind === 'clusters') sets = withValues(clusterSets(body, ctx.go, clusterSecrets(ctx.byFile)), body['values'], ctx.go);
  else if (top && kind === 'matrix') sets = matrixSets(body, ctx);
  else if (top && kind === 'merge') sets = mergeSets(body, ctx);
  if (!sets || g['selector'] === undefined) return sets;
  // a matrix or merge child's selector: Argo CD 2 drops it unless spec.applyNestedSelectors (matrix.go, merge.go
  // dropDisabledNestedSelectors), Argo CD 3 applies it: known only with the flag
  if (!top && !ctx.nestedSelectors) return undefined;
  return selectSets(sets, g['selector']);
}

/**
 * The template a generator's sets are rendered into (generator_spec_processor.go mergeGeneratorTemplate): the
 * generator's own `template` with the ApplicationSet's filling what it leaves empty (mergo.Merge without override),
 * and where the spec whose sources the Application renders is written. A matrix or merge child's `template` is
 * ignored (getParams keeps the child's parameters only). Undefined when the generator's template is not a mapping.
 */
function generatorTemplate(gen: unknown, template: Record<string, unknown>): { template: Record<string, unknown>; at: Path } | undefined {
  const base: Path = ['spec', 'template', 'spec'];
  const kind = kindOf(gen)!;
  const own = (gen as Record<string, Record<string, unknown>>)[kind]!['template'];
  if (own === undefined || own === null) return { template, at: base };
  if (!isObj(own)) return undefined;
  const merged = mergeStruct(own, template);
  // sourcesOf (appliers.ts) reads `sources` when it is a non-empty list, else `source`: from the template that set it
  const ownSpec = isObj(own['spec']) ? own['spec'] : {};
  const mergedSpec = isObj(merged['spec']) ? merged['spec'] : {};
  const list = Array.isArray(mergedSpec['sources']) && mergedSpec['sources'].length > 0;
  const fromOwn = list ? Array.isArray(ownSpec['sources']) && ownSpec['sources'].length > 0 : isObj(ownSpec['source']) && Object.keys(ownSpec['source']).length > 0;
  return { template: merged, at: fromOwn ? ['spec', 'generators', 0, kind, 'template', 'spec'] : base };
}

/**
 * mergo.Merge(dst, src) of two typed Go structs without override, on their YAML values: what `dst` leaves empty
 * (absent, "", false, 0, an empty list or mapping) `src` fills, mappings both set merge key by key. A Helm
 * `valuesObject` is one value (a runtime.RawExtension, not a map).
 */
function mergeStruct(dst: Record<string, unknown>, src: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...dst };
  for (const [k, v] of Object.entries(src)) {
    const have = out[k];
    if (k !== 'valuesObject' && isObj(have) && isObj(v) && Object.keys(have).length) out[k] = mergeStruct(have, v);
    else if (isEmpty(have)) out[k] = v;
  }
  return out;
}

/**
 * A `matrix` of two generators: every set of the first combined with every set of the second. A second generator that
 * uses the first's parameters (`{{...}}` in it) is not followed. Combining (matrix.go): with goTemplate the second
 * set, then the first merged over it (mergo.Merge with override: the first set's values win, maps merge); else a key
 * both have with different values fails the ApplicationSet (utils.CombineStringMaps), which makes no Application.
 */
function matrixSets(matrix: Record<string, unknown>, ctx: Context): ParamSet[] | undefined {
  const children = matrix['generators'];
  // (its own `template` is the caller's: generatorTemplate)
  if (!Array.isArray(children) || children.length !== 2 || Object.keys(matrix).some((k) => k !== 'generators' && k !== 'template')) return undefined;
  if (TEMPLATED.test(JSON.stringify(children[1]))) return undefined;
  const first = paramSets(children[0], ctx, false);
  const second = paramSets(children[1], ctx, false);
  if (!first || !second) return undefined;
  // (a child with no set fails the matrix: "child generator generated no parameters")
  if (!first.length || !second.length) return [];
  const out: ParamSet[] = [];
  for (const a of first) {
    for (const b of second) {
      if (ctx.go) {
        const m = mergeOverride(b, a);
        if (!m) return undefined;
        out.push(m);
        continue;
      }
      for (const k of Object.keys(b)) if (Object.hasOwn(a, k) && a[k] !== b[k]) return [];
      out.push({ ...a, ...b });
    }
  }
  return out;
}

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || v === false || v === 0 || (Array.isArray(v) ? !v.length : isObj(v) && !Object.keys(v).length);

/**
 * A `merge` of two or more generators (merge.go): the first child's sets, each combined with the set of every later
 * child that has the same values of the `mergeKeys` (top-level parameters, compared as JSON; a set lacking one has
 * null), later children winning: with goTemplate mergo.Merge with override (maps both have merge), else the later
 * string wins. Sets of later children that match none are dropped. Fails (no Application) with fewer than two
 * children, no merge key, a child with no set, or two sets of one child with the same key values.
 */
function mergeSets(merge: Record<string, unknown>, ctx: Context): ParamSet[] | undefined {
  const children = merge['generators'];
  const keys = merge['mergeKeys'];
  if (!Array.isArray(children) || Object.keys(merge).some((k) => !['generators', 'mergeKeys', 'template'].includes(k))) return undefined;
  if (keys !== undefined && keys !== null && (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string'))) return undefined;
  const mergeKeys = [...new Set((keys ?? []) as string[])].sort();
  const lists: ParamSet[][] = [];
  for (const c of children) {
    const sets = paramSets(c, ctx, false);
    if (!sets) return undefined;
    lists.push(sets);
  }
  if (lists.length < 2 || !mergeKeys.length || lists.some((l) => !l.length)) return [];
  const byKey = (sets: readonly ParamSet[]): Map<string, ParamSet> | undefined => {
    const m = new Map<string, ParamSet>();
    for (const set of sets) {
      const k = canonicalJson(Object.fromEntries(mergeKeys.map((key) => [key, Object.hasOwn(set, key) ? set[key] : null])));
      if (m.has(k)) return undefined;
      m.set(k, set);
    }
    return m;
  };
  const base = byKey(lists[0]!);
  if (!base) return [];
  for (const later of lists.slice(1)) {
    const over = byKey(later);
    if (!over) return [];
    for (const [k, set] of base) {
      const o = over.get(k);
      if (!o) continue;
      const merged = ctx.go ? mergeOverride(set, o) : { ...set, ...o };
      if (!merged) return undefined;
      base.set(k, merged);
    }
  }
  return [...base.values()];
}

/** JSON with map keys sorted, as Go's json.Marshal writes a map. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v ?? null);
}

/**
 * mergo.Merge(dst, src, WithOverride) of two parameter maps: src's values replace dst's, maps both have merge, an
 * empty src list keeps dst's. Undefined where talium is not sure of mergo's answer: an empty or null src value over
 * a set one, a map over a value that is none or the reverse.
 */
function mergeOverride(dst: ParamSet, src: ParamSet): ParamSet | undefined {
  const out: ParamSet = { ...dst };
  for (const [k, v] of Object.entries(src)) {
    const have = out[k];
    if (have === undefined) out[k] = v;
    else if (isObj(v) && isObj(have)) {
      const m = mergeOverride(have, v);
      if (!m) return undefined;
      out[k] = m;
    } else if (isObj(v) || isObj(have) || Array.isArray(v) !== Array.isArray(have)) return undefined;
    else if (isEmpty(v) && !isEmpty(have)) {
      if (!Array.isArray(v)) return undefined;
    } else out[k] = v;
  }
  return out;
}

/**
 * Generator-level `values` added to each set (value_interpolation.go appendTemplatedValues): each value rendered with
 * the set's parameters, under `values` (a map replacing any `values` the set had) with goTemplate, else as
 * `values.<key>`. Undefined when a value is not a string or does not render.
 */
function withValues(sets: ParamSet[] | undefined, values: unknown, go: boolean): ParamSet[] | undefined {
  if (!sets || values === undefined || values === null) return sets;
  if (!isObj(values)) return undefined;
  const entries = Object.entries(values);
  if (!entries.length) return sets;
  const out: ParamSet[] = [];
  for (const set of sets) {
    const rendered: Record<string, string> = {};
    for (const [k, v] of entries) {
      const r = typeof v === 'string' ? renderString(v, set, go) : undefined;
      if (r === undefined) return undefined;
      rendered[k] = r;
    }
    if (go) {
      GO_TYPED.add(rendered);
      out.push({ ...set, values: rendered });
    } else out.push({ ...set, ...Object.fromEntries(Object.entries(rendered).map(([k, v]) => [`values.${k}`, v])) });
  }
  return out;
}

/** A git generator: `directories` or `files` (git.go GenerateParams picks directories when both are set). */
function gitSets(git: Record<string, unknown>, ctx: Context): ParamSet[] | undefined {
  const prefix = typeof git['pathParamPrefix'] === 'string' ? git['pathParamPrefix'] : '';
  if (Array.isArray(git['directories']) && git['directories'].length) return withValues(dirSets(git['directories'], prefix, ctx), git['values'], ctx.go);
  if (Array.isArray(git['files']) && git['files'].length) return withValues(fileSets(git['files'], prefix, ctx), git['values'], ctx.go);
  return undefined;
}

/**
 * Include and exclude globs of a git generator's entries, or undefined when one is templated or not known: a backslash
 * escape or a malformed bracket expression; in a `files` path `**` or a leading `/` or `./` (the repo-server lists
 * files with `git ls-files` or, with the new globbing setting, a glob of its own: not Go's path.Match). A
 * `directories` path is matched as written (path.Match: `**` is `*`; `./apps/*`, `/apps/*` and a path ending in `/` match no
 * folder, since the repo-server lists `apps/web`).
 */
function globs(entries: readonly unknown[], files: boolean): { include: RegExp[]; exclude: RegExp[] } | undefined {
  const include: RegExp[] = [];
  const exclude: RegExp[] = [];
  for (const e of entries) {
    if (!isObj(e) || typeof e['path'] !== 'string' || TEMPLATED.test(e['path']) || e['path'].includes('\\')) return undefined;
    if (files && (e['path'].includes('**') || /^\.?\//.test(e['path']))) return undefined;
    const re = globRegex(e['path']);
    if (!re) return undefined;
    (e['exclude'] === true ? exclude : include).push(re);
  }
  return { include, exclude };
}

/**
 * A git `directories` generator (git.go filterApps): one set per folder a `path` glob matches (Go's path.Match: `*`
 * within one segment) that no `exclude: true` entry matches, with the folder's path parameters. The repo-server lists
 * every folder but those below a name starting with `.` (reposerver/repository/repository.go GetGitDirectories:
 * filepath.SkipDir), so `.github` is none.
 */
function dirSets(entries: readonly unknown[], prefix: string, ctx: Context): ParamSet[] | undefined {
  const g = globs(entries, false);
  if (!g) return undefined;
  const out: ParamSet[] = [];
  for (const dir of [...ctx.folders].sort()) {
    if (!dir || dir.split('/').some((s) => s.startsWith('.')) || !g.include.some((r) => r.test(dir)) || g.exclude.some((r) => r.test(dir))) continue;
    out.push(pathParams({}, dir, undefined, prefix, ctx.go));
  }
  return out;
}

/**
 * A git `files` generator (git.go generateParamsForGitFiles): the files the `path` globs match, sorted, less the
 * excluded ones; each file's YAML mapping is one set (a sequence of mappings one set each), with the path parameters of
 * the file's folder and name. talium knows the YAML files it reads: a glob that could match another file (not ending
 * in `.yaml`/`.yml`), a file of several documents or one whose value is neither: not known.
 */
function fileSets(entries: readonly unknown[], prefix: string, ctx: Context): ParamSet[] | undefined {
  const g = globs(entries, true);
  if (!g) return undefined;
  for (const e of entries) if (isObj(e) && e['exclude'] !== true && !/\.ya?ml$/.test(String(e['path']))) return undefined;
  const out: ParamSet[] = [];
  for (const file of [...ctx.byFile.keys()].sort()) {
    if (!g.include.some((r) => r.test(file)) || g.exclude.some((r) => r.test(file))) continue;
    const docs = ctx.byFile.get(file)!;
    if (docs.length !== 1 || docs[0]!.list) return undefined;
    const value = docs[0]!.parsed;
    const objects = Array.isArray(value) ? value : [value];
    for (const o of objects) {
      if (!isObj(o)) return undefined;
      const slash = file.lastIndexOf('/');
      const dir = slash === -1 ? '.' : file.slice(0, slash);
      out.push(pathParams(ctx.go ? { ...o } : flatten(o), dir, file.slice(slash + 1), prefix, ctx.go));
    }
  }
  return out;
}

/**
 * jeremywohl/flatten DotStyle as the files generator uses it, each value `fmt.Sprintf("%v")`: strings, booleans and
 * whole numbers Go prints the same way (below 1e21 and above -1e21 with %v: `1e+06` from 1000000, so only |n| < 1e6);
 * other values are left out (a template using them is then not known).
 */
function flatten(o: Record<string, unknown>, into: ParamSet = {}, at = ''): ParamSet {
  const entries: Array<[string, unknown]> = Array.isArray(o) ? o.map((v, i) => [String(i), v]) : Object.entries(o);
  for (const [k, v] of entries) {
    const key = at ? `${at}.${k}` : k;
    if (typeof v === 'string') into[key] = v;
    else if (typeof v === 'boolean') into[key] = String(v);
    else if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 1e6) into[key] = String(v);
    else if (v !== null && typeof v === 'object') flatten(v as Record<string, unknown>, into, key);
  }
  return into;
}


/**
 * The path parameters of a folder (and, for the files generator, a file name) added to `set`, under `pathParamPrefix`
 * when set: with goTemplate `.path.path`, `.path.basename`, `.path.segments`...; else `path`, `path.basename`,
 * `path[N]`... (a `path` key of the file's own is replaced, as in git.go).
 */
function pathParams(set: ParamSet, dir: string, filename: string | undefined, prefix: string, go: boolean): ParamSet {
  const segs = dir.split('/');
  const base = segs[segs.length - 1]!;
  const fields: Record<string, string> = { path: dir, basename: base, basenameNormalized: sanitizeName(base) };
  if (filename !== undefined) {
    fields['filename'] = filename;
    fields['filenameNormalized'] = sanitizeName(filename);
  }
  if (go) {
    // segments is a Go []string (a selector cannot read it flattened)
    const p = { ...fields, segments: segs };
    GO_TYPED.add(segs);
    if (prefix) set[prefix] = { path: p };
    else set['path'] = p;
    return set;
  }
  const name = prefix ? `${prefix}.path` : 'path';
  set[name] = dir;
  for (const [k, v] of Object.entries(fields)) if (k !== 'path') set[`${name}.${k}`] = v;
  segs.forEach((s, i) => {
    if (s) set[`${name}[${i}]`] = s;
  });
  return set;
}

/**
 * A `list` generator (list.go): one set per element. With goTemplate the element itself; else its string fields (and
 * `values.<key>` for the keys of a `values` map), where a value that is not a string fails the generator (not known).
 * `elementsYaml`: not known. (A generator's own `template` is generatedApps'.)
 */
function listSets(list: Record<string, unknown>, go: boolean): ParamSet[] | undefined {
  if (!Array.isArray(list['elements']) || list['elementsYaml'] !== undefined) return undefined;
  const out: ParamSet[] = [];
  for (const el of list['elements']) {
    if (!isObj(el)) return undefined;
    if (go) {
      out.push(el);
      continue;
    }
    const flat: ParamSet = {};
    for (const [k, v] of Object.entries(el)) {
      if (k === 'values') {
        if (!isObj(v)) return undefined;
        for (const [vk, vv] of Object.entries(v)) {
          if (typeof vv !== 'string') return undefined;
          flat[`values.${vk}`] = vv;
        }
      } else if (typeof v === 'string') flat[k] = v;
      else return undefined;
    }
    out.push(flat);
  }
  return out;
}

/** A git generator glob as a regular expression (`*`, `?` and `[...]` within one path segment); undefined when malformed. */
export function globRegex(glob: string): RegExp | undefined {
  let re = '';
  for (const c of glob) re += c === '*' ? '[^/]*' : c === '?' ? '[^/]' : /[\\^$.+()|{}]/.test(c) ? `\\${c}` : c;
  try {
    return new RegExp(`^${re}$`);
  } catch {
    return undefined;
  }
}

/**
 * The value of the expression between `{{` and `}}` (trimmed) in a set, or undefined when not known: with goTemplate
 * a field path (`.a.b`) to a string or `index .a.b N` of a list of strings; else the flat key.
 */
function lookup(set: ParamSet, expr: string, go: boolean): string | undefined {
  if (!go) {
    const v = Object.hasOwn(set, expr) ? set[expr] : undefined;
    return typeof v === 'string' ? v : undefined;
  }
  const m = /^(?:index\s+)?\.([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?:\s+(\d+))?$/.exec(expr);
  if (!m || (expr.startsWith('index') !== (m[2] !== undefined))) return undefined;
  let v: unknown = set;
  for (const k of m[1]!.split('.')) v = isObj(v) && Object.hasOwn(v, k) ? v[k] : undefined;
  if (m[2] !== undefined) v = Array.isArray(v) ? v[Number(m[2])] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** `x` with the parameters put in (Render.Replace); undefined when one is not known. */
function renderString(x: string, set: ParamSet, go: boolean): string | undefined {
  if (/\$\{/.test(x)) return undefined;
  let unknown = false;
  const out = x.replace(/\{\{-?([^}]*?)-?\}\}/g, (_, e: string) => {
    const r = lookup(set, e.trim(), go);
    if (r === undefined) unknown = true;
    return r ?? '';
  });
  return unknown ? undefined : out;
}

/** Every string of `v` with the parameters put in; undefined when one is not known. */
function renderTemplate(v: unknown, set: ParamSet, go: boolean): unknown {
  let unknown = false;
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') {
      const r = renderString(x, set, go);
      if (r === undefined) unknown = true;
      return r ?? '';
    }
    if (Array.isArray(x)) return x.map(walk);
    if (isObj(x)) return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
    return x;
  };
  const out = walk(v);
  return unknown ? undefined : out;
}
