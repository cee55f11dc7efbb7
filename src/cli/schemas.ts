/**
 * `talium schemas import <crd.yaml | folder | URL> --out <dir>`: writes one JSON Schema per served CRD kind and
 * version (`<dir>/<group>/<version>/<Kind>.json`), for `schemas.dirs` in talium.config.yaml. URLs are fetched only
 * when given explicitly (the one network use of talium); an unreachable URL is a usage error (exit 2).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { EXIT, type CliIo } from './io.js';
import { importCrdText, type ImportedSchema } from '../schema/import.js';
import { makeDirs } from '../io/make-dirs.js';

const USAGE = `Usage: talium schemas import <crd.yaml | folder | URL>... --out <dir>

Convert CustomResourceDefinitions to strict JSON Schemas, one file per served kind and version:
  <dir>/<group>/<version>/<Kind>.json
List <dir> under "schemas: { dirs: [...] }" in talium.config.yaml so \`talium lint\` validates those kinds.

A URL (http:// or https://) is downloaded; that needs network access, and an unreachable URL exits with 2.
Options:
  --out <dir>   output folder (required; created if missing)
  -h, --help    show this help
`;

function yamlFiles(dir: string, depth = 0): string[] {
  if (depth > 16) return [];
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...yamlFiles(p, depth + 1));
    else if (/\.ya?ml$/i.test(n)) out.push(p);
  }
  return out;
}

async function fetchText(url: string): Promise<string> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 30_000);
  try {
    const r = await fetch(url, { signal: ctl.signal });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return await r.text();
  } finally {
    clearTimeout(timer);
  }
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '-h' || sub === '--help' || sub === 'help') {
    io.stdout(USAGE);
    return sub ? EXIT.ok : EXIT.usage;
  }
  if (sub !== 'import') {
    io.stderr(`talium schemas: unknown subcommand "${sub}".\n\n${USAGE}`);
    return EXIT.usage;
  }
  let out: string | undefined;
  const inputs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    // `--` ends the options: what follows is CRD files, folders or URLs, even when one starts with "-"
    if (a === '--') {
      inputs.push(...rest.slice(i + 1));
      break;
    }
    if (a === '--out' || a === '-o') out = rest[++i];
    else if (a.startsWith('--out=')) out = a.slice(6);
    else if (a === '-h' || a === '--help') {
      io.stdout(USAGE);
      return EXIT.ok;
    } else if (a.startsWith('-')) {
      io.stderr(`talium schemas import: unknown option "${a}".\n\n${USAGE}`);
      return EXIT.usage;
    } else inputs.push(a);
  }
  if (!out || !inputs.length) {
    io.stderr(`talium schemas import: ${!out ? '--out <dir> is required' : 'give a CRD file, folder or URL'}.\n\n${USAGE}`);
    return EXIT.usage;
  }
  const outDir = resolve(io.cwd, out);
  const written = new Map<string, ImportedSchema>();
  const problems: string[] = [];
  let crdFiles = 0;
  for (const input of inputs) {
    const sources: Array<{ name: string; text: () => Promise<string> }> = [];
    if (/^https?:\/\//i.test(input)) {
      sources.push({ name: input, text: () => fetchText(input) });
    } else {
      const abs = resolve(io.cwd, input);
      let st;
      try {
        st = statSync(abs);
      } catch {
        io.stderr(`talium schemas import: "${input}" does not exist.\n`);
        return EXIT.usage;
      }
      const files = st.isDirectory() ? yamlFiles(abs) : [abs];
      for (const f of files) sources.push({ name: relative(io.cwd, f) || f, text: async () => readFileSync(f, 'utf8') });
    }
    for (const s of sources) {
      let text: string;
      try {
        text = await s.text();
      } catch (e) {
        const msg = (e as Error).message;
        io.stderr(`talium schemas import: cannot read "${s.name}": ${msg}${/^https?:/i.test(s.name) ? ' (a URL needs network access; download the file and pass its path instead)' : ''}.\n`);
        return EXIT.usage;
      }
      const r = importCrdText(text, s.name);
      problems.push(...r.problems);
      if (r.schemas.length) crdFiles++;
      for (const sc of r.schemas) written.set(sc.path, sc);
    }
  }
  for (const p of problems) io.stderr(`warning: ${p}\n`);
  if (!written.size) {
    io.stderr('talium schemas import: no CustomResourceDefinition found in the input.\n');
    return EXIT.findings;
  }
  for (const sc of [...written.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const target = join(outDir, sc.path);
    try {
      makeDirs(dirname(target));
      writeFileSync(target, sc.json);
    } catch (err) {
      io.stderr(`talium schemas import: cannot write ${relative(io.cwd, target).split('\\').join('/')}: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
    io.stdout(`wrote ${relative(io.cwd, target).split('\\').join('/')}\n`);
  }
  io.stdout(`${written.size} schema${written.size === 1 ? '' : 's'} from ${crdFiles} file${crdFiles === 1 ? '' : 's'} in ${relative(io.cwd, outDir) || '.'}\n`);
  return EXIT.ok;
}
