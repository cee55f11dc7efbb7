/**
 * The findings of targets generate cannot write or that changed under it: generate/symlink, generate/unwritable and
 * generate/changed-during-run (one per offending path, from writer.ts Blocked), and generate/write-failed (the I/O
 * error that stopped a write, writer.ts WriteError). All at line 1 column 1 of the path: file-system findings.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { Blocked, WriteError } from '../io/writer.js';

const BLOCKED_TEXT: Record<Blocked['reason'], (at: string, b: Blocked) => string> = {
  symlink: (at, b) => `${at} is a symbolic link${b.target !== undefined ? ` (to ${b.target})` : ''}; talium never writes or deletes generated files through a link.`,
  'not-a-file': (at) => `${at} is a folder (or another non-file) where talium writes a generated file.`,
  'not-a-folder': (at) => `${at} is a file where talium needs a folder for generated files.`,
  'not-writable': (at, b) => `${at} cannot be written (${b.code ?? 'EACCES'}), so talium cannot write or delete generated files in it.`,
  'read-only': (at) => `${at} is read-only for this user; talium does not replace or delete a file made read-only.`,
  changed: (at, b) =>
    `${at} changed while talium generate ran (${b.now === 'none' ? 'it was removed' : b.now === 'file' ? (b.change === 'create' ? 'a file appeared there' : 'its content is not what generate read') : b.now === 'symlink' ? 'it is now a symbolic link' : b.now === 'folder' ? 'it is now a folder' : 'it is now a special file'}).`,
};

const BLOCKED_HELP: Record<Blocked['reason'], string> = {
  symlink: 'Replace the link with a real folder (or remove it and rerun `talium generate`); to keep files elsewhere, copy them from the generated folder.',
  'not-a-file': 'Move it out of the way, then rerun `talium generate`.',
  'not-a-folder': 'Move it out of the way, then rerun `talium generate`.',
  'not-writable': 'Make the folder writable by this user, then rerun `talium generate`.',
  'read-only': 'Make the file writable (`chmod u+w` it) if talium may replace it, then rerun `talium generate`.',
  changed: 'Let the other program (an editor, another `talium generate`) finish, then rerun `talium generate`; it reads the file again.',
};

const BLOCKED_RULE: Record<Blocked['reason'], string> = {
  symlink: 'generate/symlink',
  'not-a-file': 'generate/unwritable',
  'not-a-folder': 'generate/unwritable',
  'not-writable': 'generate/unwritable',
  'read-only': 'generate/unwritable',
  changed: 'generate/changed-during-run',
};

/** The I/O error that stopped applying a plan (disk full, ...): generate/write-failed at the file, line 1 column 1. */
export function writeFailedDiagnostic(err: WriteError, display: (p: string) => string): Diagnostic {
  const file = display(err.path);
  const what = err.code === 'ENOSPC' ? 'the disk is full' : err.code === 'EDQUOT' ? 'the disk quota is used up' : err.code === 'EROFS' ? 'the file system is read-only' : `the system said ${err.code}`;
  return {
    ruleId: 'generate/write-failed',
    severity: 'error',
    message: `${file} could not be written: ${what}. ${err.done ? `${err.done} file(s) before it in path order were already written; the rest were not.` : 'Nothing was written.'}`,
    help: err.code === 'ENOSPC' || err.code === 'EDQUOT' ? 'Free some disk space, then rerun `talium generate`.' : 'Fix what stops the write, then rerun `talium generate`.',
    file,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
    data: { code: err.code, path: err.path, written: err.done },
  };
}

/**
 * One generate/symlink, generate/unwritable or generate/changed-during-run error per offending path (the link, the
 * folder in the way, the changed file), naming the first generated path it blocks in data.path and how many in
 * data.blocks; at line 1 column 1 of that path (a file-system finding). `done`: files already written before it.
 */
export function blockedDiagnostics(blocked: readonly Blocked[], display: (p: string) => string, done = 0): Diagnostic[] {
  const groups = new Map<string, Blocked[]>();
  for (const b of blocked) {
    const key = `${b.reason}\0${b.at}`;
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  return [...groups.values()].map((group) => {
    const b = group[0]!;
    const file = display(b.at);
    return {
      ruleId: BLOCKED_RULE[b.reason],
      severity: 'error' as const,
      message: `${BLOCKED_TEXT[b.reason](file, b)} ${done ? `${done} file(s) before it in path order were already written.` : 'Nothing was written.'}`,
      help: BLOCKED_HELP[b.reason],
      file,
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
      data: {
        reason: b.reason,
        at: b.at,
        ...(b.target !== undefined ? { target: b.target } : {}),
        ...(b.code !== undefined ? { code: b.code } : {}),
        ...(b.now !== undefined ? { now: b.now } : {}),
        path: b.path,
        blocks: group.length,
        ...(done ? { written: done } : {}),
      },
    };
  });
}
