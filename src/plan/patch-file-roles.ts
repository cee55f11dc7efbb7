/**
 * The role of the machines a referenced Talos patch file applies to, taken from the lists that name it: talhelper
 * `controlPlane.patches` / `worker.patches` / a node's `patches` (`"@./patches/x.yaml"`) and Omni ControlPlane /
 * Workers / Machine `patches[].file`, as inline patches in those lists get it. A file also named by a list every
 * machine reads (talhelper top-level `patches`, an Omni Cluster), or by lists of both roles, has none. Also the one
 * owner that alone reads the file (a talhelper node, an Omni Machine or machine set), when there is one. Pure reads.
 */
import type { Path, YamlDocument } from '../core/document.js';
import { omniPatchFileRefs, omniRole } from './omni-patches.js';
import { talhelperPatchFileRefs, talhelperScopeRole } from './talhelper-patches.js';

/** What alone reads a patch file: talhelper node `node` (index in `nodes`) of `doc`, or the Omni template document `doc` (a Machine, a ControlPlane, a Workers set). */
export interface PatchFileOwner {
  doc: YamlDocument;
  node?: number;
}

export interface PatchFileRole {
  /** The one role every list that names the file has; undefined when they differ or one applies to every machine. */
  role?: 'controlplane' | 'worker';
  /**
   * Set when every list that names the file belongs to one owner (a talhelper node's `patches`, one Omni Machine,
   * ControlPlane or Workers document): the file describes that owner. Unset: a shared patch (talhelper top-level,
   * `controlPlane` / `worker` lists, an Omni Cluster, or several owners).
   */
  owner?: PatchFileOwner;
  /** The list items that name the file. */
  refs: Array<{ doc: YamlDocument; path: Path }>;
}

/** A talhelper config or an Omni template: the documents whose lists name patch files. */
const namesPatchFiles = (d: YamlDocument): boolean => d.docClass === 'talhelper' || d.docClass === 'omni-template';

/** Repository path → the role its referencing lists give it, for every patch file the group's talhelper configs and Omni templates name. */
export function patchFileRoles(all: readonly YamlDocument[]): Map<string, PatchFileRole> {
  // (nearly every repository: no list to read, so no copies of the document and file lists; asked several times per group)
  if (!all.some(namesPatchFiles)) return new Map();
  const docs = [...new Set(all)];
  const files = new Set(docs.map((d) => d.file.path));
  const templates = docs.filter((d) => d.docClass === 'omni-template');
  const seen = new Map<string, { roles: Set<string>; owners: Array<PatchFileOwner | undefined>; refs: Array<{ doc: YamlDocument; path: Path }> }>();
  const add = (file: string | undefined, role: string, owner: PatchFileOwner | undefined, doc: YamlDocument, path: Path) => {
    if (file === undefined) return;
    const e = seen.get(file) ?? { roles: new Set<string>(), owners: [], refs: [] };
    e.roles.add(role);
    e.owners.push(owner);
    e.refs.push({ doc, path });
    seen.set(file, e);
  };
  for (const d of docs) {
    if (d.docClass === 'talhelper') {
      for (const r of talhelperPatchFileRefs(d)) add(r.file, talhelperScopeRole(d, r) ?? 'any', r.scope === 'node' ? { doc: d, node: r.node! } : undefined, d, r.at);
    } else if (d.docClass === 'omni-template') {
      const role = d.kind === 'Cluster' ? 'any' : (omniRole(d, templates) ?? 'any');
      for (const r of omniPatchFileRefs(d, files)) add(r.file, role, d.kind === 'Cluster' ? undefined : { doc: d }, d, r.at);
    }
  }
  const out = new Map<string, PatchFileRole>();
  for (const [file, { roles, owners, refs }] of seen) {
    const [only] = roles;
    const e: PatchFileRole = roles.size === 1 && (only === 'controlplane' || only === 'worker') ? { role: only, refs } : { refs };
    const [owner] = owners;
    if (owner && owners.every((o) => o && o.doc === owner.doc && o.node === owner.node)) e.owner = owner;
    out.set(file, e);
  }
  return out;
}
