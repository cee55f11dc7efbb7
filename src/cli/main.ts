/**
 * The CLI entry: picks a subcommand from a static table and turns any escaped exception into exit 2
 * with a one-line message (never a stack trace unless TALIUM_DEBUG is set).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT, processIo, type CliIo, type Command } from './io.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: Command }> }> = {
  init: { summary: 'Write a starter clusters/<name>/cluster.yaml for your LAN', load: () => import('./init.js') },
  generate: { summary: 'Generate GitOps manifests from clusters/<name>/cluster.yaml', load: () => import('./generate.js') },
  lint: { summary: 'Lint a GitOps repository (schemas + policy rules)', load: () => import('./lint.js') },
  plan: { summary: 'Print the network plan talium infers for a repository, with provenance', load: () => import('./plan.js') },
  rules: { summary: 'List the lint rules', load: () => import('./rules.js') },
  explain: { summary: 'Explain one rule: what, why, how to fix, source', load: () => import('./explain.js') },
  schemas: { summary: 'Schema tools (`talium schemas import <crd> --out <dir>`)', load: () => import('./schemas.js') },
  hooks: { summary: 'Install a native git pre-commit hook (simple-git-hooks) that runs talium', load: () => import('./hooks.js') },
};

export function toolVersion(): string {
  try {
    const pkgPath = fileURLToPath(new URL('../../../package.json', import.meta.url));
    return (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function usage(): string {
  const lines = ['Usage: talium <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `talium <command> --help` for its options.', '');
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.stdout(usage());
    return cmd ? EXIT.ok : EXIT.usage;
  }
  if (cmd === '--version' || cmd === '-v') {
    io.stdout(`talium ${toolVersion()}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS[cmd];
  if (!entry) {
    io.stderr(`talium: unknown command "${cmd}".\n\n${usage()}`);
    return EXIT.usage;
  }
  try {
    const mod = await entry.load();
    return await mod.run(rest, io);
  } catch (err) {
    const e = err as Error;
    io.stderr(`talium ${cmd}: internal error: ${e?.message ?? String(err)}\n`);
    if (io.env['TALIUM_DEBUG']) io.stderr(`${e?.stack ?? ''}\n`);
    return EXIT.usage;
  }
}
