/** The gitops rules, sorted by id. */
import type { Rule } from '../types.js';

export const GITOPS_RULES: readonly Rule[] = [];
