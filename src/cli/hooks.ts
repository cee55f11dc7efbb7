/**
 * `talium hooks install`: a native git pre-commit hook for repositories that use npm but not the pre-commit
 * framework. It records the hook command in the project's simple-git-hooks configuration and lets the
 * simple-git-hooks library (resolved from the project) write .git/hooks/pre-commit. No hand-written installer.
 */
import { childProcess } from '../core/builtins.js';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { shellWord } from '../core/shell.js';
import { gitEnv, workTreeTop } from '../io/git-env.js';
import { projectsBelow } from './generate.js';
import { EXIT, type CliIo } from './io.js';

const USAGE = `Usage: talium hooks install [--dry-run] [--force]

Installs a git pre-commit hook that runs \`talium lint\` on the staged files (and \`talium generate --check\`
when the repository has clusters/*/cluster.yaml, with --root when they are in a subfolder). Run it in the
directory that holds your package.json, with talium and simple-git-hooks as devDependencies (talium is not on
the npm registry: install the tarball \`npm pack\` makes in a clone of it, or a git URL):

  npm install --save-dev ../talium/talium-0.1.0.tgz simple-git-hooks
  npx talium hooks install

The command is stored under "simple-git-hooks" in package.json (and "prepare": "simple-git-hooks" is added
when there is no prepare script), so teammates get the hook from \`npm install\`.

Options:
  --dry-run  print what would change; write nothing
  --force    replace a pre-commit hook that simple-git-hooks did not write (e.g. the pre-commit framework's)
`;

const JSON_CONFIGS = ['.simple-git-hooks.json', 'simple-git-hooks.json'];
const JS_CONFIGS = ['.simple-git-hooks.cjs', '.simple-git-hooks.js', '.simple-git-hooks.mjs', 'simple-git-hooks.cjs', 'simple-git-hooks.js', 'simple-git-hooks.mjs'];
/** simple-git-hooks writes this line into every hook it installs. */
const SIMPLE_GIT_HOOKS_MARK = 'SKIP_SIMPLE_GIT_HOOKS';

interface SimpleGitHooks {
  setHooksFromConfig(projectRootPath: string, argv: string[]): Promise<{ isHookChanged: boolean }>;
}

type Json = Record<string, unknown>;

function git(args: string[], cwd: string): string | undefined {
  const r = childProcess().spawnSync('git', args, { cwd, env: gitEnv(cwd), encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** How the hook starts talium from the git top level. */
export function taliumInvocation(projectDir: string, pkgName: unknown): string {
  if (existsSync(join(projectDir, 'node_modules', '.bin', 'talium'))) return 'node_modules/.bin/talium';
  if (pkgName === 'talium' && existsSync(join(projectDir, 'scripts', 'talium.cjs'))) return 'node scripts/talium.cjs';
  return 'npx --no -- talium';
}

function hasClusterSpecs(dir: string): boolean {
  const clusters = join(dir, 'clusters');
  if (!existsSync(clusters)) return false;
  try {
    return readdirSync(clusters).some((name) => existsSync(join(clusters, name, 'cluster.yaml')));
  } catch {
    return false;
  }
}

/**
 * The shell command the pre-commit hook runs (git runs hooks at the top of the work tree). `lint --staged` judges
 * the commit (untracked files left out); `generate --check --ignore-untracked` runs on every commit (a commit that
 * only deletes a generated file names no file), with `--root` for each talium project in a subfolder
 * (infra/clusters/<name>/cluster.yaml beside the package.json's folder).
 */
export function hookCommand(opts: { projectDir: string; gitTop: string; pkgName: unknown }): string {
  const talium = taliumInvocation(opts.projectDir, opts.pkgName);
  const parts = [`${talium} lint --staged`];
  const check = `${talium} generate --check --ignore-untracked`;
  if (hasClusterSpecs(opts.projectDir)) parts.push(check);
  else for (const dir of projectsBelow(opts.projectDir)) parts.push(`${check} --root ${shellWord(dir)}`);
  const rel = relative(opts.gitTop, opts.projectDir).split(sep).join('/');
  const cmd = parts.join(' && ');
  return rel ? `cd '${rel.replace(/'/g, `'\\''`)}' && ${cmd}` : cmd;
}

/** Adds the talium command to a simple-git-hooks config object; returns what it did. */
export function mergeHookConfig(config: Json, command: string): { config: Json; action: 'added' | 'appended' | 'unchanged' } {
  const current = config['pre-commit'];
  if (typeof current === 'string' && /\btalium\b/.test(current)) return { config, action: 'unchanged' };
  if (typeof current === 'string' && current.trim()) return { config: { ...config, 'pre-commit': `${current} && ${command}` }, action: 'appended' };
  const fresh = Object.keys(config).length === 0;
  return { config: { ...config, 'pre-commit': command, ...(fresh ? { preserveUnused: true } : {}) }, action: 'added' };
}

function indentOf(text: string): string {
  return /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
}

function writeJson(path: string, value: unknown, like: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, indentOf(like))}\n`);
  renameSync(tmp, path);
}

function loadSimpleGitHooks(projectDir: string): SimpleGitHooks | undefined {
  for (const base of [join(projectDir, 'package.json'), import.meta.url]) {
    try {
      return createRequire(base)('simple-git-hooks') as SimpleGitHooks;
    } catch {
      // try the next base
    }
  }
  return undefined;
}

function hooksDir(projectDir: string): string {
  // Same resolution as simple-git-hooks: core.hooksPath (relative to the project), else <git common dir>/hooks.
  const custom = git(['config', '--local', 'core.hooksPath'], projectDir);
  if (custom) return isAbsolute(custom) ? custom : resolve(projectDir, custom);
  return join(resolve(projectDir, git(['rev-parse', '--git-common-dir'], projectDir) ?? '.git'), 'hooks');
}

async function install(args: string[], io: CliIo): Promise<number> {
  const dryRun = args.includes('--dry-run');
  const force = args.includes('--force');
  const unknown = args.filter((a) => a !== '--dry-run' && a !== '--force');
  if (unknown.length) {
    io.stderr(`talium hooks install: unknown option "${unknown[0]}".\n\n${USAGE}`);
    return EXIT.usage;
  }
  const projectDir = io.cwd;
  const pkgPath = join(projectDir, 'package.json');
  if (!existsSync(pkgPath)) {
    io.stderr(
      'talium hooks install: no package.json here. Run it where your package.json is, or use the pre-commit framework hook (see the README, "pre-commit").\n',
    );
    return EXIT.usage;
  }
  const gitTop = git(['rev-parse', '--show-toplevel'], projectDir);
  if (!gitTop) {
    io.stderr('talium hooks install: not inside a git work tree (run `git init` first).\n');
    return EXIT.usage;
  }
  const pkgText = readFileSync(pkgPath, 'utf8');
  let pkg: Json;
  try {
    pkg = JSON.parse(pkgText) as Json;
  } catch (err) {
    io.stderr(`talium hooks install: package.json is not valid JSON: ${(err as Error).message}\n`);
    return EXIT.findings;
  }
  const lib = loadSimpleGitHooks(projectDir);
  if (!lib) {
    io.stderr('talium hooks install: the simple-git-hooks package is not installed. Run `npm install --save-dev simple-git-hooks` first.\n');
    return EXIT.usage;
  }
  const jsConfig = JS_CONFIGS.find((f) => existsSync(join(projectDir, f)));
  const command = hookCommand({ projectDir, gitTop, pkgName: pkg['name'] });
  if (jsConfig) {
    io.stderr(`talium hooks install: your hooks are configured in ${jsConfig}; add this to its "pre-commit" and run \`npx simple-git-hooks\`:\n  ${command}\n`);
    return EXIT.findings;
  }

  // The existing hook file: refuse to replace one simple-git-hooks did not write.
  const hookPath = join(hooksDir(projectDir), 'pre-commit');
  if (workTreeTop(projectDir) === undefined) {
    // a core.worktree setup (git finds the repository through GIT_DIR only): simple-git-hooks looks for a .git
    // above the project and would skip the hook without a word
    io.stderr(
      `talium hooks install: no .git folder or file above ${projectDir} (git finds this repository through GIT_DIR), so simple-git-hooks cannot install the hook. ` +
        `Put this into ${hookPath} (executable) yourself:\n#!/bin/sh\n${command}\n`,
    );
    return EXIT.findings;
  }
  if (existsSync(hookPath) && !readFileSync(hookPath, 'utf8').includes(SIMPLE_GIT_HOOKS_MARK) && !force) {
    io.stderr(
      `talium hooks install: ${relative(projectDir, hookPath)} exists and was not written by simple-git-hooks ` +
        '(the pre-commit framework? add the talium hooks to .pre-commit-config.yaml instead). Use --force to replace it.\n',
    );
    return EXIT.findings;
  }

  const jsonConfig = JSON_CONFIGS.find((f) => existsSync(join(projectDir, f)));
  const changes: string[] = [];
  if (jsonConfig) {
    const path = join(projectDir, jsonConfig);
    const text = readFileSync(path, 'utf8');
    const merged = mergeHookConfig(JSON.parse(text) as Json, command);
    if (merged.action !== 'unchanged') {
      changes.push(`${jsonConfig}: pre-commit ${merged.action}`);
      if (!dryRun) writeJson(path, merged.config, text);
    }
  } else {
    const existing = pkg['simple-git-hooks'];
    const merged = mergeHookConfig(existing && typeof existing === 'object' ? (existing as Json) : {}, command);
    const scripts = pkg['scripts'] && typeof pkg['scripts'] === 'object' ? (pkg['scripts'] as Record<string, string>) : {};
    let next = pkg;
    if (merged.action !== 'unchanged') {
      next = { ...next, 'simple-git-hooks': merged.config };
      changes.push(`package.json: "simple-git-hooks" pre-commit ${merged.action}`);
    }
    if (scripts['prepare'] === undefined) {
      next = { ...next, scripts: { ...scripts, prepare: 'simple-git-hooks' } };
      changes.push('package.json: "prepare": "simple-git-hooks" added (teammates get the hook from npm install)');
    } else if (!scripts['prepare'].includes('simple-git-hooks')) {
      io.stdout('note: add `simple-git-hooks` to your "prepare" script so teammates get the hook from `npm install`.\n');
    }
    if (next !== pkg && !dryRun) writeJson(pkgPath, next, pkgText);
  }
  for (const c of changes) io.stdout(`${dryRun ? 'would change' : 'changed'} ${c}\n`);
  io.stdout(`pre-commit hook command: ${command}\n`);
  if (dryRun) return EXIT.ok;

  if (force && existsSync(hookPath) && !readFileSync(hookPath, 'utf8').includes(SIMPLE_GIT_HOOKS_MARK)) {
    renameSync(hookPath, `${hookPath}.before-talium`);
    io.stdout(`moved the previous hook to ${relative(projectDir, hookPath)}.before-talium\n`);
  }
  try {
    await lib.setHooksFromConfig(projectDir, []);
  } catch (err) {
    io.stderr(`talium hooks install: simple-git-hooks could not set the hook: ${String(err)}\n`);
    return EXIT.findings;
  }
  if (!existsSync(hookPath) || !readFileSync(hookPath, 'utf8').includes('talium')) {
    io.stderr(`talium hooks install: ${relative(projectDir, hookPath)} was not written; check your simple-git-hooks configuration.\n`);
    return EXIT.findings;
  }
  io.stdout(`installed ${relative(projectDir, hookPath)} (skip once with SKIP_SIMPLE_GIT_HOOKS=1 git commit ...)\n`);
  return EXIT.ok;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    io.stdout(USAGE);
    return sub ? EXIT.ok : EXIT.usage;
  }
  if (sub === 'install') return install(rest, io);
  io.stderr(`talium hooks: unknown subcommand "${sub}".\n\n${USAGE}`);
  return EXIT.usage;
}
