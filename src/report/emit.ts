/**
 * `--format NAME[=FILE]` handling shared by every command: parse the option values, render each reporter,
 * write to stdout or to the named file. The only place reporters' output leaves the process.
 */
import { closeSync, openSync, realpathSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { wantsColor, type CliIo } from '../cli/io.js';
import { batched } from './chunks.js';
import { REPORTERS } from './index.js';
import type { LintResult } from './types.js';
import { makeDirs } from '../io/make-dirs.js';

export interface FormatSpec {
  name: string;
  /** Output file (relative to cwd), or undefined for stdout. */
  file?: string;
}

/** Parse `--format` values; returns an error string for unknown names or two formats on stdout. */
export function parseFormats(values: string[]): FormatSpec[] | string {
  const specs: FormatSpec[] = [];
  for (const v of values.length ? values : ['stylish']) {
    const eq = v.indexOf('=');
    const name = eq === -1 ? v : v.slice(0, eq);
    const file = eq === -1 ? undefined : v.slice(eq + 1);
    if (!REPORTERS[name]) return `unknown format "${name}" (known: ${Object.keys(REPORTERS).sort().join(', ')})`;
    if (file === '') return `--format ${name}= needs a file name`;
    specs.push(file === undefined ? { name } : { name, file });
  }
  if (specs.filter((s) => !s.file).length > 1) return 'at most one --format may write to stdout; give the others =FILE';
  return specs;
}

/** Formats GitHub reads back (annotations, code scanning): their paths must be relative to the checkout. */
const WORKSPACE_RELATIVE = new Set(['github', 'sarif']);

/**
 * Inside GitHub Actions (GITHUB_WORKSPACE set), file names relative to the checkout root: GitHub resolves annotation
 * and SARIF paths from there, not from a step's working-directory (`talium lint` from infra/, or `talium lint
 * ../repo` from a folder outside the checkout). Files outside the checkout keep their names. Undefined elsewhere.
 */
export function workspaceRelative(cwd: string, env: Record<string, string | undefined>): ((file: string) => string) | undefined {
  const ws = env['GITHUB_WORKSPACE'];
  if (!ws) return undefined;
  // the working directory is a physical path (process.cwd()), GITHUB_WORKSPACE may name the checkout through a
  // symlink: compare with both
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const roots = [...new Set([resolve(ws), real(resolve(ws))])];
  const bases = [...new Set([resolve(cwd), real(resolve(cwd))])];
  return (f) => {
    for (const root of roots) {
      for (const base of bases) {
        const rel = relative(root, resolve(base, f || '.')).split('\\').join('/');
        if (!(rel === '..' || rel.startsWith('../') || isAbsolute(rel))) return rel || '.';
      }
    }
    return f;
  };
}

/** Every file name of a result (diagnostics, related locations, suppressed, files, sources, --fix report) through `p`. */
export function rebaseResult(result: LintResult, p: (file: string) => string): LintResult {
  const diag = <T extends LintResult['diagnostics'][number]>(d: T): T => ({ ...d, file: p(d.file), ...(d.related ? { related: d.related.map((r) => ({ ...r, file: p(r.file) })) } : {}) });
  const out: LintResult = {
    ...result,
    diagnostics: result.diagnostics.map(diag),
    files: result.files.map(p),
    sources: new Map([...result.sources].map(([k, v]) => [p(k), v])),
  };
  if (result.suppressed) out.suppressed = result.suppressed.map(diag);
  if (result.fix) out.fix = { applied: result.fix.applied.map((a) => ({ ...a, file: p(a.file) })), skipped: result.fix.skipped.map((s) => ({ ...s, file: p(s.file) })) };
  return out;
}

/** Every byte of `b` to `fd` (a write may take part of it). */
function writeAll(fd: number, b: Buffer): void {
  for (let at = 0; at < b.length; ) at += writeSync(fd, b, at, b.length - at);
}

/**
 * Render `result` in every requested format, writing each piece as it is made; yields after each write to stdout.
 * `fixCommand` is what the stylish summary tells the user to run for fixable findings.
 */
function* writes(result: LintResult, specs: FormatSpec[], io: CliIo, fixCommand?: string): Generator<void> {
  const color = wantsColor(io);
  const toWorkspace = workspaceRelative(io.cwd, io.env);
  const inWorkspace = toWorkspace ? rebaseResult(result, toWorkspace) : result;
  for (const spec of specs) {
    const reporter = REPORTERS[spec.name]!;
    // written in pieces of ~1 MB as the reporter makes them: the whole text of many findings is never held
    const pieces = batched(reporter.chunks(WORKSPACE_RELATIVE.has(spec.name) ? inWorkspace : result, { color: spec.file ? false : color, ...(fixCommand ? { fixCommand } : {}) }));
    if (spec.file) {
      const path = resolve(io.cwd, spec.file);
      makeDirs(dirname(path));
      const fd = openSync(path, 'w');
      try {
        for (const text of pieces) writeAll(fd, Buffer.from(text));
      } finally {
        closeSync(fd);
      }
    } else {
      for (const text of pieces) {
        io.stdout(text);
        yield;
      }
    }
  }
}

/** Render `result` in every requested format (stdout may queue what a pipe does not take yet: for small outputs). */
export function emit(result: LintResult, specs: FormatSpec[], io: CliIo, fixCommand?: string): void {
  for (const _ of writes(result, specs, io, fixCommand)) void _;
}

/**
 * emit, waiting after each piece written to stdout until stdout has taken it (`io.drained`): a pipe takes 64 KB at a
 * time, and what it has not taken stays in memory (a 274 MB SARIF report piped to another process was held whole).
 * `exitCode`: the run's exit code, should the reader close the pipe while it waits (`talium lint | head`).
 */
export async function emitDrained(result: LintResult, specs: FormatSpec[], io: CliIo, exitCode: number, fixCommand?: string): Promise<void> {
  for (const _ of writes(result, specs, io, fixCommand)) if (io.drained) await io.drained(exitCode);
}
