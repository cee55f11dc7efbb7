/**
 * What a command may touch of the process: streams, cwd, env, TTY. Commands take this instead of `process`
 * so tests can run them in-process.
 */
export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: (s: string) => void;
  /**
   * Resolves once stdout has taken what was written to it (a pipe may not take it at once); absent: nothing waits.
   * `exitCode`: the command's exit code should the reader close the pipe meanwhile (the run ends there, as below).
   */
  drained?: (exitCode: number) => Promise<void>;
  stderr: (s: string) => void;
  isTTY: boolean;
  /** The terminal's width in columns when stdout is one (prose is wrapped to it: report/wrap.ts). */
  columns?: number;
}

/**
 * Whether terminal output gets ANSI colour: never with NO_COLOR (no-color.org: set and not empty); with FORCE_COLOR
 * set and not empty, yes unless it is '0' or 'false' (force-color.org, Node's own reading of '0'), which CI logs that
 * render ANSI (GitHub Actions) use; otherwise only on a terminal.
 */
export function wantsColor(io: Pick<CliIo, 'env' | 'isTTY'>): boolean {
  if (io.env['NO_COLOR']) return false;
  const force = io.env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  return io.isTTY;
}

let pipeGuarded = false;

/**
 * A reader that stops early (`talium lint | head`) closes the pipe: the rest of the output has nowhere to go, which
 * is not an error of the run (as with git or grep). Without a listener Node prints the EPIPE as a stack trace.
 */
function guardPipes(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      process.stderr.write(`talium: cannot write the output (${err.code ?? err.message}).\n`);
      process.exit(2);
    });
  }
}

/**
 * Resolves when `stream` has no more queued than its high-water mark (at once when it has not; or when it closes).
 * While it waits, `exitCode` is the process's: a reader that stops early ends the run with it (guardPipes).
 */
function drained(stream: NodeJS.WriteStream, exitCode: number): Promise<void> {
  if (!stream.writableNeedDrain) return Promise.resolve();
  process.exitCode = exitCode;
  return new Promise((done) => {
    const finish = () => {
      stream.off('drain', finish);
      stream.off('close', finish);
      done();
    };
    stream.on('drain', finish);
    stream.on('close', finish);
  });
}

export function processIo(): CliIo {
  guardPipes();
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (s) => process.stdout.write(s),
    drained: (exitCode) => drained(process.stdout, exitCode),
    stderr: (s) => process.stderr.write(s),
    isTTY: !!process.stdout.isTTY,
    ...(process.stdout.isTTY && process.stdout.columns ? { columns: process.stdout.columns } : {}),
  };
}

/** Exit codes (ESLint's): 0 clean, 1 findings/drift/refused, 2 usage or internal error. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

export type Command = (args: string[], io: CliIo) => Promise<number>;
