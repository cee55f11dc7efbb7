/**
 * Kubernetes core, Flux and Argo CD kinds from the precompiled ajv validators of `kubernetes-models`,
 * `@kubernetes-models/flux-cd` and `@kubernetes-models/argo-cd`: an index (apiVersion + kind → validator module),
 * built lazily per group/version from the packages' folders. Validators load synchronously on first use
 * (model-loader.ts); `load` (dynamic import) is the fallback for modules that loader does not understand.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { ModelLoader } from './model-loader.js';

export type ModelValidate = ((data: unknown) => boolean) & { errors?: import('ajv').ErrorObject[] | null };

interface PackageRoots {
  core: string | undefined;
  flux: string | undefined;
  argo: string | undefined;
}

/** Built by scripts/precompile-schemas.ts: apiVersion/kind → validator module of each installed model package. */
export const KIND_INDEX_FILE = fileURLToPath(new URL('../../schema-validators/model-kinds.json', import.meta.url));

export interface KindIndexFile {
  version: 1;
  /** Package versions the index was built from (a mismatch: the index is ignored). */
  packages: Partial<Record<ModelEntry['source'], string>>;
  /** `group/version` → [kind, apiVersion, module path relative to the package folder]. */
  kinds: Record<string, Array<[string, string, string]>>;
}

function readKindIndex(file: string): KindIndexFile | null {
  try {
    const idx = JSON.parse(readFileSync(file, 'utf8')) as KindIndexFile;
    return idx.version === 1 && idx.kinds && idx.packages ? idx : null;
  } catch {
    return null;
  }
}

const versions = new Map<string, string | undefined>();

function packageVersion(root: string): string | undefined {
  if (!versions.has(root)) {
    try {
      versions.set(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version);
    } catch {
      versions.set(root, undefined);
    }
  }
  return versions.get(root);
}

export function resolveRoot(spec: string): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.resolve(spec)));
  } catch {
    return undefined;
  }
}

export interface ModelEntry {
  apiVersion: string;
  kind: string;
  /** Absolute path of the `_schemas/<Name>.js` module. */
  module: string;
  /** Which package: for SOURCES/diagnostic data. */
  source: 'kubernetes-models' | '@kubernetes-models/flux-cd' | '@kubernetes-models/argo-cd';
}

/** Index of the model packages; all lookups are lazy and cached. */
export class ModelIndex {
  private roots: PackageRoots | undefined;
  private readonly byGv = new Map<string, Map<string, ModelEntry>>();
  private readonly loaded = new Map<string, ModelValidate>();

  /** `index: false` scans the packages' folders even when the build's index is there (tests compare the two). */
  constructor(private readonly opts: { index?: boolean } = {}) {}
  private readonly failed = new Set<string>();

  /** Package folders, each resolved on first use (a repository without Argo CD never resolves its package). */
  private pkgRoots(): PackageRoots {
    if (this.roots) return this.roots;
    const cache = new Map<string, string | undefined>();
    const lazy = (spec: string) => () => {
      if (!cache.has(spec)) cache.set(spec, resolveRoot(spec));
      return cache.get(spec);
    };
    const core = lazy('kubernetes-models');
    const flux = lazy('@kubernetes-models/flux-cd');
    const argo = lazy('@kubernetes-models/argo-cd');
    this.roots = {
      get core() {
        return core();
      },
      get flux() {
        return flux();
      },
      get argo() {
        return argo();
      },
    };
    return this.roots;
  }

  /** Folder holding the models of a group (undefined when no package covers the group). */
  private groupDir(group: string): { dir: string; source: ModelEntry['source'] } | undefined {
    const r = this.pkgRoots();
    if (group === '') return r.core ? { dir: r.core, source: 'kubernetes-models' } : undefined;
    if (group.endsWith('.toolkit.fluxcd.io')) return r.flux ? { dir: join(r.flux, group), source: '@kubernetes-models/flux-cd' } : undefined;
    if (group === 'argoproj.io') return r.argo ? { dir: join(r.argo, group), source: '@kubernetes-models/argo-cd' } : undefined;
    if (!r.core || group.includes('..') || group.includes('/')) return undefined;
    return { dir: join(r.core, group), source: 'kubernetes-models' };
  }

  /** Top-level kinds (with apiVersion/kind statics) of one group/version: from the build's index, else scanned. */
  private kindsOf(group: string, version: string): Map<string, ModelEntry> {
    const key = `${group}/${version}`;
    let m = this.byGv.get(key);
    if (m) return m;
    m = this.indexed(group, version) ?? this.scanKinds(group, version);
    this.byGv.set(key, m);
    return m;
  }

  /** The folder's kinds read from the model classes (one file read per kind: ~10 ms for core/v1). */
  private scanKinds(group: string, version: string): Map<string, ModelEntry> {
    const m = new Map<string, ModelEntry>();
    const gd = this.groupDir(group);
    if (!gd || !/^[a-z0-9]+$/.test(version)) return m;
    const dir = join(gd.dir, version);
    if (!existsSync(dir)) return m;
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      return m;
    }
    for (const n of names.sort()) {
      if (!n.endsWith('.js') || n === 'index.js' || !/^[A-Z]/.test(n)) continue;
      let text: string;
      try {
        text = readFileSync(join(dir, n), 'utf8');
      } catch {
        continue;
      }
      const kind = /this\.kind="([^"]+)"/.exec(text)?.[1];
      const apiVersion = /this\.apiVersion="([^"]+)"/.exec(text)?.[1];
      const schema = /from"(\.\.\/)+_schemas\/([A-Za-z0-9]+)\.js"/.exec(text);
      if (!kind || !apiVersion || !schema || kind.endsWith('List')) continue;
      const root = group === '' ? gd.dir : dirname(gd.dir);
      m.set(kind, { apiVersion, kind, module: join(root, '_schemas', `${schema[2]}.js`), source: gd.source });
    }
    return m;
  }

  private kindIndex: KindIndexFile | null | undefined;

  /** The group/version's kinds from dist/schema-validators/model-kinds.json when it was built from these packages. */
  private indexed(group: string, version: string): Map<string, ModelEntry> | undefined {
    if (this.kindIndex === undefined) this.kindIndex = this.opts.index === false ? null : readKindIndex(KIND_INDEX_FILE);
    const idx = this.kindIndex;
    const gd = this.groupDir(group);
    if (!idx || !gd) return undefined;
    const pkgRoot = gd.source === 'kubernetes-models' ? this.pkgRoots().core : gd.source === '@kubernetes-models/flux-cd' ? this.pkgRoots().flux : this.pkgRoots().argo;
    if (!pkgRoot || packageVersion(pkgRoot) !== idx.packages[gd.source]) return undefined;
    const m = new Map<string, ModelEntry>();
    for (const [kind, apiVersion, module] of idx.kinds[`${group}/${version}`] ?? []) m.set(kind, { apiVersion, kind, module: join(pkgRoot, module), source: gd.source });
    return m;
  }

  /** Every group/version's kinds of the installed packages, for the build's index (scripts/precompile-schemas.ts). */
  kindIndexFile(): KindIndexFile {
    const out: KindIndexFile = { version: 1, packages: {}, kinds: {} };
    const r = this.pkgRoots();
    const roots: Array<[ModelEntry['source'], string | undefined]> = [
      ['kubernetes-models', r.core],
      ['@kubernetes-models/flux-cd', r.flux],
      ['@kubernetes-models/argo-cd', r.argo],
    ];
    const dirs = (d: string) => {
      try {
        return readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('_')).map((e) => e.name).sort();
      } catch {
        return [];
      }
    };
    for (const [source, root] of roots) {
      if (!root) continue;
      out.packages[source] = packageVersion(root);
      const gvs: Array<[string, string]> = [];
      for (const g of dirs(root)) {
        if (source === 'kubernetes-models' && g === 'v1') gvs.push(['', 'v1']);
        else for (const v of dirs(join(root, g))) gvs.push([g, v]);
      }
      for (const [g, v] of gvs) {
        const gd = this.groupDir(g);
        if (!gd || gd.source !== source) continue;
        const kinds = [...this.scanKinds(g, v).values()].map((e) => [e.kind, e.apiVersion, relative(root, e.module).split(sep).join('/')] as [string, string, string]);
        if (kinds.length) out.kinds[`${g}/${v}`] = kinds;
      }
    }
    return out;
  }

  private readonly found = new Map<string, ModelEntry | null>();

  find(apiVersion: string, kind: string): ModelEntry | undefined {
    const key = `${apiVersion}\u0000${kind}`;
    const hit = this.found.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const e = this.findUncached(apiVersion, kind);
    this.found.set(key, e ?? null);
    return e;
  }

  private findUncached(apiVersion: string, kind: string): ModelEntry | undefined {
    const i = apiVersion.indexOf('/');
    const group = i === -1 ? '' : apiVersion.slice(0, i);
    const version = i === -1 ? apiVersion : apiVersion.slice(i + 1);
    const e = this.kindsOf(group, version).get(kind);
    return e && e.apiVersion === apiVersion ? e : undefined;
  }

  /**
   * Other apiVersions that have this kind (for `schema/not-served`): versions of the same group, and for
   * built-in Kubernetes groups also other built-in groups (extensions/v1beta1 Ingress → networking.k8s.io/v1).
   */
  versionsWithKind(apiVersion: string, kind: string): string[] {
    const i = apiVersion.indexOf('/');
    const group = i === -1 ? '' : apiVersion.slice(0, i);
    const out = this.versionsInGroup(group, kind).filter((x) => x !== apiVersion);
    if (out.length || !this.isBuiltinGroup(group)) return out;
    const r = this.pkgRoots();
    if (!r.core) return [];
    let groups: string[] = [];
    try {
      groups = readdirSync(r.core).filter((g) => this.isBuiltinGroup(g) && g !== group && !g.startsWith('_') && !g.includes('.d.ts') && !g.endsWith('.js') && !g.endsWith('.json'));
    } catch {
      return [];
    }
    for (const g of groups.sort()) out.push(...this.versionsInGroup(g === 'v1' ? '' : g, kind));
    return [...new Set(out)].sort();
  }

  private isBuiltinGroup(group: string): boolean {
    return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
  }

  private versionsInGroup(group: string, kind: string): string[] {
    const gd = this.groupDir(group);
    if (!gd || !existsSync(gd.dir)) return [];
    if (group === '') return this.kindsOf('', 'v1').has(kind) ? ['v1'] : [];
    const out: string[] = [];
    let names: string[] = [];
    try {
      names = readdirSync(gd.dir);
    } catch {
      return [];
    }
    for (const v of names.sort()) {
      if (!/^v\d+((alpha|beta)\d+)?$/.test(v)) continue;
      if (this.kindsOf(group, v).has(kind)) out.push(`${group}/${v}`);
    }
    return out;
  }

  private readonly syncLoader = new ModelLoader();

  /** The validator of a model, loading it synchronously on first use. */
  validator(entry: ModelEntry): ModelValidate | undefined {
    let v = this.loaded.get(entry.module);
    if (v || this.failed.has(entry.module)) return v;
    const ex = this.syncLoader.load(entry.module);
    if (ex && typeof ex['validate'] === 'function') {
      v = ex['validate'] as ModelValidate;
      this.loaded.set(entry.module, v);
    }
    return v;
  }

  isLoaded(entry: ModelEntry): boolean {
    return this.loaded.has(entry.module) || this.failed.has(entry.module);
  }

  async load(entry: ModelEntry): Promise<void> {
    if (this.isLoaded(entry)) return;
    try {
      const mod = (await import(pathToFileURL(entry.module).href)) as { validate?: ModelValidate };
      if (typeof mod.validate === 'function') this.loaded.set(entry.module, mod.validate);
      else this.failed.add(entry.module);
    } catch {
      this.failed.add(entry.module);
    }
  }
}
