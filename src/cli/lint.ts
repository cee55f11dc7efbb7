/**
 * `talium lint [paths...]`: argument parsing and wiring only (scope (lint-scope.ts) → config → engine → --fix
 * (lint-fix.ts) → bulk suppressions (lint-bulk-suppressions.ts) → reporters → exit code). The repository root above
 * the paths is read whole; the paths, `--staged` / `--only-files` files are what is reported.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { argError } from './arg-error.js';
import { summarize } from '../core/diagnostic.js';
import { shellWord } from '../core/shell.js';
import { loadConfig } from '../config/load.js';
import { lint, wholeFolder, type LintOutcome } from '../lint/engine.js';
import { stagedFiles } from '../lint/git.js';
import { UntrackedFiles } from '../io/untracked.js';
import { knownRule, ruleCatalog, suggestRuleId } from '../lint/rule-catalog.js';
import { emitDrained, parseFormats, rebaseResult } from '../report/emit.js';
import { REPORTERS } from '../report/index.js';
import { EXIT, type CliIo } from './io.js';
import { bulkSuppress, readSuppressions } from './lint-bulk-suppressions.js';
import { fixAndRelint } from './lint-fix.js';
import { mergeOutcomes } from './lint-merge.js';
import { findRepositoryRoot, planScope, type LintScope } from './lint-scope.js';
import { toolVersion } from './main.js';

/** The command that fixes what this run found: this run's scope (paths, --staged, --only-files, --config) with --fix. */
function fixCommand(v: { staged?: boolean; 'only-files'?: boolean; 'ignore-untracked'?: boolean; config?: string; root?: string }, positionals: readonly string[]): string {
  const words = ['talium', 'lint', '--fix'];
  if (v.staged) words.push('--staged');
  if (v['only-files']) words.push('--only-files');
  if (v['ignore-untracked'] && !v.staged) words.push('--ignore-untracked');
  // a value or a path that starts with a dash would read as an option: `--config=-x.yaml`, `-- -dir`
  if (v.config !== undefined) words.push(...(v.config.startsWith('-') ? [`--config=${v.config}`] : ['--config', v.config]));
  if (v.root !== undefined) words.push(...(v.root.startsWith('-') ? [`--root=${v.root}`] : ['--root', v.root]));
  const paths = positionals.some((p) => p.startsWith('-')) ? ['--', ...positionals] : positionals;
  return [...words.slice(0, 3), ...words.slice(3).map(shellWord), ...paths.map((p) => (p === '--' ? p : shellWord(p)))].join(' ');
}

const HELP = `Usage: talium lint [options] [paths...]

Lint YAML files under the given paths (default: .): YAML checks, schemas and policy rules. The repository root
above the paths (the nearest folder with talium.config.yaml/.talium.yaml or clusters/<name>/cluster.yaml, else the
top of git) is read whole, with its configuration and .gitignore, so rules that compare files see everything; only
the named paths are reported and count for the exit code. Without a root, only the paths are read (a note says so).

Options:
  -f, --format NAME[=FILE]  Output format: ${Object.keys(REPORTERS).sort().join(', ')} (default stylish).
                            Repeatable; at most one without =FILE goes to stdout.
  --fix                     Write the safe corrections into the files (quote a YAML 1.1 boolean word in a
                            string field, the pool/L2 apiVersion and kubeProxyReplacement the version wants, ...),
                            then lint again and report what is left. Only the reported files are changed.
  --suppress-all            Record every current error and warning, per file and rule, in
                            talium-suppressions.json: later runs report only what goes beyond those counts
                            (adopting talium in a repository that already has findings).
  --prune-suppressions      Lower the recorded counts to what still occurs (after fixing some).
  --suppressions-location FILE
                            Another suppressions file (default: talium-suppressions.json of the root).
  --max-warnings N          Exit 1 when there are more than N warnings (default: unlimited).
  -c, --config FILE         Configuration file (default: talium.config.yaml or .talium.yaml of the root).
  --root DIR                The repository root to read whole (default: found by walking up from the paths:
                            talium's configuration or clusters/<name>/cluster.yaml, a LICENSE, the top of git).
  --staged                  Report only files staged in git (git diff --cached); the whole root is still read.
                            Files are read from the working tree; a staged file deleted there is reported
                            (lint/staged-file-missing).
  --only-files              Report only the positional YAML files (as pre-commit passes them); the whole
                            root (the working directory when there is none) is still read. Put -- before
                            the files when one may start with "-" (the pre-commit hook does).
  --ignore-untracked        Leave out files git reports as untracked (git ls-files --others), as if
                            .gitignore listed them, so a hook judges the commit and not scratch files beside
                            it: an untracked configuration, cluster.yaml or .gitignore is not read either;
                            named files are still read. Implied by --staged; no effect outside a git work tree.
  --workers N               Worker threads for parsing and per-document checks (default 0: main thread only).
  --no-cache                Parse every file again instead of reading unchanged ones from the parse cache, and
                            never replay the last result of an unchanged tree (the run cache); both are kept in
                            $XDG_CACHE_HOME/talium, else ~/.cache/talium (TALIUM_CACHE_DIR moves them).
  -h, --help                Show this help.

Exit codes: 0 no errors (and warnings within --max-warnings), 1 errors or too many warnings,
2 usage or internal error.
`;

const OPTIONS = {
  format: { type: 'string', short: 'f', multiple: true },
  'max-warnings': { type: 'string' },
  config: { type: 'string', short: 'c' },
  root: { type: 'string' },
  staged: { type: 'boolean' },
  'only-files': { type: 'boolean' },
  'ignore-untracked': { type: 'boolean' },
  workers: { type: 'string' },
  'no-cache': { type: 'boolean' },
  fix: { type: 'boolean' },
  'suppress-all': { type: 'boolean' },
  'prune-suppressions': { type: 'boolean' },
  'suppressions-location': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const spellings = (name: string, o: object): string[] => [`--${name}`, ...('short' in o ? [`-${String(o.short)}`] : [])];
/** Options of lint that take a value (the word after them is not a file name), and every option as written. */
const VALUE_OPTIONS = new Set(Object.entries(OPTIONS).flatMap(([name, o]) => (o.type === 'string' ? spellings(name, o) : [])));
const OPTION_WORDS = new Set(Object.entries(OPTIONS).flatMap(([name, o]) => spellings(name, o)));

/**
 * A file list (--only-files) without `--` in which a file name starts with "-" (`-x.yaml` at the top of the
 * repository, as pre-commit passes it): node's parser would take it for options (`-c.yaml` = --config .yaml).
 * The first such word that names an existing file, for a usage error that says how to pass it.
 */
function dashFile(args: readonly string[], cwd: string): string | undefined {
  if (!args.includes('--only-files') || args.includes('--')) return undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUE_OPTIONS.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-') && a !== '-' && !OPTION_WORDS.has(a) && !OPTION_WORDS.has(a.split('=')[0]!) && existsSync(resolve(cwd, a))) return a;
  }
  return undefined;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const dashed = dashFile(args, io.cwd);
  if (dashed !== undefined) {
    io.stderr(
      `talium lint: "${dashed}" is a file whose name reads as an option; put -- before the file names ` +
        '(talium lint --only-files -- FILES...). In .pre-commit-config.yaml, end the hook\'s args with "--", e.g. args: [--max-warnings, "0", --].\n',
    );
    return EXIT.usage;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
  } catch (err) {
    io.stderr(argError('lint', err, Object.keys(OPTIONS)));
    return EXIT.usage;
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const formats = parseFormats(v.format ?? []);
  if (typeof formats === 'string') {
    io.stderr(`talium lint: ${formats}\n`);
    return EXIT.usage;
  }
  let maxWarnings = Infinity;
  if (v['max-warnings'] !== undefined) {
    // digits only: Number() would take '' and ' ' (an unset CI variable) as 0, and 0x1, 1e3 or +1
    const n = /^-?[0-9]+$/.test(v['max-warnings']) ? Number(v['max-warnings']) : NaN;
    if (!Number.isInteger(n) || n < -1) {
      io.stderr(`talium lint: --max-warnings needs a whole number, got "${v['max-warnings']}"\n`);
      return EXIT.usage;
    }
    maxWarnings = n < 0 ? Infinity : n;
  }
  let workers: number | undefined;
  if (v.workers !== undefined) {
    const n = Number(v.workers);
    if (!Number.isInteger(n) || n < 0 || n > 64) {
      io.stderr(`talium lint: --workers needs a number from 0 to 64, got "${v.workers}"\n`);
      return EXIT.usage;
    }
    workers = n;
  }
  if (v.staged && v['only-files']) {
    io.stderr('talium lint: --staged and --only-files cannot be combined\n');
    return EXIT.usage;
  }
  if (v['suppress-all'] && v['prune-suppressions']) {
    io.stderr('talium lint: --suppress-all and --prune-suppressions cannot be combined\n');
    return EXIT.usage;
  }
  if ((v['suppress-all'] || v['prune-suppressions']) && (v.staged || v['only-files'])) {
    io.stderr('talium lint: --suppress-all and --prune-suppressions record a run over the whole repository: no paths, --staged or --only-files\n');
    return EXIT.usage;
  }
  if (v.staged && parsed.positionals.length) {
    io.stderr('talium lint: --staged takes no paths\n');
    return EXIT.usage;
  }

  // the staged files (relative to the working directory: git diff --relative) are a file list, as --only-files's
  let list = parsed.positionals;
  let crossObjectAll = false;
  if (v.staged) {
    const staged = stagedFiles(io.cwd);
    if (typeof staged === 'string') {
      io.stderr(`talium lint: ${staged}\n`);
      return EXIT.usage;
    }
    list = staged;
    // a staged deletion of a manifest can break objects elsewhere (a Service whose pool is gone) but cannot be
    // named: report every cross-object finding then
    const deleted = stagedFiles(io.cwd, 'D');
    if (typeof deleted !== 'string' && deleted.some((f) => /\.ya?ml$/i.test(f))) crossObjectAll = true;
  }
  // files that will not be in the commit: --staged always judges the commit; the pre-commit hook asks for it
  const ignoreUntracked = v.staged === true || v['ignore-untracked'] === true;
  // the repository root above the paths (or the working directory) is read whole; the paths are what is reported
  // (lint-scope.ts): `cd apps && talium lint`, `talium lint apps/cilium`, pre-commit's file list alike
  let root: string | undefined;
  if (v.root !== undefined) {
    root = resolve(io.cwd, v.root);
    let isDir = false;
    try {
      isDir = statSync(root).isDirectory();
    } catch {
      /* reported below */
    }
    if (!isDir) {
      io.stderr(`talium lint: --root ${v.root}: no such folder\n`);
      return EXIT.usage;
    }
    const outsideRoot = (list.length ? list : ['.']).filter((p) => {
      const rel = relative(root!, resolve(io.cwd, p));
      return rel === '..' || rel.startsWith('../') || isAbsolute(rel);
    });
    if (outsideRoot.length) {
      io.stderr(`talium lint: not inside --root ${v.root}: ${outsideRoot.map((p) => `"${p}"`).join(', ')}\n`);
      return EXIT.usage;
    }
  }
  // a configuration or cluster.yaml that will not be in the commit neither marks the root nor is read
  // one git listing per work tree answers both (io/untracked.ts)
  const gitUntracked = ignoreUntracked ? new UntrackedFiles() : undefined;
  const untrackedFile = gitUntracked?.isUntracked;
  const scope = planScope(io.cwd, list, { onlyFiles: v.staged === true || v['only-files'] === true, ...(v.staged ? { staged: true } : {}), ...(root !== undefined ? { root } : {}), ...(untrackedFile ? { untracked: untrackedFile } : {}) });
  if ((v['suppress-all'] || v['prune-suppressions']) && !scope.whole) {
    io.stderr(`talium lint: --suppress-all and --prune-suppressions record a run over the whole repository: no paths, --staged or --only-files${scope.root !== io.cwd && !scope.note ? `; run it in ${relative(io.cwd, scope.root) || '.'}` : ''}\n`);
    return EXIT.usage;
  }
  if (scope.missing.length) {
    // a link loop (a -> b -> a, a -> a) exists but leads nowhere: said as such, not as a missing path
    const loops = scope.missing.filter((m) => errnoOf(() => statSync(resolve(io.cwd, m))) === 'ELOOP');
    const missing = scope.missing.filter((m) => !loops.includes(m));
    if (missing.length) io.stderr(`talium lint: no such file or folder: ${missing.map((m) => `"${m}"`).join(', ')}\n`);
    if (loops.length) io.stderr(`talium lint: symbolic link loop (the link leads back to itself): ${loops.map((m) => `"${m}"`).join(', ')}\n`);
    return EXIT.usage;
  }
  if (scope.note) io.stderr(`talium lint: note: ${scope.note}\n`);

  const catalog = ruleCatalog();
  const known = knownRule(catalog);
  // --config is relative to the working directory, wherever the root is
  if (v.config !== undefined && !existsSync(resolve(io.cwd, v.config))) {
    io.stderr(`talium lint: config file "${v.config}" not found\n`);
    return EXIT.usage;
  }
  if (v.config !== undefined && statSync(resolve(io.cwd, v.config)).isDirectory()) {
    io.stderr(`talium lint: config file "${v.config}" is a folder\n`);
    return EXIT.usage;
  }
  const tool = { name: 'talium', version: toolVersion() };

  /** One repository root's run: its configuration, the engine, --fix, bulk suppressions; names relative to the cwd. */
  const lintScope = async (part: LintScope): Promise<LintOutcome | number> => {
    const cwd = crossObjectAll && part.only?.size === 0 ? (root ?? findRepositoryRoot(io.cwd, untrackedFile)?.dir ?? io.cwd) : part.root;
    const paths = crossObjectAll && part.only?.size === 0 ? ['.'] : part.paths;
    const only = part.only;
    const cfg = loadConfig(cwd, v.config !== undefined ? resolve(io.cwd, v.config) : undefined, known, (id) => suggestRuleId(id, catalog), untrackedFile);
    if (cfg.fatal) {
      io.stderr(`talium lint: ${cfg.fatal}\n`);
      return EXIT.usage;
    }
    if (only && only.size === 0 && !crossObjectAll) {
      return { result: { diagnostics: [], rules: [], files: [], sources: new Map(), tool, ...(v.fix ? { fix: { applied: [], skipped: [] } } : {}) }, missing: [], internalErrors: 0 };
    }
    const opts: Parameters<typeof lint>[0] = { cwd, paths, config: cfg.config, tool, configDiagnostics: cfg.diagnostics };
    if (ignoreUntracked) {
      // ignored files too: an untracked .gitignore is not honoured (discover.ts), so what it hides is left out here
      const untracked = gitUntracked!.under(cwd);
      if (typeof untracked === 'string') {
        io.stderr(`talium lint: --ignore-untracked: ${untracked}\n`);
        return EXIT.usage;
      }
      if (untracked?.size) opts.untracked = untracked;
    }
    if (only) opts.only = only;
    if (v.staged) opts.staged = true;
    if (crossObjectAll) opts.crossObjectAll = true;
    if (workers !== undefined) opts.workers = workers;
    if (v['no-cache']) opts.cache = false;
    // a malformed suppressions file is a usage error before anything runs (never after --fix wrote files)
    const mode = v['suppress-all'] ? 'all' : v['prune-suppressions'] ? 'prune' : undefined;
    const recorded = readSuppressions(cwd, v['suppressions-location'], mode, io);
    if (typeof recorded === 'number') return recorded;
    let outcome = await lint(opts);
    const typed = (m: string): string => `"${part.given.get(m) ?? m}"`;
    if (outcome.missing.length) {
      io.stderr(`talium lint: no such file or folder: ${outcome.missing.map(typed).join(', ')}\n`);
      return EXIT.usage;
    }
    // only what the user named: the root read whole beside named paths ('.') may hold nothing outside .gitignore
    const empty = outcome.empty?.filter((p) => part.given.has(p)) ?? [];
    if (empty.length) {
      // a folder named on purpose that holds nothing to lint is a wrong path more often than a pass (ESLint: exit 2)
      io.stderr(`talium lint: no YAML files to lint in ${empty.map(typed).join(', ')} (*.yaml and *.yml, outside .gitignore); check the path.\n`);
      return EXIT.usage;
    }
    // a root other than the working directory: file names relative to the working directory, in messages as in the
    // output (a folder's trailing slash kept)
    const fromCwd = (f: string): string => {
      if (cwd === io.cwd || !f) return f;
      const r = relative(io.cwd, resolve(cwd, f)).split('\\').join('/') || '.';
      return f.endsWith('/') && !r.endsWith('/') ? `${r}/` : r;
    };
    if (v.fix) outcome = await fixAndRelint(outcome, opts, only, io, fromCwd);
    const bulk = bulkSuppress(outcome, recorded, cwd, v['suppressions-location'], mode, !only && wholeFolder(paths), io);
    if (typeof bulk === 'number') return bulk;
    outcome = bulk;
    return cwd !== io.cwd ? { ...outcome, result: rebaseResult(outcome.result, fromCwd) } : outcome;
  };

  const outcomes: LintOutcome[] = [];
  for (const part of scope.parts ?? [scope]) {
    const o = await lintScope(part);
    if (typeof o === 'number') return o;
    outcomes.push(o);
  }
  const outcome = outcomes.length === 1 ? outcomes[0]! : mergeOutcomes(outcomes);
  const s = summarize(outcome.result.diagnostics);
  const code = outcome.internalErrors > 0 ? EXIT.usage : s.errors > 0 || s.warnings > maxWarnings ? EXIT.findings : EXIT.ok;
  try {
    await emitDrained(outcome.result, formats, io, code, fixCommand(v, parsed.positionals));
  } catch (err) {
    io.stderr(`talium lint: cannot write output: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  if (outcome.internalErrors > 0) {
    io.stderr(`talium lint: ${outcome.internalErrors} internal error(s); see the lint/internal-error diagnostics above.\n`);
  } else if (s.errors === 0 && s.warnings > maxWarnings) {
    io.stderr(`talium lint: ${s.warnings} warnings exceed --max-warnings ${maxWarnings}\n`);
  }
  return code;
}

/** The errno code `f` throws, if any. */
function errnoOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code;
  }
}
