/**
 * The Applications an Argo CD ApplicationSet makes, when talium can know them all from this repository: its
 * generator's parameter sets (git `directories`, git `files` naming YAML files, `list`, and a `matrix` of two of
 * those), each rendered into the template. Owns that question only (plan/appliers.ts turns the Applications into
 * appliers). Anything talium cannot know (other generators, selectors, a `templatePatch`, a templated child
 * generator, a parameter the template uses that no set has) gives no Application rather than a guess: the rules that
 * read appliers then stay silent instead of judging an Application Argo CD does not make.
 *
 * Source: argo-cd applicationset/generators (git.go generateParamsFromApps / generateParamsFromGitFile, list.go,
 * matrix.go with utils.CombineStringMaps and mergo.Merge).
 */
import type { YamlDocument } from '../core/document.js';
import { isObj, TEMPLATED } from './util.js';

/** One parameter set: with goTemplate the nested map Argo CD passes to text/template; else flat `key → string`. */
type ParamSet = Record<string, unknown>;

/** A generated Application: its name and rendered spec. */
export interface GeneratedApp {
  name: string;
  spec: unknown;
}


/**
 * The Applications `d` (an ApplicationSet) makes: one per parameter set of its single generator, the template
 * rendered with it; none when a set cannot be known or a rendered name is not a string. `byFile`: the repository's
 * YAML documents by file (the git `files` generator reads them), `folders`: its folders (the `directories` one).
 */
export function generatedApps(d: YamlDocument, folders: ReadonlySet<string>, byFile: ReadonlyMap<string, readonly YamlDocument[]>): GeneratedApp[] {
  const gens = d.get(['spec', 'generators']);
  const template = d.get(['spec', 'template']);
  if (!Array.isArray(gens) || gens.length !== 1 || !isObj(template) || d.get(['spec', 'templatePatch']) !== undefined) return [];
  const go = d.get(['spec', 'goTemplate']) === true;
  const sets = paramSets(gens[0], { folders, byFile, go }, true);
  const out: GeneratedApp[] = [];
  for (const set of sets ?? []) {
    const rendered = renderTemplate(template, set, go);
    if (!isObj(rendered) || !isObj(rendered['metadata'])) continue;
    const name = rendered['metadata']['name'];
    if (typeof name !== 'string') continue;
    out.push({ name, spec: rendered['spec'] });
  }
  return out;
}

interface Context {
  folders: ReadonlySet<string>;
  byFile: ReadonlyMap<string, readonly YamlDocument[]>;
  go: boolean;
}

/** A generator's parameter sets, or undefined when talium cannot know them. `top`: a matrix is allowed here. */
function paramSets(gen: unknown, ctx: Context, top: boolean): ParamSet[] | undefined {
  // one generator per entry, no selector (which filters sets by their values) or other keys
  if (!isObj(gen) || Object.keys(gen).length !== 1) return undefined;
  if (isObj(gen['git'])) return gitSets(gen['git'], ctx);
  if (isObj(gen['list'])) return listSets(gen['list'], ctx.go);
  if (top && isObj(gen['matrix'])) return matrixSets(gen['matrix'], ctx);
  return undefined;
}

/**
 * A `matrix` of two generators: every set of the first combined with every set of the second. A second generator that
 * uses the first's parameters (`{{...}}` in it) is not followed. Combining (matrix.go): with goTemplate the first
 * set's values win and maps merge (mergo.Merge without override); else a key both have with different values fails
 * the ApplicationSet (utils.CombineStringMaps), which makes no Application.
 */
function matrixSets(matrix: Record<string, unknown>, ctx: Context): ParamSet[] | undefined {
  const children = matrix['generators'];
  if (!Array.isArray(children) || children.length !== 2 || Object.keys(matrix).length !== 1) return undefined;
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
        out.push(mergeKeepFirst(a, b));
        continue;
      }
      for (const k of Object.keys(b)) if (Object.hasOwn(a, k) && a[k] !== b[k]) return [];
      out.push({ ...a, ...b });
    }
  }
  return out;
}

/**
 * mergo.Merge(dst=a, src=b) without override: b's values go where a has none or an empty one (Go's zero value: "",
 * false, 0, an empty list or map), maps both have are merged the same way.
 */
function mergeKeepFirst(a: ParamSet, b: ParamSet): ParamSet {
  const out: ParamSet = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const have = out[k];
    if (isObj(have) && isObj(v) && Object.keys(have).length) out[k] = mergeKeepFirst(have as ParamSet, v);
    else if (isEmpty(have)) out[k] = v;
  }
  return out;
}

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || v === false || v === 0 || (Array.isArray(v) ? !v.length : isObj(v) && !Object.keys(v).length);

/** A git generator: `directories` or `files` (git.go GenerateParams picks directories when both are set). */
function gitSets(git: Record<string, unknown>, ctx: Context): ParamSet[] | undefined {
  // generator-level `values` are templated with the parameters (appendTemplatedValues): not followed
  if (git['values'] !== undefined) return undefined;
  const prefix = typeof git['pathParamPrefix'] === 'string' ? git['pathParamPrefix'] : '';
  if (Array.isArray(git['directories']) && git['directories'].length) return dirSets(git['directories'], prefix, ctx);
  if (Array.isArray(git['files']) && git['files'].length) return fileSets(git['files'], prefix, ctx);
  return undefined;
}

/** Include and exclude globs of a git generator's entries, or undefined when one is templated or uses `**`. */
function globs(entries: readonly unknown[]): { include: RegExp[]; exclude: RegExp[] } | undefined {
  const include: RegExp[] = [];
  const exclude: RegExp[] = [];
  for (const e of entries) {
    if (!isObj(e) || typeof e['path'] !== 'string' || TEMPLATED.test(e['path']) || e['path'].includes('**')) return undefined;
    (e['exclude'] === true ? exclude : include).push(globRegex(e['path'].replace(/^\.?\/+/, '').replace(/\/+$/, '')));
  }
  return { include, exclude };
}

/**
 * A git `directories` generator (git.go filterApps): one set per folder a `path` glob matches (Go's path.Match: `*`
 * within one segment) that no `exclude: true` entry matches, with the folder's path parameters.
 */
function dirSets(entries: readonly unknown[], prefix: string, ctx: Context): ParamSet[] | undefined {
  const g = globs(entries);
  if (!g) return undefined;
  const out: ParamSet[] = [];
  for (const dir of [...ctx.folders].sort()) {
    if (!dir || !g.include.some((r) => r.test(dir)) || g.exclude.some((r) => r.test(dir))) continue;
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
  const g = globs(entries);
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

/** Argo CD's utils.SanitizeName as talium models it for `basenameNormalized`. */
const normalized = (s: string): string => s.replace(/[^a-zA-Z0-9-]/g, '-').toLowerCase();

/**
 * The path parameters of a folder (and, for the files generator, a file name) added to `set`, under `pathParamPrefix`
 * when set: with goTemplate `.path.path`, `.path.basename`, `.path.segments`...; else `path`, `path.basename`,
 * `path[N]`... (a `path` key of the file's own is replaced, as in git.go).
 */
function pathParams(set: ParamSet, dir: string, filename: string | undefined, prefix: string, go: boolean): ParamSet {
  const segs = dir.split('/');
  const base = segs[segs.length - 1]!;
  const fields: Record<string, string> = { path: dir, basename: base, basenameNormalized: normalized(base) };
  if (filename !== undefined) {
    fields['filename'] = filename;
    fields['filenameNormalized'] = normalized(filename);
  }
  if (go) {
    const p = { ...fields, segments: segs };
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
 * `elementsYaml`, a generator's own `template`: not known.
 */
function listSets(list: Record<string, unknown>, go: boolean): ParamSet[] | undefined {
  if (!Array.isArray(list['elements']) || list['elementsYaml'] !== undefined || list['template'] !== undefined) return undefined;
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

/** A git generator glob as a regular expression (`*`, `?` and `[...]` within one path segment). */
function globRegex(glob: string): RegExp {
  let re = '';
  for (const c of glob) re += c === '*' ? '[^/]*' : c === '?' ? '[^/]' : /[\\^$.+()|{}]/.test(c) ? `\\${c}` : c;
  return new RegExp(`^${re}$`);
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

/** Every string of `v` with the parameters put in; undefined when one is not known. */
function renderTemplate(v: unknown, set: ParamSet, go: boolean): unknown {
  let unknown = false;
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') {
      if (/\$\{/.test(x)) unknown = true;
      return x.replace(/\{\{-?([^}]*?)-?\}\}/g, (_, e: string) => {
        const r = lookup(set, e.trim(), go);
        if (r === undefined) unknown = true;
        return r ?? '';
      });
    }
    if (Array.isArray(x)) return x.map(walk);
    if (isObj(x)) return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
    return x;
  };
  const out = walk(v);
  return unknown ? undefined : out;
}
