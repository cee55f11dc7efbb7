/**
 * Suppression comments (src/lint/suppressions.ts, src/lint/comments.ts): where a comment starts, the three
 * directives (next-line, same-line, file) read from own-line and trailing comments, unknown `talium-` words
 * reported with the nearest directive, misspelt rule ids with the nearest id, and end to end through `talium lint`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Diagnostic } from '../src/core/diagnostic.js';
import { commentStart } from '../src/lint/comments.js';
import { applySuppressions, isCalendarDate, parseSuppressions, todayUtc } from '../src/lint/suppressions.js';
import { runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

const at = (line: number, column = 1): Diagnostic => ({
  ruleId: 'yaml/truthy',
  severity: 'warning',
  message: 'm',
  help: 'h',
  file: 'a.yaml',
  range: { start: { line, column }, end: { line, column: column + 1 } },
});
const known = (id: string) => ['yaml/truthy', 'yaml/tabs', 'cilium/l2-policy-interfaces'].includes(id);

describe('commentStart', () => {
  it('finds the # that starts a comment, not one inside quotes or a word', () => {
    assert.equal(commentStart('# x'), 0);
    assert.equal(commentStart('  # x'), 2);
    assert.equal(commentStart('a: 1 # x'), 5);
    assert.equal(commentStart('a: b#c'), -1);
    assert.equal(commentStart('a: "b # c"'), -1);
    assert.equal(commentStart('a: "b \\" # c" # d'), 14);
    assert.equal(commentStart("a: 'it''s # c' # d"), 15);
    assert.equal(commentStart("a: it's # c"), 8);
    assert.equal(commentStart('a: [x, "y # z"] # w'), 16);
  });
});

describe('parseSuppressions', () => {
  it('reads all three directives from own-line and trailing comments, with their target lines', () => {
    const s = parseSuppressions(
      [
        'a: yes # talium-disable-line yaml/truthy -- why', // 1
        '# talium-disable-next-line yaml/truthy -- why', // 2
        '', // 3
        'b: no', // 4
        'c: 1 # talium-disable-next-line yaml/tabs -- trailing', // 5
        'd: 2', // 6
        '  # talium-disable-line yaml/truthy -- alone', // 7
        'e: 3 # talium-disable-file yaml/tabs -- whole file', // 8
      ].join('\n'),
    );
    assert.deepEqual(
      s.map((x) => [x.kind, x.directive, x.rules, x.reason, x.targetLine, x.range.start.line, x.range.start.column]),
      [
        ['line', 'talium-disable-line', ['yaml/truthy'], 'why', 1, 1, 10],
        ['next-line', 'talium-disable-next-line', ['yaml/truthy'], 'why', 4, 2, 3],
        ['next-line', 'talium-disable-next-line', ['yaml/tabs'], 'trailing', 6, 5, 8],
        ['line', 'talium-disable-line', ['yaml/truthy'], 'alone', 0, 7, 5],
        ['file', 'talium-disable-file', ['yaml/tabs'], 'whole file', 0, 8, 8],
      ],
    );
  });

  it('keeps any other talium- word as an unknown directive; ignores it inside a quoted value', () => {
    const s = parseSuppressions('a: 1 # talium-ignore yaml/truthy -- x\n#talium-disable-nextline yaml/truthy\nb: "# talium-disable-line x"\nc: 2 # see talium-disable-line\n');
    assert.deepEqual(
      s.map((x) => [x.kind, x.directive, x.rules, x.range.start.line, x.range.start.column]),
      [
        ['unknown', 'talium-ignore', [], 1, 8],
        ['unknown', 'talium-disable-nextline', [], 2, 2],
      ],
    );
  });
});

describe('applySuppressions', () => {
  it('same-line form: silences findings starting on its own line only; reason required; unused reported', () => {
    const list = parseSuppressions('a: yes # talium-disable-line yaml/truthy -- why\nb: no # talium-disable-line yaml/truthy\nc: 1 # talium-disable-line yaml/tabs -- nothing\nd: on\n');
    const r = applySuppressions('a.yaml', list, [at(1, 4), at(2, 4), at(4, 4)], known);
    // each silenced finding with the directive that silenced it (its reason, when written, and its line)
    assert.deepEqual(
      r.suppressed.map((d) => [d.range.start.line, d.suppression]),
      [
        [1, { kind: 'directive', directive: 'talium-disable-line', reason: 'why', line: 1 }],
        [2, { kind: 'directive', directive: 'talium-disable-line', line: 2 }],
      ],
    );
    assert.deepEqual(r.kept.map((d) => d.range.start.line), [4]);
    assert.deepEqual(
      r.problems.map((p) => [p.ruleId, p.messageId ?? '', p.range.start.line, p.data?.['rule'] ?? p.data?.['rules']]),
      [
        ['lint/suppression-without-reason', '', 2, 'yaml/truthy'],
        ['lint/unused-suppression', 'unused', 3, 'yaml/tabs'],
      ],
    );
  });

  it('a directive naming a rule also silences, on its line, the generic rules that rule is reported instead of', () => {
    const list = parseSuppressions('a: strict # talium-disable-line x/specific -- pinned\nb: strict\n');
    const generic = (line: number): Diagnostic => ({ ...at(line, 4), ruleId: 'schema/enum' });
    const r = applySuppressions('a.yaml', list, [generic(1), generic(2)], known, undefined, (id) => (id === 'x/specific' ? ['schema/enum'] : []));
    assert.deepEqual(r.suppressed.map((d) => [d.ruleId, d.range.start.line]), [['schema/enum', 1]]);
    assert.deepEqual(r.kept.map((d) => d.range.start.line), [2]);
    // the named rule counts as used (the generic finding it stands for was there)
    assert.deepEqual(r.problems.filter((p) => p.ruleId === 'lint/unused-suppression'), []);
  });

  it('a same-line directive alone on its line suppresses nothing and says so', () => {
    const list = parseSuppressions('# talium-disable-line yaml/truthy -- meant for the next line\na: yes\n');
    const r = applySuppressions('a.yaml', list, [at(2, 4)], known);
    assert.deepEqual(r.suppressed, []);
    assert.deepEqual(
      r.problems.map((p) => [p.ruleId, p.messageId, p.range.start.line, p.data]),
      [['lint/invalid-suppression', 'lineWithoutYaml', 1, { directive: 'talium-disable-line', suggestion: 'talium-disable-next-line' }]],
    );
  });

  it('unknown directives: reported with the nearest known one (when close), never applied', () => {
    const list = parseSuppressions('a: yes # talium-disable-nextline yaml/truthy -- typo\nb: no # talium-ignore yaml/truthy -- other tool\n');
    const r = applySuppressions('a.yaml', list, [at(1, 4), at(2, 4)], known);
    assert.deepEqual(r.suppressed, []);
    assert.deepEqual(
      r.problems.map((p) => [p.ruleId, p.messageId, p.range.start.line, p.data?.['directive'], p.data?.['suggestion']]),
      [
        ['lint/invalid-suppression', 'unknownDirective', 1, 'talium-disable-nextline', 'talium-disable-next-line'],
        ['lint/invalid-suppression', 'unknownDirective', 2, 'talium-ignore', undefined],
      ],
    );
    assert.equal(r.problems[1]!.data?.['known'], 'talium-disable-next-line,talium-disable-line,talium-disable-file');
  });

  it('an unknown rule id gets the suggestion the caller gives, in data and message', () => {
    const list = parseSuppressions('# talium-disable-next-line cilium/l2-policy-interface, cilium/nothing-like-it -- typo\na: 1\n');
    const r = applySuppressions('a.yaml', list, [], known, (id) => (id === 'cilium/l2-policy-interface' ? 'cilium/l2-policy-interfaces' : undefined));
    assert.deepEqual(
      r.problems.map((p) => [p.messageId, p.data]),
      [
        ['unknownRule', { rule: 'cilium/l2-policy-interface', directive: 'talium-disable-next-line', suggestion: 'cilium/l2-policy-interfaces' }],
        ['unknownRule', { rule: 'cilium/nothing-like-it', directive: 'talium-disable-next-line' }],
      ],
    );
    assert.ok(r.problems[0]!.message.includes('"cilium/l2-policy-interfaces"'));
  });
});

describe('suppression expiry (until YYYY-MM-DD)', () => {
  it('reads the date off the rule list in every spelling; a bad or missing date is kept as written', () => {
    const s = parseSuppressions(
      [
        'a: yes # talium-disable-line yaml/truthy until 2027-03-31 -- waiting', // 1
        '# talium-disable-next-line yaml/truthy, yaml/tabs until=2027-04-01 -- both', // 2
        'b: no', // 3
        '# talium-disable-file yaml/tabs UNTIL:2027-05-02 -- file', // 4
        'c: 1 # talium-disable-line yaml/truthy until 2027-02-30 -- no such day', // 5
        'd: 1 # talium-disable-line yaml/truthy until -- no date', // 6
        'e: 1 # talium-disable-line yaml/truthy until next-week -- prose', // 7
      ].join('\n'),
    );
    assert.deepEqual(
      s.map((x) => [x.range.start.line, x.rules, x.until, x.badUntil, x.reason]),
      [
        [1, ['yaml/truthy'], '2027-03-31', undefined, 'waiting'],
        [2, ['yaml/truthy', 'yaml/tabs'], '2027-04-01', undefined, 'both'],
        [4, ['yaml/tabs'], '2027-05-02', undefined, 'file'],
        [5, ['yaml/truthy'], undefined, '2027-02-30', 'no such day'],
        [6, ['yaml/truthy'], undefined, '', 'no date'],
        [7, ['yaml/truthy'], undefined, 'next-week', 'prose'],
      ],
    );
  });

  it('calendar dates and the UTC day', () => {
    assert.equal(isCalendarDate('2028-02-29'), true);
    assert.equal(isCalendarDate('2027-02-29'), false);
    assert.equal(isCalendarDate('2027-13-01'), false);
    assert.equal(isCalendarDate('27-01-01'), false);
    assert.equal(todayUtc(new Date('2027-03-31T23:59:59Z')), '2027-03-31');
    assert.equal(todayUtc(new Date('2027-04-01T00:30:00+02:00')), '2027-03-31');
  });

  it('applies through its date; from the next day it silences nothing and is reported as expired, not unused', () => {
    const list = parseSuppressions('a: yes # talium-disable-line yaml/truthy until 2027-03-31 -- waiting\nb: 1 # talium-disable-line yaml/tabs until 2027-03-31 -- stale\n');
    const onTheDay = applySuppressions('a.yaml', list, [at(1, 4)], known, undefined, undefined, '2027-03-31');
    assert.deepEqual(onTheDay.kept, []);
    assert.deepEqual(onTheDay.suppressed.map((d) => d.suppression), [{ kind: 'directive', directive: 'talium-disable-line', reason: 'waiting', until: '2027-03-31', line: 1 }]);
    assert.deepEqual(onTheDay.problems.map((p) => [p.ruleId, p.range.start.line]), [['lint/unused-suppression', 2]]);
    const after = applySuppressions('a.yaml', list, [at(1, 4)], known, undefined, undefined, '2027-04-01');
    assert.deepEqual(after.suppressed, []);
    assert.deepEqual(after.kept.map((d) => [d.ruleId, d.range.start.line]), [['yaml/truthy', 1]]);
    assert.deepEqual(
      after.problems.map((p) => [p.ruleId, p.range.start.line, p.range.start.column, p.data]),
      [
        ['lint/expired-suppression', 1, 10, { directive: 'talium-disable-line', rules: 'yaml/truthy', until: '2027-03-31' }],
        ['lint/expired-suppression', 2, 8, { directive: 'talium-disable-line', rules: 'yaml/tabs', until: '2027-03-31' }],
      ],
    );
  });

  it('a bad date is reported and the directive applies with no expiry', () => {
    const list = parseSuppressions('a: yes # talium-disable-line yaml/truthy until 2027-02-30 -- typo\n');
    const r = applySuppressions('a.yaml', list, [at(1, 4)], known, undefined, undefined, '2099-01-01');
    assert.deepEqual(r.kept, []);
    assert.deepEqual(r.problems.map((p) => [p.ruleId, p.messageId, p.data]), [['lint/invalid-suppression', 'badDate', { directive: 'talium-disable-line', until: '2027-02-30' }]]);
  });
});

describe('talium lint: suppression comments end to end', () => {
  const repos = tempRepos('talium-supp-');
  after(repos.cleanup);
  const repo = repos.repo;

  it('same-line form, unknown directives and misspelt rule ids (did-you-mean from the rule catalogue)', async () => {
    const dir = repo({
      'a.yaml': [
        'x: yes # talium-disable-line yaml/truthy -- the chart reads a string',
        'y: no # talium-disable-line yaml/truthy',
        'z: on # talium-disable-line yaml/truthy, yaml/tabs -- one of them fires',
        'w: off # talium-ignore yaml/truthy -- ESLint habit',
        '# talium-disable-next-line cilium/l2-policy-interface -- misspelt',
        'v: 1',
        '',
      ].join('\n'),
    });
    const r = await runCli(['lint', '--format', 'json'], { cwd: dir });
    const out = JSON.parse(r.stdout) as { diagnostics: Diagnostic[] };
    assert.deepEqual(
      out.diagnostics.map((d) => [d.range.start.line, d.range.start.column, d.ruleId, d.messageId ?? '', d.data?.['suggestion'] ?? '']),
      [
        [2, 9, 'lint/suppression-without-reason', '', ''],
        [3, 9, 'lint/unused-suppression', 'unused', ''],
        [4, 4, 'yaml/truthy', '', ''],
        [4, 10, 'lint/invalid-suppression', 'unknownDirective', ''],
        [5, 3, 'lint/unused-suppression', 'unknownRule', 'cilium/l2-policy-interfaces'],
      ],
    );
    assert.equal(r.code, 1);
  });
  it('an expired suppression stops silencing, end to end, on a first run and on its replay', async () => {
    const dir = repo({
      'a.yaml': ['x: yes # talium-disable-line yaml/truthy until 2000-01-31 -- long past', 'y: on # talium-disable-line yaml/truthy until 2999-12-31 -- far ahead', ''].join('\n'),
    });
    for (let run = 0; run < 2; run++) {
      const r = await runCli(['lint', '--format', 'json'], { cwd: dir });
      const out = JSON.parse(r.stdout) as { diagnostics: Diagnostic[]; suppressed: Array<Diagnostic & { suppression: { until?: string } }> };
      assert.deepEqual(
        out.diagnostics.map((d) => [d.range.start.line, d.range.start.column, d.ruleId, d.data?.['until'] ?? '']),
        [
          [1, 4, 'yaml/truthy', ''],
          [1, 10, 'lint/expired-suppression', '2000-01-31'],
        ],
      );
      assert.deepEqual(out.suppressed.map((d) => [d.range.start.line, d.ruleId, d.suppression.until]), [[2, 'yaml/truthy', '2999-12-31']]);
      assert.equal(r.code, 0, 'warnings only');
    }
  });
});

describe('applySuppressions: which directive silences a finding', () => {
  /** The definition: the first directive in file order that covers the finding's line and names its rule (or a rule superseding it). */
  function reference(list: ReturnType<typeof parseSuppressions>, diagnostics: Diagnostic[], supersedes: (id: string) => readonly string[], today: string): Array<number | undefined> {
    return diagnostics.map((d) => {
      if (d.ruleId.startsWith('lint/')) return undefined;
      const i = list.findIndex(
        (s) =>
          !(s.until !== undefined && s.until < today) &&
          (s.kind === 'file' || ((s.kind === 'next-line' || s.kind === 'line') && s.targetLine > 0 && s.targetLine === d.range.start.line)) &&
          (s.rules.includes(d.ruleId) || s.rules.some((r) => supersedes(r).includes(d.ruleId))),
      );
      return i === -1 ? undefined : list[i]!.range.start.line;
    });
  }

  it('is the first covering directive in file order, among file-wide and line directives (seeded)', () => {
    // mulberry32
    let seed = 11;
    const r = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    };
    const rules = ['a/x', 'b/y', 'c/z'];
    const supersedes = (id: string): readonly string[] => (id === 'c/z' ? ['a/x'] : []);
    let silenced = 0;
    for (let round = 0; round < 200; round++) {
      const lines: string[] = [];
      for (let i = 0; i < 40; i++) {
        const rule = rules[r(3)]!;
        const until = r(4) === 0 ? ' until 2020-01-01' : '';
        const k = r(6);
        if (k === 0) lines.push(`# talium-disable-file ${rule}${until} -- why`);
        else if (k === 1) lines.push(`# talium-disable-next-line ${rule}${until} -- why`);
        else if (k === 2) lines.push(`k${i}: v  # talium-disable-line ${rule}${until} -- why`);
        else lines.push(`k${i}: v`);
      }
      const text = lines.join('\n') + '\n';
      const list = parseSuppressions(text);
      const diagnostics: Diagnostic[] = Array.from({ length: 60 }, (_, i) => {
        const line = 1 + r(40);
        return { ruleId: r(10) === 0 ? 'lint/x' : rules[r(3)]!, severity: 'error', message: `m${i}`, help: 'h', file: 'f.yaml', range: { start: { line, column: 1 }, end: { line, column: 2 } } };
      });
      const out = applySuppressions('f.yaml', list, diagnostics, () => true, undefined, supersedes, '2026-01-01');
      const by = new Map(out.suppressed.map((s) => [s.message, s.suppression.kind === 'directive' ? s.suppression.line : -1]));
      assert.deepEqual(
        diagnostics.map((d) => by.get(d.message)),
        reference(list, diagnostics, supersedes, '2026-01-01'),
        `round ${round}`,
      );
      assert.equal(out.kept.length + out.suppressed.length, diagnostics.length);
      silenced += out.suppressed.length;
    }
    assert.ok(silenced > 2000, `${silenced} findings silenced`);
  });
});
