/**
 * Hostile and odd input: each case gets a diagnostic naming the file (or a clean pass where legitimate),
 * exit 0/1, no stack trace, bounded time (child process timeout) and memory (--max-old-space-size).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT, spawnCli } from '../src/testing/cli.js';

interface JsonOut {
  diagnostics: Array<{ ruleId: string; file: string; severity: string; range: { start: { line: number; column: number } }; data?: Record<string, unknown> }>;
  summary: { errors: number; warnings: number; infos: number; files: number };
}

const root = mkdtempSync(join(tmpdir(), 'talium-hostile-'));
after(() => rmSync(root, { recursive: true, force: true }));

function lintOne(name: string, content: string | Buffer, extra: string[] = [], timeoutMs = 60_000): { code: number; out: JsonOut; stderr: string } {
  const dir = join(root, name.replace(/[^a-z0-9]/gi, '-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), content);
  const r = spawnCli(['lint', '.', '--format', 'json', ...extra], { cwd: dir, timeoutMs, env: { NODE_OPTIONS: '--max-old-space-size=512' } });
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  return { code: r.code, out: JSON.parse(r.stdout) as JsonOut, stderr: r.stderr };
}

describe('hostile input', () => {
  it('alias bomb (billion laughs) → yaml/alias-bomb, exit 1', () => {
    const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(',')}]`);
    const { code, out } = lintOne('bomb.yaml', lines.join('\n') + '\n');
    assert.equal(code, 1);
    const d = out.diagnostics.find((x) => x.ruleId === 'yaml/alias-bomb');
    assert.ok(d, JSON.stringify(out.diagnostics));
    assert.equal(d.file, 'bomb.yaml');
  });

  it('20,000-deep flow nesting → yaml/too-deep before parsing', () => {
    const { code, out } = lintOne('deep-flow.yaml', 'a: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n');
    assert.equal(code, 1);
    const d = out.diagnostics.find((x) => x.ruleId === 'yaml/too-deep');
    assert.ok(d);
    assert.equal(d.file, 'deep-flow.yaml');
    assert.equal(d.range.start.line, 1);
  });

  it('990-deep flow nesting after a syntax error → the syntax error, then one yaml/too-deep where talium\'s own limit (256) is passed', () => {
    const deep = 'key: ' + '['.repeat(990) + ']'.repeat(990) + '\n';
    const plain = lintOne('deep-ok.yaml', 'a: b\n' + deep).out.diagnostics.map((x) => [x.ruleId, x.range.start.line, x.range.start.column, x.data?.['limit']]);
    // the 257th bracket (after "key: ")
    assert.deepEqual(plain, [['yaml/too-deep', 2, 5 + 257, 256]]);
    const { code, out } = lintOne('deep-bad.yaml', 'a: b\nc: : d\n' + deep);
    assert.equal(code, 1);
    assert.deepEqual(
      out.diagnostics.map((x) => [x.ruleId, x.range.start.line, x.range.start.column]),
      [['yaml/syntax', 2, 4], ['yaml/too-deep', 3, 262]],
    );
    // a flow root, in a later document: the earlier document's error is kept
    const root = lintOne('deep-root.yaml', 'c: : d\n---\n' + '['.repeat(990) + ']'.repeat(990) + '\n').out.diagnostics;
    assert.deepEqual(root.map((x) => [x.ruleId, x.range.start.line, x.range.start.column]), [['yaml/syntax', 1, 4], ['yaml/too-deep', 3, 257]]);
  });

  it('a flow collection over several lines passing the limit: what comes before its first line is still read', () => {
    const text = 'a: b\nc: : d\n---\nk:\n  - [\n' + '['.repeat(300) + ']'.repeat(301) + '\n';
    const { out } = lintOne('deep-lines.yaml', text);
    assert.deepEqual(out.diagnostics.map((x) => [x.ruleId, x.range.start.line]), [['yaml/syntax', 2], ['yaml/too-deep', 6]]);
  });

  it('20,000-deep block nesting (compact sequences) → yaml/too-deep, in bounded time, after the earlier document\'s error', () => {
    const { code, out } = lintOne('deep-block.yaml', 'c: : d\n---\n' + '- '.repeat(20_000) + 'x\n', [], 20_000);
    assert.equal(code, 1);
    assert.deepEqual(out.diagnostics.map((x) => [x.ruleId, x.range.start.line]), [['yaml/syntax', 1], ['yaml/too-deep', 3]]);
  });

  it('300-deep indentation nesting is caught by the parser depth limit', () => {
    let t = '';
    for (let i = 0; i < 300; i++) t += ' '.repeat(i) + `k${i}:\n`;
    t += ' '.repeat(300) + 'v: 1\n';
    const { code, out } = lintOne('deep-indent.yaml', t);
    assert.equal(code, 1);
    assert.deepEqual(out.diagnostics.map((x) => x.ruleId), ['yaml/too-deep']);
  });

  it('binary file named .yaml (NUL bytes) → yaml/binary with position', () => {
    const { code, out } = lintOne('blob.yaml', Buffer.from([0x61, 0x3a, 0x20, 0x31, 0x0a, 0x62, 0x00, 0x01, 0xff]));
    assert.equal(code, 1);
    const d = out.diagnostics[0]!;
    assert.equal(d.ruleId, 'yaml/binary');
    assert.deepEqual([d.range.start.line, d.range.start.column], [2, 2]);
    assert.equal(d.data?.['byteOffset'], 6);
  });

  it('invalid UTF-8 → yaml/encoding with the byte position', () => {
    const { code, out } = lintOne('latin1.yaml', Buffer.concat([Buffer.from('name: ok\nmotto: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    assert.equal(code, 1);
    const d = out.diagnostics[0]!;
    assert.equal(d.ruleId, 'yaml/encoding');
    assert.deepEqual([d.range.start.line, d.range.start.column], [2, 11]);
    assert.equal(d.data?.['byteOffset'], 19);
  });

  it('UTF-16 file → yaml/encoding', () => {
    const { out } = lintOne('utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: 1\n', 'utf16le')]));
    assert.equal(out.diagnostics[0]!.ruleId, 'yaml/encoding');
  });

  it('lone CR line endings (old Mac): the findings of a LF file, at the same lines and columns (in process, in workers, cached)', () => {
    const lf = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  a: "1"\n  a: "2"\n\tb: "3"\n';
    const deploy =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  replicas: "x"\n  selector:\n    matchLabels: {a: b}\n  template:\n    metadata:\n      labels: {a: b}\n    spec:\n      containers:\n        - name: a\n          image: nginx\n';
    const at = (o: JsonOut) => o.diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`);
    const expected = ['cr.yaml:7:3 yaml/duplicate-key', 'cr.yaml:8:1 yaml/tabs'];
    assert.deepEqual(at(lintOne('cr.yaml', lf.replace(/\n/g, '\r')).out), expected);
    // CRLF with one lone CR among them
    assert.deepEqual(at(lintOne('cr.yaml', lf.replace(/\n/g, '\r\n').replace('kind: ConfigMap\r\n', 'kind: ConfigMap\r')).out), expected);
    const cr = deploy.replace(/\n/g, '\r');
    for (const extra of [[], [], ['--workers', '2']]) {
      assert.deepEqual(at(lintOne('deploy.yaml', cr, extra).out), ['deploy.yaml:6:13 schema/type'], extra.join(' '));
    }
  });

  it('two byte-order marks: findings at their lines and columns, as with one, and the second BOM said (go-yaml misreads after it)', () => {
    const bom = '\ufeff';
    const at = (o: JsonOut) => o.diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`);
    const deploy = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  replicas: "x"\n  selector:\n    matchLabels: {a: b}\n  template:\n    metadata:\n      labels: {a: b}\n    spec:\n      containers:\n        - name: a\n          image: nginx\n';
    // go-yaml skips both but then reads `kind:` as `ind:` (lint-go-stream.test.ts): yaml/encoding secondBom at 1:1
    assert.deepEqual(at(lintOne('bom2.yaml', bom + bom + deploy).out), ['bom2.yaml:1:1 yaml/encoding', 'bom2.yaml:6:13 schema/type']);
    assert.deepEqual(at(lintOne('bom2.yaml', bom + bom + 'a: 1\nb:\n\tc: 2\n').out), ['bom2.yaml:1:1 yaml/encoding', 'bom2.yaml:3:1 yaml/tabs']);
    // files that start with a BOM, concatenated: the go-yaml decoder kubectl and kustomize run on each piece skips a
    // BOM at its start, so the second document is a Deployment (not one whose first key is "\ufeffapiVersion")
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';
    assert.deepEqual(at(lintOne('cat.yaml', `${bom}${cm}---\n${bom}${deploy}`).out), ['cat.yaml:11:13 schema/type']);
  });

  it('UTF-32 files → yaml/encoding naming UTF-32 (not UTF-16, not binary)', () => {
    const le = Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0, 0x3a, 0, 0, 0, 0x20, 0, 0, 0, 0x31, 0, 0, 0, 0x0a, 0, 0, 0]);
    const be = Buffer.from([0, 0, 0xfe, 0xff, 0, 0, 0, 0x61, 0, 0, 0, 0x3a, 0, 0, 0, 0x20, 0, 0, 0, 0x31, 0, 0, 0, 0x0a]);
    for (const [name, bytes, encoding] of [['utf32le.yaml', le, 'utf-32le'], ['utf32be.yaml', be, 'utf-32be']] as const) {
      const { code, out } = lintOne(name, bytes);
      assert.equal(code, 1);
      assert.deepEqual(
        out.diagnostics.map((d) => [d.ruleId, d.file, d.range.start.line, d.range.start.column, d.data?.['encoding']]),
        [['yaml/encoding', name, 1, 1, encoding]],
      );
    }
  });

  it('an 8 MB single line is linted (clean), in bounded time', () => {
    const { code, out } = lintOne('long.yaml', 'key: ' + 'x'.repeat(8 * 1024 * 1024) + '\n');
    assert.equal(code, 0);
    assert.equal(out.summary.files, 1);
    assert.deepEqual(out.diagnostics, []);
  });

  it('200,000 empty documents: clean pass', () => {
    const { code, out } = lintOne('empty-docs.yaml', '---\n'.repeat(200_000));
    assert.equal(code, 0);
    assert.deepEqual(out.diagnostics, []);
  });

  it('a 12 MB file of 120,000 objects: linted, clean', () => {
    const parts: string[] = [];
    for (let i = 0; i < 120_000; i++) {
      parts.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: default\ndata:\n  key: "${'v'.repeat(20)}"\n`);
    }
    const text = parts.join('---\n');
    assert.ok(text.length > 12_000_000, `size ${text.length}`);
    const { code, out } = lintOne('big.yaml', text, [], 180_000);
    assert.equal(out.summary.files, 1);
    assert.equal(out.diagnostics.filter((d) => d.severity === 'error').length, 0, JSON.stringify(out.diagnostics.slice(0, 3)));
    assert.equal(code, 0);
  });

  it('a 120,000-key mapping with a syntax error and a repeated key at its end: both found, in bounded time (no pairwise key check)', () => {
    const text = Array.from({ length: 120_000 }, (_, i) => `k${i}: v`).join('\n') + '\nk7: again\nx: [1\n';
    const { code, out } = lintOne('wide.yaml', text, [], 60_000);
    const ids = out.diagnostics.map((d) => `${d.ruleId}@${d.range.start.line}`);
    assert.ok(ids.includes('yaml/duplicate-key@120001'), ids.slice(0, 5).join(','));
    assert.ok(ids.some((x) => x.startsWith('yaml/syntax@')), ids.slice(0, 5).join(','));
    assert.equal(code, 1);
  });

  it('an Argo CD helm.values string of 120,000 lines (5 MB) is linted in bounded time, findings inside it placed', () => {
    const body = Array.from({ length: 120_000 }, (_, i) => `        key${i}: {a: ${i}, b: "x${i}"}`).join('\n');
    const app = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n  source:\n    repoURL: https://helm.cilium.io/\n    chart: cilium\n    targetRevision: 1.19.6\n    helm:\n      values: |\n        kubeProxyReplacement: strict\n${body}\n`;
    const { code, out } = lintOne('app.yaml', app, [], 120_000);
    assert.equal(code, 1);
    const kpr = out.diagnostics.find((d) => d.ruleId === 'cilium/kpr-value');
    assert.ok(kpr, JSON.stringify(out.diagnostics.slice(0, 3)));
    // past 1 MB the values key is the place (positions inside are not worth a second, slow parse)
    assert.equal(kpr.range.start.line, 16);
  });

  it('empty files: clean pass', () => {
    const { code, out } = lintOne('empty.yaml', '');
    assert.equal(code, 0);
    assert.equal(out.summary.files, 1);
    assert.deepEqual(out.diagnostics, []);
  });

  it('a top-level list: clean pass, no "missing kind"', () => {
    const { code, out } = lintOne('list.yaml', '- name: a\n  value: 1\n- name: b\n  value: 2\n');
    assert.equal(code, 0);
    assert.deepEqual(out.diagnostics, []);
  });

  it('a file above the size cap → yaml/too-large (configurable), never a silent skip', () => {
    const dir = join(root, 'cap');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'talium.config.yaml'), 'maxFileSize: 1KiB\n');
    writeFileSync(join(dir, 'big.yaml'), 'k: ' + 'x'.repeat(2000) + '\n');
    const r = spawnCli(['lint', '.', '--format', 'json'], { cwd: dir });
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as JsonOut;
    const d = out.diagnostics.find((x) => x.file === 'big.yaml');
    assert.equal(d?.ruleId, 'yaml/too-large');
    assert.equal(d?.data?.['maxFileSize'], 1024);
  });

  it('the size cap counts bytes, not characters (600 two-byte characters are 1,200 bytes)', () => {
    const dir = join(root, 'cap-bytes');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'talium.config.yaml'), 'maxFileSize: 1KiB\n');
    writeFileSync(join(dir, 'wide.yaml'), 'k: ' + '\u00e9'.repeat(600) + '\n');
    writeFileSync(join(dir, 'narrow.yaml'), 'k: ' + '\u00e9'.repeat(500) + '\n');
    const r = spawnCli(['lint', '.', '--format', 'json'], { cwd: dir });
    const out = JSON.parse(r.stdout) as JsonOut;
    assert.deepEqual(
      out.diagnostics.map((d) => [d.file, d.ruleId, d.data?.['size']]),
      [['wide.yaml', 'yaml/too-large', 1204]],
    );
  });

  it('a U+FFFD written in valid UTF-8 is text, not an encoding error', () => {
    const { code, out } = lintOne('replacement.yaml', 'note: "broken \ufffd glyph"\n');
    assert.equal(code, 0);
    assert.deepEqual(out.diagnostics, []);
  });

  it('file names that are not valid UTF-8: the files are linted, shown escaped; a folder so named is an error at it', (t) => {
    const dir = join(root, 'latin1-names');
    mkdirSync(dir, { recursive: true });
    const name = (latin1: string) => Buffer.concat([Buffer.from(dir + '/'), Buffer.from(latin1, 'latin1')]);
    try {
      writeFileSync(name('bad\xff.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: 1\n');
      writeFileSync(name('caf\xe9.yml'), 'a: [1\n');
      writeFileSync(name('notes\xe9.txt'), 'not yaml\n');
      mkdirSync(name('dir\xfe'));
      writeFileSync(Buffer.concat([name('dir\xfe'), Buffer.from('/x.yaml')]), 'a: 1\n');
    } catch (err) {
      t.skip(`this file system refuses names that are not UTF-8 (${(err as NodeJS.ErrnoException).code})`);
      return;
    }
    for (const extra of [[], ['--workers', '2']]) {
      const r = spawnCli(['lint', '.', '--format', 'json', ...extra], { cwd: dir, timeoutMs: 30_000 });
      assert.equal(r.code, 1, r.stderr);
      const out = JSON.parse(r.stdout) as JsonOut;
      assert.deepEqual(
        out.diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${d.data?.['code'] ?? ''}`),
        ['bad\\xFF.yaml:6:6 schema/type ', 'caf\\xE9.yml:2:1 yaml/syntax BAD_INDENT', 'dir\\xFE/:1:1 lint/unreadable-file EILSEQ'],
        extra.join(' '),
      );
    }
  });

  it('symlink loops: discovery terminates and says so', () => {
    const dir = join(root, 'loop');
    mkdirSync(join(dir, 'a'), { recursive: true });
    writeFileSync(join(dir, 'a', 'x.yaml'), 'a: 1\n');
    symlinkSync('..', join(dir, 'a', 'up'));
    symlinkSync('self.yaml', join(dir, 'self.yaml'));
    const r = spawnCli(['lint', '.', '--format', 'json'], { cwd: dir, timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as JsonOut;
    assert.equal(out.summary.files, 1);
    const notes = out.diagnostics.map((d) => `${d.ruleId} ${d.file} ${d.data?.['reason']}`).sort();
    assert.deepEqual(notes, ['lint/symlink-skipped a/up link loops back to an ancestor folder', 'lint/symlink-skipped self.yaml link loop']);
  });

  it('a folder talium may not list: an error at the folder, the rest of the tree still linted', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'talium-locked-'));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'locked', 'x.yaml'), 'a: 1\n');
    writeFileSync(join(dir, 'ok.yaml'), 'a: 1\n');
    chmodSync(join(dir, 'locked'), 0);
    try {
      // root lists any folder: run the CLI as nobody there
      const asRoot = process.getuid?.() === 0;
      // (nobody must reach the CLI: a clone under /root is out of its reach)
      if (asRoot && spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-r', join(REPO_ROOT, 'dist/src/cli/main.js')]).status !== 0) {
        t.skip('running as root, and runuser or a CLI that user nobody can read is missing: cannot make a folder unreadable');
        return;
      }
      const cmd = [process.execPath, join(REPO_ROOT, 'scripts/talium.cjs'), 'lint', '--format', 'json', '--no-cache'];
      const r = asRoot
        ? spawnSync('runuser', ['-u', 'nobody', '--', ...cmd], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TALIUM_CACHE_DIR: undefined, TALIUM_CODE_CACHE: 'off' } })
        : spawnSync(cmd[0]!, cmd.slice(1), { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 1, r.stderr);
      const out = JSON.parse(r.stdout) as JsonOut;
      assert.deepEqual(out.diagnostics.map((d) => `${d.ruleId} ${d.file} ${d.range.start.line}:${d.range.start.column} ${d.data?.['code']} ${d.data?.['folder']}`), ['lint/unreadable-file locked/ 1:1 EACCES true']);
      // ok.yaml was linted
      assert.equal(out.summary.files, 1);
    } finally {
      chmodSync(join(dir, 'locked'), 0o755);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a named pipe called .yaml (in the tree, linked, or named on the command line) is never opened: a note, no hang', (t) => {
    const dir = join(root, 'fifo');
    mkdirSync(dir, { recursive: true });
    const made = spawnSync('mkfifo', [join(dir, 'pipe.yaml')]);
    if (made.status !== 0) {
      t.skip('mkfifo not available');
      return;
    }
    symlinkSync('pipe.yaml', join(dir, 'link.yaml'));
    writeFileSync(join(dir, 'ok.yaml'), 'a: 1\n');
    const whole = spawnCli(['lint', '.', '--format', 'json', '--no-cache'], { cwd: dir, timeoutMs: 30_000 });
    assert.equal(whole.code, 0, whole.stderr);
    const out = JSON.parse(whole.stdout) as JsonOut;
    assert.deepEqual(out.diagnostics.map((d) => `${d.ruleId} ${d.file} ${d.range.start.line}:${d.range.start.column} ${d.data?.['kind']}`), [
      'lint/not-a-file link.yaml 1:1 named pipe',
      'lint/not-a-file pipe.yaml 1:1 named pipe',
    ]);
    for (const given of ['link.yaml', 'pipe.yaml']) {
      const one = spawnCli(['lint', given, '--format', 'json', '--no-cache'], { cwd: dir, timeoutMs: 30_000 });
      assert.equal(one.code, 0, one.stderr);
      assert.deepEqual((JSON.parse(one.stdout) as JsonOut).diagnostics.map((d) => `${d.ruleId} ${d.file}`), [`lint/not-a-file ${given}`]);
    }
  });
});
