/**
 * The kernel command-line arguments a cluster group's Talos configuration asks for, list by list, and whether a
 * list puts SELinux in enforcing mode. Sources: machine configs and strategic-merge patches
 * (`machine.install.extraKernelArgs`), RFC 6902 patches adding to it, talhelper (`schematic.customization.extraKernelArgs`
 * of a node, else of its `controlPlane`/`worker` group, and its inline patches), Omni templates (`kernelArgs` of a Cluster, machine set or Machine, and inline patches) and Image Factory schematic files
 * (`customization.extraKernelArgs`). No Talos multi-document kind (1.12–1.14) carries kernel arguments, and talium's
 * cluster.yaml does not model them. No findings here.
 */
import type { Path, YamlDocument } from '../../../core/document.js';
import type { ClusterGroup } from '../../../plan/types.js';
import { isObj } from '../../../plan/util.js';
import { inlinePatches, talosDocs } from './talos-docs.js';

/** Where a list of kernel arguments comes from: the machine config (honoured only by some boot setups) or an Image Factory schematic (baked into the boot asset). */
export type KernelArgSource = 'machine-config' | 'schematic' | 'omni';

/** One list of kernel arguments as written. `path` is the list (or, inside a talhelper string patch, that patch item). */
export interface KernelArgList {
  doc: YamlDocument;
  path: Path;
  args: unknown[];
  source: KernelArgSource;
  /** The list sits inside a YAML string (a talhelper inline patch): its items cannot be located. */
  inString?: boolean;
}

const EXTRA_KERNEL_ARGS = ['machine', 'install', 'extraKernelArgs'] as const;

/** RFC 6901 pointer → path segments. */
function pointer(p: string): string[] {
  return p.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The kernel-argument lists RFC 6902 `add`/`replace` operations write into `machine.install.extraKernelArgs`. */
function fromOps(ops: unknown[], doc: YamlDocument, base: Path, inString: boolean): KernelArgList[] {
  const out: KernelArgList[] = [];
  ops.forEach((op, i) => {
    if (!isObj(op) || (op['op'] !== 'add' && op['op'] !== 'replace') || typeof op['path'] !== 'string') return;
    const segs = pointer(op['path']);
    const at = inString ? base : [...base, i, 'value'];
    // the op's path is a prefix of extraKernelArgs (the value holds it), the list itself, or one item of it
    if (segs.length <= EXTRA_KERNEL_ARGS.length && segs.every((s, k) => s === EXTRA_KERNEL_ARGS[k])) {
      let v: unknown = op['value'];
      for (const k of EXTRA_KERNEL_ARGS.slice(segs.length)) v = isObj(v) ? v[k] : undefined;
      if (Array.isArray(v)) out.push({ doc, path: inString ? base : [...at, ...EXTRA_KERNEL_ARGS.slice(segs.length)], args: v, source: 'machine-config', ...(inString ? { inString } : {}) });
    } else if (segs.length === EXTRA_KERNEL_ARGS.length + 1 && EXTRA_KERNEL_ARGS.every((s, k) => segs[k] === s)) {
      out.push({ doc, path: at, args: [op['value']], source: 'machine-config', ...(inString ? { inString } : {}) });
    }
  });
  return out;
}

/** `machine.install.extraKernelArgs` of a machine config or strategic-merge patch value. */
function fromConfig(value: unknown, doc: YamlDocument, base: Path, inString: boolean): KernelArgList[] {
  if (!isObj(value)) return [];
  const machine = value['machine'];
  const install = isObj(machine) ? machine['install'] : undefined;
  const args = isObj(install) ? install['extraKernelArgs'] : undefined;
  if (!Array.isArray(args)) return [];
  return [{ doc, path: inString ? base : [...base, ...EXTRA_KERNEL_ARGS], args, source: 'machine-config', ...(inString ? { inString } : {}) }];
}

/** `customization.extraKernelArgs` of a schematic (talhelper `schematic:` or an Image Factory schematic file). */
function fromSchematic(schematic: unknown, doc: YamlDocument, base: Path): KernelArgList[] {
  const c = isObj(schematic) ? schematic['customization'] : undefined;
  const args = isObj(c) ? c['extraKernelArgs'] : undefined;
  return Array.isArray(args) ? [{ doc, path: [...base, 'customization', 'extraKernelArgs'], args, source: 'schematic' }] : [];
}

/**
 * talhelper: each node's installer schematic (its own `schematic`, which replaces its group's, else the
 * `controlPlane`/`worker` one; with no nodes listed, both group schematics), and the inline patches. `isoSchematic`
 * only shapes the ISO a node boots before it is installed, so it is not read.
 */
function fromTalhelper(doc: YamlDocument): KernelArgList[] {
  const out: KernelArgList[] = [];
  const nodes = doc.get(['nodes']);
  const groups = new Set<'controlPlane' | 'worker'>();
  if (Array.isArray(nodes) && nodes.length) {
    nodes.forEach((n, i) => {
      if (!isObj(n)) return;
      if (n['schematic'] !== undefined) out.push(...fromSchematic(n['schematic'], doc, ['nodes', i, 'schematic']));
      else groups.add(n['controlPlane'] === true ? 'controlPlane' : 'worker');
    });
  } else {
    groups.add('controlPlane');
    groups.add('worker');
  }
  for (const g of groups) out.push(...fromSchematic(doc.get([g, 'schematic']), doc, [g, 'schematic']));
  return [...out, ...fromInlinePatches(doc)];
}

/** The inline patches of a talhelper config or an Omni template document. */
function fromInlinePatches(doc: YamlDocument): KernelArgList[] {
  const out: KernelArgList[] = [];
  for (const p of inlinePatches(doc)) {
    const inString = typeof doc.get(p.path) === 'string';
    out.push(...(Array.isArray(p.value) ? fromOps(p.value, doc, p.path, inString) : fromConfig(p.value, doc, p.path, inString)));
  }
  return out;
}

/**
 * An Omni cluster template document's own `kernelArgs` (a Cluster, a ControlPlane or Workers set, a Machine; Omni
 * gives each machine the most specific list that is defined and builds its boot from it, like a schematic). Source:
 * siderolabs/omni client/pkg/template/internal/models/kernelargs.go and the cluster-templates reference.
 */
function fromOmni(doc: YamlDocument): KernelArgList[] {
  const args = doc.get(['kernelArgs']);
  return Array.isArray(args) ? [{ doc, path: ['kernelArgs'], args, source: 'omni' }] : [];
}

/** An Image Factory schematic file: a mapping with `customization` (and at most `overlay`) at the top. */
function isSchematicFile(doc: YamlDocument): boolean {
  const v = doc.value;
  return doc.docClass === 'other' && isObj(v) && isObj(v['customization']) && Object.keys(v).every((k) => k === 'customization' || k === 'overlay');
}

/** Every kernel-argument list the group's Talos configuration writes. */
export function kernelArgLists(cluster: ClusterGroup): KernelArgList[] {
  const out: KernelArgList[] = [];
  for (const d of talosDocs(cluster)) {
    if (d.docClass === 'talos-config') out.push(...fromConfig(d.value, d, [], false));
    else if (d.docClass === 'talos-json6902' && Array.isArray(d.value)) out.push(...fromOps(d.value, d, [], false));
    else if (d.docClass === 'talhelper') out.push(...fromTalhelper(d));
    else if (d.docClass === 'omni-template') out.push(...fromOmni(d), ...fromInlinePatches(d));
  }
  for (const d of cluster.docs) if (isSchematicFile(d)) out.push(...fromSchematic(d.value, d, []));
  return out;
}

/**
 * SELinux off by this list: `selinux=0`, or a legacy `security=` / an `lsm=` list that selects other security
 * modules (Linux kernel-parameters: `security=` picks the one major LSM, `lsm=` the ordered list).
 */
export function selinuxOff(args: readonly unknown[]): boolean {
  return args.some((a) => {
    if (typeof a !== 'string' || !a.includes('=')) return false;
    const eq = a.indexOf('=');
    const k = a.slice(0, eq).trim();
    const v = a.slice(eq + 1).trim();
    if (k === 'selinux') return v === '0';
    if (k === 'security') return v !== 'selinux';
    if (k === 'lsm') return !v.split(',').includes('selinux');
    return false;
  });
}

/**
 * The index of the argument that leaves SELinux enforcing in this list: the last `enforcing=` is `enforcing=1` and
 * no later `-enforcing` (Image Factory's removal syntax) drops it; undefined otherwise. A templated value is not 1.
 */
export function enforcingAt(args: readonly unknown[]): number | undefined {
  let at: number | undefined;
  args.forEach((a, i) => {
    if (typeof a !== 'string') return;
    const s = a.trim();
    if (s === 'enforcing=1') at = i;
    else if (s.startsWith('enforcing=') || s === '-enforcing') at = undefined;
  });
  return at;
}
