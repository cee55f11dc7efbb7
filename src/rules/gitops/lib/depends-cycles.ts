/**
 * Cycles of Flux `dependsOn` (Kustomizations: gitops/flux-depends-on; HelmReleases: gitops/helmrelease-depends-on):
 * the graph of objects named once, its strongly connected components (Tarjan), and for each object of interest on a
 * cycle the entry that leads into it and the cycle through it, as names. Owns the graph walk only, not the messages.
 */
import type { YamlDocument } from '../../../core/document.js';
import { TEMPLATED } from './flux-names.js';

export interface CycleHit {
  doc: YamlDocument;
  /** Index of the `dependsOn` entry that leads into the cycle. */
  index: number;
  dependency: string;
  /** `a → b → a` */
  cycle: string;
}

/**
 * `nodes`: every object of the kind with a certain name (a name used twice is left out: which one is meant is not
 * known); `deps`: its `dependsOn` entries (index, name) that are not templated; `mine`: the objects to report.
 */
export function dependsOnCycles(nodes: readonly YamlDocument[], nameOf: (d: YamlDocument) => string | undefined, deps: (d: YamlDocument) => Array<[number, string]>, mine: readonly YamlDocument[]): CycleHit[] {
  const byName = new Map<string, YamlDocument | null>();
  for (const d of nodes) {
    const n = nameOf(d);
    if (n === undefined) continue;
    byName.set(n, byName.has(n) && byName.get(n) !== d ? null : d);
  }
  const edges = new Map<YamlDocument, Array<[number, YamlDocument]>>();
  for (const d of byName.values()) {
    if (!d) continue;
    const to: Array<[number, YamlDocument]> = [];
    for (const [i, n] of deps(d)) {
      const t = byName.get(n);
      if (t) to.push([i, t]);
    }
    if (to.length) edges.set(d, to);
  }
  if (!edges.size) return [];
  // Tarjan's strongly connected components (the graph is small: one node per object)
  const index = new Map<YamlDocument, number>();
  const low = new Map<YamlDocument, number>();
  const stack: YamlDocument[] = [];
  const onStack = new Set<YamlDocument>();
  const component = new Map<YamlDocument, number>();
  let next = 0;
  let comps = 0;
  const visit = (v: YamlDocument): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const [, w] of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      let w: YamlDocument;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.set(w, comps);
      } while (w !== v);
      comps++;
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  const size = new Map<number, number>();
  for (const c of component.values()) size.set(c, (size.get(c) ?? 0) + 1);
  /** The shortest way from `from` back to `to` inside one component (breadth first), as names. */
  const pathBack = (from: YamlDocument, to: YamlDocument): string[] => {
    const prev = new Map<YamlDocument, YamlDocument | undefined>([[from, undefined]]);
    const queue = [from];
    while (queue.length) {
      const v = queue.shift()!;
      if (v === to) break;
      for (const [, w] of edges.get(v) ?? []) {
        if (component.get(w) !== component.get(to) || prev.has(w)) continue;
        prev.set(w, v);
        queue.push(w);
      }
    }
    const names: string[] = [];
    for (let v: YamlDocument | undefined = to; v; v = prev.get(v)) names.unshift(nameOf(v)!);
    return names;
  };
  const out: CycleHit[] = [];
  for (const doc of mine) {
    const c = component.get(doc);
    if (c === undefined) continue;
    const name = nameOf(doc)!;
    for (const [i, t] of edges.get(doc) ?? []) {
      if (component.get(t) !== c || (t !== doc && size.get(c)! < 2)) continue;
      const cycle = t === doc ? [name, name] : [name, ...pathBack(t, doc)];
      out.push({ doc, index: i, dependency: nameOf(t)!, cycle: cycle.join(' → ') });
      break;
    }
  }
  return out;
}

/** An object's name as its controller sees it: the value (substituted where talium knows the variables), unless still templated. */
export function dependsOnName(d: YamlDocument): string | undefined {
  const v = d.get(['metadata', 'name']);
  return typeof v === 'string' && v && !TEMPLATED.test(v) ? v : undefined;
}

/**
 * Whether a `dependsOn` entry names an object of `kind` in API group `group`: without `kind` (the dependent's own
 * kind), or that kind of that group. Newer Flux (fluxcd/pkg runtime dependency: DependencyReference with `kind` /
 * `apiVersion`) lets an entry name another kind; those are not judged.
 */
export function namesKind(e: Record<string, unknown>, kind: string, group: string): boolean {
  const apiVersion = e['apiVersion'];
  return (e['kind'] === undefined || e['kind'] === kind) && (apiVersion === undefined || (typeof apiVersion === 'string' && apiVersion.startsWith(`${group}/`)));
}

/** The `spec.dependsOn` entries of `d` that name a `kind` of `group` (index of the entry, name), templated names left out. */
export function dependsOnEntries(d: YamlDocument, kind: string, group: string): Array<[number, string]> {
  const list = d.get(['spec', 'dependsOn']);
  if (!Array.isArray(list)) return [];
  const out: Array<[number, string]> = [];
  list.forEach((e, i) => {
    if (e !== null && typeof e === 'object' && !Array.isArray(e) && namesKind(e as Record<string, unknown>, kind, group)) {
      const name = (e as Record<string, unknown>)['name'];
      if (typeof name === 'string' && name && !TEMPLATED.test(name)) out.push([i, name]);
    }
  });
  return out;
}
