/**
 * YAML streams read as Kubernetes tools read them (src/lint/go-stream.ts, go-tabs.ts, split.ts): separator lines,
 * text after `...`, tabs on blank and comment lines, and the cluster.yaml loader's reading of byte-order marks and
 * extra documents. Each expectation was established with a Go program running apimachinery's YAMLReader and kyaml's
 * splitDocuments over gopkg.in/yaml.v2 2.4.0 / yaml.v3 3.0.1 (the Go verdict is quoted next to each case).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SourceFile } from '../src/core/source.js';
import { parseSource } from '../src/lint/parse.js';
import { loadClusterSpec } from '../src/spec/load.js';
import { runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

function read(text: string, path = 'x.yaml'): { values: unknown[]; at: string[] } {
  const p = parseSource(new SourceFile(path, text));
  return {
    values: p.docs.map((d) => d.value),
    at: p.findings.map((f) => `${f.range!.start.line}:${f.range!.start.column} ${f.ruleId} ${f.data?.code ?? ''}`.trim()),
  };
}

/** Python: reads a JSON list of texts on stdin, prints the 1-based line of PyYAML's first error in each (null: read clean). */
const PYYAML_FIRST_ERROR_LINE = `
import json, sys, yaml
out = []
for text in json.load(sys.stdin):
    try:
        list(yaml.safe_load_all(text)); out.append(None)
    except yaml.YAMLError as e:
        out.append(e.problem_mark.line + 1 if getattr(e, 'problem_mark', None) else 0)
print(json.dumps(out))
`;

describe('document separators as kubectl (YAMLReader) and kustomize (kyaml) cut them', () => {
  it('`--- `, `---\\t`, `--- # c`, `---\\t# c` and CRLF separate documents, with no finding', () => {
    for (const sep of ['--- ', '---\t', '--- # c', '---\t# c', '---\r']) {
      assert.deepEqual(read(`a: 1\n${sep}\nb: 2\n`), { values: [{ a: 1 }, { b: 2 }], at: [] }, JSON.stringify(sep));
    }
  });

  it('`---#c` after the first line separates (both splitters cut there; go-yaml alone reads content)', () => {
    assert.deepEqual(read('a: 1\n---#c\nb: 2\n'), { values: [{ a: 1 }, { b: 2 }], at: [] });
    // in the eemeli/yaml fallback too (the first document sends the file there: a duplicate key)
    assert.deepEqual(read('a: 1\na: 2\n---#c\nb: 2\n').values, [{ a: 2 }, { b: 2 }]);
    // on the first line YAMLReader leaves the separator in the piece, and go-yaml refuses it: still an error
    assert.deepEqual(read('---#c\na: 1\n').at, ['1:4 yaml/syntax INVALID_SEPARATOR']);
  });

  it('a `---` line right after a cut is no cut: it opens the next piece (YAMLReader keeps it, kyaml matches do not overlap)', () => {
    // Go: kubectl and kustomize both fail, "yaml: line 2: mapping values are not allowed" (go-yaml reads `---#c b`)
    assert.deepEqual(read('a: 1\n---\n---#c\nb: 2\n'), { values: [{ a: 1 }], at: ['3:4 yaml/syntax INVALID_SEPARATOR'] });
    assert.deepEqual(read('a: 1\n---#c\n---#d\nb: 2\n'), { values: [{ a: 1 }], at: ['3:4 yaml/syntax INVALID_SEPARATOR'] });
    // Go: [{a: 1}, "---#c"] (a string document) and [{a: 1}, "---#c", {b: 2}]
    assert.deepEqual(read('a: 1\n---\n---#c\n'), { values: [{ a: 1 }, '---#c'], at: ['3:4 yaml/syntax INVALID_SEPARATOR'] });
    assert.deepEqual(read('a: 1\n---\n---#c\n---\nb: 2\n'), { values: [{ a: 1 }, '---#c', { b: 2 }], at: ['3:4 yaml/syntax INVALID_SEPARATOR'] });
    // the first line is kept, so `---#c` right after it is the cut: Go reads [{b: 2}] with no error
    assert.deepEqual(read('---\n---#c\nb: 2\n'), { values: [{ b: 2 }], at: [] });
    // in the eemeli/yaml fallback too (a duplicate key sends the file there)
    assert.deepEqual(read('a: 1\na: 1\n---\n---#c\nb: 2\n'), { values: [{ a: 1 }], at: ['2:1 yaml/duplicate-key DUPLICATE_KEY', '4:4 yaml/syntax INVALID_SEPARATOR'] });
    // a plain `---` kept in the piece: a BOM after it is no piece start, so Go reads the key "\ufeffb" (and so talium)
    assert.deepEqual(read('a: 1\n---\n---\n\ufeffb: 2\n'), { values: [{ a: 1 }, { '\ufeffb': 2 }], at: ['4:1 yaml/encoding BOM_IN_CONTENT'] });
  });

  it('text after `---` is an error at that text: both splitters refuse the file ("invalid document separator")', () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\n';
    assert.deepEqual(read(`${cm}--- b: 2\n`).at, ['3:5 yaml/syntax INVALID_SEPARATOR']);
    assert.deepEqual(read(`${cm}--- |\n  text\n`).at, ['3:5 yaml/syntax INVALID_SEPARATOR']);
    assert.deepEqual(read(`${cm}--- !!map\nx: 1\n`).at, ['3:5 yaml/syntax INVALID_SEPARATOR']);
    // `---x` and `----`: the parser's own syntax error on that line gives way to this one
    assert.deepEqual(read(`${cm}---x\nb: 2\n`).at, ['3:4 yaml/syntax INVALID_SEPARATOR']);
    assert.deepEqual(read(`${cm}----\nb: 2\n`).at, ['3:4 yaml/syntax INVALID_SEPARATOR']);
    // on the first line kustomize does not cut (go-yaml reads "a"), kubectl refuses: reported, kustomize false
    const p = parseSource(new SourceFile('x.yaml', `--- a\n---\n${cm}`));
    assert.deepEqual(p.findings.map((f) => [f.range!.start.line, f.range!.start.column, f.messageId, f.data]), [[1, 5, 'separatorContent', { code: 'INVALID_SEPARATOR', kustomize: false }]]);
  });

  it('in a file with no Kubernetes object (Taskfile, playbook, workflow) only what go-yaml and PyYAML refuse too', () => {
    // not split by kubectl or kustomize: the YAML parsers read content after `---` as the document's
    assert.deepEqual(read('a: 1\n--- !!map\nx: 1\n').at, []);
    assert.deepEqual(read('a: 1\n--- |\n  text\n').at, []);
    assert.deepEqual(read('a: 1\n--- [1, 2]\n').at, []);
    assert.deepEqual(read('--- a\n').at, []);
    // a key on the separator line: go-yaml and PyYAML refuse it ("mapping values are not allowed"), js-yaml reads it
    assert.deepEqual(read('a: 1\n--- b: 2\n').at, ['2:5 yaml/syntax INVALID_SEPARATOR']);
    assert.deepEqual(read('a: 1\n--- "b": 2\n').at, ['2:5 yaml/syntax INVALID_SEPARATOR']);
    // `---x` is no separator to a parser, but the file does not parse: an error on that line either way
    assert.deepEqual(read('a: 1\n---x\nb: 2\n').at.map((a) => a.split(':')[0]), ['2']);
  });

  it('in a file with no Kubernetes object, reports a separator line exactly where PyYAML refuses one', (t) => {
    const texts = ['a: 1\n--- !!map\nx: 1\n', 'a: 1\n--- |\n  text\n', 'a: 1\n--- text\n', 'a: 1\n--- {b: 2}\n', 'a: 1\n--- [1, 2]\n', 'a: 1\n--- &x b\n',
      'a: 1\n--- x:y\n', 'a: 1\n--- http://x\n', 'a: 1\n--- b: 2\n', 'a: 1\n--- "b": 2\n', "a: 1\n--- 'b': 2\n", 'a: 1\n--- b c: 2\n', 'a: 1\n--- x:\n', '--- x: 1\n'];
    const py = spawnSync('python3', ['-c', PYYAML_FIRST_ERROR_LINE], { input: JSON.stringify(texts), encoding: 'utf8' });
    if (py.status !== 0) return t.skip(`python3 with the yaml module is not installed (${(py.stderr || String(py.error)).trim().split('\n').pop()})`);
    const pyLines = JSON.parse(py.stdout) as Array<number | null>;
    texts.forEach((text, i) => {
      const line = text.split('\n').findIndex((l) => l.startsWith('---')) + 1;
      assert.equal(read(text).at.some((a) => a.startsWith(`${line}:`)), pyLines[i] === line, JSON.stringify(text));
    });
  });

  it('an indented ` ---` is no separator for anyone: it continues the plain scalar above', () => {
    assert.deepEqual(read('a: 1\n ---\nb: 2\n'), { values: [{ a: '1 ---', b: 2 }], at: [] });
  });

  it('text after `...` that no `---` opens is dropped, as kubectl and kustomize drop it, and reported', () => {
    assert.deepEqual(read('a: 1\n... # c\nb: 2\n'), { values: [{ a: 1 }], at: ['3:1 yaml/syntax CONTENT_AFTER_DOCUMENT_END'] });
    assert.deepEqual(read('a: 1\n...\n---\nb: 2\n'), { values: [{ a: 1 }, { b: 2 }], at: [] });
    // the eemeli/yaml fallback drops it too
    assert.deepEqual(read('a: 1\na: 2\n...\nb: 2\n---\nc: 3\n'), { values: [{ a: 2 }, { c: 3 }], at: ['4:1 yaml/syntax CONTENT_AFTER_DOCUMENT_END', '2:1 yaml/duplicate-key DUPLICATE_KEY'] });
  });
});

describe('tabs on blank and comment lines: go-yaml refuses what js-yaml and eemeli/yaml accept', () => {
  const cases: Array<[string, string[], string]> = [
    // [text, findings, Go's verdict]
    ['a: 1\n\t\nb: 2\n', ['2:1 yaml/tabs TAB_AS_INDENT'], 'violates indentation'],
    ['a: 1\n\t# c\nb: 2\n', ['2:1 yaml/tabs TAB_AS_INDENT'], 'violates indentation'],
    ['a:\n  x: 1\n  \t\n  y: 2\n', ['3:3 yaml/tabs TAB_AS_INDENT'], 'violates indentation (column 2 < 3)'],
    ['- a: x\n \t\n  b: y\n', ['2:2 yaml/tabs TAB_AS_INDENT'], 'violates indentation'],
    ['\t\na: 1\n', ['1:1 yaml/tabs TAB_AS_INDENT'], 'cannot start any token'],
    ['a: 1\n---\n\t\nb: 2\n', ['3:1 yaml/tabs TAB_AS_INDENT'], 'cannot start any token (between documents)'],
    ["a: 'v'\n \t\nb: 2\n", ['2:2 yaml/tabs TAB_AS_INDENT'], 'cannot start any token (after a quoted scalar)'],
    ['a: 1 # c\n \t\nb: 2\n', ['2:2 yaml/tabs TAB_AS_INDENT'], 'cannot start any token (a comment ended the scalar)'],
    ['a: {x: 1}\n\t\nb: 2\n', ['2:1 yaml/tabs TAB_AS_INDENT'], 'cannot start any token'],
    ['a: |\n  x\n\n\t\nb: 1\n', ['4:1 yaml/tabs TAB_AS_INDENT'], 'tab where an indentation space is expected'],
    // accepted by go-yaml
    ['a: 1\n \t \nb: 2\n', [], 'ok: column 1 is not left of the scalar indentation 1'],
    ['a: x\n  \t\n  y\n', [], 'ok: inside the plain scalar'],
    ['a: |\n  x\n  \t\n  y\n', [], 'ok: content of the block scalar'],
    ["a: 'x\n\t\n  y'\n", [], 'ok: inside a quoted scalar'],
    ['a:\n  b: [1,\n\t\n  2]\n', [], 'ok: flow context'],
    ['a: 1\t\nb: 2\n', [], 'ok: not leading whitespace'],
  ];
  for (const [text, at, go] of cases) {
    it(`${JSON.stringify(text)}: ${go}`, () => {
      const r = read(text);
      assert.deepEqual(r.at, at);
      assert.equal(r.values.length > 0, true);
    });
  }

  it('reports only lines PyYAML (Ansible, yamllint) refuses too', (t) => {
    const py = spawnSync('python3', ['-c', PYYAML_FIRST_ERROR_LINE], { input: JSON.stringify(cases.map(([text]) => text)), encoding: 'utf8' });
    if (py.status !== 0) return t.skip(`python3 with the yaml module is not installed (${(py.stderr || String(py.error)).trim().split('\n').pop()})`);
    const pyLines = JSON.parse(py.stdout) as Array<number | null>;
    cases.forEach(([text, at], i) => {
      const talium = at.map((a) => Number(a.split(':')[0]));
      // every line talium reports is PyYAML's first error (PyYAML is stricter: it refuses some lines go-yaml accepts)
      if (talium.length) assert.equal(pyLines[i], talium[0], JSON.stringify(text));
    });
  });

  it('says which go-yaml error the line meets', () => {
    const p = parseSource(new SourceFile('x.yaml', 'a: 1\n\t\nb: {x: 1}\n\t\nc: 2\n'));
    assert.deepEqual(p.findings.map((f) => [f.range!.start.line, f.messageId, f.data?.goError]), [
      [2, 'blankLineTab', 'violates-indentation'],
      [4, 'blankLineTab', 'cannot-start-token'],
    ]);
  });

  it('is not reported in talium\'s own files, which talium reads', () => {
    assert.deepEqual(read('rules:\n  a: warn\n\t\n', 'talium.config.yaml').at, []);
  });
});

describe('byte-order marks as the go-yaml decoder of each piece reads them', () => {
  it('one BOM right after a separator line is skipped (concatenated files), with no finding', () => {
    assert.deepEqual(read('a: 1\n---\n\ufeffb: 2\n'), { values: [{ a: 1 }, { b: 2 }], at: [] });
    assert.deepEqual(read('a: 1\n--- # x\n\ufeff# c\nb: 2\n'), { values: [{ a: 1 }, { b: 2 }], at: [] });
  });

  it('a second BOM there (or a file\'s second): go-yaml skips it but drops the next line\'s first character ("kind" becomes "ind")', () => {
    assert.deepEqual(read('\ufeff\ufeffa: 1\n'), { values: [{ a: 1 }], at: ['1:1 yaml/encoding SECOND_BOM'] });
    assert.deepEqual(read('a: 1\n---\n\ufeff\ufeffb: 2\n'), { values: [{ a: 1 }, { b: 2 }], at: ['3:2 yaml/encoding SECOND_BOM'] });
  });

  it('a third BOM (and more) is content to Go, at a file\'s start as after a separator: the key keeps all but two, and it is said', () => {
    // Go (YAMLReader / kyaml + go-yaml v2 and v3): {"\ufeffa": 1} and {"\ufeff\ufeffa": 1}; the next line still loses its first character
    assert.deepEqual(read('\ufeff\ufeff\ufeffa: 1\n'), { values: [{ '\ufeffa': 1 }], at: ['1:1 yaml/encoding SECOND_BOM', '1:2 yaml/encoding BOM_IN_CONTENT'] });
    assert.deepEqual(read('\ufeff\ufeff\ufeff\ufeffa: 1\n').values, [{ '\ufeff\ufeffa': 1 }]);
    assert.deepEqual(read('z: 0\n---\n\ufeff\ufeff\ufeffa: 1\n'), { values: [{ z: 0 }, { '\ufeffa': 1 }], at: ['3:2 yaml/encoding SECOND_BOM', '3:3 yaml/encoding BOM_IN_CONTENT'] });
    // in the eemeli/yaml fallback too (a duplicate key sends the file there): "\ufeffa" and "a" are two keys to Go
    assert.deepEqual(read('\ufeff\ufeff\ufeffa: 1\na: 2\nb: 1\nb: 2\n').values, [{ '\ufeffa': 1, a: 2, b: 2 }]);
    // a BOM after a comment line at the file's start: content to Go, in the fallback as in the fast path
    assert.deepEqual(read('# c\n\ufeffa: 1\nb: 1\nb: 2\n').values, [{ '\ufeffa': 1, b: 2 }]);
  });

  it('a BOM after a blank or comment line, or after a first-line `---`, is content to Go: the key keeps it, and it is said', () => {
    assert.deepEqual(read('a: 1\n---\n# c\n\ufeffb: 2\n'), { values: [{ a: 1 }, { '\ufeffb': 2 }], at: ['4:1 yaml/encoding BOM_IN_CONTENT'] });
    assert.deepEqual(read('a: 1\n---\n\n\ufeffb: 2\n'), { values: [{ a: 1 }, { '\ufeffb': 2 }], at: ['4:1 yaml/encoding BOM_IN_CONTENT'] });
    assert.deepEqual(read('---\n\ufeffa: 1\n'), { values: [{ '\ufeffa': 1 }], at: ['2:1 yaml/encoding BOM_IN_CONTENT'] });
    assert.deepEqual(read('a:\n  \ufeffb: 2\n'), { values: [{ a: { '\ufeffb': 2 } }], at: ['2:3 yaml/encoding BOM_IN_CONTENT'] });
  });
});

describe('cluster.yaml: byte-order marks and extra documents', () => {
  const spec = readFileSync(join(process.cwd(), 'clusters', 'homelab', 'cluster.yaml'), 'utf8');
  const line = spec.split('\n').findIndex((l) => l.startsWith('cilium:')) + 1;
  const errors = (text: string) =>
    loadClusterSpec(text, { name: 'homelab', displayPath: 'clusters/homelab/cluster.yaml' })
      .findings.filter((f) => f.severity === 'error')
      .map((f) => `${f.range!.start.line}:${f.range!.start.column} ${f.ruleId} ${f.messageId ?? ''}`.trim());

  it('a second document is one multipleDocuments finding at its separator, a BOM before it or not', () => {
    for (const lead of ['', '\ufeff', '\ufeff# second file\n']) {
      assert.deepEqual(errors(spec.replace('\ncilium:', `\n---\n${lead}cilium:`)), [`${line}:1 spec/yaml multipleDocuments`], JSON.stringify(lead));
    }
    // `---#`: the separator Kubernetes tools see, not a syntax error
    assert.deepEqual(errors(spec.replace('\ncilium:', '\n---#x\ncilium:')), [`${line}:1 spec/yaml multipleDocuments`]);
  });

  it('a BOM no decoder skips (after the first line\'s `---`, or a second one) is said at its place', () => {
    assert.deepEqual(errors(`---\n\ufeff${spec}`)[0], '2:1 spec/yaml bom');
    assert.deepEqual(errors(`\ufeff\ufeff${spec}`)[0], '1:1 spec/yaml bom');
  });
});

describe('clusters/<name>/cluster.yaml with none of lan/gitops/pools and no modeline', () => {
  const repos = tempRepos('talium-go-stream-');
  after(repos.cleanup);
  const lintNew = async (text: string) => {
    const r = await runCli(['lint', '--format', 'json', '--no-cache'], { cwd: repos.repo({ 'clusters/new/cluster.yaml': text }) });
    const out = JSON.parse(r.stdout) as { diagnostics: Array<{ file: string; ruleId: string; messageId?: string; data?: Record<string, unknown>; range: { start: { line: number; column: number } } }> };
    return out.diagnostics.filter((d) => d.file === 'clusters/new/cluster.yaml').map((d) => `${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${d.messageId ?? ''} ${String(d.data?.['missing'] ?? '')}`.trim());
  };

  it('a spec begun with versions: and nodes: only is talium\'s: checked as generate reads it', async () => {
    const found = await lintNew('versions:\n  talos: v1.10.0\nnodes:\n  - name: a\n');
    for (const key of ['lan', 'gitops', 'pools']) assert.ok(found.includes(`1:1 spec/schema required ${key}`), found.join('\n'));
    assert.ok(found.includes('4:5 spec/schema required role'), found.join('\n'));
  });

  it('RKE\'s cluster.yml shape (nodes: with other keys, or nodes: alone) stays another tool\'s file', async () => {
    assert.deepEqual(await lintNew('nodes:\n  - address: 10.0.0.1\n    user: ubuntu\n    role: [controlplane, etcd]\n'), []);
    assert.deepEqual(await lintNew('cluster_name: x\nversions: {}\nnodes: []\n'), []);
  });
});

describe('yaml/tabs on a big file', () => {
  it('judges each tab line once: 20,000 in one block scalar, with plain and quoted scalars after it, in linear time', () => {
    // before: every line rescanned its block from the header and tried every scalar (34 s for such a file)
    const n = 20_000;
    const body: string[] = [];
    for (let i = 0; i < n; i++) body.push(`    server { listen ${i}; }`, '    \t');
    const keys = Array.from({ length: 2000 }, (_, i) => `  k${i}: "v${i}"\n  p${i}: plain ${i}\n`).join('');
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nginx\ndata:\n  nginx.conf: |\n${body.join('\n')}\n${keys}\t\nz: 1\n`;
    const started = process.cpuUsage();
    const { findings } = parseSource(new SourceFile('cm.yaml', text));
    const cpu = process.cpuUsage(started);
    // the block's tabs follow its indentation (go-yaml reads them as text); the last line's follows a plain scalar
    // at a column left of its mapping's
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.range!.start.line, f.range!.start.column, f.data?.['goError']]),
      [['yaml/tabs', 7 + 2 * n + 4000, 1, 'violates-indentation']],
    );
    assert.ok((cpu.user + cpu.system) / 1e6 < 4, `parse took ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of CPU`);
  });
});
