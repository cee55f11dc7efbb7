/**
 * The lint pipeline: discover → (the last result again when nothing changed: run-cache.ts) → load (parse, guards;
 * worker threads for big inputs) → cluster groups → schema validation → policy rules → severities from config →
 * suppressions → sorted LintResult (recorded for the run cache). Never throws on bad input; an unexpected exception
 * becomes `lint/internal-error` naming the file or rule (exit 2).
 */
import { resolve } from 'node:path';
import { threadCpuMs } from './thread-cpu.js';
import type { LintConfig, RuleSetting } from '../config/types.js';
import { uniqueSorted, type Diagnostic, type Severity, type SuppressedDiagnostic } from '../core/diagnostic.js';
import type { YamlDocument } from '../core/document.js';
import { toDiagnostic, type Finding } from '../core/finding.js';
import { buildClusterGroups } from '../plan/index.js';
import { kustomizePatchFiles } from '../plan/kustomize-patches.js';
import { emptyPlan, type ClusterGroup } from '../plan/types.js';
import type { LintResult } from '../report/types.js';
import { RULES } from '../rules/index.js';
import { discover } from './discover.js';
import { excludeEntries, unusedExcludes } from './excludes.js';
import { byFile, CheckKeys } from './check-cache.js';
import { checkDocuments, checkValuesFrom, specFileDiagnostics, type GroupCheck } from './doc-checks.js';
import { astParses } from './ast-cache.js';
import { internalError } from './internal-error.js';
import { toWire, type LoadedFile, type WireFile } from './load-file.js';
import { loadFilesInWorkers, safeLoad, shouldUseWorkers, type CheckRequest, type WorkerHandle } from './pool.js';
import { ParseCache, type FileIdentity } from './parse-cache.js';
import { RunCache, runKey } from './run-cache.js';
import { knownRule, ruleCatalog, suggestRuleId, toRuleInfo } from './rule-catalog.js';
import { runRules, treeFacts } from './run-rules.js';
import type { SchemaOptions } from '../schema/validate.js';
import { applySuppressions, todayUtc } from './suppressions.js';
import { dropSuperseded, supersedesMap } from './superseded.js';
import { dropGeneratedEchoes } from './generated-echoes.js';
import { pushAll } from '../core/arrays.js';

export interface LintOptions {
  /** Absolute working directory; reported paths are relative to it. */
  cwd: string;
  paths: string[];
  config: LintConfig;
  /**
   * Report findings only in these files and folders (relative paths; a folder ends in `/` and stands for all it
   * holds) while still reading the whole tree.
   */
  only?: ReadonlySet<string>;
  /** With `only`: still report every cross-object (policy rule) finding (a staged deletion touched the tree). */
  crossObjectAll?: boolean;
  /** 0 = in-process; undefined = automatic (workers for large inputs). */
  workers?: number;
  /** Keep parsed files between runs (parse-cache.ts); default on. Not used by worker threads. */
  cache?: boolean;
  tool: { name: string; version: string };
  /** Diagnostics found before the run (configuration problems); always reported. */
  configDiagnostics?: Diagnostic[];
  /** The date suppression `until` dates are compared with (YYYY-MM-DD); default today in UTC. */
  today?: string;
  /**
   * Paths git reports as untracked, relative to cwd (folders with a trailing `/`): not read, as if .gitignore
   * listed them (`--ignore-untracked`, hooks), so the run sees the tree being committed.
   */
  untracked?: ReadonlySet<string>;
  /** `paths` are git's staged files (`--staged`): one the working tree lacks is a lint/staged-file-missing finding (discover.ts). */
  staged?: boolean;
}

export interface LintOutcome {
  result: LintResult;
  /** Paths given that do not exist (usage error). */
  missing: string[];
  /** Folders given that hold no YAML file (usage error). */
  empty?: string[];
  internalErrors: number;
  /** The result was replayed from the run cache (nothing the run reads had changed). */
  replayed?: boolean;
}

function findingFile(f: Finding): string {
  return f.doc?.file.path ?? f.file?.path ?? '';
}

const placeFile = (p: { doc?: YamlDocument | undefined; file?: { path: string } | undefined }): string => p.doc?.file.path ?? p.file?.path ?? '';

/**
 * One rule's findings that a (staged) run reports: those in a reported file, and those elsewhere that point at a
 * reported file (a staged node change that puts the node inside an unchanged pool fails the commit), unless the
 * rule already reports the same conflict from the reported side (a pair of Services asking for one address). A
 * finding about two equal parties (RuleFinding.mirror) whose other party is in a reported file is reported there,
 * told from that side (the changed Service requests the IP the unchanged one has), so the hook and the pull request's
 * annotation point at the file the change touched.
 */
function reportedFindings(all: readonly Finding[], reported: (file: string) => boolean): Finding[] {
  const direct = all.filter((f) => reported(findingFile(f)));
  if (direct.length === all.length) return direct;
  const out = [...direct];
  for (const f of all) {
    if (reported(findingFile(f)) || !f.related?.some((r) => reported(placeFile(r)))) continue;
    const mirrored = direct.some((d) => d.ruleId === f.ruleId && d.related?.some((r) => placeFile(r) === findingFile(f)));
    if (mirrored) continue;
    const m = f.mirror?.();
    out.push(m && reported(findingFile(m)) ? m : f);
  }
  return out;
}

/**
 * The per-document checks, reusing the stored results of files whose key is unchanged (check-cache.ts) and
 * storing the results of the others (a run with an internal error stores nothing).
 */
async function checkWithCache(groups: GroupCheck[], files: LoadedFile[], crdDocs: YamlDocument[], partialFiles: ReadonlySet<string>, cache: ParseCache | undefined): Promise<Diagnostic[]> {
  const keys = cache && files.length ? new CheckKeys(groups, crdDocs, partialFiles) : undefined;
  if (!cache || !keys?.cacheable) return checkDocuments(groups, files, crdDocs, partialFiles);
  const out: Diagnostic[] = [];
  const done = new Set<YamlDocument>();
  const rest: Array<{ file: LoadedFile; key: string }> = [];
  for (const f of files) {
    const key = keys.fileKey(f);
    const stored = cache.checks(f.path, key);
    if (!stored) {
      rest.push({ file: f, key });
      continue;
    }
    pushAll(out, stored);
    for (const d of f.docs) done.add(d);
  }
  const todo = groups.map((g) => {
    const docs = g.docs.filter((d) => !done.has(d));
    return docs.length === g.docs.length ? g : { ...g, docs, configOnly: true };
  });
  const fresh = await checkDocuments(todo, rest.map((r) => r.file), crdDocs, partialFiles);
  pushAll(out, fresh);
  if (!fresh.some((d) => d.ruleId === 'lint/internal-error')) {
    const mine = byFile(fresh);
    for (const { file, key } of rest) cache.putChecks(file.path, key, mine.get(file.path) ?? []);
  }
  return out;
}

/**
 * The files to read under `paths`, with the configuration's excludes (repository-wide and per cluster folder,
 * normalised: excludes.ts); a run over the whole tree adds config/unused-exclude for a pattern that left out nothing.
 */
export function discoverFiles(cwd: string, paths: string[], config: LintConfig, untracked?: ReadonlySet<string>, staged?: boolean): ReturnType<typeof discover> {
  const entries = excludeEntries(config);
  const found = discover({ cwd, paths, exclude: entries.map((e) => e.pattern), ...(untracked ? { untracked } : {}), ...(staged ? { staged } : {}) });
  if (entries.length && wholeFolder(paths)) found.notes.push(...unusedExcludes(entries, [...found.excluded, ...found.excludedTemplates]));
  return found;
}

/** Effective setting of a rule for a file: scoped (cluster folder) beats repository-wide. */
function settingFor(config: LintConfig, ruleId: string, file: string): RuleSetting | undefined {
  for (const s of config.scoped) if (file.startsWith(s.dir + '/') && s.rules[ruleId]) return s.rules[ruleId];
  return config.rules[ruleId];
}

/** Whether a file (relative path) is in a reported scope (LintOptions.only): named, or inside a named folder. */
export function inScope(only: ReadonlySet<string> | undefined): (file: string) => boolean {
  if (!only) return () => true;
  const dirs = [...only].filter((p) => p.endsWith('/'));
  if (!dirs.length) return (file) => only.has(file);
  return (file) => only.has(file) || dirs.some((d) => file.startsWith(d));
}

/** The run reads the whole working folder (so cache entries of files it did not see are stale). */
export function wholeFolder(paths: readonly string[]): boolean {
  return paths.length === 0 || paths.some((p) => p === '.' || p === './' || p === '');
}

/** Phase timings on stderr when TALIUM_TIMING is set (for the bench and for profiling). */
function timer(): (phase: string) => void {
  if (!process.env['TALIUM_TIMING']) return () => {};
  let t = performance.now();
  process.stderr.write(`talium timing: lint starts at ${t.toFixed(0)} ms\n`);
  process.once('exit', () => process.stderr.write(`talium timing: exit at ${performance.now().toFixed(0)} ms\n`));
  let c = threadCpuMs();
  return (phase) => {
    const n = performance.now();
    const cpu = threadCpuMs();
    // the main thread's CPU beside the wall time (Linux): on a busy host the two part
    const cpuNote = cpu !== undefined && c !== undefined ? `, main-thread CPU ${(cpu - c).toFixed(1)} ms` : '';
    process.stderr.write(`talium timing: ${phase} ${(n - t).toFixed(1)} ms (at ${n.toFixed(0)}${cpuNote})\n`);
    t = n;
    c = cpu;
  };
}

export async function lint(opts: LintOptions): Promise<LintOutcome> {
  const { config } = opts;
  const tick = timer();
  const catalog = ruleCatalog();
  const known = knownRule(catalog);
  const suggestRule = (id: string) => suggestRuleId(id, catalog);
  const reported = inScope(opts.only);
  // suppressions with an `until` date stop applying after it: the date is part of what a run depends on
  const today = opts.today ?? todayUtc();

  const found = discoverFiles(opts.cwd, opts.paths, config, opts.untracked, opts.staged);
  const diagnostics: Diagnostic[] = found.notes.filter((d) => reported(d.file));
  tick(`discover (${found.files.length} files)`);
  let internalErrors = 0;

  const useWorkers = opts.workers === undefined ? shouldUseWorkers(found.files) : opts.workers > 0;
  const caching = !useWorkers && opts.cache !== false && process.env['TALIUM_CACHE'] !== 'off';
  // 0. nothing changed since the last run with the same inputs: its result (run-cache.ts)
  let runCache: RunCache | undefined;
  let runCacheKey: string | undefined;
  if (caching && !found.missing.length && process.env['TALIUM_RUN_CACHE'] !== 'off') {
    const inputs: Parameters<typeof runKey>[0] = { cwd: resolve(opts.cwd), paths: opts.paths, config, notes: found.notes, today, excluded: found.excluded, templates: found.templates, ...(found.sourceIgnores ? { sourceIgnores: found.sourceIgnores } : {}) };
    if (opts.only) inputs.only = opts.only;
    if (opts.crossObjectAll) inputs.crossObjectAll = true;
    if (opts.configDiagnostics) inputs.configDiagnostics = opts.configDiagnostics;
    runCacheKey = runKey(inputs);
    if (runCacheKey) {
      runCache = RunCache.open(resolve(opts.cwd));
      const r = runCache.replay(runCacheKey, found.files);
      tick(`run cache ${r ? 'hit' : 'miss'}`);
      if (r) {
        const result: LintResult = { diagnostics: r.diagnostics, rules: catalog.map(toRuleInfo), files: r.linted, sources: r.sources, tool: opts.tool, suppressed: r.suppressed };
        return { result, missing: [], empty: found.empty, internalErrors: 0, replayed: true };
      }
    }
  }

  // 1. load every file (the whole tree feeds the cross-object rules, even in staged mode)
  let loaded: LoadedFile[];
  let workers: WorkerHandle[] = [];
  let cacheNote = '';
  let cache: ParseCache | undefined;
  if (useWorkers) {
    ({ loaded, workers } = await loadFilesInWorkers(found.files, config.maxFileSize, opts.workers));
  } else {
    // a run that left out untracked files keeps their entries (the next run over the whole folder reads them)
    cache = caching ? ParseCache.open(resolve(opts.cwd), wholeFolder(opts.paths) && !opts.untracked?.size) : undefined;
    loaded = found.files.map((f) => safeLoad(f, config.maxFileSize, cache));
    if (cache) cacheNote = `, parse cache ${cache.hits} hits, ${cache.misses} misses, ${cache.verified} verified`;
  }
  tick(`load (${useWorkers ? 'workers' : 'in-process'}${cacheNote})`);
  const docs: YamlDocument[] = [];
  for (const f of loaded) {
    // the configuration the run was given is talium's, whatever its name (--config ci/lint.yaml): classified so,
    // never linted as Helm values, a Kubernetes document or YAML 1.1 (talium reads it as YAML 1.2)
    if (f.path === config.file) for (const d of f.docs) d.docClass = 'talium-config';
    for (const d of f.docs) docs.push(d);
    // a clusters/<name>/cluster.yaml without documents (empty, set aside as a template) gets its spec findings here
    if (reported(f.path)) pushAll(diagnostics, (!f.docs.length && specFileDiagnostics(f)) || f.diagnostics);
  }

  // 2. cluster groups and their plans (Flux post-build variables applied first)
  let groups: ClusterGroup[];
  try {
    // the plan facts are the loaded configuration's (none: none), never another talium config's in the tree
    groups = buildClusterGroups(docs, config.plan ?? null);
  } catch (err) {
    diagnostics.push(internalError(config.plan?.doc?.file.path ?? '.', 'building the cluster groups', err));
    internalErrors++;
    groups = [{ name: 'default', docs, plan: emptyPlan(), ciliumReleases: [] } as unknown as ClusterGroup];
  }

  tick('groups');
  // 3. per-document checks (schemas, yaml/truthy) on reported files: in the workers (in parallel with the
  //    rules below) or here
  const findings: Finding[] = [];
  const crdDocs = docs.filter((d) => d.kind === 'CustomResourceDefinition');
  const partialFiles = kustomizePatchFiles(docs);
  const groupChecks: GroupCheck[] = groups.map((g) => {
    const o: Omit<SchemaOptions, 'crdDocs'> = { extraSchemaDirs: config.schemaDirs.map((d) => resolve(opts.cwd, d)) };
    // (the schema folders' problems are reported relative to it)
    if (o.extraSchemaDirs?.length) o.cwd = resolve(opts.cwd);
    if (g.plan.versions.cilium) o.ciliumVersion = g.plan.versions.cilium.value;
    if (g.plan.versions.talos) o.talosVersion = g.plan.versions.talos.value;
    if (g.plan.versions.kubernetes) o.kubernetesVersion = g.plan.versions.kubernetes.value;
    if (config.unknownKindSeverity) o.unknownKindSeverity = config.unknownKindSeverity;
    // the per-document checks read every document, also those no kustomization applies
    const members = g.unapplied ? [...g.docs, ...g.unapplied] : g.docs;
    return { name: g.name, opts: o, docs: members.filter((d) => reported(d.file.path) && d.file.path !== config.file) };
  });
  // Cilium values files a HelmRelease's valuesFrom names: depend on the HelmRelease's file, so outside the cache
  diagnostics.push(...checkValuesFrom(groups.map((g, i) => ({ name: g.name, docs: g.docs, ciliumVersion: groupChecks[i]!.opts.ciliumVersion })), reported));
  let pending: Promise<Diagnostic[][]> | undefined;
  if (workers.length) {
    const owner = new Map<string, number>();
    workers.forEach((w, k) => w.indexes.forEach((i) => owner.set(found.files[i]!.path, k)));
    const crds: WireFile[] = [];
    for (const f of loaded) {
      const mine = f.docs.filter((d) => d.kind === 'CustomResourceDefinition');
      if (mine.length) crds.push(toWire({ ...f, docs: mine }));
    }
    pending = Promise.all(
      workers.map((w, k) => {
        const req: CheckRequest = {
          type: 'check',
          partialFiles: [...partialFiles],
          crds,
          groups: groupChecks.map((g) => ({ name: g.name, opts: g.opts, members: g.docs.filter((d) => owner.get(d.file.path) === k).map((d) => [d.file.path, d.index] as [string, number]) })),
        };
        return w.check(req).catch((err: unknown) => [internalError('.', 'checking documents in a worker thread', err)]);
      }),
    );
  } else {
    pushAll(diagnostics, await checkWithCache(groupChecks, loaded.filter((f) => reported(f.path) && f.path !== config.file), crdDocs, partialFiles, cache));
    cache?.save();
    tick(`schemas + yaml checks${cache ? ` (${cache.checkHits} files' results cached)` : ''}`);
  }

  // 5. policy rules, one at a time so a crashing rule names itself
  const overrides: Record<string, Severity | 'off'> = { ...config.rules };
  const partialTree = !wholeFolder(opts.paths);
  const tree = treeFacts(
    found.files.map((f) => f.path),
    found.excluded,
    found.templates,
    // the checkout's folders are known only when the walk started at the root
    found.folders.includes('') ? found.folders : undefined,
  );
  if (found.sourceIgnores) tree.sourceIgnores = found.sourceIgnores;
  // [rule id, wall ms, main-thread CPU ms]
  const ruleTimes: Array<[string, number, number | undefined]> = [];
  // `rules`: the ten slowest rules and the sum of the others; `rules-all`: every rule
  const timeRules = process.env['TALIUM_TIMING'] === 'rules' || process.env['TALIUM_TIMING'] === 'rules-all';
  for (const rule of RULES) {
    const t0 = timeRules ? performance.now() : 0;
    const c0 = timeRules ? threadCpuMs() : undefined;
    try {
      const ruleFindings = runRules([rule], groups, docs, overrides, { partialTree, tree });
      pushAll(findings, opts.crossObjectAll ? ruleFindings : reportedFindings(ruleFindings, reported));
    } catch (err) {
      diagnostics.push(internalError('.', `running rule ${rule.meta.id}`, err));
      internalErrors++;
    }
    if (timeRules) {
      const c1 = threadCpuMs();
      ruleTimes.push([rule.meta.id, performance.now() - t0, c0 !== undefined && c1 !== undefined ? c1 - c0 : undefined]);
    }
  }
  if (timeRules) {
    const sorted = ruleTimes.sort((a, b) => b[1] - a[1]);
    const shown = process.env['TALIUM_TIMING'] === 'rules-all' ? sorted.length : 10;
    for (const [id, ms, cpu] of sorted.slice(0, shown)) process.stderr.write(`talium timing:   rule ${id} ${ms.toFixed(1)} ms${cpu === undefined ? '' : ` (CPU ${cpu.toFixed(1)} ms)`}\n`);
    const rest = sorted.slice(shown);
    if (rest.length) process.stderr.write(`talium timing:   ${rest.length} other rules ${rest.reduce((n, r) => n + r[1], 0).toFixed(1)} ms\n`);
  }

  tick('rules');
  if (pending) {
    for (const list of await pending) pushAll(diagnostics, list);
    for (const w of workers) w.close();
    tick('schemas + yaml checks (workers)');
  }
  // 6. positions (only for what is reported), then configured severities
  for (const f of findings) {
    try {
      diagnostics.push(toDiagnostic(f));
    } catch (err) {
      diagnostics.push(internalError(findingFile(f), `locating a ${f.ruleId} finding`, err));
      internalErrors++;
    }
  }
  let configured: Diagnostic[] = [];
  for (const d of diagnostics) {
    const s = settingFor(config, d.ruleId, d.file);
    if (s === 'off' && d.ruleId !== 'lint/internal-error') continue;
    configured.push(s && s !== 'off' && s !== d.severity && d.ruleId !== 'lint/internal-error' ? { ...d, severity: s } : d);
  }

  // a cilium.values typo reported at cluster.yaml is not reported again in the values file generated from it
  configured = dropGeneratedEchoes(configured, loaded);

  // 7. suppressions, per file
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of configured) {
    const list = byFile.get(d.file);
    if (list) list.push(d);
    else byFile.set(d.file, [d]);
  }
  let out: Diagnostic[] = [];
  const suppressedAll: SuppressedDiagnostic[] = [];
  const supersedes = supersedesMap(RULES);
  const supersededIds = (ruleId: string): readonly string[] => supersedes.get(ruleId) ?? [];
  const seenFiles = new Set<string>();
  for (const f of loaded) {
    seenFiles.add(f.path);
    const list = byFile.get(f.path) ?? [];
    if (!reported(f.path) && !list.length) continue;
    const r = applySuppressions(f.path, f.suppressions, list, known, suggestRule, supersededIds, today);
    pushAll(suppressedAll, r.suppressed);
    pushAll(out, r.kept);
    // a file outside the staged set holds only the cross-file findings that point at a staged file: its own
    // suppression problems (unused, missing reasons) are not this commit's business
    if (!reported(f.path)) continue;
    for (const p of r.problems) {
      const s = settingFor(config, p.ruleId, p.file);
      if (s === 'off') continue;
      out.push(s ? { ...p, severity: s } : p);
    }
  }
  for (const [file, list] of byFile) if (!seenFiles.has(file)) pushAll(out, list);
  pushAll(out, opts.configDiagnostics ?? []);

  // one finding per mistake (superseded.ts), among what is left: after the settings (a rule turned off supersedes
  // nothing) and the suppressions (a comment silencing the generic finding is used, and does not hand its severity on)
  out = uniqueSorted(dropSuperseded(out, RULES));
  const suppressed = uniqueSorted(suppressedAll);
  tick('positions + suppressions');
  internalErrors = out.filter((d) => d.ruleId === 'lint/internal-error').length;
  const sources = new Map<string, string>();
  const withDiag = new Set(out.map((d) => d.file));
  for (const f of loaded) if (f.source && withDiag.has(f.path)) sources.set(f.path, f.source.text);
  if (cache && process.env['TALIUM_TIMING']) process.stderr.write(`talium timing: cached files whose text was read: ${cache.textsRead}\n`);
  if (process.env['TALIUM_TIMING']) {
    const inWorkers = workers.reduce((n, w) => n + w.astParses, 0);
    process.stderr.write(`talium timing: files parsed with eemeli/yaml for positions: ${astParses.files}${workers.length ? ` (workers: ${inWorkers})` : ''}\n`);
  }
  const result: LintResult = {
    diagnostics: out,
    rules: catalog.map(toRuleInfo),
    files: loaded.map((f) => f.path).filter(reported),
    sources,
    tool: opts.tool,
    suppressed,
  };
  if (runCache && runCacheKey && cache && internalErrors === 0) {
    const ids: Array<[string, FileIdentity]> = [];
    for (const f of found.files) {
      const id = cache.identity(f.path);
      if (!id) break;
      ids.push([f.path, id]);
    }
    if (ids.length === found.files.length) runCache.record(runCacheKey, ids, out, result.files, suppressed);
  }
  return { result, missing: found.missing, empty: found.empty, internalErrors };
}
