/**
 * Reporters by golden files: one fixed LintResult rendered by stylish (colour off and on), json, sarif and github,
 * compared byte for byte with test/fixtures/report/* (UPDATE_GOLDEN=1 rewrites them). SARIF is also validated
 * against the OASIS SARIF 2.1.0 schema (draft-04, via ajv-draft-04) from ../shared.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import Ajv04Module from 'ajv-draft-04';
import type { Diagnostic } from '../src/core/diagnostic.js';
import { REPORTERS } from '../src/report/index.js';
import { escapeData, escapeProperty } from '../src/report/github.js';
import type { LintResult } from '../src/report/types.js';

const DIR = join(process.cwd(), 'test/fixtures/report');

const diagnostics: Diagnostic[] = [
  {
    ruleId: 'cilium/pool-overlaps-gateway',
    messageId: 'overlap',
    severity: 'error',
    message: 'Pool block "10.50.0.0/24" contains the gateway 10.50.0.1.',
    help: 'Move the pool out of the gateway address.',
    file: 'apps/net/pool.yaml',
    range: { start: { line: 7, column: 13 }, end: { line: 7, column: 25 } },
    object: { apiVersion: 'cilium.io/v2', kind: 'CiliumLoadBalancerIPPool', name: 'lan' },
    related: [{ file: 'clusters/home/cluster.yaml', range: { start: { line: 4, column: 12 }, end: { line: 4, column: 21 } }, message: 'Gateway defined here.' }],
    data: { block: '10.50.0.0/24', gateway: '10.50.0.1' },
  },
  {
    ruleId: 'yaml/truthy',
    severity: 'warning',
    message: 'Plain "on" is the string "on" in YAML 1.2 but the boolean true in YAML 1.1 (Go yaml.v2, PyYAML).',
    help: 'Quote the value ("on") if you mean a string, or write true if you mean a boolean.',
    file: 'apps/net/pool.yaml',
    range: { start: { line: 9, column: 11 }, end: { line: 9, column: 13 } },
    data: { value: 'on', yaml11: true },
    // (a correction for `--fix`: JSON carries it, SARIF as a fix, stylish counts it)
    fix: { range: { start: { line: 9, column: 11 }, end: { line: 9, column: 13 } }, text: '"on"', expect: 'on' },
  },
  {
    ruleId: 'yaml/templated',
    severity: 'info',
    message: 'File contains template syntax (helm template) and was not linted.',
    help: 'Lint the rendered output instead, or exclude the template folder.',
    file: 'charts/app/templates/deploy, v2:%.yaml',
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
  },
];

const result: LintResult = {
  diagnostics,
  rules: [
    { id: 'cilium/pool-overlaps-gateway', description: 'LB pools must not contain the gateway.', severity: 'error', help: 'Move the pool out of the gateway address.', docsUrl: 'https://docs.cilium.io/en/stable/network/lb-ipam/' },
    { id: 'yaml/truthy', description: 'A plain yes/no/on/off scalar.', severity: 'warning', help: 'Quote the value.', docsUrl: 'https://yaml.org/type/bool.html' },
  ],
  files: ['apps/net/pool.yaml', 'charts/app/templates/deploy, v2:%.yaml', 'clusters/home/cluster.yaml'],
  sources: new Map([
    ['apps/net/pool.yaml', 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: "10.50.0.0/24"\n  serviceSelector:\n    flag: on\n'],
  ]),
  tool: { name: 'talium', version: '1.2.3' },
};

function golden(name: string, actual: string): void {
  const path = join(DIR, name);
  if (process.env['UPDATE_GOLDEN'] || !existsSync(path)) writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, 'utf8'), `${name} differs from its golden file (UPDATE_GOLDEN=1 to accept)`);
}

describe('reporters (golden files)', () => {
  it('stylish, colour off', () => golden('stylish.txt', REPORTERS['stylish']!.render(result, { color: false })));
  it('stylish, colour on has SGR codes; colour off has none', () => {
    const on = REPORTERS['stylish']!.render(result, { color: true });
    assert.match(on, /\u001b\[31merror/);
    assert.doesNotMatch(REPORTERS['stylish']!.render(result, { color: false }), /\u001b\[/);
    golden('stylish-color.txt', on);
  });
  it('json', () => {
    const text = REPORTERS['json']!.render(result, { color: false });
    golden('json.json', text);
    const doc = JSON.parse(text) as { version: number; diagnostics: Array<{ ruleId: string; range: unknown }>; summary: Record<string, number> };
    assert.equal(doc.version, 1);
    assert.deepEqual(doc.summary, { errors: 1, warnings: 1, infos: 1, files: 3 });
    assert.deepEqual(doc.diagnostics[0]!.range, { start: { line: 7, column: 13 }, end: { line: 7, column: 25 } });
  });
  it('json with silenced findings and a --fix report: keys in contract order; SARIF, stylish and github leave them out', () => {
    const more: LintResult = {
      ...result,
      suppressed: [
        { ...diagnostics[1]!, range: { start: { line: 3, column: 9 }, end: { line: 3, column: 11 } }, suppression: { kind: 'directive', directive: 'talium-disable-next-line', line: 2, reason: 'a YAML 1.1 reader on purpose' } },
        { ...diagnostics[0]!, file: 'apps/net/other.yaml', suppression: { kind: 'bulk', file: 'talium-suppressions.json' } },
      ],
      fix: {
        applied: [{ file: 'apps/net/pool.yaml', ruleId: 'yaml/truthy', range: { start: { line: 9, column: 11 }, end: { line: 9, column: 13 } }, text: '"on"', expect: 'on' }],
        skipped: [{ file: 'apps/net/ro.yaml', reason: 'read-only' }, { file: 'apps/net/gone.yaml', reason: 'unreadable', code: 'ENOENT' }],
      },
    };
    golden('json-suppressed-fix.json', REPORTERS['json']!.render(more, { color: false }));
    for (const name of ['sarif', 'stylish', 'github']) assert.equal(REPORTERS[name]!.render(more, { color: false }), REPORTERS[name]!.render(result, { color: false }), name);
  });
  it('github', () => {
    const text = REPORTERS['github']!.render(result, { color: false });
    golden('github.txt', text);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.ok(lines[0]!.startsWith('::error file=apps/net/pool.yaml,line=7,col=13,endLine=7,endColumn=25,title=cilium/pool-overlaps-gateway::'));
    assert.ok(lines[1]!.startsWith('::warning '));
    assert.ok(lines[2]!.startsWith('::notice file=charts/app/templates/deploy%2C v2%3A%25.yaml,'));
  });
  it('github escaping', () => {
    assert.equal(escapeData('50% a\r\nb'), '50%25 a%0D%0Ab');
    assert.equal(escapeProperty('a:b,c%'), 'a%3Ab%2Cc%25');
  });
  it('sarif (golden + OASIS schema)', (t) => {
    const text = REPORTERS['sarif']!.render(result, { color: false });
    golden('sarif.json', text);
    const doc = JSON.parse(text) as {
      runs: Array<{ tool: { driver: { rules: Array<{ id: string; help: { text: string } }> } }; results: Array<{ ruleId: string; ruleIndex: number; level: string; locations: Array<{ physicalLocation: { region: Record<string, number> } }> }> }>;
    };
    const run = doc.runs[0]!;
    assert.deepEqual(run.results.map((r) => [r.ruleId, r.level, run.tool.driver.rules[r.ruleIndex]!.id]), [
      ['cilium/pool-overlaps-gateway', 'error', 'cilium/pool-overlaps-gateway'],
      ['yaml/truthy', 'warning', 'yaml/truthy'],
      ['yaml/templated', 'note', 'yaml/templated'],
    ]);
    assert.deepEqual(run.results[0]!.locations[0]!.physicalLocation.region, { startLine: 7, startColumn: 13, endLine: 7, endColumn: 25 });
    assert.equal(run.tool.driver.rules[0]!.help.text, 'Move the pool out of the gateway address.');
    const schemaPath = resolve(process.cwd(), '../shared/upstream/sarif/sarif-schema-2.1.0.json');
    if (!existsSync(schemaPath)) {
      t.skip('../shared not present: SARIF schema validation skipped');
      return;
    }
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    const Ajv04 = ((Ajv04Module as unknown as { default?: typeof Ajv04Module }).default ?? Ajv04Module) as unknown as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown[] | null } };
    const ajv = new Ajv04({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 5)));
  });
  it('stylish: a rule\'s help once per help text, every place still listed', () => {
    const again = (file: string, line: number, help = diagnostics[0]!.help): Diagnostic => ({ ...diagnostics[0]!, file, help, related: [], range: { start: { line, column: 1 }, end: { line, column: 2 } } });
    const text = REPORTERS['stylish']!.render({ ...result, sources: new Map(), diagnostics: [again('a.yaml', 1), again('a.yaml', 2), again('b.yaml', 3), again('b.yaml', 4, 'Another way out.')] }, { color: false });
    assert.equal(text.split('\n').filter((l) => l.includes('help:')).length, 2);
    assert.equal(text.split('\n').filter((l) => l.includes('cilium/pool-overlaps-gateway')).length, 4);
  });

  it('stylish summary: files with a shown diagnostic, of the files checked', () => {
    const summary = (r: Partial<LintResult>) =>
      REPORTERS['stylish']!.render({ ...result, sources: new Map(), ...r }, { color: false })
        .trimEnd()
        .split('\n')
        .filter((l) => !l.startsWith('  '))
        .pop();
    assert.equal(summary({ diagnostics: [diagnostics[0]!, diagnostics[1]!] }), '✖ 2 problems (1 error, 1 warning, 0 infos) in 1 of 3 files');
    // a diagnostic in a file outside `files` (a template's lint/templates-only note) counts in both numbers
    assert.equal(summary({ diagnostics: [diagnostics[2]!], files: [] }), 'ℹ 1 problem (0 errors, 0 warnings, 1 info) in 1 of 1 file');
    assert.equal(summary({ diagnostics: [diagnostics[2]!], files: ['apps/net/pool.yaml'] }), 'ℹ 1 problem (0 errors, 0 warnings, 1 info) in 1 of 2 files');
    // a diagnostic about no file (shown under `.`) counts in neither
    assert.equal(summary({ diagnostics: [{ ...diagnostics[0]!, file: '.', related: [] }] }), '✖ 1 problem (1 error, 0 warnings, 0 infos) in 0 of 3 files');
  });
  it('empty result renders cleanly in every format', () => {
    const empty: LintResult = { ...result, diagnostics: [], sources: new Map() };
    assert.equal(REPORTERS['github']!.render(empty, { color: false }), '');
    assert.match(REPORTERS['stylish']!.render(empty, { color: false }), /^✔ no problems in 3 files\n$/);
    // nothing found to check is said as such, not as a pass over "0 files"
    assert.equal(REPORTERS['stylish']!.render({ ...empty, files: [] }, { color: false }), '✔ no YAML files to check\n');
    assert.equal((JSON.parse(REPORTERS['sarif']!.render(empty, { color: false })) as { runs: Array<{ results: unknown[] }> }).runs[0]!.results.length, 0);
  });
});
