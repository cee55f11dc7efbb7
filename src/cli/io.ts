/**
 * What a command may touch of the process: streams, cwd, env, TTY. Commands take this instead of `process`
 * so tests can run them in-process.
 */
export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: !!process.stdout.isTTY,
  };
}

/** Exit codes (ESLint's): 0 clean, 1 findings/drift/refused, 2 usage or internal error. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

export type Command = (args: string[], io: CliIo) => Promise<number>;
