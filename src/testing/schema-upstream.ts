/**
 * Test oracle helpers for the schema agreement tests: find ../shared, compile upstream Cilium CRD schemas and
 * Helm values schemas strictly (unknown fields rejected unless x-kubernetes-preserve-unknown-fields), walk the
 * corpus for documents. Independent of src/schema/crd.ts on purpose (an oracle must not share the code under test).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Ajv, type ValidateFunction } from 'ajv';
import { compileRe2 } from '../schema/re2.js';
import { FORMATS } from '../schema/formats.js';

export const SHARED = resolve(process.cwd(), '../shared');
export const UPSTREAM_CILIUM = join(SHARED, 'upstream/cilium');
export const CORPUS = join(SHARED, 'corpus');

export function sharedPresent(): boolean {
  return existsSync(UPSTREAM_CILIUM);
}

/** Cilium version folders that carry CRDs (v2 or v2alpha1 subfolders), sorted. */
export function ciliumCrdFolders(): string[] {
  if (!existsSync(UPSTREAM_CILIUM)) return [];
  return readdirSync(UPSTREAM_CILIUM)
    .filter((v) => existsSync(join(UPSTREAM_CILIUM, v, 'v2')) || existsSync(join(UPSTREAM_CILIUM, v, 'v2alpha1')))
    .sort();
}

export function ciliumHelmFolders(): string[] {
  if (!existsSync(UPSTREAM_CILIUM)) return [];
  return readdirSync(UPSTREAM_CILIUM)
    .filter((v) => existsSync(join(UPSTREAM_CILIUM, v, 'helm/values.schema.json')))
    .sort();
}

type Obj = Record<string, unknown>;

/** Strict form of a structural OpenAPI schema node, as the API server with strict field validation applies it. */
function oracleStrict(n: unknown, branch = false): unknown {
  if (Array.isArray(n)) return n.map((x) => oracleStrict(x, branch));
  if (!n || typeof n !== 'object') return n;
  const o = n as Obj;
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'description') continue;
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as Obj).map(([pk, pv]) => [pk, oracleStrict(pv, branch)]));
    else if (['items', 'additionalProperties'].includes(k)) out[k] = typeof v === 'boolean' ? v : oracleStrict(v, branch);
    else if (k === 'not') out[k] = oracleStrict(v, true);
    // value validations in allOf/anyOf/oneOf/not branches never define fields (structural schema rule)
    else if (['allOf', 'anyOf', 'oneOf'].includes(k)) out[k] = (v as unknown[]).map((x) => oracleStrict(x, true));
    else out[k] = v;
  }
  if (o['x-kubernetes-int-or-string'] === true) out['type'] = ['integer', 'string'];
  if (o['nullable'] === true && typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  delete out['nullable'];
  if (!branch && (out['type'] === 'object' || out['properties']) && o['x-kubernetes-preserve-unknown-fields'] !== true && out['additionalProperties'] === undefined) {
    out['additionalProperties'] = false;
  }
  return out;
}

export interface UpstreamKind {
  kind: string;
  apiVersion: string;
  served: boolean;
  validate: ValidateFunction;
}

function oracleAjv(): Ajv {
  const engine = (p: string, u: string): RegExp => compileRe2(p, u);
  engine.code = 'new RegExp';
  const ajv = new Ajv({ allErrors: false, strict: false, logger: false, validateSchema: false, code: { regExp: engine as never } });
  for (const [name, f] of Object.entries(FORMATS)) ajv.addFormat(name, { type: f.type, validate: f.validate } as never);
  return ajv;
}

/** All served kinds/versions of one upstream Cilium folder, compiled strictly. */
export function upstreamCiliumKinds(folder: string, kinds?: readonly string[]): UpstreamKind[] {
  const ajv = oracleAjv();
  const out: UpstreamKind[] = [];
  for (const sub of ['v2', 'v2alpha1']) {
    const dir = join(UPSTREAM_CILIUM, folder, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      const crd = parseAllDocuments(readFileSync(join(dir, f), 'utf8'))[0]?.toJS() as Obj | undefined;
      const spec = crd?.['spec'] as Obj | undefined;
      const kind = (spec?.['names'] as Obj | undefined)?.['kind'] as string | undefined;
      if (!spec || !kind || (kinds && !kinds.includes(kind))) continue;
      for (const v of spec['versions'] as Obj[]) {
        const schema = oracleStrict((v['schema'] as Obj)['openAPIV3Schema']) as Obj;
        // metadata is validated by the API server as ObjectMeta; the CRD only says `type: object`
        (schema['properties'] as Obj)['metadata'] = { type: 'object' };
        out.push({ kind, apiVersion: `${spec['group'] as string}/${v['name'] as string}`, served: v['served'] !== false, validate: ajv.compile(schema) });
      }
    }
  }
  return out;
}

/** The upstream Helm values schema of a folder (values.schema.json), parsed. */
export function upstreamHelmSchema(folder: string): Obj {
  return JSON.parse(readFileSync(join(UPSTREAM_CILIUM, folder, 'helm/values.schema.json'), 'utf8')) as Obj;
}

/** The upstream Helm values schema of a folder, compiled as Helm does (draft-07, not strict about keys). */
export function upstreamHelmValues(folder: string): ValidateFunction {
  return oracleAjv().compile(upstreamHelmSchema(folder));
}

/** `v1.18.8` → `1.18`. */
export function lineOf(folder: string): string {
  const m = /(\d+)\.(\d+)/.exec(folder);
  return m ? `${m[1]}.${m[2]}` : folder;
}

export interface CorpusDoc {
  file: string;
  index: number;
  text: string;
  value: unknown;
}

/** Every `.yaml`/`.yml` file below `dir`, in sorted walk order (none when `dir` is absent). */
export function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(n)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Every YAML document of the corpus (files that do not parse are skipped and counted). */
export function corpusDocs(): { docs: CorpusDoc[]; unparsable: number } {
  const docs: CorpusDoc[] = [];
  let unparsable = 0;
  if (!existsSync(CORPUS)) return { docs, unparsable };
  for (const p of yamlFilesUnder(CORPUS)) {
    const text = readFileSync(p, 'utf8');
    try {
      const all = parseAllDocuments(text, { uniqueKeys: false });
      if (!Array.isArray(all)) continue;
      all.forEach((doc, index) => {
        if (doc.errors.length) {
          unparsable++;
          return;
        }
        docs.push({ file: p, index, text, value: doc.toJS({ maxAliasCount: 100 }) });
      });
    } catch {
      unparsable++;
    }
  }
  return { docs, unparsable };
}

/** Does a value contain template syntax (Flux `${VAR}`, Go/Jinja `{{ }}`) anywhere? */
export function isTemplated(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('${') || v.includes('{{') || v.includes('{%');
  if (Array.isArray(v)) return v.some(isTemplated);
  if (v && typeof v === 'object') return Object.entries(v).some(([k, c]) => isTemplated(k) || isTemplated(c));
  return false;
}
