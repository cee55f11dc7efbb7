/**
 * `npm run build` step 3: compiles every variant of talium's own schemas (Cilium kinds and Helm values per Cilium
 * line, Talos machine config and documents per Talos line, kustomization) with ajv's standalone code generation
 * into dist/schema-validators/ (+ manifest.json), so a lint loads validators instead of compiling them
 * (src/schema/precompiled.ts). Skips the work when the manifest is current; without the manifest, validators
 * compile at run time as before. Also writes model-kinds.json, the index of the kubernetes-models kinds
 * (src/schema/k8s-models.ts), so a lint does not read every model class of a group to find one kind.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _, Ajv } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { createAjv } from '../src/schema/ajv.js';
import { ajvVersion, MANIFEST_FILE, PRECOMPILED_DIR, RUNTIME_FILE, RUNTIME_TEXT, schemasFingerprint, schemasStamp, type PrecompiledManifest } from '../src/schema/precompiled.js';
import { KIND_INDEX_FILE, ModelIndex } from '../src/schema/k8s-models.js';
import { SchemaRegistry } from '../src/schema/registry.js';
import { TALOS_DOCUMENT_KINDS } from '../src/schema/talos-kinds.js';
import { compileConfigValidators, CONFIG_AJV_OPTIONS, CONFIG_VALIDATOR_KEYS, configSchemaPath } from '../src/config/load.js';
import { CLUSTER_SCHEMA } from '../src/spec/schema.js';
import { CLUSTER_AJV_OPTIONS, CLUSTER_VALIDATOR_KEY } from '../src/spec/schema-findings.js';
import { CILIUM_LINES, CILIUM_SCHEMA_FILE, ciliumServed, HELM_VALUES_FILE, KUSTOMIZATION_FILE, TALOS_CONFIG_FILE, TALOS_DOCS_FILE, TALOS_LINES } from '../src/schema/versions.js';

const standaloneCode = ((standaloneModule as unknown as { default?: unknown }).default ?? standaloneModule) as (ajv: unknown, fn: unknown) => string;

/** The compiled modules whose behaviour the generated code depends on. */
const GENERATOR_FILES = ['spec/schema.js', 'spec/schema-findings.js', 'config/load.js', 'schema/ajv.js', 'schema/specialize.js', 'schema/re2.js', 'schema/formats.js', 'schema/registry.js', 'schema/versions.js', 'schema/talos-kinds.js', 'schema/precompiled.js', 'net/ip.js'];

function generatorFingerprint(): string {
  const h = createHash('sha256');
  const src = fileURLToPath(new URL('../src/', import.meta.url));
  for (const f of GENERATOR_FILES) h.update(f).update('\0').update(readFileSync(join(src, f))).update('\0');
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  return h.digest('hex');
}

async function main(): Promise<void> {
  const want = { ajv: ajvVersion(), schemas: schemasFingerprint(), generator: generatorFingerprint() };
  const manifestPath = join(PRECOMPILED_DIR, MANIFEST_FILE);
  if (existsSync(manifestPath)) {
    try {
      const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as PrecompiledManifest;
      if (m.ajv === want.ajv && m.schemas === want.schemas && m.generator === want.generator && readFileSync(join(PRECOMPILED_DIR, RUNTIME_FILE), 'utf8') === RUNTIME_TEXT) {
        // same content; the files' stamps (the run-time check) may have changed (a checkout, a touch)
        if (m.stamp !== schemasStamp()) writeFileSync(manifestPath, JSON.stringify({ ...m, stamp: schemasStamp() }, null, 2) + '\n');
        return;
      }
    } catch {
      /* regenerate */
    }
  }
  const t0 = performance.now();
  rmSync(PRECOMPILED_DIR, { recursive: true, force: true });
  mkdirSync(PRECOMPILED_DIR, { recursive: true });
  writeFileSync(join(PRECOMPILED_DIR, RUNTIME_FILE), RUNTIME_TEXT);
  const runtime = `./${RUNTIME_FILE}`;
  const ajv = createAjv({ runtime, formats: _`require(${runtime}).FORMATS` });
  const registry = new SchemaRegistry({ ajv, precompiled: false });
  // every variant the validator can ask for (src/schema/validate.ts)
  registry.builtin(KUSTOMIZATION_FILE, { line: '0.0' });
  for (const line of CILIUM_LINES) {
    registry.builtin(HELM_VALUES_FILE, { line });
    for (const kind of Object.keys(CILIUM_SCHEMA_FILE)) for (const av of ciliumServed(kind, line)) registry.cilium(av, kind, line);
  }
  for (const line of TALOS_LINES) {
    registry.builtin(TALOS_CONFIG_FILE, { line });
    for (const kind of Object.keys(TALOS_DOCUMENT_KINDS)) registry.builtin(`${TALOS_DOCS_FILE}#/$defs/${kind}`, { line });
  }
  const entries: Record<string, string> = {};
  for (const [key, fn] of registry.builtinValidators().sort(([a], [b]) => (a < b ? -1 : 1))) {
    const file = `v-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.cjs`;
    writeFileSync(join(PRECOMPILED_DIR, file), standaloneCode(ajv, fn));
    entries[key] = file;
  }
  // the cluster.yaml schema (src/spec/schema.ts, its own ajv options): every run that reads a cluster.yaml needs it
  const specAjv = new Ajv({ ...CLUSTER_AJV_OPTIONS, code: { source: true } });
  const specFile = 'v-cluster-spec.cjs';
  writeFileSync(join(PRECOMPILED_DIR, specFile), standaloneCode(specAjv, specAjv.compile(CLUSTER_SCHEMA as unknown as object)));
  entries[CLUSTER_VALIDATOR_KEY] = specFile;
  // talium.config.yaml and the cluster.yaml `lint:` section: every run reads a configuration
  const cfgAjv = new Ajv({ ...CONFIG_AJV_OPTIONS, code: { source: true } });
  const cfg = compileConfigValidators(cfgAjv, JSON.parse(readFileSync(configSchemaPath(), 'utf8')) as Record<string, unknown>);
  for (const [name, fn] of Object.entries(cfg) as Array<[keyof typeof CONFIG_VALIDATOR_KEYS, typeof cfg.root]>) {
    const file = `v-config-${name}.cjs`;
    writeFileSync(join(PRECOMPILED_DIR, file), standaloneCode(cfgAjv, fn));
    entries[CONFIG_VALIDATOR_KEYS[name]] = file;
  }
  const manifest: PrecompiledManifest = { version: 1, ...want, stamp: schemasStamp(), entries };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  process.stderr.write(`talium build: ${Object.keys(entries).length} schema validators precompiled (${((performance.now() - t0) / 1000).toFixed(1)} s).\n`);
}

/** The kubernetes-models kind index (cheap, always rewritten: it follows the installed packages). */
function writeKindIndex(): void {
  mkdirSync(PRECOMPILED_DIR, { recursive: true });
  writeFileSync(KIND_INDEX_FILE, JSON.stringify(new ModelIndex().kindIndexFile()) + '\n');
}

await main();
writeKindIndex();
