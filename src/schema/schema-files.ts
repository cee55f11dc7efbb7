/**
 * Reading JSON Schema files: talium's own under `schemas/` (found relative to this module, so it works from
 * dist/ and from an installed package) and users' extra folders. The only file I/O of src/schema/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the package's `schemas/` folder (dist/src/schema → ../../../schemas, or src/schema → ../../schemas). */
export function builtinSchemaDir(): string {
  for (const up of ['../../../schemas', '../../schemas']) {
    const p = fileURLToPath(new URL(up, import.meta.url));
    try {
      if (statSync(join(p, 'k8s-common.json')).isFile()) return p;
    } catch {
      /* try the next candidate */
    }
  }
  return fileURLToPath(new URL('../../../schemas', import.meta.url));
}

const cache = new Map<string, unknown>();

/** A built-in schema by its path under schemas/ (parsed once per process). */
export function readBuiltinSchema(rel: string): unknown {
  let s = cache.get(rel);
  if (s === undefined) {
    s = JSON.parse(readFileSync(join(builtinSchemaDir(), rel), 'utf8')) as unknown;
    cache.set(rel, s);
  }
  return s;
}

export interface SchemaFile {
  /** Path relative to the folder, `/` separators. */
  rel: string;
  abs: string;
  schema: unknown;
}

/** Every `*.json` under a folder (sorted; unreadable or invalid files are reported, not thrown). */
export function readSchemaFolder(dir: string): { files: SchemaFile[]; errors: Array<{ file: string; message: string }> } {
  const files: SchemaFile[] = [];
  const errors: Array<{ file: string; message: string }> = [];
  const walk = (d: string, depth: number): void => {
    if (depth > 8) return;
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch (e) {
      errors.push({ file: d, message: (e as Error).message });
      return;
    }
    for (const n of names) {
      const abs = join(d, n);
      let st;
      try {
        st = statSync(abs);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(abs, depth + 1);
      else if (n.endsWith('.json')) {
        try {
          files.push({ rel: relative(dir, abs).split(sep).join('/'), abs, schema: JSON.parse(readFileSync(abs, 'utf8')) });
        } catch (e) {
          errors.push({ file: abs, message: (e as Error).message });
        }
      }
    }
  };
  walk(dir, 0);
  return { files, errors };
}
