/**
 * The Talos patches a talhelper `talconfig.yaml` carries inline: the items of its top-level `patches:`, of
 * `controlPlane.patches` / `worker.patches` and of each `nodes[].patches`. An item is a YAML string (a strategic-merge
 * patch, possibly several documents, or an RFC 6902 op list written as YAML), a mapping or a list; `"@./file.yaml"`
 * items name files and are not inline (talhelperPatchFiles resolves them). No findings, no I/O.
 */
import type { Path, YamlDocument } from '../core/document.js';
import { stringBodies, type TalosBody } from './talos-body.js';
import { dirOf, isObj, normalizePath } from './util.js';

/** Which machines a talhelper patch list applies to: every node, the control planes, the workers, or node `node` (its index). */
export type TalhelperScope = 'all' | 'controlplane' | 'worker' | 'node';

export interface TalhelperPatch {
  body: TalosBody;
  scope: TalhelperScope;
  /** With scope `node`: the index in `nodes`. */
  node?: number;
}

/**
 * The machine type talhelper generates for node `n` of `nodes[]`: `controlPlane` is a boolean, default false (a
 * worker); a value that is not a boolean (a template such as `${IS_CP}`) leaves it unknown.
 */
export function talhelperNodeRole(n: unknown): 'controlplane' | 'worker' | undefined {
  const cp = isObj(n) ? n['controlPlane'] : undefined;
  if (cp === true || cp === 'true') return 'controlplane';
  return cp === undefined || cp === null || cp === false || cp === 'false' ? 'worker' : undefined;
}

/** The role of the machines a patch list of that scope applies to (undefined: every machine, or unknown). */
export function talhelperScopeRole(doc: YamlDocument, p: { scope: TalhelperScope; node?: number }): 'controlplane' | 'worker' | undefined {
  if (p.scope === 'controlplane' || p.scope === 'worker') return p.scope;
  if (p.scope !== 'node') return undefined;
  const nodes = doc.get(['nodes']);
  return Array.isArray(nodes) ? talhelperNodeRole(nodes[p.node!]) : undefined;
}

/** The patch lists of a talhelper config, with their scope. */
function patchLists(doc: YamlDocument): Array<{ path: Path; scope: TalhelperScope; node?: number }> {
  const lists: Array<{ path: Path; scope: TalhelperScope; node?: number }> = [
    { path: ['patches'], scope: 'all' },
    { path: ['controlPlane', 'patches'], scope: 'controlplane' },
    { path: ['worker', 'patches'], scope: 'worker' },
  ];
  const nodes = doc.get(['nodes']);
  if (Array.isArray(nodes)) nodes.forEach((_, i) => lists.push({ path: ['nodes', i, 'patches'], scope: 'node', node: i }));
  return lists;
}

/** Every inline patch body of a talhelper config (docClass `talhelper`), in file order per list. */
export function talhelperInlinePatches(doc: YamlDocument): TalhelperPatch[] {
  const out: TalhelperPatch[] = [];
  if (doc.docClass !== 'talhelper') return out;
  for (const { path, scope, node } of patchLists(doc)) {
    const list = doc.get(path);
    if (!Array.isArray(list)) continue;
    list.forEach((p, i) => {
      const at: Path = [...path, i];
      const bodies: TalosBody[] = typeof p === 'string' ? (p.trim().startsWith('@') ? [] : stringBodies(doc, at, p)) : isObj(p) || Array.isArray(p) ? [{ doc, value: p, at }] : [];
      for (const body of bodies) out.push(node === undefined ? { body, scope } : { body, scope, node });
    });
  }
  return out;
}

/** One `"@./file.yaml"` patch item: the repository path it names (undefined: above the root), its list's scope, where it is written. */
export interface TalhelperPatchFileRef {
  file: string | undefined;
  scope: TalhelperScope;
  node?: number;
  at: Path;
}

/** Every patch file a talhelper config pulls in, resolved against its folder, in file order per list. */
export function talhelperPatchFileRefs(doc: YamlDocument): TalhelperPatchFileRef[] {
  if (doc.docClass !== 'talhelper') return [];
  const out: TalhelperPatchFileRef[] = [];
  const dir = dirOf(doc.file.path);
  for (const { path, scope, node } of patchLists(doc)) {
    const list = doc.get(path);
    if (!Array.isArray(list)) continue;
    list.forEach((p, i) => {
      if (typeof p !== 'string' || !p.trim().startsWith('@')) return;
      const rel = p.trim().slice(1).trim();
      const file = normalizePath(rel.startsWith('/') ? rel : dir ? `${dir}/${rel}` : rel);
      out.push({ file, scope, ...(node === undefined ? {} : { node }), at: [...path, i] });
    });
  }
  return out;
}

/**
 * The files a talhelper config pulls in as patches (`"@./patches/x.yaml"`), resolved against its folder (undefined:
 * above the root); `controlPlanes` keeps the lists control planes read (top level, `controlPlane`, and the nodes
 * with `controlPlane: true`).
 */
export function talhelperPatchFiles(doc: YamlDocument, opts: { controlPlanes?: boolean } = {}): Array<string | undefined> {
  return talhelperPatchFileRefs(doc)
    .filter((r) => !opts.controlPlanes || r.scope === 'all' || talhelperScopeRole(doc, r) === 'controlplane')
    .map((r) => r.file);
}
