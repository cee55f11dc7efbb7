/** The talos rules, sorted by id. */
import type { Rule } from '../types.js';

export const TALOS_RULES: readonly Rule[] = [];
