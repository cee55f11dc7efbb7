/**
 * The user's cache folder for talium: $TALIUM_CACHE_DIR, else $XDG_CACHE_HOME/talium, else ~/.cache/talium. The
 * parse and run caches live under it (lint/), and the code caches (code-cache/) when talium's own folder cannot be
 * written (a global install owned by root). scripts/talium.cjs (the launcher) repeats this rule: it imports nothing from dist/
 * before the CLI loads.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function userCacheDir(): string {
  const env = process.env;
  if (env['TALIUM_CACHE_DIR']) return env['TALIUM_CACHE_DIR'];
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'talium');
}
