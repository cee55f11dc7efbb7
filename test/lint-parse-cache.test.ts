/**
 * The parse cache (src/lint/parse-cache.ts): a warm run reads unchanged files from the cache and says exactly
 * what a run without it says; an edited file is parsed again; files JSON cannot carry are never cached; a broken
 * cache is ignored and rewritten; `--no-cache` writes nothing; a run over a subfolder keeps the other entries.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAX_CACHED_FOLDERS } from '../src/lint/parse-cache.js';
import { ageTree, cacheTestRepo, lbService, waitPastRacy, withReplacementCharLookalike } from '../src/testing/cache-repo.js';
import { spawnCli, type CliRun } from '../src/testing/cli.js';
import { yamlFilesUnder } from '../src/testing/schema-upstream.js';

const root = mkdtempSync(join(tmpdir(), 'talium-parse-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));

type CacheRun = CliRun & { hits: number; misses: number; verified: number; textsRead: number };

function setup(name: string): { repo: string; cache: string; run: (args?: string[]) => CacheRun } {
  const { repo, cache } = cacheTestRepo(root, name);
  const run = (args: string[] = []) => {
    const r = spawnCli(['lint', '--format', 'json', ...args], { cwd: repo, env: { TALIUM_CACHE_DIR: cache, TALIUM_TIMING: '1', TALIUM_CACHE: undefined, TALIUM_RUN_CACHE: 'off' } });
    const m = /parse cache (\d+) hits, (\d+) misses, (\d+) verified/.exec(r.stderr);
    const t = /cached files whose text was read: (\d+)/.exec(r.stderr);
    return { ...r, hits: m ? Number(m[1]) : -1, misses: m ? Number(m[2]) : -1, verified: m ? Number(m[3]) : -1, textsRead: t ? Number(t[1]) : -1 };
  };
  return { repo, cache, run };
}

const age = ageTree;
const svc = lbService;

const ruleIds = (r: CliRun) => (JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; file: string }> }).diagnostics.map((d) => `${d.file} ${d.ruleId}`);

describe('parse cache', () => {
  it('a warm run reads every file from the cache and says what a run without it says', () => {
    const { run } = setup('warm');
    const plain = run(['--no-cache']);
    const cold = run();
    const warm = run();
    assert.equal(cold.hits, 0);
    assert.ok(cold.misses > 30, String(cold.misses));
    assert.equal(warm.hits, cold.misses);
    assert.equal(warm.misses, 0);
    for (const r of [cold, warm]) {
      assert.equal(r.code, plain.code);
      assert.equal(r.stdout, plain.stdout);
    }
    const ids = ruleIds(plain);
    for (const want of ['apps/broken.yaml yaml/syntax', 'apps/settings.yaml yaml/truthy']) assert.ok(ids.includes(want), ids.join('\n'));
    assert.ok(ids.some((x) => x.endsWith('network/service-ip-conflict')), ids.join('\n'));
  });

  it('an edited file is parsed again, the others come from the cache', () => {
    const { repo, run } = setup('edit');
    const first = run();
    writeFileSync(join(repo, 'apps', 'dup-ip.yaml'), svc('dup', '10.50.10.250'));
    writeFileSync(join(repo, 'apps', 'broken.yaml'), 'a: [1]\n');
    const second = run();
    assert.equal(second.misses, 2);
    assert.equal(second.hits, first.misses - 2);
    assert.equal(second.stdout, run(['--no-cache']).stdout);
    assert.ok(!ruleIds(second).includes('apps/broken.yaml yaml/syntax'));
  });

  it('files whose values JSON cannot carry are never cached, and still linted right', () => {
    const { repo, run } = setup('nonjson');
    writeFileSync(join(repo, 'apps', 'inf.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: inf\ndata:\n  x: "1"\nweird: .inf\n');
    writeFileSync(join(repo, 'apps', 'proto.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: proto\n  __proto__: x\n');
    run();
    const again = run();
    assert.equal(again.misses, 2);
    assert.equal(again.stdout, run(['--no-cache']).stdout);
  });

  it('a broken cache file is ignored and rewritten; --no-cache writes nothing', () => {
    const { cache, run } = setup('broken');
    run(['--no-cache']);
    assert.ok(!existsSync(cache), '--no-cache wrote a cache');
    const cold = run();
    const dir = join(cache, 'lint');
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file!), '{"format": 1, "code": "x", "entries": {"apps/broken.yaml": 42}}');
    const afterBreak = run();
    assert.equal(afterBreak.hits, 0);
    assert.equal(afterBreak.stdout, cold.stdout);
    // entries edited without their checksum (damage, or another program): the whole cache is ignored, even
    // entries that would pass a shape check but crash later (a null diagnostic)
    const text = readFileSync(join(dir, file!), 'utf8');
    const nl = text.indexOf('\n');
    const entries = JSON.parse(text.slice(nl + 1)) as Record<string, Record<string, unknown>>;
    entries['apps/dup-ip.yaml']!['diagnostics'] = [null, 5];
    entries['apps/settings.yaml']!['suppressions'] = [null, { kind: 7 }];
    writeFileSync(join(dir, file!), `${text.slice(0, nl)}\n${JSON.stringify(entries)}`);
    const edited = run();
    assert.equal(edited.hits, 0);
    assert.equal(edited.code, cold.code);
    assert.equal(edited.stdout, cold.stdout);
    writeFileSync(join(dir, file!), 'not json at all');
    assert.equal(run().stdout, cold.stdout);
    assert.equal(run().misses, 0, 'rewritten valid');
    const rewritten = readFileSync(join(dir, file!), 'utf8');
    assert.ok((JSON.parse(rewritten.slice(rewritten.indexOf('\n') + 1)) as Record<string, unknown>)['apps/broken.yaml']);
  });

  it('a run over a subfolder keeps the entries of the files it did not read', () => {
    const { run } = setup('subfolder');
    const all = run();
    const sub = run(['apps/team-00']);
    assert.ok(sub.hits > 0 && sub.misses === 0, `${sub.hits} hits, ${sub.misses} misses`);
    const again = run();
    assert.equal(again.hits, all.misses);
    assert.equal(again.misses, 0);
  });

  it('keeps at most MAX_CACHED_FOLDERS folders\' caches, dropping the least recently written', () => {
    const { cache, run } = setup('prune');
    const dir = join(cache, 'lint');
    mkdirSync(dir, { recursive: true });
    const old = Date.now() / 1000 - 3600;
    for (let i = 0; i < MAX_CACHED_FOLDERS + 8; i++) {
      const f = join(dir, `old-${String(i).padStart(2, '0')}.json`);
      writeFileSync(f, '{}');
      utimesSync(f, old + i, old + i);
    }
    const r = run();
    assert.ok(r.misses > 0);
    const left = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.equal(left.length, MAX_CACHED_FOLDERS);
    assert.ok(left.some((f) => !f.startsWith('old-')), 'the run\'s own cache stays');
    assert.ok(!left.includes('old-00.json') && left.includes(`old-${String(MAX_CACHED_FOLDERS + 7).padStart(2, '0')}.json`), left.join(' '));
    assert.equal(run().misses, 0);
  });

  it('an unchanged file is not even read; a just-written one is verified by its hash', (t) => {
    const { repo, run } = setup('stat');
    // Flux objects on current APIs: no rule needs their text (the Flux version header is looked up only for a finding)
    writeFileSync(join(repo, 'apps', 'release.yaml'), 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: web\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: web\n      sourceRef:\n        kind: HelmRepository\n        name: web\n');
    // every file written again just now: entries recorded within two seconds of that are racy
    const written = Date.now();
    for (const f of yamlFilesUnder(repo)) writeFileSync(f, readFileSync(f));
    const fresh = run();
    const took = Date.now() - written;
    const verifiedFresh = run();
    assert.equal(verifiedFresh.misses, 0);
    if (took < 1900) assert.equal(verifiedFresh.verified, fresh.misses, 'entries recorded right after the files were written are checked');
    else {
      // a loaded machine: some entries were recorded when their files were already two seconds old (trusted by times)
      assert.ok(verifiedFresh.verified <= fresh.misses);
      t.diagnostic(`the first run took ${took} ms after the writes: the all-racy check is not judged`);
    }
    age(repo);
    // the change time cannot be set back: wait until it is more than two seconds old
    waitPastRacy();
    const cold = run();
    assert.equal(cold.misses, fresh.misses, 'new times: parsed again');
    const warm = run();
    assert.equal(warm.hits, fresh.misses);
    assert.equal(warm.verified, 0, 'old files: trusted by their times');
    assert.equal(warm.stdout, run(['--no-cache']).stdout, 'positions still right (read on demand)');
    // only files with a finding or a related location (positions, code frames) are opened
    const diags = (JSON.parse(warm.stdout) as { diagnostics: Array<{ file: string; related?: Array<{ file: string }> }> }).diagnostics;
    const withFindings = new Set(diags.flatMap((d) => [d.file, ...(d.related ?? []).map((r) => r.file)]));
    assert.ok(warm.textsRead >= 0 && warm.textsRead <= withFindings.size, `${warm.textsRead} texts read, ${withFindings.size} files with findings`);
  });

  it('same size and same modification time but new bytes: the change time gives it away', () => {
    const { repo, run } = setup('sametime');
    age(repo);
    const f = join(repo, 'apps', 'dup-ip.yaml');
    run();
    const before = statSync(f);
    writeFileSync(f, svc('dup', '10.50.10.21'));
    utimesSync(f, before.atime, before.mtime);
    assert.equal(statSync(f).size, before.size);
    const r = run();
    assert.equal(r.misses, 1);
    assert.equal(r.stdout, run(['--no-cache']).stdout);
  });

  it('values JSON would change (the eemeli/yaml fallback: 1e999, %YAML 1.1 dates, binaries, sets) are never cached', () => {
    const { repo, run } = setup('fallback');
    writeFileSync(join(repo, 'apps', 'inf2.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: inf2, namespace: default}\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 1e999\n      targetPort: 8080\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: broken2}\ndata:\n  k: [a, b\n');
    writeFileSync(join(repo, 'apps', 'y11.yaml'), '%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: y11, labels: {when: 2001-12-14}}\ndata: {date: 2001-12-14, bin: !!binary aGVsbG8=, set: !!set {a, b}}\n---\nkind: ConfigMap\ndata:\n  k: [a, b\n');
    age(repo);
    run();
    const warm = run();
    assert.equal(warm.misses, 2);
    assert.equal(warm.stdout, run(['--no-cache']).stdout);
    const ids = ruleIds(warm);
    assert.ok(ids.some((x) => x.startsWith('apps/y11.yaml schema/')), ids.join('\n'));
  });

  it('a run that re-read a few files appends them to a journal; a big change rewrites the cache and drops the journal', () => {
    const { repo, cache, run } = setup('journal');
    age(repo);
    waitPastRacy();
    const first = run();
    const dir = join(cache, 'lint');
    const main = join(dir, readdirSync(dir).find((f) => f.endsWith('.json'))!);
    const journal = `${main}.journal`;
    const bytes = readFileSync(main);
    assert.ok(!existsSync(journal));
    // one file edited: the cache file stays as it was, one journal line records the new entry
    writeFileSync(join(repo, 'apps', 'dup-ip.yaml'), svc('dup', '10.50.10.250'));
    const edited = run();
    assert.equal(edited.misses, 1);
    assert.deepEqual(readFileSync(main), bytes, 'the cache file is not rewritten for one entry');
    const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, 1);
    assert.deepEqual(Object.keys((JSON.parse(lines[0]!.slice(29)) as { set: Record<string, unknown> }).set), ['apps/dup-ip.yaml']);
    // the next run reads the file plus the journal: every entry a hit, same output as without any cache
    const warm = run();
    assert.equal(warm.misses, 0);
    assert.equal(warm.hits, first.misses);
    assert.equal(warm.stdout, run(['--no-cache']).stdout);
    // a damaged journal line is ignored: the file only it records is parsed again, output unchanged
    writeFileSync(join(repo, 'apps', 'broken.yaml'), 'a: [1]\n');
    run();
    // (three lines when the warm run came more than two seconds after the edit: it re-recorded the racy entry)
    const lines2 = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
    const at = lines2.findIndex((l) => l.includes('"apps/broken.yaml"'));
    assert.ok(lines2.length >= 2 && at > 0, lines2.map((l) => l.slice(0, 80)).join('\n'));
    lines2[at] = lines2[at]!.replace('a: [1]', 'a: [2]').replace('apps/broken.yaml', 'apps/Broken.yaml');
    writeFileSync(journal, `${lines2.join('\n')}\n`);
    const damaged = run();
    assert.equal(damaged.misses, 1, 'the damaged line is not applied');
    assert.equal(damaged.stdout, run(['--no-cache']).stdout);
    // every file saved again: one line would be most of the cache, so the cache is rewritten and the journal goes
    for (const e of readdirSync(repo, { recursive: true, withFileTypes: true })) {
      if (e.isFile() && e.name.endsWith('.yaml')) {
        const f = join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
        writeFileSync(f, readFileSync(f));
      }
    }
    const all = run();
    assert.equal(all.hits, 0);
    assert.ok(!existsSync(journal), 'journal dropped with the rewrite');
    assert.notDeepEqual(readFileSync(main), bytes);
    assert.equal(run().misses, 0);
  });

  it('journal lines that extend another cache file are ignored', () => {
    const { repo, cache, run } = setup('journal-foreign');
    age(repo);
    waitPastRacy();
    run();
    const dir = join(cache, 'lint');
    const main = join(dir, readdirSync(dir).find((f) => f.endsWith('.json'))!);
    writeFileSync(join(repo, 'apps', 'dup-ip.yaml'), svc('dup', '10.50.10.250'));
    run();
    const line = readFileSync(`${main}.journal`, 'utf8');
    // the same line (valid checksum) after the cache file was rewritten by another run: it names the old file
    writeFileSync(join(repo, 'apps', 'broken.yaml'), 'a: [1]\n');
    for (let i = 0; i < 3; i++) writeFileSync(join(repo, 'apps', `new-${i}.yaml`), svc(`new${i}`, `10.50.10.${60 + i}`));
    rmSync(`${main}.journal`);
    writeFileSync(main, 'not a cache');
    run();
    assert.ok(!existsSync(`${main}.journal`));
    writeFileSync(`${main}.journal`, line);
    const r = run();
    assert.equal(r.misses, 0, 'the stale line was not applied over the new file');
    assert.equal(r.stdout, run(['--no-cache']).stdout);
    // lines appended after the stale one (a run that read the cache before another rewrote it appended it first)
    // still apply: the stale line does not make every later run parse the edited files again
    writeFileSync(join(repo, 'apps', 'dup-ip.yaml'), svc('dup', '10.50.10.251'));
    assert.equal(run().misses, 1);
    const after = run();
    assert.equal(after.misses, 0, 'the line after the stale one was applied');
    assert.equal(after.stdout, run(['--no-cache']).stdout);
  });

  it('a cache folder where mkdir cannot create anything (inside /proc) is skipped, never a hang', (t) => {
    if (!existsSync('/proc/self')) {
      t.skip('no /proc here');
      return;
    }
    const { repo } = setup('proc');
    const r = spawnCli(['lint', '--format', 'json'], { cwd: repo, env: { TALIUM_CACHE_DIR: '/proc/self/nonexist', TALIUM_CODE_CACHE_DIR: '/proc/self/nonexist2', TALIUM_CACHE: undefined }, timeoutMs: 30_000 });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, spawnCli(['lint', '--format', 'json', '--no-cache'], { cwd: repo }).stdout);
  });

  it('a racy entry is verified by the bytes: invalid UTF-8 that decodes to the recorded text is parsed again', async () => {
    const { ParseCache } = await import('../src/lint/parse-cache.js');
    const { loadFile, loadText } = await import('../src/lint/load-file.js');
    await withReplacementCharLookalike(join(root, 'racy-bytes'), (file, text) => {
      const dir = join(root, 'racy-bytes');
      // an entry for the valid text under the file's current times (two writes within one tick of a coarse clock)
      const st = statSync(file, { bigint: true });
      const first = ParseCache.open(dir, false);
      first.put('a.yaml', text, loadText('a.yaml', text), st);
      first.save();
      const loaded = loadFile(file, 'a.yaml', 1 << 20, ParseCache.open(dir, false));
      assert.deepEqual(loaded.diagnostics.map((d) => d.ruleId), ['yaml/encoding']);
    });
  });
  it('a file with lone CR line endings (old Mac) is cached too, its findings read back at the lines and columns of the file', () => {
    const { repo, run } = setup('lone-cr');
    // a duplicate key (a parser finding, stored) and a schema type error (a check result, positioned from the text)
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  a: "1"\n  a: "2"\n';
    const deploy = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  replicas: "x"\n  selector:\n    matchLabels: {a: b}\n  template:\n    metadata:\n      labels: {a: b}\n    spec:\n      containers:\n        - name: a\n          image: nginx\n';
    writeFileSync(join(repo, 'apps', 'cr-cm.yaml'), cm.replace(/\n/g, '\r'));
    writeFileSync(join(repo, 'apps', 'cr-deploy.yaml'), deploy.replace(/\n/g, '\r'));
    age(repo);
    const plain = run(['--no-cache']);
    const at = (r: CliRun) =>
      (JSON.parse(r.stdout) as { diagnostics: Array<{ ruleId: string; file: string; range: { start: { line: number; column: number } } }> }).diagnostics
        .filter((d) => d.file.startsWith('apps/cr-'))
        .map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`);
    assert.deepEqual(at(plain), ['apps/cr-cm.yaml:7:3 yaml/duplicate-key', 'apps/cr-deploy.yaml:6:13 schema/type']);
    const cold = run();
    const warm = run();
    // before: a lone-CR file was never recorded (its entry would have been read back with the CRs as no line break)
    assert.equal(warm.misses, 0, 'every file, the lone-CR ones included, comes from the cache');
    assert.equal(warm.hits, cold.misses);
    for (const r of [cold, warm]) assert.equal(r.stdout, plain.stdout);
  });
});
