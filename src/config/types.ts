/**
 * The lint configuration after loading: talium.config.yaml (repository-wide) plus the `lint:` sections of
 * clusters/<name>/cluster.yaml (scoped to that cluster folder). Shape documented by schemas/talium.config.schema.json.
 */
import type { Severity } from '../core/diagnostic.js';
import type { PlanConfig } from '../plan/types.js';

export type RuleSetting = Severity | 'off';

/** Severity and exclude settings that apply to files under `dir` (a cluster folder). */
export interface ScopedLint {
  /** Folder relative to cwd, `/` separators, no trailing slash. */
  dir: string;
  rules: Record<string, RuleSetting>;
  exclude: string[];
}

export interface LintConfig {
  /** Path of the loaded config file (relative), when there was one. */
  file?: string;
  /**
   * sha1 of that file's text as loaded (the run cache keys it: the plan's positions point into this text, and
   * reading the file again later could see a newer text than the one loaded).
   */
  fileSha1?: string;
  rules: Record<string, RuleSetting>;
  exclude: string[];
  maxFileSize: number;
  plan?: PlanConfig;
  schemaDirs: string[];
  unknownKindSeverity?: RuleSetting;
  scoped: ScopedLint[];
}
