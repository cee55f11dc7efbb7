/**
 * `npm run bench`: generates a GitOps-shaped corpus in a temp folder (2,000 files / 6,400 documents by default:
 * Deployments, LoadBalancer Services, ConfigMaps, Cilium pools + L2 policies in every tenth file) and reports
 * wall time and peak RSS of a full `talium lint --format json` through the bin (child process), cold
 * (`--no-cache`), warm with one file saved since the last run (parse cache for the others, no run cache) and warm
 * with nothing changed (the run cache replays), against a single-threaded js-yaml@4 read+parse baseline (child
 * process too), and with `--workers 2`; then small-repository latencies. Options: --files N (repeatable),
 * --runs N, --keep.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './bench-corpus.js';

/** The `talium` bin, as users and the pre-commit hook run it (launcher, code-cached bundle). */
const BIN = fileURLToPath(new URL('../../scripts/talium.cjs', import.meta.url));

/** The js-yaml baseline: walk, read and parse every file on one thread. */
const BASELINE = `
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(process.argv[1] + '/');
const yaml = require('js-yaml');
const files = [];
(function walk(d) { for (const e of readdirSync(d, { withFileTypes: true })) { const p = join(d, e.name); if (e.isDirectory()) walk(p); else if (/\\.ya?ml$/.test(e.name)) files.push(p); } })(process.argv[2]);
files.sort();
let n = 0;
for (const f of files) for (const _ of yaml.loadAll(readFileSync(f, 'utf8'))) n++;
process.stdout.write(String(n));
`;

interface Measure {
  wallMs: number;
  maxRssMiB: number;
  code: number;
  stdout: string;
}

/** Wall time from the parent, peak RSS from the child (resource usage of the waited-for process). */
function measure(args: string[], cwd: string): Measure {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // /usr/bin/time is not everywhere; the child reports its own peak RSS through a preload hook instead
  const m = /__RSS__(\d+)/.exec(r.stderr ?? '');
  return { wallMs, maxRssMiB: m ? Number(m[1]) / 1024 : NaN, code: r.status ?? -1, stdout: r.stdout ?? '' };
}

/** Preloaded with -r into each measured process: prints the peak RSS at exit (no V8 flags: the code caches stay valid). */
const RSS_HOOK = `process.on('exit', () => process.stderr.write('__RSS__' + process.resourceUsage().maxRSS + '\\n'));`;
let hookFile = '';

function lintArgs(extra: string[]): string[] {
  return ['-r', hookFile, BIN, 'lint', '.', '--format', 'json', ...extra];
}

/**
 * Node's option for V8's background thread pool, as `npm run lint` and the GitHub Action start talium: 0 = one
 * thread fewer than the machine's cores (Node's own default is 4, which on 2 cores takes the main thread's core
 * for TurboFan and GC helpers). A Node option, not a V8 flag, so both code caches stay valid.
 */
const POOL = '--v8-pool-size=0';

/** 1-minute load average: other processes on the machine distort every figure. */
function loadAverage(): string {
  return loadavg()[0]!.toFixed(1);
}

/** The first YAML file of the corpus (sorted walk). */
function firstYaml(dir: string): string {
  const names = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of names) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const inner = firstYaml(p);
      if (inner) return inner;
    } else if (/\.ya?ml$/.test(e.name)) return p;
  }
  return '';
}

/** Save a file again with the same bytes (what an editor does): new modification and change times. */
function rewrite(file: string): void {
  writeFileSync(file, readFileSync(file));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function main(argv: string[]): void {
  const sizes: number[] = [];
  let runs = 3;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--files') sizes.push(Number(argv[++i]));
    else if (argv[i] === '--runs') runs = Number(argv[++i]);
    else if (argv[i] === '--keep') keep = true;
  }
  if (!sizes.length) sizes.push(2000, 10000);
  const hookDir = mkdtempSync(join(tmpdir(), 'talium-bench-hook-'));
  hookFile = join(hookDir, 'rss.cjs');
  writeFileSync(hookFile, RSS_HOOK + '\n');
  // the parse cache of every measured run lives here, not in the user's cache folder
  process.env['TALIUM_CACHE_DIR'] = join(hookDir, 'cache');
  // dist/scripts/bench.js → the repository root (also works from another outDir that links node_modules)
  const repoRoot = ['../../', '../'].map((r) => fileURLToPath(new URL(r, import.meta.url))).find((r) => existsSync(join(r, 'node_modules', 'js-yaml'))) ?? process.cwd();
  const rows: string[] = [];
  const perFile: number[] = [];
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), `talium-bench-${n}-`));
    const docs = generateCorpus(dir, n);
    const base: Measure[] = [];
    const full: Measure[] = [];
    const edited: Measure[] = [];
    const warm: Measure[] = [];
    const single: Measure[] = [];
    const pooled: Measure[] = [];
    const someFile = firstYaml(dir);
    // fill the parse cache for the warm runs; entries recorded within 2 s of a file's last write are "racy" (verified
    // by hash, then recorded again), so a second filling run after a pause leaves the state a developer's tree has
    measure(lintArgs([]), dir);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
    measure(lintArgs([]), dir);
    for (let r = 0; r < runs; r++) {
      base.push(measure(['-r', hookFile, '--input-type=module', '-e', BASELINE, repoRoot, dir], dir));
      full.push(measure(lintArgs(['--no-cache']), dir));
      pooled.push(measure([POOL, ...lintArgs(['--no-cache'])], dir));
      // a developer's next run: one file saved since (same bytes, new times: its parse cache entry and the run
      // cache record no longer hold), then the run after that with nothing changed (the run cache replays)
      rewrite(someFile);
      edited.push(measure(lintArgs([]), dir));
      warm.push(measure(lintArgs([]), dir));
      single.push(measure(lintArgs(['--no-cache', '--workers', '2']), dir));
    }
    for (const m of base) {
      if (m.code !== 0 || Number(m.stdout) !== docs) throw new Error(`js-yaml baseline failed (exit ${m.code}, ${m.stdout} documents of ${docs})`);
    }
    for (const m of [...full, ...pooled, ...edited, ...warm, ...single]) if (m.code !== 0 && m.code !== 1) throw new Error(`talium lint failed with exit ${m.code}`);
    const out = JSON.parse(full[0]!.stdout) as { summary: { errors: number; warnings: number; infos: number; files: number } };
    const same = [...full, ...pooled, ...edited, ...warm, ...single].every((m) => m.stdout === full[0]!.stdout);
    const b = median(base.map((m) => m.wallMs));
    const load = loadAverage();
    const f = median(full.map((m) => m.wallMs));
    const p = median(pooled.map((m) => m.wallMs));
    const s = median(single.map((m) => m.wallMs));
    const e = median(edited.map((m) => m.wallMs));
    const w = median(warm.map((m) => m.wallMs));
    perFile.push(f / n);
    rows.push(
      `| ${n} | ${docs} | ${b.toFixed(0)} ms (${median(base.map((m) => m.maxRssMiB)).toFixed(0)} MiB) | ${f.toFixed(0)} ms (${median(full.map((m) => m.maxRssMiB)).toFixed(0)} MiB) | ${p.toFixed(0)} ms (${(p / b).toFixed(2)}) | ${e.toFixed(0)} ms | ${w.toFixed(0)} ms | ${s.toFixed(0)} ms | ${(f / b).toFixed(2)} / ${(e / b).toFixed(2)} / ${(w / b).toFixed(2)} | ${out.summary.errors}/${out.summary.warnings}/${out.summary.infos} | ${same ? 'yes' : 'NO'} | ${load} |`,
    );
    if (!keep) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`corpus kept in ${dir}\n`);
  }
  const lines = [
    `node ${process.version}, ${runs} runs each, medians; wall time measured by the parent, peak RSS by the child.`,
    '',
    `| files | documents | js-yaml read+parse (1 thread) | talium lint --no-cache | the same with \`node ${POOL}\` (/ baseline) | warm, one file saved | warm, nothing changed | --no-cache --workers 2 | lint/baseline (cold / one saved / unchanged) | errors/warnings/infos | identical output | load avg |`,
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|',
    ...rows,
  ];
  if (perFile.length > 1) lines.push('', `Per-file cost, largest vs smallest corpus: ${((perFile[perFile.length - 1]! / perFile[0]! - 1) * 100).toFixed(1)}% (target ≤ 15%).`);
  lines.push('', ...latencies(repoRoot, runs));
  process.stdout.write(lines.join('\n') + '\n');
  rmSync(hookDir, { recursive: true, force: true });
}

/** A folder holding one file of `count` ConfigMaps, each with a schema/yaml11-boolean finding (`b: yes`). */
function configMapsWithFindings(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'talium-bench-findings-'));
  const docs: string[] = [];
  for (let i = 0; i < count; i++) docs.push(`---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  b: yes\n`);
  writeFileSync(join(dir, 'big.yaml'), docs.join(''));
  return dir;
}

/** Small-repository latency: what a pre-commit run feels like (start-up dominates). */
function latencies(repoRoot: string, runs: number): string[] {
  const empty = mkdtempSync(join(tmpdir(), 'talium-bench-empty-'));
  const small = mkdtempSync(join(tmpdir(), 'talium-bench-100-'));
  generateCorpus(small, 100);
  const kustomized = mkdtempSync(join(tmpdir(), 'talium-bench-kustomize-'));
  generateCorpus(kustomized, 2000, { kustomize: true });
  const staged = join(repoRoot, 'clusters', 'homelab', 'cluster.yaml');
  // a git repository of 2,000 apps: one file named from its own folder reads the whole repository (its root)
  const gitRepo = mkdtempSync(join(tmpdir(), 'talium-bench-git-'));
  generateCorpus(gitRepo, 2000);
  mkdirSync(join(gitRepo, '.git'));
  const deepFile = firstYaml(gitRepo);
  const fileArgs = (extra: string[]) => ['-r', hookFile, BIN, 'lint', basename(deepFile), '--format', 'json', ...extra];
  // one file of 20,000 documents, each with a finding: positions for every one (once quadratic: minutes at 64,000)
  const manyFindings = configMapsWithFindings(20000);
  // 150,000 (11 MB): past the ~100,000 elements at which spreading the file's diagnostics into `push(...list)`
  // overflowed the stack (lint exited 2); a run exiting 2 stops the bench
  const mostFindings = configMapsWithFindings(150000);
  // [name, arguments, folder, file saved again before each run (so neither cache holds it)]
  const cases: Array<[string, string[], string, string?]> = [
    ['bare `node -e 0` (this machine\'s floor, for reference)', ['-e', '0'], empty],
    ['empty folder (start-up cost)', lintArgs([]), empty],
    ['100-file homelab-shaped repo, full lint, cold (`--no-cache`; target < 300 ms)', lintArgs(['--no-cache']), small],
    ['100-file homelab-shaped repo, full lint, warm, one file saved', lintArgs([]), small, firstYaml(small)],
    ['100-file homelab-shaped repo, full lint, warm, nothing changed', lintArgs([]), small],
    ['2,000 apps in the Kustomize layout (the 2,000-file corpus plus a kustomization.yaml per app, team and apps/ folder: 4,051 files), full lint, cold', lintArgs(['--no-cache']), kustomized],
    ['2,000-file git repository, one file named from its folder (`cd apps/<team>/<app> && talium lint app.yaml`; the whole repository is read), cold', fileArgs(['--no-cache']), dirname(deepFile)],
    ['the same, warm, that file saved since the last run', fileArgs([]), dirname(deepFile), deepFile],
    ['one file of 20,000 ConfigMaps, each with a schema/yaml11-boolean finding (1.6 MB), cold', lintArgs(['--no-cache']), manyFindings],
    ['the 20,000-finding file with the default (stylish) output: a code frame per finding (once quadratic), cold', lintArgs(['--no-cache']).map((a) => (a === 'json' ? 'stylish' : a)), manyFindings],
    ['one file of 150,000 such ConfigMaps (11 MB), cold (target < 4 s, peak RSS well under 1 GiB)', lintArgs(['--no-cache']), mostFindings],
    ['the 150,000-finding file as SARIF (274 MB of output, written in pieces), cold', lintArgs(['--no-cache']).map((a) => (a === 'json' ? 'sarif' : a)), mostFindings],
    ['the 150,000-finding file as stylish, cold', lintArgs(['--no-cache']).map((a) => (a === 'json' ? 'stylish' : a)), mostFindings],
    ['this repository, full lint (`npm run lint` scope), cold', lintArgs(['--no-cache']).map((a) => (a === '.' ? 'clusters' : a)), repoRoot],
    ['this repository, pre-commit hook on its staged file, saved since the last run (target < 500 ms)', lintArgs(['--only-files', '--ignore-untracked', '--', 'clusters/homelab/cluster.yaml']), repoRoot, staged],
  ];
  const rows = cases.map(([name, args, cwd, saved]) => {
    // warms the file-system cache (and the parse cache for the warm cases: twice, 2 s apart, as above)
    measure(args, cwd);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
    measure(args, cwd);
    const ms: number[] = [];
    const rss: number[] = [];
    for (let r = 0; r < runs; r++) {
      if (saved) rewrite(saved);
      const m = measure(args, cwd);
      if (m.code !== 0 && m.code !== 1) throw new Error(`${name}: exit ${m.code}`);
      ms.push(m.wallMs);
      rss.push(m.maxRssMiB);
    }
    const peak = median(rss);
    return `| ${name} | ${median(ms).toFixed(0)} ms | ${Number.isNaN(peak) ? '—' : `${peak.toFixed(0)} MiB`} |`;
  });
  rmSync(empty, { recursive: true, force: true });
  rmSync(small, { recursive: true, force: true });
  rmSync(kustomized, { recursive: true, force: true });
  rmSync(gitRepo, { recursive: true, force: true });
  rmSync(manyFindings, { recursive: true, force: true });
  rmSync(mostFindings, { recursive: true, force: true });
  return [`Latency (the \`talium\` bin, load avg ${loadAverage()}):`, '', '| case | wall (median) | peak RSS (median) |', '|---|---:|---:|', ...rows];
}

main(process.argv.slice(2));
