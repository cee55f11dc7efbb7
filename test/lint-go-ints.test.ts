/**
 * Integers read as Kubernetes reads them (sigs.k8s.io/yaml → go-yaml: src/core/go-int.ts), not as YAML 1.2 core:
 * `1_000`, `017`, `0o17`, `0x1F`, `+12` in integer fields are numbers (no false schema/type error), and the same
 * forms where a string is wanted are the error the API server gives. Held for the js-yaml path, the fast reader
 * and the eemeli/yaml fallback (a file with a syntax error in another document).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { goNumber } from '../src/core/go-int.js';
import { parseValuesText } from '../src/lint/parse.js';
import { runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-go-ints-');
after(repos.cleanup);

interface Out {
  diagnostics: Array<{ ruleId: string; file: string; range: { start: { line: number; column: number } }; data?: Record<string, unknown> }>;
}

async function lint(files: Record<string, string>): Promise<string[]> {
  const dir = repos.repo(files);
  mkdirSync(join(dir, '.git'));
  const r = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: dir });
  assert.ok(r.stdout, r.stderr);
  return (JSON.parse(r.stdout) as Out).diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`);
}

const deploy = (replicas: string, port: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: web\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: c\n          image: nginx:1.27\n          ports:\n            - containerPort: ${port}\n`;
const configMap = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: web\ndata:\n  a: ${value}\n`;

describe('Go YAML integers', () => {
  it('goNumber reads what go-yaml resolve.go reads (strip `_`, ParseInt/ParseUint base 0, else a float)', () => {
    const cases: Array<[string, number | undefined]> = [
      ['1_000', 1000], ['017', 15], ['0o17', 15], ['0O17', 15], ['0x1F', 31], ['0X1F', 31], ['+12', 12], ['-017', -15],
      ['0B11', 3], ['0_8', 8], ['1_000.5', 1000.5], ['0644', 420], ['0x1FFFFFFFFFFFFFFFF', undefined], ['+0x8000000000000000', undefined],
      ['abc', undefined], ['_1', undefined], ['0x', undefined], ['1.5', undefined], ['08', undefined],
    ];
    for (const [text, want] of cases) assert.equal(goNumber(text), want, text);
    // what js-yaml's float type reads, as Go does
    assert.deepEqual(parseValuesText('a: 08\nb: 1e3\nc: 99999999999999999999\n', { unique: true }), { ok: true, value: { a: 8, b: 1000, c: 1e20 } });
  });

  it('integer forms Kubernetes accepts in integer fields are no schema/type error', async () => {
    for (const [replicas, port] of [['1_000', '8_080'], ['017', '0o17'], ['0x1F', '+12'], ['0X1F', '0O17']] as const) {
      assert.deepEqual(await lint({ 'web.yaml': deploy(replicas, port) }), [], `${replicas} ${port}`);
    }
  });

  it('the same forms where a string is wanted are the error the API server gives (a number, not a string)', async () => {
    for (const v of ['1_000', '0X1F', '0O17']) assert.deepEqual(await lint({ 'cm.yaml': configMap(v) }), ['cm.yaml:7:6 schema/type'], v);
    assert.deepEqual(await lint({ 'cm.yaml': configMap('"1_000"') }), []);
  });

  it('the eemeli/yaml fallback (a syntax error in another document) reads integers the same way', async () => {
    const got = await lint({ 'web.yaml': `a: [1\n---\n${deploy('1_000', '017')}---\n${configMap('1_000')}` });
    assert.deepEqual(got, ['web.yaml:2:1 yaml/syntax', 'web.yaml:28:6 schema/type']);
  });
});
