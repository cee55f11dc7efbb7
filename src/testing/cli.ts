/**
 * Test helpers to run the CLI: in-process (fast, captures output) or as a child process (exit codes, no TTY).
 * Lives in src/ so `node --test dist/test/` does not count it as a test file.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../cli/main.js';
import type { CliIo } from '../cli/io.js';

/** Absolute path of the compiled CLI entry next to this module (works from any outDir). */
export const CLI_MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], opts: { cwd: string; env?: Record<string, string | undefined>; isTTY?: boolean; columns?: number }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    cwd: opts.cwd,
    env: opts.env ?? { NO_COLOR: '1' },
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    isTTY: opts.isTTY ?? false,
    ...(opts.columns ? { columns: opts.columns } : {}),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Spawn `node <compiled main>` for real: real exit code, real process boundaries. */
export function spawnCli(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): CliRun {
  const launcher = `import(${JSON.stringify('file://' + CLI_MAIN)}).then(async m => { process.exitCode = await m.main(process.argv.slice(1)); })`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', launcher, ...args], {
    cwd: opts.cwd,
    // GITHUB_WORKSPACE would rebase github/sarif paths when the tests themselves run in GitHub Actions
    env: { ...process.env, NO_COLOR: '1', GITHUB_WORKSPACE: undefined, ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? 2, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Repository root: npm runs tests there. */
export const REPO_ROOT = process.cwd();
