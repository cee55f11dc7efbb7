/**
 * Where a folder sits inside its Git repository: `git rev-parse --show-prefix` (`kubernetes/` when clusters/ lives
 * in a monorepo's kubernetes/ folder, '' at the top or outside any repository). Flux and Argo CD resolve paths from
 * the repository root, so generated Git paths carry this prefix. Runs git without a shell (git-env.ts: right in a linked work tree's hook too); never throws.
 */
import { childProcess } from '../core/builtins.js';
import { gitEnv } from './git-env.js';

export function gitPrefix(dir: string): string {
  try {
    const r = childProcess().spawnSync('git', ['rev-parse', '--show-prefix'], { cwd: dir, env: gitEnv(dir), encoding: 'utf8' });
    if (r.error || r.status !== 0) return '';
    const p = r.stdout.trim().replace(/\\/g, '/');
    return p && !p.endsWith('/') ? `${p}/` : p;
  } catch {
    return '';
  }
}
