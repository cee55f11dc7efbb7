/**
 * schema/positional.ts: the kubernetes-models validators rewritten to positional contexts must judge exactly as the
 * generated code does: the same verdict and the same `errors` (instancePath, schemaPath, params) on every corpus
 * object of a modelled kind and on mutations of them, also when only some modules could be rewritten (the loader's
 * adapters between the two conventions). The corpus part is skipped when ../shared/corpus is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { SourceFile } from '../src/core/source.js';
import { parseSource } from '../src/lint/parse.js';
import { MODEL_PACKAGES, ModelIndex, resolveRoot } from '../src/schema/k8s-models.js';
import { ModelLoader } from '../src/schema/model-loader.js';
import { positionalContexts } from '../src/schema/positional.js';
import { mutations } from '../src/testing/schema-mutate.js';
import { CORPUS, yamlFilesUnder } from '../src/testing/schema-upstream.js';

type Validate = ((d: unknown) => boolean) & { errors?: unknown };

function modules(): string[] {
  const out: string[] = [];
  for (const p of MODEL_PACKAGES) {
    const root = resolveRoot(p.source);
    assert.ok(root, `${p.source} installed`);
    const dir = join(root, '_schemas');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.js'))) out.push(join(dir, f));
  }
  return out;
}

/** The four loaders compared: generated code, all rewritten, and each half of the modules rewritten. */
function loaders(): Array<[string, ModelLoader]> {
  const odd = (f: string) => f.length % 2 === 1;
  return [
    ['generated', new ModelLoader({ positional: false })],
    ['positional', new ModelLoader({ positional: (_f) => true })],
    ['mixed (odd names positional)', new ModelLoader({ positional: odd })],
    ['mixed (even names positional)', new ModelLoader({ positional: (f) => !odd(f) })],
  ];
}

function judge(loader: ModelLoader, module: string, value: unknown): { valid: boolean; errors: unknown } {
  const fn = loader.load(module)?.['validate'] as Validate | undefined;
  assert.ok(fn, `${module}: loads`);
  const valid = fn(value);
  return { valid, errors: fn.errors };
}

describe('positional validator contexts', () => {
  it('rewrites every module of every model package (no context shape it does not know)', () => {
    const all = modules();
    assert.ok(all.length > 1000, `${all.length} modules`);
    const loader = new ModelLoader({ positional: (_f) => true });
    const left = all.filter((f) => {
      const ex = loader.load(f);
      return !ex || !loader.isPositional(ex);
    });
    assert.deepEqual(left, []);
  });

  it('rewrites the context object and the destructuring, and nothing else', () => {
    const src =
      'function validate1(data,{instancePath="",parentData,parentDataProperty,rootData=data}={}){let e={instancePath,schemaPath:"#/a,b",keyword:"type",params:{}};' +
      'validate2(data.x,{instancePath:instancePath+"/x,{y}",parentData:data,parentDataProperty:"x,{y}",rootData});' +
      'validate3(data[k],{instancePath:instancePath+"/"+k.replace(/~/g,"~0").replace(/\\//g,"~1"),parentData:data,parentDataProperty:k,rootData});' +
      'validate4(data,{instancePath,parentData,parentDataProperty,rootData});return e}';
    assert.equal(
      positionalContexts(src),
      'function validate1(data,instancePath="",parentData,parentDataProperty,rootData=data){let e={instancePath,schemaPath:"#/a,b",keyword:"type",params:{}};' +
        'validate2(data.x,instancePath+"/x,{y}",data,"x,{y}",rootData);' +
        'validate3(data[k],instancePath+"/"+k.replace(/~/g,"~0").replace(/\\//g,"~1"),data,k,rootData);' +
        'validate4(data,instancePath,parentData,parentDataProperty,rootData);return e}',
    );
    // any other use of the context's names: left alone
    assert.equal(positionalContexts(`${src}function f(o){return o.parentData}`), undefined);
    assert.equal(positionalContexts('validate2(data,{instancePath,parentData,parentDataProperty,rootData,dynamicAnchors})'), undefined);
  });

  it('judges crafted objects as the generated code does, in every mix of conventions', () => {
    const index = new ModelIndex();
    const kinds: Array<[string, string]> = [
      ['v1', 'Service'],
      ['apps/v1', 'Deployment'],
      ['v1', 'ConfigMap'],
      ['batch/v1', 'CronJob'],
      ['networking.k8s.io/v1', 'Ingress'],
    ];
    const ls = loaders();
    let n = 0;
    for (const [av, kind] of kinds) {
      const m = index.find(av, kind);
      assert.ok(m, `${av} ${kind}`);
      const base = {
        apiVersion: av,
        kind,
        metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'a' } },
        spec: { selector: { matchLabels: { a: 'b' } }, ports: [{ port: 80, targetPort: 'http' }], template: { spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '1', memory: '1Gi' } } }] } } },
        data: { a: 'b' },
      };
      for (const mu of [{ name: 'base', value: base }, ...mutations(base)]) {
        const want = judge(ls[0]![1], m.module, mu.value);
        for (const [name, l] of ls.slice(1)) assert.deepEqual(judge(l, m.module, mu.value), want, `${kind} ${mu.name}: ${name}`);
        if (!want.valid) n++;
      }
    }
    assert.ok(n > 50, `invalid cases: ${n}`);
  });

  it('judges every corpus object of a modelled kind, and mutations of the first of each kind, as the generated code does', (t) => {
    if (!existsSync(CORPUS)) return t.skip('../shared/corpus is absent');
    const files = yamlFilesUnder(CORPUS);
    const index = new ModelIndex();
    const ls = loaders();
    const mutated = new Set<string>();
    let objects = 0;
    let invalid = 0;
    for (const f of files) {
      const parsed = parseSource(new SourceFile(f, readFileSync(f, 'utf8')));
      for (const d of parsed.docs) {
        if (d.docClass !== 'k8s' || !d.apiVersion || !d.kind) continue;
        const m = index.find(d.apiVersion, d.kind);
        if (!m) continue;
        objects++;
        const cases = [{ name: 'as written', value: d.parsed }];
        if (!mutated.has(m.module)) {
          mutated.add(m.module);
          cases.push(...mutations(d.parsed));
        }
        for (const c of cases) {
          const want = judge(ls[0]![1], m.module, c.value);
          if (!want.valid) invalid++;
          for (const [name, l] of ls.slice(1)) assert.deepEqual(judge(l, m.module, c.value), want, `${f} ${d.kind} ${c.name}: ${name}`);
        }
      }
    }
    assert.ok(objects > 100, `corpus objects: ${objects}`);
    assert.ok(invalid > 200, `invalid cases: ${invalid}`);
  });
});
