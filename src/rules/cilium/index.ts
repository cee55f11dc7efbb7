/** The cilium rules, sorted by id. */
import type { Rule } from '../types.js';

export const CILIUM_RULES: readonly Rule[] = [];
