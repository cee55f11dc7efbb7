/**
 * Proof on real repositories: runs `talium lint` on every repository of ../shared/corpus (skipped when absent) and
 * asserts the finding set equals the committed triage (test/fixtures/corpus-triage.json), that nothing crashes,
 * and that no rule has a known false positive at error severity.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../src/testing/cli.js';

const SHARED = path.resolve(process.cwd(), '../shared');
const CORPUS = path.join(SHARED, 'corpus');
const TRIAGE = path.join(process.cwd(), 'test', 'fixtures', 'corpus-triage.json');
const VERDICTS = new Set(['true-positive', 'false-positive', 'expected-info']);

interface Entry {
  repo: string;
  file: string;
  line: number;
  column: number;
  rule: string;
  messageId?: string;
  severity: string;
  data?: Record<string, unknown>;
  verdict: string;
  note: string;
}
interface Diag {
  ruleId: string;
  messageId?: string;
  severity: string;
  file: string;
  data?: Record<string, unknown>;
  range: { start: { line: number; column: number } };
}

/** Sorted-key JSON of a finding's data (two findings at one position differ by their data, e.g. two node addresses). */
const dataKey = (d: Record<string, unknown> | undefined): string => JSON.stringify(Object.fromEntries(Object.entries(d ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
const key = (e: { repo: string; file: string; line: number; column: number; rule: string; messageId?: string | undefined; severity: string; data?: Record<string, unknown> | undefined }): string =>
  `${e.repo} ${e.file}:${e.line}:${e.column} ${e.rule}/${e.messageId ?? ''} ${e.severity} ${dataKey(e.data)}`;

test('the corpus findings equal the committed triage', { timeout: 600_000 }, async (t) => {
  if (!existsSync(CORPUS)) {
    t.skip('../shared not present: the corpus triage cannot be reproduced here');
    return;
  }
  const triage = JSON.parse(readFileSync(TRIAGE, 'utf8')) as { unknownKindWarnings: Record<string, number>; excerptMissingFiles: Record<string, number>; findings: Entry[] };
  const repos = readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name.includes('__')).map((d) => d.name).sort();
  assert.ok(repos.length >= 1, 'corpus has repositories');
  const got = new Set<string>();
  const unknown: Record<string, number> = {};
  const excerpt: Record<string, number> = {};
  for (const repo of repos) {
    const r = await runCli(['lint', '--format', 'json', '--workers', '0'], { cwd: path.join(CORPUS, repo) });
    assert.ok(r.code === 0 || r.code === 1, `${repo}: lint exit ${r.code} (${r.stderr.slice(0, 300)})`);
    const diags = (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics;
    for (const d of diags) {
      assert.notEqual(d.ruleId, 'lint/internal-error', `${repo}: internal error in ${d.file}`);
      if (d.ruleId === 'schema/unknown-kind') {
        unknown[repo] = (unknown[repo] ?? 0) + 1;
        continue;
      }
      // the corpus copies only some files of each repository (INDEX.md): a kustomization naming one left behind is
      // right about the copy; counted per repository, each checked to name a path the copy really lacks
      if (d.ruleId === 'gitops/kustomization-missing-file' && /^missing/.test(d.messageId ?? '')) {
        const named = String(d.data?.['path']);
        assert.ok(!existsSync(path.join(CORPUS, repo, named)), `${repo}: ${d.file} names ${named}, which the corpus copy has`);
        excerpt[repo] = (excerpt[repo] ?? 0) + 1;
        continue;
      }
      got.add(key({ repo, file: d.file, line: d.range.start.line, column: d.range.start.column, rule: d.ruleId, messageId: d.messageId, severity: d.severity, data: d.data }));
    }
  }
  const want = new Set(triage.findings.map(key));
  const missing = [...want].filter((k) => !got.has(k)).sort();
  const extra = [...got].filter((k) => !want.has(k)).sort();
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, 'corpus findings changed: re-triage test/fixtures/corpus-triage.json');
  assert.deepEqual(unknown, triage.unknownKindWarnings, 'schema/unknown-kind counts per repository changed');
  assert.deepEqual(excerpt, triage.excerptMissingFiles, 'gitops/kustomization-missing-file counts per repository changed');
});

test('every triaged finding has a verdict and no rule (policy, schema or YAML) has a known false positive at error', () => {
  const triage = JSON.parse(readFileSync(TRIAGE, 'utf8')) as { findings: Entry[] };
  for (const e of triage.findings) {
    assert.ok(VERDICTS.has(e.verdict), `${key(e)}: verdict "${e.verdict}"`);
    assert.ok(e.note.trim().length > 0, `${key(e)}: a note explains the verdict`);
  }
  const falseErrors = triage.findings.filter((e) => e.severity === 'error' && e.verdict === 'false-positive').map(key);
  assert.deepEqual(falseErrors, []);
});
