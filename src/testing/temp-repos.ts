/**
 * Throw-away repositories for tests: `repo({path: text})` writes the files into a new folder under one temporary
 * root and returns the folder; `cleanup()` removes the root (register it with `after`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function tempRepos(prefix: string): { repo: (files: Record<string, string>) => string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  return {
    repo(files) {
      const dir = join(root, `r${n++}`);
      mkdirSync(dir, { recursive: true });
      for (const [p, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), text);
      }
      return dir;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
