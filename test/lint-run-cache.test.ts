/**
 * The run cache (src/lint/run-cache.ts): a run over an unchanged tree replays the last result byte for byte (every
 * format, exit code, code frames); anything the result depends on that changed (a file's bytes, a file added or
 * removed, the config's values or its comments, a dangling link, the reported files) makes it a miss whose output
 * is that of a run without any cache; a racy record is verified by its hash; damaged records are ignored; runs
 * with files the parse cache cannot keep are not recorded.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ageTree, cacheTestRepo, lbService, waitPastRacy, withReplacementCharLookalike } from '../src/testing/cache-repo.js';
import { spawnCli, type CliRun } from '../src/testing/cli.js';

const root = mkdtempSync(join(tmpdir(), 'talium-run-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));

type Run = CliRun & { replayed: boolean };

const age = ageTree;
const svc = lbService;

function setup(name: string): { repo: string; cache: string; run: (args?: string[], env?: NodeJS.ProcessEnv) => Run; plain: (args?: string[]) => CliRun } {
  const { repo, cache } = cacheTestRepo(root, name);
  // besides the parser, rule and text-check findings: a related location in another file, a suppression, a config
  writeFileSync(join(repo, 'apps', 'dup-ip-2.yaml'), svc('dup2', '10.50.10.20'));
  writeFileSync(join(repo, 'apps', 'suppressed.yaml'), '# talium-disable-next-line yaml/truthy -- the app reads YAML 1.1\nflag: yes\n');
  writeFileSync(join(repo, 'talium.config.yaml'), 'rules:\n  yaml/truthy: warning\n');
  const run = (args: string[] = ['--format', 'json'], env: NodeJS.ProcessEnv = {}) => {
    const r = spawnCli(['lint', ...args], { cwd: repo, env: { TALIUM_CACHE_DIR: cache, TALIUM_TIMING: '1', TALIUM_CACHE: undefined, TALIUM_RUN_CACHE: undefined, ...env } });
    return { ...r, replayed: /run cache hit/.test(r.stderr) };
  };
  const plain = (args: string[] = ['--format', 'json']) => spawnCli(['lint', '--no-cache', ...args], { cwd: repo });
  return { repo, cache, run, plain };
}

const ids = (r: CliRun) => (JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; file: string }> }).diagnostics.map((d) => `${d.file} ${d.ruleId}`);

/** A recorded file: path, size, mtime, ctime, inode, sha1, racy ('1' or ''), as run-cache.ts writes them. */
type FileFields = string[];

/** The run cache file of a test's cache folder, its recorded files, and a writer that keeps the checksum right. */
function runFile(cache: string): { file: string; body: Record<string, unknown>; files: FileFields[]; write: (body: unknown, files?: FileFields[]) => void } {
  const dir = join(cache, 'lint');
  const name = readdirSync(dir).find((f) => f.endsWith('.run'));
  assert.ok(name, 'a run cache file was written');
  const file = join(dir, name);
  const text = readFileSync(file, 'utf8');
  const nl = text.indexOf('\n');
  const head = JSON.parse(text.slice(0, nl)) as Record<string, unknown>;
  const body = JSON.parse(text.slice(nl + 1)) as Record<string, unknown>;
  const flat = String(body['files']).split('\0');
  const files: FileFields[] = [];
  for (let i = 0; i < flat.length; i += 7) files.push(flat.slice(i, i + 7));
  const write = (b: unknown, fs?: FileFields[]) => {
    const out = fs ? { ...(b as Record<string, unknown>), files: fs.flat().join('\0') } : b;
    const json = JSON.stringify(out);
    writeFileSync(file, `${JSON.stringify({ ...head, sum: createHash('sha1').update(json).digest('base64') })}\n${json}`);
  };
  return { file, body, files, write };
}

describe('run cache', () => {
  it('an unchanged tree replays the last result: same bytes in every format, same exit code', () => {
    const { repo, run, plain } = setup('replay');
    age(repo);
    waitPastRacy();
    const first = run();
    assert.equal(first.replayed, false);
    for (const args of [['--format', 'json'], ['--format', 'stylish'], ['--format', 'sarif'], ['--format', 'github']]) {
      const again = run(args);
      const want = plain(args);
      assert.equal(again.replayed, true, args.join(' '));
      assert.equal(again.code, want.code);
      assert.equal(again.code, 1);
      assert.equal(again.stdout, want.stdout, args.join(' '));
    }
    const got = ids(first);
    for (const want of ['apps/broken.yaml yaml/syntax', 'apps/settings.yaml yaml/truthy']) assert.ok(got.includes(want), got.join('\n'));
    assert.ok(got.some((x) => x.endsWith('network/service-ip-conflict')), got.join('\n'));
    assert.ok(!got.includes('apps/suppressed.yaml yaml/truthy'), 'the suppression applies on replay too');
    // --max-warnings is applied to the replayed result like to a fresh one
    assert.equal(run(['--format', 'json', '--max-warnings', '100']).code, plain(['--format', 'json', '--max-warnings', '100']).code);
  });

  it('each change to what the result depends on is a miss, and the output is that of a run without cache', () => {
    const { repo, run, plain } = setup('changes');
    age(repo);
    waitPastRacy();
    run();
    assert.equal(run().replayed, true);
    const changes: Array<[string, () => void]> = [
      ['new bytes, new size', () => writeFileSync(join(repo, 'apps', 'dup-ip-2.yaml'), svc('dup2', '10.50.10.200'))],
      [
        'same size and modification time, new bytes',
        () => {
          const f = join(repo, 'apps', 'dup-ip.yaml');
          const before = statSync(f);
          writeFileSync(f, svc('dup', '10.50.10.21'));
          utimesSync(f, before.atime, before.mtime);
        },
      ],
      ['a file added', () => writeFileSync(join(repo, 'apps', 'more.yaml'), 'other: on\n')],
      ['a file removed', () => unlinkSync(join(repo, 'apps', 'broken.yaml'))],
      ['a config value', () => writeFileSync(join(repo, 'talium.config.yaml'), 'rules:\n  yaml/truthy: error\n  no/such-rule: error\n')],
      ['a config comment (the position of a config finding moves)', () => writeFileSync(join(repo, 'talium.config.yaml'), '# severities\nrules:\n  yaml/truthy: error\n  no/such-rule: error\n')],
      ['a dangling link named like YAML', () => symlinkSync(join(repo, 'nowhere.yaml'), join(repo, 'apps', 'dangling.yaml'))],
    ];
    let previous = '';
    for (const [what, change] of changes) {
      change();
      const r = run();
      assert.equal(r.replayed, false, what);
      const want = plain();
      assert.equal(r.stdout, want.stdout, what);
      assert.equal(r.code, want.code, what);
      assert.notEqual(r.stdout, previous, `${what}: the change shows in the output`);
      previous = r.stdout;
      const again = run();
      assert.equal(again.replayed, true, `${what}: recorded again`);
      assert.equal(again.stdout, want.stdout, what);
    }
    assert.ok(ids(run()).includes('apps/dangling.yaml lint/symlink-skipped'));
  });

  it('a YAML template added or removed is a miss: network/plan-unknown names the templates discovery found', () => {
    const { repo, run, plain } = setup('templates');
    mkdirSync(join(repo, 'network'), { recursive: true });
    writeFileSync(
      join(repo, 'network', 'pool.yaml'),
      'apiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lan\nspec:\n  blocks:\n    - cidr: 192.168.1.0/24\n---\napiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: l2\nspec:\n  loadBalancerIPs: true\n',
    );
    age(repo);
    waitPastRacy();
    run();
    assert.equal(run().replayed, true);
    const templates = (r: CliRun) =>
      (JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; data?: Record<string, unknown> }> }).diagnostics.filter((d) => d.ruleId === 'network/plan-unknown').map((d) => d.data?.['templates'] ?? null);
    assert.deepEqual(templates(plain()), [null]);
    mkdirSync(join(repo, 'talos'), { recursive: true });
    writeFileSync(join(repo, 'talos', 'controlplane.yaml.j2'), 'machine:\n  network:\n    hostname: {{ name }}\n');
    const added = run();
    assert.equal(added.replayed, false, 'a template added');
    assert.equal(added.stdout, plain().stdout);
    assert.deepEqual(templates(added), ['talos/controlplane.yaml.j2']);
    unlinkSync(join(repo, 'talos', 'controlplane.yaml.j2'));
    const removed = run();
    assert.equal(removed.replayed, false, 'a template removed');
    assert.deepEqual(templates(removed), [null]);
  });

  it('the reported files and paths are part of the key', () => {
    const { repo, run, plain } = setup('scope');
    age(repo);
    waitPastRacy();
    run();
    const one = run(['--format', 'json', '--only-files', 'apps/settings.yaml']);
    assert.equal(one.replayed, false);
    assert.deepEqual(ids(one), ['apps/settings.yaml yaml/truthy']);
    const other = run(['--format', 'json', '--only-files', 'apps/broken.yaml']);
    assert.equal(other.replayed, false);
    assert.equal(other.stdout, plain(['--format', 'json', '--only-files', 'apps/broken.yaml']).stdout);
    assert.equal(run(['--format', 'json', '--only-files', 'apps/broken.yaml']).replayed, true);
    const sub = run(['--format', 'json', 'apps']);
    assert.equal(sub.replayed, false);
    assert.equal(sub.stdout, plain(['--format', 'json', 'apps']).stdout);
  });

  it('a record made right after a write is trusted only after its hash matches', () => {
    const { repo, cache, run } = setup('racy');
    // written right before the run, and dated two minutes ahead: the CLI's start on a busy machine (other test files,
    // a build) took more than the two racy seconds after the write, and the file was recorded as trusted (the
    // caches see a modification time ahead of their clock as they see one just now: within the racy window)
    const settings = join(repo, 'apps', 'settings.yaml');
    writeFileSync(settings, 'feature: on\n');
    const ahead = new Date(Date.now() + 120_000);
    utimesSync(settings, ahead, ahead);
    const first = run();
    assert.ok(runFile(cache).files.some((f) => f[6] === '1'), 'files written just now are racy');
    assert.equal(run().replayed, true, 'same bytes: hashes match');
    const fresh = runFile(cache);
    const racy = fresh.files.find((f) => f[6] === '1')!;
    racy[5] = 'not the hash';
    fresh.write(fresh.body, fresh.files);
    const r = run();
    assert.equal(r.replayed, false, 'a racy record whose hash differs is not replayed');
    assert.equal(r.stdout, first.stdout);
    // a trusted (not racy) record is taken on its times: the hash is not read (what makes a hit cheap)
    const trusted = runFile(cache);
    for (const f of trusted.files) {
      f[6] = '';
      f[5] = 'not the hash';
    }
    trusted.write(trusted.body, trusted.files);
    assert.equal(run().replayed, true);
    // a record naming another size for one file: not replayed
    const sized = runFile(cache);
    sized.files[3]![1] = String(Number(sized.files[3]![1]) + 1);
    sized.write(sized.body, sized.files);
    assert.equal(run().replayed, false);
  });

  it('a damaged or edited record is ignored and rewritten', () => {
    const { repo, cache, run, plain } = setup('damaged');
    age(repo);
    waitPastRacy();
    run();
    const { file } = runFile(cache);
    const text = readFileSync(file, 'utf8');
    const nl = text.indexOf('\n');
    // the body edited without its checksum: an added diagnostic must not show up
    const body = JSON.parse(text.slice(nl + 1)) as { diagnostics: unknown[] };
    body.diagnostics.push({ ruleId: 'made/up', severity: 'error', message: 'x', file: 'apps/settings.yaml', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } });
    writeFileSync(file, `${text.slice(0, nl)}\n${JSON.stringify(body)}`);
    const edited = run();
    assert.equal(edited.replayed, false);
    assert.equal(edited.stdout, plain().stdout);
    writeFileSync(file, 'garbage');
    assert.equal(run().replayed, false);
    assert.equal(run().replayed, true, 'rewritten');
    // well-formed JSON with the right checksum but the wrong shape: ignored, never a crash
    runFile(cache).write({ key: 1, files: 'x' });
    const odd = run();
    assert.equal(odd.replayed, false);
    assert.equal(odd.code, 1);
    assert.equal(odd.stdout, plain().stdout);
  });

  it('not recorded when a file has no parse cache entry; off with --no-cache and TALIUM_RUN_CACHE=off', () => {
    const { repo, cache, run } = setup('off');
    age(repo);
    waitPastRacy();
    run(['--format', 'json', '--no-cache']);
    assert.ok(!existsSync(cache), '--no-cache writes nothing');
    run([], { TALIUM_RUN_CACHE: 'off' });
    assert.equal(run(['--format', 'json'], { TALIUM_RUN_CACHE: 'off' }).replayed, false);
    writeFileSync(join(repo, 'apps', 'binary.yaml'), Buffer.from([0x61, 0x3a, 0x00, 0x01, 0x0a]));
    run();
    const again = run();
    assert.equal(again.replayed, false, 'a binary file is not kept by the parse cache: no record');
    assert.ok(ids(again).includes('apps/binary.yaml yaml/binary'));
  });

  it('a schema folder file edited with its size and modification time kept is a miss (run cache and check cache)', () => {
    const { repo, run, plain } = setup('schema-dir');
    const schema = join(repo, 'schemas', 'example.com', 'v1', 'Widget.json');
    mkdirSync(join(repo, 'schemas', 'example.com', 'v1'), { recursive: true });
    const writeSchema = (max: number) =>
      writeFileSync(schema, JSON.stringify({ type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'string', maxLength: max } } } } }));
    writeSchema(9);
    writeFileSync(join(repo, 'talium.config.yaml'), 'rules:\n  yaml/truthy: warning\nschemas:\n  dirs: [schemas]\n');
    writeFileSync(join(repo, 'apps', 'widget.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: abcdef\n');
    age(repo);
    waitPastRacy();
    run();
    assert.equal(run().replayed, true);
    // same size, modification time put back (cp -p, rsync -a, touch -r): only the change time and inode tell
    const edit = (max: number) => {
      const before = statSync(schema);
      writeSchema(max);
      utimesSync(schema, before.atime, before.mtime);
      waitPastRacy();
    };
    edit(3);
    const r = run();
    assert.equal(r.replayed, false);
    assert.ok(ids(r).includes('apps/widget.yaml schema/limit'));
    assert.equal(r.stdout, plain().stdout);
    assert.equal(r.code, plain().code);
    // the check cache (per-file schema results) keys the folder the same way
    assert.equal(run(['--format', 'json'], { TALIUM_RUN_CACHE: 'off' }).stdout, r.stdout);
    edit(8);
    const off = run(['--format', 'json'], { TALIUM_RUN_CACHE: 'off' });
    assert.ok(!ids(off).includes('apps/widget.yaml schema/limit'));
    assert.equal(off.stdout, plain().stdout);
  });

  it('keys the config text the run was given, not the file read again (an edit saved while a run starts)', async () => {
    const { repo, cache, run, plain } = setup('config-race');
    writeFileSync(join(repo, 'talium.config.yaml'), 'plan:\n  lan: 10.50.0.0/16\n  reserved:\n    - 10.50.10.20-10.50.10.22\n');
    age(repo);
    waitPastRacy();
    // what the CLI does (src/cli/lint.ts), with the config saved again between loadConfig and the run
    const { loadConfig } = await import('../src/config/load.js');
    const { lint } = await import('../src/lint/engine.js');
    const { knownRule, ruleCatalog } = await import('../src/lint/rule-catalog.js');
    const cfg = loadConfig(repo, undefined, knownRule(ruleCatalog()));
    writeFileSync(join(repo, 'talium.config.yaml'), '# the same values, one line down\nplan:\n  lan: 10.50.0.0/16\n  reserved:\n    - 10.50.10.20-10.50.10.22\n');
    const saved = process.env['TALIUM_CACHE_DIR'];
    process.env['TALIUM_CACHE_DIR'] = cache;
    try {
      await lint({ cwd: repo, paths: [], config: cfg.config, configDiagnostics: cfg.diagnostics, workers: 0, tool: { name: 'talium', version: '0' } });
    } finally {
      if (saved === undefined) delete process.env['TALIUM_CACHE_DIR'];
      else process.env['TALIUM_CACHE_DIR'] = saved;
    }
    const want = plain();
    assert.match(want.stdout, /"file": "talium.config.yaml"/, 'a finding points into the config (plan.reserved)');
    const r = run();
    assert.equal(r.replayed, false, 'the record was made from the text before the edit');
    assert.equal(r.stdout, want.stdout);
    assert.equal(run().replayed, true);
  });

  it('a record from another day is a miss: a suppression whose until date passed overnight is reported', async () => {
    const { repo, cache } = setup('until-day');
    writeFileSync(join(repo, 'apps', 'temporary.yaml'), 'flag: yes # talium-disable-line yaml/truthy until 2027-03-31 -- migration\n');
    age(repo);
    waitPastRacy();
    const { loadConfig } = await import('../src/config/load.js');
    const { lint } = await import('../src/lint/engine.js');
    const { knownRule, ruleCatalog } = await import('../src/lint/rule-catalog.js');
    const saved = process.env['TALIUM_CACHE_DIR'];
    process.env['TALIUM_CACHE_DIR'] = cache;
    const on = async (today: string) => {
      const cfg = loadConfig(repo, undefined, knownRule(ruleCatalog()));
      const r = await lint({ cwd: repo, paths: [], config: cfg.config, configDiagnostics: cfg.diagnostics, workers: 0, tool: { name: 'talium', version: '0' }, today });
      const here = r.result.diagnostics.filter((d) => d.file === 'apps/temporary.yaml').map((d) => d.ruleId);
      return { replayed: r.replayed === true, here };
    };
    try {
      assert.deepEqual(await on('2027-03-31'), { replayed: false, here: [] });
      assert.deepEqual(await on('2027-03-31'), { replayed: true, here: [] }, 'the same day replays');
      assert.deepEqual(await on('2027-04-01'), { replayed: false, here: ['yaml/truthy', 'lint/expired-suppression'] });
    } finally {
      if (saved === undefined) delete process.env['TALIUM_CACHE_DIR'];
      else process.env['TALIUM_CACHE_DIR'] = saved;
    }
  });

  it('a racy record is verified by its bytes: invalid UTF-8 decoding to the recorded text is a miss', async () => {
    const { RunCache } = await import('../src/lint/run-cache.js');
    const { statKey } = await import('../src/lint/parse-cache.js');
    const dir = join(root, 'racy-bytes');
    await withReplacementCharLookalike(dir, (file, text) => {
      // a record whose times match the file's (two writes within one tick of a coarse clock) and whose hash is
      // that of the valid text
      const cacheOf = RunCache.open(dir);
      const st = statKey(statSync(file, { bigint: true }));
      cacheOf.record('k', [['a.yaml', { st, h: createHash('sha1').update(text).digest('base64'), racy: true }]], [], ['a.yaml'], []);
      assert.equal(RunCache.open(dir).replay('k', [{ path: 'a.yaml', abs: file }]), undefined);
      writeFileSync(file, text);
      const valid = statKey(statSync(file, { bigint: true }));
      cacheOf.record('k', [['a.yaml', { st: valid, h: createHash('sha1').update(text).digest('base64'), racy: true }]], [], ['a.yaml'], []);
      assert.ok(RunCache.open(dir).replay('k', [{ path: 'a.yaml', abs: file }]), 'the same bytes: replayed');
    });
  });
});
