/** `talium explain`: placeholder until its issue lands. */
import type { CliIo } from './io.js';

export async function run(_args: string[], io: CliIo): Promise<number> {
  io.stderr('talium explain: not implemented yet\n');
  return 2;
}
