/**
 * Agreement with upstream Cilium Helm values.schema.json (1.16+) for the keys we model: our verdict equals
 * upstream's on samples, mutations and corpus values, restricted to modelled keys; where we are stricter
 * (closed sections, enums) the difference is listed in ALLOWED and in schemas/SOURCES.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SchemaRegistry } from '../src/schema/registry.js';
import { readBuiltinSchema } from '../src/schema/schema-files.js';
import { specialize } from '../src/schema/specialize.js';
import { ciliumLine } from '../src/schema/versions.js';
import { ciliumHelmFolders, corpusDocs, isTemplated, lineOf, sharedPresent, upstreamHelmValues } from '../src/testing/schema-upstream.js';
import { mutations } from '../src/testing/schema-mutate.js';

type Obj = Record<string, unknown>;
const BASE = parse(readFileSync(join(process.cwd(), 'test/fixtures/schema/helm/cilium-values.yaml'), 'utf8')) as Obj;

/** Keep only what our schema models: closed sections whole, open sections' modelled keys. */
function project(values: unknown, schema: Obj): unknown {
  if (!values || typeof values !== 'object' || Array.isArray(values)) return values;
  const props = (schema['properties'] ?? {}) as Record<string, Obj>;
  if (schema['additionalProperties'] === false) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(values as Obj)) out[k] = props[k] && props[k]['properties'] ? project(v, props[k]) : v;
    return out;
  }
  const out: Obj = {};
  for (const [k, v] of Object.entries(values as Obj)) if (props[k]) out[k] = props[k]['properties'] ? project(v, props[k]) : v;
  return out;
}

/** Deliberate differences: we are stricter (see schemas/SOURCES.md, "Cilium Helm values"). */
const STRICTER_KEYS = [
  /bogusField$/, // unknown key inside a closed section (upstream has no additionalProperties: false)
  /~misspelt$/, // a misspelt key inside a closed section
  /^kubeProxyReplacement/, // only true/false (chart `fail`s on anything else from 1.16)
  /^(routingMode|tunnelProtocol|ipam\.mode|defaultLBServiceIPAM)=/, // enumerated by the chart templates
  /^ipv[46]NativeRoutingCIDR=/, // must be a CIDR when set
  /^(envoy\.)?securityContext\.capabilities\.\w+\.\d+=/, // capability names are upper-case identifiers (agent and Envoy)
  /^l2announcements\.lease\w+/, // not in upstream's schema at all: Go durations
  /^devices/, // typed only from 1.20 upstream; we type it on every line
  /^operator\.replicas=-1$/, // a negative replica count
  /(^|\.)tolerations\.\d+\.\w+:number$/, // a Kubernetes Toleration's key/operator/value/effect are strings (upstream types only some lists)
  /(^|\.)rollingUpdate\.max(Surge|Unavailable):float$/, // Kubernetes IntOrString: an integer or a percentage string
  /^k8sServicePort:/, // nothing: kept for symmetry (never matches a mutation name)
];

/** A copy of `values` without the keys and list items whose value is templated, and how many were left out. */
function withoutTemplated(values: Obj): [Obj, number] {
  let dropped = 0;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.filter((x) => (isTemplated(x) && !(x && typeof x === 'object') ? (dropped++, false) : true)).map(walk);
    if (!v || typeof v !== 'object') return v;
    const out: Obj = {};
    for (const [k, c] of Object.entries(v as Obj)) {
      if (isTemplated(k) || (isTemplated(c) && (!c || typeof c !== 'object'))) dropped++;
      else out[k] = walk(c);
    }
    return out;
  };
  return [walk(values) as Obj, dropped];
}

function allowed(name: string, ours: boolean, theirs: boolean): boolean {
  return theirs && !ours && STRICTER_KEYS.some((r) => r.test(name));
}

const folders = ciliumHelmFolders();

test('helm agreement: ../shared present', (t) => {
  if (!sharedPresent()) t.skip('../shared not present: Helm values agreement cannot run');
  else assert.ok(folders.length >= 5);
});

for (const folder of folders) {
  test(`helm agreement ${folder}: sample and mutations of modelled keys`, () => {
    const line = ciliumLine(lineOf(folder));
    const theirsFn = upstreamHelmValues(folder);
    const reg = new SchemaRegistry();
    const ours = reg.builtin('cilium/helm-values.json', { line });
    assert.ok(ours);
    const mine = specialize(readBuiltinSchema('cilium/helm-values.json'), { line }) as Obj;
    const base = project(BASE, mine) as Obj;
    if (line === '1.16') delete (base['k8sClientRateLimit'] as Obj)['operator'];
    assert.equal(theirsFn(base), true, JSON.stringify(theirsFn.errors));
    assert.equal(ours(base), true, JSON.stringify(ours.errors));
    const diffs: string[] = [];
    let compared = 0;
    let rejected = 0;
    for (const m of mutations(base)) {
      const v = project(m.value, mine);
      const t = theirsFn(v) as boolean;
      const o = ours(v) as boolean;
      compared++;
      if (!o) rejected++;
      if (t !== o && !allowed(m.name, o, t)) diffs.push(`${m.name}: upstream ${t}, ours ${o}`);
    }
    assert.deepEqual(diffs, []);
    assert.ok(compared > 200 && rejected > compared / 4, `compared ${compared}, rejected ${rejected}`);
  });
}

test('helm agreement: Cilium values in the corpus (HelmRelease, Argo CD Application, values files)', (t) => {
  if (!sharedPresent()) {
    t.skip('../shared not present: corpus agreement cannot run');
    return;
  }
  const sets: Array<{ where: string; values: Obj }> = [];
  for (const d of corpusDocs().docs) {
    const v = d.value as Obj | null;
    if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
    const spec = v['spec'] as Obj | undefined;
    const chart = ((spec?.['chart'] as Obj | undefined)?.['spec'] as Obj | undefined)?.['chart'];
    const ref = (spec?.['chartRef'] as Obj | undefined)?.['name'];
    if (v['kind'] === 'HelmRelease' && (chart === 'cilium' || ref === 'cilium') && spec?.['values']) sets.push({ where: `${d.file}#${d.index}`, values: spec['values'] as Obj });
    const src = spec?.['source'] as Obj | undefined;
    const helm = src?.['helm'] as Obj | undefined;
    if (v['kind'] === 'Application' && src?.['chart'] === 'cilium' && helm?.['valuesObject']) sets.push({ where: `${d.file}#${d.index}`, values: helm['valuesObject'] as Obj });
    if (/cilium/i.test(d.file) && /values[^/]*\.ya?ml$/.test(d.file) && !('apiVersion' in v) && ('kubeProxyReplacement' in v || 'l2announcements' in v || 'ipam' in v)) sets.push({ where: `${d.file}#${d.index}`, values: v });
  }
  let compared = 0;
  let skipped = 0;
  const diffs: string[] = [];
  for (const folder of folders) {
    const line = ciliumLine(lineOf(folder));
    const theirsFn = upstreamHelmValues(folder);
    const ours = new SchemaRegistry().builtin('cilium/helm-values.json', { line })!;
    const mine = specialize(readBuiltinSchema('cilium/helm-values.json'), { line }) as Obj;
    for (const s of sets) {
      // a Flux `${VAR}` or Go template stands for a value neither schema can judge: drop those leaves, compare the rest
      const [concrete, dropped] = withoutTemplated(s.values);
      if (dropped) skipped++;
      const v = project(concrete, mine);
      const th = theirsFn(v) as boolean;
      const o = ours(v) as boolean;
      compared++;
      if (th && !o) {
        t.diagnostic(`stricter: ${s.where} on ${folder}: ${(ours.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`).join("; ")}`);
        // we are stricter: allowed only for the listed reasons, so show what we reject
        const why = (ours.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`).join('; ');
        if (!/additionalProperties|enum|format|pattern/.test(why) || /\/(l2announcements|k8sClientRateLimit)\/(enabled|qps|burst) type/.test(why)) diffs.push(`${s.where} on ${folder}: ours rejects (${why})`);
      } else if (!th && o) diffs.push(`${s.where} on ${folder}: upstream rejects, ours accepts (${JSON.stringify(theirsFn.errors)})`);
    }
  }
  t.diagnostic(`corpus: ${sets.length} Cilium value sets, ${compared} (values, version) pairs compared, ${skipped} of them with templated leaves left out`);
  assert.deepEqual(diffs, []);
  assert.ok(compared > 0);
});
