/**
 * Per-file results of the per-document checks (schemas, `yaml/truthy`, cluster.yaml spec checks: doc-checks.ts)
 * kept in the parse cache beside the file's documents, so a warm run validates only the files that changed.
 *
 * A file's results depend on its text (the parse cache entry is already tied to it) and on what the checks are
 * given besides: the options of each cluster group its documents are checked in (versions, unknown-kind
 * severity, schema folders and their files), the repository's CustomResourceDefinitions, whether a kustomization
 * uses the file as a patch, and the code and schemas that check. All of that goes into the file's key
 * (`CheckKeys.fileKey`); stored results are used only under the same key. Runs with an internal error store
 * nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha1 } from '../core/builtins.js';
import { fileStamp } from '../core/code-cache.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { YamlDocument } from '../core/document.js';
import { MODEL_PACKAGES, resolveRoot } from '../schema/k8s-models.js';
import { MANIFEST_FILE, PRECOMPILED_DIR, ajvVersion, schemasStamp } from '../schema/precompiled.js';
import type { GroupCheck } from './doc-checks.js';
import type { LoadedFile } from './load-file.js';
import { plainJson } from './parse-cache.js';

/** Walk at most this many entries of a folder tree for a stamp (a schema folder, the compiled code). */
const MAX_STAMP_ENTRIES = 20_000;

/**
 * What identifies a file's bytes, as the parse cache identifies a linted file: size, modification and change
 * times, inode (fileStamp). An edit that puts the modification time back (`cp -p`, `rsync -a`, `touch -r`) or a link
 * retargeted to a file of the same size and time still changes the change time or the inode. '' when it cannot be
 * read. (No hash of files written within the last two seconds, as the parse cache takes: the stamp would change
 * once they are two seconds old, a miss on a run that follows an edit, and Linux keeps change times finer than any
 * two writes a run could fall between.)
 */
export const contentStamp = fileStamp;

/**
 * Names and identities (`stampOf`, contentStamp by default) of the files under `dir` (sorted), or 'missing';
 * undefined when the folder is too big to stamp (then nothing that depends on it may be cached).
 */
export function folderStamp(dir: string, keep: (name: string) => boolean = () => true, maxEntries = MAX_STAMP_ENTRIES, stampOf: (file: string) => string = contentStamp): string | undefined {
  const out: string[] = [];
  let budget = maxEntries;
  let truncated = false;
  const walk = (d: string, rel: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      out.push(`${rel}:unreadable`);
      return;
    }
    for (const n of names) {
      if (--budget < 0) {
        truncated = true;
        return;
      }
      const abs = join(d, n);
      let isDir = false;
      try {
        isDir = statSync(abs).isDirectory();
      } catch {
        continue;
      }
      if (isDir) {
        if (depth < 32) walk(abs, `${rel}${n}/`, depth + 1);
      } else if (keep(n)) out.push(`${rel}${n}:${stampOf(abs)}`);
    }
  };
  try {
    if (!statSync(dir).isDirectory()) return `file:${stampOf(dir)}`;
  } catch {
    return 'missing';
  }
  walk(dir, '', 0);
  return truncated ? undefined : out.join('\n') || 'empty';
}

/** The text of a package's package.json (npm gives installed files a fixed modification time: stamps by bytes). */
function packageText(spec: string): string {
  let dir = resolveRoot(spec);
  for (let i = 0; dir && i < 4; i++, dir = dirname(dir)) {
    try {
      return readFileSync(join(dir, 'package.json'), 'utf8');
    } catch {
      /* look one folder up */
    }
  }
  return 'missing';
}

let codeStampMemo: string | undefined;

/**
 * npm's hidden lockfile (node_modules/.package-lock.json), rewritten by every install, update or removal: one stat
 * covers ajv and the kubernetes-models packages. Looked for beside talium's own node_modules and, when talium is
 * itself installed as a package, in the node_modules that holds it. Undefined without one (yarn, pnpm).
 */
function installStamp(): string | undefined {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const candidates = [join(root, 'node_modules', '.package-lock.json')];
  for (let d = dirname(root), i = 0; i < 2; d = dirname(d), i++) if (d.endsWith(`${sep}node_modules`)) candidates.push(join(d, '.package-lock.json'));
  const stamps = candidates.map(fileStamp).filter((x) => x !== '');
  return stamps.length ? stamps.join(',') : undefined;
}

/**
 * What the checks' results depend on besides the documents and options: talium's code (the bundle file, or every
 * compiled module), its schema files and precompiled validators, ajv and the kubernetes-models packages (through
 * npm's lockfile when there is one, else their package.json texts).
 */
export function checkCodeStamp(): string {
  if (codeStampMemo !== undefined) return codeStampMemo;
  const here = fileURLToPath(import.meta.url);
  const code = here.endsWith('.cjs') ? fileStamp(here) : (folderStamp(fileURLToPath(new URL('../', import.meta.url)), (n) => n.endsWith('.js') || n.endsWith('.cjs'), MAX_STAMP_ENTRIES, fileStamp) ?? String(Math.random()));
  const packages = installStamp() ?? [ajvVersion(), ...MODEL_PACKAGES.map((p) => packageText(p.source))].join('\0');
  const parts = [code, schemasStamp(), fileStamp(join(PRECOMPILED_DIR, MANIFEST_FILE)), process.env['TALIUM_PRECOMPILED'] ?? '', packages];
  codeStampMemo = sha1(parts.join('\0'));
  return codeStampMemo;
}

/** The keys under which each file's check results are stored, for one run's groups and repository. */
export class CheckKeys {
  /**
   * False when something the results depend on cannot be keyed: a CRD whose values JSON would change (`.inf`,
   * `.nan` all become null), a schema folder too big to stamp. Then nothing is read from or written to the cache.
   */
  cacheable = true;
  private readonly groupKeys: string[];
  private readonly groupsOf = new Map<YamlDocument, number[]>();

  constructor(
    groups: readonly GroupCheck[],
    crdDocs: readonly YamlDocument[],
    private readonly partialFiles: ReadonlySet<string>,
  ) {
    if (!crdDocs.every((d) => plainJson(d.value))) this.cacheable = false;
    const crds = sha1(crdDocs.map((d) => `${d.file.path}#${d.index}:${JSON.stringify(d.value)}`).join('\n'));
    const dirStamps = new Map<string, string>();
    const dirStamp = (dir: string) => {
      let s = dirStamps.get(dir);
      if (s === undefined) {
        s = folderStamp(dir, (n) => n.endsWith('.json')) ?? '';
        if (!s) this.cacheable = false;
        dirStamps.set(dir, s);
      }
      return s;
    };
    this.groupKeys = groups.map((g) => sha1(JSON.stringify([checkCodeStamp(), g.opts, (g.opts.extraSchemaDirs ?? []).map(dirStamp), crds])));
    groups.forEach((g, i) => {
      for (const d of g.docs) {
        const list = this.groupsOf.get(d);
        if (list) list.push(i);
        else this.groupsOf.set(d, [i]);
      }
    });
  }

  /**
   * The key of a file's results: the groups each of its documents is checked in (their keys), and its use as a
   * patch. Plain text rather than a hash: most files' documents share one group, which gives a short key.
   */
  fileKey(f: LoadedFile): string {
    const perDoc = f.docs.map((d) => this.docKey(d));
    const same = perDoc.every((k) => k === perDoc[0]);
    return `${this.partialFiles.has(f.path) ? 'patch' : 'whole'} ${same ? `${perDoc.length}*${perDoc[0] ?? ''}` : perDoc.join(';')}`;
  }

  /** The keys of the groups a document is checked in ('' for none); one group, the common case, without a join. */
  private docKey(d: YamlDocument): string {
    const list = this.groupsOf.get(d);
    if (!list) return '';
    return list.length === 1 ? this.groupKeys[list[0]!]! : list.map((i) => this.groupKeys[i]).join(',');
  }
}

/** Diagnostics by their file. */
export function byFile(list: readonly Diagnostic[]): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const d of list) {
    const l = out.get(d.file);
    if (l) l.push(d);
    else out.set(d.file, [d]);
  }
  return out;
}
