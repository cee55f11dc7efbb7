/**
 * `npm run docs`: writes README.md from scripts/readme/*.md, schemas/*.schema.json and the rule metadata
 * (scripts/docs/assemble.ts does the work). `--check` writes nothing and exits 1 when README.md is stale.
 */
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ruleCatalog } from '../src/lint/rule-catalog.js';
import { assembleReadme, type DocsInputs } from './docs/assemble.js';
import type { RuleDoc } from './docs/rule-reference.js';

export const README = 'README.md';
export const FRAGMENTS_DIR = join('scripts', 'readme');

function readJson(path: string): unknown {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** Every rule talium knows, as `talium rules` lists them: policy rules and the engine's, schema's and generate's ids. */
export function allRuleDocs(): RuleDoc[] {
  return ruleCatalog().map((r) => ({ id: r.id, description: r.description, severity: r.severity, help: r.help, ...(r.docs ? { docs: r.docs } : {}), ...(r.supersedes ? { supersedes: r.supersedes } : {}) }));
}

/** Reads every input of the README below `root` (the repository root). */
export function loadDocsInputs(root: string, rules: readonly RuleDoc[] = allRuleDocs()): DocsInputs {
  const dir = join(root, FRAGMENTS_DIR);
  const fragments = new Map<string, string>();
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.md')).sort()) {
      fragments.set(name, readFileSync(join(dir, name), 'utf8'));
    }
  }
  return {
    fragments,
    clusterSchema: readJson(join(root, 'schemas', 'cluster.schema.json')),
    configSchema: readJson(join(root, 'schemas', 'talium.config.schema.json')),
    rules,
    action: existsSync(join(root, 'action.yml')) ? parseYaml(readFileSync(join(root, 'action.yml'), 'utf8')) : undefined,
  };
}

export function renderReadme(root: string): string {
  return assembleReadme(loadDocsInputs(root));
}

function firstDifference(a: string, b: string): number {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) if (la[i] !== lb[i]) return i + 1;
  return 0;
}

export function runDocs(argv: string[], out: { stdout: (s: string) => void; stderr: (s: string) => void }): number {
  let check = false;
  let root = process.cwd();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') check = true;
    else if (a === '--root' && argv[i + 1]) root = resolve(argv[++i]!);
    else if (a === '--help' || a === '-h') {
      out.stdout('Usage: npm run docs [-- --check] [--root DIR]\n  Writes README.md from scripts/readme/*.md, the schemas and the rule metadata.\n  --check  write nothing; exit 1 when README.md is not current.\n');
      return 0;
    } else {
      out.stderr(`docs: unknown argument "${a}" (try --help)\n`);
      return 2;
    }
  }
  let text: string;
  try {
    text = renderReadme(root);
  } catch (err) {
    out.stderr(`docs: cannot assemble the README: ${(err as Error).message}\n`);
    return 2;
  }
  const path = join(root, README);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  const missing = /<!-- missing: (.*) -->/.exec(text)?.[1];
  if (missing) out.stderr(`docs: missing inputs (sections skipped): ${missing}\n`);
  if (check) {
    if (current === text) {
      out.stdout(`${README} is current.\n`);
      return 0;
    }
    const where = current === undefined ? 'it does not exist' : `first difference at line ${firstDifference(current, text)}`;
    out.stderr(`${README} is stale (${where}): run \`npm run docs\` and commit the result.\n`);
    return 1;
  }
  if (current !== text) {
    const tmp = `${path}.tmp-${process.pid}`;
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, path);
    } catch (err) {
      out.stderr(`docs: cannot write ${path}: ${(err as Error).message}\n`);
      return 2;
    }
    out.stdout(`wrote ${README}\n`);
  } else {
    out.stdout(`${README} is already current.\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = runDocs(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  });
}
