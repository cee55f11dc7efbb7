/**
 * The role of the machines a referenced Talos patch file applies to, taken from the lists that name it: talhelper
 * `controlPlane.patches` / `worker.patches` / a node's `patches` (`"@./patches/x.yaml"`) and Omni ControlPlane /
 * Workers / Machine `patches[].file`, as inline patches in those lists get it. A file also named by a list every
 * machine reads (talhelper top-level `patches`, an Omni Cluster), or by lists of both roles, has none. Pure reads.
 */
import type { Path, YamlDocument } from '../core/document.js';
import { omniPatchFileRefs, omniRole } from './omni-patches.js';
import { talhelperPatchFileRefs, talhelperScopeRole } from './talhelper-patches.js';

export interface PatchFileRole {
  /** The one role every list that names the file has; undefined when they differ or one applies to every machine. */
  role?: 'controlplane' | 'worker';
  /** The list items that name the file. */
  refs: Array<{ doc: YamlDocument; path: Path }>;
}

/** Repository path → the role its referencing lists give it, for every patch file the group's talhelper configs and Omni templates name. */
export function patchFileRoles(all: readonly YamlDocument[]): Map<string, PatchFileRole> {
  const docs = [...new Set(all)];
  const files = new Set(docs.map((d) => d.file.path));
  const templates = docs.filter((d) => d.docClass === 'omni-template');
  const seen = new Map<string, { roles: Set<string>; refs: Array<{ doc: YamlDocument; path: Path }> }>();
  const add = (file: string | undefined, role: string, doc: YamlDocument, path: Path) => {
    if (file === undefined) return;
    const e = seen.get(file) ?? { roles: new Set<string>(), refs: [] };
    e.roles.add(role);
    e.refs.push({ doc, path });
    seen.set(file, e);
  };
  for (const d of docs) {
    if (d.docClass === 'talhelper') for (const r of talhelperPatchFileRefs(d)) add(r.file, talhelperScopeRole(d, r) ?? 'any', d, r.at);
    else if (d.docClass === 'omni-template') {
      const role = d.kind === 'Cluster' ? 'any' : (omniRole(d, templates) ?? 'any');
      for (const r of omniPatchFileRefs(d, files)) add(r.file, role, d, r.at);
    }
  }
  const out = new Map<string, PatchFileRole>();
  for (const [file, { roles, refs }] of seen) {
    const [only] = roles;
    out.set(file, roles.size === 1 && (only === 'controlplane' || only === 'worker') ? { role: only, refs } : { refs });
  }
  return out;
}
