/**
 * scripts/docs: assembly order, the missing-inputs comment, the contents table, the schema and rule references
 * and the action tables, from small in-memory inputs; and `--check` exit codes on a temporary root.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleReadme, headings, slugger, type DocsInputs } from '../scripts/docs/assemble.js';
import { schemaRows } from '../scripts/docs/schema-reference.js';
import { renderRuleReference, type RuleDoc } from '../scripts/docs/rule-reference.js';
import { runDocs } from '../scripts/docs.js';

const rule = (id: string, severity: RuleDoc['severity'] = 'error'): RuleDoc => ({
  id,
  description: `checks ${id}`,
  severity,
  help: 'Do the thing.',
  docs: { what: 'w', why: 'y', fix: 'f', sources: ['https://example.com/a'] },
});

const SCHEMA = {
  description: 'top',
  type: 'object',
  required: ['lan'],
  definitions: { addr: { type: 'string', description: 'An address.' } },
  properties: {
    lan: {
      type: 'object',
      required: ['cidr'],
      properties: {
        cidr: { type: 'string', description: 'The LAN.' },
        vlan: { type: 'integer', minimum: 1, maximum: 4094, default: 50, description: 'VLAN id.' },
        gateway: { $ref: '#/definitions/addr' },
      },
    },
    engine: { enum: ['flux', 'argocd'], description: 'Engine.' },
    port: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
    nodes: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
    extra: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

function inputs(over: Partial<DocsInputs> = {}): DocsInputs {
  return {
    fragments: new Map([
      ['intro.md', '# talium\r\n\r\nIntro.  \n'],
      ['quick-start.md', '## Quick start\n\n```sh\n## not a heading\n```\n'],
      ['lint.md', '## Lint\n\nSee [Quick start](#quick-start).\n'],
      ['workflow.md', '## In your workflow\n\n<!-- docs:action-inputs -->\n\n<!-- docs:action-outputs -->\n'],
      ['zz-extra.md', '## Extra\n'],
    ]),
    clusterSchema: SCHEMA,
    configSchema: undefined,
    rules: [rule('network/b', 'warning'), rule('cilium/a'), rule('network/a'), rule('cilium/a')],
    action: {
      inputs: { paths: { description: 'What to lint.', default: '.' }, config: { description: 'Config.', default: '' } },
      outputs: { errors: { description: 'Errors.', value: '${{ steps.lint.outputs.errors }}' } },
    },
    ...over,
  };
}

test('sections come in the fixed order, unlisted fragments before the license, CRLF and trailing blanks normalised', () => {
  const md = assembleReadme(inputs());
  assert.deepEqual(headings(md), [
    'Contents',
    'Quick start',
    'cluster.yaml reference',
    'Lint',
    'Rule reference',
    'In your workflow',
    'Extra',
    'License',
  ]);
  assert.ok(!md.includes('\r'));
  assert.ok(!/[ \t]$/m.test(md));
  assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
  assert.equal(md.split('\n')[0]!.startsWith('<!-- README.md is generated'), true);
});

test('missing fragments and schemas are listed in one comment, in section order', () => {
  const md = assembleReadme(inputs());
  const m = /<!-- missing: (.*) -->/.exec(md);
  assert.ok(m);
  assert.deepEqual(m[1]!.split(', '), [
    'scripts/readme/cluster-yaml.md',
    'scripts/readme/generate.md',
    'scripts/readme/plan.md',
    'scripts/readme/json-output.md',
    'scripts/readme/exit-codes.md',
    'scripts/readme/configuration.md',
    'schemas/talium.config.schema.json',
    'scripts/readme/suppressions.md',
    'scripts/readme/cilium-talos-gitops-rules.md',
    'scripts/readme/schemas.md',
    'scripts/readme/migration.md',
    'scripts/readme/bench.md',
  ]);
});

test('the contents table links every ## heading with GitHub anchors', () => {
  const md = assembleReadme(inputs());
  assert.match(md, /^- \[Quick start\]\(#quick-start\)$/m);
  assert.match(md, /^- \[cluster.yaml reference\]\(#clusteryaml-reference\)$/m);
  assert.match(md, /^- \[License\]\(#license\)$/m);
  const slug = slugger();
  assert.deepEqual(['A b', 'A b', '`x/y` (z)', 'Ünïcode 1.2'].map(slug), ['a-b', 'a-b-1', 'xy-z', 'ünïcode-12']);
});

test('schema rows: nested paths, required, $ref, enum, oneOf, lists, maps, limits and defaults', () => {
  const rows = schemaRows(SCHEMA);
  const by = new Map(rows.map((r) => [r.path, r]));
  assert.deepEqual(rows.map((r) => r.path), ['lan', 'lan.cidr', 'lan.vlan', 'lan.gateway', 'engine', 'port', 'nodes', 'nodes[].name', 'extra']);
  assert.equal(by.get('lan')!.required, true);
  assert.equal(by.get('lan.cidr')!.required, true);
  assert.equal(by.get('lan.vlan')!.required, false);
  assert.equal(by.get('lan.vlan')!.type, 'integer (≥ 1, ≤ 4094)');
  assert.equal(by.get('lan.vlan')!.description, 'VLAN id. Default: `50`.');
  assert.equal(by.get('lan.gateway')!.description, 'An address.');
  assert.equal(by.get('engine')!.type, '`flux` \\| `argocd`');
  assert.equal(by.get('port')!.type, 'integer or string');
  assert.equal(by.get('nodes')!.type, 'list of object');
  assert.equal(by.get('nodes[].name')!.required, true);
  assert.equal(by.get('extra')!.type, 'map of string');
});

test('rule reference: one table per domain, sorted, deduplicated, with details', () => {
  const md = renderRuleReference([rule('network/b', 'warning'), rule('cilium/a'), rule('network/a'), rule('cilium/a')]);
  assert.match(md, /^3 rules\./);
  const ids = [...md.matchAll(/^\| `([^`]+)` \| (\w+) \|/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(ids, [['cilium/a', 'error'], ['network/a', 'error'], ['network/b', 'warning']]);
  assert.deepEqual(headings(md, 3), ['`cilium/`', '`network/`']);
  assert.equal((md.match(/<details>/g) ?? []).length, 3);
});

test('action markers become input and output tables', () => {
  const md = assembleReadme(inputs());
  assert.match(md, /^\| `paths` \| `\.` \| What to lint\. \|$/m);
  assert.match(md, /^\| `config` \| \(empty\) \| Config\. \|$/m);
  assert.match(md, /^\| `errors` \| Errors\. \|$/m);
  const without = assembleReadme(inputs({ action: undefined }));
  assert.match(without, /<!-- missing: .*action\.yml/);
});

test('npm run docs -- --check: 1 when stale or absent, 0 after writing; 2 on a bad argument', () => {
  const root = mkdtempSync(join(tmpdir(), 'talium-docs-'));
  const out = { stdout: () => {}, stderr: () => {} };
  try {
    mkdirSync(join(root, 'scripts', 'readme'), { recursive: true });
    writeFileSync(join(root, 'scripts', 'readme', 'intro.md'), '# t\n');
    assert.equal(runDocs(['--check', '--root', root], out), 1);
    assert.equal(runDocs(['--root', root], out), 0);
    assert.equal(runDocs(['--check', '--root', root], out), 0);
    const written = readFileSync(join(root, 'README.md'), 'utf8');
    assert.match(written, /^# t$/m);
    writeFileSync(join(root, 'scripts', 'readme', 'intro.md'), '# t2\n');
    assert.equal(runDocs(['--check', '--root', root], out), 1);
    assert.equal(readFileSync(join(root, 'README.md'), 'utf8'), written, '--check writes nothing');
    assert.equal(runDocs(['--bogus'], out), 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
