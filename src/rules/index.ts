/**
 * The explicit, sorted list of lint rules (no self-registration). Rule ids equal their file paths.
 */
import type { Rule } from './types.js';

export const RULES: readonly Rule[] = [];
