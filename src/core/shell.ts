/**
 * POSIX shell quoting for the words talium writes into commands (generated scripts, the `--fix` command it
 * suggests): a word that needs no quoting stays as it is, so common values keep their bytes.
 */

/** One shell word: as it is when it needs no quoting, else single-quoted (POSIX sh). */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
