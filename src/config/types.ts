/**
 * The lint configuration after loading: talium.config.yaml (repository-wide) plus the `lint:` sections of
 * clusters/<name>/cluster.yaml (scoped to that cluster folder). Shape documented by schemas/talium.config.schema.json.
 */
import type { Range, Severity } from '../core/diagnostic.js';
import type { PlanConfig } from '../plan/types.js';

export type RuleSetting = Severity | 'off';

/** Where an `exclude:` pattern is written (config/unused-exclude points there). */
export interface ExcludeSite {
  file: string;
  range: Range;
}

/** Severity and exclude settings that apply to files under `dir` (a cluster folder). */
export interface ScopedLint {
  /** Folder relative to cwd, `/` separators, no trailing slash. */
  dir: string;
  rules: Record<string, RuleSetting>;
  exclude: string[];
  /** Where each of `exclude` is written (same order), when loaded from a file. */
  excludeSites?: ExcludeSite[];
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
  /** Where each of `exclude` is written (same order), when loaded from a file. */
  excludeSites?: ExcludeSite[];
  maxFileSize: number;
  plan?: PlanConfig;
  schemaDirs: string[];
  unknownKindSeverity?: RuleSetting;
  scoped: ScopedLint[];
}
