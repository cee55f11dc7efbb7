/**
 * A talium.config.yaml value the schema takes in several forms (oneOf/anyOf: plan.dhcp, plan.reserved[], maxFileSize)
 * and that fits none is one config/invalid finding at the value naming the forms, not one per form ("must be
 * object", "must be string" at the same place). A mapping of the one fitting form keeps that form's own errors.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorObject } from 'ajv';
import { loadConfig } from '../src/config/load.js';
import { foldForms, formsText } from '../src/config/schema-forms.js';
import type { Diagnostic } from '../src/core/diagnostic.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-config-forms-');
after(repos.cleanup);

const RANGE_FORMS = 'a range string (`a.b.c.d-a.b.c.e`, or a CIDR `a.b.c.d/n`) | a mapping {start, stop}';
const SIZE_FORMS = 'a number of bytes (1 or more) | a size string such as "32MiB"';

function diags(config: string): Diagnostic[] {
  return loadConfig(repos.repo({ 'talium.config.yaml': config }), undefined, () => true).diagnostics;
}

const row = (d: Diagnostic): unknown[] => [d.ruleId, d.file, d.range.start.line, d.range.start.column, d.data?.['path'], d.data?.['keyword'], d.data?.['forms']];

describe('talium.config.yaml: one finding per value that fits none of its forms', () => {
  it('plan: { dhcp: 1 }: one config/invalid at the value naming both forms, with a fix hint', () => {
    const ds = diags('plan:\n  dhcp: 1\n');
    assert.deepEqual(ds.map(row), [['config/invalid', 'talium.config.yaml', 2, 9, 'plan.dhcp', 'oneOf', RANGE_FORMS]]);
    const d = ds[0]!;
    assert.equal(d.severity, 'error');
    assert.equal(d.range.end.column, 10);
    assert.match(d.message, /^plan\.dhcp: must be a range string .* or a mapping \{start, stop\} \(got 1\)\.$/);
    assert.ok(d.help?.includes('a mapping {start, stop}'), d.help);
  });

  it('flow style, list items and maxFileSize: each wrong value once, at its own position', () => {
    const ds = diags('plan: { dhcp: true, reserved: [10.50.0.5, [1], 3] }\nmaxFileSize: 1_000\n');
    assert.deepEqual(sortByPlace(ds.map(row)), [
      ['config/invalid', 'talium.config.yaml', 1, 15, 'plan.dhcp', 'oneOf', RANGE_FORMS],
      ['config/invalid', 'talium.config.yaml', 1, 43, 'plan.reserved.1', 'oneOf', RANGE_FORMS],
      ['config/invalid', 'talium.config.yaml', 1, 48, 'plan.reserved.2', 'oneOf', RANGE_FORMS],
      ['config/invalid', 'talium.config.yaml', 2, 14, 'maxFileSize', 'oneOf', SIZE_FORMS],
    ]);
  });

  it('a mapping of the range form keeps its own errors (missing stop, start not a string, unknown key), not "must be string"', () => {
    const ds = diags('plan:\n  dhcp:\n    start: 1\n    end: 10.50.0.9\n');
    assert.deepEqual(
      sortByPlace(ds.map((d) => [d.ruleId, d.file, d.range.start.line, d.range.start.column, d.data?.['path'], d.data?.['keyword']])),
      [
        ['config/invalid', 'talium.config.yaml', 3, 5, 'plan.dhcp', 'required'],
        ['config/invalid', 'talium.config.yaml', 3, 12, 'plan.dhcp.start', 'type'],
        ['config/invalid', 'talium.config.yaml', 4, 5, 'plan.dhcp.end', 'additionalProperties'],
      ],
    );
    assert.ok(!ds.some((d) => /must be string/.test(d.message) && d.data?.['path'] === 'plan.dhcp'));
  });

  it('valid forms give no finding; maxFileSize: 0 (the integer form, below its minimum) is one finding naming the forms', () => {
    assert.deepEqual(diags('plan:\n  dhcp: 10.50.0.100-10.50.0.199\n  reserved: [{start: 10.50.0.1, stop: 10.50.0.9}, 10.50.0.0/28]\nmaxFileSize: 32MiB\n').map(row), []);
    assert.deepEqual(diags('maxFileSize: 0\n').map(row), [['config/invalid', 'talium.config.yaml', 1, 14, 'maxFileSize', 'oneOf', SIZE_FORMS]]);
  });
});

describe('foldForms', () => {
  const schema = { definitions: { r: { anyOf: [{ type: 'string', description: 'a name' }, { type: 'object', required: ['a'] }, { type: 'integer' }] } } };
  const err = (instancePath: string, schemaPath: string, keyword: string, params: Record<string, unknown> = {}): ErrorObject => ({ instancePath, schemaPath, keyword, params });

  it('anyOf failing every branch: one failure, forms from descriptions or types; unrelated errors kept', () => {
    const other = err('/x', '#/properties/x/type', 'type');
    const errors = [err('/v', '#/definitions/r/anyOf/0/type', 'type'), err('/v', '#/definitions/r/anyOf/1/type', 'type'), err('/v', '#/definitions/r/anyOf/2/type', 'type'), err('/v', '#/definitions/r/anyOf', 'anyOf'), other];
    const r = foldForms(errors, schema, { v: true, x: 1 });
    assert.deepEqual(r.errors, [other]);
    assert.deepEqual(r.failures, [{ instancePath: '/v', keyword: 'anyOf', forms: ['a name', 'a mapping', 'an integer'] }]);
    assert.equal(formsText(r.failures[0]!.forms), 'a name, a mapping or an integer');
  });

  it('a mapping the object branch finds fault inside keeps that branch\'s errors only', () => {
    const req = err('/v', '#/definitions/r/anyOf/1/required', 'required', { missingProperty: 'a' });
    const errors = [err('/v', '#/definitions/r/anyOf/0/type', 'type'), req, err('/v', '#/definitions/r/anyOf/2/type', 'type'), err('/v', '#/definitions/r/anyOf', 'anyOf')];
    const r = foldForms(errors, schema, { v: {} });
    assert.deepEqual(r.errors, [req]);
    assert.deepEqual(r.failures, []);
  });

  it('a oneOf that more than one branch matches is left as ajv reports it', () => {
    const e = err('/v', '#/definitions/r/anyOf', 'oneOf', { passingSchemas: [0, 1] });
    assert.deepEqual(foldForms([e], schema, { v: 'x' }), { errors: [e], failures: [] });
  });
});

function sortByPlace(rows: unknown[][]): unknown[][] {
  return [...rows].sort((a, b) => (a[2] as number) - (b[2] as number) || (a[3] as number) - (b[3] as number));
}
