/**
 * `talium generate [--cluster NAME]... [--check | --diff] [--force] [--format F[=FILE]]... [--root DIR]`: load every
 * clusters/<name>/cluster.yaml (all problems at once), generate, then write (or, with --check, report drift).
 * Exit 0 clean, 1 spec errors / drift / refused overwrite / a target that cannot be written (a symlink on the way,
 * a folder at a file's path, a read-only folder or file: writer.ts checks them all before writing anything) / a
 * target changed while the run went on (generate/changed-during-run), 2 usage, an I/O error while writing
 * (generate/write-failed: disk full, ...) or internal error; warnings (yaml/truthy in cilium.values,
 * spec/even-control-planes) are reported and leave the exit code alone. Wiring only.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { argError } from './arg-error.js';
import { sortDiagnostics, summarize, type Diagnostic } from '../core/diagnostic.js';
import { toDiagnostic } from '../core/finding.js';
import { generate } from '../generate/run.js';
import { recordedHash } from '../generate/serialize.js';
import { gitPrefix } from '../io/git-prefix.js';
import { applyPlan, ChangedError, firstDifferentLine, planWrite, WriteError } from '../io/writer.js';
import { blockedDiagnostics, writeFailedDiagnostic } from './generate-write-findings.js';
import { engineRule } from '../lint/engine-rules.js';
import { UntrackedFiles } from '../io/untracked.js';
import { commitView } from './generate-untracked.js';
import { specValuesTruthy } from '../lint/yaml-truthy.js';
import { emit, parseFormats } from '../report/emit.js';
import type { RuleInfo } from '../report/types.js';
import { loadClusterSpec } from '../spec/load.js';
import { SCHEMA_RULES } from '../schema/rules.js';
import { GENERATE_RULES } from '../spec/rules.js';
import type { Cluster } from '../spec/types.js';
import { EXIT, wantsColor, type CliIo } from './io.js';
import { unifiedDiff } from '../report/unified-diff.js';
import { toolVersion } from './main.js';
import { pushAll } from '../core/arrays.js';

const HELP = `Usage: talium generate [options]

Generate Talos patches, the Cilium release, LB pools, the L2 policy and Flux / Argo CD overlays from
clusters/<name>/cluster.yaml into clusters/<name>/generated/ (shared bases in clusters/_base/).

Options:
  --cluster NAME     Only this cluster (repeatable). Default: every clusters/*/cluster.yaml.
  --check            Write nothing; exit 1 and report every file that would change (drift gate).
  --diff             --check, and print the changes as a unified diff on stdout (created and deleted files
                     too; \`git apply\` or \`patch -p1\` in this folder applies it); findings go to stderr.
  --ignore-untracked With --check: judge what git tracks (the commit), as the pre-commit hook does: an
                     untracked generated file counts as missing, an untracked stale file or cluster.yaml
                     as absent. No effect outside a git work tree.
  --force            Overwrite or delete generated files even when they were edited by hand.
  --format F[=FILE]  Diagnostics format: stylish (default), json, ... (repeatable; one on stdout).
  --root DIR         Repository root (default: the nearest folder at or above the working directory with clusters/).
  -h, --help         Show this help.

Generated files are never written or deleted through a symbolic link (a link at or below clusters/ on the way to
one stops the run), and nothing is written when any target is refused or cannot be written, or changes while
generate runs (every file is staged as a temp file and every target checked again before any is replaced).

Exit codes: 0 done/clean, 1 spec errors, drift, refused overwrite, unwritable target or a file changed during the
run, 2 usage, I/O error (disk full) or internal error.
`;

/** The nearest directory at or above `start` that has a `clusters/` folder. */
export function findRoot(start: string): string | undefined {
  let d = resolve(start);
  for (;;) {
    try {
      if (statSync(join(d, 'clusters')).isDirectory()) return d;
    } catch {
      /* keep looking */
    }
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/**
 * Folders below `start` (up to three levels, no hidden folders or node_modules) that hold clusters/<name>/cluster.yaml,
 * relative with `/`, sorted: the --root a run at the top of a checkout would need. Only for the error message.
 */
export function projectsBelow(start: string, depth = 3): string[] {
  const out: string[] = [];
  const visit = (dir: string, rel: string, left: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules').map((e) => e.name);
    } catch {
      return;
    }
    for (const n of names.sort()) {
      const sub = join(dir, n);
      const subRel = rel ? `${rel}/${n}` : n;
      if (discoverClusters(sub).length) out.push(subRel);
      else if (left > 1) visit(sub, subRel, left - 1);
    }
  };
  visit(resolve(start), '', depth);
  return out;
}

/** talium's own repository (package.json name "talium") publishes schemas/cluster.schema.json; users' repos do not. */
export function isTaliumRepository(root: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: unknown }).name === 'talium';
  } catch {
    return false;
  }
}

/** Cluster folder names with a cluster.yaml, sorted (folders starting with `_` or `.` are not clusters). */
export function discoverClusters(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(root, 'clusters'));
  } catch {
    return [];
  }
  return names.filter((n) => !n.startsWith('_') && !n.startsWith('.') && existsSync(join(root, 'clusters', n, 'cluster.yaml'))).sort();
}

/** `clusters/<name>/generated/` folders whose cluster.yaml is gone: their talium files are stale. */
export function orphanRoots(root: string, clusters: readonly string[]): string[] {
  let names: string[];
  try {
    names = readdirSync(join(root, 'clusters'));
  } catch {
    return [];
  }
  return names
    .filter((n) => !n.startsWith('_') && !n.startsWith('.') && !clusters.includes(n) && existsSync(join(root, 'clusters', n, 'generated')))
    .sort()
    .map((n) => `clusters/${n}/generated/`);
}

const toPosix = (p: string) => p.split(sep).join('/');

/** The ids generate can report (SARIF driver.rules): its own, the Cilium values schema's, and yaml/truthy. */
function generateRules(): RuleInfo[] {
  const truthy = engineRule('yaml/truthy')!;
  return [
    ...GENERATE_RULES,
    ...SCHEMA_RULES.map(({ id, description, severity, help }) => ({ id, description, severity, help })),
    { id: truthy.id, description: truthy.description, severity: truthy.severity, help: truthy.help, ...(truthy.docs.sources[0] ? { docsUrl: truthy.docs.sources[0] } : {}) },
  ];
}

const OPTIONS = {
  cluster: { type: 'string', multiple: true },
  check: { type: 'boolean' },
  diff: { type: 'boolean' },
  'ignore-untracked': { type: 'boolean' },
  force: { type: 'boolean' },
  format: { type: 'string', multiple: true },
  root: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  let opts;
  try {
    opts = parseArgs({
      args,
      allowPositionals: false,
      options: OPTIONS,
    }).values;
  } catch (err) {
    io.stderr(argError('generate', err, Object.keys(OPTIONS)));
    return EXIT.usage;
  }
  if (opts.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const formats = parseFormats(opts.format ?? []);
  if (typeof formats === 'string') {
    io.stderr(`talium generate: ${formats}\n`);
    return EXIT.usage;
  }
  const root = opts.root !== undefined ? resolve(io.cwd, opts.root) : findRoot(io.cwd);
  if (!root || !existsSync(join(root, 'clusters'))) {
    // a project in a subfolder (infra/clusters/...): the hook and CI run at the top of the checkout and need --root
    const below = opts.root === undefined ? projectsBelow(io.cwd) : [];
    const hint = below.length ? `; ${below.map((d) => `${d}/clusters/`).join(', ')} ${below.length === 1 ? 'is' : 'are'} below: use --root ${below[0]}` : ' (use --root DIR)';
    io.stderr(`talium generate: no clusters/ folder ${opts.root !== undefined ? `in ${opts.root}` : `at or above ${io.cwd}`}${hint}.\n`);
    return EXIT.usage;
  }
  // --diff is --check that also shows the changes
  if (opts.diff) opts.check = true;
  if (opts['ignore-untracked'] && !opts.check) {
    io.stderr('talium generate: --ignore-untracked goes with --check or --diff (it judges the commit, and writes nothing).\n');
    return EXIT.usage;
  }
  let isUntracked: ((path: string) => boolean) | undefined;
  if (opts['ignore-untracked']) {
    // lint's listing (one git call per work tree); ignored files too: a generated file .gitignore hides is just as
    // absent from the commit
    const git = new UntrackedFiles();
    const listing = git.under(root);
    if (typeof listing === 'string') {
      io.stderr(`talium generate: --ignore-untracked: ${listing}\n`);
      return EXIT.usage;
    }
    if (listing?.size) isUntracked = git.relative(root);
  }
  // an untracked cluster.yaml (a draft beside the commit) is no cluster of the commit
  const all = discoverClusters(root).filter((n) => !isUntracked?.(`clusters/${n}/cluster.yaml`));
  // a name given twice is still one cluster: `wanted` decides below whether every cluster was generated
  const wanted = [...new Set(opts.cluster ?? all)];
  const unknown = wanted.filter((n) => !all.includes(n));
  if (unknown.length) {
    io.stderr(`talium generate: no clusters/${unknown[0]}/cluster.yaml (known: ${all.join(', ') || 'none'}).\n`);
    return EXIT.usage;
  }

  const display = (repoPath: string) => toPosix(relative(io.cwd, join(root, repoPath))) || repoPath;
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const clusters: Cluster[] = [];
  // Flux and Argo CD read Git paths from the repository root, which may be above clusters/'s parent
  const repoPrefix = gitPrefix(root);
  for (const name of [...wanted].sort()) {
    const specPath = `clusters/${name}/cluster.yaml`;
    const shown = display(specPath);
    let text: string;
    try {
      text = readFileSync(join(root, specPath), 'utf8');
    } catch (err) {
      // an I/O error (exit 2), named as one: not an internal error
      io.stderr(`talium generate: ${shown} could not be read (${(err as NodeJS.ErrnoException).code ?? 'EIO'}); nothing written.\n`);
      return EXIT.usage;
    }
    sources.set(shown, text);
    const loaded = loadClusterSpec(text, { name, displayPath: shown, specPath, repoPrefix });
    const found = loaded.findings.map(toDiagnostic);
    pushAll(diagnostics, found);
    // cilium.values goes to Helm as written: a plain `on` there is the string "on" (written quoted into the values
    // file) where the user may have meant true. A warning, as `talium lint` reports it; it does not stop generating.
    if (loaded.doc) pushAll(diagnostics, specValuesTruthy(loaded.doc, found));
    if (loaded.cluster) clusters.push(loaded.cluster);
  }
  const finish = (code: number, files: string[], out: CliIo = io): number => {
    const sorted = sortDiagnostics(diagnostics);
    emit({ diagnostics: sorted, rules: generateRules(), files, sources, tool: { name: 'talium', version: toolVersion() } }, formats, out);
    return code;
  };
  if (diagnostics.some((d) => d.severity === 'error')) {
    const s = summarize(diagnostics);
    io.stderr(`talium generate: ${s.errors} error(s) in cluster.yaml; nothing written.\n`);
    return finish(EXIT.findings, [...sources.keys()]);
  }

  const started = Date.now();
  const out = generate(clusters, { all: wanted.length === all.length, schema: isTaliumRepository(root) });
  if (wanted.length === all.length) out.roots.push(...orphanRoots(root, all));
  const onDisk = planWrite(root, out.files, out.roots, { force: !!opts.force });
  const view = isUntracked ? commitView(onDisk, out.files, isUntracked) : undefined;
  const plan = view?.plan ?? onDisk;
  // no cluster.yaml left: sweep what the removed clusters generated (orphaned generated/ folders, the shared bases),
  // as removing one of two clusters does; with nothing of talium's to sweep either, it is most likely the wrong folder
  if (!all.length && !plan.changes.length && !plan.refused.length) {
    io.stderr(`talium generate: no clusters/<name>/cluster.yaml under ${root}.\n`);
    return EXIT.usage;
  }
  const fileList = [...out.files.keys()].map(display);
  // targets no run may write (a link on the way, a folder at a file's path, a read-only folder): --check says so too
  diagnostics.push(...blockedDiagnostics(plan.blocked, display));

  if (opts.check) {
    for (const ch of plan.changes) {
      const line = ch.change === 'update' ? firstDifferentLine(ch.current ?? '', ch.text ?? '') : 1;
      const file = display(ch.path);
      const verb = ch.temp
        ? 'is a temp file an interrupted talium run left'
        : ch.change === 'create'
          ? 'is missing'
          : ch.change === 'update'
            ? 'is out of date'
            : 'is stale (no cluster.yaml produces it any more)';
      // `talium generate` would refuse this file: say so here, or the hint sends the user into that refusal
      const refused = plan.refused.find((r) => r.path === ch.path);
      const untracked = view?.untracked.has(ch.path) === true;
      diagnostics.push({
        ruleId: 'generate/drift',
        severity: 'error',
        message: refused
          ? `Generated file ${file} ${refused.reason === 'edited' ? 'was edited by hand' : refused.symlink ? 'is a symbolic link talium did not make' : 'was not written by talium'}, so it differs from what cluster.yaml produces.`
          : untracked
            ? `Generated file ${file} is not tracked by git, so the commit lacks it.`
            : `Generated file ${file} ${verb}.`,
        help: refused
          ? `Run \`talium generate --force\` to discard the edit (to keep it, move it into cluster.yaml first: cilium.values for Helm values${argoOverlayHint(ch.path, ch.current) ? `; ${argoOverlayHint(ch.path, ch.current)}` : ''}), then commit the result.`
          : untracked
            ? 'Run `talium generate`, then `git add` the generated files and commit them.'
            : 'Run `talium generate` (`npx talium generate` where talium is a dev dependency) and commit the result.',
        file,
        range: { start: { line, column: 1 }, end: { line, column: 1 } },
        data: refused
          ? { change: ch.change, path: ch.path, reason: refused.reason, ...(refused.symlink ? { symlink: true } : {}), ...(argoOverlayHint(ch.path, ch.current) ? { keepIn: 'overlay' } : {}) }
          : { change: ch.change, path: ch.path, ...(untracked ? { untracked: true } : {}), ...(ch.temp ? { temp: true } : {}) },
      });
    }
    const mode = opts.diff ? '--diff' : '--check';
    if (plan.changes.length) io.stderr(`talium generate ${mode}: ${plan.changes.length} file(s) would change.\n`);
    if (plan.blocked.length) io.stderr(`talium generate ${mode}: ${plan.blocked.length} file(s) cannot be written.\n`);
    const code = plan.changes.length || plan.blocked.length ? EXIT.findings : EXIT.ok;
    if (!opts.diff) return finish(code, fileList);
    // the patch alone on stdout (for `git apply`, a pager, a PR comment); the findings go to stderr
    io.stdout(unifiedDiff(plan.changes, display, wantsColor(io)));
    return finish(code, fileList, { ...io, stdout: io.stderr, isTTY: false });
  }
  if (plan.refused.length || plan.blocked.length) {
    for (const r of plan.refused) {
      const file = display(r.path);
      const ch = plan.changes.find((c) => c.path === r.path);
      const line = editedLine(ch);
      const overlay = r.reason === 'edited' && !r.symlink ? argoOverlayHint(r.path, ch?.current) : undefined;
      diagnostics.push({
        ruleId: 'generate/hand-edited',
        severity: 'error',
        message:
          r.reason === 'edited'
            ? `${file} was edited by hand since talium generated it; refusing to ${r.change === 'remove' ? 'delete' : 'overwrite'} it.`
            : r.symlink
              ? `${file} is a symbolic link talium did not make; refusing to replace it.`
              : `${file} was not written by talium; refusing to overwrite it.`,
        help: r.symlink
          ? 'Remove the link (talium writes a real file there), or rerun with --force to replace the link itself (its target is never written).'
          : overlay
            ? `Move the change into cluster.yaml (cilium.values for Helm values); ${overlay}. Or rerun with --force to discard it.`
            : 'Move the change into cluster.yaml (cilium.values for Helm values), or rerun with --force to discard it.',
        file,
        range: { start: { line, column: 1 }, end: { line, column: 1 } },
        data: { reason: r.reason, change: r.change, path: r.path, ...(r.symlink ? { symlink: true } : {}), ...(overlay ? { keepIn: 'overlay' } : {}) },
      });
    }
    const parts = [
      ...(plan.refused.length ? [`${plan.refused.length} hand-edited file(s)`] : []),
      ...(plan.blocked.length ? [`${plan.blocked.length} file(s) that cannot be written`] : []),
    ];
    io.stderr(`talium generate: ${parts.join(', ')}; nothing written.\n`);
    return finish(EXIT.findings, fileList);
  }
  let result;
  try {
    result = applyPlan(plan, out.roots);
  } catch (err) {
    if (err instanceof ChangedError) {
      // a file changed (or a link appeared) after generate read it: an input problem, like a hand edit (exit 1)
      diagnostics.push(...blockedDiagnostics(err.blocked, display, err.done));
      io.stderr(`talium generate: ${err.blocked.length} file(s) changed while generate ran; ${err.done ? `${err.done} file(s) before it in path order were already written` : 'nothing written'}.\n`);
      return finish(EXIT.findings, fileList);
    }
    if (!(err instanceof WriteError)) throw err;
    // every target was checked first; this is the disk failing under the run (full, failing): an I/O error (exit 2)
    diagnostics.push(writeFailedDiagnostic(err, display));
    io.stderr(`talium generate: cannot write ${display(err.path)} (${err.code}); ${err.done ? `${err.done} file(s) before it in path order were already written` : 'nothing written'}.\n`);
    return finish(EXIT.usage, fileList);
  }
  const { written, removed } = result;
  io.stderr(`talium generate: ${clusters.length} cluster(s), ${out.files.size} files: ${written} written, ${removed} removed, ${plan.unchanged.length} unchanged (${Date.now() - started} ms).\n`);
  return finish(EXIT.ok, fileList);
}

/**
 * For a hand-edited Argo CD file talium writes (the shared base Applications, a cluster's overlay or root
 * Application): where a setting cluster.yaml has no field for (an Argo CD project, finalizers, sync options) is kept,
 * a kustomization of the user's own over the generated folder, synced instead of root-app.yaml. Undefined for
 * other files (Talos patches, values, pools, Flux objects).
 */
function argoOverlayHint(path: string, current: string | undefined): string | undefined {
  if (current === undefined || !/^\s*apiVersion:\s*argoproj\.io\//m.test(current) && !/\bkind:\s*Application\b/.test(current)) return undefined;
  if (!/(?:^|\/)clusters\/(?:_base\/argocd|[^/]+\/generated\/(?:argocd|kubernetes))\//.test(path)) return undefined;
  const m = /(?:^|\/)(clusters\/[^/_][^/]*)\/generated\//.exec(path);
  const folder = `${m ? m[1] : 'clusters/<name>'}/generated/kubernetes`;
  return `what cluster.yaml has no field for (an Argo CD project, finalizers, sync options) goes into a kustomization of your own that lists ${folder} under resources and patches it, synced by an Application of yours instead of root-app.yaml`;
}

/**
 * The line of a hand edit: when the cluster.yaml still produces the bytes talium wrote (the file's recorded hash
 * equals the new one), the first line where the file differs from them; else (the spec changed too, so the two
 * differ for both reasons) line 1.
 */
function editedLine(ch: { change: string; current?: string; text?: string } | undefined): number {
  if (!ch || ch.change !== 'update' || ch.current === undefined || ch.text === undefined) return 1;
  const was = recordedHash(ch.current);
  return was && was === recordedHash(ch.text) ? firstDifferentLine(ch.current.replace(/\r\n/g, '\n'), ch.text) : 1;
}
