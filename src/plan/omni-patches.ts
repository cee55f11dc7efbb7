/**
 * Sidero Omni cluster templates (docClass `omni-template`): multi-document YAML of one `kind: Cluster` (`name`,
 * `kubernetes.version`, `talos.version`, cluster-wide `patches`), one `kind: ControlPlane`, `kind: Workers` sets
 * (`name`, default `workers`) and `kind: Machine` documents (`name` = a machine ID that a ControlPlane or Workers
 * `machines:` list names). Each may carry `patches:` items that are `inline:` (a mapping, a list of mappings = several
 * documents, or a YAML string) or `file:` (a strategic-merge patch file, relative to where omnictl runs).
 * Source: siderolabs/omni docs `reference/cluster-templates` and client/pkg/template/internal/models (patch.go,
 * inline.go). Reads them for the plan; no findings, no I/O.
 */
import type { Path, YamlDocument } from '../core/document.js';
import { stringBodies, type TalosBody } from './talos-body.js';
import type { Fact } from './types.js';
import { dirOf, isObj, normalizePath, str } from './util.js';

export interface OmniPatch {
  body: TalosBody;
  /** The `patches` item the body is written in. */
  item: Path;
}

/** Every inline patch body of one template document, in file order. */
export function omniInlinePatches(doc: YamlDocument): OmniPatch[] {
  const out: OmniPatch[] = [];
  if (doc.docClass !== 'omni-template') return out;
  const list = doc.get(['patches']);
  if (!Array.isArray(list)) return out;
  list.forEach((p, i) => {
    if (!isObj(p)) return;
    const item: Path = ['patches', i];
    const inline = p['inline'];
    const at: Path = [...item, 'inline'];
    if (typeof inline === 'string') for (const body of stringBodies(doc, at, inline)) out.push({ body, item });
    else if (isObj(inline)) out.push({ body: { doc, value: inline, at }, item });
    else if (Array.isArray(inline)) inline.forEach((m, k) => isObj(m) && out.push({ body: { doc, value: m, at: [...at, k] }, item }));
  });
  return out;
}

/** The template's documents: those of the same file (one file holds one template). */
function siblings(doc: YamlDocument, all: readonly YamlDocument[]): YamlDocument[] {
  return all.filter((d) => d.docClass === 'omni-template' && d.file.path === doc.file.path);
}

/** The role of the machines a template document configures (undefined for the Cluster, or a Machine no set names). */
export function omniRole(doc: YamlDocument, all: readonly YamlDocument[]): 'controlplane' | 'worker' | undefined {
  if (doc.kind === 'ControlPlane') return 'controlplane';
  if (doc.kind === 'Workers') return 'worker';
  if (doc.kind !== 'Machine' || !doc.name) return undefined;
  for (const s of siblings(doc, all)) {
    const machines = s.get(['machines']);
    if ((s.kind === 'ControlPlane' || s.kind === 'Workers') && Array.isArray(machines) && machines.includes(doc.name)) return s.kind === 'ControlPlane' ? 'controlplane' : 'worker';
  }
  return undefined;
}

/**
 * A name for what a template document configures, unique in the repository: `<cluster>` for the Cluster,
 * `<cluster>/control-planes`, `<cluster>/<workers name>` (Omni's default `workers`), or the machine ID of a Machine.
 */
export function omniOwner(doc: YamlDocument, all: readonly YamlDocument[]): string {
  const cluster = str(siblings(doc, all).find((s) => s.kind === 'Cluster')?.get(['name'])) ?? doc.file.path;
  switch (doc.kind) {
    case 'Cluster':
      return cluster;
    case 'ControlPlane':
      return `${cluster}/control-planes`;
    case 'Workers':
      return `${cluster}/${str(doc.get(['name'])) ?? 'workers'}`;
    default:
      return str(doc.get(['name'])) ?? `${cluster}/machine-${doc.index}`;
  }
}

/**
 * The files a template document names as patches (`file:`), each the repository path found among `files` (relative
 * to the template's folder, where omnictl usually runs, else to the repository root), undefined when neither was
 * read, with the `patches` item that names it.
 */
export function omniPatchFileRefs(doc: YamlDocument, files: ReadonlySet<string>): Array<{ file: string | undefined; at: Path }> {
  if (doc.docClass !== 'omni-template') return [];
  const list = doc.get(['patches']);
  if (!Array.isArray(list)) return [];
  const dir = dirOf(doc.file.path);
  const out: Array<{ file: string | undefined; at: Path }> = [];
  list.forEach((p, i) => {
    const rel = isObj(p) ? str(p['file']) : undefined;
    if (!rel) return;
    const candidates = [dir && !rel.startsWith('/') ? normalizePath(`${dir}/${rel}`) : undefined, normalizePath(rel)];
    out.push({ file: candidates.find((c): c is string => c !== undefined && files.has(c)), at: ['patches', i] });
  });
  return out;
}

/**
 * The files a template document names as patches (omniPatchFileRefs). `controlPlanes`: only documents control
 * planes read (the Cluster, the ControlPlane, its Machines).
 */
export function omniPatchFiles(doc: YamlDocument, all: readonly YamlDocument[], files: ReadonlySet<string>, opts: { controlPlanes?: boolean } = {}): Array<string | undefined> {
  if (doc.docClass !== 'omni-template') return [];
  if (opts.controlPlanes && doc.kind !== 'Cluster' && omniRole(doc, all) !== 'controlplane') return [];
  return omniPatchFileRefs(doc, files).map((r) => r.file);
}

/** `v1.13.7` → `1.13.7`; templated or empty values are not versions. */
function versionOf(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v.trim() || /[${}]/.test(v)) return undefined;
  return v.trim().replace(/^v/, '');
}

/**
 * The Talos and Kubernetes versions the group's Omni Cluster documents pin (`talos.version`, `kubernetes.version`):
 * each only when every Cluster that states it says the same (two templates of one group that disagree leave it unset).
 */
export function omniVersions(docs: readonly YamlDocument[]): { talos?: Fact<string>; kubernetes?: Fact<string> } {
  const out: { talos?: Fact<string>; kubernetes?: Fact<string> } = {};
  const clusters = docs.filter((d) => d.docClass === 'omni-template' && d.kind === 'Cluster');
  for (const which of ['talos', 'kubernetes'] as const) {
    // a template that states no version is Omni's error; one with a placeholder is unknown, so nothing is agreed
    const stated = clusters.filter((d) => d.get([which, 'version']) !== undefined && d.get([which, 'version']) !== null);
    const facts = stated.map((d): Fact<string | undefined> => ({ value: versionOf(d.get([which, 'version'])), from: { doc: d, path: [which, 'version'] } }));
    const first = facts[0];
    if (first?.value !== undefined && facts.every((f) => f.value === first.value)) out[which] = { value: first.value, from: first.from };
  }
  return out;
}
