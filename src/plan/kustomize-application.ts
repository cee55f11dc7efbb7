/**
 * An Argo CD Application as a kustomization renders it, with where each part was written: the base document, then
 * strategic-merge and JSON6902 patches applied to the whole object (plan/kustomize-overlays.ts decides which patch
 * applies to which Application). Also reads an Application (rendered or as committed) as plan/cilium-release.ts needs
 * it: values at a path, where a value was written, a mapping's values layers (one per patch that wrote part of it).
 * Pure; never throws on a repository's shape.
 *
 * Semantics, as kustomize applies them to a custom resource with no OpenAPI schema (Application is a CRD, and
 * kustomize's built-in schema has only Kubernetes' own kinds):
 * - strategic merge goes through kyaml merge2: maps merge, `null` deletes a key, the `$patch: delete` / `$patch:
 *   replace` map directives delete / replace a map, and every list is replaced whole: kyaml/yaml/schema
 *   IsAssociative answers false without a schema unless the walker infers associative lists, which merge2.Merge
 *   does not ask for (kubernetes-sigs/kustomize kyaml/yaml/merge2/merge2.go, kyaml/yaml/walk/walk.go; issues #306,
 *   #3387). So a patch's `spec.sources` replaces the base's list, and a patch's `spec.source` merges into the base's.
 *   (kyaml before the schema-aware walker inferred merge keys from a `name` field in every element; not modelled.)
 * - JSON6902 (RFC 6902): add, replace, remove, copy, move, test with JSON pointers (`~1` = `/`, `~0` = `~`, `-`
 *   appends); an operation the build fails on (missing path, failed test, unknown op) applies nothing of the patch
 *   and marks the rendering `skipped`.
 */
import type { Path, YamlDocument } from '../core/document.js';
import type { Where } from './kustomize-patch.js';
import type { ValuesLayer } from './types.js';
import { isObj, jsonPointer } from './util.js';

/** Where a node was written: a layer location (a document path, or a path inside the string at `valuesPath`). */
export interface Origin extends Omit<ValuesLayer, 'values' | 'root' | 'parameter'> {
  /** The write (a document, a patch, a JSON6902 operation) that set it; later writes have higher numbers. */
  write: number;
}

/** A rendered node. Maps list every write that set a part of them (oldest first); other nodes their last writer. */
export type Node =
  | { readonly t: 'map'; readonly e: ReadonlyMap<string, Node>; readonly o: readonly Origin[] }
  | { readonly t: 'list'; readonly items: readonly Node[]; readonly o: readonly Origin[] }
  | { readonly t: 'scalar'; readonly v: unknown; readonly o: readonly Origin[] };

const child = (o: Origin, key: string | number): Origin =>
  o.inString ? { ...o, stringPath: [...(o.stringPath ?? []), key] } : { ...o, valuesPath: [...o.valuesPath, key] };

/** A plain value as a node, every part written at `o` (and below it). */
export function toNode(v: unknown, o: Origin): Node {
  if (Array.isArray(v)) return { t: 'list', items: v.map((x, i) => toNode(x, child(o, i))), o: [o] };
  if (isObj(v)) {
    const e = new Map<string, Node>();
    for (const [k, x] of Object.entries(v)) e.set(k, toNode(x, child(o, k)));
    return { t: 'map', e, o: [o] };
  }
  return { t: 'scalar', v, o: [o] };
}

/** The plain value of a node. */
export function plain(n: Node | undefined): unknown {
  if (!n) return undefined;
  if (n.t === 'scalar') return n.v;
  if (n.t === 'list') return n.items.map(plain);
  const out: Record<string, unknown> = {};
  for (const [k, x] of n.e) out[k] = plain(x);
  return out;
}

export function nodeAt(n: Node | undefined, path: readonly (string | number)[]): Node | undefined {
  let cur = n;
  for (const s of path) {
    if (!cur) return undefined;
    if (cur.t === 'map') cur = cur.e.get(String(s));
    else if (cur.t === 'list') {
      const i = typeof s === 'number' ? s : index(s, cur.items.length - 1);
      cur = i === undefined ? undefined : cur.items[i];
    } else return undefined;
  }
  return cur;
}

/** The origin of a patch body (the document at `at`, or the string there) written as write number `write`. */
export function originOf(at: Where, write: number): Origin {
  return at.inString ? { doc: at.doc, valuesPath: at.path, inString: true, stringPath: [], write } : { doc: at.doc, valuesPath: at.path, write };
}

// ---------- strategic merge ----------

const isDirective = (k: string): boolean => k.startsWith('$');
const withOrigin = (os: readonly Origin[], o: Origin): Origin[] => [...os.filter((x) => x.write !== o.write), o];

/** A patch map as a node: directives and nulls dropped (a merge patch never sets null). */
function cleaned(v: Record<string, unknown>, o: Origin): Node {
  const e = new Map<string, Node>();
  for (const [k, x] of Object.entries(v)) {
    if (isDirective(k) || x === null || (isObj(x) && x['$patch'] === 'delete')) continue;
    e.set(k, isObj(x) ? cleaned(x, child(o, k)) : toNode(x, child(o, k)));
  }
  return { t: 'map', e, o: [o] };
}

/**
 * `target` with the strategic-merge patch `patch` (written at `o`) merged in: maps merge, the rest replaces; the
 * same node where the patch changes nothing below it.
 */
export function mergeNode(target: Node | undefined, patch: Record<string, unknown>, o: Origin): Node {
  if (patch['$patch'] === 'replace' || !target || target.t !== 'map') return cleaned(patch, o);
  const e = new Map(target.e);
  for (const [k, x] of Object.entries(patch)) {
    if (isDirective(k)) continue;
    if (x === null || (isObj(x) && x['$patch'] === 'delete')) e.delete(k);
    else if (isObj(x)) e.set(k, mergeNode(e.get(k), x, child(o, k)));
    else e.set(k, toNode(x, child(o, k)));
  }
  return { t: 'map', e, o: withOrigin(target.o, o) };
}

// ---------- JSON6902 ----------


function index(s: string, max: number): number | undefined {
  if (!/^(0|[1-9]\d*)$/.test(s)) return undefined;
  const n = Number(s);
  return n <= max ? n : undefined;
}

/**
 * `root` with `fn` applied to the parent of `path`'s last segment (a map or a list); every list on the way counts
 * as written by `o` (a values list changed in place is one value set by the operation). Undefined when the path
 * does not exist or `fn` fails.
 */
function update(root: Node, path: readonly string[], o: Origin, fn: (parent: Node, last: string) => Node | undefined): Node | undefined {
  if (!path.length) return undefined;
  const [head, ...rest] = path;
  if (!rest.length) return fn(root, head!);
  if (root.t === 'map') {
    const c = root.e.get(head!);
    const next = c ? update(c, rest, o, fn) : undefined;
    if (!next) return undefined;
    return { t: 'map', e: new Map(root.e).set(head!, next), o: root.o };
  }
  if (root.t === 'list') {
    const i = index(head!, root.items.length - 1);
    const next = i === undefined ? undefined : update(root.items[i]!, rest, o, fn);
    if (!next) return undefined;
    const items = [...root.items];
    items[i!] = next;
    return { t: 'list', items, o: [o] };
  }
  return undefined;
}

function setIn(root: Node, path: readonly string[], value: Node, mustExist: boolean, o: Origin): Node | undefined {
  if (!path.length) return mustExist || value.t === 'map' ? value : undefined;
  return update(root, path, o, (parent, last) => {
    if (parent.t === 'map') {
      if (mustExist && !parent.e.has(last)) return undefined;
      return { t: 'map', e: new Map(parent.e).set(last, value), o: parent.o };
    }
    if (parent.t !== 'list') return undefined;
    const items = [...parent.items];
    const i = last === '-' && !mustExist ? items.length : index(last, mustExist ? items.length - 1 : items.length);
    if (i === undefined) return undefined;
    items.splice(i, mustExist ? 1 : 0, value);
    return { t: 'list', items, o: [o] };
  });
}

function removeIn(root: Node, path: readonly string[], o: Origin): Node | undefined {
  return update(root, path, o, (parent, last) => {
    if (parent.t === 'map') {
      if (!parent.e.has(last)) return undefined;
      const e = new Map(parent.e);
      e.delete(last);
      return { t: 'map', e, o: parent.o };
    }
    if (parent.t !== 'list') return undefined;
    const i = index(last, parent.items.length - 1);
    if (i === undefined) return undefined;
    const items = [...parent.items];
    items.splice(i, 1);
    return { t: 'list', items, o: [o] };
  });
}

/**
 * `root` after the JSON6902 operations `ops` (written at `at`, operation i as write `write + i`), or undefined when
 * kustomize would fail the build on them (nothing of the patch applies).
 */
export function applyOps(root: Node, ops: unknown, at: Where, write: number): Node | undefined {
  if (!Array.isArray(ops)) return undefined;
  let cur = root;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (!isObj(op) || typeof op['op'] !== 'string') return undefined;
    const o = originOf(at, write + i);
    const path = jsonPointer(op['path']);
    if (!path) return undefined;
    let next: Node | undefined;
    switch (op['op']) {
      case 'add':
      case 'replace':
        next = 'value' in op ? setIn(cur, path, toNode(op['value'], child(child(o, i), 'value')), op['op'] === 'replace', child(child(o, i), 'value')) : undefined;
        break;
      case 'remove':
        next = path.length ? removeIn(cur, path, child(child(o, i), 'path')) : undefined;
        break;
      case 'copy':
      case 'move': {
        const from = jsonPointer(op['from']);
        const moved = from ? nodeAt(cur, from) : undefined;
        if (!from || !moved) return undefined;
        // the value keeps the places it was written at
        const base = op['op'] === 'move' ? (from.length ? removeIn(cur, from, child(child(o, i), 'from')) : undefined) : cur;
        next = base ? setIn(base, path, moved, false, child(child(o, i), 'from')) : undefined;
        break;
      }
      case 'test': {
        const got = nodeAt(cur, path);
        next = got && JSON.stringify(plain(got)) === JSON.stringify(op['value']) ? cur : undefined;
        break;
      }
      default:
        next = undefined;
    }
    if (!next) return undefined;
    cur = next;
  }
  return cur;
}

// ---------- reading ----------

/** An Argo CD Application to read a release from: as committed, or as a kustomization renders it. */
export interface AppView {
  /** The Application document (for a rendering: the base). */
  doc: YamlDocument;
  /** Where the Application's spec is (`spec`, or an ApplicationSet's `spec.template.spec`). */
  spec: Path;
  get(path: Path): unknown;
  /** Where the value at `path` was written. */
  where(path: Path): Origin | undefined;
  /** The values layers of the mapping at `path`: one per write that set a part of it, oldest first. */
  mapLayers(path: Path): ValuesLayer[];
}

/** An Application document as committed. */
export function docView(doc: YamlDocument): AppView {
  return {
    doc,
    spec: doc.kind === 'ApplicationSet' ? ['spec', 'template', 'spec'] : ['spec'],
    get: (p) => doc.get(p),
    where: (p) => ({ doc, valuesPath: p, write: 0 }),
    mapLayers: (p) => {
      const v = doc.get(p);
      return isObj(v) ? [{ doc, valuesPath: p, values: v }] : [];
    },
  };
}

/** A rendered Application (`root`), its base document `doc`. */
export function treeView(doc: YamlDocument, root: Node): AppView {
  return {
    doc,
    spec: ['spec'],
    get: (p) => plain(nodeAt(root, p)),
    where: (p) => {
      const n = nodeAt(root, p);
      return n?.o[n.o.length - 1];
    },
    mapLayers: (p) => {
      const n = nodeAt(root, p);
      return n?.t === 'map' ? splitLayers(n) : [];
    },
  };
}

/**
 * A mapping written by several writes as values layers: each leaf (a scalar, a list, an empty map) belongs to its
 * last writer, and sits in that writer's layer rooted at its topmost ancestor the same write set (a patch's whole
 * mapping: root []; a JSON6902 value at `/.../hubble/relay`: root ['hubble', 'relay']).
 */
function splitLayers(top: Node & { t: 'map' }): ValuesLayer[] {
  const layers = new Map<string, ValuesLayer & { write: number }>();
  const walk = (n: Node, keys: string[], chain: Node[]): void => {
    if (n.t === 'map' && n.e.size) {
      for (const [k, c] of n.e) walk(c, [...keys, k], [...chain, c]);
      return;
    }
    const o = n.o[n.o.length - 1]!;
    // the topmost ancestor (chain[0] is `top`) that this write set, with every node between
    let j = chain.length - 1;
    while (j > 0 && chain[j - 1]!.o.some((x) => x.write === o.write)) j--;
    const anchor = chain[j]!.o.find((x) => x.write === o.write) ?? o;
    const root = keys.slice(0, j);
    const id = `${o.write}\u0000${root.join('\u0000')}`;
    let l = layers.get(id);
    if (!l) {
      l = { doc: anchor.doc, valuesPath: anchor.valuesPath, values: {}, write: o.write };
      if (anchor.inString) {
        l.inString = true;
        l.stringPath = anchor.stringPath ?? [];
      }
      if (root.length) l.root = root;
      layers.set(id, l);
    }
    let cur = l.values;
    for (const k of keys.slice(0, -1)) cur = (isObj(cur[k]) ? cur[k] : (cur[k] = {})) as Record<string, unknown>;
    cur[keys[keys.length - 1]!] = plain(n);
  };
  for (const [k, c] of top.e) walk(c, [k], [top, c]);
  return [...layers.values()].sort((a, b) => a.write - b.write).map(({ write: _, ...l }) => l);
}
