/**
 * A Cilium Helm values key that the judged line's chart lacks but another line's chart has (l2podAnnouncements
 * .interface until 1.19, interfacePattern since 1.18) is no typo: with no Cilium version known (judged on the newest
 * line) or a range that allows such a line it is a warning (messageId otherLine); on a pinned line it stays an error
 * that names the lines whose chart has it (messageId notOnLine). A real misspelling is unchanged.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSchemaValidator } from '../src/schema/validate.js';
import { ciliumHelmReleaseText, diagnostics, docsFromText } from '../src/testing/schema-docs.js';
import { runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const repos = tempRepos('talium-values-lines-');
after(repos.cleanup);

const INTERFACE = 'kubeProxyReplacement: true\nl2podAnnouncements:\n  enabled: true\n  interface: eth0\n';
const PATTERN = 'kubeProxyReplacement: true\nl2podAnnouncements:\n  enabled: true\n  interfacePattern: "^eth"\n';

function values(text: string, ciliumVersion?: string) {
  const [doc] = docsFromText('cilium/values.yaml', text, 'helm-values');
  return diagnostics(createSchemaValidator(ciliumVersion === undefined ? {} : { ciliumVersion }).validate(doc!));
}
const brief = (ds: ReturnType<typeof values>) => ds.map((d) => `${d.ruleId}@${d.range.start.line}:${d.range.start.column} ${d.severity} ${d.messageId ?? '-'} ${String(d.data?.['knownIn'] ?? '-')}`);

test('no Cilium version known: a key of older charts is a warning naming the lines that have it', () => {
  assert.deepEqual(brief(values(INTERFACE)), ['schema/unknown-field@4:3 warning otherLine 1.14,1.15,1.16,1.17,1.18,1.19']);
  assert.equal(values(INTERFACE)[0]!.data?.['judgedLine'], '1.20');
});

test('a pinned line whose chart dropped the key: still an error, with the lines that have it', () => {
  assert.deepEqual(brief(values(INTERFACE, '1.20.0')), ['schema/unknown-field@4:3 error notOnLine 1.14,1.15,1.16,1.17,1.18,1.19']);
  assert.deepEqual(values(INTERFACE, '1.19'), []);
});

test('a pinned line older than the key: an error naming the lines it arrived in', () => {
  assert.deepEqual(brief(values(PATTERN, '1.16')), ['schema/unknown-field@4:3 error notOnLine 1.18,1.19,1.20']);
  assert.deepEqual(values(PATTERN, '1.18.2'), []);
});

test('a range that allows a line with the key: a warning; a range that does not: an error', () => {
  assert.deepEqual(brief(values(INTERFACE, '>=1.18.0')), ['schema/unknown-field@4:3 warning otherLine 1.14,1.15,1.16,1.17,1.18,1.19']);
  assert.deepEqual(brief(values(PATTERN, '>=1.14 <1.17')), ['schema/unknown-field@4:3 error notOnLine 1.18,1.19,1.20']);
});

test('a misspelt key no line has is the plain error, with a suggestion and no line data', () => {
  const ds = values('kubeProxyReplacement: true\ncgroup:\n  automount:\n    enabled: false\n');
  assert.deepEqual(brief(ds), ['schema/unknown-field@3:3 error - -']);
  assert.equal(ds[0]!.data?.['suggestion'], 'autoMount');
});

test('talium lint: a HelmRelease pinned to 1.20 (error at the key) and a values file with no version (warning, exit 0)', async () => {
  const pinned = repos.repo({ 'cilium/helmrelease.yaml': ciliumHelmReleaseText(['kubeProxyReplacement: true', 'l2podAnnouncements:', '  interface: eth0'], '1.20.1') });
  const r1 = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: pinned });
  const o1 = JSON.parse(r1.stdout) as { diagnostics: Array<{ ruleId: string; severity: string; messageId?: string; file: string; range: { start: { line: number; column: number } } }> };
  const hits1 = o1.diagnostics.filter((d) => d.ruleId === 'schema/unknown-field').map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.severity} ${d.messageId}`);
  assert.deepEqual(hits1, ['cilium/helmrelease.yaml:10:7 error notOnLine']);
  assert.equal(r1.code, 1);

  const loose = repos.repo({ 'cilium/values.yaml': INTERFACE });
  const r2 = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: loose });
  const o2 = JSON.parse(r2.stdout) as typeof o1;
  assert.deepEqual(
    o2.diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${d.severity} ${d.messageId}`),
    ['cilium/values.yaml:4:3 schema/unknown-field warning otherLine'],
  );
  assert.equal(r2.code, 0);
});
