/**
 * Editor support: every example clusters/*\/cluster.yaml starts with a `yaml-language-server` modeline whose
 * schema path resolves, and the schemas work in a plain draft-07 validator (what the YAML language server runs):
 * the examples validate, a typo is reported, and the schemas the README maps are shipped in the npm package.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const ROOT = process.cwd();
const MODELINE = /^# yaml-language-server: \$schema=(\S+)\s*$/;

function clusterSpecs(): string[] {
  const dir = join(ROOT, 'clusters');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => join('clusters', name, 'cluster.yaml'))
    .filter((p) => existsSync(join(ROOT, p)));
}

function plainValidator(schemaPath: string) {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
}

test('every example cluster.yaml has a modeline pointing at schemas/cluster.schema.json', () => {
  const specs = clusterSpecs();
  assert.ok(specs.length >= 2, `example clusters found: ${specs.join(', ')}`);
  for (const spec of specs) {
    const first = readFileSync(join(ROOT, spec), 'utf8').split('\n')[0] ?? '';
    const m = MODELINE.exec(first);
    assert.ok(m, `${spec}: line 1 is a yaml-language-server modeline (got ${JSON.stringify(first)})`);
    assert.equal(resolve(ROOT, dirname(spec), m[1]!), join(ROOT, 'schemas', 'cluster.schema.json'), spec);
  }
});

test('the example cluster.yaml files validate against the schema in a plain draft-07 validator; a typo does not', () => {
  const validate = plainValidator(join(ROOT, 'schemas', 'cluster.schema.json'));
  for (const spec of clusterSpecs()) {
    const value = parse(readFileSync(join(ROOT, spec), 'utf8')) as Record<string, unknown>;
    assert.equal(validate(value), true, `${spec}: ${JSON.stringify(validate.errors)}`);
    const typo = { ...value, netwrok: {} };
    assert.equal(validate(typo), false, `${spec} with an unknown key must be rejected`);
    assert.ok(validate.errors?.some((e) => e.keyword === 'additionalProperties' && (e.params as { additionalProperty?: string }).additionalProperty === 'netwrok'));
  }
});

test('talium.config.schema.json works in a plain validator: {} is valid, an unknown key is not', () => {
  const validate = plainValidator(join(ROOT, 'schemas', 'talium.config.schema.json'));
  assert.equal(validate({}), true, JSON.stringify(validate.errors));
  assert.equal(validate({ rulez: {} }), false);
});

test('the schemas the README maps for editors are shipped in the npm package', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  assert.ok(pkg.files.includes('schemas'), 'package.json "files" ships schemas/');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const mapped = [...readme.matchAll(/node_modules\/talium\/(schemas\/[\w.-]+\.json)/g)].map((m) => m[1]!);
  assert.ok(mapped.length >= 2);
  for (const p of new Set(mapped)) assert.ok(existsSync(join(ROOT, p)), `${p} exists`);
});
