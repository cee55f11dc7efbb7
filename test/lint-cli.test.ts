/**
 * `talium lint` end to end (child processes): exit codes 0/1/2, --max-warnings, --format NAME=FILE, usage errors,
 * suppressions, configuration, staged mode in a temporary git repository, --only-files, rules/explain.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { after, describe, it } from 'node:test';
import { spawnCli, runCli } from '../src/testing/cli.js';
import { tempRepos } from '../src/testing/temp-repos.js';

interface Out {
  diagnostics: Array<{ ruleId: string; messageId?: string; file: string; severity: string; range: { start: { line: number; column: number } }; data?: Record<string, unknown> }>;
  summary: { errors: number; warnings: number; infos: number; files: number };
}

const repos = tempRepos('talium-lint-cli-');
after(repos.cleanup);
const repo = repos.repo;
/** An empty folder to run commands in. */
const base = repo({});

async function lintJson(dir: string, args: string[] = []): Promise<{ code: number; out: Out; stderr: string }> {
  const r = await runCli(['lint', '--format', 'json', ...args], { cwd: dir });
  return { code: r.code, out: r.stdout ? (JSON.parse(r.stdout) as Out) : { diagnostics: [], summary: { errors: 0, warnings: 0, infos: 0, files: 0 } }, stderr: r.stderr };
}

const brief = (o: Out) => o.diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`);

const CLEAN = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  namespace: default\ndata:\n  a: "1"\n';
const BROKEN = 'a: 1\nb: [1, 2\nc: 3\n';
const TRUTHY = 'settings:\n  feature: on\n  other: "off"\n';

describe('talium lint: exit codes (child process)', () => {
  it('0 on a clean tree, 1 on an error, 2 on usage errors', () => {
    assert.equal(spawnCli(['lint'], { cwd: repo({ 'cm.yaml': CLEAN }) }).code, 0);
    const bad = spawnCli(['lint'], { cwd: repo({ 'bad.yaml': BROKEN }) });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /bad\.yaml/);
    assert.equal(spawnCli(['lint', '--format', 'nope'], { cwd: repo({}) }).code, 2);
    assert.equal(spawnCli(['lint', 'missing-folder'], { cwd: repo({}) }).code, 2);
    assert.equal(spawnCli(['lint', '--bogus'], { cwd: repo({}) }).code, 2);
  });

  it('a folder named on the command line with no YAML in it is a usage error; the default "." of an empty repository is not', () => {
    const dir = repo({ 'docs/readme.md': '# hi\n', 'apps/cm.yaml': CLEAN, 'secrets/a.sops.yaml': CLEAN, 'talium.config.yaml': 'exclude:\n  - "secrets/**"\n', 'tpl/x.yaml.j2': 'a: {{ b }}\n' });
    const empty = spawnCli(['lint', 'docs'], { cwd: dir });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /"docs"/);
    assert.equal(empty.stdout, '');
    // with another folder: still a usage error, naming only the empty one
    const mixed = spawnCli(['lint', 'apps', 'docs'], { cwd: dir });
    assert.equal(mixed.code, 2);
    assert.doesNotMatch(mixed.stderr, /"apps"/);
    // a folder whose YAML the configuration excludes, or that holds only templates, was named knowingly
    assert.equal(spawnCli(['lint', 'secrets'], { cwd: dir }).code, 0);
    assert.notEqual(spawnCli(['lint', 'tpl'], { cwd: dir }).code, 2);
    assert.equal(spawnCli(['lint', 'apps'], { cwd: dir }).code, 0);
    // a folder whose YAML an earlier path already found (overlapping paths, one given twice) is not empty
    assert.equal(spawnCli(['lint', '.', 'apps'], { cwd: dir }).code, 0);
    assert.equal(spawnCli(['lint', 'apps', 'apps'], { cwd: dir }).code, 0);
    assert.equal(spawnCli(['lint'], { cwd: repo({ 'readme.md': '# hi\n' }) }).code, 0);
  });

  it('a named file that .gitignore covers is linted (exit 1 on its error), never "no YAML files in ." for the root read beside it', async () => {
    for (const ignore of ['*\n', 'sub/\n', '**/**/**\n']) {
      const dir = repo({ LICENSE: 'x\n', '.gitignore': ignore, 'sub/bad.yaml': BROKEN, 'sub/ok.yaml': CLEAN });
      const bad = await lintJson(dir, ['sub/bad.yaml']);
      assert.equal(bad.code, 1, `${JSON.stringify(ignore)}: ${bad.stderr}`);
      assert.deepEqual(bad.out.diagnostics.map((d) => `${d.file} ${d.ruleId}`), ['sub/bad.yaml yaml/syntax']);
      assert.equal((await lintJson(dir, ['sub/ok.yaml'])).code, 0);
    }
  });

  it('an unknown option: exit 2, the nearest known option suggested (none when nothing is near), no usage dump', async () => {
    const near = async (args: string[]) => {
      const r = await runCli(args, { cwd: repo({ 'cm.yaml': CLEAN }) });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.doesNotMatch(r.stderr, /^Usage:/m);
      return /did you mean (--[\w-]+)\?/.exec(r.stderr)?.[1];
    };
    assert.equal(await near(['lint', '--max-warning', '0']), '--max-warnings');
    assert.equal(await near(['lint', '--stage']), '--staged');
    assert.equal(await near(['lint', '--frobnicate']), undefined);
    assert.equal(await near(['generate', '--forse']), '--force');
  });

  it('warnings: 0 by default, 1 above --max-warnings', () => {
    const dir = repo({ 'settings.yaml': TRUTHY });
    assert.equal(spawnCli(['lint'], { cwd: dir }).code, 0);
    assert.equal(spawnCli(['lint', '--max-warnings', '1'], { cwd: dir }).code, 0);
    assert.equal(spawnCli(['lint', '--max-warnings', '0'], { cwd: dir }).code, 1);
    assert.equal(spawnCli(['lint', '--max-warnings=-1'], { cwd: dir }).code, 0);
    // a whole number in digits only: an empty value (an unset CI variable) is no 0, nor are 0x1, 1e3, +1
    for (const bad of ['', ' ', '0x1', '1e3', '+1', '1.5', 'abc']) {
      const r = spawnCli(['lint', `--max-warnings=${bad}`], { cwd: dir });
      assert.equal(r.code, 2, `--max-warnings=${JSON.stringify(bad)}`);
      assert.match(r.stderr, /--max-warnings needs a whole number/);
    }
  });

  it('--format NAME=FILE writes files while another format goes to stdout', () => {
    const dir = repo({ 'bad.yaml': BROKEN });
    const r = spawnCli(['lint', '--format', 'github', '--format', 'sarif=out/lint.sarif', '--format', 'json=out/lint.json'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^::error file=bad\.yaml,line=\d+,col=\d+/);
    const sarif = JSON.parse(readFileSync(join(dir, 'out/lint.sarif'), 'utf8')) as { version: string };
    assert.equal(sarif.version, '2.1.0');
    const json = JSON.parse(readFileSync(join(dir, 'out/lint.json'), 'utf8')) as Out;
    assert.equal(json.diagnostics[0]!.ruleId, 'yaml/syntax');
    assert.equal(spawnCli(['lint', '--format', 'json', '--format', 'github'], { cwd: dir }).code, 2);
  });

  it('no stack trace and no colour without a TTY', () => {
    const r = spawnCli(['lint'], { cwd: repo({ 'bad.yaml': BROKEN }) });
    assert.doesNotMatch(r.stdout + r.stderr, /\u001b\[|\n\s+at /);
  });
});

describe('talium lint: YAML findings', () => {
  it('syntax error position (fast parser falls back to eemeli/yaml)', async () => {
    const { code, out } = await lintJson(repo({ 'bad.yaml': BROKEN }));
    assert.equal(code, 1);
    assert.equal(out.diagnostics[0]!.ruleId, 'yaml/syntax');
    assert.equal(out.diagnostics[0]!.range.start.line, 3);
  });

  it('duplicate keys, each with its position, in the second document', async () => {
    const { out } = await lintJson(repo({ 'dup.yaml': 'a: 1\n---\nkind: A\nname: p\nname: q\nspec:\n  k: 1\n  k: 2\n' }));
    assert.deepEqual(brief(out), ['dup.yaml:5:1 yaml/duplicate-key', 'dup.yaml:8:3 yaml/duplicate-key']);
  });

  it('tabs in indentation → yaml/tabs', async () => {
    const { out } = await lintJson(repo({ 'tabs.yaml': 'a:\n\tb: 1\n' }));
    assert.ok(out.diagnostics.some((d) => d.ruleId === 'yaml/tabs' && d.range.start.line === 2), JSON.stringify(brief(out)));
  });

  it('BOM and CRLF files get correct lines and columns', async () => {
    const { out } = await lintJson(repo({ 'crlf.yaml': '\ufeffa: 1\r\nb:\r\n  c: yes\r\n' }));
    assert.deepEqual(brief(out), ['crlf.yaml:3:6 yaml/truthy']);
    const { out: out2 } = await lintJson(repo({ 'crlf-bad.yaml': '\ufeffa: 1\r\nb: [1,\r\nc: 3\r\n' }));
    assert.equal(out2.diagnostics[0]!.ruleId, 'yaml/syntax');
    assert.equal(out2.diagnostics[0]!.range.start.line, 3);
  });

  it('yaml/truthy: plain values only, not keys or quoted values', async () => {
    const { out } = await lintJson(repo({ 'settings.yaml': 'on: push\nlist:\n  - yes\n  - "no"\nflow: [off, "on"]\nx: On # comment\n' }));
    assert.deepEqual(
      out.diagnostics.map((d) => [d.ruleId, d.range.start.line, d.range.start.column, d.data?.['value']]),
      [
        ['yaml/truthy', 3, 5, 'yes'],
        ['yaml/truthy', 5, 8, 'off'],
        ['yaml/truthy', 6, 4, 'On'],
      ],
    );
  });

  it('yaml/truthy: an anchored plain value is found when it is the only one in the file', async () => {
    const { out } = await lintJson(repo({ 'anchored.yaml': 'feature: &f yes\nother: *f\n' }));
    assert.deepEqual(
      out.diagnostics.map((d) => [d.ruleId, d.range.start.line, d.range.start.column, d.data?.['value']]),
      [['yaml/truthy', 1, 13, 'yes']],
    );
  });

  it('dates stay strings and merge keys work (Go YAML semantics)', async () => {
    const { code, out } = await lintJson(repo({ 'anchors.yaml': 'base: &b\n  x: 1\nderived:\n  <<: *b\n  y: 2\nwhen: 2024-01-01\n' }));
    assert.equal(code, 0);
    assert.deepEqual(out.diagnostics, []);
  });

  it('templated files: Helm templates skipped with an info, Flux ${VAR} files linted', async () => {
    const { code, out } = await lintJson(
      repo({
        'chart/templates/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\n  labels: {}\n{{- end }}\n',
        'jinja.yaml': 'a: 1\n{% if x %}\nb: 2\n{% endif %}\n',
        'flux.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: ${NAMESPACE}\ndata:\n  ip: "${LB_IP}"\n',
      }),
    );
    assert.equal(code, 0);
    assert.deepEqual(brief(out), ['chart/templates/deploy.yaml:1:1 yaml/templated', 'jinja.yaml:1:1 yaml/templated']);
    assert.ok(out.diagnostics.every((d) => d.severity === 'info'));
  });

  it('a local tag js-yaml does not know: the tool syntax of other YAML (Ansible !vault) passes; in a Kubernetes object an info says so at the tag', async () => {
    const { code, out } = await lintJson(
      repo({
        'vars.yaml': 'secret: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\nother: 1\n',
        'configuration.yaml': 'homeassistant:\n  name: Home\nautomation: !include automations.yaml\nwifi: !secret wifi\n',
        'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: !secret b\n',
        'py.yaml': 'a: 1\nb: !!python/name:os.system\n',
      }),
    );
    assert.equal(code, 0);
    assert.deepEqual(brief(out), ['cm.yaml:6:6 yaml/parser-disagreement', 'py.yaml:2:4 yaml/parser-disagreement']);
  });

  it('other YAML gets syntax checks only (no "missing kind")', async () => {
    const { code, out } = await lintJson(repo({ '.github/workflows/ci.yaml': 'name: ci\non:\n  push: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n' }));
    assert.equal(code, 0);
    assert.deepEqual(out.diagnostics, []);
  });
});

describe('talium lint: suppressions', () => {
  it('next-line (stacked), file-level, missing reason, unused, unknown rule', async () => {
    const dir = repo({
      'a.yaml': [
        '# talium-disable-next-line yaml/truthy -- the chart reads this as a string',
        'x: yes',
        '# talium-disable-next-line yaml/truthy',
        '# talium-disable-next-line yaml/duplicate-key -- stacked',
        'y: no',
        'z: on',
        '# talium-disable-next-line yaml/truthy -- nothing here',
        'w: "quoted"',
        '# talium-disable-next-line cilium/no-such-rule -- typo',
        'v: 1',
        '# talium-disable-next-line',
        'u: 2',
        '',
      ].join('\n'),
      'b.yaml': '# talium-disable-file yaml/truthy -- legacy file\na: yes\nb: no\n',
    });
    const { out } = await lintJson(dir);
    assert.deepEqual(
      out.diagnostics.map((d) => `${d.file}:${d.range.start.line} ${d.ruleId}${d.messageId ? '/' + d.messageId : ''}`),
      [
        'a.yaml:3 lint/suppression-without-reason',
        'a.yaml:4 lint/unused-suppression/unused',
        'a.yaml:6 yaml/truthy',
        'a.yaml:7 lint/unused-suppression/unused',
        'a.yaml:9 lint/unused-suppression/unknownRule',
        'a.yaml:11 lint/invalid-suppression/noRule',
      ],
    );
  });
});

describe('talium lint: configuration', () => {
  it('severities, off, excludes', async () => {
    const dir = repo({
      'talium.config.yaml': 'rules:\n  yaml/truthy: error\n  yaml/duplicate-key: "off"\nexclude:\n  - vendor/\n',
      'a.yaml': 'x: yes\nk: 1\nk: 2\n',
      'vendor/bad.yaml': BROKEN,
    });
    const { code, out } = await lintJson(dir);
    assert.equal(code, 1);
    assert.deepEqual(out.diagnostics.map((d) => `${d.file}:${d.range.start.line} ${d.ruleId} ${d.severity}`), ['a.yaml:1 yaml/truthy error']);
  });

  it('invalid config → config/invalid at the position; unknown rule → config/unknown-rule', async () => {
    const { code, out } = await lintJson(repo({ 'talium.config.yaml': 'rules:\n  yaml/truthy: loud\nexcludes: []\n' }));
    assert.equal(code, 1);
    assert.deepEqual(brief(out), ['talium.config.yaml:2:16 config/invalid', 'talium.config.yaml:3:1 config/invalid']);
    const { out: out2 } = await lintJson(repo({ 'talium.config.yaml': 'rules:\n  cilium/no-such-rule: warning\n' }));
    assert.deepEqual(brief(out2), ['talium.config.yaml:2:3 config/unknown-rule']);
    assert.equal(out2.diagnostics[0]!.data?.['suggestion'], undefined, 'nothing close to no-such-rule');
    // a misspelt id gets the nearest one (data.suggestion), in talium.config.yaml and in a cluster.yaml lint: section
    const { out: out3 } = await lintJson(repo({ 'talium.config.yaml': 'rules:\n  cilium/l2-policy-interface: "off"\n  network/pool-reserved-adress: warning\n' }));
    assert.deepEqual(out3.diagnostics.map((d) => [d.ruleId, d.range.start.line, d.data?.['rule'], d.data?.['suggestion']]), [
      ['config/unknown-rule', 2, 'cilium/l2-policy-interface', 'cilium/l2-policy-interfaces'],
      ['config/unknown-rule', 3, 'network/pool-reserved-adress', 'network/pool-reserved-address'],
    ]);
  });

  it('a cluster.yaml `lint:` section scopes severities to its folder', async () => {
    const dir = repo({
      'clusters/home/cluster.yaml': 'lint:\n  rules:\n    yaml/truthy: "off"\n',
      'clusters/home/settings.yaml': 'x: yes\n',
      'other/settings.yaml': 'x: yes\n',
    });
    const { out } = await lintJson(dir);
    assert.deepEqual(
      brief(out).filter((l) => l.includes('yaml/')),
      ['other/settings.yaml:1:4 yaml/truthy'],
    );
  });

  it('talium reads its own files as YAML 1.2: unquoted `off` is a severity there, with no yaml/truthy (but cilium.values)', async () => {
    const spec = readFileSync(join(process.cwd(), 'clusters/homelab/cluster.yaml'), 'utf8')
      .replace('cilium:\n  hubble: true\n', 'cilium:\n  hubble: true\n  values:\n    rollOutCiliumPods: off\n    sctp:\n      enabled: on\n')
      .concat('\nlint:\n  rules:\n    k8s/no-metallb: off\n');
    assert.ok(spec.includes('rollOutCiliumPods: off'));
    const config = 'rules: {yaml/duplicate-key: off, yaml/tabs: off}\nexclude: []\n';
    const dir = repo({
      'talium.config.yaml': config,
      'clusters/home/cluster.yaml': spec,
      'a.yaml': 'k: 1\nk: 2\n',
      // the same text in a file talium does not read keeps its warning
      'other/tool.yaml': config,
    });
    const { out } = await lintJson(dir);
    const line = spec.split('\n').findIndex((l) => l.includes('rollOutCiliumPods')) + 1;
    assert.deepEqual(
      out.diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`),
      [
        // talium reads the string "off" where Cilium wants a boolean: a precise spec error at the value
        `clusters/home/cluster.yaml:${line}:24 schema/type`,
        // cilium.values goes to Helm as read: a plain `on` the schema does not type becomes the string "on" there
        `clusters/home/cluster.yaml:${line + 2}:16 yaml/truthy`,
        'other/tool.yaml:1:29 yaml/truthy',
        'other/tool.yaml:1:45 yaml/truthy',
      ],
    );
  });

  it('a folder the configuration excludes (or whose only YAML it excludes) still exists for a Flux Kustomization path', async () => {
    const ks = (name: string, path: string) =>
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
    const dir = repo({
      'talium.config.yaml': 'exclude:\n  - "**/*.sops.yaml"\n  - kubernetes/legacy/\n',
      'clusters/home/ks.yaml': [ks('secrets', './kubernetes/secrets'), ks('legacy', './kubernetes/legacy/apps'), ks('typo', './kubernetes/secret')].join('---\n'),
      'kubernetes/secrets/app.sops.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n',
      'kubernetes/legacy/apps/cm.yaml': CLEAN,
    });
    const { out } = await lintJson(dir);
    // only the path no folder answers is reported
    assert.deepEqual(
      out.diagnostics.map((d) => [`${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`, d.data?.['name']]),
      [['clusters/home/ks.yaml:34:9 gitops/flux-kustomization-path', 'typo']],
    );
  });

  it('excludes written `./x`, `.\\x\\` (Windows) or with a trailing `/` exclude what they name, from the root or the cluster folder', async () => {
    const dir = repo({
      'talium.config.yaml': "exclude:\n  - ./secrets/**\n  - '.\\vendor\\'\n  - ./legacy\n  - apps\\old\\*.yaml\n  - '\\#literal.yaml'\n",
      'clusters/home/cluster.yaml': 'lint:\n  exclude: [./archive/, "./tmp\\\\x.yaml"]\n',
      'secrets/app/bad.yaml': BROKEN,
      'vendor/chart/bad.yaml': BROKEN,
      'legacy/bad.yaml': BROKEN,
      // `./legacy` names the root's folder only, as `/legacy` would
      'apps/legacy/bad.yaml': BROKEN,
      'apps/old/bad.yaml': BROKEN,
      // a backslash escaping a gitignore special character stays an escape
      '#literal.yaml': BROKEN,
      'clusters/home/archive/bad.yaml': BROKEN,
      'clusters/home/tmp/x.yaml': BROKEN,
      'clusters/home/tmp/y.yaml': BROKEN,
    });
    const { out } = await lintJson(dir);
    assert.deepEqual(brief(out), ['apps/legacy/bad.yaml:3:1 yaml/syntax', 'clusters/home/tmp/y.yaml:3:1 yaml/syntax']);
  });

  it('an exclude that leaves out nothing is config/unused-exclude at the pattern (whole-tree runs only)', async () => {
    const dir = repo({
      'talium.config.yaml': 'exclude:\n  - vendor/\n  - ./secret/**   # typo of secrets/\n  - "**/*.yaml.j2"\n  - "!vendor/keep.yaml"\n',
      'clusters/home/cluster.yaml': 'lint:\n  exclude:\n    - old/\n',
      'vendor/bad.yaml': BROKEN,
      'secrets/a.yaml': CLEAN,
      'templates/cm.yaml.j2': CLEAN,
    });
    const { code, out } = await lintJson(dir);
    assert.equal(code, 0);
    assert.deepEqual(
      out.diagnostics.map((d) => [`${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${d.severity}`, d.data]),
      [
        ['clusters/home/cluster.yaml:3:7 config/unused-exclude warning', { pattern: 'old/' }],
        ['talium.config.yaml:3:5 config/unused-exclude warning', { pattern: './secret/**' }],
      ],
    );
    // a run over some paths cannot tell: nothing reported
    assert.deepEqual((await lintJson(dir, ['secrets'])).out.diagnostics, []);
    // the finding can be turned off or suppressed like any other
    writeFileSync(join(dir, 'talium.config.yaml'), 'rules:\n  config/unused-exclude: "off"\nexclude: [vendor/, nothing/]\n');
    assert.deepEqual((await lintJson(dir)).out.diagnostics, []);
    writeFileSync(join(dir, 'talium.config.yaml'), 'exclude:\n  - vendor/\n  # talium-disable-next-line config/unused-exclude -- kept for the next chart\n  - nothing/\n');
    assert.deepEqual(brief((await lintJson(dir)).out), ['clusters/home/cluster.yaml:3:7 config/unused-exclude']);
  });

  it('a rule id that is no <domain>/<name> is one config/invalid, at the key', async () => {
    const { code, out } = await lintJson(repo({ 'talium.config.yaml': 'rules: {"network/*": "off"}\n' }));
    assert.equal(code, 1);
    assert.deepEqual(out.diagnostics.map((d) => [`${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`, d.data?.['keyword']]), [['talium.config.yaml:1:9 config/invalid', 'propertyNames']]);
  });

  it('a second document in talium.config.yaml is config/invalid, not silently ignored', async () => {
    const dir = repo({ 'talium.config.yaml': 'rules:\n  yaml/truthy: "off"\n---\nexclude: [vendor/]\n', 'a.yaml': 'x: yes\n', 'vendor/bad.yaml': BROKEN });
    const { code, out } = await lintJson(dir);
    assert.equal(code, 1);
    assert.deepEqual(out.diagnostics.map((d) => [`${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`, d.data?.['keyword']]), [
      ['talium.config.yaml:4:1 config/invalid', 'documents'],
      ['vendor/bad.yaml:3:1 yaml/syntax', undefined],
    ]);
  });

  it('a configuration that is a folder is a usage error naming it, not an internal error', () => {
    const dir = repo({ 'talium.config.yaml/x.txt': 'x\n', 'cfg/a.txt': 'x\n', 'a.yaml': CLEAN });
    for (const args of [[], ['--config', 'cfg']]) {
      const r = spawnCli(['lint', ...args], { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.doesNotMatch(r.stderr, /internal error|EISDIR/);
      assert.match(r.stderr, args.length ? /config file "cfg" is a folder/ : /config file "talium\.config\.yaml" is a folder/);
    }
  });

  it('--config names a file; a missing one is a usage error', () => {
    const dir = repo({ 'cfg/lint.yaml': 'rules:\n  yaml/truthy: "off"\n', 'a.yaml': 'x: yes\n' });
    const r = spawnCli(['lint', '--config', 'cfg/lint.yaml', '--format', 'json'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.deepEqual((JSON.parse(r.stdout) as Out).diagnostics, []);
    assert.equal(spawnCli(['lint', '--config', 'nope.yaml'], { cwd: dir }).code, 2);
  });

  it('a --config file under another name is talium\'s YAML 1.2 like talium.config.yaml: its unquoted off gets no yaml/truthy, other files still do', () => {
    const dir = repo({ 'cfg/lint.yaml': 'rules:\n  yaml/tabs: off\n', 'a.yaml': 'x: yes\n' });
    const r = spawnCli(['lint', '--config', 'cfg/lint.yaml', '--format', 'json'], { cwd: dir });
    assert.deepEqual((JSON.parse(r.stdout) as Out).diagnostics.map((d) => `${d.file}:${d.range.start.line} ${d.ruleId}`), ['a.yaml:1 yaml/truthy']);
    // the same file is plain YAML when it is not the configuration
    const plain = spawnCli(['lint', '--format', 'json'], { cwd: dir });
    assert.ok((JSON.parse(plain.stdout) as Out).diagnostics.some((d) => d.file === 'cfg/lint.yaml' && d.ruleId === 'yaml/truthy'));
  });
});

describe('talium lint: discovery', () => {
  it('sorted, .gitignore honoured (nested too), node_modules and .git skipped, non-YAML ignored', async () => {
    const dir = repo({
      '.gitignore': 'ignored/\n*.gen.yaml\n',
      'b.yaml': 'a: 1\n',
      'a.yml': 'a: 1\n',
      'x.gen.yaml': BROKEN,
      'ignored/bad.yaml': BROKEN,
      'sub/.gitignore': 'local.yaml\n',
      'sub/local.yaml': BROKEN,
      'sub/kept.yaml': 'a: 1\n',
      'node_modules/pkg/bad.yaml': BROKEN,
      '.git/bad.yaml': BROKEN,
      'notes.txt': BROKEN,
    });
    const r = await runCli(['lint', '--format', 'json'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout);
    assert.equal((JSON.parse(r.stdout) as Out).summary.files, 3);
    // an explicitly named file is linted even when .gitignore lists it
    const r2 = await runCli(['lint', '--format', 'json', 'ignored/bad.yaml'], { cwd: dir });
    assert.equal(r2.code, 1);
  });

  it('only YAML templates → one lint/templates-only info at the first, with the count; none once YAML is found', async () => {
    const files = {
      '.gitignore': 'ignored/\n',
      'templates/b/app.yaml.j2': 'a: {{ x }}\n',
      'templates/a/talos.yaml.tpl.j2': '#% if x %#\nb: 1\n#% endif %#\n',
      'templates/c.yml.j2': 'c: 1\n',
      'templates/d.yaml.gotmpl': 'd: 1\n',
      'templates/e.yaml.tmpl': 'e: 1\n',
      'templates/f.yaml.tpl': 'f: 1\n',
      'README.md.j2': '# x\n',
      'templates/g.j2': 'g: 1\n',
      'ignored/h.yaml.j2': 'h: 1\n',
    };
    const dir = repo(files);
    const { code, out } = await lintJson(dir);
    assert.equal(code, 0);
    assert.deepEqual(
      out.diagnostics.map((d) => [d.file, d.range.start.line, d.range.start.column, d.ruleId, d.severity, d.data]),
      [['templates/a/talos.yaml.tpl.j2', 1, 1, 'lint/templates-only', 'info', { count: 6, first: 'templates/a/talos.yaml.tpl.j2' }]],
    );
    assert.deepEqual(out.summary, { errors: 0, warnings: 0, infos: 1, files: 0 });
    // the other reporters take it like any diagnostic
    const sarif = JSON.parse((await runCli(['lint', '--format', 'sarif'], { cwd: dir })).stdout) as {
      runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; ruleIndex: number; level: string }> }>;
    };
    const run = sarif.runs[0]!;
    assert.deepEqual(run.results.map((x) => [x.ruleId, run.tool.driver.rules[x.ruleIndex]!.id, x.level]), [['lint/templates-only', 'lint/templates-only', 'note']]);
    const github = await runCli(['lint', '--format', 'github'], { cwd: dir });
    assert.match(github.stdout, /^::notice file=templates\/a\/talos\.yaml\.tpl\.j2,line=1,col=1,.*title=lint\/templates-only::/);
    // a repository with any YAML file gets no note
    const { out: withYaml } = await lintJson(repo({ ...files, 'rendered/app.yaml': 'a: 1\n' }));
    assert.deepEqual(brief(withYaml), []);
  });

  it('a Terraform folder of *.yaml.tftpl templates (Talos machine config, Cilium values) is a template folder, not an empty one', async () => {
    // cedsbe/home-infra, Uncurlhalo/homelab shape: terraform/.../control-plane.yaml.tftpl rendered by templatefile()
    const dir = repo({
      'terraform/talos/control-plane.yaml.tftpl': 'machine:\n  network:\n    hostname: ${hostname}\n',
      'terraform/talos/worker.yml.tftpl': 'machine:\n  type: worker\n',
      'terraform/main.tf': 'locals {}\n',
    });
    const { code, out, stderr } = await lintJson(dir, ['terraform']);
    assert.equal(code, 0, stderr);
    assert.deepEqual(
      out.diagnostics.map((d) => [d.file, d.range.start.line, d.range.start.column, d.ruleId, d.severity, d.data]),
      [['terraform/talos/control-plane.yaml.tftpl', 1, 1, 'lint/templates-only', 'info', { count: 2, first: 'terraform/talos/control-plane.yaml.tftpl' }]],
    );
  });

  it('symlink out of the tree → lint/symlink-skipped info', async () => {
    const outside = repo({ 'secret.yaml': BROKEN });
    const dir = repo({ 'a.yaml': 'a: 1\n' });
    (await import('node:fs')).symlinkSync(join(outside, 'secret.yaml'), join(dir, 'link.yaml'));
    const { code, out } = await lintJson(dir);
    assert.equal(code, 0);
    assert.deepEqual(out.diagnostics.map((d) => [d.file, d.ruleId, d.data?.['reason']]), [['link.yaml', 'lint/symlink-skipped', 'target is outside the linted tree']]);
  });

  it('a symlink out of the tree named on the command line is linted, with no symlink-skipped note beside its findings', async () => {
    const outside = repo({ 'secret.yaml': BROKEN });
    // a repository root (.git): the whole tree is walked, which meets the link too
    const dir = repo({ '.git/HEAD': 'ref: refs/heads/main\n', 'a.yaml': 'a: 1\n' });
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'link.yaml'));
    const { code, out } = await lintJson(dir, ['link.yaml']);
    assert.equal(code, 1);
    assert.deepEqual(
      out.diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`),
      ['link.yaml:3:1 yaml/syntax'],
    );
  });

  it('symlink loops (a -> b -> a, a -> a) → lint/symlink-skipped with reason "link loop", not "dangling link"', async () => {
    const dir = repo({ 'ok.yaml': 'a: 1\n' });
    symlinkSync('b.yaml', join(dir, 'a.yaml'));
    symlinkSync('a.yaml', join(dir, 'b.yaml'));
    symlinkSync('self.yaml', join(dir, 'self.yaml'));
    symlinkSync('missing.yaml', join(dir, 'dangling.yaml'));
    const { code, out } = await lintJson(dir);
    assert.equal(code, 0);
    assert.deepEqual(out.diagnostics.map((d) => [d.file, d.range.start.line, d.range.start.column, d.ruleId, d.data?.['reason'], d.data?.['target']]), [
      ['a.yaml', 1, 1, 'lint/symlink-skipped', 'link loop', 'b.yaml'],
      ['b.yaml', 1, 1, 'lint/symlink-skipped', 'link loop', 'a.yaml'],
      ['dangling.yaml', 1, 1, 'lint/symlink-skipped', 'dangling link', 'missing.yaml'],
      ['self.yaml', 1, 1, 'lint/symlink-skipped', 'link loop', 'self.yaml'],
    ]);
    // named on the command line: a usage error that says loop, not "no such file"
    const named = spawnCli(['lint', 'a.yaml', 'self.yaml', 'nowhere.yaml'], { cwd: dir });
    assert.equal(named.code, 2);
    assert.equal(named.stderr, 'talium lint: no such file or folder: "nowhere.yaml"\ntalium lint: symbolic link loop (the link leads back to itself): "a.yaml", "self.yaml"\n');
  });
});

function git(dir: string, ...args: string[]): void {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
  assert.equal(r.status, 0, r.stderr);
}

describe('talium lint: staged / only-files (pre-commit)', () => {
  const SVC = (name: string, ip: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: default\n  annotations:\n    lbipam.cilium.io/ips: "${ip}"\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n`;

  it('--staged reports only staged files but reads the whole repository', (t) => {
    if (spawnSync('git', ['--version']).status !== 0) {
      t.skip('git not installed');
      return;
    }
    const dir = repo({ 'committed-bad.yaml': BROKEN, 'staged.yaml': 'x: yes\n', 'unstaged.yaml': 'y: yes\n' });
    git(dir, 'init', '-q');
    git(dir, 'add', 'committed-bad.yaml');
    git(dir, 'commit', '-q', '-m', 'init');
    git(dir, 'add', 'staged.yaml');
    const r = spawnCli(['lint', '--staged', '--format', 'json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Out;
    assert.deepEqual(brief(out), ['staged.yaml:1:4 yaml/truthy']);
    // nothing staged: clean, fast exit
    git(dir, 'commit', '-q', '-m', 'two');
    const r2 = spawnCli(['lint', '--staged', '--format', 'json'], { cwd: dir });
    assert.equal(r2.code, 0);
    assert.deepEqual((JSON.parse(r2.stdout) as Out).diagnostics, []);
  });

  it('--only-files: cross-file findings still appear in the reported file, never in the others', async () => {
    const dir = repo({ 'a/svc.yaml': SVC('a', '10.0.0.10'), 'b/svc.yaml': SVC('b', '10.0.0.10'), 'c/bad.yaml': BROKEN });
    const all = await lintJson(dir);
    const { out } = await lintJson(dir, ['--only-files', 'b/svc.yaml']);
    const inB = all.out.diagnostics.filter((d) => d.file === 'b/svc.yaml').map((d) => d.ruleId);
    assert.deepEqual(out.diagnostics.map((d) => d.ruleId), inB);
    assert.ok(out.diagnostics.every((d) => d.file === 'b/svc.yaml'));
    assert.ok(all.out.diagnostics.some((d) => d.file === 'c/bad.yaml'));
  });
});

describe('talium lint: staged runs report cross-file findings that point at a staged file', () => {
  const NODE = (addr: string) => `machine:\n  type: worker\n  network:\n    hostname: w1\n    interfaces:\n      - interface: eth0\n        addresses: [${addr}/24]\n`;
  const POOL = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - start: 10.50.0.200\n      stop: 10.50.0.239\n';

  it('a staged node moved into an unchanged pool fails the commit; an unrelated staged file does not', async () => {
    const dir = repo({ 'talos/w1.yaml': NODE('10.50.0.210'), 'k/pool.yaml': POOL, 'k/cm.yaml': CLEAN });
    const staged = await lintJson(dir, ['--only-files', 'talos/w1.yaml']);
    assert.equal(staged.code, 1);
    assert.deepEqual(brief(staged.out), ['k/pool.yaml:7:14 network/pool-reserved-address']);
    const unrelated = await lintJson(dir, ['--only-files', 'k/cm.yaml']);
    assert.deepEqual(brief(unrelated.out), []);
    // the pool file's own suppression problems stay out of a run that does not report it
    const withUnused = repo({ 'talos/w1.yaml': NODE('10.50.0.210'), 'k/pool.yaml': '# talium-disable-next-line yaml/truthy -- not needed\n' + POOL });
    const again = await lintJson(withUnused, ['--only-files', 'talos/w1.yaml']);
    assert.deepEqual(brief(again.out), ['k/pool.yaml:8:14 network/pool-reserved-address']);
  });
});

describe('talium lint --staged: pool changes that strand a Service', () => {
  const SVC = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\n  annotations:\n    lbipam.cilium.io/ips: "10.50.0.230"\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n';
  const POOL = (name: string, cidr: string) => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ${name}\nspec:\n  blocks:\n    - cidr: ${cidr}\n`;

  it('a staged shrink of the pool (related) and a staged deletion (unnameable) both report the Service', (t) => {
    if (spawnSync('git', ['--version']).status !== 0) return t.skip('git not installed');
    const dir = repo({ 'apps/svc.yaml': SVC, 'net/pool-a.yaml': POOL('a', '10.50.0.224/28'), 'net/pool-b.yaml': POOL('b', '10.50.1.0/28') });
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'init');
    const staged = () => {
      const r = spawnCli(['lint', '--staged', '--format', 'json'], { cwd: dir });
      return { code: r.code, ids: (JSON.parse(r.stdout) as Out).diagnostics.map((d) => `${d.file} ${d.ruleId}`) };
    };
    writeFileSync(join(dir, 'net/pool-a.yaml'), POOL('a', '10.50.0.224/30'));
    git(dir, 'add', 'net/pool-a.yaml');
    assert.deepEqual(staged(), { code: 1, ids: ['apps/svc.yaml network/service-ip-not-in-pool'] });
    git(dir, 'reset', '-q', '--hard');
    git(dir, 'rm', '-q', 'net/pool-a.yaml');
    assert.deepEqual(staged(), { code: 1, ids: ['apps/svc.yaml network/service-ip-not-in-pool'] });
  });
});

describe('talium rules / explain', () => {
  it('rules lists engine and policy rule ids', async () => {
    const r = await runCli(['rules', '--format', 'json'], { cwd: base });
    assert.equal(r.code, 0);
    const rules = (JSON.parse(r.stdout) as { rules: Array<{ id: string; fixable: boolean; supersedes?: string[] }> }).rules;
    const ids = rules.map((x) => x.id);
    for (const id of ['yaml/syntax', 'yaml/truthy', 'lint/unused-suppression', 'config/invalid']) assert.ok(ids.includes(id), id);
    assert.deepEqual(ids, [...ids].sort());
    // the rules `lint --fix` corrects (docs.autofix; the rules meta-test and lint-fix tests hold it to the behaviour)
    assert.deepEqual(
      rules.filter((x) => x.fixable).map((x) => x.id),
      ['cilium/deprecated-api-version', 'cilium/kpr-value', 'cilium/l2-policy-api-version', 'cilium/pool-api-version', 'cilium/pool-legacy-cidrs', 'network/lbipam-annotation-prefix', 'schema/yaml11-boolean', 'yaml/truthy'],
    );
    // one finding per mistake: the rules reported instead of a generic one at the same place
    assert.deepEqual(
      rules.filter((x) => x.supersedes).map((x) => [x.id, x.supersedes]),
      [
        ['cilium/kpr-off-without-kube-proxy', ['cilium/l2-requires-kpr']],
        ['cilium/kpr-value', ['schema/enum']],
        ['cilium/l2-policy-api-version', ['schema/not-served']],
        ['cilium/pool-api-version', ['schema/not-served']],
        ['cilium/pool-block-shape', ['network/pool-block-invalid']],
        ['network/pool-block-invalid', ['schema/format']],
        ['network/sharing-cross-namespace', ['network/lbipam-annotation-prefix']],
      ],
    );
    const text = await runCli(['rules'], { cwd: base });
    assert.match(text.stdout, /^RULE +SEVERITY +FIX +DESCRIPTION/);
    assert.match(text.stdout, /\ncilium\/kpr-value +error +yes +/);
  });
  it('explain prints the sections; unknown rule → 2', async () => {
    const r = await runCli(['explain', 'yaml/truthy'], { cwd: base });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^yaml\/truthy/);
    assert.match(r.stdout, /https:\/\/yaml\.org\/type\/bool\.html/);
    const kpr = await runCli(['explain', 'cilium/kpr-value'], { cwd: base });
    assert.match(kpr.stdout, /\nReported instead of:\n  schema\/enum /);
    assert.doesNotMatch(r.stdout, /Reported instead of/);
    assert.equal((await runCli(['explain', 'yaml/nope'], { cwd: base })).code, 2);
    assert.ok(existsSync(base));
    // the configuration example changes the severity: a warning rule's example is not `warning`
    const example = async (id: string) => /rules: \{ ([^ ]+): (\w+) \}/.exec((await runCli(['explain', id], { cwd: base })).stdout)?.slice(1);
    assert.deepEqual(await example('yaml/truthy'), ['yaml/truthy', 'error']);
    assert.deepEqual(await example('cilium/kpr-value'), ['cilium/kpr-value', 'warning']);
    // a comment cannot silence a lint/ finding (they are about the comments): no suppression example for those
    const disable = async (id: string) => /^  # talium-disable-next-line (\S+) -- <reason>$/m.exec((await runCli(['explain', id], { cwd: base })).stdout)?.[1];
    assert.equal(await disable('cilium/kpr-value'), 'cilium/kpr-value');
    assert.equal(await disable('lint/expired-suppression'), undefined);
    assert.deepEqual(await example('lint/expired-suppression'), ['lint/expired-suppression', 'error']);
  });
  it('explain: an unknown id suggests at most 5 ids, the closest first (typo, else shared words); exit 2', async () => {
    const near = async (id: string) => {
      const r = await runCli(['explain', id], { cwd: base });
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      return /^Did you mean: (.+)\?$/m.exec(r.stderr)?.[1]?.split(', ') ?? [];
    };
    // "dhcp" is rarer in the catalog than "overlap": the rule about what a pool must not hold comes first
    const dhcp = await near('cilium/pool-overlaps-dhcp');
    assert.equal(dhcp[0], 'network/pool-reserved-address');
    assert.ok(dhcp.length <= 5 && dhcp.includes('network/pool-overlap'), dhcp.join(' '));
    assert.ok(!dhcp.includes('cilium/bpf-masquerade-host-dns'), 'no unrelated rule of the same domain');
    assert.equal((await near('cilium/l2-policy-interface'))[0], 'cilium/l2-policy-interfaces');
    assert.deepEqual(await near('zzz/qqq'), []);
  });
});

describe('talium lint: documents shared or patched', () => {
  const HR_PATCH = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cilium\n  namespace: kube-system\nspec:\n  values:\n    hubble:\n      enabled: false\n';

  it('a Kustomize patch file is partial: no schema/required, other schema findings stay', async () => {
    const kust = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\npatches:\n  - path: values-patch.yaml\n';
    const patched = await lintJson(repo({ 'app/kustomization.yaml': kust, 'app/values-patch.yaml': HR_PATCH }));
    assert.deepEqual(patched.out.diagnostics.filter((d) => d.ruleId === 'schema/required').map((d) => d.file), []);
    const typo = await lintJson(repo({ 'app/kustomization.yaml': kust, 'app/values-patch.yaml': HR_PATCH.replace('  values:', '  valuez:') }));
    assert.ok(brief(typo.out).includes('app/values-patch.yaml:7:3 schema/unknown-field'), brief(typo.out).join('\n'));
    // an Argo CD source's patch file, relative to the source's path
    const argo = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n  source:\n    repoURL: https://github.com/me/home\n    path: app\n    kustomize:\n      patches:\n        - path: ../patches/values-patch.yaml\n';
    const viaArgo = await lintJson(repo({ 'argo/app.yaml': argo, 'app/kustomization.yaml': 'resources: []\n', 'patches/values-patch.yaml': HR_PATCH }));
    assert.deepEqual(viaArgo.out.diagnostics.filter((d) => d.ruleId === 'schema/required').map((d) => d.file), []);
    // the same file, not used as a patch, is a (incomplete) HelmRelease
    const alone = await lintJson(repo({ 'app/release.yaml': HR_PATCH }));
    assert.ok(alone.out.diagnostics.some((d) => d.ruleId === 'schema/required' && d.file === 'app/release.yaml'), brief(alone.out).join('\n'));
  });

  it('a finding in a document shared by two clusters is reported once', async () => {
    // two Flux cluster roots pulling one shared folder
    const ks = (p: string): string =>
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${p}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
    const dir = repo({
      'clusters/a/apps.yaml': ks('./shared'),
      'clusters/b/apps.yaml': ks('./shared'),
      'shared/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: default\ndata:\n  a: "1"\n  bogus_field: [1]\n',
    });
    const { out } = await lintJson(dir);
    const seen = brief(out);
    assert.equal(new Set(seen).size, seen.length, seen.join('\n'));
  });
});

describe('talium lint: SOPS-encrypted files', () => {
  const SOPS_META = 'sops:\n  age:\n    - recipient: age1example\n      enc: |\n        -----BEGIN AGE ENCRYPTED FILE-----\n        YWdl\n        -----END AGE ENCRYPTED FILE-----\n  lastmodified: "2025-06-01T10:00:00Z"\n  mac: ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]\n  version: 3.9.4\n';
  const ENC = 'ENC[AES256_GCM,data:ZXhhbXBsZQ==,iv:aXY=,tag:dGFn,type:str]';
  const secret = (body: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-secrets\n  namespace: flux-system\n${body}${SOPS_META}`;

  it('the sops metadata and encrypted values are not findings; real mistakes still are', async () => {
    const clean = await lintJson(repo({ 'a/data.sops.yaml': secret(`data:\n  KEY: ${ENC}\n`), 'a/string.sops.yaml': secret(`stringData:\n  KEY: ${ENC}\n`) }));
    assert.deepEqual(brief(clean.out), []);
    assert.equal(clean.code, 0);
    // a typo next to the sops key and a plain-text bad base64 value are still reported
    const typo = await lintJson(repo({ 'a/s.sops.yaml': secret(`dataa:\n  KEY: ${ENC}\ndata:\n  PLAIN: not base64!\n`) }));
    // ...and the plain value is one the file's own SOPS rules (default: everything) say should be encrypted
    assert.deepEqual(brief(typo.out), ['a/s.sops.yaml:6:1 schema/unknown-field', 'a/s.sops.yaml:9:3 k8s/plaintext-secret', 'a/s.sops.yaml:9:10 schema/format']);
  });

  it('a SOPS-encrypted Talos machine config feeds the network plan', async () => {
    const talos = `version: v1alpha1\nmachine:\n  type: controlplane\n  token: ${ENC}\n  network:\n    hostname: cp1\n    interfaces:\n      - interface: eth0\n        addresses: [10.9.0.11/24]\ncluster:\n  secret: ${ENC}\n${SOPS_META}`;
    const pool = 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: p\nspec:\n  blocks:\n    - start: 10.9.0.5\n      stop: 10.9.0.20\n';
    const { out } = await lintJson(repo({ 'talos/cp1.sops.yaml': talos, 'k/pool.yaml': pool }));
    assert.deepEqual(
      out.diagnostics.filter((d) => d.ruleId === 'network/pool-reserved-address').map((d) => [d.file, d.range.start.line, d.data?.['address']]),
      [['k/pool.yaml', 7, '10.9.0.11']],
    );
    assert.deepEqual(out.diagnostics.filter((d) => d.file === 'talos/cp1.sops.yaml').map((d) => d.ruleId), []);
  });
});

describe('talium lint: clusters/<name>/cluster.yaml gets the spec checks generate runs', () => {
  it('spec/overlap and spec/schema findings at their positions; other tools\' cluster.yaml files stay quiet', async () => {
    const spec = readFileSync(join(process.cwd(), 'clusters', 'homelab', 'cluster.yaml'), 'utf8');
    const lines = spec.split('\n');
    const poolLine = lines.findIndex((l) => l.includes('10.50.0.200-10.50.0.239')) + 1;
    assert.ok(poolLine > 0, 'the example spec has the default pool block');
    const widened = spec.replace('10.50.0.200-10.50.0.239', '10.50.0.5-10.50.0.239');
    const { code, out } = await lintJson(repo({ 'clusters/home/cluster.yaml': widened }));
    assert.equal(code, 1);
    // one finding for the block, listing its seven collisions (reserved range, VIP, four nodes, DHCP)
    const overlaps = out.diagnostics.filter((d) => d.ruleId === 'spec/overlap');
    assert.deepEqual(
      overlaps.map((d) => [d.file, d.range.start.line, d.range.start.column, d.messageId, d.data?.['count'], d.data?.['kinds']]),
      [['clusters/home/cluster.yaml', poolLine, 9, 'several', 7, 'dhcp,reserved,vip,node,node,node,node']],
      brief(out).join('\n'),
    );
    // wrong types: the file is not recognised as a spec by shape, but the path and its lan: key say it is one
    const typed = await lintJson(repo({ 'clusters/home/cluster.yaml': 'lan: {cidr: 10.0.0.0/24}\nnodes: {}\n' }));
    assert.ok(typed.out.diagnostics.some((d) => d.ruleId === 'spec/schema' && d.range.start.line === 2), brief(typed.out).join('\n'));
    // a version pairing in cluster.yaml is reported once (the spec check), not again by gitops/version-matrix
    const paired = await lintJson(repo({ 'clusters/home/cluster.yaml': spec.replace(/cilium: \S+/, 'cilium: 1.18.8').replace(/kubernetes: \S+/, 'kubernetes: 1.34.2') }));
    const versionFindings = paired.out.diagnostics.filter((d) => d.ruleId === 'spec/kubernetes-version' || d.ruleId === 'gitops/version-matrix').map((d) => d.ruleId);
    assert.deepEqual(versionFindings, ['spec/kubernetes-version'], brief(paired.out).join('\n'));
    // a repeated key (the parser's yaml/duplicate-key) no longer hides the other spec errors; the last value is checked
    const dup = readFileSync(join(process.cwd(), 'test/fixtures/spec/duplicate-key-many-errors.yaml'), 'utf8');
    const dupOut = (await lintJson(repo({ 'clusters/home/cluster.yaml': dup }))).out;
    assert.deepEqual(
      dupOut.diagnostics.filter((d) => d.file === 'clusters/home/cluster.yaml').map((d) => `${d.range.start.line}:${d.range.start.column} ${d.ruleId}`).sort(),
      ['6:3 yaml/duplicate-key', '6:11 spec/unsupported-version', '8:11 spec/schema', '11:9 spec/cidr-host-bits', '13:3 yaml/duplicate-key', '20:5 yaml/duplicate-key', '20:14 spec/invalid-address', '22:8 spec/overlap', '23:3 spec/unknown-key', '15:1 spec/no-schedulable-node'].sort(),
      brief(dupOut).join('\n'),
    );
    // a clusters/x/cluster.yaml of another tool
    const other = await lintJson(repo({ 'clusters/x/cluster.yaml': 'name: x\nregion: home\n' }));
    assert.deepEqual(brief(other.out).filter((b) => b.includes('spec/')), []);
  });

  it('a broken cluster.yaml beside a valid one: its spec finding, and its generated files judged with no other cluster\'s facts', async () => {
    const gen = join(process.cwd(), 'clusters', 'homelab', 'generated');
    const files: Record<string, string> = { 'clusters/lab/cluster.yaml': readFileSync(join(process.cwd(), 'clusters', 'lab', 'cluster.yaml'), 'utf8') };
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else files[`clusters/homelab/generated/${relative(gen, join(dir, e.name)).split(sep).join('/')}`] = readFileSync(join(dir, e.name), 'utf8');
      }
    };
    walk(gen);
    // empty, a scalar, a list, a mapping without nodes: generate rejects each (spec/yaml, spec/schema), so lint does too
    for (const [text, ruleId] of [['', 'spec/yaml'], ['# nothing yet\n', 'spec/yaml'], ['homelab\n', 'spec/schema'], ['- a\n', 'spec/schema'], ['lan: {}\npools: []\n', 'spec/schema']] as const) {
      const { code, out } = await lintJson(repo({ ...files, 'clusters/homelab/cluster.yaml': text }));
      assert.equal(code, 1, JSON.stringify(text));
      const mine = out.diagnostics.filter((d) => d.file === 'clusters/homelab/cluster.yaml');
      assert.ok(mine.length > 0 && mine.every((d) => d.ruleId === ruleId && d.range.start.line >= 1), `${JSON.stringify(text)}: ${brief(out).join('\n')}`);
      // before: clusters/homelab/ was no cluster, so its pools were checked against lab's LAN and Cilium version
      const leaked = out.diagnostics.filter((d) => d.file.startsWith('clusters/homelab/generated/') && (d.ruleId === 'network/pool-outside-lan' || d.ruleId === 'cilium/pool-api-version'));
      assert.deepEqual(brief({ ...out, diagnostics: leaked }), [], JSON.stringify(text));
    }
  });

  it('a cluster.yaml generate rejects never lints clean: a second document, template syntax, a BOM the lint parser reads', async () => {
    const spec = readFileSync(join(process.cwd(), 'clusters', 'homelab', 'cluster.yaml'), 'utf8');
    const lines = spec.split('\n');
    const at = (needle: string): number => lines.findIndex((l) => l.startsWith(needle)) + 1;
    const mine = async (text: string): Promise<string[]> => {
      const { code, out } = await lintJson(repo({ 'clusters/home/cluster.yaml': text }));
      assert.equal(code, 1, brief(out).join('\n'));
      return out.diagnostics.filter((d) => d.file === 'clusters/home/cluster.yaml' && d.severity === 'error').map((d) => `${d.range.start.line}:${d.messageId ?? ''} ${d.ruleId}`);
    };
    // a stray `---` before cilium: (before: several documents were no spec, so nothing was reported)
    const split = spec.replace('\ncilium:', '\n---\ncilium:');
    assert.deepEqual(await mine(split), [`${at('cilium:')}:multipleDocuments spec/yaml`]); // at the separator
    // `{{ }}` with a YAML error made the lint parser set the file aside as a template (yaml/templated info only)
    const templated = spec.replace('  vlan: 50\n', '  vlan: 50\n{{ if .Values.x }}\n');
    assert.ok((await mine(templated)).some((b) => b === `${at('  vlan: 50') + 1}: spec/yaml`), JSON.stringify(await mine(templated)));
    // a tab then byte order marks: js-yaml reads one document, talium's spec reader (and generate) rejects the tab
    assert.deepEqual(await mine('\t\ufeff\ufeff'), ['1: spec/yaml']);
  });
});

describe('talium lint in GitHub Actions from a subfolder of the checkout', () => {
  it('annotation and SARIF paths are relative to GITHUB_WORKSPACE; stylish/json stay relative to the working directory', async () => {
    const ws = repo({ 'infra/bad.yaml': BROKEN, 'infra/ok.yaml': CLEAN, 'apps/.keep': '' });
    const infra = join(ws, 'infra');
    const env = { NO_COLOR: '1', GITHUB_WORKSPACE: ws };
    const gh = await runCli(['lint', '--format', 'github', '--format', 'sarif=out.sarif'], { cwd: infra, env });
    assert.match(gh.stdout, /^::error file=infra\/bad\.yaml,line=\d+,col=\d+/m);
    const sarif = JSON.parse(readFileSync(join(infra, 'out.sarif'), 'utf8')) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
    assert.equal(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri, 'infra/bad.yaml');
    const json = await runCli(['lint', '--format', 'json'], { cwd: infra, env });
    assert.equal((JSON.parse(json.stdout) as Out).diagnostics[0]!.file, 'bad.yaml');
    // `talium lint ..` from the subfolder: paths leave it (../), GitHub needs them from the checkout root
    writeFileSync(join(ws, 'apps', 'bad.yaml'), BROKEN);
    const up = await runCli(['lint', '..', '--format', 'github', '--format', 'sarif=up.sarif'], { cwd: infra, env });
    assert.match(up.stdout, /^::error file=apps\/bad\.yaml,line=\d+,col=\d+/m);
    assert.match(up.stdout, /^::error file=infra\/bad\.yaml,line=\d+,col=\d+/m);
    assert.doesNotMatch(up.stdout, /file=[^,]*\.\./);
    const upSarif = JSON.parse(readFileSync(join(infra, 'up.sarif'), 'utf8')) as typeof sarif;
    assert.deepEqual(upSarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri).sort(), ['apps/bad.yaml', 'infra/bad.yaml']);
    // run from the checkout root: nothing to rebase
    const root = await runCli(['lint', 'infra', '--format', 'github'], { cwd: ws, env });
    assert.match(root.stdout, /^::error file=infra\/bad\.yaml,/m);
    // from a folder outside the checkout (`talium lint ../checkout`): still relative to the checkout root
    const outside = join(dirname(ws), `${basename(ws)}-outside`);
    mkdirSync(outside, { recursive: true });
    const out = await runCli(['lint', relative(outside, ws), '--format', 'github'], { cwd: outside, env });
    assert.match(out.stdout, /^::error file=infra\/bad\.yaml,line=\d+,col=\d+/m);
    assert.doesNotMatch(out.stdout, /file=[^,]*\.\./);
  });

  it('a GITHUB_WORKSPACE reached through a symlink: the working directory (a physical path) is still inside it', async () => {
    const ws = repo({ 'infra/bad.yaml': BROKEN });
    const link = join(dirname(ws), `${basename(ws)}-link`);
    symlinkSync(ws, link);
    const env = { NO_COLOR: '1', GITHUB_WORKSPACE: link };
    // process.cwd() names the physical folder, whatever path the shell took to it
    const gh = await runCli(['lint', '--format', 'github'], { cwd: realpathSync(join(ws, 'infra')), env });
    assert.match(gh.stdout, /^::error file=infra\/bad\.yaml,line=\d+,col=\d+/m);
  });
});

describe('talium lint: talium.config.yaml plan facts are checked, never silently dropped', () => {
  it('host bits, a backwards DHCP range, an invalid reserved entry and a gateway outside the LAN are config/invalid', async () => {
    const cfg = 'plan:\n  lan: 10.50.0.7/24\n  gateway: 10.60.0.1\n  dhcp: 10.50.0.199-10.50.0.100\n  reserved: [10.50.0.300, 10.50.0.2-10.50.0.9]\n';
    const { code, out } = await lintJson(repo({ 'talium.config.yaml': cfg }));
    assert.equal(code, 1);
    assert.deepEqual(
      out.diagnostics.filter((d) => d.ruleId === 'config/invalid').map((d) => [d.range.start.line, d.range.start.column, d.data?.['path']]),
      [[2, 8, 'plan.lan'], [4, 9, 'plan.dhcp'], [5, 14, 'plan.reserved.0']],
    );
    assert.equal(out.diagnostics.find((d) => d.data?.['path'] === 'plan.lan')?.data?.['suggestion'], '10.50.0.0/24');
    // with a valid LAN, the gateway outside it is reported too
    const again = await lintJson(repo({ 'talium.config.yaml': cfg.replace('10.50.0.7/24', '10.50.0.0/24') }));
    assert.ok(again.out.diagnostics.some((d) => d.ruleId === 'config/invalid' && d.data?.['path'] === 'plan.gateway'), brief(again.out).join('\n'));
  });
});

describe('talium lint: a reader that stops early', () => {
  it('`talium lint --format sarif | head -c 100` ends quietly with the lint exit code, no stack trace', () => {
    const bin = join(process.cwd(), 'scripts', 'talium.cjs');
    const empty = mkdtempSync(join(tmpdir(), 'talium-epipe-'));
    try {
      // SARIF carries every rule's metadata: far more than a pipe holds, so the writes after `head` exits fail
      const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin}" lint . --format sarif | head -c 100 > /dev/null`], { cwd: empty, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      const withErrors = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin}" lint . --format sarif | head -c 100 > /dev/null`], { cwd: join(process.cwd(), 'test', 'fixtures'), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      assert.equal(withErrors.status, 1, withErrors.stderr);
      assert.doesNotMatch(withErrors.stderr, /EPIPE|at .*\(node:/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('talium lint <some paths>: findings that conclude from an absence need the whole tree', () => {
  const values = 'kubeProxyReplacement: true\nk8sServiceHost: localhost\nk8sServicePort: 7445\nl2announcements:\n  enabled: true\n';
  const policy = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: lan\nspec:\n  loadBalancerIPs: true\n  interfaces: ["^eth0$"]\n';
  const talos = 'machine:\n  type: controlplane\n  network:\n    interfaces:\n      - interface: eth0\n        addresses: [10.50.0.11/24]\ncluster:\n  proxy:\n    disabled: true\n  network:\n    cni:\n      name: none\n';

  it('linting one values file does not claim the cluster has no L2 policy, no CNI none, no kube-proxy off', async () => {
    const absence = /^(cilium\/l2-without-policy|talos\/kube-proxy-enabled|talos\/cni-not-none)$/;
    const extra = 'machine:\n  type: controlplane\n  time:\n    servers: [time.cloudflare.com]\n';
    const dir = repo({ 'cilium/values.yaml': values, 'cilium/l2.yaml': policy, 'talos/cp.yaml': talos, 'talos/time.yaml': extra });
    const whole = await lintJson(dir);
    assert.deepEqual(whole.out.diagnostics.filter((d) => absence.test(d.ruleId)).map((d) => d.ruleId), []);
    const one = await lintJson(dir, ['cilium/values.yaml', 'talos/time.yaml']);
    assert.deepEqual(one.out.diagnostics.filter((d) => absence.test(d.ruleId)).map((d) => d.ruleId), []);
    // with the whole tree read, the absence is real and reported
    const noPolicy = repo({ 'cilium/values.yaml': values, 'talos/cp.yaml': talos });
    const all = await lintJson(noPolicy);
    assert.deepEqual(all.out.diagnostics.filter((d) => d.ruleId === 'cilium/l2-without-policy').map((d) => [d.file, d.range.start.line, d.data?.['cluster']]), [['cilium/values.yaml', 5, 'default']]);
    // ...and the same partial read of a tree that really lacks them says so once the whole tree is read
    const lacking = repo({ 'cilium/values.yaml': values, 'talos/time.yaml': extra.replace('time:', 'install:\n    disk: /dev/sda\n  time:') + 'cluster:\n  clusterName: lab\n' });
    const lackingIds = (await lintJson(lacking)).out.diagnostics.map((d) => d.ruleId).filter((id) => absence.test(id));
    assert.ok(lackingIds.includes('talos/kube-proxy-enabled') && lackingIds.includes('talos/cni-not-none'), lackingIds.join(' '));
  });

  it('k8s/etp-local-l2: linting the Service and the L2 policy only is no noisier than linting the tree', async () => {
    const l2 = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n  nodeSelector:\n    matchExpressions:\n      - key: node-role.kubernetes.io/control-plane\n        operator: NotIn\n        values: [""]\n';
    const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\n  namespace: dns\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  selector:\n    app: dns\n  ports:\n    - port: 53\n';
    const ds = 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: dns\nspec:\n  selector:\n    matchLabels:\n      app: dns\n  template:\n    metadata:\n      labels:\n        app: dns\n    spec:\n      containers:\n        - name: dns\n          image: coredns/coredns:1.12.1\n';
    const kust = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: dns\nresources:\n  - service.yaml\n  - daemonset.yaml\n';
    const etp = (o: Out) => o.diagnostics.filter((d) => d.ruleId === 'k8s/etp-local-l2').map((d) => [d.messageId, d.file, d.range.start.line, d.range.start.column]);
    const dir = repo({ 'cilium/l2.yaml': l2, 'apps/dns/kustomization.yaml': kust, 'apps/dns/service.yaml': svc, 'apps/dns/daemonset.yaml': ds });
    assert.deepEqual(etp((await lintJson(dir)).out), []);
    assert.deepEqual(etp((await lintJson(dir, ['apps/dns/service.yaml', 'cilium/l2.yaml'])).out), []);
    // without the DaemonSet in the tree the whole run reports the Service, a partial one still cannot tell
    const bare = repo({ 'cilium/l2.yaml': l2, 'apps/dns/service.yaml': svc });
    assert.deepEqual(etp((await lintJson(bare)).out), [['local', 'apps/dns/service.yaml', 8, 26]]);
    assert.deepEqual(etp((await lintJson(bare, ['apps/dns/service.yaml', 'cilium/l2.yaml'])).out), []);
  });

  it('k8s/etp-local-l2: allowSchedulingOnControlPlanes only in a .yaml.j2 template is not "tainted"', async () => {
    const l2 = 'apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n';
    const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\n  namespace: dns\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  selector:\n    app: dns\n';
    const ds = 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: dns\n  namespace: dns\nspec:\n  selector:\n    matchLabels:\n      app: dns\n  template:\n    metadata:\n      labels:\n        app: dns\n    spec:\n      containers:\n        - name: dns\n          image: coredns/coredns:1.12.1\n';
    const files = { 'cilium/l2.yaml': l2, 'apps/dns/service.yaml': svc, 'apps/dns/daemonset.yaml': ds, 'templates/talos/patches/controlplane.yaml.j2': 'cluster:\n  allowSchedulingOnControlPlanes: true\n', 'talos/patches/network.yaml': 'machine:\n  network:\n    nameservers: [10.50.0.1]\n' };
    const etp = (o: Out) => o.diagnostics.filter((d) => d.ruleId === 'k8s/etp-local-l2').map((d) => [d.messageId, d.file, d.range.start.line, d.range.start.column]);
    assert.deepEqual(etp((await lintJson(repo(files))).out), []);
    // the rendered control-plane config in the tree: the taint is known, and the finding is back
    const rendered = { ...files, 'talos/controlplane.yaml': 'machine:\n  type: controlplane\ncluster:\n  clusterName: lab\n' };
    assert.deepEqual(etp((await lintJson(repo(rendered))).out), [['daemonSetControlPlane', 'apps/dns/service.yaml', 8, 26]]);
  });
});
