/** The k8s rules, sorted by id. */
import type { Rule } from '../types.js';

export const K8S_RULES: readonly Rule[] = [];
