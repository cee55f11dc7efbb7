/**
 * Applies one Kustomize patch (strategic merge or JSON6902) to a Flux HelmRelease's `spec.values`, kept as values
 * layers with positions: the base's inline layer, then one layer per patch, earlier layers pruned where a patch
 * replaces or deletes a key (so valueAt finds the last writer). Pure; never throws. Which patch applies to which
 * release is plan/kustomize-overlays.ts's business.
 *
 * Semantics, as kustomize applies them to a custom resource (no OpenAPI patch strategy):
 * - strategic merge works as a JSON merge patch: maps merge, lists are replaced (kubernetes-sigs/kustomize#306,
 *   #749, #3387), `null` deletes the key (#1124; with a `target`, #5995 reports labels set to "null" instead: values
 *   are still deleted here), and the SMP `$patch: delete` / `$patch: replace` map directives delete / replace a map;
 * - JSON6902 (RFC 6902, api/filters/patchjson6902 on evanphx/json-patch): add, replace, remove, copy, move and test
 *   on `/spec/values/...` (JSON pointer, `~1` = `/`, `~0` = `~`, `-` appends to a list; an operation inside a
 *   list element makes the outermost list on its path one value set by the operation); an operation the build
 *   would fail on (missing path, failed test, unknown op) applies nothing of the patch and marks the state
 *   `skipped`, as does an operation above `spec.values` (`/spec`).
 */
import type { Path, YamlDocument } from '../core/document.js';
import type { Fact, ValuesLayer } from './types.js';
import { isObj, jsonPointer } from './util.js';

/** Where a patch body is: a document (path-file patch, `path` []) or the string at `path` (inline patch). */
export interface Where {
  doc: YamlDocument;
  path: Path;
  inString: boolean;
}

/** A HelmRelease's spec.values as layers (base inline, then patches), its effective value and chart version. */
export interface PatchState {
  inline: readonly ValuesLayer[];
  /** The effective spec.values (undefined: unset). */
  current: Record<string, unknown> | undefined;
  version?: Fact<string>;
  /** A patch that matched could not be applied: the values may differ from the layers. */
  skipped: boolean;
}

/**
 * `st` after the patch (`type` by kustomize's detection: a list of operations is JSON6902), or 'deleted' when a
 * strategic-merge `$patch: delete` removes the object. The same state when the patch changes nothing here.
 */
export function applyPatch<T extends PatchState>(st: T, type: 'smp' | 'json', body: unknown, at: Where): T | 'deleted' {
  return type === 'json' ? applyJson(st, body, at) : applySmp(st, body, at);
}

// ---------- strategic merge ----------

/** Where `inner` of a patch body is (its `spec.values`, an operation's `value`), as a layer without values. */
function layerAt(at: Where, inner: Path): Omit<ValuesLayer, 'values'> {
  return at.inString ? { doc: at.doc, valuesPath: at.path, inString: true, stringPath: inner } : { doc: at.doc, valuesPath: [...at.path, ...inner] };
}

function applySmp<T extends PatchState>(inst: T, b: unknown, at: Where): T | 'deleted' {
  if (!isObj(b)) return { ...inst, skipped: true };
  if (b['$patch'] === 'delete') return 'deleted';
  const specV = b['spec'];
  let out = inst;
  if (isObj(specV)) {
    const chart = specV['chart'];
    const ver = isObj(chart) && isObj(chart['spec']) ? chart['spec']['version'] : undefined;
    if (typeof ver === 'string' || typeof ver === 'number') {
      const path: Path = ['spec', 'chart', 'spec', 'version'];
      out = { ...out, version: { value: String(ver), from: at.inString ? { doc: at.doc, path: at.path, inner: path } : { doc: at.doc, path: [...at.path, ...path] } } };
    }
  }
  if (specV !== null && !(isObj(specV) && 'values' in specV)) return out;
  const v = specV === null ? null : specV['values'];
  if (v === null || (isObj(v) && v['$patch'] === 'delete')) return { ...out, inline: [], current: undefined };
  if (!isObj(v)) return { ...out, skipped: true };
  const where = layerAt(at, ['spec', 'values']);
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


const VALUES = ['spec', 'values'];
const VERSION = ['spec', 'chart', 'spec', 'version'];
const startsWith = (a: readonly string[], b: readonly string[]): boolean => b.every((s, i) => a[i] === s);

function applyJson<T extends PatchState>(inst: T, ops: unknown, at: Where): T {
  if (!Array.isArray(ops)) return { ...inst, skipped: true };
  let st = inst;
  const fail = (): T => ({ ...inst, skipped: true }); // kustomize fails the whole build: nothing applies
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (!isObj(op) || typeof op['op'] !== 'string') return fail();
    const kind = op['op'];
    const path = jsonPointer(op['path']);
    if (!path) return fail();
    const from = kind === 'move' || kind === 'copy' ? jsonPointer(op['from']) : undefined;
    if ((kind === 'move' || kind === 'copy') && !from) return fail();
    if ((kind === 'add' || kind === 'replace') && path.join('/') === VERSION.join('/') && (typeof op['value'] === 'string' || typeof op['value'] === 'number')) {
      st = { ...st, version: { value: String(op['value']), from: at.inString ? { doc: at.doc, path: at.path, inner: [i, 'value'] } : { doc: at.doc, path: [...at.path, i, 'value'] } } };
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
        const r = jsonRemove(st, from!.slice(2), layerAt(at, [i, 'from']));
        if (!r) return fail();
        st = r;
      }
      continue;
    }
    const rest = path.slice(2);
    let r: T | undefined;
    if (kind === 'add' || kind === 'replace') {
      if (!('value' in op)) return fail();
      r = jsonSet(st, rest, op['value'], kind === 'replace', layerAt(at, [i, 'value']));
    } else if (kind === 'remove') r = jsonRemove(st, rest, layerAt(at, [i, 'path']));
    else if (kind === 'copy' || kind === 'move') {
      if (!fromValues) {
        st = { ...st, skipped: true }; // a value from outside spec.values: not followed
        continue;
      }
      const got = getAt(st.current, from!.slice(2));
      if (!got.ok) return fail();
      const moved = kind === 'move' ? jsonRemove(st, from!.slice(2), layerAt(at, [i, 'from'])) : st;
      r = moved ? jsonSet(moved, rest, structuredClone(got.value), false, layerAt(at, [i, 'from'])) : undefined;
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
function jsonSet<T extends PatchState>(st: T, rest: string[], value: unknown, mustExist: boolean, where: Omit<ValuesLayer, 'values'>): T | undefined {
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
    return inList(st, rest, parentPath.length, setAt(st.current ?? {}, parentPath, list), where) ?? withList(st, parentPath, list, where);
  }
  if (!isObj(parent.value) || (mustExist && !Object.prototype.hasOwnProperty.call(parent.value, last))) return undefined;
  const viaList = inList(st, rest, parentPath.length, setAt(st.current ?? {}, rest, value), where);
  if (viaList) return viaList;
  return {
    ...st,
    inline: [...st.inline.map((l) => prune(l, [rest])), { ...where, root: rest, values: nest(rest, value) }],
    current: setAt(st.current ?? {}, rest, value),
  };
}

function jsonRemove<T extends PatchState>(st: T, rest: string[], where: Omit<ValuesLayer, 'values'>): T | undefined {
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
    return inList(st, rest, parentPath.length, setAt(st.current ?? {}, parentPath, list), where) ?? withList(st, parentPath, list, where);
  }
  if (!isObj(parent.value) || !Object.prototype.hasOwnProperty.call(parent.value, last)) return undefined;
  const viaList = inList(st, rest, parentPath.length, removeAt(st.current ?? {}, rest), where);
  if (viaList) return viaList;
  return { ...st, inline: st.inline.map((l) => prune(l, [rest])), current: removeAt(st.current ?? {}, rest) };
}

/**
 * An operation at `rest` whose first `upTo` segments go through a list (`/tolerations/1/operator`): the outermost
 * such list, taken from `next` (the values after the operation), becomes one value set by this operation (a layer
 * nests maps only, so a list index never becomes a map key). Undefined when no ancestor up to `upTo` is a list.
 */
function inList<T extends PatchState>(st: T, rest: readonly string[], upTo: number, next: Record<string, unknown>, where: Omit<ValuesLayer, 'values'>): T | undefined {
  for (let j = 1; j <= upTo; j++) {
    if (!Array.isArray(getAt(st.current, rest.slice(0, j)).value)) continue;
    const list = getAt(next, rest.slice(0, j));
    return Array.isArray(list.value) ? withList(st, rest.slice(0, j), list.value as unknown[], where) : undefined;
  }
  return undefined;
}

/** A list changed in place: it is one value again, set by this operation. */
function withList<T extends PatchState>(st: T, path: string[], list: unknown[], where: Omit<ValuesLayer, 'values'>): T {
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

