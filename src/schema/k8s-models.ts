/**
 * Kubernetes core, Flux, Argo CD and the common CRD families' kinds (Gateway API, cert-manager, External Secrets, Prometheus
 * operator, Sealed Secrets, Traefik) from the precompiled ajv validators of the
 * model packages (MODEL_PACKAGES: `kubernetes-models` and `@kubernetes-models/*`): an index (apiVersion + kind →
 * validator module), built lazily per group/version from the packages' folders. Validators load synchronously on
 * first use (model-loader.ts); `load` (dynamic import) is the fallback for modules that loader does not understand.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { ModelLoader } from './model-loader.js';

export type ModelValidate = ((data: unknown) => boolean) & { errors?: import('ajv').ErrorObject[] | null };

/** cert-manager and its sub-projects (trust-manager, approver-policy, the AWS PCA issuer), as the package has them. */
const CERT_MANAGER_GROUPS = new Set(['cert-manager.io', 'acme.cert-manager.io', 'trust.cert-manager.io', 'trust-manager.io', 'policy.cert-manager.io', 'awspca.cert-manager.io']);

/**
 * The model packages and the API groups each one owns. `crd`: the package models the CRDs of one release of a
 * project installed next to Kubernetes, so an API version it lacks may still be served by the release a cluster
 * runs (reported as an unknown kind, never as not served).
 */
export const MODEL_PACKAGES = [
  { source: 'kubernetes-models', owns: (g: string) => g === '' || !g.includes('.') || g.endsWith('.k8s.io'), crd: false },
  { source: '@kubernetes-models/flux-cd', owns: (g: string) => g.endsWith('.toolkit.fluxcd.io'), crd: false },
  { source: '@kubernetes-models/argo-cd', owns: (g: string) => g === 'argoproj.io', crd: false },
  { source: '@kubernetes-models/gateway-api', owns: (g: string) => g === 'gateway.networking.k8s.io' || g === 'gateway.networking.x-k8s.io', crd: true },
  { source: '@kubernetes-models/cert-manager', owns: (g: string) => CERT_MANAGER_GROUPS.has(g), crd: true },
  { source: '@kubernetes-models/external-secrets', owns: (g: string) => g === 'external-secrets.io' || g === 'generators.external-secrets.io', crd: true },
  { source: '@kubernetes-models/prometheus-operator', owns: (g: string) => g === 'monitoring.coreos.com', crd: true },
  { source: '@kubernetes-models/sealed-secrets', owns: (g: string) => g === 'bitnami.com', crd: true },
  // Traefik v3's group (IngressRoute, Middleware, ...); the v2 group traefik.containo.us has no models: unknown kind
  { source: '@kubernetes-models/traefik', owns: (g: string) => g === 'traefik.io', crd: true },
] as const;

export type ModelSource = (typeof MODEL_PACKAGES)[number]['source'];

/** The package that owns an API group (the first match: the CRD groups ending in `.k8s.io` come before core's). */
export function packageOf(group: string): (typeof MODEL_PACKAGES)[number] | undefined {
  for (let i = 1; i < MODEL_PACKAGES.length; i++) if (MODEL_PACKAGES[i]!.owns(group)) return MODEL_PACKAGES[i];
  return MODEL_PACKAGES[0].owns(group) ? MODEL_PACKAGES[0] : undefined;
}

/** True when the group's models are one release's CRDs (MODEL_PACKAGES `crd`). */
export function isCrdModelGroup(group: string): boolean {
  return packageOf(group)?.crd === true;
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
  source: ModelSource;
}

/** Index of the model packages; all lookups are lazy and cached. */
export class ModelIndex {
  private readonly byGv = new Map<string, Map<string, ModelEntry>>();
  private readonly loaded = new Map<string, ModelValidate>();

  /** `index: false` scans the packages' folders even when the build's index is there (tests compare the two). */
  constructor(private readonly opts: { index?: boolean } = {}) {}
  private readonly failed = new Set<string>();

  private readonly roots = new Map<ModelSource, string | undefined>();

  /** A package's folder, resolved on first use (a repository without Argo CD never resolves its package). */
  private rootOf(source: ModelSource): string | undefined {
    if (!this.roots.has(source)) this.roots.set(source, resolveRoot(source));
    return this.roots.get(source);
  }

  /** Folder holding the models of a group (undefined when no package covers the group). */
  private groupDir(group: string): { dir: string; source: ModelSource } | undefined {
    const pkg = packageOf(group);
    if (!pkg) return undefined;
    const root = this.rootOf(pkg.source);
    if (!root) return undefined;
    if (group === '') return { dir: root, source: pkg.source };
    if (group.includes('..') || group.includes('/')) return undefined;
    return { dir: join(root, group), source: pkg.source };
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
    const pkgRoot = this.rootOf(gd.source);
    if (!pkgRoot || packageVersion(pkgRoot) !== idx.packages[gd.source]) return undefined;
    const m = new Map<string, ModelEntry>();
    for (const [kind, apiVersion, module] of idx.kinds[`${group}/${version}`] ?? []) m.set(kind, { apiVersion, kind, module: join(pkgRoot, module), source: gd.source });
    return m;
  }

  /** Every group/version's kinds of the installed packages, for the build's index (scripts/precompile-schemas.ts). */
  kindIndexFile(): KindIndexFile {
    const out: KindIndexFile = { version: 1, packages: {}, kinds: {} };
    const roots = MODEL_PACKAGES.map((p) => [p.source, this.rootOf(p.source)] as const);
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
    const core = this.rootOf('kubernetes-models');
    if (!core) return [];
    let groups: string[] = [];
    try {
      groups = readdirSync(core).filter((g) => this.isBuiltinGroup(g) && g !== group && !g.startsWith('_') && !g.includes('.d.ts') && !g.endsWith('.js') && !g.endsWith('.json'));
    } catch {
      return [];
    }
    for (const g of groups.sort()) out.push(...this.versionsInGroup(g === 'v1' ? '' : g, kind));
    return [...new Set(out)].sort();
  }

  private isBuiltinGroup(group: string): boolean {
    return packageOf(group)?.source === 'kubernetes-models';
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
