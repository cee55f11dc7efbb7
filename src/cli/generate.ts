/**
 * `talium generate [--cluster NAME]... [--check] [--force] [--format F[=FILE]]... [--root DIR]`: load every
 * clusters/<name>/cluster.yaml (all problems at once), generate, then write (or, with --check, report drift).
 * Exit 0 clean, 1 spec errors / drift / refused overwrite, 2 usage or internal error; warnings (yaml/truthy in
 * cilium.values, spec/even-control-planes) are reported and leave the exit code alone. Wiring only.
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
import { applyPlan, firstDifferentLine, planWrite } from '../io/writer.js';
import { engineRule } from '../lint/engine-rules.js';
import { specValuesTruthy } from '../lint/yaml-truthy.js';
import { emit, parseFormats } from '../report/emit.js';
import type { RuleInfo } from '../report/types.js';
import { loadClusterSpec } from '../spec/load.js';
import { SCHEMA_RULES } from '../schema/rules.js';
import { GENERATE_RULES } from '../spec/rules.js';
import type { Cluster } from '../spec/types.js';
import { EXIT, type CliIo } from './io.js';
import { toolVersion } from './main.js';

const HELP = `Usage: talium generate [options]

Generate Talos patches, the Cilium release, LB pools, the L2 policy and Flux / Argo CD overlays from
clusters/<name>/cluster.yaml into clusters/<name>/generated/ (shared bases in clusters/_base/).

Options:
  --cluster NAME     Only this cluster (repeatable). Default: every clusters/*/cluster.yaml.
  --check            Write nothing; exit 1 and report every file that would change (drift gate).
  --force            Overwrite or delete generated files even when they were edited by hand.
  --format F[=FILE]  Diagnostics format: stylish (default), json, ... (repeatable; one on stdout).
  --root DIR         Repository root (default: the nearest folder at or above the working directory with clusters/).
  -h, --help         Show this help.

Exit codes: 0 done/clean, 1 spec errors, drift or refused overwrite, 2 usage or internal error.
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

/** Cluster folder names with a cluster.yaml, sorted (folders starting with `_` or `.` are not clusters). */
/** talium's own repository (package.json name "talium") publishes schemas/cluster.schema.json; users' repos do not. */
export function isTaliumRepository(root: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: unknown }).name === 'talium';
  } catch {
    return false;
  }
}

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
    io.stderr(`talium generate: no clusters/ folder ${opts.root !== undefined ? `in ${opts.root}` : `at or above ${io.cwd}`} (use --root DIR).\n`);
    return EXIT.usage;
  }
  const all = discoverClusters(root);
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
    const text = readFileSync(join(root, specPath), 'utf8');
    const shown = display(specPath);
    sources.set(shown, text);
    const loaded = loadClusterSpec(text, { name, displayPath: shown, specPath, repoPrefix });
    const found = loaded.findings.map(toDiagnostic);
    diagnostics.push(...found);
    // cilium.values goes to Helm as written: a plain `on` there is the string "on" (written quoted into the values
    // file) where the user may have meant true. A warning, as `talium lint` reports it; it does not stop generating.
    if (loaded.doc) diagnostics.push(...specValuesTruthy(loaded.doc, found));
    if (loaded.cluster) clusters.push(loaded.cluster);
  }
  const finish = (code: number, files: string[]): number => {
    const sorted = sortDiagnostics(diagnostics);
    emit({ diagnostics: sorted, rules: generateRules(), files, sources, tool: { name: 'talium', version: toolVersion() } }, formats, io);
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
  const plan = planWrite(root, out.files, out.roots, { force: !!opts.force });
  // no cluster.yaml left: sweep what the removed clusters generated (orphaned generated/ folders, the shared bases),
  // as removing one of two clusters does; with nothing of talium's to sweep either, it is most likely the wrong folder
  if (!all.length && !plan.changes.length && !plan.refused.length) {
    io.stderr(`talium generate: no clusters/<name>/cluster.yaml under ${root}.\n`);
    return EXIT.usage;
  }
  const fileList = [...out.files.keys()].map(display);

  if (opts.check) {
    for (const ch of plan.changes) {
      const line = ch.change === 'update' ? firstDifferentLine(ch.current ?? '', ch.text ?? '') : 1;
      const file = display(ch.path);
      const verb = ch.change === 'create' ? 'is missing' : ch.change === 'update' ? 'is out of date' : 'is stale (no cluster.yaml produces it any more)';
      // `talium generate` would refuse this file: say so here, or the hint sends the user into that refusal
      const refused = plan.refused.find((r) => r.path === ch.path);
      diagnostics.push({
        ruleId: 'generate/drift',
        severity: 'error',
        message: refused
          ? `Generated file ${file} ${refused.reason === 'edited' ? 'was edited by hand' : 'was not written by talium'}, so it differs from what cluster.yaml produces.`
          : `Generated file ${file} ${verb}.`,
        help: refused
          ? 'Run `talium generate --force` to discard the edit (to keep it, move it into cluster.yaml first: cilium.values for Helm values), then commit the result.'
          : 'Run `talium generate` (`npx talium generate` where talium is a dev dependency) and commit the result.',
        file,
        range: { start: { line, column: 1 }, end: { line, column: 1 } },
        data: refused ? { change: ch.change, path: ch.path, reason: refused.reason } : { change: ch.change, path: ch.path },
      });
    }
    if (plan.changes.length) io.stderr(`talium generate --check: ${plan.changes.length} file(s) would change.\n`);
    return finish(plan.changes.length ? EXIT.findings : EXIT.ok, fileList);
  }
  if (plan.refused.length) {
    for (const r of plan.refused) {
      const file = display(r.path);
      const line = editedLine(plan.changes.find((c) => c.path === r.path));
      diagnostics.push({
        ruleId: 'generate/hand-edited',
        severity: 'error',
        message:
          r.reason === 'edited'
            ? `${file} was edited by hand since talium generated it; refusing to ${r.change === 'remove' ? 'delete' : 'overwrite'} it.`
            : `${file} was not written by talium; refusing to overwrite it.`,
        help: 'Move the change into cluster.yaml (cilium.values for Helm values), or rerun with --force to discard it.',
        file,
        range: { start: { line, column: 1 }, end: { line, column: 1 } },
        data: { reason: r.reason, change: r.change, path: r.path },
      });
    }
    io.stderr(`talium generate: ${plan.refused.length} hand-edited file(s); nothing written.\n`);
    return finish(EXIT.findings, fileList);
  }
  const { written, removed } = applyPlan(plan, out.roots);
  io.stderr(`talium generate: ${clusters.length} cluster(s), ${out.files.size} files: ${written} written, ${removed} removed, ${plan.unchanged.length} unchanged (${Date.now() - started} ms).\n`);
  return finish(EXIT.ok, fileList);
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
