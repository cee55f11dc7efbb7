/**
 * The schema registry: (apiVersion, kind, Cilium/Talos line) → a compiled validator, compiled lazily and cached.
 * Sources in precedence order: user schema folders, CRDs of the linted repo, talium's own schemas (Cilium,
 * Talos, Kustomize, Cilium Helm values), then kubernetes-models (core, Flux, Argo CD).
 */
import type { Ajv, ValidateFunction } from 'ajv';
import { createAjv } from './ajv.js';
import { specialize, type SpecializeContext } from './specialize.js';
import { readBuiltinSchema } from './schema-files.js';
import { CILIUM_SCHEMA_FILE, ciliumServed, type CiliumLine, type TalosLine } from './versions.js';
import { ModelIndex, type ModelEntry } from './k8s-models.js';
import { precompiledValidator } from './precompiled.js';

const BASE = 'https://talium.invalid/schemas/';
/** Built-in files referenced by others (added once per specialisation context). */
const SHARED_FILES = ['k8s-common.json', 'cilium/bgp-common.json', 'cilium/cnp-common.json'];

export interface UserSchema {
  apiVersion: string;
  kind: string;
  schema: Record<string, unknown>;
  /** Where it came from (`crd:<file>` or a schema file path), for data. */
  origin: string;
  served: boolean;
}

/** Compiled-validator cache for one lint run (or one process). Not thread-shared: one per worker. */
export class SchemaRegistry {
  /** Created on first use: with precompiled validators a lint often never compiles a schema (saves ~10 ms). */
  get ajv(): Ajv {
    return (this.ajvInstance ??= this.makeAjv());
  }
  private ajvInstance: Ajv | undefined;
  private readonly makeAjv: () => Ajv;
  readonly models = new ModelIndex();
  private readonly compiled = new Map<string, ValidateFunction | null>();
  private readonly contexts = new Set<string>();
  private readonly user = new Map<string, UserSchema>();

  /** `ajv`: a prepared instance (precompile-schemas uses one that keeps sources); `precompiled: false` always compiles. */
  constructor(opts: { ajv?: Ajv; precompiled?: boolean } = {}) {
    const given = opts.ajv;
    this.makeAjv = given ? () => given : () => createAjv();
    this.usePrecompiled = opts.precompiled ?? true;
  }

  private readonly usePrecompiled: boolean;

  /** The built-in validators compiled or loaded so far, by cache key (for scripts/precompile-schemas.ts). */
  builtinValidators(): Array<[string, ValidateFunction]> {
    return [...this.compiled].filter((e): e is [string, ValidateFunction] => e[0].startsWith('builtin|') && e[1] !== null);
  }

  addUserSchema(s: UserSchema): void {
    const key = `${s.apiVersion}|${s.kind}`;
    // first one wins: callers add in precedence order (extra folders before repo CRDs)
    if (!this.user.has(key)) this.user.set(key, s);
  }

  userSchema(apiVersion: string, kind: string): UserSchema | undefined {
    return this.user.get(`${apiVersion}|${kind}`);
  }

  /** Kinds a user schema serves under other apiVersions (for not-served). */
  userVersions(kind: string, group: string): string[] {
    const out: string[] = [];
    for (const s of this.user.values()) if (s.served && s.kind === kind && s.apiVersion.startsWith(group + '/')) out.push(s.apiVersion);
    return out.sort();
  }

  /**
   * A user schema compiled on its own: its root `$id` is left out, as ajv refuses a second schema with an `$id`
   * it knows, and which of two schemas sharing one (imported files often do) compiled first would depend on the
   * order documents are validated in (references inside the schema are local, `#/...`).
   */
  compileUser(s: UserSchema): ValidateFunction | null {
    const key = `user|${s.origin}|${s.apiVersion}|${s.kind}`;
    return this.cached(key, () => {
      const { $id: _id, ...schema } = s.schema;
      return this.ajv.compile(schema);
    });
  }

  private cached(key: string, make: () => ValidateFunction): ValidateFunction | null {
    let v = this.compiled.get(key);
    if (v === undefined) {
      try {
        v = make();
      } catch {
        v = null;
      }
      this.compiled.set(key, v);
    }
    return v;
  }

  private ctxId(ctx: SpecializeContext): string {
    return `ctx/${ctx.line}/${(ctx.apiVersion ?? 'any').replace(/[^A-Za-z0-9.]/g, '_')}/`;
  }

  /**
   * Compile a built-in schema for a version line (and apiVersion), with its shared files. `rel` may carry a
   * fragment (`talos/documents.json#/$defs/LinkConfig`) to compile one definition of a file.
   */
  builtin(rel: string, ctx: SpecializeContext): ValidateFunction | null {
    const id = this.ctxId(ctx);
    const key = `builtin|${id}|${rel}`;
    return this.cached(key, () => (this.usePrecompiled ? precompiledValidator(key) : undefined) ?? this.compileBuiltin(id, rel, ctx));
  }

  private compileBuiltin(id: string, rel: string, ctx: SpecializeContext): ValidateFunction {
    const hash = rel.indexOf('#');
    const file = hash === -1 ? rel : rel.slice(0, hash);
    const fragment = hash === -1 ? '' : rel.slice(hash);
    for (const f of this.contexts.has(id) ? [file] : [...SHARED_FILES, file]) this.addFile(id, f, ctx);
    this.contexts.add(id);
    return this.ajv.compile({ $ref: `${BASE}${id}${file}${fragment}` });
  }

  private readonly added = new Set<string>();

  private addFile(id: string, f: string, ctx: SpecializeContext): void {
    const key = `${BASE}${id}${f}`;
    if (this.added.has(key)) return;
    let raw: unknown;
    try {
      raw = readBuiltinSchema(f);
    } catch {
      return;
    }
    const s = specialize(raw, ctx) as Record<string, unknown>;
    this.ajv.addSchema({ ...s, $id: key });
    this.added.add(key);
  }

  /** Cilium kind validator for a line, or the served list when the apiVersion is not served there. */
  private readonly ciliumCache = new Map<string, { validate: ValidateFunction | null; served: string[]; ok: boolean } | null>();

  cilium(apiVersion: string, kind: string, line: CiliumLine): { validate: ValidateFunction | null; served: string[]; ok: boolean } | undefined {
    // most documents are not Cilium kinds: answer those before building a cache key
    if (!Object.prototype.hasOwnProperty.call(CILIUM_SCHEMA_FILE, kind)) return undefined;
    const key = `${apiVersion}\u0000${kind}\u0000${line}`;
    let r = this.ciliumCache.get(key);
    if (r === undefined) {
      r = this.ciliumUncached(apiVersion, kind, line) ?? null;
      this.ciliumCache.set(key, r);
    }
    return r ?? undefined;
  }

  private ciliumUncached(apiVersion: string, kind: string, line: CiliumLine): { validate: ValidateFunction | null; served: string[]; ok: boolean } | undefined {
    const file = CILIUM_SCHEMA_FILE[kind];
    if (!file) return undefined;
    const served = ciliumServed(kind, line);
    if (!served.includes(apiVersion)) return { validate: null, served, ok: false };
    // 1.20 has no upstream CRD copy: its shapes are 1.19's, plus only the fields annotated `"x-since": "1.20"`
    // (newer fields whose presence in 1.20 is NOT ESTABLISHED: accepted there, so either answer gives no false error)
    return { validate: this.builtin(file, { line, apiVersion }), served, ok: true };
  }

  talos(rel: string, line: TalosLine): ValidateFunction | null {
    return this.builtin(rel, { line });
  }

  model(apiVersion: string, kind: string): ModelEntry | undefined {
    return this.models.find(apiVersion, kind);
  }
}
